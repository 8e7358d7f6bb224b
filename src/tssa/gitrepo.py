"""The few git operations `tssa update` needs, run through the git command line.

Paths handed in are absolute or relative to the current directory; paths git
prints are relative to the repository's top folder, as git gives them.
"""

from __future__ import annotations

import subprocess
from pathlib import Path

from tssa.errors import TssaError


class GitNotFoundError(TssaError):
    """The git command is not installed or not on PATH."""

    exit_code = 2


class GitCommandError(TssaError):
    """A git command that should work failed; its own message is passed on."""


def git(*args: str, cwd: Path, stdin: str | None = None, check: bool = True) -> subprocess.CompletedProcess[str]:
    """Run one git command in `cwd` and return its result, text in and out."""
    try:
        result = subprocess.run(
            ["git", *args],
            cwd=cwd,
            input=stdin,
            capture_output=True,
            text=True,
            encoding="utf-8",
            check=False,
        )
    except FileNotFoundError as error:
        raise GitNotFoundError("git is not installed or not on PATH; install git and run again") from error
    if check and result.returncode != 0:
        message = (result.stderr.strip() or result.stdout.strip() or "failed").splitlines()[0]
        raise GitCommandError(f"git {args[0]}: {message}")
    return result


def top_level(folder: Path) -> Path | None:
    """The top folder of the git work tree that holds `folder`, or None outside one."""
    result = git("rev-parse", "--show-toplevel", cwd=folder, check=False)
    if result.returncode != 0 or not result.stdout.strip():
        return None
    return Path(result.stdout.strip()).resolve()


def uncommitted(folder: Path) -> list[str]:
    """Changed, staged or untracked paths below `folder`, as `git status` names them."""
    output = git("status", "--porcelain", "--untracked-files=all", "--", ".", cwd=folder).stdout
    return [line[3:] for line in output.splitlines() if line.strip()]


def intend_to_add_new_files(folder: Path) -> None:
    """Record the untracked files below `folder` as to be added (`git add -N`), so `git diff` shows them."""
    output = git("ls-files", "--others", "--exclude-standard", "-z", "--", ".", cwd=folder).stdout
    paths = [path for path in output.split("\0") if path]
    if paths:
        git("add", "--intent-to-add", "--", *paths, cwd=folder)


def store_blob(top: Path, text: str) -> str:
    """Write `text` into the object store and return its id."""
    return git("hash-object", "-w", "--stdin", cwd=top, stdin=text).stdout.strip()


def mark_conflicted(top: Path, relpath: str, base: str, ours: str, theirs: str) -> None:
    """Record a path as unmerged, as `git merge` does, so git refuses to commit it unresolved.

    Stage 1 is the common ancestor, stage 2 the author's version, stage 3 the template's.
    """
    zero = "0" * 40
    lines = [f"0 {zero}\t{relpath}"]
    for stage, text in ((1, base), (2, ours), (3, theirs)):
        lines.append(f"100644 {store_blob(top, text)} {stage}\t{relpath}")
    git("update-index", "--index-info", cwd=top, stdin="\n".join(lines) + "\n")


def mark_resolved(top: Path, relpath: str) -> None:
    """Undo an unmerged record for a path: its index entry goes back to what HEAD holds."""
    if git("ls-files", "--unmerged", "--", relpath, cwd=top).stdout.strip():
        git("reset", "--quiet", "--", relpath, cwd=top)


def merge_file(
    ours: str, base: str, theirs: str, labels: tuple[str, str, str], scratch: Path, diff3_markers: int | None = None
) -> tuple[str, bool]:
    """Three-way merge of three texts with `git merge-file`; the text and whether it conflicts.

    Conflicts come out as inline markers labelled with `labels` (ours, base, theirs).
    With `diff3_markers`, they show the base too, and the markers are that many characters long.
    """
    paths = []
    for name, text in (("ours", ours), ("base", base), ("theirs", theirs)):
        path = scratch / name
        path.write_text(text, encoding="utf-8")
        paths.append(str(path))
    label_args = [arg for label in labels for arg in ("-L", label)]
    style = ["--diff3", f"--marker-size={diff3_markers}"] if diff3_markers else []
    result = git("merge-file", "--stdout", *style, *label_args, *paths, cwd=scratch, check=False)
    if result.returncode < 0 or result.returncode > 127:
        raise GitCommandError(f"git merge-file: {result.stderr.strip() or 'failed'}")
    return result.stdout, result.returncode > 0


def remote_refs(source: str) -> list[str] | None:
    """The tag and branch names (`refs/tags/v1.0.0`) of the repository at a path or URL, or None."""
    result = git("ls-remote", "--tags", "--heads", "--refs", source, cwd=Path.cwd(), check=False)
    if result.returncode != 0:
        return None
    return [line.split("\t", 1)[1] for line in result.stdout.splitlines() if "\t" in line]
