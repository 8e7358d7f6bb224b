"""Property: whatever an author writes, wherever, in whatever encoding, `tssa update` keeps it in its section.

End to end, through copier: few examples, as each one copies, commits and
updates a package. `test_update_merge.py` runs the same property on the merge
alone, with many more. A second property stops the update with a signal at a
random moment, runs the documented recovery, and still finds every line.
"""

from __future__ import annotations

import codecs
import os
import signal
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import pytest
from hypothesis import HealthCheck, Phase, given, settings
from hypothesis import strategies as st

from tssa.update.command import UpdateOptions, update_package
from updating import (
    Key,
    as_utf8_copy,
    git,
    heading_spans,
    make_package,
    make_template,
    missing_or_misplaced,
    release_v2,
    unique_author_text,
    write_into_sections,
)

DOCUMENT_NAMES = ("self-assessment.md", "joint-assessment.md", "README.md")
SENTENCE = st.text(
    alphabet=st.sampled_from("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789 .,;:?'\"()/-"),
    min_size=1,
    max_size=80,
).map(lambda text: "W " + text.strip() + " end")

# (document, which section by position, the sentence)
WRITINGS = st.lists(
    st.tuples(st.sampled_from(DOCUMENT_NAMES), st.integers(min_value=0, max_value=60), SENTENCE),
    min_size=1,
    max_size=8,
    unique_by=lambda writing: writing[2],
)


# Each example copies and updates a package: a failure is reported as drawn, not shrunk for minutes.
NO_SHRINKING = (Phase.explicit, Phase.reuse, Phase.generate)
# How a document is stored: UTF-8, UTF-16 with a byte-order mark, or UTF-8 with one Latin-1 byte in it.
ENCODINGS = st.sampled_from(["utf-8", "utf-16-le", "utf-16-be", "latin-1-byte"])
LATIN1_LINE = b"Stra\xdfe, as a Latin-1 editor saved it."
MARKS = {"utf-16-le": codecs.BOM_UTF16_LE, "utf-16-be": codecs.BOM_UTF16_BE}


def _store(path: Path, encoding: str) -> None:
    """Save a UTF-8 document in `encoding`."""
    text = path.read_text(encoding="utf-8")
    if encoding in MARKS:
        path.write_bytes(MARKS[encoding] + text.encode(encoding))
    elif encoding == "latin-1-byte":
        title, _, rest = text.partition("\n")
        path.write_bytes(title.encode("utf-8") + b"\n\n" + LATIN1_LINE + b"\n" + rest.encode("utf-8"))


def _stored_as(path: Path, encoding: str) -> bool:
    data = path.read_bytes()
    if encoding in MARKS:
        return data.startswith(MARKS[encoding])
    return (LATIN1_LINE in data) == (encoding == "latin-1-byte")


@pytest.fixture(scope="module")
def released_template(tmp_path_factory: pytest.TempPathFactory) -> Path:
    template = make_template(tmp_path_factory.mktemp("property") / "template")
    release_v2(template)
    return template


@settings(
    max_examples=4, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture], phases=NO_SHRINKING
)
@given(writings=WRITINGS, encodings=st.tuples(ENCODINGS, ENCODINGS, ENCODINGS))
def test_random_text_in_random_sections_survives_an_update(
    released_template: Path, writings: list[tuple[str, int, str]], encodings: tuple[str, str, str]
) -> None:
    with tempfile.TemporaryDirectory() as scratch:
        package = make_package(released_template, Path(scratch) / "flibble")
        plan: dict[Key, list[str]] = {}
        for name, position, sentence in writings:
            sections = sorted(heading_spans((package / name).read_text(encoding="utf-8")))
            plan.setdefault((name, sections[position % len(sections)]), []).append(sentence)
        written = write_into_sections(package, lambda key: plan.get(key, []))
        for name, encoding in zip(DOCUMENT_NAMES, encodings, strict=True):
            _store(package / name, encoding)
        git(package, "add", "--all")
        git(package, "commit", "--quiet", "--allow-empty", "-m", "saved by other editors")

        outcome = update_package(package, UpdateOptions())

        assert outcome.conflicts == []
        assert missing_or_misplaced(as_utf8_copy(package, Path(scratch) / "decoded"), written) == []
        for name, encoding in zip(DOCUMENT_NAMES, encodings, strict=True):
            assert _stored_as(package / name, encoding), (name, encoding)


def _tssa_update(package: Path, temporary: Path) -> subprocess.Popen[str]:
    """`tssa update` as a terminal runs it: a session of its own, temporary folders in `temporary`."""
    return subprocess.Popen(
        [sys.executable, "-m", "tssa.cli", "update", str(package)],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
        text=True,
        env={**os.environ, "TMPDIR": str(temporary)},
        start_new_session=True,
    )


@pytest.mark.hostile
@settings(
    max_examples=3, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture], phases=NO_SHRINKING
)
@given(
    after=st.floats(min_value=0.0, max_value=3.0),
    number=st.sampled_from([signal.SIGKILL, signal.SIGINT, signal.SIGTERM]),
)
def test_an_update_stopped_at_a_random_moment_loses_no_line(
    released_template: Path, after: float, number: signal.Signals
) -> None:
    with tempfile.TemporaryDirectory() as scratch:
        package = make_package(released_template, Path(scratch) / "flibble")
        written = write_into_sections(package, unique_author_text)
        temporary = Path(scratch) / "tmp"
        temporary.mkdir()
        run = _tssa_update(package, temporary)
        time.sleep(after)
        if run.poll() is None:
            os.killpg(run.pid, number)
        _, err = run.communicate(timeout=120)
        assert "Traceback" not in err

        assert missing_or_misplaced(package, written) == []  # whatever the moment, no line is gone
        finished = "_commit: v0.0.2" in (package / ".copier-answers.yml").read_text(encoding="utf-8")
        # The documented recovery: run it again; it undoes what a killed run left half done, and
        # removes its temporary folders. An update that finished waits to be committed (exit 2).
        rerun = _tssa_update(package, temporary)
        _, err = rerun.communicate(timeout=120)
        assert rerun.returncode == 0 or (finished and "uncommitted changes" in err), err

        assert missing_or_misplaced(package, written) == []
        assert "_commit: v0.0.2" in (package / ".copier-answers.yml").read_text(encoding="utf-8")
        assert git(package, "ls-files", "--unmerged") == ""
        assert list(temporary.iterdir()) == []
