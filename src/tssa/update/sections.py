"""Cut a package document into sections keyed the way the outline keys them.

A section runs from its heading to the next heading that starts a section,
blank lines at its end left out. Its key is the outline key the resolver
(`tssa.reading.resolve`) gives its heading (`overview/background`), whatever the
author's numbering, decoration or older name; a heading the outline does not
know is keyed by the slug path below its parent. The title's section is
`TITLE`, and text above the title is `PREAMBLE`. A heading the author added
inside a section does not start a section of its own: it travels with the
section above it.
"""

from __future__ import annotations

from collections.abc import Collection
from dataclasses import dataclass

from tssa.reading.guides import guide_key
from tssa.reading.markdown import lines_of, parse
from tssa.reading.outline import Document, slug
from tssa.reading.resolve import resolve

PREAMBLE = "(preamble)"
TITLE = "(title)"


@dataclass(frozen=True)
class Piece:
    """One section of a document: its key and its lines, blank lines at the end left out."""

    key: str
    lines: tuple[str, ...]
    line: int
    """The 1-based line the section starts on."""

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


def _trimmed(lines: list[str]) -> tuple[str, ...]:
    end = len(lines)
    while end and not lines[end - 1].strip():
        end -= 1
    return tuple(lines[:end])


def split(text: str, known: Collection[str] | None = None, document: Document | None = None) -> list[Piece]:
    """The document's sections in order, keyed by `document`'s outline (by slug paths without one).

    With `known`, a heading starts a section only if its key, or else the key
    of the guide comment below it, is known and not yet taken; any other
    heading stays inside the section before it. Without `known`, every
    heading starts a section (a template's own rendering).
    """
    lines = lines_of(text)
    starts = _heading_keys(text, document)
    bounds = [line for line, _ in starts] + [len(lines)]
    cuts: list[tuple[int, str]] = []
    taken: set[str] = set()
    for index, (line, key) in enumerate(starts):
        if known is not None and key not in known:
            guide = Piece(key, tuple(lines[line : bounds[index + 1]]), line + 1).guide_key
            key = guide if guide is not None else key
        if known is not None and (key not in known or key in taken) and key != TITLE:
            continue
        taken.add(key)
        cuts.append((line, key))
    pieces: list[Piece] = []
    preamble = _trimmed(lines[: cuts[0][0]] if cuts else lines)
    if any(text.strip() for text in preamble):
        pieces.append(Piece(PREAMBLE, preamble, 1))
    for index, (line, key) in enumerate(cuts):
        end = cuts[index + 1][0] if index + 1 < len(cuts) else len(lines)
        pieces.append(Piece(key, _trimmed(lines[line:end]), line + 1))
    return pieces


def join(pieces: list[Piece], newline: str = "\n") -> str:
    """The document text of sections in order, one blank line between them."""
    blocks = [newline.join(piece.lines) for piece in pieces if piece.lines]
    return (newline * 2).join(blocks) + newline if blocks else ""
