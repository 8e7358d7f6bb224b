"""`tssa update` carries a written package to a new template version without losing a line."""

from __future__ import annotations

from pathlib import Path

import copier
import pytest

from tssa.cli import main
from tssa.reading.markdown import parse
from updating import (
    CONFLICT_OPENING,
    NEW_GUIDANCE,
    OLD_GUIDANCE,
    Written,
    commit,
    conflict_markers,
    differs_from_fresh,
    edit,
    git,
    make_package,
    make_template,
    missing_or_misplaced,
    release,
    release_v2,
    render_version,
    replace_once,
    written_package,
)


@pytest.fixture
def written(tmp_path: Path) -> Written:
    """A template at v0.0.1, a package from it with text in every section, and what was written."""
    return written_package(tmp_path)


def update(package: Path, *args: str) -> int:
    return main(["update", str(package), *args])


def test_every_written_line_survives_a_new_version_in_its_section(
    written: Written, capsys: pytest.CaptureFixture[str]
) -> None:
    template, package, lines = written
    release_v2(template)

    assert update(package) == 0

    assert missing_or_misplaced(package, lines) == []
    assert conflict_markers(package) == []
    assert differs_from_fresh(package, render_version(template, "v0.0.2", package.parent / "fresh"), lines) == []
    self_assessment = (package / "self-assessment.md").read_text(encoding="utf-8")
    assert self_assessment.startswith("# Self-assessment of Flibble\n")
    assert NEW_GUIDANCE in self_assessment and OLD_GUIDANCE not in self_assessment
    headings = [heading.text for heading in parse(self_assessment).headings]
    assert headings.index("Actions") < headings.index("Actors")
    assert headings.index("Development Pipeline") < headings.index("Supply chain") < headings.index("Ecosystem")
    joint = [heading.text for heading in parse((package / "joint-assessment.md").read_text()).headings]
    assert joint.index("Appendix") < joint.index("Roadmap")
    assert "_commit: v0.0.2" in (package / ".copier-answers.yml").read_text()
    assert git(package, "ls-files", "--unmerged") == ""
    out = capsys.readouterr().out
    assert "from template v0.0.1 to v0.0.2" in out and "Review the changes with `git diff`" in out


def test_copier_alone_conflicts_on_the_same_update(written: Written) -> None:
    """Why `tssa update` merges by sections: the line merge conflicts where sections moved."""
    template, package, _ = written
    release_v2(template)
    copier.run_update(package, defaults=True, overwrite=True, quiet=True, context_lines=3)
    assert conflict_markers(package) != []


def test_a_real_conflict_leaves_markers_fails_and_names_the_file(
    written: Written, capsys: pytest.CaptureFixture[str]
) -> None:
    template, package, lines = written
    own_words = "The problem area, in the words of our team: what the project"
    edit(package, "self-assessment.md", replace_once(OLD_GUIDANCE, own_words))
    git(package, "commit", "--quiet", "-am", "the authors reword a guide line")
    release_v2(template)

    assert update(package) == 1

    captured = capsys.readouterr()
    text = (package / "self-assessment.md").read_text(encoding="utf-8").splitlines()
    opening = text.index(CONFLICT_OPENING) + 1
    assert f"{package / 'self-assessment.md'}:{opening}" in captured.out.splitlines()
    assert captured.err.startswith("tssa: 1 conflict(s) left in self-assessment.md")
    assert len(captured.err.strip().splitlines()) == 1
    assert own_words in text and NEW_GUIDANCE in text
    assert missing_or_misplaced(package, lines) == []
    assert conflict_markers(package) == [f"self-assessment.md:{opening}", f"self-assessment.md:{opening + 4}"]
    assert "self-assessment.md" in git(package, "ls-files", "--unmerged")


def _metadata(package: Path) -> dict[str, str]:
    tables = parse((package / "self-assessment.md").read_text(encoding="utf-8")).tables
    table = next(table for table in tables if table.rows and table.rows[0][0] == "Assessment Stage")
    return {row[0]: row[1] for row in table.rows}


def _personas(package: Path) -> dict[str, str]:
    tables = parse((package / "joint-assessment.md").read_text(encoding="utf-8")).tables
    table = next(table for table in tables if table.header[0] == "Standard persona")
    return {row[0]: row[1] for row in table.rows}


