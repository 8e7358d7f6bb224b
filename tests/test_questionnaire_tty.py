"""Answer the questionnaire in a pseudo-terminal, as a person would, and check the package it writes.

`copier copy` runs under pexpect with a real pty, so the prompts are the
questionary/prompt_toolkit ones a user sees. The test types a name, picks a
stage with the arrow keys, ticks and unticks personas, edits the multi-line
security links, has two answers rejected by their validators (the message
must name the question and, within 80 columns, say what is allowed), corrects
them, and then reads the files that were written.

Prompts the script does not mention are answered with Enter (their default),
so a question added to `copier.yml` later does not break this test; a
scripted prompt that never appears does.
"""

from __future__ import annotations

import os
import re
import sys
import time
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pexpect
import pytest
import yaml

from conftest import TEMPLATE_ROOT

# Keystrokes as a terminal sends them.
ENTER = "\r"
DOWN = "\x1b[B"
SPACE = " "
CLEAR_LINE = "\x15"  # Ctrl-U: delete from the cursor to the start of the line (the prefilled default).
FINISH_MULTILINE = "\x1b\r"  # Esc, Enter: submit a multi-line prompt (Enter alone adds a line).

ROWS, COLUMNS = 50, 200
NARROW_COLUMNS = 80  # a rejection must say what is allowed within this width
WAIT_SECONDS = 20.0  # for any one thing to appear; the whole run normally takes a few seconds

ANSI_ESCAPE = re.compile(
    r"\x1b\[[0-?]*[ -/]*[@-~]"  # CSI: colours, cursor moves, erases
    r"|\x1b\][^\x07\x1b]*(?:\x07|\x1b\\)"  # OSC: window titles and the like
    r"|\x1b[()][0-9A-Za-z]"  # character set selection
    r"|\x1b[=>78cDEHM]"  # single-character escapes
)
# A question on screen: copier's question mark, then the help text up to the end of its line.
QUESTION_MARK = "\N{MICROPHONE}"
PROMPT_LINE = re.compile(QUESTION_MARK + r"[ \t]*([^\n]*?)[ \t]*\n")
# Copier's message for an answer the validator rejects, shown under the question.
REJECTION_OR_PROMPT = re.compile(r"(?P<error>Validation error)|" + PROMPT_LINE.pattern)


def visible_text(raw: str) -> str:
    """The characters a terminal would print, without escape sequences and carriage returns."""
    return ANSI_ESCAPE.sub("", raw).replace("\r", "")


class Terminal:
    """A program running in a pseudo-terminal, read as the text that appeared on screen so far."""

    def __init__(self, argv: Sequence[str], env: dict[str, str], columns: int = COLUMNS) -> None:
        self.child = pexpect.spawn(
            argv[0],
            list(argv[1:]),
            env=env,
            dimensions=(ROWS, columns),
            encoding="utf-8",
            codec_errors="replace",
            timeout=WAIT_SECONDS,
        )
        self.raw = ""
        self.position = 0  # how much of the visible text has been matched already
        self.ended = False

    @property
    def text(self) -> str:
        """Everything the program has shown, escape sequences removed."""
        return visible_text(self.raw)

    def _read(self, timeout: float) -> None:
        try:
            self.raw += self.child.read_nonblocking(size=65536, timeout=timeout)
        except pexpect.TIMEOUT:
            pass
        except pexpect.EOF:
            self.ended = True

    def wait_for(self, pattern: str | re.Pattern[str], what: str) -> re.Match[str] | None:
        """Wait until `pattern` shows after what was matched before; None if the program ends first."""
        regex = pattern if isinstance(pattern, re.Pattern) else re.compile(re.escape(pattern))
        deadline = time.monotonic() + WAIT_SECONDS
        while True:
            found = regex.search(self.text, self.position)
            if found:
                self.position = found.end()
                return found
            if self.ended:
                return None
            if time.monotonic() > deadline:
                pytest.fail(f"Waited {WAIT_SECONDS:.0f} s for {what}.\n{self.screen_tail()}")
            self._read(timeout=0.1)

    def settle(self, quiet_seconds: float = 0.3) -> None:
        """Read until the program has shown nothing new for `quiet_seconds`, so a message is complete."""
        deadline = time.monotonic() + WAIT_SECONDS
        while not self.ended and time.monotonic() < deadline:
            before = len(self.raw)
            self._read(timeout=quiet_seconds)
            if len(self.raw) == before:
                return

    def must_show(self, texts: Sequence[str], where: str) -> None:
        """Check that everything in `texts` shows, in any order, once the screen is still."""
        missing = [text for text in texts if text not in self.text[self.position :]]
        if missing:
            self.settle()
            missing = [text for text in texts if text not in self.text[self.position :]]
        if missing:
            pytest.fail(f"{where} does not show {missing}.\n{self.screen_tail()}")

    def send(self, keys: str) -> None:
        """Type `keys`."""
        self.child.send(keys)

    def finish(self) -> int:
        """Wait for the program to end and return its exit status."""
        deadline = time.monotonic() + WAIT_SECONDS
        while not self.ended:
            if time.monotonic() > deadline:
                pytest.fail(f"The program did not end within {WAIT_SECONDS:.0f} s.\n{self.screen_tail()}")
            self._read(timeout=0.1)
        self.child.close()
        status = self.child.exitstatus
        return status if status is not None else 128 + (self.child.signalstatus or 0)

    def stop(self) -> None:
        """End the program if it still runs."""
        if self.child.isalive():
            self.child.terminate(force=True)

    def screen_tail(self, lines: int = 40) -> str:
        """The last lines the program showed, for failure messages."""
        shown = self.text.splitlines()[-lines:]
        return "Last lines on screen:\n" + "\n".join(f"    | {line}" for line in shown)


