"""Write the index as a Markdown listing: packages by state, then by security provider and by language.

Every value from a package is data: it is escaped so that a pipe, a newline,
HTML or a link in it shows literally and never breaks a table. Links to the
documents are relative to the listing's own folder.
"""

from __future__ import annotations

import os
import re
from collections.abc import Callable
from functools import cache
from pathlib import Path
from typing import Any
from urllib.parse import quote

from tssa.index.build import STATE_TITLES, STATES, index_counts
from tssa.terminal import printable

# The line that marks a listing as ours: only a file holding it is ever overwritten.
MARKER = "<!-- This listing is written by `tssa index`: change the packages, then run it again. -->"
TITLE = "Security assessments"
DOCUMENT_NAMES = {"self-assessment": "self-assessment", "joint-assessment": "joint assessment", "readme": "README"}

# A value longer than this is cut in the listing, so a line stays under the TAG lint's 512 characters.
SHOWN_LENGTH = 120

_ESCAPED = re.compile(r"([\\`*_\[\]<>|~&!#{}])")
_BARE_URL = re.compile(r"(?i)\b(https?|ftp)://|\bwww\.")
_HEADING_END = re.compile(r"(?<![.,;:!\s\\])[.,;:!\s\\]+$")  # from a run's start only: each run read once
_WEB_URL = re.compile(r"^https?://[^\s<>]+$", re.IGNORECASE)
_GITHUB_ISSUE = re.compile(r"^https://github\.com/([^/\s]+)/([^/\s]+)/(?:issues|pull)/(\d+)/?$", re.IGNORECASE)


def text(value: str, limit: int = SHOWN_LENGTH) -> str:
    """Literal text for Markdown inline content: one line, control characters shown as escapes, every markup
    character escaped, and cut to `limit` characters (the JSON keeps the whole value)."""
    flat = printable(" ".join(value.split()))
    if len(flat) > limit:
        flat = flat[: limit - 1].rstrip() + "\u2026"
    escaped = _ESCAPED.sub(r"\\\1", flat)
    return _BARE_URL.sub(lambda match: match.group(0).replace(":", "\\:").replace(".", "\\."), escaped)


def link(label: str, destination: str) -> str:
    """A Markdown link whose target may hold spaces or brackets; the label is escaped as text."""
    return f"[{text(label)}](<{destination}>)"


def web_link(label: str, url: str | None) -> str:
    """A link to a web address, or the label alone when the address is not http(s)."""
    if url and _WEB_URL.match(url):
        return link(label, url.replace("<", "%3C").replace(">", "%3E"))
    return text(label)


def relative_link(target: Path | str, base: Path | str, folder: bool = False) -> str:
    """A relative URL from the folder `base` to `target`, percent-encoded."""
    return _relative_link(os.fspath(target), os.fspath(base), folder)


@cache  # the listing links to each package from several groups, and the page again: each worked out once
def _relative_link(target: str, base: str, folder: bool) -> str:
    relative = Path(os.path.relpath(target, base)).as_posix()
    # A name's bytes that are not UTF-8 (kept as surrogate escapes) are percent-encoded as the bytes they are.
    return quote(relative.encode("utf-8", "surrogateescape"), safe="/") + (
        "/" if folder and not relative.endswith("/") else ""
    )


def issue_label(url: str) -> str:
    match = _GITHUB_ISSUE.match(url)
    return f"{match.group(1)}/{match.group(2)}#{match.group(3)}" if match else "issue"


def percent(document: dict[str, Any]) -> int:
    return round(100 * float(document["completeness"]))


def value_or_text(fact: dict[str, Any] | None) -> str:
    """A fact shown as its normalised value, else as written."""
    if fact is None:
        return ""
    value = fact["value"]
    if value is None:
        return str(fact["text"])
    if isinstance(value, list):
        return ", ".join(str(item) for item in value)
    if isinstance(value, bool):
        return "yes" if value else "no"
    return str(value)


def maturity(record: dict[str, Any]) -> str:
    return value_or_text(record["maturity"])


def completed(record: dict[str, Any]) -> str:
    readme = record["readme"]
    return value_or_text(readme["completed"]) if readme else ""


