"""Hold back Ctrl-C, SIGTERM and SIGHUP while a step that must not stop half-way runs."""

from __future__ import annotations

import signal
from collections.abc import Iterator
from contextlib import contextmanager

# The signals that stop a run; SIGHUP is not on every platform.
STOPPING = tuple(getattr(signal, name) for name in ("SIGINT", "SIGTERM", "SIGHUP") if hasattr(signal, name))


@contextmanager
def signals_held() -> Iterator[None]:
    """While the block runs, those signals wait; they arrive when it ends (where the platform can hold them)."""
    if not hasattr(signal, "pthread_sigmask"):
        yield
        return
    previous = signal.pthread_sigmask(signal.SIG_BLOCK, STOPPING)
    try:
        yield
    finally:
        signal.pthread_sigmask(signal.SIG_SETMASK, previous)
