"""Read YAML that a user or a repository wrote (answers files, Security Insights files) as plain data, bounded.

A file is untrusted: only YAML's own types are built (no `!!python/object`,
no custom tag), nesting and alias expansion are bounded, an integer has at most
`MAX_DIGITS` digits, and a date must be a real date. Whatever is refused comes
back as one `YamlDataError` naming the line, never as a `RecursionError` or a
`ValueError` from deep inside the YAML library.
"""

from __future__ import annotations

import re
from typing import Any

import yaml
from yaml.nodes import MappingNode, Node, ScalarNode, SequenceNode

# Real files nest a few levels; Python's own recursion limit is about 1,000.
MAX_DEPTH = 64
# A year, a port, a count: a few digits. Python refuses to read more than 4,300.
MAX_DIGITS = 100
# What a file may stand for once every alias is expanded; a 256 KiB file has fewer values than this.
MAX_VALUES = 1_000_000

_UNKNOWN_TAG = re.compile(r"^could not determine a constructor for the tag (.*)$")


class YamlDataError(ValueError):
    """The text is not YAML (`syntax`), or holds something that is refused; the message names the line."""

    def __init__(self, reason: str, line: int | None = None, *, syntax: bool = False) -> None:
        super().__init__(f"line {line}: {reason}" if line is not None else reason)
        self.reason = reason
        self.line = line
        self.syntax = syntax


def _line(node: object) -> int | None:
    mark = getattr(node, "start_mark", None)
    return mark.line + 1 if mark is not None else None


class _BoundedLoader(yaml.SafeLoader):
    """PyYAML's safe loader with bounded nesting and expansion, and the checks of `_int` and `_timestamp`."""

    def __init__(self, stream: str) -> None:
        super().__init__(stream)
        self._depth = 0
        self._sizes: dict[int, int] = {}

    def compose_node(self, parent: Node | None, index: Any) -> Node:
        self._depth += 1
        try:
            if self._depth > MAX_DEPTH:
                event = self.peek_event()  # type: ignore[no-untyped-call]
                raise YamlDataError(f"nested more than {MAX_DEPTH} levels deep", _line(event))
            node: Node | None = super().compose_node(parent, index)
            assert node is not None  # an event was there: `compose_node` is called only then
        finally:
            self._depth -= 1
        self._count(node)
        return node

    def _count(self, node: Node) -> None:
        """Record how many values `node` stands for, aliases expanded; refuse past `MAX_VALUES`."""
        if id(node) in self._sizes:
            return
        size = 1
        if isinstance(node, SequenceNode):
            size += sum(self._sizes.get(id(item), 1) for item in node.value)
        elif isinstance(node, MappingNode):
            size += sum(self._sizes.get(id(key), 1) + self._sizes.get(id(value), 1) for key, value in node.value)
        if size > MAX_VALUES:
            raise YamlDataError(f"expands to more than {MAX_VALUES:,} values through YAML aliases", _line(node))
        self._sizes[id(node)] = size


def _int(constructor: _BoundedLoader, node: ScalarNode) -> Any:
    digits = sum(character.isalnum() for character in str(node.value))
    if digits > MAX_DIGITS:
        raise YamlDataError(f"a number of {digits:,} digits; at most {MAX_DIGITS} are read", _line(node))
    return constructor.construct_yaml_int(node)


def _timestamp(constructor: _BoundedLoader, node: ScalarNode) -> Any:
    try:
        return constructor.construct_yaml_timestamp(node)
    except (ValueError, OverflowError):
        shown = str(node.value)[:40]
        raise YamlDataError(f"{shown} is not a real date (write it as YYYY-MM-DD)", _line(node)) from None


_BoundedLoader.add_constructor("tag:yaml.org,2002:int", _int)
_BoundedLoader.add_constructor("tag:yaml.org,2002:timestamp", _timestamp)


def load_yaml(text: str) -> Any:
    """The data of one YAML document; `YamlDataError` with a one-line reason when it is refused."""
    loader = _BoundedLoader(text)
    try:
        return loader.get_single_data()
    except YamlDataError:
        raise
    except yaml.MarkedYAMLError as error:
        mark = error.problem_mark or error.context_mark
        line = mark.line + 1 if mark is not None else None
        reason = " ".join(str(error.problem or error.context or "not valid YAML").split())
        unknown = _UNKNOWN_TAG.match(reason)
        if unknown:
            tag = unknown.group(1)[:80]
            raise YamlDataError(f"the tag {tag} is refused: only plain YAML data is read", line) from None
        raise YamlDataError(reason, line, syntax=True) from None
    except yaml.YAMLError as error:
        raise YamlDataError(" ".join(str(error).split()) or "not valid YAML", syntax=True) from None
    except RecursionError:  # not expected past the depth bound; never a traceback all the same
        raise YamlDataError(f"nested too deep to read (more than {MAX_DEPTH} levels)") from None
    finally:
        loader.dispose()
