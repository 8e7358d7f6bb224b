"""`tssa adopt` brings hand-written packages under the template without losing or moving a line they have."""

from __future__ import annotations

import re
import shutil
from pathlib import Path

import pytest
import yaml

from tssa.adopt_sections import present_sections
from tssa.check import check_files
from tssa.cli import main
from tssa.markdown import parse
from tssa.outline import document_for_filename
from tssa.package import find_package_files
from updating import (
    NEW_GUIDANCE,
    OLD_GUIDANCE,
    SELF,
    SUPPLY_CHAIN,
    commit,
    edit,
    git,
    make_template,
    release,
    replace_once,
)

FIXTURES = Path(__file__).parent / "fixtures" / "adopt"

# (home, package folder): one per historical shape and odd layout.
PACKAGES = [
    pytest.param("toc", "projects/alpha/security-assessment", id="2024-toc-home"),
    pytest.param("tag", "community/assessments/projects/beta", id="2023-bullets-html-metadata"),
    pytest.param("tag", "community/assessments/projects/gamma", id="2021-joint-review-h1-sections"),
    pytest.param("tag", "community/assessments/projects/delta", id="2019-single-outline-numbered"),
    pytest.param("toc", "projects/theta/security assessment", id="folder-with-space"),
    pytest.param("toc", "projects/kappa/security-assesment", id="misspelled-folder"),
    pytest.param("toc", "projects/iota", id="lone-self-assessment"),
]


@pytest.fixture(scope="session")
def template(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The template at v0.0.1, and v0.0.2 with one more section and reworded guidance."""
    folder = make_template(tmp_path_factory.mktemp("adopt") / "template", "v0.0.1")
    edit(folder, SELF, replace_once("### Ecosystem\n", SUPPLY_CHAIN))
    edit(
        folder,
        SELF,
        replace_once("  - [Ecosystem](#ecosystem)", "  - [Supply chain](#supply-chain)\n  - [Ecosystem](#ecosystem)"),
    )
    edit(folder, SELF, replace_once(OLD_GUIDANCE, NEW_GUIDANCE))
    release(folder, "v0.0.2")
    return folder


def repository(tmp_path: Path, home: str) -> Path:
    """A git repository holding one home of the fixtures, committed."""
    root = tmp_path / "repo"
    shutil.copytree(FIXTURES / home, root)
    git(root, "init", "--quiet", "--initial-branch=main")
    commit(root, "hand-written packages")
    return root


def documents(folder: Path) -> dict[str, list[str]]:
    """The non-blank lines of each Markdown file directly in `folder`, by file name."""
    return {
        path.name: [line for line in path.read_text(encoding="utf-8").splitlines() if line.strip()]
        for path in sorted(folder.glob("*.md"))
    }


def in_order(original: list[str], now: list[str]) -> bool:
    """Every original line is still there, in the same order relative to the others."""
    position = 0
    for line in original:
        try:
            position = now.index(line, position) + 1
        except ValueError:
            return False
    return True


def adopt(path: Path, template: Path, *args: str) -> int:
    return main(["adopt", str(path), "--template", str(template), "--vcs-ref", "v0.0.1", *args])


def _after_name(name: str) -> str:
    return "joint-assessment.md" if name == "joint-review.md" else name


def missing_section_errors(folder: Path) -> list[str]:
    """TSSA101 findings for sections the document does not cover as a bullet or lead-in either.

    A project's own README beside a lone self-assessment is not the package's: not judged.
    """
    left: list[str] = []
    lone = folder.parent.name == "projects"
    files = [
        file
        for file in find_package_files([folder])
        if file.path.parent == folder and not (lone and file.path.name == "README.md")
    ]
    for report in check_files(files):
        parsed = parse(report.file.path.read_text(encoding="utf-8"))
        document = document_for_filename(report.file.path.name) or report.file.document
        topics = {
            key.rsplit("/", 1)[-1] for key, presence in present_sections(document, parsed).items() if presence.as_topic
        }
        for finding in report.findings:
            title = re.search(r'section "(.*)" is missing', finding.message)
            if finding.code == "TSSA101" and title and re.sub(r"[^a-z0-9]+", "-", title.group(1).lower()) not in topics:
                left.append(f"{finding.path.name}:{finding.line}: {finding.message}")
    return left


@pytest.mark.parametrize(("home", "relative"), PACKAGES)
def test_adopting_keeps_every_line_in_order_satisfies_the_outline_and_is_idempotent(
    tmp_path: Path, template: Path, home: str, relative: str, capsys: pytest.CaptureFixture[str]
) -> None:
    root = repository(tmp_path, home)
    package = root / relative
    before = documents(package)

    assert adopt(package, template) == 0
    out = capsys.readouterr().out

    after = documents(package)
    for name, lines in before.items():
        assert in_order(lines, after[_after_name(name)]), f"{name}: an original line is lost or moved"
    assert missing_section_errors(package) == []
    answers = yaml.safe_load((package / ".copier-answers.yml").read_text(encoding="utf-8"))
    assert answers["_commit"] == "v0.0.1" and answers["_src_path"] == str(template)
    assert "Review the changes with `git diff`" in out

    commit(root, "adopted")
    assert adopt(package, template) == 0
    assert "Nothing changed." in capsys.readouterr().out
    assert git(root, "status", "--porcelain") == ""


@pytest.mark.slow
@pytest.mark.parametrize(("home", "relative"), PACKAGES)
def test_an_adopted_package_updates_to_a_newer_version_without_losing_a_line(
    tmp_path: Path, template: Path, home: str, relative: str
) -> None:
    root = repository(tmp_path, home)
    package = root / relative
    before = documents(package)
    assert adopt(package, template) == 0
    commit(root, "adopted")

    assert main(["update", str(package)]) == 0

    after = documents(package)
    for name, lines in before.items():
        now = after[_after_name(name)]
        assert [line for line in lines if line not in now] == [], name
        assert not [line for line in now if line.startswith(("<<<<<<<", ">>>>>>>"))], name
    assert "_commit: v0.0.2" in (package / ".copier-answers.yml").read_text(encoding="utf-8")
    assert git(root, "ls-files", "--unmerged") == ""
