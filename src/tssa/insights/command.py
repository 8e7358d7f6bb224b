"""`tssa insights PACKAGE`: the Security Insights v2 entry that points at a package's self-assessment.

CLOMonitor and the OSPS baseline scanner read `repository.security.assessments.self`.
The command prints that entry; with `--write FILE` it sets it in an existing
Security Insights file and leaves every other byte of the file as it was.
"""

from __future__ import annotations

import argparse
import datetime
import re

from tssa.errors import ExitCode
from tssa.insights.entry import BadOptionError, build_entry
from tssa.insights.write import ENTRY_PATH, render_entry, update_file
from tssa.terminal import printable

_DATE = re.compile(r"^\d{4}-(0[1-9]|1[0-2])-(0[1-9]|[12]\d|3[01])$")


def run_insights(args: argparse.Namespace) -> int:
    if args.date is not None:
        _check_date(args.date)
    entry = build_entry(args.package, evidence=args.evidence, date=args.date, today=datetime.date.today())
    if args.write is None:
        print(render_entry(entry), end="")
        return ExitCode.OK
    if update_file(args.write, entry):
        print(f"Updated {'.'.join(ENTRY_PATH)} in {printable(str(args.write))}.")
    else:
        print(f"{printable(str(args.write))}: {'.'.join(ENTRY_PATH)} is up to date; nothing changed.")
    return ExitCode.OK


def _check_date(date: str) -> None:
    """A real calendar date written YYYY-MM-DD: 2026-02-31 and 2025-02-29 are refused."""
    shown = printable(date[:40])
    if not _DATE.match(date):
        raise BadOptionError(f'--date: use YYYY-MM-DD such as 2026-11-22; "{shown}" is not a date')
    try:
        datetime.date.fromisoformat(date)
    except ValueError:
        raise BadOptionError(f"--date: {shown} is not a day of the calendar; give a real date") from None
