"""`tssa insights PACKAGE`: the Security Insights v2 entry that points at a package's self-assessment.

CLOMonitor and the OSPS baseline scanner read `repository.security.assessments.self`.
The command prints that entry; with `--write FILE` it sets it in an existing
Security Insights file and leaves every other byte of the file as it was.
"""

from __future__ import annotations

import argparse
import datetime
import re
from pathlib import Path

from tssa.commands import Commands, add_command
from tssa.errors import ExitCode, NotFoundError, UsageError

TOC_HOME = "https://github.com/cncf/toc/blob/main/projects/{slug}/security-assessment/self-assessment.md"
TAG_HOME = "https://github.com/cncf/tag-security/blob/main/community/assessments/projects/{slug}/self-assessment.md"
ENTRY_PATH = ("repository", "security", "assessments", "self")
_DATE = re.compile(r"^\d{4}-(0[1-9]|1[0-2])-(0[1-9]|[12]\d|3[01])$")


class NoSelfAssessmentError(NotFoundError):
    """The package path holds no self-assessment to point at."""


class BadOptionError(UsageError):
    """An option value is not in the form the command allows."""


def register(commands: Commands[argparse.ArgumentParser]) -> None:
    """Add `insights` to the CLI's subcommands."""
    parser = add_command(
        commands,
        "insights",
        "tssa.insights:run_insights",
        help="print (or write) the Security Insights entry for a package's self-assessment",
        description=(
            "Print the Security Insights v2 repository.security.assessments.self entry for a package: "
            "name, evidence (the self-assessment's address in its home), date and comment. With --write, "
            "set that entry in an existing Security Insights file and keep the rest of it byte for byte."
        ),
    )
    parser.add_argument("package", type=Path, metavar="PACKAGE", help="a package folder or its self-assessment.md")
    parser.add_argument("--write", type=Path, metavar="FILE", help="the Security Insights file to update")
    parser.add_argument("--evidence", metavar="URL", help="the self-assessment's https:// address (default: its home)")
    parser.add_argument("--date", metavar="YYYY-MM-DD", help="the assessment date (default: its last commit)")


def run_insights(args: argparse.Namespace) -> int:
    from tssa.insights_entry import build_entry
    from tssa.insights_write import render_entry, update_file

    if args.date is not None and not _DATE.match(args.date):
        raise BadOptionError(f'--date: use YYYY-MM-DD such as 2026-11-22; "{args.date[:40]}" is not a date')
    entry = build_entry(args.package, evidence=args.evidence, date=args.date, today=datetime.date.today())
    if args.write is None:
        print(render_entry(entry), end="")
        return ExitCode.OK
    update_file(args.write, entry)
    print(f"Updated {'.'.join(ENTRY_PATH)} in {args.write}.")
    return ExitCode.OK
