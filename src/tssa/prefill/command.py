"""`tssa prefill`: scan the checkout, write its two files (all or nothing), print the summary."""

from __future__ import annotations

import argparse
import os
from pathlib import Path

from tssa.errors import ExitCode, NotFoundError, RefusedError
from tssa.prefill.detect import detect
from tssa.prefill.output import answers_yaml, build_draft, draft_markdown, summary_table
from tssa.safewrite import stage

ANSWERS_FILE = "answers.yml"
DRAFT_FILE = "draft.md"


class CheckoutNotFoundError(NotFoundError):
    """The checkout to read is not an existing folder."""


class OutputExistsError(RefusedError):
    """An output file exists already and --force was not given."""


def run(args: argparse.Namespace) -> int:
    """The `prefill` subcommand."""
    return write_prefill(args.checkout, args.output, force=args.force)


def write_prefill(checkout: Path, output: Path, force: bool = False) -> int:
    """Scan `checkout`, write answers.yml and draft.md into `output`, print the summary table."""
    if not checkout.is_dir():
        raise CheckoutNotFoundError(f"{checkout}: not a folder; give a local checkout of the project")
    if not output.is_dir():
        raise CheckoutNotFoundError(f"{output}: the output folder does not exist")
    targets = [output / ANSWERS_FILE, output / DRAFT_FILE]
    existing = [str(target) for target in targets if os.path.lexists(target)]
    if existing and not force:
        raise OutputExistsError(f"{', '.join(existing)} exists already; use --force to replace it")
    facts = detect(checkout)
    draft = build_draft(facts)
    contents = [answers_yaml(draft, facts.root.name), draft_markdown(draft)]
    staged: list[Path] = []
    try:
        for target, content in zip(targets, contents, strict=True):
            staged.append(stage(target, content))
        for target, temporary in zip(targets, staged, strict=True):
            os.replace(temporary, target)
    finally:
        for temporary in staged:
            temporary.unlink(missing_ok=True)
    print(summary_table(draft))
    print()
    print(f"Wrote {targets[0]} and {targets[1]}.")
    print(f"Next: copier copy --data-file {targets[0]} TEMPLATE DESTINATION")
    return ExitCode.OK
