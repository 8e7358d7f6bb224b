"""What every subcommand's registration shares: its parser, and a handler imported only when it runs.

So each subcommand's module can hold just its arguments, and `tssa` starts
without loading the machinery of the commands it does not run.
"""

from __future__ import annotations

import argparse
import importlib

Commands = argparse._SubParsersAction
"""The CLI's subcommands, as `argparse` hands them to each `register`."""


class _Handler:
    __slots__ = ("target",)

    def __init__(self, target: str) -> None:
        self.target = target

    def __call__(self, args: argparse.Namespace) -> int:
        module, _, function = self.target.partition(":")
        return int(getattr(importlib.import_module(module), function)(args))


def add_command(
    commands: Commands[argparse.ArgumentParser], name: str, handler: str, *, help: str, description: str
) -> argparse.ArgumentParser:
    """Add subcommand `name`, run by `handler` ("module:function"), which is imported only when it runs."""
    parser = commands.add_parser(name, help=help, description=description)
    parser.set_defaults(handler=_Handler(handler))
    return parser
