"""Read the facts a package states about itself, each normalised beside its original text.

The metadata table of each assessment (stage, software, security provider,
languages, SBOM, security links), the joint README's lines (completion date,
reviewers, project security lead, project team, maturity, tracking issue, the
recommendations per list), the project's name and the template version in the
answers file. `tssa index` lists them; `tssa adopt` can turn them into answers.

A value that cannot be understood is kept as text with `value` None: nothing is
guessed. Files are read through the same reader as `tssa check`.
"""

from __future__ import annotations

import datetime
import re
from collections.abc import Sequence
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path
from typing import Generic, TypeVar

from tssa.reading.answers import ANSWERS_FILE, COMMIT_KEY, MATURITY_KEY, read_answer_file
from tssa.reading.files import read_document
from tssa.reading.markdown import Block, DocumentSection, MarkdownDocument, lines_before, lines_of, parse
from tssa.reading.outline import (
    CNCF_MATURITY,
    JOINT_README,
    METADATA_ROWS,
    README_CLOSING,
    README_FIELDS,
    SELF_ASSESSMENT,
    STAGES,
    Document,
)
from tssa.reading.package import PackageFile
from tssa.reading.resolve import current_outline, section_headings
from tssa.reading.tables import all_tables

T = TypeVar("T")


@dataclass(frozen=True)
class Fact(Generic[T]):
    """A value as the package writes it (`text`, at `file`:`line`) and normalised (`value`, None if unclear)."""

    value: T | None
    text: str
    file: str
    line: int


@dataclass(frozen=True)
class SecurityLink:
    name: str
    url: str | None
    file: str
    line: int


@dataclass(frozen=True)
class MetadataFacts:
    """The metadata table of one assessment document; a row it lacks is None."""

    stage: Fact[str] | None = None
    software: Fact[str] | None = None
    security_provider: Fact[bool] | None = None
    languages: Fact[list[str]] | None = None
    sbom: Fact[str] | None = None
    security_links: tuple[SecurityLink, ...] = ()


@dataclass(frozen=True)
class ReadmeFacts:
    """The joint README's lines; a line it lacks is None. `recommendations` counts the items per list."""

    completed: Fact[str] | None = None
    reviewers: Fact[list[str]] | None = None
    security_lead: Fact[str] | None = None
    project_team: Fact[list[str]] | None = None
    maturity: Fact[str] | None = None
    tracking_issue: Fact[str] | None = None
    recommendations: dict[str, int] = field(default_factory=dict)


@dataclass(frozen=True)
class PackageFacts:
    folder: Path
    project: Fact[str]
    metadata: dict[str, MetadataFacts]  # by document key: "self-assessment", "joint-assessment"
    readme: ReadmeFacts | None
    template_version: Fact[str] | None
    maturity: Fact[str] | None  # the README's Maturity section, else the answers file's cncf_maturity
    problems: tuple[str, ...] = ()  # why a file read for the facts was not read (a bad answers file)


def read_package_facts(files: Sequence[PackageFile]) -> PackageFacts:
    """The facts of one package, from the document files found in its folder."""
    texts: list[tuple[PackageFile, str, MarkdownDocument | None]] = []
    for file in files:
        text = _read_file(file.path) if all(file.document.key != read.document.key for read, _, _ in texts) else None
        if text is not None:
            texts.append((file, text, None))
    return package_facts(files[0].path.parent, texts)


