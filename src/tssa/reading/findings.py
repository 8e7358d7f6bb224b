"""Check package documents: what is missing, unfilled or wrong.

Every finding has a file, a line, a stable code and one line of message. The
codes are the rules in `tssa.reading.rules`; their numbers never change meaning.
"""

from __future__ import annotations

import os
import re
from array import array
from bisect import bisect_right
from collections.abc import Callable, Iterable, Iterator
from functools import partial
from itertools import chain, islice
from pathlib import Path
from urllib.parse import unquote, urlsplit

from tssa.reading.answers import ANSWERS_FILE, RecordedTemplate, read_answers
from tssa.reading.conflicts import is_conflict_marker
from tssa.reading.files import ReadResult, read_document
from tssa.reading.markdown import MarkdownDocument, Table, iter_lines, parse, without_cycle_collection
from tssa.reading.outline import (
    CURRENT_TEMPLATE,
    DOCUMENTS,
    JOINT_README,
    README_CLOSING,
    README_FIELDS,
    Document,
    MetadataRow,
)
from tssa.reading.package import PACKAGE_FILENAMES, PackageFile
from tssa.reading.resolve import (
    Resolution,
    Resolved,
    Status,
    current_outline,
    normalize,
    outline_additions,
    resolve_for_version,
)
from tssa.reading.rules import RULES, Finding
from tssa.reading.tables import all_tables
from tssa.records import Record, replace
from tssa.regularfiles import Problem

# The code of each reason `tssa.reading.files` gives for not reading a file or folder.
_PROBLEM_CODES = {problem: next(rule.code for rule in RULES if rule.name == problem.value) for problem in Problem}


class DocumentReport(Record, mutable=True):
    """What the check found in one file."""

    file: PackageFile
    findings: list[Finding]
    sections_written: int
    sections_total: int
    outline: str
    """The guide outline version the document was judged against ("2019", ..., "current")."""

    def __init__(
        self,
        file: PackageFile,
        findings: list[Finding] | None = None,
        sections_written: int = 0,
        sections_total: int = 0,
        outline: str = "current",
    ) -> None:
        self.file = file
        self.findings = [] if findings is None else findings
        self.sections_written = sections_written
        self.sections_total = sections_total
        self.outline = outline


# The patterns kept as text are compiled when first used (`re` keeps them): most documents never need them.
_DRAFT_LINE = r"(?i)^\s*(?:[-*]\s+)?(reference:|todo\b)"
_URL = re.compile(r"^https?://\S+$")
_LINE_BREAK = re.compile(r"\r\n|\r|\n")  # where `lines_of` splits
# What the guide and our template show as examples: the guide's sample project (whose name is
# also in the template's sample channels), reserved example domains and the guide's sample links.
_EXAMPLE = r"(?i)flibble|(?<![\w.+@-])[\w.+@-]*\bexample\.(?:org|com)\b|\bmy\.security\.(?:file|config)\b"
# What every example value holds (ignoring case), found far faster than an example value, which has no first letter
# to look for: by `str.find` in the text in lower case, the letters that ignoring case also matches (dotted and
# dotless i, the long s) made plain first, one for one, so that offsets stay those of the text.
_HINT_WORDS = ("flibble", "example.", "my.security.")
_PLAIN_LETTERS = str.maketrans({"\u0130": "i", "\u0131": "i", "\u017f": "s"})


def _example_hints(text: str) -> list[int]:
    """Where an example value's hint word starts, in order (a hint on a line with no example value finds none)."""
    return sorted(_folded_finds(text, _HINT_WORDS))


# Texts are folded this many characters at a time: a copy of a whole big text in lower case would cost more
# memory than the document model does.
_FOLD_CHUNK = 1 << 16


def _folded_finds(text: str, words: tuple[str, ...]) -> Iterator[int]:
    """Where each of `words` (plain, in lower case) starts in `text` in lower case, folded a chunk at a time."""
    overlap = max(len(word) for word in words) - 1
    for base in range(0, len(text), _FOLD_CHUNK):
        folded = text[base : base + _FOLD_CHUNK + overlap].translate(_PLAIN_LETTERS).lower()
        for word in words:
            at = folded.find(word)
            while -1 < at < _FOLD_CHUNK:  # a start in the overlap is the next chunk's to find
                yield base + at
                at = folded.find(word, at + 1)


