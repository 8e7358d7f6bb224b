"""Set `repository.security.assessments.self` in a Security Insights file, keeping every other byte.

ruamel.yaml's round-trip loader finds where each key sits; only the lines of
the `self` entry (or, when it is missing, the lines added for it) change, and
the new entry is rendered by ruamel.yaml in the file's own indentation and
line endings. Comments, key order and quoting elsewhere stay as written.
The result is parsed again and compared with the old data before it replaces
the file, so a file this cannot edit safely is refused, never half-written.
"""

from __future__ import annotations

import copy
import io
import os
from pathlib import Path
from typing import Any

from ruamel.yaml import YAML
from ruamel.yaml.comments import CommentedMap
from ruamel.yaml.error import YAMLError

from tssa.errors import RefusedError
from tssa.reading.files import FileRefusedError, Problem, read_regular
from tssa.safewrite import write_whole

MAX_BYTES = 1024 * 1024
DEFAULT_STEP = 2
# Aliases can make a small file stand for a huge tree; comparing such trees would never end.
MAX_VALUES = 200_000

ENTRY_PATH = ("repository", "security", "assessments", "self")


class InsightsFileError(RefusedError):
    """The Security Insights file cannot be updated (missing, not YAML, or a layout that cannot be kept)."""


def render_entry(entry: dict[str, str]) -> str:
    """The entry nested under its keys, as YAML to paste into a Security Insights file."""
    nested: Any = dict(entry)
    for key in reversed(ENTRY_PATH):
        nested = {key: nested}
    return _dump(nested, DEFAULT_STEP, "\n")


def update_file(path: Path, entry: dict[str, str]) -> None:
    """Set the entry in the file at `path`; nothing is written unless the result checks out."""
    raw = _read(path)
    bom = "\ufeff" if raw.startswith("\ufeff") else ""
    text = raw[len(bom) :]
    newline = "\r\n" if "\r\n" in text else "\n"
    updated = splice(text, entry, newline, str(path))
    _verify(text, updated, entry, str(path))
    write_whole(path, bom + updated)


def splice(text: str, entry: dict[str, str], newline: str, name: str = "the file") -> str:
    """The text with the entry set: the old `self` block replaced, or the missing keys added."""
    try:
        root = YAML().load(text)
    except YAMLError as error:
        mark = getattr(error, "problem_mark", None)
        where = f" (line {mark.line + 1})" if mark is not None else ""
        raise InsightsFileError(f"{name} is not valid YAML{where}; nothing written") from error
    if not isinstance(root, CommentedMap):
        raise InsightsFileError(f"{name} does not hold a mapping of keys at the top; nothing written")
    if _expanded_size(root, MAX_VALUES) > MAX_VALUES:
        raise InsightsFileError(
            f"{name} expands to more than {MAX_VALUES:,} values through YAML aliases; edit it by hand"
        )
    if root.fa.flow_style():
        raise InsightsFileError(f"{name} is written in {{ }} style; edit it by hand")
    lines = text.splitlines(keepends=True)
    default_step = _file_step(root)
    node: CommentedMap = root
    parent_column = -1
    for depth, key in enumerate(ENTRY_PATH):
        dotted = ".".join(ENTRY_PATH[: depth + 1])
        if key not in node:
            return _insert(lines, node, parent_column, ENTRY_PATH[depth:], entry, newline, default_step)
        line, column = node.lc.key(key)
        _check_key_line(lines, line, column, name, dotted)
        value = node[key]
        if depth == len(ENTRY_PATH) - 1 or value is None or (isinstance(value, (dict, list)) and not value):
            step = _step(value, column, parent_column, default_step)
            nested: Any = dict(entry)
            for inner in reversed(ENTRY_PATH[depth + 1 :]):
                nested = {inner: nested}
            end = block_end(lines, line, column)
            block = _indent(_dump({key: nested}, step, newline), column)
            if end == len(lines) and not lines[-1].endswith(("\n", "\r")):
                block = block.rstrip("\r\n")
            return "".join([*lines[:line], block, *lines[end:]])
        if not isinstance(value, CommentedMap):
            raise InsightsFileError(f"{name}: {dotted} is not a mapping of keys; nothing written")
        if value.fa.flow_style():
            raise InsightsFileError(f"{name}: {dotted} is written in {{ }} style; edit it by hand")
        node, parent_column = value, column
    raise AssertionError("unreachable")


def _expanded_size(root: Any, limit: int) -> int:
    """How many values the document holds with every alias expanded, counted up to a little past `limit`."""
    sizes: dict[int, int] = {}

    def size(node: Any, depth: int) -> int:
        if not isinstance(node, (dict, list)):
            return 1
        known = sizes.get(id(node))
        if known is not None:
            return known
        if depth > 100:
            return limit + 1
        sizes[id(node)] = limit + 1  # a node met again while counting it is a cycle
        children = [*node.keys(), *node.values()] if isinstance(node, dict) else node
        total = 1
        for child in children:
            total += size(child, depth + 1)
            if total > limit:
                break
        sizes[id(node)] = total
        return total

    return size(root, 0)


