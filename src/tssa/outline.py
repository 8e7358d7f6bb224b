"""The TSSA package outline: documents, their sections in order, and older names.

This is the only place the outline is written down. The template renders it
(a test compares the two) and every reader of packages matches against it.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass


@dataclass(frozen=True)
class Section:
    """A heading of the outline, with the headings below it."""

    title: str
    children: tuple[Section, ...] = ()
    aliases: tuple[str, ...] = ()
    required: bool = True
    key_name: str | None = None
    """The section's part of its key, when it is not the slug of its title."""
    former_keys: tuple[str, ...] = ()
    """Whole keys the section had under another parent in older template versions."""

    @property
    def names(self) -> tuple[str, ...]:
        """The current title first, then the older or alternative names."""
        return (self.title, *self.aliases)


@dataclass(frozen=True)
class MetadataRow:
    """A row of the metadata table; `allowed` lists the only valid values."""

    name: str
    allowed: tuple[str, ...] = ()
    is_url: bool = False
    aliases: tuple[str, ...] = ()
    required: bool = True


@dataclass(frozen=True)
class WalkedSection:
    """A section met while walking a document, with its place in the tree."""

    section: Section
    level: int
    key: str
    parent_key: str


@dataclass(frozen=True)
class Document:
    """One file of the package."""

    key: str
    filename: str
    title_template: str
    sections: tuple[Section, ...]
    old_filenames: tuple[str, ...] = ()
    has_toc: bool = False
    has_metadata: bool = False

    def title(self, project: str) -> str:
        """The document's title for a project."""
        return self.title_template.format(project=project)

    def walk(self) -> Iterator[WalkedSection]:
        """Every section in document order; top-level sections are level 2."""

        def visit(sections: tuple[Section, ...], level: int, parent: str) -> Iterator[WalkedSection]:
            for section in sections:
                name = section.key_name or slug(section.title)
                key = f"{parent}/{name}" if parent else name
                yield WalkedSection(section, level, key, parent)
                yield from visit(section.children, level + 1, key)

        yield from visit(self.sections, 2, "")


def slug(text: str) -> str:
    """A stable, readable key for a section title: lowercase words joined by hyphens."""
    return re.sub(r"[^a-z0-9]+", "-", text.lower()).strip("-")


def _s(
    title: str,
    *children: Section,
    aliases: tuple[str, ...] = (),
    required: bool = True,
    key_name: str | None = None,
    former_keys: tuple[str, ...] = (),
) -> Section:
    return Section(title, children, aliases, required, key_name, former_keys)


TOC_TITLE = "Table of contents"
JOINT_TOC_TITLE = "Table of Contents"
STAGES = ("Incomplete", "Complete", "Obsolete")
YES_NO = ("Yes", "No")

METADATA_ROWS = (
    MetadataRow("Assessment Stage", allowed=STAGES),
    MetadataRow("Software", is_url=True),
    MetadataRow("Security Provider", allowed=YES_NO),
    MetadataRow("Languages"),
    MetadataRow("SBOM", aliases=("Software Bill of Materials",)),
)

# The standard personas of the TAG's use-case page, keyed as copier.yml keys them.
PERSONAS: dict[str, str] = {
    "enterprise_operator": "Enterprise operator",
    "quota_operator": "Quota operator",
    "network_operator": "Network operator",
    "security_administrator": "Security administrator",
    "compliance_administrator": "Compliance/audit administrator",
    "developer": "Developer",
    "end_user": "End user",
    "platform_implementer": "Platform implementer",
}

CNCF_MATURITY = ("sandbox", "incubating", "graduated", "none")

_METADATA = _s("Metadata", _s("Security links"))

