"""The steps of `tssa adopt`: bring a hand-written package under the template, changing no word it has.

The answers come from the package itself (`tssa.adopt.answers`); the
template, rendered with them at the version adopted, gives the answers file,
any missing document and the guide of every missing section
(`tssa.adopt.plan`). `joint-review.md` becomes `joint-assessment.md` with
`git mv`. Everything is planned in memory first; then each file is written
whole (a temporary file renamed into place), and a failure puts back what
was there. `--dry-run` prints the plan as a diff and writes nothing.
"""

from __future__ import annotations

import argparse
import os
import re
import sys
import tempfile
import warnings
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import tssa
from tssa.adopt.plan import AdoptionPlan, Renderer, plan_adoption
from tssa.errors import ExitCode, PackageFolderNotFoundError, RefusedError, TssaError, UsageError
from tssa.git import git, intend_to_add_new_files, require_committed, require_top_level
from tssa.reading.answers import ANSWERS_FILE
from tssa.reading.files import read_head
from tssa.reading.package import PackageFile, find_package_files
from tssa.safewrite import write_whole
from tssa.terminal import printable, printable_lines

TOC_FOLDER = "security-assessment"


class NoTemplateError(RefusedError):
    """No template source was given and this tssa is not installed from a checkout of the template."""


class WriteFailedError(TssaError):
    """A file could not be written; what was there before is back in place."""


@dataclass(frozen=True)
class Layout:
    """Where a package is, and where it belongs when its folder is laid out oddly."""

    folder: Path
    note: str | None = None
    proper: Path | None = None
    """Where `--rename-folder` moves the package."""
    lone: bool = False
    """A lone self-assessment at a project's root: the files move, not the folder."""


def layout_of(folder: Path, files: list[PackageFile]) -> Layout:
    """The odd layouts adopt accepts: a folder name with a space, misspelled, or a lone self-assessment."""
    name = folder.name
    parent = folder.parent
    keys = {file.document.key for file in files if file.document.key != "readme" or _is_joint_readme(file.path)}
    lowered = name.casefold()
    if parent.parent.name == "projects" and name != TOC_FOLDER and re.search(r"secur|ass?ess?|review", lowered):
        why = "has a space" if " " in name else "is misspelled"
        return Layout(folder, f"the folder name {name!r} {why}; the TOC's home is {TOC_FOLDER}/", parent / TOC_FOLDER)
    if " " in name:
        proper = parent / re.sub(r"\s+", "-", name.strip())
        return Layout(folder, f"the folder name {name!r} has a space", proper)
    if (
        parent.name == "projects"
        and parent.parent.name != "assessments"
        and "self-assessment" in keys
        and "readme" not in keys
        and not (folder / TOC_FOLDER).exists()
    ):
        note = f"a lone self-assessment at the project's root; the TOC's home is {name}/{TOC_FOLDER}/"
        return Layout(folder, note, folder / TOC_FOLDER, lone=True)
    return Layout(folder)


def default_template() -> str | None:
    """The checkout of the template this tssa is installed from, if it is one (a folder with copier.yml and .git)."""
    root = Path(tssa.__file__).resolve().parent.parent.parent
    if (root / "copier.yml").is_file() and (root / ".git").exists():
        return str(root)
    return None


def newest_tag(source: str) -> str:
    """The newest version tag of the template, or HEAD when it has none."""
    from packaging.version import InvalidVersion, Version

    from tssa.git import remote_refs

    versions: list[tuple[Version, str]] = []
    for ref in remote_refs(source) or []:
        if ref.startswith("refs/tags/"):
            tag = ref.removeprefix("refs/tags/")
            try:
                versions.append((Version(tag), tag))
            except InvalidVersion:
                continue
    return max(versions)[1] if versions else "HEAD"


def copier_renderer(source: str, version: str, recorded: dict[str, Any] | None = None) -> Renderer:
    """Render the template at `version` with copier into a temporary folder; `recorded` answers replace the data."""
    import copier
    from copier.errors import CopierError

    from tssa.reading.copierrun import RenderError, first_line

    def render(data: dict[str, Any]) -> dict[str, str]:
        with tempfile.TemporaryDirectory(prefix="tssa-adopt-") as scratch:
            destination = Path(scratch) / "package"
            try:
                with warnings.catch_warnings():
                    warnings.simplefilter("ignore")  # copier warns when the template checkout has changes
                    copier.run_copy(
                        source,
                        destination,
                        data=recorded if recorded is not None else data,
                        vcs_ref=version,
                        defaults=True,
                        overwrite=True,
                        quiet=True,
                    )
            except (CopierError, ValueError, OSError) as error:
                raise RenderError(f"cannot render template {source} at {version}: {first_line(error)}") from error
            files: dict[str, str] = {}
            for path in destination.rglob("*"):
                if path.is_file():
                    files[path.relative_to(destination).as_posix()] = path.read_bytes().decode("utf-8")
            return files

    return render


