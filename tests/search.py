"""Read a built site's search index (Pagefind's files) and drive its search in Chromium."""

from __future__ import annotations

import gzip
import json
from pathlib import Path

from hubgen.search import SIGNATURE

# What search.js sets once a query's results are shown (the box: the query; the results page:
# `data-hub-done`), which a test waits for rather than for a time.
BOX = "#hub-search-input"
POPUP = "#hub-search-popup"


def index_pages(site: Path) -> list[dict]:
    """Every page the site's search index holds: Pagefind's fragments (gzip, a signature,
    JSON), with their url, content, filters and meta."""
    return [json.loads(gzip.decompress(path.read_bytes()).removeprefix(SIGNATURE))
            for path in sorted((site / "pagefind/fragment").glob("*.pf_fragment"))]


def type_query(page: object, query: str) -> list[str]:
    """Type `query` into the header's box key by key, as a person does; the titles shown."""
    box = page.locator(BOX)
    box.click()
    box.fill("")
    box.press_sequentially(query, delay=20)
    page.wait_for_selector(f"{POPUP}[data-hub-query={json.dumps(query)}]", timeout=20000)
    return page.locator(f"{POPUP} .hub-result__title").all_inner_texts()


def results_page(page: object, base: str, query_string: str) -> list[str]:
    """Open the results page at `search/?...`; the titles of the results shown."""
    page.goto(base + "search/" + query_string)
    page.wait_for_selector("form[data-hub-done]", timeout=20000)
    return page.locator(".hub-results .hub-result__title").all_inner_texts()


def facet_counts(page: object, facet: str) -> dict[str, int]:
    """The counts the results page shows beside each value of a filter."""
    counts = {}
    for label in page.locator(f"fieldset:has(input[name={facet}]) label").all():
        value = label.locator("input").get_attribute("value")
        if value:
            counts[value] = int(label.get_attribute("data-count"))
    return counts
