"""The syntax of our guide comments, written once.

Every section of a rendered package holds a comment that says what the
section needs. It opens with `<!-- guide: KEY` on a line of its own and
closes with `end guide: KEY -->`, KEY being the section's outline key; the
key lets a template update find the section whatever its heading says.
"""

from __future__ import annotations

import re

GUIDE_START = re.compile(r"^<!--\s*guide:\s*(?P<key>[a-z0-9/-]+)\s*$", re.MULTILINE)


def opening(key: str) -> str:
    """The line that opens the guide comment of a section."""
    return f"<!-- guide: {key}"


def closing(key: str) -> str:
    """The line that closes the guide comment of a section."""
    return f"end guide: {key} -->"


def guide_key(line: str) -> str | None:
    """The section key when the line opens a guide comment."""
    match = GUIDE_START.match(line.rstrip())
    return match.group("key") if match else None
