"""Resolve a parsed document against the outline: which heading, bullet or lead-in stands for what.

One resolver serves `tssa check` (what is written, missing or unfilled) and
`tssa update` (which heading starts which section of the merge). A section
or topic is found, in this order:

- as a heading at any level whose title is one of its names, ignoring case,
  numbering (`3.`, `iv)`), bold, trailing punctuation and emoji shortcodes;
  a heading inside its parent's heading wins over one elsewhere; a combined
  heading (`Goals and Non-goals`, `Goals / Non-goals`) stands for each part;
- as a heading the author renamed that still holds the section's guide comment;
- as a heading that is no outline name but is one of its names with only
  filler words around it (`Background information`, `Project overview`,
  `Goals of the project`) or a qualifier in parentheses (`Critical
  (Non-Configurable)`); a heading with other words is another subject
  (`Metadata store requirements`, `Background Service Worker`, `Internal
  architecture` stand for nothing);
- as a list item or paragraph that starts with one of its names (plain or
  bold, followed by `.`, `:`, `-` or the end of the line), first inside its
  parent's heading, then anywhere; as the metadata table (for Metadata); or
  as the first cell of a table row.

Older names (`aliases`) are found too and flagged; other names in use
(`variants`) are found silently. Which outline a document is judged by
(2019, 2021, 2023, current, or its template version) is `resolve_for_version`.
"""

from __future__ import annotations

import re
from bisect import bisect_left, bisect_right
from collections.abc import Sequence
from collections.abc import Set as AbstractSet
from enum import Enum
from functools import cached_property, lru_cache
from itertools import count, pairwise

from tssa.reading.markdown import Block, DocumentSection, Heading, Lead, MarkdownDocument, Table
from tssa.reading.outline import (
    README_CLOSING,
    Document,
    MetadataRow,
    OutlineSection,
    WalkedSection,
    outline_for_template,
    outlines_for,
)
from tssa.reading.renames import former_section_keys
from tssa.reading.tables import html_tables, metadata_lines
from tssa.records import Record, replace


class Status(Enum):
    WRITTEN = "written"
    UNFILLED = "unfilled"  # holds only our guidance, or only what the template rendered above it
    EMPTY = "empty"
    MISSING = "missing"


class Resolved(Record):
    """An outline section or topic and what the document has for it."""

    outline: WalkedSection
    heading: DocumentSection | None
    lead_line: int | None
    by_alias: bool
    status: Status
    stand_in: Heading | None
    """For a missing section: the one heading the document has in its place, that stands for nothing else."""

    def __init__(
        self,
        outline: WalkedSection,
        heading: DocumentSection | None,
        lead_line: int | None,
        by_alias: bool,
        status: Status,
        stand_in: Heading | None = None,
    ) -> None:
        self.outline = outline
        self.heading = heading
        self.lead_line = lead_line
        self.by_alias = by_alias
        self.status = status
        self.stand_in = stand_in

    @property
    def key(self) -> str:
        return self.outline.key

    @property
    def line(self) -> int | None:
        """Where the document has it: its heading or its lead-in."""
        return self.heading.heading.line if self.heading is not None else self.lead_line

    @property
    def counts_for_progress(self) -> bool:
        """Leaves carry the text; a parent is done when its children are."""
        return not self.outline.section.children and self.outline.section.required


class Resolution(Record):
    """Every section and topic of an outline, in outline order, as one document has them."""

    outline: Document
    entries: tuple[Resolved, ...]
    not_asked: frozenset[str]
    """Sections the document says were not done (no hands-on assessment): their parts are not asked for."""

    def __init__(
        self, outline: Document, entries: tuple[Resolved, ...], not_asked: frozenset[str] = frozenset()
    ) -> None:
        self.outline = outline
        self.entries = entries
        self.not_asked = not_asked

    def heading_keys(self) -> dict[int, str]:
        """The outline key of each heading (by line) that stands for a section or topic."""
        keys: dict[int, str] = {}
        for entry in self.entries:
            if entry.heading is not None:
                keys.setdefault(entry.heading.heading.line, entry.key)
        return keys

    def found(self) -> int:
        return sum(entry.status is not Status.MISSING for entry in self.entries)

    def missing_required(self) -> int:
        return sum(entry.status is Status.MISSING and entry.outline.section.required for entry in self.entries)


_NUMBERING = re.compile(r"^\s*(?:(?:\d+(?:\.\d+)*|[ivx]+|[a-h])[.):]|\d+(?:\.\d+)+|\d+)\s+", re.IGNORECASE)
_SHORTCODE = re.compile(r":[a-z0-9_+-]+:")
# Each run of white space is read once, from its start: a split starts there or at the separator itself.
_COMBINED = re.compile(r"(?<!\s)\s++(?:and|&)\s+|(?:(?<!\s)\s++)?[/,+]\s*")


def _undecorated(title: str) -> str:
    text = _SHORTCODE.sub(" ", title.casefold())
    return _NUMBERING.sub("", text.strip())


_AMPERSAND = re.compile(r"\s&\s")
_NOT_WORDS = re.compile(r"[^\w/]+")
_SLASH = re.compile(r"(?:(?<!\s)\s++)?/\s*")  # `\s*/\s*`, each run of white space read once
_SPACES = re.compile(r"\s+")


@lru_cache(maxsize=8192)
def normalize(title: str) -> str:
    """A title reduced to what matters for matching."""
    text = _AMPERSAND.sub(" and ", _undecorated(title))
    text = _NOT_WORDS.sub(" ", text)
    text = _SLASH.sub("/", text)
    return _SPACES.sub(" ", text).strip(" _")


@lru_cache(maxsize=8192)
def _singular(name: str) -> str:
    return " ".join(word.removesuffix("s") for word in name.split(" "))


@lru_cache(maxsize=8192)  # the same headings meet the same outlines in document after document
def _claims(title: str, names: frozenset[str]) -> tuple[str, ...]:
    """The names a heading stands for: its own, or the parts of a combined heading that are outline
    names (`Goals / Non-goals`; `Non-goals / Out of scope` stands for Non-goals)."""
    whole = normalize(title)
    if whole in names:
        return (whole,)
    pieces = [normalize(piece) for piece in _COMBINED.split(_undecorated(title))]
    if len(pieces) < 2:
        return (whole,)
    parts = [_named(piece, names) for piece in pieces]
    if all(parts):
        return tuple(part for part in parts if part)
    exact = [part for piece, part in zip(pieces, parts, strict=True) if part and _singular(piece) == _singular(part)]
    return tuple(exact) if exact else (whole,)


