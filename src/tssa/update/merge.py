"""Merge an author's document into a newer template version, section by section.

Three texts meet: `ours` (the file as the author left it), `base` (the old
template version rendered with the old answers) and `theirs` (the new version
with the new answers). Each is cut into sections keyed by their outline path,
and each section is merged on its own:

- a section only the template changed takes the template's text; a section
  only the author changed keeps the author's;
- a section both changed, where the author only added text at its end (the
  way the guide comments ask), is the template's new version followed by
  the author's text, even when the template changed the line just above it;
- any other section both changed is merged line by line with `git merge-file`,
  so a conflict stays inside that one section; table rows that changed next
  to each other, but each on one side only, are merged row by row instead of
  conflicting;
- the result follows the new version's order: when a version moves or swaps
  sections, or adds one next to the author's text, the author's text moves
  with its section instead of conflicting;
- a guide comment the author deleted stays deleted, even if the new version
  rewords it;
- a section the author deleted stays deleted;
- a section whose body the authors wrote themselves, keeping no line of the
  template's (as in an adopted hand-written package), keeps their text;
- a section the new version drops, but the author wrote in, is kept where it
  was (after the section that came before it) and reported in `kept`;
- `renames` maps old section keys to new ones, so a renamed heading keeps
  its text.
"""

from __future__ import annotations

import tempfile
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path

from tssa.git import merge_file
from tssa.reading import guides
from tssa.reading.conflicts import LABELS, markers
from tssa.reading.markdown import lines_of
from tssa.reading.outline import Document
from tssa.update.sections import Piece, join, split


@dataclass(frozen=True)
class MergedDocument:
    """The merged text and how many of its sections hold conflict markers."""

    text: str
    conflicts: int
    kept: tuple[str, ...]
    """The first lines (headings) of sections the new version dropped but the author wrote in."""


def _unique(pieces: list[Piece]) -> bool:
    keys = [piece.key for piece in pieces]
    return len(keys) == len(set(keys))


def _renamed(pieces: list[Piece], renames: Mapping[str, str]) -> dict[str, Piece]:
    return {renames.get(piece.key, piece.key): piece for piece in pieces}


def _without_guide(lines: tuple[str, ...], key: str | None) -> tuple[str, ...]:
    """The lines with the guide comment for `key` cut out, and the blank line that set it apart."""
    if key is None:
        return lines
    start, end = guides.opening(key), guides.closing(key)
    if start not in lines or end not in lines:
        return lines
    first, last = lines.index(start), lines.index(end)
    if last < first:
        return lines
    rest = lines[:first] + lines[last + 1 :]
    if 0 < first <= len(rest) and not rest[first - 1].strip() and (first == len(rest) or not rest[first].strip()):
        rest = rest[: first - 1] + rest[first:]
    return rest


def _drop_deleted_guide(ours: Piece, base: Piece, theirs: Piece) -> tuple[Piece, Piece]:
    """When the author deleted the section's guide comment, base and theirs without theirs too."""
    key = base.guide_key
    if key is None or guides.opening(key) in (line.rstrip() for line in ours.lines):
        return base, theirs
    return (
        Piece(base.key, _without_guide(base.lines, key), base.line),
        Piece(theirs.key, _without_guide(theirs.lines, theirs.guide_key), theirs.line),
    )


def _rewritten(ours: Piece, base: Piece) -> bool:
    """The authors wrote the section's body themselves: no line of the template's body is left in it.

    So it is in a package adopted from hand-written documents (`tssa adopt`):
    the template's change to a body the authors never had is not theirs to merge.
    """
    body = {line for line in base.lines[1:] if line.strip()}
    return bool(body) and not body & set(ours.lines[1:])


def _text(lines: tuple[str, ...]) -> str:
    return "".join(line + "\n" for line in lines)


def _merge_piece(ours: Piece | None, base: Piece | None, theirs: Piece, scratch: Path) -> tuple[Piece, bool]:
    """One section merged; whether it holds conflict markers."""
    if ours is None or ours.lines == theirs.lines:
        return theirs, False
    if base is not None:
        if ours.lines == base.lines:
            return theirs, False
        if theirs.lines == base.lines:
            return ours, False
        base, theirs = _drop_deleted_guide(ours, base, theirs)
        if theirs.lines == base.lines or _rewritten(ours, base):
            return ours, False
        if ours.lines[: len(base.lines)] == base.lines:
            # the author only added text at the end: it follows the template's new version
            return Piece(theirs.key, theirs.lines + ours.lines[len(base.lines) :], theirs.line), False
    lines, conflicted = _line_merge(ours.lines, base.lines if base is not None else (), theirs.lines, scratch)
    return Piece(theirs.key, lines, theirs.line), conflicted


