"""Read the head of a file of an untrusted checkout: regular files only, never through a link, size-capped.

A small local helper; a shared safe-reading module may replace it.
"""

from __future__ import annotations

import codecs
import os
import stat
from dataclasses import dataclass
from pathlib import Path

DEFAULT_LIMIT = 256 * 1024


@dataclass(frozen=True)
class FileText:
    """What a file holds as text, or why it was not read."""

    text: str | None
    problem: str | None = None
    truncated: bool = False


def read_head(path: Path, limit: int = DEFAULT_LIMIT) -> FileText:
    """The first `limit` bytes of a regular file as text; links, devices and binary files are refused."""
    flags = os.O_RDONLY | getattr(os, "O_NOFOLLOW", 0) | getattr(os, "O_NONBLOCK", 0)
    try:
        descriptor = os.open(path, flags)
    except OSError as error:
        return FileText(None, f"cannot be read ({error.strerror or error})")
    try:
        if not stat.S_ISREG(os.fstat(descriptor).st_mode):
            return FileText(None, "is not a regular file")
        chunks: list[bytes] = []
        left = limit + 1
        while left > 0:
            chunk = os.read(descriptor, min(left, 65536))
            if not chunk:
                break
            chunks.append(chunk)
            left -= len(chunk)
    except OSError as error:
        return FileText(None, f"cannot be read ({error.strerror or error})")
    finally:
        os.close(descriptor)
    data = b"".join(chunks)
    truncated = len(data) > limit
    return decode(data[:limit], truncated)


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
