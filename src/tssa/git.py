"""The git operations tssa needs, run through the git command line.

Paths handed in are absolute or relative to the current directory; paths git
prints are relative to the repository's top folder, as git gives them. Every
call takes pathspecs literally (`pkg[x]` is no glob) and exchanges paths
NUL-separated where git would quote them, so any folder name works. Bytes
that are not UTF-8 pass through unchanged (surrogate escapes).
"""

from __future__ import annotations

import functools
import os
import re
import subprocess
import tempfile
from pathlib import Path

from tssa.errors import RefusedError, TssaError


class GitNotFoundError(RefusedError):
    """The git command is not installed or not on PATH."""


class GitCommandError(TssaError):
    """A git command that should work failed; its own message is passed on."""


# Pathspecs are paths, never patterns; messages are not translated, so they read the same everywhere.
LITERAL_ENVIRONMENT = {"GIT_LITERAL_PATHSPECS": "1", "LC_ALL": "C"}
# Set by a git hook or a wrapper, these would point every command at one repository, whatever
# its folder: the staging copy's commands would change the user's index.
REPOSITORY_VARIABLES = (
    "GIT_DIR",
    "GIT_WORK_TREE",
    "GIT_INDEX_FILE",
    "GIT_OBJECT_DIRECTORY",
    "GIT_ALTERNATE_OBJECT_DIRECTORIES",
    "GIT_COMMON_DIR",
    "GIT_PREFIX",
)


# Settings through which a repository's own config (a `.git/config` that came with a repository the user
# did not create) could make a reading git command run a program. Every git command tssa runs sets them,
# with the priority of `git -c`, whatever the repository says; so does every git command copier runs for it.
SAFE_CONFIG: tuple[tuple[str, str], ...] = (
    ("core.fsmonitor", "false"),
    ("core.hooksPath", os.devnull),
    ("core.pager", "cat"),
    ("log.showSignature", "false"),
    ("diff.external", ""),
    ("protocol.ext.allow", "never"),
)
# tssa itself never signs nor verifies: no signature program of any kind runs.
_NO_SIGNATURES = tuple((f"{key}.program", "false") for key in ("gpg", "gpg.openpgp", "gpg.x509", "gpg.ssh"))
# Drivers a repository names in its attributes: the programs its own config gives them are replaced.
_DRIVER_KEYS = re.compile(r"^(?P<kind>filter|diff)\.(?P<name>.+)\.(?P<what>clean|smudge|process|textconv|command)$")
_REPOSITORY_SCOPES = frozenset({"local", "worktree"})


def config_variables(pairs: tuple[tuple[str, str], ...]) -> dict[str, str]:
    """`GIT_CONFIG_COUNT`, `GIT_CONFIG_KEY_n` and `GIT_CONFIG_VALUE_n` for `pairs`, after any already set."""
    try:
        start = max(0, int(os.environ.get("GIT_CONFIG_COUNT", "0")))
    except ValueError:
        start = 0
    variables = {"GIT_CONFIG_COUNT": str(start + len(pairs))}
    for index, (key, value) in enumerate(pairs, start):
        variables[f"GIT_CONFIG_KEY_{index}"] = key
        variables[f"GIT_CONFIG_VALUE_{index}"] = value
    return variables


def _plain_environment() -> dict[str, str]:
    kept = {name: value for name, value in os.environ.items() if name not in REPOSITORY_VARIABLES}
    return {**kept, **LITERAL_ENVIRONMENT}


