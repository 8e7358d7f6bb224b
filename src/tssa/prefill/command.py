"""`tssa prefill`: scan the checkout, write its two files (all or nothing), print the summary or the JSON."""

from __future__ import annotations

import argparse
import os
import stat
import sys
from pathlib import Path

from tssa.errors import ExitCode, NotFoundError, RefusedError
from tssa.prefill.detect import detect
from tssa.prefill.output import answers_yaml, draft_markdown, report_json, summary_table
from tssa.prefill.report import build_report
from tssa.terminal import printable
from tssa.writing.whole import stage

ANSWERS_FILE = "answers.yml"
DRAFT_FILE = "draft.md"


class CheckoutNotFoundError(NotFoundError):
    """The checkout to read is not an existing folder."""


class OutputExistsError(RefusedError):
    """An output file exists already and --force was not given."""


class OutputNotAFileError(RefusedError):
    """An output path is a folder (or another thing that is not a file), so it cannot be replaced."""


def run(args: argparse.Namespace) -> int:
    """The `prefill` subcommand."""
    return write_prefill(args.checkout, args.output, force=args.force, output_format=getattr(args, "format", "text"))


def write_prefill(checkout: Path, output: Path, force: bool = False, output_format: str = "text") -> int:
    """Scan `checkout`, write answers.yml and draft.md into `output`, print the summary table (or the JSON)."""
    if not checkout.is_dir():
        raise CheckoutNotFoundError(f"{checkout}: not a folder; give a local checkout of the project")
    if not output.is_dir():
        raise CheckoutNotFoundError(f"{output}: the output folder does not exist")
    targets = [output / ANSWERS_FILE, output / DRAFT_FILE]
    check_targets(targets, force)
    found = detect(checkout)
    report = build_report(found)
    contents = [answers_yaml(report, found.root.name), draft_markdown(report)]
    replace_all(targets, contents)
    for problem in report.problems:
        print(f"tssa prefill: {printable(problem)}", file=sys.stderr)
    if output_format == "json":
        print(report_json(report))
        return ExitCode.OK
    print(summary_table(report))
    print()
    print(f"Wrote {targets[0]} and {targets[1]}.")
    print(f"Next: copier copy --data-file {targets[0]} TEMPLATE DESTINATION")
    return ExitCode.OK


def check_targets(targets: list[Path], force: bool) -> None:
    """Refuse before anything is written: an existing file without --force, or a target that is no file at all."""
    existing = [target for target in targets if os.path.lexists(target)]
    for target in existing:
        mode = os.lstat(target).st_mode
        if not (stat.S_ISREG(mode) or stat.S_ISLNK(mode)):
            raise OutputNotAFileError(f"{target} exists and is not a file; move it away, then run again")
    if existing and not force:
        shown = ", ".join(str(target) for target in existing)
        raise OutputExistsError(f"{shown} exists already; use --force to replace it")


def replace_all(targets: list[Path], contents: list[str]) -> None:
    """Write every target or none: all are staged first; if a rename fails, the ones made are put back."""
    staged: list[Path] = []
    replaced: list[tuple[Path, Path | None, str | None]] = []  # target, a copy of its old file, or its old link
    backups: list[Path] = []
    try:
        for target, content in zip(targets, contents, strict=True):
            staged.append(stage(target, content))
        for target, temporary in zip(targets, staged, strict=True):
            backup, link = None, None
            if target.is_symlink():
                link = os.readlink(target)
            elif os.path.lexists(target):
                backup = stage(target, target.read_bytes())
                backups.append(backup)
            os.replace(temporary, target)
            replaced.append((target, backup, link))
    except BaseException:
        for target, backup, link in reversed(replaced):
            if backup is not None:
                os.replace(backup, target)
            else:
                target.unlink(missing_ok=True)
                if link is not None:
                    os.symlink(link, target)
        raise
    finally:
        for temporary in [*staged, *backups]:
            temporary.unlink(missing_ok=True)
