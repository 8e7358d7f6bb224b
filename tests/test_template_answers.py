"""Answers land in the package literally: metadata, links, personas, channels, people."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from conftest import render_package
from packages import AWKWARD_ANSWERS, FULL_ANSWERS, find_section, read, section_text
from tssa.check.lint import lint_markdown
from tssa.reading.markdown import Table
from tssa.reading.outline import DOCUMENTS, JOINT_ASSESSMENT, METADATA_ROWS, PERSONAS, SELF_ASSESSMENT


@pytest.fixture(scope="module")
def full(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return render_package(tmp_path_factory.mktemp("full") / "pkg", FULL_ANSWERS)


@pytest.fixture(scope="module")
def awkward(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return render_package(tmp_path_factory.mktemp("awkward") / "pkg", AWKWARD_ANSWERS)


def table_in(folder: Path, filename: str, *path: str, index: int = 0) -> Table:
    document = read(folder, filename)
    section = find_section(document, *path)
    tables = [table for table in document.tables if section.heading.line < table.line]
    return tables[index]


def as_mapping(table: Table) -> dict[str, str]:
    return {row[0]: row[1] for row in table.rows}


@pytest.mark.parametrize("filename", [SELF_ASSESSMENT.filename, JOINT_ASSESSMENT.filename])
def test_metadata_cells_equal_the_answers(full: Path, filename: str) -> None:
    metadata = table_in(full, filename, "Metadata")
    assert [row[0] for row in metadata.rows] == [row.name for row in METADATA_ROWS]
    assert as_mapping(metadata) == {
        "Assessment Stage": "Complete",
        "Software": "https://github.com/open-flibble/core",
        "Security Provider": "Yes",
        "Languages": "Go, Rust, TypeScript",
        "SBOM": FULL_ANSWERS["sbom_url"],
    }
    links = table_in(full, filename, "Metadata", "Security links")
    assert links.header == ("Doc", "url" if filename == SELF_ASSESSMENT.filename else "URL")  # as the guide has them
    assert as_mapping(links) == FULL_ANSWERS["security_links"]


def test_defaults_describe_the_fictional_flibble(default_package: Path) -> None:
    metadata = as_mapping(table_in(default_package, SELF_ASSESSMENT.filename, "Metadata"))
    assert metadata["Software"] == "https://github.com/flibble/flibble"
    assert metadata["Security Provider"] == "No"
    assert metadata["Assessment Stage"] == "Incomplete"
    assert metadata["SBOM"] == "Not given"
    links = as_mapping(table_in(default_package, SELF_ASSESSMENT.filename, "Metadata", "Security links"))
    assert links["Security file"] == "https://github.com/flibble/flibble/blob/main/SECURITY.md"


def test_persona_mapping_lists_each_chosen_persona_with_the_projects_term(full: Path) -> None:
    mapping = table_in(full, JOINT_ASSESSMENT.filename, "Intended use", "Target users and use cases")
    assert mapping.header == ("Standard persona", "Term in this project")
    expected = {PERSONAS[key]: FULL_ANSWERS[f"term_{key}"] for key in PERSONAS}
    expected["Developer"] = FULL_ANSWERS["term_developer"]
    assert as_mapping(mapping) == {label.split(" (")[0]: term for label, term in expected.items()}


def test_persona_mapping_leaves_out_personas_not_chosen(default_package: Path) -> None:
    mapping = table_in(default_package, JOINT_ASSESSMENT.filename, "Intended use", "Target users and use cases")
    assert [row[0] for row in mapping.rows] == ["Enterprise operator", "Security administrator", "Developer"]


def test_communication_channels_and_contact_come_from_the_answers(full: Path) -> None:
    document = read(full, SELF_ASSESSMENT.filename)
    for heading, key in (
        ("Internal", "channel_internal"),
        ("Inbound", "channel_inbound"),
        ("Outbound", "channel_outbound"),
    ):
        section = find_section(document, "Secure development practices", "Communication Channels", heading)
        assert section_text(section) == FULL_ANSWERS[key]
    disclosure = find_section(document, "Security issue resolution", "Responsible Disclosures Process")
    assert FULL_ANSWERS["security_contact"] in section_text(disclosure)


def test_self_assessment_use_names_the_project(full: Path) -> None:
    section = find_section(read(full, SELF_ASSESSMENT.filename), "Self-assessment use")
    assert "Open Flibble project team" in section_text(section)
    assert "not an audit" in section_text(section)


def test_joint_readme_carries_people_and_links(full: Path) -> None:
    document = read(full, "README.md")
    front = [block.text for block in document.sections[0].blocks if block.kind == "paragraph"]
    assert front == [
        "Completed: 2026-10-01",
        "Security reviewers: Linus, Margaret",
        "Project security lead: Robin Reviewer",
        "Project team: Ada, Grace",
    ]
    hrefs = {link.href for link in document.links}
    assert {
        FULL_ANSWERS["software_url"],
        FULL_ANSWERS["website_url"],
        FULL_ANSWERS["tracking_issue"],
    } <= hrefs
    maturity = find_section(document, "Background", "Maturity")
    assert section_text(maturity) == "Open Flibble is a CNCF incubating project."


def test_hands_on_assessment_details_show_date_and_reviewers(full: Path) -> None:
    details = table_in(full, JOINT_ASSESSMENT.filename, "Hands-on assessment", "Assessment details")
    assert details.header == ("Field", "Description")
    assert as_mapping(details) == {"Date of assessment": "2026-10-01", "Hands-on reviewers": "Linus, Margaret"}
    findings = table_in(full, JOINT_ASSESSMENT.filename, "Hands-on assessment", "Findings")
    assert findings.header == ("Finding Number", "Finding name", "Finding Notes", "Reviewer")


def test_threat_model_has_a_table_per_attack_area(full: Path) -> None:
    for area in ("Identity theft", "Compromise", "Denial of service"):
        table = table_in(full, JOINT_ASSESSMENT.filename, "Threat model", area)
        assert table.header[0] == f"{area}: victim component"
        assert len(table.header) == 4


@pytest.mark.parametrize("answers", ["defaults", "full", "awkward"])
@pytest.mark.parametrize("document", DOCUMENTS, ids=lambda document: document.key)
def test_generated_markdown_passes_the_tag_lint(
    request: pytest.FixtureRequest, default_package: Path, answers: str, document: Any
) -> None:
    folder = default_package if answers == "defaults" else request.getfixturevalue(answers)
    findings = lint_markdown((folder / document.filename).read_text(encoding="utf-8"))
    assert [str(finding) for finding in findings] == []


def test_awkward_values_come_out_literally_in_tables(awkward: Path) -> None:
    metadata = as_mapping(table_in(awkward, SELF_ASSESSMENT.filename, "Metadata"))
    assert metadata["Languages"] == ", ".join(AWKWARD_ANSWERS["languages"])
    links = table_in(awkward, SELF_ASSESSMENT.filename, "Metadata", "Security links")
    assert as_mapping(links) == AWKWARD_ANSWERS["security_links"]
    assert all(len(row) == 2 for row in links.rows)
    mapping = as_mapping(table_in(awkward, JOINT_ASSESSMENT.filename, "Intended use", "Target users and use cases"))
    assert mapping == {
        "Developer": AWKWARD_ANSWERS["term_developer"],
        "End user": AWKWARD_ANSWERS["term_end_user"],
    }


def test_awkward_values_come_out_literally_in_text(awkward: Path) -> None:
    document = read(awkward, SELF_ASSESSMENT.filename)
    assert document.headings[0].text == f"{AWKWARD_ANSWERS['project_name']} Self-assessment"
    channels = ("Secure development practices", "Communication Channels")
    internal = section_text(find_section(document, *channels, "Internal"))
    # each line of the answer stays a line; a wrapped long line reads back with its spaces
    assert internal.replace("\n", " ") == AWKWARD_ANSWERS["channel_internal"].replace("\n", " ")
    assert internal.startswith("Line\tone\nLine two | pipe\n- not a list\n# not a heading\n1. not ordered\n==\n")
    outbound = section_text(find_section(document, *channels, "Outbound"))
    assert outbound == AWKWARD_ANSWERS["channel_outbound"]
    assert section_text(find_section(document, *channels, "Inbound")) == "x" * 2000
    # no answer opened a new heading, list, HTML block or code block
    kinds = {block.kind for section in document.walk() for block in section.blocks}
    assert kinds <= {"paragraph", "list", "table", "html"}
    html_blocks = [block for section in document.walk() for block in section.blocks if block.kind == "html"]
    assert all(block.is_comment for block in html_blocks)


def test_awkward_people_come_out_literally_in_the_readme(awkward: Path) -> None:
    document = read(awkward, "README.md")
    front = [block.text for block in document.sections[0].blocks if block.kind == "paragraph"]
    lead = next(text for text in front if text.startswith("Project security lead: "))
    assert lead.replace("\n", " ") == f"Project security lead: {AWKWARD_ANSWERS['security_lead']}"
    assert f"Security reviewers: {AWKWARD_ANSWERS['security_reviewers']}" in front
    team = next(text for text in front if text.startswith("Project team: "))
    assert team.replace("\n", " ") == f"Project team: {AWKWARD_ANSWERS['project_team']}"


def test_maturity_changes_guidance_but_never_the_files(tmp_path: Path) -> None:
    rendered = {}
    for maturity in ("sandbox", "incubating", "graduated", "none"):
        folder = render_package(tmp_path / maturity, {"cncf_maturity": maturity})
        rendered[maturity] = {path.name: path.read_text(encoding="utf-8") for path in folder.iterdir()}
    file_sets = {tuple(sorted(files)) for files in rendered.values()}
    assert len(file_sets) == 1
    self_assessments = {files[SELF_ASSESSMENT.filename] for files in rendered.values()}
    assert len(self_assessments) == 4
