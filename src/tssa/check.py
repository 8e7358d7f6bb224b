"""Check package documents: what is missing, unfilled or wrong.

Every finding has a file, a line, a stable code and one line of message. The
codes are the rules in `tssa.rules`; their numbers never change meaning.
"""

from __future__ import annotations

import os
import re
from dataclasses import dataclass, field
from functools import partial
from pathlib import Path
from urllib.parse import unquote, urlsplit

from tssa.files import Problem, ReadResult, read_document
from tssa.markdown import MarkdownDocument, Table, lines_of, parse, without_cycle_collection
from tssa.matching import MatchedSection, Status, match_sections, normalize
from tssa.outline import METADATA_ROWS, README_FIELDS, MetadataRow
from tssa.package import PackageFile
from tssa.rules import RULES, Finding
from tssa.workers import run_in_workers

# The code of each reason `tssa.files` gives for not reading a file or folder.
_PROBLEM_CODES = {problem: next(rule.code for rule in RULES if rule.name == problem.value) for problem in Problem}


@dataclass
class DocumentReport:
    """What the check found in one file."""

    file: PackageFile
    findings: list[Finding] = field(default_factory=list)
    sections_written: int = 0
    sections_total: int = 0


_DRAFT_LINE = re.compile(r"^\s*(?:[-*]\s+)?(reference:|todo\b)", re.IGNORECASE)
_CONFLICT_LINE = re.compile(r"^(<<<<<<<|>>>>>>>)(?: |$)")
_URL = re.compile(r"^https?://\S+$")


@without_cycle_collection  # paragraphs are parsed on demand, after `parse`: keep that linear too
def check_file(file: PackageFile, lint: bool = False) -> DocumentReport:
    """Check one document against its outline."""
    report = DocumentReport(file)
    found = report.findings.append
    path = file.path
    if path.name in file.document.old_filenames:
        found(Finding(path, 1, "TSSA003", f"{path.name} is the old name; rename it {file.document.filename}"))
    if file.refusal is not None:
        result = ReadResult(None, file.refusal.message, kind=file.refusal.problem)
    else:
        report.findings.extend(_leftover_file_findings(path))
        result = read_document(path)
    # A file that cannot be read has written nothing of its document's sections.
    parsed = parse(result.text or "")
    matched = match_sections(file.document, parsed)
    counted = [item for item in matched if item.counts_for_progress]
    report.sections_total = len(counted)
    report.sections_written = sum(item.status is Status.WRITTEN for item in counted)
    if result.problem:
        code = _PROBLEM_CODES[result.kind or Problem.UNREADABLE]
        found(Finding(path, result.line, code, f"{path.name} {result.problem}"))
    if result.text is None:
        return report
    text = result.text
    report.findings.extend(_section_findings(path, matched, parsed))
    if file.document.has_metadata:
        report.findings.extend(_metadata_findings(path, parsed))
    if file.document.key == "readme":
        report.findings.extend(_readme_findings(path, parsed))
    report.findings.extend(_link_findings(path, parsed))
    report.findings.extend(_line_findings(path, text, parsed))
    if lint:
        from tssa.lint import LintFailedError, lint_markdown  # the linter is slow to import; only on request

        try:
            for item in lint_markdown(text):
                found(Finding(path, item.line, "TSSA501", f"{item.rule} {item.message}"))
        except LintFailedError as error:
            found(Finding(path, 1, "TSSA502", f"{error}; the other checks ran"))
    report.findings.sort(key=lambda finding: (finding.line, finding.code))
    return report


# Below this many files, starting worker processes costs more than it saves.
_PARALLEL_FROM = 24


def check_files(files: list[PackageFile], lint: bool = False) -> list[DocumentReport]:
    """Check many documents, spread over the machine's cores when there are enough."""
    workers = min(os.cpu_count() or 1, 8)
    if len(files) < _PARALLEL_FROM or workers < 2:
        return [check_file(file, lint) for file in files]
    return run_in_workers(partial(check_file, lint=lint), files, workers)


def _section_findings(path: Path, matched: list[MatchedSection], parsed: MarkdownDocument) -> list[Finding]:
    findings: list[Finding] = []
    previous_line = 1
    parents_missing: set[str] = set()
    for item in matched:
        section = item.outline.section
        if item.found is None:
            if item.outline.parent_key in parents_missing:
                parents_missing.add(item.outline.key)
                continue  # the parent's finding covers it
            parents_missing.add(item.outline.key)
            code = "TSSA101" if section.required else "TSSA102"
            findings.append(Finding(path, previous_line, code, f'section "{section.title}" is missing'))
            continue
        line = item.found.heading.line
        previous_line = line
        if item.found_by_alias:
            findings.append(
                Finding(
                    path,
                    line,
                    "TSSA105",
                    f'"{item.found.heading.text}" is an old name; call it "{section.title}"',
                )
            )
        if item.status is Status.UNFILLED:
            findings.append(Finding(path, line, "TSSA103", f'section "{section.title}" holds only the guidance'))
        elif item.status is Status.EMPTY and not section.children and section.required:
            findings.append(Finding(path, line, "TSSA104", f'section "{section.title}" is empty'))
    return findings