# ---------------------------------------------------------------- one package


@dataclass
class Adoption:
    """One package adopted (or planned): its plan, layout and whether it was written."""

    layout: Layout
    plan: AdoptionPlan
    package: Path
    target: Path
    version: str
    notes: list[str] = field(default_factory=list)


def _check_clean(folder: Path) -> None:
    require_top_level(folder)
    require_committed(folder, "the adoption")


def _package_files(folder: Path) -> list[PackageFile]:
    from tssa.adopt.plan import AmbiguousPackageError

    if not folder.is_dir():
        if folder.is_file():
            raise PackageFolderNotFoundError(f"{folder}: a file; give the package's folder")
        raise PackageFolderNotFoundError(f"{folder}: no such folder")
    files = find_package_files([folder])
    folders = {file.path.parent for file in files}
    if len(folders) > 1:
        raise AmbiguousPackageError(
            f"{folder}: holds {len(folders)} packages; adopt each folder, or all of them with --all"
        )
    return files


def adopt_package(
    folder: Path,
    source: str,
    version: str,
    *,
    dry_run: bool = False,
    rename_folder: bool = False,
    renderer: Callable[[str, str, dict[str, Any] | None], Renderer] = copier_renderer,
) -> Adoption:
    """Adopt (or, with `dry_run`, plan) the package in `folder`."""
    files = _package_files(folder)
    package = files[0].path.parent
    layout = layout_of(package, files)
    if not dry_run:
        _check_clean(package)
    recorded_text: str | None = None
    recorded: dict[str, Any] | None = None
    answers_path = package / ANSWERS_FILE
    if answers_path.is_file():
        from tssa.reading.recorded import read_recorded

        old = read_recorded(package)
        recorded_text = answers_path.read_text(encoding="utf-8")
        recorded, source, version = old.answers, old.source, old.version
    target = layout.proper if rename_folder and layout.proper is not None else package
    skip: frozenset[str] = frozenset()
    if layout.lone:
        # The project's own README at its root is not the package's: never touched.
        files = [file for file in files if file.document.key != "readme"]
        skip = frozenset() if rename_folder else frozenset({"readme"})
    plan = plan_adoption(target, files, renderer(source, version, recorded), recorded_text, skip)
    adoption = Adoption(layout, plan, package, target, version)
    if layout.note and not rename_folder:
        adoption.notes.append(f"{layout.note}; kept (rename it with --rename-folder)")
    elif layout.note:
        adoption.notes.append(f"{layout.note}; moved to {target}")
    if rename_folder and layout.proper is not None and layout.proper.exists() and not layout.lone:
        raise UsageError(f"{layout.proper} already exists; the folder is not renamed")
    if not dry_run and (plan.changed or target != package):
        _write(adoption, package)
    return adoption


def _is_joint_readme(readme: Path) -> bool:
    """A README that is a joint assessment's summary, not a project's own page."""
    try:
        head = read_head(readme, 2000)[0].decode("utf-8", errors="replace").casefold()
    except OSError:  # FileRefusedError too: not a regular file
        return False
    return "assessment" in head or "review" in head


def _write(adoption: Adoption, package: Path) -> None:
    """Move files with git, then write each file whole; on failure put everything back."""
    target = adoption.target
    moves: list[tuple[Path, Path]] = []
    if target != package:
        if adoption.layout.lone:
            target.mkdir(exist_ok=True)
            for change in adoption.plan.changes:
                name = change.renamed_from or change.path
                if change.before is not None:
                    moves.append((package / name, target / name))
        else:
            moves.append((package, target))
    for change in adoption.plan.changes:
        if change.renamed_from is not None:
            moves.append((target / change.renamed_from, target / change.path))
    done: list[tuple[Path, Path]] = []
    written: list[tuple[Path, str | None]] = []
    try:
        for old, new in moves:
            # A move into the new folder happens before the file rename that follows it.
            git("mv", "--", str(old.absolute()), str(new.absolute()), cwd=package.absolute().parent)
            done.append((old, new))
        for change in adoption.plan.changes:
            if not change.changed:
                continue
            path = target / change.path
            write_whole(path, change.after)
            written.append((path, change.before))
    except (OSError, TssaError) as error:
        for path, before in reversed(written):
            if before is None:
                path.unlink(missing_ok=True)
            else:
                write_whole(path, before)
        for old, new in reversed(done):
            git("mv", "--", str(new.absolute()), str(old.absolute()), cwd=package.absolute().parent, check=False)
        raise WriteFailedError(f"{package}: could not write ({error}); the folder is as it was") from error
    intend_to_add_new_files(target)


# ---------------------------------------------------------------- reporting


