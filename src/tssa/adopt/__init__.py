"""`tssa adopt`: the subcommand's arguments; the work is in `tssa.adopt.command`, imported only when it runs.

So `tssa check` and the other subcommands start without the adopt machinery.
"""

from __future__ import annotations

import argparse
from pathlib import Path

from tssa.commands import Commands, add_command


def register(commands: Commands[argparse.ArgumentParser]) -> None:
    """Add the `adopt` subcommand to the CLI's subparsers."""
    parser = add_command(
        commands,
        "adopt",
        "tssa.adopt.command:run",
        help="bring a hand-written package under the template, changing no word it has",
        description=(
            "Adopt a hand-written TSSA package: read its answers from the documents, write "
            ".copier-answers.yml, rename joint-review.md to joint-assessment.md (git mv), create missing "
            "documents and add the sections the outline requires, each with its guide. Every line the team "
            "wrote stays. The package must be committed to git. Afterwards `tssa update` works on it."
        ),
    )
    parser.add_argument("path", type=Path, metavar="PATH", help="package folder (with --all: a folder of packages)")
    parser.add_argument("--all", action="store_true", help="adopt every package under PATH, one line each")
    parser.add_argument("--dry-run", action="store_true", help="print a diff of every change; change nothing")
    parser.add_argument(
        "--patch",
        type=Path,
        metavar="FILE",
        help="a dry run that also writes its diff to FILE byte for byte, for `git apply` (the printed diff shows "
        "control characters, a byte-order mark and a lone CR as escapes)",
    )
    parser.add_argument(
        "--template",
        metavar="SRC",
        help="the template to adopt from: its path or git URL (default: the checkout this tssa runs from)",
    )
    parser.add_argument(
        "--vcs-ref", metavar="REF", help="the template version to adopt, such as v0.2.0 (default: the newest tag)"
    )
    parser.add_argument(
        "--rename-folder",
        action="store_true",
        help="move an oddly named package folder (or a lone self-assessment) to security-assessment/",
    )