def _leads_package(path: Path) -> bool:
    """Whether this file is the first document of its package folder (package-wide findings go there)."""
    for document in DOCUMENTS:
        for name in (document.filename, *document.old_filenames):
            if (path.parent / name).is_file():
                return name == path.name
    return True


Linter = Callable[[Path, str], list[Finding]]
"""Lint findings for a document's path and text (`tssa check --lint` passes the TAG's lint)."""


def check_file(file: PackageFile, lint: Linter | None = None) -> DocumentReport:
    """Check one document against the outline it was written for."""
    return check_and_parse(file, lint)[0]


@without_cycle_collection  # paragraphs are parsed on demand, after `parse`: keep that linear too
def check_and_parse(
    file: PackageFile, lint: Linter | None = None
) -> tuple[DocumentReport, str | None, MarkdownDocument]:
    """Check one document; also return its text (None when it was not read) and its parse, for reuse."""
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
    recorded = read_answers(path.parent)
    # A file that cannot be read has written nothing of its document's sections.
    parsed = parse(result.text or "")
    resolution = resolve_for_version(file.document, parsed, recorded.template)
    judged = not _is_other_readme(file.document, parsed, resolution)
    if not judged:
        resolution = Resolution(resolution.outline, ())
    report.outline = resolution.outline.outline
    counted = [entry for entry in resolution.entries if entry.counts_for_progress]
    report.sections_total = len(counted)
    report.sections_written = sum(entry.status is Status.WRITTEN for entry in counted)
    if result.problem:
        code = _PROBLEM_CODES[result.kind or Problem.UNREADABLE]
        found(Finding(path, result.line, code, f"{path.name} {result.problem}"))
    if result.text is None:
        return report, None, parsed
    text = result.text
    report.findings.extend(_version_findings(path, file.document, parsed, resolution, recorded))
    report.findings.extend(_section_findings(path, resolution))
    if resolution.outline.has_metadata:
        report.findings.extend(_metadata_findings(path, parsed, resolution.outline))
    if file.document.key == "readme" and judged:
        report.findings.extend(_readme_findings(path, parsed))
    report.findings.extend(_link_findings(path, parsed))
    report.findings.extend(_line_findings(path, text, parsed))
    if not _is_sample_project(recorded, parsed):
        report.findings.extend(_example_findings(path, text, parsed))
    if lint is not None:
        report.findings.extend(lint(path, text))
    _place_in_sections(report.findings, resolution)
    report.findings.sort(key=lambda finding: (finding.line, finding.code))
    return report, text, parsed


def _is_other_readme(document: Document, parsed: MarkdownDocument, resolution: Resolution) -> bool:
    """A README next to an assessment that is not a joint README at all (a project page, an index).

    A joint README has one of its lines (`Completed:`, `Security reviewers:`, ...), or its
    recommendations, or a title that calls it an assessment and some of its sections; a page
    with only a `Background` or a `Summary` is the project's own.
    """
    if document.key != "readme":
        return False
    texts = [normalize(block.text) for block in parsed.blocks if block.kind == "paragraph"]
    texts += [normalize(lead.text) for lead in parsed.leads]
    if any(text.startswith(normalize(name)) for name in (*README_FIELDS, README_CLOSING) for text in texts):
        return False
    found = [entry for entry in resolution.entries if entry.status is not Status.MISSING]
    if any(entry.key.split("/")[0] == "recommendations" for entry in found):
        return False
    title = next((heading.text for heading in parsed.headings if heading.level == 1), "")
    return not (found and _ASSESSMENT_TITLE.search(title))


_ASSESSMENT_TITLE = re.compile(r"assessment|review", re.IGNORECASE)


def _place_in_sections(findings: list[Finding], resolution: Resolution) -> None:
    """Give each finding that has no section yet the section its line is in."""
    starts = sorted(
        (entry.heading.heading.line, entry.heading.end_line, entry.key)
        for entry in resolution.entries
        if entry.heading is not None
    )
    for index, finding in enumerate(findings):
        if finding.section is not None:
            continue
        inside = [key for start, end, key in starts if start <= finding.line <= max(start, end)]
        if inside:
            findings[index] = replace(finding, section=inside[-1])


