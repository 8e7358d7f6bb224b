"""The date each file last changed in git, for many files with one `git log`."""

from __future__ import annotations

import re
import subprocess
import time
from collections.abc import Iterable
from pathlib import Path

from tssa.git import git_output, git_stream

_COMMIT = "commit "
_DATE = re.compile(r"^\d{4}-\d{2}-\d{2}$")
# Reading the whole history of a large repository is bounded; files not reached by then have no date.
_TIMEOUT_SECONDS = 60


def last_change_dates(root: Path, files: Iterable[Path]) -> dict[Path, str]:
    """The committer date (YYYY-MM-DD) of the last commit touching each file; none when not in git.

    One `git log` walks history newest first and stops as soon as every file has its date.
    """
    top = _toplevel(root)
    if top is None:
        return {}
    wanted: dict[str, Path] = {}
    for file in files:
        try:
            wanted[file.resolve().relative_to(top).as_posix()] = file
        except ValueError:
            continue  # a file outside the repository has no date in it
    if not wanted:
        return {}
    arguments = ["-c", "core.quotepath=off", "log", "-z", "--no-renames", "--no-show-signature", "--no-ext-diff"]
    arguments += ["--no-textconv", f"--format=%x00{_COMMIT}%cs", "--name-only", "--", *_pathspecs(root, top)]
    dates: dict[Path, str] = {}
    try:
        process = git_stream(top, *arguments)
    except OSError:
        return {}
    assert process.stdout is not None
    try:
        date = ""
        pending = b""
        deadline = time.monotonic() + _TIMEOUT_SECONDS
        while len(dates) < len(wanted) and time.monotonic() < deadline:
            chunk = process.stdout.read(65536)
            if not chunk:
                break
            *tokens, pending = (pending + chunk).split(b"\0")
            for token in tokens:
                text = token.decode("utf-8", errors="surrogateescape")
                if text.startswith(_COMMIT) and _DATE.match(text[len(_COMMIT) :]):
                    date = text[len(_COMMIT) :]
                    continue
                path = wanted.get(text.lstrip("\n"))
                if path is not None and path not in dates and date:
                    dates[path] = date
    finally:
        process.stdout.close()
        if process.poll() is None:
            process.terminate()
        try:
            process.wait(timeout=5)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()
    return dates


def _pathspecs(root: Path, top: Path) -> list[str]:
    # Every git command tssa runs takes pathspecs literally (`tssa.git.LITERAL_ENVIRONMENT`).
    return [root.resolve().relative_to(top).as_posix()]


def _toplevel(root: Path) -> Path | None:
    top = git_output(root, "rev-parse", "--show-toplevel")
    return Path(top).resolve() if top else None
