"""`--format github` annotations and the Markdown summary (`--format markdown`, `--summary FILE`)."""

from __future__ import annotations

from pathlib import Path

import pyromark
import pytest

from packages import KNOWN_ERROR_LINE, KNOWN_WARNING_LINE, WRITTEN, package_with_known_findings
from tssa.check.report import github_annotation
from tssa.cli import main
from tssa.errors import ExitCode
from tssa.reading.rules import Finding, Severity

STAGE = 'Assessment Stage is "In Progress"; allowed: Incomplete, Complete, Obsolete'
DRAFT = "draft line left over: TODO: <b>ask</b> | the bank"


@pytest.fixture
def known(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> tuple[int, int]:
    """`flibble/` in the working folder, with an error (TSSA203) and a warning (TSSA401): their lines."""
    package = package_with_known_findings(tmp_path / "flibble")
    monkeypatch.chdir(tmp_path)
    monkeypatch.delenv("GITHUB_WORKSPACE", raising=False)  # as outside GitHub, even when the tests run there
    lines = (package / "self-assessment.md").read_text(encoding="utf-8").split("\n")
    return lines.index(KNOWN_ERROR_LINE) + 1, lines.index(KNOWN_WARNING_LINE) + 1


def check(capsys: pytest.CaptureFixture[str], *args: str) -> tuple[int, str]:
    code = main(["check", "--select", "TSSA203,TSSA401", *args, "flibble"])
    return code, capsys.readouterr().out


def test_one_annotation_per_finding(known: tuple[int, int], capsys: pytest.CaptureFixture[str]) -> None:
    stage, draft = known
    code, out = check(capsys, "--format", "github")
    assert code == ExitCode.FINDINGS
    assert out.splitlines() == [
        f"::error file=flibble/self-assessment.md,line={stage},title=TSSA203 invalid-stage::{STAGE}",
        f"::warning file=flibble/self-assessment.md,line={draft},title=TSSA401 draft-line::{DRAFT}",
        "3 documents: 1 error, 1 warning",
    ]
    code, out = check(capsys, "--format", "github", "--strict")
    assert out.splitlines()[1].startswith("::error file=flibble/self-assessment.md")


def test_annotation_paths_are_from_the_repository_root(
    known: tuple[int, int], tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.setenv("GITHUB_WORKSPACE", str(tmp_path))
    monkeypatch.chdir(tmp_path / "flibble")  # a step with its own working-directory
    main(["check", "--select", "TSSA203", "--format", "github", "."])
    assert capsys.readouterr().out.startswith("::error file=flibble/self-assessment.md,line=")


def test_annotations_use_githubs_escaping() -> None:
    finding = Finding(Path("a,b:c%d\ne.md"), 0, "TSSA401", "50% done\r\nnext: x,y\x1b[2K")
    assert github_annotation(finding, Severity.WARNING) == (
        "::warning file=a%2Cb%3Ac%25d%0Ae.md,line=1,title=TSSA401 draft-line::50%25 done%0D%0Anext: x,y\\x1b[2K"
    )


def table_rows(markdown: str) -> list[list[str]]:
    """The cells of every table row, as a Markdown renderer reads them (the header rows included)."""
    rows: list[list[str]] = []
    for event in pyromark.events(markdown, options=pyromark.Options.ENABLE_TABLES):
        if event in ({"Start": "TableHead"}, {"Start": "TableRow"}):
            rows.append([])
        elif event == {"Start": "TableCell"}:
            rows[-1].append("")
        elif isinstance(event, dict) and "Text" in event and rows:
            rows[-1][-1] += event["Text"]
    return rows


def test_the_markdown_summary_tables_documents_and_findings(
    known: tuple[int, int], capsys: pytest.CaptureFixture[str]
) -> None:
    stage, draft = known
    code, out = check(capsys, "--format", "markdown")
    assert code == ExitCode.FINDINGS
    assert out.startswith("## tssa check\n\n3 documents: 1 error, 1 warning\n\n")
    rows = table_rows(out)
    assert rows[:2] == [
        ["document", "sections written", "errors", "warnings"],
        ["flibble/self-assessment.md", "21/21 (100%)", "1", "1"],
    ]
    # The value is data: its pipe and its HTML stay in their cell, literally.
    assert rows[-3:] == [
        ["file:line", "severity", "rule", "message"],
        [f"flibble/self-assessment.md:{stage}", "error", "TSSA203 invalid-stage", STAGE],
        [f"flibble/self-assessment.md:{draft}", "warning", "TSSA401 draft-line", DRAFT],
    ]
    assert (
        "](https://github.com/cncf/tag-security/blob/main/community/assessments/guide/self-assessment.md#metadata)"
        in out
    )


def test_summary_file_is_appended_beside_annotations(
    known: tuple[int, int], tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    summary = tmp_path / "step-summary.md"
    summary.write_text("earlier step\n", encoding="utf-8")
    code, out = check(capsys, "--format", "github", "--summary", str(summary))
    assert code == ExitCode.FINDINGS
    assert out.startswith("::error file=flibble/self-assessment.md")
    written = summary.read_text(encoding="utf-8")
    assert written.startswith("earlier step\n## tssa check\n")
    assert written.endswith(
        "| warning | TSSA401 draft-line | draft line left over: TODO: \\<b\\>ask\\</b\\> \\| the bank |\n"
    )


def test_a_clean_package_says_so(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["check", "--format", "markdown", str(WRITTEN)]) == ExitCode.OK
    assert capsys.readouterr().out.rstrip().endswith("\n\nNo findings.")
    assert main(["check", "--format", "github", str(WRITTEN)]) == ExitCode.OK
    assert capsys.readouterr().out == "3 documents: 0 errors, 0 warnings\n"


def test_a_summary_file_that_cannot_be_written_is_one_line(
    known: tuple[int, int], tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    code = main(["check", "--summary", str(tmp_path / "no" / "such.md"), "flibble"])
    assert code == ExitCode.USAGE
    err = capsys.readouterr().err
    assert err.startswith(f"tssa: --summary {tmp_path / 'no' / 'such.md'}: cannot be written")
    assert err.count("\n") == 1
