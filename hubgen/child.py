"""Work done in a forked child process, so that the memory it churns through goes back to the
system when it ends rather than staying with the build while the engines run.

A child starts with the parent's memory shared (copy-on-write), so nothing is sent to it;
only its result travels back, pickled. Where `fork` does not exist the work runs in the
calling process, with the same result.
"""

from __future__ import annotations

import contextlib
import ctypes
import ctypes.util
import multiprocessing
import os
import traceback
from collections.abc import Callable
from typing import Any, TypeVar

from hubgen.errors import HubError

T = TypeVar("T")
LOCK_WAIT = 60.0  # seconds: `Shares.take` gives up rather than hang
U = TypeVar("U")


def forked(work: Callable[[], T]) -> T:
    """`work()`, run in a child process that ends with it; its HubError is raised here."""
    return side_by_side([work])[0][0]


def side_by_side(works: list[Callable[[], T]], here: Callable[[], U] | None = None
                 ) -> tuple[list[T], U | None]:
    """Each of `works` in a child process of its own, and meanwhile `here()` in this one
    (whose result then needs no pickling); the results of `works`, and of `here`."""
    if not hasattr(os, "fork"):
        return [work() for work in works], here() if here else None
    started = [_start(work) for work in works]
    try:
        mine = here() if here else None
        return [_result(process, receiver) for process, receiver in started], mine
    finally:
        for process, receiver in started:
            if process.is_alive():
                process.terminate()
            process.join()
            receiver.close()


class Shares:
    """Lists of numbered pieces of work, for processes side by side to take one at a time:
    each takes the next piece of its own list from the front and, once that list is done, the
    last left of another, so that all end together whatever each piece costs. The counters
    live in memory shared with the children forked after they are made."""

    def __init__(self, sizes: list[int]):
        # the front and back of each list: the pieces not yet taken are front <= i < back
        self._ends = multiprocessing.Array("i", [end for size in sizes for end in (0, size)])

    def take(self, mine: int) -> tuple[int, int] | None:
        """(list, piece) of the next piece to do, `mine` being the list to start with; None
        when every piece has been taken."""
        ends = self._ends
        lists = len(ends) // 2
        lock = ends.get_lock()
        # held for microseconds: only a process killed while holding it keeps it
        if not lock.acquire(timeout=LOCK_WAIT):
            raise RuntimeError("another hubgen child process died while handing out work")
        try:
            for k in (mine, *(k for k in range(lists) if k != mine)):
                front, back = ends[2 * k], ends[2 * k + 1]
                if front < back:
                    if k == mine:
                        ends[2 * k] = front + 1
                        return k, front
                    ends[2 * k + 1] = back - 1
                    return k, back - 1
            return None
        finally:
            lock.release()


def _start(work: Callable[[], T]) -> tuple[Any, Any]:
    context = multiprocessing.get_context("fork")
    receiver, sender = context.Pipe(duplex=False)

    def run() -> None:
        try:
            sender.send(("ok", work()))
        except HubError as error:
            sender.send(("error", error.problems))
        except BaseException:  # noqa: BLE001 - a bug: its traceback goes to the parent
            sender.send(("crash", traceback.format_exc()))

    process = context.Process(target=run, daemon=True)
    process.start()
    sender.close()
    return process, receiver


def _result(process: Any, receiver: Any) -> Any:
    try:
        kind, value = receiver.recv()
    except EOFError:
        process.join()
        raise RuntimeError(f"a hubgen child process died (exit status {process.exitcode})") from None
    process.join()
    if kind == "error":
        raise HubError(value)
    if kind == "crash":
        raise RuntimeError(f"in a hubgen child process:\n{value}")
    return value


def release_memory() -> None:
    """Hand memory Python has freed back to the system (glibc keeps it otherwise)."""
    with contextlib.suppress(OSError, AttributeError, TypeError):
        ctypes.CDLL(ctypes.util.find_library("c")).malloc_trim(0)
