"""The reader on hostile input: nesting of any depth drops no text, and a megabyte of one character is read in
time that grows with the text, by `tssa check` and `tssa index` alike (every pattern over document text)."""

from __future__ import annotations

import json
import resource
import subprocess
import sys
import time
from pathlib import Path

import pytest

from tssa.reading.facts import stated
from tssa.reading.markdown import parse

pytestmark = pytest.mark.hostile

MIB = 1 << 20
CPU_SECONDS_PER_MIB = 10.0  # the bound hostile input is judged by; a linear read takes a few hundredths of it


def test_a_list_nested_past_any_parsers_limit_keeps_the_rest_of_the_document() -> None:
    nested = "".join("  " * depth + f"- level {depth}\n" for depth in range(12))
    document = parse(f"# A\n\n{nested}\n# B\n\nSee [the goals](#b).\n")
    assert [heading.text for heading in document.headings] == ["A", "B"]
    assert [(link.href, link.line) for link in document.links] == [("#b", 18)]
    assert len(document.leads) == 13  # twelve items and the paragraph after them


def test_every_item_of_a_deeply_nested_document_is_read() -> None:
    group = "".join("  " * depth + f"- item at depth {depth}\n" for depth in range(10))
    document = parse(group * 500)
    assert len(document.leads) == 5000
    assert document.leads[-1].line == 5000


def test_a_hundred_thousand_nested_quotes_are_read_to_their_end() -> None:
    document = parse(">" * 100_000 + " deep\n\n# After\n\n[x](#after)\n")
    assert [(heading.text, heading.line) for heading in document.headings] == [("After", 3)]
    assert [link.line for link in document.links] == [5]


@pytest.mark.parametrize("unit", ["![", "![a](", "![a][", "<img", "<", "<b"])
def test_a_statement_of_a_megabyte_of_unclosed_images_or_tags_is_read_in_linear_time(unit: str) -> None:
    started = time.process_time()
    stated(unit * (MIB // len(unit)))  # what adopt and the index make of a channel's text
    assert time.process_time() - started < CPU_SECONDS_PER_MIB


def _hostile_texts() -> dict[str, str]:
    """A megabyte each: one character on one line and in lines, and the shapes that broke a pattern before."""
    texts: dict[str, str] = {}
    for name, character in (("brackets", "["), ("stars", "*"), ("underscores", "_"), ("angles", "<")):
        texts[name] = character * MIB
    for name, character in (("pipes", "|"), ("backquotes", "`")):
        texts[name] = character * MIB
        texts[f"{name}-in-lines"] = (character * 79 + "\n") * (MIB // 80)
    texts["brackets-in-a-toc-item"] = "- " + "[" * MIB + "\n"
    texts["link-targets"] = "](" * (MIB // 2)
    texts["dotted-words"] = "a." * (MIB // 2)
    texts["a-heading-of-spaces"] = "# a" + " " * MIB + "/b\n"
    texts["a-heading-of-punctuation"] = "# Metadata " + "!" * MIB + "x\n"
    texts["a-lead-in-of-spaces"] = "# Flibble\n\n## Overview\n\n- a" + " " * MIB + "x\n"
    texts["punctuation-lines-in-a-readme"] = "# R\n\n" + "|\n" * (MIB // 2)
    row = "| [a](https://example.net/a) | [b](https://example.net/b) |\n"
    texts["links-in-a-security-links-table"] = "## Security links\n\n| a | b |\n|---|---|\n" + row * (MIB // len(row))
    return texts


def _cpu_of_child(command: list[str]) -> tuple[subprocess.CompletedProcess[str], float]:
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    finished = subprocess.run(command, capture_output=True, text=True, timeout=900, check=False)
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    return finished, (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)


def test_a_megabyte_of_one_character_is_checked_and_indexed_in_linear_time(tmp_path: Path) -> None:
    root = tmp_path / "projects"
    texts = _hostile_texts()
    for name, text in texts.items():
        folder = root / name / "security-assessment"
        folder.mkdir(parents=True)
        if "readme" in name:
            (folder / "self-assessment.md").write_text("# Flibble\n", encoding="utf-8")
        (folder / ("README.md" if "readme" in name else "self-assessment.md")).write_text(text, encoding="utf-8")
    budget = CPU_SECONDS_PER_MIB * len(texts)

    checked, check_cpu = _cpu_of_child([sys.executable, "-m", "tssa", "check", "--format", "json", str(root)])
    assert checked.returncode in (0, 1), checked.stderr
    report = json.loads(checked.stdout)
    assert {Path(document["path"]).parts[-3] for document in report["documents"]} == set(texts)
    assert check_cpu < budget, f"tssa check took {check_cpu:.1f} s of CPU for {len(texts)} MiB"

    index = tmp_path / "index.json"
    indexed, index_cpu = _cpu_of_child([sys.executable, "-m", "tssa", "index", str(root), "--json", str(index)])
    assert indexed.returncode == 0, indexed.stderr
    packages = json.loads(index.read_text(encoding="utf-8"))["packages"]
    assert sorted(package["slug"] for package in packages) == sorted(texts)
    assert index_cpu < budget, f"tssa index took {index_cpu:.1f} s of CPU for {len(texts)} MiB"
