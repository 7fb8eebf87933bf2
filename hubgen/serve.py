"""Live preview: regenerate what an edit changed; the engine rebuilds just those pages and reloads.

An edit to one record re-validates that file only and re-renders only the pages that show the
record: its own page at once, then, half a second later, its listings, themes, related
records, event or series. Templates, mkdocs.yml, hub.yml or themes.yml regenerate everything.
The engine then does a dirty build, which renders only the pages whose Markdown changed, with
its config and theme kept from one build to the next. A preview is for looking: `hubgen build`
does the full build (and the scan) before anything is published.

For the editor: the address is printed at start; a save that breaks a file is reported once (in
the terminal, and at the top of every previewed page until a save fixes it), and the engine's
own messages, which an editor cannot act on, are kept out.
"""

from __future__ import annotations

import os
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import click

from hubgen.build import generate, today
from hubgen.config import load_base
from hubgen.errors import HubError, Problem
from hubgen.models import TYPES
from hubgen.project import PIECES, Project, Variant
from hubgen.render import HubView, page_path, pages_showing
from hubgen.select import select
from hubgen.validate import (
    Entry,
    Facts,
    Hub,
    check_project,
    check_references,
    pointer_problems,
    record_pointers,
    resolve_audience,
    validate_record,
)
from hubgen.write import write_files, write_tree

DEBOUNCE = 0.05  # an editor's save can be several writes (truncate, write): one report for them
FOLLOW_UP = 0.5  # seconds after an edit's own pages are written before the pages citing it


def _stamp(path: Path) -> tuple[int, int] | None:
    try:
        info = path.stat()
    except OSError:
        return None
    return (info.st_mtime_ns, info.st_size)


