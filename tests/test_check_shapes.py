"""`tssa check` reads packages in every shape the guide and real packages use, and judges each by its outline."""

from __future__ import annotations

import json
import shutil
from pathlib import Path
from typing import Any

import pytest

from conftest import render_package
from tssa.cli import main
from tssa.reading.markdown import parse
from tssa.reading.outline import SELF_ASSESSMENT
from tssa.reading.resolve import Status, resolve

FIXTURES = Path(__file__).parent / "fixtures" / "check"
MISSING = {"TSSA101", "TSSA102", "TSSA106"}


def findings(capsys: pytest.CaptureFixture[str], *args: str | Path) -> tuple[int, list[dict[str, Any]]]:
    code = main(["check", "--format", "json", *map(str, args)])
    report = json.loads(capsys.readouterr().out)
    return code, [finding for document in report["documents"] for finding in document["findings"]]


def copied(name: str, tmp_path: Path) -> Path:
    """A fixture copied out of this repository, so no repository root is found above it."""
    return Path(shutil.copytree(FIXTURES / name, tmp_path / name))


def test_the_guides_own_template_files_as_a_package_give_no_error(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    code, found = findings(capsys, copied("guide-shape", tmp_path))
    assert code == 0
    assert [f for f in found if f["severity"] == "error"] == []
    assert [f["message"] for f in found if f["code"] in MISSING and f["section"] != "hands-on-assessment"] == []
    # what is left is what a reviewer wants to hear about: the guide's example values and instructions
    assert {f["code"] for f in found} == {"TSSA405"}
    stage = next(f for f in found if f["section"] == "metadata" and "Assessment Stage" in f["message"])
    assert stage["code"] == "TSSA405" and "still holds the guide's instruction" in stage["message"]


@pytest.mark.parametrize("shape", ["bullets", "levels", "combined", "decorated", "toc-repo"])
def test_a_written_package_in_any_shape_is_clean(shape: str, capsys: pytest.CaptureFixture[str]) -> None:
    code = main(["check", "--strict", str(FIXTURES / shape)])
    out = capsys.readouterr().out
    assert code == 0, out
    assert "self-assessment.md  [####################]  21/21 sections written (100%)" in out
    assert out.rstrip().endswith(": 0 errors, 0 warnings")


def test_a_missing_bullet_topic_is_one_warning_in_its_section(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    path = copied("bullets", tmp_path) / "self-assessment.md"
    text = path.read_text(encoding="utf-8")
    path.write_text(text.replace("* Ecosystem. Quokka runs beside", "* Quokka runs beside"), encoding="utf-8")
    code, found = findings(capsys, path)
    assert code == 0
    assert [(f["code"], f["message"], f["section"]) for f in found] == [
        ("TSSA106", 'topic "Ecosystem" is missing', "secure-development-practices/ecosystem")
    ]


def test_a_package_of_2019_is_judged_by_the_single_outline(capsys: pytest.CaptureFixture[str]) -> None:
    code, found = findings(capsys, FIXTURES / "outline-2019")
    assert code == 0
    (finding,) = found
    assert finding["code"] == "TSSA107" and finding["line"] == 1
    assert finding["message"].startswith("written for the guide's single outline.md of 2019")
    assert '"Self-assessment use"' in finding["message"]


def test_a_package_of_2021_gets_one_outline_warning_not_an_error_per_newer_section(
    capsys: pytest.CaptureFixture[str],
) -> None:
    _, found = findings(capsys, FIXTURES / "shape-2021")
    (older,) = [f for f in found if f["code"] == "TSSA107"]
    assert older["message"].startswith("written for the guide's 2021 outline")
    assert '"Actors", "Actions"' in older["message"]
    assert not [f for f in found if f["code"] == "TSSA101"]


def test_the_current_outline_draws_no_outline_warning(capsys: pytest.CaptureFixture[str]) -> None:
    _, found = findings(capsys, FIXTURES / "shape-2023")
    assert "TSSA107" not in {f["code"] for f in found}


def test_a_package_from_the_previous_template_version_has_no_error_and_one_update_note(
    capsys: pytest.CaptureFixture[str],
) -> None:
    code, found = findings(capsys, FIXTURES / "template-0.1.0")
    assert code == 0
    (finding,) = found
    assert finding["code"] == "TSSA108"
    assert finding["message"].endswith("template v0.2.0 is available: run tssa update")
    assert Path(finding["path"]).name == ".copier-answers.yml"


def test_root_relative_links_resolve_from_the_repository_root(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    readme = copied("toc-repo", tmp_path) / "projects/quokka/security-assessment/README.md"
    assert findings(capsys, readme) == (0, [])
    text = readme.read_text(encoding="utf-8")
    readme.write_text(text.replace("/projects/quokka/README.md", "/projects/quokka/history.md"), encoding="utf-8")
    code, found = findings(capsys, readme)
    assert code == 1
    assert [(f["code"], f["message"]) for f in found] == [
        ("TSSA302", "link /projects/quokka/history.md points to a missing file in the repository")
    ]


def test_example_values_are_flagged_in_a_real_project_only(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    path = copied("bullets", tmp_path) / "self-assessment.md"
    text = path.read_text(encoding="utf-8")
    text = text.replace("Two reviewers approve each change", "Mail security@example.com; two reviewers approve")
    text = text.replace("A bank and a telecom run", "Like Flibble, a bank and a telecom run")
    text = text.replace("Quokka decides on signatures", "Quokka decides on signatures, and Flibble")
    path.write_text(text + "\n<!-- Flibble in a comment is not shown -->\n", encoding="utf-8")
    code, found = findings(capsys, path)
    assert code == 0
    last = next(number for number, line in enumerate(text.split("\n"), 1) if "and Flibble" in line)
    assert [(f["code"], f["message"]) for f in found] == [
        ("TSSA405", 'example value "security@example.com" left in: put in the project\'s own'),
        ("TSSA405", f'example value "Flibble" left in: put in the project\'s own (also on line {last})'),
    ]
    assert [f["section"] for f in found] == ["secure-development-practices", "appendix"]


def test_rendered_text_alone_under_a_guide_counts_as_unfilled(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    package = render_package(tmp_path / "fresh")
    _, found = findings(capsys, package)
    unfilled = {f["section"] for f in found if f["code"] == "TSSA103"}
    assert {
        "security-issue-resolution/responsible-disclosures-process",
        "intended-use/target-users-and-use-cases",
        "background/maturity",
    } <= unfilled
    joint = package / "joint-assessment.md"
    text = joint.read_text(encoding="utf-8")
    end = "end guide: intended-use/target-users-and-use-cases -->\n"
    joint.write_text(text.replace(end, end + "\nA hospital runs it on two clusters.\n"), encoding="utf-8")
    _, found = findings(capsys, package)
    assert "intended-use/target-users-and-use-cases" not in {f["section"] for f in found if f["code"] == "TSSA103"}


@pytest.mark.parametrize(
    ("line", "covered"),
    [
        ("* Critical. The checks.", True),
        ("- **Critical**: the checks.", True),
        ("* **Critical.** The checks.", True),
        ("Critical - the checks.", True),
        ("1. Critical", True),
        ("* Critical (must have): the checks.", True),
        ("* Critically, the checks.", False),
        ("* The critical checks.", False),
        ("* [Critical](#critical)", False),
    ],
)
def test_a_topic_is_covered_by_a_bullet_or_lead_in_starting_with_its_name(line: str, covered: bool) -> None:
    text = f"# P Self-assessment\n\n## Security functions and features\n\n{line}\n"
    entries = {entry.key: entry for entry in resolve(SELF_ASSESSMENT, parse(text)).entries}
    assert (entries["security-functions-and-features/critical"].status is not Status.MISSING) is covered


@pytest.mark.parametrize(
    "heading", ["### Goals and Non-Goals", "### Goals / Non-goals", "### 3.2 **Goals & Non-goals:**"]
)
def test_a_combined_heading_covers_both_parts(heading: str) -> None:
    text = f"# P\n\n## Overview\n\n{heading}\n\nWe promise little.\n"
    entries = {entry.key: entry for entry in resolve(SELF_ASSESSMENT, parse(text)).entries}
    assert entries["overview/goals"].status is Status.WRITTEN
    assert entries["overview/non-goals"].status is Status.WRITTEN


def test_headings_with_more_words_and_a_metadata_table_without_heading_are_found() -> None:
    text = (
        "# P Self-assessment\n\n| | |\n| -- | -- |\n| Software | <https://x.test/p> |\n| Security Provider | No |\n\n"
        "## Project Overview\n\nP does one thing.\n\n### Background information\n\nWhy it exists.\n\n"
        "## Security functions & features\n\n* Critical. The checks.\n"
    )
    entries = {entry.key: entry for entry in resolve(SELF_ASSESSMENT, parse(text)).entries}
    assert entries["metadata"].line == 3
    assert entries["overview"].status is Status.WRITTEN
    assert entries["overview/background"].status is Status.WRITTEN
    assert entries["security-functions-and-features"].status is not Status.MISSING
    assert entries["overview/goals"].status is Status.MISSING


@pytest.mark.parametrize(
    ("heading", "key"),
    [
        ("### Metadata store requirements and security context", "metadata"),
        ("### Background Service Worker", "overview/background"),
        ("### Internal Architecture", "secure-development-practices/communication-channels/internal"),
        ("### Goals for the next release", "overview/goals"),
    ],
)
def test_a_heading_with_other_words_than_a_name_stands_for_no_section(heading: str, key: str) -> None:
    text = f"# P Self-assessment\n\n## Overview\n\n## Secure development practices\n\n{heading}\n\nWritten.\n"
    entries = {entry.key: entry for entry in resolve(SELF_ASSESSMENT, parse(text)).entries}
    assert entries[key].heading is None


def test_a_readme_that_is_not_a_joint_readme_is_not_judged_as_one(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    package = copied("bullets", tmp_path)
    (package / "README.md").write_text("# Quokka\n\nThe project's assessments live here.\n", encoding="utf-8")
    code, found = findings(capsys, package)
    assert (code, found) == (0, [])


@pytest.mark.parametrize(
    ("heading", "key", "old_name"),
    [
        ("### Goals and non-goals of the project", "overview/non-goals", False),
        ("### Related Projects and Vendors", "appendix/related-projects-vendors", False),
        ("### Case Study", "appendix/case-studies", False),
        ("### Known Issue Over Time", "appendix/known-issues-over-time", False),
        ("### CII Best Practices", "appendix/best-practices", True),
        ("### Goal", "overview/goals", True),
    ],
)
def test_other_names_in_use_are_accepted_and_only_old_ones_are_flagged(heading: str, key: str, old_name: bool) -> None:
    text = f"# P\n\n## Overview\n\n## Appendix\n\n{heading}\n\nWritten.\n"
    entries = {entry.key: entry for entry in resolve(SELF_ASSESSMENT, parse(text)).entries}
    assert entries[key].status is Status.WRITTEN
    assert entries[key].by_alias is old_name


def test_a_document_with_nothing_of_any_outline_is_judged_by_the_current_one(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    path = tmp_path / "self-assessment.md"
    path.write_text("# Quokka Self-assessment\n\nNothing yet.\n", encoding="utf-8")
    code, found = findings(capsys, path)
    assert code == 1
    assert "TSSA107" not in {f["code"] for f in found}
    assert ("TSSA101", 'section "Self-assessment use" is missing') in {(f["code"], f["message"]) for f in found}


def test_root_relative_links_in_the_tags_repository_start_above_community(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    package = tmp_path / "tag-security/community/assessments/projects/quokka"
    shutil.copytree(FIXTURES / "bullets", package)
    guide = tmp_path / "tag-security/community/assessments/guide/joint-assessment.md"
    guide.parent.mkdir(parents=True)
    guide.write_text("# Joint-assessment Outline\n", encoding="utf-8")
    readme = package / "README.md"
    links = "[the guide](/community/assessments/guide/joint-assessment.md), [gone](/community/gone.md)"
    readme.write_text(readme.read_text(encoding="utf-8") + f"\nSee {links}.\n", encoding="utf-8")
    code, found = findings(capsys, package)
    assert code == 1
    assert [(f["code"], f["message"]) for f in found] == [
        ("TSSA302", "link /community/gone.md points to a missing file in the repository")
    ]


@pytest.mark.parametrize("toc", ["## Contents\n\n", "**Table of Contents**\n\n", ""])
def test_a_table_of_contents_in_any_form_is_found(toc: str) -> None:
    links = "".join(f"- [{name}](#{name.lower()})\n" for name in ("Metadata", "Overview", "Appendix"))
    text = f"# P Self-assessment\n\n{toc}{links}\n## Metadata\n"
    entries = {entry.key: entry for entry in resolve(SELF_ASSESSMENT, parse(text)).entries}
    assert entries["table-of-contents"].status is not Status.MISSING


def test_the_title_never_stands_for_a_section() -> None:
    entries = {entry.key: entry for entry in resolve(SELF_ASSESSMENT, parse("# Overview of Kite\n\nText.\n")).entries}
    assert entries["overview"].status is Status.MISSING


def test_a_long_document_has_its_example_values_and_draft_lines_found_wherever_they_fall(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    # The text is searched a piece at a time (64 Ki characters): a value cut by a piece's end is still found.
    path = copied("bullets", tmp_path) / "self-assessment.md"
    text = path.read_text(encoding="utf-8") + "\n"
    piece = 1 << 16

    def pad_to(text: str, start: int) -> str:
        """A filler paragraph (with a character outside the BMP) and a blank line, up to character `start`."""
        unit = "Quokka 🚀 runs on small clusters. "
        filler = unit * ((start - len(text)) // len(unit) + 1)
        return text + filler[: start - len(text) - 2] + "\n\n"

    text = pad_to(text, piece - 3) + "Flibble is named here.\n\n"
    text = pad_to(text, 2 * piece - 2) + "TODO: finish this.\n"
    assert text.index("Flibble") == piece - 3 and text.index("TODO") == 2 * piece - 2
    path.write_text(text, encoding="utf-8")
    code, found = findings(capsys, path)
    lines = text.split("\n")
    flibble = next(number for number, line in enumerate(lines, 1) if "Flibble is named" in line)
    todo = next(number for number, line in enumerate(lines, 1) if "TODO: finish" in line)
    assert code == 0  # both are warnings
    assert [(f["line"], f["code"]) for f in found] == [(flibble, "TSSA405"), (todo, "TSSA401")]
