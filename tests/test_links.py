"""`hubgen links`: internal links and anchors of the built sites resolve; external ones are listed."""

from __future__ import annotations

import datetime as dt
import shutil
from pathlib import Path

import pytest

from hubgen.errors import HubError
from hubgen.links import check_links, page_url
from hubgen.project import Project
from hubgen.render import HubView, render_pages
from hubgen.select import select
from hubgen.validate import check_project
from tests.conftest import run_hubgen


@pytest.mark.parametrize("variant", ["public", "affiliates"])
def test_built_sites_have_no_broken_internal_link(built_tiny: Project, variant: str) -> None:
    report = check_links(built_tiny.site_dir(variant), variant)
    assert report.broken == []
    assert "https://example.org/guide" in report.external


@pytest.mark.parametrize("variant", ["public", "affiliates"])
def test_shipped_sites_have_no_broken_internal_link(built_shipped: Project, variant: str) -> None:
    # hubgen's pieces are HTML, which the engine does not check: every link they write resolves
    assert check_links(built_shipped.site_dir(variant), variant).broken == []


def test_generated_link_to_a_page_the_variant_lacks_stops_the_render(tiny: Project) -> None:
    template = tiny.templates / "pages/home.md.j2"
    template.write_text(template.read_text() + '<a href="{{ url("tools/secret-tool.md") }}">x</a>\n')
    hub, _ = check_project(tiny)
    view = HubView(select(hub, "affiliates"), "affiliates", dt.date(2026, 1, 1))
    assert any(p.path == "index.md" for p in render_pages(view, tiny.templates))
    with pytest.raises(HubError) as failure:
        render_pages(HubView(select(hub, "public"), "public", dt.date(2026, 1, 1)), tiny.templates)
    assert failure.value.lines() == [
        "templates/pages/home.md.j2: a link to `tools/secret-tool.md`, which this site does not have "
        "(writing index.md); link only to pages of this variant"]


def test_page_urls_lead_from_the_folder_a_page_is_served_from() -> None:
    known = frozenset({"index.md", "tools/index.md", "tools/x.md", "webinars/w.ics"})
    assert page_url("tools/x.md", "../../", known) == "../../tools/x/"
    assert page_url("tools/index.md", "../", known) == "../tools/"
    assert page_url("index.md", "", known) == "./"
    assert page_url("webinars/w.ics", "../../", known) == "../../webinars/w.ics"


def test_broken_links_and_anchors_are_reported_with_their_line(built_tiny: Project, tmp_path: Path) -> None:
    site = tmp_path / "site"
    shutil.copytree(built_tiny.site_dir("public"), site)
    page = site / "tools/qa-tool/index.html"
    page.write_text(page.read_text() + '\n<a href="../missing/">x</a>\n<a href="../../#nowhere">y</a>\n'
                    '<a href="https://example.org/elsewhere">z</a>\n')
    lines = len(page.read_text().splitlines())
    report = check_links(site, "site/public")
    assert [str(p) for p in report.broken] == [
        f"site/public/tools/qa-tool/index.html:{lines - 2}:1: link to `../missing/`: no such file",
        f"site/public/tools/qa-tool/index.html:{lines - 1}:1: warning: link to `../../#nowhere`: "
        "no anchor `#nowhere` there; the link opens the page at its top"]
    assert "https://example.org/elsewhere" in report.external


def test_links_command_fails_only_on_internal_links(built_tiny: Project, tmp_path: Path) -> None:
    ok = run_hubgen("links", str(built_tiny.site_dir("public")), str(built_tiny.site_dir("affiliates")))
    assert ok.returncode == 0, ok.stderr
    assert "external link (not checked): https://example.org/guide" in ok.stdout
    site = tmp_path / "site"
    shutil.copytree(built_tiny.site_dir("public"), site)
    listing = site / "tools/index.html"
    listing.write_text(listing.read_text() + '<a href="../#gone">g</a>')
    warned = run_hubgen("links", str(site))  # a missing anchor builds (the page opens at its top)
    assert warned.returncode == 0, warned.stderr
    assert "warning: link to `../#gone`: no anchor `#gone` there" in warned.stderr
    (site / "index.html").write_text((site / "index.html").read_text() + '<a href="nope.html">n</a>')
    bad = run_hubgen("links", str(site))
    assert bad.returncode == 1
    assert "link to `nope.html`: no such file" in bad.stderr
