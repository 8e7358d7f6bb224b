"""`tssa update`: bring a package to a newer template version without losing a written line.

Copier renders the old version with the recorded answers and the new one
with the answers it asks for (or keeps), as `copier update` does; each file
is merged from the three (`tssa.update.newversion`), and every package document is
merged by sections (see `tssa.update.merge`), which carries the author's text
through moved, swapped, added and renamed sections where a line merge
conflicts. A file the new version renames moves with its text; a file it
drops is kept when the author wrote in it. Conflicts left are listed as
`file:line`, and the command fails until they are resolved.

All of it happens on a private copy (`tssa.writing.staging`); the package changes
only at the end, all at once (`tssa.writing.movein`), under a lock that keeps a
second update of the same repository out (`tssa.writing.lock`).
"""

from __future__ import annotations

import argparse
import re
import signal
import sys
from dataclasses import dataclass, field
from pathlib import Path
from types import FrameType
from typing import Any

from packaging.version import InvalidVersion, Version

from tssa import __version__
from tssa.errors import ExitCode, PackageFolderNotFoundError, RefusedError, TssaError, UsageError
from tssa.git import (
    copy_blob,
    git_dir,
    intend_to_add_new_files,
    require_committed,
    require_top_level,
    set_unmerged,
    uncommitted,
    unmerged_stages,
)
from tssa.interrupts import STOPPING
from tssa.reading import copierrun
from tssa.reading.answers import ANSWERS_FILE
from tssa.reading.conflicts import Conflict, find_conflicts
from tssa.reading.packagefiles import PackageFiles, read_package
from tssa.reading.recorded import read_recorded
from tssa.reading.textfiles import UTF8, Encoding, encode, read_bytes
from tssa.reading.versions import check_no_downgrade, check_versions_exist
from tssa.terminal import printable
from tssa.update.carry import PackageFolder, carry_documents
from tssa.update.newversion import apply_new_version
from tssa.writing.lock import repository_lock
from tssa.writing.movein import Change, move_in, undo_interrupted
from tssa.writing.staging import remove_stale, stage_package, staging_area


class NoTerminalError(UsageError):
    """--interactive was given, but the standard input is no terminal to ask on."""


class PackagePathIsAFileError(UsageError):
    """The path given is a file (a document of the package, say), not the package's folder."""


class UnresolvedConflictsError(RefusedError):
    """The package still holds conflict markers from an earlier update."""


class ChangedMeanwhileError(RefusedError):
    """A file of the package changed while the update ran."""


class UpdateInterruptedError(TssaError):
    """Ctrl-C or SIGTERM stopped the update."""

    exit_code = ExitCode.INTERRUPTED


class UpdateFailedError(TssaError):
    """Something outside tssa failed (disk full, no permission, ...); the package is as it was."""


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
    written: bool = False
    """Whether the result is in the package (an interruption after this leaves the update done)."""

    def mark_written(self) -> None:
        self.written = True


@dataclass(frozen=True)
class _StagedPackage(PackageFolder):
    """The staged copy, where documents are written back in their own encoding."""

    encodings: dict[str, Encoding] = field(default_factory=dict)

    def write(self, relative: str, text: str) -> None:
        path = self.folder / relative
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(encode(text, self.encodings.get(relative, UTF8)))


def _check_clean(folder: Path) -> None:
    require_committed(folder, "the update")


def _check_ready(folder: Path, package: PackageFolder) -> PackageFiles:
    """Refuse, with one clear line, to update what cannot be updated safely; the package's files."""
    files = read_package(package.folder, folder)
    read_recorded(folder)
    _check_clean(folder)
    left = find_conflicts(folder)
    if left:
        raise UnresolvedConflictsError(
            f"{folder / left[0].path}:{left[0].line} still holds a conflict marker from an earlier update; "
            "resolve it and commit first"
        )
    return files


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


def _staged_result(folder: Path) -> dict[str, bytes]:
    result: dict[str, bytes] = {}
    for path in sorted(folder.rglob("*")):
        relative = path.relative_to(folder)
        if relative.parts[0] == ".git" or path.is_dir():
            continue
        result[relative.as_posix()] = read_bytes(path)
    return result


def _changes(package: PackageFolder, before: dict[str, bytes], after: dict[str, bytes]) -> list[Change]:
    changes = [
        Change(package.git_path(relative), content, before.get(relative))
        for relative, content in after.items()
        if before.get(relative) != content
    ]
    changes.extend(
        Change(package.git_path(relative), None, content)
        for relative, content in before.items()
        if relative not in after
    )
    return changes


def _check_unchanged(folder: Path, package: PackageFolder, files: PackageFiles) -> None:
    """The package must still be what was staged: an edit made during the update would be overwritten."""
    for relative, content in files.content.items():
        try:
            same = read_bytes(package.folder / relative) == content
        except (OSError, TssaError):
            same = False
        if not same:
            raise ChangedMeanwhileError(
                f"{folder / relative} changed while the update ran; nothing was changed: run again"
            )
    _check_clean(folder)


