"""Unsafe content is refused with its place; YAML's implicit types never reach a page."""

from __future__ import annotations

import html
import re

import pytest

from hubgen.build import build
from hubgen.project import Project
from hubgen.validate import check_project
from tests.conftest import run_hubgen, write

TOOL = "title: A tool\nsummary: A summary.\nprovider: P\nkind: guidance\nthemes: [disclosures]\n"
URL_RULE = "links must start with https:// (or be a mailto: address)"


@pytest.mark.parametrize("extra, expected", [
    ("body: |\n  Hello\n  <script>alert(1)</script>\n",
     "6:7: body: raw HTML `<script>` is not allowed; remove it (embed nothing: link to the page instead)"),
    ("body: |\n  Para\n  {: onclick=\"steal()\" }\n",
     "6:7: body: the `onclick` attribute is not allowed (it runs script); remove it"),
    ("affiliate_note: '<iframe src=\"https://example.org\"></iframe>'\n",
     "6:17: affiliate_note: raw HTML `<iframe>` is not allowed; remove it (embed nothing: link to the "
     "page instead)"),
    ("body: See [this](javascript:alert(1)).\n",
     f"6:7: body: the link `javascript:alert(1)` uses `javascript:`; {URL_RULE}"),
    ("body: '<img src=\"/x.png\" onerror=\"alert(1)\">'\n",
     "6:7: body: the `onerror` attribute is not allowed (it runs script); remove it"),
    ("links:\n  - title: X\n    url: javascript:alert(1)\n",
     "8:10: links[0].url: `javascript:alert(1)` is not allowed; a link must start with https:// "
     "(or be a mailto: address)"),
])
def test_unsafe_content_is_reported_where_it_stands(tiny: Project, extra: str, expected: str) -> None:
    write(tiny, "tools/unsafe-tool.yml", TOOL + extra)
    _, problems = check_project(tiny)
    assert [str(p) for p in problems] == [f"content/tools/unsafe-tool.yml:{expected}"]


def test_plain_text_fields_are_escaped_not_rendered(tiny: Project) -> None:
    write(tiny, "tools/plain-tool.yml", TOOL.replace("title: A tool", "title: '<b>Bold</b> *tool*'")
          + "audience: public\nuse_for:\n  - '<script>alert(1)</script> [x](javascript:y)'\n")
    assert check_project(tiny)[1] == []
    build(tiny, ("public",))
    page = (tiny.site_dir("public") / "tools/plain-tool/index.html").read_text()
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in page
    assert "<script>alert(1)" not in page and 'href="javascript' not in page
    assert "&lt;b&gt;Bold&lt;/b&gt; *tool*" in page


@pytest.mark.parametrize("written", ["NO", "yes", "on", "012", "12:30", "1.10", "~x", "False"])
def test_implicitly_typed_values_reach_the_page_as_written(tiny: Project, written: str) -> None:
    write(tiny, "tools/typed-tool.yml", f"title: {written}\nsummary: {written}\nprovider: {written}\n"
          "kind: guidance\nthemes: [disclosures]\naudience: public\n")
    hub, problems = check_project(tiny)
    assert problems == []
    assert hub.records["tools/typed-tool"].record.title == written
    build(tiny, ("public",))
    page = (tiny.site_dir("public") / "tools/typed-tool/index.html").read_text()
    heading = re.search(r"<h1[^>]*>(.*?)</h1>", page).group(1)
    assert html.unescape(heading) == written


def test_check_prints_github_annotations(tiny: Project) -> None:
    write(tiny, "tools/bad-tool.yml", TOOL.replace("kind: guidance", "kind: banana"))
    result = run_hubgen("--project", str(tiny.root), "check", "--format", "github")
    assert result.returncode == 1
    assert [line for line in result.stdout.splitlines() if not line.startswith("::warning ")] == [
        "::error file=content/tools/bad-tool.yml,line=4,col=7,title=hubgen check::kind: `banana` is not "
        "allowed; use one of: guidance, questionnaire, template, training, ecolabel, certification, "
        "rating, calculator, database or other"]


def test_a_hash_that_would_cut_free_text_short_is_reported(tiny: Project) -> None:
    write(tiny, "tools/hash-tool.yml", "title: Tool #2\nsummary: 'S #1'\nthemes: [disclosures]  # ok\n"
          "provider: P\nkind: rating  # a comment after a fixed value is fine\n")
    _, problems = check_project(tiny)
    assert [str(p) for p in problems] == [
        'content/tools/hash-tool.yml:1:8: title: the text after ` #` is a YAML comment and would be '
        'dropped; if it belongs to the value, quote it all: "Tool #2"']
