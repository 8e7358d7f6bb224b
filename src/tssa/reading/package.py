"""Find the documents of TSSA packages on disk (reading them is `tssa.reading.files`).

A path may be one Markdown file, one package folder (which may hold only some
of the files, under current or old names), or a folder of many packages, such
as the TAG's `community/assessments/projects/` or the TOC's `projects/`.
"""

from __future__ import annotations

import os
from collections.abc import Iterable, Iterator
from pathlib import Path

from tssa.errors import NotFoundError
from tssa.reading.files import RealPaths, Roots, file_refusal, walk
from tssa.reading.outline import DOCUMENTS, Document, document_for_filename
from tssa.records import Record
from tssa.regularfiles import Refusal

PACKAGE_FILENAMES = frozenset(name for document in DOCUMENTS for name in (document.filename, *document.old_filenames))
# A README alone does not make a folder a package: only next to an assessment.
_ASSESSMENT_FILENAMES = PACKAGE_FILENAMES - {"README.md"}
_SKIPPED_FOLDERS = frozenset({".git", "node_modules", ".venv", "__pycache__"})


class PathNotFoundError(NotFoundError):
    """A path given on the command line does not exist."""


class NoPackageError(NotFoundError):
    """A folder given on the command line holds no TSSA document."""


class PackageFile(Record):
    """One document file of a package, matched to the outline it should follow.

    `refusal` says why the file (or, for an unreadable folder, the folder)
    must not be read: it is reported instead of being checked.
    """

    path: Path
    document: Document
    refusal: Refusal | None

    def __init__(self, path: Path, document: Document, refusal: Refusal | None = None) -> None:
        self.path = path
        self.document = document
        self.refusal = refusal


def find_package_files(paths: Iterable[Path]) -> list[PackageFile]:
    """Every package document under the given paths, in a stable order.

    Links are followed only while they stay inside the paths given; files that
    are not regular files, links out, and folders that cannot be listed come
    back with a `refusal` and are never opened.
    """
    return list(iter_package_files(paths))


def iter_package_files(paths: Iterable[Path]) -> Iterator[PackageFile]:
    """`find_package_files`, each file given as soon as it is found (its errors raised when reached)."""
    paths = list(paths)
    roots = Roots.of(paths)
    # A file named twice (a folder and a file in it, or overlapping folders) is checked once.
    seen: set[str] = set()
    real = RealPaths()
    for path in paths:
        if not os.path.lexists(path):
            raise PathNotFoundError(f"{path}: no such file or folder")
        if not os.path.isdir(path):
            path = _document_of_leftover(path)
            document = document_for_filename(path.name) or _guess_document(path)
            files: Iterable[PackageFile] = [PackageFile(path, document, file_refusal(path, roots))]
        else:
            files = _package_files_below(path, roots)
        empty = True
        for file in files:
            empty = False
            key = real(file.path) if file.refusal is None else str(file.path)
            if key not in seen:
                seen.add(key)
                yield file
        if empty:
            raise NoPackageError(f"{path}: holds no self-assessment.md, joint-assessment.md or joint-review.md")


def _document_of_leftover(path: Path) -> Path:
    """An update's `<document>.rej` or `<document>.orig` given by name stands for its document.

    Checking the document reports the leftover (TSSA403, TSSA404), so a pre-commit
    hook that passes only the leftover still refuses it.
    """
    stem, suffix = os.path.splitext(path.name)
    if suffix in {".rej", ".orig"} and stem in PACKAGE_FILENAMES and os.path.lexists(path.with_name(stem)):
        return path.with_name(stem)
    return path


def _guess_document(path: Path) -> Document:
    """A file with another name is read as the document its name comes closest to."""
    name = path.name.lower()
    for document in DOCUMENTS:
        if document.key.split("-")[0] in name:
            return document
    return DOCUMENTS[0]


def _package_files_below(folder: Path, roots: Roots) -> Iterator[PackageFile]:
    # Linked folders inside the paths given are followed (a repository may link a package in);
    # each real folder is read once, so a link back up the tree ends there.
    for listed in walk(folder, roots, skip=_SKIPPED_FOLDERS):
        if listed.refusal is not None:
            yield PackageFile(listed.path, DOCUMENTS[0], listed.refusal)
            continue
        names = set(listed.files)
        if not names & _ASSESSMENT_FILENAMES:
            continue
        for document in DOCUMENTS:
            for filename in (document.filename, *document.old_filenames):
                if filename in names:
                    path = listed.path / filename
                    yield PackageFile(path, document, file_refusal(path, roots))
