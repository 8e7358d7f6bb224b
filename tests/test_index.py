"""`tssa index`: records, states, the listing's groups and links, the schema, reruns and --check."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
from pathlib import Path
from typing import Any
from urllib.parse import unquote

import jsonschema
import pytest

from tssa.check.lint import lint_markdown
from tssa.cli import main
from tssa.index.command import render_json
from tssa.reading.facts import normalize_date, normalize_stage, normalize_yes_no, project_from_title, split_languages
from tssa.reading.markdown import DocumentSection, MarkdownDocument, parse

FIXTURE = Path(__file__).parent / "fixtures" / "index"
SCHEMA = Path(__file__).resolve().parent.parent / "src" / "tssa" / "index" / "index.schema.json"
TAG = "community/assessments/projects"


def git(root: Path, *args: str, date: str = "2024-01-02T10:00:00") -> None:
    environment = dict(os.environ, GIT_AUTHOR_DATE=date, GIT_COMMITTER_DATE=date)
    subprocess.run(["git", "-C", str(root), *args], check=True, capture_output=True, env=environment)


@pytest.fixture
def tree(tmp_path: Path) -> Path:
    """The fixture packages in a git repository: everything committed on 2024-01-02, Alpha's README later."""
    root = tmp_path / "repo"
    shutil.copytree(FIXTURE, root)
    # A self-assessment that is binary: reported, not fatal.
    broken = root / TAG / "broken"
    broken.mkdir()
    (broken / "self-assessment.md").write_bytes(b"\x00\x01binary\x00")
    git(root, "init", "-q")
    git(root, "add", "-A")
    git(root, "commit", "-q", "-m", "packages")
    readme = root / TAG / "alpha" / "README.md"
    readme.write_text(readme.read_text(encoding="utf-8") + "\nOne more line.\n", encoding="utf-8")
    git(root, "commit", "-q", "-am", "alpha README", date="2024-03-05T09:00:00")
    return root


def index(capsys: pytest.CaptureFixture[str], root: Path, *args: str) -> tuple[int, str, str]:
    code = main(["index", str(root), *args])
    out, err = capsys.readouterr()
    return code, out, err


def records(root: Path) -> dict[str, dict[str, Any]]:
    data = json.loads((root / "index.json").read_text(encoding="utf-8"))
    return {record["slug"]: record for record in data["packages"]}


