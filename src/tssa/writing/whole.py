"""Write a file in one step: a temporary file beside it, synced to disk, renamed over it.

A reader, or a run killed half-way, finds the old content or the new one,
never a part of it. The new file keeps the old one's mode, and its owner and
group where the system lets it. Every command that writes (update, adopt, index,
insights, prefill) writes through here.
"""

from __future__ import annotations

import os
import stat
import tempfile
from pathlib import Path

NEW_FILE_MODE = 0o644


def _mode_of(path: Path) -> int:
    try:
        return stat.S_IMODE(os.stat(path).st_mode)
    except OSError:
        return NEW_FILE_MODE


def _keep_owner(path: Path, descriptor: int) -> None:
    """Give the temporary file the owner and group of the file it replaces, where the system allows it.

    Run as root (in a container, say), a rename would otherwise hand a user's file to root.
    """
    try:
        old = os.stat(path)
        new = os.fstat(descriptor)
        if (old.st_uid, old.st_gid) != (new.st_uid, new.st_gid):
            os.fchown(descriptor, old.st_uid, old.st_gid)
    except OSError:
        pass  # a user may not give a file away: `replace_problem` says so where it matters


def replace_problem(path: Path) -> str | None:
    """Why replacing `path` by a new file would change more than its content, or None.

    A file with several hard links would keep its old content under its other
    names; a file of another owner, which this user cannot give away, would
    become this user's.
    """
    try:
        info = os.lstat(path)
    except OSError:
        return None
    if info.st_nlink > 1:
        return f"has {info.st_nlink} hard links; a new file would leave the old content under the other names"
    if info.st_uid != os.geteuid() and os.geteuid() != 0:
        return "belongs to another user; a new file would belong to you"
    return None


def stage(path: Path, content: bytes | str, mode: int | None = None, temporary: Path | None = None) -> Path:
    """Write `content` to a temporary file beside `path`, synced, and return the temporary's path.

    `path` itself is not touched; rename the result over it (`os.replace`).
    Text is written as UTF-8 with its line endings as they are. `mode` is by
    default the one `path` has (0o644 for a new file). `temporary` fixes the
    temporary's name, so a later run can find one a killed run left (it is
    replaced, never followed); by default the name is new and unique.
    """
    data = content.encode("utf-8") if isinstance(content, str) else content
    if mode is None:
        mode = _mode_of(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    if temporary is None:
        descriptor, name = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=path.parent)
        temporary = Path(name)
    else:
        temporary.unlink(missing_ok=True)
        flags = os.O_WRONLY | os.O_CREAT | os.O_EXCL | getattr(os, "O_NOFOLLOW", 0)
        descriptor = os.open(temporary, flags, 0o600)
    try:
        _keep_owner(path, descriptor)
        with os.fdopen(descriptor, "wb") as file:
            file.write(data)
            file.flush()
            os.fsync(file.fileno())
        os.chmod(temporary, mode)
    except BaseException:
        temporary.unlink(missing_ok=True)
        raise
    return temporary


def write_whole(path: Path, content: bytes | str, mode: int | None = None, temporary: Path | None = None) -> None:
    """Replace `path` with `content` by an atomic rename; see `stage` for the arguments."""
    staged = stage(path, content, mode, temporary)
    try:
        os.replace(staged, path)
    except BaseException:
        staged.unlink(missing_ok=True)
        raise
