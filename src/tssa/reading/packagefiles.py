"""The files of a package that an update reads: committed regular files only, each refused by name otherwise.

A committed symbolic link is refused (an update never writes through one),
and so is anything in the folder that is no regular file or folder (a FIFO
would hang the update, a link to a device would fill the memory). Documents
are read in their own encoding (`tssa.reading.textfiles`); one that holds NUL bytes
without a byte-order mark is not text the update can merge.
"""

from __future__ import annotations

import os
import stat
from dataclasses import dataclass, field
from pathlib import Path

from tssa.errors import RefusedError
from tssa.git import tracked_modes
from tssa.reading.files import MAX_DEPTH
from tssa.reading.textfiles import Encoding, NotAFileError, decode, read_bytes
from tssa.regularfiles import describe_mode

_LINK_MODE = "120000"
_SUBMODULE_MODE = "160000"


class UnsafeFileError(RefusedError):
    """The package holds a link, a special file, or a document that is not text."""


@dataclass
class PackageFiles:
    """A package's committed files: their bytes, and the documents as text with their encodings."""

    content: dict[str, bytes] = field(default_factory=dict)
    texts: dict[str, str] = field(default_factory=dict)
    encodings: dict[str, Encoding] = field(default_factory=dict)


def _refuse_special(folder: Path, shown: Path) -> None:
    """Refuse the first entry below `folder` that is neither a regular file nor a folder, and folders nested
    more than `MAX_DEPTH` deep (every later step of the update reads the package's folders)."""
    pending = [(folder, 0)]
    while pending:
        current, depth = pending.pop()
        if depth > MAX_DEPTH:
            top = current.relative_to(folder).parts[0]
            raise UnsafeFileError(
                f"{shown / top}: holds folders nested more than {MAX_DEPTH} deep; a package holds documents, "
                "not deep trees: move them out of the package, commit, and run again"
            )
        try:
            entries = sorted(os.scandir(current), key=lambda entry: entry.name)
        except OSError as error:
            raise UnsafeFileError(
                f"{shown / current.relative_to(folder)}: cannot be listed ({error.strerror})"
            ) from error
        for entry in entries:
            mode = entry.stat(follow_symlinks=False).st_mode
            if stat.S_ISDIR(mode):
                if entry.name != ".git":
                    pending.append((Path(entry.path), depth + 1))
            elif not stat.S_ISREG(mode):
                name = shown / Path(entry.path).relative_to(folder)
                raise UnsafeFileError(
                    f"{name} is {describe_mode(mode)}; tssa update reads regular files only: "
                    "remove it (or replace it by the file itself), commit, and run again"
                )


def read_package(folder: Path, shown: Path) -> PackageFiles:
    """The committed files of the package in `folder`, refusing links and special files by name."""
    modes = tracked_modes(folder)
    for relative, mode in sorted(modes.items()):
        if mode == _LINK_MODE:
            raise UnsafeFileError(
                f"{shown / relative} is a symbolic link; tssa update never writes through a link: "
                "replace it by the file itself, commit, and run again"
            )
        if mode == _SUBMODULE_MODE:
            raise UnsafeFileError(f"{shown / relative} is a git submodule; a package holds files only")
    _refuse_special(folder, shown)
    files = PackageFiles()
    for relative in sorted(modes):
        try:
            data = read_bytes(folder / relative, str(shown / relative))
        except FileNotFoundError:
            continue  # deleted and not committed: `git status` refused it already
        except NotAFileError as error:
            raise UnsafeFileError(str(error)) from error
        files.content[relative] = data
        text, encoding = decode(data)
        if relative.lower().endswith(".md") and encoding.codec == "utf-8" and "\0" in text:
            line = text.count("\n", 0, text.index("\0")) + 1
            raise UnsafeFileError(
                f"{shown / relative}:{line}: a NUL byte; tssa update merges UTF-8 text, or UTF-16 "
                "and UTF-32 text that starts with a byte-order mark"
            )
        files.texts[relative] = text
        files.encodings[relative] = encoding
    return files
