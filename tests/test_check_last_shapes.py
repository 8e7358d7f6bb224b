"""The last shapes real authors write (issue 21), each told apart from its near miss.

The fixtures under fixtures/check/real-shapes (gannet, tern, auk, skua, fulmar,
petrel, merlin, shrike, dunlin) carry the whole-document hand readings in
test_check_real_shapes.py; here each shape is pinned on its own: what covers a
section or topic, and what does not. The resolver is shared, so adopt must
read every fixture as check does.
"""

from __future__ import annotations

import json
import re
import shutil
from pathlib import Path
from typing import Any

import pytest

from tssa.adopt.sections import add_missing_sections
from tssa.cli import main
from tssa.reading.markdown import parse
from tssa.reading.outline import JOINT_ASSESSMENT, SELF_ASSESSMENT, Document, outlines_for
from tssa.reading.resolve import Resolved, Status, resolve

FIXTURES = Path(__file__).parent / "fixtures" / "check" / "real-shapes"
TAG = "community/assessments/projects"
MISSING = {"TSSA101", "TSSA102", "TSSA106"}
CHANNELS = "secure-development-practices/communication-channels"
DISCLOSURE = "security-issue-resolution/responsible-disclosures-process"
INCIDENT = "security-issue-resolution/incident-response"


def _entries(text: str, document: Document = SELF_ASSESSMENT) -> dict[str, Resolved]:
    return {entry.key: entry for entry in resolve(document, parse(text)).entries}


def _check(folder: Path, capsys: pytest.CaptureFixture[str]) -> list[dict[str, Any]]:
    main(["check", "--format", "json", str(folder)])
    (document,) = json.loads(capsys.readouterr().out)["documents"]
    return list(document["findings"])


def _alone(name: str, tmp_path: Path, change: tuple[str, str] | None = None) -> Path:
    """The fixture file `name` as the only document of a package outside any repository, `change` applied."""
    source = FIXTURES / name
    folder = tmp_path / "package"
    folder.mkdir(parents=True)
    text = source.read_text(encoding="utf-8")
    if change is not None:
        assert change[0] in text
        text = text.replace(*change)
    (folder / source.name).write_text(text, encoding="utf-8")
    return folder


# --- 1. topics written as sentences or longer labels ---------------------------------------------------------------

_CHANNELS = "# P\n\n## Secure development practices\n\n* Communication Channels. Where we talk:\n  * {line}\n"


@pytest.mark.parametrize(
    ("line", "covered"),
    [
        ("Internal communication takes place on the project's chat server.", True),
        ("Internal team communication happens in a weekly call and a private room.", True),
        ("Internal Team Communication: the maintainers use a private room.", True),
        ("**Internal Communication**: a private room.", True),
        # the name opens a sentence about something else: not the channel
        ("Internal audits are run by an outside firm every second year.", False),
    ],
)
def test_a_channel_written_as_a_phrase_of_its_own_covers_the_topic(line: str, covered: bool) -> None:
    entry = _entries(_CHANNELS.format(line=line))[f"{CHANNELS}/internal"]
    assert entry.status is (Status.WRITTEN if covered else Status.MISSING)
    assert entry.line == (6 if covered else None)


def test_a_phrase_counts_only_inside_its_parents_part_of_the_document() -> None:
    text = "# P\n\n## Overview\n\nInternal communication of the service is encrypted by default.\n"
    assert _entries(text)[f"{CHANNELS}/internal"].status is Status.MISSING


# --- 2. one lead-in for two topics ---------------------------------------------------------------------------------


def test_a_combined_lead_in_covers_both_topics_at_its_line() -> None:
    text = "# P\n\n## Security issue resolution\n\n* Responsible Disclosures Process and Incident Response: mail us.\n"
    entries = _entries(text)
    assert (entries[DISCLOSURE].line, entries[INCIDENT].line) == (5, 5)


def test_a_combined_lead_in_covers_only_the_parts_that_are_outline_names() -> None:
    text = "# P\n\n## Security issue resolution\n\n* Responsible Disclosure and our bug bounty: see the policy.\n"
    entries = _entries(text)
    assert entries[DISCLOSURE].line == 5
    assert entries[INCIDENT].status is Status.MISSING


