"""Match a document's headings to the outline, and judge what each section holds.

Sections are matched by name at any heading level, ignoring case, numbering,
trailing punctuation and formatting, and accepting the outline's old names.
"""

from __future__ import annotations

import re
from collections import defaultdict
from dataclasses import dataclass
from enum import Enum
from functools import lru_cache

from tssa.markdown import Block, MarkdownDocument, Section, Table
from tssa.outline import Document, WalkedSection


class Status(Enum):
    WRITTEN = "written"
    UNFILLED = "unfilled"  # holds only our guidance
    EMPTY = "empty"
    MISSING = "missing"


@dataclass(frozen=True)
class MatchedSection:
    """An outline section and what the document has for it."""

    outline: WalkedSection
    found: Section | None
    found_by_alias: bool
    status: Status

    @property
    def counts_for_progress(self) -> bool:
        """Leaves carry the text; a parent is done when its children are."""
        return not self.outline.section.children and self.outline.section.required


_NUMBERING = re.compile(r"^\s*(?:\d+(?:\.\d+)*[.)]?|[ivx]+[.)])\s+", re.IGNORECASE)


@lru_cache(maxsize=4096)
def normalize(title: str) -> str:
    """A heading title reduced to what matters for matching."""
    text = _NUMBERING.sub("", title).casefold()
    text = re.sub(r"[^\w/]+", " ", text)
    text = re.sub(r"\s*/\s*", "/", text)
    return re.sub(r"\s+", " ", text).strip()


def match_sections(document: Document, parsed: MarkdownDocument) -> list[MatchedSection]:
    """Each outline section in order, with the heading that stands for it, if any."""
    by_name: dict[str, list[Section]] = defaultdict(list)
    for candidate in parsed.walk():
        by_name[normalize(candidate.heading.text)].append(candidate)
    used: set[int] = set()
    empty_tables = {table.line for table in parsed.tables if _is_empty(table)}
    matched: list[MatchedSection] = []
    for item in document.walk():
        names = [normalize(name) for name in item.section.names]
        found: Section | None = None
        by_alias = False
        for name in names:
            found = next((c for c in by_name.get(name, ()) if c.heading.line not in used), None)
            if found is not None:
                by_alias = name != names[0]
                used.add(found.heading.line)
                break
        matched.append(MatchedSection(item, found, by_alias, _status(found, empty_tables)))
    return matched


def _is_empty(table: Table) -> bool:
    return all(not cell.strip() for row in table.rows for cell in row)


def _counts_as_text(block: Block, empty_tables: set[int]) -> bool:
    if block.is_comment:
        return False
    return not (block.kind == "table" and block.line in empty_tables)


def _status(section: Section | None, empty_tables: set[int]) -> Status:
    if section is None:
        return Status.MISSING
    if any(_counts_as_text(block, empty_tables) for block in section.blocks):
        return Status.WRITTEN
    # our guidance, or a table skeleton with every cell still empty
    if any(block.guide_key or block.kind == "table" for block in section.blocks):
        return Status.UNFILLED
    return Status.EMPTY
