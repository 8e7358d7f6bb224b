"""Merge an author's document into a newer template version, section by section, in the author's order.

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
- a heading both changed keeps the author's (their level, numbering, words);
- a guide comment the document does not hold (the author deleted it, or
  `tssa adopt` never added it) is no part of the merge: rewording it changes
  nothing and conflicts with nothing;
- a section whose body the authors wrote themselves, keeping no line of the
  template's (as in an adopted hand-written package), keeps their text.

The sections stay in the author's order, at the author's levels: the new
version's order applies only where the author kept the old one (a section
the template moves moves, unless the author moved it too). A section the new
version adds goes beside its outline siblings (`tssa.reading.placement`). A
section the author deleted stays deleted; one the new version drops, but the
author wrote in, stays where it was and is reported in `kept`. `renames`
maps old section keys to new ones, so a renamed heading keeps its text.

Every line the merge does not change keeps its bytes: its own line ending,
the blank lines between sections, and the end of the document (its final
newline or the lack of one). An update that changes nothing in the template
changes nothing in the document.
"""

from __future__ import annotations

import difflib
import tempfile
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, replace
from pathlib import Path

from tssa.git import merge_file
from tssa.reading import guides
from tssa.reading.conflicts import LABELS, is_conflict_marker, markers
from tssa.reading.markdown import lines_of, parse
from tssa.reading.outline import Document
from tssa.reading.placement import Layout, heading_marks
from tssa.reading.sections import PREAMBLE, TITLE, Piece, join, split
from tssa.reading.textfiles import content, ending, split_lines, usual_ending


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


def _rewritten(ours: tuple[str, ...], base: tuple[str, ...]) -> bool:
    """The authors wrote the section's body themselves: no line of the template's body is left in it.

    So it is in a package adopted from hand-written documents (`tssa adopt`):
    the template's change to a body the authors never had is not theirs to merge.
    """
    body = {line for line in base[1:] if line.strip()}
    return bool(body) and not body & set(ours[1:])


def _text(lines: tuple[str, ...]) -> str:
    return "".join(line + "\n" for line in lines)


def _guide_keys(lines: tuple[str, ...]) -> set[str]:
    return {key for key in map(guides.guide_key, lines) if key is not None}


def _without_guides(
    base: tuple[str, ...], theirs: tuple[str, ...], held: set[str]
) -> tuple[tuple[str, ...], tuple[str, ...]]:
    """A template section's two versions without the guide comment the document does not hold.

    The old version's guide is left out of both when the document lacks it,
    whatever the new version calls it (a renamed section's guide has a new key).
    """
    unheld = _guide_keys(base) - held
    if not unheld:
        return base, theirs
    new = _guide_keys(theirs) - held
    return (
        tuple(guides.without("\n".join(base), unheld).split("\n")),
        tuple(guides.without("\n".join(theirs), new).split("\n")) if new else theirs,
    )


def _merge_body(
    ours: tuple[str, ...], base: tuple[str, ...] | None, theirs: tuple[str, ...], held: set[str], scratch: Path
) -> tuple[tuple[str, ...], bool]:
    """One section's lines merged (no line endings); whether they hold conflict markers."""
    if ours == theirs:
        return ours, False
    if base is not None:
        if ours == base:
            return theirs, False
        base, theirs = _without_guides(base, theirs, held)
        if theirs == base or _rewritten(ours, base):
            return ours, False
        if ours and base and theirs and ours[0] != base[0] and theirs[0] != base[0]:
            theirs = (ours[0], *theirs[1:])  # a heading both changed keeps the author's
        if ours[: len(base)] == base:
            # the author only added text at the end: it follows the template's new version
            return theirs + ours[len(base) :], False
    return _line_merge(ours, base or (), theirs, scratch)


def _with_endings(lines: tuple[str, ...], ours: Piece | None, newline: str) -> tuple[str, ...]:
    """Merged lines with line endings: each line the author had keeps its own, a new one takes `newline`."""
    if ours is None:
        return tuple(line + newline for line in lines)
    if lines == ours.lines:
        return ours.raw
    raw = [line + newline for line in lines]
    mine = ours.lines
    start = 0
    while start < min(len(mine), len(lines)) and mine[start] == lines[start]:
        start += 1
    end = 0
    while end < min(len(mine), len(lines)) - start and mine[-1 - end] == lines[-1 - end]:
        end += 1
    raw[:start] = ours.raw[:start]
    if end:
        raw[len(raw) - end :] = ours.raw[len(mine) - end :]
    matcher = difflib.SequenceMatcher(None, mine[start : len(mine) - end], lines[start : len(lines) - end], False)
    for first, second, size in matcher.get_matching_blocks():
        raw[start + second : start + second + size] = ours.raw[start + first : start + first + size]
    return tuple(raw)


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


def _in_common_order(first: Sequence[str], second: Sequence[str]) -> set[str]:
    """The keys of the longest sequence both orders share (each key is in each order once)."""
    rows, columns = len(first), len(second)
    table = [[0] * (columns + 1) for _ in range(rows + 1)]
    for row in range(rows - 1, -1, -1):
        for column in range(columns - 1, -1, -1):
            if first[row] == second[column]:
                table[row][column] = table[row + 1][column + 1] + 1
            else:
                table[row][column] = max(table[row + 1][column], table[row][column + 1])
    shared: set[str] = set()
    row = column = 0
    while row < rows and column < columns:
        if first[row] == second[column]:
            shared.add(first[row])
            row, column = row + 1, column + 1
        elif table[row + 1][column] >= table[row][column + 1]:
            row += 1
        else:
            column += 1
    return shared


