"""The README is a front page whose quick start works as written, and its pages exist and pass the lint."""

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


def _links(path: Path) -> list[str]:
    return re.findall(r"\]\(([^)#\s]+)(?:#[^)]*)?\)", path.read_text(encoding="utf-8"))


def test_the_readme_is_a_front_page_whose_every_page_exists() -> None:
    readme = TEMPLATE_ROOT / "README.md"
    assert len(readme.read_text(encoding="utf-8").splitlines()) <= 200
    local = [link for link in _links(readme) if "://" not in link]
    pages = {"docs/check.md", "docs/update.md", "docs/adopt.md", "docs/prefill.md", "docs/index.md"}
    assert pages | {"docs/insights.md", "docs/ci.md", "docs/performance.md", "docs/development.md"} <= set(local)
    for page in [readme, *sorted((TEMPLATE_ROOT / "docs").glob("*.md"))]:
        for link in _links(page):
            if "://" not in link:
                assert (page.parent / link).exists(), f"{page.name} links to {link}, which does not exist"


def test_the_docs_pin_the_current_release() -> None:
    import tssa

    current = f"v{tssa.__version__}"
    pins = []
    for page in [TEMPLATE_ROOT / "README.md", *sorted((TEMPLATE_ROOT / "docs").glob("*.md"))]:
        text = page.read_text(encoding="utf-8")
        pins += [
            (page.name, pin) for pin in re.findall(r"(?:\brev: |copier-tssa(?:\.git)?@|--vcs-ref )(v[\d.]+)", text)
        ]
    assert ("ci.md", current) in pins and ("update.md", current) in pins
    assert [pin for pin in pins if pin[1] != current and pin[0] != "releasing.md"] == []
