"""The benchmark: `make bench` (N = 100, 1,000, 10,000) writes bench/RESULTS.md and prints it.

    python -m bench.run [--sizes 100 1000 10000] [--out bench/RESULTS.md] [--work DIR]
                        [--before REV] [--before-at N]

Every figure comes from this run on this machine; nothing is asserted. Times are wall-clock
seconds; where a figure is a median, the number of samples is given.
"""

from __future__ import annotations

import argparse
import contextlib
import datetime as dt
import json
import os
import platform
import shutil
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from importlib.metadata import version
from pathlib import Path

from bench.synth import VOCABULARY, generate
from hubgen.engine import DEFAULT_ENGINE, ENGINES, installed_engines
from tests.browser import fetch, free_port

ROOT = Path(__file__).resolve().parent.parent
HUBGEN = [sys.executable, "-m", "hubgen"]
ENGINE_ENV = {**os.environ, "NO_MKDOCS_2_WARNING": "1", "SOURCE_DATE_EPOCH": "1767225600"}
TARGETS = {
    "build ratio at N=1,000 and N=10,000": "≤ 1.2",
    "hubgen share at N=10,000": "< 10%",
    "peak memory at N=10,000, both variants": "< 1 GB",
    "median record page at every N": "< 40 KB",
    "preview latency at N=1,000": "≤ 0.5 s",
    "hubgen check at N=10,000": "< 2 s",
    "first search results after page load at N=10,000": "< 1.5 s (stretch < 1 s)",
    "later search query at N=10,000": "< 300 ms (stretch < 200 ms)",
    "search index build, both variants, at N=10,000": "reported (stretch < 15 s)",
    "engine time at N=1,000 against the templates before": "≤ 75%",
}
# The code and templates just before hubgen's pieces became HTML (issue 15): the engine's time on
# the pages they generate is measured in the same run, on the same hub, for comparison.
BEFORE = "8432a25"


# -- measuring ------------------------------------------------------------------------------------

# The kernel walks a process's page tables to report its PSS: about 5 ms for 600 MB. Sampled
# every 20 ms, four such processes kept a core busy and slowed the build being measured.
SAMPLE_EVERY = 0.25


def _children(pid: int) -> list[int]:
    found = []
    with contextlib.suppress(OSError):
        for task in os.listdir(f"/proc/{pid}/task"):
            with open(f"/proc/{pid}/task/{task}/children") as handle:
                found += [int(c) for c in handle.read().split()]
    return found


def _rss(pid: int) -> int:
    """A process's proportional set size: its resident memory, with pages shared with other
    processes (a forked child's copy-on-write pages, shared libraries) split between them, so
    that summing a tree counts each page once. Resident size where the kernel has no PSS."""
    for name, key in ((f"/proc/{pid}/smaps_rollup", "Pss:"), (f"/proc/{pid}/status", "VmRSS:")):
        with contextlib.suppress(OSError), open(name) as handle:
            for line in handle:
                if line.startswith(key):
                    return int(line.split()[1]) * 1024
    return 0


def tree_rss(pid: int) -> int:
    """Memory of a process and all its descendants (summed PSS), in bytes."""
    total, todo = 0, [pid]
    while todo:
        current = todo.pop()
        total += _rss(current)
        todo += _children(current)
    return total


def measured(cmd: list[str], cwd: Path | None = None, env: dict | None = None) -> tuple[float, int]:
    """Run `cmd`; return its wall time and the peak memory of its whole process tree."""
    start = time.perf_counter()
    process = subprocess.Popen(cmd, cwd=cwd, env=env or ENGINE_ENV, stdout=subprocess.DEVNULL,
                               stderr=subprocess.PIPE, text=True)
    peak = 0

    def sample() -> None:
        nonlocal peak
        while process.poll() is None:
            peak = max(peak, tree_rss(process.pid))
            time.sleep(SAMPLE_EVERY)

    sampler = threading.Thread(target=sample, daemon=True)
    sampler.start()
    _, err = process.communicate()
    wall = time.perf_counter() - start
    sampler.join()
    if process.returncode != 0:
        raise SystemExit(f"{' '.join(cmd)} failed:\n{err}")
    return wall, peak


