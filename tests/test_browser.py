"""The built sites in headless Chromium: pages render, and the hub's search finds, narrows and shares."""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterator
from pathlib import Path

import pytest

from hubgen.build import build
from hubgen.project import Project
from tests.browser import chromium, serve_dir
from tests.search import facet_counts, index_pages, results_page, type_query
from tests.test_search import spanish_hub


@pytest.fixture(scope="module")
def browser() -> Iterator[object]:
    with chromium() as b:
        yield b


def search(browser: object, base: str, query: str) -> list[str]:
    """Type `query` into the header's search box; the titles it shows. No request leaves the site."""
    page = browser.new_page()
    outside: list[str] = []
    page.on("request", lambda r: outside.append(r.url) if not r.url.startswith(base) else None)
    page.goto(base)
    titles = type_query(page, query)
    page.close()
    assert [u for u in outside if not u.startswith("data:")] == []
    return titles


@pytest.mark.parametrize("variant", ["public", "affiliates"])
def test_search_finds_tools_clauses_takeaways_and_webinars(built_shipped: Project, browser: object,
                                                           variant: str) -> None:
    with serve_dir(built_shipped.site_dir(variant)) as base:
        assert "EcoVadis" in search(browser, base, "EcoVadis")
        found = search(browser, base, "disclosure")
        assert "Disclosure updates and sharing of disclosed data" in found
        assert "Supplier engagement strategies" in search(browser, base, "market engagement")
        assert any("Delivering Due Diligence" in t for t in search(browser, base, "webinar remedy"))


def test_a_word_of_a_body_finds_its_record_and_chrome_finds_nothing(built_tiny: Project,
                                                                    browser: object) -> None:
    with serve_dir(built_tiny.site_dir("public")) as base:
        assert search(browser, base, "everyone") == ["Tiny exchange"]  # a session's body
        # the footer, the site's name, the accessibility statement, the home page's sections
        for chrome in ("statement", "feed", "previous", "hub"):
            assert search(browser, base, chrome) == [], chrome


def test_affiliate_only_words_find_nothing_on_public_site(built_tiny: Project, browser: object) -> None:
    with serve_dir(built_tiny.site_dir("public")) as base:
        for word in ["charlie", "bravo", "foxtrot", "juliet", "kappa"]:
            assert search(browser, base, word) == [], word
    with serve_dir(built_tiny.site_dir("affiliates")) as base:
        assert "Canary record title charlie" in search(browser, base, "charlie")


def test_filters_narrow_results_and_count_them(built_tiny: Project, browser: object) -> None:
    site = built_tiny.site_dir("affiliates")
    indexed = {page["meta"]["title"]: page["filters"] for page in index_pages(site)}

    def tally(titles: list[str], facet: str) -> dict[str, int]:
        return dict(Counter(v for title in titles for v in indexed[title].get(facet, [])))

    def shown(counts: dict[str, int]) -> dict[str, int]:
        return {value: n for value, n in counts.items() if n}

    with serve_dir(site) as base:
        page = browser.new_page()
        everything = results_page(page, base, "?q=disclosure")
        assert len(everything) >= 6
        for facet in ("type", "theme", "audience"):
            assert shown(facet_counts(page, facet)) == tally(everything, facet), facet
        assert tally(everything, "type")["Webinar"] >= 2
        assert "Affiliates only" in tally(everything, "audience")
        # choosing a type narrows the results to it; the type's own counts stay the query's
        types = facet_counts(page, "type")
        page.locator("fieldset:has(input[name=type]) input[value=Webinar]").check()
        page.wait_for_selector("form[data-hub-done]")
        webinars = page.locator(".hub-results .hub-result__title").all_inner_texts()
        assert sorted(webinars) == sorted(t for t in everything if indexed[t]["type"] == ["Webinar"])
        assert set(page.locator(".hub-results .hub-type").all_inner_texts()) == {"Webinar"}
        assert facet_counts(page, "type") == types
        assert shown(facet_counts(page, "theme")) == tally(webinars, "theme")
        assert "type=Webinar" in page.url and "q=disclosure" in page.url
        # and an audience narrows further, counted within the chosen type
        page.locator("fieldset:has(input[name=audience]) input[value='Affiliates only']").check()
        page.wait_for_selector("form[data-hub-done]")
        both = page.locator(".hub-results .hub-result__title").all_inner_texts()
        assert both and sorted(both) == sorted(t for t in webinars
                                               if indexed[t]["audience"] == ["Affiliates only"])
        assert shown(facet_counts(page, "audience")) == tally(webinars, "audience")
        page.close()


