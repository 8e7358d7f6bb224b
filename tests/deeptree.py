"""Chains of nested folders `d/d/d/...` thousands deep, made and removed without recursion.

Made by descriptor, so no path grows past the system's limit; removed from the
bottom up, since `shutil.rmtree` (and so pytest's clean-up) recurses per level.
"""

from __future__ import annotations

import os
from pathlib import Path


def make_deep(top: Path, levels: int, bottom: str | None = None) -> None:
    """`levels` nested folders `d/d/d/...` below `top`, and a file named `bottom` in the last one."""
    descriptor = os.open(top, os.O_RDONLY)
    try:
        for _ in range(levels):
            os.mkdir("d", dir_fd=descriptor)
            inner = os.open("d", os.O_RDONLY, dir_fd=descriptor)
            os.close(descriptor)
            descriptor = inner
        if bottom is not None:
            file = os.open(bottom, os.O_WRONLY | os.O_CREAT, 0o644, dir_fd=descriptor)
            os.write(file, b"deep down\n")
            os.close(file)
    finally:
        os.close(descriptor)


def remove_deep(top: Path) -> None:
    """Remove a `d/d/d/...` chain and the files in it from the bottom up, without recursion."""
    descriptors = [os.open(top, os.O_RDONLY)]
    try:
        while True:
            try:
                descriptors.append(os.open("d", os.O_RDONLY, dir_fd=descriptors[-1]))
            except FileNotFoundError:
                break
        while len(descriptors) > 1:
            for name in os.listdir(descriptors[-1]):
                if name != "d":
                    os.unlink(name, dir_fd=descriptors[-1])
            os.close(descriptors.pop())
            os.rmdir("d", dir_fd=descriptors[-1])
    finally:
        for descriptor in descriptors:
            os.close(descriptor)
