"""The section-aware merge on its own: texts in, merged text out, no copier involved."""

from __future__ import annotations

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from conftest import render_package
from tssa.reading.outline import DOCUMENTS
from tssa.reading.sections import PREAMBLE, TITLE, split
from tssa.update.merge import merge_document
from updating import heading_spans, replace_once, swap_blocks

OLD_GUIDANCE = "The problem area, for a reviewer who does not know it: what the project"
NEW_GUIDANCE = "The problem area, explained for a reviewer new to it: what the project"


@pytest.fixture(scope="module")
def base(tmp_path_factory: pytest.TempPathFactory) -> str:
    """The self-assessment as the template renders it today, with the defaults."""
    package = render_package(tmp_path_factory.mktemp("merge") / "pkg")
    return (package / "self-assessment.md").read_text(encoding="utf-8")


def next_version(text: str) -> str:
    """The rendered self-assessment of an imagined next version: swapped, reworded, added, retitled."""
    text = swap_blocks("### Actors", "### Actions")(text)
    text = replace_once(OLD_GUIDANCE, NEW_GUIDANCE)(text)
    text = replace_once("# Flibble Self-assessment", "# Self-assessment of Flibble")(text)
    added = "### Supply chain\n\n<!-- guide: x/supply-chain\nPinning.\nend guide: x/supply-chain -->\n\n"
    return replace_once("### Ecosystem\n", added + "### Ecosystem\n")(text)


def insert(text: str, heading: str, lines: list[str], at_end: bool = True) -> str:
    """Text with `lines` added to the section under `heading`: at its end, or just below the heading."""
    rows = text.removesuffix("\n").split("\n")
    start = rows.index(heading)
    end = next((index for index in range(start + 1, len(rows)) if rows[index].startswith("#")), len(rows))
    while at_end and not rows[end - 1].strip():
        end -= 1
    position = end if at_end else start + 2
    rows[position:position] = [*lines, ""] if not at_end else ["", *lines]
    return "\n".join(rows) + "\n"


def test_sections_are_keyed_by_outline_path(base: str) -> None:
    keys = [piece.key for piece in split(base, document=DOCUMENTS[0])]
    expected = [TITLE] + [item.key for item in DOCUMENTS[0].walk()]
    assert keys == expected


def test_an_added_heading_stays_inside_its_section_and_a_renamed_one_is_found_by_its_guide(base: str) -> None:
    ours = insert(base, "### Background", ["#### Our history", "", "Founded in 2019."])
    ours = ours.replace("### Goals\n", "### Our goals\n")
    pieces = {piece.key: piece for piece in split(ours, {piece.key for piece in split(base)})}
    assert "#### Our history" in pieces["overview/background"].lines
    assert pieces["overview/goals"].lines[0] == "### Our goals"


def test_text_moves_with_swapped_sections_and_an_added_neighbour(base: str) -> None:
    ours = insert(base, "### Actors", ["The actors are A and B."])
    ours = insert(ours, "#### Outbound", ["We also post on the blog."])
    ours = insert(ours, "### Actions", ["#### Step one", "", "A asks B."])
    merged = merge_document(ours, base, next_version(base))
    assert merged is not None and merged.conflicts == 0
    spans = heading_spans(merged.text)
    rows = merged.text.split("\n")
    actors, actions = spans[("overview", "actors")], spans[("overview", "actions")]
    assert actions[0] < actors[0]
    assert "The actors are A and B." in rows[actors[0] : actors[1]]
    assert "#### Step one" in rows[actions[0] : spans[("overview", "actions", "step-one")][1]]
    assert merged.text.index("We also post on the blog.") < merged.text.index("### Supply chain")


def test_a_deleted_guide_stays_deleted_when_the_template_rewords_it(base: str) -> None:
    start = base.index("<!-- guide: overview/background")
    end = base.index("end guide: overview/background -->\n") + len("end guide: overview/background -->\n\n")
    ours = insert(base[:start] + base[end:], "### Background", ["Our background."])
    merged = merge_document(ours, base, next_version(base))
    assert merged is not None and merged.conflicts == 0
    assert "guide: overview/background" not in merged.text
    assert "### Background\n\nOur background.\n\n### Actions" in merged.text


def test_a_deleted_section_stays_deleted(base: str) -> None:
    start, end = base.index("### Actors\n"), base.index("### Actions\n")
    merged = merge_document(base[:start] + base[end:], base, next_version(base))
    assert merged is not None and "### Actors" not in merged.text and merged.conflicts == 0


def test_the_same_line_changed_on_both_sides_conflicts_inside_its_section(base: str) -> None:
    ours = base.replace(OLD_GUIDANCE, "Our own words: what the project")
    merged = merge_document(ours, base, next_version(base))
    assert merged is not None and merged.conflicts == 1
    rows = merged.text.split("\n")
    opening = rows.index("<<<<<<< before updating")
    assert rows[opening : opening + 5] == [
        "<<<<<<< before updating",
        "Our own words: what the project",
        "=======",
        NEW_GUIDANCE,
        ">>>>>>> after updating",
    ]
    start, end = heading_spans(merged.text)[("overview", "background")]
    assert start < opening < end


