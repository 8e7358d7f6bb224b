"""A version that renames or drops a file, or a section, moves the author's text instead of losing it."""

from __future__ import annotations

from pathlib import Path

import copier
import pytest

from tssa.cli import main
from updating import (
    Key,
    Written,
    conflict_markers,
    copy_working_tree,
    differs_from_fresh,
    edit,
    git,
    make_package,
    make_template,
    missing_or_misplaced,
    release,
    render_version,
    replace_all,
    replace_once,
    written_package,
)


def as_in_2021(template: Path) -> None:
    """An older template: joint-review.md, "Joint-review use", "Hands-on review", "Goal"."""
    old = template / "template" / "joint-review.md.jinja"
    (template / "template" / "joint-assessment.md.jinja").rename(old)
    relative = "template/joint-review.md.jinja"
    edit(template, relative, replace_once("## Joint-assessment use", "## Joint-review use"))
    edit(template, relative, replace_once("\n## Hands-on assessment\n", "\n## Hands-on review\n"))
    edit(template, relative, replace_all("guide: hands-on-assessment", "guide: hands-on-review"))
    own = "template/self-assessment.md.jinja"
    edit(template, own, replace_once("### Goals\n", "### Goal\n"))
    edit(template, own, replace_all("guide: overview/goals", "guide: overview/goal"))
    edit(template, own, replace_once("[Goals](#goals)", "[Goal](#goal)"))


def now_called(key: Key) -> Key:
    """Where a section of the 2021-style package lives in today's package."""
    name, path = key
    if name == "self-assessment.md":
        return name, tuple("goals" if part == "goal" else part for part in path)
    renamed = {"joint-review-use": "joint-assessment-use", "hands-on-review": "hands-on-assessment"}
    return "joint-assessment.md" if name == "joint-review.md" else name, tuple(renamed.get(part, part) for part in path)


@pytest.fixture
def old_package(tmp_path: Path) -> Written:
    """A package from the 2021-style template, written in everywhere; the template then moves to today's."""
    template, package, written = written_package(tmp_path, older=as_in_2021)
    assert (package / "joint-review.md").exists()
    copy_working_tree(template)
    release(template, "v0.0.2")
    return template, package, written


def test_a_renamed_file_and_renamed_sections_carry_the_text(
    old_package: Written, capsys: pytest.CaptureFixture[str]
) -> None:
    template, package, written = old_package

    assert main(["update", str(package)]) == 0

    assert not (package / "joint-review.md").exists()
    assert "joint-assessment.md" in git(package, "diff", "--name-only").split()  # `git diff` shows the new file
    assert missing_or_misplaced(package, written, {key: now_called(key) for key in written}) == []
    assert conflict_markers(package) == []
    assert differs_from_fresh(package, render_version(template, "v0.0.2", package.parent / "fresh"), written) == []
    assert "note: joint-review.md is now joint-assessment.md" in capsys.readouterr().out


def test_copier_alone_deletes_a_renamed_file_with_the_text_in_it(
    old_package: Written,
) -> None:
    """The problem `tssa update` solves: copier deletes the file and exits happily."""
    _, package, written = old_package
    copier.run_update(package, defaults=True, overwrite=True, quiet=True)
    assert not (package / "joint-review.md").exists()
    joint = (package / "joint-assessment.md").read_text(encoding="utf-8")
    lost = [line for (name, _), lines in written.items() if name == "joint-review.md" for line in lines if line]
    assert lost and not any(line in joint for line in lost)


def _drop_readme(template: Path) -> None:
    (template / "template" / "README.md.jinja").unlink()
    release(template, "v0.0.2")


