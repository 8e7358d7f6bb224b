"""The `tssa` command line: one subcommand per job, errors printed as one line."""

from __future__ import annotations

import argparse
import os
import sys
from collections.abc import Sequence
from pathlib import Path

from tssa import __version__
from tssa.check import check_files
from tssa.errors import TssaError
from tssa.package import find_package_files
from tssa.report import as_json, as_text, is_failure
from tssa.update import register as register_update


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="tssa", description="Check and maintain CNCF TSSA security assessment packages."
    )
    parser.add_argument("--version", action="version", version=f"tssa {__version__}")
    commands = parser.add_subparsers(dest="command", metavar="COMMAND")
    check = commands.add_parser(
        "check",
        help="report what is missing, unfilled or wrong in packages",
        description="Check TSSA packages: files, folders of one package, or folders of many.",
    )
    check.add_argument("paths", nargs="+", type=Path, metavar="PATH")
    check.add_argument("--format", choices=("text", "json"), default="text", help="output format")
    check.add_argument("--strict", action="store_true", help="treat warnings as errors")
    check.add_argument("--lint", action="store_true", help="add the TAG's Markdown lint findings")
    check.set_defaults(handler=run_check)

    register_update(commands)
    return parser


def run_check(args: argparse.Namespace) -> int:
    reports = check_files(find_package_files(args.paths), lint=args.lint)
    print(as_json(reports, args.strict) if args.format == "json" else as_text(reports, args.strict))
    return 1 if is_failure(reports, args.strict) else 0


def main(argv: Sequence[str] | None = None) -> int:
    parser = build_parser()
    args = parser.parse_args(argv)
    handler = getattr(args, "handler", None)
    if handler is None:
        parser.print_help()
        return 2
    try:
        return int(handler(args))
    except TssaError as error:
        print(f"tssa: {error}", file=sys.stderr)
        return error.exit_code
    except KeyboardInterrupt:
        print("tssa: interrupted", file=sys.stderr)
        return 130
    except BrokenPipeError:
        # The reader stopped early (`tssa check ... | head`): as other tools, stop quietly.
        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
        return 141


if __name__ == "__main__":
    sys.exit(main())
