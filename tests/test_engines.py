"""Every engine builds the same hub: ProperDocs (the default), MkDocs and Zensical.

The tiny hub is built once per engine (a session fixture); the sites must agree on every
page's article text, keep every canary off the public site, carry the banner on every
affiliate page, and fail with a clear `path: message` on a broken link. The search index and
sitemap are found through the adapter, never by Material's file names.
"""

from __future__ import annotations

import os
import subprocess
import sys
from html.parser import HTMLParser
from pathlib import Path

import pytest

from hubgen import engine as adapter
from hubgen.build import build
from hubgen.engine import ENGINES, engine_named
from hubgen.errors import HubError
from hubgen.headers import content_security_policy, parse_headers_file
from hubgen.project import Project
from tests.browser import chromium, serve_dir
from tests.conftest import EPOCH, FIXTURES, make_hub, run_hubgen
from tests.search import index_pages, type_query
from tests.test_browser import PAGE_TYPES, VIOLATIONS
from tests.test_build import BANNER, tree_digest
from tests.test_leaks import CANARIES, PUBLIC_MARKERS, readable

NAMES = list(ENGINES)


_BUILT: dict[str, Project] = {}


def _built_by(name: str, request: pytest.FixtureRequest, factory: pytest.TempPathFactory) -> Project:
    """The tiny hub built by engine `name`, once a session (the default's is `built_tiny`)."""
    if name == adapter.DEFAULT_ENGINE:
        return request.getfixturevalue("built_tiny")
    if name not in _BUILT:
        os.environ["SOURCE_DATE_EPOCH"] = EPOCH
        project = make_hub(factory.mktemp(f"tiny-{name}"), FIXTURES / "tiny" / "content")
        build(project, ("public", "affiliates"), engine=name)
        _BUILT[name] = project
    return _BUILT[name]


@pytest.fixture(scope="session", params=NAMES)
def by_engine(request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory
              ) -> tuple[str, Project]:
    """(engine, the tiny hub it built), for each engine."""
    return request.param, _built_by(request.param, request, tmp_path_factory)


@pytest.fixture
def by_engine_name(request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory,
                   name: str) -> Project:
    """The tiny hub built by the engine the test's `name` parameter says."""
    return _built_by(name, request, tmp_path_factory)


class _Article(HTMLParser):
    """The text of a page's <article> (what the reader came for), without the chrome."""

    VOID = {"br", "img", "hr", "input", "meta", "link", "wbr", "source"}

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.depth, self.parts = 0, []

    def handle_starttag(self, tag: str, attrs: list) -> None:
        if self.depth and tag not in self.VOID:
            self.depth += 1
        elif not self.depth and tag == "article":
            self.depth = 1

    def handle_endtag(self, tag: str) -> None:
        if self.depth and tag not in self.VOID:
            self.depth -= 1

    def handle_data(self, data: str) -> None:
        if self.depth:
            self.parts.append(data)


def articles(site: Path) -> dict[str, str]:
    found = {}
    for page in sorted(site.rglob("*.html")):
        if page.relative_to(site).parts[0] == "admin":  # the web editor's page, not the hub's
            continue
        parser = _Article()
        parser.feed(page.read_text(encoding="utf-8"))
        found[page.relative_to(site).as_posix()] = " ".join(" ".join(parser.parts).split())
    return found


