"""Move a staged update or adoption into the package: every file or none, even across a kill.

Before the first file changes, a journal in the git folder lists every path
to write or delete, with digests of its content before and after. Files are
replaced one by one by atomic renames, documents last, with Ctrl-C and
SIGTERM held back. A run that fails half-way restores what it changed from
HEAD; one that was killed (SIGKILL, power loss) is undone by the next run of
`tssa update` or `tssa adopt`, which finds the journal. The package was
committed before the run began, so HEAD holds exactly what was there.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from tssa.errors import RefusedError
from tssa.git import git
from tssa.interrupts import signals_held
from tssa.regularfiles import FileRefusedError, read_regular
from tssa.writing.whole import write_whole

JOURNAL_NAME = "tssa-update.journal"
# A package file or the journal: far larger than any document a package holds.
_MAX_BYTES = 16 * 1024 * 1024


class InterruptedUpdateError(RefusedError):
    """An earlier update or adoption was killed while it moved its result in, and files changed since."""


@dataclass(frozen=True)
class Change:
    """One file of the package to write (`content`) or delete (None), relative to the work tree's top."""

    path: str
    content: bytes | None
    before: bytes | None


def _digest(data: bytes | None) -> str | None:
    return None if data is None else hashlib.sha256(data).hexdigest()


def _read(path: Path) -> bytes | None:
    """A regular file's bytes, never through a link; None when there is no file. Other refusals raise `OSError`."""
    try:
        return read_regular(path, _MAX_BYTES, follow_links=False)
    except FileRefusedError as error:
        if isinstance(error.original, FileNotFoundError):
            return None
        raise


def _current(path: Path) -> str | None:
    """The digest of a file's content; None when there is none, `other` when it is no regular file."""
    try:
        return _digest(_read(path))
    except OSError:
        return "other"


def _temporary(path: Path) -> Path:
    return path.with_name(f".{path.name}.tssa-update")


def _replace(path: Path, content: bytes) -> None:
    """Write one file of the package; a temporary left by a killed run is found by its name."""
    write_whole(path, content, temporary=_temporary(path))


def _write_journal(journal: Path, changes: list[Change]) -> None:
    entries = [
        {"path": change.path, "before": _digest(change.before), "after": _digest(change.content)} for change in changes
    ]
    write_whole(journal, json.dumps(entries), temporary=journal.with_name(journal.name + ".new"))


def _order(change: Change) -> tuple[bool, str]:
    return change.path.lower().endswith(".md"), change.path


def move_in(
    top: Path, git_folder: Path, changes: list[Change], record: Callable[[], None], done: Callable[[], None]
) -> None:
    """Put the changes in place, documents last, then `record` them in the index; all or nothing.

    `done` is called once all is in place, before a held-back Ctrl-C can arrive.
    """
    journal = git_folder / JOURNAL_NAME
    with signals_held():
        _write_journal(journal, changes)
        try:
            for change in sorted(changes, key=_order):
                path = top / change.path
                if change.content is None:
                    path.unlink(missing_ok=True)
                else:
                    _replace(path, change.content)
            record()
        except BaseException:
            undo_interrupted(top, git_folder)
            raise
        journal.unlink()
        done()


def _tracked_at_head(top: Path, paths: list[str]) -> set[str]:
    if not paths:
        return set()
    output = git("ls-tree", "-r", "-z", "--name-only", "--full-tree", "HEAD", "--", *paths, cwd=top, check=False)
    return {path for path in output.stdout.split("\0") if path}


def undo_interrupted(top: Path, git_folder: Path) -> list[str]:
    """Undo what a journal lists, from HEAD; the paths undone. Refuses when one changed since."""
    journal = git_folder / JOURNAL_NAME
    try:
        data = _read(journal)
        if data is None:
            return []
        entries = json.loads(data.decode("utf-8"))
    except (OSError, ValueError):  # a journal that is a link or a FIFO is never read
        entries = None
    if not isinstance(entries, list) or not all(
        isinstance(entry, dict) and isinstance(entry.get("path"), str) for entry in entries
    ):
        raise InterruptedUpdateError(
            f"{journal}: an interrupted tssa update or adopt left this list of its changes, and it cannot be read; "
            "restore the package with `git checkout HEAD -- <package folder>`, delete the list, and run again"
        )
    paths = [entry["path"] for entry in entries]
    edited = []
    for entry in entries:
        path = top / entry["path"]
        _temporary(path).unlink(missing_ok=True)
        if _current(path) not in (entry["before"], entry["after"], None):
            edited.append(entry["path"])
    if edited:
        raise InterruptedUpdateError(
            f"an interrupted tssa update or adopt left {edited[0]} changed, and it was edited since; "
            f"to undo it run `git checkout HEAD -- {edited[0]}` (keep a copy of your edits "
            f"first), delete {journal}, and run again"
        )
    tracked = _tracked_at_head(top, paths)
    restore = [path for path in paths if path in tracked]
    if restore:
        git("checkout", "HEAD", "--", *restore, cwd=top)
    created = [path for path in paths if path not in tracked]
    for path in created:
        (top / path).unlink(missing_ok=True)
    if created:
        git("rm", "--cached", "--quiet", "--ignore-unmatch", "--", *created, cwd=top)
    journal.unlink(missing_ok=True)
    return paths
