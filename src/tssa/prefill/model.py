"""What prefill states about a repository, as data: facts with their evidence, proposals, and notes.

A fact is a practice, a sentence and the lines that prove it. A sentence is
made of parts: our own words, and values from the repository (names, quotes,
addresses), kept apart so that each output writes them safely. The draft is
rendered from this model and `--format json` prints it.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any
from urllib.parse import quote as percent_encode

# Sections by their titles from the top; titles are the outline's.
Section = tuple[str, ...]
TOP: Section = ()
METADATA: Section = ("Metadata",)
SECURITY_LINKS: Section = ("Metadata", "Security links")
OVERVIEW: Section = ("Overview",)
ACTORS: Section = ("Overview", "Actors")
GOALS: Section = ("Overview", "Goals")
FEATURES: Section = ("Security functions and features",)
SECURITY_RELEVANT: Section = ("Security functions and features", "Security Relevant")
COMPLIANCE: Section = ("Project compliance",)
PIPELINE: Section = ("Secure development practices", "Development Pipeline")
CHANNELS: Section = ("Secure development practices", "Communication Channels")
ECOSYSTEM: Section = ("Secure development practices", "Ecosystem")
DISCLOSURE: Section = ("Security issue resolution", "Responsible Disclosures Process")
INCIDENTS: Section = ("Security issue resolution", "Incident Response")
KNOWN_ISSUES: Section = ("Appendix", "Known Issues Over Time")
BEST_PRACTICES: Section = ("Appendix", "OpenSSF Best Practices")
CASE_STUDIES: Section = ("Appendix", "Case Studies")


@dataclass(frozen=True)
class Part:
    """A piece of a sentence: our words ("text"), a value from the repository ("code"), a quoted line
    ("quote"), or a web address ("url")."""

    text: str
    kind: str = "text"


def code(value: str) -> Part:
    return Part(value, "code")


def quote(value: str) -> Part:
    return Part(value, "quote")


def url(value: str) -> Part:
    return Part(value, "url")


def sentence(*pieces: str | Part) -> tuple[Part, ...]:
    """Parts from plain strings (our words) and parts; a full stop after a quote that ends a sentence is left out."""
    parts = [piece if isinstance(piece, Part) else Part(piece) for piece in pieces if piece != ""]
    if (
        len(parts) >= 2
        and parts[-1] == Part(".")
        and parts[-2].kind == "quote"
        and parts[-2].text.endswith((".", "!", "?", "…"))
    ):
        parts.pop()
    return tuple(parts)


def plain(parts: tuple[Part, ...]) -> str:
    """A sentence as plain text: quotes in quotation marks, everything else as it is."""
    return "".join(f"“{part.text}”" if part.kind == "quote" else part.text for part in parts)


def listing(values: list[str], kind: str = "code") -> list[str | Part]:
    """`a`, `b` and `c` as sentence pieces."""
    pieces: list[str | Part] = []
    for index, value in enumerate(values):
        if index:
            pieces.append(" and " if index == len(values) - 1 else ", ")
        pieces.append(Part(value, kind))
    return pieces


def plural(count: int, noun: str) -> str:
    """`1 file`, `2 files`."""
    return f"{count:,} {noun}" + ("" if count == 1 else "s")


@dataclass(frozen=True, order=True)
class Evidence:
    """A line of a file of the checkout (path relative to the checkout, with `/`; line 1-based)."""

    path: str
    line: int


@dataclass(frozen=True)
class Fact:
    """A statement the repository proves; `field` and `value` when it proposes an answer."""

    section: Section
    practice: str
    parts: tuple[Part, ...]
    evidence: tuple[Evidence, ...]
    field: str | None = None
    value: Any = None
    answered: bool = False

    @property
    def sentence(self) -> str:
        return plain(self.parts)


@dataclass(frozen=True)
class Note:
    """What prefill could not settle, and what the user should do: no evidence, so a to-do, never a fact."""

    section: Section
    parts: tuple[Part, ...]

    @property
    def text(self) -> str:
        return plain(self.parts)


@dataclass
class Report:
    """Everything prefill found, ready to be written as answers, a draft, or JSON."""

    project_name: str
    repository: str | None
    commit: str | None
    branch: str
    answers: dict[str, Any] = field(default_factory=dict)
    facts: list[Fact] = field(default_factory=list)
    notes: list[Note] = field(default_factory=list)
    references: dict[Section, list[str]] = field(default_factory=dict)
    rows: list[tuple[str, str, str]] = field(default_factory=list)
    problems: list[str] = field(default_factory=list)
    evidence_base: str | None = None  # `https://host/o/r/blob/<commit>/`, when both are known

    def evidence_url(self, evidence: Evidence) -> str | None:
        """The web link to an evidence line at the checkout's commit (GitHub's and GitLab's `#L<n>` form)."""
        if self.evidence_base is None:
            return None
        return f"{self.evidence_base}{percent_encode(evidence.path, safe='/')}#L{evidence.line}"

    def add(self, fact: Fact | None) -> None:
        """Keep a fact that has evidence; a fact without any is never stated."""
        if fact is not None and fact.evidence:
            self.facts.append(fact)

    def note(self, section: Section, *pieces: str | Part) -> None:
        self.notes.append(Note(section, sentence(*pieces)))

    def refer(self, section: Section, value: str) -> None:
        lines = self.references.setdefault(section, [])
        if value not in lines:
            lines.append(value)

    def row(self, what: str, where: str, becomes: str) -> None:
        self.rows.append((what, where, becomes))