def _named(part: str, names: frozenset[str]) -> str | None:
    """The outline name a part of a combined heading stands for: itself, its plural or singular, or
    the name it starts or ends with."""
    if part in names:
        return part
    single = _singular(part)
    same = [name for name in names if _singular(name) == single]  # `Goal & non-goal`
    if same:
        return max(same, key=len)
    around = _filler_names(part)
    longer = [name for name in names if name in around]
    return max(longer, key=len) if longer else None  # `Goals of the project`, `Project goals`


# Words that add nothing to a section's name: `Project overview`, `Background information`, `Security goals`.
_FILLERS = frozenset(
    {"project", "projects", "the", "of", "our", "this", "its", "information", "info", "details", "security"}
)


_PARENTHESES = re.compile(r"\([^()]*\)")


def _with_fillers(title: str, name: str) -> bool:
    """Whether a normalized title is `name` with filler words before or after it, and no other word."""
    if title.startswith(name + " "):
        rest = title[len(name) + 1 :]
    elif title.endswith(" " + name):
        rest = title[: -len(name) - 1]
    else:
        return False
    return all(word in _FILLERS for word in rest.split(" "))


def _filler_names(title: str) -> set[str]:
    """Every name `title` is with filler words around it: the names for which `_with_fillers(title, name)` holds."""
    found: set[str] = set()
    words = title.split(" ")
    cut = len(words) - 1
    while cut >= 1 and words[cut] in _FILLERS:  # the name, then fillers
        found.add(" ".join(words[:cut]))
        cut -= 1
    cut = 1
    while cut < len(words) and words[cut - 1] in _FILLERS:  # fillers, then the name
        found.add(" ".join(words[cut:]))
        cut += 1
    return found


# Runs of two or more marks (`**`, `__`, `**_`, `__*`) and marks opening a word; bold-italic included.
_EMPHASIS = re.compile(r"[*_]{2,}|[`\[\]]|^[*_]+|(?<=\s)[*_]+")
_INLINE_TAG = re.compile(r"</?(?:b|strong|em|i|code)>", re.IGNORECASE)


def _without_link_targets(text: str) -> str:
    """The text without link targets, `](url)` and `][label]`, in one pass (a regular expression would scan
    to the end of a line of `](` from each of them)."""
    kept: list[str] = []
    start = 0  # the first character not copied yet
    may_close = True  # whether a `)` may still come
    at = text.find("]")
    while at != -1 and at + 1 < len(text):
        end = -1
        if text[at + 1] == "(" and may_close:
            end = text.find(")", at + 2)
            may_close = end != -1
        elif text[at + 1] == "[":
            end = text.find("]", at + 2)
        if end == -1:
            at = text.find("]", at + 1)
            continue
        kept.append(text[start:at])
        start = end + 1
        at = text.find("]", start)
    kept.append(text[start:])
    return "".join(kept)


@lru_cache(maxsize=8192)
def _clean_lead(text: str) -> str:
    text = _SHORTCODE.sub("", _without_link_targets(_INLINE_TAG.sub("", text)))
    text = _EMPHASIS.sub("", text).strip()
    return _NUMBERING.sub("", text)


def _lead_pattern(name: str) -> str:
    words = [re.escape(word) for word in re.findall(r"[^\W_]+", name)]
    return r"[\W_]*".join(words) + r"[\s*_]*(?:[.:(\-\u2013\u2014?]|$)"


# The letters that ignoring case matches to an ASCII letter other than its own capital (dotted and dotless i,
# the long s), made plain before `str.lower` (which folds the Kelvin sign to k itself).
_PLAIN_LETTERS = str.maketrans({"\u0130": "i", "\u0131": "i", "\u017f": "s"})


@lru_cache(maxsize=1024)
def _first_letters(names: tuple[str, ...]) -> frozenset[str] | None:
    """The first letter (lower case) of each name's first word, which a lead matching `_names_pattern(names)`
    starts with, ignoring case; None when a name has no word, or one that does not start with an ASCII letter or
    digit."""
    firsts: set[str] = set()
    for name in names:
        words = re.findall(r"[^\W_]+", name)
        if not words or not (words[0][0].isascii() and words[0][0].isalnum()):
            return None
        firsts.add(words[0][0].lower())
    return frozenset(firsts)


@lru_cache(maxsize=1024)
def _first_words(names: tuple[str, ...]) -> tuple[str, ...] | None:
    """The first word of each name, lowercase, that a lead must start with to match `_names_pattern`
    (None when a name has no word, or one that is not ASCII: then any lead may)."""
    firsts = [words[0].lower() if words else "" for words in (re.findall(r"[^\W_]+", name) for name in names)]
    return tuple(firsts) if all(first and first.isascii() for first in firsts) else None


@lru_cache(maxsize=1024)
def _names_pattern(names: tuple[str, ...]) -> re.Pattern[str]:
    """What a cleaned lead starts with when it names one of `names` (one pattern: one match per lead)."""
    return re.compile("|".join(f"(?:{_lead_pattern(name)})" for name in names), re.IGNORECASE)


# A lead that opens with a link to a heading (`[Goals](#goals)`, `1. [Goals](#goals)`), after nothing but
# punctuation: `^\W*\[[^\]]*\]\(#`, written to read each character once. A `[` whose first `]` is not
# followed by `(#` is passed over with the `[`s before that `]`; then a later `[` may still open the link.
# Each run can end in one place only, so backtracking stays linear. No possessive group (`(...)*+`): early
# Python 3.11 releases match one wrongly (with Debian 12's 3.11.2 no table of contents was ever found).
_TOC_ENTRY = re.compile(r"^[^\w\[]*(?:\[[^\]\w]*\](?!\(#)[^\w\[]*)*\[[^\]]*\]\(#")


_BOLD_START = re.compile(
    r"^[\W_]*?(?:[*_]{2,3}|<b>|<strong>)(?P<label>[^*_<]{1,80}?)(?:[*_]{2,3}|</b>|</strong>)", re.IGNORECASE
)
_COLON_LABEL = re.compile(r"^(?P<label>[^:.]{1,60}):")


