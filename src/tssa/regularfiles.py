"""Open untrusted files: regular files only, bounded in size, links refused on request.

The core's one way to read a file that someone else controls, for reading
packages and for writing them safely alike: a FIFO never hangs a command, a
device is never opened, a file swapped in between is still refused, and a
huge file is refused before it is read.
"""

from __future__ import annotations

import errno
import os
import stat
from enum import Enum
from pathlib import Path

from tssa.records import Record

# The biggest real assessment is about 100 KB; 4 MiB leaves room and bounds time and memory.
MAX_DOCUMENT_BYTES = 4 * 1024 * 1024


class Problem(Enum):
    """Why a file or folder was not read; the values are the finding names of `tssa check`."""

    UNREADABLE = "unreadable-file"
    NOT_UTF8 = "not-utf8"
    TOO_LARGE = "file-too-large"
    NOT_REGULAR = "not-a-regular-file"
    OUTSIDE = "link-outside-paths"
    UNREADABLE_FOLDER = "unreadable-folder"


class Refusal(Record):
    """A path that was not read, and the one line that says why (the path's name is left to the caller)."""

    problem: Problem
    message: str

    def __init__(self, problem: Problem, message: str) -> None:
        self.problem = problem
        self.message = message


class FileRefusedError(OSError):
    """Raised by `read_regular` and `read_head` when a file is not a regular file, too large, or cannot be read."""

    def __init__(self, refusal: Refusal, original: OSError | None = None) -> None:
        super().__init__(refusal.message)
        self.refusal = refusal
        self.original = original
        """The error of the operating system, when that was why (missing, no permission, ...)."""


def describe_mode(mode: int) -> str:
    """What a file that is not a regular file is, in words: "a FIFO (named pipe)", "a device", ..."""
    kinds = (
        (stat.S_ISLNK, "a symbolic link"),
        (stat.S_ISDIR, "a folder"),
        (stat.S_ISFIFO, "a FIFO (named pipe)"),
        (stat.S_ISCHR, "a device"),
        (stat.S_ISBLK, "a device"),
        (stat.S_ISSOCK, "a socket"),
    )
    return next((words for test, words in kinds if test(mode)), "not a regular file")


def _size(size: int) -> str:
    return f"{size / 1024 / 1024:.1f} MiB" if size >= 1024 * 1024 else f"{size} bytes"


def _too_large(size: int | None, limit: int) -> Refusal:
    what = f"is {_size(size)}, over" if size is not None else "grew past"
    return Refusal(Problem.TOO_LARGE, f"{what} the {_size(limit)} limit for a document; not read")


def read_regular(path: Path, limit: int = MAX_DOCUMENT_BYTES, *, follow_links: bool = True) -> bytes:
    """The bytes of a regular file of at most `limit` bytes; raise `FileRefusedError` otherwise.

    Anything else (FIFO, device, socket, folder) is never opened: it is
    checked with stat first, opened without blocking, and checked again on the
    open file, so a file swapped in between is still refused. At most
    `limit + 1` bytes are read, even from a file that grows while it is read.
    With `follow_links=False` a symbolic link is refused, never followed.
    """
    data = _read_bounded(path, limit, follow_links, whole=True)
    if len(data) > limit:
        raise FileRefusedError(_too_large(None, limit))
    return data


def read_head(path: Path, limit: int, *, follow_links: bool = False) -> tuple[bytes, bool]:
    """The first `limit` bytes of a regular file, and whether it holds more; refused like `read_regular`."""
    data = _read_bounded(path, limit, follow_links, whole=False)
    return data[:limit], len(data) > limit


def _read_bounded(path: Path, limit: int, follow_links: bool, whole: bool) -> bytes:
    flags = os.O_RDONLY | getattr(os, "O_NONBLOCK", 0) | getattr(os, "O_NOCTTY", 0)
    if not follow_links:
        flags |= getattr(os, "O_NOFOLLOW", 0)
    try:
        info = os.stat(path) if follow_links else os.lstat(path)
        if not stat.S_ISREG(info.st_mode):
            raise FileRefusedError(_not_regular(info.st_mode, "not opened"))
        if whole and info.st_size > limit:
            raise FileRefusedError(_too_large(info.st_size, limit))
        descriptor = os.open(path, flags)
    except FileRefusedError:
        raise
    except OSError as error:
        if not follow_links and os.path.islink(path):  # swapped for a link after the look
            raise FileRefusedError(_not_regular(stat.S_IFLNK, "not opened")) from None
        raise FileRefusedError(Refusal(Problem.UNREADABLE, os_reason(error)), error) from None
    with os.fdopen(descriptor, "rb") as file:
        info = os.fstat(file.fileno())
        if not stat.S_ISREG(info.st_mode):
            raise FileRefusedError(_not_regular(info.st_mode, "not read"))
        try:
            return file.read(limit + 1)
        except OSError as error:
            raise FileRefusedError(Refusal(Problem.UNREADABLE, os_reason(error)), error) from None


def _not_regular(mode: int, what: str) -> Refusal:
    if stat.S_ISLNK(mode):
        return Refusal(Problem.NOT_REGULAR, "is a symbolic link; it is never followed")
    return Refusal(Problem.NOT_REGULAR, f"is {describe_mode(mode)}; {what}")


def os_reason(error: OSError) -> str:
    """Why the system would not let a path be read, in words (a link loop is named as one)."""
    if error.errno == errno.ELOOP:
        return "is a link that leads back to itself (a link loop)"
    return f"cannot be read: {error.strerror or error}"
