"""Shared fixtures: the template's root and a way to render a package from it."""

from __future__ import annotations

import os
import shutil
from pathlib import Path
from typing import Any

import copier
import pytest
from copier._main import Worker
from jinja2.sandbox import SandboxedEnvironment

TEMPLATE_ROOT = Path(__file__).resolve().parent.parent

# Tests commit to repositories they create; a fresh machine has no git identity.
for _variable, _value in {
    "GIT_AUTHOR_NAME": "tssa tests",
    "GIT_AUTHOR_EMAIL": "tests@tssa.invalid",
    "GIT_COMMITTER_NAME": "tssa tests",
    "GIT_COMMITTER_EMAIL": "tests@tssa.invalid",
}.items():
    os.environ.setdefault(_variable, _value)


def render_package(destination: Path, answers: dict[str, Any] | None = None) -> Path:
    """Render the working tree's template into `destination`: the defaults plus `answers`.

    `vcs_ref="HEAD"`: without it copier renders the newest tag, not the code under test.
    """
    copier.run_copy(
        str(TEMPLATE_ROOT),
        destination,
        data=answers or {},
        vcs_ref="HEAD",  # the working tree, not the latest tag
        defaults=True,
        quiet=True,
    )
    return destination


@pytest.fixture(scope="session")
def default_package(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The package `copier copy --defaults` writes, rendered once per test run."""
    return render_package(tmp_path_factory.mktemp("default") / "flibble")


@pytest.fixture(scope="session")
def jinja(tmp_path_factory: pytest.TempPathFactory) -> SandboxedEnvironment:
    """Copier's own Jinja environment for this template (a plain copy, so no git clone)."""
    source = tmp_path_factory.mktemp("template")
    shutil.copy(TEMPLATE_ROOT / "copier.yml", source / "copier.yml")
    shutil.copytree(TEMPLATE_ROOT / "extensions", source / "extensions")
    environment: SandboxedEnvironment = Worker(src_path=str(source), dst_path=source / "out").jinja_env
    return environment
