"""Lighthouse scores of the built sites: `make lighthouse` (after `make site`).

Runs Lighthouse 12 (npm, pinned in package.json) with Debian's Chromium against the home page
and a record page of both variants, served on 127.0.0.1 as Netlify serves them (the headers of
the site's `_headers` file, text gzip-compressed; `--uncompressed` measures without
compression), and prints the four category scores (performance, accessibility, best
practices, SEO; 95 or more is the aim). Nothing is fetched from another host.

The affiliate site is kept out of search engines on purpose (it is confidential: the robots
meta of its pages and its `X-Robots-Tag` header), so Lighthouse's "is-crawlable" audit fails
there and its SEO score is low. For that site this script checks, from Lighthouse's report,
that "is-crawlable" is the only SEO audit that fails, and says so; the exit status is non-zero
if any other score is under 95, if another SEO audit fails, or if the affiliate site is found
crawlable.
"""

from __future__ import annotations

import argparse
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
NOT_INDEXED = "is-crawlable"  # fails on the affiliate site by design: it must not be indexed


def run_lighthouse(url: str) -> dict:
    """Lighthouse's JSON report of one page (a phone on a slow line, simulated)."""
    with tempfile.TemporaryDirectory() as scratch:
        out = Path(scratch) / "report.json"
        subprocess.run(["node", str(LIGHTHOUSE), url, "--quiet", "--output=json", f"--output-path={out}",
                        f"--only-categories={','.join(CATEGORIES)}", f"--chrome-flags={CHROME_FLAGS}",
                        "--form-factor=mobile", "--throttling-method=simulate"],
                       check=True, env={**os.environ, "CHROME_PATH": "/usr/bin/chromium"},
                       cwd=scratch)
        return json.loads(out.read_text())


def failed_audits(report: dict, category: str) -> tuple[list[str], int]:
    """The scored audits of a category that did not pass, and how many scored audits it has."""
    scored = [ref["id"] for ref in report["categories"][category]["auditRefs"]
              if ref.get("weight") and report["audits"][ref["id"]].get("score") is not None]
    return sorted(a for a in scored if report["audits"][a]["score"] < 1), len(scored)


def judge(variant: str, report: dict) -> tuple[dict[str, int], list[str], list[str]]:
    """The scores, the audits that cost points outside performance, and what is wrong."""
    found = {c: round(report["categories"][c]["score"] * 100) for c in CATEGORIES}
    failed = sorted({a for c in CATEGORIES[1:] for a in failed_audits(report, c)[0]})
    seo_failed, seo_scored = failed_audits(report, "seo")
    wrong = [f"{c} {found[c]} < 95" for c in CATEGORIES if found[c] < 95 and c != "seo"]
    if variant == "affiliates":
        if seo_failed != [NOT_INDEXED]:
            wrong.append(f"SEO audits failed: {', '.join(seo_failed) or 'none'} "
                         f"(expected only {NOT_INDEXED})")
    elif found["seo"] < 95:
        wrong.append(f"seo {found['seo']} < 95")
    if variant == "affiliates" and seo_failed == [NOT_INDEXED]:
        failed = [f"{NOT_INDEXED} (deliberately: noindex; the other {seo_scored - 1} SEO audits pass)"
                  if a == NOT_INDEXED else a for a in failed]
    return found, failed, wrong


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--uncompressed", action="store_true",
                        help="serve text as stored, not gzip-compressed")
    compress = not parser.parse_args().uncompressed
    if not LIGHTHOUSE.is_file():
        sys.exit("node_modules is missing: run `npm ci --no-audit --no-fund`")
    problems = []
    print(f"Served with the sites' _headers, text {'gzip-compressed' if compress else 'uncompressed'}; "
          "a phone on a slow line, simulated.")
    print("| variant | page | " + " | ".join(CATEGORIES) + " | audits failed (not performance) |")
    print("|---|---|" + "---|" * (len(CATEGORIES) + 1))
    for variant in ("public", "affiliates"):
        site = ROOT / "site" / variant
        if not (site / "index.html").is_file():
            sys.exit(f"{site} is not built: run `make site` first")
        with serve_dir(site, with_headers=True, compress=compress) as base:
            for name, path in PAGES.items():
                found, failed, wrong = judge(variant, run_lighthouse(base + path))
                problems += [f"{variant} {name}: {w}" for w in wrong]
                print(f"| {variant} | {name} | " + " | ".join(str(found[c]) for c in CATEGORIES)
                      + f" | {', '.join(failed) or '-'} |", flush=True)
    for problem in problems:
        print(problem, file=sys.stderr)
    return 1 if problems else 0


if __name__ == "__main__":
    sys.exit(main())
