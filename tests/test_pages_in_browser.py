"""What affiliates do on the built sites, in headless Chromium: filter, copy, download, print; and
axe-core's WCAG 2.1 A and AA rules on every page type of both variants."""

from __future__ import annotations

import datetime as dt
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
              "takeaways/tiny-takeaways/", "accessibility/", "404.html",
              "webinars/series/due-diligence-series/", "records/?type=webinars&theme=supplier-engagement"]
SHIPPED_PAGES = ["", "records/", "events/2022-11-affiliate-exchange-barcelona/",
                 "takeaways/supplier-engagement-strategies/", "clauses/evidence-and-remedy/",
                 "tools/supplier-engagement-qa/", "webinars/ddpp-webinar-2/", "themes/disclosures/",
                 "webinars/series/delivering-due-diligence-in-public-procurement/", "themes/",
                 "search/?q=disclosure"]


@pytest.fixture(scope="module")
def browser() -> Iterator[object]:
    with chromium() as b:
        yield b


def visible_titles(page: object) -> list[str]:
    return page.eval_on_selector_all(".hub-item:not([hidden]) .hub-card__title a",
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
        # what is chosen is said too: on a phone the filters are out of sight
        status = page.locator(".hub-filter-status").inner_text()
        assert status == "1 record matches (of 12): Webinars, Affiliates only."
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


def option_texts(page: object, facet: str) -> dict[str, tuple[str, bool]]:
    """A filter's options as {value: (text, disabled)}."""
    return page.eval_on_selector_all(
        f"select[name={facet}] option",
        "os => Object.fromEntries(os.map(o => [o.value, [o.textContent, o.disabled]]))")


def test_counts_follow_the_other_filters_and_dead_options_are_disabled(built_tiny: Project,
                                                                       browser: object) -> None:
    with serve_dir(built_tiny.site_dir("public")) as base:
        page = browser.new_page()
        page.goto(base + "records/")
        assert option_texts(page, "theme")["supplier-engagement"] == ["Supplier engagement (2)", False]
        page.select_option("select[name=type]", "webinars")
        themes = option_texts(page, "theme")
        assert themes["disclosures"] == ["Disclosures (2)", False]
        assert themes["supplier-engagement"] == ["Supplier engagement (0)", True]
        page.select_option("select[name=theme]", "disclosures")
        types = option_texts(page, "type")
        assert types["webinars"] == ["Webinars (2)", False]
        assert types["clauses"] == ["Clauses (1)", False]
        assert types["tools"] == ["Tools (0)", True]
        assert sorted(visible_titles(page)) == ["Measurement", "Remedy in practice"]
        status = page.locator(".hub-filter-status").inner_text()
        assert status == "2 records match (of 7): Webinars, Disclosures."
        page.close()


def test_no_match_shows_a_message_and_one_click_clears(built_tiny: Project, browser: object) -> None:
    with serve_dir(built_tiny.site_dir("public")) as base:
        page = browser.new_page()
        page.goto(base + "records/?type=webinars&theme=supplier-engagement")
        assert visible_titles(page) == []
        assert page.locator(".hub-empty").is_visible()
        assert "No records match" in page.locator(".hub-empty").inner_text()
        page.click(".hub-empty button")
        assert not page.locator(".hub-empty").is_visible()
        assert len(visible_titles(page)) == 7
        assert page.evaluate("location.search") == ""
        page.close()


def test_facets_of_another_type_are_hidden(built_tiny: Project, browser: object) -> None:
    with serve_dir(built_tiny.site_dir("affiliates")) as base:
        page = browser.new_page()
        page.goto(base + "records/")
        for facet in ("kind", "stage", "status"):
            assert page.locator(f"label[data-facet={facet}]").is_visible()
        page.select_option("select[name=type]", "tools")
        assert page.locator("label[data-facet=kind]").is_visible()
        assert not page.locator("label[data-facet=stage]").is_visible()
        assert not page.locator("label[data-facet=status]").is_visible()
        page.close()


def test_back_undoes_a_filter(built_tiny: Project, browser: object) -> None:
    with serve_dir(built_tiny.site_dir("public")) as base:
        page = browser.new_page()
        page.goto(base + "records/")
        page.select_option("select[name=type]", "webinars")
        page.select_option("select[name=theme]", "disclosures")
        assert "theme=disclosures" in page.url
        page.go_back()
        assert page.eval_on_selector("select[name=theme]", "s => s.value") == ""
        assert page.eval_on_selector("select[name=type]", "s => s.value") == "webinars"
        assert sorted(visible_titles(page)) == ["Measurement", "Remedy in practice"]
        page.go_back()
        assert page.eval_on_selector("select[name=type]", "s => s.value") == ""
        assert len(visible_titles(page)) == 7
        assert page.url.endswith("/records/")
        page.close()


def test_sort_by_title(built_tiny: Project, browser: object) -> None:
    with serve_dir(built_tiny.site_dir("public")) as base:
        page = browser.new_page()
        page.goto(base + "records/?sort=title")
        titles = visible_titles(page)
        assert titles == sorted(titles, key=str.casefold) and len(titles) == 7
        page.close()


def test_on_a_phone_the_filters_sit_behind_one_button(built_tiny: Project, browser: object) -> None:
    with serve_dir(built_tiny.site_dir("public")) as base:
        page = browser.new_page(viewport={"width": 390, "height": 844})
        page.goto(base + "records/")
        toggle = page.locator(".hub-filter-toggle")
        assert toggle.is_visible() and toggle.get_attribute("aria-expanded") == "false"
        assert not page.locator("form.hub-filters").is_visible()
        toggle.click()
        assert page.locator("form.hub-filters").is_visible()
        assert toggle.get_attribute("aria-expanded") == "true"
        page.select_option("select[name=type]", "webinars")
        assert len(visible_titles(page)) == 2
        assert toggle.inner_text() == "Filter (1 on)"
        page.close()
        wide = browser.new_page(viewport={"width": 1366, "height": 900})
        wide.goto(base + "records/")
        assert not wide.locator(".hub-filter-toggle").is_visible()
        assert wide.locator("form.hub-filters").is_visible()
        wide.close()


def test_on_a_phone_the_search_filters_sit_behind_one_button(built_shipped: Project,
                                                             browser: object) -> None:
    with serve_dir(built_shipped.site_dir("public")) as base:
        page = browser.new_page(viewport={"width": 390, "height": 844})
        page.goto(base + "search/?q=disclosure")
        page.wait_for_selector(".hub-results li")
        toggle = page.locator("[data-hub-facets-toggle]")
        assert toggle.is_visible() and toggle.inner_text() == "Filter"
        assert not page.locator(".hub-facet").first.is_visible()
        # the first result is on the first screen
        assert page.locator(".hub-results li").first.bounding_box()["y"] < 844
        toggle.click()
        assert toggle.get_attribute("aria-expanded") == "true"
        page.click(".hub-facet >> text=Clause")
        page.wait_for_function("() => new URLSearchParams(location.search).get('type') === 'Clause'")
        page.wait_for_selector("form[data-hub-done]")
        assert toggle.inner_text() == "Filter (1 on)"
        page.close()
        wide = browser.new_page(viewport={"width": 1366, "height": 900})
        wide.goto(base + "search/?q=disclosure")
        wide.wait_for_selector(".hub-results li")
        assert not wide.locator("[data-hub-facets-toggle]").is_visible()
        assert wide.locator(".hub-facet").first.is_visible()
        wide.close()


def test_event_sessions_are_collapsible(built_tiny: Project, browser: object) -> None:
    with serve_dir(built_tiny.site_dir("affiliates")) as base:
        page = browser.new_page()
        page.goto(base + "events/tiny-event/")
        sessions = page.locator("details")
        assert sessions.count() == 2
        assert page.eval_on_selector_all("details", "ds => ds.map(d => d.open)") == [False, False]
        assert not page.get_by_text("Public marker session body").is_visible()
        page.click("details >> nth=0 >> summary")
        assert page.get_by_text("Public marker session body").is_visible()
        page.close()


@pytest.mark.parametrize("variant", ["public", "affiliates"])
def test_no_record_twice_on_the_home_page(built_shipped: Project, browser: object, variant: str) -> None:
    with serve_dir(built_shipped.site_dir(variant)) as base:
        page = browser.new_page()
        page.goto(base)
        cards = page.eval_on_selector_all(".hub-card__title a", "as => as.map(a => a.href)")
        assert cards and len(cards) == len(set(cards))
        assert page.locator(".hub-tile").count() >= 10
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


def axe_violations(page: object, context: str = "html") -> list[str]:
    """axe-core's WCAG 2.1 A/AA violations in the part of the page `context` selects."""
    page.evaluate(AXE.read_text())
    found = page.evaluate("""async ([context, tags]) => {
        const result = await axe.run(context, {runOnly: {type: 'tag', values: tags}});
        return result.violations.map(v => v.id + ': ' + v.nodes.map(n => n.target.join(' ')).join(', '));
    }""", [context, WCAG])
    return found


def settle(page: object) -> None:
    """Wait until no transition runs: axe-core measures colours halfway through one otherwise
    (a button fading to its focus colour, the drawer sliding in)."""
    page.wait_for_function("() => document.getAnimations().every(a => a.playState !== 'running')")


# Desktop, and a phone (390 px: Material's drawer replaces the tabs, the filters sit behind a button).
WIDTHS = {"desktop": {"width": 1366, "height": 900}, "phone": {"width": 390, "height": 844}}


def axe_problems(browser: object, base: str, paths: list[str],
                 viewport: dict[str, int]) -> dict[str, list[str]]:
    """axe-core's WCAG 2.1 A/AA violations of each page at one width; on a phone also with the
    filter panel open, and the navigation drawer (the same on every page, so on the home page
    only), which are hidden, so unchecked, otherwise. The drawer is checked alone: the page
    under it is dimmed by design."""
    problems = {}
    page = browser.new_page(viewport=viewport)
    for path in paths:
        page.goto(base + path)
        if path.startswith("search/"):
            page.wait_for_selector(".hub-results li")
        if found := axe_violations(page):
            problems[path] = found
        if viewport["width"] >= 600:
            continue
        toggle = page.locator(".hub-filter-toggle")
        if toggle.count() and toggle.is_visible():
            toggle.click()
            settle(page)
            if found := axe_violations(page):
                problems[f"{path} (filters open)"] = found
        if path == "":
            page.click("label.md-header__button[for=__drawer]")
            page.locator(".md-sidebar--primary").wait_for(state="visible")
            settle(page)
            if found := axe_violations(page, ".md-sidebar--primary"):
                problems[f"{path} (navigation drawer)"] = found
    page.close()
    return problems


@pytest.mark.parametrize("width", WIDTHS)
@pytest.mark.parametrize("variant", ["public", "affiliates"])
def test_axe_finds_no_wcag_21_aa_violation_on_any_page_type(built_tiny: Project, built_shipped: Project,
                                                             browser: object, variant: str,
                                                             width: str) -> None:
    assert AXE.is_file(), "node_modules is missing: run `make test`, which installs it"
    problems = {}
    for name, project, pages in (("tiny", built_tiny, TINY_PAGES), ("shipped", built_shipped, SHIPPED_PAGES)):
        with serve_dir(project.site_dir(variant)) as base:
            found = axe_problems(browser, base, [*pages, "records/?type=clauses"], WIDTHS[width])
            problems |= {f"{name}: {path}": v for path, v in found.items()}
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


def test_affiliate_pages_ask_not_to_be_indexed_and_public_pages_do_not(built_tiny: Project) -> None:
    robots = '<meta name="robots" content="noindex, nofollow">'
    for variant, wanted in (("affiliates", True), ("public", False)):
        pages = sorted(built_tiny.site_dir(variant).rglob("*.html"))
        hub_pages = [p for p in pages if "admin" not in p.parts]
        assert hub_pages and all((robots in p.read_text()) == wanted for p in hub_pages), variant


def test_related_webinars_of_one_series_are_one_line_and_the_series_page_is_compact(
        built_shipped: Project) -> None:
    site = built_shipped.site_dir("public")
    event = (site / "events/2022-11-affiliate-exchange-barcelona/index.html").read_text()
    related = event[event.index('class="hub-related"'):]
    related = related[:related.index("</ul>")]
    assert related.count("Webinar series") == 1
    assert "(6 webinars)" in related and "webinar 1 of 6" not in related
    assert 'href="../../webinars/series/delivering-due-diligence-in-public-procurement/"' in related
    series = (site / "webinars/series/delivering-due-diligence-in-public-procurement/index.html").read_text()
    assert ">Webinar 1 of 6</a>" in series and "Procurement: webinar 1 of 6" not in series
    assert series.count("No recording or registration published") == 6


def test_an_event_says_its_month_once() -> None:
    from hubgen.views import days
    assert days(dt.date(2022, 11, 17), dt.date(2022, 11, 18)) == "17 to 18 November 2022"
    assert days(dt.date(2022, 11, 30), dt.date(2022, 12, 2)) == "30 November to 2 December 2022"
    assert days(dt.date(2022, 12, 31), dt.date(2023, 1, 1)) == "31 December 2022 to 1 January 2023"
    assert days(dt.date(2022, 11, 17), dt.date(2022, 11, 17)) == "17 November 2022"
