"""The built sites in headless Chromium: pages render and Material's search finds the right things."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from hubgen.project import Project
from tests.browser import chromium, serve_dir


@pytest.fixture(scope="module")
def browser() -> Iterator[object]:
    with chromium() as b:
        yield b


def search(browser: object, base: str, query: str) -> list[str]:
    """Type `query` into Material's search and return the result titles."""
    page = browser.new_page()
    outside: list[str] = []
    page.on("request", lambda r: outside.append(r.url) if not r.url.startswith(base) else None)
    page.goto(base)
    search_box = page.locator("input.md-search__input")
    search_box.click()
    # Typed key by key, as a person does: Material reacts to key events. It answers with
    # "N matching documents" or "No matching documents" once the query has run.
    search_box.press_sequentially(query, delay=30)
    page.wait_for_function("() => /matching/.test(document.querySelector("
                           "'.md-search-result__meta').textContent)", timeout=15000)
    titles = page.locator(".md-search-result__item h1").all_inner_texts()
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


def test_affiliate_only_words_find_nothing_on_public_site(built_tiny: Project, browser: object) -> None:
    with serve_dir(built_tiny.site_dir("public")) as base:
        for word in ["charlie", "bravo", "foxtrot", "juliet", "kappa"]:
            assert search(browser, base, word) == [], word
    with serve_dir(built_tiny.site_dir("affiliates")) as base:
        assert "Canary record title charlie" in search(browser, base, "charlie")


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
        # search runs in a web worker under the same policy
        box = page.locator("input.md-search__input")
        box.click()
        box.press_sequentially("disclosure", delay=30)
        page.wait_for_function("() => /matching/.test(document.querySelector("
                               "'.md-search-result__meta').textContent)", timeout=15000)
        assert page.locator(".md-search-result__item").count() > 0
        assert page.evaluate("window.__violations") == []
        assert [c for c in console if "Content Security Policy" in c] == []
        # and the policy is really enforced: an injected inline script is blocked and reported
        page.evaluate("() => { const s = document.createElement('script');"
                      " s.textContent = 'window.__injected = 1'; document.body.appendChild(s); }")
        page.wait_for_function("() => window.__violations.length > 0")
        assert page.evaluate("window.__injected") is None
        context.close()
    assert [u for u in requests if not u.startswith(base) and not u.startswith("data:")] == []
