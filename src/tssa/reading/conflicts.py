"""Find the conflict markers an update leaves in a package's files.

A conflict is reported at the line of its opening `<<<<<<<` marker. Code
blocks are not exempt: a conflict can open inside one, and a missed conflict
costs more than a false alarm.
"""

from __future__ import annotations

import os
import re
from pathlib import Path

from tssa.errors import TssaError
from tssa.reading.markdown import lines_of
from tssa.reading.textfiles import decode, read_bytes
from tssa.records import Record

# The labels copier gives its own conflict markers; our section merge uses the same, so both read alike.
LABELS = ("before updating", "last update", "after updating")
MARKER_SIZE = 7

_OPENING = re.compile(r"^<{7}(?: |$)")
# The lines that open or close a conflict block; the `=======` between them is left
# out, as it is also Markdown's underline for a heading.
_ENDS = re.compile(r"^(?:<{7}|>{7})(?: |$)")
_SKIPPED_FOLDERS = frozenset({".git"})


class Conflict(Record):
    """One block of conflict markers: the file (relative to the package folder) and its line."""

    path: Path
    line: int

    def __init__(self, path: Path, line: int) -> None:
        self.path = path
        self.line = line

    def __str__(self) -> str:
        return f"{self.path.as_posix()}:{self.line}"


class Markers(Record):
    """The four marker lines of a diff3-style conflict block, `size` characters wide."""

    opening: str
    base: str
    separator: str
    closing: str

    def __init__(self, opening: str, base: str, separator: str, closing: str) -> None:
        self.opening = opening
        self.base = base
        self.separator = separator
        self.closing = closing


def markers(size: int = MARKER_SIZE) -> Markers:
    """The marker lines `git merge-file --diff3` writes with our labels at a marker size."""
    return Markers("<" * size + " " + LABELS[0], "|" * size + " " + LABELS[1], "=" * size, ">" * size + " " + LABELS[2])


def is_conflict_marker(line: str) -> bool:
    """Whether a line opens or closes a block of conflict markers."""
    return _ENDS.match(line) is not None


def conflict_lines(text: str) -> list[int]:
    """The 1-based lines that open a conflict in a text."""
    return [number for number, line in enumerate(lines_of(text), start=1) if _OPENING.match(line)]


def find_conflicts(folder: Path) -> list[Conflict]:
    """Every conflict in the regular files below `folder`, by path and line, whatever their encoding."""
    found: list[Conflict] = []
    for root, dirs, files in os.walk(folder):
        dirs[:] = sorted(name for name in dirs if name not in _SKIPPED_FOLDERS)
        for name in sorted(files):
            path = Path(root) / name
            try:
                text = decode(read_bytes(path))[0]
            except (OSError, TssaError):
                continue
            relative = path.relative_to(folder)
            found.extend(Conflict(relative, line) for line in conflict_lines(text))
    return found
