"""Answer sets and readers the template tests share."""

from __future__ import annotations

import shutil
from pathlib import Path
from typing import Any

from tssa.reading.markdown import DocumentSection, MarkdownDocument, parse

LONG_TEXT = " ".join(f"word{number}" for number in range(300))

FULL_ANSWERS: dict[str, Any] = {
    "project_name": "Open Flibble",
    "project_slug": "open-flibble",
    "assessment_stage": "Complete",
    "software_url": "https://github.com/open-flibble/core",
    "website_url": "https://open-flibble.example.org/docs",
    "security_provider": True,
    "languages": ["Go", "Rust", "TypeScript"],
    "sbom_url": "https://github.com/open-flibble/core/releases/download/v1.0.0/sbom.spdx.json",
    "security_links": {
        "Security file": "https://github.com/open-flibble/core/blob/main/SECURITY.md",
        "Default configuration": "https://open-flibble.example.org/docs/config",
        "Hardening guide": "https://open-flibble.example.org/docs/hardening",
    },
    "personas": [
        "enterprise_operator",
        "quota_operator",
        "network_operator",
        "security_administrator",
        "compliance_administrator",
        "developer",
        "end_user",
        "platform_implementer",
    ],
    "term_enterprise_operator": "Cluster owner",
    "term_quota_operator": "Tenant admin",
    "term_network_operator": "Mesh operator",
    "term_security_administrator": "Policy author",
    "term_compliance_administrator": "Auditor",
    "term_developer": "Plugin author",
    "term_end_user": "Flibble user",
    "term_platform_implementer": "Distributor",
    "channel_internal": "Maintainers meet weekly on a private call.",
    "channel_inbound": "GitHub issues and the #open-flibble channel.",
    "channel_outbound": "The open-flibble-announce list.",
    "security_contact": "https://github.com/open-flibble/core/security/advisories/new",
    "security_lead": "Robin Reviewer",
    "project_team": "Ada, Grace",
    "security_reviewers": "Linus, Margaret",
    "tracking_issue": "https://github.com/cncf/toc/issues/1234",
    "completed_date": "2026-10-01",
    "cncf_maturity": "incubating",
}

# Values that are data, not markup: each must come out literally.
AWKWARD_ANSWERS: dict[str, Any] = {
    "project_name": "Pipe | `tick` <script>alert(1)</script> {{ 7*7 }} {% raw %} Ünïcødé # 1. *x*",
    "languages": ["Go | C", "<b>Rust</b>", "{{ 7*7 }}", "C#", "Tab\there", "x" * 100],
    "security_links": {
        "Policy | `x` {{ y }}": "https://example.org/a?b=c&d=e",
        "Ünï <i>{% raw %}": "https://example.org/x_y*z",
    },
    "personas": ["developer", "end_user"],
    "term_developer": "Dev | <script>alert(1)</script>",
    "term_end_user": "{% raw %}user{% endraw %}\t_under_",
    "channel_internal": "Line\tone\nLine two | pipe\n- not a list\n# not a heading\n1. not ordered\n==\n" + LONG_TEXT,
    "channel_inbound": "x" * 2000,
    "channel_outbound": ("<script>alert('x')</script> {{ 7*7 }} `code` [link](http://x) ![img](y) &amp; \\ end"),
    "security_lead": "Lead " * 99 + "Lead",
    "project_team": "a | b, " + "c" * 1990,
    "security_reviewers": "{{ reviewers }} <img src=x onerror=alert(1)>",
}


def read(package: Path, filename: str) -> MarkdownDocument:
    return parse((package / filename).read_text(encoding="utf-8"))


def find_section(document: MarkdownDocument, *path: str) -> DocumentSection:
    """The section reached by following heading titles below the document's title."""
    sections = document.sections[0].children
    found: DocumentSection | None = None
    for title in path:
        found = next(section for section in sections if section.heading.text == title)
        sections = found.children
    assert found is not None
    return found


def section_text(section: DocumentSection) -> str:
    """The plain text of a section's own paragraphs, guidance comments left out."""
    return "\n\n".join(block.text for block in section.blocks if block.kind == "paragraph")


WRITTEN = Path(__file__).parent / "fixtures" / "check" / "written"
KNOWN_ERROR_LINE = "| Assessment Stage | In Progress |"
KNOWN_WARNING_LINE = "TODO: <b>ask</b> | the bank"


def package_with_known_findings(destination: Path) -> Path:
    """The fully written package with one error (TSSA203) and one warning (TSSA401) in its self-assessment."""
    package = Path(shutil.copytree(WRITTEN, destination))
    path = package / "self-assessment.md"
    text = path.read_text(encoding="utf-8")
    text = text.replace("| Assessment Stage | Complete |", KNOWN_ERROR_LINE, 1)
    text = text.replace("Open Flibble's case studies: written", f"{KNOWN_WARNING_LINE}\n\nwritten", 1)
    path.write_text(text, encoding="utf-8")
    return package
