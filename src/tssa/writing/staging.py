"""The staging area of an update or adoption: where copier renders, and an update's private copy of the package.

Nothing in the package changes until the result is complete (see
`tssa.writing.movein`). An update's copy holds the package's committed files
in a git repository of its own, so copier sees no other package of the
user's repository. Every temporary folder of the run, copier's included,
lives in one folder named `tssa-update-<pid>-...` (or `tssa-adopt-...`) in
the system's temporary folder; it is removed at the end, and a later run
removes those of runs that were killed.
"""

from __future__ import annotations

import os
import shutil
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

from tssa.git import git
from tssa.interrupts import signals_held
from tssa.writing.lock import process_alive

PREFIX = "tssa-update-"
PREFIXES = (PREFIX, "tssa-adopt-")


@dataclass(frozen=True)
class Staging:
    """The folders of one run: the copy of the package, and room for renders."""

    root: Path

    @property
    def package(self) -> Path:
        return self.root / "package"

    def room(self, name: str) -> Path:
        return self.root / name


def remove_stale(parent: Path | None = None) -> None:
    """Remove the staging folders of runs that no longer run."""
    folder = parent or Path(tempfile.gettempdir())
    for prefix in PREFIXES:
        for path in folder.glob(prefix + "*-*"):
            pid = path.name.removeprefix(prefix).split("-", 1)[0]
            if pid.isdigit() and int(pid) != os.getpid() and not process_alive(int(pid)):
                shutil.rmtree(path, ignore_errors=True)


@contextmanager
def staging_area(prefix: str = PREFIX) -> Iterator[Staging]:
    """A fresh staging folder; while it is open, every temporary folder is made inside it.

    Made and removed with Ctrl-C held back, so an interrupt cannot leave half of it.
    """
    previous = tempfile.tempdir
    with signals_held():
        root = Path(tempfile.mkdtemp(prefix=f"{prefix}{os.getpid()}-"))
        (root / "tmp").mkdir()
        tempfile.tempdir = str(root / "tmp")
    try:
        yield Staging(root)
    finally:
        with signals_held():
            tempfile.tempdir = previous
            shutil.rmtree(root, ignore_errors=True)


def stage_package(staging: Staging, files: dict[str, bytes]) -> Path:
    """The package's files in the staging folder, committed to a repository of their own."""
    folder = staging.package
    for relative, content in files.items():
        path = folder / relative
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(content)
    folder.mkdir(exist_ok=True)
    git("init", "--quiet", cwd=folder)
    git("add", "--all", cwd=folder)
    git(
        "-c",
        "user.name=tssa update",
        "-c",
        "user.email=tssa@localhost",
        "-c",
        "commit.gpgsign=false",
        "-c",
        f"core.hooksPath={os.devnull}",  # the user's hooks are for the user's repositories
        "commit",
        "--quiet",
        "--no-verify",
        "--allow-empty",
        "-m",
        "the package before the update",
        cwd=folder,
    )
    return folder
