"""The HTML inside Markdown, read with `html.parser`: anchors, a heading's text, a table's cells.

Imported only when a document has such HTML (most have only our guide
comments), so `tssa check` starts without `html.parser` and `html.entities`.
"""

from __future__ import annotations

from html.parser import HTMLParser


class AnchorParser(HTMLParser):
    """Adds the `id` and `name` attributes of HTML tags to `anchors`: both are link targets on GitHub."""

    def __init__(self, anchors: set[str]) -> None:
        super().__init__()
        self.anchors = anchors

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.anchors.update(value.lower() for name, value in attrs if name in ("id", "name") and value)


class HeadingReader(HTMLParser):
    """The text of one HTML heading element, with its tags left out and its entities decoded."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.parts: list[str] = []

    def handle_data(self, data: str) -> None:
        self.parts.append(data)


class HtmlTableReader(HTMLParser):
    """The rows of HTML tables: each cell's text, and the 1-based line each row starts on."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.rows: list[tuple[int, list[str]]] = []
        self._cell: list[str] | None = None

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag == "tr":
            self.rows.append((self.getpos()[0], []))
        elif tag in ("td", "th") and self.rows:
            self._cell = []
        elif tag == "a" and self._cell is not None:
            href = dict(attrs).get("href")
            if href:
                self._cell.append(f" {href} ")

    def handle_endtag(self, tag: str) -> None:
        if tag in ("td", "th") and self._cell is not None and self.rows:
            self.rows[-1][1].append(" ".join("".join(self._cell).split()))
            self._cell = None

    def handle_data(self, data: str) -> None:
        if self._cell is not None:
            self._cell.append(data)
