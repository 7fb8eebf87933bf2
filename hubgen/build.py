"""The whole pipeline: load, validate, select, render, write, engine, scan; nothing half done."""

from __future__ import annotations

import calendar
import datetime as dt
import os
from functools import partial
from pathlib import Path

from hubgen.choreography import CORES, Choreography, Timings
from hubgen.cms import EditorTraces, add_editor
from hubgen.config import dump_config, load_base, site_url_for, variant_config
from hubgen.engine import engine_named
from hubgen.errors import HubError
from hubgen.feeds import atom_feed, webinar_files
from hubgen.headers import SITE_FILES, PageScripts, page_scripts, write_site_headers
from hubgen.project import Project, Variant
from hubgen.render import HubView, Renderer, render_pages
from hubgen.scan import Material, affiliate_material, chrome_text, scan_site
from hubgen.select import select
from hubgen.validate import Hub, check_project
from hubgen.write import read_tree, replace_dir

__all__ = ["Timings", "build", "generate", "load_hub", "scan_built", "small_files", "source_epoch", "today"]


def given_epoch() -> int | None:
    """SOURCE_DATE_EPOCH, checked: seconds since 1970 up to the end of 2099 (the sitemap's gzip
    header holds 32 bits), or None when it is not set."""
    epoch = os.environ.get("SOURCE_DATE_EPOCH", "").strip()
    if not epoch:
        return None
    if not epoch.isdigit() or int(epoch) > LAST_EPOCH:
        raise HubError(f"SOURCE_DATE_EPOCH is `{epoch[:40]}`; it must be a whole number of seconds since "
                       f"1970-01-01 UTC, at most {LAST_EPOCH} (the end of 2099), e.g. `date +%s`, or unset")
    return int(epoch)


LAST_EPOCH = 4102444799  # 2099-12-31T23:59:59Z


