"""Add the sections the outline asks for to a hand-written document, touching no byte it has.

What is missing is what `tssa check` reports missing (`missing_entries`), so
check finds nothing missing after adopt. Each missing section comes with its
block from the rendered template (its heading and guide comment) and goes
beside its outline siblings, at the level the document writes them
(`tssa.reading.placement`). A topic the document covers as a bullet or a bold
lead-in is covered: it gets no heading. Sections the team added, old names,
the document's order, levels, line endings and blank lines stay as they are.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from functools import lru_cache

from tssa.reading.findings import asked_for, missing_entries
from tssa.reading.markdown import MarkdownDocument, lines_of, parse
from tssa.reading.outline import README_CLOSING, Document, WalkedSection
from tssa.reading.placement import Layout
from tssa.reading.resolve import Resolution, Status, resolve


@dataclass(frozen=True)
class SectionChanges:
    """The document with the sections added, and what was added or found covered as a topic."""

    text: str
    added: tuple[str, ...]
    """The outline titles added, in outline order."""
    topics: tuple[tuple[str, int], ...]
    """Outline titles covered by a bullet or lead-in, with the line."""


@lru_cache(maxsize=32)
def template_blocks(document: Document, rendered: str) -> dict[str, tuple[str, ...]]:
    """Each outline section's own lines in the rendered template: heading, guide and text, up to the next heading.

    Cached: packages adopted from one rendering share it.
    """
    parsed = parse(rendered)
    lines = lines_of(rendered)
    starts = [heading.line - 1 for heading in parsed.headings] + [len(lines)]
    blocks: dict[str, tuple[str, ...]] = {}
    for entry in resolve(document, parsed).entries:
        if entry.heading is None:
            continue
        start = entry.heading.heading.line - 1
        end = next(line for line in starts if line > start)
        # The README's closing line follows its last section but belongs to the document, not to that section.
        closing = next((index for index in range(start, end) if lines[index].startswith(f"{README_CLOSING}:")), end)
        blocks[entry.key] = tuple(lines[start:closing])
    return blocks


def _layout(text: str, parsed: MarkdownDocument, resolution: Resolution) -> Layout:
    layout = Layout.of(text, parsed)
    for entry in resolution.entries:
        if entry.heading is not None:
            mark = layout.heading_at(entry.heading.heading.line - 1)
            if mark is not None:
                layout.at.setdefault(entry.key, mark)
        elif entry.status is not Status.MISSING and entry.line is not None:
            layout.leads[entry.key] = entry.line - 1
    return layout


def _with_parts(keys: list[str], walked: list[WalkedSection]) -> list[str]:
    """The sections to add with the parts the outline asks of each: once a section is added, its parts are missing.

    In outline order, so that a section is placed before its parts.
    """
    wanted = set(keys)
    for item in walked:
        section = item.section
        if item.parent_key in wanted and section.required and not section.example:
            wanted.add(item.key)
    return [item.key for item in walked if item.key in wanted]


def add_missing_sections(
    document: Document, text: str, blocks: Mapping[str, Sequence[str]], parsed: MarkdownDocument | None = None
) -> SectionChanges:
    """Insert every section `tssa check` would find missing in `text`, taking its lines from `blocks`.

    The parts of a section added are added with it, and the document is read
    again to confirm that nothing is left missing. `parsed` is `text` parsed,
    when the caller has it.
    """
    walked = list(document.walk())
    order = [item.key for item in walked]
    titles = {item.key: item.section.title for item in walked}
    parsed = parsed if parsed is not None else parse(text)
    first = resolution = resolve(document, parsed)
    added: list[str] = []
    while True:
        wanted = _with_parts([entry.key for entry in missing_entries(resolution) if asked_for(entry)], walked)
        wanted = [key for key in wanted if key in blocks and key not in added]
        if not wanted:
            break
        layout = _layout(text, parsed, resolution)
        for key in wanted:
            if layout.add(key, blocks[key], order):
                added.append(key)
        if not layout.added:
            break
        text = layout.text()
        parsed = parse(text)
        resolution = resolve(document, parsed)
    topics = tuple(
        (titles[entry.key], entry.line)
        for entry in first.entries
        if entry.heading is None and entry.line is not None and entry.status is not Status.MISSING
    )
    place = {key: index for index, key in enumerate(order)}
    return SectionChanges(text, tuple(titles[key] for key in sorted(added, key=place.__getitem__)), topics)