def package_facts(folder: Path, texts: Sequence[tuple[PackageFile, str, MarkdownDocument | None]]) -> PackageFacts:
    """The facts of the package in `folder` from its documents' texts, each with its parse when one was made.

    Only the first text of each document counts. `tssa index` passes what `tssa check` parsed, so that
    no document is parsed twice.
    """
    parsed: dict[str, tuple[PackageFile, MarkdownDocument]] = {}
    metadata: dict[str, MetadataFacts] = {}
    for file, text, whole in texts:
        key = file.document.key
        if key in parsed:
            continue
        if not file.document.has_metadata:
            parsed[key] = (file, whole if whole is not None else parse(text))
            continue
        # The metadata comes before the Overview in every outline: reading only that far is enough,
        # unless a document puts it elsewhere.
        head = _METADATA_END.search(text)
        document = _head(text, head.start(), whole) if head else whole if whole is not None else parse(text)
        metadata[key] = read_metadata(document, file.path.name, file.document)
        if head and metadata[key] == MetadataFacts():
            document = whole if whole is not None else parse(text)
            metadata[key] = read_metadata(document, file.path.name, file.document)
        parsed[key] = (file, document)
    readme = read_readme(parsed["readme"][1], parsed["readme"][0].path.name) if "readme" in parsed else None
    answers, answers_problem = _read_answers(folder)
    maturity = readme.maturity if readme is not None else None
    if maturity is None and answers.get(MATURITY_KEY):
        text = answers[MATURITY_KEY]
        maturity = Fact(normalize_maturity(text), text, ANSWERS_FILE, 0)
    version = answers.get(COMMIT_KEY)
    return PackageFacts(
        folder=folder,
        project=_project(parsed, folder),
        metadata=metadata,
        readme=readme,
        template_version=Fact(version, version, ANSWERS_FILE, 0) if version else None,
        maturity=maturity,
        problems=(answers_problem,) if answers_problem else (),
    )


def _head(text: str, end: int, whole: MarkdownDocument | None) -> MarkdownDocument:
    """The document up to offset `end` (the start of a line): cut from its whole parse when that is the same."""
    if whole is not None:
        head = lines_before(whole, len(lines_of(text[:end])) + 1)
        if head is not None:
            return head
    return parse(text[:end])


def project_folder(folder: Path) -> Path:
    """The folder named after the project: the package's, or its parent for `<project>/security-assessment/`."""
    name = folder.name.casefold()
    if "assess" in name or "review" in name or name.startswith("security"):
        return folder.parent
    return folder


_METADATA_END = re.compile(r"^#{1,6}[ \t]+(?:[\d.]+[ \t]*)?overview\b", re.IGNORECASE | re.MULTILINE)


def _read_file(path: Path) -> str | None:
    return read_document(path).text  # None for no regular file, or one over the size limit


# --- the project's name -------------------------------------------------------------------------------------

# Words titles put around the project's name, in the outlines of every year.
_TITLE_WORD = (
    r"(?:joint[- ]?assessment|joint[- ]?review|self[- ]?assessment|self[- ]?review|tag[- ]security|"
    r"joint|security|assessment|cncf|of|for)\b"
)
_LEADING_TITLE_WORDS = re.compile(rf"(?:[\s:|\-\u2013\u2014]+|{_TITLE_WORD})+", re.IGNORECASE)
_TITLE_SEPARATOR = re.compile(r"[\s:|\-\u2013\u2014]")
_LAST_TITLE_WORD = re.compile(rf"\b{_TITLE_WORD}$", re.IGNORECASE)


def project_from_title(title: str) -> str:
    """The project's name in a document title, such as "Joint-assessment of Flibble" -> "Flibble".

    The title words and separators around the name are taken off: those in front in one match, those at
    the end one by one from the end (a pattern ending in `$` would read the title again from each word).
    """
    leading = _LEADING_TITLE_WORDS.match(title)
    start = leading.end() if leading else 0
    end = len(title)
    while end > start:
        if _TITLE_SEPARATOR.match(title, end - 1):
            end -= 1
        elif word := _LAST_TITLE_WORD.search(title, max(start, end - 20), end):  # no title word is longer
            end = word.start()
        else:
            break
    return title[start:end].strip()


