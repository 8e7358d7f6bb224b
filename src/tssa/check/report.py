"""Present check results: text for people, JSON for machines, GitHub annotations, a Markdown summary.

This module only presents. Which findings are shown and which severity each
has (errors fail; with --strict, warnings too) is the `Selection`'s decision
in `tssa.reading.rules`, so every format shows a finding with the same severity.
Values from files are data: text escapes control characters, GitHub lines use
the workflow-command escaping, Markdown escapes what would change the table.
"""

from __future__ import annotations

import os
import re
from collections.abc import Sequence
from functools import lru_cache
from pathlib import Path

from tssa.reading.rules import RULES, Finding, Rule, Selection, Severity
from tssa.terminal import printable

TYPE_CHECKING = False  # as `typing.TYPE_CHECKING`, without importing `typing` (for start-up)
if TYPE_CHECKING:
    from tssa.reading.findings import DocumentReport


_BAR_WIDTH = 20


def _shown(path: Path, base: Path | None = None) -> str:
    """`path` relative to `base` (the working folder by default) when it lies below it."""
    try:
        working: str | None = os.getcwd()
    except OSError:
        working = None
    return _shown_from(path, base, working)


@lru_cache(maxsize=1024)  # a document's findings all name its path: worked out once for all of them
def _shown_from(path: Path, base: Path | None, working: str | None) -> str:
    # `working`, the working folder, is only part of the key: `abspath` and `Path.cwd` read it.
    try:
        return str(Path(os.path.abspath(path)).relative_to(base or Path.cwd()))
    except (ValueError, OSError):
        return str(path)


def progress_bar(done: int, total: int) -> str:
    filled = round(_BAR_WIDTH * done / total) if total else _BAR_WIDTH
    return "[" + "#" * filled + "-" * (_BAR_WIDTH - filled) + "]"


def _percent(report: DocumentReport) -> int:
    done, total = report.sections_written, report.sections_total
    return round(100 * done / total) if total else 100


def _counts(reports: Sequence[DocumentReport], selection: Selection) -> str:
    findings = [finding for report in reports for finding in report.findings]
    errors = sum(selection.severity(finding) is Severity.ERROR for finding in findings)
    return f"{_count(len(reports), 'document')}: {_count(errors, 'error')}, {_count(len(findings) - errors, 'warning')}"


def _count(number: int, noun: str) -> str:
    return f"{number} {noun}" if number == 1 else f"{number} {noun}s"


def present(output: str, reports: Sequence[DocumentReport], selection: Selection) -> str:
    """The check results in one of `tssa.check.FORMATS`."""
    presenters = {"text": as_text, "json": as_json, "github": as_github, "markdown": as_markdown}
    return presenters[output](reports, selection)


def as_text(reports: Sequence[DocumentReport], selection: Selection) -> str:
    lines: list[str] = []
    for report in reports:
        done, total = report.sections_written, report.sections_total
        path = report.file.path
        shown = printable(_shown(path))
        lines.append(f"{shown}  {progress_bar(done, total)}  {done}/{total} sections written ({_percent(report)}%)")
        for finding in report.findings:
            severity = selection.severity(finding).value
            # Most findings name the document's own path (the same object, even after the workers' pickling).
            where = shown if finding.path is path else printable(_shown(finding.path))
            lines.append(
                f"  {where}:{finding.line}: {severity} {finding.code} {finding.name}: {printable(finding.message)}"
            )
    lines.append(_counts(reports, selection))
    return "\n".join(lines)


def as_json(reports: Sequence[DocumentReport], selection: Selection) -> str:
    documents = [
        {
            "path": str(report.file.path),
            "document": report.file.document.key,
            "sections_written": report.sections_written,
            "sections_total": report.sections_total,
            "findings": [
                {
                    "path": str(finding.path),
                    "line": finding.line,
                    "code": finding.code,
                    "name": finding.name,
                    "severity": selection.severity(finding).value,
                    "section": finding.section,
                    "message": finding.message,
                }
                for finding in report.findings
            ],
        }
        for report in reports
    ]
    ok = not selection.fails(finding for report in reports for finding in report.findings)
    import json  # only here: the text a plain check prints needs none

    return json.dumps({"ok": ok, "documents": documents}, indent=2)


