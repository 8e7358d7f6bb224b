"""`tssa prefill` reads OpenSSF Security Insights files of version 1, 2, and a mix, and prefers their values."""

from __future__ import annotations

from pathlib import Path

import pytest
import yaml

from checkouts import BASIC_FILES, copy_package, make_checkout
from conftest import TEMPLATE_ROOT
from test_prefill import prefill, references_under, summary_row

V2 = """\
header:
  schema-version: 2.0.0
  last-updated: '2025-06-01'
  last-reviewed: '2025-06-01'
  url: https://github.com/acme/rocket/blob/main/security-insights.yml
project:
  name: Rocket Engine
  homepage: https://rocket.dev
  administrators:
    - name: Ada Admin
      primary: true
  repositories:
    - name: rocket
      url: https://github.com/acme/rocket
      comment: the engine
  vulnerability-reporting:
    reports-accepted: true
    bug-bounty-available: false
    contact:
      name: Security team
      email: psirt@rocket.dev
    policy: https://rocket.dev/security-policy
  documentation:
    detailed-guide: https://rocket.dev/docs
    signature-verification: https://rocket.dev/docs/verify
repository:
  url: https://github.com/acme/rocket-engine
  status: active
  accepts-change-request: true
  accepts-automated-change-request: true
  core-team:
    - name: Ada Admin
  license:
    url: https://github.com/acme/rocket/blob/main/LICENSE
    expression: Apache-2.0
  release:
    automated-pipeline: true
    distribution-points: []
    attestations:
      - name: SBOM
        location: https://github.com/acme/rocket/releases/latest/download/sbom.spdx.json
        predicate-uri: https://spdx.dev/Document
  security:
    assessments:
      self:
        evidence: https://github.com/acme/rocket/blob/main/docs/old-self-assessment.md
        date: '2023-01-01'
        comment: the first one
      third-party:
        - evidence: https://audits.example/rocket-2024.pdf
          date: '2024-05-01'
          comment: audit
    champions:
      - name: Sam Secure
        primary: true
    tools:
      - name: CodeQL
        type: SAST
"""

V1 = """\
header:
  schema-version: 1.0.0
  expiration-date: '2026-01-01T00:00:00.000Z'
  last-updated: '2025-01-01'
  last-reviewed: '2025-01-01'
  project-url: https://github.com/acme/rocket
  changelog: https://github.com/acme/rocket/blob/main/CHANGELOG.md
project-lifecycle:
  status: active
security-artifacts:
  self-assessment:
    self-assessment-created: true
    evidence-url:
      - https://github.com/acme/rocket/blob/main/docs/self-assessment.pdf
  threat-model:
    threat-model-created: true
    evidence-url:
      - https://github.com/acme/rocket/blob/main/docs/threats.md
security-contacts:
  - type: email
    value: backup@rocket.dev
    primary: false
  - type: email
    value: first@rocket.dev
    primary: true
vulnerability-reporting:
  accepts-vulnerability-reports: true
  security-policy: https://github.com/acme/rocket/blob/main/SECURITY.md
dependencies:
  sbom:
    - sbom-file: https://github.com/acme/rocket/releases/download/v1/rocket.cdx.json
      sbom-format: CycloneDX
"""