def today() -> dt.date:
    """The build's date: from SOURCE_DATE_EPOCH when set, so builds can be reproduced."""
    epoch = given_epoch()
    if epoch is not None:
        return dt.datetime.fromtimestamp(epoch, dt.UTC).date()
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
    return {**{path: data for p in pages for path, data in p.files().items()},
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
    given = given_epoch()
    if given is not None:
        return given
    dates = [e.record.updated for e in hub.records.values() if e.record.updated]
    dates += [e.record.ends for e in hub.of_type("events")]
    newest = max(dates, default=dt.date(2000, 1, 1))
    return calendar.timegm(newest.timetuple())


def build(project: Project, variants: tuple[Variant, ...], timings: Timings | None = None,
          engine: str | None = None) -> list[str]:
    """Build the variants into site/<variant>/ with `engine` (see `hubgen.engine.engine_named`);
    returns one line per variant built.

    Each stage below is one step; how they overlap on the machine (render children, the scan's
    work beside them, both engines at once) is `hubgen.choreography`'s business. Nothing is
    written before every record has validated; a site replaces the previous one only when its
    engine succeeded and, for the public site, the scan found nothing.
    """
    chosen = engine_named(engine)
    with Choreography(project, timings) as run:
        # load, validate: every problem in every file, or nothing is written
        hub = run.stage("load+validate", load_hub, project)
        run.hold(hub)
        # select: what each variant may show; templates never see the rest
        selected = run.stage("select", _select_all, hub, variants)
        # render, write: every page of every variant into build/<variant>/; meanwhile, what the
        # scan looks for is gathered from the whole hub
        pages = run.stage("render", Pages, project, selected)
        gather = (partial(_scan_material, hub, selected, chrome_text(project.templates))
                  if "public" in variants else None)
        counts = pages.counts()
        material = run.render_and_write(counts, pages.render, gather)
        urls = {v: site_url_for(hub, v) for v in variants}
        settings, notes = hub.settings, {}
        epochs = {v: source_epoch(selected[v]) for v in variants}
        del hub, selected, pages, gather  # let go before the engines grow
        run.release()
        # engine: each variant's site into a staging folder; each is finished as its engine ends
        built: dict[Variant, Path] = {}
        for variant, site in run.engines(chosen, epochs, counts):
            shown = project.shown(project.site_dir(variant))
            if variant == "public":  # beside the affiliate engine (see `Choreography.beside`)
                run.beside(partial(_finish_public, site=site, material=material, url=urls[variant],
                                   shown=shown))
            else:
                _index(run, site, variant, shown)
                run.stage("headers", _sign, site, variant, urls[variant], shown)
                # the web editor, at /admin/ of the affiliate site only, with its own headers
                notes[variant] = run.stage("headers", add_editor, project, site, settings)
            built[variant] = site
        run.join()  # the public site finished: a leak fails the build here
        # swap: the finished sites replace the previous ones, only once every one is finished
        for variant, site in built.items():
            replace_dir(site, project.site_dir(variant))
    return [f"{v}: {len(list(project.build_dir(v).rglob('*.md')))} pages generated in "
            f"{project.shown(project.build_dir(v))}/, site in {project.shown(project.site_dir(v))}/"
            + (f" ({notes[v]})" if notes.get(v) else "")
            for v in variants]


def _select_all(hub: Hub, variants: tuple[Variant, ...]) -> dict[Variant, Hub]:
    return {v: select(hub, v) for v in variants}


class Pages:
    """Every variant's generated project, ready to be rendered in pieces by processes that
    share this object's memory: the templates compiled and each variant's plan of pages made
    once, here, rather than in every process."""

    def __init__(self, project: Project, selected: dict[Variant, Hub]):
        Renderer(project.templates).compile_all()
        self.project, self.base, day = project, load_base(project), today()
        self.views = {v: HubView(hub, v, day) for v, hub in selected.items()}
        for view in self.views.values():
            view.plan  # noqa: B018 - made now, before the processes that share it start
        # a renderer to each variant in each process: the pieces it keeps for many pages (see
        # `once`) are its own
        self._renderers: dict[Variant, Renderer] = {}

    def counts(self) -> dict[Variant, int]:
        return {v: len(view.plan) for v, view in self.views.items()}

    def render(self, variant: Variant, piece: slice | None) -> dict[str, bytes]:
        """The files of one piece of a variant: its small files (None) or a slice of its pages."""
        view = self.views[variant]
        if piece is None:
            return small_files(self.project, view, self.base)
        if variant not in self._renderers:
            self._renderers[variant] = Renderer(self.project.templates)
        page = self._renderers[variant].page
        return {name: data for template, path, context in view.plan[piece]
                for name, data in page(template, path, view, **context).files().items()}


def _scan_material(full: Hub, selected: dict[Variant, Hub], chrome: bytes = b"") -> Material:
    """What the scan looks for (see `affiliate_material`), its automatons built now."""
    material = affiliate_material(full, selected["public"], chrome)
    material.finder, material.public_lines  # noqa: B018 - made now, while the pages render
    return material


def _index(run: Choreography, site: Path, variant: Variant, shown: str) -> None:
    """After the engine, before the scan: steps that add to a built site go here. The search
    index is made from the built pages, and is then scanned like them."""
    run.index(site, variant, shown)


def _finish_public(run: Choreography, *, site: Path, material: Material | None, url: str | None,
                   shown: str) -> None:
    _index(run, site, "public", shown)
    _scan_and_sign(run, site, material, url, shown)


def _scan_and_sign(run: Choreography, site: Path, material: Material | None, url: str | None,
                   shown: str) -> None:
    """scan: every file of the public site is read, as it is published (the generated project is
    its input, filtered by construction; `hubgen scan` reads either); the security headers take
    the inline scripts they allow from that reading, and are scanned too. Any leak fails the build."""
    assert material is not None
    scripts, editor = PageScripts(), EditorTraces()
    leaks = run.stage("scan", scan_site, site, material, shown, read=editor.also(scripts.saw))
    leaks += editor.problems(shown)  # nor any part of the web editor
    try:  # an inline script the theme did not write fails the build too (see hubgen.headers)
        run.stage("headers", write_site_headers, site, "public", url, scripts, shown)
    except HubError as error:
        raise HubError(leaks + error.problems) from None
    leaks += run.stage("scan", scan_site, site, material, shown, files=SITE_FILES)
    if leaks:
        raise HubError(leaks)


def _sign(site: Path, variant: Variant, url: str | None, shown: str | None = None) -> None:
    """The security headers of a site no scan has read: its pages are read for their inline
    scripts on every core (its engine, the last, has ended)."""
    write_site_headers(site, variant, url, page_scripts(site, CORES), shown)


def scan_built(project: Project, site: Path) -> list:
    """`hubgen scan`: the leak check on a finished public site."""
    hub = load_hub(project)
    material = affiliate_material(hub, select(hub, "public"), chrome_text(project.templates))
    editor = EditorTraces()
    leaks = scan_site(site, material, project.shown(site), read=editor.saw)
    return leaks + editor.problems(project.shown(site))
