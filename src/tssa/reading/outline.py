"""The TSSA package outline: documents, their sections and topics, and their history.

This is the only place the outline is written down. The template renders it
(a test compares the two) and every reader of packages resolves against it.

A *section* is something the guide writes as a heading; a *topic* is
something it writes as a bullet or a bold lead-in inside a section (our
template still renders topics as headings). Each entry knows the guide
outline version that added it (`since`), the template version that added it
(`template_since`), its older names (`aliases`) and its older keys
(`former_keys`), so a document is judged against the outline it was written
for and `tssa update` pairs old keys with new ones.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from functools import cached_property, lru_cache

from tssa.records import Record, replace

TYPE_CHECKING = False  # `typing` is not imported when tssa starts; mypy reads this name as True
if TYPE_CHECKING:
    from typing import Any, SupportsIndex

# The guide's outline versions, oldest first; the last is the current one.
GUIDE_VERSIONS = ("2019", "2021", "2023", "2024")
CURRENT_GUIDE = GUIDE_VERSIONS[-1]
# Our template's versions, oldest first; the last is the one this tssa ships.
TEMPLATE_VERSIONS = ("0.1.0", "0.2.0")
CURRENT_TEMPLATE = TEMPLATE_VERSIONS[-1]


def guide_order(version: str) -> int:
    """The place of a guide outline version in history (unknown versions count as current)."""
    return GUIDE_VERSIONS.index(version) if version in GUIDE_VERSIONS else len(GUIDE_VERSIONS) - 1


def template_order(version: str) -> int:
    """The place of a template version in history (unknown versions count as current)."""
    return TEMPLATE_VERSIONS.index(version) if version in TEMPLATE_VERSIONS else len(TEMPLATE_VERSIONS) - 1


class OutlineSection(Record):
    """A section (a heading in the guide) or a topic (a bullet or lead-in), with what is below it."""

    title: str
    children: tuple[OutlineSection, ...]
    aliases: tuple[str, ...]
    """Older names: accepted, with a warning to use the current one."""
    required: bool
    topic: bool
    since: str
    """The guide outline version that added it."""
    template_since: str
    """The template version that added it."""
    slug: str
    """Its part of the key, when it is not the slug of the title."""
    former_keys: tuple[str, ...]
    """Full keys older template versions gave it (for `tssa update`)."""
    renamed_in: str | None
    """The template version that renamed it; before it, its first alias was its title."""
    variants: tuple[str, ...]
    """Other names in use that mean the same (`Case Study`, `Related Projects and Vendors`): accepted silently."""
    example: bool
    """One of the guide's examples (a threat model area): the template writes it, nobody must."""
    toc: bool
    """It is a table of contents: a list of links to the document's own headings also stands for it."""
    rendered: bool
    """The template renders one block next to its guide (an answer, a table); that alone is not the author's text."""

    def __init__(
        self,
        title: str,
        children: tuple[OutlineSection, ...] = (),
        aliases: tuple[str, ...] = (),
        required: bool = True,
        topic: bool = False,
        since: str = "2021",
        template_since: str = TEMPLATE_VERSIONS[0],
        slug: str = "",
        former_keys: tuple[str, ...] = (),
        renamed_in: str | None = None,
        variants: tuple[str, ...] = (),
        example: bool = False,
        toc: bool = False,
        rendered: bool = False,
    ) -> None:
        self.title = title
        self.children = children
        self.aliases = aliases
        self.required = required
        self.topic = topic
        self.since = since
        self.template_since = template_since
        self.slug = slug
        self.former_keys = former_keys
        self.renamed_in = renamed_in
        self.variants = variants
        self.example = example
        self.toc = toc
        self.rendered = rendered

    @property
    def names(self) -> tuple[str, ...]:
        """The current title first, then the older names, then the other names in use."""
        return (self.title, *self.aliases, *self.variants)

    @property
    def key_part(self) -> str:
        return self.slug or slug(self.title)


