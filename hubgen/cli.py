"""The command line: parse arguments, call the library, print problems, set the exit status."""

from __future__ import annotations

import sys
from pathlib import Path

import click

from hubgen.errors import HubError

VARIANT_CHOICE = click.Choice(["public", "affiliates", "all"])
ENGINE_OPTION = click.option(
    "--engine", type=click.Choice(["properdocs", "mkdocs", "zensical"]), default=None,  # engine.ENGINES
    help="The engine that builds the site (default: HUBGEN_ENGINE, else properdocs).")


def _variants(name: str) -> tuple:
    return ("public", "affiliates") if name == "all" else (name,)


def _fail(error: HubError) -> None:
    for line in error.lines():
        click.echo(line, err=True)
    count = sum(not p.is_warning for p in error.problems)
    warned = len(error.problems) - count
    also = f" and {warned} warning{'s' if warned != 1 else ''}" if warned else ""
    click.echo(f"{count} problem{'s' if count != 1 else ''}{also} found.", err=True)
    sys.exit(1)


@click.group(context_settings={"help_option_names": ["-h", "--help"]})
@click.option("--project", "project_dir", type=click.Path(file_okay=False, path_type=Path),
              default=".", show_default=True, help="The hub's root folder.")
@click.version_option(package_name="hubgen")
@click.pass_context
def main(ctx: click.Context, project_dir: Path) -> None:
    """Build the knowledge hub's public and affiliate sites from content/."""
    from hubgen.project import Project

    ctx.obj = Project.at(project_dir)


@main.command()
@click.option("--format", "output", type=click.Choice(["text", "github"]), default="text",
              show_default=True, help="github: GitHub Actions annotations on the changed lines.")
@click.option("--strict", is_flag=True, help="Count warnings as problems (exit 1 if there is any).")
@click.pass_obj
def check(project, output: str, strict: bool) -> None:
    """Validate every content file; print each problem as path:line:column.

    Warnings (likely surprises, such as a record without `audience`) are printed too, but
    leave the exit status 0 unless --strict is given."""
    from hubgen.errors import github_annotation
    from hubgen.validate import check_content

    checked = check_content(project, keep=False)
    warnings = checked.warnings
    problems = checked.problems + (warnings if strict else [])
    if output == "github":
        for problem in sorted(checked.problems + warnings):
            click.echo(github_annotation(problem))
    if problems:
        if not strict:
            problems += warnings
        _fail(HubError(problems))
    for warning in warnings:
        click.echo(str(warning), err=True)
    hub = checked.hub
    noted = f" ({len(warnings)} warning{'s' if len(warnings) != 1 else ''} above)" if warnings else ""
    click.echo(f"All good: {len(hub.records)} records and {len(hub.themes)} themes checked{noted}.")


@main.command()
@click.option("--variant", type=VARIANT_CHOICE, default="all", show_default=True)
@ENGINE_OPTION
@click.option("--timings", type=click.Path(dir_okay=False, path_type=Path), default=None,
              help="Write the seconds spent in each stage to this JSON file (the benchmark does).")
@click.pass_obj
def build(project, variant: str, engine: str | None, timings: Path | None) -> None:
    """Generate build/<variant>/ and build it with the engine into site/<variant>/."""
    import json
    import time

    from hubgen.build import Timings
    from hubgen.build import build as run_build

    spent = Timings()
    started = time.perf_counter()
    try:
        for line in run_build(project, _variants(variant), spent, engine=engine):
            click.echo(line)
    except HubError as error:
        _fail(error)
    if timings:
        spent.stages["total"] = time.perf_counter() - started
        timings.write_text(json.dumps(spent.stages, indent=2, sort_keys=True) + "\n")


@main.command()
@click.argument("site", type=click.Path(exists=True, file_okay=False, path_type=Path),
                default=Path("site/public"))
@click.pass_obj
def scan(project, site: Path) -> None:
    """Check a built public site for affiliate-only material."""
    from hubgen.build import scan_built

    try:
        leaks = scan_built(project, site.resolve())
    except HubError as error:
        _fail(error)
    if leaks:
        _fail(HubError(leaks))
    click.echo(f"No affiliate-only material found in {site}.")


@main.command()
@click.argument("sites", nargs=-1, required=True,
                type=click.Path(exists=True, file_okay=False, path_type=Path))
def links(sites: tuple[Path, ...]) -> None:
    """Check built sites' links: internal links must resolve (exit 1 if not); a missing anchor
    is a warning, as in the build (the link opens its page at the top); external links are
    listed, not fetched."""
    from hubgen.links import check_links

    broken = []
    for site in sites:
        report = check_links(site, site.as_posix().rstrip("/"))
        for url in report.external:
            click.echo(f"external link (not checked): {url}")
        broken += report.broken
        anchors = sum(p.is_warning for p in report.broken)
        click.echo(f"{site}: {len(report.broken) - anchors} broken internal link(s), {anchors} missing "
                   f"anchor(s), {len(report.external)} external link(s)")
    if any(not p.is_warning for p in broken):
        _fail(HubError(broken))
    for problem in broken:
        click.echo(str(problem), err=True)