# --- 3. bold-italic lead-ins ---------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "lead",
    [
        "* **_Non-goals. P leaves encryption at rest to the store._**",
        "**_Non-goals._** P leaves encryption at rest to the store.",
        "__*Non-goals*__\n\nP leaves encryption at rest to the store.",
        "***Non-goals:*** P leaves encryption at rest to the store.",
        "_**Non-goals**_ - P leaves encryption at rest to the store.",
    ],
)
def test_a_bold_italic_lead_in_names_its_section(lead: str) -> None:
    entries = _entries(f"# P\n\n## Overview\n\nP copies objects.\n\n{lead}\n")
    assert entries["overview/non-goals"].line == 7


# --- 5. a combined heading whose parts follow as its subheadings -----------------------------------------------------


def test_the_parts_of_a_combined_heading_are_its_subheadings_when_it_has_them() -> None:
    text = "# P\n\n## 3. Goals and Non-Goals\n\n### **Goals**\n\nKeep data apart.\n\n### **Non-Goals**\n"
    entries = _entries(text)
    goals, non_goals = entries["overview/goals"], entries["overview/non-goals"]
    assert goals.heading is not None and goals.heading.heading.line == 5 and goals.status is Status.WRITTEN
    # the subheading is the part: an empty one is empty, whatever its sibling holds
    assert non_goals.heading is not None and non_goals.heading.heading.line == 9
    assert non_goals.status is Status.EMPTY


def test_a_combined_heading_without_the_parts_below_it_still_stands_for_them() -> None:
    text = "# P\n\n## Goals and Non-Goals\n\nKeep data apart; no sandboxing.\n\n### Notes\n\nMore.\n"
    entries = _entries(text)
    assert entries["overview/goals"].line == entries["overview/non-goals"].line == 3


def test_text_under_subheadings_that_stand_for_nothing_is_the_sections_text() -> None:
    text = "# P\n\n## Overview\n\nP.\n\n### Actors and Data Flow\n\n#### Who talks to whom\n\nThe agent calls home.\n"
    actors = _entries(text)["overview/actors"]
    assert actors.heading is not None and actors.heading.heading.line == 7
    assert actors.status is Status.WRITTEN


def test_a_section_heading_named_after_its_first_part_stands_for_both() -> None:
    text = (
        "# P\n\n## 5. Self-assessment use\n\nOurs.\n\n## 6. Critical Security Functions\n\n"
        "### Critical (Non-Configurable)\n\nSigned jobs.\n\n### Security Relevant (Configurable)\n\nQuotas.\n\n"
        "## 7. Project compliance\n\nNone.\n"
    )
    entries = _entries(text)
    assert entries["security-functions-and-features"].line == 7
    critical = entries["security-functions-and-features/critical"]
    assert critical.heading is not None and critical.heading.heading.line == 9
    assert critical.status is Status.WRITTEN


def test_the_skua_fixture_finds_each_part_under_its_own_subheading() -> None:
    path = FIXTURES / "skua/projects/skua/security-assessment/self-assessment.md"
    entries = _entries(path.read_text(encoding="utf-8"))
    headings = {
        key: entries[key].heading.heading.text  # type: ignore[union-attr]
        for key in (
            "overview/goals",
            "overview/non-goals",
            "overview/actors",
            "security-functions-and-features/critical",
        )
    }
    assert headings == {
        "overview/goals": "Goals",
        "overview/non-goals": "Non-Goals",
        "overview/actors": "Actors",
        "security-functions-and-features/critical": "Critical (Non-Configurable)",
    }


# --- 4. hands-on assessment result is conditional ------------------------------------------------------------------

FULMAR = f"fulmar/{TAG}/fulmar/joint-assessment.md"
PETREL = "petrel/projects/petrel/security-assessment/joint-assessment.md"
HANDS_ON_PARTS = {
    "hands-on-assessment/assessment-details",
    "hands-on-assessment/findings",
    "hands-on-assessment/hands-on-assessment-result",
}


