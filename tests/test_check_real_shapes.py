"""`tssa check` on hand-written packages shaped like the ones projects wrote from 2019 to 2025.

Each fixture under fixtures/check/real-shapes is a package in one of the two
homes (`community/assessments/projects/<p>/` or
`projects/<p>/security-assessment/`), written the way real authors write:
numbered, bold and emoji headings, bullets and lead-ins, HTML tables, code
blocks, old names. Beside each file is our own reading of it: which sections
and topics it lacks. The check must name exactly those as missing (nothing it
contains, nothing more), and raise no error a reviewer would not raise.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest

from tssa.cli import main
from tssa.reading.markdown import Heading, parse
from tssa.reading.outline import JOINT_ASSESSMENT, JOINT_README, SELF_ASSESSMENT, Document
from tssa.reading.resolve import Resolved, Status, resolve

FIXTURES = Path(__file__).parent / "fixtures" / "check" / "real-shapes"
MISSING = {"TSSA101", "TSSA102", "TSSA106"}
VULNERABILITY_RESPONSE = "security-issue-resolution/responsible-disclosures-process/vulnerability-response-process"
CHANNELS = "secure-development-practices/communication-channels"


@dataclass(frozen=True)
class Reading:
    """What a reviewer reads in one file: what it lacks, which outline it follows, the errors it earns."""

    missing: frozenset[str] = frozenset()
    outline: str | None = None
    """The older outline it is written for (`2019`, `2023`), or None for the current one."""
    errors: frozenset[str] = frozenset()
    """Error codes besides missing sections."""


def _reading(*missing: str, outline: str | None = None, errors: tuple[str, ...] = ()) -> Reading:
    return Reading(frozenset(missing), outline, frozenset(errors))


# Our hand reading of every file. The TAG folder and the TOC folder are both homes.
TAG = "community/assessments/projects"
READINGS: dict[str, Reading] = {
    # 2022: bold keys, `### **Goals**`, `Actors and Actions`, `Self-review use`, `* **Critical**:`, CII badge.
    f"lantern/{TAG}/lantern/self-assessment.md": _reading(VULNERABILITY_RESPONSE, outline="2023"),
    # 2024, TOC home: numbered headings, HTML metadata table with "Incomplete." and "No. The primary ...",
    # `## 3. Goals and Non-Goals` outside Overview, `- Critical - ...`, trailing colons, numbered appendix.
    "ferry/projects/ferry/security-assessment/self-assessment.md": _reading(
        "table-of-contents", VULNERABILITY_RESPONSE, "security-issue-resolution/incident-response"
    ),
    # 2019: the single outline, all in bullets; "Yes. Puffin enforces ..."; no CNCF requests.
    f"puffin/{TAG}/puffin/self-assessment.md": _reading("roadmap/cncf-requests", outline="2019"),
    # The project's own page, not a joint README: not judged as one.
    f"puffin/{TAG}/puffin/README.md": _reading(),
    # 2022 joint README: `# X Security Assessment`, old recommendation names, `**Design**:` lead-ins,
    # a `Tracking issue:` line; it has no additional recommendations.
    f"quarry/{TAG}/quarry/README.md": _reading("recommendations/additional-recommendations"),
    # 2022 joint-review.md: `Joint-review use`, `Hands-on review`, bold lead-in bullets, an image; its only
    # "Predisposing Conditions" is inside a code block.
    f"quarry/{TAG}/quarry/joint-review.md": _reading("table-of-contents", "security-analysis/predisposing-conditions"),
    # 2025, TOC home: sections at `#`, emoji shortcodes, `####` topics under `#` sections, root-relative link.
    "tandem/projects/tandem/security-assessment/self-assessment.md": _reading(
        "table-of-contents", VULNERABILITY_RESPONSE
    ),
    "tandem/projects/tandem/security-assessment/README.md": _reading(),
    # 2023: a <details> table of contents, `Goals / Non-goals`, `Software Bill of Materials`, bullets with
    # no channel names, no self-assessment use.
    f"wicket/{TAG}/wicket/self-assessment.md": _reading(
        "self-assessment-use",
        f"{CHANNELS}/internal",
        f"{CHANNELS}/inbound",
        f"{CHANNELS}/outbound",
        VULNERABILITY_RESPONSE,
        outline="2023",
    ),
    f"wicket/{TAG}/wicket/README.md": _reading(),
    # 2025 joint, TOC home: `#### Project Goals and Non-Goals` under Background, prose right under Project Design
    # and Project Compliance, `**Critical Features**:` and `<b>Relevant</b>:`, `Default configuration:` lead-ins,
    # analysis as bold bullets, "Yes - ..." and a Software link followed by words.
    "kestrel/projects/kestrel/security-assessment/joint-assessment.md": _reading(),
    # The project's own page beside it, with a Summary and a Background but nothing of a joint README.
    "kestrel/projects/kestrel/security-assessment/README.md": _reading(),
    # 2023 joint in the TAG home that had no hands-on assessment and says so: no details, findings or result are
    # asked for. Its self-assessment puts Critical and Security Relevant as table columns and writes
    # `#### Vulnerability Response`.
    f"heron/{TAG}/heron/joint-assessment.md": _reading(),
    f"heron/{TAG}/heron/self-assessment.md": _reading("table-of-contents"),
    # 2021, TAG home: `Actors & Actions`, `Goals and non-goals`, `**Critical**` on a line of its own, `*Internal*:`,
    # `**Ecosystem** —`, `Responsible Disclosure Process`, `## Compliance`, `**Case Study:**`. Its README has bold
    # and bulleted lines, recommendations at `##` with no `## Recommendations` above them, and no maturity.
    f"plover/{TAG}/plover/self-assessment.md": _reading("table-of-contents"),
    f"plover/{TAG}/plover/README.md": _reading("background/maturity"),
    # 2025 joint, TOC home: the design written as a bare `## Design` where Project Design belongs, and HTML
    # headings (`<h2>Overview</h2>`, `<h3 id=...>Background</h3>`) for some sections; no table of contents.
    "osprey/projects/osprey/security-assessment/joint-assessment.md": _reading("table-of-contents"),
    # The guide's `###`/`####` levels under `## Self-assessment outline`; the appendix is only in a code block.
    f"nimbus/{TAG}/nimbus/self-assessment.md": _reading("table-of-contents", VULNERABILITY_RESPONSE, "appendix"),
    # The last shapes (issue 21); tests/test_check_last_shapes.py holds what each one tells apart.
    # Channels written as sentences that open with the topic's name and go on with "communication".
    f"gannet/{TAG}/gannet/self-assessment.md": _reading(),
    # Channels as longer labels (`Internal Team Communication:`); one lead-in for two topics
    # (`Responsible Disclosures Process and Incident Response:`).
    "tern/projects/tern/security-assessment/self-assessment.md": _reading("table-of-contents"),
    # Bold-italic lead-ins: `__*Goal*__`, `* **_Non-goals. ..._**`, `**_Vulnerability Response Process._**`,
    # `***Critical:***`, `_**Internal**_ -`.
    f"auk/{TAG}/auk/self-assessment.md": _reading("table-of-contents"),
    # `## 3. Goals and Non-Goals` over `### **Goals**` and `### **Non-Goals**`; `## 5. Actors and Data Flow` over
    # `### **Actors**`; `## 6. Critical Security Functions` over `### **Critical (Non-Configurable)**`.
    "skua/projects/skua/security-assessment/self-assessment.md": _reading(),
    # No hands-on assessment, said with the guide's own "hands-assessment"; the parts kept in a comment.
    f"fulmar/{TAG}/fulmar/joint-assessment.md": _reading("table-of-contents"),
    # No hands-on assessment, said under Assessment Details; Findings left out, the result only a comment.
    "petrel/projects/petrel/security-assessment/joint-assessment.md": _reading("table-of-contents"),
    # 2021: no Security links and no Self-assessment use, which the 2021 outline asked for too.
    f"merlin/{TAG}/merlin/self-assessment.md": _reading(
        "metadata/security-links", "self-assessment-use", outline="2021"
    ),
    # `## Security processes` where Security issue resolution belongs: the guide's name is missing.
    f"shrike/{TAG}/shrike/self-assessment.md": _reading("security-issue-resolution"),
    # Overview's parts as headings inside block quotes and a numbered list; channels as headings in list items.
    "dunlin/projects/dunlin/security-assessment/self-assessment.md": _reading("table-of-contents"),
}


_REPORTS: list[dict[str, list[dict[str, Any]]]] = []


def _report(capsys: pytest.CaptureFixture[str]) -> dict[str, list[dict[str, Any]]]:
    """The findings per file of one check over every fixture (run once, then kept)."""
    if _REPORTS:
        return _REPORTS[0]
    main(["check", "--format", "json", str(FIXTURES)])
    report = json.loads(capsys.readouterr().out)
    _REPORTS.append(
        {
            Path(document["path"]).resolve().relative_to(FIXTURES.resolve()).as_posix(): document["findings"]
            for document in report["documents"]
        }
    )
    return _REPORTS[0]


def test_every_fixture_has_a_reading(capsys: pytest.CaptureFixture[str]) -> None:
    assert sorted(_report(capsys)) == sorted(READINGS)


@pytest.mark.parametrize("name", sorted(READINGS))
def test_missing_findings_are_exactly_what_the_document_lacks(name: str, capsys: pytest.CaptureFixture[str]) -> None:
    found = _report(capsys)[name]
    assert {f["section"] for f in found if f["code"] in MISSING} == READINGS[name].missing


@pytest.mark.parametrize("name", sorted(READINGS))
def test_no_error_a_reviewer_would_not_raise(name: str, capsys: pytest.CaptureFixture[str]) -> None:
    found = _report(capsys)[name]
    errors = {f["code"] for f in found if f["severity"] == "error" and f["code"] not in MISSING}
    assert errors == READINGS[name].errors, [f["message"] for f in found if f["severity"] == "error"]


@pytest.mark.parametrize("name", sorted(READINGS))
def test_each_file_is_judged_by_the_outline_it_was_written_for(name: str, capsys: pytest.CaptureFixture[str]) -> None:
    found = _report(capsys)[name]
    outline = [f["message"] for f in found if f["code"] == "TSSA107"]
    expected = READINGS[name].outline
    if expected is None:
        assert outline == []
    else:
        (message,) = outline
        assert ("single outline.md of 2019" if expected == "2019" else f"{expected} outline") in message


HERON_JOINT = FIXTURES / f"heron/{TAG}/heron/joint-assessment.md"


def _check_alone(folder: Path, capsys: pytest.CaptureFixture[str], text: str) -> list[dict[str, Any]]:
    """The findings on `text` as the only document of a package outside any repository."""
    (folder / "joint-assessment.md").write_text(text, encoding="utf-8")
    main(["check", "--format", "json", str(folder)])
    (document,) = json.loads(capsys.readouterr().out)["documents"]
    return list(document["findings"])


def test_a_hands_on_assessment_that_took_place_still_needs_its_parts(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    text = HERON_JOINT.read_text(encoding="utf-8")
    declined = "**Heron did not receive a hands-on assessment from TAG-Security.**"
    assert declined in text
    found = _check_alone(tmp_path, capsys, text.replace(declined, "Heron received a hands-on assessment in 2024."))
    assert {f["section"] for f in found if f["code"] in MISSING} == {
        "hands-on-assessment/assessment-details",
        "hands-on-assessment/findings",
        "hands-on-assessment/hands-on-assessment-result",
    }


def test_an_assessment_may_link_to_the_readme_it_does_not_have_yet(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    # The guide's joint assessment links `./README.md`; a package checked outside a repository before
    # its joint README is written has no such file yet. A missing assessment is still a broken link.
    links = "See the [review guide](./README.md) and the [self-assessment](./self-assessment.md).\n"
    found = _check_alone(tmp_path, capsys, HERON_JOINT.read_text(encoding="utf-8") + "\n" + links)
    assert [f["message"] for f in found if f["code"] == "TSSA302"] == [
        "link ./self-assessment.md points to a missing file"
    ]


@pytest.mark.parametrize(
    "name",
    [
        f"puffin/{TAG}/puffin/README.md",
        f"wicket/{TAG}/wicket/README.md",
        "kestrel/projects/kestrel/security-assessment/README.md",
    ],
)
def test_a_project_page_is_not_judged_as_a_joint_readme(name: str, capsys: pytest.CaptureFixture[str]) -> None:
    assert _report(capsys)[name] == []


def test_readme_lines_are_read_as_bold_lines_and_bullets(capsys: pytest.CaptureFixture[str]) -> None:
    found = _report(capsys)[f"plover/{TAG}/plover/README.md"]
    assert [f["message"] for f in found if f["code"] == "TSSA206"] == []


def _entries(text: str) -> dict[str, Resolved]:
    """Each section and topic of the self-assessment outline, as `text` has it."""
    return {entry.key: entry for entry in resolve(SELF_ASSESSMENT, parse(text)).entries}


CRITICAL = "security-functions-and-features/critical"


@pytest.mark.parametrize(
    ("written", "covered"),
    [
        ("* **Critical Features**: the signing key.", True),
        ("* Critical components: the signing key.", True),
        ("* Critical components\n  * the signing key", True),
        ("<b>Critical</b>: the signing key.", True),
        ("| Critical | Security Relevant |\n| --- | --- |\n| the signing key | the audit log |", True),
        # a sentence that merely starts with the name is no label
        ("* Critical bugs are fixed within a week, by whoever is on call.", False),
        ("Our critical path is the signing key.", False),
    ],
)
def test_a_topic_label_inside_its_section_covers_it(written: str, covered: bool) -> None:
    entries = _entries(f"# P\n\n## Security functions and features\n\n{written}\n\n## Project compliance\n\nNone.\n")
    assert entries[CRITICAL].status is (Status.WRITTEN if covered else Status.MISSING)


@pytest.mark.parametrize(
    "heading",
    ["Goal & non-goal", "Project Goals and Non-Goals", "Goals / Non-goals", "Security Goals / Non-Goals"],
)
def test_a_combined_goals_heading_covers_both(heading: str) -> None:
    text = f"# P\n\n## Overview\n\nP does x.\n\n### {heading}\n\nIt does x, not y.\n"
    entries = _entries(text)
    assert entries["overview/goals"].status is Status.WRITTEN
    assert entries["overview/non-goals"].status is Status.WRITTEN


@pytest.mark.parametrize(
    ("heading", "key"),
    [
        ("Responsible Disclosure", "security-issue-resolution/responsible-disclosures-process"),
        ("Vulnerability Response", f"{VULNERABILITY_RESPONSE}"),
    ],
)
def test_short_names_in_use_for_disclosure_topics(heading: str, key: str) -> None:
    text = f"# P\n\n## Security issue resolution\n\n### {heading}\n\nMail us.\n"
    entries = _entries(text)
    assert entries[key].status is Status.WRITTEN
    assert not entries[key].by_alias


@pytest.mark.parametrize(
    ("heading", "key", "not_key"),
    [
        ("Non-goals / Out of scope", "overview/non-goals", "overview/goals"),
        ("Out of scope / Non-goals", "overview/non-goals", "overview/goals"),
        ("Goals/Objectives", "overview/goals", "overview/non-goals"),
        ("Case studies / use cases", "appendix/case-studies", "appendix/related-projects-vendors"),
    ],
)
def test_a_combined_heading_stands_for_the_parts_that_are_outline_names(heading: str, key: str, not_key: str) -> None:
    entries = _entries(f"# P\n\n## Overview\n\nP does x.\n\n## Appendix\n\n### {heading}\n\nWritten.\n")
    assert entries[key].status is Status.WRITTEN
    assert entries[not_key].status is Status.MISSING


@pytest.mark.parametrize(
    ("document", "heading", "key"),
    [
        (SELF_ASSESSMENT, "## Appendices", "appendix"),
        (SELF_ASSESSMENT, "## Security features and functions", "security-functions-and-features"),
        (SELF_ASSESSMENT, "## Secure Software Development Practices", "secure-development-practices"),
        (JOINT_ASSESSMENT, "## Appendices", "appendix"),
        (JOINT_ASSESSMENT, "## Configuration and Setup", "configuration-and-set-up"),
        (JOINT_ASSESSMENT, "## Threat Modeling", "threat-model"),
        (JOINT_README, "### Recommendations for the project", "recommendations/project-recommendations"),
        (JOINT_README, "### Recommendations for the CNCF", "recommendations/cncf-recommendations"),
    ],
)
def test_other_names_in_use_for_sections(document: Document, heading: str, key: str) -> None:
    text = f"# P\n\n## Recommendations\n\n{heading}\n\nWritten.\n"
    entries = {entry.key: entry for entry in resolve(document, parse(text)).entries}
    assert entries[key].status is Status.WRITTEN
    assert not entries[key].by_alias


def _joint(text: str) -> dict[str, Resolved]:
    return {entry.key: entry for entry in resolve(JOINT_ASSESSMENT, parse(text)).entries}


_AROUND_DESIGN = "# P\n\n## Intended use\n\nOperators run it.\n\n{design}\n\n## Configuration and set-up\n\nDefaults.\n"


def test_a_bare_design_heading_in_the_place_of_project_design_stands_for_it() -> None:
    entries = _joint(_AROUND_DESIGN.format(design="## Design\n\nA server and agents.\n\n### Functions and features\n"))
    assert entries["project-design"].status is Status.WRITTEN
    assert entries["project-design"].line == 7
    assert entries["project-design/design"].heading is not None
    assert entries["project-design/design"].heading.heading.line == 7


def test_a_design_heading_below_another_section_does_not_stand_for_project_design() -> None:
    # `### Design` under Intended use is a part of that section, not the project design section
    entries = _joint(_AROUND_DESIGN.format(design="### Design\n\nA server and agents."))
    assert entries["project-design"].status is Status.MISSING


def test_project_design_and_its_design_heading_both_count() -> None:
    entries = _joint(_AROUND_DESIGN.format(design="## Project design\n\nOverview.\n\n### Design\n\nA server."))
    design, part = entries["project-design"], entries["project-design/design"]
    assert design.heading is not None and design.heading.heading.text == "Project design"
    assert part.heading is not None and part.heading.heading.text == "Design"


@pytest.mark.parametrize(
    ("block", "heading"),
    [
        ("<h2>Goals</h2>", Heading(2, "Goals", 3, "goals")),
        ('<h3 id="bg">Background</h3>', Heading(3, "Background", 3, "background")),
        (
            "<H4 class='x'>Attack <em>risks</em> &amp; effects</H4>",
            Heading(4, "Attack risks & effects", 3, "attack-risks--effects"),
        ),
        ("<h1>\n  Osprey\n</h1>", Heading(1, "Osprey", 3, "osprey")),
    ],
)
def test_an_html_heading_block_opens_a_section(block: str, heading: Heading) -> None:
    document = parse(f"Intro.\n\n{block}\n\nText under it.\n")
    assert document.headings == [heading]
    (section,) = document.sections
    assert [block.text for block in section.blocks] == ["Text under it."]


@pytest.mark.parametrize(
    "block",
    [
        "<h2>Goals</h2>\nText in the same HTML block.",
        "<div><h2>Goals</h2></div>",
        "<h2>Goals</h2><h2>Non-goals</h2>",
        "<h2></h2>",
        "<p>Goals</p>",
    ],
)
def test_other_html_blocks_open_no_section(block: str) -> None:
    assert parse(f"{block}\n\nText.\n").headings == []


def test_html_headings_are_read_as_outline_sections() -> None:
    text = "# P\n\n<h2>Overview</h2>\n\nP does x.\n\n<h3 id='why'>Background</h3>\n\nSince 2021.\n"
    entries = _entries(text)
    assert entries["overview"].status is Status.WRITTEN
    assert entries["overview/background"].heading is not None
    assert entries["overview/background"].heading.heading.line == 7