def test_table_rows_changed_next_to_each_other_merge_row_by_row(base: str) -> None:
    """The authors fill in the SBOM row by hand; changed answers rewrite the two rows above it."""
    ours = replace_once("| SBOM | Not given |", "| SBOM | <https://flibble.example.org/sbom.json> |")(base)
    answers = replace_once(
        "| Security Provider | No |\n| Languages | Go |", "| Security Provider | Yes |\n| Languages | Go, Rust |"
    )
    merged = merge_document(ours, base, answers(next_version(base)))
    assert merged is not None and merged.conflicts == 0
    rows = "| Security Provider | Yes |\n| Languages | Go, Rust |\n| SBOM | <https://flibble.example.org/sbom.json> |\n"
    assert rows in merged.text

    same_row = replace_once("| Languages | Go |", "| Languages | Go, C |")(ours)
    merged = merge_document(same_row, base, answers(next_version(base)))
    assert merged is not None and merged.conflicts == 1
    assert "| Languages | Go, C |" in merged.text and "| Languages | Go, Rust |" in merged.text


def test_a_section_the_author_made_before_the_template_did_conflicts_and_keeps_both(base: str) -> None:
    theirs = next_version(base)
    ours = insert(base, "#### Outbound", ["### Supply chain", "", "We pin everything."])
    merged = merge_document(ours, base, theirs)
    assert merged is not None and merged.conflicts == 1
    assert "We pin everything." in merged.text and "Pinning." in merged.text


def test_renamed_sections_keep_their_text(base: str) -> None:
    old = base.replace("### Goals", "### Goal").replace("guide: overview/goals", "guide: overview/goal")
    ours = insert(old, "### Goal", ["We promise little."])
    merged = merge_document(ours, old, base, {"overview/goal": "overview/goals"})
    assert merged is not None and merged.conflicts == 0 and merged.kept == ()
    assert merged.text == insert(base, "### Goals", ["We promise little."])


def test_without_the_rename_the_old_section_is_kept_and_reported(base: str) -> None:
    old = base.replace("### Goals", "### Goal").replace("guide: overview/goals", "guide: overview/goal")
    merged = merge_document(insert(old, "### Goal", ["We promise little."]), old, base)
    assert merged is not None and merged.kept == ("### Goal",)
    # the new section goes right after its outline sibling before it; the old one stays where the author has it
    assert merged.text.index("### Actions") < merged.text.index("### Goals") < merged.text.index("### Goal\n")
    assert merged.text.index("### Goal\n") < merged.text.index("We promise little.")


def test_text_above_the_title_and_windows_line_endings_are_kept(base: str) -> None:
    ours = ("<!-- our note -->\n\n" + insert(base, "### Actors", ["Ours."])).replace("\n", "\r\n")
    merged = merge_document(ours, base, next_version(base))
    assert merged is not None and merged.conflicts == 0
    assert merged.text.startswith("<!-- our note -->\r\n\r\n# Self-assessment of Flibble\r\n")
    assert "\n" not in merged.text.replace("\r\n", "")
    assert split(ours)[0].key == PREAMBLE


def test_unusual_characters_stay_as_they_are(base: str) -> None:
    odd = ["Form\x0cfeed and line\u2028separator and\ttab.", "Paragraph\u2029separator, NEL\x85 too."]
    merged = merge_document(insert(base, "### Actors", odd), base, next_version(base))
    assert merged is not None and merged.conflicts == 0
    assert "\n".join(odd) in merged.text


def test_a_template_with_repeated_sections_is_left_to_the_line_merge(base: str) -> None:
    repeated = base + "\n## Appendix\n\nAgain.\n"
    assert merge_document(base, repeated, base) is None


_LINE = st.tuples(
    st.sampled_from(["", "- ", "1. ", "> ", "**"]),
    st.text(alphabet="abcdefghijklmnopqrstuvwxyz ABCXYZ0123456789.,;:'!?()<>&*_`|\t\u2028\x0cé", max_size=50),
).map(lambda parts: (parts[0] + "w" + parts[1]).rstrip())
_SECTION_TEXT = st.lists(_LINE, min_size=1, max_size=4)


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(data=st.data())
def test_random_text_in_random_sections_survives_in_its_section(base: str, data: st.DataObject) -> None:
    spans = heading_spans(base)
    rows = base.split("\n")
    paths = sorted(spans)
    chosen = data.draw(st.lists(st.sampled_from(paths), min_size=1, max_size=12, unique=True))
    written: dict[tuple[str, ...], list[str]] = {}
    ours = base
    for number, path in enumerate(chosen):
        lines = [f"{line} [{number}.{index}]" for index, line in enumerate(data.draw(_SECTION_TEXT))]
        written[path] = lines
        ours = insert(ours, rows[spans[path][0]], lines, at_end=data.draw(st.booleans()))
    theirs = next_version(base)

    merged = merge_document(ours, base, theirs)

    assert merged is not None and merged.conflicts == 0
    after = heading_spans(merged.text)
    result = merged.text.split("\n")
    for path, lines in written.items():
        start, end = after[path]
        assert all(line in result[start:end] for line in lines), (path, lines)
    authored = {line for lines in written.values() for line in lines}
    assert [line for line in result if line not in authored and line.strip()] == [
        line for line in theirs.split("\n") if line.strip()
    ]
