"""A package's answers file: its name, the keys tssa reads, and the lenient ways to read it.

`tssa check` needs only the template version (`_commit`) and the project's
name, and must start fast, so `read_answers` reads those two lines itself,
without a YAML library. `read_answer_file` parses the whole file for adopt,
index and insights, and says why when it cannot (`tssa.reading.yamldata`);
`tssa update`, which must refuse a bad file with a reason, reads it in
`tssa.reading.recorded`. Each reads a bounded regular file only.
"""

from __future__ import annotations

import re
from pathlib import Path

from tssa.records import Record
from tssa.regularfiles import FileRefusedError, read_regular

TYPE_CHECKING = False  # as `typing.TYPE_CHECKING`, without importing it
if TYPE_CHECKING:
    from typing import Any

ANSWERS_FILE = ".copier-answers.yml"
ANSWERS_LIMIT = 256 * 1024
# Written by copier: where the template came from, and the version that made the package.
SOURCE_KEY = "_src_path"
COMMIT_KEY = "_commit"
# Questions of copier.yml that tssa reads back.
PROJECT_KEY = "project_name"
MATURITY_KEY = "cncf_maturity"
_VERSION = re.compile(r"^v?(\d+\.\d+\.\d+)")


class RecordedTemplate(Record):
    """The template version and project a package's answers file records, where it says."""

    template: str | None
    """The template version (`0.1.0`), when `_commit` names a release (`v0.1.0`, `0.1.0.post3`)."""
    commit: str | None
    project: str | None

    def __init__(self, template: str | None = None, commit: str | None = None, project: str | None = None) -> None:
        self.template = template
        self.commit = commit
        self.project = project


def _answer(text: str, key: str) -> str | None:
    match = re.search(rf"^{key}:[ \t]*(.*?)[ \t]*$", text, re.MULTILINE)
    if match is None:
        return None
    value = match.group(1)
    if len(value) >= 2 and value[0] == value[-1] and value[0] in "'\"":
        value = value[1:-1]
    return value or None


def template_version(commit: str) -> str | None:
    """The template release a `_commit` value names (`v0.1.0` -> `0.1.0`), or None for a bare commit."""
    version = _VERSION.match(commit)
    return version.group(1) if version else None


def read_answers(folder: Path) -> RecordedTemplate:
    """The template version and project name a package's answers file records, if it has one."""
    path = folder / ANSWERS_FILE
    try:
        data = read_regular(path, ANSWERS_LIMIT, follow_links=False)
    except FileRefusedError:
        return RecordedTemplate()
    text = data.decode("utf-8", errors="replace").replace("\r\n", "\n").replace("\r", "\n")
    commit = _answer(text, COMMIT_KEY)
    return RecordedTemplate(template_version(commit) if commit else None, commit, _answer(text, PROJECT_KEY))


class AnswerValues(Record):
    """Every answer of a package's answers file, or none and the one line that says why it was not read."""

    values: dict[str, Any]
    problem: str | None
    """Why an answers file that is there was not read (not YAML, a refused value, ...), to follow its name and
    a colon; None when it was read or is missing."""

    def __init__(self, values: dict[str, Any], problem: str | None = None) -> None:
        self.values = values
        self.problem = problem


def read_answer_file(folder: Path) -> AnswerValues:
    """The answers of a package's answers file; a file that is there but cannot be read says why."""
    from tssa.reading.untrusted_yaml import YamlProblem, load  # here: `tssa check` starts without YAML

    path = folder / ANSWERS_FILE
    try:
        data = load(read_regular(path, ANSWERS_LIMIT, follow_links=False).decode("utf-8"))
    except FileRefusedError as error:
        if isinstance(error.original, FileNotFoundError):
            return AnswerValues({})
        return AnswerValues({}, error.refusal.message)
    except UnicodeDecodeError as error:
        return AnswerValues({}, f"not UTF-8 (byte {error.start})")
    except YamlProblem as error:
        return AnswerValues({}, str(error))
    if data is None:
        return AnswerValues({})
    if not isinstance(data, dict):
        return AnswerValues({}, "holds no mapping of answers")
    return AnswerValues({str(key): value for key, value in data.items()})


def read_answer_values(folder: Path) -> dict[str, Any]:
    """Every answer of a package's answers file; none when it is missing or cannot be read."""
    return read_answer_file(folder).values
