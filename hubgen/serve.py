"""Live preview: regenerate what an edit changed; the engine rebuilds just those pages and reloads.

An edit to one record re-validates that file only and re-renders only the pages that show the
record: its own page at once, then, half a second later, its listings, themes, related
records, event or series. Templates, mkdocs.yml, hub.yml or themes.yml regenerate everything.
The engine then does a dirty build, which renders only the pages whose Markdown changed, with
its config and theme kept from one build to the next. A preview is for looking: `hubgen build`
does the full build (and the scan) before anything is published.
"""

from __future__ import annotations

import os
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

import click

from hubgen.build import generate, today
from hubgen.config import load_base
from hubgen.errors import HubError, Problem
from hubgen.models import TYPES
from hubgen.project import Project, Variant
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

DEBOUNCE = 0.02
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
        files = {k: v for k, v in files.items() if k.startswith("docs/") and k[5:] in pages}
        written = write_files(self.project.build_dir(self.variant), files, set())
        if written:
            self.on_written(written)
        return written


class _Watcher:
    """Regenerates (debounced) whenever content/, templates/ or mkdocs.yml change."""

    def __init__(self, preview: Preview):
        self.preview = preview
        self.pending = threading.Event()

    def dispatch(self, event: object) -> None:
        path = str(getattr(event, "src_path", ""))
        if "/." not in path and not path.endswith("~"):
            self.pending.set()

    def loop(self) -> None:
        while True:
            if not self.pending.wait(timeout=FOLLOW_UP if self.preview.deferred else None):
                self.preview.catch_up()  # no edit for a moment: the pages that cite the last one
                continue
            time.sleep(DEBOUNCE)
            self.pending.clear()
            try:
                changed = self.preview.refresh()
            except HubError as error:
                for line in error.lines():
                    click.echo(line, err=True)
                click.echo("hubgen: preview keeps the last good version until this is fixed", err=True)
                continue
            if changed:
                click.echo(f"hubgen: regenerated {len(changed)} file(s)", err=True)


def serve(project: Project, variant: Variant, port: int, engine: str | None = None) -> None:
    """Serve the variant on 127.0.0.1:port with live reload until interrupted."""
    from watchdog.observers import Observer

    from hubgen.engine import engine_named, live_preview

    chosen = engine_named(engine)
    preview = Preview(project, variant)
    preview.full()
    server = live_preview(chosen, project.build_dir(variant) / "mkdocs.yml", port)
    preview.on_written = server.written
    watcher = _Watcher(preview)
    observer = Observer()
    for path in (project.content, project.templates):
        if path.is_dir():
            observer.schedule(watcher, str(path), recursive=True)
    observer.schedule(watcher, str(project.root), recursive=False)  # mkdocs.yml
    observer.start()
    threading.Thread(target=watcher.loop, daemon=True).start()
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
