"""`tssa check` on files a hostile or unlucky user gives it: FIFOs, devices, huge files, links out, loops."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from tssa.check import lint
from tssa.cli import main
from tssa.reading.files import Roots, read_document, walk
from tssa.regularfiles import MAX_DOCUMENT_BYTES, FileRefusedError, Problem, Refusal, read_regular

pytestmark = pytest.mark.hostile

WRITTEN = Path(__file__).parent / "fixtures" / "check" / "written"
SECRET = "todo: the secret line of a file outside the package"
TSSA = Path(sys.executable).with_name("tssa")


@pytest.fixture
def written(tmp_path: Path) -> Path:
    return Path(shutil.copytree(WRITTEN, tmp_path / "flibble"))


@pytest.fixture
def outside(tmp_path: Path) -> Path:
    """A file outside the package, which the check must never read or name."""
    path = tmp_path / "elsewhere" / "private-notes.md"
    path.parent.mkdir()
    path.write_text(f"# Notes\n\n{SECRET}\n", encoding="utf-8")
    return path


Found = list[tuple[str, str]]


def check_json(capsys: pytest.CaptureFixture[str], *args: str | Path) -> tuple[int, Found, str]:
    """Exit code, (file name, code) of each finding, and the text output of the same run."""
    code = main(["check", "--format", "json", *map(str, args)])
    report = json.loads(capsys.readouterr().out)
    found = [
        (Path(finding["path"]).name, finding["code"])
        for document in report["documents"]
        for finding in document["findings"]
    ]
    main(["check", *map(str, args)])
    text = capsys.readouterr().out
    return code, found, text


def check_in_child(*args: str | Path) -> subprocess.CompletedProcess[str]:
    """Run `tssa check` in a child, so a hang fails the test instead of stopping the suite."""
    command = [str(TSSA), "check", "--format", "json", *map(str, args)]
    return subprocess.run(command, capture_output=True, text=True, timeout=60, check=False)


def codes_of(done: subprocess.CompletedProcess[str]) -> Found:
    report = json.loads(done.stdout)
    return [(Path(f["path"]).name, f["code"]) for d in report["documents"] for f in d["findings"]]


# Special files


def test_a_fifo_named_like_a_document_is_reported_and_never_opened(written: Path) -> None:
    (written / "self-assessment.md").unlink()
    os.mkfifo(written / "self-assessment.md")
    done = check_in_child(written)  # a FIFO opened for reading waits for a writer: this would hang
    assert done.returncode == 1, done.stderr
    assert codes_of(done) == [("self-assessment.md", "TSSA005")]
    assert "FIFO" in json.loads(done.stdout)["documents"][0]["findings"][0]["message"]
    assert done.stderr == ""


def test_a_fifo_given_by_name_is_reported_too(tmp_path: Path) -> None:
    os.mkfifo(tmp_path / "self-assessment.md")
    done = check_in_child(tmp_path / "self-assessment.md")
    assert (done.returncode, codes_of(done)) == (1, [("self-assessment.md", "TSSA005")])


def test_a_device_given_by_name_is_never_read(capsys: pytest.CaptureFixture[str]) -> None:
    code, found, text = check_json(capsys, "/dev/zero")
    assert (code, found) == (1, [("zero", "TSSA005")])
    assert "zero is a device; not opened" in text


def test_a_link_to_a_fifo_inside_the_package_is_reported(written: Path) -> None:
    os.mkfifo(written / "pipe")
    (written / "self-assessment.md").unlink()
    (written / "self-assessment.md").symlink_to("pipe")
    done = check_in_child(written)
    assert (done.returncode, codes_of(done)) == (1, [("self-assessment.md", "TSSA005")])


@pytest.mark.parametrize("device", ["/dev/zero", "/dev/urandom"])
def test_links_to_devices_are_links_out_and_never_read(
    written: Path, device: str, capsys: pytest.CaptureFixture[str]
) -> None:
    (written / "joint-assessment.md").unlink()
    (written / "joint-assessment.md").symlink_to(device)
    code, found, text = check_json(capsys, written)
    assert (code, found) == (1, [("joint-assessment.md", "TSSA006")])
    assert device not in text


def test_the_reader_refuses_what_is_not_a_regular_file(tmp_path: Path) -> None:
    os.mkfifo(tmp_path / "pipe")
    for path in (tmp_path / "pipe", Path("/dev/zero"), tmp_path):
        with pytest.raises(FileRefusedError) as refused:
            read_regular(path)
        assert refused.value.refusal.problem is Problem.NOT_REGULAR


# Big files


def test_a_document_over_the_size_limit_gets_one_finding_and_is_not_parsed(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    row = "| todo: cell | [link](#nowhere) |\n"
    text = "# Heading\n\n| a | b |\n| - | - |\n" + row * (MAX_DOCUMENT_BYTES // len(row) + 1)
    (tmp_path / "self-assessment.md").write_text(text, encoding="utf-8")
    code, found, out = check_json(capsys, tmp_path)
    assert (code, found) == (1, [("self-assessment.md", "TSSA004")])
    assert "over the 4.0 MiB limit for a document; not read" in out


def test_a_document_at_the_size_limit_is_read(tmp_path: Path) -> None:
    path = tmp_path / "self-assessment.md"
    path.write_bytes(b"x" * 1000)
    assert read_document(path, limit=1000).text == "x" * 1000
    assert read_document(path, limit=999).kind is Problem.TOO_LARGE


@pytest.mark.skipif(not Path("/proc/self/maps").exists(), reason="needs /proc, whose files claim a size of 0")
def test_the_reader_stops_at_the_limit_even_when_the_size_lies() -> None:
    # /proc files say they are empty and then give more: the bound must hold on what is read.
    with pytest.raises(FileRefusedError) as refused:
        read_regular(Path("/proc/self/maps"), limit=10)
    assert refused.value.refusal.problem is Problem.TOO_LARGE


# Lint


def lint_found(capsys: pytest.CaptureFixture[str], path: Path) -> tuple[int, Found, str]:
    code = main(["check", "--lint", "--format", "json", str(path)])
    out, err = capsys.readouterr()
    report = json.loads(out)
    found = [(f["code"], f["message"]) for d in report["documents"] for f in d["findings"]]
    return code, [item for item in found if item[0].startswith("TSSA5")], err


def test_input_that_crashes_the_linter_gives_one_lint_failed_finding(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    path = tmp_path / "self-assessment.md"
    path.write_text("1. " * 2000, encoding="utf-8")  # PyMarkdown stops with a BadTokenizationError
    _, found, err = lint_found(capsys, path)
    assert len(found) == 1 and found[0][0] == "TSSA502"
    assert "the linter crashed on this document (PyMarkdownApiException)" in found[0][1]
    assert "Traceback" not in found[0][1] + err


def test_an_empty_document_is_linted_without_a_failure(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    (tmp_path / "self-assessment.md").write_bytes(b"")
    code, found, err = lint_found(capsys, tmp_path / "self-assessment.md")
    assert (code, found, err) == (1, [], "")  # the missing sections fail it; the linter has nothing to say


def test_the_linter_stops_at_its_time_budget(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(lint, "TIME_BUDGET_SECONDS", 1.0)
    path = tmp_path / "self-assessment.md"
    path.write_text("[" * 2000 + "]" * 2000 + "\n", encoding="utf-8")  # PyMarkdown takes half a minute
    _, found, _ = lint_found(capsys, path)
    assert found == [("TSSA502", "the linter ran out of its 1 s time budget; the other checks ran")]


def test_a_document_over_the_lint_size_budget_is_not_linted(
    written: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(lint, "MAX_LINT_BYTES", 1024)
    code, found, _ = lint_found(capsys, written / "self-assessment.md")
    assert code == 0  # lint failing is a warning
    assert [item[0] for item in found] == ["TSSA502"]
    assert "over the linter's 1 KB size budget" in found[0][1]


# Links


@pytest.mark.parametrize("target", ["self-assessment.md", "loop-b.md"])
def test_a_link_loop_is_one_finding(written: Path, target: str, capsys: pytest.CaptureFixture[str]) -> None:
    (written / "self-assessment.md").unlink()
    (written / "loop-b.md").symlink_to("self-assessment.md")
    (written / "self-assessment.md").symlink_to(target)
    code, found, text = check_json(capsys, written)
    assert code == 1
    assert [item for item in found if item[0] == "self-assessment.md"] == [("self-assessment.md", "TSSA001")]
    assert "self-assessment.md is a link that leads back to itself (a link loop)" in text


def test_a_relative_link_into_a_link_loop_is_a_broken_link(written: Path, capsys: pytest.CaptureFixture[str]) -> None:
    # A folder below the package: outside a repository, links there are judged.
    (written / "docs").mkdir()
    (written / "docs" / "loop.md").symlink_to("loop.md")
    path = written / "self-assessment.md"
    path.write_text(path.read_text(encoding="utf-8") + "\nSee [the loop](docs/loop.md).\n", encoding="utf-8")
    code, found, _ = check_json(capsys, written)
    assert (code, found) == (1, [("self-assessment.md", "TSSA302")])


def test_a_link_to_a_file_outside_is_reported_and_its_lines_never_printed(
    written: Path, outside: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    (written / "self-assessment.md").unlink()
    (written / "self-assessment.md").symlink_to(outside)
    for given in (written, written / "self-assessment.md"):
        code, found, text = check_json(capsys, given)
        assert ("self-assessment.md", "TSSA006") in found
        assert [name for name, code in found if code != "TSSA006"] == []
        assert code == 1
        assert SECRET not in text and "private-notes" not in text and "elsewhere" not in text


def test_a_link_outside_is_followed_when_its_target_is_given_too(
    written: Path, outside: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    (written / "self-assessment.md").unlink()
    (written / "self-assessment.md").symlink_to(outside)
    _, found, _ = check_json(capsys, written, outside)
    assert ("self-assessment.md", "TSSA006") not in found
    assert ("self-assessment.md", "TSSA401") in found  # read, as the user gave it


def test_a_link_inside_the_package_is_followed(written: Path, capsys: pytest.CaptureFixture[str]) -> None:
    (written / "drafts").mkdir()
    (written / "self-assessment.md").rename(written / "drafts" / "current.md")
    (written / "self-assessment.md").symlink_to(Path("drafts") / "current.md")
    code, found, _ = check_json(capsys, written)
    assert (code, found) == (0, [])


def test_a_folder_link_to_the_root_is_not_walked(written: Path, capsys: pytest.CaptureFixture[str]) -> None:
    (written / "everything").symlink_to("/", target_is_directory=True)
    code, found, text = check_json(capsys, written.parent)
    assert (code, found) == (1, [("everything", "TSSA006")])
    assert text.rstrip().endswith("4 documents: 1 error, 0 warnings")


# Folders that cannot be listed


def test_a_folder_that_cannot_be_listed_is_an_error(
    written: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    # Tests run as root, where chmod 000 does not stop a listing: the refusal is simulated.
    locked = tmp_path / "locked"
    locked.mkdir()
    listing = os.scandir

    def scandir(path: str | Path) -> object:
        if Path(path) == locked:
            raise PermissionError(13, "Permission denied", str(path))
        return listing(path)

    monkeypatch.setattr(os, "scandir", scandir)
    code, found, text = check_json(capsys, tmp_path)
    assert (code, found) == (1, [("locked", "TSSA007")])
    assert "locked cannot be listed: Permission denied" in text
    code, found, _ = check_json(capsys, locked)  # given by name: still a finding, not "holds no package"
    assert (code, found) == (1, [("locked", "TSSA007")])


# The reading module, as other commands use it


def test_walk_lists_each_real_folder_once_and_refuses_links_out(tmp_path: Path) -> None:
    top = tmp_path / "top"
    (top / "a" / "b").mkdir(parents=True)
    (top / "a" / "b" / "doc.md").write_text("x", encoding="utf-8")
    (top / "a" / "b" / "back").symlink_to(top, target_is_directory=True)  # a loop
    (top / "a" / "same").symlink_to(top / "a" / "b", target_is_directory=True)
    (top / "out").symlink_to(tmp_path, target_is_directory=True)
    listed = list(walk(top, Roots.of([top])))
    assert [(item.path.relative_to(top).as_posix(), item.files) for item in listed if item.refusal is None] == [
        (".", ()),
        ("a", ()),
        ("a/b", ("doc.md",)),
    ]
    assert [(item.path.name, item.refusal) for item in listed if item.refusal] == [
        ("out", Refusal(Problem.OUTSIDE, "is a link to a place outside the paths given; not followed"))
    ]


# The --summary path is checked before anything else (issue 23)


@pytest.mark.parametrize(
    ("summary", "message"),
    [
        ("missing/dir/s.md", "cannot be written: the folder {base}/missing/dir does not exist"),
        (".", "cannot be written: it is a folder; give a file"),
    ],
)
def test_a_summary_path_that_cannot_be_written_is_refused_before_the_check(
    written: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str], summary: str, message: str
) -> None:
    path = tmp_path / summary
    assert main(["check", "--summary", str(path), str(written)]) == 2
    captured = capsys.readouterr()
    assert captured.out == ""  # no report printed before the refusal
    assert captured.err == f"tssa: --summary {path}: {message.format(base=tmp_path)}\n"
    assert not (tmp_path / "missing").exists()
