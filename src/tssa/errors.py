"""The failures a user can cause, and the exit codes every subcommand uses.

Each failure is one `TssaError` subclass; the CLI prints it as one plain line
and exits with its `exit_code`.
"""

from __future__ import annotations

from enum import IntEnum


class ExitCode(IntEnum):
    """What `tssa` exits with, the same for every subcommand."""

    OK = 0
    # `check`: a finding that fails (errors; with --strict, warnings too).
    # `update`: conflicts remain, or a step of the update failed.
    FINDINGS = 1
    # Bad arguments, or a refusal before anything changed.
    USAGE = 2
    # A path given does not exist or holds no package.
    NOT_FOUND = 2
    # A bug in tssa: reported as one line, never as a traceback.
    INTERNAL_ERROR = 3
    INTERRUPTED = 130
    # The reader of the output went away (`tssa check ... | head`).
    BROKEN_PIPE = 141


class TssaError(Exception):
    """Base of every error the CLI reports as one plain line."""

    exit_code: int = ExitCode.FINDINGS


class RefusedError(TssaError):
    """tssa refused before it changed anything: bad input, or a state it cannot safely work in."""

    exit_code = ExitCode.USAGE


class NotFoundError(TssaError):
    """A path given does not exist or holds no package."""

    exit_code = ExitCode.NOT_FOUND


class UsageError(RefusedError):
    """An option's value is not one the command accepts."""


class PackageFolderNotFoundError(NotFoundError):
    """The path to update is not an existing folder."""
