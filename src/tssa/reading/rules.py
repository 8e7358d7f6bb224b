"""The rules of `tssa check`: one small rule per finding code, and the findings they produce.

A code's number and name never change meaning. Each rule links to the part of
the TAG's assessment guide it enforces; rules about files and the tool's own
traces (conflict markers, backups) enforce no guide section and have no link.
`--select` and `--ignore` pick rules by code or by a prefix of codes.
"""

from __future__ import annotations

from collections.abc import Iterable
from enum import Enum
from pathlib import Path

from tssa.errors import UsageError
from tssa.records import Record

GUIDE = "https://github.com/cncf/tag-security/blob/main/community/assessments/guide/"
_SELF_OUTLINE = GUIDE + "self-assessment.md#self-assessment-outline"
_METADATA = GUIDE + "self-assessment.md#metadata"
_ARTIFACTS = GUIDE + "README.md#final-artifacts-which-are-committed"
_JOINT_README = GUIDE + "joint-readme-template.md"


class Severity(Enum):
    ERROR = "error"
    WARNING = "warning"


class Rule(Record):
    """One finding code: its stable name, default severity, what it means, and the guide section behind it."""

    code: str
    name: str
    severity: Severity
    summary: str
    guide: str | None

    def __init__(self, code: str, name: str, severity: Severity, summary: str, guide: str | None = None) -> None:
        self.code = code
        self.name = name
        self.severity = severity
        self.summary = summary
        self.guide = guide


_E, _W = Severity.ERROR, Severity.WARNING

RULES: tuple[Rule, ...] = (
    Rule("TSSA001", "unreadable-file", _E, "the file cannot be read, is binary, or is a link loop"),
    Rule(
        "TSSA002",
        "not-utf8",
        _E,
        "the file is not UTF-8 (reported at the first bad byte); UTF-16 with a byte-order mark is read as such, "
        "anything else with replacement characters",
    ),
    Rule("TSSA003", "old-file-name", _W, "`joint-review.md`: rename it `joint-assessment.md`", _ARTIFACTS),
    Rule("TSSA004", "file-too-large", _E, "the document is over 4 MiB; it is reported once and not read"),
    Rule(
        "TSSA005",
        "not-a-regular-file",
        _E,
        "a FIFO, device or socket carries a document's name; it is never opened",
    ),
    Rule(
        "TSSA006",
        "link-outside-paths",
        _E,
        "a symbolic link leads outside the paths given; its target is never read or shown",
    ),
    Rule("TSSA007", "unreadable-folder", _E, "a folder cannot be listed, so its documents are not checked"),
    Rule(
        "TSSA101",
        "missing-section",
        _E,
        "a required section is missing (reported at the section before it)",
        _SELF_OUTLINE,
    ),
    Rule(
        "TSSA102",
        "missing-optional-section",
        _W,
        "an optional section (Actors, Actions, a threat area, ...) is missing",
        _SELF_OUTLINE,
    ),
    Rule(
        "TSSA103",
        "unfilled-section",
        _W,
        "the section still holds only our guidance or an empty table skeleton",
        _SELF_OUTLINE,
    ),
    Rule("TSSA104", "empty-section", _W, "the section has nothing at all", _SELF_OUTLINE),
    Rule(
        "TSSA105",
        "old-section-name",
        _W,
        "a section uses an old name, such as Goal or CII Best Practices",
        _SELF_OUTLINE,
    ),
    Rule(
        "TSSA106",
        "missing-topic",
        _W,
        "a topic the guide asks for inside a section (a bullet or a lead-in, such as Critical) is not covered",
        _SELF_OUTLINE,
    ),
    Rule(
        "TSSA107",
        "older-outline",
        _W,
        "the document follows an older outline of the guide (once per document, not once per newer section)",
        _SELF_OUTLINE,
    ),
    Rule(
        "TSSA108",
        "template-update-available",
        _W,
        "the package was made with an older template version: run `tssa update`",
    ),
    Rule(
        "TSSA109",
        "outline-too-old",
        _E,
        "with `--outline`: the document follows an older outline than the one asked for",
    ),
    Rule("TSSA201", "missing-metadata", _E, "no metadata table", _METADATA),
    Rule("TSSA202", "missing-metadata-row", _E, "a metadata row is missing", _METADATA),
    Rule(
        "TSSA203",
        "invalid-stage",
        _E,
        "Assessment Stage is not Incomplete, Complete or Obsolete (`Incomplete.` is fine)",
        _METADATA,
    ),
    Rule(
        "TSSA204",
        "invalid-security-provider",
        _E,
        "Security Provider is not Yes or No; `No. The primary function ...` is fine",
        _METADATA,
    ),
    Rule("TSSA205", "software-not-url", _E, "Software is not a link", _METADATA),
    Rule(
        "TSSA206",
        "missing-readme-line",
        _W,
        "the joint README lacks Completed, Security reviewers, ...",
        _JOINT_README,
    ),
    Rule("TSSA301", "broken-anchor", _E, "a `#link` has no matching heading"),
    Rule("TSSA302", "broken-relative-link", _E, "a relative link points to a file that does not exist"),
    Rule("TSSA401", "draft-line", _W, "a `reference:` or `todo` line is left from a draft"),
    Rule("TSSA402", "conflict-marker", _E, "an update left `<<<<<<<` / `>>>>>>>` markers"),
    Rule("TSSA403", "rejected-changes", _E, "an update left `<document>.rej`: changes it could not apply"),
    Rule("TSSA404", "backup-file", _W, "a merge left a `<document>.orig` backup"),
    Rule(
        "TSSA405",
        "example-value",
        _W,
        "Flibble, an `example.org` or `example.com` address, the guide's sample links, or its instruction in a "
        "metadata row (`A link to the software's repository.`) left in a package of another project",
    ),
    Rule("TSSA501", "lint", _W, "a markdownlint finding (with `--lint`)"),
    Rule(
        "TSSA502",
        "lint-failed",
        _W,
        "the linter crashed, or the document is over its budget (200 KB, 30 seconds); the other checks still ran",
    ),
)

