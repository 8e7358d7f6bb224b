"""Hostile checkouts: each bad value is one line naming the file and the field, and prefill goes on without it."""

from __future__ import annotations

import os
import time
from pathlib import Path

import pytest
import yaml

from checkouts import BASIC_FILES, make_checkout
from test_prefill import summary_row
from tssa.cli import main

pytestmark = pytest.mark.hostile

ALIAS_BOMB = (
    "\n".join(
        ["header:\n  schema-version: 2.0.0", "a: &a [lol, lol, lol, lol, lol, lol, lol, lol, lol]"]
        + [f"{chr(98 + i)}: &{chr(98 + i)} [{', '.join([f'*{chr(97 + i)}'] * 9)}]" for i in range(9)]
        + ["repository:", "  release:", "    attestations:", "      - name: *j", "project:", "  name: *j"]
    )
    + "\n"
)


def run(checkout: Path, output: Path, capsys: pytest.CaptureFixture[str]) -> tuple[int, str, str]:
    output.mkdir(exist_ok=True)
    code = main(["prefill", str(checkout), "--output", str(output)])
    captured = capsys.readouterr()
    return code, captured.out, captured.err


@pytest.mark.parametrize(
    ("insights", "said"),
    [
        (
            ALIAS_BOMB,
            "security-insights.yml line 8: field f[0]: holds more than 100,000 values once its aliases are expanded",
        ),
        (
            "header:\n  schema-version: " + "9" * 5000 + "\n",
            "security-insights.yml line 2: field header.schema-version: is a number of 5,000 digits",
        ),
        (
            "project:\n  name: 2020-13-45\n",
            "security-insights.yml line 2: field project.name: 2020-13-45 is not a valid date",
        ),
        (
            "header:\n  schema-version: 2001-02-30\n",
            "security-insights.yml line 2: field header.schema-version: 2001-02-30 is not a valid date",
        ),
        (
            "header:\n  schema-version: " + "[" * 5000 + "\n",
            "security-insights.yml line 2: field header.schema-version",
        ),
        (
            "project:\n  name: " + "{a: " * 3000 + "\n",
            "security-insights.yml line 2: field project.name.a.a.…: is nested deeper than 64 levels",
        ),
        ("project:\n  name: !!python/object/apply:os.system [echo hi]\n", "field project.name: has the tag"),
        ("a: &a [*a]\n", "field a[0]: the alias *a refers to a value that holds it"),
    ],
    ids=[
        "alias-bomb",
        "digits",
        "bad-date-name",
        "bad-date-version",
        "brackets",
        "braces",
        "python-tag",
        "recursive-alias",
    ],
)
def test_a_hostile_security_insights_value_is_one_line_and_the_rest_goes_on(
    insights: str, said: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    checkout = make_checkout(tmp_path / "rocket", {**BASIC_FILES, "security-insights.yml": insights})
    started = time.monotonic()
    code, out, err = run(checkout, tmp_path / "out", capsys)
    assert time.monotonic() - started < 10
    assert code == 0
    lines = [line for line in err.splitlines() if line]
    assert len(lines) == 1 and lines[0].startswith("tssa prefill: security-insights.yml line ")
    assert said in lines[0] and lines[0].endswith("; the file is not used")
    assert len(lines[0]) < 300
    answers = yaml.safe_load((tmp_path / "out" / "answers.yml").read_text(encoding="utf-8"))
    assert answers["project_name"] == "Rocket"  # from the README: the Insights file is not used
    assert answers["security_contact"] == "security@rocket.dev"
    assert "Security Insights" not in answers["security_links"]
    assert said in summary_row(out, "Not used")


def test_a_remote_with_a_port_out_of_range_is_one_line(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    checkout = make_checkout(tmp_path / "rocket", BASIC_FILES, remote="https://github.com:99999/e/x")
    code, out, err = run(checkout, tmp_path / "out", capsys)
    assert code == 0
    assert err == "tssa prefill: git remote origin: port out of range 0-65535; no links to the repository are made\n"
    answers = yaml.safe_load((tmp_path / "out" / "answers.yml").read_text(encoding="utf-8"))
    assert "software_url" not in answers and answers["security_links"] == {}
    assert "remote origin is not a web address (port out of range 0-65535)" in summary_row(out, "Repository")


@pytest.mark.parametrize("remote", ["https://[::1/x", "https://github.com:-1/a/b", "https://host:port/a/b"])
def test_other_unreadable_remotes_are_one_line_too(
    remote: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    checkout = make_checkout(tmp_path / "rocket", BASIC_FILES, remote=remote)
    code, _, err = run(checkout, tmp_path / "out", capsys)
    assert code == 0
    assert err.count("\n") == 1 and err.startswith("tssa prefill: git remote origin: ")


@pytest.mark.parametrize("blocker", ["folder", "fifo"])
def test_force_replaces_both_files_or_neither(blocker: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    checkout = make_checkout(tmp_path / "rocket", BASIC_FILES)
    output = tmp_path / "out"
    output.mkdir()
    (output / "answers.yml").write_text("mine\n", encoding="utf-8")
    if blocker == "folder":
        (output / "draft.md").mkdir()
    else:
        os.mkfifo(output / "draft.md")
    assert main(["prefill", str(checkout), "--output", str(output), "--force"]) == 2
    err = capsys.readouterr().err
    assert err.strip().count("\n") == 0 and "draft.md exists and is not a file" in err
    assert (output / "answers.yml").read_text(encoding="utf-8") == "mine\n"
    assert sorted(os.listdir(output)) == ["answers.yml", "draft.md"]  # no temporary left behind


def test_a_failed_rename_puts_the_first_file_back(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    checkout = make_checkout(tmp_path / "rocket", BASIC_FILES)
    output = tmp_path / "out"
    output.mkdir()
    (output / "answers.yml").write_text("mine\n", encoding="utf-8")
    (output / "draft.md").write_text("my draft\n", encoding="utf-8")
    real_replace = os.replace

    def failing(source: str | Path, target: str | Path) -> None:
        if Path(target).name == "draft.md" and ".tmp" in Path(source).name:
            raise OSError(28, "No space left on device")
        real_replace(source, target)

    monkeypatch.setattr(os, "replace", failing)
    assert main(["prefill", str(checkout), "--output", str(output), "--force"]) != 0
    assert (output / "answers.yml").read_text(encoding="utf-8") == "mine\n"
    assert (output / "draft.md").read_text(encoding="utf-8") == "my draft\n"
    assert sorted(os.listdir(output)) == ["answers.yml", "draft.md"]


def test_a_hostile_workflow_and_release_file_are_skipped_with_a_note(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    files = {
        **BASIC_FILES,
        ".github/workflows/bomb.yml": ALIAS_BOMB,
        ".github/workflows/deep.yml": "on: " + "[" * 5000 + "\n",
        ".github/dependabot.yml": "updates: " + "{a: " * 3000 + "\n",
        ".goreleaser.yaml": "sboms: !!python/name:os.system\nsigns: &x [*x]\n",
    }
    code, out, err = run(make_checkout(tmp_path / "rocket", files), tmp_path / "out", capsys)
    assert code == 0 and err == ""
    notes = [line for line in out.splitlines() if line.startswith("| Not read |")]
    assert any(".github/workflows/bomb.yml line 8" in line and "the workflow is skipped" in line for line in notes)
    assert any(".github/workflows/deep.yml line 1" in line for line in notes)
    assert any(
        ".github/dependabot.yml line 1: field updates.a.a.a.…: is nested deeper than 64 levels" in line
        for line in notes
    )
    assert any(
        ".goreleaser.yaml line 2: field signs[0]: the alias *x refers to a value that holds it" in line
        for line in notes
    )


def test_ten_thousand_workflow_lines_and_a_huge_readme_stay_bounded(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    steps = "".join(f"      - run: make test-{index}\n" for index in range(10_000))
    files = {
        **BASIC_FILES,
        ".github/workflows/big.yml": "on: [pull_request]\njobs:\n  t:\n    steps:\n" + steps,
        "README.md": "# Rocket\n\n" + "[x](https://cloud-native.slack.com/messages/rocket) " * 50_000,
    }
    started = time.monotonic()
    code, _, _ = run(make_checkout(tmp_path / "rocket", files), tmp_path / "out", capsys)
    assert code == 0
    assert time.monotonic() - started < 20
    draft = (tmp_path / "out" / "draft.md").read_text(encoding="utf-8")
    assert max(len(line) for line in draft.splitlines()) <= 512


def test_workflows_and_test_files_are_read_within_a_byte_budget(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    from tssa.prefill import repofacts, workflows

    monkeypatch.setattr(workflows, "MAX_TOTAL_BYTES", 1000)
    monkeypatch.setattr(repofacts, "MAX_TEST_BYTES", 1000)
    files: dict[str, str] = {"README.md": "# Rocket\n"}
    for index in range(5):
        files[f".github/workflows/w{index}.yml"] = (
            "on: [pull_request]\njobs:\n  t:\n    steps:\n" + "      - run: make test\n" * 40
        )
        files[f"pkg/a{index}_fuzz_test.go"] = "package a\n\nfunc FuzzA(f *testing.F) {}\n" + "// x\n" * 300
    code, out, _ = run(make_checkout(tmp_path / "rocket", files), tmp_path / "out", capsys)
    assert code == 0
    assert "3 workflows not read: 1 KiB of workflows were read already (the limit)" in summary_row(out, "Not read")
    draft = (tmp_path / "out" / "draft.md").read_text(encoding="utf-8")
    assert "The Go code has at least 1 native fuzz test in 1 file: `FuzzA`." in draft
