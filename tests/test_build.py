"""Real builds with the real engine: page types, the audience split, determinism, atomicity."""

from __future__ import annotations

import hashlib
import multiprocessing
import os
import shutil
from functools import partial
from pathlib import Path

import pytest

import hubgen.choreography
import hubgen.headers
from hubgen.build import build
from hubgen.child import forked, side_by_side
from hubgen.choreography import Shares, Timings
from hubgen.config import parse_generated
from hubgen.errors import HubError
from hubgen.headers import (
    content_security_policy,
    page_scripts,
    parse_headers_file,
    script_hashes,
    theme_written,
    write_site_headers,
)
from hubgen.project import Project
from tests.conftest import ENGINE, run_hubgen, write
from tests.search import index_pages

BANNER = "Affiliates only - do not share."


def tree_digest(root: Path) -> dict[str, str]:
    return {p.relative_to(root).as_posix(): hashlib.sha256(p.read_bytes()).hexdigest()
            for p in sorted(root.rglob("*")) if p.is_file()}


def all_text(root: Path) -> str:
    return "\n".join(p.read_bytes().decode("utf-8", "replace") + "\n" + p.relative_to(root).as_posix()
                     for p in sorted(root.rglob("*")) if p.is_file())


def html_pages(root: Path) -> list[Path]:
    return sorted(root.rglob("*.html"))


# The shipped hub -------------------------------------------------------------------------------

SHIPPED_PAGES = [
    "index.html", "404.html", "themes/index.html", "themes/disclosures/index.html",
    "tools/index.html", "webinars/index.html", "clauses/index.html", "events/index.html",
    "takeaways/index.html", "events/2022-11-affiliate-exchange-barcelona/index.html",
    "takeaways/disclosures/index.html", "takeaways/supplier-engagement-strategies/index.html",
    "tools/supplier-engagement-qa/index.html", "tools/ecovadis/index.html", "tools/epeat/index.html",
    "tools/tco-certified/index.html", "tools/emissions-calculators/index.html",
    "tools/worker-driven-monitoring-methodology/index.html",
    "tools/remote-monitoring-methodology/index.html", "clauses/disclosure-updates/index.html",
    "webinars/ddpp-webinar-2/index.html", "search/index.html", "pagefind/pagefind.js", ENGINE.sitemap,
]


@pytest.mark.parametrize("variant", ["public", "affiliates"])
def test_shipped_hub_has_every_page_type(built_shipped: Project, variant: str) -> None:
    site = built_shipped.site_dir(variant)
    missing = [page for page in SHIPPED_PAGES if not (site / page).is_file()]
    assert missing == []


@pytest.mark.parametrize("variant", ["public", "affiliates"])
def test_shipped_event_page_has_every_session_and_takeaway(built_shipped: Project, variant: str) -> None:
    html = (built_shipped.site_dir(variant) / "events/2022-11-affiliate-exchange-barcelona/index.html"
            ).read_text()
    for session in ["Celebrating achievements", "Monitoring for change", "Low Emission Vehicles",
                    "Innovation Programme", "Knowledge Exchange Hubs", "Closing"]:
        assert session in html
    for takeaway in ["responding-to-external-crises", "internal-influencing", "disclosures",
                     "responsible-procurement-tools-and-methodologies", "supplier-engagement-strategies",
                     "monitoring-for-change"]:
        assert f'href="../../takeaways/{takeaway}/"' in html
    assert "17 to 18 November 2022" in html


def test_shipped_webinars_series_has_six_undated(built_shipped: Project) -> None:
    listing = (built_shipped.site_dir("public") / "webinars/index.html").read_text()
    assert "6 webinars on this site." in listing
    page = (built_shipped.site_dir("public") / "webinars/ddpp-webinar-2/index.html").read_text()
    assert "Date not published" in page
    assert "Delivering Due Diligence in Public Procurement" in page


def test_shipped_clauses_say_they_are_drafted(built_shipped: Project) -> None:
    hub_content = built_shipped.content / "clauses"
    for path in hub_content.glob("*.yml"):
        assert "drafted from the" in path.read_text().lower(), path.name


