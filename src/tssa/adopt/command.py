"""The steps of `tssa adopt`: bring a hand-written package under the template, changing no byte it has.

The answers come from the package itself (`tssa.adopt.answers`); the
template, rendered with them at the version adopted, gives the answers file,
any missing document and the guide of every missing section
(`tssa.adopt.plan`). `joint-review.md` becomes `joint-assessment.md`, staged
as `git mv` stages it. Everything is planned in memory first; then the files
move in all at once, as `tssa update` moves its result in
(`tssa.writing.movein`): a journal lists every change first, so a run killed
at any moment leaves the package as it was or fully adopted, and the next
`tssa adopt` or `tssa update` undoes a half-done one by itself. One run at a
time changes a repository (`tssa.writing.lock`). `--dry-run` prints the plan
as a diff `git apply` takes and writes nothing.
"""

from __future__ import annotations

import argparse
import os
import re
import signal
import sys
import tempfile
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from types import FrameType
from typing import TYPE_CHECKING, Any

import tssa
from tssa.adopt.plan import AdoptionPlan, Renderer, plan_adoption
from tssa.errors import ExitCode, PackageFolderNotFoundError, RefusedError, TssaError, UsageError
from tssa.git import (
    git,
    git_dir,
    intend_to_add,
    require_committed,
    require_top_level,
    stage_moves,
    top_level,
    uncommitted,
)
from tssa.interrupts import STOPPING
from tssa.reading.answers import ANSWERS_FILE
from tssa.reading.package import PackageFile, find_package_files
from tssa.reading.textfiles import read_bytes
from tssa.regularfiles import read_head
from tssa.terminal import printable, printable_lines
from tssa.writing.lock import repository_lock
from tssa.writing.movein import Change, move_in, undo_interrupted
from tssa.writing.staging import remove_stale, staging_area
from tssa.writing.whole import write_whole

if TYPE_CHECKING:
    from tssa.reading.copierrun import TemplateRenderer

TOC_FOLDER = "security-assessment"
STAGING_PREFIX = "tssa-adopt-"


class NoTemplateError(RefusedError):
    """No template source was given and this tssa is not installed from a checkout of the template."""


class WriteFailedError(TssaError):
    """A file could not be written; what was there before is back in place."""


class AdoptInterruptedError(TssaError):
    """Ctrl-C or SIGTERM stopped the adoption."""

    exit_code = ExitCode.INTERRUPTED


class ChangedMeanwhileError(RefusedError):
    """A document changed between reading it and writing the adoption."""


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
    """The checkout of the template this tssa is installed from, if it is one (a folder with copier.yml and .git).

    Run from the checkout (an editable install), or installed from it with
    `pip install <checkout>`, which records the folder it came from.
    """
    for root in (Path(tssa.__file__).resolve().parent.parent.parent, _installed_from()):
        if root is not None and (root / "copier.yml").is_file() and (root / ".git").exists():
            return str(root)
    return None


def _installed_from() -> Path | None:
    """The local folder pip installed this tssa from, as pip records it (`direct_url.json`), if any."""
    import json
    from importlib import metadata
    from urllib.parse import unquote, urlparse

    try:
        recorded = metadata.distribution("copier-tssa").read_text("direct_url.json")
        url = urlparse(json.loads(recorded or "{}").get("url", ""))
    except (metadata.PackageNotFoundError, ValueError, AttributeError):
        return None
    return Path(unquote(url.path)) if url.scheme == "file" and url.path else None


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


_RENDERERS: dict[tuple[str, str], TemplateRenderer] = {}


def copier_renderer(source: str, version: str, recorded: dict[str, Any] | None = None) -> Renderer:
    """Render the template at `version` with copier into a temporary folder; `recorded` answers replace the data.

    One renderer per template version and process, so packages after the first render fast.
    """
    from tssa.reading.copierrun import TemplateRenderer

    renderer = _RENDERERS.get((source, version))
    if renderer is None:
        renderer = _RENDERERS[(source, version)] = TemplateRenderer(source, version)

    def render(data: dict[str, Any]) -> dict[str, str]:
        with tempfile.TemporaryDirectory(prefix="render-") as scratch:
            return renderer.render(recorded if recorded is not None else data, Path(scratch) / "package")

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
    written: bool = False
    """Whether the adoption is in the package (an interruption after this leaves it done)."""

    @property
    def changes_anything(self) -> bool:
        return self.plan.changed or self.target != self.package

    def mark_written(self) -> None:
        self.written = True


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