_BY_CODE = {rule.code: rule for rule in RULES}


class Finding(Record):
    """One thing a check found: where, which rule, one line of message, and the outline key of its section."""

    path: Path
    line: int
    code: str
    message: str
    section: str | None

    def __init__(self, path: Path, line: int, code: str, message: str, section: str | None = None) -> None:
        self.path = path
        self.line = line
        self.code = code
        self.message = message
        self.section = section

    @property
    def rule(self) -> Rule:
        return _BY_CODE[self.code]

    @property
    def name(self) -> str:
        return self.rule.name

    @property
    def severity(self) -> Severity:
        return self.rule.severity


def _codes_matching(option: str, pattern: str) -> frozenset[str]:
    """The codes a `--select`/`--ignore` value names: a code, a prefix of codes, or a rule's name."""
    wanted = pattern.strip()
    by_name = [rule.code for rule in RULES if rule.name == wanted.lower()]
    codes = by_name or [code for code in _BY_CODE if wanted and code.startswith(wanted.upper())]
    if not codes:
        raise UsageError(
            f"{option}: {wanted!r} is not a rule; give a code (TSSA101), a prefix (TSSA1) or a name "
            "(missing-section), as `tssa check --list-rules` shows"
        )
    return frozenset(codes)


class Selection(Record):
    """Which rules a check reports, and whether a warning fails it (`--strict`)."""

    codes: frozenset[str]
    strict: bool

    def __init__(self, codes: frozenset[str] = frozenset(_BY_CODE), strict: bool = False) -> None:
        self.codes = codes
        self.strict = strict

    @classmethod
    def from_options(cls, select: Iterable[str] = (), ignore: Iterable[str] = (), strict: bool = False) -> Selection:
        """Values may be repeated or comma-separated; an unknown one is refused, naming its option."""
        selected = [part for value in select for part in value.split(",")]
        ignored = [part for value in ignore for part in value.split(",")]
        codes = set(_BY_CODE)
        if selected:
            codes = set().union(*(_codes_matching("--select", value) for value in selected))
        for value in ignored:
            codes -= _codes_matching("--ignore", value)
        return cls(frozenset(codes), strict)

    def reports(self, finding: Finding) -> bool:
        return finding.code in self.codes

    def severity(self, finding: Finding) -> Severity:
        """The severity a finding is shown with and judged by: with `strict`, every finding is an error."""
        return Severity.ERROR if self.strict else finding.severity

    def fails(self, findings: Iterable[Finding]) -> bool:
        return any(self.severity(finding) is Severity.ERROR for finding in findings)
