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

import gzip
import hashlib
import json
import os
import shutil
import subprocess
import sys
from pathlib import Path
from typing import Any

import cbor2

from hubgen.engine import bound_to_this_process
from hubgen.errors import HubError, Problem
from hubgen.models import TYPES

BUNDLE = "pagefind"  # the index's folder inside the site
SIGNATURE = b"pagefind_dcd"  # what each of Pagefind's files starts with, once unzipped
# What Pagefind writes that the hub's own search interface does not use (its ready-made
# interfaces): left out of the published site, which carries only what it loads.
UNUSED = ("pagefind-ui.js", "pagefind-ui.css", "pagefind-modular-ui.js", "pagefind-modular-ui.css",
          "pagefind-component-ui.js", "pagefind-component-ui.css", "pagefind-highlight.js")


# The pages search can find: records' and themes' (`tools/<id>/index.html`). Pagefind reads
# no other page (the home page, listings: the "All records" page is 4 MB at 10,000 records),
# so it never indexes one, whatever its markup says.
INDEXED = "{" + ",".join((*TYPES, "themes")) + "}/*/index.html"


def pagefind_command(site: Path) -> list[str]:
    """The indexer: `python -m pagefind` runs the binary of the pinned `pagefind_bin` wheel.
    Permalink marks (`¶`) are the engine's, not the page's text."""
    return [sys.executable, "-m", "pagefind", "--site", str(site), "--output-subdir", BUNDLE,
            "--glob", INDEXED, "--exclude-selectors", ".headerlink", "--silent"]


def index_site(site: Path, shown: str) -> None:
    """Write the search index of the built site `site` into `site/pagefind/` (`shown` names
    the site in an error). Pagefind reads settings from `pagefind.*` files in its working
    folder and from PAGEFIND_* variables: it runs inside the site, with neither."""
    if not any(any(site.glob(f"{folder}/*/index.html")) for folder in (*TYPES, "themes")):
        return  # a variant with no record yet: nothing to search (Pagefind refuses to index nothing)
    env = {k: v for k, v in os.environ.items() if not k.startswith("PAGEFIND_")}
    result = subprocess.run(pagefind_command(site), cwd=site, env=env, capture_output=True, text=True,
                            preexec_fn=bound_to_this_process())  # no threads run
    if result.returncode != 0 or not (site / BUNDLE / "pagefind.js").is_file():
        lines = (result.stdout + result.stderr).strip().splitlines()[-5:] or ["no index was written"]
        raise HubError([Problem(shown, 0, 0, f"search index: {line.strip()}") for line in lines])
    for name in UNUSED:
        path = site / BUNDLE / name
        if path.is_file():
            path.unlink()
    shutil.rmtree(site / BUNDLE / "playground", ignore_errors=True)
    settle_filters(site / BUNDLE)


def settle_filters(bundle: Path) -> None:
    """Pagefind writes its filters, and each filter's values, in the order of a Rust hash map,
    which changes from run to run, and names files by a hash of what they hold: here the values
    are sorted and the filter files, and the metadata file naming them, renamed by a hash of
    their new text, so two builds of the same pages are byte-identical like the rest of the site."""
    entry_path = bundle / "pagefind-entry.json"
    entry = json.loads(entry_path.read_text(encoding="utf-8"))
    for language, about in entry["languages"].items():
        meta_path = bundle / f"pagefind.{about['hash']}.pf_meta"
        meta = _read(meta_path)
        for named in meta[3]:  # [filter, file] pairs (Pagefind 1.5's metadata layout)
            old = bundle / "filter" / f"{named[1]}.pf_filter"
            values = _read(old)
            values[1].sort(key=lambda value: value[0])
            named[1], packed = _packed(values, language, 7)
            old.unlink()
            (bundle / "filter" / f"{named[1]}.pf_filter").write_bytes(packed)
        meta[3].sort()
        about["hash"], packed = _packed(meta, language, 10)
        meta_path.unlink()
        (bundle / f"pagefind.{about['hash']}.pf_meta").write_bytes(packed)
    entry_path.write_text(json.dumps(entry, ensure_ascii=False, separators=(",", ":")), encoding="utf-8")


def _read(path: Path) -> Any:
    return cbor2.loads(gzip.decompress(path.read_bytes()).removeprefix(SIGNATURE))


def _packed(value: Any, language: str, digits: int) -> tuple[str, bytes]:
    """`value` as Pagefind writes it (gzip of its signature and CBOR), and the name Pagefind's
    other files know it by (the language and a hash of the text)."""
    data = SIGNATURE + cbor2.dumps(value)
    return f"{language}_{hashlib.sha256(data).hexdigest()[:digits]}", gzip.compress(data, mtime=0)
