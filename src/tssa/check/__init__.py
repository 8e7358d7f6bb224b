"""`tssa check`: the subcommand's arguments; the work is in `tssa.check.command`, imported only when it runs."""

from __future__ import annotations

import argparse
from pathlib import Path

from tssa.commands import Commands, add_command

FORMATS = ("text", "json", "github", "markdown")
"""The forms `tssa check` presents its findings in (`tssa.check.report` writes each)."""


def register(commands: Commands[argparse.ArgumentParser]) -> None:
    """Add the `check` subcommand to the CLI's subparsers."""
    check = add_command(
        commands,
        "check",
        "tssa.check.command:run",
        help="report what is missing, unfilled or wrong in packages",
        description="Check TSSA packages: files, folders of one package, or folders of many.",
    )
    check.add_argument(
        "paths", nargs="*", type=Path, metavar="PATH", help="a document, a package folder or a folder of packages"
    )
    check.add_argument(
        "--format",
        choices=FORMATS,
        default="text",
        help="text (default); json; github: one workflow annotation per finding; markdown: a summary table",
    )
    check.add_argument("--strict", action="store_true", help="treat warnings as errors")
    check.add_argument("--lint", action="store_true", help="add the TAG's Markdown lint findings")
    for option, verb, example in (("--select", "report only", "TSSA1"), ("--ignore", "do not report", "TSSA4")):
        check.add_argument(
            option,
            action="append",
            default=[],
            metavar="CODES",
            help=f"{verb} these rules: codes, prefixes ({example}) or names, comma-separated; repeatable",
        )
    check.add_argument(
        "--summary",
        type=Path,
        metavar="FILE",
        help="also append a Markdown summary to FILE, such as $GITHUB_STEP_SUMMARY",
    )
    check.add_argument(
        "--outline",
        metavar="VERSION",
        help="the oldest guide outline a document may follow (2019, 2021, 2023, 2024); older ones fail (TSSA109)",
    )
    check.add_argument("--list-rules", action="store_true", help="list every rule (in --format) and exit")
