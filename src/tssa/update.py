"""`tssa update`: bring a package to a newer template without losing a written line.

It runs `copier update` with the settings that merge safely (three lines of
context, conflicts inline), then repairs what a whole-file line merge gets
wrong: every document that copier left with conflict markers is merged again
section by section (see `tssa.merge`), a document the template renamed has the
author's text carried into its new file, and a document the template dropped
is kept when the author wrote in it. Conflicts that remain are listed by file
and line, and the command exits non-zero; copier itself would exit 0.
"""

from __future__ import annotations

import subprocess
import tempfile
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import copier
import copier.errors
import yaml

from tssa.errors import TssaError
from tssa.merge import merge_document
from tssa.outline import DOCUMENTS, Document, document_for_filename

ANSWERS_FILE = ".copier-answers.yml"


class NotAPackageError(TssaError):
    """The folder has no answers file, so it was not generated from the template."""

    exit_code = 2


class NotInGitError(TssaError):
    """The package is not inside a git repository."""

    exit_code = 2


class DirtyTreeError(TssaError):
    """The repository has uncommitted changes, which an update could mix with its own."""

    exit_code = 2


class TemplateSourceError(TssaError):
    """The answers file does not say where the template is, or says it relatively."""

    exit_code = 2


class CopierUpdateError(TssaError):
    """Copier refused or failed the update."""


@dataclass
class UpdateResult:
    old_commit: str
    new_commit: str
    merged: list[str] = field(default_factory=list)
    carried: list[tuple[str, str]] = field(default_factory=list)
    kept: list[str] = field(default_factory=list)
    conflicts: list[tuple[str, int]] = field(default_factory=list)


def _git(folder: Path, *args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(["git", *args], cwd=folder, capture_output=True, text=True, check=False)


def _read_answers(package: Path) -> dict[str, Any]:
    path = package / ANSWERS_FILE
    if not path.is_file():
        raise NotAPackageError(f"{package}: no {ANSWERS_FILE}; only packages made with `copier copy` can be updated")
    answers = yaml.safe_load(path.read_text(encoding="utf-8"))
    if not isinstance(answers, dict):
        raise NotAPackageError(f"{path}: is not a mapping of answers")
    source = str(answers.get("_src_path", ""))
    if not source:
        raise TemplateSourceError(f"{path}: has no _src_path, so the template cannot be found")
    if "://" not in source and not source.startswith(("gh:", "gl:", "git@")) and not Path(source).is_absolute():
        raise TemplateSourceError(
            f"{path}: _src_path {source!r} is relative; set it to the template's absolute path or URL and commit"
        )
    if not answers.get("_commit"):
        raise TemplateSourceError(f"{path}: has no _commit; the template it came from is not a git repository")
    return answers


def check_preconditions(package: Path) -> dict[str, Any]:
    """Refuse early, with one clear line, anything that would make the update unsafe."""
    if not package.is_dir():
        raise NotAPackageError(f"{package}: no such folder")
    answers = _read_answers(package)
    if _git(package, "rev-parse", "--show-toplevel").returncode != 0:
        raise NotInGitError(f"{package}: is not inside a git repository; commit the package first (git init)")
    status = _git(package, "status", "--porcelain")
    if status.stdout.strip():
        changed = status.stdout.splitlines()[0][3:]
        raise DirtyTreeError(
            f"{package}: the repository has uncommitted changes ({changed} ...); commit or stash them first"
        )
    leftovers = find_conflicts(package)
    if leftovers:
        name, line = leftovers[0]
        raise DirtyTreeError(
            f"{package}: {name}:{line} still holds a conflict marker from an earlier update; resolve it first"
        )
    return answers


def _render(source: str, commit: str, answers: dict[str, Any], folder: Path) -> Path:
    data = {key: value for key, value in answers.items() if not key.startswith("_")}
    copier.run_copy(source, folder, data=data, vcs_ref=commit, defaults=True, quiet=True, overwrite=True)
    return folder


def _documents(folder: Path) -> dict[str, str]:
    return {
        path.name: path.read_text(encoding="utf-8", errors="replace")
        for path in sorted(folder.glob("*.md"))
        if path.is_file()
    }


def find_conflicts(package: Path) -> list[tuple[str, int]]:
    """Every line of the package's documents that holds a conflict marker."""
    found = []
    for name, text in _documents(package).items():
        for number, line in enumerate(text.splitlines(), start=1):
            if line.startswith(("<<<<<<< ", ">>>>>>> ")):
                found.append((name, number))
    found.extend((path.name, 0) for path in sorted(package.glob("*.rej")))
    return found


def update_package(
    package: Path, data: dict[str, Any] | None = None, vcs_ref: str | None = None, defaults: bool = True
) -> UpdateResult:
    """Update a package in place; see the module's description for what is repaired."""
    package = package.resolve()
    answers = check_preconditions(package)
    ours = _documents(package)
    with tempfile.TemporaryDirectory() as scratch:
        base = _documents(_render(answers["_src_path"], answers["_commit"], answers, Path(scratch) / "base"))
        try:
            copier.run_update(
                package,
                data=data or {},
                vcs_ref=vcs_ref,
                defaults=defaults,
                overwrite=True,
                context_lines=3,
                conflict="inline",
                quiet=True,
                unsafe=False,
            )
        except (copier.errors.CopierError, ValueError) as error:
            raise CopierUpdateError(f"copier update failed: {str(error).splitlines()[0]}") from error
        new_answers = yaml.safe_load((package / ANSWERS_FILE).read_text(encoding="utf-8"))
        theirs = _documents(
            _render(new_answers["_src_path"], new_answers["_commit"], new_answers, Path(scratch) / "new")
        )
    result = UpdateResult(str(answers["_commit"]), str(new_answers["_commit"]))
    _repair(package, base, ours, theirs, result)
    result.conflicts = find_conflicts(package)
    return result


def _repair(
    package: Path, base: dict[str, str], ours: dict[str, str], theirs: dict[str, str], result: UpdateResult
) -> None:
    conflicted = {name for name, _ in find_conflicts(package)}
    for name in sorted(theirs):
        if name in conflicted and name in ours:
            _write(
                package,
                name,
                merge_document(base.get(name, ""), ours[name], theirs[name], _outline(name)).text,
            )
            result.merged.append(name)
    for name in sorted(set(ours) - set(theirs)):
        if (package / name).exists() or ours[name] == base.get(name):
            continue  # still there, or the template removed a file nobody wrote in
        target = _renamed_to(name, theirs)
        if target is not None:
            current = (package / target).read_text(encoding="utf-8")
            _write(
                package,
                target,
                merge_document(base.get(name, ""), ours[name], current, _outline(target)).text,
            )
            result.carried.append((name, target))
        else:
            _write(package, name, ours[name])
            result.kept.append(name)


def _outline(filename: str) -> Document | None:
    return document_for_filename(filename)


def _renamed_to(filename: str, theirs: dict[str, str]) -> str | None:
    """The current name of a document the template renamed (the outline keeps old names)."""
    for document in DOCUMENTS:
        if filename in document.old_filenames and document.filename in theirs:
            return document.filename
    return None


def _write(package: Path, name: str, text: str) -> None:
    (package / name).write_text(text, encoding="utf-8")
    _git(package, "reset", "-q", "--", name)  # clear copier's conflict stages for a repaired file
