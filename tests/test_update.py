"""`tssa update` carries a written package to a new template version, losing nothing.

Built the way copier tests itself: a template git repository in tmp_path,
tagged v1; a package copied from it and committed; the author's text written
into every section; the template changed and tagged v2; then the update.
"""

from __future__ import annotations

import re
import shutil
import subprocess
from collections.abc import Callable
from pathlib import Path

import copier
import pytest
import yaml

from conftest import TEMPLATE_ROOT
from tssa.cli import main
from tssa.merge import split_sections
from tssa.outline import document_for_filename

DOCUMENT_NAMES = ("self-assessment.md", "joint-assessment.md", "README.md")


def git(folder: Path, *args: str) -> str:
    return subprocess.run(["git", *args], cwd=folder, check=True, capture_output=True, text=True).stdout


def commit_all(folder: Path, message: str) -> None:
    git(folder, "add", "-A")
    git(folder, "commit", "-q", "-m", message)


@pytest.fixture
def template(tmp_path: Path) -> Path:
    """A copy of this template in its own git repository, tagged v1."""
    folder = tmp_path / "template"
    folder.mkdir()
    for name in ("copier.yml", "template", "extensions"):
        source = TEMPLATE_ROOT / name
        if source.is_dir():
            shutil.copytree(source, folder / name)
        else:
            shutil.copy(source, folder / name)
    git(folder, "init", "-q")
    commit_all(folder, "v1")
    git(folder, "tag", "v1")
    return folder


def release(template: Path, tag: str, change: Callable[[Path], None]) -> None:
    change(template / "template")
    commit_all(template, tag)
    git(template, "tag", tag)


def edit(path: Path, old: str, new: str) -> None:
    text = path.read_text(encoding="utf-8")
    assert old in text, f"{old!r} is not in {path.name}"
    path.write_text(text.replace(old, new, 1), encoding="utf-8")


def generate(template: Path, repository: Path, ref: str) -> Path:
    """A package generated from the template at `ref`, committed in a new repository."""
    repository.mkdir(parents=True, exist_ok=True)
    git(repository, "init", "-q")
    destination = repository / "flibble"
    copier.run_copy(str(template), destination, defaults=True, quiet=True, vcs_ref=ref)
    commit_all(repository, "the package as generated")
    return destination


@pytest.fixture
def package(template: Path, tmp_path: Path) -> Path:
    """A package generated from v1 and committed in its own repository."""
    return generate(template, tmp_path / "repository", "v1")


def write_everywhere(package: Path, names: tuple[str, ...] = DOCUMENT_NAMES) -> dict[str, dict[str, str]]:
    """Add one unique line at the end of every section; return {file: {line: section key}}."""
    written: dict[str, dict[str, str]] = {}
    for name in names:
        path = package / name
        chunks = split_sections(path.read_text(encoding="utf-8"), document_for_filename(name))
        parts = []
        written[name] = {}
        for number, chunk in enumerate(chunks):
            line = f"Author's line {number} of {name}, written under {chunk.key or 'the title'}."
            written[name][line] = chunk.key
            parts.append("".join(chunk.lines).rstrip("\n") + f"\n\n{line}\n\n")
        path.write_text("".join(parts).rstrip("\n") + "\n", encoding="utf-8")
    commit_all(package.parent, "the author writes")
    return written


def assert_every_line_in_its_section(package: Path, written: dict[str, dict[str, str]]) -> None:
    for name, lines in written.items():
        chunks = split_sections((package / name).read_text(encoding="utf-8"), document_for_filename(name))
        where = {line.strip(): chunk.key for chunk in chunks for line in chunk.lines}
        for line, key in lines.items():
            assert line in where, f"{name}: lost {line!r}"
            assert where[line] == key, f"{name}: {line!r} moved from {key!r} to {where[line]!r}"


def run_update(package: Path, capsys: pytest.CaptureFixture[str], *args: str) -> tuple[int, str, str]:
    code = main(["update", str(package), *args])
    out, err = capsys.readouterr()
    return code, out, err


def markers(package: Path) -> list[str]:
    return [
        f"{path.name}:{number}"
        for path in sorted(package.glob("*.md"))
        for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1)
        if re.match(r"^(<<<<<<<|=======|>>>>>>>)( |$)", line)
    ]