def _short_label(text: str) -> str | None:
    """A lead-in's label, normalized, when it may name a section: its bold start, up to four words before a colon,
    or a line of up to four words (`**Critical Features**: ...`, `Critical components: ...`)."""
    if _TOC_ENTRY.match(text):
        return None
    match = _BOLD_START.match(text) or _COLON_LABEL.match(_clean_lead(text))
    # a short line of its own is a label too (`* Critical components`, then a list below it)
    label = normalize(match.group("label") if match is not None else _clean_lead(text))
    if not label or len(label.split(" ")) > 4:
        return None
    return label


def _label_names(label: str, names: tuple[str, ...]) -> bool:
    """Whether a lead-in's short label starts with one of the normalized `names`."""
    return any(label == name or label.startswith(name + " ") for name in names)


# `^(?P<label>[^:.\u2013\u2014]{1,80}?)(?:\s*[:.\u2013\u2014]|\s+-\s)`, written to read a run of white space once:
# a label longer than one character ends in one that is not white space (a shorter one would have matched).
_LABEL_END = re.compile(
    r"^(?P<label>[^:.\u2013\u2014](?:[^:.\u2013\u2014]{0,79}?(?<!\s))??)(?:\s*+[:.\u2013\u2014]|\s++-\s)"
)


@lru_cache(maxsize=8192)
def _lead_label(text: str) -> str:
    """The label a lead-in opens with: its bold start, or its words before a colon, full stop or dash ('' if none)."""
    match = _BOLD_START.match(text) or _LABEL_END.match(_clean_lead(text))
    return normalize(match.group("label")) if match is not None else ""


def _combined_label(text: str) -> str | None:
    """The label of a lead-in that names several things at once (`Responsible Disclosures Process and Incident
    Response: ...`), as a combined heading does; None for any other lead."""
    # Normalized, a label splits only at a slash or an "and" (an ampersand's too); cleaning a lead takes marks
    # out, and may join an "a" and an "nd" across them.
    if (
        "/" not in text
        and "&" not in text
        and "and" not in text.casefold()
        and "and" not in _clean_lead(text).casefold()
    ):
        return None
    label = _lead_label(text)
    if not label or len(label.split(" ")) > 8:
        return None
    pieces = _COMBINED.split(label)
    return label if len(pieces) >= 2 and all(0 < len(piece.split(" ")) <= 5 for piece in pieces) else None


def _line_inside(line: int, parent: DocumentSection) -> bool:
    return parent.heading.line < line <= parent.end_line


def _is_empty(table: Table) -> bool:
    return all(not cell.strip() for row in table.rows for cell in row)


def _counts_as_text(block: Block, empty_tables: set[int]) -> bool:
    if block.is_comment:
        return False
    if block.kind == "paragraph" and block.source.lstrip().startswith(f"{README_CLOSING}:"):
        return False  # the README's closing line belongs to the document, not to its last section
    return not (block.kind == "table" and block.line in empty_tables)


def _status(rendered: bool, section: DocumentSection, empty_tables: set[int]) -> Status:
    blocks = section.blocks
    texts = [index for index, block in enumerate(blocks) if _counts_as_text(block, empty_tables)]
    guides = [index for index, block in enumerate(blocks) if block.guide_key is not None]
    if rendered and guides and len(texts) == 1 and texts[0] in (guides[0] - 1, guides[-1] + 1):
        # only the one block the template wrote next to its guide (an answer, a table), which asks for more
        return Status.UNFILLED
    if texts:
        return Status.WRITTEN
    # our guidance, or a table skeleton with every cell still empty
    if guides or any(block.kind == "table" for block in blocks):
        return Status.UNFILLED
    return Status.EMPTY


class _ItemNames(Record):
    """The names of one outline section or topic, as the resolver compares them."""

    names: tuple[str, ...]  # as written: the title, the aliases, the variants
    normalized: tuple[str, ...]  # each name normalized, in the same order
    distinct: tuple[str, ...]  # the normalized names without repeats, in order
    by_alias: tuple[bool, ...]  # for each distinct name: whether it is an older name, not the title
    singular: tuple[str, ...]  # each normalized name without plural endings
    wanted: frozenset[str]  # the normalized names

    def __init__(
        self,
        names: tuple[str, ...],
        normalized: tuple[str, ...],
        distinct: tuple[str, ...],
        by_alias: tuple[bool, ...],
        singular: tuple[str, ...],
        wanted: frozenset[str],
    ) -> None:
        self.names = names
        self.normalized = normalized
        self.distinct = distinct
        self.by_alias = by_alias
        self.singular = singular
        self.wanted = wanted


def _item_names(section: OutlineSection) -> _ItemNames:
    return _names_of(section.names, len(section.aliases))


@lru_cache(maxsize=4096)  # each outline version repeats most sections of the others: worked out once
def _names_of(names: tuple[str, ...], aliases: int) -> _ItemNames:
    """The names of a section whose `names` are its title, then `aliases` older names, then its variants."""
    normalized = tuple(normalize(name) for name in names)
    distinct = tuple(dict.fromkeys(normalized))
    title, *older = normalized[: 1 + aliases]
    by_alias = tuple(name != title and name in older for name in distinct)
    singular = tuple(_singular(name) for name in normalized)
    return _ItemNames(names, normalized, distinct, by_alias, singular, frozenset(normalized))


class _OutlineFacts(Record):
    """What the resolver needs of an outline, worked out once per outline."""

    outline: Document
    names: frozenset[str]
    renames: dict[str, str]
    items: dict[str, _ItemNames]  # by key
    shape: int
    """The same number for outlines with equal sections (the guide versions that differ only in metadata rows)."""
    metadata_names: frozenset[str]
    """Every name of its metadata rows, normalized."""

    def __init__(
        self,
        outline: Document,
        names: frozenset[str],
        renames: dict[str, str],
        items: dict[str, _ItemNames],
        shape: int,
        metadata_names: frozenset[str],
    ) -> None:
        self.outline = outline
        self.names = names
        self.renames = renames
        self.items = items
        self.shape = shape
        self.metadata_names = metadata_names


_FACTS: dict[int, _OutlineFacts] = {}
_SHAPES: dict[tuple[OutlineSection, ...], int] = {}
_NEXT_SHAPE = count()


