"""Time `tssa check` on many packages, beyond interpreter start-up.

Copies the fully written test package N times into a temporary folder and
times one in-process check of all of them, for 50 and for 5,000 packages (or
the sizes given). Goals: 50 packages well under a second; time per package
about the same at 5,000 (linear scaling).

    python benchmarks/check_benchmark.py [SIZE ...]
"""

from __future__ import annotations

import shutil
import sys
import tempfile
import time
from pathlib import Path

from tssa.check import check_files
from tssa.package import find_package_files

WRITTEN = Path(__file__).resolve().parent.parent / "tests" / "fixtures" / "check" / "written"


def time_check(count: int) -> float:
    with tempfile.TemporaryDirectory() as folder:
        root = Path(folder)
        for number in range(count):
            shutil.copytree(WRITTEN, root / f"project-{number}" / "security-assessment")
        started = time.perf_counter()
        reports = check_files(find_package_files([root]))
        elapsed = time.perf_counter() - started
    assert len(reports) == 3 * count
    return elapsed


def main(sizes: list[int]) -> int:
    time_check(2)  # warm up: imports and first parses
    per_package: list[float] = []
    for count in sizes:
        elapsed = time_check(count)
        per_package.append(elapsed / count)
        print(f"{count:>6} packages: {elapsed:8.3f} s  ({1000 * elapsed / count:.2f} ms per package)")
    if len(per_package) > 1:
        ratio = per_package[-1] / per_package[0]
        print(f"per-package time, largest run / smallest run: {ratio:.2f} (1.00 = linear)")
    return 0


if __name__ == "__main__":
    sys.exit(main([int(size) for size in sys.argv[1:]] or [50, 5000]))
