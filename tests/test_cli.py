"""The command line's shape: what `tssa check` imports, exit codes, one-line errors, safe text."""

from __future__ import annotations

import contextlib
import os
import shutil
import signal
import subprocess
import sys
import time
from importlib import metadata
from pathlib import Path

import pytest
from packaging.requirements import Requirement

import tssa.check.command
from tssa.cli import main
from tssa.errors import ExitCode

FIXTURES = Path(__file__).parent / "fixtures" / "check"
WRITTEN = FIXTURES / "written"
# Libraries only `tssa update` or `--lint` may load.
HEAVY = {"copier", "questionary", "prompt_toolkit", "jinja2", "pymarkdown"}


def imported_modules(*args: str, whole: bool = False) -> tuple[subprocess.CompletedProcess[str], set[str]]:
    """Run `python -X importtime -m tssa.cli ARGS`; the top-level names of every module it imported (`whole`:
    the full names)."""
    return _imported(["-m", "tssa.cli", *args], whole)


def _imported(arguments: list[str], whole: bool) -> tuple[subprocess.CompletedProcess[str], set[str]]:
    finished = subprocess.run(
        [sys.executable, "-X", "importtime", *arguments], capture_output=True, text=True, timeout=120
    )
    names = [
        line.rsplit("|", 1)[-1].strip() for line in finished.stderr.splitlines() if line.startswith("import time:")
    ]
    return finished, {name if whole else name.split(".")[0] for name in names}


# What `tssa check` of a package starts without, as it does not use them (each took a few milliseconds of
# its start, docs/performance.md): the other commands, the lint, the workers, dataclasses and typing.
NOT_FOR_A_CHECK = {
    *(f"tssa.{command}" for command in ("adopt", "update", "index", "prefill", "insights")),
    *("tssa.check.lint", "tssa.workers", "tssa.reading.htmlparts"),
    *("dataclasses", "inspect", "typing", "json", "shutil", "subprocess", "html.parser", "concurrent.futures"),
}


def test_check_imports_neither_copier_nor_prompt_libraries() -> None:
    finished, modules = imported_modules("check", str(WRITTEN))
    assert finished.returncode == ExitCode.OK
    assert "3 documents: 0 errors, 0 warnings" in finished.stdout
    assert "pyromark" in modules  # the measurement sees what check does import
    assert "markdown_it" not in modules  # one Markdown reader: pulldown-cmark
    assert modules & HEAVY == set()


def test_check_of_a_package_loads_only_what_it_uses() -> None:
    _, floor = _imported(["-c", "import pyromark"], whole=True)  # the interpreter, its site, the parser
    finished, modules = imported_modules("check", str(WRITTEN), whole=True)
    assert finished.returncode == ExitCode.OK
    assert "tssa.reading.resolve" in modules  # the measurement sees tssa's own modules
    assert (modules - floor) & NOT_FOR_A_CHECK == set()
    _, as_json = imported_modules("check", "--format", "json", str(WRITTEN), whole=True)
    assert "json" in as_json  # loaded where it is used


def test_lint_is_a_runtime_dependency_loaded_only_for_lint() -> None:
    requirements = [Requirement(text) for text in metadata.requires("copier-tssa") or []]
    lint = next(requirement for requirement in requirements if requirement.name == "pymarkdownlnt")
    assert lint.marker is None  # installed by `pip install .`, not only with an extra
    finished, modules = imported_modules("check", "--lint", str(WRITTEN))
    assert finished.returncode == ExitCode.OK
    assert "pymarkdown" in modules
    assert modules & (HEAVY - {"pymarkdown"}) == set()


def test_update_help_shows_its_options_and_running_it_loads_copier(tmp_path: Path) -> None:
    finished, modules = imported_modules("update", "--help")
    assert finished.returncode == ExitCode.OK
    assert "--vcs-ref" in finished.stdout
    assert modules & HEAVY == set()  # the arguments live apart from the machinery
    ran, loaded = imported_modules("update", str(tmp_path / "missing"))
    assert ran.returncode == ExitCode.NOT_FOUND
    assert "copier" in loaded
    _, top_level = imported_modules("--help")
    assert "update" in _.stdout
    assert top_level & HEAVY == set()


def test_exit_codes_keep_their_documented_meanings() -> None:
    assert (ExitCode.OK, ExitCode.FINDINGS, ExitCode.USAGE, ExitCode.NOT_FOUND) == (0, 1, 2, 2)
    assert (ExitCode.INTERRUPTED, ExitCode.BROKEN_PIPE) == (130, 141)


def test_check_without_a_path_is_one_line_and_exit_2(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["check"]) == ExitCode.USAGE
    out, err = capsys.readouterr()
    assert out == ""
    assert err.count("\n") == 1
    assert err.startswith("tssa: check: give at least one PATH")


def test_a_bug_is_one_line_never_a_traceback(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    def broken(*_: object, **__: object) -> None:
        raise RuntimeError("boom\non two lines")

    monkeypatch.setattr(tssa.check.command, "check_files", broken)
    assert main(["check", str(WRITTEN)]) == ExitCode.INTERNAL_ERROR
    _, err = capsys.readouterr()
    assert err == "tssa: internal error: RuntimeError: boom\\non two lines; please report it\n"


def test_ctrl_c_is_one_line_and_exit_130(monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]) -> None:
    def interrupted(*_: object, **__: object) -> None:
        raise KeyboardInterrupt

    monkeypatch.setattr(tssa.check.command, "check_files", interrupted)
    assert main(["check", str(WRITTEN)]) == ExitCode.INTERRUPTED
    assert capsys.readouterr().err == "tssa: interrupted\n"