def test_one_record_per_package_with_values_and_their_text(tree: Path, capsys: pytest.CaptureFixture[str]) -> None:
    code, out, _ = index(capsys, tree)
    assert code == 0
    assert "10 packages (1 completed, 3 in progress, 5 self-assessment only, 1 obsolete)" in out
    found = records(tree)
    assert sorted(found) == ["alpha", "awkward", "beta", "broken", "epsilon", "gamma", "iota", "kappa", "theta", "zeta"]
    states = {slug: record["state"] for slug, record in found.items()}
    assert states == {
        "alpha": "completed",
        "awkward": "in-progress",
        "beta": "in-progress",
        "broken": "self-assessment-only",
        "epsilon": "self-assessment-only",
        "gamma": "obsolete",
        "iota": "self-assessment-only",
        "kappa": "self-assessment-only",
        "theta": "self-assessment-only",
        "zeta": "in-progress",
    }

    alpha = found["alpha"]
    assert alpha["project"]["value"] == "Alpha"
    assert alpha["home"] == "tag"
    assert alpha["path"] == f"{TAG}/alpha"
    assert [document["file"] for document in alpha["documents"]] == [
        "self-assessment.md",
        "joint-assessment.md",
        "README.md",
    ]
    readme = alpha["readme"]
    assert readme["completed"] == {"value": "2023-03-12", "text": "12 Mar 2023", "file": "README.md", "line": 3}
    assert readme["reviewers"]["value"] == ["Ada (@ada)", "Grace", "Linus"]
    assert readme["security_lead"]["value"] == "Robin (@robin)"
    assert readme["project_team"]["value"] == ["Sam", "Kim"]
    assert readme["tracking_issue"]["value"] == "https://github.com/cncf/tag-security/issues/123"
    assert readme["recommendations"] == {"cncf": 2, "project": 3, "additional": 1}
    assert alpha["maturity"]["value"] == "incubating"
    metadata = alpha["metadata"]
    assert metadata["languages"]["value"] == ["Go", "Rust"]
    assert metadata["security_provider"]["value"] is True
    assert metadata["software"]["value"] == "https://github.com/alpha/alpha"
    assert alpha["documents"][0]["stage"]["value"] == "Complete"
    # Git dates: the package changed when its README last did.
    assert alpha["documents"][0]["last_change"] == "2024-01-02"
    assert alpha["documents"][2]["last_change"] == "2024-03-05"
    assert alpha["last_change"] == "2024-03-05"

    beta = found["beta"]
    provider = beta["metadata"]["security_provider"]
    assert provider["value"] is False  # from the joint review's plain "No"
    self_stage = beta["documents"][0]["stage"]
    assert self_stage == {"value": "Incomplete", "text": "In Progress", "file": "self-assessment.md", "line": 7}
    assert beta["documents"][1]["file"] == "joint-review.md"
    assert {document["outline"] for document in beta["documents"]} == {"older"}
    assert beta["documents"][0]["errors"] > 0

    awkward = found["awkward"]
    assert awkward["metadata"]["security_provider"] == {
        "value": None,
        "text": "Maybe",
        "file": "self-assessment.md",
        "line": 9,
    }
    assert awkward["readme"]["tracking_issue"]["value"] is None  # a javascript: link is no address

    epsilon = found["epsilon"]
    assert epsilon["home"] == "toc"
    assert epsilon["template_version"]["value"] == "v0.1.0"
    assert epsilon["maturity"]["value"] == "sandbox"  # from the answers file: there is no README
    # Odd layouts: a folder named with a space, a misspelled one, a self-assessment at the project's root.
    assert found["theta"]["path"] == "projects/theta/security assessment"
    assert (found["kappa"]["path"], found["kappa"]["home"]) == ("projects/kappa/security-assesment", "toc")
    assert (found["iota"]["path"], found["iota"]["home"]) == ("projects/iota", "toc")
    assert found["zeta"]["readme"]["tracking_issue"]["value"] == "https://github.com/cncf/toc/issues/77"
    assert found["zeta"]["readme"]["recommendations"] == {"cncf": 0, "project": None, "additional": None}


