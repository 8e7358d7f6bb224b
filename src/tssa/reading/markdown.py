"""Read a Markdown file into headings, sections, tables, links and comments.

Built on pulldown-cmark (through `pyromark`: CommonMark plus GitHub tables),
whose events are read in one pass; a big document is given to it in pieces cut
before top-level headings, so its events are never all held at once. Lines are
1-based, as an editor shows them. Text taken from the document is plain text:
escapes are resolved and entities decoded, so a value reads back as it was
written. A block keeps its place in the document, not a copy of its text.

The reader never drops text: pulldown-cmark has no nesting limit, and a
document nested ever so deep is read to its end.
"""

from __future__ import annotations

import functools
import gc
import re
import unicodedata
from array import array
from bisect import bisect_left, bisect_right
from collections.abc import Callable, Iterable, Iterator, Sequence
from itertools import repeat

import pyromark

from tssa.reading.guides import guide_key
from tssa.reading.hrefs import is_safe_href, normalize_href
from tssa.reading.lineindex import BOM, LineIndex, parseable
from tssa.records import Record

TYPE_CHECKING = False  # as `typing.TYPE_CHECKING`, without importing `typing` (for start-up)
if TYPE_CHECKING:
    from typing import Any, ParamSpec, TypeVar

    from tssa.reading.htmlparts import AnchorParser

    _P = ParamSpec("_P")
    _R = TypeVar("_R")

_OPTIONS = pyromark.Options.ENABLE_TABLES | pyromark.Options.ENABLE_STRIKETHROUGH
_PARSER = pyromark.Markdown(options=_OPTIONS)
_MAY_ANCHOR = re.compile(r"\b(?:id|name)\s*=", re.IGNORECASE)
_BREAK_TAG = re.compile(r"<br\s*/?>", re.IGNORECASE)


class Heading:
    """A heading: its level, its plain text, its line, and the anchor GitHub gives it."""

    __slots__ = ("_anchor", "level", "line", "nested", "text")

    def __init__(self, level: int, text: str, line: int, anchor: str | int | None = None, nested: bool = False) -> None:
        self.level = level
        self.text = text
        self.line = line
        # Given only when it is not the one the text gives; a number: the one GitHub adds to a repeated heading's.
        self._anchor = anchor
        self.nested = nested
        """Inside a block quote or a list item: it opens a section as a reader sees it, though the quote or
        list goes on around it."""

    @property
    def anchor(self) -> str:
        """The anchor GitHub gives it (a repeated heading's ends in `-1`, `-2`, ...)."""
        anchor = self._anchor
        if anchor is None:
            return _anchor_base(self.text)
        return f"{_anchor_base(self.text)}-{anchor}" if anchor.__class__ is int else str(anchor)

    def _key(self) -> tuple[int, str, int, str, bool]:
        return (self.level, self.text, self.line, self.anchor, self.nested)

    def __eq__(self, other: object) -> bool:
        return isinstance(other, Heading) and self._key() == other._key()

    def __hash__(self) -> int:
        return hash(self._key())

    def __repr__(self) -> str:
        nested = ", nested=True" if self.nested else ""
        return f"Heading(level={self.level}, text={self.text!r}, line={self.line}, anchor={self.anchor!r}{nested})"


class Link(Record):
    """A link or image: its target, its text (an image's: its alt text), and the line it starts on."""

    __slots__ = ("href", "line", "text")
    href: str
    text: str
    line: int

    def __init__(self, href: str, text: str, line: int) -> None:
        self.href = href
        self.text = text
        self.line = line


class Table(Record):
    __slots__ = ("header", "line", "row_lines", "rows")
    line: int
    header: tuple[str, ...]
    rows: tuple[tuple[str, ...], ...]
    row_lines: tuple[int, ...]

    def __init__(
        self, line: int, header: tuple[str, ...], rows: tuple[tuple[str, ...], ...], row_lines: tuple[int, ...]
    ) -> None:
        self.line = line
        self.header = header
        self.rows = rows
        self.row_lines = row_lines


