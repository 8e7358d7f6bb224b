"""Write a `Report` three ways: the copier answers file, the draft in Markdown, and JSON.

The draft follows the self-assessment's outline: under each section, the
facts (one list item each, ending with links to the lines that prove them),
then what prefill could not settle (`todo:` lines), then `reference:` lines
to the project's documents. Values from the repository are data: code spans,
quotation marks, or autolinks, never Markdown of their own.
"""

from __future__ import annotations

import json
import re
from typing import Any

import yaml

from tssa.prefill.model import TOP, Fact, Part, Report, Section
from tssa.reading.outline import SELF_ASSESSMENT
from tssa.reading.validators import is_email, is_https_url

MAX_LINE = 400  # below the TAG lint's 512, with room for the indent


def answers_yaml(report: Report, checkout_name: str) -> str:
    """The copier data file: a comment on how to use it, then the answers."""
    header = (
        f"# Answers tssa prefill found in the files of {_comment(checkout_name)}. Check each value, then:\n"
        "#   copier copy --data-file answers.yml TEMPLATE DESTINATION\n"
        "# Questions not answered here are asked as usual. draft.md gives the evidence for each one.\n"
    )
    body = yaml.safe_dump(report.answers, sort_keys=False, allow_unicode=True, width=10_000)
    return header + body


def _comment(text: str) -> str:
    return "".join(char if char.isprintable() else "\ufffd" for char in text)


def section_order() -> list[tuple[str, ...]]:
    """Every self-assessment section as its path of titles, in document order."""
    paths: list[tuple[str, ...]] = []
    stack: list[str] = []
    for walked in SELF_ASSESSMENT.walk():
        del stack[walked.level - 2 :]
        stack.append(walked.section.title)
        paths.append(tuple(stack))
    return paths


def draft_markdown(report: Report) -> str:
    """The draft: facts, to-dos and references under the sections they inform, in document order, then the summary."""
    commit = f" at commit `{report.commit[:12]}`" if report.commit and report.evidence_base else ""
    blocks = [
        f"# {_inline(report.project_name)} self-assessment: draft",
        "todo: each statement below ends with links to the lines of the repository that prove it"
        f"{commit}. Move what is true into self-assessment.md, write the rest, then delete this file.",
    ]
    facts: dict[Section, list[Fact]] = {}
    for fact in ordered_facts(report):
        facts.setdefault(fact.section, []).append(fact)
    notes: dict[Section, list[str]] = {}
    for note in report.notes:
        notes.setdefault(note.section, []).append(render_parts(note.parts))
    top = _section_blocks(report, facts.get(TOP, []), notes.get(TOP, []), report.references.get(TOP, []))
    blocks.extend(top)
    written: set[Section] = set()
    for path in section_order():
        content = _section_blocks(report, facts.get(path, []), notes.get(path, []), report.references.get(path, []))
        if not content:
            continue
        for depth in range(1, len(path) + 1):
            if path[:depth] not in written:
                written.add(path[:depth])
                blocks.append(f"{'#' * (depth + 1)} {path[depth - 1]}")
        blocks.extend(content)
    blocks += ["## What prefill found", summary_table(report)]
    return "\n\n".join(blocks) + "\n"


def ordered_facts(report: Report) -> list[Fact]:
    """The facts in the draft's order: by section in the outline's order, then as found."""
    order = {path: index for index, path in enumerate([TOP, *section_order()])}
    return sorted(report.facts, key=lambda fact: order.get(fact.section, len(order)))


def _section_blocks(report: Report, facts: list[Fact], notes: list[str], references: list[str]) -> list[str]:
    blocks: list[str] = []
    if facts:
        blocks.append("\n".join(_fact_item(report, fact) for fact in facts))
    if notes:
        blocks.append("\n".join(f"todo: {note}" for note in notes))
    if references:
        blocks.append("\n".join(_reference(value) for value in references))
    return blocks


