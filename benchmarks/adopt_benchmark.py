"""Time `tssa adopt`'s core on many generated hand-written packages, against a floor measured in the same run.

Generates N packages (default 1,000) from the adopt test fixtures (the 2019,
2021, 2023 and 2024 shapes, bullets and lead-ins, HTML and free-text
metadata), each with its own project name and languages. Then, in this one
process:

- floor: find each package's documents, read them and parse each once with
  tssa's Markdown reader (the least any reader of the packages does);
- adopt: what `tssa adopt --dry-run` does for each package: find and read the
  documents, extract the answers, add the missing sections and build the
  diff of every change. The template is rendered once with copier and shared
  (a real adoption renders once per package, with its answers: that cost is
  copier's, and it is measured here once, apart).

It reports seconds, packages per second and the ratio adopt / floor.

    python benchmarks/adopt_benchmark.py [COUNT]
"""

from __future__ import annotations

import random
import shutil
import sys
import tempfile
import time
from pathlib import Path

import copier

from tssa.adopt.plan import plan_adoption
from tssa.reading.markdown import parse
from tssa.reading.package import find_package_files

ROOT = Path(__file__).resolve().parent.parent
FIXTURES = ROOT / "tests" / "fixtures" / "adopt"
LANGUAGES = ["Go", "Rust", "Python", "Java", "TypeScript", "C++"]


def _sources() -> list[dict[str, str]]:
    """Each fixture package: file name -> text."""
    folders = sorted({path.parent for path in FIXTURES.rglob("self-assessment.md")})
    return [{path.name: path.read_text(encoding="utf-8") for path in sorted(folder.glob("*.md"))} for folder in folders]


def generate(root: Path, count: int) -> list[Path]:
    chooser = random.Random(10)
    sources = _sources()
    folders: list[Path] = []
    for number in range(count):
        name = f"Project{number:05d}"
        folder = root / "projects" / name.lower() / "security-assessment"
        folder.mkdir(parents=True)
        languages = ", ".join(chooser.sample(LANGUAGES, chooser.randint(1, 3)))
        for filename, text in sources[number % len(sources)].items():
            for old in ("Alpha", "Beta", "Gamma", "Delta", "Theta", "Kappa", "Iota"):
                text = text.replace(old, name)
            text = text.replace("Golang, TypeScript", languages)
            (folder / filename).write_text(text, encoding="utf-8")
        folders.append(folder)
    return folders


def render_once(scratch: Path) -> dict[str, str]:
    started = time.perf_counter()
    copier.run_copy(str(ROOT), scratch, defaults=True, quiet=True, vcs_ref="HEAD")
    print(f"one copier render (per package in a real adoption): {time.perf_counter() - started:.2f} s")
    return {
        path.relative_to(scratch).as_posix(): path.read_text(encoding="utf-8")
        for path in scratch.rglob("*")
        if path.is_file()
    }


def floor(folders: list[Path]) -> float:
    started = time.perf_counter()
    for folder in folders:
        for file in find_package_files([folder]):
            parse(file.path.read_text(encoding="utf-8"))
    return time.perf_counter() - started


def adopt(folders: list[Path], rendered: dict[str, str]) -> tuple[float, int]:
    started = time.perf_counter()
    added = 0
    for folder in folders:
        plan = plan_adoption(folder, find_package_files([folder]), lambda _data: rendered)
        plan.diff(folder.name)
        added += sum(len(outcome.added) for outcome in plan.documents)
    return time.perf_counter() - started, added


def main(count: int) -> int:
    with tempfile.TemporaryDirectory() as scratch:
        folders = generate(Path(scratch) / "packages", count)
        rendered = render_once(Path(scratch) / "rendered")
        floor(folders[:20])  # warm the imports and caches for both
        floor_seconds = floor(folders)
        adopt_seconds, added = adopt(folders, rendered)
        shutil.rmtree(Path(scratch) / "packages")
    print(f"packages: {count}; sections added: {added}")
    print(f"floor (find, read, parse): {floor_seconds:.2f} s, {count / floor_seconds:.0f} packages/s")
    print(f"adopt (dry run, shared render): {adopt_seconds:.2f} s, {count / adopt_seconds:.0f} packages/s")
    print(f"ratio adopt / floor: {adopt_seconds / floor_seconds:.1f}")
    return 0


if __name__ == "__main__":
    sys.exit(main(int(sys.argv[1]) if len(sys.argv) > 1 else 1000))
