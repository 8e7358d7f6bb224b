"""`tssa prefill CHECKOUT`: draft a package's answers and references from the project's own repository.

This module only registers the command; the scan and the writing
(`tssa.prefill.command`) are imported when it runs, so `tssa` starts fast.
"""

from __future__ import annotations

import argparse
from pathlib import Path

from tssa.commands import Commands, add_command


def register(commands: Commands[argparse.ArgumentParser]) -> None:
    """Add `prefill` to the CLI's subcommands."""
    parser = add_command(
        commands,
        "prefill",
        "tssa.prefill.command:run",
        help="draft answers and references from a project's repository",
        description=(
            "Read a local checkout of the project (no network) and write answers.yml, for "
            "`copier copy --data-file answers.yml`, and draft.md: what the repository proves, each statement "
            "with links to the lines that prove it, under the self-assessment sections they inform. "
            "Prints what was found."
        ),
    )
    parser.add_argument("checkout", type=Path, metavar="CHECKOUT", help="a local checkout of the project")
    parser.add_argument(
        "--output", "-o", type=Path, default=Path("."), metavar="DIR", help="folder for the two files (default: here)"
    )
    parser.add_argument("--force", action="store_true", help="replace answers.yml and draft.md if they exist")
    parser.add_argument(
        "--format",
        choices=("text", "json"),
        default="text",
        help="print the summary table (text) or everything found, facts with their evidence, as JSON",
    )
