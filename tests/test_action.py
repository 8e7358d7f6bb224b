"""The GitHub Action (`action.yml`): its check step, run here as the runner runs it.

The runner substitutes `${{ inputs.* }}` into each step's `env` and runs the
step's script with bash; these tests do the same with a summary file in
tmp_path, then read the annotations and the summary table a pull request shows.
"""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest
import yaml

from conftest import TEMPLATE_ROOT


def action() -> dict[str, Any]:
    loaded = yaml.safe_load((TEMPLATE_ROOT / "action.yml").read_text(encoding="utf-8"))
    assert isinstance(loaded, dict)
    return loaded


def run_step(step_id: str, inputs: dict[str, str], tmp_path: Path) -> tuple[subprocess.CompletedProcess[str], Path]:
    spec = action()
    defaults = {name: str(value.get("default", "")) for name, value in spec["inputs"].items()}
    given = {**defaults, **inputs}
    step = next(step for step in spec["runs"]["steps"] if step.get("id") == step_id)
    env = {
        name: re.sub(r"\$\{\{\s*inputs\.([\w-]+)\s*\}\}", lambda match: given[match.group(1)], str(value))
        for name, value in step.get("env", {}).items()
    }
    summary, output = tmp_path / "summary.md", tmp_path / "output.txt"
    environment = {
        **os.environ,
        **env,
        "GITHUB_ACTION_PATH": str(TEMPLATE_ROOT),
        "GITHUB_STEP_SUMMARY": str(summary),
        "GITHUB_OUTPUT": str(output),
        "PATH": f"{Path(sys.executable).parent}{os.pathsep}{os.environ['PATH']}",
    }
    assert step["shell"] == "bash"
    finished = subprocess.run(
        ["bash", "-c", step["run"]], cwd=tmp_path, env=environment, capture_output=True, text=True, timeout=120
    )
    return finished, summary


@pytest.fixture
def broken_package(default_package: Path, tmp_path: Path) -> Path:
    """The example package in the TOC's layout, with a conflict left in and the Software row gone."""
    package = tmp_path / "projects" / "flibble" / "security-assessment"
    shutil.copytree(default_package, package)
    document = package / "self-assessment.md"
    text = document.read_text(encoding="utf-8")
    text = text.replace("| Software |", "| Source |", 1)
    document.write_text(text + "\n<<<<<<< before updating\nmine\n=======\ntheirs\n>>>>>>> after updating\n")
    return package


def test_the_check_step_annotates_each_finding_and_fails(broken_package: Path, tmp_path: Path) -> None:
    finished, summary = run_step("check", {"paths": "projects/"}, tmp_path)
    assert finished.returncode == 1, finished.stderr
    annotations = [line for line in finished.stdout.splitlines() if line.startswith("::")]
    errors = [line for line in annotations if line.startswith("::error ")]
    document = "projects/flibble/security-assessment/self-assessment.md"
    assert any(f"file={document}," in line and "TSSA402" in line for line in errors), annotations
    assert any("TSSA202" in line for line in errors), annotations
    assert all(re.match(r"::(error|warning|notice) file=[^,]+,line=\d+", line) for line in annotations)
    assert (tmp_path / "output.txt").read_text(encoding="utf-8") == "exit-code=1\n"

    table = summary.read_text(encoding="utf-8")
    assert "| TSSA402 |" in table or "TSSA402" in table
    rows = [line for line in table.splitlines() if line.startswith("|")]
    assert len(rows) >= 2 + len(annotations)  # header, separator, a row per finding


def test_inputs_reach_tssa_check(broken_package: Path, tmp_path: Path) -> None:
    finished, _ = run_step("check", {"paths": "projects/", "ignore": "TSSA1,TSSA2,TSSA402"}, tmp_path)
    assert finished.returncode == 0, finished.stdout + finished.stderr
    assert "TSSA402" not in finished.stdout

    strict, _ = run_step("check", {"paths": "projects/", "ignore": "TSSA2,TSSA402", "strict": "true"}, tmp_path)
    assert strict.returncode == 1  # the unfilled sections are warnings, and strict fails on them


def test_a_path_that_holds_no_package_fails_the_step(tmp_path: Path) -> None:
    (tmp_path / "empty").mkdir()
    finished, _ = run_step("check", {"paths": "empty"}, tmp_path)
    assert finished.returncode == 2
    assert "holds no" in finished.stderr


def test_the_outline_input_fails_an_older_document(tmp_path: Path) -> None:
    shutil.copytree(TEMPLATE_ROOT / "tests" / "fixtures" / "check" / "shape-2021" / "community", tmp_path / "community")
    finished, _ = run_step("check", {"paths": "community/", "outline": "2023", "select": "TSSA109"}, tmp_path)
    annotations = [line for line in finished.stdout.splitlines() if line.startswith("::error ")]
    assert finished.returncode == 1
    assert annotations and all("TSSA109" in line for line in annotations)