def plan_package(
    folder: Path,
    source: str,
    version: str,
    *,
    rename_folder: bool = False,
    renderer: Callable[[str, str, dict[str, Any] | None], Renderer] | None = None,
) -> Adoption:
    """The adoption of the package in `folder`, planned in memory; nothing is written."""
    files = _package_files(folder)
    package = files[0].path.parent
    layout = layout_of(package, files)
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
    render = (renderer or copier_renderer)(source, version, recorded)
    plan = plan_adoption(target, files, render, recorded_text, skip, version)
    adoption = Adoption(layout, plan, package, target, version)
    if layout.note and not rename_folder:
        adoption.notes.append(f"{layout.note}; kept (rename it with --rename-folder)")
    elif layout.note:
        adoption.notes.append(f"{layout.note}; moved to {target}")
    if rename_folder and layout.proper is not None and layout.proper.exists() and not layout.lone:
        raise UsageError(f"{layout.proper} already exists; the folder is not renamed")
    return adoption


def adopt_package(
    folder: Path,
    source: str,
    version: str,
    *,
    dry_run: bool = False,
    rename_folder: bool = False,
    renderer: Callable[[str, str, dict[str, Any] | None], Renderer] | None = None,
    planned: Adoption | None = None,
    repository: tuple[Path, Path] | None = None,
) -> Adoption:
    """Adopt (or, with `dry_run`, plan) the package in `folder`; `planned` is its plan when made already.

    `repository` is the top of the work tree that holds the package and its git folder, when known.

    An adoption or update interrupted earlier in the same repository is undone
    first; the package must then be committed, unless it is adopted already
    and waits to be committed (a run killed after it was done leaves it so).
    """
    if dry_run:
        return planned or plan_package(folder, source, version, rename_folder=rename_folder, renderer=renderer)
    package = _package_files(folder)[0].path.parent
    top, git_folder = repository or (require_top_level(package), git_dir(package))
    with repository_lock(git_folder):
        undone = undo_interrupted(top, git_folder)
        waiting = _adopted_not_committed(package, top)
        if waiting is not None:
            return waiting
        require_committed(package, "the adoption")
        adoption = planned if planned is not None and not undone and _still_current(planned) else None
        if adoption is None:
            adoption = plan_package(folder, source, version, rename_folder=rename_folder, renderer=renderer)
        if undone:
            adoption.notes.append(f"an earlier run was interrupted; its changes to {len(undone)} file(s) were undone")
        try:
            write_adoption(adoption, top, git_folder)
        except KeyboardInterrupt:
            if not adoption.written:
                raise
            raise AdoptInterruptedError(
                f"interrupted after the adoption was written into {package}; review it with `git diff`, then commit"
            ) from None
    return adoption


def _adopted_not_committed(package: Path, top: Path) -> Adoption | None:
    """The package as an earlier adoption left it, not committed yet (its answers file is new), or None."""
    answers = package / ANSWERS_FILE
    if not answers.is_file() or not uncommitted(package):
        return None
    if (
        git("cat-file", "-e", f"HEAD:{answers.resolve().relative_to(top).as_posix()}", cwd=top, check=False).returncode
        == 0
    ):
        return None
    from tssa.reading.recorded import read_recorded

    recorded = read_recorded(package)
    adoption = Adoption(Layout(package), AdoptionPlan(package), package, package, recorded.version)
    adoption.notes.append("adopted, not committed yet: review the changes with `git diff`, then commit them")
    return adoption


def _still_current(adoption: Adoption) -> bool:
    """Whether the documents are still what the plan read."""
    return all(
        _current(adoption.package / (change.renamed_from or change.path)) == change.before
        for change in adoption.plan.changes
        if change.before is not None
    )


def write_adoption(adoption: Adoption, top: Path, git_folder: Path) -> None:
    """Move the planned files in, all or none (the caller holds the repository's lock)."""
    if not adoption.changes_anything:
        return
    package, target = adoption.package, adoption.target
    if not _still_current(adoption):
        raise ChangedMeanwhileError(f"{package}: a document changed while adopt ran; nothing was changed: run again")
    changes, moves = _file_changes(adoption, top)
    appeared = [change.path for change in changes if change.before is None and (top / change.path).exists()]
    if appeared:
        raise ChangedMeanwhileError(f"{top / appeared[0]} appeared while adopt ran; nothing was changed: run again")
    moved = {new for _, new in moves}
    created = [change.path for change in changes if change.before is None and change.path not in moved]

    def record() -> None:
        stage_moves(top, moves)
        intend_to_add(top, created)

    try:
        move_in(top, git_folder, changes, record, adoption.mark_written)
    except OSError as error:
        _remove_empty(target, package)
        reason = error.strerror or error
        raise WriteFailedError(f"{package}: could not write ({reason}); the folder is as it was") from error
    if target != package:
        _remove_empty(package, target)


