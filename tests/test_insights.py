"""`tssa insights`: the Security Insights entry for a package, printed or written into an existing file."""

from __future__ import annotations

import os
import shutil
from pathlib import Path

import pytest
import yaml

from checkouts import git
from tssa.cli import main

FIXTURE = Path(__file__).parent / "fixtures" / "insights" / "security-insights.yml"
SELF_ASSESSMENT = """\
# Rocket Self-assessment

## Metadata

| | |
| --- | --- |
| Assessment Stage | Complete |
| Software | <https://github.com/acme/rocket> |
"""
OLD_ENTRY = """\
      self:
        evidence: https://github.com/acme/rocket/blob/main/docs/old.md
        date: "2023-01-01"
        comment: |
          The first self-assessment,
          before the TAG's template.
"""


def make_package(folder: Path, answers: str | None = None) -> Path:
    folder.mkdir(parents=True)
    (folder / "self-assessment.md").write_text(SELF_ASSESSMENT, encoding="utf-8")
    if answers is not None:
        (folder / ".copier-answers.yml").write_text(answers, encoding="utf-8")
    return folder


def entry_lines(name: str, evidence: str, date: str, indent: int = 6) -> str:
    pad = " " * indent
    comment = (
        f"{name} self-assessment, written with the CNCF TAG Security and Compliance guide; Assessment Stage: Complete."
    )
    return (
        f"{pad}self:\n"
        f"{pad}  name: {name} self-assessment\n"
        f"{pad}  evidence: {evidence}\n"
        f"{pad}  date: '{date}'\n"
        f"{pad}  comment: '{comment}'\n"
    )


def insights(capsys: pytest.CaptureFixture[str], *args: str) -> tuple[int, str, str]:
    code = main(["insights", *args])
    captured = capsys.readouterr()
    return code, captured.out, captured.err


TOC = "https://github.com/cncf/toc/blob/main/projects/rocket/security-assessment/self-assessment.md"