class MetadataRow(Record):
    """A row of the metadata table; `allowed` lists the only valid values."""

    name: str
    allowed: tuple[str, ...]
    is_url: bool
    aliases: tuple[str, ...]
    required: bool
    since: str

    def __init__(
        self,
        name: str,
        allowed: tuple[str, ...] = (),
        is_url: bool = False,
        aliases: tuple[str, ...] = (),
        required: bool = True,
        since: str = "2019",
    ) -> None:
        self.name = name
        self.allowed = allowed
        self.is_url = is_url
        self.aliases = aliases
        self.required = required
        self.since = since


class WalkedSection(Record):
    """A section met while walking an outline, with its place in the tree."""

    section: OutlineSection
    level: int
    key: str
    parent_key: str

    def __init__(self, section: OutlineSection, level: int, key: str, parent_key: str) -> None:
        self.section = section
        self.level = level
        self.key = key
        self.parent_key = parent_key


class Document(Record):
    """One file of the package, as one outline version describes it."""

    key: str
    filename: str
    title_template: str
    sections: tuple[OutlineSection, ...]
    old_filenames: tuple[str, ...]
    has_toc: bool
    metadata_rows: tuple[MetadataRow, ...]
    outline: str
    """Which outline this is: "current", or the older one it stands for ("2019", "2021", ...)."""

    def __init__(
        self,
        key: str,
        filename: str,
        title_template: str,
        sections: tuple[OutlineSection, ...],
        old_filenames: tuple[str, ...] = (),
        has_toc: bool = False,
        metadata_rows: tuple[MetadataRow, ...] = (),
        outline: str = "current",
    ) -> None:
        self.key = key
        self.filename = filename
        self.title_template = title_template
        self.sections = sections
        self.old_filenames = old_filenames
        self.has_toc = has_toc
        self.metadata_rows = metadata_rows
        self.outline = outline

    @property
    def has_metadata(self) -> bool:
        return bool(self.metadata_rows)

    def __reduce_ex__(self, protocol: SupportsIndex) -> str | tuple[Any, ...]:
        # One of the package's documents goes to a worker process by name: it arrives as the very object the
        # worker has, whose outline versions and resolver facts are worked out already, and not as a copy.
        if any(self is document for document in DOCUMENTS):
            return (_document_named, (self.key,))
        return super().__reduce_ex__(protocol)

    def title(self, project: str) -> str:
        """The document's title for a project."""
        return self.title_template.format(project=project)

    def walk(self) -> Iterator[WalkedSection]:
        """Every section and topic in document order; top-level sections are level 2."""
        return iter(self._walked)

    @cached_property
    def _walked(self) -> tuple[WalkedSection, ...]:
        def visit(sections: tuple[OutlineSection, ...], level: int, parent: str) -> Iterator[WalkedSection]:
            for section in sections:
                key = f"{parent}/{section.key_part}" if parent else section.key_part
                yield WalkedSection(section, level, key, parent)
                yield from visit(section.children, level + 1, key)

        return tuple(visit(self.sections, 2, ""))

    def as_of(self, guide: str | None = None, template: str | None = None) -> Document:
        """The outline as an older guide version or template version had it: later additions left out."""

        def keep(section: OutlineSection) -> bool:
            if guide is not None and guide_order(section.since) > guide_order(guide):
                return False
            return template is None or template_order(section.template_since) <= template_order(template)

        def named(section: OutlineSection) -> OutlineSection:
            renamed = section.renamed_in
            if template is None or renamed is None or template_order(template) >= template_order(renamed):
                return section
            old, *others = section.aliases
            return replace(section, title=old, aliases=(section.title, *others), slug=section.key_part)

        def pruned(section: OutlineSection) -> OutlineSection:
            kept, children = named(section), prune(section.children)
            unchanged = len(children) == len(section.children) and all(
                new is old for new, old in zip(children, section.children, strict=True)
            )
            if kept is section and unchanged:
                return section  # nothing of it or below it renamed or left out: the same section serves
            return replace(kept, children=children)

        def prune(sections: tuple[OutlineSection, ...]) -> tuple[OutlineSection, ...]:
            return tuple(pruned(s) for s in sections if keep(s))

        rows = tuple(row for row in self.metadata_rows if guide is None or guide_order(row.since) <= guide_order(guide))
        label = guide if guide is not None and guide != CURRENT_GUIDE else self.outline
        return replace(self, sections=prune(self.sections), metadata_rows=rows, outline=label)