def stage_times(hub_dir: Path) -> dict[str, float]:
    """hubgen's stages one after the other, in this process, on the hub at `hub_dir`."""
    from hubgen.build import generate as generate_files
    from hubgen.build import today
    from hubgen.config import load_base
    from hubgen.load import load_file
    from hubgen.project import Project
    from hubgen.render import HubView
    from hubgen.scan import affiliate_material, scan_site
    from hubgen.select import select
    from hubgen.validate import check_project
    from hubgen.write import write_tree

    project = Project.at(hub_dir)
    files = sorted(project.content.rglob("*.yml"))
    times = {}
    start = time.perf_counter()
    for path in files:
        load_file(path, project.shown(path))
    times["load"] = time.perf_counter() - start
    start = time.perf_counter()
    hub, problems = check_project(project, parallel=False)
    assert not problems, problems[:3]
    times["validate"] = max(0.0, time.perf_counter() - start - times["load"])  # check = load + validate
    start = time.perf_counter()
    selected = {v: select(hub, v) for v in ("public", "affiliates")}
    times["select"] = time.perf_counter() - start
    base, day = load_base(project), today()
    start = time.perf_counter()
    generated = {v: generate_files(project, HubView(selected[v], v, day), base) for v in selected}
    times["render"] = time.perf_counter() - start
    with tempfile.TemporaryDirectory() as scratch:
        start = time.perf_counter()
        for variant, tree in generated.items():
            write_tree(Path(scratch) / variant, tree)
        times["write"] = time.perf_counter() - start
    start = time.perf_counter()
    needles = affiliate_material(hub, selected["public"])
    leaks = scan_site(project.site_dir("public"), needles)
    times["scan"] = time.perf_counter() - start
    assert not leaks, leaks[:3]
    return times


def page_figures(site: Path) -> dict[str, float]:
    pages = list(site.rglob("*.html"))
    records = [p.stat().st_size for p in pages
               if p.parent.parent.name in ("tools", "webinars", "clauses", "events", "takeaways")]
    return {
        "pages": len(pages),
        "median record page KB": statistics.median(records) / 1024,
        "largest page KB": max(p.stat().st_size for p in pages) / 1024,
        "search index MB": sum(p.stat().st_size for p in (site / "pagefind").rglob("*") if p.is_file()) / 1e6,
        "search index files": sum(1 for p in (site / "pagefind").rglob("*") if p.is_file()),
    }


SETTLE = 3.0  # seconds between saves: the pages citing an edit follow it within about 1.5 s


def preview_latency(hub_dir: Path, edits: int = 7, settle: float = SETTLE) -> list[float]:
    """Seconds from saving an edited record to `hubgen serve` serving the updated page, with
    `settle` seconds between saves."""
    port = free_port()
    process = subprocess.Popen([*HUBGEN, "--project", str(hub_dir), "serve", "--variant", "affiliates",
                                "--port", str(port)], stdout=subprocess.DEVNULL,
                               stderr=subprocess.DEVNULL, env=ENGINE_ENV)
    record = hub_dir / "content/tools/tool-00001.yml"
    original = record.read_text()
    base = f"http://127.0.0.1:{port}/tools/tool-00001/"
    latencies = []
    try:
        deadline = time.monotonic() + 600
        while True:
            with contextlib.suppress(OSError):
                fetch(base)
                break
            if time.monotonic() > deadline or process.poll() is not None:
                raise SystemExit("hubgen serve did not start")
            time.sleep(0.2)
        time.sleep(1.0)
        for number in range(edits):
            token = f"Edited {number} {time.time_ns()}"
            text = "\n".join(f'title: "{token}"' if line.startswith("title:") else line
                             for line in original.splitlines()) + "\n"
            saved = time.perf_counter()
            record.write_text(text)
            while token not in fetch(base):
                if time.perf_counter() - saved > 60:
                    raise SystemExit("the preview never showed the edit")
                time.sleep(0.01)
            latencies.append(time.perf_counter() - saved)
            time.sleep(settle)
    finally:
        record.write_text(original)
        process.terminate()
        process.wait(timeout=30)
    return latencies


