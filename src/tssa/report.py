"""Present check results: a readable summary per document, or JSON for machines."""

from __future__ import annotations

import json
from pathlib import Path

from tssa.check import DocumentReport, Finding, Severity

_BAR_WIDTH = 20


def _shown(path: Path) -> str:
    try:
        return str(path.relative_to(Path.cwd()))
    except ValueError:
        return str(path)


def progress_bar(done: int, total: int) -> str:
    filled = round(_BAR_WIDTH * done / total) if total else _BAR_WIDTH
    return "[" + "#" * filled + "-" * (_BAR_WIDTH - filled) + "]"


def _fails(finding: Finding, strict: bool) -> bool:
    """Errors fail a check; with `strict`, warnings do too."""
    return finding.severity is Severity.ERROR or strict


def is_failure(reports: list[DocumentReport], strict: bool) -> bool:
    return any(_fails(finding, strict) for report in reports for finding in report.findings)


def as_text(reports: list[DocumentReport], strict: bool) -> str:
    lines: list[str] = []
    for report in reports:
        done, total = report.sections_written, report.sections_total
        percent = round(100 * done / total) if total else 100
        lines.append(
            f"{_shown(report.file.path)}  {progress_bar(done, total)}  {done}/{total} sections written ({percent}%)"
        )
        for finding in report.findings:
            severity = "error" if _fails(finding, strict) else "warning"
            lines.append(
                f"  {_shown(finding.path)}:{finding.line}: {severity} {finding.code} {finding.name}: {finding.message}"
            )
    findings = [finding for report in reports for finding in report.findings]
    errors = sum(_fails(finding, strict) for finding in findings)
    warnings = len(findings) - errors
    noun = "document" if len(reports) == 1 else "documents"
    lines.append(f"{len(reports)} {noun}: {errors} errors, {warnings} warnings")
    return "\n".join(lines)


def as_json(reports: list[DocumentReport], strict: bool) -> str:
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
                    "severity": finding.severity.value,
                    "message": finding.message,
                    "section": finding.section,
                }
                for finding in report.findings
            ],
        }
        for report in reports
    ]
    return json.dumps({"ok": not is_failure(reports, strict), "documents": documents}, indent=2)