# Markers of the first, internal line merge: long, so that no author line reads as one.
_LONG = 40
_LONG_MARKERS = markers(_LONG)
_OPENING, _BASE, _SEPARATOR, _CLOSING = (
    _LONG_MARKERS.opening,
    _LONG_MARKERS.base,
    _LONG_MARKERS.separator,
    _LONG_MARKERS.closing,
)


def _rows_merged(ours: list[str], base: list[str], theirs: list[str]) -> list[str] | None:
    """Table rows changed next to each other on both sides, merged row by row; None if a row changed on both.

    A line merge conflicts when the changes touch, as when the authors fill in
    one row of a table and a changed answer rewrites the row below it.
    """
    if not len(ours) == len(base) == len(theirs) or not all(
        line.lstrip().startswith("|") for line in (*ours, *base, *theirs)
    ):
        return None
    merged: list[str] = []
    for mine, old, new in zip(ours, base, theirs, strict=True):
        if mine not in (old, new) and new != old:
            return None
        merged.append(mine if new == old else new)
    return merged


def _line_merge(
    ours: tuple[str, ...], base: tuple[str, ...], theirs: tuple[str, ...], scratch: Path
) -> tuple[tuple[str, ...], bool]:
    """A line merge (`git merge-file`) of one section; whether conflict markers are left.

    A conflict made of table rows that each changed on one side only is merged
    row by row; any other conflict gets copier's markers.
    """
    text, conflicted = merge_file(_text(ours), _text(base), _text(theirs), LABELS, scratch, _LONG)
    if not conflicted:
        return tuple(lines_of(text)), False
    merged: list[str] = []
    left = False
    block: dict[str, list[str]] | None = None
    part = ""
    for line in lines_of(text):
        if block is None and line == _OPENING:
            block, part = {"ours": [], "base": [], "theirs": []}, "ours"
        elif block is None:
            merged.append(line)
        elif (part, line) in (("ours", _BASE), ("base", _SEPARATOR)):
            part = "base" if part == "ours" else "theirs"
        elif part == "theirs" and line == _CLOSING:
            rows = _rows_merged(block["ours"], block["base"], block["theirs"])
            if rows is None:
                mine, old, new = (_text(tuple(block[name])) for name in ("ours", "base", "theirs"))
                markers, conflicts = merge_file(mine, old, new, LABELS, scratch)
                rows, left = lines_of(markers), left or conflicts
            merged.extend(rows)
            block = None
        else:
            block[part].append(line)
    if block is not None:  # markers not as expected: leave it to git's own
        text, conflicted = merge_file(_text(ours), _text(base), _text(theirs), LABELS, scratch)
        return tuple(lines_of(text)), conflicted
    return tuple(merged), left


def _is_below(key: str, parents: set[str]) -> bool:
    return any(key.startswith(parent + "/") for parent in parents)


def merge_document(
    ours: str,
    base: str,
    theirs: str,
    renames: Mapping[str, str] | None = None,
    document: Document | None = None,
) -> MergedDocument | None:
    """Merge by sections; None when the template's own sections are not unique by key.

    With `document`, all three texts are cut by the outline's resolver, so a
    heading the author numbered, decorated or gave an older name keeps its section.
    """
    base_pieces, theirs_pieces = split(base, document=document), split(theirs, document=document)
    if not (_unique(base_pieces) and _unique(theirs_pieces)):
        return None
    theirs_keys = {piece.key for piece in theirs_pieces}
    base_keys = {piece.key for piece in base_pieces}
    usable = {
        old: new
        for old, new in (renames or {}).items()
        if old in base_keys and old not in theirs_keys and new in theirs_keys and new not in base_keys
    }
    ours_pieces = split(ours, base_keys | theirs_keys, document)
    base_by_key = _renamed(base_pieces, usable)
    ours_by_key = _renamed(ours_pieces, usable)
    deleted = {key for key in base_by_key if key not in ours_by_key}

    merged: list[Piece] = []
    conflicts = 0
    with tempfile.TemporaryDirectory(prefix="tssa-merge-") as scratch:
        for piece in theirs_pieces:
            if piece.key in deleted or (piece.key not in base_by_key and _is_below(piece.key, deleted)):
                continue
            result, conflicted = _merge_piece(
                ours_by_key.get(piece.key), base_by_key.get(piece.key), piece, Path(scratch)
            )
            merged.append(result)
            conflicts += conflicted

    kept: list[str] = []
    position = 0
    for piece in ours_pieces:
        key = usable.get(piece.key, piece.key)
        if key in theirs_keys:
            position = next((index + 1 for index, done in enumerate(merged) if done.key == key), position)
            continue
        if key in base_by_key and base_by_key[key].lines == piece.lines:
            continue
        merged.insert(position, piece)
        position += 1
        if key in base_by_key:
            kept.append(piece.lines[0] if piece.lines else key)
    newline = "\r\n" if "\r\n" in ours else "\n"
    return MergedDocument(join(merged, newline), conflicts, tuple(kept))