@main.command()
@click.argument("type_name", metavar="TYPE")
@click.argument("title")
@click.argument("takeaway_titles", nargs=-1, metavar="[TAKEAWAY_TITLE]...")
@click.option("--takeaways", is_flag=True,
              help='With `new event`: also create a takeaway file for each title that follows, '
                   'e.g. --takeaways "Disclosures" "Internal influencing".')
@click.option("--starts", metavar="YYYY-MM-DD",
              help="With `new event` (required there): its first day; the file name starts with "
                   "its year and month.")
@click.option("--event", metavar="EVENT_ID",
              help="With `new takeaway`: the event's id (its file name without .yml); the file "
                   "name starts with it.")
@click.pass_obj
def new(project, type_name: str, title: str, takeaway_titles: tuple[str, ...], takeaways: bool,
        starts: str | None, event: str | None) -> None:
    """Start a record: content/<type>/<id>.yml with the id made from TITLE.

    TYPE is tool, webinar, clause, event or takeaway. An event's id starts with its year and
    month (--starts), its takeaways' with the event's id, e.g.
    hubgen new event "Example Exchange" --starts 2025-05-20 --takeaways "Disclosures"
    writes content/events/2025-05-example-exchange.yml and
    content/takeaways/2025-05-example-exchange-disclosures.yml.
    """
    from hubgen.scaffold import new_records

    if takeaway_titles and not takeaways:
        raise click.UsageError(f"unexpected extra argument {takeaway_titles[0]!r}; "
                               "takeaway titles follow --takeaways")
    try:
        for path in new_records(project, type_name, title, takeaway_titles, starts=starts, event=event):
            click.echo(f"wrote {project.shown(path)}")
    except HubError as error:
        _fail(error)


@main.command()
@click.option("--out", type=click.Path(file_okay=False, path_type=Path), default=None,
              help="Folder to write into (default: schemas/ in the hub's root).")
@click.pass_obj
def schema(project, out: Path | None) -> None:
    """Write the JSON Schemas of hub.yml, themes.yml and every record type."""
    from hubgen.schema import write_schemas

    folder = out or project.root / "schemas"
    for name in write_schemas(folder):
        click.echo(f"wrote {project.shown(folder / name)}")


@main.command()
@click.pass_obj
def cms(project) -> None:
    """Write cms/config.yml, the web editor's configuration, from the content model."""
    from hubgen.cms import write_cms
    from hubgen.validate import load_settings

    try:
        click.echo(f"wrote {project.shown(write_cms(project, load_settings(project)))}")
    except HubError as error:
        _fail(error)


@main.command()
@click.option("--port", type=int, default=8300, show_default=True, help="The editor's page.")
@click.option("--backend-port", type=int, default=8081, show_default=True, help="decap-server.")
@click.option("--git", "mode", flag_value="git", default=False,
              help="Save each entry on a branch of its own (cms/<type>/<id>), as on GitHub, "
                   "rather than straight into content/.")
@click.pass_obj
def edit(project, port: int, backend_port: int, mode: str | bool) -> None:
    """The web editor on http://127.0.0.1:8300, saving into this checkout (decap-server)."""
    from hubgen.editor import serve_editor

    try:
        serve_editor(project, port, backend_port, "git" if mode == "git" else "fs", echo=click.echo)
    except HubError as error:
        _fail(error)


@main.command()
@click.pass_obj
def netlify(project) -> None:
    """Netlify's build command: the site HUBGEN_VARIANT names, into site/netlify/."""
    from hubgen.netlify import netlify_build

    try:
        click.echo(netlify_build(project))
    except HubError as error:
        _fail(error)


@main.command()
@click.argument("site", type=click.Path(exists=True, file_okay=False, path_type=Path))
@click.option("--nginx", is_flag=True, required=True, help="Print nginx add_header lines.")
@click.option("--path", "prefix", default="/", show_default=True,
              help="The headers of the files under this path, e.g. /admin/ (the web editor).")
def headers(site: Path, nginx: bool, prefix: str) -> None:
    """Print a built site's security headers (from its _headers) for nginx."""
    from hubgen.headers import headers_for, nginx_snippet, parse_headers_file

    if not (site / "_headers").is_file():
        _fail(HubError(f"{site}/_headers does not exist: `hubgen headers` reads the headers a build "
                       "wrote; build the site first (`hubgen build`) and give its folder, "
                       "e.g. site/affiliates"))
    rules = parse_headers_file((site / "_headers").read_text(encoding="utf-8"))
    click.echo(nginx_snippet(headers_for(rules, prefix)), nl=False)


@main.command()
@click.option("--variant", type=click.Choice(["public", "affiliates"]), default="affiliates",
              show_default=True)
@click.option("--port", type=int, default=8000, show_default=True)
@ENGINE_OPTION
@click.pass_obj
def serve(project, variant: str, port: int, engine: str | None) -> None:
    """Live preview of one variant on 127.0.0.1, rebuilt when content, templates or mkdocs.yml change."""
    from hubgen.serve import serve as run_serve

    try:
        run_serve(project, variant, port, engine=engine)
    except HubError as error:
        _fail(error)