SELF_ASSESSMENT = Document(
    key="self-assessment",
    filename="self-assessment.md",
    title_template="{project} Self-assessment",
    has_toc=True,
    has_metadata=True,
    sections=(
        _s(TOC_TITLE, required=False),
        _METADATA,
        _s(
            "Overview",
            _s("Background"),
            _s("Actors", required=False),
            _s("Actions", required=False),
            _s("Goals", aliases=("Goal",)),
            _s("Non-goals", aliases=("Non goals", "Nongoals")),
        ),
        _s("Self-assessment use", aliases=("Self-review use",)),
        _s("Security functions and features", _s("Critical"), _s("Security Relevant")),
        _s("Project compliance", aliases=("Project Compliance",)),
        _s(
            "Secure development practices",
            _s("Development Pipeline"),
            _s("Communication Channels", _s("Internal"), _s("Inbound"), _s("Outbound")),
            _s("Ecosystem"),
        ),
        _s(
            "Security issue resolution",
            _s(
                "Responsible Disclosures Process",
                _s("Vulnerability Response Process"),
                aliases=("Responsible Disclosure Process",),
            ),
            _s("Incident Response"),
        ),
        _s(
            "Appendix",
            _s("Known Issues Over Time"),
            _s("OpenSSF Best Practices", aliases=("CII Best Practices",), key_name="best-practices"),
            _s("Case Studies"),
            _s("Related Projects / Vendors"),
        ),
    ),
)

_THREAT_AREAS = ("Identity theft", "Compromise", "Denial of service")

JOINT_ASSESSMENT = Document(
    key="joint-assessment",
    filename="joint-assessment.md",
    old_filenames=("joint-review.md",),
    title_template="Joint-assessment of {project}",
    has_toc=True,
    has_metadata=True,
    sections=(
        _s(JOINT_TOC_TITLE, required=False),
        _METADATA,
        _s(
            "Overview",
            _s("Background"),
            _s("Goal", aliases=("Goals",)),
            _s("Non-goals", aliases=("Non goals",)),
        ),
        _s("Joint-assessment use", aliases=("Joint-review use", "Joint review use")),
        _s("Intended use", _s("Target users and use cases"), _s("Operation")),
        _s(
            "Project design",
            _s("Design"),
            _s("Data flow / architecture diagram", required=False),
            _s(
                "Functions and features",
                _s("Critical"),
                _s("Relevant"),
                _s(
                    "Security functions and features",
                    former_keys=("project-design/security-functions-and-features",),
                ),
            ),
        ),
        _s("Configuration and set-up", _s("Default"), _s("Secure"), _s("Advanced Secure")),
        _s("Project compliance", _s("Compliance", required=False), _s("Existing audits")),
        _s(
            "Security analysis",
            _s("Attacker motivations"),
            _s("Predisposing conditions"),
            _s("Expected attacker capabilities"),
            _s("Attack risks and effects"),
            _s("Security degradation"),
            _s("Compensating mechanisms"),
        ),
        _s("Threat model", *(_s(area, required=False) for area in _THREAT_AREAS)),
        _s("Secure development practices"),
        _s("Security issue resolution", _s("Closed security issues and vulnerabilities")),
        _s(
            "Hands-on assessment",
            _s("Assessment details"),
            _s("Findings"),
            _s("Hands-on assessment result", aliases=("Result",)),
            aliases=("Hands-on review",),
        ),
        _s("Roadmap", _s("Project next steps"), _s("CNCF requests")),
        _s(
            "Appendix",
            _s("Known issues over time"),
            _s("Case studies"),
            _s("Related projects / vendors"),
        ),
    ),
)

# The lines between the README's title and its first section, in order.
README_FIELDS = ("Completed", "Security reviewers", "Project security lead", "Project team")
README_LINKS = ("Source code", "Web site")
# The README's closing line (a section of its own before template version 0.2.0).
README_CLOSING = "Tracking issue"

JOINT_README = Document(
    key="readme",
    filename="README.md",
    title_template="{project} TAG-Security Security Assessment",
    sections=(
        _s("Background", _s("Maturity")),
        _s("Summary", _s("Design"), _s("Analysis")),
        _s(
            "Recommendations",
            _s("CNCF recommendations", aliases=("Recommendations to CNCF",)),
            _s(
                "Project recommendations",
                aliases=("Recommendations to the project", "Recommendations to Project"),
            ),
            _s("Additional recommendations"),
        ),
    ),
)

DOCUMENTS = (SELF_ASSESSMENT, JOINT_ASSESSMENT, JOINT_README)


def document_for_filename(filename: str) -> Document | None:
    """The document a file name stands for, old names included."""
    for document in DOCUMENTS:
        if filename == document.filename or filename in document.old_filenames:
            return document
    return None