@functools.lru_cache(maxsize=64)
def _repository_drivers(cwd: str) -> tuple[tuple[str, str], ...]:
    """Overrides for the filter and diff drivers the repository at `cwd` defines in its own config.

    A filter's programs are emptied (none runs; the file is taken as it is), a textconv becomes `cat`
    (the text as it is), an external diff command is emptied. The user's own (global) drivers stay.
    """
    try:
        listed = subprocess.run(
            ["git", "config", "--show-scope", "--null", "--get-regexp", r"^(filter|diff)\."],
            cwd=cwd,
            capture_output=True,
            check=False,
            timeout=GIT_TIMEOUT,
            env={**_plain_environment(), **config_variables(SAFE_CONFIG)},
        )
    except (OSError, subprocess.TimeoutExpired):
        return ()
    overrides: list[tuple[str, str]] = []
    fields = listed.stdout.decode("utf-8", "surrogateescape").split("\0")
    # Each entry is its scope, then its key and value: `local\0filter.x.clean\nprogram\0`.
    for scope, entry in zip(fields[0::2], fields[1::2], strict=False):
        key = entry.split("\n", 1)[0]
        found = _DRIVER_KEYS.match(key)
        if scope not in _REPOSITORY_SCOPES or found is None:
            continue
        if found.group("what") == "textconv":
            overrides.append((key, "cat"))
        else:
            overrides.append((key, ""))
            if found.group("kind") == "filter":
                overrides.append((f"filter.{found.group('name')}.required", "false"))
    return tuple(overrides)


def environment(cwd: Path | None = None) -> dict[str, str]:
    """The environment of every git command: this one, pathspecs literal, no repository forced, no program
    that the repository's config (at `cwd`) names is run."""
    drivers = _repository_drivers(str(cwd)) if cwd is not None else ()
    return {**_plain_environment(), **config_variables(SAFE_CONFIG + _NO_SIGNATURES + drivers)}


def _run(args: tuple[str, ...], cwd: Path, stdin: bytes | None, check: bool) -> subprocess.CompletedProcess[bytes]:
    try:
        result = subprocess.run(
            ["git", "--no-pager", *args], cwd=cwd, input=stdin, capture_output=True, check=False, env=environment(cwd)
        )
    except FileNotFoundError as error:
        raise GitNotFoundError("git is not installed or not on PATH; install git and run again") from error
    if check and result.returncode != 0:
        said = result.stderr.strip() or result.stdout.strip() or b"failed"
        raise GitCommandError(f"git {args[0]}: {said.decode('utf-8', 'replace').splitlines()[0]}")
    return result


def _text(data: bytes) -> str:
    """Output as text, line endings made `\\n` (as Python's text mode does); other bytes kept as escapes."""
    return data.decode("utf-8", "surrogateescape").replace("\r\n", "\n").replace("\r", "\n")


def git(*args: str, cwd: Path, stdin: str | None = None, check: bool = True) -> subprocess.CompletedProcess[str]:
    """Run one git command in `cwd` and return its result, text in and out."""
    data = None if stdin is None else stdin.encode("utf-8", "surrogateescape")
    result = _run(args, cwd, data, check)
    return subprocess.CompletedProcess(result.args, result.returncode, _text(result.stdout), _text(result.stderr))


class NotInGitRepositoryError(RefusedError):
    """The package is not inside a git repository, so a change to it could not be reviewed or undone."""


class UncommittedChangesError(RefusedError):
    """The package has changes that are not committed; a change tssa makes would mix with them."""


def top_level(folder: Path) -> Path | None:
    """The top folder of the git work tree that holds `folder`, or None outside one."""
    result = git("rev-parse", "--show-toplevel", cwd=folder, check=False)
    if result.returncode != 0 or not result.stdout.strip():
        return None
    return Path(result.stdout.strip()).resolve()


def git_dir(folder: Path) -> Path:
    """The git folder (`.git`, or a worktree's own) of the work tree that holds `folder`."""
    return Path(git("rev-parse", "--absolute-git-dir", cwd=folder).stdout.strip())


def uncommitted(folder: Path) -> list[str]:
    """Changed, staged or untracked paths below `folder`, as `git status` names them."""
    output = git("status", "--porcelain", "-z", "--untracked-files=all", "--", ".", cwd=folder).stdout
    entries = output.split("\0")
    paths: list[str] = []
    index = 0
    while index < len(entries):
        entry = entries[index]
        index += 1
        if len(entry) < 4:
            continue
        paths.append(entry[3:])
        if entry[0] in "RC":
            index += 1  # a rename's second field is its old path
    return paths