class Block:
    """A top-level block: a paragraph, list, table, HTML block, code block, rule or quote.

    It points into its document's text by lines; `source` and `text` are read from there when asked.
    """

    __slots__ = ("_about", "_lines", "end_line", "kind", "line")

    def __init__(self, kind: str, line: int, end_line: int, lines: _DocumentText, items: int | None = 0) -> None:
        self.kind = kind
        self.line = line
        self.end_line = end_line
        self._lines = lines
        # What else is known of it, by kind: a list's items; once read, an HTML block's (is a comment,
        # guide key), a paragraph's plain text.
        self._about: Any = items if kind == "list" else None

    def __repr__(self) -> str:
        return f"Block({self.kind!r}, {self.line}, {self.end_line})"

    @property
    def source(self) -> str:
        """The block's lines as written (line breaks as LF)."""
        return self._lines.index.lines(self.line, self.end_line)

    @property
    def document(self) -> _DocumentText:
        """The text of the document the block is in."""
        return self._lines

    @property
    def items(self) -> int:
        """For a list: its top-level items that hold something (an empty `*` bullet does not count)."""
        if self.kind != "list":
            return 0
        if self._about is None:  # a part of a list cut at a heading inside it: its lines read on their own
            self._about = sum(block.items for block in parse(self.source).blocks if block.kind == "list")
        return int(self._about)

    def _html(self) -> tuple[bool, str | None]:
        if self._about is None:
            text = self.source.strip()
            first = text.split("\n", 1)[0].strip()
            self._about = (text.startswith("<!--") and text.endswith("-->"), guide_key(first))
        return self._about  # type: ignore[no-any-return]

    @property
    def is_comment(self) -> bool:
        return self.kind == "html" and self._html()[0]

    @property
    def text(self) -> str:
        """For a paragraph, the plain text a reader sees; empty for other blocks."""
        if self.kind != "paragraph":
            return ""
        if self._about is None:
            self._about = self._lines.plain_text(self.source)
        return str(self._about)

    @property
    def guide_key(self) -> str | None:
        """The section key of our guidance comment, when the block is one."""
        return self._html()[1] if self.kind == "html" else None


class DocumentSection(Record, mutable=True):
    """A heading of a document and the blocks up to the next heading of any level."""

    __slots__ = ("blocks", "children", "heading")
    heading: Heading
    # Tuples: a big document has tens of thousands of sections, most with no subsection.
    blocks: tuple[Block, ...]
    children: tuple[DocumentSection, ...]

    def __init__(
        self, heading: Heading, blocks: tuple[Block, ...] = (), children: tuple[DocumentSection, ...] = ()
    ) -> None:
        self.heading = heading
        self.blocks = blocks
        self.children = children

    @property
    def end_line(self) -> int:
        """The last line of the section with everything below it (its heading's line when it holds nothing)."""
        last = self.children[-1].end_line if self.children else 0
        return max(last, self.blocks[-1].end_line if self.blocks else self.heading.line)


class Lead(Record):
    """The first line of a paragraph or list item, at any depth: where a topic may be named."""

    __slots__ = ("in_list", "line", "text")
    text: str
    line: int
    in_list: bool

    def __init__(self, text: str, line: int, in_list: bool) -> None:
        self.text = text
        self.line = line
        self.in_list = in_list


class Leads(Sequence[Lead]):
    """The leads of a document, kept as where each starts: its text is read from the document when asked."""

    __slots__ = ("_in_list", "_index", "_lines", "_read", "_starts")

    # Up to this many, the leads read once are kept: the resolver reads them again for many outline items.
    KEPT = 4096

    def __init__(self, index: LineIndex) -> None:
        self._index = index
        kind = "i" if len(index.text) < 1 << 29 else "q"
        self._starts = array(kind)  # UTF-8 byte offsets
        self._lines = array(kind)
        self._in_list = bytearray()
        self._read: tuple[Lead, ...] | None = None

    def adders(self) -> tuple[Callable[[int], None], Callable[[int], None]]:
        """How to add a lead: its start (a UTF-8 byte offset), and whether a list item starts with it."""
        return self._starts.append, self._in_list.append

    def find_lines(self, byte_starts: Sequence[int]) -> None:
        """Work out each lead's line from where it starts, once all are added."""
        self._lines = array(self._starts.typecode, map(bisect_right, repeat(byte_starts), self._starts))

    def __len__(self) -> int:
        return len(self._starts)

    def _lead(self, place: int) -> Lead:
        if self._read is not None:
            return self._read[place]
        return Lead(self._index.rest_of_line(self._starts[place]), self._lines[place], bool(self._in_list[place]))

    def __getitem__(self, place: Any) -> Any:
        if isinstance(place, slice):
            return [self._lead(number) for number in range(*place.indices(len(self)))]
        return self._lead(range(len(self))[place])

    def __iter__(self) -> Iterator[Lead]:
        if self._read is not None:
            return iter(self._read)
        rest_of_line = self._index.rest_of_line
        leads = (
            Lead(rest_of_line(start), line, bool(in_list))
            for start, line, in_list in zip(self._starts, self._lines, self._in_list, strict=True)
        )
        if len(self) > self.KEPT:
            return leads
        self._read = tuple(leads)
        return iter(self._read)

    def before(self, line: int) -> Leads:
        """The leads on the lines before `line`."""
        kept = Leads(self._index)
        end = bisect_left(self._lines, line)
        kept._starts, kept._lines, kept._in_list = self._starts[:end], self._lines[:end], self._in_list[:end]
        return kept