def test_version_2_values_are_preferred_over_guesses(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    checkout = make_checkout(tmp_path / "rocket", {**BASIC_FILES, "security-insights.yml": V2})
    answers, draft, printed = prefill(checkout, tmp_path / "out", capsys)
    assert answers["project_name"] == "Rocket Engine"
    assert answers["project_slug"] == "rocket-engine"
    assert answers["software_url"] == "https://github.com/acme/rocket-engine"
    assert answers["website_url"] == "https://rocket.dev"
    assert answers["security_contact"] == "psirt@rocket.dev"
    assert answers["sbom_url"] == "https://github.com/acme/rocket/releases/latest/download/sbom.spdx.json"
    assert answers["security_lead"] == "Sam Secure"
    assert answers["security_links"]["Security Insights"] == (
        "https://github.com/acme/rocket/blob/main/security-insights.yml"
    )
    # The Insights policy is preferred in the Security links; the file found stays a reference.
    assert answers["security_links"]["Security file"] == "https://rocket.dev/security-policy"
    disclosure = references_under(draft, "### Responsible Disclosures Process")
    assert "https://github.com/acme/rocket/blob/main/SECURITY.md" in disclosure
    assert "https://rocket.dev/security-policy" in disclosure
    assert "https://audits.example/rocket-2024.pdf" in references_under(draft, "### Known Issues Over Time")
    assert "https://rocket.dev/docs/verify" in references_under(draft, "### Security Relevant")
    # An earlier self-assessment is a reference for the whole document, above the first section.
    assert draft.index("docs/old-self-assessment.md") < draft.index("\n## ")
    assert "version 2" in summary_row(printed, "Security Insights")
    assert "security-insights.yml" in summary_row(printed, "Project name")


def test_version_1_values_are_read(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    files = {name: content for name, content in BASIC_FILES.items() if name != "SECURITY.md"}
    checkout = make_checkout(tmp_path / "rocket", {**files, "SECURITY-INSIGHTS.yml": V1}, remote=None)
    answers, draft, printed = prefill(checkout, tmp_path / "out", capsys)
    assert answers["software_url"] == "https://github.com/acme/rocket"
    assert answers["security_contact"] == "first@rocket.dev"
    assert answers["sbom_url"] == "https://github.com/acme/rocket/releases/download/v1/rocket.cdx.json"
    assert answers["security_links"] == {
        "Security Insights": "https://github.com/acme/rocket/blob/main/SECURITY-INSIGHTS.yml",
        "Security file": "https://github.com/acme/rocket/blob/main/SECURITY.md",
        "Threat model": "https://github.com/acme/rocket/blob/main/docs/threats.md",
    }
    assert list(answers["security_links"]) == ["Security file", "Threat model", "Security Insights"]
    assert "reference: <mailto:backup@rocket.dev>" in draft
    assert draft.index("docs/self-assessment.pdf") < draft.index("\n## ")
    assert "version 1" in summary_row(printed, "Security Insights")


def test_a_file_mixing_versions_is_read_and_the_mix_reported(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    mixed = V2 + "security-contacts:\n  - type: email\n    value: v1@rocket.dev\n    primary: true\n"
    checkout = make_checkout(tmp_path / "rocket", {**BASIC_FILES, ".github/security-insights.yml": mixed})
    answers, _, printed = prefill(checkout, tmp_path / "out", capsys)
    assert answers["project_name"] == "Rocket Engine"
    assert answers["security_contact"] == "psirt@rocket.dev"
    row = summary_row(printed, "Security Insights")
    assert "version 1 and 2 keys mixed" in row
    assert "mixes version 1 keys (security-contacts) with version 2 keys (project, repository)" in row


def test_the_file_is_found_in_clomonitors_order_and_a_broken_one_is_reported(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    files = {**BASIC_FILES, "security-insights.yml": "project: [unclosed\n", "SECURITY-INSIGHTS.yml": V1}
    checkout = make_checkout(tmp_path / "rocket", files)
    answers, _, printed = prefill(checkout, tmp_path / "out", capsys)
    # The lower-case name in the root comes first; broken, it is one line, and prefill goes on without it.
    assert "security-insights.yml line 2: field project[1]: is not valid YAML" in summary_row(printed, "Not used")
    assert summary_row(printed, "Security Insights") == "| Security Insights | not found | - |"
    assert answers["security_contact"] == "security@rocket.dev"


@pytest.mark.slow
def test_the_answers_work_with_copier_copy(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    awkward = V2.replace("name: Rocket Engine", "name: 'Rocket | {{ engine }} <b>'")
    files = {**BASIC_FILES, "security-insights.yml": awkward, "docs/threat-model.md": "x", "lib/x.py": ""}
    checkout = make_checkout(tmp_path / "rocket", files)
    answers, _, _ = prefill(checkout, tmp_path / "out", capsys)
    questions = yaml.safe_load((TEMPLATE_ROOT / "copier.yml").read_text(encoding="utf-8"))
    assert set(answers) <= {key for key in questions if not key.startswith("_")}
    destination = tmp_path / "package"
    copy_package(tmp_path / "out" / "answers.yml", destination)
    document = (destination / "self-assessment.md").read_text(encoding="utf-8")
    assert document.splitlines()[0] == "# Rocket \\| {{ engine }} \\<b\\> Self-assessment"
    assert "https://github.com/acme/rocket-engine" in document
    recorded = yaml.safe_load((destination / ".copier-answers.yml").read_text(encoding="utf-8"))
    assert {key: recorded[key] for key in answers} == answers


def test_a_folder_outside_git_takes_the_address_from_security_insights(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    checkout = tmp_path / "rocket-1.0"
    for name, content in {**BASIC_FILES, "security-insights.yml": V2}.items():
        (checkout / name).parent.mkdir(parents=True, exist_ok=True)
        (checkout / name).write_text(str(content), encoding="utf-8")
    answers, draft, printed = prefill(checkout, tmp_path / "out", capsys)
    assert answers["software_url"] == "https://github.com/acme/rocket-engine"
    assert "https://github.com/acme/rocket-engine/blob/HEAD/SECURITY.md" in references_under(
        draft, "### Responsible Disclosures Process"
    )
    assert "not a git checkout" in summary_row(printed, "Default branch")
