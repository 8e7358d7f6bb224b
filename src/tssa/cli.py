"""The `tssa` command line: parse arguments, run one subcommand, map its outcome to an exit code.

Every subcommand's handler returns an `ExitCode` or raises a `TssaError`; both
are mapped here, the same way for every subcommand, and nothing else ever
reaches the user as a traceback. A subcommand imports only what it needs:
`tssa check` never imports copier (the update machinery is imported only when
the command line asks for `update`).
"""

from __future__ import annotations

import argparse
import os
import sys
from collections.abc import Sequence
from dataclasses import replace
from pathlib import Path

from tssa import __version__
from tssa.errors import ExitCode, TssaError, UsageError
from tssa.terminal import printable

_UPDATE_HELP = "bring a package to a newer template version, keeping every written line"


def _add_check(commands: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    from tssa.report import FORMATS

    check = commands.add_parser(
        "check",
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
    check.add_argument("--list-rules", action="store_true", help="list every rule (in --format) and exit")
    check.set_defaults(handler=run_check)


def _chosen_command(argv: Sequence[str]) -> str | None:
    # The top-level options take no values, so the first other word names the subcommand.
    return next((word for word in argv if not word.startswith("-")), None)


def _add_update(commands: argparse._SubParsersAction[argparse.ArgumentParser], argv: Sequence[str]) -> None:
    if _chosen_command(argv) == "update":
        from tssa.update import register  # copier is slow to import: only for `tssa update`

        register(commands)
    else:
        commands.add_parser("update", help=_UPDATE_HELP, add_help=False)


def build_parser(argv: Sequence[str] = ()) -> argparse.ArgumentParser:
    """The parser for `argv`: the `update` subcommand is built in full only when `argv` asks for it."""
    parser = argparse.ArgumentParser(
        prog="tssa", description="Check and maintain CNCF TSSA security assessment packages."
    )
    parser.add_argument("--version", action="version", version=f"tssa {__version__}")
    commands = parser.add_subparsers(dest="command", metavar="COMMAND")
    _add_check(commands)
    _add_update(commands, argv)
    return parser


def run_check(args: argparse.Namespace) -> ExitCode:
    """The `check` subcommand: check, present in the chosen format, fail on what the selection fails."""
    from tssa.report import as_markdown, present, rules_listing
    from tssa.rules import Selection

    selection = Selection.from_options(args.select, args.ignore, args.strict)
    if args.list_rules:
        print(rules_listing(args.format, selection))
        return ExitCode.OK
    if not args.paths:
        raise UsageError("check: give at least one PATH: a document, a package folder or a folder of packages")
    if args.lint:
        _require_linter()
    from tssa.check import check_files
    from tssa.package import find_package_files

    reports = [
        replace(report, findings=[finding for finding in report.findings if selection.reports(finding)])
        for report in check_files(find_package_files(args.paths), lint=args.lint)
    ]
    print(present(args.format, reports, selection))
    if args.summary is not None:
        _append_summary(args.summary, as_markdown(reports, selection))
    failed = selection.fails(finding for report in reports for finding in report.findings)
    return ExitCode.FINDINGS if failed else ExitCode.OK


class LinterMissingError(TssaError):
    """`--lint` was given, but the lint library is not installed."""

    exit_code = ExitCode.USAGE


def _require_linter() -> None:
    try:
        import pymarkdown.api  # noqa: F401  (tssa.lint imports it in each worker; fail once, here)
    except ImportError:
        raise LinterMissingError("--lint needs PyMarkdown, which is not installed: pip install pymarkdownlnt") from None


class SummaryFileError(TssaError):
    """The --summary file cannot be written."""

    exit_code = ExitCode.USAGE


def _append_summary(path: Path, summary: str) -> None:
    try:
        with path.open("a", encoding="utf-8") as file:
            file.write(summary + "\n")
    except OSError as error:
        raise SummaryFileError(f"--summary {path}: cannot be written: {error.strerror or error}") from None


def main(argv: Sequence[str] | None = None) -> int:
    arguments = sys.argv[1:] if argv is None else list(argv)
    try:
        parser = build_parser(arguments)
        args = parser.parse_args(arguments)
        handler = getattr(args, "handler", None)
        if handler is None:
            parser.print_help()
            return ExitCode.USAGE
        return int(handler(args))
    except TssaError as error:
        print(f"tssa: {printable(str(error))}", file=sys.stderr)
        return error.exit_code
    except KeyboardInterrupt:
        print("tssa: interrupted", file=sys.stderr)
        return ExitCode.INTERRUPTED
    except BrokenPipeError:
        # The reader stopped early (`tssa check ... | head`): as other tools, stop quietly.
        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
        return ExitCode.BROKEN_PIPE
    except Exception as error:  # the CLI's edge: a bug is one line, never a traceback
        detail = printable(f"{type(error).__name__}: {error}")
        print(f"tssa: internal error: {detail}; please report it", file=sys.stderr)
        return ExitCode.INTERNAL_ERROR


if __name__ == "__main__":
    sys.exit(main())
