"""The languages of a checkout, by counting file extensions, largest share first.

Files marked `linguist-vendored` or `linguist-generated` in a `.gitattributes`
file (the way GitHub's language bar leaves them out) and minified files do not
count; vendored folders are never walked (see `walk`).
"""

from __future__ import annotations

import re
import time
from collections import Counter
from dataclasses import dataclass
from pathlib import Path

from tssa.reading.filehead import read_head

EXTENSIONS = {
    ".go": "Go",
    ".rs": "Rust",
    ".py": "Python",
    ".pyi": "Python",
    ".js": "JavaScript",
    ".mjs": "JavaScript",
    ".cjs": "JavaScript",
    ".jsx": "JavaScript",
    ".ts": "TypeScript",
    ".tsx": "TypeScript",
    ".mts": "TypeScript",
    ".java": "Java",
    ".kt": "Kotlin",
    ".kts": "Kotlin",
    ".scala": "Scala",
    ".groovy": "Groovy",
    ".c": "C",
    ".cc": "C++",
    ".cpp": "C++",
    ".cxx": "C++",
    ".hpp": "C++",
    ".hh": "C++",
    ".hxx": "C++",
    ".cs": "C#",
    ".fs": "F#",
    ".rb": "Ruby",
    ".php": "PHP",
    ".swift": "Swift",
    ".m": "Objective-C",
    ".mm": "Objective-C++",
    ".sh": "Shell",
    ".bash": "Shell",
    ".zsh": "Shell",
    ".ps1": "PowerShell",
    ".lua": "Lua",
    ".ex": "Elixir",
    ".exs": "Elixir",
    ".erl": "Erlang",
    ".hs": "Haskell",
    ".ml": "OCaml",
    ".clj": "Clojure",
    ".dart": "Dart",
    ".zig": "Zig",
    ".nim": "Nim",
    ".jl": "Julia",
    ".r": "R",
    ".pl": "Perl",
    ".pm": "Perl",
    ".vue": "Vue",
    ".svelte": "Svelte",
    ".sol": "Solidity",
    ".v": "V",
    ".tf": "HCL",
    ".rego": "Rego",
    ".cue": "CUE",
    ".proto": "Protocol Buffers",
}
# A C header counts for C, or for C++ where C++ sources outnumber C ones.
_HEADER = ".h"
MIN_SHARE = 0.05
MAX_LANGUAGES = 5
_EXCLUDING = {"linguist-vendored", "linguist-generated"}
# Matching time grows with path length to the power of the wildcards, so both are bounded,
# and so is the time spent matching in all.
MAX_PATTERN_LENGTH = 256
MAX_PATTERN_WILDCARDS = 3
MAX_MATCHED_PATH = 512
MAX_RULES = 500
MATCH_SECONDS = 20.0


@dataclass(frozen=True)
class Rule:
    """One `.gitattributes` line about vendored or generated files: a pattern and whether it excludes."""

    pattern: re.Pattern[str]
    excludes: bool


def glob_pattern(pattern: str, base: str) -> re.Pattern[str]:
    """A `.gitattributes` pattern, relative to the folder `base` (`""` or `"dir/"`), as a path regex."""
    while "**/**/" in pattern:
        pattern = pattern.replace("**/**/", "**/")
    anchored = "/" in pattern.rstrip("/")
    pattern = pattern.strip("/") if anchored else pattern.rstrip("/")
    out: list[str] = []
    index = 0
    while index < len(pattern):
        if pattern.startswith("**/", index):
            out.append("(?:.*/)?")
            index += 3
        elif pattern.startswith("/**", index):
            out.append("/.*")
            index += 3
        elif pattern[index] == "*":
            out.append("[^/]*")
            index += 1
        elif pattern[index] == "?":
            out.append("[^/]")
            index += 1
        elif pattern[index] == "[" and "]" in pattern[index + 2 :]:
            end = pattern.index("]", index + 2)
            body = pattern[index + 1 : end].replace("\\", "\\\\")
            out.append("[^" + body[1:] + "]" if body.startswith("!") else "[" + body + "]")
            index = end + 1
        else:
            out.append(re.escape(pattern[index]))
            index += 1
    where = re.escape(base) if anchored else re.escape(base) + "(?:.*/)?"
    return re.compile(where + "".join(out) + r"\Z")


def read_rules(text: str, base: str) -> list[Rule]:
    """The linguist rules of one `.gitattributes` file in folder `base`.

    Patterns that are very long or full of wildcards are passed over: matched
    against every path, they could take time that grows without bound.
    """
    rules: list[Rule] = []
    for line in text.splitlines():
        fields = line.split()
        if not fields or fields[0].startswith("#"):
            continue
        wildcards = len(re.findall(r"\*+", re.sub(r"(\*\*/)+", "**/", fields[0])))
        if len(fields[0]) > MAX_PATTERN_LENGTH or wildcards > MAX_PATTERN_WILDCARDS:
            continue
        if len(rules) >= MAX_RULES:
            break
        for attribute in fields[1:]:
            name, _, value = attribute.lstrip("-!").partition("=")
            if name not in _EXCLUDING:
                continue
            excludes = not attribute.startswith(("-", "!")) and value.lower() not in ("false", "0")
            try:
                rules.append(Rule(glob_pattern(fields[0], base), excludes))
            except re.error:
                continue
    return rules


def is_excluded(path: str, rules: list[Rule]) -> bool:
    excluded = path.endswith((".min.js", ".min.css", ".pb.go", "_generated.go", ".generated.go"))
    if len(path) > MAX_MATCHED_PATH:
        return excluded
    for rule in rules:  # the last matching line wins, as in git
        if rule.pattern.match(path):
            excluded = rule.excludes
    return excluded


def count_languages(root: Path, files: list[str]) -> tuple[Counter[str], int]:
    """Source files per language, and how many were left out as vendored or generated."""
    rules: list[Rule] = []
    # Outer files first, so a nested file's lines win in its folder.
    attribute_files = [path for path in files if path == ".gitattributes" or path.endswith("/.gitattributes")]
    for path in sorted(attribute_files, key=lambda name: name.count("/")):
        text = read_head(root / path, 64 * 1024).text
        if text:
            rules.extend(read_rules(text, path[: -len(".gitattributes")]))
    counts: Counter[str] = Counter()
    headers = 0
    left_out = 0
    deadline = time.monotonic() + MATCH_SECONDS
    for number, path in enumerate(files):
        if rules and number % 1000 == 0 and time.monotonic() > deadline:
            rules = []  # out of time: count the rest without the .gitattributes rules
        dot = path.rfind(".")
        if dot <= path.rfind("/"):
            continue
        extension = path[dot:].lower()
        language = EXTENSIONS.get(extension)
        if language is None and extension != _HEADER:
            continue
        if is_excluded(path, rules):
            left_out += 1
        elif language is None:
            headers += 1
        else:
            counts[language] += 1
    if headers:
        counts["C++" if counts["C++"] > counts["C"] else "C"] += headers
    return counts, left_out


def main_languages(counts: Counter[str]) -> list[str]:
    """The languages with at least a 5% share (at most five), largest first; the largest always."""
    total = sum(counts.values())
    ranked = [language for language, _ in sorted(counts.items(), key=lambda item: (-item[1], item[0]))]
    return [language for index, language in enumerate(ranked) if index == 0 or counts[language] / total >= MIN_SHARE][
        :MAX_LANGUAGES
    ]
