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


def held(text: str) -> set[str]:
    """The keys of the guide comments a text holds."""
    return {match.group("key") for match in GUIDE_START.finditer(text.replace("\r", "\n"))}


def without(text: str, keys: set[str]) -> str:
    """The text without the guide comments for `keys`, nor the blank line that set each apart.

    For a template's rendering: the guidance a document does not hold is left
    out of both sides of a merge, so rewording it is no change to the document.
    """
    if not keys or not any(key in text for key in keys):
        return text
    lines = text.split("\n")
    kept: list[str] = []
    index = 0
    while index < len(lines):
        key = guide_key(lines[index])
        end = lines.index(closing(key), index) if key in keys and closing(key) in lines[index:] else -1
        if key is None or end < 0:
            kept.append(lines[index])
            index += 1
            continue
        index = end + 1
        if kept and not kept[-1].strip() and (index == len(lines) or not lines[index].strip()):
            kept.pop()  # the blank line before it; the one after stays
    return "\n".join(kept)
