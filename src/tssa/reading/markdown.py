"""Read a Markdown file into headings, sections, tables, links and comments.

Built on markdown-it-py (CommonMark plus GitHub tables). Lines are 1-based,
as an editor shows them. Text taken from the document is plain text: escapes
are resolved and entities decoded, so a value reads back as it was written.
"""

from __future__ import annotations

import functools
import gc
import re
import unicodedata
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from functools import cached_property
from html.parser import HTMLParser
from typing import Any, ParamSpec, TypeVar

from markdown_it import MarkdownIt
from markdown_it.token import Token

from tssa.reading.guides import guide_key

# Inline parsing is most of markdown-it's cost; it runs per token on demand
# (headings, table cells, text that may hold a link) instead of everywhere.
_PARSER = MarkdownIt("commonmark").enable(["table", "strikethrough"]).disable("inline")
_MAY_LINK = re.compile(r"[\[<]")
_MAY_ANCHOR = re.compile(r"\b(?:id|name)\s*=", re.IGNORECASE)
_BREAK_TAG = re.compile(r"<br\s*/?>", re.IGNORECASE)


@dataclass(frozen=True)
class Heading:
    level: int
    text: str
    line: int
    anchor: str
    nested: bool = False
    """Inside a block quote or a list item: it opens a section as a reader sees it, though the quote or list
    goes on around it."""


@dataclass(frozen=True)
class Link:
    href: str
    text: str
    line: int


@dataclass(frozen=True)
class Table:
    line: int
    header: tuple[str, ...]
    rows: tuple[tuple[str, ...], ...]
    row_lines: tuple[int, ...]


@dataclass
class Block:
    """A top-level block: a paragraph, list, table, HTML block, code block, rule or quote."""

    kind: str
    line: int
    end_line: int
    source: str
    inline: Token | None = field(default=None, repr=False, compare=False)
    env: dict[str, Any] = field(default_factory=dict, repr=False, compare=False)

    @cached_property
    def text(self) -> str:
        """For a paragraph, the plain text a reader sees; empty for other blocks."""
        return plain_text(self.inline, self.env) if self.inline is not None else ""

    @cached_property
    def guide_key(self) -> str | None:
        """The section key of our guidance comment, when the block is one."""
        if self.kind != "html" or not self.source.strip():
            return None
        return guide_key(lines_of(self.source.strip())[0])

    @property
    def is_comment(self) -> bool:
        text = self.source.strip()
        return self.kind == "html" and text.startswith("<!--") and text.endswith("-->")


@dataclass
class DocumentSection:
    """A heading of a document and the blocks up to the next heading of any level."""

    heading: Heading
    blocks: list[Block] = field(default_factory=list)
    children: list[DocumentSection] = field(default_factory=list)

    @property
    def end_line(self) -> int:
        """The last line of the section with everything below it (0 when it holds nothing)."""
        last = self.children[-1].end_line if self.children else 0
        return max(last, self.blocks[-1].end_line if self.blocks else self.heading.line)


@dataclass(frozen=True)
class Lead:
    """The first line of a paragraph or list item, at any depth: where a topic may be named."""

    text: str
    line: int
    in_list: bool


@dataclass
class MarkdownDocument:
    headings: list[Heading]
    tables: list[Table]
    links: list[Link]
    blocks: list[Block]
    sections: list[DocumentSection]
    preamble: list[Block]
    line_count: int
    leads: tuple[Lead, ...] = ()
    code_lines: frozenset[int] = frozenset()  # lines inside code blocks, at any depth
    # Link targets besides the headings: HTML id and name attributes.
    other_anchors: frozenset[str] = frozenset()
    # Whether the document defines link references (`[name]: url`), which links anywhere in it may use.
    has_references: bool = False

    @property
    def anchors(self) -> set[str]:
        return {heading.anchor for heading in self.headings} | self.other_anchors

    def walk(self) -> list[DocumentSection]:
        """Every section in document order."""
        found: list[DocumentSection] = []

        def visit(sections: list[DocumentSection]) -> None:
            for section in sections:
                found.append(section)
                visit(section.children)

        visit(self.sections)
        return found


def github_anchor(text: str, seen: dict[str, int]) -> str:
    """The anchor GitHub gives a heading; `seen` numbers repeated ones as GitHub does."""
    base = "".join(
        char for char in text.strip().lower() if char in " -_" or unicodedata.category(char)[0] in "LNM"
    ).replace(" ", "-")
    count = seen.get(base, 0)
    seen[base] = count + 1
    return base if count == 0 else f"{base}-{count}"


def lines_of(text: str) -> list[str]:
    """The lines of a text as the Markdown reader counts them: split at LF, CRLF or CR only.

    (`str.splitlines` also splits at form feeds and Unicode separators, which
    would shift line numbers and turn those characters into line breaks.)
    """
    lines = text.replace("\r\n", "\n").replace("\r", "\n").split("\n")
    return lines[:-1] if lines and lines[-1] == "" else lines


