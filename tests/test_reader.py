"""The Markdown reader: what it reads from a document, and where it settles what markdown-it-py read otherwise."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from tssa.cli import main
from tssa.reading import markdown
from tssa.reading.hrefs import is_safe_href, normalize_href
from tssa.reading.lineindex import LineIndex
from tssa.reading.markdown import inline_text, lines_before, parse

FIXTURES = Path(__file__).parent / "fixtures"


def check(capsys: pytest.CaptureFixture[str], folder: Path) -> list[dict[str, Any]]:
    main(["check", "--format", "json", str(folder)])
    report = json.loads(capsys.readouterr().out)
    return [finding for document in report["documents"] for finding in document["findings"]]


def write(folder: Path, text: str, name: str = "self-assessment.md") -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    (folder / name).write_text(text, encoding="utf-8", newline="")
    return folder


# ------------------------------------------------------------------ links


def test_a_link_is_on_its_own_line_not_its_paragraphs_first() -> None:
    document = parse(
        "# Title\n\nThe first line of a paragraph,\nthen [the guide](https://example.org/guide) on its second\n"
        "and [a section](#goals) on its third.\n"
    )
    assert [(link.href, link.text, link.line) for link in document.links] == [
        ("https://example.org/guide", "the guide", 4),
        ("#goals", "a section", 5),
    ]


def test_a_broken_anchor_is_reported_on_the_line_that_holds_it(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    text = "# Flibble\n\n## Goals\n\nWe aim for three things,\nthe second [here](#nowhere),\nand more.\n"
    found = check(capsys, write(tmp_path / "pkg", text))
    assert [(finding["line"], finding["code"]) for finding in found if finding["code"] == "TSSA301"] == [(6, "TSSA301")]


def test_links_come_in_the_order_they_open_a_badge_before_its_image() -> None:
    document = parse("[![CI](https://ci.example/badge.svg)](https://ci.example/run)\n")
    assert [(link.href, link.text) for link in document.links] == [
        ("https://ci.example/run", "CI"),
        ("https://ci.example/badge.svg", "CI"),
    ]


def test_an_email_autolink_is_a_mailto_link() -> None:
    document = parse("Write to <security@flibble.example.net>.\n")
    assert [(link.href, link.text) for link in document.links] == [
        ("mailto:security@flibble.example.net", "security@flibble.example.net")
    ]


@pytest.mark.parametrize(
    ("written", "target"),
    [
        ("[x](<https://example.net/a b>)", "https://example.net/a%20b"),
        ("[x](https://example.net/%41%zz)", "https://example.net/%41%25zz"),
        ("[x](https://bücher.example/ä)", "https://xn--bcher-kva.example/%C3%A4"),
        ("[x](docs/[draft].md)", "docs/%5Bdraft%5D.md"),
        ("[x](#goals-and-non-goals)", "#goals-and-non-goals"),
    ],
)
def test_link_targets_are_percent_encoded_as_before(written: str, target: str) -> None:
    assert [link.href for link in parse(written + "\n").links] == [target]


def test_normalizing_a_target_twice_changes_nothing() -> None:
    for target in ("https://example.net/a%20b", "mailto:a@b.example", "#x", "https://xn--bcher-kva.example/%C3%A4"):
        assert normalize_href(target) == target


def test_a_script_link_is_no_link_and_reads_as_written(tmp_path: Path) -> None:
    document = parse("Tracking issue: [click](javascript:alert(1)) and ![x](data:text/html,boo)\n")
    assert document.links == []
    assert document.blocks[0].text == "Tracking issue: [click](javascript:alert(1)) and ![x](data:text/html,boo)"
    assert is_safe_href("data:image/png;base64,AAAA")
    assert not is_safe_href(" JavaScript:alert(1)")


# ------------------------------------------------------------------ where blocks and sections end


@pytest.mark.parametrize("gap", ["\n", "\n\n\n\n", "\n[flibble]: https://example.net/flibble\n\n"])
def test_a_section_ends_with_its_last_line_of_text(gap: str) -> None:
    document = parse(f"## Goals\n\n- Safe defaults\n- Audit logs [flibble]\n{gap}## Non-goals\n\nNone.\n")
    goals, non_goals = document.walk()
    assert goals.end_line == 4
    assert goals.blocks[0].source == "- Safe defaults\n- Audit logs [flibble]"
    assert non_goals.heading.line == 4 + gap.count("\n") + 1


def test_a_list_does_not_run_over_the_link_references_after_it() -> None:
    document = parse("- one [a]\n- two [b]\n\n[a]: https://example.net/a\n[b]: https://example.net/b\n")
    (block,) = document.blocks
    assert (block.kind, block.line, block.end_line, block.items) == ("list", 1, 2, 2)
    assert [link.href for link in document.links] == ["https://example.net/a", "https://example.net/b"]


def test_a_list_counts_only_the_items_that_say_something() -> None:
    (block,) = parse("* \n* Use TLS everywhere\n*\n* Rotate keys\n  * nested, not counted\n").blocks
    assert block.items == 2


# ------------------------------------------------------------------ tables


def test_a_tab_in_a_delimiter_row_still_makes_a_table(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    table = (
        "| Assessment Stage\t| Complete |\n|---\t|---|\n| Software | https://github.com/flibble/core |\n"
        "| Security Provider\t| No |\n"
    )
    (read,) = parse(table).tables
    assert read.header == ("Assessment Stage", "Complete")
    assert read.rows == (("Software", "https://github.com/flibble/core"), ("Security Provider", "No"))
    assert read.row_lines == (3, 4)
    found = check(capsys, write(tmp_path / "pkg", f"# Flibble\n\n## Metadata\n\n{table}"))
    assert not [finding for finding in found if finding["code"] == "TSSA201"]  # the metadata table is there


def test_table_cells_are_plain_text_with_breaks() -> None:
    (table,) = parse("| a | b |\n|---|---|\n| one<br>two | `code` \\| **bold** [link](#x) |\n").tables
    assert table.rows == (("one\ntwo", "code | bold link"),)


# ------------------------------------------------------------------ lines, line endings, byte-order mark


def test_crlf_and_a_byte_order_mark_keep_lines_as_an_editor_shows_them() -> None:
    document = parse("\ufeff# Flibble\r\n\r\n## Goals\r\n\r\nFirst,\r\nthen [x](#nowhere).\r\n")
    assert [(heading.level, heading.text, heading.line) for heading in document.headings] == [
        (1, "Flibble", 1),
        (2, "Goals", 3),
    ]
    assert [link.line for link in document.links] == [6]
    assert document.blocks[0].source == "First,\nthen [x](#nowhere)."
    assert document.line_count == 6


def test_non_ascii_text_keeps_its_lines_and_its_leads() -> None:
    document = parse("# Café ✓\n\n- [Überblick](#überblick) ✓\n- **Zuständigkeit**: 🚀 wir\n\n## Überblick\n")
    assert [(lead.text, lead.line, lead.in_list) for lead in document.leads] == [
        ("[Überblick](#überblick) ✓", 3, True),
        ("**Zuständigkeit**: 🚀 wir", 4, True),
    ]
    assert [(link.href, link.line) for link in document.links] == [("#%C3%BCberblick", 3)]
    assert document.headings[1].anchor == "überblick"


def test_text_that_is_not_utf8_clean_is_read_all_the_same() -> None:
    document = parse("# Title \udcff\n\ntext [x](#y)\n")  # a byte decoded with surrogateescape
    assert [heading.line for heading in document.headings] == [1]
    assert [link.line for link in document.links] == [3]


# ------------------------------------------------------------------ leads, plain text, references


def test_leads_are_the_first_line_of_each_paragraph_and_item_at_any_depth() -> None:
    document = parse(
        "Intro text\nmore\n\n- tight item\n  - nested item\n\n> quoted\n\n1. loose item\n\n   second paragraph\n"
    )
    assert [(lead.text, lead.line, lead.in_list) for lead in document.leads] == [
        ("Intro text", 1, False),
        ("tight item", 4, True),
        ("nested item", 5, True),
        ("quoted", 7, False),
        ("loose item", 9, True),
        ("second paragraph", 11, False),
    ]


def test_a_paragraph_reads_as_plain_text_references_resolved() -> None:
    document = parse("A \\*star\\* &amp; [label] and [x][label], [unknown].\n\n[label]: https://example.net\n")
    assert document.blocks[0].text == "A *star* & label and x, [unknown]."
    assert document.has_references
    assert lines_before(document, 1) is None  # a reference defined below may change what is above


def test_inline_text_leaves_badges_out() -> None:
    title = "Flibble [![CI](https://ci.example/badge.svg)](https://ci.example) ![logo](logo.png) `cli`"
    assert inline_text(title).split() == ["Flibble", "cli"]


def test_code_lines_cover_code_blocks_at_any_depth() -> None:
    document = parse("text\n\n```\nTODO: not a draft line\n```\n\n- item\n\n      indented code\n")
    assert [line for line in range(1, 10) if line in document.code_lines] == [3, 4, 5, 9]


def test_html_ids_names_and_nested_headings_are_anchors() -> None:
    document = parse('<div id="Top">\n</div>\n\n> ## Quoted heading\n\n<a name="x"></a>\n')
    assert document.other_anchors == {"top", "x"}
    assert [(heading.text, heading.line, heading.nested) for heading in document.headings] == [
        ("Quoted heading", 4, True)
    ]
    assert document.anchors == {"top", "x", "quoted-heading"}


# ------------------------------------------------------------------ a big document read in pieces

_BEFORE_A_HEADING = [
    "```\ncode\n\n# Inside the fence\n\ntext\n",
    "~~~\ncode\n\n# Inside\n",
    "<!--\nc\n\n# Inside the comment\n-->\n",
    "<div>\n\n# After a closed HTML block\n</div>\n",
    "<div>\nx\n\n# H\n",
    "<pre>\nx\n\n# Inside the pre\n</pre>\n",
    "<script>\n\n# H\n",
    "    code\n\n\n# H\n",
    "- a\n\n\n# H\n",
    "- a\n  - b\n\n  \n# H\n",
    "> q\n\n# H\n",
    "> ```\n> x\n\n# H\n",
    "- ```\n  x\n\n# H\n",
    "|a|b|\n|-|-|\n|c|d|\n\n# H\n",
    "|a|b|\n|\t-|-|\n|c|d|\n\n# H x\n",
    "para\n\n#H\n\n####### H\n",
    "para\r\n\r\n# H\r\nx\r\n",
    "é\n\n# Ḧ 😀\n\nü [l](x)\n",
    "[x]\n\n# H\n\n[x]: http://a\n",
    "# A\n\n# A\n\n## A\n",
    "* * *\n\n# H\n\n1. a\n\n# H\n",
    "<!-- a -->\n\n# H\n\n#\n\n#\ttab\n",
]


def _everything(text: str) -> str:
    document = parse(text)
    blocks = [
        (block, block.items, block.is_comment, block.text, block.guide_key, block.source) for block in document.blocks
    ]
    sections = [(section.heading, section.blocks, section.end_line) for section in document.walk()]
    found = (document.headings, document.tables, document.links, blocks, sections, document.preamble)
    lines = (document.line_count, list(document.leads), list(document.code_lines))
    return repr((*found, *lines, sorted(document.anchors), document.has_references))


@pytest.mark.parametrize(
    "text",
    [
        *_BEFORE_A_HEADING,
        "\n\n".join(_BEFORE_A_HEADING),
        "".join(_BEFORE_A_HEADING),
        "".join(path.read_text(encoding="utf-8") + "\n" for path in sorted(FIXTURES.rglob("*.md"))),
    ],
)
def test_a_big_document_read_in_pieces_reads_as_it_does_whole(monkeypatch: pytest.MonkeyPatch, text: str) -> None:
    whole = _everything(text)
    for size in (1, 40):  # a piece ends at the first heading it may end at past this many characters
        monkeypatch.setattr(markdown, "PIECE", size)
        assert _everything(text) == whole


def test_a_big_document_is_cut_before_headings_only_where_nothing_runs_on() -> None:
    text = "# A\n\n<!--\nopen\n\n# B\n\n-->\n\n# C\n"
    cuts = [offset for offset, _ in markdown._pieces(LineIndex(text), 1)]
    assert cuts == [0]  # the comment is open where B starts: nothing is cut from there on
    text = "# A\n\n```\ncode\n```\n\n# B ü\n\n- item\n\n\n# C\n"
    pieces = list(markdown._pieces(LineIndex(text), 1))
    assert [piece for _, piece in pieces] == ["# A\n\n```\ncode\n```\n\n", "# B ü\n\n- item\n\n\n", "# C\n"]
    assert [offset for offset, _ in pieces] == [0, 19, 36]  # bytes: ü is two
