"""Lighthouse scores of the built sites: `make lighthouse` (after `make site`).

Runs Lighthouse 12 (npm, pinned in package.json) with Debian's Chromium against the home page
and a record page of both variants, served on 127.0.0.1, and prints the four category scores
(performance, accessibility, best practices, SEO; 95 or more is the aim). Nothing is fetched
from another host. The affiliate site is noindex by design (`X-Robots-Tag` in its headers), but
the static server used here sends no headers, so its SEO score is the pages' own.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import tempfile
from pathlib import Path

from tests.browser import serve_dir

ROOT = Path(__file__).resolve().parent.parent
LIGHTHOUSE = ROOT / "node_modules/lighthouse/cli/index.js"
PAGES = {"home": "", "record": "clauses/disclosure-updates/"}
CATEGORIES = ("performance", "accessibility", "best-practices", "seo")
CHROME_FLAGS = "--headless --no-sandbox --disable-gpu --disable-background-networking " \
               "--disable-component-update --no-first-run"


def scores(url: str) -> tuple[dict[str, int], list[str]]:
    """The four category scores, and the audits that cost points outside performance."""
    with tempfile.TemporaryDirectory() as scratch:
        out = Path(scratch) / "report.json"
        subprocess.run(["node", str(LIGHTHOUSE), url, "--quiet", "--output=json", f"--output-path={out}",
                        f"--only-categories={','.join(CATEGORIES)}", f"--chrome-flags={CHROME_FLAGS}",
                        "--form-factor=mobile", "--throttling-method=simulate"],
                       check=True, env={**os.environ, "CHROME_PATH": "/usr/bin/chromium"},
                       cwd=scratch)
        report = json.loads(out.read_text())
    failed = sorted({ref["id"] for c in CATEGORIES[1:] for ref in report["categories"][c]["auditRefs"]
                     if ref.get("weight") and (report["audits"][ref["id"]].get("score") or 0) < 1})
    return {c: round(report["categories"][c]["score"] * 100) for c in CATEGORIES}, failed


def main() -> int:
    if not LIGHTHOUSE.is_file():
        sys.exit("node_modules is missing: run `npm ci --no-audit --no-fund`")
    low = 0
    print("| variant | page | " + " | ".join(CATEGORIES) + " | audits failed (not performance) |")
    print("|---|---|" + "---|" * (len(CATEGORIES) + 1))
    for variant in ("public", "affiliates"):
        site = ROOT / "site" / variant
        if not (site / "index.html").is_file():
            sys.exit(f"{site} is not built: run `make site` first")
        with serve_dir(site) as base:
            for name, path in PAGES.items():
                found, failed = scores(base + path)
                low += sum(v < 95 for v in found.values())
                print(f"| {variant} | {name} | " + " | ".join(str(found[c]) for c in CATEGORIES)
                      + f" | {', '.join(failed) or '-'} |", flush=True)
    return 1 if low else 0


if __name__ == "__main__":
    sys.exit(main())
