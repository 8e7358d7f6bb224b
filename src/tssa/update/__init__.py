"""`tssa update`: the subcommand's arguments; the work is in `tssa.update.command`, imported only when it runs.

The update machinery loads copier, which is slow to import: `tssa --help` and
the other subcommands never load it.
"""

from __future__ import annotations

import argparse
from pathlib import Path

from tssa.commands import Commands, add_command


def _key_value(text: str) -> tuple[str, str]:
    key, sep, value = text.partition("=")
    if not sep or not key.strip():
        raise argparse.ArgumentTypeError(f"{text!r} is not KEY=VALUE, such as assessment_stage=Complete")
    return key.strip(), value


def register(commands: Commands[argparse.ArgumentParser]) -> None:
    """Add the `update` subcommand to the CLI's subparsers."""
    parser = add_command(
        commands,
        "update",
        "tssa.update.command:run",
        help="bring a package to a newer template version, keeping every written line",
        description=(
            "Update a TSSA package made with copier to a newer template version (or change its answers), "
            "merging by sections so every line the authors wrote stays in its section. "
            "It asks nothing unless --interactive: recorded answers stay, new questions take their "
            "defaults, --data changes answers. The package must be committed to git. "
            "Exits 1 and lists file:line when conflicts remain."
        ),
    )
    parser.add_argument("path", nargs="?", type=Path, default=Path("."), metavar="PATH", help="package folder")
    parser.add_argument(
        "-d",
        "--data",
        action="append",
        type=_key_value,
        default=[],
        metavar="KEY=VALUE",
        help="change an answer, such as assessment_stage=Complete or 'languages=[Go, Rust]'; repeatable",
    )
    parser.add_argument(
        "--interactive",
        action="store_true",
        help="ask every question again, the recorded answers as defaults (default: ask nothing)",
    )
    parser.add_argument(
        "--vcs-ref",
        metavar="REF",
        help="the template version to update to, such as v0.2.0 (default: the latest)",
    )
