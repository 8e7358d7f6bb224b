"""`tssa update`: bring a package to a newer template version without losing a written line.

Copier does the update itself (answers, questions, the answers file) with
three lines of context and inline conflicts. Then every package document is
merged again by sections (see `tssa.merge`), which carries the author's text
through moved, swapped, added and renamed sections where a line merge
conflicts. A file the new version renames moves with its text; a file it
drops is kept when the author wrote in it. Conflicts left are listed as
`file:line`, and the command fails until they are resolved.
"""

from __future__ import annotations

import argparse
import re
import tempfile
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import copier
from copier.errors import CopierError, InteractiveSessionError
from packaging.version import InvalidVersion, Version

from tssa import __version__
from tssa.carry import PackageFolder, carry_documents
from tssa.conflicts import Conflict, find_conflicts
from tssa.errors import TssaError
from tssa.gitrepo import intend_to_add_new_files, top_level, uncommitted
from tssa.versions import (
    ANSWERS_FILE,
    UnknownVersionError,
    first_line,
    missing_version,
    read_files,
    read_recorded,
    render,
    versions_phrase,
)

CONTEXT_LINES = 3


class PackageFolderNotFoundError(TssaError):
    """The path to update is not an existing folder."""

    exit_code = 2


class NotInGitRepositoryError(TssaError):
    """The package is not inside a git repository, so an update could not be reviewed or undone."""

    exit_code = 2


class UncommittedChangesError(TssaError):
    """The package has changes that are not committed; an update would mix with them."""

    exit_code = 2


class UnresolvedConflictsError(TssaError):
    """The package still holds conflict markers from an earlier update."""

    exit_code = 2


class CopierUpdateError(TssaError):
    """Copier refused or failed to update (bad answer, unknown version, downgrade, ...)."""


class ConflictsRemainError(TssaError):
    """The update is done, but some lines conflict and wait for the author."""


@dataclass(frozen=True)
class UpdateOptions:
    """How to update: answers to change, whether to ask the questions again, which version."""

    data: dict[str, str] = field(default_factory=dict)
    interactive: bool = False
    vcs_ref: str | None = None


@dataclass
class UpdateOutcome:
    """What an update did: versions, notes for the author, and conflicts left."""

    old_version: str
    new_version: str
    notes: list[str] = field(default_factory=list)
    conflicts: list[Conflict] = field(default_factory=list)
    changed: list[str] = field(default_factory=list)
    """The paths the update changed, as `git status` names them."""


def _check_ready(folder: Path) -> PackageFolder:
    """Refuse, with one clear line, to update what cannot be updated safely."""
    if not folder.is_dir():
        raise PackageFolderNotFoundError(f"{folder}: no such folder")
    top = top_level(folder)
    if top is None:
        raise NotInGitRepositoryError(
            f"{folder} is not inside a git repository; run `git init`, commit the package, and run again"
        )
    read_recorded(folder)
    changed = uncommitted(folder)
    if changed:
        shown = ", ".join(changed[:3]) + (", ..." if len(changed) > 3 else "")
        raise UncommittedChangesError(
            f"{folder} has uncommitted changes ({shown}); commit or stash them first, "
            "so the update can be reviewed and undone"
        )
    left = find_conflicts(folder)
    if left:
        raise UnresolvedConflictsError(
            f"{folder / left[0].path}:{left[0].line} still holds a conflict marker from an earlier update; "
            "resolve it and commit first"
        )
    return PackageFolder(folder.resolve(), top)


def _run_copier(folder: Path, options: UpdateOptions) -> None:
    try:
        copier.run_update(
            folder,
            data=dict(options.data),
            defaults=not options.interactive,
            vcs_ref=options.vcs_ref,
            overwrite=True,
            quiet=True,
            conflict="inline",
            context_lines=CONTEXT_LINES,
        )
    except InteractiveSessionError as error:
        raise CopierUpdateError(
            "no terminal to ask the questions; leave out --interactive "
            "(and give --data KEY=VALUE for the answers to change)"
        ) from error
    except (CopierError, ValueError) as error:
        raise CopierUpdateError(f"copier could not update: {first_line(error)}") from error


def _shown(value: Any) -> str:
    text = repr(value)
    return text if len(text) <= 60 else text[:57] + "..."


