"""`tssa prefill`: what a project lead gets from a checkout of their repository."""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any

import pytest
import yaml

from checkouts import BASIC_FILES, git, make_checkout
from tssa.check.lint import lint_markdown
from tssa.cli import main

Outputs = tuple[dict[str, Any], str, str]


def prefill(checkout: Path, output: Path, capsys: pytest.CaptureFixture[str]) -> Outputs:
    """Run the command; return the answers, the draft and what it printed."""
    output.mkdir(exist_ok=True)
    assert main(["prefill", str(checkout), "--output", str(output)]) == 0
    printed = capsys.readouterr().out
    answers = yaml.safe_load((output / "answers.yml").read_text(encoding="utf-8"))
    return answers, (output / "draft.md").read_text(encoding="utf-8"), printed


def summary_row(printed: str, what: str) -> str:
    rows = [line for line in printed.splitlines() if line.startswith(f"| {what} |")]
    assert len(rows) == 1, f"no single summary row for {what}"
    return rows[0]


def references_under(draft: str, heading: str) -> list[str]:
    lines = draft.splitlines()
    start = lines.index(heading) + 1
    found = []
    for line in lines[start:]:
        if line.startswith("#"):
            break
        if line.startswith("reference: "):
            found.append(line.removeprefix("reference: ").removeprefix("<").removesuffix(">"))
    return found