def _current(path: Path) -> bytes | None:
    try:
        return read_bytes(path)
    except (OSError, TssaError):
        return None


def _file_changes(adoption: Adoption, top: Path) -> tuple[list[Change], list[tuple[str, str]]]:
    """Every file to write or delete, and the moves to stage as `git mv` stages them; paths relative to `top`."""
    package, target = adoption.package.resolve(), adoption.target.resolve()
    final: dict[Path, Path] = {}  # where each file of the package goes
    content: dict[Path, bytes] = {}
    if target != package and not adoption.layout.lone:
        tracked = git("ls-files", "-z", "--", ".", cwd=package).stdout.split("\0")
        for relative in filter(None, tracked):
            final[package / relative] = target / relative
            data = _current(package / relative)
            if data is not None:
                content[target / relative] = data
    for change in adoption.plan.changes:
        if not change.changed and target == package:
            continue
        path = target / change.path
        if change.before is not None:
            old = package / (change.renamed_from or change.path)
            content.pop(final.get(old, old), None)
            final[old] = path
        content[path] = change.after

    def named(path: Path) -> str:
        return path.relative_to(top).as_posix()

    changes = [
        Change(named(path), data, before) for path, data in content.items() if (before := _current(path)) != data
    ]
    gone = [old for old, new in final.items() if new != old and old not in content]
    changes.extend(Change(named(old), None, _current(old)) for old in gone)
    return changes, sorted((named(old), named(new)) for old, new in final.items() if new != old)


def _is_joint_readme(readme: Path) -> bool:
    """A README that is a joint assessment's summary, not a project's own page."""
    try:
        head = read_head(readme, 2000)[0].decode("utf-8", errors="replace").casefold()
    except OSError:  # FileRefusedError too: not a regular file
        return False
    return "assessment" in head or "review" in head


def _remove_empty(folder: Path, keep: Path) -> None:
    """Remove a folder left empty (and its empty subfolders), unless it is `keep` or holds it."""
    if folder == keep or not folder.is_dir() or folder in keep.parents:
        return
    for path in sorted(folder.rglob("*"), key=lambda item: len(item.parts), reverse=True):
        if path.is_dir() and not path.is_symlink() and not any(path.iterdir()):
            path.rmdir()
    if not any(folder.iterdir()):
        folder.rmdir()


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


def _stop(number: int, frame: FrameType | None) -> None:
    """SIGTERM and SIGHUP stop an adoption the way Ctrl-C does: nothing half-written."""
    raise KeyboardInterrupt


def run(args: argparse.Namespace) -> int:
    """The `adopt` subcommand."""
    for number in STOPPING:
        if number != signal.SIGINT:
            signal.signal(number, _stop)
    path: Path = args.path
    if not path.exists():
        raise PackageFolderNotFoundError(f"{path}: no such folder")
    source = _source(args)
    version = args.vcs_ref or newest_tag(source)
    args.dry_run = args.dry_run or args.patch is not None
    patch: list[str] | None = [] if args.patch is not None else None
    remove_stale()
    with staging_area(STAGING_PREFIX):  # the renders, and the template's clone, are removed at the end
        try:
            if args.all:
                code = _run_all(args, source, version, patch)
                _write_patch(args.patch, patch)
                return code
            adoption = adopt_package(path, source, version, dry_run=args.dry_run, rename_folder=args.rename_folder)
        except KeyboardInterrupt:
            raise AdoptInterruptedError(f"interrupted; nothing changed in {path}") from None
        finally:
            for renderer in _RENDERERS.values():
                renderer.close()
            _RENDERERS.clear()
    shown = str(adoption.package)
    if args.dry_run:
        _show_diff(adoption, patch)
        if adoption.target != adoption.package:
            print(printable(f"would move {adoption.package} to {adoption.target}"))
    print("\n".join(printable(line) for line in summary(adoption, shown)))
    _write_patch(args.patch, patch)
    if args.dry_run:
        print("Dry run: nothing was changed." if args.patch is None else f"Dry run: the diff is in {args.patch}.")
    elif adoption.changes_anything:
        print("Review the changes with `git diff`, then commit them.")
    else:
        print("Nothing changed.")
    return ExitCode.OK


