"""Run one function over many items in worker processes, stopping cleanly on Ctrl-C.

Ctrl-C in a terminal reaches every process of the group. The workers ignore
it, so that only the parent stops the run (and the CLI says so in one line),
never a worker with a traceback of its own; work not yet started is dropped.
"""

from __future__ import annotations

import signal
from collections.abc import Callable, Iterable, Iterator
from contextlib import contextmanager
from itertools import chain, islice

TYPE_CHECKING = False  # as `typing.TYPE_CHECKING`, without importing `typing` (for start-up)
if TYPE_CHECKING:
    from typing import TypeVar

    Item = TypeVar("Item")
    Result = TypeVar("Result")

# Small chunks, so that after Ctrl-C the run waits for one chunk per worker at most.
_MAX_CHUNK = 32


def run_in_workers(
    function: Callable[[Item], Result],
    items: Iterable[Item],
    workers: int,
    meanwhile: Callable[[], object] | None = None,
) -> list[Result]:
    """`[function(item) for item in items]`, computed by `workers` processes, in the items' order.

    `items` may be made while the workers run (found on disk, say): the first are worked on as the rest are
    made. `meanwhile` is called in this process once the items are handed out, while it would otherwise wait.
    """
    from concurrent.futures import ProcessPoolExecutor  # costs start-up time; only when needed

    items = iter(items)
    first = list(islice(items, workers * 4 * _MAX_CHUNK))  # enough to choose the chunk as for a list
    chunk = max(1, min(len(first) // (workers * 4), _MAX_CHUNK))
    pool = ProcessPoolExecutor(workers, initializer=_leave_interrupts_to_the_parent)
    try:
        # The workers start while the tasks are handed out; Ctrl-C waits until each can ignore it.
        with _interrupts_held():
            results = pool.map(
                function, _interrupts_let_through_after(chain(first, items), workers * chunk), chunksize=chunk
            )
        if meanwhile is not None:
            meanwhile()
        return list(results)
    finally:
        pool.shutdown(cancel_futures=True)


def _interrupts_let_through_after(items: Iterator[Item], count: int) -> Iterator[Item]:
    """The items; after the first `count` (a chunk for each worker: every worker started), Ctrl-C is let
    through again, so that it stops the making of the rest too."""
    yield from islice(items, count)
    if hasattr(signal, "pthread_sigmask"):
        signal.pthread_sigmask(signal.SIG_UNBLOCK, {signal.SIGINT})
    yield from items


def _leave_interrupts_to_the_parent() -> None:
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    if hasattr(signal, "pthread_sigmask"):
        signal.pthread_sigmask(signal.SIG_UNBLOCK, {signal.SIGINT})


@contextmanager
def _interrupts_held() -> Iterator[None]:
    if not hasattr(signal, "pthread_sigmask"):  # not on Windows
        yield
        return
    signal.pthread_sigmask(signal.SIG_BLOCK, {signal.SIGINT})
    try:
        yield
    finally:
        signal.pthread_sigmask(signal.SIG_UNBLOCK, {signal.SIGINT})