class LineSpans:
    """Sets of lines kept as sorted, separate runs (`first`, `last`): `line in spans` by bisection."""

    __slots__ = ("_firsts", "_lasts")

    def __init__(self, spans: Iterable[tuple[int, int]] = ()) -> None:
        self._firsts = array("q")
        self._lasts = array("q")
        for first, last in spans:
            self.add(first, last)

    def add(self, first: int, last: int) -> None:
        """Add a run that starts at or after every run added before it."""
        if self._lasts and first <= self._lasts[-1] + 1:
            self._lasts[-1] = max(self._lasts[-1], last)
        else:
            self._firsts.append(first)
            self._lasts.append(last)

    def __contains__(self, line: object) -> bool:
        if not isinstance(line, int):
            return False
        index = bisect_right(self._firsts, line) - 1
        return index >= 0 and line <= self._lasts[index]

    def __iter__(self) -> Iterator[int]:
        for first, last in zip(self._firsts, self._lasts, strict=True):
            yield from range(first, last + 1)

    def before(self, line: int) -> LineSpans:
        """The lines before `line`."""
        return LineSpans((first, min(last, line - 1)) for first, last in self.spans() if first < line)

    def spans(self) -> Iterator[tuple[int, int]]:
        return zip(self._firsts, self._lasts, strict=True)


class MarkdownDocument(Record, mutable=True):
    headings: list[Heading]
    tables: list[Table]
    links: list[Link]
    blocks: list[Block]
    sections: list[DocumentSection]
    preamble: list[Block]
    line_count: int
    leads: Sequence[Lead]
    code_lines: LineSpans  # lines inside code blocks, at any depth
    # Link targets besides the headings: HTML id and name attributes.
    other_anchors: frozenset[str]
    # Whether a link uses a link reference (`[name]: url`), which may be defined anywhere in the document.
    has_references: bool
    # What a reader of the document works out from it once (the resolver's facts): kept, and freed, with it.
    derived: dict[str, Any]
    _hidden = ("derived",)

    def __init__(
        self,
        headings: list[Heading],
        tables: list[Table],
        links: list[Link],
        blocks: list[Block],
        sections: list[DocumentSection],
        preamble: list[Block],
        line_count: int,
        leads: Sequence[Lead] = (),
        code_lines: LineSpans | None = None,
        other_anchors: frozenset[str] = frozenset(),
        has_references: bool = False,
        derived: dict[str, Any] | None = None,
    ) -> None:
        self.headings = headings
        self.tables = tables
        self.links = links
        self.blocks = blocks
        self.sections = sections
        self.preamble = preamble
        self.line_count = line_count
        self.leads = leads
        self.code_lines = LineSpans() if code_lines is None else code_lines
        self.other_anchors = other_anchors
        self.has_references = has_references
        self.derived = {} if derived is None else derived

    @property
    def anchors(self) -> set[str]:
        return {heading.anchor for heading in self.headings} | self.other_anchors

    def walk(self) -> list[DocumentSection]:
        """Every section in document order."""
        found: list[DocumentSection] = []

        def visit(sections: Sequence[DocumentSection]) -> None:
            for section in sections:
                found.append(section)
                visit(section.children)

        visit(self.sections)
        return found

    def links_on(self, line: int) -> list[Link]:
        """The links that start on `line` (links are in document order)."""
        lines = _LinkLines(self.links)
        return self.links[bisect_left(lines, line) : bisect_right(lines, line)]


class _LinkLines(Sequence[int]):
    """The line of each link, as a sequence to bisect."""

    def __init__(self, links: list[Link]) -> None:
        self._links = links

    def __len__(self) -> int:
        return len(self._links)

    def __getitem__(self, index: Any) -> Any:
        return self._links[index].line


_NOT_IN_ASCII_ANCHOR = re.compile(r"[^a-z0-9 _-]+")


@functools.lru_cache(maxsize=4096)  # the same titles come again and again, in a document and across documents
def _anchor_base(text: str) -> str:
    """The anchor GitHub gives a heading with this text, before it numbers repeated ones."""
    folded = text.strip().lower()
    if folded.isascii():  # the same as below, quicker: ASCII letters and digits are the L and N categories
        return _NOT_IN_ASCII_ANCHOR.sub("", folded).replace(" ", "-")
    kept = (char for char in folded if char in " -_" or unicodedata.category(char)[0] in "LNM")
    return "".join(kept).replace(" ", "-")


def lines_of(text: str) -> list[str]:
    """The lines of a text as the Markdown reader counts them: split at LF, CRLF or CR only.

    (`str.splitlines` also splits at form feeds and Unicode separators, which
    would shift line numbers and turn those characters into line breaks.)
    """
    lines = text.replace("\r\n", "\n").replace("\r", "\n").split("\n")
    return lines[:-1] if lines and lines[-1] == "" else lines


_LINE_BREAK = re.compile(r"\r\n?|\n")


