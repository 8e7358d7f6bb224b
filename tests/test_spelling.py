"""A generated package passes the TAG's spelling check (cspell 8, US English, no extra words).

The project's name and the answers are the only words allowed to be unknown:
the user gives those, and a project adds its own names to the TAG's word list.
cspell is an npm package: `.ci/run` installs it; on a developer's machine the
test runs it with `npx`, which needs Node.js.
"""

from __future__ import annotations

import os
import re
import shutil
import subprocess
from pathlib import Path
from typing import Any

import pytest
import yaml

from conftest import render_package
from packages import FULL_ANSWERS

CONFIG = Path(__file__).parent / "cspell.config.yaml"
UNKNOWN = re.compile(r"Unknown word \((?P<word>[^)]+)\)")
INSTALL = (
    "cspell is needed for this test: install Node.js and npm (Debian: apt-get install nodejs npm), "
    "then run the tests again (they call `npx --yes cspell@8`), or put cspell on PATH with "
    "`npm install --prefix ~/.cache/cspell cspell@8` and PATH=~/.cache/cspell/node_modules/.bin:$PATH"
)


def cspell_command() -> list[str]:
    """cspell on PATH (as .ci/run installs it), else npx; fail with how to install when neither exists."""
    installed = shutil.which("cspell")
    if installed:
        return [installed]
    npx = shutil.which("npx")
    if npx is None:
        pytest.fail(INSTALL)
    return [npx, "--yes", "cspell@8"]


def unknown_words(folder: Path) -> list[str]:
    finished = subprocess.run(
        [*cspell_command(), "--no-progress", "--no-summary", "--no-color", "--config", str(CONFIG), "**/*.md"],
        cwd=folder,
        capture_output=True,
        text=True,
        timeout=600,
        env=dict(os.environ, NO_UPDATE_NOTIFIER="1"),
    )
    if finished.returncode not in (0, 1) or (finished.returncode == 1 and not UNKNOWN.search(finished.stdout)):
        pytest.fail(f"cspell did not run (exit {finished.returncode}): {finished.stderr.strip()[:500]}\n{INSTALL}")
    return [match.group("word") for match in UNKNOWN.finditer(finished.stdout)]


def answer_words(folder: Path) -> set[str]:
    """Every word of every recorded answer, the project's name included."""
    answers: dict[str, Any] = yaml.safe_load((folder / ".copier-answers.yml").read_text(encoding="utf-8"))
    words: set[str] = set()

    def collect(value: Any) -> None:
        if isinstance(value, dict):
            for key, item in value.items():
                collect(key)
                collect(item)
        elif isinstance(value, list):
            for item in value:
                collect(item)
        else:
            words.update(word.casefold() for word in re.findall(r"[A-Za-z]+", str(value)))

    collect({key: value for key, value in answers.items() if not key.startswith("_")})
    return words


ANSWER_SETS: dict[str, dict[str, Any]] = {
    "example": {},
    "full": FULL_ANSWERS,
    "real project, defaults": {"project_name": "Acme"},  # the guidance that empty answers leave
}


@pytest.mark.parametrize("answers", sorted(ANSWER_SETS))
def test_every_word_but_the_answers_passes_the_tags_cspell(tmp_path: Path, answers: str) -> None:
    folder = render_package(tmp_path / "pkg", ANSWER_SETS[answers])
    found = unknown_words(folder)
    allowed = answer_words(folder)
    assert [word for word in found if word.casefold() not in allowed] == []


def test_the_check_catches_a_british_spelling(tmp_path: Path) -> None:
    (tmp_path / "notes.md").write_text("# Notes\n\nWe analyse the defence of the tssa key.\n", encoding="utf-8")
    assert sorted(unknown_words(tmp_path)) == ["analyse", "defence", "tssa"]