def inline_children(inline: Token, env: dict[str, Any]) -> list[Token]:
    """The inline tokens of a block's text, parsed on first use."""
    if not inline.meta.get("parsed"):
        inline.children = []
        _PARSER.inline.parse(inline.content, _PARSER, env, inline.children)
        inline.meta["parsed"] = True
    return inline.children or []


def plain_text(inline: Token, env: dict[str, Any]) -> str:
    """The text a reader sees in an inline token: escapes resolved, HTML tags left out, breaks as newlines."""
    parts: list[str] = []
    for child in inline_children(inline, env):
        if child.type in ("text", "text_special", "code_inline"):
            parts.append(child.content)
        elif child.type in ("softbreak", "hardbreak") or (
            child.type == "html_inline" and _BREAK_TAG.match(child.content)
        ):
            parts.append("\n")
        elif child.type == "image":
            parts.append(child.content)
    return "".join(parts)


class _AnchorCollector(HTMLParser):
    """Collects the `id` and `name` attributes of HTML tags: both are link targets on GitHub."""

    def __init__(self) -> None:
        super().__init__()
        self.anchors: set[str] = set()

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.anchors.update(value.lower() for name, value in attrs if name in ("id", "name") and value)

    def read(self, source: str) -> None:
        """Read one piece of HTML on its own, so an unclosed tag does not swallow the next."""
        if not _MAY_ANCHOR.search(source):
            return  # most HTML here is our guide comments: no need to parse them
        self.feed(source)
        self.close()
        self.reset()


_HTML_HEADING = re.compile(r"^<(h[1-6])(?:\s[^>]*)?>(?P<inner>.*)</\1\s*>$", re.IGNORECASE | re.DOTALL)