@dataclass
class Preview:
    """The last good state of one variant's generated project, updated edit by edit."""

    project: Project
    variant: Variant
    hub: Hub | None = None
    records: dict[Path, tuple[tuple[int, int] | None, Entry | None]] = field(default_factory=dict)
    shared: dict[Path, tuple[int, int] | None] = field(default_factory=dict)
    on_written: Callable[[list[str]], None] = lambda files: None  # tells the server they are written
    deferred: set[str] = field(default_factory=set)  # pages citing the last edit, still to write
    warnings: list[Problem] = field(default_factory=list)  # of the files the last refresh read

    def state(self) -> tuple[Any, ...]:
        """What the files look like now: when it has not changed, neither have its problems."""
        return tuple(sorted(self._shared_stamps().items())), tuple(sorted(self._record_files().items()))


    def _shared_stamps(self) -> dict[Path, tuple[int, int] | None]:
        """Files whose change means regenerating everything."""
        paths = [self.project.config, self.project.content / "hub.yml", self.project.content / "themes.yml"]
        paths += sorted(p for p in self.project.templates.rglob("*") if p.is_file())
        return {p: _stamp(p) for p in paths}

    def _record_files(self) -> dict[Path, tuple[int, int] | None]:
        found = {}
        for type_ in TYPES:
            folder = self.project.content / type_
            if folder.is_dir():
                for entry in os.scandir(folder):
                    if entry.name.endswith(".yml"):
                        path = Path(entry.path)
                        found[path] = _stamp(path)
        return found

    def full(self) -> list[str]:
        hub, problems = check_project(self.project, parallel=False)
        if problems:
            raise HubError(problems)
        files = generate(self.project, HubView(select(hub, self.variant), self.variant, today()),
                         load_base(self.project))
        written = write_tree(self.project.build_dir(self.variant), files)
        self.hub, self.shared, self.deferred = hub, self._shared_stamps(), set()
        self.records = {p: (s, hub.records.get(f"{p.parent.name}/{p.stem}"))
                        for p, s in self._record_files().items()}
        if written:
            self.on_written(written)
        return written

    def refresh(self) -> list[str]:
        """Bring the generated project up to date; returns the files written."""
        if self.hub is None or self._shared_stamps() != self.shared:
            return self.full()
        now = self._record_files()
        changed = {p for p in now.keys() | self.records.keys()
                   if now.get(p) != self.records.get(p, (None, None))[0]}
        if not changed:
            return []
        if any(path.parent.name == "events" for path in changed):
            return self.full()  # its takeaways inherit its audience: worked out with all records
        problems: list[Problem] = []
        records = dict(self.hub.records)
        for path in changed:
            ref = f"{path.parent.name}/{path.stem}"
            records.pop(ref, None)
            if path in now:
                entry = validate_record(self.project, path.parent.name, path, problems)
                if entry is not None:
                    default = self.hub.settings.default_audience
                    if entry.type == "takeaways" and entry.record.audience is None:
                        event = records.get(f"events/{entry.record.event}")
                        default = event.audience if event is not None else default
                    records[ref] = Entry(entry.type, entry.id, entry.path,
                                         resolve_audience(entry.type, entry.record, default), entry.doc)
        known = {f"{p.parent.name}/{p.stem}" for p in now}
        theme_ids = [t.id for t in self.hub.themes]
        for path in changed:
            entry = records.get(f"{path.parent.name}/{path.stem}")
            if entry is not None and entry.doc is not None:
                problems += check_references(entry, theme_ids, known)
        problems += _pointer_problems(self.project, records, changed)
        self.warnings = [p for p in problems if p.is_warning]
        problems = [p for p in problems if not p.is_warning]
        if problems:
            raise HubError(problems)
        order = {t: i for i, t in enumerate(TYPES)}
        new = Hub(self.hub.settings, self.hub.themes,
                  dict(sorted(records.items(), key=lambda kv: (order[kv[1].type], kv[1].id))))
        refs = {f"{p.parent.name}/{p.stem}" for p in changed}
        old_view, new_view = select(self.hub, self.variant), select(new, self.variant)
        day = today()
        pages = (pages_showing(old_view, self.variant, day, refs)
                 | pages_showing(new_view, self.variant, day, refs))
        removed = {f"docs/{page_path(e)}" for ref in refs
                   if (e := old_view.records.get(ref)) and ref not in new_view.records}
        self.hub = new
        self.records = {p: (s, records.get(f"{p.parent.name}/{p.stem}")) for p, s in now.items()}
        # The edited records' own pages now; the pages that list or cite them (themes,
        # listings, related records), which take the engine longer, once the server has
        # rebuilt and served these (`catch_up`): it holds every request while it builds.
        own = {page_path(e) for ref in refs if (e := new_view.records.get(ref))}
        self.deferred = (self.deferred | pages) - own
        files = generate(self.project, HubView(new_view, self.variant, day), load_base(self.project),
                         only=own, calendars=any(r.startswith("webinars/") for r in refs))
        written = write_files(self.project.build_dir(self.variant), files, removed)
        if written:
            self.on_written(written)
        return written

    def catch_up(self) -> list[str]:
        """Write the pages `refresh` left for later; returns the files written."""
        if not self.deferred or self.hub is None:
            return []
        pages, self.deferred = self.deferred, set()
        files = generate(self.project, HubView(select(self.hub, self.variant), self.variant, today()),
                         load_base(self.project), only=pages, calendars=False)
        files = {k: v for k, v in files.items()  # the pages and their pieces, not the small files
                 if (k.startswith("docs/") and k[5:] in pages) or k.startswith(f"overrides/{PIECES}/")}
        written = write_files(self.project.build_dir(self.variant), files, set())
        if written:
            self.on_written(written)
        return written