# The header's search box (templates/assets/search.js), as a reader uses it: the query is put in
# the box and the time taken until its first results are shown (search.js marks the list with
# the query it answers).
SEARCH_JS = """async (query) => {
  const input = document.querySelector('#hub-search-input');
  const popup = document.querySelector('#hub-search-popup');
  const started = performance.now();
  input.focus();
  input.value = query;
  input.dispatchEvent(new Event('input', {bubbles: true}));
  while (popup.getAttribute('data-hub-query') !== query) {
    await new Promise(r => setTimeout(r, 1));
    if (performance.now() - started > 60000) return -1;
  }
  return performance.now() - started;
}"""


# terms of the field, each on many pages, and two rarer words (on about a quarter of the pages,
# and a few in a hundred), as a reader would search
LATER_QUERIES = ("remedy", "disclosure evidence", "market", VOCABULARY[150], "worker rights",
                 VOCABULARY[1500], "union")


def search_figures(site: Path, query_js: str = SEARCH_JS) -> dict[str, float]:
    """In Chromium: ms from page load until the first query's first results are shown (by
    `query_js`, which returns its own ms), and per later query."""
    sys.path.insert(0, str(ROOT))
    from tests.browser import chromium, serve_dir

    with serve_dir(site) as base, chromium() as browser:
        page = browser.new_page()
        page.goto(base, wait_until="load")
        loaded = page.evaluate("performance.now()")
        first = page.evaluate(query_js, "supplier")
        ready = page.evaluate("performance.now()") - loaded
        queries = [page.evaluate(query_js, q) for q in LATER_QUERIES]
        page.close()
    return {"search ready ms": ready, "first query ms": first,
            "query ms (median of 7)": statistics.median(queries)}


# -- the run --------------------------------------------------------------------------------------

def machine() -> str:
    cpu = "unknown CPU"
    with contextlib.suppress(OSError), open("/proc/cpuinfo") as handle:
        for line in handle:
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
    memory = os.sysconf("SC_PAGE_SIZE") * os.sysconf("SC_PHYS_PAGES") / 2**30
    return (f"{os.cpu_count()} cores ({cpu}), {memory:.0f} GiB memory, {platform.system()} "
            f"{platform.release()}, Python {platform.python_version()}, ProperDocs {version('properdocs')} "
            f"(the engine unless said), MkDocs {version('mkdocs')}, Material {version('mkdocs-material')}"
            + "".join(f", Zensical {version('zensical')}" for e in installed_engines() if e.name == "zensical"))


def engine_figures(hub: Path) -> dict[str, dict[str, float]]:
    """`hubgen build --variant affiliates` (the larger site, whose engine decides how long a
    build takes) of the same hub with each installed engine, one after the other in this run
    (the generated project is the same for all, so only the engine differs), and for Zensical a
    second build with nothing changed, which its cache makes warm."""
    figures: dict[str, dict[str, float]] = {}
    for engine in installed_engines():
        command = [*HUBGEN, "--project", str(hub), "build", "--variant", "affiliates", "--engine", engine.name]
        shutil.rmtree(hub / "build/public/.cache", ignore_errors=True)  # cold: no engine's cache
        shutil.rmtree(hub / "build/affiliates/.cache", ignore_errors=True)
        figures[engine.name] = {"build s": measured(command)[0]}
        if engine.name == "zensical":
            figures[engine.name]["warm rebuild s"] = measured(command)[0]
    for row in figures.values():
        row["ratio"] = row["build s"] / figures[DEFAULT_ENGINE]["build s"]
        if "warm rebuild s" in row:
            row["warm ratio"] = row["warm rebuild s"] / figures[DEFAULT_ENGINE]["build s"]
    return figures


