"""Markdown lint with the rules the TAG repository applies to assessments.

The TAG's CI runs markdownlint with MD004 off, MD013 at 512 characters with
tables and code blocks exempt, and MD024 for siblings only. PyMarkdown
implements the same rule set, so we configure it the same way.
"""

from __future__ import annotations

from dataclasses import dataclass

from pymarkdown.api import PyMarkdownApi


@dataclass(frozen=True)
class LintFinding:
    line: int
    rule: str
    message: str

    def __str__(self) -> str:
        return f"{self.line}: {self.rule} {self.message}"


def _api() -> PyMarkdownApi:
    api = PyMarkdownApi()
    api.enable_extension_by_identifier("markdown-tables")
    api.enable_extension_by_identifier("markdown-strikethrough")
    api.disable_rule_by_identifier("md004")
    # markdownlint measures headings and code against line_length unless told
    # otherwise; PyMarkdown defaults them to 80, so all three are set.
    for length in ("line_length", "heading_line_length", "code_block_line_length"):
        api.set_integer_property(f"plugins.md013.{length}", 512)
    api.set_boolean_property("plugins.md013.tables", False)
    api.set_boolean_property("plugins.md013.code_blocks", False)
    api.set_boolean_property("plugins.md024.siblings_only", True)
    return api


def lint_markdown(text: str) -> list[LintFinding]:
    """Lint findings for one Markdown document, in line order."""
    result = _api().scan_string(text)
    findings = [
        LintFinding(failure.line_number, failure.rule_id.upper(), failure.rule_description)
        for failure in result.scan_failures
    ]
    return sorted(findings, key=lambda finding: (finding.line, finding.rule))