def tracked_modes(folder: Path) -> dict[str, str]:
    """The committed files below `folder` and their git modes (`100644`, `120000` for a link), by relative path."""
    output = git("ls-files", "--stage", "-z", "--", ".", cwd=folder).stdout
    modes: dict[str, str] = {}
    for entry in output.split("\0"):
        if "\t" in entry:
            info, path = entry.split("\t", 1)
            modes[path] = info.split(" ", 1)[0]
    return modes


def intend_to_add_new_files(folder: Path) -> None:
    """Record the untracked files below `folder` as to be added (`git add -N`), so `git diff` shows them."""
    output = git("ls-files", "--others", "--exclude-standard", "-z", "--", ".", cwd=folder).stdout
    paths = [path for path in output.split("\0") if path]
    if paths:
        git("add", "--intent-to-add", "--", *paths, cwd=folder)


def intend_to_add(top: Path, paths: list[str]) -> None:
    """Record new files (relative to `top`) as to be added (`git add -N`), so `git diff` shows them."""
    if paths:
        git("add", "--intent-to-add", "--", *paths, cwd=top)


def store_blob(top: Path, text: str) -> str:
    """Write `text` into the object store and return its id."""
    return git("hash-object", "-w", "--stdin", cwd=top, stdin=text).stdout.strip()


def _zero_sha(top: Path) -> str:
    return "0" * len(git("hash-object", "--stdin", cwd=top, stdin="").stdout.strip())


def mark_conflicted(top: Path, relpath: str, base: str, ours: str, theirs: str) -> None:
    """Record a path as unmerged, as `git merge` does, so `git status` shows it unresolved.

    Stage 1 is the common ancestor, stage 2 the author's version, stage 3 the template's.
    """
    set_unmerged(top, relpath, [(stage, store_blob(top, text)) for stage, text in ((1, base), (2, ours), (3, theirs))])


def set_unmerged(top: Path, relpath: str, stages: list[tuple[int, str]]) -> None:
    """Replace a path's index entry by unmerged stages (stage number, blob id)."""
    lines = [f"0 {_zero_sha(top)}\t{relpath}"]
    lines.extend(f"100644 {blob} {stage}\t{relpath}" for stage, blob in stages)
    git("update-index", "-z", "--index-info", cwd=top, stdin="".join(line + "\0" for line in lines))


def stage_moves(top: Path, moves: list[tuple[str, str]]) -> None:
    """Record file moves in the index as `git mv` does: each new path (relative to `top`) takes the old one's entry."""
    output = git("ls-files", "--stage", "-z", "--", *(old for old, _ in moves), cwd=top).stdout if moves else ""
    entries = {}
    for entry in output.split("\0"):
        if "\t" in entry:
            info, path = entry.split("\t", 1)
            entries[path] = info.split(" ")
    lines: list[str] = []
    for old, new in moves:
        if old in entries:
            mode, blob, _ = entries[old]
            lines.extend([f"0 {_zero_sha(top)}\t{old}", f"{mode} {blob} 0\t{new}"])
    if lines:
        git("update-index", "-z", "--index-info", cwd=top, stdin="".join(line + "\0" for line in lines))


def unmerged_stages(top: Path) -> dict[str, list[tuple[int, str]]]:
    """Every unmerged path of the index, with its stages (stage number, blob id)."""
    output = git("ls-files", "--unmerged", "-z", cwd=top).stdout
    found: dict[str, list[tuple[int, str]]] = {}
    for entry in output.split("\0"):
        if "\t" not in entry:
            continue
        info, path = entry.split("\t", 1)
        _, blob, stage = info.split(" ")
        found.setdefault(path, []).append((int(stage), blob))
    return found


