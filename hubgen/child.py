"""Work done in a forked child process, so that the memory it churns through goes back to the
system when it ends rather than staying with the build while the engines run.

A child starts with the parent's memory shared (copy-on-write), so nothing is sent to it;
only its result travels back, pickled. Where `fork` does not exist the work runs in the
calling process, with the same result.
"""

from __future__ import annotations

import multiprocessing
import os
import subprocess
import traceback
from collections.abc import Callable
from typing import Any, TypeVar

from hubgen.errors import HubError

T = TypeVar("T")
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


class Started:
    """`work()` running in a child process while this process goes on; `result()` waits for it
    (its HubError is raised there). Where `fork` does not exist the work runs at once, in this
    process."""

    def __init__(self, work: Callable[[], T]):
        self._process: Any = None
        if not hasattr(os, "fork"):
            self._value = work()
            return
        self._process, self._receiver = _start(work)

    def result(self) -> Any:
        if self._process is None:
            return self._value
        try:
            return _result(self._process, self._receiver)
        finally:
            self.stop()

    def running(self) -> bool:
        return self._process is not None and self._process.is_alive()

    def stop(self) -> None:
        """End the child if it still runs."""
        if self._process is None:
            return
        if self._process.is_alive():
            self._process.terminate()
        self._process.join()
        self._receiver.close()


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


def end_process(process: subprocess.Popen, grace: float = 10) -> None:
    """Ask a server process to stop, and kill it if it has not within `grace` seconds."""
    if process.poll() is not None:
        return
    process.terminate()
    try:
        process.wait(timeout=grace)
    except subprocess.TimeoutExpired:
        process.kill()
        process.wait()