def _project(parsed: dict[str, tuple[PackageFile, MarkdownDocument]], folder: Path) -> Fact[str]:
    for key in ("self-assessment", "joint-assessment", "readme"):
        if key not in parsed:
            continue
        file, document = parsed[key]
        title = next((heading for heading in document.headings if heading.level == 1), None)
        if title is not None and (name := project_from_title(title.text)):
            return Fact(name, title.text, file.path.name, title.line)
    name = project_folder(folder).name
    return Fact(name, name, "", 0)


# --- the metadata table ---------------------------------------------------------------------------------------


_KEY_NUMBERING = re.compile(r"^\s*[\d.]+\s+")
_KEY_NOT_WORDS = re.compile(r"[^\w]+")


@lru_cache(maxsize=4096)  # the same row and line names, package after package
def normalize_key(text: str) -> str:
    """A heading or row name for comparison: lowercase words, numbering and punctuation left out."""
    return " ".join(_KEY_NOT_WORDS.sub(" ", _KEY_NUMBERING.sub("", text.casefold())).split())


_ROW_KEYS = {normalize_key(name): row.name for row in METADATA_ROWS for name in (row.name, *row.aliases)}
_URL = re.compile(r"https?://[^\s<>]+", re.IGNORECASE)


def read_metadata(document: MarkdownDocument, filename: str, outline: Document = SELF_ASSESSMENT) -> MetadataFacts:
    """The metadata rows and the security links of one assessment document, judged by its `outline`."""
    rows: dict[str, tuple[str, int]] = {}
    extra: list[SecurityLink] = []
    table_lines: set[int] = set()
    for table in all_tables(document):
        cells = [(table.line, table.header), *zip(table.row_lines, table.rows, strict=True)]
        if sum(normalize_key(row[0]) in _ROW_KEYS for _, row in cells if row) < 2:
            continue
        table_lines.add(table.line)
        for line, row in cells:
            if len(row) < 2 or not row[0].strip():
                continue
            name = _ROW_KEYS.get(normalize_key(row[0]))
            if name is not None:
                rows.setdefault(name, (row[1].strip(), line))
            elif url := _row_url(document, line, row[1]):
                extra.append(SecurityLink(row[0].strip(), url, filename, line))
        break
    links = [*_security_links(document, outline, filename, table_lines), *extra]

    def fact(name: str) -> tuple[str, int] | None:
        return rows.get(name)

    stage = fact("Assessment Stage")
    software = fact("Software")
    provider = fact("Security Provider")
    languages = fact("Languages")
    sbom = fact("SBOM")
    return MetadataFacts(
        stage=Fact(normalize_stage(stage[0]), stage[0], filename, stage[1]) if stage else None,
        software=Fact(_row_url(document, software[1], software[0]), software[0], filename, software[1])
        if software
        else None,
        security_provider=Fact(normalize_yes_no(provider[0]), provider[0], filename, provider[1]) if provider else None,
        languages=Fact(split_languages(languages[0]), languages[0], filename, languages[1]) if languages else None,
        sbom=Fact(_row_url(document, sbom[1], sbom[0]), sbom[0], filename, sbom[1]) if sbom else None,
        security_links=tuple(links),
    )


def _row_url(document: MarkdownDocument, line: int, text: str) -> str | None:
    """The first web address of a table row: a link's target, or an address written out."""
    for link in document.links_on(line):
        if _URL.fullmatch(link.href.strip()):
            return link.href.strip()
    match = _URL.search(text)
    return match.group(0).rstrip(".,;)") if match else None


def _security_links(document: MarkdownDocument, outline: Document, filename: str, skip: set[int]) -> list[SecurityLink]:
    section = outline_section(document, outline, "metadata/security-links")
    if section is None:
        return []
    start = section.heading.line
    end = _section_end(document, section)
    links: list[SecurityLink] = []
    for table in document.tables:
        if not start < table.line <= end or table.line in skip:
            continue
        for line, row in zip(table.row_lines, table.rows, strict=True):
            if row and row[0].strip():
                url = _row_url(document, line, " ".join(row[1:]))
                links.append(SecurityLink(row[0].strip(), url, filename, line))
    return links


