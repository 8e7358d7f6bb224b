"""`tssa update` under faults and odd input: the author's text stays, or nothing changes and one line says why.

Documents in UTF-16 or with a stray Latin-1 byte, committed links, FIFOs,
folder names git would quote or read as patterns, two updates at once, and
updates stopped half-way (issue 13).
"""

from __future__ import annotations

import codecs
import os
import shutil
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from deeptree import make_deep, remove_deep
from tssa.cli import main
from tssa.writing import movein
from tssa.writing.lock import LOCK_NAME, UpdateRunningError, repository_lock
from updating import (
    CONFLICT_OPENING,
    NEW_GUIDANCE,
    OLD_GUIDANCE,
    Key,
    as_utf8_copy,
    commit,
    edit,
    git,
    make_package,
    make_template,
    missing_or_misplaced,
    release,
    release_v2,
    replace_once,
    unique_author_text,
    write_into_sections,
)

pytestmark = pytest.mark.hostile

OWN_WORDS = "The problem area, in the words of our team: what the project"


@pytest.fixture(scope="module")
def template(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A template with two versions: v0.0.1 makes the packages, v0.0.2 is what they update to."""
    made = make_template(tmp_path_factory.mktemp("hostile") / "template")
    release_v2(made)
    return made


@pytest.fixture(autouse=True)
def no_outer_repository(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """Git must not find a repository above the test's folder."""
    monkeypatch.setenv("GIT_CEILING_DIRECTORIES", str(tmp_path))


def written(template: Path, folder: Path) -> tuple[Path, dict[Key, list[str]]]:
    package = make_package(template, folder)
    return package, write_into_sections(package, unique_author_text)


def one_line_refusal(capsys: pytest.CaptureFixture[str], package: Path) -> str:
    assert main(["update", str(package)]) == 2
    err = capsys.readouterr().err.strip()
    assert len(err.splitlines()) == 1 and err.startswith("tssa: "), err
    return err


def snapshot(folder: Path) -> dict[str, bytes]:
    return {
        path.relative_to(folder).as_posix(): path.read_bytes()
        for path in sorted(folder.rglob("*"))
        if ".git" not in path.relative_to(folder).parts and path.is_file() and not path.is_symlink()
    }


# ---------------------------------------------------------------- 1. UTF-16


def test_a_utf16_document_is_merged_and_stays_utf16(template: Path, tmp_path: Path) -> None:
    package, lines = written(template, tmp_path / "flibble")
    path = package / "self-assessment.md"
    mark, codec = codecs.BOM_UTF16_BE, "utf-16-be"  # the property test draws little-endian too
    path.write_bytes(mark + path.read_text(encoding="utf-8").encode(codec))
    commit(package, "saved as UTF-16")

    assert main(["update", str(package)]) == 0

    data = path.read_bytes()
    assert data.startswith(mark)
    text = data[len(mark) :].decode(codec)
    assert NEW_GUIDANCE in text and OLD_GUIDANCE not in text
    assert missing_or_misplaced(as_utf8_copy(package, tmp_path / "decoded"), lines) == []


# ---------------------------------------------------------------- 2. a stray Latin-1 byte

LATIN1_LINE = b"Caf\xe9 notes from the team."


def _with_latin1_line(path: Path) -> None:
    data = path.read_bytes()
    cut = data.index(b"\n") + 1  # below the title
    path.write_bytes(data[:cut] + b"\n" + LATIN1_LINE + b"\n" + data[cut:])


def test_a_dropped_readme_with_a_latin1_byte_is_kept_byte_for_byte(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    own = make_template(tmp_path / "template")
    package = make_package(own, tmp_path / "flibble")
    readme = package / "README.md"
    _with_latin1_line(readme)
    commit(package, "a README with a Latin-1 byte")
    before = readme.read_bytes()
    (own / "template" / "README.md.jinja").unlink()
    release(own, "v0.0.2")

    assert main(["update", str(package)]) == 0

    assert readme.read_bytes() == before
    assert "note: README.md: the new template version no longer has this file" in capsys.readouterr().out


def test_a_conflict_in_a_document_with_a_latin1_byte_fails_and_is_listed(
    template: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    package, lines = written(template, tmp_path / "flibble")
    path = package / "self-assessment.md"
    edit(package, "self-assessment.md", replace_once(OLD_GUIDANCE, OWN_WORDS))
    _with_latin1_line(path)
    commit(package, "the authors reword a guide line, with a Latin-1 byte")

    assert main(["update", str(package)]) == 1

    captured = capsys.readouterr()
    data = path.read_bytes()
    assert LATIN1_LINE in data
    text = data.decode("utf-8", "replace").splitlines()
    opening = text.index(CONFLICT_OPENING) + 1
    assert f"{path}:{opening}" in captured.out.splitlines()
    assert captured.err.startswith("tssa: 1 conflict(s) left in self-assessment.md")
    assert "self-assessment.md" in git(package, "ls-files", "--unmerged")
    assert missing_or_misplaced(as_utf8_copy(package, tmp_path / "decoded"), lines) == []
    # what the docs tell the author to run before committing (git itself would commit the markers)
    assert main(["check", str(package)]) == 1
    assert "TSSA402" in capsys.readouterr().out


def test_a_document_with_a_nul_byte_is_refused_by_file_and_line(
    template: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    package = make_package(template, tmp_path / "flibble")
    path = package / "joint-assessment.md"
    path.write_bytes(b"# Title\n\nText\x00 with a NUL.\n")
    commit(package, "a NUL byte")

    message = one_line_refusal(capsys, package)

    assert f"{path}:3: a NUL byte" in message
    assert path.read_bytes() == b"# Title\n\nText\x00 with a NUL.\n"


# ---------------------------------------------------------------- 3. and 6. links and special files


def test_a_committed_link_to_a_file_outside_is_refused_and_never_written_through(
    template: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    package = make_package(template, tmp_path / "flibble")
    outside = tmp_path / "elsewhere.md"
    shutil.copyfile(package / "self-assessment.md", outside)
    target = outside.read_bytes()
    (package / "self-assessment.md").unlink()
    (package / "self-assessment.md").symlink_to(outside)
    commit(package, "the document is a link")
    before = snapshot(package)

    message = one_line_refusal(capsys, package)

    assert f"{package / 'self-assessment.md'} is a symbolic link" in message
    assert outside.read_bytes() == target
    assert snapshot(package) == before
    assert git(package, "status", "--porcelain") == ""


def test_a_committed_link_to_dev_zero_is_refused(
    template: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    package = make_package(template, tmp_path / "flibble")
    (package / "notes.md").symlink_to("/dev/zero")
    commit(package, "a link to a device")

    assert f"{package / 'notes.md'} is a symbolic link" in one_line_refusal(capsys, package)


def test_a_fifo_in_the_package_is_refused_by_name(
    template: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    package = make_package(template, tmp_path / "flibble")
    (package / "diagrams").mkdir()
    os.mkfifo(package / "diagrams" / "flow.md")

    message = one_line_refusal(capsys, package)

    assert f"{package / 'diagrams' / 'flow.md'} is a FIFO" in message
    assert "_commit: v0.0.1" in (package / ".copier-answers.yml").read_text(encoding="utf-8")


# ---------------------------------------------------------------- 7. folder names


def _conflicting_package(template: Path, folder: Path) -> Path:
    """A package in `folder`, inside a repository above it, whose authors reworded a guide line."""
    make_package(template, folder)
    shutil.rmtree(folder / ".git")
    edit(folder, "self-assessment.md", replace_once(OLD_GUIDANCE, OWN_WORDS))
    return folder


def test_a_folder_name_git_quotes_or_reads_as_a_pattern_is_updated_alone(
    template: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    repository = tmp_path / "repo"
    repository.mkdir()
    git(repository, "init", "--quiet")
    name = '"pkg[x]\nodd'  # a leading quote and a newline make git quote it; [x] matches "pkgx\nodd
    odd = _conflicting_package(template, repository / name)
    other = _conflicting_package(template, repository / '"pkgx\nodd')
    commit(repository, "two packages")
    other_before = snapshot(other)

    assert main(["update", str(odd)]) == 1

    entries = [entry for entry in git(repository, "ls-files", "--unmerged", "-z").split("\0") if entry]
    assert sorted(entry.split("\t", 1)[0].split(" ")[2] for entry in entries) == ["1", "2", "3"]
    assert {entry.split("\t", 1)[1] for entry in entries} == {f"{name}/self-assessment.md"}
    assert snapshot(other) == other_before
    assert NEW_GUIDANCE in (odd / "self-assessment.md").read_text(encoding="utf-8")
    captured = capsys.readouterr()
    assert "1 conflict(s) left in self-assessment.md" in captured.err
    # the newline is shown escaped, so the name cannot start a line of its own
    assert '"pkg[x]\\nodd/self-assessment.md:' in captured.out
    assert not any(line.startswith("odd/") for line in captured.out.splitlines())


# ---------------------------------------------------------------- 5. two updates at once


def test_a_second_update_while_one_runs_is_refused(
    template: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    package = make_package(template, tmp_path / "flibble")
    other = subprocess.Popen(["sleep", "60"])
    try:
        (package / ".git" / LOCK_NAME).write_text(f"{other.pid}\n", encoding="ascii")
        before = snapshot(package)
        message = one_line_refusal(capsys, package)
    finally:
        other.kill()
        other.wait()
    assert f"another tssa update or adopt (process {other.pid}) is changing this repository" in message
    assert snapshot(package) == before


def _tssa(package: Path, tmp: Path) -> subprocess.Popen[str]:
    """`tssa update` in a process of its own session (as a terminal runs it), temporary folders in `tmp`."""
    environment = {**os.environ, "TMPDIR": str(tmp)}
    return subprocess.Popen(
        [sys.executable, "-m", "tssa.cli", "update", str(package)],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        env=environment,
        start_new_session=True,
    )


def test_two_updates_started_together_never_both_run(template: Path, tmp_path: Path) -> None:
    package, lines = written(template, tmp_path / "flibble")
    tmp = tmp_path / "tmp"
    tmp.mkdir()
    runs = [_tssa(package, tmp), _tssa(package, tmp)]
    results = [(run.wait(timeout=120), *run.communicate()) for run in runs]

    codes = sorted(code for code, _, _ in results)
    assert codes in ([0, 2], [0, 0]), results
    assert not any("Traceback" in err for _, _, err in results)
    refused = [err for code, _, err in results if code == 2]
    assert all("another tssa update" in err or "uncommitted changes" in err for err in refused), refused
    assert missing_or_misplaced(package, lines) == []
    assert not list(package.rglob("*.rej"))


# ---------------------------------------------------------------- 4. interrupted updates


def _interrupt(package: Path, tmp: Path, moment: str) -> tuple[int, str]:
    """Ctrl-C (SIGINT to the process group) while tssa starts, or once it works on its private copy."""
    run = _tssa(package, tmp)
    if moment == "starting":
        time.sleep(0.05)
    else:
        waited = 0.0
        while not list(tmp.glob("tssa-update-*")) and run.poll() is None and waited < 60:
            time.sleep(0.02)
            waited += 0.02
        time.sleep(0.2)
    if run.poll() is None:
        os.killpg(run.pid, signal.SIGINT)
    _, err = run.communicate(timeout=120)
    return run.returncode, err


@pytest.mark.parametrize("moment", ["starting", "updating"])
def test_ctrl_c_leaves_the_old_documents_or_the_whole_result_and_one_line(
    template: Path, tmp_path: Path, moment: str
) -> None:
    package, lines = written(template, tmp_path / "flibble")
    tmp = tmp_path / "tmp"
    tmp.mkdir()
    head = snapshot(package)

    code, err = _interrupt(package, tmp, moment)

    # -2: Python itself was still starting, with the default handler: nothing ran, nothing printed.
    assert "Traceback" not in err and code in (0, 130, -signal.SIGINT), err
    if code == 130:
        assert err.startswith("tssa: interrupted") and len(err.strip().splitlines()) == 1, err
    if code != 0 and "after the update was written" not in err:
        assert snapshot(package) == head
        assert git(package, "status", "--porcelain") == ""
    else:
        assert "_commit: v0.0.2" in (package / ".copier-answers.yml").read_text(encoding="utf-8")
        assert NEW_GUIDANCE in (package / "self-assessment.md").read_text(encoding="utf-8")
    assert missing_or_misplaced(package, lines) == []
    assert list(tmp.iterdir()) == []
    assert not (package / ".git" / LOCK_NAME).exists()


def test_a_failure_while_moving_in_restores_the_package(
    template: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    package, _ = written(template, tmp_path / "flibble")
    head = snapshot(package)
    real_replace = movein._replace
    calls: list[Path] = []

    def full_disk(path: Path, content: bytes) -> None:
        calls.append(path)
        if len(calls) == 2:
            raise OSError(28, "No space left on device", str(path))
        real_replace(path, content)

    monkeypatch.setattr(movein, "_replace", full_disk)

    assert main(["update", str(package)]) == 1

    err = capsys.readouterr().err.strip()
    assert len(err.splitlines()) == 1 and "No space left on device" in err and "the package is as it was" in err
    assert snapshot(package) == head
    assert git(package, "status", "--porcelain") == ""


def test_an_update_killed_while_moving_in_is_undone_by_the_next_run(
    template: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    package, lines = written(template, tmp_path / "flibble")
    real_replace, real_undo = movein._replace, movein.undo_interrupted
    calls: list[Path] = []

    class Killed(BaseException):
        """Stands for SIGKILL: nothing after it runs."""

    def killed_half_way(path: Path, content: bytes) -> None:
        calls.append(path)
        if len(calls) == 3:
            raise Killed
        real_replace(path, content)

    monkeypatch.setattr(movein, "_replace", killed_half_way)
    monkeypatch.setattr(movein, "undo_interrupted", lambda top, folder: [])
    with pytest.raises(Killed):
        main(["update", str(package)])
    assert (package / ".git" / movein.JOURNAL_NAME).exists()
    assert git(package, "status", "--porcelain") != ""  # half of the result is in place
    monkeypatch.setattr(movein, "_replace", real_replace)
    monkeypatch.setattr(movein, "undo_interrupted", real_undo)
    gone = subprocess.Popen(["true"])
    gone.wait()
    (package / ".git" / LOCK_NAME).write_text(f"{gone.pid}\n", encoding="ascii")  # as a killed run leaves it

    assert main(["update", str(package)]) == 0

    out = capsys.readouterr().out
    assert "an earlier tssa update was interrupted; its changes to" in out
    assert "_commit: v0.0.2" in (package / ".copier-answers.yml").read_text(encoding="utf-8")
    assert NEW_GUIDANCE in (package / "self-assessment.md").read_text(encoding="utf-8")
    assert missing_or_misplaced(package, lines) == []
    assert not (package / ".git" / movein.JOURNAL_NAME).exists()
    assert not (package / ".git" / LOCK_NAME).exists()


# ---------------------------------------------------------------- 8. the docs


def test_the_docs_say_git_commits_markers_and_to_run_tssa_check_first() -> None:
    docs = (Path(__file__).resolve().parent.parent / "docs" / "update.md").read_text(encoding="utf-8")
    assert "refuses to commit" not in docs
    assert "git commit -a" in docs and "commits the markers" in docs
    assert "tssa check" in docs and "pre-commit" in docs


def test_the_lock_lets_one_holder_in_and_takes_over_an_old_empty_one(tmp_path: Path) -> None:
    with (
        repository_lock(tmp_path),
        pytest.raises(UpdateRunningError, match="another tssa update"),
        repository_lock(tmp_path),
    ):
        pass
    assert not (tmp_path / LOCK_NAME).exists()
    empty = tmp_path / LOCK_NAME
    empty.write_text("", encoding="ascii")  # a run killed between creating the lock and writing its id
    os.utime(empty, (time.time() - 3600, time.time() - 3600))
    with repository_lock(tmp_path):
        assert (tmp_path / LOCK_NAME).read_text(encoding="ascii").strip() == str(os.getpid())
    assert not (tmp_path / LOCK_NAME).exists()


def test_an_unreadable_journal_is_refused_with_the_way_out(
    template: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    package = make_package(template, tmp_path / "flibble")
    (package / ".git" / movein.JOURNAL_NAME).write_text("{not json", encoding="utf-8")

    message = one_line_refusal(capsys, package)

    assert "cannot be read" in message and "git checkout HEAD --" in message


# ---------------------------------------------------------------- issue 23: a file for the folder, git config


def test_a_document_given_for_the_package_folder_is_named_a_file(
    template: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    package = make_package(template, tmp_path / "flibble")
    before = snapshot(package)
    assert main(["update", str(package / "self-assessment.md")]) == 2
    err = capsys.readouterr().err
    document = package / "self-assessment.md"
    assert err == f"tssa: {document}: is a file; tssa update takes the package's folder, such as {package}\n"
    assert snapshot(package) == before


def hostile_config(package: Path, mark: Path) -> None:
    """Make the package's repository config name a program at every turn git would run one."""
    program = mark.with_name("program.sh")
    program.write_text(f'#!/bin/sh\necho "$0 $*" >> {mark}\ncat\n', encoding="utf-8")
    program.chmod(0o755)
    for key in (
        "core.fsmonitor",
        "diff.external",
        "filter.x.clean",
        "filter.x.smudge",
        "diff.t.textconv",
        "gpg.program",
    ):
        git(package, "config", key, str(program))
    git(package, "config", "log.showSignature", "true")
    git(package, "config", "core.hooksPath", str(mark.parent / "hooks"))
    git(package, "config", "protocol.ext.allow", "always")
    (package / ".git" / "info" / "attributes").write_text("* filter=x diff=t\n", encoding="utf-8")
    # Touched files make `git status` look at their content, through the filter if it could.
    for path in package.glob("*.md"):
        os.utime(path)
    subprocess.run(["git", "status"], cwd=package, capture_output=True, check=False)
    assert mark.exists()  # the repository is as hostile as the test says
    mark.unlink()


def test_update_runs_no_program_the_repositorys_config_names(
    template: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    package = make_package(template, tmp_path / "flibble")
    mark = tmp_path / "ran"
    hostile_config(package, mark)
    assert main(["update", str(package)]) == 0, capsys.readouterr().err
    assert "Updated" in capsys.readouterr().out
    assert not mark.exists()


def test_a_template_source_that_would_run_a_command_is_never_run(
    template: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    package = make_package(template, tmp_path / "flibble")
    mark = tmp_path / "ran"
    answers = package / ".copier-answers.yml"
    text = answers.read_text(encoding="utf-8")
    source = next(line for line in text.splitlines() if line.startswith("_src_path:"))
    answers.write_text(text.replace(source, f"_src_path: 'ext::sh -c touch% {mark}'"), encoding="utf-8")
    commit(package, "a source that runs a command")
    hostile_config(package, mark)
    assert main(["update", str(package)]) in (1, 2)
    assert len(capsys.readouterr().err.splitlines()) == 1
    assert not mark.exists()


def test_a_package_with_folders_nested_thousands_deep_is_refused_before_anything_changes(
    template: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    package = make_package(template, tmp_path / "flibble")
    make_deep(package, 1500, bottom="notes.txt")
    try:
        commit(package, "a deep tree in the package")
        documents = {name: (package / name).read_bytes() for name in ("self-assessment.md", ".copier-answers.yml")}
        message = one_line_refusal(capsys, package)
        assert message == (
            f"tssa: {package / 'd'}: holds folders nested more than 64 deep; a package holds documents, "
            "not deep trees: move them out of the package, commit, and run again"
        )
        assert {name: (package / name).read_bytes() for name in documents} == documents
        assert git(package, "status", "--porcelain") == ""
    finally:
        remove_deep(package)