@lru_cache(maxsize=4096)  # each outline version names the same sections again
def slug(text: str) -> str:
    """A stable, readable key for a section title: lowercase words joined by hyphens."""
    return re.sub(r"[^a-z0-9]+", "-", text.lower()).strip("-")


def _s(title: str, *children: OutlineSection, **options: object) -> OutlineSection:
    """A section: a heading in the guide."""
    return OutlineSection(title, children, **options)  # type: ignore[arg-type]


def _t(title: str, *children: OutlineSection, **options: object) -> OutlineSection:
    """A topic: a bullet or bold lead-in in the guide."""
    return OutlineSection(title, children, topic=True, **options)  # type: ignore[arg-type]


TOC_TITLE = "Table of contents"
TOC_VARIANTS = ("Contents", "TOC", "Table of content")
STAGES = ("Incomplete", "Complete", "Obsolete")
YES_NO = ("Yes", "No")

_STAGE_ROW = MetadataRow("Assessment Stage", allowed=STAGES, since="2024")
_SOFTWARE_ROWS = (
    MetadataRow("Software", is_url=True),
    MetadataRow("Security Provider", allowed=YES_NO),
)
_LANGUAGE_ROWS = (
    MetadataRow("Languages", since="2021"),
    MetadataRow("SBOM", aliases=("Software Bill of Materials",), since="2021"),
)
METADATA_ROWS = (_STAGE_ROW, *_SOFTWARE_ROWS, *_LANGUAGE_ROWS)
# The guide's joint assessment has no Assessment Stage row; our template writes one.
_JOINT_METADATA_ROWS = (replace(_STAGE_ROW, required=False), *_SOFTWARE_ROWS, *_LANGUAGE_ROWS)

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
_RELATED_NAMES = ("Related Projects and Vendors", "Related Projects")
_APPENDIX_VARIANTS = ("Appendices",)
_SECURE_DEVELOPMENT_VARIANTS = ("Secure software development practices",)
_BEST_PRACTICES_VARIANTS = (
    "Open SSF Best Practices",
    "OpenSSF Best Practices Badge",
    "Best Practices",
)

SELF_ASSESSMENT = Document(
    key="self-assessment",
    filename="self-assessment.md",
    title_template="{project} Self-assessment",
    has_toc=True,
    metadata_rows=METADATA_ROWS,
    sections=(
        _s(TOC_TITLE, required=False, variants=TOC_VARIANTS, toc=True),
        _METADATA,
        _s(
            "Overview",
            _s("Background"),
            _s("Actors", since="2023"),
            _s("Actions", since="2023"),
            _s("Goals", aliases=("Goal",)),
            _s("Non-goals", variants=("Non goals", "Nongoals")),
        ),
        _s("Self-assessment use", aliases=("Self-review use",)),
        _s(
            "Security functions and features",
            _t("Critical"),
            _t("Security Relevant"),
            variants=("Security features and functions",),
        ),
        _s("Project compliance", variants=("Compliance",)),
        _s(
            "Secure development practices",
            _t("Development Pipeline"),
            _t("Communication Channels", _t("Internal"), _t("Inbound"), _t("Outbound")),
            _t("Ecosystem"),
            variants=_SECURE_DEVELOPMENT_VARIANTS,
        ),
        _s(
            "Security issue resolution",
            _t(
                "Responsible Disclosures Process",
                _t("Vulnerability Response Process", variants=("Vulnerability Response",)),
                variants=("Responsible Disclosure Process", "Responsible Disclosure"),
                rendered=True,
            ),
            _t("Incident Response"),
        ),
        _s(
            "Appendix",
            _t("Known Issues Over Time", variants=("Known Issues",)),
            _t(
                "OpenSSF Best Practices",
                aliases=("CII Best Practices",),
                variants=_BEST_PRACTICES_VARIANTS,
                slug="best-practices",
                former_keys=("appendix/openssf-best-practices",),
            ),
            _t("Case Studies", variants=("Case Study",)),
            _t("Related Projects / Vendors", variants=_RELATED_NAMES),
            variants=_APPENDIX_VARIANTS,
        ),
    ),
)