def test_shipped_public_site_has_its_own_name(built_shipped: Project) -> None:
    public = all_text(built_shipped.site_dir("public"))
    assert "Affiliate Knowledge Hub" not in public
    assert "<title>Electronics Watch Knowledge Hub</title>" in (
        built_shipped.site_dir("public") / "index.html").read_text()
    assert "Affiliate Knowledge Hub" in (built_shipped.site_dir("affiliates") / "index.html").read_text()


def test_shipped_event_page_says_the_summary_is_redacted(built_shipped: Project) -> None:
    page = (built_shipped.site_dir("public") / "events/2022-11-affiliate-exchange-barcelona/index.html"
            ).read_text()
    assert "public summary, which is redacted" in page
    assert "only accessible on the affiliate intranet" in page


def test_shipped_clause_stage_reads_pre_tender(built_shipped: Project) -> None:
    page = (built_shipped.site_dir("public") / "clauses/social-award-criteria-weight/index.html").read_text()
    assert "Pre-tender" in page and "Pre tender" not in page


def test_shipped_affiliate_only_record_only_on_affiliate_site(built_shipped: Project) -> None:
    assert (built_shipped.site_dir("affiliates") / "tools/affiliate-update/index.html").is_file()
    assert not (built_shipped.site_dir("public") / "tools/affiliate-update").exists()
    public = all_text(built_shipped.site_dir("public"))
    assert "intranet.example.org" not in public
    assert "affiliate-update" not in public


@pytest.mark.parametrize("variant", ["public", "affiliates"])
def test_banner_on_every_affiliate_page_and_no_public_page(built_shipped: Project, variant: str) -> None:
    pages = html_pages(built_shipped.site_dir(variant))
    assert len(pages) > 40
    with_banner = [p for p in pages if BANNER in p.read_text()]
    assert len(with_banner) == (len(pages) if variant == "affiliates" else 0)


def test_related_is_shown_both_ways(built_shipped: Project) -> None:
    site = built_shipped.site_dir("public")
    takeaway = (built_shipped.content / "takeaways/disclosures.yml").read_text()
    assert "clauses/disclosure-updates" in takeaway  # named on the takeaway's side only
    clause = (site / "clauses/disclosure-updates/index.html").read_text()
    assert 'href="../../takeaways/disclosures/"' in clause


def test_nav_lists_sections_not_records(built_shipped: Project) -> None:
    config = parse_generated(built_shipped.build_dir("affiliates") / "mkdocs.yml")
    assert [next(iter(item.values())) for item in config["nav"]] == [
        "index.md", "records/index.md", "themes/index.md", "tools/index.md", "webinars/index.md",
        "clauses/index.md", "events/index.md", "takeaways/index.md"]
    page = (built_shipped.site_dir("affiliates") / "tools/ecovadis/index.html").read_text()
    nav = page[page.index('md-nav--primary'):page.index('md-content')]
    assert "tools/epeat/" not in nav and "supplier-engagement-qa" not in nav


@pytest.mark.parametrize("variant", ["public", "affiliates"])
def test_search_index_holds_only_the_variants_pages(built_shipped: Project, variant: str) -> None:
    urls = {page["url"] for page in index_pages(built_shipped.site_dir(variant))}
    assert "/tools/ecovadis/" in urls
    assert ("/tools/affiliate-update/" in urls) == (variant == "affiliates")


def test_generated_public_project_has_no_affiliate_only_file_or_id(built_shipped: Project) -> None:
    generated = all_text(built_shipped.build_dir("public"))
    assert "affiliate-update" not in generated
    assert "intranet.example.org" not in generated
    assert "Affiliate note" not in generated


# Determinism and atomicity ------------------------------------------------------------------------

def test_two_builds_are_byte_identical(tiny: Project, tmp_path: Path) -> None:
    build(tiny, ("public", "affiliates"))
    first = {v: tree_digest(tiny.site_dir(v)) for v in ("public", "affiliates")}
    shutil.rmtree(tiny.root / "build")
    shutil.rmtree(tiny.root / "site")
    build(tiny, ("public", "affiliates"))
    assert {v: tree_digest(tiny.site_dir(v)) for v in ("public", "affiliates")} == first


