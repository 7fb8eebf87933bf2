"""`hubgen links`: internal links and anchors of the built sites resolve; external ones are listed."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from hubgen.links import check_links
from hubgen.project import Project
from tests.conftest import run_hubgen


@pytest.mark.parametrize("variant", ["public", "affiliates"])
def test_built_sites_have_no_broken_internal_link(built_tiny: Project, variant: str) -> None:
    report = check_links(built_tiny.site_dir(variant), variant)
    assert report.broken == []
    assert "https://example.org/guide" in report.external


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
        f"site/public/tools/qa-tool/index.html:{lines - 1}:1: link to `../../#nowhere`: "
        "no anchor `#nowhere` there"]
    assert "https://example.org/elsewhere" in report.external


def test_links_command_fails_only_on_internal_links(built_tiny: Project, tmp_path: Path) -> None:
    ok = run_hubgen("links", str(built_tiny.site_dir("public")), str(built_tiny.site_dir("affiliates")))
    assert ok.returncode == 0, ok.stderr
    assert "external link (not checked): https://example.org/guide" in ok.stdout
    site = tmp_path / "site"
    shutil.copytree(built_tiny.site_dir("public"), site)
    (site / "index.html").write_text((site / "index.html").read_text() + '<a href="nope.html">n</a>')
    bad = run_hubgen("links", str(site))
    assert bad.returncode == 1
    assert "link to `nope.html`: no such file" in bad.stderr