def _section_end(document: MarkdownDocument, section: DocumentSection) -> int:
    """The last line of a section: before the next heading of its level or above, or the document's end."""
    following = [
        heading.line
        for heading in document.headings
        if heading.line > section.heading.line and heading.level <= section.heading.level
    ]
    return min(following, default=document.line_count + 1) - 1


_STAGE_WORDS = {
    **{stage.casefold(): stage for stage in STAGES},
    "draft": "Incomplete",
    "in progress": "Incomplete",
    "wip": "Incomplete",
    "completed": "Complete",
    "done": "Complete",
    "final": "Complete",
    "deprecated": "Obsolete",
    "archived": "Obsolete",
}


def normalize_stage(text: str) -> str | None:
    """Incomplete, Complete or Obsolete, when the text says so unambiguously (`Incomplete.`, `Draft`)."""
    key = normalize_key(text)
    if key in _STAGE_WORDS:
        return _STAGE_WORDS[key]
    first = key.split(" ")[0] if key else ""
    return _STAGE_WORDS.get(first) if first in {stage.casefold() for stage in STAGES} else None


def normalize_yes_no(text: str) -> bool | None:
    """True for Yes, False for No, also when an explanation follows (`No. The primary function is ...`)."""
    words = normalize_key(text).split(" ")
    return {"yes": True, "no": False, "true": True, "false": False}.get(words[0]) if words else None


_LANGUAGE_NAMES = {
    "golang": "Go",
    "go": "Go",
    "js": "JavaScript",
    "javascript": "JavaScript",
    "ts": "TypeScript",
    "typescript": "TypeScript",
    "python": "Python",
    "rust": "Rust",
    "java": "Java",
    "c": "C",
    "c++": "C++",
    "c#": "C#",
    "shell": "Shell",
    "bash": "Shell",
}
_NO_VALUE = {"", "n/a", "na", "none", "tbd", "-", "unknown", "not yet"}


def split_languages(text: str) -> list[str] | None:
    """The languages of a row such as "Go, Rust and TypeScript"; None when the row names none."""
    if text.strip().strip(".").casefold() in _NO_VALUE:
        return None
    parts = re.split(r",|;|/|\band\b|\n|\s&\s", text)
    names: list[str] = []
    for part in parts:
        name = part.strip().strip(".*_").strip()
        if name.casefold() in _NO_VALUE:
            continue
        name = _LANGUAGE_NAMES.get(name.casefold(), name)
        if name.casefold() not in {known.casefold() for known in names}:
            names.append(name)
    return names or None


# --- the joint README -------------------------------------------------------------------------------------------

# The README's lines by fact: the outline's names, and the short forms hand-written READMEs use.
_README_LINES = {
    **{
        normalize_key(name): key
        for name, key in zip(
            (*README_FIELDS, README_CLOSING),
            ("completed", "reviewers", "security_lead", "project_team", "tracking_issue"),
            strict=True,
        )
    },
    "reviewers": "reviewers",
    "security lead": "security_lead",
}
_LINE_NAME = re.compile(r"^\s*(?:[-*+]\s+)?(?P<name>[A-Za-z][A-Za-z ]{2,30}?)\s*:\s*(?P<value>.*)$")
# The README's recommendation lists, by outline key (their old names are the outline's aliases).
_RECOMMENDATION_LISTS = {
    "cncf": "recommendations/cncf-recommendations",
    "project": "recommendations/project-recommendations",
    "additional": "recommendations/additional-recommendations",
}
# Within one line: punctuation running over many lines would be read again from each line start.
_MAY_BE_LINE = re.compile(
    r"(?im)^[^\w\n]*(?:completed|security reviewers|reviewers|project security lead|security lead|"
    r"project team|tracking issue)[^\w\n]*:"
)


