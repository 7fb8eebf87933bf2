"""How a build's stages share the machine: render children, the scan's work beside them, both engines at once.

`hubgen.build.build` says what is done, in order; this module says how it overlaps, and is the
only place that knows about it:

- the pages of every variant are rendered and written by child processes that take pieces of
  PIECE_PAGES pages from counters they share (`Shares`), each starting with its own variant and
  then helping with the others' from the back, so that all end together; meanwhile the build
  process does other work (gathering what the scan looks for);
- the children hand their memory back to the system when they end, and the build process
  lets go of the hub before the engines grow (`release`); the hub, which holds no cycles, is
  kept out of the cycle collector's walks while it lives (`hold`);
- both engines run at once, the affiliate one (the largest, which decides how long a build
  takes) first and the public one at a lower priority; the public site is finished (indexed,
  scanned, signed) as soon as its engine ends, in a child process (`beside`), so that the
  affiliate site is indexed the moment its engine ends, whether or not the public scan is
  done;
- `Timings` counts the wall time of each stage so that stages side by side are not counted
  twice (the benchmark reports hubgen's share of a build from it).
"""

from __future__ import annotations

import contextlib
import ctypes
import ctypes.util
import gc
import multiprocessing
import os
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from functools import partial
from pathlib import Path
from typing import Any, TypeVar

from hubgen import engine as adapter
from hubgen.child import Started, side_by_side
from hubgen.engine import Engine
from hubgen.project import VARIANTS, Project, Variant
from hubgen.search import index_site
from hubgen.write import prune_tree, write_files

T = TypeVar("T")

# The affiliate engine has the most pages and starts first: the build lasts as long as it
# does, so on a machine with few cores the public engine yields to it.
NICE: dict[Variant, int] = {"affiliates": 0, "public": 5}
CORES = min(2, os.cpu_count() or 1)
RENDER_CHILDREN = CORES
SPLIT_FROM = 500  # records; below, a second process costs more than it saves
PIECE_PAGES = 200  # pages a render child takes at a time
LOCK_WAIT = 60.0  # seconds: `Shares.take` gives up rather than hang


@dataclass
class Timings:
    """Seconds spent in each stage (the benchmark prints these)."""

    stages: dict[str, float] = field(default_factory=dict)
    clock: Callable[[], float] = time.perf_counter

    def add(self, stage: str, since: float) -> float:
        now = self.clock()
        self.stages[stage] = self.stages.get(stage, 0.0) + now - since
        return now

    def share(self, since: float, spent: list[dict[str, float]]) -> float:
        """Add the wall time since `since`, in which processes side by side spent `spent` (CPU
        seconds by stage), to the stages in proportion to their CPU time: the stages still add
        up to the wall time, and none is counted twice."""
        now = self.clock()
        cpu: dict[str, float] = {}
        for stages in spent:
            for stage, seconds in stages.items():
                cpu[stage] = cpu.get(stage, 0.0) + seconds
        total = sum(cpu.values()) or 1.0
        for stage, seconds in cpu.items():
            self.stages[stage] = self.stages.get(stage, 0.0) + (now - since) * seconds / total
        return now


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


def pieces(pages: int) -> list[slice | None]:
    """A variant's work in pieces: its small files (None), then its pages, PIECE_PAGES at a
    time."""
    return [None, *(slice(i, i + PIECE_PAGES) for i in range(0, pages, PIECE_PAGES))]


