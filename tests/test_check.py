"""`tssa check`: findings with codes and lines, summaries, JSON and exit codes."""

from __future__ import annotations

import json
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from conftest import render_package
from tssa.cli import main

FIXTURES = Path(__file__).parent / "fixtures" / "check"
WRITTEN = FIXTURES / "written"


def run(capsys: pytest.CaptureFixture[str], *args: str | Path) -> tuple[int, str, str]:
    code = main(["check", *map(str, args)])
    out, err = capsys.readouterr()
    return code, out, err


Found = list[tuple[str, int, str]]


def json_findings(capsys: pytest.CaptureFixture[str], *args: str | Path) -> tuple[int, Found]:
    code, out, _ = run(capsys, "--format", "json", *args)
    report = json.loads(out)
    found = [
        (Path(finding["path"]).name, finding["line"], finding["code"])
        for document in report["documents"]
        for finding in document["findings"]
    ]
    return code, found


@pytest.fixture
def written(tmp_path: Path) -> Path:
    """A copy of the fully written package, ready to be broken one way."""
    return Path(shutil.copytree(WRITTEN, tmp_path / "flibble"))


def edit(path: Path, old: str, new: str) -> None:
    text = path.read_text(encoding="utf-8")
    assert old in text, f"{old!r} not in {path.name}"
    path.write_text(text.replace(old, new, 1), encoding="utf-8")


def line_of(path: Path, text: str) -> int:
    """The line an editor shows `text` on (only LF breaks lines in these files)."""
    lines = path.read_bytes().decode("utf-8").split("\n")
    return next(number for number, line in enumerate(lines, 1) if text in line)


def test_a_fully_written_package_is_clean(capsys: pytest.CaptureFixture[str]) -> None:
    code, out, _ = run(capsys, "--strict", "--lint", WRITTEN)
    assert code == 0
    assert "self-assessment.md  [####################]  21/21 sections written (100%)" in out
    assert out.rstrip().endswith("3 documents: 0 errors, 0 warnings")