def read_readme(document: MarkdownDocument, filename: str) -> ReadmeFacts:
    """The joint README's lines, maturity, tracking issue and recommendation counts."""
    lines: dict[str, tuple[str, int]] = {}
    for block in document.blocks:
        # Only a paragraph whose source has a "Name:" line needs its inline text read (the costly part).
        if block.kind != "paragraph" or not _MAY_BE_LINE.search(block.source):
            continue
        for offset, text in enumerate(block.text.split("\n")):
            match = _LINE_NAME.match(text)
            key = _README_LINES.get(normalize_key(match.group("name"))) if match else None
            if match and key and key not in lines:
                lines[key] = (match.group("value").strip(), block.line + offset)

    def fact(key: str) -> tuple[str, int] | None:
        return lines.get(key)

    completed, reviewers, lead, team = fact("completed"), fact("reviewers"), fact("security_lead"), fact("project_team")
    return ReadmeFacts(
        completed=Fact(normalize_date(completed[0]), completed[0], filename, completed[1]) if completed else None,
        reviewers=Fact(split_people(reviewers[0]), reviewers[0], filename, reviewers[1]) if reviewers else None,
        security_lead=Fact(lead[0] if lead[0].casefold() not in _NO_VALUE else None, lead[0], filename, lead[1])
        if lead
        else None,
        project_team=Fact(split_people(team[0]), team[0], filename, team[1]) if team else None,
        maturity=_maturity(document, filename),
        tracking_issue=_tracking_issue(document, filename, fact("tracking_issue")),
        recommendations=_recommendations(document),
    )


def split_people(text: str) -> list[str] | None:
    """The names in a line such as "Ada (@ada), Grace and Linus"; None when it names nobody yet."""
    if normalize_key(text) in _NO_VALUE or normalize_key(text).startswith("not yet"):
        return None
    names = [part.strip().strip(".").strip() for part in re.split(r",|;|\band\b|\n", text)]
    return [name for name in names if name] or None


def _maturity(document: MarkdownDocument, filename: str) -> Fact[str] | None:
    section = outline_section(document, JOINT_README, "background/maturity")
    if section is None:
        return None
    for block in _paragraphs(section.blocks):
        value = normalize_maturity(block.text)
        if value is not None:
            return Fact(value, block.text, filename, block.line)
    return None


_MATURITY_WORDS = (
    ("graduat", "graduated"),
    ("incubat", "incubating"),
    ("sandbox", "sandbox"),
)


def normalize_maturity(text: str) -> str | None:
    """sandbox, incubating, graduated or none, when the text names one."""
    folded = text.casefold()
    if folded.strip() in CNCF_MATURITY:
        return folded.strip()
    for word, maturity in _MATURITY_WORDS:
        if word in folded:
            return maturity
    return None


def _tracking_issue(document: MarkdownDocument, filename: str, line: tuple[str, int] | None) -> Fact[str] | None:
    if line is not None:
        text, number = line
        return Fact(_row_url(document, number, text), text, filename, number)
    section = find_section(document, README_CLOSING)
    if section is None:
        return None
    for block in _paragraphs(section.blocks):
        return Fact(_row_url(document, block.line, block.text), block.text, filename, block.line)
    return None


def _recommendations(document: MarkdownDocument) -> dict[str, int]:
    counts: dict[str, int] = {}
    for key, outline_key in _RECOMMENDATION_LISTS.items():
        section = outline_section(document, JOINT_README, outline_key)
        if section is not None:
            # the items that say something: the guide's empty `*` bullets do not count
            counts[key] = sum(block.items for block in section.blocks if block.kind == "list")
    return counts


def _paragraphs(blocks: Sequence[Block]) -> list[Block]:
    return [block for block in blocks if block.kind == "paragraph" and block.text.strip()]


