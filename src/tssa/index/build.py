"""Build the index of every package under a folder: one JSON-ready record per package.

Each record joins what `tssa check` finds (completeness, errors, warnings) with
the facts the package states (`tssa.reading.facts`) and the date git last saw it
change. Folders that look meant for a package but hold none, and files that
cannot be read, are listed as problems; they never stop the index.
"""

from __future__ import annotations

import os
from collections.abc import Callable, Iterator, Sequence
from dataclasses import asdict
from functools import partial
from itertools import chain, islice
from pathlib import Path
from typing import Any

from tssa.index.gitdates import last_change_dates
from tssa.reading.facts import Fact, PackageFacts, package_facts, project_folder
from tssa.reading.files import RealPaths
from tssa.reading.findings import DocumentReport, check_and_parse
from tssa.reading.markdown import without_cycle_collection
from tssa.reading.package import PackageFile, iter_package_files
from tssa.regularfiles import Problem
from tssa.workers import run_in_workers

FORMAT = "tssa-index/1"
STATES = ("completed", "in-progress", "self-assessment-only", "obsolete")
STATE_TITLES = {
    "completed": "Completed",
    "in-progress": "In progress",
    "self-assessment-only": "Self-assessment only",
    "obsolete": "Obsolete",
}
DOCUMENT_ORDER = ("self-assessment", "joint-assessment", "readme")

# Findings that mean a file was not read at all (unreadable, too large, not a regular file, a link out).
_UNREAD_CODES = frozenset({"TSSA001", "TSSA004", "TSSA005", "TSSA006", "TSSA007"})
# Findings that mean a document follows an older outline than the current one.
_OLDER_OUTLINE_CODES = frozenset({"TSSA003", "TSSA105", "TSSA107"})
_SKIPPED_FOLDERS = frozenset({".git", "node_modules", ".venv", "__pycache__"})
_PARALLEL_FROM = 24


def build_index(root: Path, outputs: Sequence[Path] = ()) -> dict[str, Any]:
    """The index of every package under `root`, as the JSON the schema describes.

    `outputs` are the files the index writes: a listing named README.md is never read as a joint README.
    """
    real = RealPaths()
    written = {output.resolve() for output in outputs}
    files: list[PackageFile] = []
    unlisted: list[PackageFile] = []
    folders: list[Path] = []  # in the order found: the records come back in it

    def packages() -> Iterator[list[PackageFile]]:
        # A package's files are found one after another (`walk` lists each folder once), so each is handed
        # to the workers as soon as the next folder's file shows it complete.
        package: list[PackageFile] = []
        for file in iter_package_files([root]):
            if Path(real(file.path)) in written:
                continue
            # A folder that cannot be listed (or lies too deep) is a problem of the tree, never a package.
            if file.refusal is not None and file.refusal.problem is Problem.UNREADABLE_FOLDER:
                unlisted.append(file)
                continue
            files.append(file)
            if package and file.path.parent != package[0].path.parent:
                folders.append(package[0].path.parent)
                yield package
                package = []
            package.append(file)
        if package:
            folders.append(package[0].path.parent)
            yield package

    dates: dict[Path, str] = {}
    not_packages: list[dict[str, str]] = []

    def beside_the_records() -> None:
        # Git's dates and the folders beside the packages, while the workers read the packages.
        dates.update(last_change_dates(root, [file.path for file in files]))
        not_packages.extend(_not_packages(root, folders, real))

    records = _records(packages(), root, beside_the_records)
    problems: list[dict[str, str]] = []
    for folder, record in zip(folders, records, strict=True):
        for document in record["documents"]:
            document["last_change"] = dates.get(folder / document["file"])
        changed = [document["last_change"] for document in record["documents"] if document["last_change"]]
        record["last_change"] = max(changed, default=None)
        problems.extend({"path": record["path"], "message": message} for message in record["problems"])
    problems.extend(
        {"path": _relative(file.path, root), "message": file.refusal.message} for file in unlisted if file.refusal
    )
    reported = {problem["path"] for problem in problems}
    problems.extend(problem for problem in not_packages if problem["path"] not in reported)
    records.sort(key=lambda record: (record["project"]["value"].casefold(), record["path"]))
    problems.sort(key=lambda problem: (problem["path"], problem["message"]))
    return {"format": FORMAT, "packages": records, "problems": problems}


