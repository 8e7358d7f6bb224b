"""`tssa adopt` brings hand-written packages under the template without losing or moving a line they have."""

from __future__ import annotations

import re
import shutil
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path

import pytest
import yaml

from tssa.cli import main
from tssa.reading.findings import check_files
from tssa.reading.markdown import parse
from tssa.reading.package import find_package_files
from updating import add_section_and_reword, commit, git, make_template, release

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
    add_section_and_reword(folder)
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
    """The missing-section errors and missing-topic warnings `tssa check` gives the package's documents.

    A project's own README beside a lone self-assessment is not the package's: not judged.
    """
    lone = folder.parent.name == "projects"
    files = [
        file
        for file in find_package_files([folder])
        if file.path.parent == folder and not (lone and file.path.name == "README.md")
    ]
    return [
        f"{finding.path.name}:{finding.line}: {finding.message}"
        for report in check_files(files)
        for finding in report.findings
        if finding.code in ("TSSA101", "TSSA106")
    ]


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
    # The new version's section arrives where the document has its parent under the current name.
    titles = [heading.text for heading in parse((package / "self-assessment.md").read_text(encoding="utf-8")).headings]
    if "Secure development practices" in titles:
        assert "Supply chain" in titles


# ---------------------------------------------------------------- answers


def test_answers_are_normalised_only_when_clear_and_each_names_its_source(
    tmp_path: Path, template: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    root = repository(tmp_path, "tag")
    gamma = root / "community/assessments/projects/gamma"
    alpha_root = repository(tmp_path / "toc", "toc")
    alpha = alpha_root / "projects/alpha/security-assessment"

    assert adopt(alpha, template) == 0
    assert adopt(gamma, template) == 0
    out = capsys.readouterr().out

    alpha_answers = yaml.safe_load((alpha / ".copier-answers.yml").read_text(encoding="utf-8"))
    assert alpha_answers["assessment_stage"] == "Incomplete"  # "Incomplete."
    assert alpha_answers["security_provider"] is False  # "No. The primary function is ..."
    assert alpha_answers["languages"] == ["Go", "TypeScript"]
    assert alpha_answers["security_contact"] == "security@alpha.dev"
    assert alpha_answers["completed_date"] == "2024-03-12"
    assert alpha_answers["cncf_maturity"] == "incubating"
    assert alpha_answers["security_reviewers"] == "Ada Lovelace, Grace Hopper"
    assert alpha_answers["channel_outbound"] == "The alpha-announce list."
    assert "assessment_stage: 'Incomplete' (self-assessment.md:14)" in out
    assert "security_provider: False (self-assessment.md:16)" in out
    assert "tracking_issue: 'https://github.com/cncf/tag-security/issues/1234' (README.md:36)" in out
    # The team's words stay in the document as written.
    assert "| **Assessment Stage** | Incomplete. |" in (alpha / "self-assessment.md").read_text(encoding="utf-8")

    gamma_answers = yaml.safe_load((gamma / ".copier-answers.yml").read_text(encoding="utf-8"))
    assert gamma_answers["security_provider"] is False  # the default: "Maybe, ..." is not clear
    assert "'Maybe, depending on deployment' (self-assessment.md:8) is not clearly Yes or No" in out
    assert "| Security Provider | Maybe, depending on deployment |" in (gamma / "self-assessment.md").read_text(
        encoding="utf-8"
    )
    questions = set(yaml.safe_load((template / "copier.yml").read_text(encoding="utf-8")))
    for answers in (alpha_answers, gamma_answers):
        assert set(answers) - {"_src_path", "_commit"} <= questions


def test_html_and_free_text_metadata_are_read_and_in_progress_is_incomplete(
    tmp_path: Path, template: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    root = repository(tmp_path, "tag")
    beta = root / "community/assessments/projects/beta"
    delta = root / "community/assessments/projects/delta"
    assert adopt(beta, template) == 0
    assert adopt(delta, template) == 0
    out = capsys.readouterr().out
    assert "assessment_stage: 'Incomplete' (self-assessment.md:6)" in out  # "In Progress", in an HTML table
    assert "languages: ['C', 'Go'] (self-assessment.md:7)" in out  # a "* Languages: C, Go" bullet
    answers = yaml.safe_load((beta / ".copier-answers.yml").read_text(encoding="utf-8"))
    assert answers["assessment_stage"] == "Incomplete"
    assert answers["security_provider"] is True


# ---------------------------------------------------------------- documents and sections


def test_joint_review_is_renamed_with_git_mv_and_its_content_is_untouched_in_the_index(
    tmp_path: Path, template: Path
) -> None:
    root = repository(tmp_path, "tag")
    gamma = root / "community/assessments/projects/gamma"
    original = (gamma / "joint-review.md").read_text(encoding="utf-8")

    assert adopt(gamma, template) == 0

    assert not (gamma / "joint-review.md").exists()
    status = git(root, "status", "--porcelain")
    assert "R  community/assessments/projects/gamma/joint-review.md -> " in status.replace("RM ", "R  ")
    staged = git(root, "show", ":community/assessments/projects/gamma/joint-assessment.md")
    assert staged == original


def test_missing_sections_get_their_guide_at_their_place_and_topics_get_no_heading(
    tmp_path: Path, template: Path
) -> None:
    root = repository(tmp_path, "tag")
    beta = root / "community/assessments/projects/beta"
    assert adopt(beta, template) == 0

    text = (beta / "self-assessment.md").read_text(encoding="utf-8")
    headings = [(heading.level, heading.text) for heading in parse(text).headings]
    # Written as bullets and bold lead-ins: covered, no heading added.
    for topic in ("Critical", "Security Relevant", "Development Pipeline", "Communication Channels", "Ecosystem"):
        assert all(title != topic for _, title in headings), topic
    # Added under its parent, right after the section before it in the outline, with its guide.
    titles = [title for _, title in headings]
    at = titles.index("Vulnerability Response Process")
    assert titles[at - 1] == "Responsible Disclosures Process" and titles[at + 1] == "Incident Response"
    assert (4, "Vulnerability Response Process") in headings
    assert (
        "<!-- guide: security-issue-resolution/responsible-disclosures-process/vulnerability-response-process" in text
    )
    # The team's own section stays where it was.
    assert titles.index("Threat notes (our own section)") == titles.index("Incident Response") + 1

    joint = parse((beta / "joint-assessment.md").read_text(encoding="utf-8"))
    joint_titles = [heading.text for heading in joint.headings]
    assert "Target users and use cases" not in joint_titles and "Design" not in joint_titles
    analysis = joint_titles.index("Security analysis")
    assert joint_titles[analysis + 1 : analysis + 3] == ["Attacker motivations", "Predisposing conditions"]


def test_a_document_with_old_names_keeps_them_and_headings_follow_its_levels(tmp_path: Path, template: Path) -> None:
    root = repository(tmp_path, "tag")
    gamma = root / "community/assessments/projects/gamma"
    assert adopt(gamma, template) == 0
    text = (gamma / "self-assessment.md").read_text(encoding="utf-8")
    headings = [(heading.level, heading.text) for heading in parse(text).headings]
    assert (1, "Self-review use") in headings and (2, "Goal") in headings and (2, "CII Best Practices") in headings
    assert all(title not in ("Goals", "Self-assessment use", "OpenSSF Best Practices") for _, title in headings)
    assert (2, "Security links") in headings  # under "# Metadata"


def test_missing_documents_are_rendered_with_the_answers(tmp_path: Path, template: Path) -> None:
    root = repository(tmp_path, "tag")
    beta = root / "community/assessments/projects/beta"
    assert adopt(beta, template) == 0
    readme = (beta / "README.md").read_text(encoding="utf-8")
    assert readme.startswith("# Beta TAG-Security Security Assessment\n")
    assert "Flibble" not in readme


# ---------------------------------------------------------------- safety


def test_dry_run_prints_every_change_and_changes_nothing(
    tmp_path: Path, template: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    root = repository(tmp_path, "tag")
    gamma = root / "community/assessments/projects/gamma"
    before = {path: path.read_bytes() for path in gamma.iterdir()}

    assert adopt(gamma, template, "--dry-run") == 0

    out = capsys.readouterr().out
    assert {path: path.read_bytes() for path in gamma.iterdir()} == before
    assert git(root, "status", "--porcelain") == ""
    assert "rename from" in out and "joint-review.md" in out
    assert "+++ b/" in out and ".copier-answers.yml" in out and "+_commit: v0.0.1" in out
    assert "+## Security links" in out or "+### Security links" in out or "+#### Security links" in out
    assert "Dry run: nothing was changed." in out


def test_a_dirty_working_tree_is_refused(tmp_path: Path, template: Path, capsys: pytest.CaptureFixture[str]) -> None:
    root = repository(tmp_path, "tag")
    gamma = root / "community/assessments/projects/gamma"
    with (gamma / "self-assessment.md").open("a", encoding="utf-8") as stream:
        stream.write("\nNot committed yet.\n")

    assert adopt(gamma, template) == 2

    assert "has uncommitted changes" in capsys.readouterr().err
    assert not (gamma / ".copier-answers.yml").exists() and (gamma / "joint-review.md").exists()


def test_nothing_is_written_when_a_document_cannot_be_read(
    tmp_path: Path, template: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    root = repository(tmp_path, "tag")
    gamma = root / "community/assessments/projects/gamma"
    (gamma / "README.md").write_bytes(b"# Gamma\n\xff\xfe broken\n")
    commit(root, "a README that is not UTF-8")

    assert adopt(gamma, template) == 2

    assert "README.md: is not UTF-8" in capsys.readouterr().err
    assert git(root, "status", "--porcelain") == ""


def test_a_failure_half_way_leaves_the_folder_as_it_was(
    tmp_path: Path, template: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    from tssa.writing import movein

    root = repository(tmp_path, "tag")
    gamma = root / "community/assessments/projects/gamma"
    before = {path.name: path.read_bytes() for path in gamma.iterdir()}
    real = movein._replace
    calls: list[Path] = []

    def failing(path: Path, content: bytes) -> None:
        calls.append(path)
        if len(calls) == 2:
            raise OSError(28, "No space left on device")
        real(path, content)

    monkeypatch.setattr(movein, "_replace", failing)

    assert adopt(gamma, template) == 1

    assert "the folder is as it was" in capsys.readouterr().err
    assert {path.name: path.read_bytes() for path in gamma.iterdir()} == before
    assert git(root, "status", "--porcelain") == ""


# ---------------------------------------------------------------- many packages and odd layouts


def test_all_adopts_every_package_and_continues_past_one_it_cannot(
    tmp_path: Path, template: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    root = repository(tmp_path, "tag")
    projects = root / "community/assessments/projects"
    (projects / "delta/self-assessment.md").write_bytes(b"\x00\x01binary")
    commit(root, "a broken package")

    assert adopt(projects, template, "--all") == 1

    out = capsys.readouterr().out.splitlines()
    lines = {line.split(":")[0].rsplit("/", 1)[-1]: line for line in out if ": " in line}
    assert "adopted: " in lines["beta"] and "adopted: " in lines["gamma"]
    assert "not adopted: " in lines["delta"] and "binary" in lines["delta"]
    assert out[-1] == "adopted 2, already adopted 0, refused 1"
    assert (projects / "beta/.copier-answers.yml").is_file() and (projects / "gamma/.copier-answers.yml").is_file()
    assert not (projects / "delta/.copier-answers.yml").exists()


def test_odd_layouts_are_reported_and_renamed_only_when_asked(
    tmp_path: Path, template: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    root = repository(tmp_path, "toc")
    projects = root / "projects"

    assert adopt(projects, template, "--all") == 0
    out = capsys.readouterr().out
    assert "'security assessment' has a space" in out and "'security-assesment' is misspelled" in out
    assert "a lone self-assessment at the project's root" in out
    assert (projects / "theta/security assessment/.copier-answers.yml").is_file()
    # The project's own README beside a lone self-assessment is not touched.
    assert git(root, "diff", "--", "projects/iota/README.md") == ""

    root = repository(tmp_path / "renamed", "toc")
    projects = root / "projects"
    assert adopt(projects / "theta/security assessment", template, "--rename-folder") == 0
    assert adopt(projects / "iota", template, "--rename-folder") == 0
    assert not (projects / "theta/security assessment").exists()
    assert (projects / "theta/security-assessment/self-assessment.md").is_file()
    assert (projects / "theta/security-assessment/.copier-answers.yml").is_file()
    assert (projects / "iota/security-assessment/self-assessment.md").is_file()
    assert (projects / "iota/security-assessment/README.md").is_file()
    assert (projects / "iota/README.md").read_text(encoding="utf-8").startswith("# Iota\n")
    assert not (projects / "iota/self-assessment.md").exists()


def test_crlf_documents_keep_their_line_endings(tmp_path: Path, template: Path) -> None:
    root = repository(tmp_path, "toc")
    kappa = root / "projects/kappa/security-assesment"
    path = kappa / "self-assessment.md"
    original = path.read_text(encoding="utf-8").replace("\n", "\r\n")
    path.write_bytes(original.encode("utf-8"))
    commit(root, "CRLF")

    assert adopt(kappa, template) == 0

    data = path.read_bytes()
    assert data.startswith(original.encode("utf-8")[: original.index("## Overview")])
    assert b"\n" not in data.replace(b"\r\n", b"")
    assert b"<!-- guide: overview/goals" in data


@pytest.mark.parametrize(
    ("make", "message"),
    [
        pytest.param(lambda root: root / "nowhere", "no such folder", id="missing"),
        pytest.param(lambda root: root / "projects", "holds 4 packages; adopt each folder", id="many"),
        pytest.param(lambda root: root / "projects/iota/self-assessment.md", "a file; give the package's", id="file"),
    ],
)
def test_a_path_that_is_not_one_package_is_one_line(
    tmp_path: Path, template: Path, capsys: pytest.CaptureFixture[str], make: Callable[[Path], Path], message: str
) -> None:
    root = repository(tmp_path, "toc")
    assert adopt(make(root), template) == 2
    err = capsys.readouterr().err
    assert message in err and len(err.strip().splitlines()) == 1
    assert git(root, "status", "--porcelain") == ""


def test_other_subcommands_do_not_load_the_adopt_machinery() -> None:
    code = (
        "import sys; from tssa.cli import build_parser; build_parser().parse_args(['check']); "
        "print(sorted(name for name in sys.modules if name.startswith(('tssa.adopt.', 'tssa.update.', 'copier'))))"
    )
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert result.stdout.strip() == "[]"


def test_the_default_template_is_the_checkout_tssa_runs_from_at_its_newest_tag(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    from tssa.adopt.command import default_template, newest_tag

    source = default_template()
    if source is None:
        pytest.skip("tssa is not installed from a checkout of the template")
    root = repository(tmp_path, "toc")

    assert main(["adopt", str(root / "projects/kappa/security-assesment"), "--dry-run"]) == 0

    out = capsys.readouterr().out
    assert f"+_src_path: {source}" in out
    tag = newest_tag(source)
    # with no release tag copier records the commit it rendered (a hash, or a draft of a dirty tree)
    assert (f"+_commit: {tag}" in out) if tag != "HEAD" else re.search(r"^\+_commit: \S+$", out, re.MULTILINE)


def test_a_linked_document_is_refused_and_nothing_is_written(
    tmp_path: Path, template: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    root = repository(tmp_path, "toc")
    kappa = root / "projects/kappa/security-assesment"
    outside = tmp_path / "outside.md"
    outside.write_text("# Elsewhere\n", encoding="utf-8")
    (kappa / "joint-assessment.md").symlink_to(outside)
    commit(root, "a linked joint assessment")

    assert adopt(kappa, template) == 2

    assert "joint-assessment.md: not a regular file" in capsys.readouterr().err
    assert git(root, "status", "--porcelain") == ""
    assert outside.read_text(encoding="utf-8") == "# Elsewhere\n"
