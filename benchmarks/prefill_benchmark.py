"""Time `tssa prefill` on a realistic checkout against a plain `os.walk` of the same tree.

Builds a git checkout of N files (10,000 by default) in a temporary folder:
Go sources in folders of 100 (one in ten a test file, some with native fuzz
tests), a vendored folder holding a tenth of the files (which prefill does
not enter), the usual project documents, twenty CI workflows, a GoReleaser
configuration and a Dependabot file, committed. Then reports:

- in one process, the whole prefill (`detect`, the report, the answers and
  the draft) against the floor, `os.walk` listing every file (vendored ones
  too), best of three each, with the peak Python memory (tracemalloc, a
  separate run) and the ratio of the two;
- `tssa prefill` as a user runs it, a new process each time, wall clock,
  median of five, against the goal of 2 s for 10,000 files.

    python benchmarks/prefill_benchmark.py [FILES]
"""

from __future__ import annotations

import os
import statistics
import subprocess
import sys
import tempfile
import time
import tracemalloc
from collections.abc import Callable
from pathlib import Path

from tssa.prefill.detect import detect
from tssa.prefill.output import answers_yaml, draft_markdown
from tssa.prefill.report import build_report

GOAL_SECONDS = 2.0
WORKFLOW = """\
name: CI {index}
on:
  pull_request:
  push:
    branches: [main]
jobs:
  test:
    runs-on: ubuntu-latest
    steps:
      - uses: actions/checkout@b4ffde65f46336ab88eb53be808477a3936bae11
      - uses: actions/setup-go@0c52d547c9bc32b1aa3301fd7a9cb496313a4491
      - run: make test
      - uses: golangci/golangci-lint-action@3cfe3a4abbb849e10058ce4af15d205b6da42804
      - uses: github/codeql-action/init@012739e5082ff0c22ca6d6ab32e07c36df03c4a4
      - uses: github/codeql-action/analyze@012739e5082ff0c22ca6d6ab32e07c36df03c4a4
      - run: govulncheck ./...
"""
DOCUMENTS = {
    "README.md": "# Rocket - a policy engine\n\nRocket is a policy engine for Kubernetes clusters.\n\n"
    "## Community\n\n- [#rocket](https://cloud-native.slack.com/messages/rocket)\n"
    "- [Discussions](https://github.com/acme/rocket/discussions)\n",
    "SECURITY.md": "# Security\n\nReport to security@rocket.example.org. We reply within 3 business days.\n",
    "CONTRIBUTING.md": "Sign off your commits (DCO).\n",
    "GOVERNANCE.md": "Maintainers decide.\n",
    "CODEOWNERS": "* @acme/maintainers\n",
    "docs/threat-model.md": "# Threats\n",
    ".github/dependabot.yml": "version: 2\nupdates:\n  - package-ecosystem: gomod\n    directory: /\n"
    "    schedule:\n      interval: weekly\n",
    ".goreleaser.yaml": "builds:\n  - main: .\nsboms:\n  - artifacts: archive\nsigns:\n  - cmd: cosign\n",
}
GO_SOURCE = "package p{folder}\n\n" + "// A comment line that makes the file the size of a real one.\n" * 20
GO_TEST = 'package p{folder}\n\nimport "testing"\n\nfunc TestIt(t *testing.T) {{}}\n' + "// padding\n" * 40
GO_FUZZ = 'package p{folder}\n\nimport "testing"\n\nfunc FuzzIt(f *testing.F) {{}}\n'


def build(root: Path, files: int) -> None:
    vendored = files // 10
    workflows = 20
    own = files - vendored - len(DOCUMENTS) - workflows
    for index in range(own):
        folder = root / "pkg" / f"p{index // 100:04d}"
        if index % 100 == 0:
            folder.mkdir(parents=True)
        number = index // 100
        if index % 500 == 7:
            (folder / f"f{index % 100:02d}_fuzz_test.go").write_text(GO_FUZZ.format(folder=number))
        elif index % 10 == 3:
            (folder / f"f{index % 100:02d}_test.go").write_text(GO_TEST.format(folder=number))
        else:
            (folder / f"f{index % 100:02d}.go").write_text(GO_SOURCE.format(folder=number))
    for index in range(vendored):
        folder = root / "vendor" / f"v{index // 100:04d}"
        if index % 100 == 0:
            folder.mkdir(parents=True)
        (folder / f"f{index % 100:02d}.go").write_text("package v\n")
    for name, text in DOCUMENTS.items():
        (root / name).parent.mkdir(parents=True, exist_ok=True)
        (root / name).write_text(text, encoding="utf-8")
    (root / ".github" / "workflows").mkdir(parents=True)
    for index in range(workflows):
        (root / ".github" / "workflows" / f"ci{index}.yml").write_text(WORKFLOW.format(index=index))

    def git(*args: str) -> None:
        subprocess.run(["git", "-C", str(root), *args], check=True, capture_output=True)

    git("init", "-q", "-b", "main")
    git("remote", "add", "origin", "git@github.com:acme/rocket.git")
    git("add", "--all")
    git("-c", "user.name=bench", "-c", "user.email=bench@example.invalid", "commit", "-q", "-m", "the project")


def walk_floor(root: Path) -> int:
    """The least any scan does: list every file's path (vendored ones too, as os.walk enters everything)."""
    start = len(str(root)) + 1
    paths = [os.path.join(folder, name)[start:] for folder, _, names in os.walk(root) for name in names]
    return len(paths)


def prefill_in_process(root: Path) -> int:
    found = detect(root)
    report = build_report(found)
    answers_yaml(report, root.name)
    draft_markdown(report)
    assert found.languages == ["Go"] and report.facts and report.answers["sbom_url"]
    return len(found.tree.files)


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


def whole_command(root: Path, output: Path, runs: int = 5) -> float:
    """Median wall clock of `tssa prefill` in a new process."""
    timings = []
    for _ in range(runs):
        started = time.perf_counter()
        subprocess.run(
            [sys.executable, "-m", "tssa", "prefill", str(root), "--output", str(output), "--force"],
            check=True,
            capture_output=True,
        )
        timings.append(time.perf_counter() - started)
    return statistics.median(timings)


def main(files: int) -> int:
    with tempfile.TemporaryDirectory() as folder:
        root = Path(folder) / "rocket"
        output = Path(folder) / "out"
        output.mkdir()
        started = time.perf_counter()
        build(root, files)
        print(f"built a checkout of {files:,} files in {time.perf_counter() - started:.1f} s")
        floor_time, floor_seen, floor_peak = measure(walk_floor, root)
        scan_time, scan_seen, scan_peak = measure(prefill_in_process, root)
        command = whole_command(root, output)
    print(f"{'':22}{'seconds':>9}{'files':>10}{'files/s':>12}{'peak MiB':>10}")
    for name, elapsed, seen, peak in (
        ("os.walk floor", floor_time, floor_seen, floor_peak),
        ("prefill, in process", scan_time, scan_seen, scan_peak),
    ):
        print(f"{name:22}{elapsed:9.2f}{seen:10,}{files / elapsed:12,.0f}{peak:10.1f}")
    print(f"prefill time / floor time: {scan_time / floor_time:.2f}")
    verdict = "met" if command <= GOAL_SECONDS * files / 10_000 else "NOT met"
    goal = f"goal {GOAL_SECONDS:.0f} s per 10,000 files: {verdict}"
    print(f"tssa prefill, new process, median of 5: {command:.2f} s ({goal})")
    return 0


if __name__ == "__main__":
    sys.exit(main(int(sys.argv[1]) if len(sys.argv) > 1 else 10_000))
