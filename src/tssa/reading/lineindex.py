"""Where each line of a document starts, by character and by UTF-8 byte: one index per document.

The Markdown parser reports UTF-8 byte offsets; the reader reports 1-based
lines, as an editor shows them, and slices the document's text by lines. A
line ends at LF, CRLF or CR. A byte-order mark is not part of the text.
"""

from __future__ import annotations

import re
from array import array
from bisect import bisect_right
from itertools import accumulate

_BREAK = re.compile(r"\r\n?|\n")
_BREAK_BYTES = re.compile(rb"\r\n?|\n")
_SURROGATE = "[\ud800-\udfff]"  # compiled when first used (`re` keeps it): most texts have none
BOM = "\ufeff"


def parseable(text: str) -> str:
    """The text a parser can take: lone surrogates (text decoded with `surrogateescape`) become U+FFFD.

    Each such character stays one character, so character offsets do not move.
    """
    if text.isascii():
        return text
    try:
        text.encode("utf-8")
    except UnicodeEncodeError:
        return re.sub(_SURROGATE, "\ufffd", text)
    return text


# Up to this many characters, line starts are kept in a list, quicker to make; past it, in a compact array.
_LISTED = 1 << 16


def _line_starts(text: str | bytes, kind: str) -> list[int] | array[int]:
    """Where each line starts, the first at 0 (and one past a break that ends the text)."""
    if isinstance(text, str):
        lines: list[str] | list[bytes] | None = None if "\r" in text else text.split("\n")
    else:
        lines = None if b"\r" in text else text.split(b"\n")
    if lines is not None:  # the common case, counted without a step of Python per line
        counted = accumulate(map((1).__add__, map(len, lines)), initial=0)
        starts = list(counted) if len(text) < _LISTED else array(kind, counted)
        starts.pop()
        return starts
    if isinstance(text, str):
        found = [0, *(match.end() for match in _BREAK.finditer(text))]
    else:
        found = [0, *(match.end() for match in _BREAK_BYTES.finditer(text))]
    return found if len(text) < _LISTED else array(kind, found)


class LineIndex:
    """The lines of one text: 1-based line numbers for byte offsets, and the text of a run of lines."""

    __slots__ = ("_byte_starts", "_char_starts", "ascii", "line_count", "text")

    def __init__(self, text: str) -> None:
        self.text = text
        self.ascii = text.isascii()
        kind = "i" if len(text) < 1 << 29 else "q"  # four bytes a line is enough for any document we read
        starts = _line_starts(text, kind)
        ends_with_break = len(starts) > 1 and starts[-1] == len(text)
        if ends_with_break:
            starts.pop()  # the break that ends the last line opens no line of its own
        self._char_starts = starts
        if self.ascii:
            self._byte_starts = starts
        else:
            byte_starts = _line_starts(text.encode("utf-8", "surrogatepass"), kind)
            if ends_with_break:
                byte_starts.pop()
            self._byte_starts = byte_starts
        self.line_count = len(starts) if text else 0

    @property
    def byte_starts(self) -> list[int] | array[int]:
        """The UTF-8 byte offset where each line starts: a byte's line is `bisect_right(byte_starts, offset)`."""
        return self._byte_starts

    def byte_offset(self, start: int) -> int:
        """The UTF-8 byte offset of character `start`, which starts a line."""
        if self.ascii:
            return start
        return self._byte_starts[bisect_right(self._char_starts, start) - 1]

    def line_at(self, offset: int) -> int:
        """The line (1-based) that holds UTF-8 byte `offset`."""
        return bisect_right(self._byte_starts, offset)

    def _char_end(self, line: int) -> int:
        """Where line `line` ends in the text, before its line break."""
        text = self.text
        end = self._char_starts[line] if line < len(self._char_starts) else len(text)
        if end and text[end - 1] == "\n":
            end -= 1
        if end and text[end - 1] == "\r":
            end -= 1
        return end

    def lines(self, first: int, last: int) -> str:
        """Lines `first` to `last` (1-based, inclusive), joined by LF whatever breaks the text uses."""
        if first > last or first < 1:
            return ""
        chunk = self.text[self._char_starts[first - 1] : self._char_end(last)]
        return chunk.replace("\r\n", "\n").replace("\r", "\n") if "\r" in chunk else chunk

    def line(self, number: int) -> str:
        """The text of one line, without its line break."""
        return self.lines(number, number)

    def char_offset(self, offset: int) -> int:
        """The character offset of UTF-8 byte `offset`."""
        if self.ascii:
            return offset
        number = self.line_at(offset)
        start = self._char_starts[number - 1]
        line = self.text[start : self._char_end(number)]
        column = offset - self._byte_starts[number - 1]
        return start + len(line.encode("utf-8", "surrogatepass")[:column].decode("utf-8", "ignore"))

    def between(self, start: int, end: int) -> str:
        """The text from UTF-8 byte `start` to byte `end`."""
        return self.text[self.char_offset(start) : self.char_offset(end)]

    def rest_of_line(self, offset: int) -> str:
        """The text from UTF-8 byte `offset` to the end of its line."""
        if self.ascii:
            text = self.text
            end = text.find("\n", offset)
            end = len(text) if end == -1 else end
            carriage = text.find("\r", offset, end)
            return text[offset : end if carriage == -1 else carriage]
        return self.text[self.char_offset(offset) : self._char_end(self.line_at(offset))]

    def line_head(self, number: int) -> str:
        """The first few characters of a line (up to 8, its line break included): enough to tell how it starts."""
        start = self._char_starts[number - 1]
        return self.text[start : start + 8]

    def is_blank(self, number: int) -> bool:
        starts = self._char_starts
        end = starts[number] if number < len(starts) else len(self.text)
        return not self.text[starts[number - 1] : end].strip()  # its line break is white space too