@dataclass(frozen=True)
class Step:
    """How the person answers one question, recognised by a piece of its help text."""

    prompt: str
    keys: str
    shows: tuple[str, ...] = ()  # what the prompt must show before any key is typed
    # After `keys`, a message must reject the answer: it names the question and says what is allowed
    # (`rule`) within the width of a narrow terminal, which cuts the message there; it shows `quotes` too.
    name: str = ""
    rule: str = ""
    quotes: str = ""
    correction: str = ""  # then these keys give an answer that is accepted


SCRIPT = (
    Step("What is the project's name", CLEAR_LINE + "Zorblax Mesh" + ENTER),
    Step(
        "What short key names the project's folder",
        CLEAR_LINE + "zorblax/core" + ENTER,
        shows=("zorblax-mesh",),  # the default is derived from the name just typed
        name="project_slug",
        rule="use lowercase letters, digits",
        quotes='"zorblax/core" is not allowed',
        correction=CLEAR_LINE + "zorblax" + ENTER,
    ),
    Step("How far is the assessment", DOWN + ENTER, shows=("Incomplete", "Complete", "Obsolete")),
    Step(
        "Where is the project's source repository",
        CLEAR_LINE + "http://git.example.com/zorblax/mesh" + ENTER,
        name="software_url",
        rule="give an https:// address",
        quotes='"http://git.example.com/zorblax/mesh" is not one',
        correction=CLEAR_LINE + "https://git.example.com/zorblax/mesh" + ENTER,
    ),
    Step("Where is the project's web site", CLEAR_LINE + ENTER),
    Step("Is the project a Security Provider", "y"),
    Step("Which languages is the project written in", CLEAR_LINE + "[Rust, Python]" + ENTER),
    Step(
        "Which security documents go in the Security links table",
        # The cursor starts at the end of the prefilled default: add a line, then submit.
        ENTER + "Threat model: https://zorblax.example.org/threat-model" + FINISH_MULTILINE,
        shows=("Security file: https://git.example.com/zorblax/mesh/blob/main/SECURITY.md",),
    ),
    Step(
        "Which of the TAG's standard personas",
        # The pointer starts on the first persona: untick it, go down to End user, tick it.
        SPACE + DOWN * 6 + SPACE + ENTER,
        shows=("Enterprise operator", "End user", "Platform implementer"),
    ),
    Step("call the security administrator", CLEAR_LINE + "Policy owner" + ENTER),
    Step("call the end user", CLEAR_LINE + "Mesh tenant" + ENTER),
)


def read_rejection(terminal: Terminal, help_text: str) -> str:
    """Wait for the message that rejects the answer just typed to `help_text`, and return it.

    Fails at once if the next question shows instead, that is, if the answer was accepted.
    """
    while True:
        found = terminal.wait_for(REJECTION_OR_PROMPT, f"the rejection of the answer to {help_text!r}")
        if found is None:
            pytest.fail(
                f"The program ended instead of rejecting the answer to {help_text!r}.\n" + terminal.screen_tail()
            )
        if found.group("error") is None:
            if found.group(1) == help_text:
                continue  # the question drawn again
            pytest.fail(
                f"The answer to {help_text!r} was accepted: the next question showed.\n" + terminal.screen_tail()
            )
        terminal.settle()
        rest = terminal.text[found.start() :].split("\n", 1)[0]
        return rest.split(QUESTION_MARK, 1)[0].strip()