def _version_findings(
    path: Path, document: Document, parsed: MarkdownDocument, resolution: Resolution, recorded: RecordedTemplate
) -> list[Finding]:
    findings: list[Finding] = []
    outline = resolution.outline
    if recorded.template is None and outline.outline != "current":
        named = outline_additions(outline, current_outline(document)).named()
        shown = ", ".join(named)
        name = "single outline.md of 2019" if outline.outline == "2019" else f"{outline.outline} outline"
        message = f"written for the guide's {name}; it is judged against that outline"
        if named:
            message += f" (the current outline adds {shown})"
        findings.append(Finding(path, 1, "TSSA107", message))
    if recorded.template is not None and recorded.template != CURRENT_TEMPLATE and _leads_package(path):
        from tssa.reading.outline import template_order

        if template_order(recorded.template) < template_order(CURRENT_TEMPLATE):
            findings.append(
                Finding(
                    path.parent / ANSWERS_FILE,
                    1,
                    "TSSA108",
                    f"the package is from template v{recorded.template}; "
                    f"template v{CURRENT_TEMPLATE} is available: run tssa update",
                )
            )
    return findings


def _is_sample_project(recorded: RecordedTemplate, parsed: MarkdownDocument) -> bool:
    """Whether the package is about the guide's sample project itself (then its name is no leftover)."""
    if recorded.project is not None:
        return "flibble" in recorded.project.casefold()
    title = next((heading.text for heading in parsed.headings if heading.level == 1), "")
    return "flibble" in title.casefold()


def _comment_spans(parsed: MarkdownDocument) -> list[tuple[int, int]]:
    """The first and last line of each top-level HTML comment."""
    return [(block.line, block.end_line) for block in parsed.blocks if block.is_comment]


class _LineNumbers:
    """The lines of a text as `lines_of` splits it, worked out only at the offsets asked about."""

    def __init__(self, text: str) -> None:
        self.text = text
        # Where lines 2, 3, ... start; only for a text with carriage returns: of LF alone, `str.count` is quicker.
        self.starts = array("q", (found.end() for found in _LINE_BREAK.finditer(text))) if "\r" in text else None
        self._offset, self._number = 0, 1  # the last offset asked for, and its line

    def number(self, offset: int) -> int:
        """The line (1-based) that holds `offset`."""
        if self.starts is not None:
            return bisect_right(self.starts, offset) + 1
        if offset < self._offset:
            self._offset, self._number = 0, 1
        self._number += self.text.count("\n", self._offset, offset)
        self._offset = offset
        return self._number

    def span(self, offset: int) -> tuple[int, int]:
        """Where the line that holds `offset` starts, and where the next one does (or the text ends)."""
        starts, text = self.starts, self.text
        if starts is not None:
            line = bisect_right(starts, offset)
            return starts[line - 1] if line else 0, starts[line] if line < len(starts) else len(text)
        end = text.find("\n", offset)
        return text.rfind("\n", 0, offset) + 1, end + 1 if end != -1 else len(text)


def _example_matches(text: str, hints: list[int], lines: _LineNumbers) -> list[re.Match[str]]:
    """The example values in a text, in order, looked for only on the lines that hold a hint of one.

    No example value spans a line break, so reading those lines alone finds what reading the text would.
    """
    matches: list[re.Match[str]] = []
    line_end = 0
    for hint in hints:
        if hint < line_end:
            continue  # its line is read already
        line_start, line_end = lines.span(hint)
        matches.extend(re.compile(_EXAMPLE).finditer(text, line_start, line_end))
    return matches


def _example_findings(path: Path, text: str, parsed: MarkdownDocument) -> list[Finding]:
    """One finding per example value, at its first line, naming the other lines it is on."""
    hints = _example_hints(text)
    if not hints:
        return []
    lines = _LineNumbers(text)
    matches = _example_matches(text, hints, lines)
    if not matches:
        return []
    code, comments = parsed.code_lines, _comment_spans(parsed)
    lines_of_value: dict[str, list[int]] = {}
    shown_value: dict[str, str] = {}
    for match in matches:
        shown_value.setdefault(match.group(0).casefold(), match.group(0))
        number = lines.number(match.start())
        if number in code or any(first <= number <= last for first, last in comments):
            continue
        seen = lines_of_value.setdefault(match.group(0).casefold(), [])
        if not seen or seen[-1] != number:
            seen.append(number)
    findings: list[Finding] = []
    for value, numbers in lines_of_value.items():
        message = f'example value "{shown_value[value]}" left in: put in the project\'s own'
        if len(numbers) > 1:
            others = ", ".join(map(str, numbers[1:6])) + (", ..." if len(numbers) > 6 else "")
            message += f" (also on line{'s' if len(numbers) > 2 else ''} {others})"
        findings.append(Finding(path, numbers[0], "TSSA405", message))
    return findings