def test_build_without_source_date_epoch_is_still_reproducible(tiny: Project,
                                                              monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("SOURCE_DATE_EPOCH")
    build(tiny, ("public",))
    first = tree_digest(tiny.site_dir("public"))
    build(tiny, ("public",))
    assert tree_digest(tiny.site_dir("public")) == first
    assert "<lastmod>2022-11-18</lastmod>" in (tiny.site_dir("public") / ENGINE.sitemap).read_text()


def test_invalid_content_leaves_previous_site_untouched(tiny: Project) -> None:
    build(tiny, ("public", "affiliates"))
    before = {v: tree_digest(tiny.site_dir(v)) for v in ("public", "affiliates")}
    write(tiny, "tools/qa-tool.yml", "title: [broken\n")
    with pytest.raises(HubError):
        build(tiny, ("public", "affiliates"))
    assert {v: tree_digest(tiny.site_dir(v)) for v in ("public", "affiliates")} == before


def test_engine_failure_leaves_previous_site_untouched(tiny: Project) -> None:
    build(tiny, ("public", "affiliates"))
    before = tree_digest(tiny.site_dir("affiliates"))
    listing = tiny.templates / "pages/listing.md.j2"
    # a Markdown link (after the mark that ends the listing's HTML), which only the engine checks
    listing.write_text(listing.read_text() + "\n{{ MARKDOWN }}\n[broken](missing-page.md)\n")
    with pytest.raises(HubError) as failure:
        build(tiny, ("public", "affiliates"))
    assert "missing-page.md" in str(failure.value)
    assert tree_digest(tiny.site_dir("affiliates")) == before
    assert not [p for p in (tiny.root / "site").iterdir() if p.name.startswith(".")]


def test_template_error_is_reported_from_the_render_process(tiny: Project) -> None:
    # pages are rendered in a child process; its error reaches the editor as if it had not been
    build(tiny, ("public", "affiliates"))
    before = tree_digest(tiny.site_dir("affiliates"))
    tools = tiny.templates / "pages/tools.md.j2"
    lines = tools.read_text().splitlines()
    at = lines.index("{% block main %}") + 1
    tools.write_text("\n".join([*lines[:at], "{{ record.no_such_field }}", *lines[at:]]) + "\n")
    with pytest.raises(HubError) as failure:
        build(tiny, ("public", "affiliates"))
    [line] = failure.value.lines()
    assert line.startswith(f"templates/pages/tools.md.j2:{at + 1}:1: "
                           "template error while rendering tools/"), line
    assert "no_such_field" in line
    assert tree_digest(tiny.site_dir("affiliates")) == before


@pytest.mark.parametrize("name", ["tools.md.j2", "_macros.md.j2"])
def test_template_syntax_error_names_file_and_line_before_anything_is_written(
        tiny: Project, name: str) -> None:
    # every template is compiled before rendering starts, a page's partial as much as its own
    build(tiny, ("public", "affiliates"))
    before = {v: tree_digest(tiny.build_dir(v)) for v in ("public", "affiliates")}
    template = tiny.templates / "pages" / name
    lines = template.read_text().splitlines()
    template.write_text("\n".join([*lines[:3], "{% if record.title %}unclosed", *lines[3:]]) + "\n")
    result = run_hubgen("--project", str(tiny.root), "build")
    assert result.returncode == 1
    assert result.stderr.startswith(f"templates/pages/{name}:"), result.stderr
    assert "template syntax error: " in result.stderr and "'if'" in result.stderr
    assert "Traceback" not in result.stderr
    assert {v: tree_digest(tiny.build_dir(v)) for v in ("public", "affiliates")} == before


def test_rendering_in_parts_makes_the_same_project(tiny: Project, tmp_path: Path,
                                                   monkeypatch: pytest.MonkeyPatch) -> None:
    build(tiny, ("public", "affiliates"))
    whole = {v: tree_digest(tiny.build_dir(v)) for v in ("public", "affiliates")}
    stale = tiny.build_dir("affiliates") / "docs/tools/removed-record.md"
    stale.write_text("left from an earlier build")
    monkeypatch.setattr(hubgen.choreography, "SPLIT_FROM", 0)
    monkeypatch.setattr(hubgen.choreography, "RENDER_CHILDREN", 3)
    monkeypatch.setattr(hubgen.choreography, "PIECE_PAGES", 2)
    build(tiny, ("public", "affiliates"))
    assert {v: tree_digest(tiny.build_dir(v)) for v in ("public", "affiliates")} == whole
    assert not stale.exists()


def test_shares_give_each_piece_once_own_list_first_then_the_others_from_the_back() -> None:
    shares = Shares([3, 2])
    taken = [shares.take(1), shares.take(1), shares.take(1), shares.take(0)]
    assert taken == [(1, 0), (1, 1), (0, 2), (0, 0)]
    assert [shares.take(1), shares.take(0), shares.take(0)] == [(0, 1), None, None]
    # children forked after the shares were made take from the same counters
    shares = Shares([50, 50])
    taken, _ = side_by_side([partial(_take_all, shares, mine) for mine in (0, 1, 0)])
    assert sorted(p for pieces in taken for p in pieces) == [(k, i) for k in (0, 1) for i in range(50)]


def test_shares_give_up_rather_than_hang_on_a_lock_a_dead_child_kept(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(hubgen.choreography, "LOCK_WAIT", 0.05)
    shares = Shares([3])
    child = multiprocessing.get_context("fork").Process(target=_die_holding_the_lock, args=(shares,))
    child.start()
    child.join()
    with pytest.raises(RuntimeError, match="died while handing out work"):
        shares.take(0)


def _die_holding_the_lock(shares: Shares) -> None:
    shares._ends.get_lock().acquire()
    os._exit(0)


def _take_all(shares: Shares, mine: int) -> list[tuple[int, int]]:
    taken = []
    while (piece := shares.take(mine)) is not None:
        taken.append(piece)
    return taken


def test_a_crash_in_a_child_process_is_not_silent() -> None:
    def broken() -> None:
        raise KeyError("boom")

    with pytest.raises(RuntimeError, match="KeyError: 'boom'"):
        forked(broken)
    assert forked(lambda: 6 * 7) == 42


def test_leaking_template_fails_the_build_naming_file_and_record(tiny: Project) -> None:
    build(tiny, ("public",))
    before = tree_digest(tiny.site_dir("public"))
    main_html = tiny.templates / "overrides/main.html"
    main_html.write_text(main_html.read_text().replace(
        "{% block announce %}", "{% block announce %}<!-- Canary record title charlie -->"))
    with pytest.raises(HubError) as failure:
        build(tiny, ("public",))
    lines = failure.value.lines()
    assert any(line.startswith("site/public/index.html: holds affiliate-only material from "
                               "content/tools/secret-tool.yml: title") for line in lines), lines
    assert tree_digest(tiny.site_dir("public")) == before


def test_a_leak_found_beside_the_affiliate_engine_fails_the_whole_build(tiny: Project) -> None:
    """The public site is scanned in a child process while the affiliate site is finished: its
    leak still fails the build, neither site is replaced, and nothing is left running or half
    written."""
    build(tiny, ("public", "affiliates"))
    before = {v: tree_digest(tiny.site_dir(v)) for v in ("public", "affiliates")}
    main_html = tiny.templates / "overrides/main.html"
    main_html.write_text(main_html.read_text().replace(
        "{% block announce %}", "{% block announce %}<!-- Canary record title charlie -->"))
    timings = Timings()
    with pytest.raises(HubError) as failure:
        build(tiny, ("public", "affiliates"), timings)
    assert any(line.startswith("site/public/index.html: holds affiliate-only material from "
                               "content/tools/secret-tool.yml: title") for line in failure.value.lines())
    assert {v: tree_digest(tiny.site_dir(v)) for v in ("public", "affiliates")} == before
    assert sorted(p.name for p in (tiny.root / "site").iterdir()) == ["affiliates", "public"]
    assert multiprocessing.active_children() == []
    # the affiliate site was finished meanwhile: its engine ended, its index was made
    assert {"engine:affiliates", "index:affiliates"} <= set(timings.stages)


def test_unchanged_generated_files_keep_their_mtime(tiny: Project) -> None:
    build(tiny, ("affiliates",))
    page = tiny.build_dir("affiliates") / "docs/clauses/disclosure-clause.md"
    other = tiny.build_dir("affiliates") / "docs/events/tiny-event.md"
    stamps = (page.stat().st_mtime_ns, other.stat().st_mtime_ns)
    write(tiny, "clauses/disclosure-clause.yml",
          (tiny.content / "clauses/disclosure-clause.yml").read_text().replace(
              "Disclosure updates", "Disclosure updates, revised"))
    build(tiny, ("affiliates",))
    assert page.stat().st_mtime_ns != stamps[0]
    assert other.stat().st_mtime_ns == stamps[1]


def test_stages_side_by_side_share_the_wall_time_by_their_cpu_time() -> None:
    clock = iter([10.0, 16.0]).__next__
    timings = Timings(stages={"render": 1.0}, clock=clock)
    since = timings.clock()
    # two renderers and a gatherer on two cores: 12 CPU seconds in 6 s of wall time
    assert timings.share(since, [{"render": 4.0, "write": 1.0}, {"render": 4.0, "write": 1.0},
                                 {"scan": 2.0}]) == 16.0
    assert timings.stages == {"render": 1.0 + 4.0, "write": 1.0, "scan": 1.0}
    assert sum(timings.stages.values()) == 1.0 + 6.0  # counted once, as the wall time it took


def test_the_public_headers_allow_the_inline_scripts_its_pages_hold(built_tiny: Project) -> None:
    # the build takes them from the pages as the leak scan reads them; `hubgen headers` reads
    # the pages itself: both must allow the same scripts, and only those
    site = built_tiny.site_dir("public")
    rule = dict(parse_headers_file((site / "_headers").read_text())["/*"])
    scripts = page_scripts(site)
    assert scripts and rule["Content-Security-Policy"] == content_security_policy(site)
    assert rule["Content-Security-Policy"].count("'sha256-") == len(scripts)


def test_an_inline_script_the_theme_did_not_write_is_never_allowed(built_tiny: Project,
                                                                   tmp_path: Path) -> None:
    # however it got there (a template writing an editor's text unescaped), a script the
    # theme's templates do not write gets no hash, and writing the headers fails the build
    site = tmp_path / "site"
    shutil.copytree(built_tiny.site_dir("public"), site)
    page = site / "index.html"
    page.write_text(page.read_text().replace("</body>", '<script>alert(1)</script>'
                                             '<script type="application/json">{"a": 1}</script></body>'))
    policy = content_security_policy(site)
    assert script_hashes([b"alert(1)"])[0] not in policy
    assert policy.count("'sha256-") == len(page_scripts(built_tiny.site_dir("public")))
    with pytest.raises(HubError) as failure:
        write_site_headers(site, "public", None, shown="site/public")
    assert failure.value.lines() == [
        "site/public/index.html: holds an inline script no template of the theme writes (`alert(1)`), which "
        "the site's security headers will not allow. If it holds text of a record, a template writes that "
        "text unescaped: report it as a bug of hubgen, with this page. If the hub's own templates add it, "
        "move it into a file under templates/assets/."]


@pytest.mark.parametrize("script, written", [
    (b'var target=document.getElementById(location.hash.slice(1));target&&target.name&&'
     b'(target.checked=target.name.startsWith("__tabbed_"))', True),
    # shaped like Material's, with a {{ }} that is not a path (rereview14 N5)
    (b'window.location.replace(["https://evil.example/login",window.location.search,'
     b'window.location.hash].join(""))', False),
    (b'var el=document.querySelector("[data-md-component=outdated]"),base=new URL("javascript:alert(1)"),'
     b'outdated=__md_get("__outdated",sessionStorage,base);!0===outdated&&el&&(el.hidden=!1)', False),
    (b'var el=document.querySelector("[data-md-component=outdated]"),base=new URL("../.."),'
     b'outdated=__md_get("__outdated",sessionStorage,base);!0===outdated&&el&&(el.hidden=!1)', True),
])
def test_a_theme_script_is_one_its_templates_write_with_a_path_where_they_put_one(script: bytes,
                                                                                 written: bool) -> None:
    assert theme_written(script) is written


def test_pages_read_for_scripts_by_two_processes_give_the_same_scripts(
        built_tiny: Project, monkeypatch: pytest.MonkeyPatch) -> None:
    site = built_tiny.site_dir("affiliates")
    alone = page_scripts(site)
    monkeypatch.setattr(hubgen.headers, "PARALLEL_FROM", 0)
    assert alone and page_scripts(site, processes=2) == alone