def answer_questionnaire(terminal: Terminal, script: Sequence[Step]) -> list[str]:
    """Answer every prompt until the program ends: scripted ones as scripted, others with Enter.

    Returns the help text of every prompt, in the order they appeared.
    """
    pending = list(script)
    seen: list[str] = []
    while True:
        found = terminal.wait_for(PROMPT_LINE, "the next question")
        if found is None:
            break
        help_text = found.group(1)
        if seen and help_text == seen[-1]:
            continue  # the same question drawn again: answered, or showing an error
        seen.append(help_text)
        step = next((step for step in pending if step.prompt in help_text), None)
        if step is None:
            terminal.send(ENTER)
            continue
        pending.remove(step)
        terminal.must_show(step.shows, f"the question {help_text!r}")
        terminal.send(step.keys)
        if step.rule:
            message = read_rejection(terminal, help_text)
            names = f"Validation error for question '{step.name}'"
            assert message.startswith(names), f"The rejection does not name {step.name!r}: {message!r}"
            assert step.rule in message[:NARROW_COLUMNS], (
                f"An {NARROW_COLUMNS}-column terminal would not show {step.rule!r} of {message!r}"
            )
            assert step.quotes in message, f"The rejection does not show {step.quotes!r}: {message!r}"
            terminal.send(step.correction)
    missing = "\n".join(f"    {step.prompt!r}" for step in pending)
    asked = "\n".join(f"    {text!r}" for text in seen)
    assert not pending, f"These questions were never asked:\n{missing}\nThe questions asked were:\n{asked}"
    return seen


def table_rows(markdown: str, header: str) -> dict[str, str]:
    """The rows of the table that starts with the row `header`, as first cell -> second cell."""
    lines = markdown.splitlines()
    assert header in lines, f"No table with the header {header!r}"
    rows: dict[str, str] = {}
    for line in lines[lines.index(header) + 2 :]:
        if not line.startswith("|"):
            break
        first, second = (cell.strip() for cell in line.strip().strip("|").split("|"))
        rows[first] = second
    return rows


@pytest.fixture
def pty_available() -> None:
    """Skip when this system cannot give a program a pseudo-terminal."""
    if not hasattr(pexpect, "spawn"):
        pytest.skip("pexpect cannot spawn programs in a pseudo-terminal on this platform")
    try:
        probe = pexpect.spawn(sys.executable, ["-c", "pass"], timeout=10)
    except (OSError, pexpect.ExceptionPexpect) as error:
        pytest.skip(f"cannot open a pseudo-terminal: {error}")
    probe.expect(pexpect.EOF)
    probe.close()


def start_copier(destination: Path, columns: int) -> Terminal:
    """`copier copy` of this template into `destination`, in a pseudo-terminal `columns` wide."""
    env = {name: value for name, value in os.environ.items() if not name.startswith(("COPIER_", "PYTEST_"))}
    env.update(
        TERM="xterm-256color",
        COLUMNS=str(columns),
        LINES=str(ROWS),
        PROMPT_TOOLKIT_NO_CPR="1",  # do not wait for a cursor position report the test would have to answer
        PYTHONIOENCODING="utf-8",
    )
    # --vcs-ref HEAD: the working tree's template, not the newest tag.
    command = [sys.executable, "-m", "copier", "copy", "--vcs-ref", "HEAD", str(TEMPLATE_ROOT), str(destination)]
    return Terminal(command, env, columns)


@pytest.fixture
def questionnaire(pty_available: None, tmp_path: Path) -> Iterator[tuple[Terminal, Path]]:
    """`copier copy` of this template into a fresh folder, running in a pseudo-terminal."""
    destination = tmp_path / "zorblax"
    terminal = start_copier(destination, COLUMNS)
    try:
        yield terminal, destination
    finally:
        terminal.stop()


