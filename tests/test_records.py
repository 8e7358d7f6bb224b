"""Records behave as the dataclasses they replaced: equal, hashed and shown by their fields, copied with changes."""

from __future__ import annotations

from pathlib import Path

import pytest

from tssa.reading.findings import DocumentReport
from tssa.reading.markdown import LineSpans, MarkdownDocument
from tssa.reading.rules import Finding
from tssa.records import replace


def test_records_are_equal_and_hashed_by_their_fields_and_shown_with_them() -> None:
    finding = Finding(Path("a.md"), 3, "TSSA101", "missing")
    same = Finding(Path("a.md"), 3, "TSSA101", "missing")
    assert finding == same and hash(finding) == hash(same) and len({finding, same}) == 1
    assert finding != Finding(Path("a.md"), 4, "TSSA101", "missing")
    assert finding != (Path("a.md"), 3, "TSSA101", "missing", None)  # a record equals only its own kind
    assert repr(finding) == "Finding(path=PosixPath('a.md'), line=3, code='TSSA101', message='missing', section=None)"


def test_replace_copies_with_changes_and_refuses_a_field_the_record_lacks() -> None:
    finding = Finding(Path("a.md"), 3, "TSSA101", "missing")
    moved = replace(finding, section="goals")
    assert (moved.section, moved.line, finding.section) == ("goals", 3, None)
    with pytest.raises(TypeError, match="no field colour"):
        replace(finding, colour="red")


def test_records_that_change_are_not_hashed_and_hidden_fields_are_not_compared() -> None:
    report = DocumentReport(None)  # type: ignore[arg-type]
    with pytest.raises(TypeError):
        hash(report)
    lines = LineSpans()
    first = MarkdownDocument([], [], [], [], [], [], 0, code_lines=lines)
    second = MarkdownDocument([], [], [], [], [], [], 0, code_lines=lines)
    second.derived["resolver"] = object()  # what a reader works out from a document is no part of it
    assert first == second and "derived" not in repr(first)