def _facts(outline: Document) -> _OutlineFacts:
    facts = _FACTS.get(id(outline))
    if facts is None or facts.outline is not outline:
        names = frozenset(normalize(name) for item in outline.walk() for name in item.section.names)
        items = {item.key: _item_names(item.section) for item in outline.walk()}
        shape = _SHAPES.get(outline.sections)
        if shape is None:
            if len(_SHAPES) > 256:  # outlines made on the fly: a new number only means no reuse
                _SHAPES.clear()
            shape = _SHAPES[outline.sections] = next(_NEXT_SHAPE)
        rows = frozenset(normalize(name) for row in outline.metadata_rows for name in (row.name, *row.aliases))
        facts = _OutlineFacts(outline, names, former_section_keys(outline), items, shape, rows)
        _FACTS[id(outline)] = facts
        if len(_FACTS) > 256:  # outlines made on the fly: forget the oldest
            del _FACTS[next(iter(_FACTS))]
    return facts


class _DocumentFacts:
    """What the resolver needs of a document whatever the outline: worked out once, though a document is
    resolved against each outline version it may follow."""

    def __init__(self, parsed: MarkdownDocument) -> None:
        self.heads = parsed.walk()
        self.lines = [head.heading.line for head in self.heads]
        self.ends = [head.end_line for head in self.heads]
        self.whole = [normalize(head.heading.text) for head in self.heads]
        self.tables = parsed.tables
        self.leads = parsed.leads
        self._short_labels: dict[int, str | None] = {}
        self._has_text: dict[int, bool] = {}
        self._statuses: dict[tuple[int, bool], Status] = {}
        self._lead_lines: dict[tuple[str, ...], tuple[int, ...]] = {}
        self._metadata_tables: dict[frozenset[str], int | None] = {}
        self._lead_starts: dict[int, tuple[set[str], bool]] = {}
        # What each outline resolved to: the same outline asked again (check's note on an older outline) reuses it.
        self.resolutions: dict[int, tuple[Document, Resolution]] = {}

    # The rest is worked out when first asked for: the head of a document (its metadata) needs little of it.

    @cached_property
    def guides(self) -> list[str | None]:
        return [
            next((block.guide_key for block in head.blocks if block.guide_key is not None), None) for head in self.heads
        ]

    @cached_property
    def empty_tables(self) -> set[int]:
        return {table.line for table in self.tables if _is_empty(table)}

    @cached_property
    def table_names(self) -> list[_TableNames]:
        return [_TableNames(table) for table in self.tables]

    @cached_property
    def cleaned_leads(self) -> list[tuple[int, str]]:
        """Each lead cleaned for matching; a table of contents entry names a section without writing it."""
        return [(lead.line, _clean_lead(lead.text)) for lead in self.leads if not _TOC_ENTRY.match(lead.text)]

    @cached_property
    def combined_leads(self) -> list[tuple[int, str]]:
        return [(lead.line, label) for lead in self.leads if (label := _combined_label(lead.text)) is not None]

    @cached_property
    def normalized_leads(self) -> list[tuple[int, str]]:
        return [(line, normalize(cleaned)) for line, cleaned in self.cleaned_leads]

    @cached_property
    def lead_starts(self) -> list[int]:
        return [lead.line for lead in self.leads]

    @cached_property
    def leads_in_order(self) -> bool:
        return all(one <= other for one, other in pairwise(self.lead_starts))

    @cached_property
    def singular_whole(self) -> list[str]:
        return [_singular(whole) for whole in self.whole]

    @cached_property
    def more_words(self) -> dict[str, list[int]]:
        """Each heading by the names it is with filler words around it, or without its qualifier in parentheses
        (`Critical (Non-Configurable)` is Critical): the headings `_heading_with_more_words` may take, by name."""
        found: dict[str, list[int]] = {}
        for index, (head, whole) in enumerate(zip(self.heads, self.whole, strict=True)):
            unqualified = normalize(_PARENTHESES.sub(" ", head.heading.text))
            for name in {unqualified, *_filler_names(whole), *_filler_names(unqualified)}:
                found.setdefault(name, []).append(index)
        return found

    @cached_property
    def by_singular(self) -> dict[str, list[int]]:
        """Each heading by its title without plural endings."""
        found: dict[str, list[int]] = {}
        for index, singular in enumerate(self.singular_whole):
            found.setdefault(singular, []).append(index)
        return found

    def lead_lines(self, names: tuple[str, ...]) -> tuple[int, ...]:
        """The lines, in order, of the leads that start with one of `names`."""
        lines = self._lead_lines.get(names)
        if lines is None:
            if not self._may_start_with(_first_words(names)):
                lines = self._lead_lines[names] = ()  # no lead could match: the pattern need not be compiled
                return lines
            match = _names_pattern(names).match
            leads: Sequence[tuple[int, str]] = self.cleaned_leads
            firsts = _first_letters(names)
            if firsts is not None:  # only the leads whose first letter is one a name starts with can match
                leads = [
                    leads[at] for at in sorted(at for first in firsts for at in self.leads_by_first.get(first, ()))
                ]
            lines = self._lead_lines[names] = tuple(line for line, cleaned in leads if match(cleaned))
        return lines

    @cached_property
    def leads_by_first(self) -> dict[str, list[int]]:
        """The place of each cleaned lead in `cleaned_leads`, by its first letter as `_first_letters` folds it."""
        found: dict[str, list[int]] = {}
        for at, (_, cleaned) in enumerate(self.cleaned_leads):
            if cleaned:
                found.setdefault(cleaned[0].translate(_PLAIN_LETTERS).lower(), []).append(at)
        return found

    def short_label(self, position: int) -> str | None:
        """`_short_label` of the lead at `position`."""
        if position in self._short_labels:
            return self._short_labels[position]
        label = self._short_labels[position] = _short_label(self.leads[position].text)
        return label

    def has_text(self, index: int) -> bool:
        """Whether the heading at `index` has text of its own right below it."""
        text = self._has_text.get(index)
        if text is None:
            blocks = self.heads[index].blocks
            text = self._has_text[index] = any(_counts_as_text(block, self.empty_tables) for block in blocks)
        return text

    def status(self, index: int, rendered: bool) -> Status:
        """`_status` of the heading at `index`, for a section the template renders something for or not."""
        status = self._statuses.get((index, rendered))
        if status is None:
            status = self._statuses[(index, rendered)] = _status(rendered, self.heads[index], self.empty_tables)
        return status

    def metadata_table(self, rows: frozenset[str]) -> int | None:
        """The line of the first table with at least two first cells named after `rows` (None without rows)."""
        if rows not in self._metadata_tables:
            lines = (
                table.line
                for table, cells in zip(self.tables, self.table_names, strict=True)
                if rows and cells.first_cells_named(rows) >= 2
            )
            self._metadata_tables[rows] = next(lines, None)
        return self._metadata_tables[rows]

    def _may_start_with(self, firsts: tuple[str, ...] | None) -> bool:
        """Whether a lead may start with one of `firsts` (ASCII, lowercase), as `_names_pattern` reads it.

        Each character of a word matches one of the lead, so only the lead's first characters count; ASCII
        ones match ASCII ones only by their case, the others are left to the pattern. None: unknown, yes.
        """
        if firsts is None:
            return True
        for first in firsts:
            starts = self._lead_starts.get(len(first))
            if starts is None:
                heads = [cleaned[: len(first)] for _, cleaned in self.cleaned_leads]
                starts = self._lead_starts[len(first)] = (
                    {head.lower() for head in heads if head.isascii()},
                    not all(head.isascii() for head in heads),
                )
            if first in starts[0] or starts[1]:
                return True
        return False


