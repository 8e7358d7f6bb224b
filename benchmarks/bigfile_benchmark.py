"""Time and memory of `tssa check` and `tssa index` on one big document: is every step linear, and lean?

Writes documents of several shapes at growing sizes (up to just under the 4 MiB
limit) and reads each in a fresh child process, three ways: the floor (pyromark,
the parser under tssa's reader, reading every event of the text), `tssa check`'s
work on the document, and `tssa index`'s work on its package (check and facts).
For each it measures CPU seconds and the growth of peak memory (RSS) while it ran,
the text read from disk included.

Shapes: real documents (the test fixtures' hand-written and rendered packages,
repeated), one huge table, deep lists, and the shapes that were slow before:
table rows, links, headings, one heading repeated, and a line of one character
(`[`, `*`, `_`, `<`, `|`, backquote). It reports, per shape and size, seconds per
MB and that figure against the smallest size of the same shape (1.00 = linear),
peak memory as a multiple of the file's size, and the check against the floor.

Goals: peak memory under 10 times the file for check and index (real, one huge
table, deep lists); a 4 MiB line of one character checked in under 2 s. Last, a
file far over the limit must be refused at once.

    python benchmarks/bigfile_benchmark.py [MiB ...]      # default: 0.5 1 2 4 (4: just under the limit)
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

FIXTURES = Path(__file__).resolve().parent.parent / "tests" / "fixtures" / "check"
GOAL_MEMORY = 10.0
GOAL_HOSTILE_SECONDS = 2.0
MEMORY_SHAPES = ("real", "one huge table", "deep lists")


def _real(size: int) -> str:
    folders = [FIXTURES / "written", *sorted((FIXTURES / "real-shapes").iterdir())]
    texts = [path.read_text(encoding="utf-8") + "\n" for folder in folders for path in sorted(folder.rglob("*.md"))]
    parts: list[str] = []
    total = 0
    while total < size:
        text = texts[len(parts) % len(texts)]
        parts.append(text)
        total += len(text.encode("utf-8"))
    return "".join(parts)


def _repeat(head: str, make: Callable[[int], str]) -> Callable[[int], str]:
    """A document of `head` and numbered units up to a size."""

    def text(size: int) -> str:
        parts, total, number = [head], len(head), 0
        while total < size:
            unit = make(number)
            parts.append(unit)
            total += len(unit.encode("utf-8"))
            number += 1
        return "".join(parts)

    return text


def _one_character(character: str) -> Callable[[int], str]:
    return lambda size: character * size


SHAPES: dict[str, Callable[[int], str]] = {
    "real": _real,
    "one huge table": _repeat(
        "# Threat model\n\n| Threat | Impact | Mitigation | Reference |\n| --- | --- | --- | --- |\n",
        lambda n: (
            f"| Tampering with the build output of component {n} | A changed binary is shipped | "
            f"Signed releases, reproducible builds | [issue {n}](https://github.com/flibble/core/issues/{n}) |\n"
        ),
    ),
    "deep lists": _repeat(
        "# Design\n\n",
        lambda n: "".join(
            "  " * depth + f"- item {n} at depth {depth}: a component and its role\n" for depth in range(10)
        ),
    ),
    "table rows": _repeat("# Goals\n\n| a | b |\n| - | - |\n", lambda n: f"| cell {n} | [x](#a{n}) |\n"),
    "links": _repeat("# Goals\n\n", lambda n: f"See [link {n}](#a-{n}) and [o](other{n}.md).\n"),
    "headings": _repeat("", lambda n: f"## Heading {n}\n\ntext {n}\n\n"),
    "same heading": _repeat("", lambda n: "## Goals\n\ntext\n\n"),
    **{f"a line of {character}": _one_character(character) for character in "[*_<|`"},
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
    """In a child: the floor, `check` or `index` on one document. CPU seconds and the growth of peak memory."""
    import pyromark

    from tssa.index.build import package_record
    from tssa.reading.findings import check_file
    from tssa.reading.outline import DOCUMENTS
    from tssa.reading.package import PackageFile

    warm = PackageFile(FIXTURES / "written" / "self-assessment.md", DOCUMENTS[0])
    check_file(warm)  # lazy imports and caches
    package_record([warm], FIXTURES)
    options = pyromark.Options.ENABLE_TABLES | pyromark.Options.ENABLE_STRIKETHROUGH
    before = _reset_peak()
    started = time.process_time()
    if what == "floor":
        for _ in pyromark.events_with_range(path.read_text(encoding="utf-8"), options=options, merge_text=True):
            pass
    elif what == "check":
        check_file(PackageFile(path, DOCUMENTS[0]))
    else:
        package_record([PackageFile(path, DOCUMENTS[0])], path.parent)
    seconds = time.process_time() - started
    return {"seconds": seconds, "peak_growth": max(1, _peak_rss() - before)}


def run_child(what: str, path: Path) -> dict[str, float]:
    command = [sys.executable, __file__, "--one", what, str(path)]
    done = subprocess.run(command, capture_output=True, text=True, check=True)
    result: dict[str, float] = json.loads(done.stdout)
    return result


def write_shape(folder: Path, shape: str, megabytes: float, limit: int) -> Path:
    size = min(int(megabytes * 1024 * 1024), limit - 4096)
    text = SHAPES[shape](size)
    data = text.encode("utf-8")[: limit - 1]
    path = folder / f"{shape.replace(' ', '-')}-{megabytes}" / "self-assessment.md"
    path.parent.mkdir()
    path.write_bytes(data[: data.rfind(b"\n") + 1] if b"\n" in data else data)
    return path


def main(sizes: list[float]) -> int:
    from tssa.regularfiles import MAX_DOCUMENT_BYTES

    worst_ratio, worst_memory, worst_hostile = 0.0, 0.0, 0.0
    print(
        f"{'shape':>15} {'MB':>5}  {'check s':>7} {'s/MB':>5} {'x min':>5}  {'x floor':>7}  "
        f"{'memory x file: floor':>20} {'check':>6} {'index':>6}"
    )
    with tempfile.TemporaryDirectory() as temporary:
        folder = Path(temporary)
        for shape in SHAPES:
            smallest: float | None = None
            for megabytes in sizes:
                path = write_shape(folder, shape, megabytes, MAX_DOCUMENT_BYTES)
                size = path.stat().st_size
                floor, check, index = (run_child(what, path) for what in ("floor", "check", "index"))
                per_mb = check["seconds"] / (size / 1_000_000)
                smallest = smallest or per_mb
                memory = {
                    name: result["peak_growth"] / size
                    for name, result in (("floor", floor), ("check", check), ("index", index))
                }
                worst_ratio = max(worst_ratio, per_mb / smallest)
                if shape in MEMORY_SHAPES and megabytes == max(sizes):  # small sizes: allocator steps dominate
                    worst_memory = max(worst_memory, memory["check"], memory["index"])
                if shape.startswith("a line of") and megabytes == max(sizes):
                    worst_hostile = max(worst_hostile, check["seconds"], index["seconds"])
                print(
                    f"{shape:>15} {size / 1_000_000:5.2f}  {check['seconds']:7.2f} {per_mb:5.2f} "
                    f"{per_mb / smallest:5.2f}  {check['seconds'] / max(floor['seconds'], 1e-3):7.1f}  "
                    f"{memory['floor']:20.1f} {memory['check']:6.1f} {memory['index']:6.1f}",
                    flush=True,
                )
                path.unlink()
        huge = folder / "self-assessment.md"
        with huge.open("wb") as file:
            file.truncate(50 * 1024 * 1024)  # sparse: 50 MiB on paper, nothing on disk
        result = run_child("check", huge)
        growth = result["peak_growth"] / 1e6
        print(f"50 MiB file (refused): {result['seconds'] * 1000:.1f} ms, peak memory growth {growth:.1f} MB")
    print(f"worst time per MB against the smallest size: {worst_ratio:.2f} (1.00 = linear)")
    verdict = "met" if worst_memory < GOAL_MEMORY else "NOT met"
    print(
        f"worst peak memory of check and index ({', '.join(MEMORY_SHAPES)}): {worst_memory:.1f} x the file; "
        f"goal under {GOAL_MEMORY:.0f}: {verdict}"
    )
    verdict = "met" if worst_hostile < GOAL_HOSTILE_SECONDS else "NOT met"
    print(
        f"slowest line of one character at {max(sizes)} MB: {worst_hostile:.2f} s of CPU; "
        f"goal under {GOAL_HOSTILE_SECONDS:.0f} s: {verdict}"
    )
    return 0 if worst_memory < GOAL_MEMORY and worst_hostile < GOAL_HOSTILE_SECONDS else 1


if __name__ == "__main__":
    if sys.argv[1:2] == ["--one"]:
        print(json.dumps(measure_one(sys.argv[2], Path(sys.argv[3]))))
        sys.exit(0)
    sys.exit(main([float(size) for size in sys.argv[1:]] or [0.5, 1, 2, 4]))