def bench_size(n: int, work: Path, with_preview: bool, with_check: bool, before: str | None = None,
               with_engines: bool = False) -> dict:
    hub = generate(n, work / f"hub-{n}", seed=n)
    result: dict = {"N": n}
    timings = work / f"timings-{n}.json"
    result["build wall s"], result["peak memory MB"] = (
        lambda wp: (wp[0], wp[1] / 1e6))(measured([*HUBGEN, "--project", str(hub), "build",
                                                   "--timings", str(timings)]))
    inside = json.loads(timings.read_text())
    result["engine public s"] = inside["engine:public"]
    result["engine affiliates s"] = inside["engine:affiliates"]
    result["index public s"] = inside["index:public"]
    result["index affiliates s"] = inside["index:affiliates"]
    # Pagefind's indexing is, like the engines, another program's work: reported on its own
    own = sum(v for k, v in inside.items() if not k.startswith(("engine", "index")) and k != "total")
    result["hubgen own s (in the build)"] = own
    result["stages in the build"] = {k: v for k, v in inside.items()
                                     if not k.startswith(("engine", "index")) and k != "total"}
    plain_site = work / f"plain-{n}"
    shutil.rmtree(plain_site, ignore_errors=True)
    result["plain engine s"], _ = measured(ENGINES[DEFAULT_ENGINE].command(hub / "build/affiliates/mkdocs.yml",
                                                                           plain_site))
    result["build ratio"] = result["build wall s"] / result["plain engine s"]
    result["hubgen share"] = own / result["build wall s"]
    result["hubgen share with the index"] = (own + result["index public s"] + result["index affiliates s"]) / result["build wall s"]
    result["stages"] = stage_times(hub)
    result["public"] = page_figures(hub / "site/public")
    result["affiliates"] = page_figures(hub / "site/affiliates")
    if with_check:
        result["check s (median of 3)"] = statistics.median(
            measured([*HUBGEN, "--project", str(hub), "check"])[0] for _ in range(3))
    if with_preview:
        latencies = preview_latency(hub)
        result["preview latency s (median)"] = statistics.median(latencies)
        result["preview latencies s"] = latencies
        result["preview latency s, saves 0.5 s apart (median)"] = statistics.median(
            preview_latency(hub, settle=0.5))
    if before:
        result["before"] = engine_before_after(hub, work, before)
    result["search"] = search_figures(hub / "site/affiliates")
    if with_engines:
        result["engines"] = engine_figures(hub)  # last: it leaves the site of the last engine
    return result


def engine_before_after(hub: Path, work: Path, rev: str) -> dict:
    """The engine's time on the pages hubgen generates now and on those the code and templates
    of `rev` generate from the same hub: the plain engine on each generated affiliate project,
    one after the other, median of 3, and the engines inside each build."""
    source = work / f"source-{rev}"
    if not source.is_dir():
        source.mkdir(parents=True)
        archive = subprocess.run(["git", "-C", str(ROOT), "archive", rev, "hubgen", "templates", "mkdocs.yml"],
                                 check=True, capture_output=True).stdout
        subprocess.run(["tar", "-x", "-C", str(source)], input=archive, check=True)
    before = work / f"{hub.name}-before"
    shutil.rmtree(before, ignore_errors=True)
    shutil.copytree(hub / "content", before / "content")
    shutil.copytree(source / "templates", before / "templates")
    shutil.copy(source / "mkdocs.yml", before / "mkdocs.yml")
    timings = work / "timings-before.json"
    # run from the old source folder, so that `-m hubgen` imports the old code; only the project
    # it generates (written before its engines run) is needed, so a failing old build is noted
    old = subprocess.run([*HUBGEN, "--project", str(before), "build", "--timings", str(timings)], cwd=source,
                         env={**ENGINE_ENV, "PYTHONPATH": str(source)}, capture_output=True, text=True)
    found: dict = {"rev": rev, "old build failed": old.returncode != 0}
    for name, project in (("before", before), ("after", hub)):
        runs = []
        out = work / f"plain-{name}"
        for _ in range(3):
            shutil.rmtree(out, ignore_errors=True)
            runs.append(measured([sys.executable, "-m", "mkdocs", "build", "-q", "-f",
                                  str(project / "build/affiliates/mkdocs.yml"), "-d", str(out)],
                                 env=ENGINE_ENV)[0])
        found[f"plain engine s, {name}"] = statistics.median(runs)
        found[f"median record page KB, {name}"] = page_figures(out)["median record page KB"]
    if timings.is_file() and not found["old build failed"]:
        inside = json.loads(timings.read_text())
        found["engines in the build s, before"] = inside["engine:public"] + inside["engine:affiliates"]
    return found


def _f(value: float, digits: int = 2) -> str:
    return f"{value:,.{digits}f}"