class _TableNames:
    """A table's cells as the resolver compares them, normalized once for every outline item that looks."""

    def __init__(self, table: Table) -> None:
        self.header = frozenset(normalize(cell) for cell in table.header)
        self.header_first = normalize(table.header[0]) if table.header and table.header[0].strip() else None
        self.rows: dict[str, int] = {}  # each row's first cell: the first row line it is on
        self.repeats: dict[str, int] = {}  # how many more rows have that first cell, when more do
        for line, row in zip(table.row_lines, table.rows, strict=True):
            if row and row[0].strip():
                name = normalize(row[0])
                if name in self.rows:
                    self.repeats[name] = self.repeats.get(name, 0) + 1
                else:
                    self.rows[name] = line

    def first_cells_named(self, names: AbstractSet[str]) -> int:
        """How many first cells, of the header and of each row, are one of `names`."""
        rows = sum(1 + self.repeats.get(name, 0) for name in names if name in self.rows)
        return rows + (self.header_first in names)


def _document_facts(parsed: MarkdownDocument) -> _DocumentFacts:
    """The document's facts, worked out once and kept with it: each outline version, and each later reader
    of the same document (the index's facts after the check), reuses them."""
    facts = parsed.derived.get("resolver")
    if not isinstance(facts, _DocumentFacts):
        facts = parsed.derived["resolver"] = _DocumentFacts(parsed)
    return facts