def iter_lines(text: str) -> Iterator[str]:
    """The lines `lines_of` gives, one at a time: a big text is not copied into a list of its lines."""
    start = 0
    for found in _LINE_BREAK.finditer(text):
        yield text[start : found.start()]
        start = found.end()
    if start < len(text):
        yield text[start:]


_REFERENCE_LINKS = frozenset({"Reference", "Collapsed", "Shortcut"})
_NO_LINK = Link("", "", 0)  # where a link goes until its end is read


def _label(reference: str) -> str:
    """A link reference label as references are matched: case and runs of white space do not count."""
    return " ".join(reference.casefold().split())


class _DocumentText:
    """A document's text and its line index, shared by its blocks; and the link references it uses."""

    __slots__ = ("index", "references")

    def __init__(self, index: LineIndex) -> None:
        self.index = index
        self.references: set[str] = set()

    def plain_text(self, source: str) -> str:
        """The plain text of a paragraph's source: escapes resolved, HTML tags left out, breaks as newlines."""
        references = self.references

        def resolve(link: Any) -> tuple[str, str] | None:
            return ("", "") if _label(link["reference"]) in references else None

        text = parseable(source)
        data = text.encode("utf-8")
        parts: list[str] = []
        skipping = 0  # inside a link that is no link (a `javascript:` target): its source is its text
        events = pyromark.events_with_range(text, options=_OPTIONS, merge_text=True, broken_link_callback=resolve)
        for event, span in _untyped(events):
            if event.__class__ is str:
                if not skipping and event != "Rule":
                    parts.append("\n")
                continue
            ((key, value),) = event.items()
            if skipping:
                skipping += _link_depth(key, value)
            elif key == "Text" or key == "Code":
                parts.append(value)
            elif key == "InlineHtml" and _BREAK_TAG.match(value):
                parts.append("\n")
            elif _link_depth(key, value) == 1 and not is_safe_href(next(iter(value.values()))["dest_url"]):
                parts.append(data[span["start"] : span["end"]].decode("utf-8", "replace"))
                skipping = 1
        return "".join(parts)


def _untyped(events: Iterator[tuple[Any, Any]]) -> Iterator[tuple[Any, Any]]:
    """Events and their spans as plain values: the reader tells an event by its one key, which the typed
    shapes of each event cannot follow."""
    return events


def _link_depth(key: str, value: Any) -> int:
    """+1 for the start of a link or image, -1 for its end, 0 for any other event."""
    if key == "Start" and value.__class__ is dict and ("Link" in value or "Image" in value):
        return 1
    return -1 if key == "End" and (value == "Link" or value == "Image") else 0


def inline_text(source: str) -> str:
    """The words of one line of Markdown (a heading's, say), without images and badges: only text and code."""
    parts: list[str] = []
    in_image = 0
    for event, _ in _untyped((event, None) for event in _PARSER.events(parseable(source))):
        if event.__class__ is str:
            continue
        ((key, value),) = event.items()
        if key in ("Text", "Code") and not in_image:
            parts.append(value)
        elif key == "Start" and value.__class__ is dict and "Image" in value:
            in_image += 1
        elif key == "End" and value == "Image":
            in_image -= 1
    return "".join(parts)


class _AnchorCollector:
    """Collects the `id` and `name` attributes of HTML tags: both are link targets on GitHub."""

    def __init__(self) -> None:
        self.anchors: set[str] = set()
        self._parser: AnchorParser | None = None

    def read(self, source: str) -> None:
        """Read one piece of HTML on its own, so an unclosed tag does not swallow the next."""
        if "=" not in source or not _MAY_ANCHOR.search(source):
            return  # most HTML here is our guide comments: no need to parse them
        if self._parser is None:
            from tssa.reading.htmlparts import AnchorParser  # `html.parser` only for a document that needs it

            self._parser = AnchorParser(self.anchors)
        self._parser.feed(source)
        self._parser.close()
        self._parser.reset()


_HTML_HEADING = re.compile(r"^<(h[1-6])(?:\s[^>]*)?>(?P<inner>.*)</\1\s*>$", re.IGNORECASE | re.DOTALL)


def html_heading(source: str) -> tuple[int, str] | None:
    """The level and text of an HTML block that is exactly one `<h1>`..`<h6>` element, else None."""
    text = source.strip()
    match = _HTML_HEADING.match(text)
    if match is None or re.search(r"</?h[1-6]\b", match.group("inner"), re.IGNORECASE):
        return None
    from tssa.reading.htmlparts import HeadingReader

    reader = HeadingReader()
    reader.feed(text)
    reader.close()
    title = " ".join("".join(reader.parts).split())
    return (int(match.group(1)[1:]), title) if title else None


