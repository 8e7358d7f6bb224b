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
from tssa.reading.untrusted_yaml import YamlProblem, load
from tssa.regularfiles import FileRefusedError, Problem, read_regular
from tssa.writing.whole import replace_problem, write_whole

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


def update_file(path: Path, entry: dict[str, str]) -> bool:
    """Set the entry in the file at `path`; whether that changed it. Nothing is written unless the result checks out."""
    raw = _read(path)
    bom = "\ufeff" if raw.startswith("\ufeff") else ""
    text = raw[len(bom) :]
    newline = "\r\n" if "\r\n" in text else "\n"
    updated = splice(text, entry, newline, str(path))
    _verify(text, updated, entry, str(path))
    if updated == text:
        return False
    why = replace_problem(path)
    if why is not None:
        raise InsightsFileError(f"{path} {why}; nothing written (edit it by hand)")
    try:
        write_whole(path, bom + updated)
    except OSError as error:
        raise InsightsFileError(f"{path}: cannot be written: {error.strerror or error}; nothing written") from None
    return True


def splice(text: str, entry: dict[str, str], newline: str, name: str = "the file") -> str:
    """The text with the entry set: each key of the `self` entry set in place, or the missing keys added.

    Comments and keys the entry does not know, inside `self` too, stay where they are.
    """
    _check_plain(text, name)
    try:
        root = YAML().load(text)
    except (YAMLError, ValueError, RecursionError) as error:
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
        _refuse_merged(node, name, ".".join(ENTRY_PATH[:depth]) or "the top")
        if key not in node:
            return _insert(lines, node, parent_column, ENTRY_PATH[depth:], entry, newline, default_step)
        line, column = node.lc.key(key)
        _check_key_line(lines, line, column, name, dotted)
        value = node[key]
        if depth == len(ENTRY_PATH) - 1 and isinstance(value, CommentedMap) and value and not value.fa.flow_style():
            _refuse_merged(value, name, dotted)
            return _set_keys(lines, value, column, entry, newline, default_step, name, dotted)
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


def _check_plain(text: str, name: str) -> None:
    """Refuse, in one line, what a safe reading refuses: custom tags, impossible dates, huge numbers, deep nesting."""
    try:
        load(text)
    except YamlProblem as error:
        if error.syntax:
            where = f" (line {error.line})" if error.line is not None else ""
            raise InsightsFileError(f"{name} is not valid YAML{where}: {error.message}; nothing written") from None
        raise InsightsFileError(f"{name}: {error}; nothing written") from None


def _refuse_merged(node: CommentedMap, name: str, dotted: str) -> None:
    """A mapping that takes keys from elsewhere (`<<: *anchor`) cannot be edited by its lines."""
    if node.merge:
        raise InsightsFileError(f"{name}: {dotted} takes keys from a YAML merge key (<<); edit it by hand")


def _set_keys(
    lines: list[str],
    node: CommentedMap,
    parent_column: int,
    entry: dict[str, str],
    newline: str,
    default_step: int,
    name: str,
    dotted: str,
) -> str:
    """Set each key of `entry` in the block mapping `node` where it is, and add the missing ones after its last key.

    A key's comment on its own line stays; every other line of the mapping is kept as it is.
    """
    step = _step(node, parent_column, -1, default_step)
    edits: list[tuple[int, int, str]] = []
    # A missing key goes before the next key of the entry that is there (`name` before `evidence`), else at the end.
    before: dict[str | None, dict[str, str]] = {}
    keys = list(entry)
    for index, key in enumerate(keys):
        if key not in node:
            following = next((later for later in keys[index + 1 :] if later in node), None)
            before.setdefault(following, {})[key] = entry[key]
    for following, added in before.items():
        if following is not None:
            line, column = node.lc.key(following)
            edits.append((line, line, _indent(_dump(added, step, newline), column)))
    for key, value in entry.items():
        if key not in node:
            continue
        line, column = node.lc.key(key)
        _check_key_line(lines, line, column, name, f"{dotted}.{key}")
        end = block_end(lines, line, column)
        block = _indent(_dump({key: value}, step, newline), column)
        comment = _end_of_line_comment(node, key, line, lines[line])
        if comment is not None and end == line + 1 and block.count("\n") == 1:
            ending = lines[line][len(lines[line].rstrip("\r\n")) :]
            block = block.rstrip("\r\n") + comment + ending
        if not lines[end - 1].endswith(("\n", "\r")):
            block = block.rstrip("\r\n")
        edits.append((line, end, block))
    if None in before:
        edits.append(_added(lines, node, before[None], step, newline))
    for start, end, block in sorted(edits, key=lambda edit: (edit[0], edit[1]), reverse=True):
        lines[start:end] = [block]
    return "".join(lines)


def _end_of_line_comment(node: CommentedMap, key: str, line: int, text: str) -> str | None:
    """The comment after a key's value on the key's own line (`date: 2024-01-01  # first`), with the space before it."""
    tokens = node.ca.items.get(key)
    token = tokens[2] if tokens and len(tokens) > 2 else None
    if token is None or token.start_mark.line != line:
        return None
    column = token.start_mark.column
    before = text[:column]
    if not text[column:].startswith("#") or not before[-1:].isspace():
        return None
    return text[len(before.rstrip()) :].rstrip("\r\n")


def _added(
    lines: list[str], node: CommentedMap, missing: dict[str, str], step: int, newline: str
) -> tuple[int, int, str]:
    """The lines that add `missing` after the last key of `node`, as an edit (start, end, text)."""
    last = list(node)[-1]
    last_line, last_column = node.lc.key(last)
    end = block_end(lines, last_line, last_column)
    block = _indent(_dump(missing, step, newline), last_column)
    before = lines[end - 1]
    if not before.endswith(("\n", "\r")):
        return end - 1, end, before + newline + block
    return end, end, block


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
    if isinstance(value, CommentedMap) and value and not value.fa.flow_style() and not value.merge:
        inner = value.lc.key(next(iter(value)))[1]
        if inner > column:
            return int(inner - column)
    if parent_column >= 0 and column > parent_column:
        return column - parent_column
    return default_step


def _file_step(root: CommentedMap) -> int:
    """The file's indentation step, from its first nested block mapping."""
    for key, value in root.items():
        if isinstance(value, CommentedMap) and value and not value.fa.flow_style() and not value.merge:
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
    """The new text must hold the old data with only the entry's keys changed."""
    expected = copy.deepcopy(load(old))
    node = expected
    for key in ENTRY_PATH[:-1]:
        if not isinstance(node.get(key), dict):
            node[key] = {}
        node = node[key]
    kept = node.get(ENTRY_PATH[-1])
    node[ENTRY_PATH[-1]] = {**kept, **entry} if isinstance(kept, dict) else dict(entry)
    try:
        actual = load(new)
    except YamlProblem as error:
        raise InsightsFileError(
            f"{name}: the entry could not be set without breaking the file; edit it by hand"
        ) from error
    if actual != expected:
        raise InsightsFileError(f"{name}: the entry could not be set without changing other keys; edit it by hand")