def search_section(results: list[dict]) -> list[str]:
    """The report's table of pages and search, and how search is measured."""
    f = _f
    lines = ["", "## Pages and search", "",
             "| N | median record page (public / affiliates) | largest page | search index built "
             "(public / affiliates) | search index size (public / affiliates) | first results after "
             "page load | first query | later query (median of 7) |",
             "|---|---|---|---|---|---|---|---|"]
    for r in results:
        p, a, s = r["public"], r["affiliates"], r["search"]
        lines.append(
            f"| {r['N']:,} | {f(p['median record page KB'], 1)} / {f(a['median record page KB'], 1)} KB "
            f"| {f(max(p['largest page KB'], a['largest page KB']), 0)} KB "
            f"| {f(r['index public s'], 1)} / {f(r['index affiliates s'], 1)} s "
            f"| {f(p['search index MB'], 1)} MB in {p['search index files']:,} files / "
            f"{f(a['search index MB'], 1)} MB in {a['search index files']:,} files "
            f"| {f(s['search ready ms'], 0)} ms | {f(s['first query ms'], 0)} ms "
            f"| {f(s['query ms (median of 7)'], 0)} ms |")
    lines += ["", "Search is the hub's own (Pagefind's index, built by hubgen after each engine from the "
              "built pages; the public index while the affiliate engine still runs). It is measured on "
              "the affiliate site in headless Chromium through the header's search box: \"first results "
              "after page load\" is the time from the page's load event until the first query's first "
              "results are shown (Pagefind loads its script, WebAssembly and the index chunks the query "
              "needs); a later query is timed from the input to its results shown. Queries: `supplier` "
              "first, then field terms found on many pages and two rarer words "
              f"(`{LATER_QUERIES[3]}`, `{LATER_QUERIES[5]}`)."]
    return lines


def search_targets(r: dict) -> list[str]:
    """The search targets' rows of the report, from the figures at N = 10,000."""
    f = _f

    def row(name: str, value: str, met: bool, note: str | None) -> str:
        return f"| {name} | {TARGETS[name]} | {value} | {'yes' if met else 'no'}{f' ({note})' if note else ''} |"

    ready, later = r["search"]["search ready ms"], r["search"]["query ms (median of 7)"]
    index = r["index public s"] + r["index affiliates s"]
    return [row("first search results after page load at N=10,000", f"{f(ready, 0)} ms", ready < 1500,
                "stretch met" if ready < 1000 else None),
            row("later search query at N=10,000", f"{f(later, 0)} ms", later < 300,
                "stretch met" if later < 200 else None),
            row("search index build, both variants, at N=10,000",
                f"{f(index, 1)} s ({f(r['index public s'], 1)} + {f(r['index affiliates s'], 1)} s)", True,
                "stretch met" if index < 15 else "stretch missed")]


def bench_search(n: int, work: Path) -> dict:
    """Search alone (`--only search`): a hub of `n` records built, its index's time and size, and
    its search in Chromium."""
    hub = generate(n, work / f"hub-{n}", seed=n)
    timings = work / f"timings-{n}.json"
    wall, _ = measured([*HUBGEN, "--project", str(hub), "build", "--timings", str(timings)])
    inside = json.loads(timings.read_text())
    return {"N": n, "build wall s": wall, "index public s": inside["index:public"],
            "index affiliates s": inside["index:affiliates"], "public": page_figures(hub / "site/public"),
            "affiliates": page_figures(hub / "site/affiliates"), "search": search_figures(hub / "site/affiliates")}


def search_report(results: list[dict], started: dt.datetime, took: float) -> str:
    lines = ["# Search benchmark", "", f"Measured by `python -m bench.run --only search` on {started:%Y-%m-%d} "
             f"in {took / 60:.1f} minutes.", "", f"Machine: {machine()}.", ""]
    lines += [f"`hubgen build` at N = {r['N']:,}: {_f(r['build wall s'])} s." for r in results]
    lines += search_section(results)
    if any(r["N"] == 10000 for r in results):
        lines += ["", "## Targets", "", "| target | wanted | measured | met |", "|---|---|---|---|",
                  *search_targets(next(r for r in results if r["N"] == 10000))]
    return "\n".join(lines) + "\n"


