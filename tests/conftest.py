"""Shared fixtures: the template's root and a way to render a package from it."""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any

import copier
import pytest

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
    """Render the working tree's template into `destination`: the defaults plus `answers`."""
    copier.run_copy(
        str(TEMPLATE_ROOT),
        destination,
        data=answers or {},
        defaults=True,
        quiet=True,
        vcs_ref="HEAD",  # the working tree, not the newest tag
    )
    return destination


@pytest.fixture(scope="session")
def default_package(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The package `copier copy --defaults` writes, rendered once per test run."""
    return render_package(tmp_path_factory.mktemp("default") / "flibble")
