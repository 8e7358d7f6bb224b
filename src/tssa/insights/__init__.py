"""`tssa insights`: the subcommand's arguments; the work is in `tssa.insights.command`, imported only when it runs."""

from __future__ import annotations

import argparse
from pathlib import Path

from tssa.commands import Commands, add_command


def register(commands: Commands[argparse.ArgumentParser]) -> None:
    """Add `insights` to the CLI's subcommands."""
    parser = add_command(
        commands,
        "insights",
        "tssa.insights.command:run_insights",
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