_THREAT_AREAS = ("Identity theft", "Compromise", "Denial of service")

JOINT_ASSESSMENT = Document(
    key="joint-assessment",
    filename="joint-assessment.md",
    old_filenames=("joint-review.md",),
    title_template="Joint-assessment of {project}",
    metadata_rows=_JOINT_METADATA_ROWS,
    sections=(
        _s("Table of Contents", required=False, template_since="0.2.0", variants=TOC_VARIANTS, toc=True),
        _METADATA,
        _s(
            "Overview",
            _s("Background"),
            _s("Goal", variants=("Goals",)),
            _s("Non-goals", variants=("Non goals", "Nongoals")),
            rendered=True,
        ),
        _s("Joint-assessment use", aliases=("Joint-review use", "Joint review use")),
        _s(
            "Intended use",
            _t("Target users and use cases", rendered=True),
            _t("Operation"),
        ),
        _s(
            "Project design",
            _t("Design"),
            _t(
                "Data flow / architecture diagram",
                variants=("Data flow diagram / Architecture diagram", "Architecture diagram", "Data flow diagram"),
                required=False,
            ),
            _s(
                "Functions and features",
                _t("Critical"),
                _t("Relevant"),
                _s(
                    "Security functions and features",
                    former_keys=("project-design/security-functions-and-features",),
                ),
            ),
        ),
        _s(
            "Configuration and set-up",
            _t("Default"),
            _t("Secure"),
            _t("Advanced Secure"),
            variants=("Configuration and setup",),
        ),
        _s(
            "Project compliance",
            _t("Compliance", template_since="0.2.0"),
            _s("Existing audits"),
            variants=("Compliance",),
        ),
        _s(
            "Security analysis",
            _s("Attacker motivations"),
            _s("Predisposing conditions"),
            _s("Expected attacker capabilities"),
            _s("Attack risks and effects"),
            _s("Security degradation"),
            _s("Compensating mechanisms"),
        ),
        _s(
            "Threat model",
            *(_s(area, required=False, example=True) for area in _THREAT_AREAS),
            variants=("Threat modeling", "Threat modelling"),
        ),
        _s("Secure development practices", variants=_SECURE_DEVELOPMENT_VARIANTS),
        _s("Security issue resolution", _s("Closed security issues and vulnerabilities"), rendered=True),
        _s(
            "Hands-on assessment",
            _s("Assessment details"),
            _s("Findings"),
            _s(
                "Hands-on assessment result",
                aliases=("Result", "Hands-on review result"),
                former_keys=("hands-on-assessment/result",),
                renamed_in="0.2.0",
            ),
            aliases=("Hands-on review",),
        ),
        _s("Roadmap", _t("Project next steps"), _t("CNCF requests")),
        _s(
            "Appendix",
            _t("Known issues over time", variants=("Known Issues",)),
            _t("Case studies", variants=("Case Study",)),
            _t("Related projects / vendors", variants=_RELATED_NAMES),
            variants=_APPENDIX_VARIANTS,
        ),
    ),
)

# The lines between the README's title and its first section, in order; the
# closing line after the last section.
README_FIELDS = ("Completed", "Security reviewers", "Project security lead", "Project team")
README_CLOSING = "Tracking issue"

# Template versions before 0.2.0 titled it "{project} Joint Security Assessment".
JOINT_README = Document(
    key="readme",
    filename="README.md",
    title_template="{project} TAG-Security Security Assessment",
    sections=(
        _s("Background", _s("Maturity", rendered=True)),
        _s("Summary", _t("Design"), _t("Analysis")),
        _s(
            "Recommendations",
            _s(
                "CNCF recommendations",
                aliases=("Recommendations to CNCF", "Recommendations to the CNCF"),
                variants=("Recommendations for CNCF", "Recommendations for the CNCF"),
                former_keys=("recommendations/recommendations-to-cncf",),
                renamed_in="0.2.0",
            ),
            _s(
                "Project recommendations",
                aliases=("Recommendations to the project", "Recommendations to Project"),
                variants=("Recommendations for the project",),
                former_keys=("recommendations/recommendations-to-the-project",),
                renamed_in="0.2.0",
            ),
            _s("Additional recommendations"),
        ),
    ),
)

