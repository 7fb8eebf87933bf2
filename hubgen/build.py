"""The whole pipeline: load, validate, select, render, write, engine, scan; nothing half done."""

from __future__ import annotations

import calendar
import datetime as dt
import gc
import os
import shutil
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from functools import partial
from pathlib import Path

from hubgen.child import Shares, release_memory, side_by_side
from hubgen.config import dump_config, load_base, site_url_for, variant_config
from hubgen.errors import HubError
from hubgen.feeds import atom_feed, webinar_files
from hubgen.headers import SITE_FILES, PageScripts, page_scripts, write_site_headers
from hubgen.project import Project, Variant
from hubgen.render import HubView, Renderer, render_pages
from hubgen.scan import Material, affiliate_material, scan_site
from hubgen.search import index_site
from hubgen.select import select
from hubgen.site import finish_engine, start_engine
from hubgen.validate import Hub, check_project
from hubgen.write import prune_tree, read_tree, replace_dir, write_files

# The affiliate engine has the most pages and starts first: the build lasts as long as it
# does, so on a machine with few cores the public engine yields to it.
NICE: dict[Variant, int] = {"affiliates": 0, "public": 5}
RENDER_CHILDREN = min(2, os.cpu_count() or 1)
SPLIT_FROM = 500  # records; below, a second process costs more than it saves
PIECE_PAGES = 200  # pages a render child takes at a time (see `_render_share`)


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


def today() -> dt.date:
    """The build's date: from SOURCE_DATE_EPOCH when set, so builds can be reproduced."""
    epoch = os.environ.get("SOURCE_DATE_EPOCH")
    if epoch and epoch.isdigit():
        return dt.datetime.fromtimestamp(int(epoch), dt.UTC).date()
    return dt.datetime.now(dt.UTC).date()


def load_hub(project: Project) -> Hub:
    hub, problems = check_project(project)
    if problems:
        raise HubError(problems)
    assert hub is not None
    return hub


def generate(project: Project, view: HubView, base: dict, only: set[str] | None = None,
             calendars: bool = True) -> dict[str, bytes]:
    """Every file of one variant's generated project, in memory, from the variant's view
    (with `only`, just those pages, plus the small files made from all records; the preview
    leaves the calendars out when no webinar changed)."""
    pages = render_pages(view, project.templates, only)
    return {**{f"docs/{p.path}": p.text.encode("utf-8") for p in pages},
            **small_files(project, view, base, calendars)}


def small_files(project: Project, view: HubView, base: dict, calendars: bool = True) -> dict[str, bytes]:
    """The files of a variant's generated project that are not pages: feed, calendars, assets,
    theme overrides and mkdocs.yml."""
    selected, variant = view.hub, view.variant
    site_url = site_url_for(selected, variant)
    stamp = dt.datetime.fromtimestamp(source_epoch(selected), dt.UTC)
    files = {"docs/feed.xml": atom_feed(view, site_url, stamp)}
    if calendars:
        files.update({f"docs/{k}": v for k, v in webinar_files(view, site_url, stamp).items()})
    files.update({f"docs/assets/{k}": v for k, v in read_tree(project.templates / "assets").items()})
    files.update({f"overrides/{k}": v for k, v in read_tree(project.templates / "overrides").items()})
    files["mkdocs.yml"] = dump_config(variant_config(base, selected, variant)).encode("utf-8")
    return files


def source_epoch(hub: Hub) -> int:
    """SOURCE_DATE_EPOCH for the engine (sitemap dates): the caller's, else the newest
    `updated` or event date of the variant, so that a rebuild of the same content is identical."""
    given = os.environ.get("SOURCE_DATE_EPOCH")
    if given and given.isdigit():
        return int(given)
    dates = [e.record.updated for e in hub.records.values() if e.record.updated]
    dates += [e.record.ends for e in hub.of_type("events")]
    newest = max(dates, default=dt.date(2000, 1, 1))
    return calendar.timegm(newest.timetuple())


