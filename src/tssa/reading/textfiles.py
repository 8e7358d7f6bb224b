"""Text files in their own encoding: read them as text, write them back byte for byte.

A document is UTF-8, or carries a byte-order mark for UTF-8, UTF-16 or
UTF-32. Bytes that are not valid UTF-8 are kept as surrogate escapes, so a
stray Latin-1 byte survives a merge unchanged instead of hiding the file.
Only regular files are read, and only up to a size limit (`tssa.reading.files`).
"""

from __future__ import annotations

import codecs
import os
import re
from collections import Counter
from collections.abc import Sequence
from pathlib import Path

from tssa.errors import RefusedError, TssaError
from tssa.records import Record
from tssa.regularfiles import FileRefusedError, Problem, read_regular

MAX_FILE_BYTES = 16 * 1024 * 1024
"""The largest file an update reads or copies; real documents are about 100 KB."""


class NotAFileError(RefusedError):
    """A path that should be a regular file is a link, FIFO, device, socket or folder."""


class FileTooLargeError(RefusedError):
    """A file is larger than an update reads."""


class Encoding(Record):
    """How a text file is stored: its codec and the byte-order mark it starts with."""

    codec: str
    bom: bytes

    def __init__(self, codec: str, bom: bytes = b"") -> None:
        self.codec = codec
        self.bom = bom

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


def read_bytes(path: Path, shown: str | None = None) -> bytes:
    """A regular file's bytes, never through a link, never more than the size limit.

    A file that is missing or cannot be opened raises the system's `OSError`;
    one that is no regular file, or too large, a `TssaError` naming it.
    """
    try:
        return read_regular(path, MAX_FILE_BYTES, follow_links=False)
    except FileRefusedError as error:
        if error.original is not None:
            raise error.original from None
        name = shown or str(path)
        if error.refusal.problem is Problem.TOO_LARGE:
            raise FileTooLargeError(f"{name} {error.refusal.message}") from None
        raise NotAFileError(f"{name} {error.refusal.message}") from None


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


# A line and its own ending: LF, CRLF or a lone CR (where the Markdown reader also ends a line), or none at the end.
_LINE = re.compile(r"[^\r\n]*(?:\r\n|\r|\n)|[^\r\n]+\Z")


def split_lines(text: str) -> list[str]:
    """The lines of a text, each with its own ending, so that joining them gives the text back byte for byte.

    Lines are counted as `tssa.reading.markdown.lines_of` counts them.
    """
    return _LINE.findall(text)


def content(line: str) -> str:
    """A line without its ending."""
    return line.rstrip("\r\n") if line.endswith(("\n", "\r")) else line


def ending(line: str) -> str:
    """A line's ending: "\\n", "\\r\\n", "\\r", or "" for a last line without one."""
    return line[len(content(line)) :]


def usual_ending(lines: Sequence[str]) -> str:
    """The ending most of the lines have (LF when none has one): the one for lines added among them."""
    ended = (line for line in lines if line.endswith(("\n", "\r")))
    counts = Counter(line[-2:] if line.endswith("\r\n") else line[-1:] for line in ended)
    return max((count, mark) for mark, count in counts.items())[1] if counts else "\n"