def test_the_results_page_restores_from_its_url(built_tiny: Project, browser: object) -> None:
    with serve_dir(built_tiny.site_dir("public")) as base:
        page = browser.new_page()
        titles = results_page(page, base, "?q=disclosure&type=Clause")
        assert titles == ["Disclosure updates"]
        assert page.locator("#hub-results-input").input_value() == "disclosure"
        assert page.locator("input[name=type][value=Clause]").is_checked()
        # typed, by keyboard: the URL follows, and Back returns to the previous state
        page.locator("input[name=type][value='']").check()
        page.wait_for_selector("form[data-hub-done]")
        assert "type=" not in page.url and len(page.locator(".hub-result").all()) > 1
        page.go_back()
        page.wait_for_selector("form[data-hub-done]")
        assert page.locator(".hub-results .hub-result__title").all_inner_texts() == ["Disclosure updates"]
        # the header's box: arrow keys choose a result, Enter opens it
        page.goto(base)
        assert type_query(page, "everyone") == ["Tiny exchange"]
        page.keyboard.press("ArrowDown")
        page.keyboard.press("Enter")
        page.wait_for_url(base + "events/tiny-event/")
        # and Enter with no result chosen opens the results page with the query
        type_query(page, "disclosure")
        page.keyboard.press("Enter")
        page.wait_for_url(base + "search/?q=disclosure")
        page.wait_for_selector("form[data-hub-done]")
        assert "Disclosure updates" in page.locator(".hub-result__title").all_inner_texts()
        page.close()


def test_a_spanish_hub_stems_spanish_words(tmp_path: Path, browser: object) -> None:
    project = spanish_hub(tmp_path)
    build(project, ("public",))
    with serve_dir(project.site_dir("public")) as base:
        # "comprar" and "compramos" share the Spanish stem "compr" (not so in English)
        assert search(browser, base, "comprar") == ["Supplier Q&A tool"]


def test_pages_render_with_banner_only_on_affiliate_site(built_tiny: Project, browser: object) -> None:
    for variant in ("public", "affiliates"):
        with serve_dir(built_tiny.site_dir(variant)) as base:
            page = browser.new_page()
            errors: list[str] = []
            page.on("pageerror", lambda e, errors=errors: errors.append(str(e)))
            for path in ["", "themes/disclosures/", "tools/", "tools/qa-tool/", "events/tiny-event/",
                         "takeaways/tiny-takeaways/", "clauses/disclosure-clause/",
                         "webinars/dated-webinar/"]:
                page.goto(base + path)
                assert page.locator("h1").first.is_visible()
                banner = page.locator(".hub-affiliates-banner")
                assert banner.count() == (1 if variant == "affiliates" else 0), path
                if variant == "affiliates":
                    assert banner.is_visible()
                    assert "Affiliates only - do not share." in banner.inner_text()
            page.close()
            assert errors == []


VIOLATIONS = """
window.__violations = [];
document.addEventListener("securitypolicyviolation",
    e => window.__violations.push(e.violatedDirective + " " + e.blockedURI));
"""
PAGE_TYPES = ["", "404.html", "themes/", "themes/disclosures/", "tools/", "tools/qa-tool/",
              "webinars/dated-webinar/", "webinars/undated-webinar/", "clauses/disclosure-clause/",
              "events/tiny-event/", "takeaways/tiny-takeaways/"]


@pytest.mark.parametrize("variant", ["public", "affiliates"])
def test_every_page_type_works_under_the_csp_with_no_other_host(built_tiny: Project, browser: object,
                                                                variant: str) -> None:
    site = built_tiny.site_dir(variant)
    with serve_dir(site, with_headers=True) as base:
        context = browser.new_context()
        context.add_init_script(VIOLATIONS)
        page = context.new_page()
        requests: list[str] = []
        console: list[str] = []
        page.on("request", lambda r: requests.append(r.url))
        page.on("console", lambda m: console.append(m.text) if m.type == "error" else None)
        for path in PAGE_TYPES:
            response = page.goto(base + path)
            assert response.headers["content-security-policy"].startswith("default-src 'self'")
            assert page.locator("h1").first.is_visible(), path
            assert page.evaluate("window.__violations") == [], path
        # search (its script, WebAssembly, worker and index) runs under the same policy
        assert type_query(page, "disclosure")
        assert results_page(page, base, "?q=disclosure&type=Clause&theme=Disclosures")
        assert page.evaluate("window.__violations") == []
        assert [c for c in console if "Content Security Policy" in c] == []
        # and the policy is really enforced: an injected inline script is blocked and reported
        page.evaluate("() => { const s = document.createElement('script');"
                      " s.textContent = 'window.__injected = 1'; document.body.appendChild(s); }")
        page.wait_for_function("() => window.__violations.length > 0")
        assert page.evaluate("window.__injected") is None
        context.close()
    assert [u for u in requests if not u.startswith(base) and not u.startswith("data:")] == []


def test_results_show_a_pages_text_as_text(tiny: Project, browser: object) -> None:
    """Markup-like text in a record (escaped on its page) stays text in the results."""
    record = tiny.content / "tools/qa-tool.yml"
    record.write_text(record.read_text().replace(
        "summary: A question set for supplier meetings.",
        'summary: "A question set <img src=x id=injected> for <b>supplier</b> meetings."'))
    build(tiny, ("public",))
    with serve_dir(tiny.site_dir("public"), with_headers=True) as base:
        page = browser.new_page()
        page.goto(base)
        assert type_query(page, "question") == ["Supplier Q&A tool"]
        excerpt = page.locator("#hub-search-popup .hub-result__excerpt").first
        assert "<img src=x id=injected>" in excerpt.inner_text()
        assert page.locator("#injected, #hub-search-popup b").count() == 0
        assert excerpt.locator("mark").all_inner_texts()[0] == "question"
        page.close()