_BLOCK_KINDS = {
    "Paragraph": "paragraph",
    "List": "list",
    "Table": "table",
    "HtmlBlock": "html",
    "CodeBlock": "code",
    "BlockQuote": "quote",
}
# A list's span, and its items', runs on over the blank lines and link reference definitions after it:
# a list ends where its last content does.
_CONTAINERS = frozenset({"List", "Item"})
_INLINE_TAGS = frozenset({"Emphasis", "Strong", "Strikethrough", "Link", "Image", "Superscript", "Subscript"})
# A table's delimiter row (`|---|:--:|`): a tab in it makes pulldown-cmark read no table, where GitHub shows one.
_DELIMITER_ROW = re.compile(r"^[ \t|:]*+-[ \t|:-]*+\r?$", re.MULTILINE)


def _tabs_out_of_delimiter_rows(text: str) -> str:
    """The text with the tabs of delimiter rows made spaces: the same length, so offsets stay."""

    def spaces(match: re.Match[str]) -> str:
        row = match.group(0)
        indent = len(row) - len(row.lstrip(" \t"))  # a tab there is indentation: it stays
        return row[:indent] + row[indent:].replace("\t", " ") if "|" in row else row

    return _DELIMITER_ROW.sub(spaces, text) if "\t" in text else text


# A document larger than this (in characters) is handed to the parser in pieces, each cut before a top-level
# heading: the parser holds every event of what it is given at once, some eight times the text.
PIECE = 1 << 18
# A blank line, then an ATX heading at the start of the next line: where a piece may end.
_LEVELS = {"H1": 1, "H2": 2, "H3": 3, "H4": 4, "H5": 5, "H6": 6}
_PIECE_END = re.compile(r"\n[ \t]*\r?\n(?=#{1,6}(?:[ \t\r\n]|\Z))")
# Blocks that run on over a blank line and a heading when nothing closes them.
_OPEN_ENDED = frozenset({"CodeBlock", "HtmlBlock"})


def _parser_text(text: str) -> str:
    return _tabs_out_of_delimiter_rows(parseable(text))


def _pieces(index: LineIndex, size: int) -> Iterator[tuple[int, str]]:
    """The text to parse, as (UTF-8 byte offset, piece): read one after the other, they give the same events.

    A piece ends past `size` characters, before a blank line and an ATX heading at the start of a line,
    which closes every block but a fenced code block or an HTML block left open; a piece whose last block
    is one of those and runs to its end is not cut there, nor anywhere after. Link reference definitions reach across
    the whole document, so a document that may hold one (`]:`) is parsed whole.
    """
    text = index.text
    if len(text) <= size or "]:" in text:
        yield 0, _parser_text(text)
        return
    start = 0
    while True:
        found = _PIECE_END.search(text, start + size) if len(text) - start > size else None
        if found is None:
            break
        cut = found.end()
        piece = _parser_text(text[start:cut])
        if _ends_open(piece):
            break
        yield index.byte_offset(start), piece
        start = cut
    yield index.byte_offset(start), _parser_text(text[start:])


def _ends_open(piece: str) -> bool:
    """Whether the last top-level block of `piece` is a code or HTML block that runs to its end."""
    size = len(piece.encode("utf-8"))
    depth = 0
    last_end = -1
    for event, span in _untyped(_PARSER.events_with_range(piece, merge_text=True)):
        if event.__class__ is str:
            continue
        key = next(iter(event))
        if key == "Start":
            depth += 1
        elif key == "End":
            depth -= 1
            if depth == 0:
                value = event[key]
                tag = value if value.__class__ is str else next(iter(value))
                last_end = span["end"] if tag in _OPEN_ENDED else -1
    return last_end >= size


_KNOWN_TEXTS = 4096


def without_cycle_collection(function: Callable[_P, _R]) -> Callable[_P, _R]:
    """Pause Python's cycle collector while `function` runs.

    Reading a big document makes millions of small objects, and the collector
    walks all of them again and again as they are made: that made reading grow
    faster than the text, and took half the time. The objects made here form no
    cycles, so reference counting frees them; the collector resumes afterwards.
    """

    @functools.wraps(function)
    def paused(*args: _P.args, **kwargs: _P.kwargs) -> _R:
        was_enabled = gc.isenabled()
        gc.disable()
        try:
            return function(*args, **kwargs)
        finally:
            if was_enabled:
                gc.enable()

    return paused


