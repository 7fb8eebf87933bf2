"""Screenshots of the built sites at desktop and phone widths: `make screenshots` (into screenshots/).

Run after `make site`. Every page type an affiliate meets, for both variants: home, a theme page,
a filtered listing, the empty state, the event, a webinar and its series, a clause, and search
results (the search results page, `search/?q=`).
"""

from __future__ import annotations

import sys
from pathlib import Path

from tests.browser import chromium, serve_dir

ROOT = Path(__file__).resolve().parent.parent
PAGES = {
    "home": "",
    "theme": "themes/disclosures/",
    "filtered-listing": "records/?type=clauses&stage=contract-management",
    "empty-state": "records/?type=webinars&theme=disclosures",
    "event": "events/2022-11-affiliate-exchange-barcelona/",
    "webinar": "webinars/ddpp-webinar-1/",
    "series": "webinars/series/delivering-due-diligence-in-public-procurement/",
    "clause": "clauses/disclosure-updates/",
    "search": "search/?q=disclosure",
}
WIDTHS = {"desktop": (1366, 900), "phone": (390, 844)}


def main(out: Path = ROOT / "screenshots") -> None:
    out.mkdir(exist_ok=True)
    with chromium() as browser:
        for variant in ("public", "affiliates"):
            site = ROOT / "site" / variant
            if not (site / "index.html").is_file():
                sys.exit(f"{site} is not built: run `make site` first")
            with serve_dir(site) as base:
                for width_name, (width, height) in WIDTHS.items():
                    page = browser.new_page(viewport={"width": width, "height": height})
                    for name, path in PAGES.items():
                        page.goto(base + path)
                        page.wait_for_load_state("networkidle")
                        if name == "search":
                            page.wait_for_selector(".hub-results li", timeout=20000)
                        # no transition halfway (Material's tabs fade in): the page as it settles
                        page.wait_for_function(
                            "() => document.getAnimations().every(a => a.playState !== 'running')")
                        target = out / f"{variant}-{name}-{width_name}.png"
                        page.screenshot(path=target, full_page=True)
                        print(target.relative_to(ROOT))
                    page.close()


if __name__ == "__main__":
    main()