def _records(
    packages: Iterator[list[PackageFile]], root: Path, meanwhile: Callable[[], object]
) -> list[dict[str, Any]]:
    """The packages' records, in their order; `meanwhile` is called once the last package is found."""
    workers = min(os.cpu_count() or 1, 8)
    first = list(islice(packages, _PARALLEL_FROM))
    if len(first) < _PARALLEL_FROM or workers < 2:
        every = [*first, *packages]
        meanwhile()
        return [package_record(files, root) for files in every]
    return run_in_workers(partial(package_record, root=root), chain(first, packages), workers, meanwhile)


@without_cycle_collection  # a package's parses and records hold no cycles: collecting between them is wasted
def package_record(files: Sequence[PackageFile], root: Path) -> dict[str, Any]:
    """One package's record (without git dates): its check results beside its facts.

    Each document is read and parsed once: the facts come from what the check parsed.
    """
    checked = [check_and_parse(file) for file in files]
    reports = [report for report, _, _ in checked]
    texts = [(report.file, text, parsed) for report, text, parsed in checked if text is not None]
    facts = package_facts(files[0].path.parent, texts)
    documents = sorted(
        (_document_entry(report, facts, root) for report in reports),
        key=lambda entry: (DOCUMENT_ORDER.index(entry["document"]), entry["file"]),
    )
    problems = [
        finding.message if finding.message.startswith(finding.path.name) else f"{finding.path.name}: {finding.message}"
        for report in reports
        for finding in report.findings
        if finding.code in _UNREAD_CODES
    ]
    problems.extend(facts.problems)
    folder = facts.folder
    return {
        "slug": project_folder(folder).name,
        "project": _fact(facts.project),
        "path": _relative(folder, root),
        "home": _home(folder),
        "state": _state(facts, {entry["document"] for entry in documents}),
        "documents": documents,
        "metadata": _metadata(facts),
        "maturity": _fact(facts.maturity),
        "readme": _readme(facts),
        "template_version": _fact(facts.template_version),
        "last_change": None,
        "problems": problems,
    }


def _document_entry(report: DocumentReport, facts: PackageFacts, root: Path) -> dict[str, Any]:
    key = report.file.document.key
    errors = sum(finding.severity.value == "error" for finding in report.findings)
    older = [finding for finding in report.findings if finding.code in _OLDER_OUTLINE_CODES]
    note = next((finding.message for finding in older if finding.code == "TSSA107"), None)
    metadata = facts.metadata.get(key)
    written, total = report.sections_written, report.sections_total
    return {
        "document": key,
        "file": report.file.path.name,
        "path": _relative(report.file.path, root),
        "sections_written": written,
        "sections_total": total,
        "completeness": round(written / total, 4) if total else 1.0,
        "errors": errors,
        "warnings": len(report.findings) - errors,
        "outline": "older" if older else "current",
        "outline_note": note,
        "stage": _fact(metadata.stage) if metadata else None,
        "last_change": None,
    }


def _state(facts: PackageFacts, documents: set[str]) -> str:
    stages = [metadata.stage.value for metadata in facts.metadata.values() if metadata.stage is not None]
    if "Obsolete" in stages:
        return "obsolete"
    readme = facts.readme
    if readme is not None and readme.completed is not None and readme.completed.value:
        return "completed"
    if documents & {"joint-assessment", "readme"}:
        return "in-progress"
    return "self-assessment-only"