def test_a_newline_in_a_folder_name_cannot_forge_a_finding(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    forged = "x\n  self-assessment.md:1: error TSSA101 missing-section: forged\x1b[2K"
    package = Path(shutil.copytree(WRITTEN, tmp_path / forged))
    path = package / "self-assessment.md"
    path.write_text(path.read_text(encoding="utf-8").replace("| Complete |", "| Done\x1b[31m |", 1), encoding="utf-8")
    assert main(["check", "--select", "TSSA203", str(package)]) == ExitCode.FINDINGS
    out, _ = capsys.readouterr()
    lines = out.splitlines()
    # Three documents, one finding, the count: a line each, and nothing else.
    assert len(lines) == 5
    assert [line for line in lines if "forged" in line and line.startswith("  ")] == [
        next(line for line in lines if "TSSA203" in line)
    ]
    assert "\x1b" not in out
    assert "x\\n  self-assessment.md:1: error TSSA101 missing-section: forged\\x1b[2K" in out
    assert 'Assessment Stage is "Done\\x1b[31m"' in out


def test_an_error_message_with_a_control_character_stays_on_one_line(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(["check", str(tmp_path / "no\nsuch")]) == ExitCode.NOT_FOUND
    err = capsys.readouterr().err
    assert err == f"tssa: {tmp_path}/no\\nsuch: no such file or folder\n"


def test_lint_without_its_library_names_what_to_install(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.setitem(sys.modules, "pymarkdown", None)  # as if it were not installed
    monkeypatch.setitem(sys.modules, "pymarkdown.api", None)
    assert main(["check", "--lint", str(WRITTEN)]) == ExitCode.USAGE
    out, err = capsys.readouterr()
    assert out == ""
    assert err == "tssa: --lint needs PyMarkdown, which is not installed: pip install pymarkdownlnt\n"


def _children(pid: int) -> list[str]:
    try:
        return Path(f"/proc/{pid}/task/{pid}/children").read_text().split()
    except OSError:
        return []


@pytest.mark.skipif(not Path("/proc/self/task").exists(), reason="needs Linux /proc to see the workers start")
@pytest.mark.parametrize("delay", [0.0, 0.01, 0.03, 0.1, 0.3])
def test_ctrl_c_during_a_parallel_check_is_one_line(tmp_path: Path, delay: float) -> None:
    for number in range(20):  # enough documents for worker processes
        shutil.copytree(WRITTEN, tmp_path / f"project-{number}")
    with subprocess.Popen(
        [sys.executable, "-m", "tssa.cli", "check", str(tmp_path)],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
        text=True,
        start_new_session=True,  # its own process group: Ctrl-C in a terminal reaches every process of it
    ) as process:
        deadline = time.monotonic() + 60
        while not _children(process.pid) and process.poll() is None and time.monotonic() < deadline:
            time.sleep(0.002)
        time.sleep(delay)  # Ctrl-C as the workers start, or while they work
        with contextlib.suppress(ProcessLookupError):
            os.killpg(process.pid, signal.SIGINT)
        _, err = process.communicate(timeout=60)
    # Either the check finished first, or it stopped with one line: never a worker's traceback.
    # (-SIGINT: the signal came after the work was done, as the interpreter shut down.)
    assert err in {"", "tssa: interrupted\n"}
    assert process.returncode in {ExitCode.OK, ExitCode.INTERRUPTED, -signal.SIGINT}


def test_outline_fails_a_document_written_for_an_older_outline(capsys: pytest.CaptureFixture[str]) -> None:
    package = FIXTURES / "shape-2021"
    assert main(["check", "--outline", "2021", "--select", "TSSA109", str(package)]) == ExitCode.OK
    capsys.readouterr()
    assert main(["check", "--outline", "2023", "--select", "TSSA109", str(package)]) == ExitCode.FINDINGS
    out = capsys.readouterr().out
    assert "self-assessment.md:1: error TSSA109 outline-too-old: written for the guide's 2021 outline" in out
    assert "--outline asks for 2023 or newer" in out


def test_an_unknown_outline_version_is_refused_by_name(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["check", "--outline", "2031", str(FIXTURES / "shape-2021")]) == ExitCode.USAGE
    assert capsys.readouterr().err.strip() == (
        "tssa: --outline: '2031' is not an outline version; allowed: 2019, 2021, 2023, 2024"
    )


def test_python_dash_m_tssa_is_the_tssa_command(tmp_path: Path) -> None:
    import tssa

    version = subprocess.run([sys.executable, "-m", "tssa", "--version"], capture_output=True, text=True, timeout=60)
    assert (version.returncode, version.stdout) == (0, f"tssa {tssa.__version__}\n")
    checked = subprocess.run(
        [sys.executable, "-m", "tssa", "check", str(WRITTEN)], capture_output=True, text=True, timeout=60
    )
    assert checked.returncode == ExitCode.OK
    assert "3 documents: 0 errors, 0 warnings" in checked.stdout
    missing = subprocess.run(
        [sys.executable, "-m", "tssa", "check", str(tmp_path / "none")], capture_output=True, text=True, timeout=60
    )
    assert missing.returncode == ExitCode.NOT_FOUND and len(missing.stderr.strip().splitlines()) == 1