def test_an_ssh_remote_gives_the_https_address_and_blob_links(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    checkout = make_checkout(tmp_path / "rocket", BASIC_FILES)
    answers, draft, printed = prefill(checkout, tmp_path / "out", capsys)
    assert answers["software_url"] == "https://github.com/acme/rocket"
    assert answers["project_name"] == "Rocket"
    assert answers["project_slug"] == "rocket"
    assert answers["languages"] == ["Go"]
    assert answers["security_contact"] == "security@rocket.dev"
    assert answers["security_links"] == {"Security file": "https://github.com/acme/rocket/blob/main/SECURITY.md"}
    assert references_under(draft, "### Responsible Disclosures Process") == [
        "https://github.com/acme/rocket/blob/main/SECURITY.md",
        "https://github.com/acme/rocket/security/advisories/new",
    ]
    assert references_under(draft, "### Development Pipeline") == [
        "https://github.com/acme/rocket/blob/main/CONTRIBUTING.md"
    ]
    assert "https://github.com/acme/rocket/blob/main/README.md#community" in references_under(
        draft, "### Communication Channels"
    )
    assert "git remote origin" in summary_row(printed, "Repository")


def test_the_draft_starts_with_the_delete_note_follows_the_outline_and_passes_the_lint(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    checkout = make_checkout(tmp_path / "rocket", BASIC_FILES)
    _, draft, _ = prefill(checkout, tmp_path / "out", capsys)
    lines = draft.splitlines()
    assert lines[0] == "# Rocket self-assessment: draft"
    assert lines[2].startswith("todo: each statement below ends with links to the lines of the repository")
    headings = [line for line in lines if line.startswith("#")]
    assert headings.index("## Secure development practices") < headings.index("## Security issue resolution")
    assert headings.index("### Development Pipeline") < headings.index("### Communication Channels")
    assert lint_markdown(draft) == []


@pytest.mark.hostile
def test_https_remotes_lose_their_credentials(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    remote = "https://bot:ghp_secret123@github.com/acme/rocket.git"
    checkout = make_checkout(tmp_path / "rocket", BASIC_FILES, remote=remote)
    answers, draft, printed = prefill(checkout, tmp_path / "out", capsys)
    assert answers["software_url"] == "https://github.com/acme/rocket"
    for text in (draft, printed, (tmp_path / "out" / "answers.yml").read_text(encoding="utf-8")):
        assert "ghp_secret123" not in text


def test_a_gitlab_remote_links_the_gitlab_way(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    remote = "ssh://git@gitlab.com:2222/space/team/rocket.git"
    checkout = make_checkout(tmp_path / "rocket", BASIC_FILES, remote=remote)
    answers, draft, _ = prefill(checkout, tmp_path / "out", capsys)
    assert answers["software_url"] == "https://gitlab.com/space/team/rocket"
    assert answers["security_links"]["Security file"] == "https://gitlab.com/space/team/rocket/-/blob/main/SECURITY.md"
    assert "https://gitlab.com/space/team/rocket/-/blob/main/CONTRIBUTING.md" in draft


def test_the_remotes_default_branch_wins_over_the_checked_out_one(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    checkout = make_checkout(tmp_path / "rocket", BASIC_FILES, branch="feature")
    git(checkout, "symbolic-ref", "refs/remotes/origin/HEAD", "refs/remotes/origin/trunk")
    answers, _, printed = prefill(checkout, tmp_path / "out", capsys)
    assert answers["security_links"]["Security file"] == "https://github.com/acme/rocket/blob/trunk/SECURITY.md"
    assert "trunk (origin/HEAD)" in summary_row(printed, "Default branch")


def test_without_a_remote_no_address_is_guessed(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    checkout = make_checkout(tmp_path / "rocket", BASIC_FILES, remote=None)
    answers, draft, printed = prefill(checkout, tmp_path / "out", capsys)
    assert "software_url" not in answers
    assert answers["security_links"] == {}  # written empty, so copier derives no address either
    assert "no git remote" in summary_row(printed, "Repository")
    # The references still name the files, by their paths in the checkout.
    assert references_under(draft, "### Development Pipeline") == ["`CONTRIBUTING.md`"]


def test_without_a_security_policy_the_contact_is_left_to_the_questionnaire(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    files = {name: content for name, content in BASIC_FILES.items() if name != "SECURITY.md"}
    checkout = make_checkout(tmp_path / "rocket", files)
    answers, draft, printed = prefill(checkout, tmp_path / "out", capsys)
    assert "security_contact" not in answers
    assert answers["security_links"] == {}
    assert "### Responsible Disclosures Process" not in draft
    assert summary_row(printed, "Security policy") == "| Security policy | not found | - |"
    assert "not found" in summary_row(printed, "Security contact")
    # The draft says so, and names where GitHub would show an organization's policy.
    assert "todo: The repository has no SECURITY.md" in draft
    assert "<https://github.com/acme/rocket/security/policy>" in draft


def test_a_security_policy_in_the_github_folder_counts(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    files = {**BASIC_FILES, ".github/SECURITY.md": BASIC_FILES["SECURITY.md"]}
    del files["SECURITY.md"]
    checkout = make_checkout(tmp_path / "rocket", files)
    answers, _, _ = prefill(checkout, tmp_path / "out", capsys)
    assert answers["security_links"] == {
        "Security file": "https://github.com/acme/rocket/blob/main/.github/SECURITY.md"
    }


def test_the_project_name_falls_back_from_readme_title_to_the_repository_name(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    badge = "[![OpenSSF Best Practices](https://www.bestpractices.dev/projects/4242/badge)](https://www.bestpractices.dev/projects/4242)"
    with_badge = make_checkout(tmp_path / "one", {**BASIC_FILES, "README.md": f"# Rocket Launcher {badge}\n"})
    answers, draft, _ = prefill(with_badge, tmp_path / "out1", capsys)
    assert answers["project_name"] == "Rocket Launcher"
    assert references_under(draft, "### OpenSSF Best Practices") == ["https://www.bestpractices.dev/projects/4242"]
    untitled = make_checkout(tmp_path / "space-probe", {**BASIC_FILES, "README.md": "No title here.\n"})
    answers, _, printed = prefill(untitled, tmp_path / "out2", capsys)
    assert answers["project_name"] == "rocket"
    assert "the repository's name" in summary_row(printed, "Project name")
    local = make_checkout(tmp_path / "space-probe-2", {"README.md": "No title here.\n"}, remote=None)
    answers, _, printed = prefill(local, tmp_path / "out3", capsys)
    assert answers["project_name"] == "space-probe-2"
    assert "the folder name" in summary_row(printed, "Project name")


def test_languages_leave_out_vendored_folders_and_generated_files(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    files: dict[str, str | bytes] = {
        "README.md": "# Rocket\n",
        "app.py": "",
        "lib/core.py": "",
        "lib/util.py": "",
        "gen/api.ts": "",
        "gen/models.ts": "",
        "web/ui.ts": "",
        ".gitattributes": "gen/** linguist-generated\nweb/** linguist-vendored\nweb/ui.ts -linguist-vendored\n",
    }
    for index in range(300):
        files[f"vendor/github.com/big/lib{index % 7}/file{index}.go"] = ""
    for index in range(100):
        files[f"frontend/node_modules/pkg{index}/index.js"] = ""
    checkout = make_checkout(tmp_path / "rocket", files)
    answers, _, printed = prefill(checkout, tmp_path / "out", capsys)
    assert answers["languages"] == ["Python", "TypeScript"]
    row = summary_row(printed, "Languages")
    assert "4 source files" in row and "2 vendored or generated left out" in row
    assert "frontend/node_modules, vendor" in summary_row(printed, "Not scanned: vendored and tool folders")


@pytest.mark.hostile
def test_links_out_of_the_checkout_are_never_followed_or_read(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    outside = tmp_path / "outside"
    (outside / "many").mkdir(parents=True)
    (outside / "SECURITY.md").write_text("Mail leaked@outside.example\n", encoding="utf-8")
    for index in range(50):
        (outside / "many" / f"f{index}.rs").write_text("", encoding="utf-8")
    files = {name: content for name, content in BASIC_FILES.items() if name != "SECURITY.md"}
    checkout = make_checkout(tmp_path / "rocket", files)
    (checkout / "SECURITY.md").symlink_to(outside / "SECURITY.md")
    (checkout / "docs").mkdir()
    (checkout / "docs" / "SECURITY.md").symlink_to(outside / "SECURITY.md")
    (checkout / "src").symlink_to(outside / "many", target_is_directory=True)
    answers, draft, printed = prefill(checkout, tmp_path / "out", capsys)
    assert "security_contact" not in answers
    assert answers["languages"] == ["Go"]
    everything = draft + printed + (tmp_path / "out" / "answers.yml").read_text(encoding="utf-8")
    assert "leaked@outside.example" not in everything
    assert "3 links" in summary_row(printed, "Not followed: links")


@pytest.mark.hostile
def test_binary_and_non_utf8_files_are_read_safely(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    files: dict[str, str | bytes] = {
        **BASIC_FILES,
        "README.md": b"\x89PNG\r\n\x1a\n\x00\x00\x00binary",
        "SECURITY.md": "Schreiben Sie an sécurité@rocket.dev oder security@rocket.dev.\n".encode("latin-1"),
        "logo.go": b"\x00\x01\x02",
    }
    checkout = make_checkout(tmp_path / "rocket", files)
    answers, _, printed = prefill(checkout, tmp_path / "out", capsys)
    assert answers["project_name"] == "rocket"  # the repository's name: the README cannot be read
    assert answers["security_contact"] == "security@rocket.dev"
    assert "README.md is binary" in summary_row(printed, "Not read")


def test_badges_sbom_files_and_a_threat_model_are_found(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    files: dict[str, str | bytes] = {
        **BASIC_FILES,
        "README.md": "# Rocket\n\n[![Scorecard](https://api.scorecard.dev/projects/github.com/acme/rocket/badge)](x)\n",
        "release/rocket.spdx.json": "{}",
        "test/fixtures/example.spdx.json": "{}",
        "docs/threat-model.md": "# Threats\n",
    }
    checkout = make_checkout(tmp_path / "rocket", files)
    answers, draft, _printed = prefill(checkout, tmp_path / "out", capsys)
    blob = "https://github.com/acme/rocket/blob/main/"
    assert answers["sbom_url"] == blob + "release/rocket.spdx.json"
    assert answers["security_links"]["Threat model"] == blob + "docs/threat-model.md"
    assert "https://scorecard.dev/viewer/?uri=github.com/acme/rocket" in references_under(
        draft, "### OpenSSF Best Practices"
    )
    assert "example.spdx.json" not in draft


def test_existing_files_are_not_replaced_without_force(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    checkout = make_checkout(tmp_path / "rocket", BASIC_FILES)
    output = tmp_path / "out"
    output.mkdir()
    (output / "answers.yml").write_text("mine\n", encoding="utf-8")
    assert main(["prefill", str(checkout), "--output", str(output)]) == 2
    assert "answers.yml exists already; use --force" in capsys.readouterr().err
    assert (output / "answers.yml").read_text(encoding="utf-8") == "mine\n"
    assert not (output / "draft.md").exists()
    assert main(["prefill", str(checkout), "--output", str(output), "--force"]) == 0
    assert "software_url" in (output / "answers.yml").read_text(encoding="utf-8")


def test_a_missing_checkout_is_one_line_and_exit_2(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["prefill", str(tmp_path / "nope"), "--output", str(tmp_path)]) == 2
    error = capsys.readouterr().err
    assert error.strip().count("\n") == 0 and "not a folder" in error
    assert os.listdir(tmp_path) == []


@pytest.mark.hostile
def test_file_names_are_data_in_the_draft_and_the_summary(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    evil = "docs/a|b threat-model\x1b[2J `x`.md"
    checkout = make_checkout(tmp_path / "rocket", {**BASIC_FILES, evil: "# Threats\n"})
    answers, draft, printed = prefill(checkout, tmp_path / "out", capsys)
    assert "Threat model" not in answers["security_links"]  # not a valid address, so not an answer
    assert "\x1b" not in draft + printed
    row = summary_row(printed, "Threat model")
    assert row.replace("\\|", "").count("|") == 4
    link = "https://github.com/acme/rocket/blob/main/docs/a|b threat-model\ufffd[2J `x`.md"
    assert references_under(draft, "## Security functions and features") == [f"``{link}``"]
    assert lint_markdown(draft) == []


@pytest.mark.hostile
def test_a_fifo_is_never_opened_and_big_files_are_read_only_in_part(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    files = {name: content for name, content in BASIC_FILES.items() if name != "SECURITY.md"}
    big = "Write to first@rocket.dev.\n" + "x" * (1024 * 1024) + "\nor to late@rocket.dev\n"
    checkout = make_checkout(tmp_path / "rocket", {**files, ".github/SECURITY.md": big})
    os.mkfifo(checkout / "SECURITY.md")  # named like the policy; opening it would wait forever
    answers, draft, _ = prefill(checkout, tmp_path / "out", capsys)
    assert answers["security_contact"] == "first@rocket.dev"
    assert "late@rocket.dev" not in draft
    assert answers["security_links"] == {
        "Security file": "https://github.com/acme/rocket/blob/main/.github/SECURITY.md"
    }