# Below this many files, starting worker processes costs more than it saves.
_PARALLEL_FROM = 24


def check_files(files: Iterable[PackageFile], lint: Linter | None = None) -> list[DocumentReport]:
    """Check many documents, spread over the machine's cores when there are enough.

    `files` may be found while the first are checked: the workers start before the last is found.
    """
    workers = min(os.cpu_count() or 1, 8)
    files = iter(files)
    first = list(islice(files, _PARALLEL_FROM))
    if len(first) < _PARALLEL_FROM or workers < 2:
        return [check_file(file, lint) for file in chain(first, files)]
    from tssa.workers import run_in_workers  # here: a check of a few files starts without it

    return run_in_workers(partial(check_file, lint=lint), chain(first, files), workers)


def missing_entries(resolution: Resolution) -> list[Resolved]:
    """The sections and topics `tssa check` reports missing: not those below one missing or not asked for.

    The one rule for "this section is not there": `tssa adopt` adds the
    required ones of these (`asked_for`), so check finds none missing after it.
    """
    missing: list[Resolved] = []
    declined = set(resolution.not_asked)
    parents_missing: set[str] = set(declined)
    for entry in resolution.entries:
        if entry.outline.parent_key in declined:
            declined.add(entry.key)
            continue  # not asked for: whatever it holds, or lacks, is fine
        if entry.line is not None:
            continue
        if entry.outline.parent_key not in parents_missing:
            missing.append(entry)  # else the parent's finding covers it
        parents_missing.add(entry.key)
    return missing


def asked_for(entry: Resolved) -> bool:
    """Whether a missing section or topic is one the outline asks every document for (an error or warning)."""
    section = entry.outline.section
    return section.required and not section.example


def _section_findings(path: Path, resolution: Resolution) -> list[Finding]:
    findings: list[Finding] = []
    previous_line = 1
    declined = set(resolution.not_asked)
    missing = {entry.key for entry in missing_entries(resolution)}
    for entry in resolution.entries:
        section, key = entry.outline.section, entry.key
        if entry.outline.parent_key in declined:
            declined.add(key)
            continue  # not asked for: whatever it holds, or lacks, is fine
        kind = "topic" if section.topic else "section"
        line = entry.line
        if line is None:
            if key not in missing:
                continue
            code = "TSSA106" if section.topic else "TSSA101" if section.required else "TSSA102"
            if (section.topic and not section.required) or section.example:
                continue
            message = f'{kind} "{section.title}" is missing'
            if entry.stand_in is not None:
                message += f' (is it "{entry.stand_in.text.strip()}", line {entry.stand_in.line}?)'
            findings.append(Finding(path, previous_line, code, message, key))
            continue
        previous_line = line
        if entry.heading is None:
            continue  # a bullet or lead-in: it holds its own text
        written = entry.heading.heading.text
        if entry.by_alias:
            message = f'"{written}" is an old name; call it "{section.title}"'
            findings.append(Finding(path, line, "TSSA105", message, key))
        if entry.status is Status.UNFILLED:
            message = f'{kind} "{section.title}" holds only the guidance'
            if section.rendered and any(not block.is_comment for block in entry.heading.blocks):
                message = f'{kind} "{section.title}" holds only what the template wrote; its guide asks for more'
            findings.append(Finding(path, line, "TSSA103", message, key))
        elif entry.status is Status.EMPTY and not section.children and section.required:
            findings.append(Finding(path, line, "TSSA104", f'{kind} "{section.title}" is empty', key))
    return findings