def build(project: Project, variants: tuple[Variant, ...], timings: Timings | None = None) -> list[str]:
    """Build the variants into site/<variant>/; returns one line per variant built.

    Nothing is written before every record has validated. Then every variant's project is
    rendered and written by child processes side by side, while this one gathers what the scan
    looks for; the engines start together, the affiliate site's (the larger) first. The public
    site is scanned as soon as its engine ends, while the other still runs. A site replaces
    the previous one only when its engine succeeded and, for the public site, the scan found
    nothing.
    """
    timings = timings or Timings()
    start = time.perf_counter()
    hub = load_hub(project)
    base = load_base(project)
    running: dict[Variant, tuple] = {}
    try:
        # the hub holds no cycles: the collector need not walk it, now or when it is let go
        gc.freeze()
        start = timings.add("load+validate", start)
        day = today()
        selected = {v: select(hub, v) for v in variants}
        start = timings.add("select", start)
        # once, here, rather than in every child: the templates compiled, each variant's plan
        # of pages (the other tables pages share are worked out by the children that need them)
        Renderer(project.templates).compile_all()
        views = {v: HubView(selected[v], v, day) for v in variants}
        pieces = [_pieces(view) for view in views.values()]
        shares = Shares([len(some) for some in pieces])
        children = RENDER_CHILDREN if max(len(v.records) for v in selected.values()) >= SPLIT_FROM else 1
        start = timings.add("render", start)
        # every page of every variant, rendered and written by child processes taking pieces
        # until none is left (their memory goes back before the engines grow); meanwhile this
        # process gathers what the scan looks for
        gather = partial(_gather, hub, selected["public"]) if "public" in variants else None
        earlier = [v for v in variants if project.build_dir(v).exists()]  # what may need pruning
        done, gathered = side_by_side(
            [partial(_render_share, project, views, base, pieces, shares, i % len(views))
             for i in range(children)],
            gather)
        start = timings.share(start, [spent for spent, _ in done] + ([gathered[0]] if gathered else []))
        material = gathered[1] if gathered else None
        for variant in earlier:
            prune_tree(project.build_dir(variant),
                       {path for _, made in done for path in made.get(variant, ())})
        urls = {v: site_url_for(hub, v) for v in variants}
        epochs = {v: source_epoch(selected[v]) for v in variants}
        # freed as their counts of references fall (the hub holds no cycles; still frozen, the
        # collector does not walk a million objects to find that out)
        del hub, selected, views
        release_memory()
        start = timings.add("write", start)
        for variant in sorted(variants, key=lambda v: v != "affiliates"):
            running[variant] = start_engine(project.build_dir(variant) / "mkdocs.yml",
                                            project.site_dir(variant).parent, variant,
                                            epochs[variant], nice=NICE[variant])
        for variant in sorted(running, key=lambda v: v != "public"):  # the smaller finishes first
            process, staging, started, log = running[variant]
            finish_engine(process, variant, project.shown(project.build_dir(variant) / "mkdocs.yml"),
                          log)
            timings.stages[f"engine:{variant}"] = time.perf_counter() - started
            start = time.perf_counter()
            # the search index is made from the built pages, and is then scanned like them
            index_site(staging, project.shown(project.site_dir(variant)))
            start = timings.add(f"index:{variant}", start)
            if variant != "public":
                # the last engine has ended: its pages are read on every core
                write_site_headers(staging, variant, urls[variant], page_scripts(staging, RENDER_CHILDREN))
                timings.add("headers", start)
                continue
            # the output is what is published: every file of it is read (the generated project
            # is its input, filtered by construction; `hubgen scan` reads either), and the
            # inline scripts the headers allow are taken from the pages as they are read
            assert material is not None
            shown, scripts = project.shown(project.site_dir("public")), PageScripts()
            leaks = scan_site(staging, material, shown, read=scripts.saw)
            start = timings.add("scan", start)
            write_site_headers(staging, variant, urls[variant], scripts)
            start = timings.add("headers", start)
            leaks += scan_site(staging, material, shown, files=SITE_FILES)
            start = timings.add("scan", start)
            if leaks:
                raise HubError(leaks)
        for variant, (_, staging, _, _) in running.items():
            replace_dir(staging, project.site_dir(variant))
    finally:
        gc.unfreeze()
        for process, staging, _, log in running.values():
            if process.poll() is None:
                process.kill()
                process.wait()
            log.close()
            if staging.exists():
                shutil.rmtree(staging, ignore_errors=True)
    return [f"{v}: {len(list(project.build_dir(v).rglob('*.md')))} pages generated in "
            f"{project.shown(project.build_dir(v))}/, site in {project.shown(project.site_dir(v))}/"
            for v in variants]


def _pieces(view: HubView) -> list[slice | None]:
    """A variant's work in pieces: its small files (None), then its pages, PIECE_PAGES at a
    time in the order of its plan."""
    return [None, *(slice(i, i + PIECE_PAGES) for i in range(0, len(view.plan), PIECE_PAGES))]


def _render_share(project: Project, views: dict[Variant, HubView], base: dict,
                  pieces: list[list[slice | None]], shares: Shares, mine: int
                  ) -> tuple[dict[str, float], dict[Variant, set[str]]]:
    """Render and write pieces (see `_pieces`: those of each variant, in the order of `views`)
    until none is left, starting with those of the `mine`-th variant; returns the CPU seconds
    each stage took and the paths of the files made, by variant."""
    timings = Timings(clock=time.process_time)
    made: dict[Variant, set[str]] = {}
    order = list(views)
    # a renderer to each variant: the pieces it keeps for many pages (see `once`) are its own
    renderers = {variant: Renderer(project.templates) for variant in order}
    while (taken := shares.take(mine)) is not None:
        start = time.process_time()
        variant = order[taken[0]]
        view = views[variant]
        piece = pieces[taken[0]][taken[1]]
        if piece is None:
            files = small_files(project, view, base)
        else:
            page = renderers[variant].page
            files = {f"docs/{path}": page(template, path, view, **context).text.encode("utf-8")
                     for template, path, context in view.plan[piece]}
        start = timings.add("render", start)
        write_files(project.build_dir(variant), files)
        timings.add("write", start)
        made.setdefault(variant, set()).update(files)
    return timings.stages, made


def _gather(full: Hub, public: Hub) -> tuple[dict[str, float], Material]:
    """What the scan looks for (see `affiliate_material`), its automatons built, and the CPU
    seconds it took."""
    start = time.process_time()
    material = affiliate_material(full, public)
    material.finder, material.public_lines  # noqa: B018 - made now, while the pages render
    return {"scan": time.process_time() - start}, material


def scan_built(project: Project, site: Path) -> list:
    """`hubgen scan`: the leak check on a finished public site."""
    hub = load_hub(project)
    return scan_site(site, affiliate_material(hub, select(hub, "public")), project.shown(site))