def test_the_entry_points_at_the_self_assessment_in_the_toc_home(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    package = make_package(tmp_path / "toc" / "projects" / "rocket" / "security-assessment")
    code, out, _ = insights(capsys, str(package), "--date", "2026-02-03")
    assert code == 0
    entry = yaml.safe_load(out)["repository"]["security"]["assessments"]["self"]
    assert entry == {
        "name": "Rocket self-assessment",
        "evidence": TOC,
        "date": "2026-02-03",
        "comment": "Rocket self-assessment, written with the CNCF TAG Security and Compliance guide; "
        "Assessment Stage: Complete.",
    }


def test_the_tag_home_and_packages_kept_elsewhere(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    tag = make_package(tmp_path / "tag-security" / "community" / "assessments" / "projects" / "rocket")
    _, out, _ = insights(capsys, str(tag / "self-assessment.md"), "--date", "2026-02-03")
    assert yaml.safe_load(out)["repository"]["security"]["assessments"]["self"]["evidence"] == (
        "https://github.com/cncf/tag-security/blob/main/community/assessments/projects/rocket/self-assessment.md"
    )
    elsewhere = make_package(
        tmp_path / "work" / "draft", answers="project_name: Rocket Ship\nproject_slug: rocket-ship\n"
    )
    _, out, _ = insights(capsys, str(elsewhere), "--date", "2026-02-03")
    entry = yaml.safe_load(out)["repository"]["security"]["assessments"]["self"]
    assert entry["name"] == "Rocket Ship self-assessment"
    assert entry["evidence"] == TOC.replace("/rocket/", "/rocket-ship/")


def test_the_date_is_the_self_assessments_last_commit(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    package = make_package(tmp_path / "projects" / "rocket" / "security-assessment")
    git(tmp_path, "init", "-q")
    git(tmp_path, "add", "-A")
    os.environ["GIT_COMMITTER_DATE"] = "2025-03-04T05:06:07+00:00"
    try:
        git(tmp_path, "commit", "-q", "-m", "self-assessment")
    finally:
        del os.environ["GIT_COMMITTER_DATE"]
    _, out, _ = insights(capsys, str(package))
    assert yaml.safe_load(out)["repository"]["security"]["assessments"]["self"]["date"] == "2025-03-04"


def test_writing_changes_only_the_entry_and_keeps_every_other_byte(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    package = make_package(tmp_path / "projects" / "rocket" / "security-assessment")
    target = tmp_path / "security-insights.yml"
    shutil.copy(FIXTURE, target)
    original = FIXTURE.read_text(encoding="utf-8")
    code, out, _ = insights(capsys, str(package), "--write", str(target), "--date", "2026-02-03")
    assert code == 0 and "Updated repository.security.assessments.self" in out
    assert OLD_ENTRY in original
    expected = original.replace(OLD_ENTRY, entry_lines("Rocket", TOC, "2026-02-03"))
    assert target.read_bytes() == expected.encode("utf-8")
    # A second run with the same values changes nothing.
    insights(capsys, str(package), "--write", str(target), "--date", "2026-02-03")
    assert target.read_bytes() == expected.encode("utf-8")


@pytest.mark.parametrize(
    ("before", "after_prefix"),
    [
        pytest.param(
            "repository:\n  url: https://x.example/r\n  security:\n    assessments:\n      third-party:\n"
            "      - evidence: https://a.example/\n# end\n",
            "repository:\n  url: https://x.example/r\n  security:\n    assessments:\n      third-party:\n"
            "      - evidence: https://a.example/\n",
            id="no-self-after-a-sequence",
        ),
        pytest.param(
            "header:\n    schema-version: 2.0.0\nrepository:\n    url: https://x.example/r\n",
            "header:\n    schema-version: 2.0.0\nrepository:\n    url: https://x.example/r\n",
            id="no-security-four-spaces",
        ),
    ],
)
def test_missing_keys_are_added_in_the_files_indentation(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], before: str, after_prefix: str
) -> None:
    package = make_package(tmp_path / "projects" / "rocket" / "security-assessment")
    target = tmp_path / "si.yml"
    target.write_text(before, encoding="utf-8")
    assert insights(capsys, str(package), "--write", str(target), "--date", "2026-02-03")[0] == 0
    after = target.read_text(encoding="utf-8")
    assert after.startswith(after_prefix)
    data = yaml.safe_load(after)
    assert data["repository"]["security"]["assessments"]["self"]["evidence"] == TOC
    assert data["repository"]["url"] == "https://x.example/r"
    if "# end" in before:
        assert after.endswith("# end\n")
    if "    url" in before:
        assert "\n    security:\n        assessments:\n            self:\n" in after


def test_line_endings_and_a_byte_order_mark_are_kept(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    package = make_package(tmp_path / "projects" / "rocket" / "security-assessment")
    target = tmp_path / "si.yml"
    target.write_bytes(b"\xef\xbb\xbfproject:\r\n  name: Rocket\r\nrepository:\r\n  security: {}\r\n")
    assert insights(capsys, str(package), "--write", str(target), "--date", "2026-02-03")[0] == 0
    data = target.read_bytes()
    assert data.startswith(
        b"\xef\xbb\xbfproject:\r\n  name: Rocket\r\nrepository:\r\n  security:\r\n    assessments:\r\n"
    )
    assert b"\n" not in data.replace(b"\r\n", b"")


@pytest.mark.parametrize(
    ("content", "message"),
    [
        ("repository: {url: https://x.example/r}\n", "repository is written in { } style"),
        ("repository:\n  security: on file\n", "repository.security is not a mapping"),
        ("project: [unclosed\n", "is not valid YAML (line 2)"),
        ("- a list\n", "does not hold a mapping of keys"),
    ],
)
@pytest.mark.hostile
def test_a_file_that_cannot_be_edited_safely_is_left_alone(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], content: str, message: str
) -> None:
    package = make_package(tmp_path / "projects" / "rocket" / "security-assessment")
    target = tmp_path / "si.yml"
    target.write_text(content, encoding="utf-8")
    code, _, err = insights(capsys, str(package), "--write", str(target))
    assert code == 2
    assert message in err and err.count("\n") == 1
    assert target.read_text(encoding="utf-8") == content
    assert sorted(path.name for path in tmp_path.iterdir()) == ["projects", "si.yml"]


@pytest.mark.hostile
def test_links_missing_files_and_bad_options_are_refused(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    package = make_package(tmp_path / "projects" / "rocket" / "security-assessment")
    real = tmp_path / "real.yml"
    real.write_text("repository:\n  url: x\n", encoding="utf-8")
    (tmp_path / "link.yml").symlink_to(real)
    assert "is a link" in insights(capsys, str(package), "--write", str(tmp_path / "link.yml"))[2]
    assert (
        "give an existing Security Insights file" in insights(capsys, str(package), "--write", str(tmp_path / "x"))[2]
    )
    assert "--date: use YYYY-MM-DD" in insights(capsys, str(package), "--date", "3 May")[2]
    assert "--evidence: give an https:// address" in insights(capsys, str(package), "--evidence", "ftp://x")[2]
    assert "holds no self-assessment.md" in insights(capsys, str(tmp_path))[2]
    assert real.read_text(encoding="utf-8") == "repository:\n  url: x\n"


@pytest.mark.parametrize(
    "title", ["# Rocket Self-assessment", "# Rocket Security Self-Assessment", "# Self-assessment of Rocket"]
)
def test_the_project_name_comes_from_a_hand_written_title(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], title: str
) -> None:
    package = tmp_path / "community" / "assessments" / "projects" / "rocket"
    package.mkdir(parents=True)
    (package / "self-assessment.md").write_text(f"{title}\n\nText.\n", encoding="utf-8")
    _, out, _ = insights(capsys, str(package), "--date", "2026-02-03")
    entry = yaml.safe_load(out)["repository"]["security"]["assessments"]["self"]
    assert entry["name"] == "Rocket self-assessment"
    assert entry["comment"] == "Rocket self-assessment, written with the CNCF TAG Security and Compliance guide."


@pytest.mark.hostile
def test_a_file_of_nested_aliases_is_refused_quickly(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    package = make_package(tmp_path / "projects" / "rocket" / "security-assessment")
    levels = ["a0: &a0 [x, x, x, x, x, x, x, x, x]"]
    levels += [f"a{n}: &a{n} [{', '.join([f'*a{n - 1}'] * 9)}]" for n in range(1, 10)]
    content = "\n".join(levels) + "\nrepository:\n  url: x\n"
    target = tmp_path / "si.yml"
    target.write_text(content, encoding="utf-8")
    code, _, err = insights(capsys, str(package), "--write", str(target))
    assert code == 2 and "once its aliases are expanded" in err
    assert target.read_text(encoding="utf-8") == content
