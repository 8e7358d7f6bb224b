"""The template stays safe to update: stable files, unique sections, no changing values, no trust."""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

import pytest
import yaml

import tssa
from conftest import TEMPLATE_ROOT, render_package
from packages import AWKWARD_ANSWERS, FULL_ANSWERS
from tssa.reading.outline import DOCUMENTS
from tssa.reading.sections import TITLE, split

ANSWERS_FILE_TEMPLATE = "{{_copier_conf.answers_file}}.jinja"
ANSWER_SETS: dict[str, dict[str, Any]] = {
    "defaults": {},
    "full": FULL_ANSWERS,
    "awkward": AWKWARD_ANSWERS,
    "one-persona": {"personas": ["end_user"], "security_provider": True, "cncf_maturity": "none"},
    "graduated": {"cncf_maturity": "graduated", "assessment_stage": "Obsolete", "sbom_url": ""},
}
# Names whose value differs between renders, or that tie a file to where it was rendered.
_CHANGING = re.compile(r"\b(now|utcnow|today|random|uuid\w*|strftime|dst_path|_copier_conf)\b")
_JINJA = re.compile(r"\{[{%](.*?)[}%]\}", re.DOTALL)
_STRING = re.compile(r"'[^']*'|\"[^\"]*\"")


@pytest.fixture(scope="module")
def packages(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    return {
        name: render_package(tmp_path_factory.mktemp(name) / "pkg", answers) for name, answers in ANSWER_SETS.items()
    }


def _files(folder: Path) -> dict[str, bytes]:
    return {path.relative_to(folder).as_posix(): path.read_bytes() for path in folder.rglob("*") if path.is_file()}


def test_file_names_never_depend_on_answers() -> None:
    names = [path.name for path in (TEMPLATE_ROOT / "template").rglob("*")]
    assert [name for name in names if ("{" in name or "%" in name) and name != ANSWERS_FILE_TEMPLATE] == []


def test_every_answer_set_renders_the_same_files(packages: dict[str, Path]) -> None:
    expected = {".copier-answers.yml", *(document.filename for document in DOCUMENTS)}
    for name, folder in packages.items():
        assert set(_files(folder)) == expected, name


def test_no_template_expression_uses_a_changing_value() -> None:
    sources = [
        *(TEMPLATE_ROOT / "template").rglob("*.jinja"),
        *(TEMPLATE_ROOT / "extensions").rglob("*.jinja"),
    ]
    used = [
        f"{path.name}: {match.group(0)}"
        for path in sources
        if path.name != ANSWERS_FILE_TEMPLATE
        for expression in _JINJA.findall(path.read_text(encoding="utf-8"))
        for match in _CHANGING.finditer(_STRING.sub("", expression))
    ]
    assert used == []


def test_section_keys_are_unique_and_match_the_guides(packages: dict[str, Path]) -> None:
    """The section-aware merge needs one section per key, and each guide under its own key."""
    for folder in packages.values():
        for document in DOCUMENTS:
            pieces = split((folder / document.filename).read_text(encoding="utf-8"), document=document)
            keys = [piece.key for piece in pieces]
            assert keys == [TITLE, *(item.key for item in document.walk())]
            guides = {piece.key: piece.guide_key for piece in pieces if piece.guide_key}
            assert all(guide == key for key, guide in guides.items() if key != TITLE)
            assert guides[TITLE] == "about"


def test_no_setting_makes_copier_ask_for_trust() -> None:
    settings = yaml.safe_load((TEMPLATE_ROOT / "copier.yml").read_text(encoding="utf-8"))
    assert {"_tasks", "_migrations", "_jinja_extensions"} & set(settings) == set()


def test_the_changelog_starts_with_the_version_being_built() -> None:
    pyproject = (TEMPLATE_ROOT / "pyproject.toml").read_text(encoding="utf-8")
    assert re.search(r'^version = "([^"]+)"', pyproject, re.MULTILINE).group(1) == tssa.__version__  # type: ignore[union-attr]
    changelog = (TEMPLATE_ROOT / "CHANGELOG.md").read_text(encoding="utf-8")
    versions = re.findall(r"^## (\S+)", changelog, re.MULTILINE)
    assert versions and versions[0] in (tssa.__version__, "Unreleased")
    assert tssa.__version__ in versions
