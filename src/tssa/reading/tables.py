"""Tables a document writes in other forms than a Markdown table, read as `Table`s.

Real packages write their metadata as an HTML table, or as `Name: value`
lines (bullets or a paragraph) under the Metadata heading. Both `tssa check`
and the package facts read them here, so they agree on what the table says.
"""

from __future__ import annotations

import re

from tssa.reading.markdown import MarkdownDocument, Table, lines_of


def html_tables(document: MarkdownDocument) -> list[Table]:
    """HTML tables written in the document, read as tables without a header."""
    tables: list[Table] = []
    for block in document.blocks:
        if block.kind != "html" or "<table" not in block.source.casefold():
            continue
        from tssa.reading.htmlparts import HtmlTableReader  # only for a document with an HTML table

        reader = HtmlTableReader()
        reader.feed(block.source)
        reader.close()
        rows = [(block.line + line - 1, tuple(cells)) for line, cells in reader.rows if cells]
        if rows:
            tables.append(Table(block.line, (), tuple(row for _, row in rows), tuple(line for line, _ in rows)))
    return tables


# Compiled when first used (`re` keeps it): only a Metadata section of lines needs it.
_NAME_VALUE = r"^\s*(?:[-*+]\s+)?(?:\*\*|__)?(?P<name>[A-Za-z][A-Za-z ]{1,40}?)(?:\*\*|__)?\s*:\s*(?P<value>.+)$"
# `^\W*(?:[\d.]+\s+)?\W*metadata\W*$`, written so that a title of punctuation is read once, not once per split.
_METADATA_HEADING = re.compile(r"^\W*+(?:[\d.]+\s+\W*+)?metadata\W*$", re.IGNORECASE)


def metadata_lines(document: MarkdownDocument) -> list[Table]:
    """`Name: value` lines (bullets or a paragraph) under the Metadata heading, read as a table's rows."""
    section = next((s for s in document.walk() if _METADATA_HEADING.match(s.heading.text)), None)
    if section is None:
        return []
    rows: list[tuple[int, tuple[str, ...]]] = []
    for block in section.blocks:
        if block.kind not in ("list", "paragraph"):
            continue
        for offset, line in enumerate(lines_of(block.source)):
            match = re.match(_NAME_VALUE, line)
            if match:
                rows.append((block.line + offset, (match.group("name"), match.group("value").strip())))
    if not rows:
        return []
    return [Table(rows[0][0], (), tuple(row for _, row in rows), tuple(line for line, _ in rows))]


def all_tables(document: MarkdownDocument) -> list[Table]:
    """The document's Markdown tables, then its HTML tables, then its metadata lines."""
    return [*document.tables, *html_tables(document), *metadata_lines(document)]
