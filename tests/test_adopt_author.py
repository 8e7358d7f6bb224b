"""A hand-written document stays its author's through `tssa adopt` and `tssa update`: order, levels, nesting, bytes.

Each fixture under `fixtures/author` is one shape real authors write: sections
in their own order (Background after Actors, the README's recommendations
first), headings that only start like an outline name ("Metadata store
requirements ...", "Background Service Worker"), a bold lead-in section with
parts, and the same text stored with a byte-order mark, CRLF, mixed line
endings, a lone CR and no final newline. Each is adopted, committed, updated
to the same version (nothing may change) and to a version that rewords guide
lines, the opening one among them, and adds a section (nothing but those may
change, and nothing may conflict).
"""

from __future__ import annotations

import re
import shutil
import subprocess
from collections.abc import Callable
from pathlib import Path

import pytest
import yaml

from tssa.check.lint import lint_markdown
from tssa.cli import main
from tssa.reading.findings import check_files
from tssa.reading.markdown import parse
from tssa.reading.package import find_package_files
from updating import SUPPLY_CHAIN, commit, edit, git, make_template, release, replace_once

FIXTURES = Path(__file__).parent / "fixtures"
AUTHOR = FIXTURES / "author"
JOINT_REVIEW = FIXTURES / "adopt" / "tag" / "community" / "assessments" / "projects" / "gamma" / "joint-review.md"
SELF = "template/self-assessment.md.jinja"
ABOUT_OLD = 'Each "guide:" comment says what its section needs.'
ABOUT_NEW = 'Each "guide:" comment tells what its section needs.'
BACKGROUND_OLD = "The problem area, for a reviewer who does not know it: what the project"
BACKGROUND_NEW = "The problem area, explained for a reviewer new to it: what the project"


