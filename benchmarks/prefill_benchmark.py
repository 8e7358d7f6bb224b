"""Time `tssa prefill`'s scan of a large checkout against a plain `os.walk` of the same tree.

Builds a checkout of N files (100,000 by default) in a temporary folder: Go
sources in folders of 100, a vendored folder holding a tenth of the files
(which prefill does not enter), the usual project documents and CI
workflows. Then reports, for the scan that `tssa prefill` runs (`detect`)
and for the floor (`os.walk` listing every file, vendored ones too), the
time, files per second and peak Python memory (tracemalloc, a separate run),
and the ratio of the two. The goal: a few seconds for 100,000 files.

    python benchmarks/prefill_benchmark.py [FILES]
"""

from __future__ import annotations

import os
import subprocess
import sys
import tempfile
import time
import tracemalloc
from collections.abc import Callable
from pathlib import Path

from tssa.prefill.detect import detect

DOCUMENTS = {
    "README.md": "# Rocket\n\n## Community\n\nSee the channels.\n",
    "SECURITY.md": "Report to security@rocket.example.org.\n",
    "CONTRIBUTING.md": "Sign off your commits (DCO).\n",
    "GOVERNANCE.md": "Maintainers decide.\n",
    "docs/threat-model.md": "# Threats\n",
    ".github/dependabot.yml": "version: 2\n",
    ".github/workflows/ci.yml": "steps:\n  - uses: github/codeql-action/init@v3\n",
    ".github/workflows/release.yml": "steps:\n  - uses: sigstore/cosign-installer@v3\n",
}


def build(root: Path, files: int) -> None:
    vendored = files // 10
    for index in range(files - vendored - len(DOCUMENTS)):
        folder = root / "pkg" / f"p{index // 100:04d}"
        if index % 100 == 0:
            folder.mkdir(parents=True)
        (folder / f"f{index % 100:02d}.go").touch()
    for index in range(vendored):
        folder = root / "vendor" / f"v{index // 100:04d}"
        if index % 100 == 0:
            folder.mkdir(parents=True)
        (folder / f"f{index % 100:02d}.go").touch()
    for name, text in DOCUMENTS.items():
        (root / name).parent.mkdir(parents=True, exist_ok=True)
        (root / name).write_text(text, encoding="utf-8")
    subprocess.run(["git", "init", "-q", str(root)], check=True)
    subprocess.run(["git", "-C", str(root), "remote", "add", "origin", "git@github.com:acme/rocket.git"], check=True)


def walk_floor(root: Path) -> int:
    """The least any scan does: list every file's path (vendored ones too, as os.walk enters everything)."""
    start = len(str(root)) + 1
    paths = [os.path.join(folder, name)[start:] for folder, _, names in os.walk(root) for name in names]
    return len(paths)


def prefill_scan(root: Path) -> int:
    facts = detect(root)
    assert facts.languages == ["Go"] and facts.documents["threat model"]
    return len(facts.tree.files)


def measure(job: Callable[[Path], int], root: Path) -> tuple[float, int, float]:
    """Seconds (best of 3), files seen, and peak traced memory in MiB (a separate run)."""
    timings = []
    seen = 0
    for _ in range(3):
        started = time.perf_counter()
        seen = job(root)
        timings.append(time.perf_counter() - started)
    tracemalloc.start()
    job(root)
    peak = tracemalloc.get_traced_memory()[1] / 2**20
    tracemalloc.stop()
    return min(timings), seen, peak


def main(files: int) -> int:
    with tempfile.TemporaryDirectory() as folder:
        root = Path(folder) / "rocket"
        started = time.perf_counter()
        build(root, files)
        print(f"built a checkout of {files:,} files in {time.perf_counter() - started:.1f} s")
        floor_time, floor_seen, floor_peak = measure(walk_floor, root)
        scan_time, scan_seen, scan_peak = measure(prefill_scan, root)
    print(f"{'':14}{'seconds':>9}{'files':>10}{'files/s':>12}{'peak MiB':>10}")
    for name, elapsed, seen, peak in (
        ("os.walk floor", floor_time, floor_seen, floor_peak),
        ("tssa prefill", scan_time, scan_seen, scan_peak),
    ):
        print(f"{name:14}{elapsed:9.2f}{seen:10,}{files / elapsed:12,.0f}{peak:10.1f}")
    print(f"prefill time / floor time: {scan_time / floor_time:.2f} (files per second over the whole checkout)")
    return 0


if __name__ == "__main__":
    sys.exit(main(int(sys.argv[1]) if len(sys.argv) > 1 else 100_000))