def evolve(folder: Path) -> None:
    """v2: a new section, reworded guidance, two sections swapped, a new title line."""
    self_assessment = folder / "self-assessment.md.jinja"
    text = self_assessment.read_text(encoding="utf-8")
    actors, actions, goals = text.index("### Actors"), text.index("### Actions"), text.index("### Goals")
    text = text[:actors] + text[actions:goals] + text[actors:actions] + text[goals:]
    text = text.replace(
        "# {{ inline(project_name) }} Self-assessment", "# Self-assessment of {{ inline(project_name) }}"
    )
    text = text.replace(
        "## Secure development practices\n",
        "## Supply chain\n\n<!-- guide: supply-chain\nHow dependencies are chosen, pinned and checked.\n"
        "end guide: supply-chain -->\n\n## Secure development practices\n",
    )
    self_assessment.write_text(text, encoding="utf-8")
    edit(folder / "self-assessment.md.jinja", "The problem area, for a reviewer who does not know it", "The domain")
    edit(
        folder / "joint-assessment.md.jinja", "How the system works, with most detail", "How it all works, with detail"
    )
    edit(folder / "README.md.jinja", "The design points that matter most", "The few design points that matter")


def test_update_keeps_every_written_line_in_its_section(
    template: Path, package: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    written = write_everywhere(package)
    release(template, "v2", evolve)
    code, out, _ = run_update(package, capsys)
    assert code == 0, out
    assert "updated from template v1 to v2" in out
    assert markers(package) == []
    assert_every_line_in_its_section(package, written)
    text = (package / "self-assessment.md").read_text(encoding="utf-8")
    assert text.startswith("# Self-assessment of Flibble\n")
    assert "## Supply chain" in text
    assert "The domain" in text
    assert text.index("### Actions") < text.index("### Actors")
    assert "How it all works, with detail" in (package / "joint-assessment.md").read_text(encoding="utf-8")
    answers = yaml.safe_load((package / ".copier-answers.yml").read_text(encoding="utf-8"))
    assert answers["_commit"] == "v2"


def test_plain_copier_update_would_have_conflicted(template: Path, package: Path) -> None:
    """Why tssa update merges by section: copier's line merge alone leaves markers here."""
    write_everywhere(package)
    release(template, "v2", evolve)
    copier.run_update(package, defaults=True, overwrite=True, context_lines=3, conflict="inline", quiet=True)
    assert markers(package)


def test_a_real_conflict_is_reported_and_nothing_is_lost(
    template: Path, package: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    path = package / "self-assessment.md"
    edit(path, "The problem area, for a reviewer who does not know it", "Our own words replace the guide")
    written = write_everywhere(package)
    release(template, "v2", evolve)
    code, out, _ = run_update(package, capsys)
    assert code == 1
    conflict_lines = [line.strip() for line in out.splitlines() if line.startswith("  self-assessment.md:")]
    assert conflict_lines, out
    text = path.read_text(encoding="utf-8")
    for entry in conflict_lines:
        number = int(entry.split(":")[1])
        assert text.splitlines()[number - 1].startswith(("<<<<<<<", ">>>>>>>"))
    assert "Our own words replace the guide" in text
    assert "The domain" in text
    for name, lines in written.items():
        text = (package / name).read_text(encoding="utf-8")
        assert [line for line in lines if line not in text] == []


def test_changing_answers_rewrites_metadata_and_personas_but_keeps_text(
    template: Path, package: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    written = write_everywhere(package)
    release(template, "v2", evolve)
    code, out, _ = run_update(
        package,
        capsys,
        "--data",
        "assessment_stage=Complete",
        "--data",
        "security_provider=true",
        "--data",
        "languages=[Go, Rust]",
        "--data",
        "personas=[enterprise_operator, security_administrator, developer, end_user]",
        "--data",
        "term_end_user=Flibble client",
    )
    assert code == 0, out
    self_assessment = (package / "self-assessment.md").read_text(encoding="utf-8")
    assert "| Assessment Stage | Complete |" in self_assessment
    assert "| Security Provider | Yes |" in self_assessment
    assert "| Languages | Go, Rust |" in self_assessment
    assert "| End user | Flibble client |" in (package / "joint-assessment.md").read_text(encoding="utf-8")
    assert_every_line_in_its_section(package, written)
    answers = yaml.safe_load((package / ".copier-answers.yml").read_text(encoding="utf-8"))
    assert answers["languages"] == ["Go", "Rust"]
    assert answers["security_provider"] is True


def test_answers_can_change_without_a_new_template_version(
    template: Path, package: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    written = write_everywhere(package)
    code, out, _ = run_update(package, capsys, "--data", "assessment_stage=Obsolete")
    assert code == 0, out
    assert "| Assessment Stage | Obsolete |" in (package / "self-assessment.md").read_text(encoding="utf-8")
    assert_every_line_in_its_section(package, written)


def test_a_renamed_document_carries_the_authors_text(
    template: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """The path a future rename takes: the outline keeps the old name, tssa update moves the text."""

    def old_name(folder: Path) -> None:
        (folder / "joint-assessment.md.jinja").rename(folder / "joint-review.md.jinja")

    release(template, "v1.1", old_name)
    package = generate(template, tmp_path / "renamed", "v1.1")
    written = write_everywhere(package, ("joint-review.md",))

    def new_name(folder: Path) -> None:
        (folder / "joint-review.md.jinja").rename(folder / "joint-assessment.md.jinja")

    release(template, "v2", new_name)
    code, out, _ = run_update(package, capsys)
    assert code == 0, out
    assert "carried your text from joint-review.md into joint-assessment.md" in out
    assert not (package / "joint-review.md").exists()
    assert_every_line_in_its_section(package, {"joint-assessment.md": written["joint-review.md"]})


def test_a_dropped_document_with_the_authors_text_is_kept(
    template: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    def add_notes(folder: Path) -> None:
        (folder / "notes.md.jinja").write_text("# Notes\n\n## Open points\n", encoding="utf-8")

    release(template, "v1.1", add_notes)
    package = generate(template, tmp_path / "dropped", "v1.1")
    edit(package / "notes.md", "## Open points\n", "## Open points\n\nAsk the TAG about fuzzing.\n")
    commit_all(package.parent, "notes")
    release(template, "v2", lambda folder: (folder / "notes.md.jinja").unlink())
    code, out, _ = run_update(package, capsys)
    assert code == 0, out
    assert "kept notes.md" in out
    assert "Ask the TAG about fuzzing." in (package / "notes.md").read_text(encoding="utf-8")


def test_update_refuses_a_dirty_repository(template: Path, package: Path, capsys: pytest.CaptureFixture[str]) -> None:
    (package / "self-assessment.md").write_text("changed\n", encoding="utf-8")
    code, out, err = run_update(package, capsys)
    assert code == 2
    assert out == ""
    assert "uncommitted changes" in err and err.count("\n") == 1
    assert (package / "self-assessment.md").read_text(encoding="utf-8") == "changed\n"


def test_update_refuses_a_folder_outside_git(
    template: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    folder = tmp_path / "loose"
    copier.run_copy(str(template), folder, defaults=True, quiet=True, vcs_ref="v1")
    code, _, err = run_update(folder, capsys)
    assert code == 2
    assert "is not inside a git repository" in err


def test_update_refuses_a_folder_without_answers(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    code, _, err = run_update(tmp_path, capsys)
    assert code == 2
    assert "no .copier-answers.yml" in err


def test_update_refuses_a_relative_template_path(package: Path, capsys: pytest.CaptureFixture[str]) -> None:
    edit(package / ".copier-answers.yml", "_src_path: /", "_src_path: ./relative/")
    commit_all(package.parent, "relative source")
    code, _, err = run_update(package, capsys)
    assert code == 2
    assert "is relative" in err


def test_bad_data_is_refused_by_name(package: Path, capsys: pytest.CaptureFixture[str]) -> None:
    code, _, err = run_update(package, capsys, "--data", "stage")
    assert code == 2
    assert "--data 'stage': write it as KEY=VALUE" in err
    code, _, err = run_update(package, capsys, "--data", "assessment_stage=Draft")
    assert code == 1
    assert "assessment_stage" in err
    assert git(package.parent, "status", "--porcelain") == ""


def test_an_up_to_date_package_says_so(package: Path, capsys: pytest.CaptureFixture[str]) -> None:
    code, out, _ = run_update(package, capsys)
    assert code == 0
    assert out.splitlines()[0] == "template already at v1; answers applied again"
    assert git(package.parent, "status", "--porcelain") == ""


def test_update_refuses_a_package_with_old_conflict_markers(package: Path, capsys: pytest.CaptureFixture[str]) -> None:
    edit(package / "README.md", "## Summary\n", "## Summary\n\n<<<<<<< before updating\nold\n=======\n")
    commit_all(package.parent, "committed by mistake with a conflict")
    code, _, err = run_update(package, capsys)
    assert code == 2
    assert "README.md:" in err and "conflict marker from an earlier update" in err
