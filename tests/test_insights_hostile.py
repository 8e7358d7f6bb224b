"""`tssa insights` on dates, paths and Security Insights files a hostile or unlucky user gives it.

Each case ends in the entry, or in one line that says what was expected; a
file that is refused is left byte for byte as it was, with nothing beside it.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
import yaml

from tssa.cli import main

pytestmark = pytest.mark.hostile

SELF_ASSESSMENT = "# Rocket Self-assessment\n\n## Metadata\n\n| | |\n| --- | --- |\n| Assessment Stage | Complete |\n"
TOC = "https://github.com/cncf/toc/blob/main/projects/rocket/security-assessment/self-assessment.md"
TSSA = Path(sys.executable).with_name("tssa")


@pytest.fixture
def package(tmp_path: Path) -> Path:
    folder = tmp_path / "projects" / "rocket" / "security-assessment"
    folder.mkdir(parents=True)
    (folder / "self-assessment.md").write_text(SELF_ASSESSMENT, encoding="utf-8")
    (folder / "README.md").write_text("# Rocket joint assessment\n", encoding="utf-8")
    (folder / "joint-assessment.md").write_text("# Rocket joint assessment\n", encoding="utf-8")
    return folder


def insights(capsys: pytest.CaptureFixture[str], *args: str | Path) -> tuple[int, str, str]:
    code = main(["insights", *map(str, args)])
    captured = capsys.readouterr()
    return code, captured.out, captured.err


def one_line(text: str) -> str:
    assert text.count("\n") == 1, text
    return text


# Item 7: dates the calendar does not have


@pytest.mark.parametrize("date", ["2026-02-31", "2025-02-29", "2026-04-31", "2100-02-29"])
def test_a_day_the_calendar_does_not_have_is_refused(
    package: Path, capsys: pytest.CaptureFixture[str], date: str
) -> None:
    code, out, err = insights(capsys, package, "--date", date)
    assert (code, out) == (2, "")
    assert one_line(err) == f"tssa: --date: {date} is not a day of the calendar; give a real date\n"


def test_a_leap_day_is_a_date(package: Path, capsys: pytest.CaptureFixture[str]) -> None:
    code, out, _ = insights(capsys, package, "--date", "2024-02-29")
    assert code == 0
    assert yaml.safe_load(out)["repository"]["security"]["assessments"]["self"]["date"] == "2024-02-29"


# Item 8: only a package folder or its self-assessment


@pytest.mark.parametrize("name", ["README.md", "joint-assessment.md"])
def test_another_document_of_the_package_is_refused_with_what_is_expected(
    package: Path, capsys: pytest.CaptureFixture[str], name: str
) -> None:
    code, out, err = insights(capsys, package / name, "--write", package.parent / "si.yml")
    assert (code, out) == (2, "")
    assert one_line(err) == (
        f"tssa: {package / name}: is {name}, not a self-assessment; give the package folder or its self-assessment.md\n"
    )


def test_the_self_assessment_itself_gives_the_same_entry_as_its_folder(
    package: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    by_file = insights(capsys, package / "self-assessment.md", "--date", "2026-01-02")
    by_folder = insights(capsys, package, "--date", "2026-01-02")
    assert by_file == by_folder
    entry = yaml.safe_load(by_file[1])["repository"]["security"]["assessments"]["self"]
    assert entry["comment"].endswith("; Assessment Stage: Complete.")


# Item 9: YAML that --write refuses in one line

REFUSED = {
    "merge-key-only": ("base: &b\n  x: 1\nrepository:\n  <<: *b\n", "repository takes keys from a YAML merge key"),
    "merge-key-inline": ("repository:\n  <<: {url: x}\n", "repository takes keys from a YAML merge key"),
    "merge-key-in-self": (
        "d: &d\n  date: '2020-01-01'\nrepository:\n  security:\n    assessments:\n      self:\n        <<: *d\n",
        "repository.security.assessments.self takes keys from a YAML merge key",
    ),
    "custom-tag": (
        "repository:\n  security: !custom\n    a: 1\n",
        "line 2: field repository.security: has the tag !custom, which is not read",
    ),
    "python-object": (
        "repository: !!python/object/apply:os.system [true]\n",
        "line 1: field repository: has the tag tag:yaml.org,2002:python/object/apply:os.system, which is not read",
    ),
    "impossible-date": (
        "header:\n  last-updated: 2023-02-30\nrepository:\n  url: x\n",
        "line 2: field header.last-updated: 2023-02-30 is not a valid date",
    ),
    "huge-integer": (
        f"header:\n  n: {'9' * 5000}\nrepository:\n  url: x\n",
        "line 2: field header.n: is a number of 5,000 digits",
    ),
    "deep-brackets": (f"header: {'[' * 2000}\nrepository:\n  url: x\n", "is nested deeper than 64 levels"),
    "deep-closed": (f"header: {'[' * 500}{']' * 500}\nrepository:\n  url: x\n", "is nested deeper than 64 levels"),
    "deep-blocks": (
        "".join(f"{'  ' * level}k{level}:\n" for level in range(200)) + "repository:\n  url: x\n",
        "is nested deeper than 64 levels",
    ),
}


@pytest.mark.parametrize("kind", sorted(REFUSED))
def test_yaml_it_cannot_edit_safely_is_refused_in_one_line(
    package: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str], kind: str
) -> None:
    content, message = REFUSED[kind]
    target = tmp_path / "si.yml"
    target.write_text(content, encoding="utf-8")
    code, out, err = insights(capsys, package, "--write", target, "--date", "2026-02-03")
    assert (code, out) == (2, "")
    assert message in one_line(err) and err.startswith(f"tssa: {target}")
    assert target.read_text(encoding="utf-8") == content
    assert sorted(path.name for path in tmp_path.iterdir()) == ["projects", "si.yml"]


def test_a_folder_it_cannot_write_into_is_one_line(package: Path, tmp_path: Path) -> None:
    folder = tmp_path / "locked"
    folder.mkdir()
    target = folder / "si.yml"
    target.write_text("repository:\n  url: x\n", encoding="utf-8")
    folder.chmod(0o555)
    prefix: list[str] = []
    if os.geteuid() == 0:
        setpriv = shutil.which("setpriv")
        if setpriv is None:
            pytest.skip("runs as root, and setpriv (util-linux) is missing to drop the right to write anywhere")
        prefix = [setpriv, "--bounding-set=-all", "--inh-caps=-all"]
    try:
        done = subprocess.run(
            [*prefix, str(TSSA), "insights", str(package), "--write", str(target), "--date", "2026-02-03"],
            capture_output=True,
            text=True,
            timeout=60,
            check=False,
        )
    finally:
        folder.chmod(0o755)
    assert (done.returncode, done.stdout) == (2, "")
    assert one_line(done.stderr) == f"tssa: {target}: cannot be written: Permission denied; nothing written\n"
    assert target.read_text(encoding="utf-8") == "repository:\n  url: x\n"
    assert [path.name for path in folder.iterdir()] == ["si.yml"]


# Item 10: what the user added inside the entry, hard links, the owner

WITH_ADDITIONS = """\
repository:
  security:
    assessments:
      self:
        # Our own note on the entry: keep it.
        evidence: https://example.org/old.md   # the old home
        reviewed-by: Ada                        # a key the entry does not know
        date: 2020-01-01
        comment: |
          Written by hand,
          over two lines.
        extra:
          - one
          - two
      third-party: []
