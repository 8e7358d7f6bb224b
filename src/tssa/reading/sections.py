"""Cut a package document into sections keyed the way the outline keys them, keeping every byte.

A section runs from its heading to the next heading that starts a section.
Its key is the outline key the resolver (`tssa.reading.resolve`) gives its
heading (`overview/background`), whatever the author's numbering, decoration
or older name; a heading the outline does not know is keyed by the slug path
below its parent. The title's section is `TITLE`, and text above the title is
`PREAMBLE`. A heading the author added inside a section does not start a
section of its own: it travels with the section above it.

Each line keeps its own ending (`tssa.reading.textfiles.split_lines`), and
the blank lines after a section's text are kept as its `gap`, so the pieces
joined again are the document, byte for byte.
"""

from __future__ import annotations

from collections.abc import Collection
from dataclasses import dataclass

from tssa.reading.guides import guide_key
from tssa.reading.markdown import parse
from tssa.reading.outline import Document, slug
from tssa.reading.resolve import resolve
from tssa.reading.textfiles import content, split_lines

PREAMBLE = "(preamble)"
TITLE = "(title)"


@dataclass(frozen=True)
class Piece:
    """One section of a document: its key, its lines, and the blank lines after them, each line with its ending."""

    key: str
    raw: tuple[str, ...]
    """The section's lines up to its last line of text."""
    gap: tuple[str, ...]
    """The blank lines after the text, up to the next section."""
    line: int
    """The 1-based line the section starts on."""

    @property
    def lines(self) -> tuple[str, ...]:
        """The section's lines of text, without their endings."""
        return tuple(map(content, self.raw))

    @property
    def guide_key(self) -> str | None:
        """The key of the first guide comment in the section, if it holds one."""
        return next((key for key in map(guide_key, self.lines) if key is not None), None)


def _heading_keys(text: str, document: Document | None) -> list[tuple[int, str]]:
    """Each heading's 0-based line and its key, in document order."""
    parsed = parse(text)
    resolved = resolve(document, parsed).heading_keys() if document is not None else {}
    keys: list[tuple[int, str]] = []
    path: list[tuple[int, str]] = []
    seen_title = False
    for heading in parsed.headings:
        if heading.level == 1 and not seen_title and heading.line not in resolved:
            seen_title = True
            path = []
            keys.append((heading.line - 1, TITLE))
            continue
        while path and path[-1][0] >= heading.level:
            path.pop()
        key = resolved.get(heading.line)
        if key is None:
            key = f"{path[-1][1]}/{slug(heading.text)}" if path else slug(heading.text)
        path.append((heading.level, key))
        keys.append((heading.line - 1, key))
    return keys


def piece(key: str, raw: list[str] | tuple[str, ...], line: int) -> Piece:
    """A piece of lines, the blank lines at their end set apart as its gap."""
    end = len(raw)
    while end and not content(raw[end - 1]).strip():
        end -= 1
    return Piece(key, tuple(raw[:end]), tuple(raw[end:]), line)


def split(text: str, known: Collection[str] | None = None, document: Document | None = None) -> list[Piece]:
    """The document's sections in order, keyed by `document`'s outline (by slug paths without one).

    With `known`, a heading starts a section only if its key, or else the key
    of the guide comment below it, is known and not yet taken; any other
    heading stays inside the section before it. Without `known`, every
    heading starts a section (a template's own rendering).
    """
    lines = split_lines(text)
    starts = _heading_keys(text, document)
    bounds = [line for line, _ in starts] + [len(lines)]
    cuts: list[tuple[int, str]] = []
    taken: set[str] = set()
    for index, (line, key) in enumerate(starts):
        if known is not None and key not in known:
            guide = piece(key, lines[line : bounds[index + 1]], line + 1).guide_key
            key = guide if guide is not None else key
        if known is not None and (key not in known or key in taken) and key != TITLE:
            continue
        taken.add(key)
        cuts.append((line, key))
    pieces: list[Piece] = []
    first = cuts[0][0] if cuts else len(lines)
    if first:
        pieces.append(piece(PREAMBLE, lines[:first], 1))
    for index, (line, key) in enumerate(cuts):
        end = cuts[index + 1][0] if index + 1 < len(cuts) else len(lines)
        pieces.append(piece(key, lines[line:end], line + 1))
    return pieces


def join(pieces: list[Piece]) -> str:
    """The text of pieces in order, each line with its own ending."""
    return "".join(line for item in pieces for line in (*item.raw, *item.gap))
