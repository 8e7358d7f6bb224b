"""Which versions a template has: a recorded version or a wanted one is checked before anything renders."""

from __future__ import annotations

import re
from pathlib import Path

from packaging.version import InvalidVersion, Version

from tssa.errors import RefusedError
from tssa.git import remote_refs

# What copier records for a commit that is not a tag: an abbreviated id, or `git describe` output.
_COMMIT_LIKE = re.compile(r"^(?:[0-9a-f]{7,40}|.+-[0-9]+-g[0-9a-f]{4,40})$")


class UnknownVersionError(RefusedError):
    """The template has no such version: the recorded one is gone, or --vcs-ref names none."""


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


def check_versions_exist(source: str, recorded: str, wanted: str | None, answers_file: Path) -> None:
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


class DowngradeError(RefusedError):
    """The version to update to is older than the one the package records."""


def check_no_downgrade(recorded: str, wanted: str) -> None:
    """Refuse a version older than the recorded one (a commit id or branch name is not compared)."""
    try:
        older = Version(wanted) < Version(recorded)
    except InvalidVersion:
        return
    if older:
        raise DowngradeError(
            f"the package is at template {recorded}, and {wanted} is older; tssa update does not go back a version"
        )