"""


def test_comments_and_unknown_keys_inside_the_entry_are_kept(
    package: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    target = tmp_path / "si.yml"
    target.write_text(WITH_ADDITIONS, encoding="utf-8")
    code, out, _ = insights(capsys, package, "--write", target, "--date", "2026-02-03")
    assert code == 0 and "Updated repository.security.assessments.self" in out
    comment = (
        "Rocket self-assessment, written with the CNCF TAG Security and Compliance guide; Assessment Stage: Complete."
    )
    assert target.read_text(encoding="utf-8") == (
        "repository:\n"
        "  security:\n"
        "    assessments:\n"
        "      self:\n"
        "        # Our own note on the entry: keep it.\n"
        "        name: Rocket self-assessment\n"
        f"        evidence: {TOC}   # the old home\n"
        "        reviewed-by: Ada                        # a key the entry does not know\n"
        "        date: '2026-02-03'\n"
        f"        comment: '{comment}'\n"
        "        extra:\n"
        "          - one\n"
        "          - two\n"
        "      third-party: []\n"
    )
    # Run again: nothing changes, and it says so.
    before = target.read_bytes()
    code, out, _ = insights(capsys, package, "--write", target, "--date", "2026-02-03")
    assert code == 0 and "is up to date; nothing changed" in out
    assert target.read_bytes() == before


def test_a_file_with_several_hard_links_is_refused_and_every_name_keeps_its_content(
    package: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    target = tmp_path / "si.yml"
    target.write_text("repository:\n  url: x\n", encoding="utf-8")
    os.link(target, tmp_path / "other-name.yml")
    code, out, err = insights(capsys, package, "--write", target, "--date", "2026-02-03")
    assert (code, out) == (2, "")
    assert one_line(err) == (
        f"tssa: {target} has 2 hard links; a new file would leave the old content under the other names; "
        "nothing written (edit it by hand)\n"
    )
    assert target.read_text(encoding="utf-8") == "repository:\n  url: x\n"
    assert os.stat(target).st_nlink == 2
    assert sorted(path.name for path in tmp_path.iterdir()) == ["other-name.yml", "projects", "si.yml"]


@pytest.mark.skipif(os.geteuid() != 0, reason="only root can give a file to another user to set the test up")
def test_the_file_keeps_its_owner_and_mode(package: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    target = tmp_path / "si.yml"
    target.write_text("repository:\n  url: x\n", encoding="utf-8")
    os.chown(target, 4321, 4322)
    target.chmod(0o640)
    assert insights(capsys, package, "--write", target, "--date", "2026-02-03")[0] == 0
    info = os.stat(target)
    assert (info.st_uid, info.st_gid, info.st_mode & 0o777) == (4321, 4322, 0o640)
    assert "name: Rocket self-assessment" in target.read_text(encoding="utf-8")


# Item 4 for insights: names carry no control, bidirectional or invisible character


def test_control_and_invisible_characters_are_stripped_from_the_entry(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    folder = tmp_path / "projects" / "ro\u202eck\x1b[31met" / "security-assessment"
    folder.mkdir(parents=True)
    stage = "| Assessment Stage | Com\u200bplete\x9b |\n"
    (folder / "self-assessment.md").write_text(
        SELF_ASSESSMENT.replace("| Assessment Stage | Complete |\n", stage), encoding="utf-8"
    )
    (folder / ".copier-answers.yml").write_text('project_name: "Ro\\u202eck\\x85et"\n', encoding="utf-8")
    code, out, _ = insights(capsys, folder, "--date", "2026-02-03")
    assert code == 0
    for raw in ("\x1b", "\x85", "\x9b", "\u202e", "\u200b"):
        assert raw not in out
    entry = yaml.safe_load(out)["repository"]["security"]["assessments"]["self"]
    assert entry["name"] == "Rocket self-assessment"
    assert entry["comment"].endswith("; Assessment Stage: Complete.")
    assert entry["evidence"] == TOC.replace("/rocket/", "/ro%E2%80%AEck%1B%5B31met/")
