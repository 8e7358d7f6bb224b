"""A package's recorded template version and answers, and renderings of a version.

The answers file records where the template came from (`_src_path`), which
version made the package (`_commit`) and every answer. Rendering that version
again with those answers gives exactly the files copier wrote, before the
author changed anything: the common ancestor of a three-way merge.
"""

from __future__ import annotations

import os
import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import copier
import yaml
from copier.errors import CopierError
from packaging.version import InvalidVersion, Version

from tssa.errors import TssaError
from tssa.gitrepo import remote_refs

ANSWERS_FILE = ".copier-answers.yml"
# What copier records for a commit that is not a tag: an abbreviated id, or `git describe` output.
_COMMIT_LIKE = re.compile(r"^(?:[0-9a-f]{7,40}|.+-[0-9]+-g[0-9a-f]{4,40})$")
_URL_LIKE = re.compile(r"^(?:[A-Za-z][A-Za-z0-9+.-]+:|git@)")


class NoAnswersFileError(TssaError):
    """The folder has no answers file, so copier never made it (or it was deleted)."""

    exit_code = 2


class BadAnswersFileError(TssaError):
    """The answers file cannot be used to update: unreadable, or missing the template source."""

    exit_code = 2


class UnknownVersionError(TssaError):
    """The template has no such version: the recorded one is gone, or --vcs-ref names none."""

    exit_code = 2


class RenderError(TssaError):
    """A template version could not be rendered with the recorded answers."""


@dataclass(frozen=True)
class Recorded:
    """What the answers file says: template source, version and answers."""

    source: str
    version: str
    answers: dict[str, Any] = field(default_factory=dict)


def read_recorded(folder: Path) -> Recorded:
    """The answers file of the package in `folder`."""
    path = folder / ANSWERS_FILE
    if not path.is_file():
        above = next((parent for parent in folder.resolve().parents if (parent / ANSWERS_FILE).is_file()), None)
        if above is not None:
            raise NoAnswersFileError(f"{folder}: no {ANSWERS_FILE}; the package is {above}: run `tssa update {above}`")
        raise NoAnswersFileError(
            f"{folder}: no {ANSWERS_FILE}; only a package made by `copier copy` from this template can be updated"
        )
    try:
        data = yaml.safe_load(path.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, yaml.YAMLError) as error:
        raise BadAnswersFileError(f"{path}: cannot be read as YAML ({error.__class__.__name__})") from error
    if not isinstance(data, dict):
        raise BadAnswersFileError(f"{path}: holds no answers")
    source, version = data.get("_src_path"), data.get("_commit")
    if not isinstance(source, str) or not source or not isinstance(version, str) or not version:
        raise BadAnswersFileError(
            f"{path}: _src_path or _commit is missing; the package was not made from a versioned template"
        )
    if not _URL_LIKE.match(source) and not os.path.isabs(source):
        raise BadAnswersFileError(
            f"{path}: _src_path {source!r} is a relative path; set it to the template's absolute path "
            "or URL, commit, and run again"
        )
    if not _URL_LIKE.match(source) and not os.path.exists(source):
        raise BadAnswersFileError(
            f"{path}: _src_path {source!r}: no such template folder; set it to where the template is now "
            "(its absolute path or URL), commit, and run again"
        )
    answers = {key: value for key, value in data.items() if not str(key).startswith("_")}
    return Recorded(source, version, answers)


def render(recorded: Recorded, destination: Path) -> dict[str, str]:
    """Render the recorded version with the recorded answers into `destination`.

    Returns every file it wrote except the answers file, by relative POSIX path.
    """
    try:
        copier.run_copy(
            recorded.source,
            destination,
            data=recorded.answers,
            vcs_ref=recorded.version,
            defaults=True,
            overwrite=True,
            quiet=True,
        )
    except (CopierError, ValueError, OSError) as error:
        raise RenderError(
            f"cannot render template {recorded.source} at {recorded.version}: {first_line(error)}"
        ) from error
    return read_files(destination)


def first_line(error: BaseException) -> str:
    """An error's message cut to its first line, or its type when it has none."""
    text = str(error).strip()
    return text.splitlines()[0] if text else error.__class__.__name__


def read_files(folder: Path) -> dict[str, str]:
    """The text files below `folder` (answers file and .git left out), by relative POSIX path."""
    files: dict[str, str] = {}
    for root, dirs, names in os.walk(folder):
        dirs[:] = [name for name in dirs if name != ".git"]
        for name in names:
            path = Path(root) / name
            relative = path.relative_to(folder).as_posix()
            if relative == ANSWERS_FILE:
                continue
            try:
                files[relative] = path.read_bytes().decode("utf-8")  # line endings as they are
            except (OSError, UnicodeDecodeError):
                continue
    return files


def missing_version(source: str, ref: str) -> list[str] | None:
    """When the template at `source` has no tag or branch `ref`, its version tags, oldest first.

    None when it has, when `ref` is a commit id (only a checkout can tell), or
    when git cannot list the template's tags (it is not a git repository).
    """
    if ref == "HEAD" or _COMMIT_LIKE.match(ref):
        return None
    refs = remote_refs(source)
    if refs is None or f"refs/tags/{ref}" in refs or f"refs/heads/{ref}" in refs:
        return None
    tags = [name.removeprefix("refs/tags/") for name in refs if name.startswith("refs/tags/")]
    return sorted(tags, key=_version_order)


def _version_order(tag: str) -> tuple[int, Version | str]:
    try:
        return (1, Version(tag))
    except InvalidVersion:
        return (0, tag)


def versions_phrase(tags: list[str]) -> str:
    """`its versions are v0.1.0, v0.2.0` (the newest ten), or that it has none."""
    if not tags:
        return "it has no version tags"
    shown = tags[-10:]
    return "its versions are " + ("..., " if len(tags) > len(shown) else "") + ", ".join(shown)