def copy_blob(source: Path, blob: str, destination: Path) -> str:
    """Copy one blob from the repository at `source` into the one at `destination`; its id there."""
    content = git_bytes("cat-file", "blob", blob, cwd=source)
    return git_bytes("hash-object", "-w", "--stdin", cwd=destination, stdin=content).decode("ascii").strip()


def git_bytes(*args: str, cwd: Path, stdin: bytes | None = None) -> bytes:
    """Run one git command that must work, bytes in and out (no newline translation)."""
    return _run(args, cwd, stdin, check=True).stdout


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
        path.write_bytes(text.encode("utf-8", "surrogateescape"))
        paths.append(str(path))
    label_args = [arg for label in labels for arg in ("-L", label)]
    style = ["--diff3", f"--marker-size={diff3_markers}"] if diff3_markers else []
    result = git("merge-file", "--stdout", *style, *label_args, *paths, cwd=scratch, check=False)
    if result.returncode < 0 or result.returncode > 127:
        raise GitCommandError(f"git merge-file: {result.stderr.strip() or 'failed'}")
    return result.stdout, result.returncode > 0


def remote_refs(source: str) -> list[str] | None:
    """The tag and branch names (`refs/tags/v1.0.0`) of the repository at a path or URL, or None.

    Run from an empty folder outside any repository, so the config of the repository the user stands in
    (its `core.sshCommand`, credential helpers, ...) plays no part.
    """
    with tempfile.TemporaryDirectory(prefix="tssa-git-") as neutral:
        result = git("ls-remote", "--tags", "--heads", "--refs", source, cwd=Path(neutral), check=False)
    if result.returncode != 0:
        return None
    return [line.split("\t", 1)[1] for line in result.stdout.splitlines() if "\t" in line]


def require_top_level(folder: Path) -> Path:
    """The top folder of the git work tree that holds `folder`; refused outside one."""
    top = top_level(folder)
    if top is None:
        raise NotInGitRepositoryError(
            f"{folder} is not inside a git repository; run `git init`, commit the package, and run again"
        )
    return top


def require_committed(folder: Path, change: str) -> None:
    """Refuse when `folder` holds uncommitted changes, so that `change` ("the update") can be reviewed and undone."""
    changed = uncommitted(folder)
    if changed:
        shown = ", ".join(changed[:3]) + (", ..." if len(changed) > 3 else "")
        raise UncommittedChangesError(
            f"{folder} has uncommitted changes ({shown}); commit or stash them first, "
            f"so {change} can be reviewed and undone"
        )


# A local git command that reads (a remote's name, a date) answers in far less; a hung one is skipped.
GIT_TIMEOUT = 10.0


def git_output(checkout: Path, *args: str) -> str | None:
    """What a local git command prints in `checkout`, or None when it fails or takes too long."""
    variables = {**environment(checkout), "GIT_TERMINAL_PROMPT": "0", "GIT_OPTIONAL_LOCKS": "0"}
    try:
        result = subprocess.run(
            ["git", "--no-pager", "-C", str(checkout), *args],
            capture_output=True,
            text=True,
            encoding="utf-8",
            errors="replace",
            timeout=GIT_TIMEOUT,
            env=variables,
            check=False,
        )
    except (OSError, subprocess.TimeoutExpired):
        return None
    if result.returncode != 0:
        return None
    return result.stdout.strip()


def git_stream(checkout: Path, *args: str) -> subprocess.Popen[bytes]:
    """A long-running reading git command in `checkout`, its output to read as it comes (`git log` over history).

    Raises `OSError` when git cannot be started.
    """
    variables = {**environment(checkout), "GIT_TERMINAL_PROMPT": "0", "GIT_OPTIONAL_LOCKS": "0"}
    return subprocess.Popen(
        ["git", "--no-pager", "-C", str(checkout), *args],
        stdout=subprocess.PIPE,
        stderr=subprocess.DEVNULL,
        stdin=subprocess.DEVNULL,
        env=variables,
    )
