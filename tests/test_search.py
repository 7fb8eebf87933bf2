"""The hub's own search index (hubgen/search.py): what it holds, what it leaves out, the leak
scan reading it, and its language. The browser side is in test_browser.py."""

from __future__ import annotations

import gzip
import json
from pathlib import Path

import cbor2
import pytest

from hubgen.build import build, load_hub
from hubgen.config import load_base, variant_config
from hubgen.errors import HubError
from hubgen.project import Project
from hubgen.scan import Needle, _file_text, scan_site
from hubgen.search import SIGNATURE
from tests.conftest import FIXTURES, make_hub
from tests.search import index_pages

RECORD_PAGES = {"/tools/qa-tool/", "/clauses/disclosure-clause/", "/webinars/dated-webinar/",
                "/webinars/undated-webinar/", "/events/tiny-event/", "/takeaways/tiny-takeaways/",
                "/takeaways/orphan-takeaways/"}
THEME_PAGES = {"/themes/disclosures/", "/themes/supplier-engagement/"}


def by_url(site: Path) -> dict[str, dict]:
    return {page["url"]: page for page in index_pages(site)}


def test_index_holds_record_theme_and_event_pages_only(built_tiny: Project) -> None:
    public = by_url(built_tiny.site_dir("public"))
    assert set(public) == RECORD_PAGES | THEME_PAGES
    affiliates = by_url(built_tiny.site_dir("affiliates"))
    assert "/tools/secret-tool/" in affiliates and "/themes/secret-theme/" in affiliates
    # home, listings, the accessibility statement and the results page are not search results
    for url in ("/", "/records/", "/tools/", "/themes/", "/accessibility/", "/search/"):
        assert url not in affiliates


def test_the_engines_own_search_is_off(tiny: Project) -> None:
    """The hub's index replaces the engine's: an editor's `plugins: [search]` is accepted and
    left out of the generated project (MkDocs runs `search` when `plugins` is not set)."""
    tiny.config.write_text(tiny.config.read_text() + "plugins:\n  - search\n")
    generated = variant_config(load_base(tiny), load_hub(tiny), "public")
    assert generated["plugins"] == []
    assert "assets/search.js" in generated["extra_javascript"]


def test_index_holds_a_pages_article_not_its_chrome(built_tiny: Project) -> None:
    qa = by_url(built_tiny.site_dir("public"))["/tools/qa-tool/"]
    assert "A question set for supplier meetings." in qa["content"]
    assert "Building rapport with suppliers" in qa["content"]
    # the breadcrumb, the theme links, the related list, the header, navigation and footer
    for chrome in ("Home", "Related", "Disclosure updates", "Tiny Hub", "Accessibility statement",
                   "Feed of new records", "Webinars", "¶"):
        assert chrome not in qa["content"], chrome
    theme = by_url(built_tiny.site_dir("public"))["/themes/disclosures/"]
    assert "Soliciting and using factory disclosures" in theme["content"]
    assert "Supplier Q&A tool" not in theme["content"]  # a theme page's listing is not indexed


def test_each_result_carries_its_type_themes_and_summary(built_tiny: Project) -> None:
    qa = by_url(built_tiny.site_dir("public"))["/tools/qa-tool/"]
    assert qa["filters"] == {"type": ["Tool"], "theme": ["Supplier engagement"]}
    assert qa["meta"] == {"title": "Supplier Q&A tool", "type": "Tool", "themes": "Supplier engagement",
                          "summary": "A question set for supplier meetings."}
    secret = by_url(built_tiny.site_dir("affiliates"))["/tools/secret-tool/"]
    assert secret["filters"]["audience"] == ["Affiliates only"]
    assert secret["meta"]["title"] == "Canary record title charlie"  # no "Affiliates only" badge
    assert by_url(built_tiny.site_dir("affiliates"))["/tools/qa-tool/"]["filters"]["audience"] == ["Public"]


def test_only_the_affiliate_index_holds_the_canaries(built_tiny: Project) -> None:
    public = json.dumps(index_pages(built_tiny.site_dir("public"))).lower()
    assert "canary" not in public and "charlie" not in public
    affiliates = json.dumps(index_pages(built_tiny.site_dir("affiliates")))
    assert "Canary record title charlie" in affiliates
    assert "Canary record body echo" in affiliates
    # nothing of Pagefind's ready-made interfaces is published, only what search.js loads
    assert not list((built_tiny.site_dir("public") / "pagefind").glob("pagefind-*ui*"))


def test_the_scan_reads_the_compressed_index(built_tiny: Project) -> None:
    site = built_tiny.site_dir("affiliates")
    fragment = next(p for p in (site / "pagefind/fragment").iterdir()
                    if b"secret-tool" in _file_text(p.name, str(p)))
    assert b"Canary record title charlie" in _file_text(f"pagefind/fragment/{fragment.name}", str(fragment))
    filters = b"\n".join(_file_text(f"pagefind/filter/{p.name}", str(p))
                         for p in (site / "pagefind/filter").iterdir())
    assert b"\nCanary theme kappa\n" in filters + b"\n"


def test_an_affiliate_only_phrase_planted_in_the_public_index_fails_the_build(tiny: Project) -> None:
    """Text in an attribute is no page text (the scan reads a page as a reader sees it), but
    Pagefind puts a `data-pagefind-meta` value in the index: the scan must read it there."""
    override = tiny.templates / "overrides/main.html"
    override.write_text(override.read_text().replace(
        "<div data-pagefind-body>",
        '<div data-pagefind-body><span data-pagefind-meta="note:Canary record title charlie"></span>'))
    with pytest.raises(HubError) as error:
        build(tiny, ("public",))
    problems = [str(p) for p in error.value.problems]
    assert problems and all("site/public/pagefind/fragment/" in p and ".pf_fragment" in p for p in problems)
    assert 'content/tools/secret-tool.yml: title: "canary record title charlie"' in problems[0]
    assert not tiny.site_dir("public").exists()  # nothing published


