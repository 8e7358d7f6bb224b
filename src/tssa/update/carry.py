"""Carry the authors' documents into the files of a new template version.

After copier has updated a package, each Markdown document is merged again
by sections (`tssa.update.merge`) from three versions: the file as the authors left
it, the old version rendered with the old answers, and the new version
rendered with the new answers. The git index follows: a document with
conflicts is recorded as unmerged, one without as an ordinary change.

A file the new version no longer renders, which copier deletes, is handled
here too: if the outline names it as the old name of a new file, its text is
merged into that file; otherwise, if the authors wrote in it, it is put back.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path, PurePosixPath

from tssa.git import mark_conflicted, mark_resolved
from tssa.reading.outline import Document, document_for_filename
from tssa.reading.renames import former_section_keys, renamed_to
from tssa.update.merge import MergedDocument, merge_document


@dataclass(frozen=True)
class PackageFolder:
    """A package folder and the top of the git work tree that holds it."""

    folder: Path
    top: Path

    def git_path(self, relative: str) -> str:
        """A path of the package as git names it: relative to the work tree's top."""
        return (self.folder / relative).relative_to(self.top).as_posix()

    def write(self, relative: str, text: str) -> None:
        """Write a file of the package, line endings as given."""
        path = self.folder / relative
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(text.encode("utf-8"))


def _renames_for(relative: str) -> dict[str, str]:
    document = document_for_filename(PurePosixPath(relative).name)
    return former_section_keys(document) if document is not None else {}


def _outline_for(relative: str) -> Document | None:
    return document_for_filename(PurePosixPath(relative).name)


def _rename_target(relative: str, before: dict[str, str], base: dict[str, str], theirs: dict[str, str]) -> str | None:
    """The new name of a file the new version renamed, if the outline knows it and it is free."""
    document = renamed_to(PurePosixPath(relative).name)
    if document is None:
        return None
    target = str(PurePosixPath(relative).with_name(document.filename))
    fresh = target in theirs and target not in base and target not in before
    return target if fresh else None


class _Carrier:
    """Redoes copier's merge of each package document, by sections, and carries dropped files."""

    def __init__(self, package: PackageFolder, before: dict[str, str], base: dict[str, str], theirs: dict[str, str]):
        self.package = package
        self.before = before
        self.base = base
        self.theirs = theirs
        self.notes: list[str] = []

    def run(self) -> list[str]:
        for relative in sorted(self.base):
            if relative not in self.before:
                continue  # the author deleted it; copier keeps it deleted
            if relative in self.theirs:
                self._merge(relative, relative)
            elif self.before[relative] != self.base[relative]:
                self._carry(relative)
        return self.notes

    def _merge(self, source: str, target: str) -> bool:
        """Merge the author's `source` into the new version's `target`; False if it cannot be cut."""
        ours, base, theirs = self.before[source], self.base[source], self.theirs[target]
        if not target.lower().endswith(".md"):
            return False
        merged = merge_document(ours, base, theirs, _renames_for(target), _outline_for(target))
        if merged is None:
            return False
        self.package.write(target, merged.text)
        self._record(target, merged, base, ours, theirs)
        return True

    def _record(self, target: str, merged: MergedDocument, base: str, ours: str, theirs: str) -> None:
        top, path = self.package.top, self.package.git_path(target)
        if merged.conflicts:
            mark_conflicted(top, path, base, ours, theirs)
        else:
            mark_resolved(top, path)
        for heading in merged.kept:
            self.notes.append(
                f"{target}: the new template version no longer has the section {heading!r}; "
                "your text in it is kept: move it where it belongs"
            )

    def _carry(self, relative: str) -> None:
        """The new version renamed or dropped a file the author wrote in: move or keep its text."""
        target = _rename_target(relative, self.before, self.base, self.theirs)
        if target is not None and self._merge(relative, target):
            self.notes.append(f"{relative} is now {target}: your text moved there")
            return
        self.package.write(relative, self.before[relative])
        self.notes.append(
            f"{relative}: the new template version no longer has this file; it is kept with your text: "
            "move what you need, then delete it"
        )


def carry_documents(
    package: PackageFolder, before: dict[str, str], base: dict[str, str], theirs: dict[str, str]
) -> list[str]:
    """Merge every document again by sections; the notes for the authors."""
    return _Carrier(package, before, base, theirs).run()
