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
from pathlib import Path

from tssa import __version__
from tssa.adopt import register as register_adopt
from tssa.commands import UPDATE_HELP, Commands, add_command
from tssa.errors import ExitCode, TssaError
from tssa.index import register as register_index
from tssa.insights import register as register_insights
from tssa.prefill import register as register_prefill
from tssa.terminal import printable


def _add_check(commands: Commands[argparse.ArgumentParser]) -> None:
    from tssa.report import FORMATS

    check = add_command(
        commands,
        "check",
        "tssa.check_command:run",
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


def _chosen_command(argv: Sequence[str]) -> str | None:
    # The top-level options take no values, so the first other word names the subcommand.
    return next((word for word in argv if not word.startswith("-")), None)


def _add_update(commands: Commands[argparse.ArgumentParser], argv: Sequence[str]) -> None:
    if _chosen_command(argv) == "update":
        from tssa.update import register  # copier is slow to import: only for `tssa update`

        register(commands)
    else:
        commands.add_parser("update", help=UPDATE_HELP, add_help=False)


def build_parser(argv: Sequence[str] = ()) -> argparse.ArgumentParser:
    """The parser for `argv`: the `update` subcommand is built in full only when `argv` asks for it."""
    parser = argparse.ArgumentParser(
        prog="tssa", description="Check and maintain CNCF TSSA security assessment packages."
    )
    parser.add_argument("--version", action="version", version=f"tssa {__version__}")
    commands = parser.add_subparsers(dest="command", metavar="COMMAND")
    _add_check(commands)
    _add_update(commands, argv)
    register_index(commands)
    register_prefill(commands)
    register_insights(commands)
    register_adopt(commands)
    return parser


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
