"""How fast `tssa check` starts, and how it keeps up with many packages.

Two measurements, in one run on one machine:

- start-up: `tssa check` on one package in a new process (what a user and a
  pre-commit hook wait for) against `python -c "import pyromark"`, the
  floor: the interpreter and the Markdown parser that every check needs.
  Runs alternate between the two, after one untimed warm-up each; the script
  prints the median wall-clock and CPU time of each, and their ratio. The
  goal is 2x or less, on CPU time (a busy machine disturbs it far less).
  tssa's bytecode is compiled first, as `pip install` does: with
  PYTHONDONTWRITEBYTECODE set and an editable install, Python would compile
  every module of tssa at each start, which no installed tssa does.
- many packages: the packages the index benchmark generates (5,000 by
  default), checked by one `tssa check` in a new process (which spreads the
  files over the machine's cores): seconds (goal: under 10 s for 5,000), CPU
  time of the process and its workers, documents per second, and peak memory.

    python benchmarks/check_benchmark.py [--repetitions N] [--packages N]
"""

from __future__ import annotations

import argparse
import compileall
import os
import resource
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

GOAL = 2.0
SOURCE = Path(__file__).resolve().parent.parent / "src" / "tssa"
WRITTEN = Path(__file__).resolve().parent.parent / "tests" / "fixtures" / "check" / "written"
CHECK = [sys.executable, "-m", "tssa.cli", "check", str(WRITTEN)]
FLOOR = [sys.executable, "-c", "import pyromark"]
GOAL_SECONDS = 10.0


def _timed(command: list[str]) -> tuple[float, float]:
    """Wall-clock and CPU seconds of one run of `command` in a new process."""
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    started = time.perf_counter()
    finished = subprocess.run(command, capture_output=True, check=False)
    wall = time.perf_counter() - started
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    if finished.returncode != 0:
        sys.exit(f"{' '.join(command)} failed: {finished.stderr.decode(errors='replace')}")
    cpu = (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)
    return wall, cpu


def start_up(repetitions: int) -> None:
    compileall.compile_dir(SOURCE, quiet=1)  # the bytecode an installed tssa has
    _timed(CHECK), _timed(FLOOR)  # warm the file cache
    runs: dict[str, list[tuple[float, float]]] = {"check": [], "floor": []}
    for _ in range(repetitions):
        runs["check"].append(_timed(CHECK))
        runs["floor"].append(_timed(FLOOR))
    medians = {
        name: (statistics.median(wall for wall, _ in times), statistics.median(cpu for _, cpu in times))
        for name, times in runs.items()
    }
    (check_wall, check_cpu), (floor_wall, floor_cpu) = medians["check"], medians["floor"]
    print(f"start-up, medians of {repetitions} runs each, new processes:")
    print(f"  tssa check, one package:        {check_wall:6.3f} s wall  {check_cpu:6.3f} s CPU")
    print(f"  python -c 'import pyromark':    {floor_wall:6.3f} s wall  {floor_cpu:6.3f} s CPU")
    ratio = check_cpu / floor_cpu
    verdict = "met" if ratio <= GOAL else "NOT met"
    print(f"  ratio: {ratio:.2f} CPU, {check_wall / floor_wall:.2f} wall (goal {GOAL:.1f}x on CPU: {verdict})")


def many_packages(count: int) -> None:
    sys.path.insert(0, str(Path(__file__).parent))
    from index_benchmark import generate  # the same packages as the index benchmark

    with tempfile.TemporaryDirectory() as folder:
        root = Path(folder) / "packages"
        generate(root, count)
        documents = sum(1 for _ in root.rglob("*.md"))
        before = resource.getrusage(resource.RUSAGE_CHILDREN)
        started = time.perf_counter()
        finished = subprocess.run(
            [sys.executable, "-m", "tssa.cli", "check", str(root)], stdout=subprocess.DEVNULL, check=False
        )
        elapsed = time.perf_counter() - started
        after = resource.getrusage(resource.RUSAGE_CHILDREN)
    assert finished.returncode in (0, 1), finished.returncode
    cpu = (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)
    goal = GOAL_SECONDS * count / 5000
    verdict = "met" if elapsed < goal else "NOT met"
    print(f"tssa check of {count} generated packages ({documents} documents), a new process on {os.cpu_count()} CPUs:")
    print(
        f"  {elapsed:.2f} s ({cpu:.2f} s of CPU, the process and its workers): {documents / elapsed:,.0f} documents/s"
    )
    print(f"  goal of {goal:.1f} s: {verdict}; peak memory of the largest process {after.ru_maxrss / 1024:.0f} MiB")


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
    parser.add_argument("--repetitions", type=int, default=15, help="new-process runs of each (default 15)")
    parser.add_argument("--packages", type=int, default=5000, help="packages checked (default 5000)")
    args = parser.parse_args()
    start_up(args.repetitions)
    many_packages(args.packages)
    return 0


if __name__ == "__main__":
    sys.exit(main())
