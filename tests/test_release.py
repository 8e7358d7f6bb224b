"""The 0.2.0 release as a user lives it: a written 0.1.0 package brought to 0.2.0.

The repository is cloned into a temporary folder; there v0.1.0 is tagged on
its commit (a fresh clone may have no tags) and the working tree's template
is committed on top and tagged v0.2.0. A package made from v0.1.0 gets an
author's text in every section, then is updated twice: once with
`tssa update`, once with plain `copier update`.
"""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import copier
import pytest

from conftest import TEMPLATE_ROOT
from test_distribution import released_commits
from updating import (
    Key,
    commit,
    conflict_markers,
    copy_working_tree,
    git,
    make_package,
    missing_or_misplaced,
    unique_author_text,
    write_into_sections,
)

V010_COMMIT = released_commits()["0.1.0"]
JOINT, README = "joint-assessment.md", "README.md"

# Sections 0.2.0 renames or moves, old heading path to new.
MOVED: dict[Key, Key] = {
    (JOINT, ("hands-on-assessment", "result")): (JOINT, ("hands-on-assessment", "hands-on-assessment-result")),
    (JOINT, ("project-design", "security-functions-and-features")): (
        JOINT,
        ("project-design", "functions-and-features", "security-functions-and-features"),
    ),
    (README, ("recommendations", "recommendations-to-cncf")): (README, ("recommendations", "cncf-recommendations")),
    (README, ("recommendations", "recommendations-to-the-project")): (
        README,
        ("recommendations", "project-recommendations"),
    ),
}
# The README's "## Tracking issue" section became its closing line: text written there ends the README.
DROPPED = {(README, ("tracking-issue",))}

pytestmark = pytest.mark.slow


@pytest.fixture(scope="module")
def template(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A clone of this repository with v0.1.0 and v0.2.0 (the working tree's template) tagged."""
    clone = tmp_path_factory.mktemp("repository") / "copier-tssa"
    git(TEMPLATE_ROOT, "rev-parse", "--verify", f"{V010_COMMIT}^{{commit}}")  # fails clearly in a shallow clone
    git(TEMPLATE_ROOT.parent, "clone", "--quiet", "--no-local", str(TEMPLATE_ROOT), str(clone))
    for tag in git(clone, "tag").split():
        git(clone, "tag", "--delete", tag)
    git(clone, "tag", "v0.1.0", V010_COMMIT)
    copy_working_tree(clone)
    git(clone, "add", "--all")
    git(clone, "commit", "--quiet", "--allow-empty", "-m", "release 0.2.0")
    git(clone, "tag", "v0.2.0")
    return clone


def written(template: Path, folder: Path) -> tuple[Path, dict[Key, list[str]]]:
    package = make_package(template, folder, tag="v0.1.0")
    return package, write_into_sections(package, unique_author_text)


def tssa(*arguments: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "tssa.cli", *arguments], capture_output=True, text=True, timeout=300, check=False
    )


def check_errors(package: Path) -> list[str]:
    report = json.loads(tssa("check", "--format", "json", str(package)).stdout)
    return [
        f"{Path(finding['path']).name}:{finding['line']} {finding['code']} {finding['message']}"
        for document in report["documents"]
        for finding in document["findings"]
        if finding["severity"] == "error"
    ]


def lost_lines(package: Path, text: dict[Key, list[str]]) -> list[str]:
    everything = "\n".join(path.read_text(encoding="utf-8") for path in package.glob("*.md")).splitlines()
    return [line for lines in text.values() for line in lines if line and line not in everything]


def assert_carried(package: Path, text: dict[Key, list[str]]) -> None:
    answers = (package / ".copier-answers.yml").read_text(encoding="utf-8")
    assert "_commit: v0.2.0" in answers
    assert conflict_markers(package) == []
    assert lost_lines(package, text) == []
    kept = {key: lines for key, lines in text.items() if key not in DROPPED}
    assert missing_or_misplaced(package, kept, MOVED) == []
    readme = (package / README).read_text(encoding="utf-8")
    assert readme.startswith("# Flibble TAG-Security Security Assessment\n")
    for new in ("### CNCF recommendations", "### Project recommendations", "Tracking issue: Not yet opened"):
        assert new in readme
    joint = (package / JOINT).read_text(encoding="utf-8")
    for new in ("## Table of Contents", "#### Security functions and features", "### Hands-on assessment result"):
        assert new in joint
    assert check_errors(package) == []


def test_tssa_update_carries_a_written_package_to_0_2_0(template: Path, tmp_path: Path) -> None:
    package, text = written(template, tmp_path / "flibble")
    finished = tssa("update", str(package))
    assert finished.returncode == 0, finished.stdout + finished.stderr
    assert_carried(package, text)


def resolve_as_the_changelog_says(package: Path) -> int:
    """Resolve copier's conflicts as CHANGELOG.md tells a user: keep your text, take the new lines.

    Your side's old headings (the renamed ones) and the old tracking issue line go; the count of
    conflicts is returned.
    """
    count = 0
    for path in sorted(package.glob("*.md")):
        resolved: list[str] = []
        side = ""
        for line in path.read_text(encoding="utf-8").split("\n"):
            if line.startswith("<<<<<<< "):
                side, count = "ours", count + 1
            elif line == "=======" and side == "ours":
                side = "theirs"
            elif line.startswith(">>>>>>> ") and side == "theirs":
                side = ""
            elif side == "ours" and (line.startswith("#") or line == "Not yet opened"):
                continue
            else:
                resolved.append(line)
        path.write_text("\n".join(resolved), encoding="utf-8")
    return count


def test_plain_copier_update_carries_a_written_package_to_0_2_0(
    template: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    package, text = written(template, tmp_path / "flibble")
    copier.run_update(package, defaults=True, overwrite=True, context_lines=3)
    assert "Search the files for conflict markers" in capsys.readouterr().err  # copier says nothing of them
    # Copier exits 0 but leaves conflicts where you wrote at the end of a section whose neighbor the
    # new version renames or adds to; no line of yours is lost on the way.
    assert conflict_markers(package) != []
    assert lost_lines(package, text) == []
    assert resolve_as_the_changelog_says(package) <= 9
    assert_carried(package, text)
    commit(package, "updated")
