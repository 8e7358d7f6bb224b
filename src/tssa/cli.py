"""The `tssa` command line: parse arguments, run one subcommand, map its outcome to an exit code.

Every subcommand's handler returns an `ExitCode` or raises a `TssaError`; both
are mapped here, the same way for every subcommand, and nothing else ever
reaches the user as a traceback. Each command folder's `register` holds only
its arguments; its work is imported when it runs, so `tssa check` never
imports copier. A command line that names its subcommand first (`tssa check
...`) imports and builds only that subcommand's arguments: the others could
not change how it is parsed.
"""

from __future__ import annotations

import argparse
import importlib
import os
import sys
from collections.abc import Callable, Sequence

from tssa import __version__
from tssa.commands import Commands, HelpFormatter
from tssa.errors import ExitCode, TssaError
from tssa.terminal import printable

# The subcommands, in the order `tssa --help` lists them; each is the folder `tssa.NAME`, whose `register` adds it.
COMMANDS = ("check", "update", "index", "prefill", "insights", "adopt")


def _register(name: str) -> Callable[[Commands[argparse.ArgumentParser]], None]:
    register: Callable[[Commands[argparse.ArgumentParser]], None] = importlib.import_module(f"tssa.{name}").register
    return register


def build_parser(only: str | None = None) -> argparse.ArgumentParser:
    """The parser of every subcommand's arguments (or of subcommand `only`'s); each handler is imported when it runs."""
    parser = argparse.ArgumentParser(
        prog="tssa",
        description="Check and maintain CNCF TSSA security assessment packages.",
        formatter_class=HelpFormatter,
    )
    parser.add_argument("--version", action="version", version=f"tssa {__version__}")
    commands = parser.add_subparsers(dest="command", metavar="COMMAND")
    for name in COMMANDS if only is None else (only,):
        _register(name)(commands)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    arguments = sys.argv[1:] if argv is None else list(argv)
    try:
        # `tssa` takes no option with a value, so a first argument that names a subcommand is that subcommand.
        parser = build_parser(arguments[0] if arguments and arguments[0] in COMMANDS else None)
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
