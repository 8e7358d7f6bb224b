"""Property: whatever order, levels and nesting an author gives the outline's sections, adopt and update keep them.

A document is drawn from the outline: some of its sections, shuffled, some
made top-level or nested under another, each with lines of the author's own.
It is adopted (the missing sections added, as `tssa adopt` does, from the
template's rendering), then updated to a version that adds sections at random
places and rewords the opening guide. The author's lines keep their order
throughout, nothing conflicts, and an update to the same version, or to one
that only rewords guidance the document does not hold, changes no byte.
"""

from __future__ import annotations

import re

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from conftest import render_package
from tssa.adopt.sections import add_missing_sections, template_blocks
from tssa.reading.findings import asked_for, missing_entries
from tssa.reading.markdown import parse
from tssa.reading.outline import SELF_ASSESSMENT, OutlineSection
from tssa.reading.renames import former_section_keys
from tssa.reading.resolve import resolve
from tssa.update.merge import merge_document

ABOUT_OLD = 'Each "guide:" comment says what its section needs.'
ABOUT_NEW = 'Each "guide:" comment tells what its section needs.'


@pytest.fixture(scope="module")
def base(tmp_path_factory: pytest.TempPathFactory) -> str:
    """The self-assessment as the template renders it: the blocks adopt adds, and the base of an update."""
    package = render_package(tmp_path_factory.mktemp("adopt-property") / "pkg")
    return (package / "self-assessment.md").read_text(encoding="utf-8")


Node = tuple[str, list["Node"]]


def _tree(sections: tuple[OutlineSection, ...]) -> list[Node]:
    return [(section.title, _tree(section.children)) for section in sections if section.required]


@st.composite
def documents(draw: st.DrawFn) -> tuple[str, list[str]]:
    """A hand-written self-assessment from the outline, and its author's lines in order."""
    lines: list[str] = ["# Drawn Self-assessment", "", "AUTHOR-0 What the project is."]
    authored = ["AUTHOR-0 What the project is."]

    def write(nodes: list[Node], level: int) -> None:
        chosen = draw(st.lists(st.sampled_from(nodes), unique_by=lambda node: node[0])) if nodes else []
        for title, children in chosen:
            here = max(2, min(6, level + draw(st.sampled_from([0, 0, 0, -1, 1]))))  # some releveled
            blank = draw(st.sampled_from([[""], [""], ["", ""]]))
            number = len(authored)
            said = [f"AUTHOR-{number}.{part} about {title}." for part in range(draw(st.integers(1, 2)))]
            lines.extend([*blank, f"{'#' * here} {title}", "", *said])
            authored.extend(said)
            write(children, here + 1)

    write(_tree(SELF_ASSESSMENT.sections), 2)
    ending = draw(st.sampled_from(["\n", "\r\n"]))
    return ending.join(lines) + draw(st.sampled_from([ending, ""])), authored


def in_order(authored: list[str], text: str) -> bool:
    lines = text.replace("\r\n", "\n").split("\n")
    position = 0
    for line in authored:
        if line not in lines[position:]:
            return False
        position = lines.index(line, position) + 1
    return True


@st.composite
def new_versions(draw: st.DrawFn, base: str) -> tuple[str, list[str]]:
    """The template's next version: sections added below random headings, and the opening guide reworded."""
    lines = base.replace(ABOUT_OLD, ABOUT_NEW).split("\n")
    headings = [(index, len(line) - len(line.lstrip("#"))) for index, line in enumerate(lines) if line.startswith("##")]
    headings = [(index, level) for index, level in headings if lines[index] != "## Table of contents"]
    places = draw(st.lists(st.sampled_from(headings), min_size=1, max_size=3, unique=True))
    titles = []
    for number, (index, level) in sorted(enumerate(places), key=lambda item: -item[1][0]):
        title = f"Extra part {number}"
        titles.append(title)
        deeper = min(6, level + draw(st.sampled_from([0, 1])))
        end = next(
            (later for later in range(index + 1, len(lines)) if re.match(rf"^#{{1,{deeper}}} ", lines[later])),
            len(lines) - 1,
        )
        key = f"extra-{number}"
        lines[end:end] = [f"{'#' * deeper} {title}", "", f"<!-- guide: {key}", "Say it.", f"end guide: {key} -->", ""]
    return "\n".join(lines), titles


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(drawn=documents(), data=st.data())
def test_drawn_documents_keep_their_author_lines_through_adopt_and_update(
    base: str, drawn: tuple[str, list[str]], data: st.DataObject
) -> None:
    text, authored = drawn
    renames = former_section_keys(SELF_ASSESSMENT)

    adopted = add_missing_sections(SELF_ASSESSMENT, text, template_blocks(SELF_ASSESSMENT, base)).text

    assert in_order(authored, adopted)
    assert adopted.startswith(text.split("\n", 1)[0])
    assert adopted.endswith("\n") == text.endswith("\n")
    left = [entry.key for entry in missing_entries(resolve(SELF_ASSESSMENT, parse(adopted))) if asked_for(entry)]
    assert left == []

    same = merge_document(adopted, base, base, renames, SELF_ASSESSMENT)
    assert same is not None and same.text == adopted
    reworded = merge_document(adopted, base, base.replace(ABOUT_OLD, ABOUT_NEW), renames, SELF_ASSESSMENT)
    assert reworded is not None and reworded.text == adopted and reworded.conflicts == 0

    theirs, titles = data.draw(new_versions(base))
    merged = merge_document(adopted, base, theirs, renames, SELF_ASSESSMENT)

    assert merged is not None and merged.conflicts == 0
    assert in_order(authored, merged.text)
    assert in_order([line for line in adopted.replace("\r\n", "\n").split("\n") if line.strip()], merged.text)
    found = [heading.text for heading in parse(merged.text).headings]
    assert all(found.count(title) == 1 for title in titles), (titles, found)
    assert ABOUT_NEW not in merged.text  # the document never held the opening guide
