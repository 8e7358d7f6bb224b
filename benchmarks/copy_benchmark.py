"""How much slower `copier copy --defaults` of this template is than of a one-file template.

Both templates are measured the same way, on the same machine, in the same
run: each is a clean git repository at HEAD (this template is cloned from the
repository, so uncommitted changes are not measured and copier takes its
ordinary clean-repository path), copied with `--defaults` into a fresh folder,
several times, alternating between the two. The script reports the median
time of each and their ratio, for two ways of running copier:

- api: `copier.run_copy(...)` in this process, which measures copier's own
  work for the template (reading the questionnaire, rendering, writing);
- cli: `python -m copier copy ...` in a new process, which adds Python's
  start-up and imports, the time a user waits.

The goal is a ratio of 1.2 or less. Run it from anywhere:

    python benchmarks/copy_benchmark.py [--repetitions N] [--mode api|cli|both] [--template PATH]
"""

from __future__ import annotations

import argparse
import cProfile
import os
import pstats
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

import copier

GOAL = 1.2
REPOSITORY = Path(__file__).resolve().parent.parent

# Like this template, the one-file template keeps its files in a subdirectory: without one, copier
# walks (and renders the names of) every file in the repository, .git included, which would make the
# baseline slow for a reason that has nothing to do with the template.
ONE_FILE_QUESTIONNAIRE = """\
_subdirectory: template
project_name:
  type: str
  help: The project's name.
  default: Flibble
"""
ONE_FILE_TEMPLATE = "# {{ project_name }}\n"


def git(*arguments: str, cwd: Path) -> None:
    """Run git quietly in `cwd`, with an identity, so it works on a machine without git config."""
    subprocess.run(
        [
            "git",
            "-c",
            "user.name=copier-tssa benchmark",
            "-c",
            "user.email=benchmark@example.invalid",
            "-c",
            "commit.gpgsign=false",
            *arguments,
        ],
        cwd=cwd,
        check=True,
        capture_output=True,
    )


def clean_clone(repository: Path, destination: Path) -> Path:
    """A clean clone of `repository` at its HEAD: the template as committed."""
    git("clone", "--quiet", "--no-hardlinks", str(repository), str(destination), cwd=repository)
    return destination


def one_file_template(destination: Path) -> Path:
    """A git repository holding a template with one question and one file."""
    (destination / "template").mkdir(parents=True)
    (destination / "copier.yml").write_text(ONE_FILE_QUESTIONNAIRE, encoding="utf-8")
    (destination / "template" / "README.md.jinja").write_text(ONE_FILE_TEMPLATE, encoding="utf-8")
    git("init", "--quiet", cwd=destination)
    git("add", "-A", cwd=destination)
    git("commit", "--quiet", "-m", "One-file template", cwd=destination)
    return destination


def copy_with_api(template: Path, destination: Path) -> None:
    """`copier copy --defaults` through the Python API, in this process."""
    copier.run_copy(str(template), destination, defaults=True, quiet=True, vcs_ref="HEAD")


def copy_with_cli(template: Path, destination: Path) -> None:
    """`copier copy --defaults` through the command line, in a new process."""
    subprocess.run(
        [
            sys.executable,
            "-m",
            "copier",
            "copy",
            "--defaults",
            "--quiet",
            "--vcs-ref",
            "HEAD",
            str(template),
            str(destination),
        ],
        check=True,
        capture_output=True,
    )


@dataclass
class Timings:
    """Wall-clock and CPU seconds of each timed copy of one template."""

    wall: list[float] = field(default_factory=list)
    cpu: list[float] = field(default_factory=list)


def cpu_seconds() -> float:
    """CPU time used so far by this process and by its finished children (git, copier processes)."""
    times = os.times()
    return times.user + times.system + times.children_user + times.children_system


def measure(
    copy: Callable[[Path, Path], None],
    templates: dict[str, Path],
    workspace: Path,
    repetitions: int,
) -> dict[str, Timings]:
    """Copy each template `repetitions` times, alternating, after one untimed warm-up copy of each."""
    timings = {name: Timings() for name in templates}
    for round_number in range(repetitions + 1):
        # Alternate which template goes first, so neither always runs on a warmer machine.
        order = list(templates) if round_number % 2 == 0 else list(reversed(templates))
        for name in order:
            destination = workspace / f"{name}-{round_number}"
            cpu_started = cpu_seconds()
            started = time.perf_counter()
            copy(templates[name], destination)
            wall = time.perf_counter() - started
            cpu = cpu_seconds() - cpu_started
            shutil.rmtree(destination)
            if round_number > 0:
                timings[name].wall.append(wall)
                timings[name].cpu.append(cpu)
    return timings