class _Reader:
    """The state of one pass over a document's events."""

    def __init__(self, text: str) -> None:
        if text.startswith(BOM):
            text = text[1:]
        self.index = LineIndex(text)
        self.document_text = _DocumentText(self.index)
        self.headings: list[Heading] = []
        self.tables: list[Table] = []
        self.links: list[Link] = []
        self.blocks: list[Block] = []
        self.items: list[Block | Heading] = []
        self.leads = Leads(self.index)
        self.code_lines = LineSpans()
        self.html = _AnchorCollector()
        self.nested: list[Heading] = []  # headings inside a quote or a list item
        self.seen: dict[str, int] = {}
        self.has_references = False

    def read(self) -> MarkdownDocument:
        index = self.index
        starts = index.byte_starts  # a span's line: bisect_right(starts, offset)
        links, html = self.links, self.html
        lead_starts, lead_in_list = self.leads.adders()  # each lead's line is found at the end, all at once
        headings, blocks, items, seen = self.headings, self.blocks, self.items, self.seen
        document_text, is_blank = self.document_text, index.is_blank
        stack: list[str] = []  # the open blocks, outermost first
        in_item = False  # the innermost open block is a list item
        top_kind = ""  # the top-level block being read
        top_start = 0
        content_end = 0  # where the last content of the top-level block ends (a list's own end runs on)
        in_list = False  # the top-level block is a list: only a list's `content_end` is needed
        list_items = 0  # a top-level list's items that hold something
        item_empty = False
        after_item = False  # the event before was the start of a list item
        loose_text = False  # a tight list item's text is being read (it has no paragraph of its own)
        text_parts: list[str] | None = None  # the plain text of the heading or table cell being read
        heading_start = heading_level = 0
        open_links: list[tuple[int, str, int, list[str]]] = []  # place in `links`, href, start, text of open links
        skipping = 0  # inside a link that is no link (a `javascript:` target), which reads as its source
        html_parts: list[str] | None = None
        table_line = 0
        header: tuple[str, ...] = ()
        rows: list[tuple[str, ...]] = []
        row_lines: list[int] = []
        row: list[str] = []
        # One copy kept of each text (a title, a cell, a link's target and text) a big document repeats; the
        # first few thousand met are looked for, so texts that never repeat cost little room.
        known: dict[str, str] = {}
        known_get, keep = known.get, known.setdefault  # `known_get(text) or keep(text, text)`, inline: it is quicker

        for base, piece in _pieces(index, PIECE):
            for event, span in _untyped(_PARSER.events_with_range(piece, merge_text=True)):
                if event.__class__ is str:  # SoftBreak, HardBreak, Rule
                    if in_list:
                        end = span["end"] + base
                        if end > content_end:
                            content_end = end
                    if skipping:
                        continue
                    if event == "Rule":
                        if not stack:
                            end = span["end"] + base
                            self._block(
                                "rule", bisect_right(starts, span["start"] + base), bisect_right(starts, end - 1)
                            )
                    else:
                        if text_parts is not None:
                            text_parts.append("\n")
                        if in_item and not loose_text:
                            loose_text = True
                            start = span["start"] + base
                            lead_starts(start)
                            lead_in_list(after_item)
                    after_item = item_empty = False
                    continue
                (key,) = event  # an event is a dict of one key
                value = event[key]
                if skipping:
                    skipping += _link_depth(key, value)
                    if in_list:
                        end = span["end"] + base
                        if end > content_end:
                            content_end = end
                    continue
                if key == "Start":
                    start = span["start"] + base
                    if value.__class__ is str:
                        tag = value
                    else:
                        (tag,) = value
                    if in_list and tag not in _CONTAINERS:
                        end = span["end"] + base
                        if end > content_end:
                            content_end = end
                    if tag in _INLINE_TAGS:
                        if in_item and not loose_text:
                            loose_text = True
                            lead_starts(start)
                            lead_in_list(after_item)
                        if tag == "Link" or tag == "Image":
                            data = value[tag]
                            if data["link_type"] in _REFERENCE_LINKS:
                                self.has_references = True
                                self.document_text.references.add(_label(data["id"]))
                            href = normalize_href(data["dest_url"], data["link_type"] == "Email")
                            if is_safe_href(href):
                                open_links.append((len(links), href, start, []))
                                links.append(_NO_LINK)  # in the order links open: a link before the image it holds
                            else:
                                source = index.between(start, span["end"] + base)
                                if text_parts is not None:
                                    text_parts.append(source)
                                for *_, parts in open_links:
                                    parts.append(source)
                                skipping = 1
                        after_item = item_empty = False
                        continue
                    if not stack:
                        top_kind, top_start, content_end, list_items = tag, start, start + 1, 0
                        in_list = tag == "List"
                    elif in_item:
                        loose_text = False  # a block inside the item: text after it is a paragraph of its own
                    if tag == "Paragraph":
                        lead_starts(start)
                        lead_in_list(after_item)
                    elif tag == "Item":
                        loose_text = False
                        if start >= content_end:
                            content_end = start + 1  # an empty item is its marker's line
                        if len(stack) == 1 and top_kind == "List":
                            item_empty = True
                    elif tag == "Heading":
                        text_parts, heading_start = [], start
                        heading_level = _LEVELS[value[tag]["level"]]
                    elif tag == "TableCell":
                        text_parts = []
                    elif tag == "TableRow":
                        row = []
                        row_lines.append(bisect_right(starts, start))
                    elif tag == "TableHead":
                        row = []
                    elif tag == "Table":
                        table_line, header, rows, row_lines = bisect_right(starts, start), (), [], []
                    elif tag == "HtmlBlock":
                        html_parts = []
                    if tag != "Item":
                        item_empty = False
                    after_item = in_item = tag == "Item"
                    stack.append(tag)
                    continue
                if key == "End":
                    if value.__class__ is str:
                        tag = value
                    else:
                        (tag,) = value
                    if in_list and tag not in _CONTAINERS:
                        end = span["end"] + base
                        if end > content_end:
                            content_end = end
                    if tag in _INLINE_TAGS:
                        if tag == "Link" or tag == "Image":
                            place, href, start, parts = open_links.pop()
                            text = "".join(parts)
                            href = known_get(href) or (keep(href, href) if len(known) < _KNOWN_TEXTS else href)
                            text = known_get(text) or (keep(text, text) if len(known) < _KNOWN_TEXTS else text)
                            links[place] = Link(href, text, bisect_right(starts, start))
                        continue
                    stack.pop()
                    in_item = stack[-1] == "Item" if stack else False
                    if tag == "Heading":
                        title = "".join(text_parts or ())
                        title = known_get(title) or (keep(title, title) if len(known) < _KNOWN_TEXTS else title)
                        text_parts = None
                        line = bisect_right(starts, heading_start)
                        bare = _anchor_base(title)  # the anchor before repeated ones are numbered
                        count = seen.get(bare, 0)
                        seen[bare] = count + 1
                        heading = Heading(heading_level, title, line, count or None, bool(stack))
                        headings.append(heading)
                        # inside a quote or a list item, a reader sees a heading all the same
                        (self.nested if stack else self.items).append(heading)
                    elif tag == "TableCell":
                        text = "".join(text_parts or ())
                        row.append(known_get(text) or (keep(text, text) if len(known) < _KNOWN_TEXTS else text))
                        text_parts = None
                    elif tag == "TableHead":
                        header = tuple(row)
                    elif tag == "TableRow":
                        rows.append(tuple(row))
                    elif tag == "Table":
                        self.tables.append(Table(table_line, header, tuple(rows), tuple(row_lines)))
                    elif tag == "HtmlBlock":
                        html.read("".join(html_parts or ()))
                        html_parts = None
                    elif tag == "CodeBlock":
                        first = bisect_right(starts, span["start"] + base)
                        self.code_lines.add(
                            first, bisect_right(starts, max(span["start"] + base, span["end"] + base - 1))
                        )
                    elif tag == "Item" and len(stack) == 1 and top_kind == "List" and not item_empty:
                        list_items += 1
                    if not stack and top_kind != "Heading":
                        # a list's own span runs on over blank lines and link references: it ends with its content
                        first = bisect_right(starts, top_start)
                        last = bisect_right(starts, (content_end if tag == "List" else span["end"] + base) - 1)
                        while last > first and is_blank(last):
                            last -= 1
                        if last == first:
                            last = first  # one number kept for both: a big document has many
                        if top_kind == "HtmlBlock":
                            self._html_block(first, last)
                        else:
                            kind = _BLOCK_KINDS.get(top_kind) or top_kind.lower()
                            block = Block(kind, first, last, document_text, list_items)
                            blocks.append(block)
                            items.append(block)
                    after_item = False
                    continue
                if key == "Text" or key == "Code":
                    if in_list:
                        end = span["end"] + base
                        if end > content_end:
                            content_end = end
                    if text_parts is not None:
                        text_parts.append(value)
                    if open_links:
                        for *_, parts in open_links:
                            parts.append(value)
                    if in_item and not loose_text:
                        loose_text = True
                        start = span["start"] + base
                        lead_starts(start)
                        lead_in_list(after_item)
                    after_item = item_empty = False
                    continue
                if in_list:
                    end = span["end"] + base
                    if end > content_end:
                        content_end = end
                if key == "Html":
                    if html_parts is not None:
                        html_parts.append(value)
                elif key == "InlineHtml":
                    if text_parts is not None and _BREAK_TAG.match(value):
                        text_parts.append("\n")
                    for *_, parts in open_links:
                        parts.append(value)
                    html.read(value)
                    if in_item and not loose_text:
                        loose_text = True
                        start = span["start"] + base
                        lead_starts(start)
                        lead_in_list(after_item)
                after_item = item_empty = False

        self.leads.find_lines(starts)
        roots, preamble = _section_tree(_opened_at(self.items, self.nested))
        return MarkdownDocument(
            self.headings,
            self.tables,
            links,
            self.blocks,
            roots,
            preamble,
            index.line_count,
            self.leads,
            self.code_lines,
            frozenset(html.anchors),
            self.has_references,
        )

    def _anchor(self, title: str) -> int | None:
        """For a repeated heading, the number its anchor ends in (kept as a number: it takes less room)."""
        base = _anchor_base(title)
        count = self.seen.get(base, 0)
        self.seen[base] = count + 1
        return count or None

    def _html_block(self, first: int, last: int) -> None:
        """A top-level HTML block: an HTML heading on its own opens a section as a Markdown one does."""
        index = self.index
        if index.line_head(first).lstrip()[:2].lower() == "<h":  # it may be an HTML heading
            found = html_heading(index.lines(first, last))
            if found is not None:
                heading = Heading(found[0], found[1], first, self._anchor(found[1]))
                self.headings.append(heading)
                self.items.append(heading)
                return
        self._block("html", first, last)

    def _block(self, kind: str, first: int, last: int, items: int = 0) -> None:
        block = Block(kind, first, last, self.document_text, items)
        self.blocks.append(block)
        self.items.append(block)


