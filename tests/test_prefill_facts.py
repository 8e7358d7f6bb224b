"""`tssa prefill` states what the repository proves: one fact per list item, each with links to its lines."""

from __future__ import annotations

import json
import re
from pathlib import Path
from typing import Any

import pytest

from checkouts import git, make_checkout
from prefill_repos import EVIDENCE_WORDS, GORELEASER, PROJECT, SECURITY, WORKFLOW_CI
from test_prefill import prefill
from tssa.check.lint import lint_markdown
from tssa.cli import main

_EVIDENCE_LINK = re.compile(r"\[([^\]]+)\]\((https://github\.com/acme/rocket/blob/([0-9a-f]{40})/([^)#]+)#L(\d+))\)")


def fact_items(draft: str) -> list[str]:
    """The draft's list items, each with its continuation lines joined."""
    items: list[str] = []
    for line in draft.splitlines():
        if line.startswith("- "):
            items.append(line[2:])
        elif line.startswith("  ") and items:
            items[-1] += " " + line.strip()
    return items


def run_json(checkout: Path, output: Path, capsys: pytest.CaptureFixture[str]) -> dict[str, Any]:
    output.mkdir(exist_ok=True)
    assert main(["prefill", str(checkout), "--output", str(output), "--format", "json"]) == 0
    data: dict[str, Any] = json.loads(capsys.readouterr().out)
    return data


@pytest.fixture
def project(tmp_path: Path) -> Path:
    return make_checkout(tmp_path / "rocket", PROJECT, commit=True)


