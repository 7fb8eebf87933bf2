"""What affiliates do on the built sites, in headless Chromium: filter, copy, download, print; and
axe-core's WCAG 2.1 A and AA rules on every page type of both variants."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import icalendar
import pytest

from hubgen.project import Project
from tests.browser import chromium, serve_dir
from tests.conftest import ROOT

AXE = ROOT / "node_modules/axe-core/axe.min.js"
WCAG = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"]
TINY_PAGES = ["", "records/", "themes/", "themes/disclosures/", "tools/", "tools/qa-tool/", "webinars/",
              "webinars/dated-webinar/", "webinars/undated-webinar/", "clauses/",
              "clauses/disclosure-clause/", "events/", "events/tiny-event/", "takeaways/",
              "takeaways/tiny-takeaways/", "accessibility/", "404.html"]
SHIPPED_PAGES = ["", "records/", "events/2022-11-affiliate-exchange-barcelona/",
                 "takeaways/supplier-engagement-strategies/", "clauses/evidence-and-remedy/",
                 "tools/supplier-engagement-qa/", "webinars/ddpp-webinar-2/", "themes/disclosures/"]


@pytest.fixture(scope="module")
def browser() -> Iterator[object]:
    with chromium() as b:
        yield b


def visible_titles(page: object) -> list[str]:
    return page.eval_on_selector_all(".hub-item:not([hidden]) > p > a",
                                     "els => els.map(e => e.textContent.trim())")


def test_filters_narrow_the_list_keep_state_in_the_url_and_work_by_keyboard(built_tiny: Project,
                                                                            browser: object) -> None:
    with serve_dir(built_tiny.site_dir("affiliates")) as base:
        page = browser.new_page()
        page.goto(base + "records/")
        everything = visible_titles(page)
        assert len(everything) == 12
        page.select_option("select[name=type]", "webinars")
        assert sorted(visible_titles(page)) == ["Canary webinar title lima", "Measurement",
                                                "Remedy in practice"]
        assert "type=webinars" in page.url
        page.select_option("select[name=audience]", "affiliates")
        assert visible_titles(page) == ["Canary webinar title lima"]
        assert page.locator(".hub-filter-status").inner_text() == "Showing 1 of 12."
        # a shared URL opens the same view
        shared = page.url
        other = browser.new_page()
        other.goto(shared)
        assert visible_titles(other) == ["Canary webinar title lima"]
        other.close()
        # keyboard only: focus the theme filter, choose with the arrow keys
        page.click("form.hub-filters button[type=reset]")
        page.wait_for_function("() => !location.search")
        assert len(visible_titles(page)) == 12
        page.focus("select[name=status]")
        page.keyboard.press("ArrowDown")  # "All" -> the first status
        assert page.eval_on_selector("select[name=status]", "s => s.value") != ""
        assert len(visible_titles(page)) < 12
        page.close()


def test_without_javascript_the_whole_list_shows(built_tiny: Project, browser: object) -> None:
    with serve_dir(built_tiny.site_dir("public")) as base:
        context = browser.new_context(java_script_enabled=False)
        page = context.new_page()
        page.goto(base + "records/")
        assert not page.locator("form.hub-filters").is_visible()
        assert page.locator(".hub-item").count() == 7
        assert all(page.locator(".hub-item").nth(i).is_visible() for i in range(7))
        context.close()


def test_public_filters_count_only_public_records_and_offer_no_audience(built_tiny: Project,
                                                                        browser: object) -> None:
    with serve_dir(built_tiny.site_dir("public")) as base:
        page = browser.new_page()
        page.goto(base + "records/?type=webinars")
        assert sorted(visible_titles(page)) == ["Measurement", "Remedy in practice"]
        assert page.locator("select[name=audience]").count() == 0
        options = page.eval_on_selector_all("select[name=type] option", "os => os.map(o => o.text)")
        assert "Webinars (2)" in options
        page.close()


def test_copy_button_puts_the_clause_wording_on_the_clipboard(built_tiny: Project,
                                                             browser: object) -> None:
    with serve_dir(built_tiny.site_dir("public")) as base:
        context = browser.new_context()
        context.grant_permissions(["clipboard-read", "clipboard-write"], origin=base.rstrip("/"))
        page = context.new_page()
        page.goto(base + "clauses/disclosure-clause/")
        page.click("button.hub-copy")
        page.wait_for_function("() => document.querySelector('.hub-copy-status').textContent")
        assert page.locator(".hub-copy-status").inner_text() == "Copied to the clipboard."
        copied = page.evaluate("navigator.clipboard.readText()")
        assert copied == "The Contractor shall update its factory disclosure every six months."
        context.close()


def test_add_to_calendar_downloads_a_valid_ics(built_tiny: Project, browser: object) -> None:
    with serve_dir(built_tiny.site_dir("public")) as base:
        context = browser.new_context(accept_downloads=True)
        page = context.new_page()
        page.goto(base + "webinars/dated-webinar/")
        with page.expect_download() as download:
            page.click("text=Add to calendar (.ics)")
        data = Path(download.value.path()).read_bytes()
        events = icalendar.Calendar.from_ical(data).walk("VEVENT")
        assert [str(e["SUMMARY"]) for e in events] == ["Remedy in practice"]
        page.goto(base)
        with page.expect_download() as feed:
            page.click("text=Webinar calendar")
        assert len(icalendar.Calendar.from_ical(Path(feed.value.path()).read_bytes()).walk("VEVENT")) == 1
        context.close()


def test_print_shows_the_clause_without_navigation(built_tiny: Project, browser: object) -> None:
    with serve_dir(built_tiny.site_dir("affiliates")) as base:
        page = browser.new_page()
        page.goto(base + "clauses/disclosure-clause/")
        page.emulate_media(media="print")
        for hidden in (".md-header", ".md-sidebar--primary", ".md-footer", "button.hub-copy"):
            assert page.eval_on_selector(hidden, "e => getComputedStyle(e).display") == "none", hidden
        assert page.locator(".hub-wording").is_visible()
        assert page.locator(".hub-affiliates-banner").is_visible()  # the warning prints too
        assert page.pdf()[:4] == b"%PDF"
        page.close()


def axe_violations(page: object) -> list[str]:
    page.evaluate(AXE.read_text())
    found = page.evaluate("""async (tags) => {
        const result = await axe.run(document, {runOnly: {type: 'tag', values: tags}});
        return result.violations.map(v => v.id + ': ' + v.nodes.map(n => n.target.join(' ')).join(', '));
    }""", WCAG)
    return found


@pytest.mark.parametrize("variant", ["public", "affiliates"])
def test_axe_finds_no_wcag_21_aa_violation_on_any_page_type(built_tiny: Project, built_shipped: Project,
                                                             browser: object, variant: str) -> None:
    assert AXE.is_file(), "node_modules is missing: run `make test`, which installs it"
    problems = {}
    for project, pages in ((built_tiny, TINY_PAGES), (built_shipped, SHIPPED_PAGES)):
        with serve_dir(project.site_dir(variant)) as base:
            page = browser.new_page()
            for path in pages:
                page.goto(base + path)
                found = axe_violations(page)
                if found:
                    problems[path] = found
            # a filtered listing too
            page.goto(base + "records/?type=clauses")
            if found := axe_violations(page):
                problems["records/?type=clauses"] = found
            page.close()
    assert problems == {}


def test_pages_set_their_language_and_no_cookie(built_tiny: Project, browser: object) -> None:
    with serve_dir(built_tiny.site_dir("public")) as base:
        context = browser.new_context()
        page = context.new_page()
        for path in ("", "records/", "clauses/disclosure-clause/"):
            page.goto(base + path)
            assert page.eval_on_selector("html", "e => e.lang") == "en"
        assert context.cookies() == [] and page.evaluate("document.cookie") == ""
        context.close()