def _github_escape(text: str, is_property: bool) -> str:
    """GitHub's workflow-command escaping; other control characters are shown as escapes."""
    text = text.replace("%", "%25").replace("\r", "%0D").replace("\n", "%0A")
    if is_property:
        text = text.replace(":", "%3A").replace(",", "%2C")
    return printable(text)


def github_annotation(finding: Finding, severity: Severity) -> str:
    """`::error file=...,line=...,title=CODE name::message`: the finding on the pull request's diff."""
    # GitHub maps `file` to the diff from the repository's root, wherever the step runs.
    workspace = os.environ.get("GITHUB_WORKSPACE")
    file = _github_escape(_shown(finding.path, Path(workspace) if workspace else None), is_property=True)
    title = _github_escape(f"{finding.code} {finding.name}", is_property=True)
    message = _github_escape(finding.message, is_property=False)
    return f"::{severity.value} file={file},line={max(finding.line, 1)},title={title}::{message}"


def as_github(reports: Sequence[DocumentReport], selection: Selection) -> str:
    lines = [
        github_annotation(finding, selection.severity(finding)) for report in reports for finding in report.findings
    ]
    lines.append(_counts(reports, selection))
    return "\n".join(lines)


# Everything that could start Markdown syntax inside a table cell; a backslash makes each literal.
_MARKDOWN_ACTIVE = re.compile(r"([\\`*_\[\]<>|&~!#$])")


def markdown_cell(text: str) -> str:
    """A value as one literal table cell: no pipe, newline, HTML or emphasis survives as syntax."""
    return _MARKDOWN_ACTIVE.sub(r"\\\1", printable(text))


def _rule_link(finding: Finding) -> str:
    guide = finding.rule.guide
    return f"[{finding.code}]({guide}) {finding.name}" if guide else f"{finding.code} {finding.name}"


def as_markdown(reports: Sequence[DocumentReport], selection: Selection) -> str:
    """A summary for `$GITHUB_STEP_SUMMARY` or a pull-request comment: documents, then findings."""
    lines = [
        "## tssa check",
        "",
        _counts(reports, selection),
        "",
        "| document | sections written | errors | warnings |",
        "| --- | --- | --- | --- |",
    ]
    for report in reports:
        errors = sum(selection.severity(finding) is Severity.ERROR for finding in report.findings)
        lines.append(
            f"| {markdown_cell(_shown(report.file.path))} | "
            f"{report.sections_written}/{report.sections_total} ({_percent(report)}%) | "
            f"{errors} | {len(report.findings) - errors} |"
        )
    findings = [finding for report in reports for finding in report.findings]
    lines.append("")
    if not findings:
        lines.append("No findings.")
        return "\n".join(lines)
    lines += ["| file:line | severity | rule | message |", "| --- | --- | --- | --- |"]
    lines += [
        f"| {markdown_cell(_shown(finding.path))}:{finding.line} | {selection.severity(finding).value} | "
        f"{_rule_link(finding)} | {markdown_cell(finding.message)} |"
        for finding in findings
    ]
    return "\n".join(lines)


def rules_listing(output: str, selection: Selection) -> str:
    """`tssa check --list-rules`: the selected rules, in one of `tssa.check.FORMATS` (github lists as text)."""
    rules = [rule for rule in RULES if rule.code in selection.codes]
    if output == "json":
        import json

        return json.dumps(
            [
                {
                    "code": rule.code,
                    "name": rule.name,
                    "severity": rule.severity.value,
                    "summary": rule.summary,
                    "guide": rule.guide,
                }
                for rule in rules
            ],
            indent=2,
        )
    if output == "markdown":
        return rules_table(rules)
    width = max(len(rule.name) for rule in RULES)
    return "\n".join(
        f"{rule.code}  {rule.severity.value:<7}  {rule.name:<{width}}  {rule.summary}"
        + (f"  <{rule.guide}>" if rule.guide else "")
        for rule in rules
    )


def rules_table(rules: Sequence[Rule] = RULES) -> str:
    """The README's rules table: each code links to the guide section it enforces, where there is one."""
    lines = ["| code | name | severity | what it means |", "| --- | --- | --- | --- |"]
    for rule in rules:
        code = f"[{rule.code}]({rule.guide})" if rule.guide else rule.code
        lines.append(f"| {code} | {rule.name} | {rule.severity.value} | {rule.summary} |")
    return "\n".join(lines)
