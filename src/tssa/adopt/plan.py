"""Plan the adoption of one hand-written package, in memory: read, extract answers, add sections.

Nothing here writes to the package or imports copier. The rendering of the
template is handed in (`Renderer`), so a plan can be made with a render
shared between packages; `tssa.adopt` renders with copier and writes the plan.
"""

from __future__ import annotations

import difflib
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from tssa.adopt.answers import ExtractedAnswers, extract_answers
from tssa.adopt.sections import add_missing_sections, template_blocks
from tssa.errors import RefusedError, TssaError
from tssa.reading.answers import ANSWERS_FILE
from tssa.reading.facts import read_package_facts
from tssa.reading.files import MAX_DOCUMENT_BYTES, FileRefusedError, Problem, ReadResult, decode, read_regular
from tssa.reading.markdown import MarkdownDocument, parse
from tssa.reading.outline import DOCUMENTS, Document
from tssa.reading.package import PackageFile

Renderer = Callable[[dict[str, Any]], dict[str, str]]
"""Renders the template with answers: every file by relative path, the answers file included."""


class UnreadableDocumentError(RefusedError):
    """A document of the package cannot be read as UTF-8 text, so adopt would not know what it keeps."""


class AmbiguousPackageError(RefusedError):
    """The package cannot be adopted as it is: two files for one document, or many packages in one folder."""


@dataclass(frozen=True)
class FileChange:
    """One file the adoption writes: its text before (None for a new file) and after."""

    path: str
    before: str | None
    after: str
    renamed_from: str | None = None

    @property
    def changed(self) -> bool:
        return self.before != self.after or self.renamed_from is not None


@dataclass
class DocumentOutcome:
    """What happens to one document."""

    path: str
    added: tuple[str, ...] = ()
    topics: tuple[tuple[str, int], ...] = ()
    created: bool = False
    renamed_from: str | None = None


@dataclass
class AdoptionPlan:
    """Everything an adoption writes, with what it found, before anything is written."""

    folder: Path
    changes: list[FileChange] = field(default_factory=list)
    documents: list[DocumentOutcome] = field(default_factory=list)
    extracted: ExtractedAnswers | None = None
    """None when the package was adopted before: its recorded answers are kept."""

    @property
    def changed(self) -> bool:
        return any(change.changed for change in self.changes)

    def diff(self, shown_folder: str) -> str:
        """A unified diff of every change, paths under `shown_folder`."""
        parts: list[str] = []
        for change in self.changes:
            if not change.changed:
                continue
            old = f"a/{shown_folder}/{change.renamed_from or change.path}" if change.before is not None else "/dev/null"
            new = f"b/{shown_folder}/{change.path}"
            if change.renamed_from is not None:
                parts.append(
                    f"rename from {shown_folder}/{change.renamed_from}\nrename to {shown_folder}/{change.path}\n"
                )
            before = (change.before or "").splitlines(keepends=True)
            after = change.after.splitlines(keepends=True)
            lines = list(difflib.unified_diff(before, after, old, new))
            parts.append(
                "".join(line if line.endswith("\n") else line + "\n\\ No newline at end of file\n" for line in lines)
            )
        return "".join(parts)


def read_documents(files: Sequence[PackageFile]) -> dict[str, tuple[PackageFile, str]]:
    """Each document's file and text, by document key; refuses anything it cannot read whole."""
    texts: dict[str, tuple[PackageFile, str]] = {}
    for file in files:
        path = file.path
        try:
            result = decode(read_regular(path, follow_links=False))
        except FileRefusedError as error:
            if error.refusal.problem is Problem.NOT_REGULAR:
                raise UnreadableDocumentError(f"{path}: not a regular file; adopt writes only regular files") from None
            if error.refusal.problem is Problem.TOO_LARGE:
                raise UnreadableDocumentError(
                    f"{path}: larger than {MAX_DOCUMENT_BYTES // (1024 * 1024)} MiB; not adopted"
                ) from None
            result = ReadResult(None, error.refusal.message)
        if result.text is None or result.problem is not None:
            raise UnreadableDocumentError(f"{path}: {result.problem}; save it as UTF-8 and run again")
        key = file.document.key
        if key in texts:
            other = texts[key][0].path.name
            raise AmbiguousPackageError(
                f"{path.parent}: both {other} and {path.name} hold the {key}; keep one of them and run again"
            )
        texts[key] = (file, result.text)
    return texts


def plan_adoption(
    folder: Path,
    files: Sequence[PackageFile],
    render: Renderer,
    recorded_answers: str | None = None,
    skip: frozenset[str] = frozenset(),
) -> AdoptionPlan:
    """The adoption of the package in `folder`, whose documents are `files`.

    With `recorded_answers` (the text of an answers file already there), the
    package keeps them: only missing documents and sections are added. `skip`
    names documents (by key) neither touched nor created.
    """
    texts = read_documents(files)
    plan = AdoptionPlan(folder)
    parsed: dict[str, tuple[str, MarkdownDocument]] = {
        key: (file.path.name, parse(text)) for key, (file, text) in texts.items()
    }
    if recorded_answers is None:
        facts = read_package_facts([file for file, _ in texts.values()])
        plan.extracted = extract_answers(facts, parsed)
        rendered = render(plan.extracted.data())
    else:
        rendered = render({})
    for document in DOCUMENTS:
        if document.key in skip:
            continue
        template_text = rendered.get(document.filename)
        if document.key not in texts:
            if template_text is not None and not (folder / document.filename).exists():
                plan.changes.append(FileChange(document.filename, None, template_text))
                plan.documents.append(DocumentOutcome(document.filename, created=True))
            continue
        file, text = texts[document.key]
        plan.changes.append(_adopted(document, file, text, parsed[document.key][1], template_text, plan))
    if recorded_answers is None:
        answers = rendered.get(ANSWERS_FILE)
        if answers is None:
            raise TssaError(f"the template wrote no {ANSWERS_FILE}; it cannot be adopted from")
        plan.changes.append(FileChange(ANSWERS_FILE, None, answers))
    return plan


def _adopted(
    document: Document,
    file: PackageFile,
    text: str,
    parsed: MarkdownDocument,
    template_text: str | None,
    plan: AdoptionPlan,
) -> FileChange:
    renamed = file.path.name if file.path.name != document.filename else None
    if template_text is None:
        after, outcome = text, DocumentOutcome(document.filename, renamed_from=renamed)
    else:
        changes = add_missing_sections(document, text, template_blocks(document, template_text), parsed)
        after = changes.text
        outcome = DocumentOutcome(document.filename, changes.added, changes.topics, renamed_from=renamed)
    plan.documents.append(outcome)
    return FileChange(document.filename, text, after, renamed)