def find_section(document: MarkdownDocument, *names: str) -> DocumentSection | None:
    """The first section whose heading is one of `names` (compared as `normalize_key` does).

    Only for headings the outline does not name; an outline section is found by `outline_section`.
    """
    wanted = {normalize_key(name) for name in names}
    return next((section for section in document.walk() if normalize_key(section.heading.text) in wanted), None)


def outline_section(document: MarkdownDocument, outline: Document, *keys: str) -> DocumentSection | None:
    """The first (in the document) of the sections with these outline keys, found as `tssa check` finds them.

    The shared resolver (`tssa.reading.resolve`) decides which heading stands for which
    section; a document is resolved once for all the sections read from it.
    """
    # The current outline as `tssa check` resolved it: the same sections, so the same resolution, reused.
    sections = section_headings(current_outline(outline), document, keys)
    found = [sections[key] for key in keys if key in sections]
    return min(found, key=lambda section: section.heading.line) if found else None


# --- dates ------------------------------------------------------------------------------------------------------

_MONTHS = {
    name: number
    for number, names in enumerate(
        (
            ("jan", "january"),
            ("feb", "february"),
            ("mar", "march"),
            ("apr", "april"),
            ("may",),
            ("jun", "june"),
            ("jul", "july"),
            ("aug", "august"),
            ("sep", "sept", "september"),
            ("oct", "october"),
            ("nov", "november"),
            ("dec", "december"),
        ),
        start=1,
    )
    for name in names
}
_ISO = re.compile(r"\b(\d{4})[-/.](\d{1,2})[-/.](\d{1,2})\b")
_DAY_MONTH_YEAR = re.compile(r"\b(\d{1,2})(?:st|nd|rd|th)?\s+([A-Za-z]{3,9})\.?,?\s+(\d{4})\b")
_MONTH_DAY_YEAR = re.compile(r"\b([A-Za-z]{3,9})\.?\s+(\d{1,2})(?:st|nd|rd|th)?,?\s+(\d{4})\b")
_MONTH_YEAR = re.compile(r"\b([A-Za-z]{3,9})\.?,?\s+(\d{4})\b")


def normalize_date(text: str) -> str | None:
    """An ISO date (YYYY-MM-DD, or YYYY-MM when the day is not given) from text such as "12 Mar 2023"."""
    dated = False
    for pattern, order in ((_ISO, "ymd"), (_DAY_MONTH_YEAR, "dmy"), (_MONTH_DAY_YEAR, "mdy")):
        for match in pattern.finditer(text):
            parts = dict(zip(order, match.groups(), strict=True))
            month = _MONTHS.get(parts["m"].casefold()) if not parts["m"].isdigit() else int(parts["m"])
            if month is None:
                continue
            dated = True
            try:
                return datetime.date(int(parts["y"]), month, int(parts["d"])).isoformat()
            except ValueError:
                continue
    # "31 Feb 2020" is not a date; only a month with no day at all stands for the month.
    for match in () if dated else _MONTH_YEAR.finditer(text):
        month = _MONTHS.get(match.group(1).casefold())
        if month is not None:
            return f"{int(match.group(2)):04d}-{month:02d}"
    return None


# --- the answers file -------------------------------------------------------------------------------------------


def _read_answers(folder: Path) -> tuple[dict[str, str], str | None]:
    """The answers file's plain string values, and why it was not read (a file that is missing gives none)."""
    answers = read_answer_file(folder)
    plain = {key: str(value) for key, value in answers.values.items() if isinstance(value, str | int | float)}
    problem = answers.problem and f"{ANSWERS_FILE}: {answers.problem}; its answers are not read"
    return plain, problem


# --- channels and the disclosure contact (read from a whole, parsed self-assessment) -----------------------------