class Choreography:
    """One build's use of the machine; as a context manager, it stops what is still running and
    removes unfinished sites when the build ends, however it ends."""

    def __init__(self, project: Project, timings: Timings | None = None):
        self.project = project
        self.timings = timings or Timings()
        self._runs: dict[Variant, adapter.Run] = {}
        self._beside: list[Started] = []
        self._indexed = multiprocessing.Event()  # set by the public site's indexer
        self._cpu: dict[str, float] | None = None  # in a child beside the engines: CPU seconds by stage

    def __enter__(self) -> Choreography:
        # what a build that was interrupted (power cut, kill -9) left unfinished
        adapter.clean_stale(self.project.root / "site", [self.project.build_dir(v) for v in VARIANTS])
        return self

    def __exit__(self, *exc: object) -> None:
        gc.unfreeze()
        for started in self._beside:  # before its site is removed
            started.stop()
        for run in self._runs.values():
            run.stop()  # ends an engine still running; removes its unfinished site

    def stage(self, name: str, work: Callable[..., T], *args: Any, **kwargs: Any) -> T:
        """`work(*args, **kwargs)`, its time added to stage `name`."""
        start, cpu = time.perf_counter(), time.process_time()
        try:
            return work(*args, **kwargs)
        finally:
            self.timings.add(name, start)
            if self._cpu is not None:
                self._cpu[name] = self._cpu.get(name, 0.0) + time.process_time() - cpu

    def index(self, site: Path, variant: Variant, shown: str) -> None:
        """The search index of a variant's built site (`hubgen.search.index_site`), one indexer
        at a time: Pagefind holds every page's words in memory while it runs (about 200 KB a
        page, 2 GB at 10,000), so the affiliate index waits for a public one started `beside`."""
        if variant != "public":
            self._indexed_or_ended()
        try:
            self.stage(f"index:{variant}", index_site, site, shown)
        finally:
            if variant == "public":
                self._indexed.set()

    def _indexed_or_ended(self) -> None:
        for started in self._beside:
            while not self._indexed.wait(0.5) and started.running():
                pass

    def beside(self, work: Callable[[Choreography], None]) -> None:
        """`work(self)` in a child process, while this process goes on with the build; `join`
        waits for it. Its stages count the CPU time they took (they share the cores with the
        affiliate engine and index, and that wait is not hubgen's work), except an indexer's
        (`index:...`), another program, which counts its wall time as here. (Not at a lower
        priority: on a busy machine a nicer child starves, and the build waits for it at the
        end.)"""
        self._beside.append(Started(partial(_stages_beside, self, work)))

    def join(self) -> None:
        """Wait for the work started `beside`; its HubError (a leak) is raised here."""
        while self._beside:
            wall, cpu = self._beside[0].result()
            self._beside.pop(0)
            for name, seconds in wall.items():
                counted = seconds if name.startswith("index:") else cpu.get(name, 0.0)
                self.timings.stages[name] = self.timings.stages.get(name, 0.0) + counted

    def hold(self, hub: object) -> None:
        """The hub holds no cycles: the collector need not walk it, now, in the children that
        share its memory, or when it is let go (freed as its counts of references fall)."""
        gc.freeze()

    def render_and_write(self, variants: dict[Variant, int], render: Callable[[Variant, slice | None],
                         dict[str, bytes]], beside: Callable[[], T] | None = None) -> T | None:
        """Every piece of every variant (`variants` says how many pages each has) rendered by
        `render(variant, piece)` and written into its build folder, by child processes taking
        pieces until none is left, while `beside()` runs in this process; files an earlier build
        left that this one did not make are deleted. Returns what `beside()` returned."""
        project, order = self.project, list(variants)
        work = [pieces(pages) for pages in variants.values()]
        shares = Shares([len(some) for some in work])
        children = RENDER_CHILDREN if max(variants.values()) >= SPLIT_FROM else 1
        earlier = [v for v in order if project.build_dir(v).exists()]  # what may need pruning
        start = time.perf_counter()
        done, besides = side_by_side(
            [partial(_render_share, project, order, work, shares, render, i % len(order))
             for i in range(children)],
            partial(_cpu_timed, "scan", beside) if beside else None)
        start = self.timings.share(start, [spent for spent, _ in done] + ([besides[0]] if besides else []))
        for variant in earlier:
            prune_tree(project.build_dir(variant),
                       {path for _, made in done for path in made.get(variant, ())})
        self.timings.add("write", start)
        return besides[1] if besides else None

    def release(self) -> None:
        """Hand memory Python has freed back to the system (glibc keeps it otherwise), before
        the engines grow."""
        start = time.perf_counter()
        release_memory()
        self.timings.add("write", start)

    def engines(self, engine: Engine, epochs: dict[Variant, int], pages: dict[Variant, int]
                ) -> Iterator[tuple[Variant, Path]]:
        """Run `engine` on each variant's project into a staging folder, all at once, the
        affiliate one first; yield (variant, folder) as each has ended successfully, the public
        (smaller) one first. `pages` (by variant) sets each engine's time limit."""
        project = self.project
        for variant in sorted(epochs, key=lambda v: v != "affiliates"):
            self._runs[variant] = adapter.start(
                engine, project.build_dir(variant) / "mkdocs.yml", project.site_dir(variant).parent, variant,
                epochs[variant], nice=NICE[variant], limit=adapter.time_limit(pages[variant]))
        for variant in sorted(self._runs, key=lambda v: v != "public"):
            run = self._runs[variant]
            site = run.finish(project.shown(project.build_dir(variant)), project.source_of)
            self.timings.stages[f"engine:{variant}"] = time.perf_counter() - run.started
            yield variant, site


def _stages_beside(run: Choreography, work: Callable[[Choreography], None]
                   ) -> tuple[dict[str, float], dict[str, float]]:
    """In the child: `work(run)`, and the wall and CPU seconds of the stages it ran."""
    run.timings, run._cpu = Timings(), {}
    work(run)
    return run.timings.stages, run._cpu


def _cpu_timed(stage: str, work: Callable[[], T]) -> tuple[dict[str, float], T]:
    start = time.process_time()
    result = work()
    return {stage: time.process_time() - start}, result


def _render_share(project: Project, order: list[Variant], work: list[list[slice | None]], shares: Shares,
                  render: Callable[[Variant, slice | None], dict[str, bytes]], mine: int
                  ) -> tuple[dict[str, float], dict[Variant, set[str]]]:
    """Render and write pieces until none is left, starting with those of the `mine`-th
    variant; returns the CPU seconds each stage took and the paths of the files made, by
    variant."""
    timings = Timings(clock=time.process_time)
    made: dict[Variant, set[str]] = {}
    while (taken := shares.take(mine)) is not None:
        start = time.process_time()
        variant = order[taken[0]]
        files = render(variant, work[taken[0]][taken[1]])
        start = timings.add("render", start)
        write_files(project.build_dir(variant), files)
        timings.add("write", start)
        made.setdefault(variant, set()).update(files)
    return timings.stages, made


def release_memory() -> None:
    """Hand memory Python has freed back to the system (glibc keeps it otherwise)."""
    with contextlib.suppress(OSError, AttributeError, TypeError):
        ctypes.CDLL(ctypes.util.find_library("c")).malloc_trim(0)
