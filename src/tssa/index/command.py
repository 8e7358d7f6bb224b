"""The `tssa index` command: write index.json, a Markdown listing and, on request, an HTML page.

The same packages give the same bytes, so CI can run `tssa index ROOT --check`
and fail when the committed listing is out of date. A file is overwritten only
when `tssa index` wrote it before; each is replaced whole, never half-written.
"""

from __future__ import annotations

import argparse
import json
import math
import os
import re
from pathlib import Path
from typing import Any

from tssa.errors import ExitCode, NotFoundError, TssaError, UsageError
from tssa.terminal import UNSAFE, printable
from tssa.writing.whole import NEW_FILE_MODE, write_whole

HTML_MARKER = '<meta name="generator" content="tssa index">'


class NotOursError(TssaError):
    """An output path holds a file that `tssa index` did not write: it is never overwritten."""


class NotAFolderError(NotFoundError):
    """ROOT is a file: the index lists the packages under a folder."""


class OutputError(TssaError):
    """An output file cannot be written."""


def run(args: argparse.Namespace) -> int:
    """The `index` subcommand."""
    from tssa.index.build import STATE_TITLES, STATES, build_index, index_counts
    from tssa.index.listing import MARKER, render_listing

    root: Path = args.root
    if root.exists() and not root.is_dir():
        raise NotAFolderError(f"{root}: is a file; give the folder that holds the packages")
    json_path: Path = args.json or root / "index.json"
    listing_path: Path = args.listing or root / "README.md"
    _refuse_same_target({"--json": json_path, "--listing": listing_path, "--html": args.html})
    index = build_index(root, [json_path, listing_path, *([args.html] if args.html else [])])
    outputs: dict[Path, tuple[str, str]] = {
        json_path: (render_json(index), '"format": "tssa-index/'),
        listing_path: (render_listing(index, root, listing_path), MARKER),
    }
    if args.html is not None:
        from tssa.index.html import render_html

        outputs[args.html] = (render_html(index, root, args.html), HTML_MARKER)
    for path, (_, marker) in outputs.items():
        _refuse_foreign(path, marker)
    if args.check:
        stale = [path for path, (content, _) in outputs.items() if _current(path) != content]
        for path in stale:
            print(printable(f"{path}: out of date; run: tssa index {root}"))
        if not stale:
            print(f"{', '.join(printable(str(path)) for path in outputs)}: up to date")
        return ExitCode.FINDINGS if stale else ExitCode.OK
    for path, (content, _) in outputs.items():
        if _current(path) != content:
            _write(path, content)
    counts = index_counts(index)
    summary = ", ".join(f"{counts[state]} {STATE_TITLES[state].lower()}" for state in STATES)
    packages = len(index["packages"])
    written = ", ".join(printable(str(path)) for path in outputs)
    print(f"{packages} {'package' if packages == 1 else 'packages'} ({summary}) -> {written}")
    for problem in index["problems"]:
        print(f"  {printable(problem['path'])}: {printable(problem['message'])}")
    return ExitCode.OK


class SameOutputError(UsageError):
    """Two outputs name the same file: one would overwrite the other."""


def _refuse_same_target(outputs: dict[str, Path | None]) -> None:
    """Refuse, before anything is read or written, two outputs that are one file (`X`, `d/../X`, a link to X)."""
    seen: dict[str, str] = {}
    for option, path in outputs.items():
        if path is None:
            continue
        real = os.path.realpath(path)
        first = seen.get(real) or next(
            (other for known, other in seen.items() if os.path.exists(real) and _same_file(known, real)), None
        )
        if first is not None:
            raise SameOutputError(f"{first} and {option} both name {path}; give each output its own file")
        seen[real] = option


def _same_file(one: str, other: str) -> bool:
    try:
        return os.path.samefile(one, other)
    except OSError:
        return False


def render_json(index: dict[str, Any]) -> str:
    """The index as JSON; characters that could drive a terminal or hide in a name are written as `\\uXXXX`."""
    parts: list[str] = []
    try:
        _indented(index, "", parts)
        parts.append("\n")  # joined with the rest: the whole text is copied once
        return "".join(parts)  # each string escaped already: the layout's newlines are no string's
    except _NotPlain:
        text = json.dumps(index, indent=2, ensure_ascii=False)
    # json escapes the C0 controls itself; not the layout's newlines.
    return UNSAFE.sub(_json_escape, text) + "\n"


class _NotPlain(Exception):
    """A value `_indented` leaves to `json.dumps`."""


def _indented(value: Any, indent: str, parts: list[str]) -> None:
    """`json.dumps(value, indent=2, ensure_ascii=False)`, appended to `parts`, for what an index holds: its
    pure-Python encoder (the one that indents) takes several times as long."""
    if isinstance(value, str):
        parts.append(_escaped_string(value))
    elif value is None:
        parts.append("null")
    elif value is True:
        parts.append("true")
    elif value is False:
        parts.append("false")
    elif isinstance(value, int) and type(value) is int:
        parts.append(int.__repr__(value))
    elif isinstance(value, float) and type(value) is float and math.isfinite(value):
        parts.append(float.__repr__(value))
    elif type(value) is dict:
        if not value:
            parts.append("{}")
            return
        inner = indent + "  "
        separator, following = "{\n" + inner, ",\n" + inner  # one string each, however many items share it
        for key, item in value.items():
            if type(key) is not str:
                raise _NotPlain
            parts.append(separator)
            parts.append(_escaped_string(key))
            parts.append(": ")
            _indented(item, inner, parts)
            separator = following
        parts.append("\n" + indent + "}")
    elif type(value) is list or type(value) is tuple:
        if not value:
            parts.append("[]")
            return
        inner = indent + "  "
        separator, following = "[\n" + inner, ",\n" + inner
        for item in value:
            parts.append(separator)
            _indented(item, inner, parts)
            separator = following
        parts.append("\n" + indent + "]")
    else:
        raise _NotPlain


_encode_string = json.encoder.encode_basestring  # what json.dumps uses with ensure_ascii=False


def _escaped_string(text: str) -> str:
    """A string as JSON, then with what `render_json` escapes in the whole text escaped (json.dumps has written
    every C0 control as an escape: what is left is what the whole text would have there)."""
    return UNSAFE.sub(_json_escape, _encode_string(text))


def _json_escape(match: re.Match[str]) -> str:
    character = match.group()
    return character if character < "\x7f" else f"\\u{ord(character):04x}"


def _current(path: Path) -> str | None:
    try:
        return path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError):
        return None


def _refuse_foreign(path: Path, marker: str) -> None:
    """Stop before writing anything when an output path holds a file that is not ours."""
    if not os.path.lexists(path):
        return
    if path.is_symlink() or not path.is_file():
        raise NotOursError(f"{path}: is not a regular file; give another path")
    content = _current(path)
    if content is None or marker not in content:
        raise NotOursError(f"{path}: exists and was not written by tssa index; give another path or move it")


def _write(path: Path, content: str) -> None:
    try:
        write_whole(path, content, NEW_FILE_MODE)
    except OSError as error:
        raise OutputError(f"{path}: cannot be written: {error.strerror or error}") from None
