"""Plan the adoption of one hand-written package, in memory: read, extract answers, add sections.

Nothing here writes to the package or imports copier. The rendering of the
template is handed in (`Renderer`), so a plan can be made with a render
shared between packages; `tssa.adopt` renders with copier and writes the plan.
A plan holds the bytes of each file before and after: a document keeps its
byte-order mark, its line endings and every byte the adoption does not add,
and the dry run's diff shows exactly those bytes.
"""

from __future__ import annotations

import difflib
import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from tssa.adopt.answers import ExtractedAnswers, extract_answers
from tssa.adopt.sections import add_missing_sections, template_blocks
from tssa.errors import RefusedError, TssaError
from tssa.reading.answers import ANSWERS_FILE, template_version
from tssa.reading.facts import package_facts
from tssa.reading.files import ReadResult, decode
from tssa.reading.markdown import MarkdownDocument, parse
from tssa.reading.outline import DOCUMENTS, Document, outline_for_template
from tssa.reading.package import PackageFile
from tssa.reading.textfiles import Encoding, encode
from tssa.reading.textfiles import decode as decode_text
from tssa.regularfiles import MAX_DOCUMENT_BYTES, FileRefusedError, Problem, read_regular

Renderer = Callable[[dict[str, Any]], dict[str, str]]
"""Renders the template with answers: every file by relative path, the answers file included."""


class UnreadableDocumentError(RefusedError):
    """A document of the package cannot be read as UTF-8 text, so adopt would not know what it keeps."""


class AmbiguousPackageError(RefusedError):
    """The package cannot be adopted as it is: two files for one document, or many packages in one folder."""


@dataclass(frozen=True)
class FileChange:
    """One file the adoption writes: its bytes before (None for a new file) and after."""

    path: str
    before: bytes | None
    after: bytes
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
        """A diff of every change that `git apply` takes, paths under `shown_folder`.

        Lines are cut at LF only, as git cuts them: a CRLF ending or a lone CR
        inside a line shows as the bytes it is, and so does a byte-order mark.
        """
        return "".join(_file_diff(change, shown_folder) for change in self.changes if change.changed)


_GIT_LINE = re.compile(r"[^\n]*\n|[^\n]+\Z")


def _diff_lines(data: bytes | None) -> list[str]:
    """A file's lines as git cuts them (at LF only), each with its LF; the last may have none."""
    return [] if data is None else _GIT_LINE.findall(data.decode("utf-8", "surrogateescape"))


def _file_diff(change: FileChange, shown_folder: str) -> str:
    old = f"{shown_folder}/{change.renamed_from or change.path}"
    new = f"{shown_folder}/{change.path}"
    header = [f"diff --git a/{old} b/{new}\n"]
    if change.before is None:
        header.append("new file mode 100644\n")
    if change.renamed_from is not None:
        header.extend([f"rename from {old}\n", f"rename to {new}\n"])
    lines = list(
        difflib.unified_diff(
            _diff_lines(change.before),
            _diff_lines(change.after),
            f"a/{old}" if change.before is not None else "/dev/null",
            f"b/{new}",
        )
    )
    body = "".join(line if line.endswith("\n") else line + "\n\\ No newline at end of file\n" for line in lines)
    return "".join(header) + body  # bytes that are not UTF-8 stay surrogate escapes: printable() shows them


@dataclass(frozen=True)
class ReadDocument:
    """A document of the package as adopt reads it: its text, and the bytes and encoding to write it back in."""

    file: PackageFile
    text: str
    data: bytes
    encoding: Encoding


def read_documents(files: Sequence[PackageFile]) -> dict[str, ReadDocument]:
    """Each document by document key; refuses anything it cannot read whole."""
    texts: dict[str, ReadDocument] = {}
    for file in files:
        path = file.path
        data = b""
        try:
            data = read_regular(path, follow_links=False)
            result = decode(data)
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
            other = texts[key].file.path.name
            raise AmbiguousPackageError(
                f"{path.parent}: both {other} and {path.name} hold the {key}; keep one of them and run again"
            )
        text, encoding = decode_text(data)  # the byte-order mark is kept apart, to be written back
        texts[key] = ReadDocument(file, text, data, encoding)
    return texts


def plan_adoption(
    folder: Path,
    files: Sequence[PackageFile],
    render: Renderer,
    recorded_answers: str | None = None,
    skip: frozenset[str] = frozenset(),
    version: str | None = None,
) -> AdoptionPlan:
    """The adoption of the package in `folder`, whose documents are `files`.

    With `recorded_answers` (the text of an answers file already there), the
    package keeps them: only missing documents and sections are added. `skip`
    names documents (by key) neither touched nor created. `version` is the
    template version adopted: its outline says what a document needs.
    """
    texts = read_documents(files)
    plan = AdoptionPlan(folder)
    parsed: dict[str, tuple[str, MarkdownDocument]] = {
        key: (read.file.path.name, parse(read.text)) for key, read in texts.items()
    }
    if recorded_answers is None:
        facts = package_facts(folder, [(read.file, read.text, parsed[key][1]) for key, read in texts.items()])
        plan.extracted = extract_answers(facts, parsed)
        rendered = render(plan.extracted.data())
    else:
        rendered = render({})
    release = template_version(version) if version else None
    for document in DOCUMENTS:
        if document.key in skip:
            continue
        template_text = rendered.get(document.filename)
        if document.key not in texts:
            if template_text is not None and not (folder / document.filename).exists():
                plan.changes.append(FileChange(document.filename, None, template_text.encode("utf-8")))
                plan.documents.append(DocumentOutcome(document.filename, created=True))
            continue
        outline = outline_for_template(document, release) if release else document
        plan.changes.append(_adopted(outline, texts[document.key], parsed[document.key][1], template_text, plan))
    if recorded_answers is None:
        answers = rendered.get(ANSWERS_FILE)
        if answers is None:
            raise TssaError(f"the template wrote no {ANSWERS_FILE}; it cannot be adopted from")
        plan.changes.append(FileChange(ANSWERS_FILE, None, answers.encode("utf-8")))
    return plan


def _adopted(
    document: Document,
    read: ReadDocument,
    parsed: MarkdownDocument,
    template_text: str | None,
    plan: AdoptionPlan,
) -> FileChange:
    renamed = read.file.path.name if read.file.path.name != document.filename else None
    if template_text is None:
        after, outcome = read.data, DocumentOutcome(document.filename, renamed_from=renamed)
    else:
        changes = add_missing_sections(document, read.text, template_blocks(document, template_text), parsed)
        after = read.data if changes.text == read.text else encode(changes.text, read.encoding)
        outcome = DocumentOutcome(document.filename, changes.added, changes.topics, renamed_from=renamed)
    plan.documents.append(outcome)
    return FileChange(document.filename, read.data, after, renamed)
