"""`tssa index`: the subcommand's arguments; the work is in `tssa.index.command`, imported only when it runs."""

from __future__ import annotations

import argparse
from pathlib import Path

from tssa.commands import Commands, add_command


def register(commands: Commands[argparse.ArgumentParser]) -> None:
    """Add the `index` subcommand to the CLI's subparsers."""
    parser = add_command(
        commands,
        "index",
        "tssa.index.command:run",
        help="list every package under a folder: index.json, a Markdown listing, an HTML page",
        description=(
            "Index every TSSA package under ROOT (both homes, any depth): write ROOT/index.json and a Markdown "
            "listing grouped by state (ROOT/README.md unless --listing), and with --html a page that sorts and "
            "filters. Files tssa index did not write are never overwritten. With --check, write nothing and "
            "exit 1 when a file is out of date."
        ),
    )
    parser.add_argument("root", type=Path, metavar="ROOT", help="folder holding the packages")
    parser.add_argument("--json", type=Path, metavar="PATH", help="where to write the index (default ROOT/index.json)")
    parser.add_argument(
        "--listing", type=Path, metavar="PATH", help="where to write the Markdown listing (default ROOT/README.md)"
    )
    parser.add_argument("--html", type=Path, metavar="PATH", help="also write a static HTML page here")
    parser.add_argument(
        "--check", action="store_true", help="write nothing; exit 1 when a file differs from what would be written"
    )
