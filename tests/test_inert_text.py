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


def test_markdown_on_the_page_is_the_markdown_check_judged(tmp_path: Path) -> None:
    # a field check judges alone must mean the same where the page puts it: an indented first
    # line is code (no `trim` on the page), an indented code block in a point stays code inside
    # the list item, and a line separator (U+2028) starts no line on the page, where check saw none
    project = make_hub(tmp_path / "hub", FIXTURES / "tiny" / "content")
    tool = project.content / "tools/qa-tool.yml"
    doc = yaml.safe_load(tool.read_text(encoding="utf-8"))
    doc["body"] = "    <img src=x onerror=zq1()>\n\nMore text."
    tool.write_text(yaml.safe_dump(doc, allow_unicode=True), encoding="utf-8")
    takeaway = project.content / "takeaways/tiny-takeaways.yml"
    doc = yaml.safe_load(takeaway.read_text(encoding="utf-8"))
    doc["sections"][0]["points"] = ["First.\n\n    <img src=x onerror=zq2()>",
                                    "See [x][g]\u2028[g]: javascript:zq3()", "Fine."]
    takeaway.write_text(yaml.safe_dump(doc, allow_unicode=True), encoding="utf-8")
    _, problems = check_project(project)
    assert [p for p in problems if p.severity == "error"] == []
    build(project, ("public",))
    pages = [p.read_bytes() for p in project.site_dir("public").rglob("*.html")]
    live = [b"<img src=x onerror=zq1()>", b"<img src=x onerror=zq2()>", b'href="javascript:zq3()"']
    assert [markup for markup in live if any(markup in page for page in pages)] == []
    assert any(b"&lt;img src=x onerror=zq1()&gt;" in page for page in pages)  # shown as code


def test_a_point_starting_with_spaces_is_refused(tmp_path: Path) -> None:
    project = make_hub(tmp_path / "hub", FIXTURES / "tiny" / "content")
    takeaway = project.content / "takeaways/tiny-takeaways.yml"
    doc = yaml.safe_load(takeaway.read_text(encoding="utf-8"))
    doc["sections"][0]["points"] = ["    <img src=x onerror=zq4()>"]
    takeaway.write_text(yaml.safe_dump(doc, allow_unicode=True), encoding="utf-8")
    _, problems = check_project(project)
    assert [(p.field, p.message.split(":")[0]) for p in problems if p.severity == "error"] == [
        ("sections[0].points[0]", "starts with spaces")]
