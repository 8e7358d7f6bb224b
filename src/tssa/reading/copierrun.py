"""Copier, run for `tssa update` and `tssa adopt`: render a template version, or update a package; failures as one line.

Every git command copier runs takes its paths literally (`GIT_LITERAL_PATHSPECS`),
so a folder named like a pattern (`pkg[x]`) never matches another one, and
runs no program a repository's config names.

`TemplateRenderer` renders one template version for many packages (`tssa adopt
--all`): the template is cloned, read and compiled once, not once per package.
"""

from __future__ import annotations

import functools
import inspect
import warnings
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

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


def _worker_class() -> Any:
    """Copier's Worker, when this copier has it where it has had it (None otherwise)."""
    try:
        from copier._main import Worker
    except ImportError:
        return None
    shareable = all(
        isinstance(inspect.getattr_static(Worker, name, None), functools.cached_property)
        for name in ("template", "jinja_env")
    )
    return Worker if shareable else None


class TemplateRenderer:
    """One version of a template, rendered with many packages' answers.

    Copier's Worker clones and reads its template, and builds its Jinja
    environment, on first use; neither depends on the answers. So the first
    Worker's serve every later one, and each templated string is compiled once.
    With a copier whose Worker works otherwise, each render is `copier.run_copy`,
    whole. A test compares the two renderings.
    """

    def __init__(self, source: str, version: str) -> None:
        self.source = source
        self.version = version
        self._worker = _worker_class()
        self._template: Any = None
        self._environment: Any = None

    def render(self, data: dict[str, Any], destination: Path) -> dict[str, str]:
        """Render with `data` into `destination`; every file it wrote, the answers file included."""
        options: dict[str, Any] = {"data": data, "vcs_ref": self.version, "defaults": True, "overwrite": True}
        try:
            with warnings.catch_warnings(), _literal_paths():
                warnings.simplefilter("ignore")  # copier warns when the template checkout has changes
                if self._worker is None:
                    copier.run_copy(self.source, destination, quiet=True, **options)
                else:
                    self._render_shared(destination, options)
        except (CopierError, ValueError, OSError) as error:
            raise RenderError(f"cannot render template {self.source} at {self.version}: {first_line(error)}") from error
        return read_files(destination)

    def _render_shared(self, destination: Path, options: dict[str, Any]) -> None:
        worker = self._worker(src_path=self.source, dst_path=destination, quiet=True, **options)
        if self._template is not None:
            worker.__dict__["template"] = self._template
            worker.__dict__["jinja_env"] = self._environment
        with worker:
            worker.run_copy()
            if self._template is None:
                self._keep(worker)

    def _keep(self, worker: Any) -> None:
        """Keep the first worker's template (its clone outlives the worker) and Jinja environment."""
        template, environment = worker.__dict__.get("template"), worker.__dict__.get("jinja_env")
        hooks = getattr(worker, "_cleanup_hooks", None)
        if template is None or environment is None or not isinstance(hooks, list) or template._cleanup not in hooks:
            return
        hooks.remove(template._cleanup)
        environment.from_string = functools.lru_cache(maxsize=4096)(environment.from_string)
        self._template, self._environment = template, environment

    def close(self) -> None:
        """Remove the template's clone."""
        if self._template is not None:
            self._template._cleanup()
            self._template = None
