"""Time `tssa adopt --all` on many hand-written packages, against `tssa check` of the same packages in the same run.

Generates N packages (default 104, as many as both homes hold) from the adopt
test fixtures (the 2019, 2021, 2023 and 2024 shapes, bullets and lead-ins,
HTML and free-text metadata, hand-written orders, CRLF), each with its own
project name and languages, in one git repository, committed. Then, as a
user runs them, whole processes:

- floor: `tssa check` of the packages: finds, reads and parses every document;
- adopt: `tssa adopt --all --template <this checkout> --vcs-ref HEAD`: reads,
  extracts the answers, renders the template with them, adds the missing
  sections and writes every package, all or nothing each.

It reports seconds, seconds per package (the goal is 0.2 s or less on two
cores) and the ratio adopt / floor.

    python benchmarks/adopt_benchmark.py [COUNT]
"""

from __future__ import annotations

import os
import random
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
FIXTURES = (ROOT / "tests" / "fixtures" / "adopt", ROOT / "tests" / "fixtures" / "author")
LANGUAGES = ["Go", "Rust", "Python", "Java", "TypeScript", "C++"]
NAMES = ("Alpha", "Beta", "Gamma", "Delta", "Theta", "Kappa", "Iota", "Quill", "Lantern")


def _sources() -> list[dict[str, bytes]]:
    """Each fixture package: file name -> bytes."""
    folders = sorted({path.parent for fixtures in FIXTURES for path in fixtures.rglob("self-assessment.md")})
    return [{path.name: path.read_bytes() for path in sorted(folder.glob("*.md"))} for folder in folders]


def generate(root: Path, count: int) -> list[Path]:
    chooser = random.Random(10)
    sources = _sources()
    folders: list[Path] = []
    for number in range(count):
        name = f"Project{number:05d}"
        folder = root / "projects" / name.lower() / "security-assessment"
        folder.mkdir(parents=True)
        languages = ", ".join(chooser.sample(LANGUAGES, chooser.randint(1, 3))).encode()
        for filename, data in sources[number % len(sources)].items():
            for old in NAMES:
                data = data.replace(old.encode(), name.encode())
            data = data.replace(b"Golang, TypeScript", languages)
            if number % 5 == 4:
                data = data.replace(b"\n", b"\r\n")
            (folder / filename).write_bytes(data)
        folders.append(folder)
    return folders


def _git(root: Path, *args: str) -> None:
    identity = {"GIT_AUTHOR_NAME": "b", "GIT_AUTHOR_EMAIL": "b@b.invalid", "GIT_COMMITTER_NAME": "b"}
    identity["GIT_COMMITTER_EMAIL"] = "b@b.invalid"
    subprocess.run(["git", *args], cwd=root, check=True, capture_output=True, env={**os.environ, **identity})


def timed(command: list[str], cwd: Path) -> tuple[float, float, str]:
    """Wall-clock seconds, CPU seconds (the process and its children, git and the workers included), last line."""
    cpu = resource.getrusage(resource.RUSAGE_CHILDREN)
    started = time.perf_counter()
    result = subprocess.run(command, cwd=cwd, capture_output=True, text=True, check=False)
    wall = time.perf_counter() - started
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    used = after.ru_utime + after.ru_stime - cpu.ru_utime - cpu.ru_stime
    return wall, used, result.stdout.strip().splitlines()[-1] if result.stdout.strip() else ""


def main(count: int) -> int:
    tssa = str(Path(sys.executable).with_name("tssa"))
    with tempfile.TemporaryDirectory() as scratch:
        root = Path(scratch) / "repository"
        generate(root, count)
        _git(root, "init", "--quiet")
        _git(root, "add", "--all")
        _git(root, "commit", "--quiet", "-m", "hand-written packages")
        floor_seconds, floor_cpu, _ = timed([tssa, "check", "projects"], root)
        adopt = [tssa, "adopt", "--all", "--template", str(ROOT), "--vcs-ref", "HEAD", "projects"]
        adopt_seconds, adopt_cpu, last = timed(adopt, root)
    print(f"packages: {count}; cores: {os.cpu_count()}; load average: {os.getloadavg()[0]:.1f}; adopt says: {last}")
    print(
        f"floor (tssa check): {floor_seconds:.2f} s, {floor_seconds / count:.3f} s per package, CPU {floor_cpu:.2f} s"
    )
    print(
        f"tssa adopt --all: {adopt_seconds:.2f} s, {adopt_seconds / count:.3f} s per package (goal 0.2 s), "
        f"CPU {adopt_cpu:.2f} s ({adopt_cpu / count:.3f} s per package)"
    )
    print(f"ratio adopt / floor: {adopt_seconds / floor_seconds:.1f} (CPU: {adopt_cpu / floor_cpu:.1f})")
    return 0


if __name__ == "__main__":
    sys.exit(main(int(sys.argv[1]) if len(sys.argv) > 1 else 104))
