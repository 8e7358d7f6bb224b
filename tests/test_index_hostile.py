"""`tssa index`, `insights` and `adopt` on trees a hostile or unlucky user gives them.

Bad answers files, folders nested thousands deep, names and titles carrying
control characters, folders that cannot be listed, outputs that name one file
twice, and repositories whose git config names a program to run: each ends in
a correct result or one clear line, in bounded time, writing only the paths
named.
"""

from __future__ import annotations

import json
import os
import shutil
import stat
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest

from deeptree import make_deep, remove_deep
from tssa.check.lint import lint_findings
from tssa.cli import main
from tssa.reading.files import MAX_DEPTH

pytestmark = pytest.mark.hostile

FIXTURE = Path(__file__).parent / "fixtures" / "index"
TAG = "community/assessments/projects"
TSSA = Path(sys.executable).with_name("tssa")
IDENTITY = ("-c", "user.name=Tess Tester", "-c", "user.email=tess@example.invalid", "-c", "commit.gpgsign=false")
# What must never reach a terminal or a written file raw: ESC, BEL, C1 controls, the right-to-left
# override and a zero-width space.
RAW = ("\x1b", "\x07", "\x85", "\x9b", "\u202e", "\u200b")


@pytest.fixture
def tree(tmp_path: Path) -> Path:
    root = tmp_path / "repo"
    shutil.copytree(FIXTURE, root)
    return root


def run_tssa(
    *args: str | Path, cwd: Path | None = None, prefix: tuple[str, ...] = ()
) -> subprocess.CompletedProcess[str]:
    """`tssa` in a child process, so a hang or a crash fails the test instead of stopping the suite."""
    command = [*prefix, str(TSSA), *map(str, args)]
    return subprocess.run(command, capture_output=True, text=True, timeout=120, check=False, cwd=cwd)


def git(folder: Path, *args: str) -> None:
    subprocess.run(["git", *IDENTITY, *args], cwd=folder, check=True, capture_output=True)


def one_line(text: str) -> str:
    assert text.count("\n") == 1, text
    return text


# Item 2: one bad answers file


BAD_ANSWERS = {
    "impossible-date": ("completed_date: 2023-02-30\n", "line 4: field completed_date: 2023-02-30 is not a valid date"),
    "huge-integer": (f"score: {'9' * 5000}\n", "line 4: field score: is a number of 5,000 digits"),
    "deep-brackets": (f"nested: {'[' * 2000}\n", "is nested deeper than 64 levels"),
    "custom-tag": (
        "project_name: !!python/object:os.system {}\n",
        "field project_name: has the tag tag:yaml.org,2002:python/object:os.system, which is not read",
    ),
}


def bad_answers(kind: str) -> str:
    return "_commit: v0.1.0\n_src_path: https://example.invalid/t.git\nproject_slug: gamma\n" + BAD_ANSWERS[kind][0]


@pytest.mark.parametrize("kind", sorted(BAD_ANSWERS))
def test_one_bad_answers_file_is_the_packages_problem_and_the_index_goes_on(
    tree: Path, capsys: pytest.CaptureFixture[str], kind: str
) -> None:
    gamma = tree / TAG / "gamma"
    (gamma / ".copier-answers.yml").write_text(bad_answers(kind), encoding="utf-8")
    assert main(["index", str(tree)]) == 0
    out = capsys.readouterr().out
    data = json.loads((tree / "index.json").read_text(encoding="utf-8"))
    assert len(data["packages"]) >= 8  # every other package is there
    record = next(record for record in data["packages"] if record["path"] == f"{TAG}/gamma")
    message = next(problem for problem in record["problems"] if problem.startswith(".copier-answers.yml"))
    assert BAD_ANSWERS[kind][1] in message and message.endswith("its answers are not read")
    assert f"{TAG}/gamma: .copier-answers.yml: " in out


@pytest.mark.parametrize("kind", sorted(BAD_ANSWERS))
def test_insights_refuses_a_bad_answers_file_in_one_line(
    tree: Path, capsys: pytest.CaptureFixture[str], kind: str
) -> None:
    gamma = tree / TAG / "gamma"
    (gamma / ".copier-answers.yml").write_text(bad_answers(kind), encoding="utf-8")
    assert main(["insights", str(gamma)]) == 2
    captured = capsys.readouterr()
    assert captured.out == ""
    err = one_line(captured.err)
    assert err.startswith(f"tssa: {gamma / '.copier-answers.yml'}: ") and BAD_ANSWERS[kind][1] in err


