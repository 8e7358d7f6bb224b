"""How fast `tssa check` starts, and how it keeps up with many packages.

Two measurements, in one run on one machine:

- start-up: `tssa check` on one package in a new process (what a user and a
  pre-commit hook wait for) against `python -c "import markdown_it"`, the
  floor: the interpreter and the Markdown parser that every check needs.
  Runs alternate between the two, after one untimed warm-up each; the script
  prints the median wall-clock and CPU time of each, and their ratio. The
  goal is 2x or less, on CPU time (a busy machine disturbs it far less).
- many packages: N copies of the fully written test package (5,000 by
  default, three documents each), checked by one `tssa check` in one process
  (which spreads the files over the machine's cores, as the CLI does):
  documents per second, and peak memory (`ru_maxrss`) of that process and of
  its largest worker.

    python benchmarks/check_benchmark.py [--repetitions N] [--packages N]
"""

from __future__ import annotations

import argparse
import resource
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

GOAL = 2.0
WRITTEN = Path(__file__).resolve().parent.parent / "tests" / "fixtures" / "check" / "written"
CHECK = [sys.executable, "-m", "tssa.cli", "check", str(WRITTEN)]
FLOOR = [sys.executable, "-c", "import markdown_it"]


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
    print(f"  python -c 'import markdown_it': {floor_wall:6.3f} s wall  {floor_cpu:6.3f} s CPU")
    ratio = check_cpu / floor_cpu
    verdict = "met" if ratio <= GOAL else "NOT met"
    print(f"  ratio: {ratio:.2f} CPU, {check_wall / floor_wall:.2f} wall (goal {GOAL:.1f}x on CPU: {verdict})")


def many_packages(count: int) -> None:
    from tssa.reading.findings import check_files
    from tssa.reading.package import find_package_files

    with tempfile.TemporaryDirectory() as folder:
        root = Path(folder)
        for number in range(count):
            shutil.copytree(WRITTEN, root / f"project-{number}" / "security-assessment")
        started = time.perf_counter()
        reports = check_files(find_package_files([root]))
        elapsed = time.perf_counter() - started
    assert len(reports) == 3 * count, len(reports)
    assert not any(report.findings for report in reports), "the written package should have no findings"
    # ru_maxrss is in KiB on Linux.
    own = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    workers = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024
    print(f"{count} packages ({len(reports)} documents) in one process:")
    print(f"  {elapsed:.2f} s: {len(reports) / elapsed:,.0f} documents per second")
    print(f"  peak memory: {own:.0f} MiB in the checking process, {workers:.0f} MiB in its largest worker")


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
    parser.add_argument("--repetitions", type=int, default=15, help="new-process runs of each (default 15)")
    parser.add_argument("--packages", type=int, default=5000, help="packages checked in one process (default 5000)")
    args = parser.parse_args()
    start_up(args.repetitions)
    many_packages(args.packages)
    return 0


if __name__ == "__main__":
    sys.exit(main())
