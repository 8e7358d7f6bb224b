"""`tssa update` refuses, with one clear line and nothing changed, what it cannot update safely."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import copier
import pytest

from tssa.cli import main
from tssa.update.command import _version_note
from updating import IDENTITY, commit, edit, git, make_package, make_template, replace_once


@pytest.fixture(scope="module")
def template(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return make_template(tmp_path_factory.mktemp("refusals") / "template")


@pytest.fixture(autouse=True)
def no_outer_repository(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """Git must not find a repository above the test's folder."""
    monkeypatch.setenv("GIT_CEILING_DIRECTORIES", str(tmp_path))


def refused(capsys: pytest.CaptureFixture[str], *args: str) -> str:
    """Run `tssa update`, expect exit code 2 and return its one-line message."""
    assert main(["update", *args]) == 2
    err = capsys.readouterr().err.strip()
    assert len(err.splitlines()) == 1 and err.startswith("tssa: "), err
    return err


def test_a_folder_outside_git(template: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    package = tmp_path / "flibble"
    copier.run_copy(str(template), package, vcs_ref="v0.0.1", defaults=True, quiet=True)
    assert "is not inside a git repository" in refused(capsys, str(package))


def test_a_folder_without_answers(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    package = tmp_path / "flibble"
    package.mkdir()
    (package / "self-assessment.md").write_text("# Flibble Self-assessment\n", encoding="utf-8")
    git(package, "init", "--quiet")
    commit(package, "hand-written")
    assert "no .copier-answers.yml" in refused(capsys, str(package))


def test_a_folder_inside_a_package(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    package = tmp_path / "flibble"
    (package / "diagrams").mkdir(parents=True)
    (package / ".copier-answers.yml").write_text("_commit: v0.0.1\n", encoding="utf-8")
    (package / "diagrams" / "flow.md").write_text("A diagram.\n", encoding="utf-8")
    git(package, "init", "--quiet")
    commit(package, "a package with a folder in it")
    message = refused(capsys, str(package / "diagrams"))
    assert f"the package is {package.resolve()}: run `tssa update {package.resolve()}`" in message


def test_a_missing_folder(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert "no such folder" in refused(capsys, str(tmp_path / "nowhere"))


def test_uncommitted_changes(template: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    package = make_package(template, tmp_path / "flibble")
    path = package / "self-assessment.md"
    path.write_text(path.read_text(encoding="utf-8") + "\nNot committed yet.\n", encoding="utf-8")
    before = path.read_text(encoding="utf-8")
    message = refused(capsys, str(package))
    assert "uncommitted changes (self-assessment.md)" in message and "commit or stash" in message
    assert path.read_text(encoding="utf-8") == before


def test_an_untracked_file(template: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    package = make_package(template, tmp_path / "flibble")
    (package / "diagram.md").write_text("A new file.\n", encoding="utf-8")
    assert "uncommitted changes (diagram.md)" in refused(capsys, str(package))


def test_conflicts_left_from_an_earlier_update(
    template: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    package = make_package(template, tmp_path / "flibble")
    edit(
        package,
        "README.md",
        replace_once("## Summary\n", "## Summary\n\n<<<<<<< before updating\nx\n=======\n"),
    )
    commit(package, "committed by mistake")
    line = (package / "README.md").read_text(encoding="utf-8").splitlines().index("<<<<<<< before updating") + 1
    assert f"README.md:{line} still holds a conflict marker" in refused(capsys, str(package))


def test_a_relative_template_path(template: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    package = make_package(template, tmp_path / "flibble")
    edit(package, ".copier-answers.yml", replace_once(f"_src_path: {template}", "_src_path: ../template"))
    commit(package, "a relative source")
    assert "is a relative path" in refused(capsys, str(package))


def test_a_template_path_that_is_gone(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    package = tmp_path / "flibble"
    package.mkdir()
    answers = f"_commit: v0.0.1\n_src_path: {tmp_path / 'moved-away'}\nproject_name: Flibble\n"
    (package / ".copier-answers.yml").write_text(answers, encoding="utf-8")
    git(package, "init", "--quiet")
    commit(package, "a package whose template moved")
    message = refused(capsys, str(package))
    assert f"_src_path '{tmp_path / 'moved-away'}': no such template folder" in message
    assert "set it to where the template is now" in message


def test_a_recorded_version_the_template_no_longer_has(
    template: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    package = make_package(template, tmp_path / "flibble")
    edit(package, ".copier-answers.yml", replace_once("_commit: v0.0.1", "_commit: v0.0.0"))
    commit(package, "a version that was never tagged")
    message = refused(capsys, str(package))
    assert "_commit 'v0.0.0': the template" in message
    assert "has no such version (its versions are v0.0.1); set _commit to the version that made" in message
    assert git(package, "status", "--porcelain") == ""


def test_a_vcs_ref_the_template_does_not_have(
    template: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    package = make_package(template, tmp_path / "flibble")
    message = refused(capsys, str(package), "--vcs-ref", "v9.9.9")
    assert message == f"tssa: --vcs-ref v9.9.9: the template {template} has no such version (its versions are v0.0.1)"
    assert git(package, "status", "--porcelain") == ""


def test_data_that_is_not_key_value(capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit) as exit_info:
        main(["update", "--data", "assessment_stage"])
    assert exit_info.value.code == 2
    assert "is not KEY=VALUE" in capsys.readouterr().err


def test_a_bad_answer_changes_nothing(template: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    package = make_package(template, tmp_path / "flibble")
    assert main(["update", str(package), "--data", "assessment_stage=Done"]) == 1
    assert "'Done' is not in ['Incomplete', 'Complete', 'Obsolete']" in capsys.readouterr().err
    assert git(package, "status", "--porcelain") == ""


@pytest.mark.hostile
def test_interactive_without_a_terminal(template: Path, tmp_path: Path) -> None:
    package = make_package(template, tmp_path / "flibble")
    result = subprocess.run(
        [sys.executable, "-m", "tssa.cli", "update", str(package), "--interactive"],
        stdin=subprocess.DEVNULL,
        capture_output=True,
        text=True,
        env={**os.environ, **IDENTITY},
        check=False,
    )
    assert result.returncode == 2
    # Only our line: copier never runs, so its "Input is not a terminal" warning never shows.
    assert result.stderr.startswith("tssa: --interactive: no terminal to ask the questions; leave out --interactive")
    assert result.stderr.count("\n") == 1
    assert git(package, "status", "--porcelain") == ""


@pytest.mark.parametrize(
    ("recorded", "warned"),
    [
        ("v0.0.2", False),
        ("v99.0.0", True),
        ("v99.0.0-3-g1a2b3c4", True),
        ("1234567", False),
        ("0e9604b", False),
    ],
)
def test_a_template_newer_than_tssa_is_warned_about(recorded: str, warned: bool) -> None:
    assert bool(_version_note(recorded)) is warned


def test_an_older_version_is_refused(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    own = make_template(tmp_path / "template")
    package = make_package(own, tmp_path / "flibble")
    answers = package / ".copier-answers.yml"
    answers.write_text(answers.read_text(encoding="utf-8").replace("_commit: v0.0.1", "_commit: v0.0.9"))
    commit(package, "recorded as a later version")
    git(own, "commit", "--quiet", "--allow-empty", "-m", "v0.0.9")
    git(own, "tag", "v0.0.9")
    before = answers.read_text(encoding="utf-8")

    message = refused(capsys, str(package), "--vcs-ref", "v0.0.1")

    assert "the package is at template v0.0.9, and v0.0.1 is older" in message
    assert answers.read_text(encoding="utf-8") == before
