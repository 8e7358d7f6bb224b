"""Add the sections the current outline requires to a hand-written document, touching no line it has.

A missing section is inserted with its block from the rendered template (its
heading and guide comment), at its place in the outline: after the nearest
preceding section the document has, at a heading level that fits the
document's own. A topic the document covers as a bullet or a bold lead-in is
covered: it gets no heading. Sections the team added, old names and the
document's order stay as they are.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache

from tssa.reading.markdown import Heading, MarkdownDocument, lines_of, parse
from tssa.reading.outline import Document, WalkedSection
from tssa.reading.resolve import Status, resolve


@dataclass(frozen=True)
class Presence:
    """Where a document has an outline section: under a heading, or as a topic (a bullet or lead-in)."""

    key: str
    line: int
    heading: Heading | None
    """None when the section is covered as a topic, not by a heading."""

    @property
    def as_topic(self) -> bool:
        return self.heading is None


def present_sections(document: Document, parsed: MarkdownDocument) -> dict[str, Presence]:
    """The outline sections `parsed` has, by outline key: by heading (old names too) or as a topic.

    The shared resolver decides, as it does for `tssa check` and `tssa update`:
    a section without a heading of its own is present when it is written as a
    bullet (`* Critical. ...`), a bold lead-in (`**Design**: ...`) or a
    `Name:` line where the guide puts it.
    """
    present: dict[str, Presence] = {}
    for entry in resolve(document, parsed).entries:
        if entry.status is Status.MISSING:
            continue
        heading = entry.heading.heading if entry.heading is not None else None
        present[entry.key] = Presence(entry.key, entry.line or 1, heading)
    return present


# --- adding what is missing --------------------------------------------------------------------------------------


@dataclass(frozen=True)
class SectionChanges:
    """The document with the sections added, and what was added or found covered as a topic."""

    text: str
    added: tuple[str, ...]
    """The outline titles added, in outline order."""
    topics: tuple[tuple[str, int], ...]
    """Outline titles covered by a bullet or lead-in, with the line."""


@lru_cache(maxsize=32)
def template_blocks(document: Document, rendered: str) -> dict[str, list[str]]:
    """Each outline section's own lines in the rendered template: heading, guide and text, up to the next heading.

    Cached: packages adopted from one rendering share it (callers copy a block before changing it).
    """
    parsed = parse(rendered)
    lines = lines_of(rendered)
    starts = [heading.line - 1 for heading in parsed.headings] + [len(lines)]
    blocks: dict[str, list[str]] = {}
    for key, presence in present_sections(document, parsed).items():
        if presence.heading is None:
            continue
        start = presence.heading.line - 1
        end = next(line for line in starts if line > start)
        block = lines[start:end]
        while block and not block[-1].strip():
            block.pop()
        blocks[key] = block
    return blocks


def add_missing_sections(
    document: Document, text: str, blocks: dict[str, list[str]], parsed: MarkdownDocument | None = None
) -> SectionChanges:
    """Insert every required section `text` lacks, taking its lines from `blocks` (see `template_blocks`).

    Sections are added a level at a time: all whose parent the document has, in
    one pass, then their missing children, so a document is parsed a few times,
    not once per section. `parsed` is `text` parsed, when the caller has it.
    """
    newline = "\r\n" if "\r\n" in text else "\n"
    lines = lines_of(text)
    added: list[WalkedSection] = []
    walked = list(document.walk())
    while True:
        parsed = parsed if parsed is not None and not added else parse(newline.join(lines) + newline)
        present = present_sections(document, parsed)
        # the parts of what the document says was not done (no hands-on assessment) are not asked for
        declined = resolve(document, parsed).not_asked
        batch = [
            item
            for item in walked
            if _should_add(item, present) and item.key in blocks and item.parent_key not in declined
        ]
        if not batch:
            break
        insertions: list[tuple[int, int, list[str]]] = []
        for order, item in enumerate(batch):
            level = _level(item, walked, present, parsed)
            at = _insertion_line(item, walked, present, parsed, level, len(lines))
            block = list(blocks[item.key])
            block[0] = "#" * level + " " + block[0].lstrip("#").strip()
            insertions.append((at, order, block))
        # From the end, and at one place the later section first, so the earlier lands above it.
        for at, _, block in sorted(insertions, key=lambda insertion: (-insertion[0], -insertion[1])):
            before = [""] if at > 0 and lines[at - 1].strip() else []
            after = [""] if at < len(lines) else []
            lines[at:at] = [*before, *block, *after]
        added.extend(batch)
    place = {item.key: index for index, item in enumerate(walked)}
    topics = tuple(
        (item.section.title, present[item.key].line)
        for item in walked
        if item.key in present and present[item.key].as_topic
    )
    titles = tuple(item.section.title for item in sorted(added, key=lambda item: place[item.key]))
    if not added:
        return SectionChanges(text, (), topics)
    ending = newline if text.endswith(("\n", "\r")) or not text else ""
    return SectionChanges(newline.join(lines) + ending, titles, topics)


def _should_add(item: WalkedSection, present: dict[str, Presence]) -> bool:
    if item.key in present or not item.section.required:
        return False
    # Below a topic written as a bullet, the bullet covers its parts too.
    parent = present.get(item.parent_key) if item.parent_key else None
    return not (parent is not None and parent.as_topic) and (not item.parent_key or parent is not None)


def _level(
    item: WalkedSection, walked: list[WalkedSection], present: dict[str, Presence], parsed: MarkdownDocument
) -> int:
    """The heading level for a new section: its siblings', else one below its parent's, else the top sections'."""
    for other in walked:
        if other.parent_key == item.parent_key and other.key != item.key:
            heading = present[other.key].heading if other.key in present else None
            if heading is not None:
                return heading.level
    parent = present.get(item.parent_key) if item.parent_key else None
    if parent is not None and parent.heading is not None:
        return min(parent.heading.level + 1, 6)
    title = next((heading for heading in parsed.headings if heading.level == 1), None)
    return 2 if title is not None or not parsed.headings else min(heading.level for heading in parsed.headings)


def _insertion_line(
    item: WalkedSection,
    walked: list[WalkedSection],
    present: dict[str, Presence],
    parsed: MarkdownDocument,
    level: int,
    line_count: int,
) -> int:
    """The 0-based line to insert before: after the nearest preceding section the document has."""
    index = walked.index(item)
    previous = next(
        (
            present[other.key].heading
            for other in reversed(walked[:index])
            if other.key in present and present[other.key].heading is not None
        ),
        None,
    )
    headings = parsed.headings
    if previous is None:
        title = next((heading for heading in headings if heading.level == 1), None)
        after = title.line if title is not None else 0
        following = next((heading for heading in headings if heading.line > after), None)
        return following.line - 1 if following is not None else line_count
    if item.parent_key and present.get(item.parent_key) is not None and present[item.parent_key].heading is previous:
        # the first of the parent's sections: right after the parent's own text
        following = next((heading for heading in headings if heading.line > previous.line), None)
    else:
        following = next(
            (heading for heading in headings if heading.line > previous.line and heading.level <= level), None
        )
    return following.line - 1 if following is not None else line_count
