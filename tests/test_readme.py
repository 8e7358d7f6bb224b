"""The README's quick start works as written."""

from __future__ import annotations

import os
import re
import subprocess
import sys
from pathlib import Path

from conftest import TEMPLATE_ROOT
from tssa.check.lint import lint_markdown


def fenced_command(marker: str) -> str:
    readme = (TEMPLATE_ROOT / "README.md").read_text(encoding="utf-8")
    match = re.search(rf"<!-- {marker} -->\n+```sh\n(?P<command>.+?)\n```", readme, re.DOTALL)
    assert match, f"README.md has no command after <!-- {marker} -->"
    return match.group("command")


def test_quick_start_generates_the_example_package(tmp_path: Path) -> None:
    command = fenced_command("quick-start")
    install, copy = command.split(" && ")
    # Installing the clone brings copier and tssa (the distribution tests prove the install itself).
    assert install == 'pip install "$PWD"'
    destination = tmp_path / "flibble-tssa"
    copy = copy.replace("../flibble-tssa", str(destination))
    environment = dict(os.environ, PATH=f"{Path(sys.executable).parent}{os.pathsep}{os.environ['PATH']}")
    finished = subprocess.run(
        ["bash", "-c", copy], cwd=TEMPLATE_ROOT, env=environment, capture_output=True, text=True, timeout=120
    )
    assert finished.returncode == 0, finished.stderr
    title = (destination / "self-assessment.md").read_text(encoding="utf-8").splitlines()[0]
    assert title == "# Flibble Self-assessment"
    answers = (destination / ".copier-answers.yml").read_text(encoding="utf-8")
    assert f"_src_path: {TEMPLATE_ROOT}" in answers


def test_the_projects_own_markdown_passes_the_lint_it_promises() -> None:
    documents = [
        TEMPLATE_ROOT / "README.md",
        TEMPLATE_ROOT / "CHANGELOG.md",
        *sorted((TEMPLATE_ROOT / "docs").glob("*.md")),
    ]
    findings = {
        path.name: [f"{finding.line}: {finding.rule}" for finding in lint_markdown(path.read_text(encoding="utf-8"))]
        for path in documents
    }
    assert findings == {path.name: [] for path in documents}