def milliseconds(values: list[float]) -> str:
    """The median of `values` in milliseconds, with the range."""
    return (
        f"median {statistics.median(values) * 1000:7.1f} ms"
        f"  (range {min(values) * 1000:.0f}-{max(values) * 1000:.0f})"
    )


def report(mode: str, timings: dict[str, Timings]) -> bool:
    """Print the medians and ratios for one mode; return whether the CPU-time ratio meets the goal."""
    tssa, baseline = timings["tssa"], timings["one-file"]
    print(f"{mode}:")
    verdict = False
    for clock in ("cpu", "wall"):
        ours, theirs = getattr(tssa, clock), getattr(baseline, clock)
        ratio = statistics.median(ours) / statistics.median(theirs)
        print(
            f"  {clock:4}  copier-tssa {milliseconds(ours)}   one-file {milliseconds(theirs)}   ratio {ratio:.2f}x"
        )
        if clock == "cpu":
            verdict = ratio <= GOAL
    print(f"  => {'meets' if verdict else 'DOES NOT meet'} the goal of {GOAL}x or less (CPU time)")
    return verdict


def profile(template: Path, workspace: Path, copies: int, lines: int) -> None:
    """Profile `copies` API copies of `template` and print where the time goes."""
    copy_with_api(template, workspace / "profile-warm-up")
    profiler = cProfile.Profile()
    profiler.enable()
    for number in range(copies):
        copy_with_api(template, workspace / f"profile-{number}")
    profiler.disable()
    statistics_ = pstats.Stats(profiler)
    total = max(statistics_.total_tt, 1e-9)  # type: ignore[attr-defined]
    shares: dict[str, float] = {}
    for (filename, _, function), row in statistics_.stats.items():  # type: ignore[attr-defined]
        cumulative = row[3]
        if filename.endswith(os.path.join("jinja2", "environment.py")) and function == "compile":
            shares["Jinja compiling templates and strings"] = cumulative
        elif filename.endswith(os.path.join("copier", "_vcs.py")) and function == "clone":
            shares["git clone of the template"] = cumulative
        elif filename.endswith(os.path.join("copier", "_main.py")) and function == "_ask":
            shares["the questionnaire (defaults, when, validators)"] = cumulative
        elif filename.endswith(os.path.join("copier", "_main.py")) and function == "_render_template":
            shares["rendering the files"] = cumulative
        elif filename.endswith(os.path.join("copier", "_template.py")) and function == "load_template_config":
            shares["reading copier.yml"] = cumulative
    print(f"profile of {copies} API copies of the copier-tssa template (overlapping shares of the time):")
    for label, seconds in sorted(shares.items(), key=lambda item: -item[1]):
        print(f"  {seconds / total:6.1%}  {label}")
    statistics_.sort_stats("cumulative").print_stats(lines)


def main(argv: list[str] | None = None) -> int:
    """Run the benchmark; exit 0 if every measured mode meets the goal, 1 if not."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
    parser.add_argument("--repetitions", type=int, default=7, help="timed copies of each template per mode")
    parser.add_argument("--mode", choices=("api", "cli", "both"), default="both")
    parser.add_argument(
        "--template",
        type=Path,
        default=REPOSITORY,
        help="the git repository of the template to measure (default: this repository, at HEAD)",
    )
    parser.add_argument(
        "--profile",
        type=int,
        metavar="LINES",
        default=0,
        help="also profile API copies of this template and print the top LINES functions",
    )
    options = parser.parse_args(argv)
    if options.repetitions < 1:
        parser.error("--repetitions must be at least 1")

    modes = {"api": copy_with_api, "cli": copy_with_cli}
    chosen = list(modes) if options.mode == "both" else [options.mode]
    with tempfile.TemporaryDirectory(prefix="copier-tssa-benchmark-") as scratch:
        workspace = Path(scratch)
        templates = {
            "tssa": clean_clone(options.template.resolve(), workspace / "tssa-template"),
            "one-file": one_file_template(workspace / "one-file-template"),
        }
        print(
            f"copier {copier.__version__}, Python {sys.version.split()[0]}, "
            f"{options.repetitions} timed copies of each template per mode (median)"
        )
        results = [
            report(mode, measure(modes[mode], templates, workspace, options.repetitions)) for mode in chosen
        ]
        if options.profile:
            profile(templates["tssa"], workspace, copies=5, lines=options.profile)
    return 0 if all(results) else 1


if __name__ == "__main__":
    sys.exit(main())