_CHANNELS = ("internal", "inbound", "outbound")
_CHANNELS_KEY = "secure-development-practices/communication-channels"
_LEAD_IN = re.compile(
    r"^\s*(?:[-*+]\s+)?(?:\*\*|__)?(?P<name>internal|inbound|outbound)(?:\*\*|__)?\s*[:.\-\u2013\u2014]"
    r"(?:\*\*|__)?(?=\s|$)\s*(?P<value>.*)$",
    re.IGNORECASE,
)
# Bounded as addresses are (64 characters before the @, 63 a label): a long run of `a.a.a.` is not read
# to its end again from each of its word starts.
_EMAIL = re.compile(r"\b[A-Za-z0-9._%+-]{1,64}@[A-Za-z0-9-]{1,63}(?:\.[A-Za-z0-9-]{1,63})+\b")


_IMAGE_START = re.compile(r"!\[|<img\b", re.IGNORECASE)
_TAG = re.compile(r"<[^>]*>")


class _NextOf:
    """Where a character is next, at or after places asked in increasing order: each part of a text read once."""

    def __init__(self, text: str, character: str) -> None:
        self.text, self.character = text, character
        self.asked = self.found = -1

    def at(self, place: int) -> int:
        if not (self.asked != -1 and self.asked <= place and (self.found == -1 or self.found >= place)):
            self.asked, self.found = place, self.text.find(self.character, place)
        return self.found


def _without_images(text: str) -> str:
    r"""The text with each image (`![alt](src)`, `![alt][label]`, `<img ...>`) made a space, in one pass.

    The same as `re.sub(r"!\[[^\]]*\]\([^)]*\)|!\[[^\]]*\]\[[^\]]*\]|<img\b[^>]*>", " ", text, flags=re.I)`,
    which would read to the end of the text again from each `![` or `<img` that is never closed.
    """
    label_end, target_end, reference_end, tag_end = (_NextOf(text, character) for character in "])]>")
    kept: list[str] = []
    start = at = 0
    while (found := _IMAGE_START.search(text, at)) is not None:
        place, end = found.start(), -1
        if text[place] == "!":
            label = label_end.at(place + 2)
            after = text[label + 1 : label + 2] if label != -1 else ""
            if after == "(":
                end = target_end.at(label + 2)
            elif after == "[":
                end = reference_end.at(label + 2)
        else:
            end = tag_end.at(place + 4)
        if end == -1:
            at = place + 1
            continue
        kept += [text[start:place], " "]
        start = at = end + 1
    kept.append(text[start:])
    return "".join(kept)


def without_tags(text: str, replacement: str = "") -> str:
    """The text with each HTML tag (`<` to the next `>`) replaced, reading it once: no tag ends after its
    last `>`, so a run of `<` never closed is not read again from each of them."""
    end = text.rfind(">") + 1
    return _TAG.sub(replacement, text[:end]) + text[end:]


def stated(source: str) -> str | None:
    """The plain text of Markdown that states something in words, or None when it is markup only.

    An image (its alt text is no statement), HTML, emphasis markers with nothing
    in them (`**`), or one line said again and again is not a value.
    """
    bare = _without_images(source)
    if not re.search(r"\w", without_tags(bare, " ")):
        return None
    block = next((block for block in parse(bare).blocks if block.kind == "paragraph"), None)
    text = block.text.strip() if block is not None else ""
    lines = [line.strip() for line in text.split("\n") if line.strip()]
    if not re.search(r"\w", text) or (len(lines) > 1 and len(set(lines)) == 1):
        return None
    return text


