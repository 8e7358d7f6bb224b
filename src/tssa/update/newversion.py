"""Apply a new template version to the staged package, file by file, the way `copier update` does.

Three versions of each file meet: the author's (`ours`), the old version
rendered with the old answers (`base`) and the new version rendered with the
new answers (`theirs`). A file only the template changed takes the new
version; one only the author changed stays; one both changed is merged line
by line with copier's conflict labels, and recorded as unmerged when lines
conflict. A new file is added; a file the new version drops goes, as copier
does (`tssa.update.carry` then moves or keeps the author's text). The documents are merged again by sections after
this (`tssa.update.carry`); this step covers every other file and the answers file.
"""

from __future__ import annotations

import tempfile
from pathlib import Path

from tssa.git import mark_conflicted, merge_file
from tssa.reading.answers import ANSWERS_FILE
from tssa.reading.conflicts import LABELS
from tssa.update.carry import PackageFolder


def _merged(ours: str, base: str, theirs: str) -> tuple[str, bool]:
    if ours == base:
        return theirs, False
    if theirs in (base, ours):
        return ours, False
    with tempfile.TemporaryDirectory(prefix="tssa-merge-") as scratch:
        return merge_file(ours, base, theirs, LABELS, Path(scratch))


def apply_new_version(
    package: PackageFolder, ours: dict[str, str], base: dict[str, str], theirs: dict[str, str], answers: bytes
) -> None:
    """Write the new version into the staged `package`, merged with the author's files."""
    (package.folder / ANSWERS_FILE).write_bytes(answers)
    for relative, new in sorted(theirs.items()):
        if relative in base and relative not in ours:
            continue  # the author deleted it: it stays deleted
        mine = ours.get(relative)
        if mine is None:
            package.write(relative, new)
            continue
        text, conflicted = _merged(mine, base.get(relative, ""), new)
        if text != mine:
            package.write(relative, text)
        if conflicted:
            mark_conflicted(package.top, package.git_path(relative), base.get(relative, ""), mine, new)
    for relative in base:
        if relative not in theirs:
            (package.folder / relative).unlink(missing_ok=True)  # `update.carry` puts back what the author wrote in
