"""Build synthetic project checkouts in a temporary folder: git init, files, a remote."""

from __future__ import annotations

import subprocess
import sys
from collections.abc import Mapping
from pathlib import Path

from conftest import TEMPLATE_ROOT


def git(folder: Path, *args: str) -> str:
    result = subprocess.run(["git", *args], cwd=folder, capture_output=True, text=True, check=True)
    return result.stdout.strip()


def make_checkout(
    folder: Path,
    files: Mapping[str, str | bytes],
    remote: str | None = "git@github.com:acme/rocket.git",
    branch: str = "main",
    commit: bool = False,
) -> Path:
    """A git checkout at `folder` holding `files`; `remote` becomes origin when given; `commit` commits them."""
    folder.mkdir(parents=True, exist_ok=True)
    git(folder, "init", "-q", "-b", branch)
    if remote is not None:
        git(folder, "remote", "add", "origin", remote)
    for name, content in files.items():
        path = folder / name
        path.parent.mkdir(parents=True, exist_ok=True)
        if isinstance(content, bytes):
            path.write_bytes(content)
        else:
            path.write_text(content, encoding="utf-8")
    if commit:
        git(folder, "add", "--all")
        git(folder, "-c", "commit.gpgsign=false", "commit", "--quiet", "--no-verify", "--message", "the project")
    return folder


BASIC_FILES: dict[str, str | bytes] = {
    "README.md": "# Rocket\n\nA rocket launcher.\n\n## Community\n\nTalk to us.\n",
    "SECURITY.md": "Report problems to security@rocket.dev.\nOr use https://github.com/acme/rocket/security/advisories/new.\n",
    "CONTRIBUTING.md": "Open a pull request.\n",
    "main.go": "package main\n",
    "cmd/run.go": "package cmd\n",
}


def copy_package(answers: Path, destination: Path) -> None:
    """`copier copy --defaults --data-file ANSWERS` of the working tree's template, as a user runs it."""
    copier = Path(sys.executable).parent / "copier"
    command = [str(copier), "copy", "--quiet", "--defaults", "--vcs-ref", "HEAD", "--data-file", str(answers)]
    finished = subprocess.run(
        [*command, str(TEMPLATE_ROOT), str(destination)], capture_output=True, text=True, timeout=300
    )
    assert finished.returncode == 0, finished.stderr