def _metadata(facts: PackageFacts) -> dict[str, Any]:
    """The metadata rows, from the joint assessment where it has them, else from the self-assessment."""
    sources = [facts.metadata[key] for key in ("joint-assessment", "self-assessment") if key in facts.metadata]

    def first(name: str) -> dict[str, Any] | None:
        for source in sources:
            value: Fact[Any] | None = getattr(source, name)
            if value is not None:
                return _fact(value)
        return None

    links = next((source.security_links for source in sources if source.security_links), ())
    return {
        "stage": first("stage"),
        "software": first("software"),
        "security_provider": first("security_provider"),
        "languages": first("languages"),
        "sbom": first("sbom"),
        "security_links": [asdict(link) for link in links],
    }


def _readme(facts: PackageFacts) -> dict[str, Any] | None:
    readme = facts.readme
    if readme is None:
        return None
    return {
        "completed": _fact(readme.completed),
        "reviewers": _fact(readme.reviewers),
        "security_lead": _fact(readme.security_lead),
        "project_team": _fact(readme.project_team),
        "maturity": _fact(readme.maturity),
        "tracking_issue": _fact(readme.tracking_issue),
        "recommendations": {key: readme.recommendations.get(key) for key in ("cncf", "project", "additional")},
    }


def _fact(fact: Fact[Any] | None) -> dict[str, Any] | None:
    if fact is None:
        return None
    return {"value": fact.value, "text": fact.text, "file": fact.file, "line": fact.line}


def _home(folder: Path, real: Path | None = None) -> str:
    """`tag` for community/assessments/projects/<p>/, `toc` for projects/<p>/security-assessment/."""
    parts = [part.casefold() for part in (real or folder.resolve()).parts]
    if len(parts) >= 3 and parts[-3:-1] == ["assessments", "projects"]:
        return "tag"
    if len(parts) >= 3 and parts[-3] == "projects" and project_folder(folder) != folder:
        return "toc"
    if len(parts) >= 2 and parts[-2] == "projects":
        return "toc"  # a lone self-assessment at the project's root: an odd layout of the TOC's home
    return "other"


def _relative(path: Path, root: Path) -> str:
    # Not resolved: a package reached through a linked folder keeps the path that leads to it.
    return Path(os.path.relpath(os.path.abspath(path), os.path.abspath(root))).as_posix()


def _not_packages(root: Path, folders: list[Path], real: RealPaths) -> list[dict[str, str]]:
    """Folders beside the packages that look meant to hold one, but hold none of its documents."""
    packages = {Path(real(folder)) for folder in folders}
    projects = {Path(real(project_folder(folder))) for folder in folders}
    containers = {project.parent for project in projects if project != root.resolve()}
    # In the TAG's home (community/assessments/projects/<p>/), every folder there should be a package.
    flat = {
        Path(real(folder)).parent
        for folder in folders
        if project_folder(folder) == folder and _home(folder, Path(real(folder))) == "tag"
    }
    problems: list[dict[str, str]] = []
    for container in sorted(containers):
        try:
            children = sorted(child for child in container.iterdir() if child.is_dir() and not child.is_symlink())
        except OSError as error:
            problems.append({"path": _relative(container, root), "message": f"cannot be listed: {error.strerror}"})
            continue
        for child in children:
            if child.name in _SKIPPED_FOLDERS or child.name.startswith("."):
                continue
            if child in projects or any(package.is_relative_to(child) for package in packages):
                continue
            if container in flat or _looks_like_assessment(child):
                message = "not a package: holds no self-assessment.md, joint-assessment.md or joint-review.md"
                problems.append({"path": _relative(child, root), "message": message})
    return problems


def _looks_like_assessment(folder: Path) -> bool:
    """A folder holding something named like an assessment, one or two levels down."""
    try:
        for child in folder.iterdir():
            name = child.name.casefold()
            if "assess" in name or "review" in name:
                return True
            if (
                child.is_dir()
                and not child.is_symlink()
                and any("assess" in grandchild.name.casefold() for grandchild in child.iterdir())
            ):
                return True
    except OSError:
        return True  # a folder that cannot be listed is reported
    return False


def index_counts(index: dict[str, Any]) -> dict[str, int]:
    """How many packages are in each state."""
    counts = dict.fromkeys(STATES, 0)
    for record in index["packages"]:
        counts[record["state"]] += 1
    return counts
