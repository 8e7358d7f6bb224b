"""Text that is safe to print on one line: paths and values from files are data, never layout.

A newline in a folder name must not start a line that looks like a finding,
and an escape sequence in a heading must not drive the terminal. JSON output
escapes by itself; everything printed as text goes through `printable`.
"""

from __future__ import annotations

import re
from functools import cache

# C0 and C1 controls, DEL, the Unicode line and paragraph separators, the
# bidirectional controls that can make a line read differently than it is, the
# zero-width and invisible characters that make two names look the same, and
# the lone surrogates that stand for bytes of a file name that are not UTF-8
# (printed as they are, they would fail or reach the terminal raw).
_UNSAFE = "[\x00-\x1f\x7f-\x9f\xad\u061c\u180e\u200b-\u200f\u2028-\u202e\u2060-\u2069\ufeff\ud800-\udfff]"
_NAMED = {"\n": "\\n", "\r": "\\r", "\t": "\\t"}


def _escape(match: re.Match[str]) -> str:
    character = match.group()
    if character in _NAMED:
        return _NAMED[character]
    code = ord(character)
    return f"\\x{code:02x}" if code < 0x100 else f"\\u{code:04x}"


def printable(text: str) -> str:
    """`text` with every control character written as a visible escape, such as `\\n` or `\\x1b`."""
    if text.isascii() and text.isprintable():
        return text  # the usual text: of ASCII, only controls and DEL are unsafe, and none is printable
    return _unsafe().sub(_escape, text)


@cache
def _unsafe() -> re.Pattern[str]:
    """The unsafe characters, compiled the first time they are looked for (it takes a millisecond)."""
    return re.compile(_UNSAFE)


TYPE_CHECKING = False  # as `typing.TYPE_CHECKING`, without importing `typing` (for start-up)
if TYPE_CHECKING:
    UNSAFE: re.Pattern[str]
    """The characters `printable` escapes."""
else:

    def __getattr__(name: str) -> re.Pattern[str]:
        if name == "UNSAFE":
            return _unsafe()
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}")


def printable_lines(text: str) -> str:
    """`text` made printable line by line, for a diff or a listing: line breaks and tabs stay as they are."""
    lines = text.split("\n")
    return "\n".join(
        "\t".join(printable(part) for part in (line[:-1] if line.endswith("\r") else line).split("\t"))
        + ("\r" if line.endswith("\r") else "")
        for line in lines
    )