def test_folders_that_are_not_packages_and_unreadable_files_are_reported(
    tree: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    code, out, _ = index(capsys, tree)
    assert code == 0
    problems = json.loads((tree / "index.json").read_text(encoding="utf-8"))["problems"]
    paths = {problem["path"] for problem in problems}
    assert f"{TAG}/notes" in paths
    assert f"{TAG}/broken" in paths
    assert "projects/eta" not in paths  # a TOC project without an assessment is not a defect
    assert f"{TAG}/notes: not a package" in out
    assert "self-assessment.md is binary" in out
    listing = (tree / "README.md").read_text(encoding="utf-8")
    assert "## Problems" in listing


def test_index_json_follows_its_schema(tree: Path, capsys: pytest.CaptureFixture[str]) -> None:
    index(capsys, tree)
    schema = json.loads(SCHEMA.read_text(encoding="utf-8"))
    validator = jsonschema.Draft202012Validator(schema)
    data = json.loads((tree / "index.json").read_text(encoding="utf-8"))
    assert list(validator.iter_errors(data)) == []
    # The schema is strict enough to fail: an unknown state or a bare value is refused.
    data["packages"][0]["state"] = "done"
    data["packages"][1]["metadata"]["languages"] = ["Go"]
    assert len(list(validator.iter_errors(data))) == 2


def test_index_json_is_laid_out_two_spaces_a_level(tree: Path, capsys: pytest.CaptureFixture[str]) -> None:
    index(capsys, tree)
    written = (tree / "index.json").read_text(encoding="utf-8")
    data = json.loads(written)
    assert written == json.dumps(data, indent=2, ensure_ascii=False) + "\n"
    # Every kind of value an index may hold, laid out as json.dumps lays it out.
    odd = {"": [], "a": {}, "b": [1, -2.5, 0.1, 1e300, True, False, None, ("t", "\u00e9")], "c": {"d": [{"e": "f"}]}}
    data["packages"][0]["documents"][0]["outline_note"] = odd
    assert render_json(data) == json.dumps(data, indent=2, ensure_ascii=False) + "\n"
    data["packages"][0]["documents"][0]["completeness"] = float("nan")  # not JSON: written as json.dumps writes it
    assert render_json(data) == json.dumps(data, indent=2, ensure_ascii=False) + "\n"


def listing_sections(listing: str) -> dict[str, list[str]]:
    """The project names linked under each `##`/`###` heading of the listing."""
    document = parse(listing)
    found: dict[str, list[str]] = {}
    for section in document.walk():
        lines = range(section.heading.line, _end(document, section))
        names = [link.text for link in document.links if link.line in lines and not link.href.endswith(".md")]
        # A heading met twice ("Not stated") keeps its first section: the security provider's.
        found.setdefault(section.heading.text, [name for name in names if "#" not in name and "/" not in name])
    return found


def _end(document: MarkdownDocument, section: DocumentSection) -> int:
    later = [heading.line for heading in document.headings if heading.line > section.heading.line]
    return min(later, default=document.line_count + 1)


def test_the_listing_groups_by_state_provider_and_language(tree: Path, capsys: pytest.CaptureFixture[str]) -> None:
    index(capsys, tree)
    listing = (tree / "README.md").read_text(encoding="utf-8")
    sections = listing_sections(listing)
    assert sections["Completed"] == ["Alpha"]
    assert sections["In progress"] == ["Beta", "Pipe | Project bold {{ 7*7 }}", "Zeta"]
    assert sections["Self-assessment only"] == ["broken", "Epsilon", "Iota", "Kappa", "Theta"]
    assert sections["Obsolete"] == ["Gamma"]
    assert sections["Security providers"] == ["Alpha", "Kappa", "Zeta"]
    assert sections["Not security providers"] == ["Beta", "Epsilon", "Gamma", "Iota", "Theta"]
    assert sections["Not stated"] == ["broken", "Pipe | Project bold {{ 7*7 }}"]
    assert sections["Go"] == ["Alpha", "Iota", "Kappa", "Pipe | Project bold {{ 7*7 }}", "Theta"]
    assert sections["Java"] == ["Beta"]
    assert lint_markdown(listing) == []


def test_every_link_of_the_listing_resolves(tree: Path, capsys: pytest.CaptureFixture[str]) -> None:
    listing_path = tree / "docs" / "assessments.md"
    code, _, _ = index(capsys, tree, "--listing", str(listing_path))
    assert code == 0
    document = parse(listing_path.read_text(encoding="utf-8"))
    relative = [link.href for link in document.links if not link.href.startswith("https://")]
    assert relative and all(href.startswith("../") for href in relative)
    for href in relative:
        assert (listing_path.parent / unquote(href)).exists(), href
    documents = {href.rsplit("/", 1)[-1] for href in relative}
    assert {"self-assessment.md", "joint-assessment.md", "joint-review.md", "README.md"} <= documents
    external = [link.href for link in document.links if link.href.startswith("https://")]
    assert external == ["https://github.com/cncf/tag-security/issues/123", "https://github.com/cncf/toc/issues/77"]


def test_values_are_data_in_the_listing(tree: Path, capsys: pytest.CaptureFixture[str]) -> None:
    index(capsys, tree)
    listing = (tree / "README.md").read_text(encoding="utf-8")
    document = parse(listing)
    for table in document.tables:
        assert all(len(row) == len(table.header) == 6 for row in table.rows)
    in_progress = next(table for table in document.tables if any("Zeta" in row[0] for row in table.rows))
    awkward = next(row for row in in_progress.rows if row[0].startswith("Pipe"))
    assert awkward[0] == "Pipe | Project bold {{ 7*7 }}"
    assert awkward[5] == "[click](javascript:alert(1))"  # shown as text, never a link
    assert "<script>" not in listing


def test_a_second_run_changes_nothing_and_check_passes(tree: Path, capsys: pytest.CaptureFixture[str]) -> None:
    outputs = [tree / "index.json", tree / "README.md", tree / "site" / "index.html"]
    index(capsys, tree, "--html", str(outputs[2]))
    first = [path.read_bytes() for path in outputs]
    index(capsys, tree, "--html", str(outputs[2]))
    assert [path.read_bytes() for path in outputs] == first
    code, out, _ = index(capsys, tree, "--html", str(outputs[2]), "--check")
    assert code == 0
    assert "up to date" in out


def test_check_fails_when_the_committed_listing_is_out_of_date(tree: Path, capsys: pytest.CaptureFixture[str]) -> None:
    index(capsys, tree)
    before = {path: path.read_bytes() for path in (tree / "index.json", tree / "README.md")}
    stage = tree / TAG / "alpha" / "joint-assessment.md"
    stage.write_text(stage.read_text(encoding="utf-8").replace("| Complete |", "| Obsolete |"), encoding="utf-8")
    code, out, _ = index(capsys, tree, "--check")
    assert code == 1
    assert f"{tree / 'README.md'}: out of date" in out
    assert f"{tree / 'index.json'}: out of date" in out
    assert {path: path.read_bytes() for path in before} == before  # --check writes nothing
    index(capsys, tree)
    assert records(tree)["alpha"]["state"] == "obsolete"


def test_a_file_it_did_not_write_is_never_overwritten(tree: Path, capsys: pytest.CaptureFixture[str]) -> None:
    own = tree / "README.md"
    own.write_text("# Our repository\n\nWritten by people.\n", encoding="utf-8")
    code, _, err = index(capsys, tree)
    assert code == 1
    assert err == f"tssa: {own}: exists and was not written by tssa index; give another path or move it\n"
    assert own.read_text(encoding="utf-8") == "# Our repository\n\nWritten by people.\n"
    assert not (tree / "index.json").exists()  # nothing half-written: no output at all


def test_a_folder_without_packages_is_a_one_line_error(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    code, _, err = index(capsys, tmp_path)
    assert code == 2
    assert err.startswith(f"tssa: {tmp_path}: holds no self-assessment.md")
    code, _, err = index(capsys, tmp_path / "missing")
    assert (code, err) == (2, f"tssa: {tmp_path / 'missing'}: no such file or folder\n")
    document = tmp_path / "self-assessment.md"
    document.write_text("# X Self-assessment\n", encoding="utf-8")
    code, _, err = index(capsys, document)
    assert (code, err) == (2, f"tssa: {document}: is a file; give the folder that holds the packages\n")


def test_no_dates_outside_git(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    root = tmp_path / "plain"
    shutil.copytree(FIXTURE, root)
    assert index(capsys, root)[0] == 0
    assert {record["last_change"] for record in records(root).values()} == {None}


@pytest.mark.parametrize(
    ("text", "date"),
    [
        ("12 Mar 2023", "2023-03-12"),
        ("March 12, 2023", "2023-03-12"),
        ("2023-3-4", "2023-03-04"),
        ("Sept 2021", "2021-09"),
        ("Not yet", None),
        ("dd MMM yyyy", None),
        ("31 Feb 2020", None),
    ],
)
def test_completion_dates_are_normalised(text: str, date: str | None) -> None:
    assert normalize_date(text) == date


def test_metadata_values_are_normalised_only_when_clear() -> None:
    assert [normalize_stage(text) for text in ("Incomplete.", "Draft", "complete", "Obsolete (2024)", "Soon")] == [
        "Incomplete",
        "Incomplete",
        "Complete",
        "Obsolete",
        None,
    ]
    assert [normalize_yes_no(text) for text in ("Yes", "No. The primary function is ...", "Maybe", "")] == [
        True,
        False,
        None,
        None,
    ]
    assert split_languages("Golang, Rust and TypeScript / JS") == ["Go", "Rust", "TypeScript", "JavaScript"]
    assert split_languages("N/A") is None
    titles = ["Joint-assessment of Flibble", "The Update Framework Self-Assessment", "Thesis Joint Security Assessment"]
    assert [project_from_title(title) for title in titles] == ["Flibble", "The Update Framework", "Thesis"]


def test_a_listing_written_into_a_package_is_not_read_as_its_readme(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    package = tmp_path / "epsilon"
    shutil.copytree(FIXTURE / "projects" / "epsilon" / "security-assessment", package)
    assert index(capsys, package)[0] == 0
    first = (package / "README.md").read_bytes()
    assert index(capsys, package)[0] == 0
    assert (package / "README.md").read_bytes() == first
    assert [record["state"] for record in records(package).values()] == ["self-assessment-only"]
    assert index(capsys, package, "--check")[0] == 0