class _Resolver:
    def __init__(self, outline: Document, parsed: MarkdownDocument) -> None:
        self.outline = outline
        self.parsed = parsed
        document = self.document = _document_facts(parsed)
        self.heads = document.heads
        self.lines, self.ends = document.lines, document.ends
        facts = _facts(outline)
        self.items = facts.items
        self.metadata_names = facts.metadata_names
        names = self.names = facts.names
        self.whole = document.whole
        self.renames = facts.renames
        self.by_name: dict[str, list[tuple[int, int]]] = {}
        self.named_heads: set[int] = set()  # headings that stand for outline names
        for index, head in enumerate(self.heads):
            for part, name in enumerate(_claims(head.heading.text, names)):
                self.by_name.setdefault(name, []).append((index, part))
                if name in names:
                    self.named_heads.add(index)
        self.used: set[tuple[int, int]] = set()
        self.claimed: set[int] = set()
        self.found: dict[str, int] = {}
        self.lead_found: dict[str, int] = {}  # sections and topics found as a lead-in, by key: its line

    @cached_property
    def guide_of(self) -> dict[str, int]:
        """The first heading that holds each section's guide comment, by the section's key."""
        found: dict[str, int] = {}
        for index, key in enumerate(self.document.guides):
            if key is not None:
                found.setdefault(self.renames.get(key, key), index)
        return found

    @cached_property
    def lead_claims(self) -> dict[str, list[int]]:
        """The lead-ins that name several outline names at once, by name."""
        found: dict[str, list[int]] = {}
        for line, label in self.document.combined_leads:
            for name in _claims(label, self.names):
                if name in self.names:
                    found.setdefault(name, []).append(line)
        return found

    def _inside(self, index: int, parent: int) -> bool:
        """Whether the heading at `index` is below the one at `parent`."""
        return self.lines[parent] < self.lines[index] <= self.ends[parent]

    def run(self) -> Resolution:
        entries = [self._resolve(item) for item in self.outline.walk()]
        # The place of each entry among the entries, by its parent's key: the siblings of each, and its parts.
        self.children_at: dict[str, list[int]] = {}
        for position, entry in enumerate(entries):
            self.children_at.setdefault(entry.outline.parent_key, []).append(position)
        for index, entry in enumerate(entries):
            if entry.status is Status.EMPTY and entry.heading is not None and self._written_below(entry.heading):
                entries[index] = replace(entry, status=Status.WRITTEN)
        for index, entry in enumerate(entries):
            if entry.status is Status.MISSING and entry.outline.section.children:
                line = self._named_by_child(entry.outline, [entries[at] for at in self.children_at.get(entry.key, ())])
                if line is None:
                    line = self._child_in_place(index, entries)
                if line is not None:
                    entries[index] = Resolved(entry.outline, None, line, False, Status.WRITTEN)
        taken = {entry.line for entry in entries if entry.line is not None}
        for index, entry in enumerate(entries):
            if entry.status is Status.MISSING and not entry.outline.section.topic:
                stand_in = self._stand_in(index, entries, taken)
                if stand_in is not None:
                    entries[index] = replace(entry, stand_in=stand_in)
        return Resolution(self.outline, tuple(entries), _declined(entries))

    def first_entries(self, keys: set[str]) -> list[Resolved]:
        """The entries up to the last item with one of `keys`, their headings as `run` finds them."""
        entries: list[Resolved] = []
        left = set(keys)
        for item in self.outline.walk():
            if not left:
                break
            entries.append(self._resolve(item))
            left.discard(item.key)
        return entries

    def _stand_in(self, index: int, entries: list[Resolved], taken: set[int]) -> Heading | None:
        """The heading in a missing section's place: the only one at its siblings' level, between the nearest
        siblings the document has (or its parent's start and end), that stands for no outline entry."""
        item = entries[index].outline
        siblings = [
            (position, heading)
            for position in self.children_at[item.parent_key]
            if (heading := entries[position].heading) is not None
        ]
        before = [head for position, head in siblings if position < index]
        after = [head for position, head in siblings if position > index]
        nearest = before[-1:] + after[:1]
        if not nearest:
            return None
        level = min(head.heading.level for head in nearest)
        parent = self.found.get(item.parent_key)
        if before:
            start = before[-1].heading.line
        elif parent is not None:
            start = self.lines[parent]
        else:
            start = 0
        if after:
            end = after[0].heading.line
        elif parent is not None:
            end = self.ends[parent] + 1
        else:
            end = self.parsed.line_count + 1
        first, last = bisect_left(self.lines, start + 1), bisect_left(self.lines, end)
        unknown = [
            head
            for position, head in enumerate(self.heads[first:last], start=first)
            if head.heading.level == level
            and position not in self.claimed
            and head.heading.line not in taken
            and not (position == 0 and level == 1)  # the document's title
        ]
        return unknown[0].heading if len(unknown) == 1 else None

    @staticmethod
    def _named_by_child(item: WalkedSection, parts: list[Resolved]) -> int | None:
        """A section with no heading of its own whose parts' headings carry its name: `## Recommendations to
        CNCF` and `## Recommendations to the project` stand for Recommendations too."""
        names = [f" {normalize(name)} " for name in item.section.names]
        for entry in parts:
            if entry.heading is not None:
                title = f" {normalize(entry.heading.heading.text)} "
                if any(name in title for name in names):
                    return entry.heading.heading.line
        return None

    def _child_in_place(self, index: int, entries: list[Resolved]) -> int | None:
        """A section with no heading of its own whose part's heading stands at the section's own level, where
        the section belongs: `## Design` between `## Intended use` and `## Configuration` is the project design.

        The section's level is that of the headings of its nearest siblings; its place is between them.
        """
        item = entries[index].outline
        siblings = [
            (position, section.heading)
            for position in self.children_at[item.parent_key]
            if position != index and (section := entries[position].heading) is not None
        ]
        before = [heading for position, heading in siblings if position < index]
        after = [heading for position, heading in siblings if position > index]
        nearest = [heading for heading in (before[-1:] + after[:1])]
        if not nearest:
            return None
        level = min(heading.level for heading in nearest)
        start = before[-1].line if before else 0
        end = after[0].line if after else None
        for position in self.children_at.get(item.key, ()):
            entry = entries[position]
            if entry.heading is None:
                continue
            heading = entry.heading.heading
            if heading.level > level:
                # the part's heading is below one at the section's level that no outline entry took:
                # `## 6. Critical Security Functions`, then `### Critical (Non-Configurable)`
                around = self._around(heading.line, level)
                if around is None or around in self.claimed:
                    continue
                heading = self.heads[around].heading
            if start < heading.line and (end is None or heading.line < end):
                return heading.line
        return None

    def _written_below(self, head: DocumentSection) -> bool:
        """Whether subheadings no outline entry took hold text: the part's content written under headings of its own."""
        first = bisect_left(self.lines, head.heading.line) + 1
        for index in range(first, len(self.heads)):
            if self.lines[index] > head.end_line:
                break
            if index not in self.claimed and self.document.has_text(index):
                return True
        return False

    def _around(self, line: int, level: int) -> int | None:
        """The heading at `level` or above whose section holds `line`, the nearest one."""
        for index in range(bisect_left(self.lines, line) - 1, -1, -1):
            if self.heads[index].heading.level <= level:
                return index if self.ends[index] >= line else None
        return None

    def _heading(self, item: WalkedSection) -> tuple[int, bool] | None:
        parent = self.found.get(item.parent_key)
        names = self.items[item.key]
        options: list[tuple[bool, int, int, int]] = []
        for rank, name in enumerate(names.distinct):
            for index, part in self.by_name.get(name, ()):
                if (index, part) in self.used:
                    continue
                outside = parent is None or not self._inside(index, parent)
                options.append((outside, index, rank, part))
        if options:
            # A combined heading (`Goals and Non-Goals`, `Actors and Data Flow`) whose part follows as its own
            # subheading (`### Goals`): the subheading is the part.
            indexes = sorted({option[1] for option in options})
            options = [
                option
                for option in options
                if self.whole[option[1]] == names.distinct[option[2]] or not self._holds_one_of(option[1], indexes)
            ]
            _, index, rank, part = min(options)
            self.used.add((index, part))
            return index, names.by_alias[rank]
        by_guide = self.guide_of.get(item.key)
        if by_guide is not None and by_guide not in self.claimed:
            return by_guide, False
        return self._heading_with_more_words(item, parent)

    def _holds_one_of(self, index: int, indexes: list[int]) -> bool:
        """Whether a heading among `indexes` (sorted) is below the heading at `index`."""
        after = bisect_right(indexes, index)
        return after < len(indexes) and self._inside(indexes[after], index)

    def _heading_with_more_words(self, item: WalkedSection, parent: int | None) -> tuple[int, bool] | None:
        """A heading that is not itself an outline name but is one with filler words around it (`Background
        information`, `Project overview`) or differs only in plurals (`Secure development practice`), inside the
        parent's heading when the parent has one."""
        item_names = self.items[item.key]
        document = self.document
        candidates = {index for name in item_names.normalized for index in document.more_words.get(name, ())}
        candidates.update(index for name in item_names.singular for index in document.by_singular.get(name, ()))
        found: int | None = None
        # In document order, the first heading that may stand for it; then a heading inside that one (`Critical
        # Security Functions`, then `Critical (Non-Configurable)` below it) when it is the next that may.
        for index in sorted(candidates):
            if index in self.claimed or index in self.named_heads:
                continue
            if index == 0 and self.heads[0].heading.level == 1:
                continue  # the document's title ("Overview of Kite") names the document, not a section
            if parent is not None and not self._inside(index, parent):
                continue
            if found is not None:
                if self._inside(index, found):
                    found = index
                break
            found = index
        if found is None:
            return None
        self.used.add((found, 0))
        return found, False

    def _scope(self, item: WalkedSection) -> tuple[int, int] | None:
        """The lines after the parent's heading or lead-in where the item's own text belongs, when the parent is found.

        Under a lead-in (`* Communication Channels.`), the scope runs to the end of the heading section around it.
        """
        parent = self.found.get(item.parent_key)
        if parent is not None:
            return self.lines[parent], self.ends[parent]
        line = self.lead_found.get(item.parent_key)
        if line is None:
            return None
        around = [end for start, end in zip(self.lines, self.ends, strict=True) if start < line <= end]
        return line, min(around) if around else self.parsed.line_count

    def _lead(self, item: WalkedSection) -> int | None:
        item_names = self.items[item.key]
        names = item_names.names
        leads: Sequence[Lead] = self.parsed.leads
        named = self.document.lead_lines(names)
        combined = [line for name in item_names.distinct for line in self.lead_claims.get(name, ())]
        if combined:
            named = tuple(sorted({*named, *combined}))
        scope = self._scope(item)
        if scope is not None:
            start, end = scope
            line = next((line for line in named if start < line <= end), None)
            if line is None:
                line = self._labelled(item_names.normalized, start, end)
            if line is None and item.section.topic:
                line = self._opens_phrase(item, start, end)
            if line is not None:
                return line
        if named:
            return named[0]
        if item.section.toc:
            entries = [lead.line for lead in leads if lead.in_list and _TOC_ENTRY.match(lead.text)]
            return entries[0] if len(entries) >= 3 else None
        wanted = item_names.wanted
        if item.key == "metadata":
            table_line = self.document.metadata_table(self.metadata_names)
            if table_line is not None:
                return table_line  # the metadata table is the section, heading or not
        parent = self.found.get(item.parent_key)
        for table, cells in zip(self.parsed.tables, self.document.table_names, strict=True):
            in_parent = parent is not None and _line_inside(table.line, self.heads[parent])
            if in_parent and not cells.header.isdisjoint(wanted):
                return table.line  # a column of a table in its parent section named after it
            row_lines = [cells.rows[name] for name in wanted if name in cells.rows]
            if row_lines:
                return min(row_lines)  # the first row named after it
        return None

    def _labelled(self, names: tuple[str, ...], start: int, end: int) -> int | None:
        """The first lead-in after `start` up to `end` whose short label starts with one of `names`."""
        document = self.document
        starts = document.lead_starts
        first = bisect_right(starts, start) if document.leads_in_order else 0
        for position in range(first, len(starts)):
            line = starts[position]
            if line > end and document.leads_in_order:
                break
            if not start < line <= end:
                continue
            label = document.short_label(position)
            if label is not None and _label_names(label, names):
                return line
        return None

    def _resolve(self, item: WalkedSection) -> Resolved:
        found = self._heading(item)
        if found is not None:
            index, by_alias = found
            self.claimed.add(index)
            self.found[item.key] = index
            head = self.heads[index]
            return Resolved(item, head, None, by_alias, self.document.status(index, item.section.rendered))
        line = self._lead(item)
        if line is None and item.section.topic:
            line = self._named_by_parent(item)
        if line is not None:
            self.lead_found[item.key] = line
            return Resolved(item, None, line, False, Status.WRITTEN)
        return Resolved(item, None, None, False, Status.MISSING)

    def _opens_phrase(self, item: WalkedSection, start: int, end: int) -> int | None:
        """A lead-in in the parent's scope that opens with the topic's name and goes on with the parent's words, as a
        sentence or a longer label: `Internal communication takes place on ...` under Communication Channels."""
        parent = self.items.get(item.parent_key)
        if parent is None:
            return None
        words = {_singular(word) for name in parent.normalized for word in name.split(" ") if len(word) > 3}
        for line, text in self.document.normalized_leads:
            if not start < line <= end:
                continue
            for name in self.items[item.key].distinct:
                if not text.startswith(name + " "):
                    continue
                after = text[len(name) + 1 :].split(" ")[:3]
                if any(_singular(word) in words for word in after):
                    return line
        return None

    def _named_by_parent(self, item: WalkedSection) -> int | None:
        """The text right under the parent's heading, when that heading already names the topic:
        prose under `Project Design` is the design, under `Project Compliance` the compliance."""
        parent = self.found.get(item.parent_key)
        if parent is None:
            return None
        head = self.heads[parent]
        title = self.whole[parent]
        if not any(title == name or title.endswith(" " + name) for name in map(normalize, item.section.names)):
            return None
        texts = [block for block in head.blocks if _counts_as_text(block, self.document.empty_tables)]
        return texts[0].line if texts else None


