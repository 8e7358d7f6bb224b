"""The failures a user can cause; the CLI prints each as one line."""

from __future__ import annotations


class TssaError(Exception):
    """Base of every error the CLI reports as one plain line."""

    exit_code = 1
