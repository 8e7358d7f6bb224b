"""Read untrusted files safely: regular files only, bounded in size, links kept inside the paths given.

Every command that reads a package (check, update, adopt, index, prefill)
goes through here, so a FIFO never hangs it, a link to /dev/zero or to a
file elsewhere is never read, and a huge file is refused before it is read.
"""

from __future__ import annotations

import codecs
import os
import stat
from collections.abc import Iterable, Iterator
from pathlib import Path

from tssa.reading.markdown import lines_of
from tssa.records import Record
from tssa.regularfiles import (
    MAX_DOCUMENT_BYTES,
    FileRefusedError,
    Problem,
    Refusal,
    describe_mode,
    os_reason,
    read_regular,
)

# How deep `walk` goes below a path given: real packages sit a few folders down (the TAG's home is 4).
MAX_DEPTH = 64


class ReadResult(Record):
    """A file's text, or why it could not be read as UTF-8 text (and on which line).

    `text` is None when nothing could be read; `problem` is set with a message
    when the text was read but something is wrong with it (UTF-16, bad bytes).
    """

    text: str | None
    problem: str | None
    line: int
    kind: Problem | None

    def __init__(
        self, text: str | None, problem: str | None = None, line: int = 1, kind: Problem | None = None
    ) -> None:
        self.text = text
        self.problem = problem
        self.line = line
        self.kind = kind


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


class Roots(Record):
    """The paths given on the command line: links are followed only while they stay inside these."""

    folders: tuple[Path, ...]
    files: frozenset[Path]

    def __init__(self, folders: tuple[Path, ...], files: frozenset[Path] = frozenset()) -> None:
        self.folders = folders
        self.files = files

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
        return Refusal(Problem.UNREADABLE, os_reason(error))
    if not stat.S_ISREG(info.st_mode):
        return Refusal(Problem.NOT_REGULAR, f"is {describe_mode(info.st_mode)}; not opened")
    return None


class Folder(Record):
    """One folder met by `walk`: the names of the files in it, or why it could not be listed."""

    path: Path
    files: tuple[str, ...]
    refusal: Refusal | None

    def __init__(self, path: Path, files: tuple[str, ...] = (), refusal: Refusal | None = None) -> None:
        self.path = path
        self.files = files
        self.refusal = refusal


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


class RealPaths:
    """`os.path.realpath` of many paths, each folder above them resolved once, not once for each path below it."""

    def __init__(self) -> None:
        self._found: dict[str, str] = {}

    def __call__(self, path: Path) -> str:
        if ".." in path.parts:
            return os.path.realpath(path)  # `..` after a link is the link's parent: realpath reads it so
        absolute = os.path.abspath(path)  # of the working folder, which is real
        # Up to the nearest path resolved already (or a link, or the top), then down again: no recursion.
        below: list[str] = []
        current = absolute
        while current not in self._found:
            parent, name = os.path.split(current)
            if not name or parent == current or os.path.islink(current):
                self._found[current] = os.path.realpath(current)
                break
            below.append(name)
            current = parent
        found = self._found[current]
        for name in reversed(below):
            current = os.path.join(current, name)
            found = self._found[current] = os.path.join(found, name)
        return found