@pytest.mark.parametrize(
    ("name", "statement"),
    [
        (FULMAR, "**Fulmar did not receive a hands-assessment from TAG-Security.**"),
        (PETREL, "Petrel did not get a hands-on assessment; the 2024 audit above covered the code."),
    ],
)
def test_hands_on_parts_are_asked_for_once_an_assessment_took_place(
    name: str, statement: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert [f for f in _check(_alone(name, tmp_path), capsys) if f["severity"] == "error"] == []
    done = "The TAG's reviewers ran a hands-on assessment in May."
    found = _check(_alone(name, tmp_path / "done", (statement, done)), capsys)
    asked = {f["section"] for f in found if f["code"] in MISSING | {"TSSA103", "TSSA104"}}
    assert asked & HANDS_ON_PARTS  # the commented-out or left-out parts are asked for again


def test_the_guides_own_did_or_did_not_skeleton_asks_for_nothing(capsys: pytest.CaptureFixture[str]) -> None:
    text = (FIXTURES / FULMAR).read_text(encoding="utf-8").replace("<!--\n### Assessment", "### Assessment")
    text = text.replace("### Hands-on assessment result\n\n-->", "### Hands-on assessment result\n")
    text = text.replace("Fulmar did not receive", "[Project] did/did not receive")
    entries = resolve(JOINT_ASSESSMENT, parse(text))
    assert entries.not_asked == {"hands-on-assessment"}
    assert {entry.key for entry in entries.entries if entry.status is Status.UNFILLED} & HANDS_ON_PARTS


# --- 6. the older-outline note ----------------------------------------------------------------------------------------


def _words(name: str) -> str:
    return " ".join(re.findall(r"[a-z0-9]+", name.casefold()))


def _added(older: Document, current: Document) -> list[str]:
    """What `current` adds over `older`, worked out here from the two outlines: sections (not topics) none of whose
    names the older outline has, the outermost of each, then the required metadata rows the older one lacks."""
    old = {_words(name) for item in older.walk() for name in item.section.names}
    new = [item for item in current.walk() if not {_words(name) for name in item.section.names} & old]
    keys = {item.key for item in new}
    sections = [
        f'"{item.section.title}"'
        for item in new
        if item.section.required and not item.section.topic and item.parent_key not in keys
    ]
    rows = {row.name for row in older.metadata_rows}
    added_rows = [row for row in current.metadata_rows if row.required and row.name not in rows]
    return sections + [f'the metadata row "{row.name}"' for row in added_rows]


def _written_for(view: Document) -> str:
    """A document holding every section and topic of `view`, and its metadata rows, and nothing else."""
    lines = ["# P", "", "| | |", "| --- | --- |"]
    lines += [
        f"| {row.name} | {'https://github.com/p/p' if row.is_url else (row.allowed or ('Go',))[0]} |"
        for row in view.metadata_rows
    ]
    lines.append("")
    topics: dict[str, int] = {}
    for item in view.walk():
        if item.section.topic:
            depth = topics[item.key] = topics.get(item.parent_key, -1) + 1
            lines += ["  " * depth + f"* {item.section.title}. Written.", ""]
        else:
            lines += ["#" * item.level + f" {item.section.title}", "", "Written.", ""]
    return "\n".join(lines)


_VIEWS = [
    pytest.param(document, index, id=f"{document.key}-{view.outline}")
    for document in (SELF_ASSESSMENT, JOINT_ASSESSMENT)
    for index, view in enumerate(outlines_for(document)[:-1])
]


@pytest.mark.parametrize(("document", "index"), _VIEWS)
def test_the_older_outline_note_lists_what_the_current_outline_adds(
    document: Document, index: int, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    views = outlines_for(document)
    older, current = views[index], views[-1]
    expected = _added(older, current)
    (tmp_path / document.filename).write_text(_written_for(older), encoding="utf-8")
    notes = [f["message"] for f in _check(tmp_path, capsys) if f["code"] == "TSSA107"]
    if not expected:
        # nothing required tells this outline from the current one: the document is judged by the current one
        assert notes == []
        return
    (note,) = notes
    assert f"{older.outline} outline" in note or "single outline.md of 2019" in note
    listed = note.split("(the current outline adds ", 1)[1].removesuffix(")")
    assert re.findall(r'(?:the metadata row )?"[^"]+"', listed) == expected


def test_a_2021_document_is_told_only_what_came_after_2021(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    found = _check(_alone(f"merlin/{TAG}/merlin/self-assessment.md", tmp_path), capsys)
    (note,) = [f["message"] for f in found if f["code"] == "TSSA107"]
    assert note.endswith('(the current outline adds "Actors", "Actions", the metadata row "Assessment Stage")')
    # what the 2021 outline asked for and the document lacks is an error, not news of a newer outline
    assert {f["section"] for f in found if f["code"] == "TSSA101"} == {"metadata/security-links", "self-assessment-use"}


# --- 7. a missing section with a likely stand-in --------------------------------------------------------------------

SHRIKE = f"shrike/{TAG}/shrike/self-assessment.md"


def test_a_missing_section_names_the_one_heading_in_its_place(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    found = _check(_alone(SHRIKE, tmp_path), capsys)
    (missing,) = [f for f in found if f["code"] == "TSSA101"]
    assert missing["message"] == 'section "Security issue resolution" is missing (is it "Security processes", line 74?)'
    assert missing["severity"] == "error"


def test_two_headings_in_its_place_name_neither(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    extra = "## Security processes\n\nWe triage.\n\n## Bug bounty\n\nNone yet.\n"
    found = _check(_alone(SHRIKE, tmp_path, ("## Security processes\n", extra)), capsys)
    (missing,) = [f for f in found if f["code"] == "TSSA101"]
    assert missing["message"] == 'section "Security issue resolution" is missing'


def test_a_last_section_gets_the_heading_after_its_previous_neighbour() -> None:
    text = "# P\n\n## Security issue resolution\n\nMail us.\n\n## Extras\n\n* Case Studies. A bank.\n"
    entry = _entries(text)["appendix"]
    assert entry.status is Status.MISSING
    assert entry.stand_in is not None and (entry.stand_in.text, entry.stand_in.line) == ("Extras", 7)


def test_a_heading_below_a_neighbour_is_no_stand_in() -> None:
    text = "# P\n\n## Project compliance\n\nNone.\n\n### Our processes\n\nMail us.\n\n## Appendix\n\nMore.\n"
    entries = _entries(text)
    assert entries["secure-development-practices"].stand_in is None


# --- 8. headings inside block quotes and list items -----------------------------------------------------------------


def test_a_heading_in_a_quote_opens_a_section_holding_the_rest_of_the_quote() -> None:
    document = parse("# P\n\n> ## Goals\n>\n> Keep data apart.\n\nAfter the quote.\n\n## Non-goals\n\nNone.\n")
    goals = document.sections[0].children[0]
    assert (goals.heading.text, goals.heading.line, goals.heading.nested) == ("Goals", 3, True)
    assert [(block.kind, block.line) for block in goals.blocks] == [("quote", 4), ("paragraph", 7)]
    assert [heading.text for heading in document.headings] == ["P", "Goals", "Non-goals"]


def test_headings_in_list_items_open_sections_in_order() -> None:
    text = "# P\n\n## Overview\n\n1. ### Goals\n   Keep data apart.\n2. ### Non-goals\n   No sandbox.\n"
    entries = _entries(text)
    assert entries["overview/goals"].line == 5 and entries["overview/goals"].status is Status.WRITTEN
    assert entries["overview/non-goals"].line == 7 and entries["overview/non-goals"].status is Status.WRITTEN


def test_a_quote_without_headings_stays_one_block() -> None:
    document = parse("# P\n\n## Goals\n\n> Keep data apart.\n> Always.\n")
    (block,) = document.sections[0].children[0].blocks
    assert (block.kind, block.line, block.end_line) == ("quote", 5, 6)


# --- adopt reads every shape as check does --------------------------------------------------------------------------

_CURRENT = [
    f"gannet/{TAG}/gannet/self-assessment.md",
    "tern/projects/tern/security-assessment/self-assessment.md",
    f"auk/{TAG}/auk/self-assessment.md",
    "skua/projects/skua/security-assessment/self-assessment.md",
    FULMAR,
    PETREL,
    SHRIKE,
    "dunlin/projects/dunlin/security-assessment/self-assessment.md",
]


@pytest.mark.parametrize("name", _CURRENT)
def test_adopt_adds_exactly_what_check_calls_missing(
    name: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    path = FIXTURES / name
    document = JOINT_ASSESSMENT if path.name == "joint-assessment.md" else SELF_ASSESSMENT
    folder = tmp_path / "package"
    folder.mkdir()
    shutil.copy(path, folder / path.name)
    found = _check(folder, capsys)
    missing = {f["section"] for f in found if f["code"] in {"TSSA101", "TSSA106"}}
    blocks = {item.key: [f"## {item.section.title}", "<!-- guide -->"] for item in document.walk()}
    text = path.read_text(encoding="utf-8")
    changes = add_missing_sections(document, text, blocks)
    keys = {item.key: item.section.title for item in document.walk()}
    added = {key for key, title in keys.items() if title in changes.added}
    # each added section is one check calls missing, or a part of one
    assert {key for key in added if not any(key.startswith(parent + "/") for parent in missing)} == missing