class Report:
    """The problems that keep the preview from updating, for the terminal (once per save) and
    for the browser, whose pages ask for them (`/.hubgen/problems`) and show them on the page."""

    def __init__(self) -> None:
        self.lines: list[str] = []
        self.version = 0
        self.changed = threading.Condition()

    def set(self, lines: list[str]) -> None:
        with self.changed:
            if lines != self.lines:
                self.lines, self.version = lines, self.version + 1
                self.changed.notify_all()

    def wait(self, since: int, timeout: float) -> tuple[int, list[str]]:
        """The problems once they differ from version `since` (or after `timeout` seconds)."""
        with self.changed:
            self.changed.wait_for(lambda: self.version != since, timeout=timeout)
            return self.version, list(self.lines)


# Only a change to a file means an edit: reading one (hubgen's own reading of a broken file
# included) gives `opened` and `closed_no_write` events, which must not start a new check.
EDITS = frozenset({"created", "modified", "deleted", "moved", "closed"})


class _Watcher:
    """Regenerates (debounced) whenever content/, templates/ or mkdocs.yml change."""

    def __init__(self, preview: Preview, report: Report):
        self.preview = preview
        self.report = report
        self.pending = threading.Event()
        self.failed: tuple[Any, ...] | None = None  # the files as they were when the check failed

    def dispatch(self, event: object) -> None:
        path = str(getattr(event, "src_path", ""))
        if getattr(event, "event_type", "modified") in EDITS and "/." not in path and not path.endswith("~"):
            self.pending.set()

    def loop(self) -> None:
        while True:
            if not self.pending.wait(timeout=FOLLOW_UP if self.preview.deferred else None):
                self.preview.catch_up()  # no edit for a moment: the pages that cite the last one
                continue
            time.sleep(DEBOUNCE)
            self.pending.clear()
            self.run_once()

    def run_once(self) -> None:
        state = self.preview.state()
        if state == self.failed:
            return  # nothing saved since the problems were reported
        try:
            changed = self.preview.refresh()
        except HubError as error:
            self.failed = state
            for line in error.lines():
                click.echo(line, err=True)
            click.echo("hubgen: the preview shows the last version that worked until this is fixed",
                       err=True)
            self.report.set(error.lines())
            return
        except Exception as error:  # a bug in hubgen: say so, and keep previewing the next save
            self.failed = state
            line = (f"hubgen: could not update the preview ({type(error).__name__}: {error}); "
                    "this is a bug in hubgen")
            click.echo(line, err=True)
            self.report.set([line])
            return
        self.failed = None
        for warning in self.preview.warnings:
            click.echo(str(warning), err=True)
        self.report.set([])
        if changed:
            click.echo(f"hubgen: regenerated {len(changed)} file(s)", err=True)


# Shown on every previewed page: asks the preview for its problems (answered as soon as they
# change) and shows them at the top of the page, or takes them away once fixed. Text only, never
# HTML: a problem quotes what the editor wrote.
BANNER_SCRIPT = """
(function () {
  var since = -1;
  function show(problems) {
    var box = document.getElementById("hubgen-problems");
    if (!problems.length) { if (box) { box.remove(); } return; }
    if (!box) {
      box = document.createElement("div");
      box.id = "hubgen-problems";
      box.setAttribute("role", "alert");
      box.style.cssText = "position:fixed;top:0;left:0;right:0;z-index:100000;max-height:60vh;" +
        "overflow:auto;padding:12px 16px;background:#8b0000;color:#fff;" +
        "font:15px/1.45 -apple-system,'Segoe UI',Roboto,Arial,'DejaVu Sans',sans-serif;" +
        "box-shadow:0 2px 8px rgba(0,0,0,.4)";
      document.body.appendChild(box);
    }
    box.textContent = "";
    var title = document.createElement("strong");
    title.textContent = "This preview is out of date: hubgen cannot read your last change. " +
      "Fix it and save; this page then updates by itself.";
    var list = document.createElement("ul");
    list.style.cssText = "margin:8px 0 0;padding-left:20px;font-family:ui-monospace,monospace;" +
      "font-size:13px;white-space:pre-wrap;overflow-wrap:anywhere";
    problems.forEach(function (line) {
      var item = document.createElement("li");
      item.textContent = line;
      list.appendChild(item);
    });
    box.appendChild(title);
    box.appendChild(list);
  }
  function ask() {
    fetch("/.hubgen/problems?since=" + since, {cache: "no-store"})
      .then(function (answer) { return answer.json(); })
      .then(function (state) { since = state.version; show(state.problems); ask(); })
      .catch(function () { setTimeout(ask, 3000); });
  }
  ask();
})();
"""
PROBLEMS_PATH = "/.hubgen/problems"


