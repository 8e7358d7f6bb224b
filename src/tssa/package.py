"""Find the documents of TSSA packages on disk and read them as text.

A path may be one Markdown file, one package folder (which may hold only some
of the files, under current or old names), or a folder of many packages, such
as the TAG's `community/assessments/projects/` or the TOC's `projects/`.
"""

from __future__ import annotations

import codecs
import os
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from pathlib import Path

from tssa.errors import TssaError
from tssa.markdown import lines_of
from tssa.outline import DOCUMENTS, Document, document_for_filename

PACKAGE_FILENAMES = frozenset(name for document in DOCUMENTS for name in (document.filename, *document.old_filenames))
# A README alone does not make a folder a package: only next to an assessment.
_ASSESSMENT_FILENAMES = PACKAGE_FILENAMES - {"README.md"}
_SKIPPED_FOLDERS = frozenset({".git", "node_modules", ".venv", "__pycache__"})


class PathNotFoundError(TssaError):
    """A path given on the command line does not exist."""

    exit_code = 2


class NoPackageError(TssaError):
    """A folder given on the command line holds no TSSA document."""

    exit_code = 2


@dataclass(frozen=True)
class PackageFile:
    """One document file of a package, matched to the outline it should follow."""

    path: Path
    document: Document


@dataclass(frozen=True)
class ReadResult:
    """A file's text, or why it could not be read as UTF-8 text (and on which line)."""

    text: str | None
    problem: str | None = None
    line: int = 1


def find_package_files(paths: Iterable[Path]) -> list[PackageFile]:
    """Every package document under the given paths, in a stable order."""
    found: list[PackageFile] = []
    for path in paths:
        if not path.exists():
            raise PathNotFoundError(f"{path}: no such file or folder")
        if path.is_file():
            found.append(PackageFile(path, document_for_filename(path.name) or _guess_document(path)))
            continue
        files = list(_package_files_below(path))
        if not files:
            raise NoPackageError(f"{path}: holds no self-assessment.md, joint-assessment.md or joint-review.md")
        found.extend(files)
    # A file named twice (a folder and a file in it, or overlapping folders) is checked once.
    unique: dict[Path, PackageFile] = {}
    for file in found:
        unique.setdefault(file.path.resolve(), file)
    return list(unique.values())


def _guess_document(path: Path) -> Document:
    """A file with another name is read as the document its name comes closest to."""
    name = path.name.lower()
    for document in DOCUMENTS:
        if document.key.split("-")[0] in name:
            return document
    return DOCUMENTS[0]


def _package_files_below(folder: Path) -> Iterator[PackageFile]:
    # Linked folders are followed (a repository may link a package in); each real folder is read once,
    # so a link back up the tree ends there.
    seen: set[Path] = set()
    for root, dirs, files in os.walk(folder, followlinks=True):
        real = Path(root).resolve()
        if real in seen:
            dirs[:] = []
            continue
        seen.add(real)
        dirs[:] = sorted(name for name in dirs if name not in _SKIPPED_FOLDERS)
        names = set(files)
        if not names & _ASSESSMENT_FILENAMES:
            continue
        for document in DOCUMENTS:
            for filename in (document.filename, *document.old_filenames):
                if filename in names:
                    yield PackageFile(Path(root) / filename, document)


def read_text(path: Path) -> ReadResult:
    """Read a file as UTF-8; UTF-16, binary or undecodable files say why instead of failing."""
    try:
        data = path.read_bytes()
    except OSError as error:
        return ReadResult(None, f"cannot be read: {error.strerror or error}")
    if data.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        try:
            return ReadResult(data.decode("utf-16"), "is UTF-16, not UTF-8")
        except UnicodeDecodeError:
            return ReadResult(None, "starts like UTF-16 but is not valid UTF-16")
    if b"\x00" in data:
        return ReadResult(None, "is binary, not Markdown text")
    try:
        return ReadResult(data.decode("utf-8-sig"))
    except UnicodeDecodeError as error:
        text = data.decode("utf-8", errors="replace")
        line = len(lines_of(data[: error.start].decode("utf-8-sig") + "."))
        problem = f"is not UTF-8 (byte 0x{data[error.start]:02X} on line {line}); read with replacement characters"
        return ReadResult(text, problem, line)
