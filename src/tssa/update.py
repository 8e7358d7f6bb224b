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
import tempfile
from dataclasses import dataclass, field
from pathlib import Path, PurePosixPath
from typing import Any

import copier
from copier.errors import CopierError, InteractiveSessionError
from packaging.version import InvalidVersion, Version

from tssa import __version__
from tssa.conflicts import Conflict, find_conflicts
from tssa.errors import TssaError
from tssa.gitrepo import mark_conflicted, mark_resolved, top_level, uncommitted
from tssa.merge import MergedDocument, merge_document
from tssa.outline import document_for_filename
from tssa.renames import former_section_keys, renamed_to
from tssa.versions import first_line, read_files, read_recorded, render

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
    """How to update: answers to change, whether to ask, which version."""

    data: dict[str, str] = field(default_factory=dict)
    defaults: bool = False
    skip_answered: bool = False
    vcs_ref: str | None = None


@dataclass
class UpdateOutcome:
    """What an update did: versions, notes for the author, and conflicts left."""

    old_version: str
    new_version: str
    notes: list[str] = field(default_factory=list)
    conflicts: list[Conflict] = field(default_factory=list)


@dataclass(frozen=True)
class _Package:
    folder: Path
    top: Path

    def git_path(self, relative: str) -> str:
        return (self.folder / relative).relative_to(self.top).as_posix()

    def write(self, relative: str, text: str) -> None:
        path = self.folder / relative
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(text.encode("utf-8"))


def _check_ready(folder: Path) -> _Package:
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
    return _Package(folder, top)


def _run_copier(folder: Path, options: UpdateOptions) -> None:
    try:
        copier.run_update(
            folder,
            data=dict(options.data),
            defaults=options.defaults,
            skip_answered=options.skip_answered,
            vcs_ref=options.vcs_ref,
            overwrite=True,
            quiet=True,
            conflict="inline",
            context_lines=CONTEXT_LINES,
        )
    except InteractiveSessionError as error:
        raise CopierUpdateError(
            "no terminal to ask the questions; run with --defaults "
            "(and --data KEY=VALUE for the answers to change)"
        ) from error
    except (CopierError, ValueError) as error:
        raise CopierUpdateError(f"copier could not update: {first_line(error)}") from error


def _renames_for(relative: str) -> dict[str, str]:
    document = document_for_filename(PurePosixPath(relative).name)
    return former_section_keys(document) if document is not None else {}


def _rename_target(
    relative: str, before: dict[str, str], base: dict[str, str], theirs: dict[str, str]
) -> str | None:
    """The new name of a file the new version renamed, if the outline knows it and it is free."""
    document = renamed_to(PurePosixPath(relative).name)
    if document is None:
        return None
    target = str(PurePosixPath(relative).with_name(document.filename))
    fresh = target in theirs and target not in base and target not in before
    return target if fresh else None


class _Merger:
    """Redoes copier's merge of each package document, by sections."""

    def __init__(
        self, package: _Package, before: dict[str, str], base: dict[str, str], theirs: dict[str, str]
    ):
        self.package = package
        self.before = before
        self.base = base
        self.theirs = theirs
        self.notes: list[str] = []

    def run(self) -> list[str]:
        for relative in sorted(self.base):
            if relative not in self.before:
                continue  # the author deleted it; copier keeps it deleted
            if relative in self.theirs:
                self._merge(relative, relative)
            elif self.before[relative] != self.base[relative]:
                self._carry(relative)
        return self.notes

    def _merge(self, source: str, target: str) -> bool:
        """Merge the author's `source` into the new version's `target`; False if it cannot be cut."""
        ours, base, theirs = self.before[source], self.base[source], self.theirs[target]
        if not target.lower().endswith(".md"):
            return False
        merged = merge_document(ours, base, theirs, _renames_for(target))
        if merged is None:
            return False
        self.package.write(target, merged.text)
        self._record(target, merged, base, ours, theirs)
        return True

    def _record(self, target: str, merged: MergedDocument, base: str, ours: str, theirs: str) -> None:
        top, path = self.package.top, self.package.git_path(target)
        if merged.conflicts:
            mark_conflicted(top, path, base, ours, theirs)
        else:
            mark_resolved(top, path)
        for heading in merged.kept:
            self.notes.append(
                f"{target}: the new template version no longer has the section {heading!r}; "
                "your text in it is kept: move it where it belongs"
            )

    def _carry(self, relative: str) -> None:
        """The new version renamed or dropped a file the author wrote in: move or keep its text."""
        target = _rename_target(relative, self.before, self.base, self.theirs)
        if target is not None and self._merge(relative, target):
            self.notes.append(f"{relative} is now {target}: your text moved there")
            return
        self.package.write(relative, self.before[relative])
        self.notes.append(
            f"{relative}: the new template version no longer has this file; it is kept with your text: "
            "move what you need, then delete it"
        )


def _version_note(version: str) -> list[str]:
    try:
        template = Version(version.split("-")[0])
    except InvalidVersion:
        return []
    if template > Version(__version__):
        return [
            f"tssa {__version__} is older than the template {version}; "
            "upgrade tssa so it knows that version's renamed sections and files"
        ]
    return []


def update_package(folder: Path, options: UpdateOptions) -> UpdateOutcome:
    """Update the package in `folder`; the outcome lists notes and conflicts left."""
    package = _check_ready(folder.resolve())
    old = read_recorded(package.folder)
    before = read_files(package.folder)
    with tempfile.TemporaryDirectory(prefix="tssa-update-") as scratch:
        base = render(old, Path(scratch) / "base")
        _run_copier(package.folder, options)
        new = read_recorded(package.folder)
        theirs = render(new, Path(scratch) / "theirs")
    outcome = UpdateOutcome(old.version, new.version)
    outcome.notes.extend(_Merger(package, before, base, theirs).run())
    outcome.notes.extend(
        f"{key} is not a question of this template version; it was not recorded"
        for key in options.data
        if key not in new.answers
    )
    outcome.notes.extend(_version_note(new.version))
    outcome.conflicts = find_conflicts(package.folder)
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
            "The package must be committed to git. Exits 1 and lists file:line when conflicts remain."
        ),
    )
    parser.add_argument(
        "path", nargs="?", type=Path, default=Path("."), metavar="PATH", help="package folder"
    )
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
        "--defaults",
        action="store_true",
        help="ask nothing: keep the recorded answers and take the default for new questions",
    )
    parser.add_argument(
        "--skip-answered", action="store_true", help="ask only the questions this package has no answer for"
    )
    parser.add_argument(
        "--vcs-ref",
        metavar="REF",
        help="the template version to update to, such as v0.2.0 (default: the latest)",
    )
    parser.set_defaults(handler=run)


def run(args: argparse.Namespace) -> int:
    """The `update` subcommand: update, print notes and conflicts, fail while conflicts remain."""
    options = UpdateOptions(dict(args.data), args.defaults, args.skip_answered, args.vcs_ref)
    outcome = update_package(args.path, options)
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
    print("Review the changes with `git diff`, then commit them.")
    return 0
