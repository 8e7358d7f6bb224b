"""The `tssa` command line: one subcommand per job, errors printed as one line."""

from __future__ import annotations

import argparse
import sys
from collections.abc import Sequence

from tssa import __version__
from tssa.errors import TssaError


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="tssa", description="Check and maintain CNCF TSSA security assessment packages."
    )
    parser.add_argument("--version", action="version", version=f"tssa {__version__}")
    parser.add_subparsers(dest="command", metavar="COMMAND")
    return parser


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


if __name__ == "__main__":
    sys.exit(main())