def test_a_fresh_package_is_all_guidance_but_no_error(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    package = render_package(tmp_path / "fresh")
    code, found = json_findings(capsys, package)
    assert code == 0
    codes = {finding[2] for finding in found}
    assert codes == {"TSSA103"}
    self_assessment = package / "self-assessment.md"
    unfilled = {line for name, line, _ in found if name == "self-assessment.md"}
    assert line_of(self_assessment, "### Background") in unfilled
    assert line_of(self_assessment, "## Self-assessment use") not in unfilled
    code, strict_out, _ = run(capsys, "--strict", package)
    assert code == 1
    assert strict_out.rstrip().endswith(f"3 documents: {len(found)} errors, 0 warnings")
    _, out, _ = run(capsys, package)
    assert "5/21 sections written (24%)" in out
    assert out.rstrip().endswith(f"3 documents: 0 errors, {len(found)} warnings")


def test_a_missing_section_is_an_error_at_the_section_before(written: Path, capsys: pytest.CaptureFixture[str]) -> None:
    path = written / "self-assessment.md"
    text = path.read_text()
    start, end = text.index("## Project compliance"), text.index("## Secure development practices")
    path.write_text(text[:start] + text[end:])
    code, found = json_findings(capsys, written)
    assert code == 1
    assert found == [
        ("self-assessment.md", line_of(path, "[Project compliance](#project-compliance)"), "TSSA301"),
        ("self-assessment.md", line_of(path, "### Security Relevant"), "TSSA101"),
    ]


def test_a_missing_topic_is_a_warning_at_the_section_before(written: Path, capsys: pytest.CaptureFixture[str]) -> None:
    path = written / "self-assessment.md"
    text = path.read_text()
    start, end = text.index("### Incident Response"), text.index("## Appendix")
    path.write_text(text[:start] + text[end:])
    code, out, _ = run(capsys, "--format", "json", written)
    assert code == 1  # the table of contents still links to it
    findings = [finding for document in json.loads(out)["documents"] for finding in document["findings"]]
    topic = next(finding for finding in findings if finding["code"] == "TSSA106")
    assert topic["line"] == line_of(path, "#### Vulnerability Response Process")
    assert topic["severity"] == "warning"
    assert topic["message"] == 'topic "Incident Response" is missing'
    assert topic["section"] == "security-issue-resolution/incident-response"
    assert {finding["code"] for finding in findings} == {"TSSA106", "TSSA301"}


@pytest.mark.parametrize(
    ("old", "new", "code", "anchor"),
    [
        (
            "Open Flibble's development pipeline: written by the team for this fixture.",
            "",
            "TSSA103",
            "### Development Pipeline",
        ),
        (
            "| Assessment Stage | Complete |",
            "| Assessment Stage | In Progress |",
            "TSSA203",
            "| Assessment Stage",
        ),
        (
            "| Security Provider | Yes |",
            "| Security Provider | Yes, partly |",
            "TSSA204",
            "| Security Provider",
        ),
        (
            "| Software | <https://github.com/open-flibble/core> |",
            "| Software | the core repo |",
            "TSSA205",
            "| Software",
        ),
        ("- [Appendix](#appendix)", "- [Appendix](#appendices)", "TSSA301", "- [Appendix]"),
        (
            "Open Flibble's ecosystem: written",
            "See [the map](docs/map.md). Open Flibble's ecosystem: written",
            "TSSA302",
            "See [the map]",
        ),
        (
            "Open Flibble's case studies: written",
            "reference: https://example.org/case\n\nwritten",
            "TSSA401",
            "reference:",
        ),
        ("Open Flibble's case studies: written", "TODO: ask the bank\n\nwritten", "TSSA401", "TODO:"),
        (
            "Open Flibble's goals: written",
            "<<<<<<< before updating\nours\n=======\ntheirs\n>>>>>>> after updating\n",
            "TSSA402",
            "<<<<<<<",
        ),
    ],
)
def test_each_defect_is_found_at_its_line(
    written: Path, capsys: pytest.CaptureFixture[str], old: str, new: str, code: str, anchor: str
) -> None:
    path = written / "self-assessment.md"
    edit(path, old, new)
    exit_code, found = json_findings(capsys, written)
    assert (path.name, line_of(path, anchor), code) in found
    if code != "TSSA402":  # a conflict block also scrambles the sections around it
        assert {finding[2] for finding in found} == {code}
    assert exit_code == (0 if code in {"TSSA103", "TSSA401"} else 1)


def test_conflict_markers_are_found_on_both_ends(written: Path, capsys: pytest.CaptureFixture[str]) -> None:
    path = written / "README.md"
    edit(
        path,
        "Tracking issue:",
        "<<<<<<< before updating\nx\n=======\ny\n>>>>>>> after updating\n\nTracking issue:",
    )
    _, found = json_findings(capsys, path)
    assert [line for _, line, code in found if code == "TSSA402"] == [
        line_of(path, "<<<<<<<"),
        line_of(path, ">>>>>>>"),
    ]


def test_an_empty_section_is_a_warning(written: Path, capsys: pytest.CaptureFixture[str]) -> None:
    path = written / "self-assessment.md"
    text = path.read_text()
    start = text.index("<!-- guide: project-compliance")
    end = text.index("## Secure development practices")
    path.write_text(text[:start] + text[end:])
    code, found = json_findings(capsys, path)
    assert code == 0
    assert found == [("self-assessment.md", line_of(path, "## Project compliance"), "TSSA104")]


def test_missing_metadata_rows_and_table(written: Path, capsys: pytest.CaptureFixture[str]) -> None:
    path = written / "joint-assessment.md"
    edit(
        path,
        "| SBOM | <https://github.com/open-flibble/core/releases/download/v1.0.0/sbom.spdx.json> |\n",
        "",
    )
    _, found = json_findings(capsys, path)
    assert found == [("joint-assessment.md", line_of(path, "| | |"), "TSSA202")]
    text = path.read_text()
    start, end = text.index("| | |"), text.index("### Security links")
    path.write_text(text[:start] + text[end:])
    _, found = json_findings(capsys, path)
    assert found == [("joint-assessment.md", 1, "TSSA201")]


def test_lint_findings_only_on_request(written: Path, capsys: pytest.CaptureFixture[str]) -> None:
    path = written / "README.md"
    edit(path, "Tracking issue:", "Some <b>bold</b> text  \n\nTracking issue:")
    assert json_findings(capsys, path)[1] == []
    code, found = json_findings(capsys, "--lint", path)
    assert code == 0
    assert found == [("README.md", line_of(path, "<b>bold</b>"), "TSSA501")]
    _, out, _ = run(capsys, "--lint", path)
    assert "TSSA501 lint: MD033 Inline HTML" in out


def test_old_outline_shape_of_2021(capsys: pytest.CaptureFixture[str]) -> None:
    folder = FIXTURES / "shape-2021"
    code, found = json_findings(capsys, folder)
    assert code == 1
    self_assessment = folder / "community/assessments/projects/flibble/self-assessment.md"
    joint = self_assessment.with_name("joint-review.md")
    assert ("joint-review.md", 1, "TSSA003") in found
    assert ("self-assessment.md", line_of(self_assessment, "| **Software**") - 2, "TSSA202") in found
    # "No. The primary function is ..." answers No and explains it: no TSSA204
    assert ("self-assessment.md", line_of(self_assessment, "**Security Provider**"), "TSSA204") not in found
    assert ("self-assessment.md", line_of(self_assessment, "### Goal"), "TSSA105") in found
    assert ("self-assessment.md", line_of(self_assessment, "### CII Best Practices"), "TSSA105") in found
    assert ("joint-review.md", line_of(joint, "## Hands-on review"), "TSSA105") in found
    # bold keys and links in cells are read: the Software row is a link, so no TSSA205
    assert not [finding for finding in found if finding[2] in {"TSSA101", "TSSA205"}]
    _, out, _ = run(capsys, folder)
    assert 'Security Provider is "No. The primary function is to store data' not in out


def test_old_outline_shape_of_2023_in_the_toc_repository(capsys: pytest.CaptureFixture[str]) -> None:
    folder = FIXTURES / "shape-2023"
    code, found = json_findings(capsys, folder)
    path = folder / "projects/flibble/security-assessment/self-assessment.md"
    assert found == [("self-assessment.md", line_of(path, "| Assessment Stage"), "TSSA203")]
    assert code == 1


def test_many_packages_in_one_run(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    shutil.copytree(FIXTURES / "shape-2021", tmp_path / "tag")
    shutil.copytree(FIXTURES / "shape-2023", tmp_path / "toc")
    shutil.copytree(WRITTEN, tmp_path / "toc" / "projects" / "open-flibble" / "security-assessment")
    _, out, _ = run(capsys, tmp_path)
    assert out.rstrip().endswith("6 documents: 2 errors, 10 warnings")


def test_files_that_are_not_text_are_findings_not_crashes(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    folder = tmp_path / "odd"
    folder.mkdir()
    (folder / "self-assessment.md").write_bytes("# Fl\xefbble Self-assessment\n".encode("latin-1"))
    (folder / "joint-assessment.md").write_bytes(b"\x89PNG\r\n\x1a\n\x00\x00")
    code, found = json_findings(capsys, folder)
    assert code == 1
    assert ("self-assessment.md", 1, "TSSA002") in found
    assert ("joint-assessment.md", 1, "TSSA001") in found


def test_a_file_that_cannot_be_read_shows_no_progress(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    (tmp_path / "joint-assessment.md").write_bytes(b"\x89PNG\r\n\x1a\n\x00\x00")
    code, out, _ = run(capsys, tmp_path / "joint-assessment.md")
    assert code == 1
    first = out.splitlines()[0]
    assert first.endswith("sections written (0%)")
    assert " 0/0 " not in first


def test_real_world_markdown_is_tolerated(written: Path, capsys: pytest.CaptureFixture[str]) -> None:
    path = written / "self-assessment.md"
    edit(path, "| | |\n| --- | --- |", "| Key | Value | Notes |\n| --- | --- | --- |")
    edit(path, "## Overview", '<div align="center"><img src="logo.png" alt="logo"></div>\n\n## Overview')
    filler = "\n\n".join(
        f"Paragraph {number} with **bold**, `code` and a [link](#overview)." for number in range(20000)
    )
    edit(path, "Open Flibble's case studies: written", filler + "\n\nOpen Flibble's case studies: written")
    code, found = json_findings(capsys, path)
    assert code == 0
    assert found == []


def test_a_path_that_does_not_exist_is_one_line_and_exit_2(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    code, out, err = run(capsys, tmp_path / "nowhere")
    assert code == 2
    assert out == ""
    assert err == f"tssa: {tmp_path / 'nowhere'}: no such file or folder\n"
    (tmp_path / "empty").mkdir()
    code, _, err = run(capsys, tmp_path / "empty")
    assert code == 2
    assert "holds no self-assessment.md" in err


def test_json_output_is_complete(capsys: pytest.CaptureFixture[str]) -> None:
    code, out, _ = run(capsys, "--format", "json", FIXTURES / "shape-2023")
    assert code == 1
    report = json.loads(out)
    assert report["ok"] is False
    (document,) = report["documents"]
    assert document["document"] == "self-assessment"
    assert document["sections_written"] == document["sections_total"] == 21
    (finding,) = document["findings"]
    assert finding["code"] == "TSSA203"
    assert finding["name"] == "invalid-stage"
    assert finding["severity"] == "error"
    assert 'Assessment Stage is "In progress"' in finding["message"]


def test_lines_are_counted_as_an_editor_counts_them(written: Path, capsys: pytest.CaptureFixture[str]) -> None:
    path = written / "self-assessment.md"
    # a form feed and a Unicode line separator are not line breaks in Markdown
    edit(path, "Open Flibble's goals: written", "Open Flibble's goals:\u2028written\x0cby hand")
    edit(path, "Open Flibble's case studies: written", "TODO: ask the bank\n\nwritten")
    _, found = json_findings(capsys, path)
    assert found == [("self-assessment.md", line_of(path, "TODO: ask the bank"), "TSSA401")]


def test_draft_lines_count_outside_code_blocks_only(written: Path, capsys: pytest.CaptureFixture[str]) -> None:
    path = written / "self-assessment.md"
    code = "~~~text\n```\n~~~\n\nreference: https://example.org/left\n\n````md\n```\ntodo: shown\n```\n````\n"
    edit(path, "Open Flibble's goals: written", f"Open Flibble's goals: written\n\n{code}\n    todo: indented\n")
    _, found = json_findings(capsys, path)
    assert found == [("self-assessment.md", line_of(path, "reference: https://example.org/left"), "TSSA401")]


@pytest.mark.parametrize("encoding", ["utf-16", "utf-16-le", "utf-16-be"])
def test_a_utf16_file_with_a_bom_is_checked(written: Path, capsys: pytest.CaptureFixture[str], encoding: str) -> None:
    path = written / "self-assessment.md"
    edit(path, "| Assessment Stage | Complete |", "| Assessment Stage | Draft |")
    line = line_of(path, "| Assessment Stage")
    text = path.read_text(encoding="utf-8")
    bom = "" if encoding == "utf-16" else "\ufeff"  # the plain codec writes its own
    path.write_bytes((bom + text).encode(encoding))
    code, found = json_findings(capsys, path)
    assert code == 1
    assert found == [("self-assessment.md", 1, "TSSA002"), ("self-assessment.md", line, "TSSA203")]
    _, out, _ = run(capsys, path)
    assert "self-assessment.md is UTF-16, not UTF-8" in out
    assert "21/21 sections written" in out


def test_a_latin1_file_is_reported_at_the_first_bad_byte(written: Path, capsys: pytest.CaptureFixture[str]) -> None:
    path = written / "self-assessment.md"
    edit(path, "Open Flibble's ecosystem", "Open Flibbl\u00e9's ecosystem")
    path.write_bytes(path.read_text(encoding="utf-8").encode("latin-1"))
    code, found = json_findings(capsys, path)
    assert code == 1
    line = next(n for n, text in enumerate(path.read_bytes().split(b"\n"), 1) if b"Flibbl\xe9" in text)
    assert found == [("self-assessment.md", line, "TSSA002")]
    _, out, _ = run(capsys, path)
    assert f"is not UTF-8 (byte 0xE9 on line {line}); read with replacement characters" in out


def test_html_anchors_are_link_targets_and_not_heading_text(written: Path, capsys: pytest.CaptureFixture[str]) -> None:
    path = written / "self-assessment.md"
    edit(path, "### Background", '### <a name="background-story"></a>Background')
    edit(path, "## Project compliance", '<div id="Compliance"></div>\n\n## Project compliance')
    edit(path, "- [Overview](#overview)", "- [Overview](#overview)\n- [Story](#background-story)\n- [C](#compliance)")
    code, found = json_findings(capsys, path)
    assert (code, found) == (0, [])


def test_headings_in_quotes_and_lists_are_link_targets(written: Path, capsys: pytest.CaptureFixture[str]) -> None:
    path = written / "self-assessment.md"
    quoted = "> ### Quoted advisory\n>\n> Patch now.\n\n- #### Listed step\n\n> ## Overview\n"
    edit(path, "Open Flibble's case studies: written", f"Open Flibble's case studies: written\n\n{quoted}")
    links = "- [Q](#quoted-advisory)\n- [L](#listed-step)\n- [Again](#overview-1)"
    edit(path, "- [Overview](#overview)", f"- [Overview](#overview)\n{links}")
    code, found = json_findings(capsys, path)
    assert (code, found) == (0, [])
    edit(path, "- [L](#listed-step)", "- [L](#listed-steps)")
    assert json_findings(capsys, path) == (1, [("self-assessment.md", line_of(path, "- [L]"), "TSSA301")])


def test_linked_package_folders_are_checked_once_and_loops_end(
    written: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    many = tmp_path / "many"
    many.mkdir()
    real = Path(shutil.move(written, many / "real"))
    (many / "linked").symlink_to(real, target_is_directory=True)
    (many / "again").symlink_to(real, target_is_directory=True)
    (real / "up").symlink_to(many, target_is_directory=True)  # a loop: many/linked/up is many
    code, out, _ = run(capsys, many)
    assert code == 0
    assert out.rstrip().endswith("3 documents: 0 errors, 0 warnings")


def test_a_linked_folder_outside_is_followed_when_it_is_given_too(
    written: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    many = tmp_path / "many"
    many.mkdir()
    (many / "linked").symlink_to(written, target_is_directory=True)
    code, out, _ = run(capsys, many, written)
    assert code == 0
    assert out.rstrip().endswith("3 documents: 0 errors, 0 warnings")


def test_a_reader_that_stops_early_gets_no_traceback(tmp_path: Path) -> None:
    # far more output than a pipe holds, so the writer is still writing when the reader stops
    (tmp_path / "self-assessment.md").write_text("todo: write this\n\n" * 5000, encoding="utf-8")
    tssa = Path(sys.executable).with_name("tssa")
    with subprocess.Popen([tssa, "check", tmp_path], stdout=subprocess.PIPE, stderr=subprocess.PIPE) as process:
        assert process.stdout is not None and process.stderr is not None
        assert process.stdout.readline().decode().startswith(str(tmp_path))
        process.stdout.close()  # as `| head -1` does
        errors = process.stderr.read().decode()
    assert errors == ""
    assert process.returncode == 141


def test_files_an_update_leaves_next_to_a_document(written: Path, capsys: pytest.CaptureFixture[str]) -> None:
    (written / "self-assessment.md.rej").write_text("@@ -1 +1 @@\n-old\n+new\n", encoding="utf-8")
    shutil.copy(written / "README.md", written / "README.md.orig")
    code, found = json_findings(capsys, written)
    assert code == 1
    assert found == [("self-assessment.md", 1, "TSSA403"), ("README.md", 1, "TSSA404")]
    _, out, _ = run(capsys, written)
    assert "self-assessment.md.rej holds changes an update could not apply; apply them by hand, then delete it" in out
    (written / "self-assessment.md.rej").unlink()
    assert run(capsys, written)[0] == 0
    assert run(capsys, "--strict", written)[0] == 1


def test_a_document_named_twice_is_checked_once(written: Path, capsys: pytest.CaptureFixture[str]) -> None:
    _, out, _ = run(capsys, written, written / "self-assessment.md", written.parent)
    assert out.count("self-assessment.md  [") == 1
    assert out.rstrip().endswith("3 documents: 0 errors, 0 warnings")


def test_a_rejected_file_given_by_name_reports_its_document(written: Path, capsys: pytest.CaptureFixture[str]) -> None:
    rejected = written / "self-assessment.md.rej"
    rejected.write_text("@@ -1 +1 @@\n-a\n+b\n", encoding="utf-8")
    assert main(["check", str(rejected)]) == 1
    out = capsys.readouterr().out
    assert "self-assessment.md:1: error TSSA403 rejected-changes" in out
    assert "TSSA101" not in out


def test_a_link_to_a_package_document_not_written_yet_is_no_error(
    written: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    # The OpenSSF copy of the guide links its joint assessment to ./README.md, written last.
    (written / "README.md").unlink()
    path = written / "joint-assessment.md"
    path.write_text(path.read_text(encoding="utf-8") + "\nSee the [summary](./README.md).\n", encoding="utf-8")
    main(["check", "--select", "TSSA302", str(written)])
    assert "TSSA302" not in capsys.readouterr().out