@pytest.mark.parametrize("kind", sorted(BAD_ANSWERS))
def test_adopt_refuses_a_bad_answers_file_in_one_line_and_adopt_all_goes_on(
    tree: Path, capsys: pytest.CaptureFixture[str], kind: str
) -> None:
    gamma = tree / TAG / "gamma"
    (gamma / ".copier-answers.yml").write_text(bad_answers(kind), encoding="utf-8")
    git(tree, "init", "-q")
    git(tree, "add", "-A")
    git(tree, "commit", "-q", "-m", "packages")
    template = Path(__file__).resolve().parent.parent
    assert main(["adopt", str(gamma), "--template", str(template), "--vcs-ref", "HEAD", "--dry-run"]) == 2
    err = one_line(capsys.readouterr().err)
    assert BAD_ANSWERS[kind][1] in err and "fix it, commit, and run again" in err
    code = main(["adopt", "--all", str(tree / TAG), "--template", str(template), "--vcs-ref", "HEAD", "--dry-run"])
    out = capsys.readouterr().out
    assert code == 1
    assert f"{TAG}/gamma: not adopted: " in out
    assert "alpha: " in out and "beta: " in out  # the others are adopted (in a dry run)


# Item 3: folders nested thousands deep


@pytest.fixture
def deep(tree: Path) -> Iterator[Path]:
    """The index fixture with 3,000 nested folders beside the packages."""
    make_deep(tree, 3000)
    yield tree
    remove_deep(tree)


def test_three_thousand_nested_folders_are_cut_and_reported_by_index(deep: Path) -> None:
    done = run_tssa("index", deep)
    assert done.returncode == 0, done.stderr
    assert done.stderr == ""
    data = json.loads((deep / "index.json").read_text(encoding="utf-8"))
    assert len(data["packages"]) >= 8
    cut = [problem for problem in data["problems"] if problem["path"].startswith("d/")]
    assert len(cut) == 1
    assert cut[0]["path"] == "/".join(["d"] * (MAX_DEPTH + 1))
    assert cut[0]["message"] == f"lies more than {MAX_DEPTH} folders deep below {deep}; not listed"
    assert f"more than {MAX_DEPTH} folders deep" in done.stdout


def test_three_thousand_nested_folders_are_one_finding_of_check(deep: Path) -> None:
    done = run_tssa("check", "--format", "json", deep)
    assert done.returncode == 1, done.stderr  # the fixture packages have findings of their own
    report = json.loads(done.stdout)
    deep_findings = [
        finding
        for document in report["documents"]
        for finding in document["findings"]
        if "folders deep" in finding["message"]
    ]
    assert [finding["code"] for finding in deep_findings] == ["TSSA007"]


def test_a_package_sixty_folders_down_is_indexed(tree: Path, capsys: pytest.CaptureFixture[str]) -> None:
    folder = tree.joinpath(*["n"] * 60, "rocket")
    folder.mkdir(parents=True)
    shutil.copy(tree / TAG / "gamma" / "self-assessment.md", folder)
    assert main(["index", str(tree)]) == 0
    capsys.readouterr()
    data = json.loads((tree / "index.json").read_text(encoding="utf-8"))
    assert "/".join(["n"] * 60 + ["rocket"]) in {record["path"] for record in data["packages"]}


# Item 4: control characters in names and titles

FORGED = "zz\n  good: ok\x1b[31mRED"


@pytest.fixture
def awkward_names(tmp_path: Path) -> Path:
    root = tmp_path / "projects"
    names = [FORGED, "ev\u202eil", "zw\u200bsp", "c1\x85\x9bname"]
    for name in names:
        folder = root / name / "security-assessment"
        folder.mkdir(parents=True)
        title = "# Ro\x1b[2Jcket\x07 \x9b31m \u202eSelf-assessment\n\nText.\n"
        (folder / "self-assessment.md").write_text(title, encoding="utf-8")
    # A folder name that is not UTF-8 at all.
    bad = root / os.fsdecode(b"bad\xff") / "security-assessment"
    bad.mkdir(parents=True)
    shutil.copy(root / names[0] / "security-assessment" / "self-assessment.md", bad)
    return root


