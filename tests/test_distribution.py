"""The ways users get tssa and the template without a clone: a wheel, an sdist,
pipx, a git URL for copier, and the pre-commit hook.

These build and install into fresh virtual environments, so they are marked
`slow`; CI runs them all the same.
"""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
import yaml

import tssa
from conftest import TEMPLATE_ROOT

pytestmark = pytest.mark.slow


def run(
    command: list[str], cwd: Path | None = None, env: dict[str, str] | None = None
) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        command,
        cwd=cwd,
        env={**os.environ, **(env or {})},
        capture_output=True,
        text=True,
        timeout=600,
        check=False,
    )


def committed_clone(tmp_path: Path) -> Path:
    """A clone of this repository with the working tree's state as its HEAD, tagged as the current version."""
    clone = tmp_path / "copier-tssa"
    # Without `.git`: in a git worktree it is a file naming the shared repository, and committing or tagging
    # through it would move this checkout's branch and the release tag. A repository of its own instead.
    shutil.copytree(
        TEMPLATE_ROOT,
        clone,
        ignore=shutil.ignore_patterns(
            ".git", ".venv", "venv", "__pycache__", "*.egg-info", ".*_cache", "dist", "build"
        ),
        symlinks=True,
    )
    assert run(["git", "init", "-q", "--initial-branch=main"], cwd=clone).returncode == 0
    assert run(["git", "add", "-A"], cwd=clone).returncode == 0
    run(["git", "commit", "-q", "--no-verify", "-m", "working tree"], cwd=clone)
    assert run(["git", "tag", "-f", f"v{tssa.__version__}"], cwd=clone).returncode == 0
    return clone


@pytest.fixture(scope="module")
def distributions(tmp_path_factory: pytest.TempPathFactory) -> list[Path]:
    """The wheel and the sdist, built from a clean copy of the working tree."""
    source = committed_clone(tmp_path_factory.mktemp("source"))
    out = tmp_path_factory.mktemp("dist")
    built = run([sys.executable, "-m", "build", "--wheel", "--sdist", "--outdir", str(out), str(source)])
    assert built.returncode == 0, built.stderr[-2000:]
    found = sorted(out.glob("*.whl")) + sorted(out.glob("*.tar.gz"))
    assert len(found) == 2, found
    return found


@pytest.mark.parametrize("kind", ["wheel", "sdist"])
def test_an_installed_distribution_checks_a_generated_package(
    kind: str, distributions: list[Path], default_package: Path, tmp_path: Path
) -> None:
    artifact = next(path for path in distributions if path.name.endswith(".whl" if kind == "wheel" else ".tar.gz"))
    venv = tmp_path / "venv"
    assert run([sys.executable, "-m", "venv", str(venv)]).returncode == 0
    installed = run([str(venv / "bin" / "python"), "-m", "pip", "install", "--quiet", str(artifact)])
    assert installed.returncode == 0, installed.stderr[-2000:]

    version = run([str(venv / "bin" / "tssa"), "--version"], cwd=tmp_path)
    assert version.stdout.strip() == f"tssa {tssa.__version__}"

    checked = run([str(venv / "bin" / "tssa"), "check", str(default_package)], cwd=tmp_path)
    assert checked.returncode == 0, checked.stdout + checked.stderr
    assert "self-assessment.md" in checked.stdout
    assert "Traceback" not in checked.stderr


def test_adopt_finds_its_template_after_the_documented_install_from_a_clone(tmp_path: Path) -> None:
    source = committed_clone(tmp_path)
    venv = tmp_path / "venv"
    assert run([sys.executable, "-m", "venv", str(venv)]).returncode == 0
    installed = run([str(venv / "bin" / "python"), "-m", "pip", "install", "--quiet", str(source)])
    assert installed.returncode == 0, installed.stderr[-2000:]
    repository = tmp_path / "assessments"
    shutil.copytree(TEMPLATE_ROOT / "tests" / "fixtures" / "author" / "order", repository / "projects" / "quill")
    assert run(["git", "init", "-q"], cwd=repository).returncode == 0
    run(["git", "add", "-A"], cwd=repository)
    run(["git", "-c", "user.name=t", "-c", "user.email=t@t.invalid", "commit", "-q", "-m", "hand"], cwd=repository)

    dry = run([str(venv / "bin" / "tssa"), "adopt", "--dry-run", "projects/quill"], cwd=repository)

    assert dry.returncode == 0, dry.stdout[-2000:] + dry.stderr[-2000:]
    assert f"+_src_path: {source}" in dry.stdout and f"+_commit: v{tssa.__version__}" in dry.stdout


def test_pipx_runs_tssa_from_a_source_without_a_clone_of_ones_own(tmp_path: Path, default_package: Path) -> None:
    source = committed_clone(tmp_path)
    pipx_env = {"PIPX_HOME": str(tmp_path / "pipx"), "PIPX_BIN_DIR": str(tmp_path / "bin")}
    spec = f"git+file://{source}@v{tssa.__version__}"
    checked = run(
        [sys.executable, "-m", "pipx", "run", "--spec", spec, "tssa", "check", str(default_package)], env=pipx_env
    )
    assert checked.returncode == 0, checked.stdout + checked.stderr[-2000:]
    assert "sections written" in checked.stdout