@without_cycle_collection
def parse(text: str) -> MarkdownDocument:
    """Parse Markdown source into a document model."""
    return _Reader(text).read()


_NO_TEXT = re.compile(r"[\s>]*")


def _opened_at(items: list[Block | Heading], nested: list[Heading]) -> list[Block | Heading]:
    """The top-level items with each quote or list that holds headings cut at them, the headings in between.

    The parts of the quote or list around a heading stay blocks of the same kind, so what follows a heading in
    a quote belongs to the section the heading opens.
    """
    if not nested:
        return items
    result: list[Block | Heading] = []
    at = 0
    for item in items:
        if isinstance(item, Heading) or item.kind not in ("quote", "list"):
            result.append(item)
            continue
        while at < len(nested) and nested[at].line < item.line:
            at += 1
        inside = []
        while at < len(nested) and nested[at].line <= item.end_line:
            inside.append(nested[at])
            at += 1
        if not inside:
            result.append(item)
            continue
        start, own = item.line, item.source.split("\n")
        for heading in [*inside, None]:
            stop = heading.line - 1 if heading is not None else item.end_line
            part = own[start - item.line : stop - item.line + 1]
            if any(not _NO_TEXT.fullmatch(line) for line in part):
                result.append(Block(item.kind, start, stop, item.document, None))
            if heading is not None:
                result.append(heading)
                start = heading.line + 1
    return result


