"""Whatever an editor writes is text on every page unless it is Markdown that `check` judged safe.

Generated, not listed: a payload that would open a tag, close an attribute and run a script goes
into every string of every content file (records, themes, hub.yml); the fields `check` refuses
it in (Markdown fields, ids, addresses, dates) get their own value back; every other field keeps
it. Both variants are built with the real engine, and no file of either site may hold the
payload as markup (HTML, the feed's XML): not in the page body hubgen writes, nor where the
engine's templates write titles and descriptions (`<title>`, `<meta>`, the header, the
navigation), nor in the security headers' list of allowed scripts.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import yaml

from hubgen.build import build
from hubgen.headers import parse_headers_file, script_hashes
from hubgen.load import field_name
from hubgen.validate import check_project
from tests.conftest import FIXTURES, make_hub


def payload(n: int) -> str:
    return f'"\'><b data-zq="{n}">zq{n}x</b><script>zq{n}()</script>'


def _plant(value: Any, loc: tuple, planted: dict[tuple, str], count: list[int]) -> Any:
    """`value` with the payload after every string in it; `planted` maps each place to its string."""
    if isinstance(value, str):
        count[0] += 1
        planted[loc] = value
        return value + " " + payload(count[0])
    if isinstance(value, dict):
        return {k: _plant(v, (*loc, k), planted, count) for k, v in value.items()}
    if isinstance(value, list):
        return [_plant(v, (*loc, i), planted, count) for i, v in enumerate(value)]
    return value


def _restore(doc: Any, loc: tuple, original: str) -> None:
    *parents, last = loc
    for key in parents:
        doc = doc[key]
    doc[last] = original


def test_what_editors_write_is_inert_text_on_every_page_of_both_sites(tmp_path: Path) -> None:
    project = make_hub(tmp_path / "hub", FIXTURES / "tiny" / "content")
    docs: dict[Path, Any] = {}
    planted: dict[Path, dict[tuple, str]] = {}
    count = [0]
    for path in sorted(project.content.rglob("*.yml")):
        planted[path] = {}
        docs[path] = _plant(yaml.safe_load(path.read_text(encoding="utf-8")), (), planted[path], count)
    for _ in range(6):  # the fields check refuses the payload in get their own value back
        for path, doc in docs.items():
            path.write_text(yaml.safe_dump(doc, allow_unicode=True, sort_keys=False), encoding="utf-8")
        _, problems = check_project(project)
        errors = [p for p in problems if p.severity == "error"]
        if not errors:
            break
        for problem in errors:
            path = project.root / problem.path
            for loc, original in list(planted[path].items()):
                name = field_name(loc)
                if not problem.field or name == problem.field or name.startswith((problem.field + ".",
                                                                                 problem.field + "[")):
                    _restore(docs[path], loc, original)
                    del planted[path][loc]
    else:
        raise AssertionError(f"check still refuses: {errors[:3]}")
    kept = sum(len(places) for places in planted.values())
    assert kept >= 40, f"only {kept} fields took the payload"

    build(project, ("public", "affiliates"))
    shown, markup, allowed = set(), [], []
    for variant in ("public", "affiliates"):
        site = project.site_dir(variant)
        for path in sorted(p for p in site.rglob("*") if p.is_file()):
            data = path.read_bytes()
            markup_file = path.suffix in (".html", ".xml", ".svg")  # a calendar's or the index's text is text
            if markup_file and (b"<b data-zq" in data.lower() or b"<script>zq" in data):
                markup.append(path.relative_to(project.root).as_posix())
            shown.update(n for n in range(1, count[0] + 1) if f"zq{n}x".encode() in data)
        policy = dict(parse_headers_file((site / "_headers").read_text())["/*"])["Content-Security-Policy"]
        allowed += [n for n in range(1, count[0] + 1) if script_hashes([f"zq{n}()".encode()])[0] in policy]
    assert markup == [], "an editor's text became markup in these files"
    assert allowed == [], "the security headers allow an editor's script"
    # the text itself is shown: escaped, not dropped
    assert len(shown) >= kept * 0.8, (len(shown), kept)