def report(results: list[dict], started: dt.datetime, took: float) -> str:
    def f(value: float, digits: int = 2) -> str:
        return f"{value:,.{digits}f}"

    lines = ["# Benchmark results", "",
             f"Measured by `make bench` on {started:%Y-%m-%d} in {took / 60:.1f} minutes.", "",
             f"Machine: {machine()}.", "",
             "Synthetic hubs from `bench/synth.py` (all record types, bodies of a few paragraphs, "
             "links, cross references, events with takeaways, about 20% affiliate-only material). "
             "Wall-clock seconds on a shared machine: expect some noise between runs.", "",
             "## Build", "",
             "| N | pages (public / affiliates) | `hubgen build` | plain engine, affiliates | build ratio "
             "| engine public / affiliates (in the build) | hubgen's own stages | hubgen share | peak memory |",
             "|---|---|---|---|---|---|---|---|---|"]
    for r in results:
        lines.append(
            f"| {r['N']:,} | {r['public']['pages']:,} / {r['affiliates']['pages']:,} | {f(r['build wall s'])} s "
            f"| {f(r['plain engine s'])} s | **{f(r['build ratio'])}** | {f(r['engine public s'])} / "
            f"{f(r['engine affiliates s'])} s | {f(r['hubgen own s (in the build)'])} s "
            f"| **{r['hubgen share']:.1%}** | {f(r['peak memory MB'], 0)} MB |")
    stages = ("load+validate", "select", "render", "write", "scan", "headers")
    lines += ["", "hubgen's own stages inside the build. Stages that run side by side in several "
              "processes (the render children, and the scan's gathering in the build process) share "
              "the wall time they took in proportion to their CPU time, so the stages add up to the "
              "time hubgen worked and none is counted twice:", "",
              "| N | " + " | ".join(stages) + " |", "|---" * (len(stages) + 1) + "|"]
    for r in results:
        s = r["stages in the build"]
        lines.append(f"| {r['N']:,} | " + " | ".join(f"{f(s.get(k, 0.0))} s" for k in stages) + " |")
    lines += ["", "hubgen's stages, one after the other in one process (both variants):", "",
              "| N | load | validate | select | render | write | scan |", "|---|---|---|---|---|---|---|"]
    for r in results:
        s = r["stages"]
        lines.append(f"| {r['N']:,} | " + " | ".join(f"{f(s[k], 3)} s" for k in
                                                    ("load", "validate", "select", "render", "write", "scan"))
                     + " |")
    lines += search_section(results)
    lines += ["", "hubgen's share counts hubgen's own stages; Pagefind's indexing is another program's work, "
              "like the engines', and is reported on its own. Counted in, the share would be: "
              + ", ".join(f"{r['hubgen share with the index']:.1%} at N = {r['N']:,}" for r in results) + "."]
    for r in results:
        if "engines" not in r:
            continue
        lines += ["", "## Engines", "",
                  f"The affiliate site of the same hub of N = {r['N']:,} records, built by `hubgen build "
                  "--variant affiliates --engine ...` with each installed engine one after the other in "
                  "this run (the search index and headers included; the generated project is the same "
                  "for all). Zensical is built cold (no `.cache/`), then again with nothing changed (its "
                  "cache warm).", "",
                  "| engine | `hubgen build --variant affiliates` | ratio to ProperDocs |", "|---|---|---|"]
        for name, row in r["engines"].items():
            lines.append(f"| {name} | {f(row['build s'])} s | {f(row['ratio'])} |")
            if "warm rebuild s" in row:
                lines.append(f"| {name}, warm rebuild | {f(row['warm rebuild s'])} s | {f(row['warm ratio'])} |")
    lines.append("")
    for r in results:
        if "before" in r:
            b = r["before"]
            now = r["engine public s"] + r["engine affiliates s"]
            lines.append(
                f"The engine before and after hubgen's pieces became HTML, at N = {r['N']:,}: the plain "
                f"engine on the affiliate project generated by the code of `{b['rev']}` took "
                f"{f(b['plain engine s, before'])} s, on today's {f(b['plain engine s, after'])} s "
                f"(median of 3 each, one after the other; "
                f"**{b['plain engine s, after'] / b['plain engine s, before']:.0%}** of before)"
                + (f"; both engines inside the build {f(b['engines in the build s, before'])} s before, "
                   f"{f(now)} s now" if "engines in the build s, before" in b else "")
                + ". Median affiliate record page "
                f"{f(b['median record page KB, before'], 1)} KB before, "
                f"{f(b['median record page KB, after'], 1)} KB now.")
    lines.append("")
    for r in results:
        if "check s (median of 3)" in r:
            lines.append(f"`hubgen check` at N = {r['N']:,}: {f(r['check s (median of 3)'])} s "
                         "(median of 3, whole command).")
        if "preview latency s (median)" in r:
            lines.append(f"Preview latency at N = {r['N']:,}: median {f(r['preview latency s (median)'])} s "
                         f"over {len(r['preview latencies s'])} edits "
                         f"({', '.join(f(x) for x in r['preview latencies s'])}), each saved "
                         f"{SETTLE:.0f} s after the last, once the pages citing it had followed. "
                         "With saves 0.5 s apart, a save can wait for the previous one's listings "
                         "to build (MkDocs' server holds requests while it builds): median "
                         f"{f(r['preview latency s, saves 0.5 s apart (median)'])} s.")
    lines += ["", "## Targets", "", "| target | wanted | measured | met |", "|---|---|---|---|"]
    by_n = {r["N"]: r for r in results}

    def row(name: str, value: str, met: bool | None, note: str | None = None) -> None:
        verdict = "yes" if met else "no" if met is not None else "-"
        lines.append(f"| {name} | {TARGETS[name]} | {value} | {verdict}{f' ({note})' if note else ''} |")

    big = [n for n in (1000, 10000) if n in by_n]
    if big:
        ratios = [by_n[n]["build ratio"] for n in big]
        row("build ratio at N=1,000 and N=10,000", ", ".join(f(x) for x in ratios), max(ratios) <= 1.2)
    if 10000 in by_n:
        r = by_n[10000]
        row("hubgen share at N=10,000", f"{r['hubgen share']:.1%}", r["hubgen share"] < 0.10)
        row("peak memory at N=10,000, both variants", f"{f(r['peak memory MB'], 0)} MB",
            r["peak memory MB"] < 1000)
        row("hubgen check at N=10,000", f"{f(r['check s (median of 3)'])} s", r["check s (median of 3)"] < 2)
        lines += search_targets(r)
    medians = [max(r["public"]["median record page KB"], r["affiliates"]["median record page KB"])
               for r in results]
    row("median record page at every N", ", ".join(f"{f(m, 1)} KB" for m in medians), max(medians) < 40)
    if 1000 in by_n and "before" in by_n[1000]:
        b = by_n[1000]["before"]
        share = b["plain engine s, after"] / b["plain engine s, before"]
        row("engine time at N=1,000 against the templates before", f"{share:.0%}", share <= 0.75)
    if 1000 in by_n and "preview latency s (median)" in by_n[1000]:
        value = by_n[1000]["preview latency s (median)"]
        row("preview latency at N=1,000", f"{f(value)} s", value <= 0.5)
    return "\n".join(lines) + "\n"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--sizes", type=int, nargs="+", default=[100, 1000, 10000])
    parser.add_argument("--out", type=Path, default=ROOT / "bench/RESULTS.md")
    parser.add_argument("--work", type=Path, default=None, help="scratch folder (default: a temporary one)")
    parser.add_argument("--json", type=Path, default=None, help="also write the raw figures here")
    parser.add_argument("--before", default=BEFORE, help="git revision whose code and templates the "
                        "engine is compared with (default %(default)s; `none` to skip)")
    parser.add_argument("--before-at", type=int, default=1000, help="the N of that comparison")
    parser.add_argument("--engines-at", type=int, default=1000,
                        help="the N at which every installed engine builds the same hub")
    parser.add_argument("--only", choices=["search"], default=None,
                        help="measure only the search (build, index, Chromium); writes --out the same way")
    args = parser.parse_args()
    started, clock = dt.datetime.now(dt.UTC), time.perf_counter()
    def measure(n: int, work: Path) -> dict:
        if args.only == "search":
            return bench_search(n, work)
        before = args.before if n == args.before_at and args.before != "none" else None
        return bench_size(n, work, with_preview=n == 1000, with_check=n == max(args.sizes),
                          before=before, with_engines=n == args.engines_at)

    with tempfile.TemporaryDirectory(prefix="hubgen-bench-") as scratch:
        work = args.work or Path(scratch)
        work.mkdir(parents=True, exist_ok=True)
        results = []
        for n in args.sizes:
            print(f"N = {n:,} ...", flush=True)
            results.append(measure(n, work))
    text = (search_report if args.only == "search" else report)(results, started, time.perf_counter() - clock)
    args.out.write_text(text)
    if args.json:
        args.json.write_text(json.dumps(results, indent=2, default=str))
    print(text)


if __name__ == "__main__":
    main()