def _metadata_table(parsed: MarkdownDocument) -> Table | None:
    names = {normalize(name) for row in METADATA_ROWS for name in (row.name, *row.aliases)}
    for table in parsed.tables:
        keys = [normalize(row[0]) for row in table.rows if row] + [normalize(cell) for cell in table.header[:1]]
        if sum(key in names for key in keys) >= 2:
            return table
    return None


def _metadata_findings(path: Path, parsed: MarkdownDocument) -> list[Finding]:
    table = _metadata_table(parsed)
    if table is None:
        return [Finding(path, 1, "TSSA201", "no metadata table (Assessment Stage, Software, Security Provider, ...)")]
    rows: dict[str, tuple[int, str]] = {}
    all_rows = [(table.line, table.header), *zip(table.row_lines, table.rows, strict=True)]
    for line, cells in all_rows:
        if len(cells) >= 2:
            rows.setdefault(normalize(cells[0]), (line, cells[1].strip()))
    findings: list[Finding] = []
    for row in METADATA_ROWS:
        entry = next((rows[key] for key in map(normalize, (row.name, *row.aliases)) if key in rows), None)
        if entry is None:
            findings.append(Finding(path, table.line, "TSSA202", f'metadata row "{row.name}" is missing'))
            continue
        findings.extend(_metadata_value_findings(path, parsed, row, *entry))
    return findings


def _metadata_value_findings(
    path: Path, parsed: MarkdownDocument, row: MetadataRow, line: int, value: str
) -> list[Finding]:
    shown = value if len(value) <= 60 else value[:57] + "..."
    if row.allowed and value.casefold() not in {allowed.casefold() for allowed in row.allowed}:
        code = "TSSA203" if row.name == "Assessment Stage" else "TSSA204"
        allowed = ", ".join(row.allowed)
        return [Finding(path, line, code, f'{row.name} is "{shown}"; allowed: {allowed}')]
    if row.is_url:
        hrefs = [link.href for link in parsed.links if link.line == line]
        if not _URL.match(value) and not any(_URL.match(href) for href in hrefs):
            return [Finding(path, line, "TSSA205", f'Software is "{shown}", not a link to the repository')]
    return []


def _readme_findings(path: Path, parsed: MarkdownDocument) -> list[Finding]:
    texts = [block.text for block in parsed.blocks if block.kind == "paragraph"]
    return [
        Finding(path, 1, "TSSA206", f'the line "{name}: ..." is missing')
        for name in README_FIELDS
        if not any(normalize(text).startswith(normalize(name)) for text in texts)
    ]


def _link_findings(path: Path, parsed: MarkdownDocument) -> list[Finding]:
    findings: list[Finding] = []
    anchors = parsed.anchors
    for link in parsed.links:
        href = link.href.strip()
        if href.startswith("#"):
            if unquote(href[1:]).lower() not in anchors:
                findings.append(Finding(path, link.line, "TSSA301", f"link {href} has no matching heading"))
            continue
        parts = urlsplit(href)
        if parts.scheme or parts.netloc or not parts.path or href.startswith("//"):
            continue
        # not resolved: Path.resolve raises on a link loop, and exists() lets the system follow links
        if not (path.parent / unquote(parts.path)).exists():
            findings.append(Finding(path, link.line, "TSSA302", f"link {parts.path} points to a missing file"))
    return findings


def _leftover_file_findings(path: Path) -> list[Finding]:
    """Files an update or a merge leaves next to the document: changes it could not apply, backups."""
    findings: list[Finding] = []
    rejected, backup = path.with_name(path.name + ".rej"), path.with_name(path.name + ".orig")
    if rejected.exists():
        message = f"{rejected.name} holds changes an update could not apply; apply them by hand, then delete it"
        findings.append(Finding(path, 1, "TSSA403", message))
    if backup.exists():
        findings.append(Finding(path, 1, "TSSA404", f"{backup.name} is a backup left by a merge; delete it"))
    return findings


def _line_findings(path: Path, text: str, parsed: MarkdownDocument) -> list[Finding]:
    findings: list[Finding] = []
    for number, line in enumerate(lines_of(text), start=1):
        if _CONFLICT_LINE.match(line):
            findings.append(Finding(path, number, "TSSA402", "a conflict marker from an update is left in the file"))
        elif number not in parsed.code_lines and _DRAFT_LINE.match(line):
            findings.append(Finding(path, number, "TSSA401", f"draft line left over: {line.strip()[:60]}"))
    return findings