def test_every_engine_is_installed_and_properdocs_is_the_default(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv(adapter.ENGINE_VAR, raising=False)
    assert engine_named().name == "properdocs"
    assert [e.name for e in adapter.installed_engines()] == NAMES  # CI tests every engine
    monkeypatch.setenv(adapter.ENGINE_VAR, "mkdocs")
    assert engine_named().name == "mkdocs"
    assert engine_named("zensical").name == "zensical"  # --engine wins over the variable


def test_the_command_line_offers_every_engine() -> None:
    from hubgen.cli import ENGINE_OPTION

    @ENGINE_OPTION
    def command(engine: str | None) -> None: ...

    [option] = command.__click_params__
    assert list(option.type.choices) == NAMES


def test_an_unknown_engine_is_a_clear_error(tiny: Project) -> None:
    result = run_hubgen("--project", str(tiny.root), "build", "--engine", "hugo")
    assert result.returncode == 2 and "'hugo' is not one of" in result.stderr
    env_result = subprocess.run([sys.executable, "-m", "hubgen", "--project", str(tiny.root), "build"],
                                env={**os.environ, adapter.ENGINE_VAR: "hugo"}, capture_output=True,
                                text=True)
    assert env_result.returncode == 1
    assert env_result.stderr.splitlines()[0] == (
        "HUBGEN_ENGINE: unknown engine `hugo`; choose one of properdocs, mkdocs, zensical")
    assert not (tiny.root / "site").exists()


@pytest.mark.parametrize("variant", ["public", "affiliates"])
def test_article_text_of_every_page_agrees_across_engines(built_tiny: Project, by_engine: tuple[str, Project],
                                                         variant: str) -> None:
    name, project = by_engine
    reference = articles(built_tiny.site_dir(variant))
    assert len(reference) > 15 and all(reference.values())
    assert articles(project.site_dir(variant)) == reference, name


def test_canaries_stay_on_the_affiliate_site(by_engine: tuple[str, Project]) -> None:
    name, project = by_engine
    public = readable(project.site_dir("public"))
    assert "canary" not in public.lower(), name
    assert [m for m in PUBLIC_MARKERS if m not in public] == [], name
    affiliates = readable(project.site_dir("affiliates"))
    assert [c for c in CANARIES if c not in affiliates] == [], name


def test_banner_on_every_affiliate_page_and_no_public_page(by_engine: tuple[str, Project]) -> None:
    name, project = by_engine
    for variant, expected in (("affiliates", True), ("public", False)):
        site = project.site_dir(variant)
        pages = sorted(p for p in site.rglob("*.html") if p.relative_to(site).parts[0] != "admin")
        assert len(pages) > 15
        assert {p.name: BANNER in p.read_text() for p in pages} == dict.fromkeys(
            (p.name for p in pages), expected), (name, variant)


def test_search_index_and_sitemap_found_through_the_adapter(by_engine: tuple[str, Project]) -> None:
    # the hub's own search index is the same whatever the engine; the sitemap and the engine's
    # own index (if it makes one) are where the adapter says
    name, project = by_engine
    engine = ENGINES[name]
    for variant in ("public", "affiliates"):
        site = project.site_dir(variant)
        urls = {page["url"] for page in index_pages(site)}
        assert {"/tools/qa-tool/", "/clauses/disclosure-clause/"} <= urls, name
        assert ("/tools/secret-tool/" in urls) == (variant == "affiliates"), name
        sitemap = (site / engine.sitemap).read_text()
        assert "/tools/qa-tool/</loc>" in sitemap, name
        assert ("tools/secret-tool/" in sitemap) == (variant == "affiliates"), name
        if engine.search_index:
            own = (site / engine.search_index).read_text()
            assert "clauses/disclosure-clause/" in own and ("secret-tool" in own) == (variant == "affiliates")
    assert [e.name for e in ENGINES.values() if e.search_index] == ["zensical"]


def test_sites_hold_headers_and_no_engine_leftovers(by_engine: tuple[str, Project]) -> None:
    # the CSP is computed from each engine's own pages; Zensical's cache and site stay out of
    # the published folder, and no staging folder is left anywhere
    name, project = by_engine
    for variant in ("public", "affiliates"):
        site = project.site_dir(variant)
        rule = dict(parse_headers_file((site / "_headers").read_text())["/*"])
        assert rule["Content-Security-Policy"] == content_security_policy(site), name
        assert "'sha256-" in rule["Content-Security-Policy"], name
        assert not [p for p in site.rglob("*") if p.name.startswith(".")], name
    assert not [p for p in (project.root / "site").iterdir() if p.name.startswith(".")]
    for variant in ("public", "affiliates"):
        assert not [p for p in project.build_dir(variant).iterdir() if ".new-" in p.name]


@pytest.mark.parametrize("name", NAMES)
def test_a_broken_internal_link_fails_each_engine_with_the_page_and_link(tiny: Project, name: str) -> None:
    listing = tiny.templates / "pages/listing.md.j2"
    listing.write_text(listing.read_text() + "\n{{ MARKDOWN }}\n[broken](missing-page.md)\n")
    with pytest.raises(HubError) as failure:
        build(tiny, ("public",), engine=name)
    lines = failure.value.lines()
    assert lines and all(line.startswith("build/public/docs/") for line in lines), lines
    assert any(f": {name}: " in line and "missing-page.md" in line for line in lines), lines
    assert "Traceback" not in str(failure.value) and "Aborted" not in str(failure.value)
    assert not (tiny.root / "site/public").exists()
    assert not [p for p in (tiny.root / "site").iterdir() if p.name.startswith(".")]


def test_zensical_keeps_its_cache_across_builds_and_out_of_the_site(tiny: Project) -> None:
    build(tiny, ("public",), engine="zensical")
    cache = tiny.build_dir("public") / ".cache"
    assert cache.is_dir() and any(cache.iterdir())
    first = tree_digest(tiny.site_dir("public"))
    build(tiny, ("public",), engine="zensical")  # prune_tree leaves the cache alone
    assert cache.is_dir() and any(cache.iterdir())
    assert tree_digest(tiny.site_dir("public")) == first  # and the warm build is the same site
    assert not (tiny.site_dir("public") / ".cache").exists()


def test_an_engine_past_its_time_limit_is_stopped_naming_the_record(tmp_path: Path) -> None:
    # a page that makes Python-Markdown explode (the check caps such bodies; the limit is the
    # last line of defence): the engine is stopped and the message names the record
    project = Project.at(tmp_path)
    (project.content / "tools").mkdir(parents=True)
    (project.content / "tools/slow.yml").write_text("title: Slow\n")
    generated = project.build_dir("public")
    (generated / "docs/tools").mkdir(parents=True)
    (generated / "mkdocs.yml").write_text("site_name: Slow\ntheme:\n  name: material\n")
    (generated / "docs/index.md").write_text("# Home\n")
    (generated / "docs/tools/slow.md").write_text("[" * 30000 + "\n")
    run = adapter.start(engine_named("properdocs"), generated / "mkdocs.yml",
                        project.site_dir("public").parent, "public", 0, limit=20)
    try:
        with pytest.raises(HubError) as failure:
            run.finish(project.shown(generated), project.source_of)
    finally:
        run.stop()
    [line] = failure.value.lines()
    assert line == ("content/tools/slow.yml: properdocs did not finish within 20 seconds and was stopped "
                    "(HUBGEN_ENGINE_TIMEOUT sets the limit) while building this record's page "
                    "(build/public/docs/tools/slow.md); shorten or simplify its text (long runs of "
                    "brackets or unclosed tags make the Markdown parser very slow)")
    assert run.process.returncode is not None  # ended, not left running
    assert not [p for p in (tmp_path / "site").iterdir() if p.name.startswith(".")]


def test_the_time_limit_is_checked(tiny: Project) -> None:
    result = subprocess.run([sys.executable, "-m", "hubgen", "--project", str(tiny.root), "build"],
                            env={**os.environ, adapter.TIMEOUT_VAR: "soon"}, capture_output=True, text=True)
    assert result.returncode == 1
    assert result.stderr.splitlines()[0] == (
        "HUBGEN_ENGINE_TIMEOUT must be a number of seconds above 0, not `soon`")


def test_staging_folders_of_an_interrupted_build_are_removed_at_the_next_start(tiny: Project) -> None:
    dead = subprocess.Popen(["true"])  # a process id that no longer runs
    dead.wait()
    site_root = tiny.root / "site"
    stale = [site_root / f".public.new-{dead.pid}-abc",
             tiny.build_dir("public") / f".public.new-{dead.pid}-x"]
    stale.append(site_root / ".public.new-k2x9_qa7")  # an older hubgen's name, with no process id
    live = site_root / ".affiliates.new-1-abc"  # process 1 runs: another build's, kept
    for folder in [*stale, live]:
        (folder / "assets").mkdir(parents=True)
        (folder / "assets/page.html").write_text("half written")
    build(tiny, ("public",))
    assert [f for f in stale if f.exists()] == []
    assert live.exists()


def test_a_killed_build_leaves_nothing_the_next_build_keeps(tiny: Project) -> None:
    process = subprocess.Popen([sys.executable, "-m", "hubgen", "--project", str(tiny.root), "build"],
                               stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    staging = tiny.root / "site"
    try:
        for _ in range(600):  # until an engine has made its staging folder
            if staging.is_dir() and any(p.name.startswith(".") for p in staging.iterdir()):
                break
            subprocess.run(["sleep", "0.05"])
        process.kill()  # its engines end with it
    finally:
        process.wait()
    assert [p for p in staging.iterdir() if p.name.startswith(".")]  # interrupted: left behind
    build(tiny, ("public", "affiliates"))
    assert [p.name for p in staging.iterdir() if p.name.startswith(".")] == []


@pytest.mark.parametrize("name", [n for n in NAMES if n != adapter.DEFAULT_ENGINE])
def test_pages_and_search_work_under_the_csp_with_each_engine(by_engine_name: Project, name: str) -> None:
    # the default engine's site is checked page by page in tests/test_browser.py
    project = by_engine_name
    with serve_dir(project.site_dir("affiliates"), with_headers=True) as base, chromium() as browser:
        context = browser.new_context()
        context.add_init_script(VIOLATIONS)
        page = context.new_page()
        requests: list[str] = []
        page.on("request", lambda r: requests.append(r.url))
        for path in PAGE_TYPES:
            page.goto(base + path)
            assert page.locator("h1").first.is_visible(), path
            assert page.locator(".hub-affiliates-banner").is_visible(), path
            assert page.evaluate("window.__violations") == [], (name, path)
        assert "Disclosure updates" in type_query(page, "disclosure")  # the hub's search
        assert page.evaluate("window.__violations") == [], name
        context.close()
    assert [u for u in requests if not u.startswith(base) and not u.startswith("data:")] == []
