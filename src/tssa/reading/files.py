"""Read untrusted files safely: regular files only, bounded in size, links kept inside the paths given.

Every command that reads a package (check, update, adopt, index, prefill)
goes through here, so a FIFO never hangs it, a link to /dev/zero or to a
file elsewhere is never read, and a huge file is refused before it is read.
"""

from __future__ import annotations

import codecs
import errno
import os
import stat
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from enum import Enum
from pathlib import Path

from tssa.reading.markdown import lines_of

# The biggest real assessment is about 100 KB; 4 MiB leaves room and bounds time and memory.
MAX_DOCUMENT_BYTES = 4 * 1024 * 1024
# How deep `walk` goes below a path given: real packages sit a few folders down (the TAG's home is 4).
MAX_DEPTH = 64


class Problem(Enum):
    """Why a file or folder was not read; the values are the finding names of `tssa check`."""

    UNREADABLE = "unreadable-file"
    NOT_UTF8 = "not-utf8"
    TOO_LARGE = "file-too-large"
    NOT_REGULAR = "not-a-regular-file"
    OUTSIDE = "link-outside-paths"
    UNREADABLE_FOLDER = "unreadable-folder"


@dataclass(frozen=True)
class Refusal:
    """A path that was not read, and the one line that says why (the path's name is left to the caller)."""

    problem: Problem
    message: str


class FileRefusedError(OSError):
    """Raised by `read_regular` and `read_head` when a file is not a regular file, too large, or cannot be read."""

    def __init__(self, refusal: Refusal, original: OSError | None = None) -> None:
        super().__init__(refusal.message)
        self.refusal = refusal
        self.original = original
        """The error of the operating system, when that was why (missing, no permission, ...)."""


@dataclass(frozen=True)
class ReadResult:
    """A file's text, or why it could not be read as UTF-8 text (and on which line).

    `text` is None when nothing could be read; `problem` is set with a message
    when the text was read but something is wrong with it (UTF-16, bad bytes).
    """

    text: str | None
    problem: str | None = None
    line: int = 1
    kind: Problem | None = None


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
        raise FileRefusedError(Refusal(Problem.UNREADABLE, _os_reason(error)), error) from None
    with os.fdopen(descriptor, "rb") as file:
        info = os.fstat(file.fileno())
        if not stat.S_ISREG(info.st_mode):
            raise FileRefusedError(_not_regular(info.st_mode, "not read"))
        try:
            return file.read(limit + 1)
        except OSError as error:
            raise FileRefusedError(Refusal(Problem.UNREADABLE, _os_reason(error)), error) from None


def _not_regular(mode: int, what: str) -> Refusal:
    if stat.S_ISLNK(mode):
        return Refusal(Problem.NOT_REGULAR, "is a symbolic link; it is never followed")
    return Refusal(Problem.NOT_REGULAR, f"is {describe_mode(mode)}; {what}")


def _os_reason(error: OSError) -> str:
    if error.errno == errno.ELOOP:
        return "is a link that leads back to itself (a link loop)"
    return f"cannot be read: {error.strerror or error}"


def decode(data: bytes) -> ReadResult:
    """Text from a document's bytes: UTF-8 (with or without BOM), or UTF-16 with a BOM; say why otherwise."""
    if data.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        try:
            return ReadResult(data.decode("utf-16"), "is UTF-16, not UTF-8", kind=Problem.NOT_UTF8)
        except UnicodeDecodeError:
            return ReadResult(None, "starts like UTF-16 but is not valid UTF-16", kind=Problem.UNREADABLE)
    if b"\x00" in data:
        return ReadResult(None, "is binary, not Markdown text", kind=Problem.UNREADABLE)
    try:
        return ReadResult(data.decode("utf-8-sig"))
    except UnicodeDecodeError as error:
        text = data.decode("utf-8", errors="replace")
        line = len(lines_of(data[: error.start].decode("utf-8-sig") + "."))
        problem = f"is not UTF-8 (byte 0x{data[error.start]:02X} on line {line}); read with replacement characters"
        return ReadResult(text, problem, line, Problem.NOT_UTF8)


def read_document(path: Path, limit: int = MAX_DOCUMENT_BYTES) -> ReadResult:
    """Read a document as text, never more than `limit` bytes and only from a regular file."""
    try:
        data = read_regular(path, limit)
    except FileRefusedError as error:
        return ReadResult(None, error.refusal.message, kind=error.refusal.problem)
    return decode(data)