def block_end(lines: list[str], line: int, column: int) -> int:
    """The index after the last line that belongs to the key at (`line`, `column`).

    A key's block is its line and the lines indented deeper (and the items of a
    sequence written at the key's own indentation); blank and comment lines at
    its end belong to what follows, so they stay where they are.
    """
    end = line + 1
    index = line + 1
    while index < len(lines):
        stripped = lines[index].strip()
        if stripped and not stripped.startswith("#"):
            indent = len(lines[index]) - len(lines[index].lstrip(" "))
            is_item = stripped == "-" or stripped.startswith("- ")
            if indent < column or (indent == column and not is_item):
                break
            end = index + 1
        index += 1
    return end


def _insert(
    lines: list[str],
    node: CommentedMap,
    node_column: int,
    keys: tuple[str, ...],
    entry: dict[str, str],
    newline: str,
    default_step: int,
) -> str:
    """Add the missing `keys` as the last key of the non-empty block mapping `node`."""
    first = next(iter(node))
    last = list(node)[-1]
    column = node.lc.key(first)[1]
    step = column - node_column if node_column >= 0 and column > node_column else default_step
    last_line, last_column = node.lc.key(last)
    end = block_end(lines, last_line, last_column)
    nested: Any = dict(entry)
    for key in reversed(keys):
        nested = {key: nested}
    block = _indent(_dump(nested, step, newline), column)
    before = lines[:end]
    if before and not before[-1].endswith(("\n", "\r")):
        before[-1] += newline
    return "".join([*before, block, *lines[end:]])


def _step(value: Any, column: int, parent_column: int, default_step: int) -> int:
    """The indentation step here: from the value's own keys, else from its parent's, else the file's."""
    if isinstance(value, CommentedMap) and value and not value.fa.flow_style():
        inner = value.lc.key(next(iter(value)))[1]
        if inner > column:
            return int(inner - column)
    if parent_column >= 0 and column > parent_column:
        return column - parent_column
    return default_step


def _file_step(root: CommentedMap) -> int:
    """The file's indentation step, from its first nested block mapping."""
    for key, value in root.items():
        if isinstance(value, CommentedMap) and value and not value.fa.flow_style():
            step = value.lc.key(next(iter(value)))[1] - root.lc.key(key)[1]
            if step > 0:
                return int(step)
    return DEFAULT_STEP


def _check_key_line(lines: list[str], line: int, column: int, name: str, dotted: str) -> None:
    if line >= len(lines) or lines[line][:column].strip():
        raise InsightsFileError(f"{name}: {dotted} does not start its own line; edit it by hand")


def _dump(data: Any, step: int, newline: str) -> str:
    yaml = YAML()
    yaml.indent(mapping=step, sequence=step + 2, offset=step)
    yaml.width = 4096
    out = io.StringIO()
    yaml.dump(data, out)
    return out.getvalue().replace("\n", newline)


def _indent(block: str, column: int) -> str:
    pad = " " * column
    return "".join(pad + line if line.strip() else line for line in block.splitlines(keepends=True))


def _read(path: Path) -> str:
    try:
        data = read_regular(path, MAX_BYTES, follow_links=False)
    except FileRefusedError as error:
        if error.original is not None:
            reason = error.original.strerror or "cannot be read"
            raise InsightsFileError(f"{path}: {reason}; give an existing Security Insights file") from None
        if error.refusal.problem is Problem.TOO_LARGE:
            raise InsightsFileError(
                f"{path} is larger than {MAX_BYTES // 1024} KiB; not a Security Insights file"
            ) from None
        if os.path.islink(path):
            raise InsightsFileError(f"{path} is a link; give the file it points to") from None
        raise InsightsFileError(f"{path} is not a regular file") from None
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError as error:
        raise InsightsFileError(f"{path} is not UTF-8 (byte {error.start}); nothing written") from error


def _verify(old: str, new: str, entry: dict[str, str], name: str) -> None:
    """The new text must hold the old data with only the entry changed."""
    safe = YAML(typ="safe", pure=True)
    expected = copy.deepcopy(safe.load(old))
    node = expected
    for key in ENTRY_PATH[:-1]:
        if not isinstance(node.get(key), dict):
            node[key] = {}
        node = node[key]
    node[ENTRY_PATH[-1]] = dict(entry)
    try:
        actual = safe.load(new)
    except YAMLError as error:
        raise InsightsFileError(
            f"{name}: the entry could not be set without breaking the file; edit it by hand"
        ) from error
    if actual != expected:
        raise InsightsFileError(f"{name}: the entry could not be set without changing other keys; edit it by hand")