def _with_banner(report: Report) -> Callable[[type], type]:
    """The engine's live-reload server made to also show the problems of the last save on its
    pages (see BANNER_SCRIPT)."""
    import json
    import urllib.parse

    def wrap(server_class: type) -> type:
        class PreviewServer(server_class):  # type: ignore[misc, valid-type]
            def _serve_request(self, environ: dict[str, Any], start_response: Any) -> Any:
                if environ["PATH_INFO"] != PROBLEMS_PATH:
                    return super()._serve_request(environ, start_response)
                query = urllib.parse.parse_qs(environ.get("QUERY_STRING", ""))
                try:
                    since = int(query.get("since", ["-1"])[0])
                except ValueError:
                    since = -1
                version, lines = report.wait(since, timeout=20.0)
                body = json.dumps({"version": version, "problems": lines}).encode()
                start_response("200 OK", [("Content-Type", "application/json"), ("Cache-Control", "no-store"),
                                          ("Content-Length", str(len(body)))])
                return [body]

            def _inject_js_into_html(self, content: bytes, epoch: int) -> bytes:
                content = super()._inject_js_into_html(content, epoch)
                end = content.rfind(b"</body>")
                end = end if end >= 0 else len(content)
                return content[:end] + b"<script>" + BANNER_SCRIPT.encode() + b"</script>" + content[end:]

        return PreviewServer

    return wrap


def serve(project: Project, variant: Variant, port: int, engine: str | None = None) -> None:
    """Serve the variant on 127.0.0.1:port with live reload until interrupted."""
    import logging

    from watchdog.observers import Observer

    from hubgen.engine import engine_named, live_preview

    chosen = engine_named(engine)
    # The engine's own messages (a "dirty" build on every save, its timings) are nothing an
    # editor can act on: hubgen reports what is wrong with the content itself.
    for name in ("mkdocs", "properdocs"):
        logging.getLogger(name).setLevel(logging.ERROR)
    preview = Preview(project, variant)
    preview.full()
    report = Report()
    server = live_preview(chosen, project.build_dir(variant) / "mkdocs.yml", port, wrap=_with_banner(report))
    preview.on_written = server.written
    watcher = _Watcher(preview, report)
    observer = Observer()
    for path in (project.content, project.templates):
        if path.is_dir():
            observer.schedule(watcher, str(path), recursive=True)
    observer.schedule(watcher, str(project.root), recursive=False)  # mkdocs.yml
    observer.start()
    threading.Thread(target=watcher.loop, daemon=True).start()
    site = "public site (what anyone will see)" if variant == "public" else "affiliate site"
    click.echo(f"hubgen: previewing the {site} at http://127.0.0.1:{port}/\n"
               "hubgen: it updates each time you save a file; problems show here and on the page. "
               "Press Ctrl+C to stop.")
    try:
        server.serve()
    finally:
        observer.stop()
        observer.join()


def _pointer_problems(project: Project, records: dict[str, Entry], changed: set[Path]) -> list[Problem]:
    """The edited records' pointers to affiliate-only material (see `pointer_problems`)."""
    refs = {f"{p.parent.name}/{p.stem}" for p in changed}
    facts = {ref: Facts(e.audience, None, tuple(e.record.themes),
                        record_pointers(project, e) if ref in refs and e.doc is not None else ())
             for ref, e in records.items()}
    return pointer_problems(facts, {ref: e.audience for ref, e in records.items()})