def test_a_person_answers_the_questionnaire(questionnaire: tuple[Terminal, Path]) -> None:
    """Typing, arrow keys, ticking and rejected answers all end up in the package."""
    terminal, destination = questionnaire

    answer_questionnaire(terminal, SCRIPT)
    status = terminal.finish()

    assert status == 0, f"copier copy exited with {status}.\n{terminal.screen_tail()}"
    screen = terminal.text
    assert "The TSSA package for Zorblax Mesh is in" in screen, terminal.screen_tail()
    assert "projects/zorblax/security-assessment/" in screen, terminal.screen_tail()

    self_assessment = (destination / "self-assessment.md").read_text(encoding="utf-8")
    assert self_assessment.splitlines()[0] == "# Zorblax Mesh Self-assessment"
    metadata = table_rows(self_assessment, "| | |")
    assert metadata["Assessment Stage"] == "Complete"
    assert metadata["Software"] == "<https://git.example.com/zorblax/mesh>"
    assert metadata["Security Provider"] == "Yes"
    assert metadata["Languages"] == "Rust, Python"
    assert table_rows(self_assessment, "| Doc | url |") == {
        "Security file": "<https://git.example.com/zorblax/mesh/blob/main/SECURITY.md>",
        "Default and optional configs": "<https://git.example.com/zorblax/mesh/tree/main/docs>",
        "Threat model": "<https://zorblax.example.org/threat-model>",
    }

    joint = (destination / "joint-assessment.md").read_text(encoding="utf-8")
    assert "Zorblax Mesh" in joint.splitlines()[0]
    assert table_rows(joint, "| Standard persona | Term in this project |") == {
        "Security administrator": "Policy owner",
        "Developer": "Developer",
        "End user": "Mesh tenant",
    }

    readme = (destination / "README.md").read_text(encoding="utf-8")
    assert "- Web site: Not given" in readme.splitlines()

    answers: dict[str, Any] = yaml.safe_load((destination / ".copier-answers.yml").read_text(encoding="utf-8"))
    assert answers["project_name"] == "Zorblax Mesh"
    assert answers["project_slug"] == "zorblax"
    assert answers["assessment_stage"] == "Complete"
    assert answers["software_url"] == "https://git.example.com/zorblax/mesh"
    assert answers["website_url"] == ""
    assert answers["security_provider"] is True
    assert answers["languages"] == ["Rust", "Python"]
    assert answers["security_links"]["Threat model"] == "https://zorblax.example.org/threat-model"
    assert answers["personas"] == ["security_administrator", "developer", "end_user"]
    assert answers["term_security_administrator"] == "Policy owner"
    assert answers["term_end_user"] == "Mesh tenant"
    assert "term_enterprise_operator" not in answers, "an unticked persona's term was still asked or saved"

    written = "".join(path.read_text(encoding="utf-8") for path in destination.iterdir() if path.is_file())
    for rejected in ("zorblax/core", "http://git.example.com"):
        assert rejected not in written, f"the rejected answer {rejected!r} reached the package"


def test_every_question_reads_whole_in_an_80_column_terminal(pty_available: None, tmp_path: Path) -> None:
    """Each question is one short line, its explanation fits under it, and an empty answer echoes empty."""
    terminal = start_copier(tmp_path / "acme", NARROW_COLUMNS)
    try:
        # Another name than the example's: the addresses and people then default to empty.
        script = (
            Step("What is the project's name", CLEAR_LINE + "Acme Relay" + ENTER),
            Step("Which security documents go in the Security links table", FINISH_MULTILINE),
        )
        asked = answer_questionnaire(terminal, script)
        status = terminal.finish()
    finally:
        terminal.stop()
    assert status == 0, terminal.screen_tail()
    spec = yaml.safe_load((TEMPLATE_ROOT / "copier.yml").read_text(encoding="utf-8"))
    helps = {
        name: question["help"] for name, question in spec.items() if isinstance(question, dict) and "help" in question
    }
    screen = terminal.text
    for name in ("project_name", "project_slug", "software_url", "security_links", "personas", "completed_date"):
        question, *explanation = helps[name].splitlines()
        assert question in asked, f"{name}: the question is cut at {NARROW_COLUMNS} columns: {asked}"
        for line in explanation:
            assert line in screen, f"{name}: {line!r} is cut at {NARROW_COLUMNS} columns"
    # The web site was left empty: what shows under its question is its help, then nothing.
    question, *explanation = helps["website_url"].splitlines()
    shown = screen[screen.rindex(question) + len(question) : screen.index(QUESTION_MARK, screen.rindex(question))]
    for line in explanation:
        shown = shown.replace(line, "")
    shown = re.sub(r"[\x00-\x08\x0b-\x1f]", "", shown)  # cursor moves left over by the prompt
    assert shown.strip() == "", f"an empty answer echoes {shown.strip()!r}"
    answers = yaml.safe_load((tmp_path / "acme" / ".copier-answers.yml").read_text(encoding="utf-8"))
    assert answers["website_url"] == "" and answers["project_team"] == ""
