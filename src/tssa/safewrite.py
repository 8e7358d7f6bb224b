"""Write a file in one step: a temporary file beside it, synced to disk, renamed over it.

A reader, or a run killed half-way, finds the old content or the new one,
never a part of it. Every command that writes (update, adopt, index,
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
