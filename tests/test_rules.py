"""Rules: one per code, listed by `--list-rules`, picked by `--select`/`--ignore`, judged alike in every format."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest

from conftest import TEMPLATE_ROOT
from packages import package_with_known_findings
from tssa.check.report import rules_table
from tssa.cli import main
from tssa.errors import ExitCode
from tssa.reading.rules import GUIDE, RULES, Selection, Severity


@pytest.fixture
def known(tmp_path: Path) -> Path:
    return package_with_known_findings(tmp_path / "flibble")


def codes_found(capsys: pytest.CaptureFixture[str], *args: str | Path) -> tuple[int, set[str]]:
    code = main(["check", "--format", "json", *map(str, args)])
    report = json.loads(capsys.readouterr().out)
    return code, {finding["code"] for document in report["documents"] for finding in document["findings"]}


def test_each_code_is_one_rule_with_a_stable_shape() -> None:
    codes = [rule.code for rule in RULES]
    assert len(set(codes)) == len(codes)
    assert len({rule.name for rule in RULES}) == len(RULES)
    for rule in RULES:
        assert re.fullmatch(r"TSSA\d{3}", rule.code)
        assert re.fullmatch(r"[a-z0-9]+(-[a-z0-9]+)*", rule.name)
        assert rule.summary and "\n" not in rule.summary
        assert rule.guide is None or rule.guide.startswith(GUIDE)
    # The codes agreed for this round are all there, with their severities.
    severities = {rule.code: rule.severity for rule in RULES}
    for code in ("TSSA004", "TSSA005", "TSSA006", "TSSA007"):
        assert severities[code] is Severity.ERROR
    for code in ("TSSA106", "TSSA107", "TSSA108", "TSSA405", "TSSA502"):
        assert severities[code] is Severity.WARNING


def test_the_check_page_table_is_the_rules() -> None:
    page = (TEMPLATE_ROOT / "docs" / "check.md").read_text(encoding="utf-8")
    start = page.index("| code | name | severity | what it means |")
    end = page.index("\n\n", start)
    assert page[start:end] == rules_table()


def test_list_rules_prints_every_rule(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["check", "--list-rules"]) == ExitCode.OK
    lines = capsys.readouterr().out.splitlines()
    assert [line.split()[0] for line in lines] == [rule.code for rule in RULES]
    assert lines[0].split()[1:3] == ["error", "unreadable-file"]
    assert main(["check", "--list-rules", "--format", "json"]) == ExitCode.OK
    listed = json.loads(capsys.readouterr().out)
    missing = next(rule for rule in listed if rule["code"] == "TSSA101")
    assert missing["name"] == "missing-section"
    assert missing["severity"] == "error"
    assert missing["guide"].endswith("self-assessment.md#self-assessment-outline")


def test_select_and_ignore_take_codes_prefixes_and_names(known: Path, capsys: pytest.CaptureFixture[str]) -> None:
    code, found = codes_found(capsys, known)
    assert {"TSSA203", "TSSA401"} <= found
    code, found = codes_found(capsys, "--select", "TSSA4", known)
    assert (code, found) == (ExitCode.OK, {"TSSA401"})  # the error is not selected, so it does not fail
    code, found = codes_found(capsys, "--select", "TSSA203,TSSA401", "--ignore", "TSSA4", known)
    assert (code, found) == (ExitCode.FINDINGS, {"TSSA203"})
    code, found = codes_found(capsys, "--select", "TSSA2", "--select", "TSSA4", "--ignore", "invalid-stage", known)
    assert (code, found) == (ExitCode.OK, {"TSSA401"})


@pytest.mark.parametrize(("option", "value"), [("--ignore", "TSSA9"), ("--select", "TSSA1O1"), ("--ignore", "")])
def test_an_unknown_rule_is_refused_naming_the_option(
    known: Path, capsys: pytest.CaptureFixture[str], option: str, value: str
) -> None:
    assert main(["check", option, value, str(known)]) == ExitCode.USAGE
    out, err = capsys.readouterr()
    assert out == ""
    assert err == (
        f"tssa: {option}: {value!r} is not a rule; give a code (TSSA101), a prefix (TSSA1) or a name "
        "(missing-section), as `tssa check --list-rules` shows\n"
    )


def test_strict_gives_a_warning_the_same_severity_in_text_and_json(
    known: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    args = ["check", "--select", "TSSA401", str(known)]
    assert main(args) == ExitCode.OK
    assert ": warning TSSA401 draft-line: " in capsys.readouterr().out
    assert main([*args, "--strict"]) == ExitCode.FINDINGS
    text = capsys.readouterr().out
    assert ": error TSSA401 draft-line: " in text
    assert text.rstrip().endswith("3 documents: 1 error, 0 warnings")
    assert main([*args, "--strict", "--format", "json"]) == ExitCode.FINDINGS
    report = json.loads(capsys.readouterr().out)
    assert report["ok"] is False
    (finding,) = [finding for document in report["documents"] for finding in document["findings"]]
    assert finding["severity"] == "error"


def test_selection_is_the_one_judge_of_failure() -> None:
    assert Selection.from_options(["TSSA1"]).codes == {rule.code for rule in RULES if rule.code.startswith("TSSA1")}
    assert Selection.from_options(ignore=["tssa5"]).codes == {
        rule.code for rule in RULES if not rule.code.startswith("TSSA5")
    }


def test_list_rules_honours_the_selection(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["check", "--list-rules", "--select", "TSSA4", "--ignore", "TSSA405"]) == ExitCode.OK
    assert [line.split()[0] for line in capsys.readouterr().out.splitlines()] == [
        "TSSA401",
        "TSSA402",
        "TSSA403",
        "TSSA404",
    ]
    assert main(["check", "--list-rules", "--format", "markdown", "--select", "TSSA203"]) == ExitCode.OK
    assert capsys.readouterr().out.splitlines()[2].startswith("| [TSSA203](https://github.com/cncf/tag-security/")
