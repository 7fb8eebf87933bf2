"""The whole pipeline: load, validate, select, render, write, engine, scan; nothing half done."""

from __future__ import annotations

import calendar
import datetime as dt
import os
import shutil
import tempfile
import time
from dataclasses import dataclass, field
from functools import partial
from pathlib import Path

from hubgen.child import forked, forked_all, release_memory
from hubgen.config import dump_config, load_base, site_url_for, variant_config
from hubgen.errors import HubError
from hubgen.feeds import atom_feed, webinar_files
from hubgen.headers import write_site_headers
from hubgen.project import Project, Variant
from hubgen.render import HubView, Renderer, page_plan, render_pages
from hubgen.scan import Material, affiliate_material, scan_site
from hubgen.select import select
from hubgen.site import finish_engine, start_engine
from hubgen.validate import Hub, check_project
from hubgen.write import prune_tree, read_tree, replace_dir, write_files

# The affiliate engine has the most pages and starts first: the build lasts as long as it
# does, so on a machine with few cores the public engine and the scan's gathering yield to it.
NICE: dict[Variant, int] = {"affiliates": 0, "public": 5}
RENDER_PARTS = min(2, os.cpu_count() or 1)
SPLIT_FROM = 500  # records; below, a second process costs more than it saves


@dataclass
class Timings:
    """Seconds spent in each stage (the benchmark prints these)."""

    stages: dict[str, float] = field(default_factory=dict)

    def merge(self, stages: dict[str, float]) -> None:
        for stage, seconds in stages.items():
            self.stages[stage] = self.stages.get(stage, 0.0) + seconds

    def add(self, stage: str, since: float) -> float:
        now = time.perf_counter()
        self.stages[stage] = self.stages.get(stage, 0.0) + now - since
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


def generate(project: Project, selected: Hub, variant: Variant, base: dict, day: dt.date,
             only: set[str] | None = None, calendars: bool = True) -> dict[str, bytes]:
    """Every file of one variant's generated project, in memory, from the variant's hub
    (with `only`, just those pages, plus the small files made from all records; the preview
    leaves the calendars out when no webinar changed)."""
    pages = render_pages(selected, variant, project.templates, day, only)
    files = {f"docs/{p.path}": p.text.encode("utf-8") for p in pages}
    view = HubView(selected, variant, day)
    site_url = site_url_for(selected, variant)
    stamp = dt.datetime.fromtimestamp(source_epoch(selected), dt.UTC)
    files["docs/feed.xml"] = atom_feed(view, site_url, stamp)
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

    Nothing is written before every record has validated. Each variant's project is rendered
    and written, and its engine started at once (the affiliate site, the larger, first), so
    the engines run side by side while hubgen renders the next variant and gathers what the
    scan looks for. A site replaces the previous one only when its engine succeeded and, for
    the public site, the scan found nothing.
    """
    timings = timings or Timings()
    start = time.perf_counter()
    hub = load_hub(project)
    base = load_base(project)
    start = timings.add("load+validate", start)
    day = today()
    selected = {v: select(hub, v) for v in variants}
    start = timings.add("select", start)
    Renderer(project.templates).compile_all()  # once, here, rather than in every child
    start = timings.add("render", start)
    running: dict[Variant, tuple] = {}
    material: Material | None = None
    scratch = Path(tempfile.mkdtemp(prefix="hubgen-"))
    try:
        for variant in sorted(variants, key=lambda v: v != "affiliates"):
            # in child processes, so that a variant's pages (100 MB at 10,000 records) are not
            # kept by this process while the engines run; the first variant's pages are split
            # between the cores, idle until its engine starts, the next rendered beside it
            parts = RENDER_PARTS if not running and len(selected[variant].records) >= SPLIT_FROM else 1
            done = forked_all([partial(_render_part, project, selected[variant], variant, base, day,
                                       part, parts) for part in range(parts)],
                              nice=NICE[variant] if running else 0)
            for stage in ("render", "write"):  # the parts run side by side: the longest counts
                timings.merge({stage: max(stages[stage] for stages, _ in done)})
            prune_tree(project.build_dir(variant), {path for _, paths in done for path in paths})
            if variant == "public":
                # what the scan looks for, gathered in a child process (whose memory goes back
                # before the engines grow) before the public engine starts: beside two engines
                # it would wait for a core
                start = time.perf_counter()
                material = forked(partial(affiliate_material, hub, selected["public"],
                                          scratch / "public-text"), nice=NICE[variant] if running else 0)
                start = timings.add("scan", start)
            running[variant] = start_engine(project.build_dir(variant) / "mkdocs.yml",
                                            project.site_dir(variant).parent, variant,
                                            source_epoch(selected[variant]), nice=NICE[variant])
        urls = {v: site_url_for(hub, v) for v in running}
        del hub, selected
        release_memory()
        for variant in sorted(running, key=lambda v: v != "public"):  # the smaller finishes first
            process, staging, started, log = running[variant]
            finish_engine(process, variant, project.shown(project.build_dir(variant) / "mkdocs.yml"),
                          log)
            timings.stages[f"engine:{variant}"] = time.perf_counter() - started
            start = time.perf_counter()
            write_site_headers(staging, variant, urls[variant])
            start = timings.add("headers", start)
            if variant == "public":
                # the output is what is published: every file of it is read (the generated
                # project is its input, filtered by construction; `hubgen scan` reads either)
                assert material is not None
                leaks = scan_site(staging, material, project.shown(project.site_dir("public")))
                start = timings.add("scan", start)
                if leaks:
                    raise HubError(leaks)
        for variant, (_, staging, _, _) in running.items():
            replace_dir(staging, project.site_dir(variant))
    finally:
        for process, staging, _, log in running.values():
            if process.poll() is None:
                process.kill()
                process.wait()
            log.close()
            if staging.exists():
                shutil.rmtree(staging, ignore_errors=True)
        shutil.rmtree(scratch, ignore_errors=True)
    return [f"{v}: {len(list(project.build_dir(v).rglob('*.md')))} pages generated in "
            f"{project.shown(project.build_dir(v))}/, site in {project.shown(project.site_dir(v))}/"
            for v in variants]


def _render_part(project: Project, selected: Hub, variant: Variant, base: dict, day: dt.date,
                 part: int, parts: int) -> tuple[dict[str, float], list[str]]:
    """Render and write every `parts`-th page of a variant, from the `part`-th (the last part,
    which has fewer listings, also writes the feed, calendars, assets and mkdocs.yml); returns
    the seconds each took and the paths of the files it made."""
    timings = Timings()
    start = time.perf_counter()
    only = None
    if parts > 1:
        paths = [path for _, path, _ in page_plan(HubView(selected, variant, day))]
        only = set(paths[part::parts])
    last = part == parts - 1
    files = generate(project, selected, variant, base, day, only=only, calendars=last)
    if not last:
        files = {k: v for k, v in files.items() if k.startswith("docs/") and k[5:] in (only or ())}
    start = timings.add("render", start)
    write_files(project.build_dir(variant), files)
    timings.add("write", start)
    return timings.stages, list(files)


def scan_built(project: Project, site: Path) -> list:
    """`hubgen scan`: the leak check on a finished public site."""
    hub = load_hub(project)
    return scan_site(site, affiliate_material(hub, select(hub, "public")), project.shown(site))
