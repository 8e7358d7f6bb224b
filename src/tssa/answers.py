"""What a package's answers file records, read for `tssa check` without copier or a YAML library.

`tssa update` reads the whole file with copier's help (`tssa.versions`); the
check needs only the template version (`_commit`) and the project's name, and
must start fast, so it reads those two lines itself, from a bounded regular file.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path

from tssa.files import FileRefusedError, read_regular

ANSWERS_FILE = ".copier-answers.yml"
_ANSWERS_LIMIT = 256 * 1024
_VERSION = re.compile(r"^v?(\d+\.\d+\.\d+)")


@dataclass(frozen=True)
class RecordedTemplate:
    """The template version and project a package's answers file records, where it says."""

    template: str | None = None
    """The template version (`0.1.0`), when `_commit` names a release (`v0.1.0`, `0.1.0.post3`)."""
    commit: str | None = None
    project: str | None = None


def _answer(text: str, key: str) -> str | None:
    match = re.search(rf"^{key}:[ \t]*(.*?)[ \t]*$", text, re.MULTILINE)
    if match is None:
        return None
    value = match.group(1)
    if len(value) >= 2 and value[0] == value[-1] and value[0] in "'\"":
        value = value[1:-1]
    return value or None


def read_answers(folder: Path) -> RecordedTemplate:
    """The template version and project name a package's answers file records, if it has one."""
    path = folder / ANSWERS_FILE
    try:
        data = read_regular(path, _ANSWERS_LIMIT, follow_links=False)
    except FileRefusedError:
        return RecordedTemplate()
    text = data.decode("utf-8", errors="replace").replace("\r\n", "\n").replace("\r", "\n")
    commit = _answer(text, "_commit")
    version = _VERSION.match(commit) if commit else None
    return RecordedTemplate(version.group(1) if version else None, commit, _answer(text, "project_name"))