def test_control_characters_never_reach_the_terminal_or_the_written_files(awkward_names: Path) -> None:
    done = run_tssa("index", awkward_names, "--html", awkward_names / "index.html")
    assert done.returncode == 0, done.stderr
    for raw in RAW:
        assert raw not in done.stdout
    assert not any(line.startswith("  good: ok") for line in done.stdout.splitlines())
    listing = (awkward_names / "README.md").read_text(encoding="utf-8")
    page = (awkward_names / "index.html").read_text(encoding="utf-8")
    raw_json = (awkward_names / "index.json").read_text(encoding="utf-8")
    for text in (listing, page, raw_json):
        for raw in RAW:
            assert raw not in text
    # Shown as escapes a reader can see.
    assert "\\\\x1b\\[2J" in listing and "\\\\u202e" in listing and "\\x1b[2J" in page
    # The JSON still holds every value as it is.
    data = json.loads(raw_json)
    paths = {record["path"] for record in data["packages"]}
    assert f"{FORGED}/security-assessment" in paths and "ev\u202eil/security-assessment" in paths
    assert "bad\udcff/security-assessment" in paths
    assert {record["project"]["text"] for record in data["packages"]} == {
        "Ro\x1b[2Jcket\x07 \x9b31m \u202eSelf-assessment"
    }


def test_adopt_all_prints_no_control_character(awkward_names: Path) -> None:
    git(awkward_names, "init", "-q")
    git(awkward_names, "add", "-A")
    git(awkward_names, "commit", "-q", "-m", "packages")
    template = Path(__file__).resolve().parent.parent
    done = run_tssa("adopt", "--all", ".", "--template", template, "--vcs-ref", "HEAD", "--dry-run", cwd=awkward_names)
    assert done.returncode == 0, done.stderr
    for raw in RAW:
        assert raw not in done.stdout
    assert "zz\\n  good: ok\\x1b[31mRED/security-assessment: would adopt" in done.stdout
    assert not any(line.startswith("  good: ok") for line in done.stdout.splitlines())


# Item 5: a folder that cannot be listed


def unprivileged() -> tuple[str, ...]:
    """The prefix that runs a command without root's right to read any folder (none when not root)."""
    if os.geteuid() != 0:
        return ()
    setpriv = shutil.which("setpriv")
    if setpriv is None:
        pytest.skip("runs as root, and setpriv (util-linux) is missing to drop the right to read any folder")
    return (setpriv, "--bounding-set=-all", "--inh-caps=-all")


def test_an_unlistable_folder_is_a_problem_never_a_phantom_package(tree: Path) -> None:
    prefix = unprivileged()
    projects = tree / "projects"
    locked = projects / "nolist"
    locked.mkdir()
    (locked / "self-assessment.md").write_text("# Secret self-assessment\n", encoding="utf-8")
    locked.chmod(0)
    try:
        if prefix and subprocess.run([*prefix, "ls", str(locked)], capture_output=True, check=False).returncode == 0:
            pytest.skip("setpriv could not drop the right to read any folder here")
        done = run_tssa("index", projects, prefix=prefix)
    finally:
        locked.chmod(stat.S_IRWXU)
    assert done.returncode == 0, done.stderr
    data = json.loads((projects / "index.json").read_text(encoding="utf-8"))
    assert "." not in {record["path"] for record in data["packages"]}
    assert "projects" not in {record["slug"] for record in data["packages"]}
    assert {"path": "nolist", "message": "cannot be listed: Permission denied"} in data["problems"]
    assert [problem["path"] for problem in data["problems"]].count("nolist") == 1
    assert "  nolist: cannot be listed: Permission denied" in done.stdout


# Item 6: output paths