def summary(adoption: Adoption, shown: str) -> list[str]:
    """The lines printed for one package: answers with their sources, notes, documents."""
    plan = adoption.plan
    lines: list[str] = []
    if plan.extracted is None:
        lines.append(f"{shown}: adopted before; its recorded answers (template {adoption.version}) are kept")
    else:
        lines.append(f"{shown}: answers for template {adoption.version}:")
        for answer in plan.extracted.answers:
            lines.append(f"  {answer.key}: {_short(answer.value)} ({answer.source})")
        lines.extend(f"  note: {note}" for note in plan.extracted.notes)
    lines.extend(f"  note: {note}" for note in adoption.notes)
    for outcome in plan.documents:
        if outcome.created:
            lines.append(f"  {outcome.path}: created from the template")
            continue
        if outcome.renamed_from:
            lines.append(f"  {outcome.renamed_from} -> {outcome.path} (git mv)")
        if outcome.added:
            lines.append(f"  {outcome.path}: added {len(outcome.added)} section(s): {', '.join(outcome.added)}")
        if outcome.topics:
            topics = ", ".join(f"{title} (line {line})" for title, line in outcome.topics)
            lines.append(f"  {outcome.path}: covered as bullets or lead-ins, no heading added: {topics}")
    return lines


def one_line(adoption: Adoption, shown: str, dry_run: bool) -> str:
    """The `--all` line for one package."""
    plan = adoption.plan
    added = sum(len(outcome.added) for outcome in plan.documents)
    created = sum(outcome.created for outcome in plan.documents)
    notes = len(adoption.notes) + (len(plan.extracted.notes) if plan.extracted is not None else 0)
    if not plan.changed and adoption.target == adoption.package:
        state = "nothing to change"
    else:
        state = "would adopt" if dry_run else "adopted"
    parts = [f"{added} section(s) added", f"{created} document(s) created"]
    if notes:
        parts.append(f"{notes} note(s)")
    odd = f"; {adoption.layout.note}" if adoption.layout.note else ""
    return f"{shown}: {state}: {', '.join(parts)}{odd}"


def _shown(path: Path) -> str:
    """A path relative to the current folder when it is below it, else as it is."""
    relative = os.path.relpath(path)
    return str(path) if relative.startswith("..") else relative


def _short(value: Any) -> str:
    text = repr(value)
    return text if len(text) <= 70 else text[:67] + "..."


# ---------------------------------------------------------------- command line


def _source(args: argparse.Namespace) -> str:
    if args.template:
        template = args.template
        if not re.match(r"^(?:[A-Za-z][A-Za-z0-9+.-]+:|git@)", template):
            if not Path(template).is_dir():
                raise NoTemplateError(f"--template {template}: no such folder")
            template = str(Path(template).resolve())
        return str(template)
    found = default_template()
    if found is None:
        raise NoTemplateError("give the template with --template SRC (its path or git URL)")
    return found


def run(args: argparse.Namespace) -> int:
    """The `adopt` subcommand."""
    source = _source(args)
    version = args.vcs_ref or newest_tag(source)
    if not args.all:
        adoption = adopt_package(args.path, source, version, dry_run=args.dry_run, rename_folder=args.rename_folder)
        shown = str(adoption.package)
        if args.dry_run:
            sys.stdout.write(printable_lines(adoption.plan.diff(printable(_shown(adoption.target)))))
            if adoption.target != adoption.package:
                print(printable(f"would move {adoption.package} to {adoption.target}"))
        print("\n".join(printable(line) for line in summary(adoption, shown)))
        if args.dry_run:
            print("Dry run: nothing was changed.")
        elif adoption.plan.changed or adoption.target != adoption.package:
            print("Review the changes with `git diff`, then commit them.")
        else:
            print("Nothing changed.")
        return ExitCode.OK
    return _run_all(args, source, version)


def _run_all(args: argparse.Namespace, source: str, version: str) -> int:
    root: Path = args.path
    if not root.is_dir():
        raise UsageError(f"{root}: not a folder; --all adopts every package under a folder")
    files = find_package_files([root])
    folders = sorted({file.path.parent for file in files})
    failed = 0
    for folder in folders:
        shown = _shown(folder)
        try:
            adoption = adopt_package(folder, source, version, dry_run=args.dry_run, rename_folder=args.rename_folder)
        except TssaError as error:
            failed += 1
            print(printable(f"{shown}: not adopted: {error}"))
            continue
        if args.dry_run:
            sys.stdout.write(printable_lines(adoption.plan.diff(printable(_shown(adoption.target)))))
        print(printable(one_line(adoption, shown, args.dry_run)))
    print(f"{len(folders) - failed} of {len(folders)} package(s) adopted" + (" (dry run)" if args.dry_run else ""))
    return ExitCode.FINDINGS if failed else ExitCode.OK