# A hands-on section that says there was none (`X did not receive a hands-on assessment`, or the guide's own
# `did/did not receive a hands-assessment`) needs no details, findings or result under it: the guide asks for
# them only if one took place, and its layout invites keeping them in a comment.
_HANDS_ON = "hands-on-assessment"
_NEGATION = re.compile(r"\b(?:not|never|no|none|n't)\b|n't\b", re.IGNORECASE)
_HANDS_ON_WORDS = re.compile(r"\bhands?[- ]?(?:on\b|assessment)", re.IGNORECASE)


def _declined(entries: list[Resolved]) -> frozenset[str]:
    """The keys of sections that say they were not done: the hands-on assessment, when its text says there was none."""
    entry = next((entry for entry in entries if entry.key == _HANDS_ON), None)
    if entry is None or entry.heading is None:
        return frozenset()
    sections = [entry.heading]
    for section in sections:  # the section and every subsection: the statement may sit under Assessment details
        sections.extend(section.children)
    texts = [block.text or block.source for section in sections for block in section.blocks if not block.is_comment]
    sentences = [part for text in texts for part in re.split(r"(?<=[.!?])\s", text)]
    if not any(_HANDS_ON_WORDS.search(part) and _NEGATION.search(part) for part in sentences):
        return frozenset()
    return frozenset({_HANDS_ON})


def resolve(outline: Document, parsed: MarkdownDocument) -> Resolution:
    """Each section and topic of `outline`, in order, with what `parsed` has for it."""
    document = _document_facts(parsed)
    known = document.resolutions
    found = known.get(id(outline))
    if found is None or found[0] is not outline:
        resolution = _resolved_alike(outline, document) or _Resolver(outline, parsed).run()
        found = known[id(outline)] = (outline, resolution)
    return found[1]


def section_headings(outline: Document, parsed: MarkdownDocument, keys: Sequence[str]) -> dict[str, DocumentSection]:
    """The headings that stand for the sections with these keys, as `resolve` finds them, by key.

    A heading is decided in its item's turn, never after: when the document is not resolved against the
    outline yet, the items after the last of `keys` are left out (the metadata of a document's head).
    """
    document = _document_facts(parsed)
    known = document.resolutions.get(id(outline))
    if known is not None and known[0] is outline:
        entries: Sequence[Resolved] = known[1].entries
    else:
        alike = _resolved_alike(outline, document)
        entries = alike.entries if alike is not None else _Resolver(outline, parsed).first_entries(set(keys))
    return {entry.key: entry.heading for entry in entries if entry.heading is not None and entry.key in keys}


