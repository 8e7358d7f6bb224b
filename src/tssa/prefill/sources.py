"""The checkout's files as prefill reads them: each read once, bounded, and searched line by line for evidence.

Evidence is only ever made here, by finding the words a fact rests on in a
line of the file: a line that does not hold them gives no evidence, so a
fact cannot point at a line that does not prove it.
"""

from __future__ import annotations

import re
from pathlib import Path

from tssa.prefill.model import Evidence
from tssa.reading.filehead import DEFAULT_LIMIT, read_head
from tssa.reading.markdown import lines_of

Needle = str | re.Pattern[str]


class Sources:
    """Reads files of one checkout by their relative paths; remembers what could not be read, and why."""

    def __init__(self, root: Path, files: set[str]) -> None:
        self.root = root
        self.files = files
        self._texts: dict[str, str | None] = {}
        self._lines: dict[str, list[str]] = {}
        self.unread: list[str] = []

    def text(self, path: str, limit: int = DEFAULT_LIMIT) -> str | None:
        """The head of a regular file of the checkout as text, or None (and a note why)."""
        if path in self._texts:
            return self._texts[path]
        if path not in self.files:
            return None
        content = read_head(self.root / path, limit)
        if content.text is None:
            self.unread.append(f"{path} {content.problem}")
        self._texts[path] = content.text
        return content.text

    def peek(self, path: str, limit: int = DEFAULT_LIMIT) -> str | None:
        """A file's text like `text`, but not kept (for the many files only searched once); kept ones are reused."""
        if path in self._texts:
            return self._texts[path]
        if path not in self.files:
            return None
        content = read_head(self.root / path, limit)
        return content.text

    def lines(self, path: str) -> list[str]:
        """The lines of a file as editors number them (empty when it cannot be read)."""
        if path not in self._lines:
            text = self.text(path)
            self._lines[path] = lines_of(text) if text is not None else []
        return self._lines[path]

    def evidence(
        self, path: str, needle: Needle, start: int = 1, end: int | None = None, code: bool = False
    ) -> Evidence | None:
        """The first line from `start` to `end` (1-based, inclusive) that holds `needle`, as evidence.

        A string needle is matched without regard to case; a pattern as it is. With `code`, the lines are
        commands (a shell script, a Makefile): what follows a `#` that starts a comment does not count.
        """
        lines = self.lines(path)
        last = len(lines) if end is None else min(end, len(lines))
        for number in range(max(start, 1), last + 1):
            line = without_comment(lines[number - 1]) if code else lines[number - 1]
            if _holds(line, needle):
                return Evidence(path, number)
        return None

    def line_holds(self, evidence: Evidence, needle: Needle) -> bool:
        lines = self.lines(evidence.path)
        return 0 < evidence.line <= len(lines) and _holds(lines[evidence.line - 1], needle)

    def line(self, evidence: Evidence) -> str:
        lines = self.lines(evidence.path)
        return lines[evidence.line - 1] if 0 < evidence.line <= len(lines) else ""


def without_comment(line: str) -> str:
    """A command line without its comment: from a `#` at its start or after a space."""
    if line.lstrip().startswith("#"):
        return ""
    cut = line.find(" #")
    return line if cut < 0 else line[:cut]


def _holds(line: str, needle: Needle) -> bool:
    if isinstance(needle, str):
        return needle.lower() in line.lower()
    return needle.search(line) is not None


def clean_line(line: str, limit: int = 200) -> str:
    """A line of a file as one short piece of text: Markdown list and heading marks, emphasis and links taken out."""
    text = re.sub(r"\[([^\]]{0,200})\]\([^)]{0,500}\)", r"\1", line)
    text = re.sub(r"^\s*(?:[-*+]|\d+[.)]|#{1,6}|>)\s+", "", text)
    text = text.replace("**", "").replace("__", "")
    text = " ".join("".join(char if char.isprintable() else " " for char in text).split())
    return text if len(text) <= limit else text[: limit - 1] + "…"
