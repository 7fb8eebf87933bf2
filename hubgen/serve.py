"""Live preview: regenerate the variant's project when sources change; MkDocs' server reloads it."""

from __future__ import annotations

import threading
import time

import click

from hubgen.build import generate, today
from hubgen.config import load_base
from hubgen.errors import HubError
from hubgen.project import Project, Variant
from hubgen.select import select
from hubgen.validate import check_project
from hubgen.write import write_tree

DEBOUNCE = 0.05


def regenerate(project: Project, variant: Variant) -> list[str]:
    """Write the variant's generated project; returns the files that changed.

    Only changed files are written, so the engine's own watcher rebuilds just what moved.
    """
    hub, problems = check_project(project)
    if problems:
        raise HubError(problems)
    files = generate(project, select(hub, variant), variant, load_base(project), today())
    return write_tree(project.build_dir(variant), files)


class _Watcher:
    """Regenerates (debounced) whenever content/, templates/ or mkdocs.yml change."""

    def __init__(self, project: Project, variant: Variant):
        self.project, self.variant = project, variant
        self.pending = threading.Event()

    def dispatch(self, event: object) -> None:
        path = str(getattr(event, "src_path", ""))
        if "/." not in path and not path.endswith("~"):
            self.pending.set()

    def loop(self) -> None:
        while True:
            self.pending.wait()
            time.sleep(DEBOUNCE)
            self.pending.clear()
            try:
                changed = regenerate(self.project, self.variant)
                if changed:
                    click.echo(f"hubgen: regenerated {len(changed)} file(s)", err=True)
            except HubError as error:
                for line in error.lines():
                    click.echo(line, err=True)
                click.echo("hubgen: preview keeps the last good version until this is fixed", err=True)


def serve(project: Project, variant: Variant, port: int) -> None:
    from mkdocs.commands.serve import serve as mkdocs_serve
    from watchdog.observers import Observer

    regenerate(project, variant)
    watcher = _Watcher(project, variant)
    observer = Observer()
    for path in (project.content, project.templates):
        if path.is_dir():
            observer.schedule(watcher, str(path), recursive=True)
    observer.schedule(watcher, str(project.root), recursive=False)  # mkdocs.yml
    observer.start()
    threading.Thread(target=watcher.loop, daemon=True).start()
    try:
        mkdocs_serve(config_file=str(project.build_dir(variant) / "mkdocs.yml"), livereload=True,
                     build_type="dirty", watch_theme=True, dev_addr=f"127.0.0.1:{port}")
    finally:
        observer.stop()
        observer.join()


