"""Property: whatever an author writes, wherever, `tssa update` keeps it in its section.

End to end, through copier: few examples, as each one copies, commits and
updates a package. `test_update_merge.py` runs the same property on the merge
alone, with many more.
"""

from __future__ import annotations

import tempfile
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from tssa.update import UpdateOptions, update_package
from updating import (
    Key,
    heading_spans,
    make_package,
    make_template,
    missing_or_misplaced,
    release_v2,
    write_into_sections,
)

DOCUMENT_NAMES = ("self-assessment.md", "joint-assessment.md", "README.md")
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
    template = make_template(tmp_path_factory.mktemp("property") / "template")
    release_v2(template)
    return template


@settings(max_examples=4, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(writings=WRITINGS)
def test_random_text_in_random_sections_survives_an_update(
    released_template: Path, writings: list[tuple[str, int, str]]
) -> None:
    with tempfile.TemporaryDirectory() as scratch:
        package = make_package(released_template, Path(scratch) / "flibble")
        plan: dict[Key, list[str]] = {}
        for name, position, sentence in writings:
            sections = sorted(heading_spans((package / name).read_text(encoding="utf-8")))
            plan.setdefault((name, sections[position % len(sections)]), []).append(sentence)
        written = write_into_sections(package, lambda key: plan.get(key, []))

        outcome = update_package(package, UpdateOptions())

        assert outcome.conflicts == []
        assert missing_or_misplaced(package, written) == []
