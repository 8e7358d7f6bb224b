"""One `tssa update` or `tssa adopt` at a time per repository: a lock file in the git folder, holding the process id.

The file is created with O_EXCL, so of two runs only one gets it. A lock
left by a process that no longer runs (killed, power lost) is taken over.
"""

from __future__ import annotations

import os
import time
from collections.abc import Iterator
from contextlib import contextmanager, suppress
from pathlib import Path

from tssa.errors import RefusedError

LOCK_NAME = "tssa-update.lock"
# A lock file without a process id yet is being written by a run that just started.
_STARTING_SECONDS = 10.0


class UpdateRunningError(RefusedError):
    """Another `tssa update` or `tssa adopt` holds the repository's lock."""


def process_alive(pid: int) -> bool:
    """Whether a process runs (a zombie, killed but not yet waited for, does not)."""
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True  # another user's process
    try:
        status = Path(f"/proc/{pid}/stat").read_text(encoding="ascii", errors="replace")
    except OSError:
        return True
    return status.rpartition(")")[2].split()[:1] != ["Z"]  # a killed child not yet waited for


def _holder(path: Path) -> int | None:
    """The process id in a lock file, or None when there is none yet (or the file is gone)."""
    try:
        text = path.read_text(encoding="ascii", errors="replace").strip()
    except OSError:
        return None
    return int(text) if text.isdigit() else None


def _is_stale(path: Path) -> bool:
    pid = _holder(path)
    if pid is not None:
        return pid != os.getpid() and not process_alive(pid)
    try:
        return time.time() - path.stat().st_mtime > _STARTING_SECONDS
    except OSError:
        return True


def _running(path: Path) -> UpdateRunningError:
    holder = _holder(path)
    running = f"process {holder}" if holder is not None else "a run that is starting"
    return UpdateRunningError(
        f"another tssa update or adopt ({running}) is changing this repository; "
        f"wait for it to end (if none runs, delete {path})"
    )


def _take_over(path: Path, judged: int) -> None:
    """Move a stale lock aside; of two runs taking over, one wins the rename.

    If another run took the stale lock over between our look and our rename,
    the file moved aside is that run's live lock: it goes back, and we wait.
    """
    aside = path.with_name(f"{LOCK_NAME}.stale-{os.getpid()}")
    try:
        os.rename(path, aside)
    except FileNotFoundError:
        return
    if aside.stat().st_ino != judged:
        with suppress(FileExistsError):
            os.link(aside, path)
        aside.unlink()
        raise _running(path)
    aside.unlink()


def _take(path: Path) -> None:
    for _ in range(3):
        try:
            descriptor = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o644)
        except FileExistsError:
            try:
                judged = path.stat().st_ino
            except FileNotFoundError:
                continue
            if not _is_stale(path):
                raise _running(path) from None
            _take_over(path, judged)
            continue
        with os.fdopen(descriptor, "w", encoding="ascii") as file:
            file.write(f"{os.getpid()}\n")
        return
    raise _running(path)


@contextmanager
def repository_lock(git_folder: Path) -> Iterator[None]:
    """Hold the repository's lock (for an update or an adoption) while the block runs."""
    path = git_folder / LOCK_NAME
    _take(path)
    try:
        yield
    finally:
        if _holder(path) == os.getpid():
            path.unlink(missing_ok=True)
