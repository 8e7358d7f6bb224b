"""`tssa adopt` stopped at any moment: the package is as it was or fully adopted, and the next run finishes the job.

Like an update, an adoption plans everything first and moves its result in
with a journal (`tssa.writing.movein`): a kill (SIGKILL, power loss) half-way
is undone by the next run, and Ctrl-C or SIGTERM are held back while files move.
"""

from __future__ import annotations

import os
import shutil
import signal
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import pytest
from hypothesis import HealthCheck, Phase, given, settings
from hypothesis import strategies as st

from tssa.cli import main
from tssa.writing import movein
from tssa.writing.lock import LOCK_NAME
from updating import commit, git, make_template

pytestmark = pytest.mark.hostile

GAMMA = Path(__file__).parent / "fixtures" / "adopt" / "tag" / "community" / "assessments" / "projects" / "gamma"


@pytest.fixture(scope="module")
def template(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return make_template(tmp_path_factory.mktemp("adopt-hostile") / "template", "v0.0.1")


def hand_written(folder: Path) -> Path:
    """A repository with one hand-written package that adopt renames a file of, changes and adds to; committed."""
    package = folder / "projects" / "gamma"
    shutil.copytree(GAMMA, package)
    git(folder, "init", "--quiet", "--initial-branch=main")
    commit(folder, "hand-written")
    return package


def files(folder: Path) -> dict[str, bytes]:
    return {
        path.relative_to(folder).as_posix(): path.read_bytes()
        for path in sorted(folder.rglob("*"))
        if path.is_file() and ".git" not in path.relative_to(folder).parts
    }


@pytest.fixture(scope="module")
def adopted(template: Path, tmp_path_factory: pytest.TempPathFactory) -> dict[str, bytes]:
    """The package's files after an adoption nobody stopped."""
    root = tmp_path_factory.mktemp("reference")
    package = hand_written(root)
    assert main(["adopt", str(package), "--template", str(template), "--vcs-ref", "v0.0.1"]) == 0
    return files(root)


def _tssa_adopt(package: Path, template: Path, temporary: Path) -> subprocess.Popen[str]:
    """`tssa adopt` as a terminal runs it: a session of its own, temporary folders in `temporary`."""
    return subprocess.Popen(
        [sys.executable, "-m", "tssa.cli", "adopt", str(package), "--template", str(template), "--vcs-ref", "v0.0.1"],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
        text=True,
        env={**os.environ, "TMPDIR": str(temporary), "GIT_CEILING_DIRECTORIES": str(package.parents[2])},
        start_new_session=True,
    )


NO_SHRINKING = (Phase.explicit, Phase.reuse, Phase.generate)


@settings(
    max_examples=4, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture], phases=NO_SHRINKING
)
@given(
    after=st.floats(min_value=0.0, max_value=4.0),
    number=st.sampled_from([signal.SIGKILL, signal.SIGINT, signal.SIGTERM]),
)
def test_an_adoption_stopped_at_a_random_moment_leaves_whole_files_and_a_rerun_completes(
    template: Path, adopted: dict[str, bytes], after: float, number: signal.Signals
) -> None:
    with tempfile.TemporaryDirectory() as scratch:
        root = Path(scratch) / "repo"
        package = hand_written(root)
        original = files(root)
        temporary = Path(scratch) / "tmp"
        temporary.mkdir()
        run = _tssa_adopt(package, template, temporary)
        time.sleep(after)
        if run.poll() is None:
            os.killpg(run.pid, number)
        _, err = run.communicate(timeout=120)
        assert "Traceback" not in err

        # Every file is the hand-written one or the adopted one, never a part of either.
        now = files(root)
        for name, data in now.items():
            assert data in (original.get(name), adopted.get(name)), name

        rerun = _tssa_adopt(package, template, temporary)
        _, err = rerun.communicate(timeout=120)
        assert rerun.returncode == 0, err

        assert files(root) == adopted
        assert git(root, "ls-files", "--unmerged") == ""
        assert list(temporary.iterdir()) == []
        assert not (root / ".git" / movein.JOURNAL_NAME).exists() and not (root / ".git" / LOCK_NAME).exists()


def test_an_adoption_killed_while_moving_in_is_undone_by_the_next_run(
    template: Path,
    adopted: dict[str, bytes],
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    package = hand_written(tmp_path)
    original = files(tmp_path)
    real_replace, real_undo = movein._replace, movein.undo_interrupted
    calls: list[Path] = []

    class Killed(BaseException):
        """Stands for SIGKILL: nothing after it runs."""

    def killed_half_way(path: Path, content: bytes) -> None:
        calls.append(path)
        if len(calls) == 2:
            raise Killed
        real_replace(path, content)

    monkeypatch.setattr(movein, "_replace", killed_half_way)
    monkeypatch.setattr(movein, "undo_interrupted", lambda top, folder: [])
    with pytest.raises(Killed):
        main(["adopt", str(package), "--template", str(template), "--vcs-ref", "v0.0.1"])
    assert (tmp_path / ".git" / movein.JOURNAL_NAME).exists()
    assert files(tmp_path) != original  # half of it is in place
    monkeypatch.setattr(movein, "_replace", real_replace)
    monkeypatch.setattr(movein, "undo_interrupted", real_undo)
    gone = subprocess.Popen(["true"])
    gone.wait()
    (tmp_path / ".git" / LOCK_NAME).write_text(f"{gone.pid}\n", encoding="ascii")  # as a killed run leaves it

    assert main(["adopt", str(package), "--template", str(template), "--vcs-ref", "v0.0.1"]) == 0

    assert "an earlier run was interrupted; its changes to" in capsys.readouterr().out
    assert files(tmp_path) == adopted
    status = git(tmp_path, "status", "--porcelain")
    assert "R  projects/gamma/joint-review.md -> projects/gamma/joint-assessment.md" in status.replace("RM ", "R  ")
    assert not (tmp_path / ".git" / movein.JOURNAL_NAME).exists()


def test_a_rerun_after_a_finished_but_uncommitted_adoption_changes_nothing(
    template: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    package = hand_written(tmp_path)
    assert main(["adopt", str(package), "--template", str(template), "--vcs-ref", "v0.0.1"]) == 0
    done = files(tmp_path)
    capsys.readouterr()

    assert main(["adopt", str(package), "--template", str(template), "--vcs-ref", "v0.0.1"]) == 0

    assert "adopted, not committed yet" in capsys.readouterr().out
    assert files(tmp_path) == done
