"""List the regular files of a checkout, bounded in count and time, without following any link.

`.git` and vendored or third-party folders are not entered. Links are counted,
never followed or read; FIFOs, devices and sockets are passed over.
"""

from __future__ import annotations

import os
import time
from dataclasses import dataclass, field
from pathlib import Path

# Folder names whose contents are other people's code, caches or version-control data.
SKIPPED_FOLDERS = frozenset(
    {
        ".git",
        ".hg",
        ".svn",
        "vendor",
        "vendors",
        "node_modules",
        "bower_components",
        "third_party",
        "third-party",
        "thirdparty",
        "3rdparty",
        "Godeps",
        ".venv",
        "__pycache__",
    }
)
MAX_FILES = 1_000_000
MAX_SECONDS = 60.0


@dataclass
class Tree:
    """What the walk saw: regular files by path relative to the root (with `/`), and what it left out."""

    files: list[str] = field(default_factory=list)
    links: list[str] = field(default_factory=list)
    skipped_folders: list[str] = field(default_factory=list)
    unreadable_folders: list[str] = field(default_factory=list)
    special_files: int = 0
    stopped: str | None = None


def scan(root: Path, max_files: int = MAX_FILES, max_seconds: float = MAX_SECONDS) -> Tree:
    """Walk `root`; stop with a note when the file count or the time runs out."""
    tree = Tree()
    deadline = time.monotonic() + max_seconds
    pending: list[tuple[str, str]] = [(str(root), "")]
    while pending:
        folder, prefix = pending.pop()
        try:
            with os.scandir(folder) as entries:
                listed = list(entries)
        except OSError:
            tree.unreadable_folders.append(prefix.rstrip("/") or ".")
            continue
        for entry in listed:
            relative = prefix + entry.name
            try:
                if entry.name == ".git":
                    tree.skipped_folders.append(relative)  # a folder, or a file pointing at one (worktrees)
                elif entry.is_file(follow_symlinks=False):  # most entries: test it first
                    tree.files.append(relative)
                elif entry.is_dir(follow_symlinks=False):
                    if entry.name in SKIPPED_FOLDERS:
                        tree.skipped_folders.append(relative)
                    else:
                        pending.append((entry.path, relative + "/"))
                elif entry.is_symlink():
                    tree.links.append(relative)
                else:
                    tree.special_files += 1
            except OSError:
                tree.special_files += 1
        if len(tree.files) >= max_files:
            tree.stopped = f"stopped after {len(tree.files):,} files (the limit)"
            break
        if time.monotonic() > deadline:
            tree.stopped = f"stopped after {max_seconds:.0f} seconds, {len(tree.files):,} files read"
            break
    tree.files.sort()
    tree.skipped_folders.sort()
    tree.links.sort()
    return tree