class _HeadingReader(HTMLParser):
    """The text of one HTML heading element, with its tags left out and its entities decoded."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.parts: list[str] = []

    def handle_data(self, data: str) -> None:
        self.parts.append(data)


def html_heading(source: str) -> tuple[int, str] | None:
    """The level and text of an HTML block that is exactly one `<h1>`..`<h6>` element, else None."""
    text = source.strip()
    match = _HTML_HEADING.match(text)
    if match is None or re.search(r"</?h[1-6]\b", match.group("inner"), re.IGNORECASE):
        return None
    reader = _HeadingReader()
    reader.feed(text)
    reader.close()
    title = " ".join("".join(reader.parts).split())
    return (int(match.group(1)[1:]), title) if title else None


def _links(inline: Token, env: dict[str, Any], line: int, html: _AnchorCollector) -> list[Link]:
    found: list[Link] = []
    # One pass: a paragraph may hold thousands of links, so no look-ahead from each.
    open_at: int | None = None  # where in `found` the open link is; its text is filled in at its end
    text_parts: list[str] = []
    for child in inline_children(inline, env):
        if open_at is not None and child.type == "link_close":
            found[open_at] = Link(found[open_at].href, "".join(text_parts), line)
            open_at = None
        elif open_at is not None:
            text_parts.append(child.content)
        if child.type == "link_open":
            open_at, text_parts = len(found), []
            found.append(Link(str(child.attrs.get("href", "")), "", line))
        elif child.type == "image":
            found.append(Link(str(child.attrs.get("src", "")), child.content, line))
        elif child.type == "html_inline":
            html.read(child.content)
    return found


def _table(tokens: list[Token], start: int, env: dict[str, Any]) -> tuple[Table, int]:
    """Read the table that opens at `tokens[start]`; return it and the index after it."""
    header: list[str] = []
    rows: list[tuple[str, ...]] = []
    row_lines: list[int] = []
    current: list[str] = []
    in_head = False
    index = start
    line = (tokens[start].map or [0])[0] + 1
    while index < len(tokens):
        token = tokens[index]
        if token.type == "thead_open":
            in_head = True
        elif token.type == "thead_close":
            in_head = False
        elif token.type == "tr_open":
            current = []
            if not in_head:
                row_lines.append((token.map or [0])[0] + 1)
        elif token.type == "inline":
            current.append(plain_text(token, env))
        elif token.type == "tr_close":
            if in_head:
                header = current
            else:
                rows.append(tuple(current))
        elif token.type == "table_close":
            break
        index += 1
    return Table(line, tuple(header), tuple(rows), tuple(row_lines)), index + 1


_BLOCK_KINDS = {
    "paragraph_open": "paragraph",
    "bullet_list_open": "list",
    "ordered_list_open": "list",
    "table_open": "table",
    "html_block": "html",
    "fence": "code",
    "code_block": "code",
    "hr": "rule",
    "blockquote_open": "quote",
}


_P = ParamSpec("_P")
_R = TypeVar("_R")


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


@without_cycle_collection
def parse(text: str) -> MarkdownDocument:
    """Parse Markdown source into a document model."""
    lines = lines_of(text)
    env: dict[str, Any] = {}
    tokens = _PARSER.parse(text, env)
    headings: list[Heading] = []
    tables: list[Table] = []
    links: list[Link] = []
    blocks: list[Block] = []
    seen: dict[str, int] = {}
    top_level_blocks: list[tuple[int, Block | Heading]] = []
    code_lines: set[int] = set()
    html = _AnchorCollector()
    nested: list[Heading] = []
    leads: list[Lead] = []

    index = 0
    while index < len(tokens):
        token = tokens[index]
        line_map = token.map or [0, 0]
        if token.type == "inline" and _MAY_LINK.search(token.content):
            links.extend(_links(token, env, line_map[0] + 1, html))
        if token.type == "html_block":
            html.read(token.content)
        if token.type == "inline" and index and tokens[index - 1].type == "paragraph_open":
            in_list = index > 1 and tokens[index - 2].type == "list_item_open"
            leads.append(Lead(token.content.split("\n", 1)[0], line_map[0] + 1, in_list))
        if token.type in ("fence", "code_block"):
            code_lines.update(range(line_map[0] + 1, line_map[1] + 1))
        if token.type == "table_open":
            table, _ = _table(tokens, index, env)
            tables.append(table)
        if token.level == 0 and token.type == "heading_open":
            heading_text = plain_text(tokens[index + 1], env)
            heading = Heading(int(token.tag[1:]), heading_text, line_map[0] + 1, github_anchor(heading_text, seen))
            headings.append(heading)
            top_level_blocks.append((index, heading))
        elif token.level == 0 and token.type == "html_block" and (found := html_heading(token.content)):
            # an HTML heading on its own opens a section as a Markdown one does
            heading = Heading(found[0], found[1], line_map[0] + 1, github_anchor(found[1], seen))
            headings.append(heading)
            top_level_blocks.append((index, heading))
        elif token.type == "heading_open":
            # inside a quote or a list item: a reader sees a heading all the same
            heading_text = plain_text(tokens[index + 1], env)
            anchor = github_anchor(heading_text, seen)
            heading = Heading(int(token.tag[1:]), heading_text, line_map[0] + 1, anchor, nested=True)
            headings.append(heading)
            nested.append(heading)
        elif token.level == 0 and token.type in _BLOCK_KINDS:
            start, end = line_map[0], line_map[1]
            paragraph = tokens[index + 1] if token.type == "paragraph_open" else None
            block = Block(_BLOCK_KINDS[token.type], start + 1, end, "\n".join(lines[start:end]), paragraph, env)
            blocks.append(block)
            top_level_blocks.append((index, block))
        index += 1

    roots, preamble = _section_tree(_opened_at([item for _, item in top_level_blocks], nested))
    return MarkdownDocument(
        headings,
        tables,
        links,
        blocks,
        roots,
        preamble,
        len(lines),
        tuple(leads),
        frozenset(code_lines),
        frozenset(html.anchors),
        bool(env.get("references")),
    )


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
                result.append(Block(item.kind, start, stop, "\n".join(part)))
            if heading is not None:
                result.append(heading)
                start = heading.line + 1
    return result


def _section_tree(items: Iterable[Block | Heading]) -> tuple[list[DocumentSection], list[Block]]:
    """The sections made by top-level headings and blocks in document order, and the blocks before any heading."""
    preamble: list[Block] = []
    roots: list[DocumentSection] = []
    stack: list[DocumentSection] = []
    for item in items:
        if isinstance(item, Heading):
            section = DocumentSection(item)
            while stack and stack[-1].heading.level >= item.level:
                stack.pop()
            (stack[-1].children if stack else roots).append(section)
            stack.append(section)
        elif stack:
            stack[-1].blocks.append(item)
        else:
            preamble.append(item)
    return roots, preamble


def lines_before(document: MarkdownDocument, line: int) -> MarkdownDocument | None:
    """The document as if it ended before `line`, without parsing that part again; None when that could differ.

    It is the same as parsing the lines before `line` only when `line` starts a
    top-level heading (so no code block, HTML block, list or quote runs across
    it) and no link reference is defined (one defined further down would turn
    text above it into a link). Its `anchors` are still the whole document's.
    """
    if document.has_references or not any(heading.line == line and not heading.nested for heading in document.headings):
        return None
    headings = [heading for heading in document.headings if heading.line < line]
    blocks = [block for block in document.blocks if block.line < line]
    items: list[Block | Heading] = sorted([*headings, *blocks], key=lambda item: item.line)
    top = [item for item in items if not (isinstance(item, Heading) and item.nested)]
    roots, preamble = _section_tree(_opened_at(top, [heading for heading in headings if heading.nested]))
    return MarkdownDocument(
        headings,
        [table for table in document.tables if table.line < line],
        [link for link in document.links if link.line < line],
        blocks,
        roots,
        preamble,
        line - 1,
        tuple(lead for lead in document.leads if lead.line < line),
        frozenset(number for number in document.code_lines if number < line),
        document.other_anchors,
        False,
    )
