"""Merge a package document section by section, so that no written line is lost.

A line merge of a whole file (what `copier update` does) conflicts when the
template moves a section or adds one next to text the author wrote. Here the
three versions (the old template's render, the author's file, the new
template's render) are cut at their headings, sections are paired by name
(old names count as the current one), and each section is merged on its own.
The result follows the new template's order; a section that only the author's
file has, or that the template dropped while the author had written in it, is
kept after the section it followed.
"""

from __future__ import annotations

import subprocess
import tempfile
from dataclasses import dataclass
from pathlib import Path

from tssa.markdown import parse
from tssa.matching import normalize
from tssa.outline import Document

CONFLICT_LABELS = ("before updating", "last update", "after updating")


@dataclass(frozen=True)
class Chunk:
    key: str
    lines: tuple[str, ...]


@dataclass(frozen=True)
class MergeResult:
    text: str
    conflicts: int


def _canonical_names(document: Document | None) -> dict[str, str]:
    names: dict[str, str] = {}
    if document is None:
        return names
    for item in document.walk():
        for name in item.section.names:
            names[normalize(name)] = normalize(item.section.title)
    return names


def split_sections(text: str, document: Document | None = None) -> list[Chunk]:
    """Cut a document at its headings; the part before the first section is keyed ""."""
    lines = text.splitlines(keepends=True)
    canonical = _canonical_names(document)
    headings = parse(text).headings
    if headings and headings[0].level == 1:
        headings = headings[1:]  # the title belongs to the document's head
    chunks: list[Chunk] = []
    start = 0
    key = ""
    stack: list[tuple[int, str]] = []
    seen: dict[str, int] = {}
    for heading in headings:
        chunks.append(Chunk(key, tuple(lines[start : heading.line - 1])))
        start = heading.line - 1
        while stack and stack[-1][0] >= heading.level:
            stack.pop()
        name = normalize(heading.text)
        stack.append((heading.level, canonical.get(name, name)))
        key = "/".join(part for _, part in stack)
        seen[key] = seen.get(key, 0) + 1
        if seen[key] > 1:
            key = f"{key}#{seen[key]}"
    chunks.append(Chunk(key, tuple(lines[start:])))
    return chunks


def _merge_lines(base: str, ours: str, theirs: str) -> tuple[str, int]:
    """A three-way line merge by git; conflicts are marked as copier marks them."""
    with tempfile.TemporaryDirectory() as folder:
        paths = []
        for name, content in (("ours", ours), ("base", base), ("theirs", theirs)):
            path = Path(folder) / name
            path.write_text(content, encoding="utf-8")
            paths.append(str(path))
        labels = [argument for label in CONFLICT_LABELS for argument in ("-L", label)]
        finished = subprocess.run(
            ["git", "merge-file", "-p", *labels, *paths], capture_output=True, text=True, check=False
        )
    if finished.returncode < 0 or finished.returncode > 127:
        raise RuntimeError(f"git merge-file failed: {finished.stderr.strip()}")
    return finished.stdout, finished.returncode


def merge_document(base: str, ours: str, theirs: str, document: Document | None = None) -> MergeResult:
    """Carry the author's changes from `base`→`ours` into `theirs`, section by section."""
    base_chunks = {chunk.key: "".join(chunk.lines) for chunk in split_sections(base, document)}
    our_chunks = split_sections(ours, document)
    ours_by_key = {chunk.key: "".join(chunk.lines) for chunk in our_chunks}
    their_chunks = split_sections(theirs, document)
    their_keys = {chunk.key for chunk in their_chunks}

    merged: dict[str, str] = {}
    conflicts = 0
    for chunk in their_chunks:
        their_text = "".join(chunk.lines)
        if chunk.key not in ours_by_key:
            merged[chunk.key] = their_text  # new in the template, or removed by the author
            if chunk.key in base_chunks and base_chunks[chunk.key] == their_text:
                del merged[chunk.key]  # the author removed it and the template did not change it
            continue
        our_text = ours_by_key[chunk.key]
        base_text = base_chunks.get(chunk.key, "")
        if our_text in (base_text, their_text):
            merged[chunk.key] = their_text
        elif their_text == base_text:
            merged[chunk.key] = our_text
        else:
            text, count = _merge_lines(base_text, our_text, their_text)
            merged[chunk.key] = text
            conflicts += count

    order = [chunk.key for chunk in their_chunks if chunk.key in merged]
    previous = ""
    for chunk in our_chunks:
        if chunk.key in their_keys:
            previous = chunk.key
            continue
        our_text = "".join(chunk.lines)
        if base_chunks.get(chunk.key) == our_text:
            continue  # the template dropped a section the author never wrote in
        position = order.index(previous) + 1 if previous in order else len(order)
        order.insert(position, chunk.key)
        merged[chunk.key] = our_text
        previous = chunk.key

    parts = [merged[key] for key in order]
    for index, part in enumerate(parts[:-1]):
        if not part.endswith("\n\n") and part.strip():
            parts[index] = part.rstrip("\n") + "\n\n"
    return MergeResult("".join(parts), conflicts)