def section_order(ours: Sequence[str], base: Sequence[str], theirs: Sequence[str], kept: set[str]) -> list[str]:
    """The order of the merged sections: the author's, with the template's new order where the author kept the old.

    The sections all three have, in an order the author and the old version
    share, follow the new version's order; every other section of the author's
    (moved by the author, dropped by the template but in `kept`, added) follows
    the section it follows in the author's document.
    """
    base_keys, theirs_keys = set(base), set(theirs)
    common = [key for key in ours if key in base_keys and key in theirs_keys]
    chosen = set(common)
    anchors = _in_common_order(common, [key for key in base if key in chosen])
    order = [key for key in theirs if key in anchors]
    previous: str | None = None
    for key in ours:
        if key in anchors:
            previous = key
        elif key in kept or key in theirs_keys or key not in base_keys:
            order.insert(order.index(previous) + 1 if previous is not None else 0, key)
            previous = key
    return order


def _parsed_headings(text: str) -> Layout:
    """The layout of merged text; conflict markers read as blank lines (`=======` is no heading underline)."""
    lines = split_lines(text)
    markers = {_CONFLICT_OPENING, _CONFLICT_SEPARATOR, _CONFLICT_CLOSING}
    readable = "".join("\n" if is_conflict_marker(line) or content(line) in markers else line for line in lines)
    return Layout(lines, heading_marks(parse(readable)))


_CONFLICT_OPENING, _CONFLICT_BASE, _CONFLICT_SEPARATOR, _CONFLICT_CLOSING = (
    markers().opening,
    markers().base,
    markers().separator,
    markers().closing,
)


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
    if base == theirs:
        return MergedDocument(ours, 0, ())
    base_pieces, theirs_pieces = split(base, document=document), split(theirs, document=document)
    if not (_unique(base_pieces) and _unique(theirs_pieces)):
        return None
    theirs_by_key = {piece.key: piece for piece in theirs_pieces}
    base_keys = {piece.key for piece in base_pieces}
    usable = {
        old: new
        for old, new in (renames or {}).items()
        if old in base_keys and old not in theirs_by_key and new in theirs_by_key and new not in base_keys
    }
    ours_pieces = split(ours, base_keys | theirs_by_key.keys(), document)
    base_by_key = _renamed(base_pieces, usable)
    ours_by_key = _renamed(ours_pieces, usable)
    newline = usual_ending(split_lines(ours))
    held = {usable.get(key, key) for key in guides.held(ours)} | guides.held(ours)

    # The end of the document (blank lines, a final newline or none) stays at its end, whatever comes last.
    last = ours_pieces[-1] if ours_pieces else None
    bare_end = last is not None and bool(last.raw) and not last.gap and not ending(last.raw[-1])
    if last is not None:
        raw = (*last.raw[:-1], last.raw[-1] + newline) if bare_end else last.raw
        ours_by_key[usable.get(last.key, last.key)] = replace(last, raw=raw, gap=())

    ours_keys = [usable.get(piece.key, piece.key) for piece in ours_pieces]
    changed = {key for key in ours_keys if key in base_by_key and ours_by_key[key].lines != base_by_key[key].lines}
    dropped = {key for key in ours_keys if key in base_by_key and key not in theirs_by_key}
    order = section_order(ours_keys, list(base_by_key), list(theirs_by_key), changed & dropped)

    merged: list[Piece] = []
    conflicts = 0
    with tempfile.TemporaryDirectory(prefix="tssa-merge-") as scratch:
        for key in order:
            mine, new = ours_by_key[key], theirs_by_key.get(key)
            if new is None:
                merged.append(mine)
                continue
            old = base_by_key.get(key)
            lines, conflicted = _merge_body(mine.lines, old.lines if old else None, new.lines, held, Path(scratch))
            merged.append(Piece(key, _with_endings(lines, mine, newline), mine.gap, mine.line))
            conflicts += conflicted
    for index, item in enumerate(merged[:-1]):
        if not item.gap and last is not None and item.key == usable.get(last.key, last.key):
            merged[index] = replace(item, gap=(newline,))
    if merged and last is not None:
        final = merged[-1]
        raw = (*final.raw[:-1], content(final.raw[-1])) if bare_end and final.raw and not last.gap else final.raw
        merged[-1] = replace(final, raw=raw, gap=last.gap)

    text = join(merged)
    deleted = set(base_by_key) - set(ours_keys)
    new_keys = [
        key
        for key in theirs_by_key
        if key not in base_by_key
        and key not in ours_by_key
        and key not in (TITLE, PREAMBLE)
        and not _is_below(key, deleted)
    ]
    if new_keys:
        text = _add_new_sections(text, merged, new_keys, theirs_pieces)
    kept = tuple(ours_by_key[key].lines[0] if ours_by_key[key].lines else key for key in order if key in dropped)
    return MergedDocument(text, conflicts, kept)


def _add_new_sections(text: str, merged: list[Piece], new_keys: list[str], theirs: list[Piece]) -> str:
    """The merged text with the sections the new version adds, each beside its siblings (`tssa.reading.placement`)."""
    layout = _parsed_headings(text)
    start = 0
    for item in merged:
        mark = layout.heading_at(start)
        if mark is not None and item.key not in (TITLE, PREAMBLE):
            layout.at[item.key] = mark
        start += len(item.raw) + len(item.gap)
    order = [item.key for item in theirs if item.key not in (TITLE, PREAMBLE)]
    by_key = {item.key: item for item in theirs}
    for key in new_keys:
        layout.add(key, by_key[key].lines, order)
    return layout.text()
