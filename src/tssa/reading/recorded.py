"""What a package's answers file records: the template's source, its version, the answers.

The answers file records where the template came from (`_src_path`), which
version made the package (`_commit`) and every answer. Rendering that version
again with those answers gives exactly the files copier wrote, before the
author changed anything: the common ancestor of a three-way merge.
"""

from __future__ import annotations

import os
import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from tssa.errors import RefusedError, TssaError
from tssa.reading.answers import ANSWERS_FILE, COMMIT_KEY, SOURCE_KEY
from tssa.reading.textfiles import read_bytes
from tssa.reading.untrusted_yaml import YamlProblem, load

_URL_LIKE = re.compile(r"^(?:[A-Za-z][A-Za-z0-9+.-]+:|git@)")


class NoAnswersFileError(RefusedError):
    """The folder has no answers file, so copier never made it (or it was deleted)."""


class BadAnswersFileError(RefusedError):
    """The answers file cannot be used to update: unreadable, or missing the template source."""


@dataclass(frozen=True)
class Recorded:
    """What the answers file says: template source, version and answers."""

    source: str
    version: str
    answers: dict[str, Any] = field(default_factory=dict)


def _missing(folder: Path) -> NoAnswersFileError:
    above = next((parent for parent in folder.resolve().parents if (parent / ANSWERS_FILE).is_file()), None)
    if above is not None:
        return NoAnswersFileError(f"{folder}: no {ANSWERS_FILE}; the package is {above}: run `tssa update {above}`")
    return NoAnswersFileError(
        f"{folder}: no {ANSWERS_FILE}; only a package made by `copier copy` from this template can be updated"
    )


def read_recorded(folder: Path) -> Recorded:
    """The answers file of the package in `folder`."""
    path = folder / ANSWERS_FILE
    if not os.path.lexists(path):
        raise _missing(folder)
    try:
        data = load(read_bytes(path).decode("utf-8"))
    except YamlProblem as error:
        raise BadAnswersFileError(f"{path}: {error}; fix it, commit, and run again") from None
    except UnicodeDecodeError as error:
        raise BadAnswersFileError(f"{path}: not UTF-8 (byte {error.start}); fix it, commit, and run again") from None
    except OSError as error:
        raise BadAnswersFileError(f"{path}: cannot be read: {error.strerror or error}") from None
    except TssaError as error:
        raise BadAnswersFileError(f"{error}; the answers file must be a regular file") from error
    if not isinstance(data, dict):
        raise BadAnswersFileError(f"{path}: holds no answers")
    source, version = data.get(SOURCE_KEY), data.get(COMMIT_KEY)
    if not isinstance(source, str) or not source or not isinstance(version, str) or not version:
        raise BadAnswersFileError(
            f"{path}: _src_path or _commit is missing; the package was not made from a versioned template"
        )
    if not _URL_LIKE.match(source) and not os.path.isabs(source):
        raise BadAnswersFileError(
            f"{path}: _src_path {source!r} is a relative path; set it to the template's absolute path "
            "or URL, commit, and run again"
        )
    if not _URL_LIKE.match(source) and not os.path.exists(source):
        raise BadAnswersFileError(
            f"{path}: _src_path {source!r}: no such template folder; set it to where the template is now "
            "(its absolute path or URL), commit, and run again"
        )
    answers = {key: value for key, value in data.items() if not str(key).startswith("_")}
    return Recorded(source, version, answers)
