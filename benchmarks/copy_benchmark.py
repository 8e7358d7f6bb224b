"""How much slower `copier copy --defaults` of this template is than of a one-file template.

Both templates are measured the same way, on the same machine, in the same
run: each is a clean git repository at HEAD (this template is cloned from the
repository, so uncommitted changes are not measured and copier takes its
ordinary clean-repository path), copied with `--defaults` into a fresh folder
several times, alternating between the templates, after one untimed warm-up
copy of each. The script prints the median time of each and their ratio, for
two ways of running copier:

- api: `copier.run_copy(...)` in this process: copier's own work for the
  template (reading the questionnaire, answering it, rendering, writing);
- cli: `python -m copier copy ...` in a new process: what a user waits for,
  Python's start-up and imports included.

Each copy is timed on the wall clock and in CPU time (this process and the
processes it waited for: git, copier). The verdict uses the wall clock, what a
user waits for: the median of interleaved runs, so a busy moment of the
machine falls on both templates alike. The goal is 1.2x or less. CPU time is
shown beside it.

`--breakdown` adds three templates between the two, each this repository
with its own template replaced by the one-file template: first with the
one-file questionnaire, then with this template's questions, then with their
validators too. The steps show what cloning this repository (the toolkit and
the tests come along), the questions, the validators and the documents cost.
`--profile LINES` profiles API copies of this template.

    python benchmarks/copy_benchmark.py [--repetitions N] [--mode api|cli|both] [--breakdown] [--profile LINES]
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
from typing import Any

import copier
import yaml

GOAL = 1.2
REPOSITORY = Path(__file__).resolve().parent.parent
TSSA = "copier-tssa template"
ONE_FILE = "one-file template"
REPOSITORY_ONLY = "this repository, one question, one file"
QUESTIONS = "its questions, no validators, one file"
VALIDATED = "its questions and validators, one file"

# Like this template, the one-file template keeps its file in a subdirectory: without one, copier
# walks every file of the repository, .git included, and renders each name, which would slow the
# baseline down for a reason that has nothing to do with templates.
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


def commit_all(folder: Path) -> Path:
    """Make `folder` a git repository whose only commit holds everything in it."""
    git("init", "--quiet", cwd=folder)
    git("add", "-A", cwd=folder)
    git("commit", "--quiet", "-m", "Benchmark template", cwd=folder)
    git("repack", "-a", "-d", "-q", cwd=folder)
    return folder


def clean_clone(repository: Path, destination: Path) -> Path:
    """A clean clone of `repository` at its HEAD: the template as committed.

    Cloned through file://, so its objects arrive in one pack, as in a clone from a server. A local
    path would copy loose objects one by one, and copier, cloning the template again for every copy,
    would then spend its time on the number of objects in the history rather than on the template.
    """
    git("clone", "--quiet", repository.as_uri(), str(destination), cwd=repository)
    return destination


def one_file_template(destination: Path) -> Path:
    """A git repository holding a template with one question and one file."""
    (destination / "template").mkdir(parents=True)
    (destination / "copier.yml").write_text(ONE_FILE_QUESTIONNAIRE, encoding="utf-8")
    (destination / "template" / "README.md.jinja").write_text(ONE_FILE_TEMPLATE, encoding="utf-8")
    return commit_all(destination)


def questionnaire_template(tssa: Path, destination: Path, *, questions: bool, validators: bool) -> Path:
    """This repository with its template replaced by the one-file template's file.

    With `questions`, the questionnaire stays (with or without its validators); without, the one-file
    template's questionnaire replaces it.
    """
    shutil.copytree(tssa, destination, ignore=shutil.ignore_patterns(".git"))
    config: dict[str, Any] = yaml.safe_load((destination / "copier.yml").read_text(encoding="utf-8"))
    shutil.rmtree(destination / str(config.get("_subdirectory", "")))
    if not questions:
        config = yaml.safe_load(ONE_FILE_QUESTIONNAIRE)
    config["_subdirectory"] = "one-file"
    config.pop("_message_after_copy", None)
    if not validators:
        for spec in config.values():
            if isinstance(spec, dict):
                spec.pop("validator", None)
    (destination / "copier.yml").write_text(yaml.safe_dump(config, sort_keys=False), encoding="utf-8")
    (destination / "one-file").mkdir()
    (destination / "one-file" / "README.md.jinja").write_text(ONE_FILE_TEMPLATE, encoding="utf-8")
    return commit_all(destination)


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
    """CPU time used so far by this process and by the child processes it waited for."""
    if sys.platform == "win32":
        times = os.times()  # only this process on Windows, in coarse ticks
        return times.user + times.system + times.children_user + times.children_system
    import resource  # finer than os.times(), whose 10 ms ticks blur copies of 100 ms

    own = resource.getrusage(resource.RUSAGE_SELF)
    children = resource.getrusage(resource.RUSAGE_CHILDREN)
    return own.ru_utime + own.ru_stime + children.ru_utime + children.ru_stime


def measure(
    copy: Callable[[Path, Path], None],
    templates: dict[str, Path],
    workspace: Path,
    repetitions: int,
) -> dict[str, Timings]:
    """Copy each template `repetitions` times, alternating, after one untimed warm-up copy of each."""
    timings = {name: Timings() for name in templates}
    for round_number in range(repetitions + 1):
        # Alternate the order, so no template always runs first on a freshly idle machine.
        order = list(templates) if round_number % 2 == 0 else list(reversed(templates))
        for name in order:
            destination = workspace / f"copy-{round_number}"
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


def report(mode: str, timings: dict[str, Timings]) -> bool:
    """Print the medians and ratios for one mode; return whether the wall-clock ratio meets the goal."""
    baseline = timings[ONE_FILE]
    print(f"{mode}:{'':38}   cpu median        wall median (range)")
    for name, timing in timings.items():
        cpu, wall = statistics.median(timing.cpu), statistics.median(timing.wall)
        cpu_ratio = cpu / statistics.median(baseline.cpu)
        wall_ratio = wall / statistics.median(baseline.wall)
        print(
            f"  {name:40} {cpu * 1000:6.0f} ms {cpu_ratio:5.2f}x"
            f"   {wall * 1000:6.0f} ms {wall_ratio:5.2f}x ({min(timing.wall) * 1000:.0f}-{max(timing.wall) * 1000:.0f})"
        )
    ratio = statistics.median(timings[TSSA].wall) / statistics.median(baseline.wall)
    meets = ratio <= GOAL
    print(f"  => {ratio:.2f}x: {'meets' if meets else 'DOES NOT meet'} the goal of {GOAL}x or less (wall clock)")
    return meets


def profile(template: Path, workspace: Path, copies: int, lines: int) -> None:
    """Profile `copies` API copies of `template` and print where the time goes."""
    copy_with_api(template, workspace / "profile-warm-up")
    profiler = cProfile.Profile()
    profiler.enable()
    for number in range(copies):
        copy_with_api(template, workspace / f"profile-{number}")
    profiler.disable()
    stats = pstats.Stats(profiler)
    total = max(stats.total_tt, 1e-9)  # type: ignore[attr-defined]
    places = {
        ("jinja2", "environment.py", "compile"): "Jinja compiling templates and strings",
        ("copier", "_vcs.py", "clone"): "git clone of the template",
        ("copier", "_main.py", "_ask"): "the questionnaire: defaults, when, validators",
        ("copier", "_main.py", "_render_template"): "rendering and writing the files",
        ("copier", "_template.py", "load_template_config"): "reading copier.yml",
    }
    shares: dict[str, float] = {}
    for (filename, _, function), row in stats.stats.items():  # type: ignore[attr-defined]
        path = Path(filename)
        label = places.get((path.parent.name, path.name, function))
        if label:
            shares[label] = row[3]
    print(f"\nprofile of {copies} API copies of the {TSSA} (shares overlap: compiling happens in the others):")
    for label, seconds in sorted(shares.items(), key=lambda item: -item[1]):
        print(f"  {seconds / total:6.1%}  {label}")
    stats.sort_stats("cumulative").print_stats(lines)


def main(argv: list[str] | None = None) -> int:
    """Run the benchmark; exit 0 if every measured mode meets the goal, 1 if not."""
    parser = argparse.ArgumentParser(description=(__doc__ or "").splitlines()[0])
    parser.add_argument("--repetitions", type=int, default=9, help="timed copies of each template per mode")
    parser.add_argument("--mode", choices=("api", "cli", "both"), default="both")
    parser.add_argument("--breakdown", action="store_true", help="also time three templates between the two")
    parser.add_argument("--profile", type=int, metavar="LINES", default=0, help="profile API copies too")
    parser.add_argument(
        "--template",
        type=Path,
        default=REPOSITORY,
        help="the git repository of the template to measure (default: this repository, at HEAD)",
    )
    options = parser.parse_args(argv)
    if options.repetitions < 1:
        parser.error("--repetitions must be at least 1")

    modes = {"api": copy_with_api, "cli": copy_with_cli}
    chosen = list(modes) if options.mode == "both" else [options.mode]
    with tempfile.TemporaryDirectory(prefix="copier-tssa-benchmark-") as scratch:
        workspace = Path(scratch)
        tssa = clean_clone(options.template.resolve(), workspace / "tssa")
        templates = {ONE_FILE: one_file_template(workspace / "one-file")}
        if options.breakdown:
            for name, folder, questions, validators in (
                (REPOSITORY_ONLY, "repository", False, False),
                (QUESTIONS, "questions", True, False),
                (VALIDATED, "validated", True, True),
            ):
                templates[name] = questionnaire_template(
                    tssa, workspace / folder, questions=questions, validators=validators
                )
        templates[TSSA] = tssa
        print(
            f"copier {copier.__version__}, Python {sys.version.split()[0]}, {os.cpu_count()} CPUs; "
            f"{options.repetitions} timed copies of each template per mode; ratios to the {ONE_FILE}"
        )
        results = [report(mode, measure(modes[mode], templates, workspace, options.repetitions)) for mode in chosen]
        if options.profile:
            profile(tssa, workspace, copies=5, lines=options.profile)
    return 0 if all(results) else 1


if __name__ == "__main__":
    sys.exit(main())
