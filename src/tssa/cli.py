"""The `tssa` command line: parse arguments, run one subcommand, map its outcome to an exit code.

Every subcommand's handler returns an `ExitCode` or raises a `TssaError`; both
are mapped here, the same way for every subcommand, and nothing else ever
reaches the user as a traceback. Each command folder's `register` holds only
its arguments; its work is imported when it runs, so `tssa check` never
imports copier.
"""

from __future__ import annotations

import argparse
import os
import sys
from collections.abc import Sequence

from tssa import __version__
from tssa.adopt import register as register_adopt
from tssa.check import register as register_check
from tssa.errors import ExitCode, TssaError
from tssa.index import register as register_index
from tssa.insights import register as register_insights
from tssa.prefill import register as register_prefill
from tssa.terminal import printable
from tssa.update import register as register_update


def build_parser() -> argparse.ArgumentParser:
    """The parser of every subcommand's arguments; each handler is imported only when it runs."""
    parser = argparse.ArgumentParser(
        prog="tssa", description="Check and maintain CNCF TSSA security assessment packages."
    )
    parser.add_argument("--version", action="version", version=f"tssa {__version__}")
    commands = parser.add_subparsers(dest="command", metavar="COMMAND")
    register_check(commands)
    register_update(commands)
    register_index(commands)
    register_prefill(commands)
    register_insights(commands)
    register_adopt(commands)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    arguments = sys.argv[1:] if argv is None else list(argv)
    try:
        parser = build_parser()
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