def test_every_practice_the_repository_shows_is_stated(
    project: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    data = run_json(project, tmp_path / "out", capsys)
    pipeline = {fact["practice"] for fact in data["facts"] if fact["section"][-1] == "Development Pipeline"}
    assert pipeline == {
        "tests",
        "linters",
        "static analysis",
        "vulnerability scanning",
        "OpenSSF Scorecard",
        "fuzzing",
        "signing",
        "SBOM generation",
        "provenance",
        "pinned actions",
        "code owners and reviews",
        "DCO",
        "license scanning",
        "secret scanning",
        "dependency updates",
    }
    resolution = {
        fact["practice"] for fact in data["facts"] if fact["section"][-1] == "Responsible Disclosures Process"
    }
    assert resolution == {
        "reporting address",
        "private reporting",
        "response times",
        "supported versions",
        "disclosure policy",
    }
    sentences = [fact["sentence"] for fact in data["facts"]]
    for words in (
        "CodeQL analyses the code in workflow security.yml (job codeql), on pull requests and a schedule.",
        "Trivy scans container images for known vulnerabilities",
        "Dependabot proposes dependency updates for gomod (weekly), github-actions (weekly) and docker (monthly).",
        "GoReleaser generates SBOMs of the release's archive artifacts in SPDX format",
        "GoReleaser signs the release artifacts with cosign",
        "SLSA GitHub generator generates SLSA provenance in workflow release.yml (job provenance), on pushes of tags.",
        "18 of 19 actions the workflows use are pinned to a full commit SHA.",
        "The Go code has 2 native fuzz tests in 1 file: FuzzParse and FuzzDecode.",
        "Supported versions: 2.1.x and 2.0.x (SECURITY.md).",
        "Tests run on pull requests: make test",
    ):
        assert any(words in sentence for sentence in sentences), words


def test_every_evidence_link_is_at_the_commit_and_its_line_holds_what_the_fact_says(
    project: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    commit = git(project, "rev-parse", "HEAD")
    data = run_json(project, tmp_path / "out", capsys)
    assert data["commit"] == commit
    links = 0
    for fact in data["facts"]:
        assert fact["evidence"], fact["sentence"]
        words = EVIDENCE_WORDS[fact["practice"]]
        for evidence in fact["evidence"]:
            url = f"https://github.com/acme/rocket/blob/{commit}/{evidence['path']}#L{evidence['line']}"
            assert evidence["url"] == url
            lines = (project / evidence["path"]).read_text(encoding="utf-8").splitlines()
            line = lines[evidence["line"] - 1].lower()
            assert any(word in line for word in words), (fact["sentence"], line)
            links += 1
    assert links >= 50


def test_the_draft_is_rendered_from_the_facts_and_passes_the_tag_lint(
    project: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    _, draft, _ = prefill(project, tmp_path / "out", capsys)
    data = run_json(project, tmp_path / "json", capsys)
    items = fact_items(draft)
    assert len(items) == len(data["facts"])
    for item, fact in zip(items, data["facts"], strict=True):
        links = _EVIDENCE_LINK.findall(item)
        assert [(path, int(line)) for _, _, _, path, line in links] == [
            (evidence["path"], evidence["line"]) for evidence in fact["evidence"]
        ]
        assert all(text == f"{path}:{line}" for text, _, _, path, line in links)
        words = re.sub(r"\\(.)", r"\1", item.split(" [")[0].replace("\\`", "\0"))
        assert words.replace("`", "").replace("\0", "`").replace("<", "").replace(">", "") in fact["sentence"]
    assert "## Secure development practices\n\n### Development Pipeline\n\n- Tests run on pull requests" in draft
    assert max(len(line) for line in draft.splitlines()) <= 512
    assert lint_markdown(draft) == []


def test_the_json_holds_answers_todo_and_the_summary(
    project: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    data = run_json(project, tmp_path / "out", capsys)
    assert data["answers"]["sbom_url"] == "https://github.com/acme/rocket/releases/latest"
    assert data["repository"] == "https://github.com/acme/rocket"
    assert data["branch"] == "main"
    sbom = next(fact for fact in data["facts"] if fact.get("field") == "sbom_url")
    assert sbom["in_answers"] is True and sbom["evidence"][0]["path"] == ".goreleaser.yaml"
    assert any(row["what"] == "Languages" for row in data["found"])
    # The files are written all the same.
    assert (tmp_path / "out" / "answers.yml").exists() and (tmp_path / "out" / "draft.md").exists()


def test_the_sbom_answer_follows_the_release_configuration(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    files = {"README.md": "# Rocket\n", "main.go": "package main\n", ".goreleaser.yml": GORELEASER}
    answers, _, _ = prefill(make_checkout(tmp_path / "a", files, commit=True), tmp_path / "out1", capsys)
    assert answers["sbom_url"] == "https://github.com/acme/rocket/releases/latest"
    # A release that is not published on GitHub puts no SBOM on the release page.
    unpublished = GORELEASER + "release:\n  disable: true\n"
    answers, draft, _ = prefill(
        make_checkout(tmp_path / "b", {**files, ".goreleaser.yml": unpublished}), tmp_path / "out2", capsys
    )
    assert "sbom_url" not in answers
    assert "GoReleaser generates SBOMs" in draft  # the practice is still a fact
    # GitLab has its own release page.
    gitlab = make_checkout(tmp_path / "c", files, remote="git@gitlab.com:space/rocket.git", commit=True)
    answers, _, _ = prefill(gitlab, tmp_path / "out3", capsys)
    assert answers["sbom_url"] == "https://gitlab.com/space/rocket/-/releases"
    # Without a release configuration, no SBOM is claimed.
    answers, _, _ = prefill(make_checkout(tmp_path / "d", {"README.md": "# Rocket\n"}), tmp_path / "out4", capsys)
    assert "sbom_url" not in answers


def test_a_tool_named_only_in_a_comment_or_a_name_is_not_a_fact(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    workflow = (
        "name: codeql and trivy someday\n"
        "on: [pull_request]\n"
        "jobs:\n"
        "  build:\n"
        "    steps:\n"
        "      # TODO: add github/codeql-action/init and gosec\n"
        "      - name: Trivy (not yet)\n"
        "        run: echo nothing to see\n"
    )
    files = {"README.md": "# Rocket\n", ".github/workflows/ci.yml": workflow}
    _, draft, _ = prefill(make_checkout(tmp_path / "rocket", files, commit=True), tmp_path / "out", capsys)
    assert fact_items(draft) == []
    assert "### Development Pipeline" not in draft


def test_without_a_commit_the_evidence_is_given_as_file_and_line(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    files = {"README.md": "# Rocket\n", ".github/workflows/ci.yml": WORKFLOW_CI}
    _, draft, _ = prefill(make_checkout(tmp_path / "rocket", files, commit=False), tmp_path / "out", capsys)
    tests = next(item for item in fact_items(draft) if item.startswith("Tests run on pull requests"))
    assert "`.github/workflows/ci.yml:24`" in tests
    assert "https://" not in tests
    assert lint_markdown(draft) == []


def test_a_malformed_workflow_is_skipped_with_a_note(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    files = {
        "README.md": "# Rocket\n",
        ".github/workflows/ci.yml": WORKFLOW_CI,
        ".github/workflows/broken.yml": "on: [push\njobs: {\n",
        ".github/workflows/list.yml": "- just\n- a list\n",
    }
    _, draft, printed = prefill(make_checkout(tmp_path / "rocket", files, commit=True), tmp_path / "out", capsys)
    assert any(item.startswith("Tests run on pull requests") for item in fact_items(draft))
    assert ".github/workflows/broken.yml line 2: field on[1]: is not valid YAML" in printed
    assert "the workflow is skipped" in printed
    assert ".github/workflows/list.yml does not hold a workflow" in printed


def test_the_security_policy_facts_quote_their_lines(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    files = {"README.md": "# Rocket\n", "docs/SECURITY.md": SECURITY}
    _, draft, _ = prefill(make_checkout(tmp_path / "rocket", files, commit=True), tmp_path / "out", capsys)
    items = fact_items(draft)
    response = next(item for item in items if "states a response time" in item)
    assert "“We acknowledge reports within 2 business days and send a first assessment within 7 days.”" in response
    assert "docs/SECURITY.md#L16" in response
    assert any("`security@rocket.dev`" in item and "docs/SECURITY.md#L13" in item for item in items)
    assert any("embargo" in item and "docs/SECURITY.md#L20" in item for item in items)


def test_pinning_and_image_scanning_are_read_from_the_steps(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    unpinned = (
        "on:\n  push:\n    branches: [main]\njobs:\n  scan:\n    steps:\n"
        "      - uses: actions/checkout@v4\n"
        "      - uses: aquasecurity/trivy-action@master\n"
        "        with:\n          scan-type: fs\n          scan-ref: .\n"
    )
    files = {"README.md": "# Rocket\n", ".github/workflows/scan.yml": unpinned}
    _, draft, _ = prefill(make_checkout(tmp_path / "rocket", files, commit=True), tmp_path / "out", capsys)
    items = fact_items(draft)
    assert not any("pinned" in item for item in items)
    assert any(
        item.startswith("Trivy scans the code for known vulnerabilities") and "on pushes" in item for item in items
    )


@pytest.mark.hostile
def test_a_huge_line_and_markdown_in_values_stay_data(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    job = "x" * 60 + "`*[evil](https://evil.example)*"
    workflow = f"on: [pull_request]\njobs:\n  '{job}':\n    steps:\n      - run: make test\n"
    files = {"README.md": "# Rocket\n", ".github/workflows/ci.yml": workflow}
    _, draft, _ = prefill(make_checkout(tmp_path / "rocket", files, commit=True), tmp_path / "out", capsys)
    tests = next(item for item in fact_items(draft) if item.startswith("Tests run"))
    assert "[evil](https://evil.example)" in tests and "``" in tests  # inside a code span
    assert lint_markdown(draft) == []


def test_a_checkout_in_a_subfolder_links_with_its_prefix(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    top = make_checkout(
        tmp_path / "mono", {"rocket/README.md": "# Rocket\n", "rocket/SECURITY.md": SECURITY}, commit=True
    )
    commit = git(top, "rev-parse", "HEAD")
    _, draft, _ = prefill(top / "rocket", tmp_path / "out", capsys)
    assert f"https://github.com/acme/rocket/blob/{commit}/rocket/SECURITY.md#L13" in draft


OTHER_FILES = {
    "README.md": "# Rocket\n\n[![Fuzzing Status](https://oss-fuzz-build-logs.storage.googleapis.com/badges/rocket.svg)](x)\n",
    "renovate.json": (
        '{\n  "$schema": "https://docs.renovatebot.com/renovate-schema.json",\n'
        '  "extends": ["config:recommended"],\n  "schedule": ["before 6am on monday"]\n}\n'
    ),
    ".pre-commit-config.yaml": "repos:\n  - repo: https://x.example/gitleaks\n    hooks:\n      - id: gitleaks\n",
    ".golangci.yml": "linters:\n  enable:\n    - errcheck\n    - gosec\n",
    ".github/settings.yml": (
        "branches:\n  - name: main\n    protection:\n      required_pull_request_reviews:\n"
        "        required_approving_review_count: 2\n        require_code_owner_reviews: true\n"
    ),
    "OWNERS": "approvers:\n  - alice\nreviewers:\n  - bob\n",
    "Makefile": "# run gosec someday\nvuln:\n\tgovulncheck ./...\n",
    ".gitlab-ci.yml": "scan:\n  script:\n    - trivy fs --exit-code 1 .\n",
    "fuzz/fuzz_targets/parse.rs": "#![no_main]\nlibfuzzer_sys::fuzz_target!(|data: &[u8]| {});\n",
    "DCO": "Developer Certificate of Origin\nVersion 1.1\n",
}


def test_other_files_prove_practices_too(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    data = run_json(make_checkout(tmp_path / "rocket", OTHER_FILES, commit=True), tmp_path / "out", capsys)
    expected = [
        ("Renovate proposes dependency updates (renovate.json), on the schedule “before 6am on monday”.", (2, 4)),
        ("The pre-commit configuration runs gitleaks before each commit", (4,)),
        ("The golangci-lint configuration enables gosec", (4,)),
        (
            "Branch protection (.github/settings.yml) requires 2 approving reviews and a review by the code owners",
            (5, 6),
        ),
        ("An OWNERS file names the approvers of changes (Prow).", (1,)),
        ("The Makefile runs govulncheck, which checks the Go code", (3,)),
        ("The GitLab CI configuration runs Trivy, which scans for known vulnerabilities (.gitlab-ci.yml).", (3,)),
        ("The Rust code has 1 cargo-fuzz target.", (2,)),
        ("The repository holds the Developer Certificate of Origin (DCO).", (1,)),
        ("OSS-Fuzz fuzzes the project (README).", (3,)),
    ]
    for start, lines in expected:
        fact = next((fact for fact in data["facts"] if fact["sentence"].startswith(start)), None)
        assert fact is not None, start
        assert tuple(item["line"] for item in fact["evidence"]) == lines, start
    # A tool named only in a comment proves nothing.
    assert not any("gosec" in fact["sentence"] and "Makefile" in fact["sentence"] for fact in data["facts"])


def test_a_tool_in_a_shell_comment_is_not_run(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    workflow = (
        "on: [pull_request]\njobs:\n  build:\n    steps:\n      - run: |\n"
        "          # govulncheck ./... once it is fast\n"
        "          make build # then golangci-lint, some day\n"
        "          go test ./...\n"
    )
    files = {"README.md": "# Rocket\n", ".github/workflows/ci.yml": workflow, "Makefile": "# trivy image x\nall:\n"}
    data = run_json(make_checkout(tmp_path / "rocket", files, commit=True), tmp_path / "out", capsys)
    assert [fact["sentence"] for fact in data["facts"]] == [
        "Tests run on pull requests: go test in workflow ci.yml (job build)."
    ]
    assert [item["line"] for item in data["facts"][0]["evidence"]] == [8, 1]
