"""What adopt reads and writes, piece by piece: answers only when plainly stated, placement, the merge's order."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from tssa.cli import main
from tssa.reading.facts import read_channels
from tssa.reading.markdown import parse
from tssa.reading.placement import Layout
from tssa.reading.textfiles import split_lines, usual_ending
from tssa.update.merge import merge_document, section_order

CHANNELS = "# P Self-assessment\n\n## Secure development practices\n\n### Communication Channels\n\n"


@pytest.mark.parametrize(
    ("written", "internal"),
    [
        pytest.param("- **Internal:**\n  - the maintainers' chat\n", None, id="bold-label-over-a-nested-list"),
        pytest.param("- Internal: the `#dev` channel on Slack\n", "the #dev channel on Slack", id="plain"),
        pytest.param("- **Internal**: [Slack](https://slack.example)\n", "Slack", id="a-link-with-words"),
        pytest.param("#### Internal\n\n[github](https://a.example)\n[github](https://b.example)\n", None, id="links"),
        pytest.param("#### Internal\n\n![github](badge.svg)\n", None, id="an-image-alone"),
        pytest.param("#### Internal\n\ngithub\ngithub\ngithub\n", None, id="one-line-again-and-again"),
        pytest.param("#### Internal / Inbound\n\nGitHub.\n", None, id="one-heading-for-two"),
        pytest.param("- Internal-facing docs live in the wiki.\n", None, id="another-word"),
    ],
)
def test_a_channel_is_read_only_where_the_text_plainly_states_it(written: str, internal: str | None) -> None:
    found = read_channels(parse(CHANNELS + written), "self-assessment.md")
    assert "internal" in found  # where it looked, for the report
    assert found["internal"].value == internal


def test_a_heading_of_another_section_is_no_channel() -> None:
    text = "# P\n\n## Secure development practices\n\n## Internal Architecture\n\n![diagram](a.png)\n\nA Go service.\n"
    found = read_channels(parse(text), "self-assessment.md")
    assert found["internal"].value is None and found["internal"].line == 3


def test_a_section_goes_after_its_sibling_at_the_level_the_author_writes_it() -> None:
    text = "# T\r\n\r\n## Overview\r\n\r\n#### Actors\r\n\r\nA.\r\n\r\n##### Ours\r\n\r\nO.\r\n\r\n## Goals\r\n"
    layout = Layout.of(text)
    layout.at = {"overview": layout.marks[1], "overview/actors": layout.marks[2], "goals": layout.marks[4]}
    order = ["overview", "overview/background", "overview/actors", "overview/actions", "goals"]

    layout.add("overview/actions", ["### Actions", "", "<!-- guide -->"], order)
    layout.add("overview/background", ["### Background"], order)

    assert layout.text() == (
        "# T\r\n\r\n## Overview\r\n\r\n#### Background\r\n\r\n#### Actors\r\n\r\nA.\r\n\r\n##### Ours\r\n\r\nO.\r\n"
        "\r\n#### Actions\r\n\r\n<!-- guide -->\r\n\r\n## Goals\r\n"
    )


def test_a_section_added_at_the_end_keeps_a_document_without_a_final_newline_so() -> None:
    layout = Layout.of("# T\n\n## Overview\n\nText.")
    layout.at = {"overview": layout.marks[1]}
    layout.add("overview/background", ["### Background", "", "Guide."], ["overview", "overview/background"])
    assert layout.text() == "# T\n\n## Overview\n\nText.\n\n### Background\n\nGuide."


def test_lines_keep_their_own_endings() -> None:
    text = "a\r\nb\rc\nd"
    assert split_lines(text) == ["a\r\n", "b\r", "c\n", "d"]
    assert usual_ending(split_lines("a\r\nb\r\nc\n")) == "\r\n" and usual_ending(["x"]) == "\n"


def test_the_authors_order_stays_and_the_templates_applies_where_the_author_kept_it() -> None:
    base = ["t", "a", "b", "c", "d"]
    assert section_order(["t", "b", "a", "c", "d"], base, ["t", "a", "b", "d", "c"], set()) == ["t", "b", "a", "d", "c"]
    assert section_order(["t", "a", "b", "c", "d"], base, ["t", "d", "a", "b", "c"], set()) == ["t", "d", "a", "b", "c"]
    # the author moved c first and the template moved it last: the author's place wins
    assert section_order(["t", "c", "a", "b", "d"], base, ["t", "a", "b", "d", "c"], set()) == ["t", "c", "a", "b", "d"]
    # a section the template drops stays only when the author wrote in it
    assert section_order(["t", "a", "b"], ["t", "a", "b"], ["t", "a"], {"b"}) == ["t", "a", "b"]
    assert section_order(["t", "a", "b"], ["t", "a", "b"], ["t", "a"], set()) == ["t", "a"]


def test_a_merge_keeps_every_byte_between_and_around_sections() -> None:
    base = "# T\n\n<!-- guide: about\nRead this.\nend guide: about -->\n\n## A\n\nx\n\n## B\n\ny\n"
    theirs = base.replace("Read this.", "Read this first.") + "\n## C\n\n<!-- guide: c\nNew.\nend guide: c -->\n"
    ours = "# T  \r\n\r\n\r\n## B\r\n\r\nOurs\rtoo.\r\n## A\r\n\r\nx"
    merged = merge_document(ours, base, theirs)
    assert merged is not None and merged.conflicts == 0
    # C follows B, its sibling before it in the new version, wherever the author put B; set apart by blank lines
    added = "\r\n## C\r\n\r\n<!-- guide: c\r\nNew.\r\nend guide: c -->\r\n\r\n"
    assert merged.text == ours.replace("too.\r\n", "too.\r\n" + added)


def test_adopt_names_a_path_that_does_not_exist(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["adopt", str(tmp_path / "nowhere"), "--template", str(tmp_path / "template")]) == 2
    assert capsys.readouterr().err.strip() == f"tssa: {tmp_path / 'nowhere'}: no such folder"


def test_the_shared_template_renders_what_copier_renders_for_every_package(tmp_path: Path) -> None:
    import copier

    from tssa.reading.copierrun import TemplateRenderer
    from tssa.reading.textfiles import read_files
    from updating import make_template

    template = make_template(tmp_path / "template", "v0.0.1")
    renderer = TemplateRenderer(str(template), "v0.0.1")
    try:
        packages: list[dict[str, Any]] = [{"project_name": "Alpha"}, {"project_name": "Beta", "languages": ["Rust"]}]
        for number, answers in enumerate(packages):
            shared = renderer.render(answers, tmp_path / f"shared-{number}")
            copier.run_copy(str(template), tmp_path / f"own-{number}", data=answers, vcs_ref="v0.0.1", defaults=True)
            assert shared == read_files(tmp_path / f"own-{number}")
            assert ("Beta" if number else "Alpha") in shared["self-assessment.md"]
            assert renderer._template is not None  # the second package used the first one's template
    finally:
        renderer.close()