def _metadata_table(parsed: MarkdownDocument, rows: tuple[MetadataRow, ...]) -> Table | None:
    names = {normalize(name) for row in rows for name in (row.name, *row.aliases)}
    for table in all_tables(parsed):
        keys = [normalize(row[0]) for row in table.rows if row] + [normalize(cell) for cell in table.header[:1]]
        if sum(key in names for key in keys) >= 2:
            return table
    return None


def _metadata_findings(path: Path, parsed: MarkdownDocument, outline: Document) -> list[Finding]:
    table = _metadata_table(parsed, outline.metadata_rows)
    if table is None:
        listed = ", ".join(row.name for row in outline.metadata_rows[:3])
        return [Finding(path, 1, "TSSA201", f"no metadata table ({listed}, ...)", "metadata")]
    rows: dict[str, tuple[int, str]] = {}
    all_rows = [(table.line, table.header), *zip(table.row_lines, table.rows, strict=True)]
    for line, cells in all_rows:
        if len(cells) >= 2:
            rows.setdefault(normalize(cells[0]), (line, cells[1].strip()))
    findings: list[Finding] = []
    for row in outline.metadata_rows:
        entry = next((rows[key] for key in map(normalize, (row.name, *row.aliases)) if key in rows), None)
        if entry is None:
            if row.required:
                message = f'metadata row "{row.name}" is missing'
                findings.append(Finding(path, table.line, "TSSA202", message, "metadata"))
            continue
        findings.extend(_metadata_value_findings(path, parsed, row, *entry))
    return findings


def _metadata_value_findings(
    path: Path, parsed: MarkdownDocument, row: MetadataRow, line: int, value: str
) -> list[Finding]:
    shown = value if len(value) <= 60 else value[:57] + "..."
    if _is_instruction(row, value, [link.href for link in parsed.links if link.line == line]):
        # The guide's own sample text, as its sample links are: an example value left in.
        message = f'metadata row "{row.name}" still holds the guide\'s instruction: "{shown}"'
        return [Finding(path, line, "TSSA405", message, "metadata")]
    if value.rstrip(".").casefold() == _NOT_GIVEN:
        message = f'metadata row "{row.name}" is not given yet'
        return [Finding(path, line, "TSSA103", message, "metadata")]
    if row.allowed and not _is_allowed(value, row.allowed):
        code = "TSSA203" if row.name == "Assessment Stage" else "TSSA204"
        allowed = ", ".join(row.allowed)
        return [Finding(path, line, code, f'{row.name} is "{shown}"; allowed: {allowed}', "metadata")]
    if row.is_url:
        hrefs = [link.href for link in parsed.links if link.line == line]
        if not _URL.match(value) and not any(_URL.match(href) for href in hrefs) and not _STARTS_WITH_URL.match(value):
            message = f'Software is "{shown}", not a link to the repository'
            return [Finding(path, line, "TSSA205", message, "metadata")]
    return []


# An allowed value, alone or followed by a full stop, colon, dash or bracket and an explanation
# (`No. The primary function is ...`, `Incomplete.`); `Yes, partly` stays a hedge.
_ANSWER_THEN_EXPLANATION = re.compile(r"^\W*(\w+)\W*$|^\W*(\w+)\**\s*(?:[.:(\u2013\u2014]|\s-\s)")
# A value that starts with the address and says more (`https://... (mirrored at ...)`), or an
# HTML cell holding a link, which reads as its address, then its text.
_STARTS_WITH_URL = re.compile(r"^<?https?://\S+\s")


def _is_allowed(value: str, allowed: tuple[str, ...]) -> bool:
    match = _ANSWER_THEN_EXPLANATION.match(value)
    word = (match.group(1) or match.group(2)) if match else None
    return word is not None and word.casefold() in {name.casefold() for name in allowed}


# What the template writes where a question was left empty: the authors still have to fill it.
_NOT_GIVEN = "not given"
_INSTRUCTION = re.compile(r"^\W*(?:a link|link to|url\b)", re.IGNORECASE)


def _is_instruction(row: MetadataRow, value: str, hrefs: list[str]) -> bool:
    """A value that is still the guide's explanation of the row, such as "Yes or No. Is the ..."."""
    if row.allowed:
        words = set(re.findall(r"\w+", value.casefold()))
        return sum(allowed.casefold() in words for allowed in row.allowed) >= 2
    return row.is_url and not hrefs and not _URL.search(value) and _INSTRUCTION.match(value) is not None


