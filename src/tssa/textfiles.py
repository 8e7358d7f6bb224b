"""Text files in their own encoding: read them as text, write them back byte for byte.

A document is UTF-8, or carries a byte-order mark for UTF-8, UTF-16 or
UTF-32. Bytes that are not valid UTF-8 are kept as surrogate escapes, so a
stray Latin-1 byte survives a merge unchanged instead of hiding the file.
Only regular files are read, and only up to a size limit.
"""

from __future__ import annotations

import codecs
import os
import stat
from dataclasses import dataclass
from pathlib import Path

from tssa.errors import ExitCode, TssaError

MAX_FILE_BYTES = 16 * 1024 * 1024
"""The largest file an update reads or copies; real documents are about 100 KB."""


class NotAFileError(TssaError):
    """A path that should be a regular file is a link, FIFO, device, socket or folder."""

    exit_code = ExitCode.USAGE


class FileTooLargeError(TssaError):
    """A file is larger than an update reads."""

    exit_code = ExitCode.USAGE


@dataclass(frozen=True)
class Encoding:
    """How a text file is stored: its codec and the byte-order mark it starts with."""

    codec: str
    bom: bytes = b""

    @property
    def name(self) -> str:
        return self.codec.upper() + (" with a byte-order mark" if self.bom else "")


UTF8 = Encoding("utf-8")
# Longest first: the UTF-32 LE mark begins with the UTF-16 LE one.
_MARKS = (
    (codecs.BOM_UTF32_LE, "utf-32-le"),
    (codecs.BOM_UTF32_BE, "utf-32-be"),
    (codecs.BOM_UTF8, "utf-8"),
    (codecs.BOM_UTF16_LE, "utf-16-le"),
    (codecs.BOM_UTF16_BE, "utf-16-be"),
)


def decode(data: bytes) -> tuple[str, Encoding]:
    """The text of a file's bytes and the encoding to write it back in."""
    for mark, codec in _MARKS:
        if data.startswith(mark):
            try:
                return data[len(mark) :].decode(codec), Encoding(codec, mark)
            except UnicodeDecodeError:
                break
    return data.decode("utf-8", "surrogateescape"), UTF8


def encode(text: str, encoding: Encoding) -> bytes:
    """The bytes of `text` in `encoding`; surrogate escapes become their bytes again."""
    errors = "surrogateescape" if encoding.codec == "utf-8" else "strict"
    return encoding.bom + text.encode(encoding.codec, errors)


def kind_of(mode: int) -> str:
    """What a file mode is, in words: `a FIFO`, `a link`, ..."""
    kinds = (
        (stat.S_ISLNK, "a symbolic link"),
        (stat.S_ISFIFO, "a FIFO"),
        (stat.S_ISCHR, "a character device"),
        (stat.S_ISBLK, "a block device"),
        (stat.S_ISSOCK, "a socket"),
        (stat.S_ISDIR, "a folder"),
    )
    return next((word for test, word in kinds if test(mode)), "not a regular file")


def read_bytes(path: Path, shown: str | None = None) -> bytes:
    """A regular file's bytes, never through a link, never more than the size limit."""
    name = shown or str(path)
    if not hasattr(os, "O_NOFOLLOW") and os.path.islink(path):
        raise NotAFileError(f"{name} is a symbolic link; it is never followed")
    try:
        descriptor = os.open(path, os.O_RDONLY | getattr(os, "O_NOFOLLOW", 0) | getattr(os, "O_NONBLOCK", 0))
    except OSError as error:
        if os.path.islink(path):
            raise NotAFileError(f"{name} is a symbolic link; it is never followed") from error
        raise
    with os.fdopen(descriptor, "rb") as file:
        mode = os.fstat(file.fileno()).st_mode
        if not stat.S_ISREG(mode):
            raise NotAFileError(f"{name} is {kind_of(mode)}, not a regular file")
        data = file.read(MAX_FILE_BYTES + 1)
    if len(data) > MAX_FILE_BYTES:
        raise FileTooLargeError(f"{name} is larger than {MAX_FILE_BYTES // (1024 * 1024)} MB")
    return data


def read_files(folder: Path, skip: frozenset[str] = frozenset()) -> dict[str, str]:
    """The regular files below `folder` as text (`.git` and the paths in `skip` left out), by relative POSIX path."""
    files: dict[str, str] = {}
    for root, dirs, names in os.walk(folder):
        dirs[:] = [name for name in dirs if name != ".git"]
        for name in names:
            path = Path(root) / name
            relative = path.relative_to(folder).as_posix()
            if relative in skip:
                continue
            try:
                files[relative] = decode(read_bytes(path))[0]  # line endings as they are
            except (OSError, TssaError):
                continue
    return files