def _answer_notes(old: dict[str, Any], new: dict[str, Any], data: dict[str, str]) -> list[str]:
    """Answers given that were not recorded, answers that changed unasked, and new answers.

    Copier drops a recorded answer that fails a newer version's check and,
    when it does not ask, takes the default in its place without a word; it
    answers the same way a new question, or one that a changed answer turns on.
    """
    notes = [f"{key} is not a question of this template version; it was not recorded" for key in data if key not in new]
    notes.extend(
        f"the answer {key} is now {_shown(new[key])} (was {_shown(old[key])})"
        for key in sorted(old.keys() & new.keys())
        if key not in data and old[key] != new[key]
    )
    notes.extend(
        f"{key} had no recorded answer and is now {_shown(new[key])}; change it with --data {key}=..."
        for key in sorted(new.keys() - old.keys())
        if key not in data
    )
    return notes


def _version_note(version: str) -> list[str]:
    """A warning when the template is newer than this tssa (a bare commit id is no version)."""
    tag = re.match(r"^v?\d+(?:\.\d+)+", version)
    try:
        template = Version(tag.group(0)) if tag else None
    except InvalidVersion:
        template = None
    if template is not None and template > Version(__version__):
        return [
            f"tssa {__version__} is older than the template {version}; "
            "upgrade tssa so it knows that version's renamed sections and files"
        ]
    return []


def _check_versions_exist(source: str, recorded: str, wanted: str | None, answers_file: Path) -> None:
    """Refuse, before anything is rendered, a recorded version or a --vcs-ref the template does not have."""
    tags = missing_version(source, recorded)
    if tags is not None:
        raise UnknownVersionError(
            f"{answers_file}: _commit {recorded!r}: the template {source} has no such version "
            f"({versions_phrase(tags)}); set _commit to the version that made the package, commit, and run again"
        )
    tags = missing_version(source, wanted) if wanted else None
    if tags is not None:
        raise UnknownVersionError(
            f"--vcs-ref {wanted}: the template {source} has no such version ({versions_phrase(tags)})"
        )


def update_package(folder: Path, options: UpdateOptions) -> UpdateOutcome:
    """Update the package in `folder`; the outcome lists notes and conflicts left."""
    package = _check_ready(folder)
    old = read_recorded(package.folder)
    _check_versions_exist(old.source, old.version, options.vcs_ref, package.folder / ANSWERS_FILE)
    before = read_files(package.folder)
    with tempfile.TemporaryDirectory(prefix="tssa-update-") as scratch:
        base = render(old, Path(scratch) / "base")
        _run_copier(package.folder, options)
        new = read_recorded(package.folder)
        theirs = render(new, Path(scratch) / "theirs")
    outcome = UpdateOutcome(old.version, new.version)
    outcome.notes.extend(carry_documents(package, before, base, theirs))
    intend_to_add_new_files(package.folder)  # the folder had no untracked file before: these are the update's
    outcome.notes.extend(_answer_notes(old.answers, new.answers, options.data))
    outcome.notes.extend(_version_note(new.version))
    outcome.conflicts = find_conflicts(package.folder)
    outcome.changed = uncommitted(package.folder)
    return outcome


# ---------------------------------------------------------------- command line


def _key_value(text: str) -> tuple[str, str]:
    key, sep, value = text.partition("=")
    if not sep or not key.strip():
        raise argparse.ArgumentTypeError(f"{text!r} is not KEY=VALUE, such as assessment_stage=Complete")
    return key.strip(), value


def register(commands: Any) -> None:
    """Add the `update` subcommand to the CLI's subparsers."""
    parser = commands.add_parser(
        "update",
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
    parser.set_defaults(handler=run)


def run(args: argparse.Namespace) -> int:
    """The `update` subcommand: update, print notes and conflicts, fail while conflicts remain."""
    options = UpdateOptions(dict(args.data), args.interactive, args.vcs_ref)
    outcome = update_package(args.path, options)
    if outcome.old_version == outcome.new_version:
        print(f"{args.path}: the template is already at {outcome.new_version}; answers applied again.")
    else:
        print(f"Updated {args.path} from template {outcome.old_version} to {outcome.new_version}.")
    for note in outcome.notes:
        print(f"note: {note}")
    if outcome.conflicts:
        print("Conflicts to resolve (keep the right lines, delete the <<<<<<< ======= >>>>>>> markers):")
        for conflict in outcome.conflicts:
            print(f"{args.path / conflict.path}:{conflict.line}")
        files = sorted({conflict.path.as_posix() for conflict in outcome.conflicts})
        raise ConflictsRemainError(
            f"{len(outcome.conflicts)} conflict(s) left in {', '.join(files)}; resolve them, then commit"
        )
    if outcome.changed:
        print("Review the changes with `git diff`, then commit them.")
    else:
        print("Nothing changed.")
    return 0
