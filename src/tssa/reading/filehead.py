"""Read the head of a file of an untrusted checkout as text: regular files only, never through a link, size-capped.

The reading itself is `tssa.regularfiles.read_head`; this module says what the
bytes are as text, and why a file was not read, in the words prefill prints.
"""

from __future__ import annotations

import codecs
from dataclasses import dataclass
from pathlib import Path

from tssa import regularfiles
from tssa.regularfiles import FileRefusedError

DEFAULT_LIMIT = 256 * 1024


@dataclass(frozen=True)
class FileText:
    """What a file holds as text, or why it was not read."""

    text: str | None
    problem: str | None = None
    truncated: bool = False


def read_head(path: Path, limit: int = DEFAULT_LIMIT) -> FileText:
    """The first `limit` bytes of a regular file as text; links, devices and binary files are refused."""
    try:
        data, truncated = regularfiles.read_head(path, limit)
    except FileRefusedError as error:
        if error.original is not None:
            return FileText(None, f"cannot be read ({error.original.strerror or error.original})")
        return FileText(None, "is not a regular file")
    return decode(data, truncated)


def decode(data: bytes, truncated: bool = False) -> FileText:
    """Bytes as text: UTF-16 with a byte-order mark as such, NUL bytes as binary, bad UTF-8 replaced."""
    if data.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        return FileText(data.decode("utf-16", errors="replace"), None, truncated)
    if b"\x00" in data:
        return FileText(None, "is binary", truncated)
    try:
        return FileText(data.decode("utf-8-sig"), None, truncated)
    except UnicodeDecodeError as error:
        # A cut in the middle of a character at the size limit is not an encoding problem.
        if truncated and error.start >= len(data) - 3:
            return FileText(data[: error.start].decode("utf-8-sig", errors="replace"), None, truncated)
        return FileText(
            data.decode("utf-8-sig", errors="replace"), "is not UTF-8 (read with replacement characters)", truncated
        )