def read_channels(document: MarkdownDocument, filename: str) -> dict[str, Fact[str]]:
    """The Internal, Inbound and Outbound channels, each only where the text plainly states it.

    A channel is read from the paragraphs under its own heading, or from a
    bullet or lead-in that names it (`- Internal: the maintainers' chat`) in
    the Communication Channels part of the document. Where the text names a
    channel but says nothing plainly (`- **Internal:**` over a nested list, a
    link or image alone, a heading that stands for several channels at once),
    the fact has no value: its line says where adopt looked.
    """
    found: dict[str, Fact[str]] = {}
    sections = {name: outline_section(document, SELF_ASSESSMENT, f"{_CHANNELS_KEY}/{name}") for name in _CHANNELS}
    for name, section in sections.items():
        if section is None:
            continue
        heading = section.heading
        if sum(other is section for other in sections.values()) > 1:
            found[name] = Fact(None, heading.text, filename, heading.line)  # one heading for several channels
            continue
        texts = [(block, stated(block.source)) for block in section.blocks if block.kind == "paragraph"]
        plain = [(block, text) for block, text in texts if text]
        if plain:
            joined = "\n\n".join(text for _, text in plain)
            found[name] = Fact(joined, joined, filename, plain[0][0].line)
        else:
            found[name] = Fact(None, heading.text, filename, heading.line)
    channels = outline_section(document, SELF_ASSESSMENT, _CHANNELS_KEY) or outline_section(
        document, SELF_ASSESSMENT, "secure-development-practices"
    )
    blocks = _subtree_blocks(channels) if channels is not None else []
    for block in blocks:
        if block.kind not in ("list", "paragraph"):
            continue
        for offset, line in enumerate(lines_of(block.source)):
            match = _LEAD_IN.match(line)
            name = match.group("name").casefold() if match else ""
            if match and (name not in found or found[name].value is None):
                written = match.group("value").strip()
                value = stated(written)
                found[name] = Fact(value, written or line.strip(), filename, block.line + offset)
    if channels is not None:
        for name in _CHANNELS:  # not named at all: where it was looked for
            found.setdefault(name, Fact(None, "", filename, channels.heading.line))
    return found


def _subtree_blocks(section: DocumentSection) -> list[Block]:
    blocks = list(section.blocks)
    for child in section.children:
        blocks.extend(_subtree_blocks(child))
    return blocks


_DISCLOSURE_KEY = "security-issue-resolution/responsible-disclosures-process"


def read_security_contact(document: MarkdownDocument, filename: str) -> Fact[str] | None:
    """The first e-mail address (or mailto link) of the security issue resolution or disclosure sections."""
    for keys in (
        (_DISCLOSURE_KEY, f"{_DISCLOSURE_KEY}/vulnerability-response-process"),
        ("security-issue-resolution",),
    ):
        section = outline_section(document, SELF_ASSESSMENT, *keys)
        if section is None:
            continue
        start, end = section.heading.line, _section_end(document, section)
        for link in document.links:
            if start <= link.line <= end and link.href.casefold().startswith("mailto:"):
                address = link.href[len("mailto:") :].split("?")[0].strip()
                if _EMAIL.fullmatch(address):
                    return Fact(address, link.text or link.href, filename, link.line)
        for block in document.blocks:
            if (
                start <= block.line <= end
                and block.kind in ("paragraph", "list")
                and (match := _EMAIL.search(block.source))
            ):
                return Fact(match.group(0), match.group(0), filename, block.line)
    return None


def read_link_line(document: MarkdownDocument, filename: str, *names: str) -> Fact[str] | None:
    """A `Name: address` line of the joint README (`Web site:`, `Source code:`), its address as value."""
    alternatives = "|".join(re.escape(name).replace(r"\ ", r"[ \t]*") for name in names)
    # Within one line: white space running over many lines would be read again from each line start.
    pattern = re.compile(
        rf"^[ \t]*(?:[-*+][ \t]+)?(?:\*\*)?(?:{alternatives})(?:\*\*)?[ \t]*:[ \t]*(?P<value>.+)$",
        re.IGNORECASE | re.MULTILINE,
    )
    for block in document.blocks:
        match = pattern.search(block.source) if block.kind in ("list", "paragraph") else None
        if match:
            line = block.line + block.source[: match.start()].count("\n")
            text = match.group("value").strip()
            return Fact(_row_url(document, line, text), text, filename, line)
    return None