def test_copier_copies_from_a_git_url_and_records_the_release_tag(tmp_path: Path) -> None:
    source = committed_clone(tmp_path)
    destination = tmp_path / "package"
    copied = run([sys.executable, "-m", "copier", "copy", "--defaults", f"git+file://{source}", str(destination)])
    assert copied.returncode == 0, copied.stderr[-2000:]
    answers = yaml.safe_load((destination / ".copier-answers.yml").read_text(encoding="utf-8"))
    assert answers["_commit"] == f"v{tssa.__version__}"
    assert (destination / "self-assessment.md").is_file()


def project_version(pyproject: str) -> str:
    found = re.search(r'^version = "([^"]+)"$', pyproject, re.MULTILINE)
    assert found is not None, "pyproject.toml has no version line"
    return found.group(1)


def test_the_version_is_one_number_everywhere() -> None:
    pyproject = (TEMPLATE_ROOT / "pyproject.toml").read_text(encoding="utf-8")
    changelog = (TEMPLATE_ROOT / "CHANGELOG.md").read_text(encoding="utf-8")
    # Changes not yet released wait under "## Unreleased", above the newest release.
    first_entry = re.search(r"^## (?!Unreleased$)(\S+)", changelog, re.MULTILINE)
    assert first_entry is not None
    assert project_version(pyproject) == tssa.__version__ == first_entry.group(1)


def released_commits() -> dict[str, str]:
    """Each released version and the commit CHANGELOG.md names for it ("Released as commit `...`")."""
    changelog = (TEMPLATE_ROOT / "CHANGELOG.md").read_text(encoding="utf-8")
    entries = [
        entry for entry in re.split(r"^## ", changelog, flags=re.MULTILINE)[1:] if not entry.startswith("Unreleased")
    ]
    commits = {}
    for entry in entries:
        version = entry.split(maxsplit=1)[0]
        named = re.search(r"^Released as commit `([0-9a-f]{40})`, tag `v([^`]+)`\.$", entry, re.MULTILINE)
        if named is not None:
            assert named.group(2) == version, f"the {version} entry names the tag v{named.group(2)}"
            commits[version] = named.group(1)
    return commits


def test_the_changelog_names_the_commit_of_every_release_but_the_newest() -> None:
    changelog = (TEMPLATE_ROOT / "CHANGELOG.md").read_text(encoding="utf-8")
    versions = re.findall(r"^## (?!Unreleased$)(\S+)", changelog, re.MULTILINE)
    commits = released_commits()
    # The newest entry is named in the commit after its release (a commit cannot hold its own id).
    assert set(versions[1:]) <= set(commits), "every older release names its commit"
    for version, commit in commits.items():
        pyproject = run(["git", "show", f"{commit}:pyproject.toml"], cwd=TEMPLATE_ROOT).stdout
        assert project_version(pyproject) == version


def test_every_release_tag_names_the_version_its_commit_carries() -> None:
    tags = run(["git", "tag", "--list", "v*"], cwd=TEMPLATE_ROOT).stdout.split()
    for tag in tags:
        pyproject = run(["git", "show", f"{tag}:pyproject.toml"], cwd=TEMPLATE_ROOT).stdout
        assert f"v{project_version(pyproject)}" == tag


def _pre_commit(repository: Path, tmp_path: Path) -> subprocess.CompletedProcess[str]:
    return run(
        [sys.executable, "-m", "pre_commit", "try-repo", str(TEMPLATE_ROOT), "--all-files"],
        cwd=repository,
        env={"PRE_COMMIT_HOME": str(tmp_path / "pre-commit-home")},
    )


def test_the_pre_commit_hook_installs_and_refuses_conflict_markers_and_rejects(
    tmp_path: Path, default_package: Path
) -> None:
    repository = tmp_path / "assessments"
    package = repository / "projects" / "flibble" / "security-assessment"
    shutil.copytree(default_package, package)
    assert run(["git", "init", "-q"], cwd=repository).returncode == 0
    run(["git", "add", "-A"], cwd=repository)

    clean = _pre_commit(repository, tmp_path)
    assert clean.returncode == 0, clean.stdout[-3000:]
    assert "tssa check" in clean.stdout

    document = package / "self-assessment.md"
    text = document.read_text(encoding="utf-8")
    document.write_text(text + "\n<<<<<<< before updating\nmine\n=======\ntheirs\n>>>>>>> after updating\n")
    (package / "joint-assessment.md.rej").write_text("@@ -1 +1 @@\n-a\n+b\n", encoding="utf-8")
    run(["git", "add", "-A"], cwd=repository)

    refused = _pre_commit(repository, tmp_path)
    assert refused.returncode == 1, refused.stdout[-3000:]
    assert "TSSA402" in refused.stdout
    assert "TSSA403" in refused.stdout
