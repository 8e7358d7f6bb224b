"""Time `tssa index` on many generated packages, against a floor measured in the same run.

Generates N packages (default 5,000) from the test fixtures: fully written
packages, packages in the 2021 outline, self-assessments alone and hand-written
short ones, half in each home, each with its own project name, stage, date and
languages. Then, each in a fresh process:

- floor: read every document and parse it once with pyromark (pulldown-cmark, the
  parser under tssa's reader), every event read, in one process: the least any
  reader of the packages does;
- reader: the same with tssa's Markdown reader (the document model), in one process;
- index: what `tssa index ROOT --html PATH` does: check every document, read its
  facts, write index.json, the listing and the page, on the machine's cores.

It reports seconds, packages per second, CPU time (the process and its workers),
peak memory (largest process) and the ratios index / floor of wall-clock and of
CPU time; on a machine shared with other work the CPU ratio moves far less.
Goals: 5,000 packages in under 10 s on 2 cores, and at most 5 times the floor.

    python benchmarks/index_benchmark.py [COUNT]
"""

from __future__ import annotations

import json
import os
import random
import subprocess
import sys
import tempfile
from pathlib import Path

FIXTURES = Path(__file__).resolve().parent.parent / "tests" / "fixtures"
GOAL_SECONDS = 10.0

_FLOOR = """
import json, os, resource, sys, time
from pathlib import Path
import pyromark

root, what = Path(sys.argv[1]), sys.argv[2]
started = time.perf_counter()
names = {"self-assessment.md", "joint-assessment.md", "joint-review.md", "README.md"}
paths = [os.path.join(folder, name) for folder, _, files in os.walk(root) for name in files if name in names]
if what == "reader":
    from tssa.reading.markdown import parse
    for path in paths:
        parse(Path(path).read_text(encoding="utf-8"))
else:
    parser = pyromark.Markdown(options=pyromark.Options.ENABLE_TABLES | pyromark.Options.ENABLE_STRIKETHROUGH)
    for path in paths:
        for _ in parser.events_with_range(Path(path).read_text(encoding="utf-8"), merge_text=True):
            pass
count = len(paths)
elapsed = time.perf_counter() - started
peak = max(resource.getrusage(who).ru_maxrss for who in (resource.RUSAGE_SELF, resource.RUSAGE_CHILDREN))
usage = [resource.getrusage(who) for who in (resource.RUSAGE_SELF, resource.RUSAGE_CHILDREN)]
cpu = sum(each.ru_utime + each.ru_stime for each in usage)
print(json.dumps({"seconds": elapsed, "cpu_seconds": cpu, "peak_kib": peak, "documents": count}))
"""

_INDEX = """
import json, resource, sys, time
from pathlib import Path
from tssa.cli import main

root, out = Path(sys.argv[1]), Path(sys.argv[2])
started = time.perf_counter()
code = main(["index", str(root), "--json", str(out / "index.json"), "--listing", str(out / "README.md"),
             "--html", str(out / "index.html")])
elapsed = time.perf_counter() - started
peak = max(resource.getrusage(who).ru_maxrss for who in (resource.RUSAGE_SELF, resource.RUSAGE_CHILDREN))
usage = [resource.getrusage(who) for who in (resource.RUSAGE_SELF, resource.RUSAGE_CHILDREN)]
cpu = sum(each.ru_utime + each.ru_stime for each in usage)
packages = len(json.loads((out / "index.json").read_text(encoding="utf-8"))["packages"])
print(json.dumps({"seconds": elapsed, "cpu_seconds": cpu, "peak_kib": peak, "packages": packages, "code": code}))
"""

LANGUAGES = ["Go", "Rust", "Python", "Java", "TypeScript", "C++", "C#", "Shell"]
STAGES = ["Incomplete", "Complete", "Complete", "Obsolete"]


def _sources() -> list[dict[str, str]]:
    """The fixture packages a generated package is made from: file name -> text."""
    folders = [
        FIXTURES / "check" / "written",
        FIXTURES / "check" / "shape-2021" / "community" / "assessments" / "projects" / "flibble",
        FIXTURES / "check" / "shape-2023" / "projects" / "flibble" / "security-assessment",
        FIXTURES / "index" / "community" / "assessments" / "projects" / "alpha",
        FIXTURES / "index" / "projects" / "zeta" / "security-assessment",
    ]
    return [
        {path.name: path.read_text(encoding="utf-8") for path in sorted(folder.iterdir()) if path.suffix == ".md"}
        for folder in folders
    ]


def generate(root: Path, count: int) -> None:
    chooser = random.Random(12)
    sources = _sources()
    for number in range(count):
        name = f"Project{number:05d}"
        if number % 2:
            folder = root / "community" / "assessments" / "projects" / name.lower()
        else:
            folder = root / "projects" / name.lower() / "security-assessment"
        folder.mkdir(parents=True)
        languages = ", ".join(chooser.sample(LANGUAGES, chooser.randint(1, 3)))
        stage = chooser.choice(STAGES)
        date = f"{chooser.randint(2019, 2026)}-{chooser.randint(1, 12):02d}-{chooser.randint(1, 28):02d}"
        for filename, text in sources[number % len(sources)].items():
            text = text.replace("Open Flibble", name).replace("Flibble", name).replace("Alpha", name)
            text = text.replace("Zeta", name).replace("Go, Rust, TypeScript", languages)
            text = text.replace("| Complete |", f"| {stage} |").replace("2026-10-01", date)
            (folder / filename).write_text(text, encoding="utf-8")


def measure(script: str, *args: str) -> dict[str, float]:
    finished = subprocess.run(
        [sys.executable, "-c", script, *args], capture_output=True, text=True, check=True, timeout=1800
    )
    result: dict[str, float] = json.loads(finished.stdout.strip().splitlines()[-1])
    return result


def main(count: int) -> int:
    with tempfile.TemporaryDirectory() as folder:
        root = Path(folder) / "packages"
        out = Path(folder) / "out"
        out.mkdir()
        generate(root, count)
        documents = sum(1 for _ in root.rglob("*.md"))
        print(f"{count} packages, {documents} documents, {os.cpu_count()} CPUs")
        floor = measure(_FLOOR, str(root), "pyromark")
        reader = measure(_FLOOR, str(root), "reader")
        index = measure(_INDEX, str(root), str(out))
        assert index["code"] == 0 and index["packages"] == count, index
        rows = (("floor: pyromark, 1 process", floor), ("tssa's reader, 1 process", reader), ("tssa index", index))
        for label, result in rows:
            seconds = result["seconds"]
            print(
                f"{label:>27}: {seconds:7.2f} s  {count / seconds:8.0f} packages/s  "
                f"CPU {result['cpu_seconds']:7.2f} s  peak {result['peak_kib'] / 1024:6.0f} MiB"
            )
        ratio = index["seconds"] / floor["seconds"]
        cpu_ratio = index["cpu_seconds"] / floor["cpu_seconds"]
        goal = GOAL_SECONDS * count / 5000
        verdict = "met" if index["seconds"] < goal else "NOT met"
        print(f"index / floor: {ratio:.2f} wall clock (goal 5 or less), {cpu_ratio:.2f} CPU time")
        print(f"goal of {goal:.1f} s for {count}: {verdict}; load average {os.getloadavg()[0]:.1f}")
    return 0


if __name__ == "__main__":
    sys.exit(main(int(sys.argv[1]) if len(sys.argv) > 1 else 5000))