def test_the_index_uses_the_sites_language(tmp_path: Path) -> None:
    """A hub in Spanish: pages say `lang="es"`, and Pagefind stems Spanish words with its
    Spanish stemmer (the browser test searches it)."""
    project = spanish_hub(tmp_path)
    build(project, ("public",))
    site = project.site_dir("public")
    entry = json.loads((site / "pagefind/pagefind-entry.json").read_text())
    assert list(entry["languages"]) == ["es"]
    assert '<html lang="es"' in (site / "tools/qa-tool/index.html").read_text()


def spanish_hub(tmp_path: Path) -> Project:
    """The tiny hub with `theme.language: es` and a record body in Spanish."""
    project = make_hub(tmp_path / "hub", FIXTURES / "tiny" / "content")
    project.config.write_text(project.config.read_text().replace("language: en", "language: es"))
    record = project.content / "tools/qa-tool.yml"
    record.write_text(record.read_text() + "body: Compramos ordenadores a proveedores responsables.\n")
    return project


def test_the_scan_reads_a_fragments_text_block_by_block(tmp_path: Path) -> None:
    """Pagefind joins a page's blocks into one string after a sentence mark; the scan cuts it
    there, as a page's own lines are cut, so words ending one block and starting the next (a
    list item, then a heading) never read as an affiliate-only phrase. Metadata stays whole."""
    page = {"url": "/tools/x/", "content": "Use it for zipoti. Supplier meetings: weekly. Links.",
            "meta": {"title": "Dr. Zipoti supplier"}, "filters": {"theme": ["A, b"]}}
    path = tmp_path / "en_1.pf_fragment"
    path.write_bytes(gzip.compress(SIGNATURE + json.dumps(page).encode()))
    lines = _file_text("pagefind/fragment/en_1.pf_fragment", str(path)).split(b"\n")
    assert b"Use it for zipoti." in lines and b"Supplier meetings:" in lines and b"weekly." in lines
    assert b"Dr. Zipoti supplier" in lines and b"A, b" in lines and b"/tools/x/" in lines


def _fragment(site: Path, name: str, page: dict) -> None:
    path = site / "pagefind/fragment" / name
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(gzip.compress(SIGNATURE + json.dumps(page).encode()))


SECRET = Needle(" session two factory policy ", "content/events/x.yml: sessions[1].title", False)


def test_words_pagefind_joins_across_its_pages_blocks_are_no_leak(tmp_path: Path) -> None:
    """Pagefind joins a `<summary>` and the paragraph after it with no sentence mark (only some
    blocks ending in a letter get one): "Session two factory" then "Policy ..." reads as an
    affiliate-only session's title in the fragment, though the page never shows it. The page
    explains it; the same words in a fragment whose page does not show them are a leak, and so
    is any text `<` would hide if it were read as a tag."""
    site = tmp_path / "site"
    (site / "events/x").mkdir(parents=True)
    (site / "events/x/index.html").write_text(
        "<nav>Session two</nav><article data-pagefind-body><details>\n"
        "<summary>Session two factory</summary>\n<p>Policy is set.</p></details></article>")
    joined = "Session two factory Policy is set."
    _fragment(site, "en_1.pf_fragment", {"url": "/events/x/", "content": joined})
    assert scan_site(site, [SECRET]) == []
    _fragment(site, "en_2.pf_fragment", {"url": "/events/y/", "content": joined})
    tagged = "A < session two factory policy > b"  # `<` before a space opens no tag
    _fragment(site, "en_3.pf_fragment", {"url": "/events/y/", "content": tagged})
    _fragment(site, "en_4.pf_fragment", {"url": "/events/x/", "content": "Set.",
                                          "meta": {"title": "Session two factory Policy"}})
    assert [p.path for p in scan_site(site, [SECRET], "site")] == [
        f"site/pagefind/fragment/en_{n}.pf_fragment" for n in (2, 3, 4)]


def test_the_word_lists_are_read_for_addresses(tmp_path: Path) -> None:
    """An index's word lists hold a word a string beside thousands of numbers: read as bytes,
    for addresses (a phrase cannot be in them)."""
    site = tmp_path / "site"
    path = site / "pagefind/index/en_1.pf_index"
    path.parent.mkdir(parents=True)
    words = [["intranet.example.org/canary-alpha", [[1, [2, 3], []]], []], ["policy", [[1, [4], []]], []]]
    path.write_bytes(gzip.compress(SIGNATURE + cbor2.dumps([words])))
    found = scan_site(site, [
        Needle("intranet.example.org/canary-alpha", "content/tools/a.yml: links[1]", True),
        Needle(" session two factory policy ", "content/tools/a.yml: title", False)], "site")
    assert [(p.path, p.message.split(": ")[0]) for p in found] == [
        ("site/pagefind/index/en_1.pf_index", "holds affiliate-only material from content/tools/a.yml")]


def test_a_site_with_no_record_yet_builds_without_an_index(tiny: Project) -> None:
    """Nothing public yet (every record left to `default_audience: affiliates`): the public
    site builds, with no index rather than one of its home page and listings."""
    for path in tiny.content.rglob("*.yml"):
        path.write_text(path.read_text().replace("audience: public\n", ""))
    build(tiny, ("public",))
    site = tiny.site_dir("public")
    assert (site / "search/index.html").is_file() and not (site / "pagefind").exists()
