"""`tssa prefill` on the shapes real projects' repositories have: each answer right, or empty with the reason."""

from __future__ import annotations

from pathlib import Path

import pytest
import yaml

from checkouts import copy_package, git, make_checkout
from conftest import TEMPLATE_ROOT
from test_prefill import prefill, references_under, summary_row
from test_prefill_facts import fact_items

GO = {"main.go": "package main\n"}


@pytest.mark.parametrize(
    ("repository", "title", "name", "slug"),
    [
        ("microcks/microcks", "Microcks - Kubernetes native tool for API Mocking & Testing", "Microcks", "microcks"),
        ("fluxcd/flux2", "Flux version 2", "Flux", "flux"),
        ("lima-vm/lima", "Lima: Linux Machines", "Lima", "lima"),
        ("fluent/fluentd", "Fluentd: Open-Source Log Collector", "Fluentd", "fluentd"),
        ("acme/rocket", "Rocket \u2014 the launcher", "Rocket", "rocket"),
        ("cert-manager/cert-manager", "cert-manager", "cert-manager", "cert-manager"),
        ("acme/rocket", "\U0001f680 Rocket v3 \u2728", "Rocket", "rocket"),
        ("open-policy-agent/opa", "Open Policy Agent", "Open Policy Agent", "open-policy-agent"),
    ],
)
def test_the_name_is_the_title_before_its_separator(
    repository: str, title: str, name: str, slug: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    remote = f"https://github.com/{repository}.git"
    checkout = make_checkout(tmp_path / "checkout", {"README.md": f"# {title}\n\nText.\n", **GO}, remote=remote)
    answers, _, _ = prefill(checkout, tmp_path / "out", capsys)
    assert (answers["project_name"], answers["project_slug"]) == (name, slug)


@pytest.mark.parametrize("title", ["Everything you need to run functions anywhere", "Cloud Native Policies"])
def test_a_title_unlike_the_repository_is_no_name(
    title: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    checkout = make_checkout(tmp_path / "c", {"README.md": f"# {title}\n"})
    answers, draft, printed = prefill(checkout, tmp_path / "out", capsys)
    assert "project_name" not in answers and "project_slug" not in answers
    assert "copier asks for project_name" in summary_row(printed, "Project name")
    assert "todo: The project's name is not clear: the README.md title is unlike the repository's name" in draft


@pytest.mark.parametrize("title", ["Overview", "Table of Contents"])
def test_a_generic_title_gives_way_to_the_repository_name(
    title: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    answers, _, _ = prefill(make_checkout(tmp_path / "c", {"README.md": f"# {title}\n"}), tmp_path / "out", capsys)
    assert answers["project_name"] == "rocket"


def test_the_security_insights_name_comes_first(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    insights = "header:\n  schema-version: 2.0.0\nproject:\n  name: OpenFGA\n"
    files = {"README.md": "# openfga - authorization\n", ".github/SECURITY-INSIGHTS.yml": insights}
    answers, _, printed = prefill(make_checkout(tmp_path / "c", files), tmp_path / "out", capsys)
    assert answers["project_name"] == "OpenFGA"
    assert ".github/SECURITY-INSIGHTS.yml" in summary_row(printed, "Project name")


def test_a_document_named_security_something_is_not_the_policy(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    files = {
        "README.md": "# OpenFGA\n",
        "docs/security-self-assessment.md": "# Self-assessment\n\nSee https://example.org/assessment.\n",
        "docs/security-model.md": "Write to someone@example.org.\n",
        "security/SECURITY.md": "Deep copy: mail deep@example.org\n",
        ".github/security.md": "Report to security@openfga.dev.\n",
    }
    answers, _, printed = prefill(make_checkout(tmp_path / "c", files), tmp_path / "out", capsys)
    assert answers["security_contact"] == "security@openfga.dev"
    assert answers["security_links"] == {
        "Security file": "https://github.com/acme/rocket/blob/main/.github/security.md"
    }
    assert summary_row(printed, "Security policy") == (
        "| Security policy | `.github/security.md` | references under Responsible Disclosures Process |"
    )


@pytest.mark.parametrize(
    "stub",
    [
        "# Security Policy\n\nThe policy is at https://github.com/lima-vm/.github/blob/main/SECURITY.md\n",
        "# Security\n\nSee [our security policy](https://fluxcd.io/security/).\n",
    ],
)
def test_a_policy_that_only_points_elsewhere_gives_that_link(
    stub: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    checkout = make_checkout(tmp_path / "c", {"README.md": "# Lima\n", "SECURITY.md": stub}, commit=True)
    answers, draft, _ = prefill(checkout, tmp_path / "out", capsys)
    target = (
        "https://github.com/lima-vm/.github/blob/main/SECURITY.md" if "lima" in stub else "https://fluxcd.io/security/"
    )
    assert answers["security_links"]["Security file"] == target
    assert "security_contact" not in answers
    pointer = next(item for item in fact_items(draft) if "points to" in item)
    assert f"<{target}>" in pointer and "SECURITY.md#L3" in pointer
    assert "todo: The security contact is in the policy `SECURITY.md` points to" in draft


def test_a_short_policy_with_its_own_address_is_not_a_pointer(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    policy = "Mail security@rocket.dev; the process is at https://rocket.dev/security.\n"
    answers, _, _ = prefill(make_checkout(tmp_path / "c", {"SECURITY.md": policy}), tmp_path / "out", capsys)
    assert answers["security_links"]["Security file"] == "https://github.com/acme/rocket/blob/main/SECURITY.md"
    assert answers["security_contact"] == "security@rocket.dev"


@pytest.mark.slow
def test_without_a_policy_copier_invents_no_security_file_link(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    checkout = make_checkout(
        tmp_path / "lima",
        {"README.md": "# Lima: Linux Machines\n", **GO},
        remote="https://github.com/lima-vm/lima",
        branch="master",
    )
    answers, draft, _ = prefill(checkout, tmp_path / "out", capsys)
    assert answers["security_links"] == {}
    assert "todo: The repository has no SECURITY.md" in draft
    destination = tmp_path / "package"
    copy_package(tmp_path / "out" / "answers.yml", destination)
    document = (destination / "self-assessment.md").read_text(encoding="utf-8")
    assert "blob/main/SECURITY.md" not in document and "blob/master/SECURITY.md" not in document
    assert "<!-- guide: metadata/security-links" in document


@pytest.mark.parametrize(
    "path",
    [".github/SECURITY-INSIGHTS.yml", "SECURITY-INSIGHTS.yaml", "docs/security-insights.yml", "Security-Insights.yml"],
)
def test_the_security_insights_file_is_found_in_every_place_and_case(
    path: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    insights = "header:\n  schema-version: 2.0.0\nproject:\n  name: Rocket Engine\n  homepage: https://rocket.dev\n"
    answers, _, printed = prefill(make_checkout(tmp_path / "c", {path: insights}), tmp_path / "out", capsys)
    assert answers["project_name"] == "Rocket Engine"
    assert answers["website_url"] == "https://rocket.dev"
    assert path in summary_row(printed, "Security Insights")


KYVERNO_LIKE = """\
header:
  schema-version: 2.1.0
  expiration-date: '2025-10-01T00:00:00.000Z'
  last-updated: '2024-10-01'
  project-url: https://github.com/acme/rocket/
security-contacts:
  - type: email
    value: security@rocket.dev
documentation:
  sbom-access: https://github.com/acme/rocket/releases/download/v1.0.0/sbom.json
  guides: https://rocket.dev/docs
"""


def test_the_version_is_read_by_its_keys_and_a_mapping_for_a_list_is_read_and_named(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    checkout = make_checkout(tmp_path / "c", {"SECURITY-INSIGHTS.yml": KYVERNO_LIKE}, remote=None)
    answers, draft, printed = prefill(checkout, tmp_path / "out", capsys)
    row = summary_row(printed, "Security Insights")
    assert "version 1" in row
    assert "declares schema-version 2.1.0 but uses version 1 keys; read as version 1" in row
    assert "documentation is a mapping where a list is expected; read its values (sbom-access, guides)" in row
    assert answers["sbom_url"] == "https://github.com/acme/rocket/releases/download/v1.0.0/sbom.json"
    assert answers["security_contact"] == "security@rocket.dev"
    # The project-url's trailing slash makes no `//` in any link.
    assert answers["software_url"] == "https://github.com/acme/rocket"
    assert (
        answers["security_links"]["Security Insights"]
        == "https://github.com/acme/rocket/blob/main/SECURITY-INSIGHTS.yml"
    )
    assert "rocket//" not in draft + printed
    assert "https://rocket.dev/docs" in references_under(draft, "## Overview")


def test_the_best_practices_id_comes_from_the_link_not_the_image(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    badge = (
        "[![OpenSSF Best Practices](https://www.bestpractices.dev/projects/5327/badge)]"
        "(https://www.bestpractices.dev/projects/5947)"
    )
    readme = f"# External Secrets\n\n{badge}\n"
    _, draft, _ = prefill(make_checkout(tmp_path / "c", {"README.md": readme}, commit=True), tmp_path / "out", capsys)
    assert references_under(draft, "### OpenSSF Best Practices") == ["https://www.bestpractices.dev/projects/5947"]
    assert "5327" not in draft.split("## What prefill found")[0]


README_CHANNELS = """\
# Rocket

Rocket launches containers into orbit for teams running many Kubernetes clusters at once.

## Supported Registries

- [Docker Hub](https://hub.docker.com)

### Offline Support

Works offline. See [the issue](https://github.com/acme/rocket/issues/1234).

## Community

- [#rocket](https://cloud-native.slack.com/archives/C01ABCDEF) on CNCF Slack
- [GitHub Discussions](https://github.com/acme/rocket/discussions)
- Open an [issue](https://github.com/acme/rocket/issues/new/choose)
- Mailing list for developers: [rocket-dev](https://groups.google.com/g/rocket-dev)
- News on the [blog](https://rocket.dev/blog) and [Mastodon](https://fosstodon.org/@rocket)

## Stargazers over time

[![Stargazers](https://starchart.cc/acme/rocket.svg)](https://starchart.cc/acme/rocket)
[someone](https://twitter.com/someone)
"""


def test_channels_are_proposed_with_the_line_they_came_from(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    checkout = make_checkout(tmp_path / "c", {"README.md": README_CHANNELS}, commit=True)
    answers, draft, printed = prefill(checkout, tmp_path / "out", capsys)
    assert summary_row(printed, "Community section").startswith("| Community section | `README.md#community` |")
    assert answers["channel_inbound"] == (
        "Users reach the team through Slack #rocket (https://cloud-native.slack.com/archives/C01ABCDEF), "
        "GitHub Discussions (https://github.com/acme/rocket/discussions) and "
        "GitHub issues (https://github.com/acme/rocket/issues/new/choose)."
    )
    assert answers["channel_internal"] == (
        "The team talks among itself through mailing list rocket-dev (https://groups.google.com/g/rocket-dev)."
    )
    assert answers["channel_outbound"] == (
        "The team reaches its users through blog (https://rocket.dev/blog) and Mastodon (https://fosstodon.org/@rocket)."
    )
    items = fact_items(draft)
    assert any(item.startswith("Inbound: Slack `#rocket`") and "README.md#L15" in item for item in items)
    assert not any("issues/1234" in item or "twitter.com/someone" in item for item in items)


def test_no_channels_means_empty_answers_and_a_todo(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    answers, draft, _ = prefill(make_checkout(tmp_path / "c", {"README.md": "# Rocket\n"}), tmp_path / "out", capsys)
    assert not {"channel_internal", "channel_inbound", "channel_outbound"} & set(answers)
    assert "todo: Inbound channels: none found in the README or the contributing guide." in draft


@pytest.mark.parametrize(
    ("paragraph", "provider"),
    [
        ("Kyverno is a policy engine designed for Kubernetes platform engineering teams.", True),
        ("cert-manager adds certificates and certificate issuers as resource types in Kubernetes clusters.", True),
        ("A high performance and flexible authorization/permission engine built for developers.", True),
        (
            "External Secrets Operator is a Kubernetes operator that integrates external secret management systems.",
            True,
        ),
        ("Fluentd collects events from various data sources and writes them to files, databases and more.", False),
        ("containerd is an industry-standard container runtime with an emphasis on simplicity and portability.", False),
        # A body's name is not the project's function: the TAG's name holds "Security and Compliance".
        ("Templates for the CNCF TAG Security and Compliance assessment documents.", False),
        ("Gatekeeper runs compliance checks on every admission request.", True),
    ],
)
def test_security_provider_is_proposed_from_the_first_paragraph(
    paragraph: str, provider: bool, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    readme = f"# Project\n\n[![badge](https://img.shields.io/x.svg)](https://x.example)\n\n{paragraph}\n"
    answers, draft, _ = prefill(
        make_checkout(tmp_path / "c", {"README.md": readme}, commit=True), tmp_path / "out", capsys
    )
    assert answers["security_provider"] is provider
    proposal = next(item for item in fact_items(draft) if item.startswith("Security Provider"))
    assert proposal.startswith(f"Security Provider: {'Yes' if provider else 'No'}, proposed.")
    assert "README.md#L5" in proposal


def test_without_a_description_no_security_provider_answer(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    answers, draft, _ = prefill(make_checkout(tmp_path / "c", {"README.md": "# Rocket\n"}), tmp_path / "out", capsys)
    assert "security_provider" not in answers
    assert "todo: Security Provider: no description of the project was found" in draft


def test_the_website_is_the_projects_own_domain(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    readme = (
        "# Rocket\n\n"
        "[![Go Report](https://goreportcard.com/badge/github.com/acme/rocket)](https://goreportcard.com/report/x)\n\n"
        "Docs live at [docs.rocket.io](https://docs.rocket.io/start) and news at https://blog.rocket.io.\n"
        "The [home page](https://rocket.io/).\n"
        "Built with [other](https://unrelated.dev).\n"
    )
    answers, draft, _ = prefill(
        make_checkout(tmp_path / "c", {"README.md": readme}, commit=True), tmp_path / "out", capsys
    )
    assert answers["website_url"] == "https://rocket.io"
    assert any(
        item.startswith("The project's web site is <https://rocket.io>") and "README.md#L6" in item
        for item in fact_items(draft)
    )


def test_default_configuration_links(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    files = {
        "README.md": "# Lima\n\nSee the [security guide](https://lima-vm.io/docs/security-best-practices/) on [lima-vm.io](https://lima-vm.io).\n",
        "templates/default.yaml": "cpus: 4\n",
        "templates/docker.yaml": "cpus: 2\n",
    }
    answers, _, _printed = prefill(
        make_checkout(tmp_path / "c", files, remote="https://github.com/lima-vm/lima", branch="master"),
        tmp_path / "out",
        capsys,
    )
    assert answers["security_links"] == {
        "Default configuration": "https://github.com/lima-vm/lima/blob/master/templates/default.yaml",
        "Optional configuration": "https://lima-vm.io/docs/security-best-practices/",
    }
    charts = {
        "README.md": "# Rocket\n",
        "deploy/charts/rocket/Chart.yaml": "name: rocket\n",
        "deploy/charts/rocket/values.yaml": "x: 1\n",
        "deploy/charts/other/Chart.yaml": "name: other\n",
        "deploy/charts/other/values.yaml": "x: 1\n",
        "docs/security-hardening.md": "# Hardening\n",
    }
    answers, _, _ = prefill(make_checkout(tmp_path / "d", charts), tmp_path / "out2", capsys)
    assert answers["security_links"] == {
        "Default configuration": "https://github.com/acme/rocket/blob/main/deploy/charts/rocket/values.yaml",
        "Optional configuration": "https://github.com/acme/rocket/blob/main/docs/security-hardening.md",
    }


def test_links_use_the_checked_out_branch(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    checkout = make_checkout(tmp_path / "c", {"SECURITY.md": "Mail security@rocket.dev.\n"}, branch="master")
    answers, _, _ = prefill(checkout, tmp_path / "out", capsys)
    assert answers["security_links"]["Security file"] == "https://github.com/acme/rocket/blob/master/SECURITY.md"
    git(checkout, "symbolic-ref", "refs/remotes/origin/HEAD", "refs/remotes/origin/trunk")
    answers, _, _ = prefill(checkout, tmp_path / "out2", capsys)
    assert answers["security_links"]["Security file"] == "https://github.com/acme/rocket/blob/trunk/SECURITY.md"


def test_every_answer_is_one_the_questionnaire_accepts(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    from prefill_repos import PROJECT

    answers, _, _ = prefill(make_checkout(tmp_path / "c", PROJECT, commit=True), tmp_path / "out", capsys)
    questions = yaml.safe_load((TEMPLATE_ROOT / "copier.yml").read_text(encoding="utf-8"))
    assert set(answers) <= {key for key in questions if not key.startswith("_")}
    assert answers["security_provider"] is True
    assert set(answers["security_links"]) == {"Security file", "Default configuration", "Optional configuration"}


@pytest.mark.slow
def test_a_full_answers_file_makes_a_package_that_check_passes(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    from prefill_repos import PROJECT
    from tssa.cli import main

    answers, _, _ = prefill(make_checkout(tmp_path / "rocket", PROJECT, commit=True), tmp_path / "out", capsys)
    assert {"channel_internal", "channel_inbound", "channel_outbound", "security_provider", "website_url"} <= set(
        answers
    )
    destination = tmp_path / "package"
    copy_package(tmp_path / "out" / "answers.yml", destination)
    assert main(["check", str(destination)]) == 0
    assert "0 errors" in capsys.readouterr().out
    document = (destination / "self-assessment.md").read_text(encoding="utf-8")
    assert "| Security Provider | Yes |" in document
    assert "Users reach the team through Slack" in document
