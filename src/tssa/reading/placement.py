"""Put a section a document lacks where its author would: beside its outline siblings, at their heading level.

`tssa adopt` adds the sections the outline requires and `tssa update` the
sections a new template version adds; both place them here, by one rule:

- right after the nearest preceding outline sibling the document has (after
  everything below that sibling's heading), or else right before the nearest
  following one, at the heading level the author gives that sibling;
- with no sibling there, at the end of the parent's part of the document,
  one level below the parent's heading; when the document writes the parent
  as a bullet or lead-in, before the next heading after it;
- a top-level section with no sibling there goes at the end.

A section never lands inside a subsection the author wrote. Every line the
document has keeps its bytes; the lines added take the document's usual line
ending, and blank lines are added only to set the new section apart, never
two in a row. A document without a final newline still ends without one.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field

from tssa.reading.markdown import MarkdownDocument, parse
from tssa.reading.textfiles import content, ending, split_lines, usual_ending

_MAX_LEVEL = 6


def parent_key(key: str) -> str:
    """The outline key of a section's parent ("" for a top-level section)."""
    return key.rpartition("/")[0]


@dataclass(frozen=True)
class Mark:
    """A heading of the document: its 0-based line and its level."""

    line: int
    level: int


def heading_marks(parsed: MarkdownDocument) -> list[Mark]:
    """Every heading that opens a section, as marks in document order."""
    return [Mark(heading.line - 1, heading.level) for heading in parsed.headings]


def relevel(heading: str, level: int) -> str:
    """An ATX heading line at another level (any other line as it is)."""
    stripped = heading.lstrip()
    if not stripped.startswith("#"):
        return heading
    return "#" * level + " " + stripped.lstrip("#").strip()


@dataclass
class Layout:
    """A document being added to: its lines with their endings, its headings, and where its sections are."""

    lines: list[str]
    marks: list[Mark]
    at: dict[str, Mark] = field(default_factory=dict)
    """The sections the document has under a heading, by outline key."""
    leads: dict[str, int] = field(default_factory=dict)
    """The sections the document has as a bullet or lead-in, by outline key: their 0-based line."""
    added: list[str] = field(default_factory=list)
    _newline: str | None = None

    @classmethod
    def of(cls, text: str, parsed: MarkdownDocument | None = None) -> Layout:
        """The layout of a text (its sections' keys are for the caller to fill in)."""
        return cls(split_lines(text), heading_marks(parsed if parsed is not None else parse(text)))

    def text(self) -> str:
        return "".join(self.lines)

    def heading_at(self, line: int) -> Mark | None:
        return next((mark for mark in self.marks if mark.line == line), None)

    def _subtree_end(self, mark: Mark) -> int:
        """The line after everything below a heading: the next heading at its level or above, or the end."""
        return next(
            (other.line for other in self.marks if other.line > mark.line and other.level <= mark.level),
            len(self.lines),
        )

    def _next_heading(self, line: int) -> int:
        return next((mark.line for mark in self.marks if mark.line > line), len(self.lines))

    def _level_around(self, line: int) -> int:
        """The level of the heading whose part of the document holds `line` (0 above every heading)."""
        return max(
            (mark for mark in self.marks if mark.line < line), key=lambda mark: mark.line, default=Mark(0, 0)
        ).level

    def place(self, key: str, order: Sequence[str]) -> tuple[int, int] | None:
        """Where the section `key` goes (the 0-based line to insert before) and its level; None without its parent.

        `order` is the outline's order of keys, which tells the siblings apart.
        """
        parent = parent_key(key)
        index = order.index(key) if key in order else len(order)
        siblings = [(place, other) for place, other in enumerate(order) if parent_key(other) == parent and other != key]
        for _, other in reversed([sibling for sibling in siblings if sibling[0] < index]):
            if other in self.at:
                mark = self.at[other]
                return self._subtree_end(mark), mark.level
        for _, other in (sibling for sibling in siblings if sibling[0] > index):
            if other in self.at:
                mark = self.at[other]
                return mark.line, mark.level
        if parent in self.at:
            mark = self.at[parent]
            return self._subtree_end(mark), min(mark.level + 1, _MAX_LEVEL)
        if parent in self.leads:
            line = self.leads[parent]
            return self._next_heading(line), min(self._level_around(line) + 1, _MAX_LEVEL)
        if parent:
            return None
        title = any(mark.level == 1 for mark in self.marks)
        return len(self.lines), 2 if title or not self.marks else 1

    def insert(self, key: str, block: Sequence[str], where: tuple[int, int]) -> None:
        """Insert a section's lines (its heading first, no line endings) at `where` (line, level)."""
        at, level = where
        body = list(block)
        while body and not body[-1].strip():
            body.pop()
        if not body:
            return
        body[0] = relevel(body[0], level)
        if self._newline is None:
            self._newline = usual_ending(self.lines)
        newline = self._newline
        last_line = at == len(self.lines)
        no_final_newline = last_line and bool(self.lines) and not ending(self.lines[-1])
        if no_final_newline:
            self.lines[-1] += newline
        before = [newline] if at > 0 and content(self.lines[at - 1]).strip() else []
        after = [newline] if not last_line and content(self.lines[at]).strip() else []
        new = [*before, *(line + newline for line in body), *after]
        if no_final_newline:
            new[-1] = content(new[-1])
        self.lines[at:at] = new
        shift = len(new)

        def moved(mark: Mark) -> Mark:
            return Mark(mark.line + shift, mark.level) if mark.line >= at else mark

        placed = Mark(at + len(before), level)
        self.marks = sorted([*map(moved, self.marks), placed], key=lambda mark: mark.line)
        self.at = {name: moved(mark) for name, mark in self.at.items()} | {key: placed}
        self.leads = {name: line + shift if line >= at else line for name, line in self.leads.items()}
        self.added.append(key)

    def add(self, key: str, block: Sequence[str], order: Sequence[str]) -> bool:
        """Place and insert one section; False when its parent is not in the document."""
        where = self.place(key, order)
        if where is None:
            return False
        self.insert(key, block, where)
        return True