@pytest.fixture(scope="module")
def template(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """v0.0.1, and v0.0.2 with the opening guide and the Background guide reworded and Supply chain added."""
    folder = make_template(tmp_path_factory.mktemp("author") / "template", "v0.0.1")
    edit(folder, SELF, replace_once(ABOUT_OLD, ABOUT_NEW))
    edit(folder, SELF, replace_once(BACKGROUND_OLD, BACKGROUND_NEW))
    edit(folder, SELF, replace_once("### Ecosystem\n", SUPPLY_CHAIN))
    release(folder, "v0.0.2")
    return folder


@pytest.fixture(autouse=True)
def no_outer_repository(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("GIT_CEILING_DIRECTORIES", str(tmp_path))


def repository(tmp_path: Path, packages: dict[str, tuple[str, Callable[[bytes], bytes]]]) -> Path:
    """A committed repository with `projects/<name>` for each package: a fixture folder, its bytes changed."""
    root = tmp_path / "repo"
    for name, (fixture, change) in packages.items():
        folder = root / "projects" / name
        shutil.copytree(AUTHOR / fixture, folder)
        for path in folder.glob("*.md"):
            path.write_bytes(change(path.read_bytes()))
    git(root, "init", "--quiet", "--initial-branch=main")
    commit(root, "hand-written packages")
    return root


def as_is(data: bytes) -> bytes:
    return data


def byte_lines(data: bytes) -> list[bytes]:
    """A file's lines as git and most tools cut them: at LF, each with its ending."""
    return data.splitlines(keepends=True) if b"\r" not in data else re.findall(rb"[^\n]*\n|[^\n]+$", data)


def kept_in_order(before: bytes, after: bytes) -> list[bytes]:
    """The lines of `before` that are not in `after` in their order, byte for byte (none, when all are kept).

    A last line without a line ending may have gained one, when a section was added after it: nothing
    can follow it on a line of its own otherwise.
    """
    lines, position, lost = byte_lines(after), 0, []
    originals = byte_lines(before)
    if originals and not originals[-1].endswith(b"\n") and not after.endswith(originals[-1]):
        originals[-1] += b"\r\n" if b"\r\n" in before else b"\n"
    for line in originals:
        try:
            position = lines.index(line, position) + 1
        except ValueError:
            lost.append(line)
    return lost


def headings(path: Path) -> list[tuple[int, str]]:
    return [(heading.level, heading.text) for heading in parse(path.read_text(encoding="utf-8-sig")).headings]


def missing(folder: Path) -> list[str]:
    """The missing-section errors and missing-topic warnings `tssa check` gives a package."""
    return [
        f"{finding.path.name}:{finding.line}: {finding.message}"
        for report in check_files(find_package_files([folder]))
        for finding in report.findings
        if finding.code in ("TSSA101", "TSSA106")
    ]


def adopt(target: Path, template: Path, *options: str) -> int:
    return main(["adopt", str(target), "--template", str(template), "--vcs-ref", "v0.0.1", *options])


def update(package: Path, version: str) -> int:
    return main(["update", str(package), "--vcs-ref", version])


def snapshot(root: Path) -> dict[str, bytes]:
    return {
        path.relative_to(root).as_posix(): path.read_bytes()
        for path in sorted(root.rglob("*"))
        if path.is_file() and ".git" not in path.relative_to(root).parts
    }


# ---------------------------------------------------------------- the author's order, levels and nesting


def test_a_hand_written_order_and_prefix_traps_stay_through_adopt_and_updates(
    tmp_path: Path, template: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    root = repository(tmp_path, {"quill": ("order", as_is)})
    package = root / "projects" / "quill"
    originals = {path.name: path.read_bytes() for path in package.glob("*.md")}

    assert adopt(package, template) == 0

    for name, data in originals.items():
        assert kept_in_order(data, (package / name).read_bytes()) == [], name
    assert missing(package) == []
    found = headings(package / "self-assessment.md")
    # Metadata and its part are added at the level the document writes their siblings, before the Overview.
    at = found.index((2, "1. Overview"))
    assert found[at - 2 : at] == [(2, "Metadata"), (3, "Security links")]
    # The author's subsections that only start like outline names stay the author's, where they were.
    actors = found.index((3, "Actors"))
    assert found[actors + 1 : actors + 3] == [
        (4, "Metadata store requirements and security context"),
        (5, "Store layout"),
    ]
    background = found.index((3, "Background"))
    assert found[background + 1] == (4, "Background Service Worker")
    assert [title for _, title in found].count("Background") == 1
    assert [title for _, title in found].count("Metadata") == 1
    # Background stays after Actors; the sections the author made top-level stay top-level.
    assert actors < background < found.index((3, "Actions"))
    assert (2, "Goals") in found and (2, "Non-goals") in found
    readme = [title for _, title in headings(package / "README.md")]
    assert readme[1:5] == ["Recommendations", "Recommendations to CNCF", "Recommendations to the project",
                           "Additional recommendations"]  # fmt: skip
    assert readme.index("Background") > readme.index("Additional recommendations")
    answers = yaml.safe_load((package / ".copier-answers.yml").read_text(encoding="utf-8"))
    assert answers["channel_internal"] == "" and "**" not in str(answers)
    # The document names no languages: the table says so, and no example value stands in.
    assert answers["languages"] == []
    assert "| Languages | Not given |" in (package / "self-assessment.md").read_text(encoding="utf-8")
    commit(root, "adopted")
    adopted = snapshot(root)
    capsys.readouterr()

    assert update(package, "v0.0.1") == 0
    assert git(root, "status", "--porcelain") == ""
    assert snapshot(root) == adopted

    assert update(package, "v0.0.2") == 0

    assert "Conflicts to resolve" not in capsys.readouterr().out
    assert git(root, "ls-files", "--unmerged") == ""
    diff = git(root, "diff", "--unified=0", "--", "projects/quill/self-assessment.md")
    removed = [line for line in diff.splitlines() if line.startswith("-") and not line.startswith("---")]
    added = [line[1:] for line in diff.splitlines() if line.startswith("+") and not line.startswith("+++")]
    assert removed == []
    assert [line for line in added if line.strip()] == [line for line in SUPPLY_CHAIN.splitlines()[:-1] if line.strip()]
    assert git(root, "status", "--porcelain").split() == [
        "M", "projects/quill/.copier-answers.yml", "M", "projects/quill/self-assessment.md"
    ]  # fmt: skip
    for name, data in originals.items():
        assert kept_in_order(data, (package / name).read_bytes()) == [], name


def test_a_bold_lead_in_section_gets_its_parts_and_check_finds_nothing_missing(
    tmp_path: Path, template: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    root = repository(tmp_path, {"lantern": ("leadin", as_is)})
    package = root / "projects" / "lantern"
    original = (package / "self-assessment.md").read_bytes()

    assert adopt(package, template) == 0

    out = capsys.readouterr().out
    assert missing(package) == []
    assert kept_in_order(original, (package / "self-assessment.md").read_bytes()) == []
    found = headings(package / "self-assessment.md")
    assert found[:3] == [(1, "Lantern Self-assessment"), (2, "Security links"), (2, "Overview")]
    assert "Background" not in [title for _, title in found] and "Actors" not in [title for _, title in found]
    answers = yaml.safe_load((package / ".copier-answers.yml").read_text(encoding="utf-8"))
    assert answers["channel_internal"] == ""
    assert answers["channel_inbound"] == "GitHub issues" and answers["channel_outbound"] == "the blog"
    assert "channel_internal: '- **Internal:**' (self-assessment.md:25) does not plainly say" in out


def test_what_adopt_adds_passes_the_tag_lint(tmp_path: Path, template: Path) -> None:
    root = repository(tmp_path, {"quill": ("order", as_is), "lantern": ("leadin", as_is)})
    written = {path: path.read_text(encoding="utf-8") for path in root.rglob("self-assessment.md")}
    # The author's own findings, by rule and the text of their line: a double blank line of theirs stays theirs.
    had = {
        path: {(finding.rule, text.split("\n")[finding.line - 1]) for finding in lint_markdown(text)}
        for path, text in written.items()
    }

    assert adopt(root / "projects", template, "--all") == 0

    for path in written:
        lines = path.read_text(encoding="utf-8").split("\n")
        new = [
            f"{finding.line}: {finding.rule} {finding.message}"
            for finding in lint_markdown("\n".join(lines))
            if (finding.rule, lines[finding.line - 1]) not in had[path]
        ]
        assert new == [], path


# ---------------------------------------------------------------- bytes


def nasty(data: bytes) -> bytes:
    """A byte-order mark, CRLF, a lone CR inside a line, trailing spaces, and no final newline."""
    data = data.replace(b"\n", b"\r\n").replace(b"Two reviews for every change.", b"Two reviews\rfor every change.  ")
    return b"\xef\xbb\xbf" + data.rstrip(b"\r\n")


def mixed(data: bytes) -> bytes:
    """LF and CRLF, line by line."""
    lines = data.split(b"\n")
    return b"".join(line + (b"\r\n" if number % 2 else b"\n") for number, line in enumerate(lines[:-1]))


def test_bytes_come_back_exactly_through_adopt_its_dry_run_and_updates(
    tmp_path: Path, template: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    root = repository(tmp_path, {"nasty": ("order", nasty), "mixed": ("order", mixed)})
    shutil.copy(JOINT_REVIEW, root / "projects" / "nasty" / "joint-review.md")
    commit(root, "an old joint review")
    originals = {path: path.read_bytes() for path in root.rglob("*.md") if ".git" not in path.parts}
    patched = tmp_path / "patched"
    shutil.copytree(root, patched)
    monkeypatch.chdir(root)
    before = snapshot(root)

    assert adopt(Path("projects/nasty"), template, "--dry-run", "--patch", str(tmp_path / "adopt.patch")) == 0

    out = capsys.readouterr().out
    diff = (tmp_path / "adopt.patch").read_bytes()
    assert snapshot(root) == before and git(root, "status", "--porcelain") == ""
    assert b"diff --git a/projects/nasty/joint-review.md b/projects/nasty/joint-assessment.md\n" in diff
    # printed, the byte-order mark shows as an escape a reader sees; the patch holds it as it is
    assert " \\ufeff# Quill Self-assessment\r\n" in out and "\ufeff" not in out
    assert b" \xef\xbb\xbf# Quill Self-assessment\r\n" in diff
    assert adopt(root / "projects", template, "--all") == 0
    capsys.readouterr()

    # Every byte the real run changes is in the dry run's diff, which `git apply` takes (the rename included).
    applied = subprocess.run(
        ["git", "apply", "--whitespace=nowarn", "-"],
        cwd=patched,
        input=diff,
        capture_output=True,
        check=False,
    )
    assert applied.returncode == 0, applied.stderr.decode()
    ours = {name: data for name, data in snapshot(root).items() if name.startswith("projects/nasty/")}
    assert {name: data for name, data in snapshot(patched).items() if name.startswith("projects/nasty/")} == ours
    nasty_self = root / "projects" / "nasty" / "self-assessment.md"
    assert nasty_self.read_bytes().startswith(b"\xef\xbb\xbf# Quill")
    assert not nasty_self.read_bytes().endswith(b"\n")
    assert b"Two reviews\rfor every change.  \r\n" in nasty_self.read_bytes()
    for path, data in originals.items():
        now = path if path.exists() else path.with_name("joint-assessment.md")
        assert kept_in_order(data, now.read_bytes()) == [], path
    mixed_self = (root / "projects" / "mixed" / "self-assessment.md").read_bytes()
    assert b"\r\n" in mixed_self and re.search(rb"[^\r]\n", mixed_self)
    commit(root, "adopted")
    adopted = snapshot(root)

    for name in ("nasty", "mixed"):
        assert update(root / "projects" / name, "v0.0.1") == 0
    assert snapshot(root) == adopted

    for name in ("nasty", "mixed"):
        assert update(root / "projects" / name, "v0.0.2") == 0
    assert "Conflicts to resolve" not in capsys.readouterr().out
    assert nasty_self.read_bytes().startswith(b"\xef\xbb\xbf") and not nasty_self.read_bytes().endswith(b"\n")
    assert b"### Supply chain\r\n" in nasty_self.read_bytes()
    for path, data in originals.items():
        now = path if path.exists() else path.with_name("joint-assessment.md")
        assert kept_in_order(data, now.read_bytes()) == [], path
