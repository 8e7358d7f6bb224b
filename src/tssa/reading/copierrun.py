"""Copier, run for `tssa update` and `tssa adopt`: render a template version, or update a package; failures as one line.

Every git command copier runs takes its paths literally (`GIT_LITERAL_PATHSPECS`),
so a folder named like a pattern (`pkg[x]`) never matches another one, and
runs no program a repository's config names.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import copier
from copier.errors import CopierError, InteractiveSessionError
from plumbum import local

from tssa.errors import TssaError
from tssa.git import LITERAL_ENVIRONMENT, REPOSITORY_VARIABLES, SAFE_CONFIG, config_variables
from tssa.reading.answers import ANSWERS_FILE
from tssa.reading.recorded import Recorded
from tssa.reading.textfiles import read_files


class RenderError(TssaError):
    """A template version could not be rendered with the recorded answers."""


class CopierUpdateError(TssaError):
    """Copier refused or failed to update (bad answer, unknown version, downgrade, ...)."""


def first_line(error: BaseException) -> str:
    """An error's message cut to its first line, or its type when it has none."""
    text = str(error).strip()
    return text.splitlines()[0] if text else error.__class__.__name__


@contextmanager
def _literal_paths() -> Iterator[None]:
    """Copier's git commands take paths literally, find their repository by folder, and run no program that a
    repository's config names (`tssa.git.SAFE_CONFIG`)."""
    with local.env(**LITERAL_ENVIRONMENT, **config_variables(SAFE_CONFIG)):
        for name in REPOSITORY_VARIABLES:
            if name in local.env:
                del local.env[name]
        yield


def render(recorded: Recorded, destination: Path) -> dict[str, str]:
    """Render the recorded version with the recorded answers into `destination`.

    Returns every file it wrote except the answers file, by relative POSIX path.
    """
    try:
        with _literal_paths():
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
    return read_files(destination, frozenset({ANSWERS_FILE}))


def render_new_version(
    answers: bytes, destination: Path, data: dict[str, str], interactive: bool, vcs_ref: str | None
) -> dict[str, str]:
    """Render the new version with the answers the package records, as `copier update` would answer.

    Copier reads the recorded answers from the answers file in `destination`,
    drops those the new version refuses, applies `data`, and asks (with
    `interactive`) or takes defaults for the rest; it writes the new answers
    file there. Returns the files it wrote except the answers file.
    """
    destination.mkdir(parents=True)
    (destination / ANSWERS_FILE).write_bytes(answers)
    try:
        with _literal_paths():
            copier.run_recopy(
                destination,
                data=dict(data),
                defaults=not interactive,
                vcs_ref=vcs_ref,
                overwrite=True,
                quiet=True,
            )
    except InteractiveSessionError as error:
        raise CopierUpdateError(
            "no terminal to ask the questions; leave out --interactive "
            "(and give --data KEY=VALUE for the answers to change)"
        ) from error
    except (CopierError, ValueError) as error:
        raise CopierUpdateError(f"copier could not update: {first_line(error)}") from error
    return read_files(destination, frozenset({ANSWERS_FILE}))