def _fact_item(report: Report, fact: Fact) -> str:
    """A list item: the sentence, then its evidence links, wrapped so no line is too long for the lint."""
    lines = [f"- {render_parts(fact.parts)}"]
    for evidence in fact.evidence:
        address = report.evidence_url(evidence)
        shown = f"{evidence.path}:{evidence.line}"
        piece = f"[{_link_text(shown)}]({address})" if address else _code(shown)
        if len(lines[-1]) + 1 + len(piece) <= MAX_LINE:
            lines[-1] += " " + piece
        else:
            lines.append("  " + piece)
    return "\n".join(lines)


def render_parts(parts: tuple[Part, ...]) -> str:
    """A sentence in Markdown: our words as they are, values from the repository made safe."""
    out: list[str] = []
    for part in parts:
        if part.kind == "text":
            out.append(part.text)
        elif part.kind == "url":
            out.append(f"<{part.text}>" if is_https_url(part.text) else _code(part.text))
        elif part.kind == "quote":
            risky = re.search(r"://|www\.|@", part.text)
            out.append(_code(part.text) if risky else f"“{_inline(part.text)}”")
        else:
            out.append(_code(part.text))
    return "".join(out)


def summary_table(report: Report) -> str:
    """A Markdown table: what was looked for, where it was found (or not), what it became."""
    out = ["| found | where | becomes |", "| --- | --- | --- |"]
    for what, where, becomes in report.rows:
        shown = where if where in ("not found", "none", "none found") else _code(where, in_table=True)
        out.append(f"| {what} | {shown} | {becomes or '-'} |")
    return "\n".join(out)


def report_json(report: Report) -> str:
    """The report as JSON: answers, facts with evidence (path, line, link), to-dos, the summary and problems."""
    data: dict[str, Any] = {
        "project_name": report.project_name,
        "repository": report.repository,
        "commit": report.commit,
        "branch": report.branch,
        "answers": report.answers,
        "facts": [
            {
                "section": list(fact.section),
                "practice": fact.practice,
                "sentence": fact.sentence,
                "evidence": [
                    {"path": item.path, "line": item.line, "url": report.evidence_url(item)} for item in fact.evidence
                ],
                **({"field": fact.field, "value": fact.value, "in_answers": fact.answered} if fact.field else {}),
            }
            for fact in ordered_facts(report)
        ],
        "todo": [{"section": list(note.section), "text": note.text} for note in report.notes],
        "references": [{"section": list(section), "links": links} for section, links in report.references.items()],
        "found": [{"what": what, "where": where, "becomes": becomes} for what, where, becomes in report.rows],
        "problems": report.problems,
    }
    return json.dumps(data, indent=2, ensure_ascii=False)


def _reference(value: str) -> str:
    # An autolink, so the draft passes markdownlint (no bare URLs).
    if is_https_url(value) or (value.startswith("mailto:") and is_email(value.removeprefix("mailto:"))):
        return f"reference: <{value}>"
    return f"reference: {_code(value)}"


def _code(text: str, in_table: bool = False) -> str:
    """Text from the checkout as a code span on one line; control characters as \ufffd, pipes escaped in tables."""
    text = "".join(char if char.isprintable() else "\ufffd" for char in " ".join(text.split()))
    if in_table:
        text = text.replace("|", "\\|")
    longest = max((len(run) for run in re.findall(r"`+", text)), default=0)
    fence = "`" * (longest + 1)
    padding = " " if text.startswith("`") or text.endswith("`") else ""
    return f"{fence}{padding}{text}{padding}{fence}"


def _inline(text: str) -> str:
    text = "".join(char if char.isprintable() else "\ufffd" for char in " ".join(text.split()))
    return re.sub(r"([\\`*_\[\]<>|#{}!~&])", r"\\\1", text)


def _link_text(text: str) -> str:
    """A path and line as a link's words: only what would end or change the link is escaped."""
    text = "".join(char if char.isprintable() else "\ufffd" for char in text)
    pattern = r"([\\`*\[\]<>_])" if "__" in text else r"([\\`*\[\]<>])"
    return re.sub(pattern, r"\\\1", text)
