"""The `check` subcommand: find the documents, check them, keep the selected findings, present them.

Whether the run fails is the `Selection`'s decision (`tssa.reading.rules`); the report
only presents, and the CLI turns the returned code into the exit status.
"""

from __future__ import annotations

import argparse
import os
from pathlib import Path

from tssa.check.report import as_markdown, present, rules_listing
from tssa.errors import ExitCode, RefusedError, UsageError
from tssa.reading.findings import DocumentReport, Linter, check_files
from tssa.reading.outline import GUIDE_VERSIONS, guide_order
from tssa.reading.package import iter_package_files
from tssa.reading.rules import Finding, Selection
from tssa.records import replace


def run(args: argparse.Namespace) -> ExitCode:
    """Check, present in the chosen format, fail on what the selection fails."""
    selection = Selection.from_options(args.select, args.ignore, args.strict)
    if args.list_rules:
        print(rules_listing(args.format, selection))
        return ExitCode.OK
    if not args.paths:
        raise UsageError("check: give at least one PATH: a document, a package folder or a folder of packages")
    linter = _linter() if args.lint else None
    oldest = _oldest_outline(args.outline)
    if args.summary is not None:
        _check_summary(args.summary)
    checked = check_files(iter_package_files(args.paths), lint=linter)
    reports = [
        replace(
            report,
            findings=[
                finding
                for finding in [*_outline_findings(report, oldest), *report.findings]
                if selection.reports(finding)
            ],
        )
        for report in checked
    ]
    print(present(args.format, reports, selection))
    if args.summary is not None:
        _append_summary(args.summary, as_markdown(reports, selection))
    failed = selection.fails(finding for report in reports for finding in report.findings)
    return ExitCode.FINDINGS if failed else ExitCode.OK


def _oldest_outline(wanted: str | None) -> str | None:
    if wanted is None or wanted in GUIDE_VERSIONS:
        return wanted
    raise UsageError(f"--outline: {wanted!r} is not an outline version; allowed: {', '.join(GUIDE_VERSIONS)}")


def _outline_findings(report: DocumentReport, oldest: str | None) -> list[Finding]:
    """With `--outline`, a document written for an older outline fails (TSSA109)."""
    if oldest is None or guide_order(report.outline) >= guide_order(oldest):
        return []
    message = f"written for the guide's {report.outline} outline; --outline asks for {oldest} or newer"
    return [Finding(report.file.path, 1, "TSSA109", message)]


class LinterMissingError(RefusedError):
    """`--lint` was given, but the lint library is not installed."""


def _linter() -> Linter:
    """The TAG's lint, imported only for `--lint` (a plain check never loads it)."""
    try:
        import pymarkdown.api  # noqa: F401  (tssa.check.lint imports it in each worker; fail once, here)
    except ImportError:
        raise LinterMissingError("--lint needs PyMarkdown, which is not installed: pip install pymarkdownlnt") from None
    from tssa.check.lint import lint_findings

    return lint_findings


class SummaryFileError(RefusedError):
    """The --summary file cannot be written."""


def _check_summary(path: Path) -> None:
    """Refuse a --summary path that cannot be written before checking anything, as `tssa index` does."""
    if path.is_dir():
        raise SummaryFileError(f"--summary {path}: cannot be written: it is a folder; give a file")
    folder = path.parent
    if not folder.is_dir():
        raise SummaryFileError(f"--summary {path}: cannot be written: the folder {folder} does not exist")
    writable = os.access(path, os.W_OK) if os.path.lexists(path) else os.access(folder, os.W_OK | os.X_OK)
    if not writable:
        raise SummaryFileError(f"--summary {path}: cannot be written: permission denied")


def _append_summary(path: Path, summary: str) -> None:
    try:
        with path.open("a", encoding="utf-8") as file:
            file.write(summary + "\n")
    except OSError as error:
        raise SummaryFileError(f"--summary {path}: cannot be written: {error.strerror or error}") from None