def _section_tree(items: Iterable[Block | Heading]) -> tuple[list[DocumentSection], list[Block]]:
    """The sections made by top-level headings and blocks in document order, and the blocks before any heading."""
    preamble: list[Block] = []
    roots: list[DocumentSection] = []
    stack: list[tuple[DocumentSection, list[DocumentSection]]] = []  # the open sections and their children
    levels: list[int] = []  # their headings' levels
    section: DocumentSection | None = None  # the last opened: blocks go to it until the next heading
    blocks = preamble
    for item in items:
        if item.__class__ is not Heading:
            blocks.append(item)  # type: ignore[arg-type]
            continue
        if section is not None:
            section.blocks = tuple(blocks)
        blocks = []
        level = item.level
        while levels and levels[-1] >= level:
            levels.pop()
            done, children = stack.pop()
            done.children = tuple(children)
        section = DocumentSection(item)
        (stack[-1][1] if stack else roots).append(section)
        stack.append((section, []))
        levels.append(level)
    if section is not None:
        section.blocks = tuple(blocks)
    for done, children in stack:
        done.children = tuple(children)
    return roots, preamble


def lines_before(document: MarkdownDocument, line: int) -> MarkdownDocument | None:
    """The document as if it ended before `line`, without parsing that part again; None when that could differ.

    It is the same as parsing the lines before `line` only when `line` starts a
    top-level heading (so no code block, HTML block, list or quote runs across
    it) and no link uses a link reference (one defined further down makes text
    above it a link). Its `anchors` are still the whole document's.
    """
    if document.has_references or not any(heading.line == line and not heading.nested for heading in document.headings):
        return None
    headings = [heading for heading in document.headings if heading.line < line]
    blocks = [block for block in document.blocks if block.line < line]
    items: list[Block | Heading] = sorted([*headings, *blocks], key=lambda item: item.line)
    top = [item for item in items if not (isinstance(item, Heading) and item.nested)]
    roots, preamble = _section_tree(_opened_at(top, [heading for heading in headings if heading.nested]))
    leads = document.leads
    kept = leads.before(line) if isinstance(leads, Leads) else [lead for lead in leads if lead.line < line]
    return MarkdownDocument(
        headings,
        [table for table in document.tables if table.line < line],
        [link for link in document.links if link.line < line],
        blocks,
        roots,
        preamble,
        line - 1,
        kept,
        document.code_lines.before(line),
        document.other_anchors,
        False,
    )