DOCUMENTS = (SELF_ASSESSMENT, JOINT_ASSESSMENT, JOINT_README)


def _document_named(key: str) -> Document:
    return next(document for document in DOCUMENTS if document.key == key)


# The single outline.md of 2019, which self-assessments and joint reviews of the time followed.
OUTLINE_2019 = Document(
    key="outline-2019",
    filename="outline.md",
    title_template="{project}",
    outline="2019",
    metadata_rows=_SOFTWARE_ROWS,
    sections=(
        _s("Metadata"),
        _s("Overview", _t("Background"), _t("Goal", variants=("Goals",)), _t("Non-goals", variants=("Non goals",))),
        _s("Intended use", _t("Target users and use cases"), _t("Operation")),
        _s("Project design", _t("Design")),
        _s(
            "Security analysis",
            _t("Attacker motivations"),
            _t("Expected attacker capabilities"),
            _t("Attack risks and effects"),
            _t("Security degradation"),
        ),
        _s(
            "Secure development practices",
            _t("Development pipeline"),
            _t("Communication Channels", _t("Internal"), _t("Inbound"), _t("Outbound")),
            _t("Vulnerability Response Process", variants=("Vulnerability Response",)),
            _t("Ecosystem"),
        ),
        _s("Roadmap", _t("Project next steps"), _t("CNCF requests")),
        _s(
            "Appendix",
            _t("Known Issues over time"),
            _t("CII Best Practices", variants=("OpenSSF Best Practices", "Open SSF Best Practices", "Best Practices")),
            _t("Case Studies"),
            _t("Related Projects / Vendors"),
        ),
    ),
)


_VIEWS: dict[tuple[str, str], tuple[Document, ...]] = {}


_VIEWS_OF: dict[int, tuple[Document, tuple[Document, ...]]] = {}


def outlines_for(document: Document) -> tuple[Document, ...]:
    """The outlines a file of this document may have been written for, oldest first, the current last."""
    place = (document.key, document.filename)
    known = _VIEWS_OF.get(id(document))
    if known is not None and known[0] is document and _VIEWS.get(place) is known[1]:
        return known[1]  # asked for this very document, and nothing replaced its views since: no sections compared
    views = _VIEWS.get(place)
    if views is None or views[-1].sections != document.sections:
        views = _VIEWS[place] = _outlines_for(document)
    _VIEWS_OF[id(document)] = (document, views)
    if len(_VIEWS_OF) > 256:  # documents made on the fly: forget the oldest
        del _VIEWS_OF[next(iter(_VIEWS_OF))]
    return views


def _outlines_for(document: Document) -> tuple[Document, ...]:
    found: list[Document] = []
    if document.key in (SELF_ASSESSMENT.key, JOINT_ASSESSMENT.key):
        found.append(replace(OUTLINE_2019, key=document.key, filename=document.filename))
    for version in GUIDE_VERSIONS[1:]:
        view = document.as_of(guide=version)
        if not found or view.sections != found[-1].sections or view.metadata_rows != found[-1].metadata_rows:
            found.append(view)
    found[-1] = replace(found[-1], outline="current")
    return tuple(found)


_TEMPLATE_VIEWS: dict[tuple[str, str], Document] = {}


def outline_for_template(document: Document, version: str) -> Document:
    """The outline as a template version rendered it (the version a package's answers file records)."""
    view = _TEMPLATE_VIEWS.get((document.key, version))
    if view is None or view.filename != document.filename:
        view = _TEMPLATE_VIEWS[(document.key, version)] = document.as_of(template=version)
    return view


def document_for_filename(filename: str) -> Document | None:
    """The document a file name stands for, old names included."""
    for document in DOCUMENTS:
        if filename == document.filename or filename in document.old_filenames:
            return document
    return None
