"""The rendered package follows the outline model in src/tssa exactly."""

from __future__ import annotations

from pathlib import Path

import pytest

from conftest import render_package
from packages import AWKWARD_ANSWERS, FULL_ANSWERS, find_section, read
from tssa.reading.guides import GUIDE_START
from tssa.reading.markdown import DocumentSection, MarkdownDocument
from tssa.reading.outline import DOCUMENTS, README_CLOSING, SELF_ASSESSMENT, TOC_TITLE, Document

ANSWER_SETS = {"defaults": {}, "full": FULL_ANSWERS, "awkward": AWKWARD_ANSWERS}


@pytest.fixture(scope="module", params=sorted(ANSWER_SETS))
def package(request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, str]:
    answers = ANSWER_SETS[request.param]
    destination = render_package(tmp_path_factory.mktemp(request.param) / "pkg", answers)
    return destination, answers.get("project_name", "Flibble")


def expected_headings(document: Document, project: str) -> list[tuple[int, str]]:
    return [(1, document.title(project))] + [(item.level, item.section.title) for item in document.walk()]


def actual_headings(document: MarkdownDocument) -> list[tuple[int, str]]:
    return [(heading.level, heading.text) for heading in document.headings]


def test_the_package_holds_exactly_the_three_documents_and_the_answers(package: tuple[Path, str]) -> None:
    folder, _ = package
    names = sorted(path.name for path in folder.iterdir())
    assert names == sorted([".copier-answers.yml", *(document.filename for document in DOCUMENTS)])


@pytest.mark.parametrize("document", DOCUMENTS, ids=lambda document: document.key)
def test_heading_tree_equals_the_outline(package: tuple[Path, str], document: Document) -> None:
    folder, project = package
    assert actual_headings(read(folder, document.filename)) == expected_headings(document, project)


def test_table_of_contents_lists_every_section_down_to_the_third_level(package: tuple[Path, str]) -> None:
    # The order is the guide's (tests/test_guide_shape.py); here: nothing is left out, every link resolves.
    folder, _ = package
    for document in (d for d in DOCUMENTS if d.has_toc):
        parsed = read(folder, document.filename)
        toc = next(section for section in parsed.walk() if section.heading.text.lower() == TOC_TITLE.lower())
        toc_lines = range(toc.heading.line, toc.blocks[-1].end_line + 1)
        links = [link for link in parsed.links if link.line in toc_lines]
        assert [link.href for link in links if link.href.lstrip("#") not in parsed.anchors] == []
        if document is SELF_ASSESSMENT:
            expected = {item.section.title for item in document.walk() if item.level <= 3}
            assert {link.text for link in links} == expected - {TOC_TITLE}


@pytest.mark.parametrize("document", DOCUMENTS, ids=lambda document: document.key)
def test_every_guide_comment_sits_in_its_own_section_and_is_unique(
    package: tuple[Path, str], document: Document
) -> None:
    folder, _ = package
    source = (folder / document.filename).read_text(encoding="utf-8")
    parsed = read(folder, document.filename)
    seen: list[str] = []
    for section, key in _sections_with_keys(parsed, document):
        for block in section.blocks:
            if block.guide_key is not None:
                assert block.guide_key == key, f"guide {block.guide_key!r} sits under {key!r}"
                assert block.source.rstrip().endswith(f"end guide: {key} -->")
                seen.append(key)
    assert len(seen) == len(set(seen))
    assert len(GUIDE_START.findall(source)) == len(seen) + 1  # plus the one "about" note under the title
    assert parsed.sections[0].blocks[0].guide_key == "about"
    # every marker line is unique in the file, so update merges find their place
    marker_lines = [line for line in source.splitlines() if "guide: " in line]
    assert len(marker_lines) == len(set(marker_lines))


def _sections_with_keys(parsed: MarkdownDocument, document: Document) -> list[tuple[DocumentSection, str]]:
    walked = list(document.walk())
    sections = parsed.walk()[1:]  # the title is not an outline section
    assert len(sections) == len(walked)
    return [(section, item.key) for section, item in zip(sections, walked, strict=True)]


def test_sections_that_need_the_authors_words_carry_guidance(tmp_path: Path) -> None:
    folder = render_package(tmp_path / "pkg")
    document = read(folder, SELF_ASSESSMENT.filename)
    background = find_section(document, "Overview", "Background")
    assert background.blocks[0].guide_key == "overview/background"
    assert len(background.blocks) == 1


def test_rendering_is_deterministic_so_updates_make_no_noise(tmp_path: Path) -> None:
    first = render_package(tmp_path / "first", FULL_ANSWERS)
    second = render_package(tmp_path / "second", FULL_ANSWERS)
    for document in DOCUMENTS:
        assert (first / document.filename).read_bytes() == (second / document.filename).read_bytes()


@pytest.mark.parametrize("document", DOCUMENTS, ids=lambda document: document.key)
def test_the_outline_knows_which_sections_the_template_writes_text_into(
    package: tuple[Path, str], document: Document
) -> None:
    """`rendered` sections get one answer next to their guide; `tssa check` must not take it for the authors' text."""
    folder, _ = package
    parsed = read(folder, document.filename)
    for section, key in _sections_with_keys(parsed, document):
        item = next(item for item in document.walk() if item.key == key)
        kinds = [
            "guide" if block.guide_key is not None else "text"
            for block in section.blocks
            if not block.source.startswith(f"{README_CLOSING}:")  # the README's closing line, not a section's
        ]
        if "guide" not in kinds:
            continue
        written = [kind for kind in kinds if kind != "guide"]
        # a rendered section's answer may be empty, and then the template leaves its line out
        assert written in ([["text"], []] if item.section.rendered else [[]]), key