def _resolved_alike(outline: Document, document: _DocumentFacts) -> Resolution | None:
    """The entries the document has for another outline with the same sections, when its metadata rows find the
    same table: the outline's sections and that table are all a resolution reads of it (guide versions 2023 and
    2024 of the self-assessment differ only in the Assessment Stage row)."""
    facts = _facts(outline)
    for other, resolution in document.resolutions.values():
        alike = _facts(other)
        if alike.shape == facts.shape and document.metadata_table(alike.metadata_names) == document.metadata_table(
            facts.metadata_names
        ):
            return Resolution(outline, resolution.entries, resolution.not_asked)
    return None


def current_outline(document: Document) -> Document:
    """The current outline of a document: the last of `outlines_for`, when it is the same as `document`.

    The same object as the one `resolve_for_version` tries, so resolving it again costs nothing.
    """
    same = _SAME_AS_CURRENT.get(id(document))
    if same is None or same[0] is not document:
        view = outlines_for(document)[-1]
        same = _SAME_AS_CURRENT[id(document)] = (document, view if view == document else document)
    return same[1]


_SAME_AS_CURRENT: dict[int, tuple[Document, Document]] = {}


class Additions(Record):
    """What a newer outline adds over an older one."""

    sections: tuple[WalkedSection, ...]
    """Its sections and topics the older outline has under none of their names, in outline order."""
    rows: tuple[MetadataRow, ...]
    """Its metadata rows the older outline lacks."""

    def __init__(self, sections: tuple[WalkedSection, ...], rows: tuple[MetadataRow, ...]) -> None:
        self.sections = sections
        self.rows = rows

    def named(self) -> list[str]:
        """The required sections (the outermost of each added part, topics left to their section) and rows, by name."""
        keys = {item.key for item in self.sections}
        titles = [
            f'"{item.section.title}"'
            for item in self.sections
            if item.section.required and not item.section.topic and item.parent_key not in keys
        ]
        return titles + [f'the metadata row "{row.name}"' for row in self.rows if row.required]


_ADDITIONS: dict[tuple[int, int], tuple[Document, Document, Additions, frozenset[str]]] = {}


def _additions(older: Document, newer: Document) -> tuple[Additions, frozenset[str]]:
    """`outline_additions`, and the normalized names of the rows added, worked out once for two outlines."""
    known = _ADDITIONS.get((id(older), id(newer)))
    if known is None or known[0] is not older or known[1] is not newer:
        added = _added(older, newer)
        rows = frozenset(normalize(name) for row in added.rows for name in (row.name, *row.aliases))
        known = _ADDITIONS[(id(older), id(newer))] = (older, newer, added, rows)
        if len(_ADDITIONS) > 256:  # outlines made on the fly: forget the oldest
            del _ADDITIONS[next(iter(_ADDITIONS))]
    return known[2], known[3]


def outline_additions(older: Document, newer: Document) -> Additions:
    """What `newer` adds over `older`: what a document written for `older` cannot be asked to have."""
    return _additions(older, newer)[0]


def _added(older: Document, newer: Document) -> Additions:
    old_names = {normalize(name) for item in older.walk() for name in item.section.names}
    sections = tuple(item for item in newer.walk() if not {normalize(name) for name in item.section.names} & old_names)
    old_rows = {row.name for row in older.metadata_rows}
    return Additions(sections, tuple(row for row in newer.metadata_rows if row.name not in old_rows))


def _evidence(view: Document, older: Document, parsed: MarkdownDocument, resolution: Resolution) -> bool:
    """Whether the document has something `view` added over `older`: it was written for `view` or later."""
    added, rows = _additions(older, view)
    keys = {item.key for item in added.sections}
    if any(entry.status is not Status.MISSING for entry in resolution.entries if entry.key in keys):
        return True
    tables = _document_facts(parsed).table_names
    return any(name == table.header_first or name in table.rows for table in tables for name in rows)


def _metadata_row_names(parsed: MarkdownDocument) -> set[str]:
    """The first cell of every table row (and header), normalized: where metadata rows are named."""
    tables = _document_facts(parsed).table_names
    names = {name for table in tables for name in (table.header_first, *table.rows) if name is not None}
    others = [*html_tables(parsed), *metadata_lines(parsed)]
    names.update(normalize(row[0]) for table in others for row in (table.header, *table.rows) if row and row[0].strip())
    return names


def _missing_rows(view: Document, written: set[str]) -> int:
    """How many required metadata rows of `view` the document lacks, when it has a metadata table at all.

    The rows tell outlines apart that share their sections: a 2023 document has no
    Assessment Stage row, which the guide added in 2024.
    """
    names = [{normalize(name) for name in (row.name, *row.aliases)} for row in view.metadata_rows if row.required]
    if not any(name & written for name in names):
        return 0
    return sum(not name & written for name in names)


def resolve_for_version(document: Document, parsed: MarkdownDocument, template: str | None = None) -> Resolution:
    """The document resolved against the outline it was written for.

    With `template` (the version a package's answers file records), that
    template version's outline. Otherwise the guide outline version the text
    fits best: the most entries found less the required ones missing, never
    older than a version whose additions the document has; ties go to the
    newer, and a document with nothing of any outline gets the current one.
    """
    if template is not None:
        return resolve(outline_for_template(document, template), parsed)
    views = outlines_for(document)
    # The newest version whose additions the document has is the floor: looked for from the newest down, so
    # that the versions below it, which cannot be chosen, are not resolved (unless no version finds anything).
    floor = 0
    for index in range(len(views) - 1, 0, -1):
        if _evidence(views[index], views[index - 1], parsed, resolve(views[index], parsed)):
            floor = index
            break
    chosen = [resolve(view, parsed) for view in views[floor:]]
    if not any(resolution.found() for resolution in chosen) and not any(
        resolve(view, parsed).found() for view in views[:floor]
    ):
        return chosen[-1]  # nothing to tell the outline by: the current one
    rows = _metadata_row_names(parsed)
    scores = [
        resolution.found() - resolution.missing_required() - _missing_rows(view, rows)
        for view, resolution in zip(views[floor:], chosen, strict=True)
    ]
    best = max(range(len(chosen)), key=lambda index: (scores[index], index))
    return chosen[best]