@dataclass(frozen=True)
class _Job:
    """One package of `--all` to plan in a worker process."""

    folder: Path
    source: str
    version: str
    rename_folder: bool


def _plan_job(job: _Job) -> Adoption | str:
    """The plan of one package, or why it cannot be adopted (a worker process makes it)."""
    try:
        return plan_package(job.folder, job.source, job.version, rename_folder=job.rename_folder)
    except TssaError as error:
        return str(error)


# Below this many packages, starting worker processes (each renders its first package slowly) costs more than it saves.
_PARALLEL_FROM = 8


def _plans(jobs: list[_Job]) -> list[Adoption | str]:
    """Every package's plan, made by as many processes as there are cores (copier is imported before they start)."""
    import tssa.reading.copierrun  # noqa: F401  (the workers inherit it)
    from tssa.workers import run_in_workers

    workers = min(os.cpu_count() or 1, 8)
    if len(jobs) < _PARALLEL_FROM or workers < 2:
        return [_plan_job(job) for job in jobs]
    return run_in_workers(_plan_job, jobs, workers)


def _repository(root: Path) -> tuple[Path, Path] | None:
    """The top of the work tree that holds `root`, and its git folder; None outside one."""
    top = top_level(root)
    return (top, git_dir(root)) if top is not None else None


def _in_repository(folder: Path, repository: tuple[Path, Path] | None) -> tuple[Path, Path] | None:
    """`repository` when it holds `folder` with no other repository in between; else None (found per package)."""
    if repository is None:
        return None
    top, real = repository[0], folder.resolve()
    if top not in (real, *real.parents):
        return None
    between = [real, *real.parents[: len(real.parents) - len(top.parents) - 1]]
    return None if any((path / ".git").exists() for path in between) else repository


def _undo_interrupted_runs(repository: tuple[Path, Path] | None) -> list[str]:
    """Undo what a killed adoption or update left in the repository of the packages, before any package is read."""
    if repository is None:
        return []
    with repository_lock(repository[1]):
        return undo_interrupted(*repository)


def _show_diff(adoption: Adoption, patch: list[str] | None) -> None:
    """Print the plan's diff, control characters as escapes; keep it byte for byte in `patch` when asked."""
    diff = adoption.plan.diff(printable(_shown(adoption.target)))
    sys.stdout.write(printable_lines(diff))
    if patch is not None:
        patch.append(diff)


def _write_patch(path: Path | None, patch: list[str] | None) -> None:
    if path is not None and patch is not None:
        write_whole(path, "".join(patch).encode("utf-8", "surrogateescape"))


def _run_all(args: argparse.Namespace, source: str, version: str, patch: list[str] | None = None) -> int:
    root: Path = args.path
    if not root.is_dir():
        raise UsageError(f"{root}: not a folder; --all adopts every package under a folder")
    repository = None if args.dry_run else _repository(root)
    undone = _undo_interrupted_runs(repository)
    if undone:
        print(f"note: an earlier run was interrupted; its changes to {len(undone)} file(s) were undone")
    folders = sorted({file.path.parent for file in find_package_files([root])})
    counts = {"adopted": 0, "already": 0, "refused": 0}
    try:
        plans = _plans([_Job(folder, source, version, args.rename_folder) for folder in folders])
    except KeyboardInterrupt:
        raise AdoptInterruptedError(f"interrupted; nothing changed in {root}") from None
    for folder, planned in zip(folders, plans, strict=True):
        shown = _shown(folder)
        try:
            if isinstance(planned, str):
                raise TssaError(planned)
            adoption = adopt_package(
                folder,
                source,
                version,
                dry_run=args.dry_run,
                rename_folder=args.rename_folder,
                planned=planned,
                repository=_in_repository(folder, repository),
            )
        except KeyboardInterrupt:
            done = f"; {counts['adopted']} adopted before it" if counts["adopted"] else ""
            raise AdoptInterruptedError(f"interrupted; {folder} is as it was{done}") from None
        except AdoptInterruptedError:
            raise
        except TssaError as error:
            counts["refused"] += 1
            print(printable(f"{shown}: not adopted: {error}"))
            continue
        if args.dry_run:
            _show_diff(adoption, patch)
        counts["adopted" if adoption.changes_anything else "already"] += 1
        print(printable(one_line(adoption, shown, args.dry_run)))
    verb = "would adopt" if args.dry_run else "adopted"
    print(f"{verb} {counts['adopted']}, already adopted {counts['already']}, refused {counts['refused']}")
    return ExitCode.FINDINGS if counts["refused"] else ExitCode.OK