def test_a_dropped_file_the_authors_wrote_in_is_kept(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    template, package, written = written_package(tmp_path)
    readme = (package / "README.md").read_text(encoding="utf-8")
    _drop_readme(template)

    assert main(["update", str(package)]) == 0

    assert (package / "README.md").read_text(encoding="utf-8") == readme
    assert missing_or_misplaced(package, written) == []
    assert "note: README.md: the new template version no longer has this file" in capsys.readouterr().out
    assert "README.md" not in git(package, "status", "--porcelain")


def test_a_dropped_file_nobody_wrote_in_goes(tmp_path: Path) -> None:
    template = make_template(tmp_path / "template")
    package = make_package(template, tmp_path / "flibble")
    _drop_readme(template)

    assert main(["update", str(package)]) == 0

    assert not (package / "README.md").exists()


def test_a_dropped_section_the_authors_wrote_in_is_kept_in_place(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    template, package, written = written_package(tmp_path)
    openssf = "### OpenSSF Best Practices\n"
    edit(
        template,
        "template/self-assessment.md.jinja",
        lambda text: text[: text.index(openssf)] + text[text.index("### Case Studies\n") :],
    )
    edit(
        template,
        "template/self-assessment.md.jinja",
        replace_once("  - [OpenSSF Best Practices](#openssf-best-practices)\n", ""),
    )
    release(template, "v0.0.2")

    assert main(["update", str(package)]) == 0

    assert missing_or_misplaced(package, written) == []
    assert conflict_markers(package) == []
    text = (package / "self-assessment.md").read_text(encoding="utf-8")
    assert text.index("### Known Issues Over Time") < text.index(openssf) < text.index("### Case Studies")
    assert "no longer has the section '### OpenSSF Best Practices'" in capsys.readouterr().out


def as_in_v0_1_0(template: Path) -> None:
    """Template v0.1.0: the names and keys before the guide's own names of 0.2.0."""
    joint, readme, own = (
        "template/joint-assessment.md.jinja",
        "template/README.md.jinja",
        "template/self-assessment.md.jinja",
    )
    text = (template / joint).read_text(encoding="utf-8")
    start, end = text.index("## Table of Contents\n"), text.index("## Metadata\n")
    (template / joint).write_text(text[:start] + text[end:], encoding="utf-8")
    edit(
        template, joint, replace_once("#### Security functions and features\n", "### Security functions and features\n")
    )
    edit(template, joint, replace_all("project-design/functions-and-features/security", "project-design/security"))
    edit(template, joint, replace_once("### Hands-on assessment result\n", "### Result\n"))
    edit(template, joint, replace_all("hands-on-assessment/hands-on-assessment-result", "hands-on-assessment/result"))
    text = (template / joint).read_text(encoding="utf-8")
    start, end = text.index("### Compliance\n"), text.index("### Existing audits\n")
    (template / joint).write_text(text[:start] + text[end:], encoding="utf-8")
    edit(template, own, replace_all("guide: appendix/best-practices", "guide: appendix/openssf-best-practices"))
    edit(template, readme, replace_once("TAG-Security Security Assessment", "Joint Security Assessment"))
    edit(template, readme, replace_once("### CNCF recommendations", "### Recommendations to CNCF"))
    edit(
        template, readme, replace_all("recommendations/cncf-recommendations", "recommendations/recommendations-to-cncf")
    )
    edit(template, readme, replace_once("### Project recommendations", "### Recommendations to the project"))
    edit(
        template,
        readme,
        replace_all("recommendations/project-recommendations", "recommendations/recommendations-to-the-project"),
    )
    edit(template, readme, replace_once("Tracking issue: {{", "## Tracking issue\n\n{{"))


MOVED_IN_0_2_0: dict[Key, Key] = {
    ("joint-assessment.md", ("hands-on-assessment", "result")): (
        "joint-assessment.md",
        ("hands-on-assessment", "hands-on-assessment-result"),
    ),
    ("joint-assessment.md", ("project-design", "security-functions-and-features")): (
        "joint-assessment.md",
        ("project-design", "functions-and-features", "security-functions-and-features"),
    ),
    ("README.md", ("recommendations", "recommendations-to-cncf")): (
        "README.md",
        ("recommendations", "cncf-recommendations"),
    ),
    ("README.md", ("recommendations", "recommendations-to-the-project")): (
        "README.md",
        ("recommendations", "project-recommendations"),
    ),
}


def test_a_package_of_v0_1_0_moves_to_the_guides_names_with_its_text(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    template, package, written = written_package(tmp_path, older=as_in_v0_1_0)
    copy_working_tree(template)
    release(template, "v0.0.2")

    assert main(["update", str(package)]) == 0

    assert missing_or_misplaced(package, written, MOVED_IN_0_2_0) == []
    assert conflict_markers(package) == []
    out = capsys.readouterr().out
    assert "no longer has the section '## Tracking issue'" in out  # the author wrote there: kept, and said so
    joint = (package / "joint-assessment.md").read_text(encoding="utf-8")
    assert "### Result\n" not in joint and "## Table of Contents\n" in joint
