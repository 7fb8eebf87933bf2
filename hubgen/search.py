"""Build a variant's search index from its built pages, after the engine (Pagefind).

The hub owns its search: whatever engine wrote the pages, the index is made here from the
HTML they hold, so search looks and answers the same under MkDocs, ProperDocs or Zensical.
Pagefind indexes only elements marked `data-pagefind-body` (record, theme and event pages'
articles, see templates/overrides/main.html), skips what is marked `data-pagefind-ignore`
(breadcrumbs, lists of other records), stems words in the language of each page's `lang`
(mkdocs.yml `theme.language`), and writes a chunked index to `pagefind/` that the browser
loads a piece at a time (templates/assets/search.js). Its binary ships inside the pinned
`pagefind_bin` wheel: nothing is downloaded, at build time or in the browser.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

from hubgen.errors import HubError, Problem

BUNDLE = "pagefind"  # the index's folder inside the site
# What Pagefind writes that the hub's own search interface does not use (its ready-made
# interfaces): left out of the published site, which carries only what it loads.
UNUSED = ("pagefind-ui.js", "pagefind-ui.css", "pagefind-modular-ui.js", "pagefind-modular-ui.css",
          "pagefind-component-ui.js", "pagefind-component-ui.css", "pagefind-highlight.js")


def pagefind_command(site: Path) -> list[str]:
    """The indexer: `python -m pagefind` runs the binary of the pinned `pagefind_bin` wheel.
    Permalink marks (`¶`) are the engine's, not the page's text."""
    return [sys.executable, "-m", "pagefind", "--site", str(site), "--output-subdir", BUNDLE,
            "--exclude-selectors", ".headerlink", "--silent"]


def index_site(site: Path, shown: str) -> None:
    """Write the search index of the built site `site` into `site/pagefind/` (`shown` names
    the site in an error). Pagefind reads settings from `pagefind.*` files in its working
    folder and from PAGEFIND_* variables: it runs inside the site, with neither."""
    env = {k: v for k, v in os.environ.items() if not k.startswith("PAGEFIND_")}
    result = subprocess.run(pagefind_command(site), cwd=site, env=env, capture_output=True, text=True)
    if result.returncode != 0 or not (site / BUNDLE / "pagefind.js").is_file():
        lines = (result.stdout + result.stderr).strip().splitlines()[-5:] or ["no index was written"]
        raise HubError([Problem(shown, 0, 0, f"search index: {line.strip()}") for line in lines])
    for name in UNUSED:
        path = site / BUNDLE / name
        if path.is_file():
            path.unlink()
    shutil.rmtree(site / BUNDLE / "playground", ignore_errors=True)
