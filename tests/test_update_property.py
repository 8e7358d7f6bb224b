"""Property: whatever an author writes, wherever, `tssa update` keeps it in its section."""

from __future__ import annotations

import shutil
import tempfile
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from conftest import TEMPLATE_ROOT
from test_update import (
    DOCUMENT_NAMES,
    assert_every_line_in_its_section,
    commit_all,
    evolve,
    generate,
    git,
    release,
)
from tssa.merge import split_sections
from tssa.outline import document_for_filename
from tssa.update import update_package

SENTENCE = st.text(
    alphabet=st.sampled_from("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789 .,;:?'\"()/-"),
    min_size=1,
    max_size=80,
).map(lambda text: "W " + text.strip() + " end")

# (document, which section by position, the sentence)
WRITINGS = st.lists(
    st.tuples(st.sampled_from(DOCUMENT_NAMES), st.integers(min_value=0, max_value=60), SENTENCE),
    min_size=1,
    max_size=8,
    unique_by=lambda writing: writing[2],
)


@pytest.fixture(scope="module")
def released_template(tmp_path_factory: pytest.TempPathFactory) -> Path:
    folder = tmp_path_factory.mktemp("property") / "template"
    folder.mkdir()
    for name in ("copier.yml", "template", "extensions"):
        source = TEMPLATE_ROOT / name
        (shutil.copytree if source.is_dir() else shutil.copy)(source, folder / name)
    git(folder, "init", "-q")
    commit_all(folder, "v1")
    git(folder, "tag", "v1")
    release(folder, "v2", evolve)
    return folder


@settings(max_examples=4, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(writings=WRITINGS)
def test_random_text_in_random_sections_survives_an_update(
    released_template: Path, writings: list[tuple[str, int, str]]
) -> None:
    with tempfile.TemporaryDirectory() as scratch:
        package = generate(released_template, Path(scratch) / "repository", "v1")
        expected: dict[str, dict[str, str]] = {}
        for name, position, sentence in writings:
            path = package / name
            chunks = split_sections(path.read_text(encoding="utf-8"), document_for_filename(name))
            chunk = chunks[position % len(chunks)]
            parts = ["".join(other.lines) for other in chunks]
            index = chunks.index(chunk)
            parts[index] = parts[index].rstrip("\n") + f"\n\n{sentence}\n\n"
            path.write_text("".join(parts).rstrip("\n") + "\n", encoding="utf-8")
            expected.setdefault(name, {})[sentence] = chunk.key
        commit_all(package.parent, "written")
        result = update_package(package)
        assert result.conflicts == []
        assert_every_line_in_its_section(package, expected)
