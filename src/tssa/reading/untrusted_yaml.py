"""Read YAML from a file nobody vouched for: bounded in depth and in what its aliases expand to.

The one YAML reader for untrusted files: answers files, Security Insights files, workflows.

libyaml (when PyYAML has it) turns the text into events; the nodes are built
here without recursion, each with its line, so a reader can point at the line
a value came from. An alias counts as everything it stands for, so a
"billion laughs" file is refused as it is read, not when its values are used.
Scalars become Python values only through `to_data`, which refuses what a
Security Insights or workflow file never holds (custom tags, impossible
dates, numbers of hundreds of digits), naming the field.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

import yaml
from yaml.constructor import SafeConstructor
from yaml.resolver import Resolver

MAX_DEPTH = 64
MAX_VALUES = 100_000
MAX_DIGITS = 30
_LOADER = getattr(yaml, "CSafeLoader", yaml.SafeLoader)
_RESOLVER = Resolver()
_CORE = "tag:yaml.org,2002:"
_TEXT_TAGS = frozenset({_CORE + "str", _CORE + "float"})


class YamlProblem(ValueError):
    """Why a YAML text was not read, with the field (a dotted path; empty at the top) and the line.

    `syntax` is set when the text is not YAML at all, rather than YAML holding something refused.
    """

    def __init__(self, message: str, line: int | None = None, field_path: str = "", *, syntax: bool = False) -> None:
        super().__init__(message)
        self.message = message
        self.line = line
        self.field = field_path
        self.syntax = syntax

    def __str__(self) -> str:
        where = [f"line {self.line}"] if self.line else []
        if self.field:
            where.append(f"field {self.field}")
        return ": ".join([*where, self.message])

    def describe(self, source: str) -> str:
        """One line: the file, the line and field when known, and what is wrong."""
        where = f" line {self.line}" if self.line else ""
        what = f" field {self.field}:" if self.field else ""
        return f"{source}{where}:{what} {self.message}"


@dataclass(slots=True, eq=False)
class Node:
    """A YAML value and where it is: `kind` is "map", "seq" or "scalar"; lines are 1-based."""

    kind: str
    tag: str
    line: int
    end_line: int = 0
    text: str = ""
    items: list[Node] = field(default_factory=list)
    pairs: list[tuple[Node, Node]] = field(default_factory=list)
    size: int = 1


def compose(text: str, max_depth: int = MAX_DEPTH, max_values: int = MAX_VALUES) -> Node | None:
    """The first document of `text` as nodes; `YamlProblem` when it is not YAML or goes over a bound."""
    builder = _Builder(max_depth, max_values)
    try:
        for event in yaml.parse(text, Loader=_LOADER):
            if builder.feed(event):
                break
    except yaml.YAMLError as error:
        mark = getattr(error, "problem_mark", None)
        problem = getattr(error, "problem", None) or "cannot be parsed"
        if "nesting depth" in problem:  # libyaml's own bound, far below which `max_depth` usually stops first
            line = mark.line + 1 if mark is not None else None
            raise YamlProblem(f"is nested deeper than {max_depth} levels", line, builder.path()) from None
        raise YamlProblem(
            f"is not valid YAML ({problem})", mark.line + 1 if mark is not None else None, builder.path(), syntax=True
        ) from None
    return builder.root


class _Builder:
    """Nodes from parser events, with an explicit stack; aliases are counted at their full size."""

    def __init__(self, max_depth: int, max_values: int) -> None:
        self.max_depth = max_depth
        self.max_values = max_values
        self.stack: list[tuple[Node, list[Node]]] = []  # a container and its children so far (keys and values)
        self.anchors: dict[str, Node] = {}
        self.open_anchors: set[str] = set()
        self.anchor_of: dict[int, str] = {}
        self.total = 0
        self.root: Node | None = None

    def path(self) -> str:
        parts: list[str] = []
        for container, children in self.stack:
            if container.kind == "seq":
                parts.append(f"[{len(children)}]")
            elif len(children) % 2 == 1 and children[-1].kind == "scalar":
                parts.append(_short(children[-1].text))
        if len(parts) > 6:  # a deep path shows where it starts
            parts = [*parts[:4], "…"]
        return ".".join(parts).replace(".[", "[")

    def feed(self, event: yaml.Event) -> bool:
        """Take one event; True once the first document is complete."""
        line = event.start_mark.line + 1 if event.start_mark else 0
        end_line = event.end_mark.line + 1 if event.end_mark else line
        if isinstance(event, yaml.AliasEvent):
            anchor = event.anchor or ""
            if anchor in self.open_anchors:
                raise YamlProblem(f"the alias *{_short(anchor)} refers to a value that holds it", line, self.path())
            target = self.anchors.get(anchor)
            if target is None:
                raise YamlProblem(f"the alias *{_short(anchor)} has no anchor before it", line, self.path())
            self._count(target.size, line)
            self._add(target)
        elif isinstance(event, yaml.ScalarEvent):
            node = Node("scalar", _scalar_tag(event), line, end_line, event.value)
            self._count(1, line)
            self._remember(event.anchor, node)
            self._add(node)
        elif isinstance(event, (yaml.MappingStartEvent, yaml.SequenceStartEvent)):
            kind = "map" if isinstance(event, yaml.MappingStartEvent) else "seq"
            tag = event.tag if event.tag and event.tag != "!" else _CORE + kind
            node = Node(kind, tag, line)
            if len(self.stack) >= self.max_depth:
                raise YamlProblem(f"is nested deeper than {self.max_depth} levels", line, self.path())
            if event.anchor:
                self.open_anchors.add(event.anchor)
                self.anchor_of[id(node)] = event.anchor
            self.stack.append((node, []))
            self._count(1, line)
            node.size = self.total  # the running total before its children; made its size at its end
        elif isinstance(event, (yaml.MappingEndEvent, yaml.SequenceEndEvent)):
            node, children = self.stack.pop()
            node.end_line = end_line
            node.size = self.total - node.size + 1
            if node.kind == "map":
                node.pairs = list(zip(children[0::2], children[1::2], strict=False))
            else:
                node.items = children
            anchor = self.anchor_of.pop(id(node), "")
            if anchor:
                self.open_anchors.discard(anchor)
                self.anchors[anchor] = node
            self._add(node)
        elif isinstance(event, yaml.DocumentEndEvent):
            return True
        return False

    def _count(self, size: int, line: int) -> None:
        self.total += size
        if self.total > self.max_values:
            raise YamlProblem(
                f"holds more than {self.max_values:,} values once its aliases are expanded", line, self.path()
            )

    def _remember(self, anchor: str | None, node: Node) -> None:
        if anchor:
            self.anchors[anchor] = node

    def _add(self, node: Node) -> None:
        if self.stack:
            self.stack[-1][1].append(node)
        elif self.root is None:
            self.root = node


def _scalar_tag(event: yaml.ScalarEvent) -> str:
    if event.tag and event.tag != "!":
        return str(event.tag)
    return str(_RESOLVER.resolve(yaml.ScalarNode, event.value, event.implicit))  # type: ignore[no-untyped-call]


def _short(text: str, limit: int = 40) -> str:
    line = " ".join("".join(char if char.isprintable() else " " for char in text).split())
    return line if len(line) <= limit else line[: limit - 1] + "…"


# ------------------------------------------------------------------ reading nodes


def get(node: Node | None, key: str) -> Node | None:
    """The value of `key` in a mapping (merge keys included), or None."""
    if node is None or node.kind != "map":
        return None
    found = None
    for name, value in node.pairs:
        if name.kind == "scalar" and name.text == key and name.tag != _CORE + "merge":
            found = value
    if found is None:
        for source in _merged(node):
            found = get(source, key) if found is None else found
    return found


def dig(node: Node | None, dotted: str) -> Node | None:
    """The value at a dotted path of mapping keys, or None."""
    for key in dotted.split("."):
        node = get(node, key)
    return node


def entries(node: Node | None) -> list[tuple[str, Node]]:
    """A mapping's scalar keys and their values, in the file's order (merged keys after)."""
    if node is None or node.kind != "map":
        return []
    found = [(name.text, value) for name, value in node.pairs if name.kind == "scalar" and name.tag != _CORE + "merge"]
    for source in _merged(node):
        known = {key for key, _ in found}
        found.extend(item for item in entries(source) if item[0] not in known)
    return found


def items(node: Node | None) -> list[Node]:
    """A sequence's values; empty for anything else."""
    return list(node.items) if node is not None and node.kind == "seq" else []