def tracking_issue(record: dict[str, Any]) -> tuple[str, str | None]:
    """The tracking issue's label and address (None when the package gives no address)."""
    readme = record["readme"]
    fact = readme["tracking_issue"] if readme else None
    if fact is None:
        return "", None
    if fact["value"]:
        return issue_label(fact["value"]), fact["value"]
    return str(fact["text"]), None


def languages(record: dict[str, Any]) -> list[str]:
    fact = record["metadata"]["languages"]
    return list(fact["value"]) if fact and fact["value"] else []


PROVIDER_ORDER = ("Security providers", "Not security providers", "Not stated")


def provider(record: dict[str, Any]) -> str:
    fact = record["metadata"]["security_provider"]
    if fact is None or fact["value"] is None:
        return "Not stated"
    return "Security providers" if fact["value"] else "Not security providers"


def render_listing(index: dict[str, Any], root: Path, listing: Path) -> str:
    """The Markdown listing of an index built from `root`, with links relative to `listing`."""
    base = listing.resolve().parent
    root = root.resolve()
    records: list[dict[str, Any]] = index["packages"]
    counts = index_counts(index)
    lines = [f"# {TITLE}", "", MARKER, ""]
    summary = ", ".join(f"{counts[state]} {STATE_TITLES[state].lower()}" for state in STATES)
    noun = "package" if len(records) == 1 else "packages"
    lines += [f"{len(records)} {noun}: {summary}.", ""]
    for state in STATES:
        lines += [f"## {STATE_TITLES[state]}", ""]
        rows = [record for record in records if record["state"] == state]
        if not rows:
            lines += ["None.", ""]
            continue
        lines += [
            "| Project | Maturity | Completed | Last change | Documents | Tracking issue |",
            "| --- | --- | --- | --- | --- | --- |",
        ]
        lines += [_row(record, root, base) for record in rows]
        lines.append("")
    lines += _groups("By security provider", records, root, base, lambda record: [provider(record)], PROVIDER_ORDER)
    lines += _groups("By language", records, root, base, lambda record: languages(record) or ["Not stated"])
    if index["problems"]:
        lines += ["## Problems", ""]
        lines += [f"- {text(problem['path'])}: {text(problem['message'])}" for problem in index["problems"]]
        lines.append("")
    return "\n".join(lines).rstrip("\n") + "\n"


def _row(record: dict[str, Any], root: Path, base: Path) -> str:
    project = link(record["project"]["value"], relative_link(os.path.join(root, record["path"]), base, folder=True))
    documents = ", ".join(
        f"{link(DOCUMENT_NAMES[document['document']], relative_link(os.path.join(root, document['path']), base))} "
        f"{percent(document)}%"
        for document in record["documents"]
    )
    label, url = tracking_issue(record)
    cells = [
        project,
        text(maturity(record)),
        text(completed(record)),
        text(record["last_change"] or ""),
        documents,
        web_link(label, url) if label else "",
    ]
    # An empty cell is one space wide: markdownlint's table style (MD060) counts the padding.
    return "|" + "|".join(f" {cell} " if cell else " " for cell in cells) + "|"


def _groups(
    title: str,
    records: list[dict[str, Any]],
    root: Path,
    base: Path,
    keys: Callable[[dict[str, Any]], list[str]],
    order: tuple[str, ...] = (),
) -> list[str]:
    groups: dict[str, tuple[str, list[dict[str, Any]]]] = {}
    for record in records:
        for key in keys(record):
            shown = _HEADING_END.sub("", " ".join(str(key).split())) or "Not stated"
            groups.setdefault(shown.casefold(), (shown, []))[1].append(record)
    lines = [f"## {title}", ""]
    if not groups:
        return [*lines, "None.", ""]
    ranks = {name.casefold(): rank for rank, name in enumerate(order)}

    def rank(key: str) -> tuple[int, bool, str]:
        return (ranks.get(key, len(ranks)), key == "not stated", key)

    for _, (shown, members) in sorted(groups.items(), key=lambda item: rank(item[0])):
        lines += [f"### {text(shown)}", ""]
        for record in members:
            target = relative_link(os.path.join(root, record["path"]), base, folder=True)
            lines.append(f"- {link(record['project']['value'], target)} ({STATE_TITLES[record['state']].lower()})")
        lines.append("")
    return lines
