"""How much slower `tssa update` is than plain `copier update`, on the same package, in the same run.

Builds a template repository from this working tree with two versions
(v0.0.1, and v0.0.2 with a reworded README line), copies a package from
v0.0.1, writes a line into each document and commits. Then, alternating,
it updates fresh copies of that package to v0.0.2 with each tool, after one
untimed warm-up of each:

- copier: `copier update --defaults --conflict inline --context-lines 3`;
- tssa: `tssa update`, which does the same and merges by sections, on a
  private copy, moving the result in at the end.

Both run in a new process (what a user waits for). Each update is timed in
CPU time (the processes it waited for: python, git), which a busy machine
disturbs far less than the wall clock; the wall clock is printed too. The
goal is 1.3x or less.

    python benchmarks/update_benchmark.py [--repetitions N]
"""

from __future__ import annotations

import argparse
import os
import resource
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

GOAL = 1.3
REPOSITORY = Path(__file__).resolve().parent.parent
IDENTITY = {
    "GIT_AUTHOR_NAME": "benchmark",
    "GIT_AUTHOR_EMAIL": "benchmark@tssa.invalid",
    "GIT_COMMITTER_NAME": "benchmark",
    "GIT_COMMITTER_EMAIL": "benchmark@tssa.invalid",
}
ENVIRONMENT = {**os.environ, **IDENTITY}
COMMANDS = {
    "copier": [sys.executable, "-m", "copier", "update", "--defaults", "--conflict", "inline", "--context-lines", "3"],
    "tssa": [sys.executable, "-m", "tssa.cli", "update"],
}


def _git(folder: Path, *args: str) -> None:
    subprocess.run(["git", *args], cwd=folder, env=ENVIRONMENT, check=True, capture_output=True)


def _commit(folder: Path, message: str) -> None:
    _git(folder, "add", "--all")
    _git(folder, "commit", "--quiet", "-m", message)


def make_template(folder: Path) -> Path:
    """This working tree's template as a repository with tags v0.0.1 and v0.0.2."""
    folder.mkdir()
    shutil.copy2(REPOSITORY / "copier.yml", folder / "copier.yml")
    for name in ("template", "extensions"):
        shutil.copytree(REPOSITORY / name, folder / name)
    _git(folder, "init", "--quiet", "--initial-branch=main")
    _commit(folder, "v0.0.1")
    _git(folder, "tag", "v0.0.1")
    readme = folder / "template" / "README.md.jinja"
    lines = readme.read_text(encoding="utf-8").splitlines(keepends=True)
    lines.insert(1, "\nA line the new version adds below the title.\n")
    readme.write_text("".join(lines), encoding="utf-8")
    _commit(folder, "v0.0.2")
    _git(folder, "tag", "v0.0.2")
    return folder


def make_package(template: Path, folder: Path) -> Path:
    """A package of v0.0.1 with a line of the authors' at the end of each document, committed."""
    subprocess.run(
        [
            sys.executable,
            "-m",
            "copier",
            "copy",
            "--defaults",
            "--quiet",
            "--vcs-ref",
            "v0.0.1",
            str(template),
            str(folder),
        ],
        env=ENVIRONMENT,
        check=True,
        capture_output=True,
    )
    _git(folder, "init", "--quiet", "--initial-branch=main")
    for document in sorted(folder.glob("*.md")):
        with document.open("a", encoding="utf-8") as file:
            file.write("\nA line the authors wrote.\n")
    _commit(folder, "the package, written in")
    return folder


def time_update(tool: str, package: Path, scratch: Path) -> tuple[float, float]:
    """CPU and wall-clock seconds of one update of a fresh copy of `package`."""
    copy = scratch / f"{tool}-{time.monotonic_ns()}"
    shutil.copytree(package, copy, symlinks=True)
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    started = time.perf_counter()
    result = subprocess.run([*COMMANDS[tool], str(copy)], cwd=copy, env=ENVIRONMENT, capture_output=True, text=True)
    wall = time.perf_counter() - started
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    if result.returncode != 0:
        raise SystemExit(f"{tool} update failed ({result.returncode}): {result.stderr.strip()[-500:]}")
    if "_commit: v0.0.2" not in (copy / ".copier-answers.yml").read_text(encoding="utf-8"):
        raise SystemExit(f"{tool} update did not reach v0.0.2")
    shutil.rmtree(copy)
    cpu = (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)
    return cpu, wall


def main(argv: list[str]) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repetitions", type=int, default=5, help="timed updates per tool (default 5)")
    repetitions = parser.parse_args(argv).repetitions
    with tempfile.TemporaryDirectory(prefix="update-benchmark-") as folder:
        root = Path(folder)
        os.environ["GIT_CEILING_DIRECTORIES"] = str(root)
        ENVIRONMENT["GIT_CEILING_DIRECTORIES"] = str(root)
        package = make_package(make_template(root / "template"), root / "package")
        for tool in COMMANDS:
            time_update(tool, package, root)  # warm-up: caches, first compilations
        times: dict[str, list[tuple[float, float]]] = {tool: [] for tool in COMMANDS}
        for _ in range(repetitions):
            for tool in COMMANDS:
                times[tool].append(time_update(tool, package, root))
    cpu = {tool: statistics.median(cpu for cpu, _ in runs) for tool, runs in times.items()}
    wall = {tool: statistics.median(wall for _, wall in runs) for tool, runs in times.items()}
    for tool in COMMANDS:
        print(f"{tool:>7} update: {cpu[tool]:6.2f} s CPU, {wall[tool]:6.2f} s wall (medians of {repetitions})")
    ratio = cpu["tssa"] / cpu["copier"]
    verdict = "meets" if ratio <= GOAL else "misses"
    print(f"tssa / copier: {ratio:.2f} CPU, {wall['tssa'] / wall['copier']:.2f} wall; {verdict} the goal of {GOAL}")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
