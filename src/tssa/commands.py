"""What every subcommand's registration shares: its parser, and a handler imported only when it runs.

So each subcommand's module can hold just its arguments, and `tssa` starts
without loading the machinery of the commands it does not run.
"""

from __future__ import annotations

import argparse
import importlib
import os
import sys

Commands = argparse._SubParsersAction
"""The CLI's subcommands, as `argparse` hands them to each `register`."""


class _Handler:
    __slots__ = ("target",)

    def __init__(self, target: str) -> None:
        self.target = target

    def __call__(self, args: argparse.Namespace) -> int:
        module, _, function = self.target.partition(":")
        return int(getattr(importlib.import_module(module), function)(args))


def _columns() -> int:
    """The terminal's width, as `shutil.get_terminal_size` reads it: $COLUMNS, else the terminal's, else 80."""
    try:
        columns = int(os.environ["COLUMNS"])
    except (KeyError, ValueError):
        columns = 0
    if columns <= 0:
        try:
            columns = os.get_terminal_size(sys.__stdout__.fileno()).columns  # type: ignore[union-attr]
        except (AttributeError, ValueError, OSError):
            columns = 0
    return columns or 80


class HelpFormatter(argparse.HelpFormatter):
    """argparse's own layout of help, without its import of `shutil` for the terminal's width.

    argparse makes a formatter for every argument it adds, and `shutil` imports
    the compression modules: together a few milliseconds of `tssa check`'s start.
    """

    def __init__(
        self, prog: str, indent_increment: int = 2, max_help_position: int = 24, width: int | None = None
    ) -> None:
        super().__init__(prog, indent_increment, max_help_position, _columns() - 2 if width is None else width)


def add_command(
    commands: Commands[argparse.ArgumentParser], name: str, handler: str, *, help: str, description: str
) -> argparse.ArgumentParser:
    """Add subcommand `name`, run by `handler` ("module:function"), which is imported only when it runs."""
    parser = commands.add_parser(name, help=help, description=description, formatter_class=HelpFormatter)
    parser.set_defaults(handler=_Handler(handler))
    return parser
