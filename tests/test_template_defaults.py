"""Defaults: the example stays complete, a real project inherits nothing of it."""

from __future__ import annotations

import json
import re
import subprocess
import sys
from pathlib import Path

import pytest
import yaml

from conftest import render_package
from packages import find_section, read
from tssa.check.lint import lint_markdown
from tssa.reading.outline import DOCUMENTS, SELF_ASSESSMENT

EXAMPLE_VALUE = re.compile(r"flibble|example\.(org|com)", re.IGNORECASE)


@pytest.fixture(scope="module")
def acme(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return render_package(tmp_path_factory.mktemp("acme") / "pkg", {"project_name": "Acme"})


def test_a_real_projects_defaults_hold_no_example_value(acme: Path) -> None:
    for path in sorted(acme.iterdir()):
        found = [line for line in path.read_text(encoding="utf-8").splitlines() if EXAMPLE_VALUE.search(line)]
        assert found == [], path.name
    answers = yaml.safe_load((acme / ".copier-answers.yml").read_text(encoding="utf-8"))
    for name in ("software_url", "website_url", "security_contact", "security_lead", "project_team"):
        assert answers[name] == "", name
    assert answers["security_links"] == {}
    assert answers["languages"] == []  # the example's Go is no guess to make for a real project


def test_the_example_keeps_every_example_answer(default_package: Path) -> None:
    answers = yaml.safe_load((default_package / ".copier-answers.yml").read_text(encoding="utf-8"))
    assert answers["security_contact"] == "security@flibble.example.org"
    assert answers["security_lead"] == "Alex Flibble"
    assert answers["channel_internal"].startswith("The maintainers use")
    assert set(answers["security_links"]) == {"Security file", "Default and optional configs"}


def test_security_links_are_derived_from_the_software_address(tmp_path: Path) -> None:
    folder = render_package(tmp_path / "pkg", {"project_name": "Acme", "software_url": "https://gitlab.com/acme/core"})
    answers = yaml.safe_load((folder / ".copier-answers.yml").read_text(encoding="utf-8"))
    assert answers["security_links"] == {
        "Security file": "https://gitlab.com/acme/core/-/blob/main/SECURITY.md",
        "Default and optional configs": "https://gitlab.com/acme/core/-/tree/main/docs",
    }


def _unfilled(folder: Path) -> dict[str, set[str]]:
    """What `tssa check` reports as unfilled (TSSA103), by file name."""
    finished = subprocess.run(
        [sys.executable, "-m", "tssa.cli", "check", "--format", "json", str(folder)],
        capture_output=True,
        text=True,
        timeout=120,
    )
    reports: dict[str, set[str]] = {}
    for document in json.loads(finished.stdout)["documents"]:
        messages = {finding["message"] for finding in document["findings"] if finding["code"] == "TSSA103"}
        reports[Path(document["path"]).name] = messages
    return reports


def test_empty_answers_render_as_guidance_the_check_reports(acme: Path) -> None:
    unfilled = _unfilled(acme)
    assert 'section "Security links" holds only the guidance' in unfilled[SELF_ASSESSMENT.filename]
    for topic in ("Internal", "Inbound", "Outbound", "Responsible Disclosures Process"):
        assert f'topic "{topic}" holds only the guidance' in unfilled[SELF_ASSESSMENT.filename], topic
    assert 'metadata row "Software" is not given yet' in unfilled[SELF_ASSESSMENT.filename]
    assert 'metadata row "Languages" is not given yet' in unfilled[SELF_ASSESSMENT.filename]
    assert 'section "Security links" holds only the guidance' in unfilled["joint-assessment.md"]
    # no empty cell and no dangling line: every table cell says something, every "Name:" line has a value
    for document in DOCUMENTS:
        parsed = read(acme, document.filename)
        for table in parsed.tables:
            if not all(not cell.strip() for row in table.rows for cell in row):  # the skeletons authors fill
                assert all(cell.strip() for row in table.rows for cell in row), document.filename
        for block in parsed.blocks:
            if block.kind == "paragraph":
                assert not block.text.rstrip().endswith(":"), block.text
    readme = (acme / "README.md").read_text(encoding="utf-8")
    assert "Project team:" not in readme.split("end guide: about -->")[1]
    assert '"Project team: ..."' in readme  # the about guide asks for the line


def test_the_example_fills_what_a_real_project_leaves_to_guidance(default_package: Path) -> None:
    unfilled = _unfilled(default_package)
    for name in ("Security links", "Internal"):
        assert not any(f'"{name}" holds only' in message for message in unfilled[SELF_ASSESSMENT.filename]), name
    # The contact line alone is what the template wrote: the process itself is still the authors' to describe.
    assert (
        'topic "Responsible Disclosures Process" holds only what the template wrote; its guide asks for more'
        in unfilled[SELF_ASSESSMENT.filename]
    )


def test_the_contact_line_sits_below_the_guide(default_package: Path) -> None:
    section = find_section(
        read(default_package, SELF_ASSESSMENT.filename), "Security issue resolution", "Responsible Disclosures Process"
    )
    kinds = [(block.kind, block.guide_key is not None) for block in section.blocks]
    assert kinds == [("html", True), ("paragraph", False)]
    assert "security@flibble.example.org" in section.blocks[1].source


@pytest.mark.parametrize(
    "answer",
    [
        "Mail security@acme.io or open https://github.com/acme/core/issues?q=is:open&label=sec_1.",
        "Ask in (https://slack.acme.io/#general), see www.acme.io/contact_us, or write to a_b.c+d@lists.acme.io!",
        "Line one: https://acme.io\nLine two: ops@acme.io\n\nA new paragraph with http://acme.io/x_y",
    ],
)
def test_channels_with_bare_addresses_pass_the_tag_lint(tmp_path: Path, answer: str) -> None:
    folder = render_package(
        tmp_path / "pkg", {"project_name": "Acme", "channel_inbound": answer, "project_team": answer.splitlines()[0]}
    )
    for filename in (SELF_ASSESSMENT.filename, "README.md"):
        findings = lint_markdown((folder / filename).read_text(encoding="utf-8"))
        assert [str(finding) for finding in findings] == [], filename
    document = read(folder, SELF_ASSESSMENT.filename)
    inbound = find_section(document, "Secure development practices", "Communication Channels", "Inbound")
    text = " ".join(block.text for block in inbound.blocks if block.kind == "paragraph")
    assert text.replace("\n", " ") == answer.replace("\n\n", " ").replace("\n", " ")  # the reader sees the answer
    hrefs = {link.href for link in document.links if inbound.heading.line <= link.line}
    for address in re.findall(r"(?:https?://|www\.)[^\s()]+[^\s().,!]|[\w.+-]+@[\w.-]+\w", answer):
        target = address if "@" not in address or "://" in address else f"mailto:{address}"
        target = target if not target.startswith("www.") else f"https://{target}"
        assert target in hrefs, address
