"""Build synthetic project checkouts in a temporary folder: git init, files, a remote."""

from __future__ import annotations

import subprocess
from collections.abc import Mapping
from pathlib import Path


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