def scalar(node: Node | None) -> str | None:
    """A scalar's text as written (no type conversion), or None for anything else."""
    return node.text if node is not None and node.kind == "scalar" and node.tag != _CORE + "null" else None


def _merged(node: Node) -> list[Node]:
    sources: list[Node] = []
    for name, value in node.pairs:
        if name.kind == "scalar" and name.tag == _CORE + "merge":
            sources.extend([value] if value.kind == "map" else [item for item in value.items if item.kind == "map"])
    return sources


# ------------------------------------------------------------------ Python values


def load(text: str, max_depth: int = MAX_DEPTH, max_values: int = MAX_VALUES) -> Any:
    """The first document of `text` as Python values (dict, list, str, int, bool, None); see `to_data`."""
    return to_data(compose(text, max_depth, max_values))


def to_data(node: Node | None, path: str = "") -> Any:
    """Python values of a node. Dates and other numbers stay the text they are; a bad one is a `YamlProblem`."""
    if node is None:
        return None
    if node.tag not in (_CORE + "map", _CORE + "seq", _CORE + "omap") and node.kind != "scalar":
        raise YamlProblem(f"has the tag {_short(node.tag, 80)}, which is not read", node.line, path)
    if node.kind == "map":
        result: dict[str, Any] = {}
        for source in _merged(node):
            merged = to_data(source, path)
            result.update(merged)
        for name, value in node.pairs:
            if name.kind != "scalar" or name.tag == _CORE + "merge":
                continue
            result[name.text] = to_data(value, f"{path}.{_short(name.text)}" if path else _short(name.text))
        return result
    if node.kind == "seq":
        return [to_data(item, f"{path}[{index}]") for index, item in enumerate(node.items)]
    return _scalar_value(node, path)


_BOOLEANS = SafeConstructor.bool_values


def _scalar_value(node: Node, path: str) -> Any:
    tag, text = node.tag, node.text
    if tag == _CORE + "null":
        return None
    if tag == _CORE + "bool":
        return _BOOLEANS.get(text.lower(), text)
    if tag == _CORE + "int":
        digits = sum(char.isdigit() for char in text)
        if digits > MAX_DIGITS:
            raise YamlProblem(f"is a number of {digits:,} digits", node.line, path)
        try:
            return int(SafeConstructor().construct_yaml_int(yaml.ScalarNode(tag, text)))
        except ValueError:
            return text
    if tag == _CORE + "timestamp":
        try:
            SafeConstructor().construct_yaml_timestamp(yaml.ScalarNode(tag, text))
        except (ValueError, OverflowError):
            raise YamlProblem(f"{_short(text)} is not a valid date", node.line, path) from None
        return text
    if tag in _TEXT_TAGS:
        return text
    raise YamlProblem(f"has the tag {_short(tag, 80)}, which is not read", node.line, path)
