"""Time and memory of `tssa check` on one big document: is every step linear?

Writes documents of table rows, of links and of headings at growing sizes
(up to the 4 MiB limit), and checks each in a fresh child process, measuring
CPU seconds and the growth of peak memory (RSS) during the check. Reports, per
shape, seconds per MB and that figure against the floor: the smallest size
in the same run (1.00 = linear), and peak memory as a multiple of the file's
size (goal: under 10) and of the peak of markdown-it's own parse of the same
text, measured in the same child (its tokens alone take about 100 times the
text of these shapes, so that floor shows what our code adds). Last, a file
far over the limit must be refused at once.

    python benchmarks/bigfile_benchmark.py [MB ...]      # default: 0.5 1 2 4
"""

from __future__ import annotations

import contextlib
import json
import os
import resource
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

SHAPES: dict[str, Callable[[int], str]] = {
    "table rows": lambda n: (
        "# Goals\n\n| a | b |\n| - | - |\n" + "".join(f"| cell {i} | [x](#a{i}) |\n" for i in range(n))
    ),
    "links": lambda n: "# Goals\n\n" + "".join(f"See [link {i}](#a-{i}) and [o](other{i}.md).\n" for i in range(n)),
    "headings": lambda n: "".join(f"## Heading {i}\n\ntext {i}\n\n" for i in range(n)),
    "same heading": lambda n: "## Goals\n\ntext\n\n" * n,
    "brackets": lambda n: "[" * (n * 8) + "]" * (n * 8),
}


def _rss_now() -> int:
    """Current resident memory in bytes (Linux), or 0 when unknown."""
    try:
        with open("/proc/self/statm") as statm:
            return int(statm.read().split()[1]) * os.sysconf("SC_PAGE_SIZE")
    except (OSError, ValueError):
        return 0


def _peak_rss() -> int:
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    return peak if sys.platform == "darwin" else peak * 1024


def _reset_peak() -> int:
    """Reset the peak memory mark (Linux) and return the memory in use now."""
    import gc

    gc.collect()
    with contextlib.suppress(OSError):
        Path("/proc/self/clear_refs").write_text("5")
    return _rss_now()


def measure_one(what: str, path: Path) -> dict[str, float]:
    """In a child: check one document ("check"), or only let markdown-it read it ("tokens", the floor).

    Returns CPU seconds and the growth of peak memory while it ran.
    """
    from markdown_it import MarkdownIt

    from tssa.reading.findings import check_file
    from tssa.reading.outline import DOCUMENTS
    from tssa.reading.package import PackageFile

    check_file(PackageFile(Path(__file__), DOCUMENTS[0]))  # warm up: lazy imports and caches
    parser = MarkdownIt("commonmark").enable(["table", "strikethrough"])  # block and inline, as a reader needs
    text = path.read_text(encoding="utf-8") if what == "tokens" else ""
    before = _reset_peak()
    started = time.process_time()
    if what == "tokens":
        parser.parse(text, {})
    else:
        check_file(PackageFile(path, DOCUMENTS[0]))
    seconds = time.process_time() - started
    return {"seconds": seconds, "peak_growth": max(1, _peak_rss() - before)}


def run_child(what: str, path: Path) -> dict[str, float]:
    command = [sys.executable, __file__, "--one", what, str(path)]
    done = subprocess.run(command, capture_output=True, text=True, check=True)
    result: dict[str, float] = json.loads(done.stdout)
    return result


def write_shape(folder: Path, shape: str, megabytes: float) -> Path:
    make = SHAPES[shape]
    per_unit = len(make(1000)) / 1000
    path = folder / f"{shape.replace(' ', '-')}-{megabytes}.md"
    path.write_text(make(int(megabytes * 1_000_000 / per_unit)), encoding="utf-8")
    return path


def main(sizes: list[float]) -> int:
    from tssa.regularfiles import MAX_DOCUMENT_BYTES

    worst_ratio, worst_memory, worst_tokens = 0.0, 0.0, 0.0
    with tempfile.TemporaryDirectory() as temporary:
        folder = Path(temporary)
        for shape in SHAPES:
            floor: float | None = None
            for megabytes in sizes:
                path = write_shape(folder, shape, megabytes)
                size = path.stat().st_size
                if size > MAX_DOCUMENT_BYTES:
                    path = write_shape(folder, shape, megabytes * MAX_DOCUMENT_BYTES / size * 0.99)
                    size = path.stat().st_size
                result = run_child("check", path)
                floor_memory = run_child("tokens", path)["peak_growth"]
                per_mb = result["seconds"] / (size / 1_000_000)
                floor = floor or per_mb
                memory = result["peak_growth"] / size
                over_tokens = result["peak_growth"] / floor_memory
                worst_ratio, worst_memory = max(worst_ratio, per_mb / floor), max(worst_memory, memory)
                worst_tokens = max(worst_tokens, over_tokens)
                print(
                    f"{shape:>12} {size / 1_000_000:5.2f} MB: {result['seconds']:6.2f} s, {per_mb:5.2f} s/MB "
                    f"({per_mb / floor:4.2f} x floor), peak memory {memory:5.1f} x file size, "
                    f"{over_tokens:4.2f} x markdown-it's tokens",
                    flush=True,
                )
                path.unlink()
        huge = folder / "self-assessment.md"
        with huge.open("wb") as file:
            file.truncate(50 * 1024 * 1024)  # sparse: 50 MiB on paper, nothing on disk
        result = run_child("check", huge)
        growth = result["peak_growth"] / 1e6
        print(f"50 MiB file (refused): {result['seconds'] * 1000:.1f} ms, peak memory growth {growth:.1f} MB")
    print(f"worst time per MB against the floor: {worst_ratio:.2f} (1.00 = linear); goal under 1.5")
    print(f"worst peak memory: {worst_memory:.1f} x the file's size; goal under 10")
    print(f"worst peak memory against markdown-it's own tokens: {worst_tokens:.2f}")
    return 0 if worst_ratio < 1.5 and worst_memory < 10 else 1


if __name__ == "__main__":
    if sys.argv[1:2] == ["--one"]:
        print(json.dumps(measure_one(sys.argv[2], Path(sys.argv[3]))))
        sys.exit(0)
    sys.exit(main([float(size) for size in sys.argv[1:]] or [0.5, 1, 2, 4]))