def _record_in_index(package: PackageFolder, staged: Path) -> None:
    """Copy the staged index's unmerged entries into the repository; add new files with --intent-to-add."""
    for relative, stages in unmerged_stages(staged).items():
        copied = [(stage, copy_blob(staged, blob, package.top)) for stage, blob in stages]
        set_unmerged(package.top, package.git_path(relative), copied)
    intend_to_add_new_files(package.folder)  # the folder had no untracked file before: these are the update's


def update_package(folder: Path, options: UpdateOptions) -> UpdateOutcome:
    """Update the package in `folder`; the outcome lists notes and conflicts left."""
    if folder.is_file():
        raise PackagePathIsAFileError(
            f"{folder}: is a file; tssa update takes the package's folder, such as {folder.parent}"
        )
    if not folder.is_dir():
        raise PackageFolderNotFoundError(f"{folder}: no such folder")
    top = require_top_level(folder)
    package = PackageFolder(folder.resolve(), top)
    git_folder = git_dir(folder)
    outcome = UpdateOutcome("", "")
    try:
        with repository_lock(git_folder):
            remove_stale()
            undone = undo_interrupted(top, git_folder)
            if undone:
                outcome.notes.append(
                    f"an earlier tssa update was interrupted; its changes to {len(undone)} file(s) were undone"
                )
            files = _check_ready(folder, package)
            _update_staged(folder, package, git_folder, files, options, outcome)
        outcome.conflicts = find_conflicts(package.folder)
        outcome.changed = uncommitted(package.folder)
    except KeyboardInterrupt:
        if outcome.written:
            raise UpdateInterruptedError(
                f"interrupted after the update was written into {folder}; review it with `git diff` "
                "and `tssa check`, then commit"
            ) from None
        raise UpdateInterruptedError(f"interrupted; nothing changed in {folder}") from None
    except OSError as error:
        if outcome.written:
            raise
        raise UpdateFailedError(
            f"{error.filename or folder}: {error.strerror or error}; the package is as it was "
            f"(if not, `git checkout HEAD -- {folder}` restores it)"
        ) from error
    return outcome


def _update_staged(
    folder: Path,
    package: PackageFolder,
    git_folder: Path,
    files: PackageFiles,
    options: UpdateOptions,
    outcome: UpdateOutcome,
) -> None:
    """Update a copy of the package, then move the result into place."""
    old = read_recorded(package.folder)
    check_versions_exist(old.source, old.version, options.vcs_ref, package.folder / ANSWERS_FILE)
    with staging_area() as staging:
        copy = stage_package(staging, files.content)
        base = copierrun.render(old, staging.room("base"))
        answers = read_bytes(package.folder / ANSWERS_FILE)
        rendered = staging.room("theirs")
        theirs = copierrun.render_new_version(answers, rendered, options.data, options.interactive, options.vcs_ref)
        new = read_recorded(rendered)
        check_no_downgrade(old.version, new.version)
        staged = _StagedPackage(copy, copy, files.encodings)
        apply_new_version(staged, files.texts, base, theirs, read_bytes(rendered / ANSWERS_FILE))
        outcome.old_version, outcome.new_version = old.version, new.version
        outcome.notes.extend(carry_documents(staged, files.texts, base, theirs))
        changes = _changes(package, files.content, _staged_result(copy))
        _check_unchanged(folder, package, files)
        move_in(package.top, git_folder, changes, lambda: _record_in_index(package, copy), outcome.mark_written)
    outcome.notes.extend(_answer_notes(old.answers, new.answers, options.data))
    outcome.notes.extend(_version_note(new.version))


def _stop(number: int, frame: FrameType | None) -> None:
    """SIGTERM and SIGHUP stop an update the way Ctrl-C does: cleaned up, nothing half-written."""
    raise KeyboardInterrupt


def run(args: argparse.Namespace) -> int:
    """The `update` subcommand: update, print notes and conflicts, fail while conflicts remain."""
    options = UpdateOptions(dict(args.data), args.interactive, args.vcs_ref)
    if options.interactive and not sys.stdin.isatty():
        raise NoTerminalError(
            "--interactive: no terminal to ask the questions; leave out --interactive "
            "(and give --data KEY=VALUE for the answers to change)"
        )
    for number in STOPPING:
        if number != signal.SIGINT:
            signal.signal(number, _stop)
    outcome = update_package(args.path, options)
    if outcome.old_version == outcome.new_version:
        print(f"{printable(str(args.path))}: the template is already at {outcome.new_version}; answers applied again.")
    else:
        print(f"Updated {printable(str(args.path))} from template {outcome.old_version} to {outcome.new_version}.")
    for note in outcome.notes:
        print(f"note: {printable(note)}")
    if outcome.conflicts:
        print("Conflicts to resolve (keep the right lines, delete the <<<<<<< ======= >>>>>>> markers):")
        for conflict in outcome.conflicts:
            print(f"{printable(str(args.path / conflict.path))}:{conflict.line}")
        files = sorted({conflict.path.as_posix() for conflict in outcome.conflicts})
        raise ConflictsRemainError(
            f"{len(outcome.conflicts)} conflict(s) left in {', '.join(files)}; resolve them, then commit"
        )
    if outcome.changed:
        print("Review the changes with `git diff`, then commit them.")
    else:
        print("Nothing changed.")
    return ExitCode.OK
