"""Markdown lint with the rules the TAG repository applies to assessments.

The TAG's CI runs markdownlint with MD004 off, MD013 at 512 characters with
tables and code blocks exempt, and MD024 for siblings only. PyMarkdown
implements the same rule set, so we configure it the same way.

PyMarkdown is slow on some input (deep nesting, long lists) and crashes on
other input, so each document is linted in a child process with a size,
time and memory budget; running over it or crashing is a `LintFailedError`.
"""

from __future__ import annotations

import json
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from tssa.errors import TssaError
from tssa.reading.rules import Finding

if TYPE_CHECKING:
    from pymarkdown.api import PyMarkdownApi

# A real assessment (at most about 100 KB) lints in about 10 s on a slow machine;
# PyMarkdown's time grows faster than the size, so larger documents are not tried.
MAX_LINT_BYTES = 200 * 1024
TIME_BUDGET_SECONDS = 30.0
_MEMORY_BUDGET_BYTES = 2 * 1024 * 1024 * 1024


class LintFailedError(TssaError):
    """The linter crashed or ran out of its budget on one document."""


@dataclass(frozen=True)
class LintFinding:
    line: int
    rule: str
    message: str

    def __str__(self) -> str:
        return f"{self.line}: {self.rule} {self.message}"


def _api() -> PyMarkdownApi:
    from pymarkdown.api import PyMarkdownApi

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


def lint_findings(path: Path, text: str) -> list[Finding]:
    """The TAG's lint as check findings: TSSA501 for each, or one TSSA502 when the linter fails."""
    try:
        return [Finding(path, item.line, "TSSA501", f"{item.rule} {item.message}") for item in lint_markdown(text)]
    except LintFailedError as error:
        return [Finding(path, 1, "TSSA502", f"{error}; the other checks ran")]


def lint_markdown(text: str) -> list[LintFinding]:
    """Lint findings for one Markdown document, in line order; `LintFailedError` if the linter fails."""
    if not text.strip():
        return []  # PyMarkdown refuses an empty document; there is nothing to lint in one
    data = text.encode("utf-8", errors="surrogatepass")
    if len(data) > MAX_LINT_BYTES:
        raise LintFailedError(f"not linted: over the linter's {MAX_LINT_BYTES // 1024} KB size budget")
    command = [sys.executable, "-m", "tssa.check.lint", str(_MEMORY_BUDGET_BYTES)]
    try:
        done = subprocess.run(command, input=data, capture_output=True, timeout=TIME_BUDGET_SECONDS, check=False)
    except subprocess.TimeoutExpired:
        raise LintFailedError(f"the linter ran out of its {TIME_BUDGET_SECONDS:g} s time budget") from None
    except OSError as error:
        raise LintFailedError(f"the linter could not be started: {error.strerror or error}") from None
    if done.returncode != 0:
        raise LintFailedError(f"the linter crashed on this document ({_last_error(done.stderr)})")
    try:
        return [LintFinding(int(line), str(rule), str(message)) for line, rule, message in json.loads(done.stdout)]
    except (ValueError, TypeError) as error:
        raise LintFailedError(f"the linter gave output that could not be read ({error})") from None


def _last_error(stderr: bytes) -> str:
    """The exception's name from a child's traceback, never the traceback itself."""
    lines = stderr.decode("utf-8", errors="replace").strip().splitlines()
    last = lines[-1] if lines else ""
    name = last.split(":", 1)[0].strip().rsplit(".", 1)[-1]
    return name if name.isidentifier() else "it stopped with an error"


def _lint_in_this_process(text: str) -> list[LintFinding]:
    result = _api().scan_string(text)
    findings = [
        LintFinding(failure.line_number, failure.rule_id.upper(), failure.rule_description)
        for failure in result.scan_failures
    ]
    return sorted(findings, key=lambda finding: (finding.line, finding.rule))


def _child(memory_budget: int) -> None:
    """The child process: lint the document on stdin, print the findings as JSON."""
    try:
        import resource

        resource.setrlimit(resource.RLIMIT_AS, (memory_budget, memory_budget))
    except (ImportError, ValueError, OSError):
        pass  # no memory limit where the system offers none; the time budget still holds
    text = sys.stdin.buffer.read().decode("utf-8", errors="surrogatepass")
    findings = _lint_in_this_process(text)
    json.dump([[item.line, item.rule, item.message] for item in findings], sys.stdout)


if __name__ == "__main__":
    _child(int(sys.argv[1]))
