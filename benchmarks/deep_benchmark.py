"""Time of `tssa check` and `tssa index` on a tree with one chain of nested folders: bounded however deep?

Builds one package beside a chain of `d/d/d/...` folders 0, 500, 1,000 and
3,000 levels deep (made by descriptor, so no path grows past the system's
limit) and runs each command on it in a new process, a few times,
alternating. Reports the median wall-clock seconds and their ratio to the
floor: the same command on the same package with no chain, measured in the
same run. Folders below 64 levels are reported and not read, so the ratio
should stay near 1 at any depth (before the walk was bounded, 1,000 levels
took about 14 s and 3,000 levels more than two minutes).

    python benchmarks/deep_benchmark.py [LEVELS ...]     # default: 500 1000 3000
"""

from __future__ import annotations

import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "tests"))
from deeptree import make_deep, remove_deep  # the tests' own helper, one copy

TSSA = Path(sys.executable).with_name("tssa")
RUNS = 3
DOCUMENT = "# Rocket self-assessment\n\n## Metadata\n\n| | |\n| --- | --- |\n| Assessment Stage | Complete |\n"


def tree(base: Path, levels: int) -> Path:
    root = base / f"levels-{levels}"
    package = root / "projects" / "rocket" / "security-assessment"
    package.mkdir(parents=True)
    (package / "self-assessment.md").write_text(DOCUMENT, encoding="utf-8")
    make_deep(root, levels)
    return root


def seconds(command: str, root: Path, out: Path) -> float:
    arguments = [str(TSSA), command, str(root)]
    if command == "index":
        arguments += ["--json", str(out / "index.json"), "--listing", str(out / "listing.md")]
    start = time.perf_counter()
    done = subprocess.run(arguments, capture_output=True, text=True, timeout=600, check=False)
    elapsed = time.perf_counter() - start
    if done.returncode not in (0, 1):
        raise SystemExit(f"tssa {command} {root}: exit {done.returncode}: {done.stderr.strip()}")
    return elapsed


def main() -> None:
    levels = [int(argument) for argument in sys.argv[1:]] or [500, 1000, 3000]
    with tempfile.TemporaryDirectory(prefix="tssa-deep-") as scratch:
        base = Path(scratch)
        roots = {depth: tree(base, depth) for depth in [0, *levels]}
        try:
            for command in ("check", "index"):
                times: dict[int, list[float]] = {depth: [] for depth in roots}
                for _ in range(RUNS):
                    for depth, root in roots.items():  # alternating, so load changes hit every depth alike
                        out = base / f"out-{command}-{depth}"
                        out.mkdir(exist_ok=True)
                        times[depth].append(seconds(command, root, out))
                floor = statistics.median(times[0])
                print(f"tssa {command}: floor (no chain) {floor:.2f} s")
                for depth in levels:
                    median = statistics.median(times[depth])
                    print(f"  {depth:>5} levels: {median:.2f} s, {median / floor:.2f} x the floor")
        finally:
            for root in roots.values():
                remove_deep(root)


if __name__ == "__main__":
    main()