def _readme_findings(path: Path, parsed: MarkdownDocument) -> list[Finding]:
    # Top-level paragraphs, and list items (`* **Project team**: ...`) as the lead-ins they are.
    texts = [block.text for block in parsed.blocks if block.kind == "paragraph"]
    texts += [lead.text for lead in parsed.leads]
    # Template versions before 0.2.0 wrote the tracking issue as a section of its own.
    texts += [heading.text for heading in parsed.headings]
    return [
        Finding(path, 1, "TSSA206", f'the line "{name}: ..." is missing')
        for name in (*README_FIELDS, README_CLOSING)
        if not any(normalize(text).startswith(normalize(name)) for text in texts)
    ]


def repository_root(folder: Path) -> Path | None:
    """Where root-relative links start: the nearest of the folder above `community/` (the TAG's
    repository), the folder above `projects/` (the TOC's) and the top of a git work tree."""
    for parent in (folder, *folder.parents):
        if parent.name == "community":
            return parent.parent
        if parent.name == "projects" and parent.parent.name != "assessments":
            return parent.parent
        if (parent / ".git").exists():
            return parent
    return None


def _judged(target: Path, folder: Path, root: Path | None) -> bool:
    """Whether a missing link target is a defect we can tell from here.

    In a repository, any target inside it. Outside one, where the package will
    live decides what its links reach: the package's own assessments and the
    folders below it are judged. The joint README is written last, so an
    assessment may link to it before it exists.
    """
    if root is not None:
        return root == target or root in target.parents
    if target.name == JOINT_README.filename and target.parent == folder:
        return False  # the joint README comes last, after the review: an assessment may link to it before
    return (target.name in PACKAGE_FILENAMES and target.parent == folder) or folder in target.parent.parents


def _link_findings(path: Path, parsed: MarkdownDocument) -> list[Finding]:
    findings: list[Finding] = []
    anchors = parsed.anchors
    folder = Path(os.path.abspath(path.parent))
    root = repository_root(folder)
    for link in parsed.links:
        href = link.href.strip()
        if href.startswith("#"):
            if unquote(href[1:]).lower() not in anchors:
                findings.append(Finding(path, link.line, "TSSA301", f"link {href} has no matching heading"))
            continue
        parts = urlsplit(href)
        if parts.scheme or parts.netloc or not parts.path or href.startswith("//"):
            continue
        relative = unquote(parts.path)
        if relative.startswith("/"):
            if root is None:
                continue  # read from the repository's root, and there is none here
            target = Path(os.path.normpath(root / relative.lstrip("/")))
        else:
            target = Path(os.path.normpath(folder / relative))
        if _judged(target, folder, root) and not target.exists():
            where = " in the repository" if relative.startswith("/") else ""
            message = f"link {parts.path} points to a missing file{where}"
            findings.append(Finding(path, link.line, "TSSA302", message))
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


# What a conflict marker or a draft line holds (`<<<<<<<`, `>>>>>>>`, `todo`, `reference:` in any case): a text
# without any has neither. Spelled out letter by letter after one first character, it is found far quicker.
_LINE_FINDING_HINT = re.compile(
    r"[<>TtRr](?:(?<=<)<{6}|(?<=>)>{6}|(?<=[Tt])[Oo][Dd][Oo]|(?<=[Rr])[Ee][Ff][Ee][Rr][Ee][Nn][Cc][Ee]:)"
)


def _line_findings(path: Path, text: str, parsed: MarkdownDocument) -> list[Finding]:
    findings: list[Finding] = []
    # Plain searches first: most texts have none of the hint's words, and the pattern reads each t and r.
    if (
        "<<<<<<<" not in text
        and ">>>>>>>" not in text
        and next(_folded_finds(text, ("todo", "reference:")), None) is None
    ):
        return findings
    if _LINE_FINDING_HINT.search(text) is None:
        return findings
    for number, line in enumerate(iter_lines(text), start=1):
        if is_conflict_marker(line):
            findings.append(Finding(path, number, "TSSA402", "a conflict marker from an update is left in the file"))
        elif number not in parsed.code_lines and re.match(_DRAFT_LINE, line):
            findings.append(Finding(path, number, "TSSA401", f"draft line left over: {line.strip()[:60]}"))
    return findings