@pytest.mark.parametrize("new_version", [False, True], ids=["same-version", "with-v0.0.2"])
def test_changed_answers_change_the_tables_and_keep_the_text(
    written: Written, new_version: bool, capsys: pytest.CaptureFixture[str]
) -> None:
    template, package, lines = written
    if new_version:
        release_v2(template)
    assert _metadata(package)["Assessment Stage"] == "Incomplete"
    assert "End user" not in _personas(package)

    changes = [
        "assessment_stage=Complete",
        "security_provider=yes",
        "languages=[Go, Rust]",
        "personas=[enterprise_operator, security_administrator, developer, end_user, quota_operator]",
        "term_end_user=Flibble app user",
    ]
    assert update(package, *(arg for change in changes for arg in ("--data", change))) == 0

    metadata = _metadata(package)
    assert metadata["Assessment Stage"] == "Complete"
    assert metadata["Security Provider"] == "Yes"
    assert metadata["Languages"] == "Go, Rust"
    assert _personas(package)["End user"] == "Flibble app user"
    assert _personas(package)["Quota operator"] == "Quota operator"
    out = capsys.readouterr().out
    assert "term_quota_operator had no recorded answer and is now 'Quota operator'" in out
    assert "term_end_user had no recorded answer" not in out
    assert missing_or_misplaced(package, lines) == []
    assert conflict_markers(package) == []
    answers = dict(change.split("=", 1) for change in changes)
    fresh = render_version(template, "v0.0.2" if new_version else "v0.0.1", package.parent / "fresh", answers)
    assert differs_from_fresh(package, fresh, lines) == []
    recorded = (package / ".copier-answers.yml").read_text(encoding="utf-8")
    assert "assessment_stage: Complete" in recorded and "- end_user" in recorded


def test_an_update_with_nothing_new_changes_nothing_and_says_so(
    written: Written, capsys: pytest.CaptureFixture[str]
) -> None:
    _, package, _ = written
    assert update(package) == 0
    assert git(package, "status", "--porcelain") == ""
    out = capsys.readouterr().out
    assert "the template is already at v0.0.1; answers applied again" in out
    assert "Nothing changed." in out and "Review the changes" not in out


def test_an_answer_a_new_version_refuses_is_reported(written: Written, capsys: pytest.CaptureFixture[str]) -> None:
    """Copier silently swaps a recorded answer that fails a tightened check for the default."""
    template, package, _ = written
    team = replace_once("'Sam Flibble, Kim Flibble' if is_example", "'Sam Flibble' if is_example")
    edit(template, "copier.yml", team)
    edit(
        template,
        "copier.yml",
        replace_once("line('project_team', project_team, 2000", "line('project_team', project_team, 12"),
    )
    release(template, "v0.0.2")

    assert update(package) == 0

    out = capsys.readouterr().out
    assert "note: the answer project_team is now 'Sam Flibble' (was 'Sam Flibble, Kim Flibble')" in out


SCOPE = """### Scope

<!-- guide: overview/scope
What the project covers and where it stops.
end guide: overview/scope -->

## Self-assessment use
"""


def test_a_numbered_heading_without_its_guide_still_gets_the_new_subsection(tmp_path: Path) -> None:
    template = make_template(tmp_path / "template")
    package = make_package(template, tmp_path / "package")
    path = package / "self-assessment.md"
    text = path.read_text(encoding="utf-8")
    start = text.index("<!-- guide: overview\n")
    end = text.index("end guide: overview -->\n") + len("end guide: overview -->\n")
    text = text[:start] + "Flibble keeps small secrets for many tenants.\n" + text[end:]
    path.write_text(text.replace("## Overview\n", "## 2. Overview\n", 1), encoding="utf-8")
    commit(package, "the authors number the overview and write over its guide")
    edit(template, "template/self-assessment.md.jinja", replace_once("## Self-assessment use\n", SCOPE))
    release(template, "v0.0.2")

    assert update(package) == 0

    updated = path.read_text(encoding="utf-8")
    headings = [(heading.level, heading.text) for heading in parse(updated).headings]
    overview = headings.index((2, "2. Overview"))
    assert headings[overview + 1 :].index((3, "Scope")) < headings[overview + 1 :].index((2, "Self-assessment use"))
    assert "Flibble keeps small secrets for many tenants." in updated
    assert "guide: overview/scope" in updated
    assert "<!-- guide: overview\n" not in updated