@pytest.mark.parametrize(
    "outputs",
    [
        ("--json", "X", "--listing", "X"),
        ("--json", "X", "--listing", "d/../X"),
        ("--listing", "X", "--html", "./X"),
        ("--json", "README.md"),
    ],
)
def test_two_outputs_naming_one_file_are_refused_up_front(
    tree: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch, outputs: tuple[str, ...]
) -> None:
    monkeypatch.chdir(tree)
    (tree / "d").mkdir()
    before = sorted(path.name for path in tree.iterdir())
    assert main(["index", ".", *outputs]) == 2
    captured = capsys.readouterr()
    assert captured.out == ""
    assert "both name" in one_line(captured.err) and "give each output its own file" in captured.err
    assert sorted(path.name for path in tree.iterdir()) == before


def test_a_hard_link_to_another_output_is_the_same_file(tree: Path, capsys: pytest.CaptureFixture[str]) -> None:
    first = tree.parent / "listing.md"
    first.write_text("", encoding="utf-8")
    os.link(first, tree.parent / "other.md")
    assert main(["index", str(tree), "--listing", str(first), "--html", str(tree.parent / "other.md")]) == 2
    assert "--listing and --html both name" in capsys.readouterr().err


def test_a_very_long_title_is_cut_in_the_listing_and_whole_in_the_json(
    tree: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    title = "Rocket " + "very " * 200 + "long"
    (tree / TAG / "gamma" / "self-assessment.md").write_text(f"# {title} self-assessment\n\nText.\n", encoding="utf-8")
    assert main(["index", str(tree)]) == 0
    capsys.readouterr()
    listing = tree / "README.md"
    text = listing.read_text(encoding="utf-8")
    assert max(len(line) for line in text.splitlines()) < 512
    assert "Rocket very very" in text and "\u2026" in text
    assert [finding.code for finding in lint_findings(listing, text)] == []
    data = json.loads((tree / "index.json").read_text(encoding="utf-8"))
    assert title in {record["project"]["value"] for record in data["packages"]}


# Item 14: git config that names a program


@pytest.fixture
def hostile_repository(tree: Path, tmp_path: Path) -> tuple[Path, Path]:
    """The fixture packages in a repository whose own config names a program at every turn git would run one.

    The program leaves a mark; a signed commit makes `git log` verify when `log.showSignature` is on.
    """
    mark = tmp_path / "ran"
    program = tmp_path / "program.sh"
    program.write_text(f'#!/bin/sh\necho "$0 $*" >> {mark}\ncat\n', encoding="utf-8")
    program.chmod(0o755)
    git(tree, "init", "-q")
    git(tree, "add", "-A")
    git(tree, "commit", "-q", "-m", "packages")
    commit = subprocess.run(["git", "cat-file", "commit", "HEAD"], cwd=tree, capture_output=True, text=True, check=True)
    header, _, message = commit.stdout.partition("\n\n")
    signature = "gpgsig -----BEGIN PGP SIGNATURE-----\n \n iQEzBAABCAAdFiEE\n -----END PGP SIGNATURE-----"
    signed = subprocess.run(
        ["git", "hash-object", "-t", "commit", "-w", "--stdin"],
        cwd=tree,
        input=f"{header}\n{signature}\n\n{message}",
        capture_output=True,
        text=True,
        check=True,
    ).stdout.strip()
    git(tree, "update-ref", "HEAD", signed)
    for key in (
        "gpg.program",
        "core.fsmonitor",
        "diff.external",
        "filter.x.clean",
        "filter.x.smudge",
        "diff.t.textconv",
    ):
        git(tree, "config", key, str(program))
    git(tree, "config", "log.showSignature", "true")
    git(tree, "config", "filter.x.required", "true")
    (tree / ".git" / "info" / "attributes").write_text("* filter=x diff=t\n", encoding="utf-8")
    # The program would run: the repository is as hostile as the test says.
    subprocess.run(["git", "log", "-1"], cwd=tree, capture_output=True, check=False)
    assert mark.exists()
    mark.unlink()
    return tree, mark


def test_index_and_insights_run_no_program_the_repositorys_config_names(
    hostile_repository: tuple[Path, Path], capsys: pytest.CaptureFixture[str]
) -> None:
    tree, mark = hostile_repository
    assert main(["index", str(tree)]) == 0
    data = json.loads((tree / "index.json").read_text(encoding="utf-8"))
    assert all(record["last_change"] for record in data["packages"])  # the dates are still read
    assert main(["insights", str(tree / TAG / "gamma")]) == 0
    capsys.readouterr()
    assert not mark.exists()