@dataclass(frozen=True)
class Roots:
    """The paths given on the command line: links are followed only while they stay inside these."""

    folders: tuple[Path, ...]
    files: frozenset[Path] = field(default_factory=frozenset)

    @classmethod
    def of(cls, paths: Iterable[Path]) -> Roots:
        """The roots of the paths given.

        A folder given is taken where it really is (it may be a link the user
        named); a file given stands for itself only, so a link given as a file
        is judged like any other link.
        """
        folders: list[Path] = []
        files: set[Path] = set()
        for path in paths:
            if os.path.isdir(path):
                folders.append(Path(os.path.realpath(path)))
            else:
                files.add(Path(os.path.realpath(path.parent)) / path.name)
        return cls(tuple(folders), frozenset(files))

    def contains(self, real: Path) -> bool:
        """Whether a real (fully resolved) path is one of the files or inside one of the folders given."""
        return real in self.files or any(real == folder or folder in real.parents for folder in self.folders)


def link_refusal(path: Path, roots: Roots) -> Refusal | None:
    """Why a link must not be followed, or None when its target stays inside the roots.

    The target is resolved without being opened; it is never named in the message.
    """
    real = Path(os.path.realpath(path))
    if not roots.contains(real):
        return Refusal(Problem.OUTSIDE, "is a link to a place outside the paths given; not followed")
    return None


def file_refusal(path: Path, roots: Roots) -> Refusal | None:
    """Why a file found under the roots must not be read, checked before anything opens it."""
    try:
        info = os.lstat(path)
        if stat.S_ISLNK(info.st_mode):
            refusal = link_refusal(path, roots)
            if refusal is not None:
                return refusal
            info = os.stat(path)
    except OSError as error:
        return Refusal(Problem.UNREADABLE, _os_reason(error))
    if not stat.S_ISREG(info.st_mode):
        return Refusal(Problem.NOT_REGULAR, f"is {describe_mode(info.st_mode)}; not opened")
    return None


@dataclass(frozen=True)
class Folder:
    """One folder met by `walk`: the names of the files in it, or why it could not be listed."""

    path: Path
    files: tuple[str, ...] = ()
    refusal: Refusal | None = None


def walk(top: Path, roots: Roots, skip: frozenset[str] = frozenset(), max_depth: int = MAX_DEPTH) -> Iterator[Folder]:
    """Every folder below `top` (itself included), in a stable order, each real folder once.

    Linked folders are followed only while they stay inside `roots`; a link
    out is yielded as a refused folder, so is a folder that cannot be listed,
    and so is a folder more than `max_depth` folders below `top` (it is not
    entered). "Files" are every entry that is not a folder (links to files,
    FIFOs, ...): use `file_refusal` before reading one. No step recurses, and
    each folder's real path is worked out from its parent's, so time grows
    with the number of folders, not with their depth times their number.
    """
    seen: set[str] = set()
    pending = [(top, os.path.realpath(top), 0)]
    while pending:
        folder, real, depth = pending.pop()
        if real in seen:
            continue
        seen.add(real)
        if depth > max_depth:
            reason = f"lies more than {max_depth} folders deep below {top}; not listed"
            yield Folder(folder, refusal=Refusal(Problem.UNREADABLE_FOLDER, reason))
            continue
        try:
            with os.scandir(folder) as entries:
                listed = list(entries)
        except OSError as error:
            reason = f"cannot be listed: {error.strerror or error}"
            yield Folder(folder, refusal=Refusal(Problem.UNREADABLE_FOLDER, reason))
            continue
        files: list[str] = []
        folders: list[tuple[Path, str]] = []
        refused: list[Folder] = []
        for entry in listed:
            try:
                is_link = entry.is_symlink()
                is_folder = entry.is_dir()  # follows a link
            except OSError:
                is_link, is_folder = entry.is_symlink(), False
            if not is_folder:
                files.append(entry.name)
            elif entry.name in skip:
                continue
            elif not is_link:
                folders.append((Path(entry.path), os.path.join(real, entry.name)))
            elif (refusal := link_refusal(Path(entry.path), roots)) is not None:
                refused.append(Folder(Path(entry.path), refusal=refusal))
            else:
                folders.append((Path(entry.path), os.path.realpath(entry.path)))
        yield Folder(folder, tuple(sorted(files)))
        yield from sorted(refused, key=lambda item: item.path)
        pending.extend((path, child, depth + 1) for path, child in sorted(folders, reverse=True))
