"""Regression tests of issue 14: each hole a hostile review found, by its number there.

Each test builds or checks a hub the way an attacker or a careless editor would write it, and
fails on the code before the fix (a leak with exit 0, a traceback, a hang, a refused good hub).
"""

from __future__ import annotations

import os
import socket
import urllib.parse
from html.parser import HTMLParser

import pytest
import yaml
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from hubgen.build import build
from hubgen.config import load_base, variant_config
from hubgen.errors import HubError
from hubgen.load import field_name
from hubgen.models import (  # noqa: I001
    RECORD_MODELS,
    HubSettings,
    Line,
    Link,
    Model,
    Section,
    Session,
    Speaker,
    Text,
    Theme,
    Tool,
    Url,
    _kinds,
    leaves,
)
from hubgen.netlify import check_credentials, hub_words
from hubgen.project import Project
from hubgen.render import md_block, safe_url
from hubgen.safety import markdown_problems
from hubgen.scan import Material, affiliate_material, scan_site
from hubgen.select import select
from hubgen.validate import check_content, check_project
from tests.conftest import run_hubgen, write
from tests.test_leaks import readable

TOOL = "title: A tool\nsummary: A summary.\nprovider: P\nkind: guidance\nthemes: [disclosures]\n"
PUBLIC_TOOL = TOOL + "audience: public\n"


def messages(project: Project) -> list[str]:
    return [str(p) for p in check_project(project)[1]]


def the_problem(project: Project, rel: str, text: str) -> str:
    """Write `text` as content/`rel`, check the hub: the one problem found (none or more fail)."""
    write(project, rel, text)
    found = messages(project)
    assert len(found) == 1, found
    return found[0]


def takeaway(event: str, session: str, point: str) -> str:
    """A public takeaway of `event`, naming `session` (as YAML writes it), with one point."""
    return (f"title: Session points\nsummary: Points of a session.\nevent: {event}\nsession: {session}\n"
            f"themes: [disclosures]\naudience: public\npoints:\n  - {point}\n")


def public_site_with(project: Project, rel: str, text: str) -> str:
    """Write `text` as content/`rel`, build the public site with the real engine: its text."""
    write(project, rel, text)
    build(project, ("public",))
    return readable(project.site_dir("public"))


# 1. Pointers from public material to affiliate-only material

def test_1_a_public_takeaway_naming_an_affiliate_only_session_keeps_it_off_the_public_site(
        tiny: Project) -> None:
    write(tiny, "takeaways/session-takeaways.yml",
          takeaway("tiny-event", "Canary session golf", "Public marker quartz point."))
    build(tiny, ("public", "affiliates"))
    public = readable(tiny.site_dir("public"))
    assert "Public marker quartz point" in public
    assert "golf" not in public.lower()
    assert "Canary session golf" in readable(tiny.site_dir("affiliates"))


@pytest.mark.parametrize("body, where", [
    ("See [the tool](../tools/secret-tool.md).", "8:21"),
    ("See [the tool](/tools/secret-tool/).", "8:19"),
    ("See [the tool](https://hub.example.org/tools/secret-tool/).", "8:42"),
    ("See <https://affiliates.example.org/tools/secret-tool/>.", "8:39"),
    ("See [the tool][t].\n\n  [t]: ../../tools/secret-tool/", "10:14"),
    ("See [the tool](/%74ools/secret-tool/).", "8:27"),
    ("See [the tool](/tools&#47;secret-tool/).", "8:29"),
])
def test_1_a_public_body_linking_an_affiliate_only_record_is_reported(
        tiny: Project, body: str, where: str) -> None:
    write(tiny, "tools/pointing-tool.yml", PUBLIC_TOOL + f"body: |\n  {body}\n")
    pointer = (f"content/tools/pointing-tool.yml:{where}: body: points at `tools/secret-tool`, which is "
               "affiliate-only: the public site must not name it; remove the link, or make this text "
               "affiliate-only (move it into `affiliate_note`, or set `audience: affiliates` on its part)")
    found = messages(tiny)
    if "../tools/secret-tool/" in body:  # a relative link to a folder, which the site cannot
        # resolve either: refused as that first, at its field
        assert len(found) == 1 and "the link `../../tools/secret-tool/` leads to no page" in found[0], found
    else:
        assert found == [pointer]


def test_1_pointers_in_affiliate_only_parts_and_to_public_records_are_fine(tiny: Project) -> None:
    write(tiny, "tools/pointing-tool.yml", PUBLIC_TOOL
          + "body: See [the Q&A tool](../tools/qa-tool.md).\n"
          + "affiliate_note: See [the secret tool](../tools/secret-tool.md).\n"
          + "links:\n  - title: Secret\n    url: https://affiliates.example.org/tools/secret-tool/\n"
            "    audience: affiliates\n")
    assert messages(tiny) == []


def test_1_a_public_body_linking_a_theme_only_affiliates_use_is_reported(tiny: Project) -> None:
    write(tiny, "tools/pointing-tool.yml", PUBLIC_TOOL + "body: See [it](/themes/secret-theme/).\n")
    assert messages(tiny) == [
        "content/tools/pointing-tool.yml:7:17: body: points at the theme page `themes/secret-theme`, "
        "which the public site does not have (only affiliate-only records use the theme); remove the "
        "link, or make this text affiliate-only (move it into `affiliate_note`, or set "
        "`audience: affiliates` on its part)"]


# 2. A takeaway inherits its event's audience

def test_2_a_takeaway_of_an_affiliate_only_event_stating_no_audience_is_affiliate_only(
        tiny: Project) -> None:
    write(tiny, "hub.yml", (tiny.content / "hub.yml").read_text().replace(
        "default_audience: affiliates", "default_audience: public"))
    write(tiny, "events/secret-event.yml",
          (tiny.content / "events/secret-event.yml").read_text() + "audience: affiliates\n")
    write(tiny, "takeaways/quiet-takeaways.yml",
          "title: Quiet takeaways\nsummary: Canary quiet summary oak.\nevent: secret-event\n"
          "themes: [disclosures]\npoints:\n  - Canary quiet point pine.\n")
    hub = check_project(tiny)[0]
    assert hub.records["takeaways/quiet-takeaways"].audience == "affiliates"
    build(tiny, ("public",))
    public = readable(tiny.site_dir("public"))
    assert "quiet" not in public.lower()


def test_2_a_public_takeaway_of_an_affiliate_only_event_does_not_name_the_event(tiny: Project) -> None:
    text = takeaway("secret-event", "Canary event session khaki", "Public marker open point.")
    public = public_site_with(tiny, "takeaways/open-takeaways.yml", text)
    assert "Public marker open point" in public
    assert "secret-event" not in public and "khaki" not in public.lower()


# 11. Files that are not regular files

def test_11_what_is_not_a_regular_file_is_reported_before_any_read(tiny: Project, tmp_path) -> None:
    tools = tiny.content / "tools"
    os.mkfifo(tools / "pipe-tool.yml")                            # reading it would hang
    os.symlink("/dev/zero", tools / "zero-tool.yml")              # reading it would never end
    outside = tmp_path / "outside.yml"
    outside.write_text(TOOL)
    os.symlink(outside, tools / "outside-tool.yml")
    os.symlink(tools / "missing.yml", tools / "dangling-tool.yml")
    (tools / "folder-tool.yml").mkdir()
    sock = socket.socket(socket.AF_UNIX)
    sock.bind(str(tools / "socket-tool.yml"))
    write(tiny, "tools/pointing-tool.yml", TOOL + "related: [tools/pipe-tool]\n")
    try:
        found = messages(tiny)
    finally:
        sock.close()
    assert found == [
        "content/tools/dangling-tool.yml: is a link to "
        f"`{tools / 'missing.yml'}`, which does not exist; replace the link with the file itself, "
        "or remove it",
        "content/tools/folder-tool.yml: is a folder, not a record file; rename it so that it does not "
        "end in .yml, or move its files up",
        "content/tools/outside-tool.yml: is a link to something outside content/; copy the file into "
        "the hub instead of linking to it",
        "content/tools/pipe-tool.yml: is a named pipe, not a record file; remove it and write the "
        "record as a plain .yml file",
        "content/tools/pointing-tool.yml:6:11: related[0]: `tools/pipe-tool` does not exist (there is "
        "no content/tools/pipe-tool.yml); did you mean `tools/qa-tool`?",
        "content/tools/socket-tool.yml: is a socket, not a record file; remove it and write the record "
        "as a plain .yml file",
        "content/tools/zero-tool.yml: is a link to something outside content/; copy the file into the "
        "hub instead of linking to it",
    ]


def test_11_a_link_inside_the_hub_to_a_record_file_is_read(tiny: Project) -> None:
    os.symlink("qa-tool.yml", tiny.content / "tools/alias-tool.yml")
    assert messages(tiny) == []


def test_11_hub_yml_as_a_pipe_is_reported(tiny: Project) -> None:
    (tiny.content / "hub.yml").unlink()
    os.mkfifo(tiny.content / "hub.yml")
    assert messages(tiny) == ["content/hub.yml: is a named pipe, not a record file; remove it and "
                              "write the record as a plain .yml file"]


# 12. Values check accepts must build

@pytest.mark.parametrize("line, expected", [
    ("updated: 2202-03-01", "7:10: updated: `2202-03-01` is in the year 2202; dates must be between 1970 "
                            "and 2099: check the year"),
    ("updated: 0001-01-01", "7:10: updated: `0001-01-01` is in the year 1; dates must be between 1970 "
                            "and 2099: check the year"),
])
def test_12_far_dates_are_refused_with_their_line(tiny: Project, line: str, expected: str) -> None:
    write(tiny, "tools/dated-tool.yml", PUBLIC_TOOL + line + "\n")
    assert messages(tiny) == [f"content/tools/dated-tool.yml:{expected}"]


def test_12_far_webinar_times_and_huge_durations_are_refused(tiny: Project) -> None:
    write(tiny, "webinars/far-webinar.yml",
          "title: Far\nsummary: Far away.\nthemes: [disclosures]\n"
          "starts: 9999-12-31T23:00:00+00:00\nduration: 99999999999\n")
    assert messages(tiny) == [
        "content/webinars/far-webinar.yml:4:9: starts: `9999-12-31T23:00:00+00:00` is in the year 9999; "
        "dates must be between 1970 and 2099: check the year",
        "content/webinars/far-webinar.yml:5:11: duration: `99999999999` is more than 10080; check the "
        "number (minutes)",
    ]


# 14. An empty audience is an error

@pytest.mark.parametrize("text, where", [
    (PUBLIC_TOOL.replace("audience: public", "audience:"), "6:10: audience"),
    (TOOL + "links:\n  - title: X\n    url: https://example.org/x\n    audience: ''\n",
     "9:15: links[0].audience"),
])
def test_14_an_empty_audience_is_an_error(tiny: Project, text: str, where: str) -> None:
    line, column, name = where.split(":")
    problem = the_problem(tiny, "tools/empty-tool.yml", text)
    assert problem.startswith(f"content/tools/empty-tool.yml:{line}:") and name.strip() + ":" in problem


# 3 and 13. mkdocs.yml: only extensions that read no file; a wrong shape is a problem with its line

BASE_CONFIG = ("theme:\n  name: material\n  font: false\nmarkdown_extensions:\n  - admonition\n"
               "  - toc:\n      permalink: true\n")  # 7 lines


def _config_problems(project: Project, append: str) -> list[str]:
    (project.root / "mkdocs.yml").write_text(BASE_CONFIG + append)
    with pytest.raises(HubError) as failure:
        load_base(project)
    return failure.value.lines()


def test_3_an_extension_that_reads_files_is_refused_with_its_line(tiny: Project) -> None:
    assert _config_problems(tiny, "  - pymdownx.snippets:\n      base_path: [content]\n"
                                  "  - pymdownx.b64\n") == [
        "mkdocs.yml:8:5: markdown_extensions[2]: the Markdown extension `pymdownx.snippets` is not "
        "allowed: hubgen allows only extensions that read no file and run no code named here; remove it",
        "mkdocs.yml:10:5: markdown_extensions[3]: the Markdown extension `pymdownx.b64` is not allowed: "
        "hubgen allows only extensions that read no file and run no code named here; remove it"]


def test_3_python_named_in_options_is_refused_but_materials_emoji_is_not(tiny: Project) -> None:
    emoji = "  - pymdownx.emoji:\n      emoji_index: !!python/name:material.extensions.emoji.twemoji\n"
    (tiny.root / "mkdocs.yml").write_text(BASE_CONFIG + emoji)
    assert load_base(tiny)["markdown_extensions"][-1]["pymdownx.emoji"]["emoji_index"].tag.endswith(
        "name:material.extensions.emoji.twemoji")
    assert _config_problems(tiny, emoji + "  - pymdownx.superfences:\n      custom_fences:\n"
                                  "        - name: x\n          format: !!python/name:os.system\n") == [
        "mkdocs.yml:10:5: markdown_extensions[3]: `!!python/name:os.system` names Python code to run; "
        "only Material's emoji and pymdownx's fence functions may be named here; remove it"]


@pytest.mark.parametrize("append, expected", [
    ("plugins: 5\n", "mkdocs.yml:8:10: plugins: must be a list of plugins, one `- name` per line"),
    ("plugins: search\n", "mkdocs.yml:8:10: plugins: must be a list of plugins, one `- name` per line"),
    ("plugins:\n  - search\n  -\n",
     "mkdocs.yml:10:4: plugins[1]: each entry must name one of the plugins (`- name`, or `- name:` "
     "followed by its options); this one does not"),
    ("extra: 5\n", "mkdocs.yml:8:8: extra: must be a mapping of `key: value` lines"),
    ("extra_css: 5\n", "mkdocs.yml:8:12: extra_css: must be a list of stylesheet paths"),
    ("docs_dir: x\n", "mkdocs.yml:8:11: docs_dir: `docs_dir` is set by hubgen for each variant; remove it"),
])
def test_13_mkdocs_yml_of_the_wrong_shape_is_a_problem_with_its_line(
        tiny: Project, append: str, expected: str) -> None:
    assert _config_problems(tiny, append) == [expected]


def test_13_mkdocs_yml_nested_a_thousand_deep_is_a_problem(tiny: Project) -> None:
    (tiny.root / "mkdocs.yml").write_text("extra: " + "[" * 1000 + "]" * 1000 + "\n")
    with pytest.raises(HubError) as failure:
        load_base(tiny)
    assert failure.value.lines() == ["mkdocs.yml:1:1: is nested too deeply to read; flatten it"]


# 4. The scan looks for every text and address of every model, nested ones included

NOT_TEXT = {"audience", "default_audience", "id", "themes", "related", "event", "stage", "kind", "updated",
            "starts", "ends", "duration"}


def test_4_every_field_of_every_model_is_looked_for_unless_it_holds_no_text() -> None:
    """A field the scan would skip is one of these ids, references, choices, dates or numbers;
    a new field that holds no text must be added here, knowingly."""
    for model in (HubSettings, Theme, *RECORD_MODELS.values(), Link, Speaker, Session, Section):
        for name, kind in _kinds(model).items():
            assert kind in ("text", "url", "model") or name in NOT_TEXT, (model.__name__, name)
            assert name not in NOT_TEXT or kind == "none", (model.__name__, name)


def test_4_a_field_added_later_is_looked_for_without_being_listed() -> None:
    class Guest(Model):
        nickname: Line
        homepage: Url | None = None

    class FutureTool(Tool):
        motto: Text | None = None
        guests: list[Guest] = []
        plain: str = ""

    tool = FutureTool(title="T", summary="S", provider="P", kind="other", themes=["disclosures"],
                      motto="Canary motto", plain="Canary plain", audience="affiliates",
                      guests=[Guest(nickname="Canary guest", homepage="https://example.org/g")])
    found = {(field_name(leaf.loc), leaf.text, leaf.url) for leaf in leaves(tool)}
    assert {("motto", "Canary motto", False), ("plain", "Canary plain", False),
            ("guests[0].nickname", "Canary guest", False),
            ("guests[0].homepage", "https://example.org/g", True)} <= found
    assert not {name for name, _, _ in found} & {"themes", "kind", "audience", "related", "updated"}


def test_4_links_speakers_sessions_and_affiliate_only_themes_are_looked_for(tiny: Project) -> None:
    hub = check_project(tiny)[0]
    material = affiliate_material(hub, select(hub, "public"))
    origins = {n.origin for n in material.needles}
    for origin in ("content/tools/secret-tool.yml: links[0].title",
                   "content/tools/secret-tool.yml: links[0].url",
                   "content/webinars/secret-webinar.yml: speakers[0].name",
                   "content/events/secret-event.yml: sessions[0].title",
                   "content/themes.yml: [2].id", "content/themes.yml: [2].description"):
        assert origin in origins, origin


# 5. The scan reads the output as a reader sees it

@pytest.mark.parametrize("written", [
    "Canary sec\u00adret plan",             # soft hyphen
    "Canary sec\u200bret plan",             # zero-width space
    "Canary sec\u200dret pl\ufeffan",       # zero-width joiner, BOM
    "Canary sec<wbr>ret plan",
    "Canary sec<x-y>ret</x-y> plan",        # any inline tag
    "Canary s<span>ecr</span>et plan",
    "Canary sec&shy;ret pl&#97;n",          # character references
    "Canary s\u0435cr\u0435t plan",         # Cyrillic e
    "Canary \uff53ecret plan",              # fullwidth s
    "Canary s\u0301ecret plan",             # a combining accent
    "CANARY SECRET PLAN",
])
def test_5_hidden_characters_tags_references_and_look_alikes_do_not_hide_a_phrase(
        tmp_path, written: str) -> None:
    site = tmp_path / "site"
    site.mkdir()
    (site / "index.html").write_text(f"<html><body><p>Hello.</p><p>{written}</p></body></html>")
    material = Material(list(_fragment_needles(["Canary secret plan"])), b"Hello.")
    assert [p.message for p in scan_site(site, material, "site")] == [
        'holds affiliate-only material from x: "canary secret plan"']


def _fragment_needles(texts: list[str]):
    from hubgen.scan import Needle, _fragments
    for _, fragment in _fragments(texts):
        yield Needle(fragment.decode(), "x", False)


# 6. No false alarm from the page's own words

def test_6_affiliate_only_text_that_the_page_chrome_says_is_no_leak(tiny: Project) -> None:
    event = tiny.content / "events/tiny-event.yml"
    event.write_text(event.read_text().replace("title: Canary session golf", "title: Upcoming webinars"))
    write(tiny, "tools/chrome-tool.yml", PUBLIC_TOOL + "links:\n  - title: Accessibility statement\n"
          "    url: https://intranet.example.org/a11y\n    audience: affiliates\n")
    build(tiny, ("public",))
    public = readable(tiny.site_dir("public"))
    assert "Upcoming webinars" in public and "intranet.example.org/a11y" not in public


# 7. Safety judged on what the engine renders; addresses validated and escaped where written

def test_7_a_reference_definition_in_another_field_cannot_make_a_script_link(tiny: Project) -> None:
    write(tiny, "clauses/ref-clause.yml",
          "title: C\nsummary: S.\nthemes: [disclosures]\nstage: [award]\naudience: public\n"
          "wording: See [the form][g].\nguidance: |\n  Fine.\n\n  [g]: javascript:alert(1)\n")
    assert messages(tiny) == [
        "content/clauses/ref-clause.yml:7:11: guidance: the link `javascript:alert(1)` uses `javascript:`; "
        "links must start with https:// (or be a mailto: address)"]


@pytest.mark.parametrize("url, bad", [
    ('https://example.org/a)<script>alert(1)</script>', "`<` `>`"),
    ('https://example.org/"onmouseover="alert(1)', '`"`'),
    ("https://example.org/a\\b", "`\\`"),
    ("https://exa mple.org/", None),
    ("https:///x", None),
])
def test_7_an_address_that_could_break_out_of_a_link_is_refused(
        tiny: Project, url: str, bad: str | None) -> None:
    links = f"links:\n  - title: X\n    url: '{url}'\n"
    problem = the_problem(tiny, "tools/url-tool.yml", PUBLIC_TOOL + links)
    assert problem.startswith("content/tools/url-tool.yml:9:10: links[0].url: "), problem
    assert not bad or f"it holds {bad};" in problem


def test_7_addresses_are_escaped_where_they_are_written(tiny: Project) -> None:
    assert safe_url('https://e.org/a_(b)?x=1&y="2"<i>') == "https://e.org/a_%28b%29?x=1&amp;y=%222%22%3Ci%3E"
    write(tiny, "tools/paren-tool.yml", PUBLIC_TOOL + "links:\n  - title: Wiki\n"
          "    url: https://en.wikipedia.org/wiki/Foo_(bar)?a=1&b=2\n")
    assert messages(tiny) == []
    build(tiny, ("public",))
    page = (tiny.site_dir("public") / "tools/paren-tool/index.html").read_text()
    assert 'href="https://en.wikipedia.org/wiki/Foo_%28bar%29?a=1&amp;b=2"' in page


# 8 and 9. Raw HTML judged by an allow-list sanitizer on the rendered HTML; nothing from other hosts

@pytest.mark.parametrize("body, expected", [
    ("<noscript><p title=\"</noscript><img src=x onerror=alert(1)>\"></noscript>",
     "raw HTML `<noscript>` is not allowed"),
    ("<![CDATA[<img src=x onerror=alert(1)>]]>", "holds an HTML comment or `<![CDATA[`"),
    ("<template><script>alert(1)</script></template>", "raw HTML `<template>` is not allowed"),
    ("<math><mtext><table><mglyph><style><img src=x onerror=alert(1)>", "raw HTML `<math>` is not allowed"),
    ("<a href='javas&#x09;cript:alert(1)'>x</a>", "uses `javascript:`"),
    ("x <custom-el>y</custom-el>", "raw HTML `<custom-el>` is not allowed; remove it (write Markdown)"),
    ("<a href=\"https://example.org\" target=\"_blank\">x</a>",
     "the `target` attribute is not allowed on `<a>`"),
    ("![x](https://example.org/p.png)", "loads an image or media from another host"),
    ("<img srcset=\"https://example.org/a.png 1x\">", "loads an image or media from another host"),
    ("<p style=\"background:url(https://example.org/x)\">x</p>", "the `style` attribute is not allowed"),
])
def test_8_9_markup_a_browser_reads_otherwise_or_that_loads_from_elsewhere_is_refused(
        tiny: Project, body: str, expected: str) -> None:
    problem = the_problem(tiny, "tools/html-tool.yml", PUBLIC_TOOL + f"body: |\n  {body}\n")
    assert problem.startswith("content/tools/html-tool.yml:7:7: body: ") and expected in problem, problem


def test_8_ordinary_markdown_and_the_sites_extensions_pass() -> None:
    for text in ["Hello *x* [a](https://e.org/a?b=1&c=2) `code <b>` [local](../tools/qa-tool.md)",
                 "| a | b |\n|:-|-:|\n| 1 | 2 |", '!!! note "T"\n    body', '??? tip "X"\n    more',
                 "Term\n:   Def", "<div markdown>\n*x*\n</div>", "para\n{: .cls #id }", "a < b and c > d",
                 "<details><summary>s</summary>t</details>", "<a href=\"mailto:a@b.org\">m</a>"]:
        assert markdown_problems(text) == [], text


# 10. Bounded work: what makes Python-Markdown quadratic is refused before it runs

@pytest.mark.parametrize("body, expected", [
    ("[" * 30_000, "has more than 50 `[` open at once in one paragraph"),
    ("<a " * 40_000, "has more than 20 `<` followed by a letter (as in `a <b`) and no `>` after them"),
    ("a </b " * 20_000, "has more than 20 `<` followed by a letter (as in `a <b`) and no `>` after them"),
    ("[x](" * 3_000, "has more than 50 `(` open at once in one paragraph"),
    ("![" * 3_000, "has more than 50 `[` open at once in one paragraph"),
])
def test_10_pathological_markdown_is_refused_at_once(tiny: Project, body: str, expected: str) -> None:
    problem = the_problem(tiny, "tools/slow-tool.yml", PUBLIC_TOOL + f"body: '{body}'\n")  # was hours
    assert problem.startswith("content/tools/slow-tool.yml:7:7: body: ") and expected in problem, problem


# 12. Control characters and deep nesting are problems at their line

@pytest.mark.parametrize("line, expected", [
    ('title: "Bad \\0 title"', "1:8: holds the control character U+0000, which is not text"),
    ('title: "Bad \\e title"', "1:8: holds the control character U+001B, which is not text"),
    ("title: Bad \u202e title", "1:8: holds the control character U+202E, which is not text"),
    ("title: Bad \x01 title", "1:12: holds the control character U+0001, which is not text"),
])
def test_12_control_characters_are_refused_where_they_stand(tiny: Project, line: str, expected: str) -> None:
    problem = the_problem(tiny, "tools/ctrl-tool.yml", line + "\n" + PUBLIC_TOOL.split("\n", 1)[1])
    assert problem.startswith(f"content/tools/ctrl-tool.yml:{expected}"), problem


def test_12_yaml_nested_a_thousand_deep_is_a_problem_not_a_recursion_error(tiny: Project) -> None:
    write(tiny, "tools/deep-tool.yml", PUBLIC_TOOL + "tags: " + "[" * 1000 + "]" * 1000 + "\n")
    assert messages(tiny) == [
        "content/tools/deep-tool.yml:7:26: lists and mappings are nested more than 20 deep; a record "
        "needs only a few levels: check the indentation"]


# 13. SOURCE_DATE_EPOCH out of range; headers of a folder with no _headers

@pytest.mark.parametrize("epoch", ["99999999999999", "-5", "soon"])
def test_13_source_date_epoch_out_of_range_is_a_clear_error(tiny: Project, epoch: str, monkeypatch) -> None:
    monkeypatch.setenv("SOURCE_DATE_EPOCH", epoch)
    result = run_hubgen("--project", str(tiny.root), "build", "--variant", "public")
    assert result.returncode == 1 and "Traceback" not in result.stderr
    assert result.stderr.startswith(f"SOURCE_DATE_EPOCH is `{epoch}`; it must be a whole number of seconds")


def test_13_headers_of_a_folder_without_headers_says_so(tmp_path) -> None:
    result = run_hubgen("headers", "--nginx", str(tmp_path))
    assert result.returncode == 1 and "Traceback" not in result.stderr
    assert result.stderr.startswith(f"{tmp_path}/_headers does not exist")


# 14. Guessable basic-auth passwords

@pytest.mark.parametrize("pair, why", [
    ("ann:aaaaaaaaaaaaaaaa", 'repeats like "aaa" are easy to guess'),
    ("ann:abababababababab", "repeats like"),
    ("annabelle:annabelle2024", "is easy to guess"),
    ("ann:123456789012345", "similar to a commonly used password"),
    ("ann:passpasspass", "repeats like"),
    # the hostile review's (review14 F13): common passwords, l33t, the hub's own words
    *((f"ann:{password}", "is easy to guess") for password in (
        "password1234", "Password123!", "Passw0rd2024!", "qwerty123456", "letmein12345", "iloveyou1234",
        "123456789012a", "aaaaaaaaaaaab1", "affiliates2024", "electronicswatch",
        # the re-review's (rereview14 N2): the hub's words and a year
        "ElectronicsWatch2024!")),
])
def test_14_guessable_passwords_are_refused(pair: str, why: str) -> None:
    with pytest.raises(HubError) as failure:
        check_credentials(pair, ("Electronics Watch", "Electronics", "Watch"))
    assert why in str(failure.value)
    assert str(failure.value).startswith(f"HUBGEN_BASIC_AUTH: the password of user `{pair.split(':')[0]}` ")


def test_14_the_hubs_own_name_is_a_guess(tiny: Project) -> None:
    words = hub_words(tiny)
    assert {"Tiny Hub", "Example", "Network"} <= set(words)
    with pytest.raises(HubError, match="is easy to guess"):
        check_credentials("ann:ExampleNetwork2026", words)
    assert check_credentials("ann:ExampleNetwork2026") == ["ann:ExampleNetwork2026"]


def test_14_a_long_password_is_judged_without_a_traceback() -> None:
    # zxcvbn refuses to read more than 72 characters (rereview14 N1): hubgen reads the first 72
    long = "ann:" + "Tr0ub4dor&3xyz-plinth-ducky-" * 4
    assert check_credentials(long) == [long]


def test_14_a_good_password_is_accepted() -> None:
    assert check_credentials("ann:correct-horse-battery bob:Tr0ub4dor&3xyz") == [
        "ann:correct-horse-battery", "bob:Tr0ub4dor&3xyz"]


# Found by the hostile review of this change

@pytest.mark.parametrize("body", [
    "See [it](..\\\\tools\\\\secret-tool.md).",      # a browser reads `\` as `/`
    "See [it](secret-tool.md).",                    # a page of the same folder, by its id alone
    "See [it](../secret-tool/).",
])
def test_review_pointers_written_otherwise_are_reported(tiny: Project, body: str) -> None:
    write(tiny, "tools/pointing-tool.yml", PUBLIC_TOOL + f"body: '{body}'\n")
    found = messages(tiny)
    # none of them is a link the engine resolves (review3): refused as that, at its line
    assert len(found) == 1 and "leads to no page of the hub" in found[0], found


def test_review_a_session_named_with_other_punctuation_is_still_dropped(tiny: Project) -> None:
    text = takeaway("tiny-event", "'canary  session, GOLF.'", "Public marker quartz point.")
    public = public_site_with(tiny, "takeaways/session-takeaways.yml", text)
    assert "golf" not in public.lower()


@pytest.mark.parametrize("prepend, expected", [
    ("hooks:\n  - evil.py\n", "hooks: runs Python files inside the engine"),
    ("INHERIT: other.yml\n", "INHERIT: reads another configuration file"),
    ("extra:\n  analytics:\n    provider: google\n", "extra: `analytics` loads a tracker"),
])
def test_review_mkdocs_settings_that_run_code_or_call_other_hosts_are_refused(
        tiny: Project, prepend: str, expected: str) -> None:
    config = tiny.root / "mkdocs.yml"
    config.write_text(prepend + config.read_text())
    with pytest.raises(HubError) as failure:
        load_base(tiny)
    assert any(expected in line for line in failure.value.lines()), failure.value.lines()


def test_review_markdown_is_judged_with_the_sites_extensions(tiny: Project) -> None:
    config = tiny.root / "mkdocs.yml"
    config.write_text(config.read_text() + "  - pymdownx.emoji\n  - pymdownx.tabbed\n"
                      "  - pymdownx.tasklist\n")
    write(tiny, "tools/tabs-tool.yml", PUBLIC_TOOL + 'body: |\n  === "One"\n      x\n\n  - [x] done\n')
    assert messages(tiny) == []
    problem = the_problem(tiny, "tools/emoji-tool.yml", PUBLIC_TOOL + "body: 'Hello :smile:'\n")
    assert "an emoji picture would load from another host" in problem  # the default index: from a CDN


# Harmless things check refused: Material's icons, progress bars, a `<` in prose

ICONS_AND_BARS = ("  - pymdownx.emoji:\n"  # as Material's documentation configures them
                  "      emoji_index: !!python/name:material.extensions.emoji.twemoji\n"
                  "      emoji_generator: !!python/name:material.extensions.emoji.to_svg\n"
                  "  - pymdownx.progressbar\n")


def test_materials_icons_and_progress_bars_pass_check_and_build(tiny: Project) -> None:
    config = tiny.root / "mkdocs.yml"
    config.write_text(config.read_text() + ICONS_AND_BARS)
    write(tiny, "tools/icon-tool.yml", PUBLIC_TOOL + "body: |\n  Done :material-check: on\n"
          "  :fontawesome-brands-github: and :octicons-alert-16:.\n\n  [=50% \"half\"]\n")
    assert messages(tiny) == []
    build(tiny, ("public",))  # the real engine, --strict
    page = (tiny.site_dir("public") / "tools/icon-tool/index.html").read_text()
    assert page.count('<span class="twemoji"><svg xmlns="http://www.w3.org/2000/svg"') == 3
    assert "<!--! Font Awesome" in page  # the licence comment Font Awesome's icons carry
    assert '<div class="progress-bar" style="width:50.00%">' in page


@pytest.mark.parametrize("body, expected", [
    ('[=50% \\"half\\"]{: style=\\"background:url(https://example.org/x)\\"}',
     "the `style` attribute on `<div>` may hold only `width: N%`"),
    ('<div style=\\"width:50%; position:fixed\\">x</div>', "the `style` attribute on `<div>` may hold only"),
    ('<table><tr><td style=\\"background:url(//example.org/d.png)\\">x</td></tr></table>',
     "the `style` attribute on `<td>` may hold only `text-align"),
    (":smile:", "an emoji picture would load from another host"),
])
def test_other_styles_and_emoji_pictures_are_refused_with_the_line(
        tiny: Project, body: str, expected: str) -> None:
    config = tiny.root / "mkdocs.yml"
    config.write_text(config.read_text() + ICONS_AND_BARS)
    problem = the_problem(tiny, "tools/style-tool.yml", PUBLIC_TOOL + f'body: "{body}"\n')
    assert problem.startswith("content/tools/style-tool.yml:7:7: body: ") and expected in problem, problem


SVG = '<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 24 24">{}</svg>'


@pytest.mark.parametrize("written, expected", [
    (SVG.format('<script>alert(1)</script>'), "raw HTML `<script>` is not allowed"),
    (SVG.format('<path d="M0 0h24" onclick="alert(1)"/>'), "the `onclick` attribute is not allowed"),
    ('<svg onload="alert(1)"></svg>', "the `onload` attribute is not allowed"),
    (SVG.format('<a href="https://example.org"><path d="M0"/></a>'), "`<a>` is not allowed in an `<svg>`"),
    (SVG.format('<use href="https://example.org/i.svg#x"/>'), "`<use>` is not allowed in an `<svg>`"),
    (SVG.format('<image href="https://example.org/i.png"/>'), "`<image>` is not allowed in an `<svg>`"),
    (SVG.format('<animate attributeName="href" to="javascript:alert(1)"/>'), "`<animate>` is not allowed"),
    (SVG.format('<foreignObject><img src=x onerror=alert(1)></foreignObject>'), "`<foreignobject>`"),
    (SVG.format('<path d="M0" fill="url(https://example.org/x)"/>'), "the `fill` attribute is not allowed"),
    (SVG.format('<path d="M0" style="fill:url(https://example.org/x)"/>'), "may hold only `fill-opacity"),
    (SVG.format('<path d="url(https://example.org/x)"/>'), "may hold only a drawing"),
    ('<svg xmlns="https://example.org/ns"></svg>', "may hold only the SVG namespace"),
    ('<path d="M0" onclick="alert(1)">x</path>', "raw HTML `<path>` is not allowed here"),
    ('x <circle onmouseover="alert(1)">y</circle>', "raw HTML `<circle>` is not allowed here"),
    ('x <mi onclick="alert(1)">y</mi>', "raw HTML `<mi>` is not allowed here"),
])
def test_an_editors_own_svg_that_could_run_link_or_load_is_refused(written: str, expected: str) -> None:
    found = markdown_problems(written)
    assert any(expected in problem for problem in found), found


def test_an_svg_that_only_draws_is_harmless_and_passes() -> None:
    assert markdown_problems("Icon " + SVG.format('<path d="M21 7 9 19l-5.5-5.5 1.41-1.41z" '
                                                  'style="fill-opacity: 0.5"/>')) == []


@pytest.mark.parametrize("prose", [
    "It costs < 5% of the budget, and < 6% of the time.\n" * 60,
    "if a <b then c",
    "x<5 and y<=6 " * 60,
    "see a </b, <!x and <?y",
    "<" + "a " * 60_000,                       # one unclosed `<a`: read to the end once
    "a <b " * 4_000 + ">",                     # closed at the end: the reader jumps there
])
def test_a_lt_sign_in_prose_is_fine(prose: str) -> None:
    assert markdown_problems(prose) == []  # before the fix: refused


def test_unclosed_tags_add_up_over_a_record(tiny: Project) -> None:
    write(tiny, "tools/lt-tool.yml", PUBLIC_TOOL + "body: '" + "a <b " * 15 + "'\n"
          + "affiliate_note: '" + "c <d " * 10 + "'\n")
    assert messages(tiny) == [
        "content/tools/lt-tool.yml:8:17: affiliate_note: has more than 20 `<` followed by a letter (as in "
        "`a <b`) and no `>` after them in this record's Markdown fields, this one included, which makes the "
        "site's Markdown reader take minutes; write `&lt;` for a `<` that is text (`a &lt;b`), or put a "
        "space after it (`a < b`)"]


@pytest.mark.parametrize("text", [
    "See [the guide](https://example.org/guide) for more. " + "lorem ipsum dolor sit amet " * 10_000,
    "&#x41;" * 3_000 + " <b>x</b>",  # (more in one paragraph is refused: see MAX_INLINE_WORK)
])
def test_review_f6_a_long_field_with_a_link_is_judged_in_linear_time(text: str) -> None:
    assert markdown_problems(text) == []  # before the fix: hours (a scheme looked for from every letter)


# Found by the second hostile review (/work/brief/review14.md, by its finding ids)

def test_review_f19_a_field_leaving_raw_html_open_is_refused(tiny: Project) -> None:
    write(tiny, "tools/open-tool.yml", PUBLIC_TOOL + "body: |\n  Hello.\n\n  <div>\n"
          "affiliate_note: 'Avoid `<img src=x onerror=alert(1)>` here.'\n")
    assert messages(tiny) == [
        "content/tools/open-tool.yml:7:7: body: leaves raw HTML open (a tag such as `<div>` with no `</div>` "
        "in this field): the rest of the page would be read as HTML, not Markdown; close every tag you "
        "open within the field"]
    write(tiny, "tools/open-tool.yml", PUBLIC_TOOL + "body: |\n  Hello.\n\n  <div>\n  x\n  </div>\n")
    assert messages(tiny) == []


@pytest.mark.parametrize("body", [
    "![x](/\\evil.example/a.png)",                       # a browser reads `\` as `/`
    '<img src="/&#9;/evil.example/c.png" alt="c">',      # and drops tabs
    '<img src="/&#92;evil.example/c.png" alt="c">',
])
def test_review_f4_images_from_another_host_written_with_backslashes_or_tabs_are_refused(body: str) -> None:
    assert any("loads an image or media from another host" in p for p in markdown_problems(body))


@pytest.mark.parametrize("append, expected", [
    ("copyright: '<script>alert(document.domain)</script>'\n",
     "mkdocs.yml:8:12: copyright: raw HTML `<script>` is not allowed"),
    ("extra_javascript:\n  - https://evil.example/x.js\n",
     "mkdocs.yml:9:3: extra_javascript: `extra_javascript[0]` is `https://evil.example/x.js`, which the "
     "browser would load from another host"),
    ("extra_css:\n  - //evil.example/x.css\n", "mkdocs.yml:9:3: extra_css: `extra_css[0]` is"),
    ("extra:\n  social:\n    - icon: fontawesome/brands/github\n      link: javascript:alert(2)\n",
     "mkdocs.yml:9:3: extra: `extra.social[0].link` is `javascript:alert(2)`, which uses `javascript:`"),
    ("extra:\n  note: 'x\" onmouseover=\"alert(1)'\n", "mkdocs.yml:9:3: extra: `extra.note` holds `<`"),
    ("repo_url: javascript:alert(1)\n", "mkdocs.yml:8:11: repo_url: must start with https://"),
    ("site_name: [1, 2]\n", "mkdocs.yml:8:12: site_name: must be text"),
    ("copyright: !ENV [HUBGEN_BASIC_AUTH, none]\n",  # F12
     "mkdocs.yml:8:12: copyright: `!ENV` at `copyright` reads the build's environment"),
])
def test_review_f2_f12_mkdocs_settings_material_writes_into_pages_are_judged(
        tiny: Project, append: str, expected: str) -> None:
    found = _config_problems(tiny, append)
    assert len(found) == 1 and found[0].startswith(expected), found


def test_review_f2_harmless_settings_pass(tiny: Project) -> None:
    (tiny.root / "mkdocs.yml").write_text(
        BASE_CONFIG + "copyright: 'Copyright &copy; 2026 <a href=\"https://example.org\">Org</a>'\n"
        "extra:\n  social:\n    - icon: fontawesome/brands/github\n      link: https://github.com/x\n"
        "  generator: false\nextra_css: [assets/x.css]\n")
    assert load_base(tiny)["copyright"].startswith("Copyright")


def test_review_f3_pointers_in_hub_yml_and_themes_yml_are_reported(tiny: Project) -> None:
    write(tiny, "hub.yml", (tiny.content / "hub.yml").read_text().replace(
        "description: A tiny hub used by the tests.",
        "description: A tiny hub; members see https://hub.example.org/tools/secret-tool/"))
    write(tiny, "themes.yml", (tiny.content / "themes.yml").read_text().replace(
        "title: Disclosures", "title: Disclosures, see /tools/secret-tool/", 1))
    remedy = ("points at `tools/secret-tool`, which is affiliate-only: the public site must not name it; "
              "remove the link (this text is shown on every page of the public site that uses it)")
    assert messages(tiny) == [f"content/hub.yml:3:62: description: {remedy}",
                              f"content/themes.yml:2:28: [0].title: {remedy}"]


@pytest.mark.parametrize("name", ["Canary sess\u00adion golf", "Canary sess\u200bion golf",
                                  "Canary s\u0435ssion golf", "CANARY session - golf"])
def test_review_f5_a_session_named_with_hidden_or_look_alike_characters_is_dropped(
        tiny: Project, name: str) -> None:
    write(tiny, "takeaways/odd-takeaways.yml", "title: Odd\nsummary: Lessons.\nevent: tiny-event\n"
          f"session: \"{name}\"\naudience: public\nthemes: [disclosures]\npoints:\n  - A point.\n")
    hub, problems = check_project(tiny)
    assert problems == [] and select(hub, "public").records["takeaways/odd-takeaways"].record.session is None


def test_review_f5_check_never_suggests_an_affiliate_only_session_to_a_public_takeaway(tiny: Project) -> None:
    write(tiny, "takeaways/typo-takeaways.yml", "title: Typo\nsummary: Lessons.\nevent: tiny-event\n"
          "session: Canary sesion golf\naudience: public\nthemes: [disclosures]\npoints:\n  - A point.\n")
    warnings = [str(w) for w in check_content(tiny).warnings if "typo-takeaways" in w.path]
    assert warnings == ["content/takeaways/typo-takeaways.yml:4:10: warning: session: `Canary sesion golf` "
                        "is not a session of tiny-event; its sessions are: Opening session. As written, "
                        "these takeaways get a heading of their own on the event page"]


def test_review_f7_a_public_link_to_an_affiliate_only_series_page_is_reported(tiny: Project) -> None:
    write(tiny, "webinars/sec-web.yml", "title: Closed\nsummary: Members only.\nthemes: [disclosures]\n"
          "audience: affiliates\nseries: Zanzibar Bribery Inquiry\n")
    write(tiny, "tools/series-tool.yml", PUBLIC_TOOL + "body: Members can [watch](https://affiliates."
          "example.org/webinars/series/zanzibar-bribery-inquiry/).\n")
    assert messages(tiny) == [
        "content/tools/series-tool.yml:7:58: body: points at the page of the webinar series "
        "`zanzibar-bribery-inquiry`, which the public site does not have (only affiliate-only webinars are "
        "in the series); remove the link, or make this text affiliate-only (move it into `affiliate_note`, "
        "or set `audience: affiliates` on its part)"]
    write(tiny, "webinars/pub-web.yml", "title: Open\nsummary: For all.\nthemes: [disclosures]\n"
          "audience: public\nseries: Zanzibar Bribery Inquiry\n")
    assert messages(tiny) == []


def test_review_f10_a_public_id_holding_an_affiliate_only_id_is_reported(tiny: Project) -> None:
    write(tiny, "takeaways/secret-event-disclosures.yml", "title: Disclosures\nsummary: Learnt.\n"
          "event: secret-event\naudience: public\nthemes: [disclosures]\npoints:\n  - Ask.\n")
    assert messages(tiny) == [
        "content/takeaways/secret-event-disclosures.yml: file name: holds `secret-event`, the id of the "
        "affiliate-only events/secret-event: the public site would show it in this page's address; rename "
        "the file (and every reference to it) without it"]


def test_review_f16_a_webinar_may_not_be_named_series(tiny: Project) -> None:
    write(tiny, "webinars/series.yml", "title: Kickoff\nsummary: Start.\nthemes: [disclosures]\n")
    assert messages(tiny) == [
        "content/webinars/series.yml: file name: `series` is reserved for webinars: `webinars/series/` "
        "holds the pages of webinar series; choose another id; rename the file"]


def test_review_f17_a_takeaway_with_nothing_public_left_is_not_published(tiny: Project) -> None:
    write(tiny, "takeaways/hidden-takeaways.yml", "title: Hidden\nsummary: Lessons.\nevent: tiny-event\n"
          "audience: public\nthemes: [disclosures]\nsections:\n  - title: Zanzibar list\n"
          "    audience: affiliates\n    points: [x]\n")
    hub, problems = check_project(tiny)
    assert problems == [] and "takeaways/hidden-takeaways" not in select(hub, "public").records


@pytest.mark.parametrize("title", ["Open\\rX-INJECTED:yes", "Open\\u2028next", "Open\\u2029next"])
def test_review_f18_a_title_holds_no_line_break_of_any_kind(tiny: Project, title: str) -> None:
    problem = the_problem(tiny, "tools/cr-tool.yml", f'title: "{title}"\n' + PUBLIC_TOOL.split("\n", 1)[1])
    assert problem.startswith("content/tools/cr-tool.yml:1:8: title: "), problem


@pytest.mark.parametrize("body, expected", [
    ("- " * 500 + "<b>x</b>", "nests lists, quotes or indented blocks more than 20 levels"),  # a traceback
    ("> " * 5000 + "x", "nests lists, quotes or indented blocks more than 20 levels deep"),
    ("!!! note\n" * 60_000, "has more than 200 notes"),                                   # F14: 5 minutes
    ("<a>" * 100_000, "has a paragraph too long and full of markup"),                     # F6: 48 s
])
def test_review_f14_bounded_work_for_nesting_notes_and_dense_markup(body: str, expected: str) -> None:
    found = markdown_problems(body)
    assert len(found) == 1 and found[0].startswith(expected), found


def test_review_f8_plain_texts_are_judged_when_extensions_make_html_of_them(tiny: Project) -> None:
    config = tiny.root / "mkdocs.yml"
    config.write_text(config.read_text() + "  - pymdownx.magiclink\n  - pymdownx.emoji:\n"
                      "      emoji_generator: !!python/name:pymdownx.emoji.to_png\n")
    write(tiny, "tools/plain-tool.yml", PUBLIC_TOOL.replace("title: A tool", "title: 'A :smile: www.x.org'"))
    found = messages(tiny)
    assert all(f.startswith("content/tools/plain-tool.yml:1:8: title: ") for f in found), found
    assert "an emoji picture would load from another host" in found[0] and "uses `http:`" in found[1]


def test_review_f20_block_attributes_written_as_yaml_are_judged(tiny: Project) -> None:
    config = tiny.root / "mkdocs.yml"
    config.write_text(config.read_text() + "  - pymdownx.blocks.admonition\n")
    problem = the_problem(tiny, "tools/block-tool.yml", PUBLIC_TOOL + "body: |\n  /// admonition | Expired\n"
                          "      attrs:\n        onmouseover: alert(document.cookie)\n\n  Sign in.\n  ///\n")
    assert "the `onmouseover` attribute is not allowed" in problem, problem



def test_review_f21_a_relative_link_to_a_record_that_does_not_exist_is_reported(tiny: Project) -> None:
    body = ("See [nothing](../tools/nope.md), [elsewhere](https://example.org/tools/rating/), "
            "[the list](../tools/index.md), [a tool](../tools/qa-tool.md) and tools/other in prose.")
    assert the_problem(tiny, "tools/link-tool.yml", PUBLIC_TOOL + f"body: '{body}'\n") == (
        "content/tools/link-tool.yml:7:25: body: links to `tools/nope`, which does not exist (there is no "
        "content/tools/nope.yml); correct the address, or remove the link")


def test_review_f21_a_link_the_engine_cannot_resolve_is_refused_and_a_missing_anchor_builds(
        tiny: Project) -> None:
    # check accepts what builds: a bare relative link fails the engine, so check refuses it at
    # its line; a place on the page that is not there only takes the reader to its top
    problem = the_problem(tiny, "tools/link-tool.yml", PUBLIC_TOOL + "body: 'See [rel](other-page) now.'\n")
    assert problem.startswith("content/tools/link-tool.yml:7:7: body: the link `other-page` leads to no page "
                              "of the hub (the site would refuse to build)"), problem
    write(tiny, "tools/link-tool.yml", PUBLIC_TOOL + "body: 'See [the top](#missing-anchor) now.'\n")
    build(tiny, ("public",))
    assert 'href="#missing-anchor"' in (tiny.site_dir("public") / "tools/link-tool/index.html").read_text()


# Found by the re-review (rereview14.md)

def test_n11_a_record_too_long_and_full_of_markup_for_its_pages_is_refused(tiny: Project) -> None:
    # 18 points of 54 KB of `<a>` passed check and took the build nearly two minutes: a paragraph
    # is bounded lower now, and a record's fields together, since its pages repeat them
    path = tiny.content / "takeaways/tiny-takeaways.yml"
    doc = yaml.safe_load(path.read_text())
    doc["sections"][0]["points"] = ["<a>" * 18000] * 2
    path.write_text(yaml.safe_dump(doc))
    problems = [p.message for p in check_project(tiny)[1] if p.severity == "error"]
    assert problems and all("too long and full of markup" in p for p in problems)
    doc["sections"][0]["points"] = ["<a>" * 5000] * 40  # each 0.075e9, 3e9 together
    path.write_text(yaml.safe_dump(doc))
    problems = [p.message for p in check_project(tiny)[1] if p.severity == "error"]
    assert problems and all("with this record's other Markdown fields" in p for p in problems)


def test_n15_mkdocs_yml_nested_too_deep_is_one_problem(tiny: Project) -> None:
    lines = BASE_CONFIG.count("\n")
    problems = _config_problems(tiny, "extra:\n  x: " + "[" * 450 + "]" * 450 + "\n")
    assert problems == [f"mkdocs.yml:{lines + 2}:{6 + 19}: is nested more than 20 deep here; MkDocs "
                        "settings need a few levels: flatten it"]


def test_n12_a_script_address_in_extra_is_refused_even_with_spaces(tiny: Project) -> None:
    problems = _config_problems(tiny, "extra:\n  homepage: \"javascript:alert(1)// x\"\n")
    assert len(problems) == 1 and "uses `javascript:`" in problems[0]


def test_n12_settings_the_theme_writes_unescaped_reach_it_as_text(tiny: Project) -> None:
    (tiny.root / "mkdocs.yml").write_text(BASE_CONFIG + "site_author: '\"><img src=x onerror=zq()>'\n"
                                          "repo_url: https://github.com/org/repo\nrepo_name: '<b>repo</b>'\n")
    hub, _ = check_project(tiny)
    config = variant_config(load_base(tiny), hub, "public")
    assert config["site_author"] == "&quot;&gt;&lt;img src=x onerror=zq()&gt;"
    assert config["repo_name"] == "&lt;b&gt;repo&lt;/b&gt;"


def test_n14_a_line_of_no_break_spaces_is_text_in_a_block_as_in_markdown() -> None:
    # Python-Markdown takes a line holding only U+00A0 for text: the block must not end there
    assert md_block("Intro\n{: onclick=\"x()\" }\n\u00a0\nMore", 4) == \
        "Intro\n    {: onclick=\"x()\" }\n    \u00a0\n    More"
    assert md_block("a\n \t\nb", 4) == "a\n\n    b"


# Found by the third hostile review (review3.md)

@pytest.mark.parametrize("body, expected", [
    ("See ![a chart](chart.png).", "body: the image `chart.png` is no file of the site"),
    ("See [it](other-tool.md).", "body: the link `other-tool.md` leads to no page of the hub"),
    ("See [it](tools/qa-tool.md).", "body: the link `tools/qa-tool.md` leads to no page"),  # tools/tools/
    ("See [it](../tools/QA-tool.md).", "body: the link `../tools/QA-tool.md` leads to no page"),
    ("See [it](../../tools/qa-tool.md).", "body: the link `../../tools/qa-tool.md` leads to no page"),
    ("See [every record](../records.md).", "body: the link `../records.md` leads to no page"),
    ("See [it][r].\n\n[r]: nope.md", "body: the link `nope.md` leads to no page"),
    ("See [it](../themes/nope.md).", "body: links to the page `themes/nope`, which does not exist (no theme"),
    ("See [it](../webinars/series/nope.md).",
     "body: links to the page `webinars/series/nope`, which does not exist (no webinar is in that series)"),
])
def test_r3_a_link_to_a_markdown_file_the_engine_cannot_find_is_refused_at_its_line(
        tiny: Project, body: str, expected: str) -> None:
    # check said All good and the build failed on the generated file: F21 refused only links
    # not ending in .md
    problem = the_problem(tiny, "tools/link-tool.yml", PUBLIC_TOOL + "body: |\n  "
                          + body.replace("\n", "\n  ") + "\n")
    assert problem.startswith("content/tools/link-tool.yml:") and expected in problem, problem


SEGMENTS = st.sampled_from(["..", ".", "", "tools", "themes", "records", "webinars", "series", "qa-tool.md",
                            "index.md", "search.md", "records.md", "QA-tool.md", "nope.md", "disclosures.md",
                            "secret-tool.md", "%2E%2E", "qa%2Dtool.md", "x.png", "tools\\qa-tool.md"])


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(st.lists(SEGMENTS, min_size=1, max_size=4).map("/".join), st.sampled_from(["", "#top", "?x=1"]),
       st.booleans())
def test_r3_a_link_check_accepts_is_one_the_engine_resolves(
        tiny: Project, built_tiny: Project, path: str, tail: str, image: bool) -> None:
    # the engine's own resolution (properdocs' Page) of a relative link, from the tool's page,
    # against the files of a built public site: what check accepts, the build finds
    from properdocs.structure.pages import _RelativePathTreeprocessor

    docs = built_tiny.build_dir("public") / "docs"
    files = {p.relative_to(docs).as_posix() for p in docs.rglob("*") if p.is_file()} | {"tools/link-tool.md"}
    href = path + tail
    write(tiny, "tools/link-tool.yml", PUBLIC_TOOL + f"body: 'See {'!' if image else ''}[it]({href}) now.'\n")
    if [p for p in check_project(tiny)[1] if p.severity == "error"]:
        return
    if not path or path.startswith(("/", "\\")):
        return  # an absolute link: the engine leaves it as it is (validation.links.absolute_links)
    target = _RelativePathTreeprocessor._target_uri("tools/link-tool.md", urllib.parse.unquote(path))
    assert target in files, (href, target)


@pytest.mark.parametrize("body, expected", [
    # the engine failed: "maximum recursion depth exceeded" (check: All good)
    ("a\n: b\n" * 1000, "has more than 50 definitions (lines starting with `: `) in one paragraph"),
    # the build ran over two minutes for 96 KB (quadratic: a 1 MB file, hours)
    ("x\n# a\n" * 16_000, "has a paragraph too long and full of markup"),
    ("a\n-\n" * 2_000, "has a paragraph too long and full of markup"),  # underlined headings: 1 s
    ("a  \n" * 40_000, "has a paragraph too long and full of markup"),  # hard line breaks
    ("| a |\n[a]: #b\n" * 2_000, "has a paragraph too long and full of markup"),  # definitions of links: 3 s
])
def test_r3_block_markup_that_takes_the_engine_minutes_or_its_stack_is_refused(
        tiny: Project, body: str, expected: str) -> None:
    text = yaml.safe_dump({**yaml.safe_load(PUBLIC_TOOL), "body": body}, width=1_000_000)
    problem = the_problem(tiny, "tools/slow-tool.yml", text)
    assert problem.startswith("content/tools/slow-tool.yml:") and f"body: {expected}" in problem, problem


def test_r3_headings_and_definitions_as_editors_write_them_pass() -> None:
    text = ("## Scope\n\nText of the scope.\n\nTerm\n: Its definition.\n\n" * 200
            + "Lines with a  \nhard break, then a rule\n\n---\n\n" * 100)
    assert markdown_problems(text) == []


@pytest.mark.parametrize("body", [
    "Members read tools&#47;secret-tool.",   # the page shows tools/secret-tool (check read no `/`)
    "Members read _tools/secret-tool_ now.",  # in italics (`_` was read as a letter of the id)
    "Members read tools/secret\\-tool.",     # the page shows tools/secret-tool (check read tools/secret)
    "Members read tools/secret-tool-- the page.",  # a dash after it (neither check nor scan saw it)
    "Members read tools/secret-&#8203;tool now.",  # a zero-width space, which the search index drops
])
def test_r3_a_pointer_written_with_a_reference_or_in_italics_is_refused(tiny: Project, body: str) -> None:
    problem = the_problem(tiny, "tools/pointing-tool.yml", PUBLIC_TOOL + f"body: '{body}'\n")
    assert problem.startswith("content/tools/pointing-tool.yml:7:") and (
        "body: points at `tools/secret-tool`, which is affiliate-only") in problem, problem


class _Logos(HTMLParser):
    """The title and label of each logo link of a page (the header's, the drawer's), as read."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.found: list[tuple[str | None, str | None]] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        found = dict(attrs)
        if tag == "a" and "md-logo" in (found.get("class") or "").split():
            self.found.append((found.get("title"), found.get("aria-label")))


@pytest.mark.parametrize("engine", ["properdocs", "zensical"])
def test_n9_the_site_name_reads_as_written_in_every_logo(tiny: Project, engine: str) -> None:
    # Material's partials/nav.html escaped the (escaped) name once more: the drawer logo's
    # tooltip read `R&amp;D &lt;tools&gt;`
    name = 'R&D <tools> "best"'
    hub = tiny.content / "hub.yml"
    hub.write_text(hub.read_text().replace("title: Tiny Hub", f"title: '{name}'"))
    build(tiny, ("public",), engine=engine)
    logos = _Logos()
    logos.feed((tiny.site_dir("public") / "index.html").read_text())
    assert logos.found == [(name, name)] * 2, logos.found


def test_r3_a_relative_link_written_in_html_is_refused(tiny: Project) -> None:
    # the engine rewrites only Markdown links: `<a href="../tools/qa-tool.md">` was published as
    # written, a dead link `hubgen links` then failed the pull request for (check, build: rc 0)
    body = ('See <a href="../tools/qa-tool.md">the tool</a>, <a href="#top">the top</a> and '
            '<a href="https://example.org/">another site</a>.')
    problem = the_problem(tiny, "tools/html-tool.yml", PUBLIC_TOOL + f"body: '{body}'\n")
    assert problem == ("content/tools/html-tool.yml:7:7: body: the link `../tools/qa-tool.md` is written in "
                       "HTML, which the site publishes as it is, leading to no page; write it in Markdown: "
                       "[title](../tools/<id>.md)"), problem


def test_r3_an_event_whose_takeaways_together_are_too_much_for_its_page_is_refused(tiny: Project) -> None:
    # each takeaway under the record's bound, their event's page (which shows all their points)
    # not: 12 takeaways of 19 points of 17 KB took the engine minutes (check: All good)
    point = "a&" * 5_700  # 6.5e7 each, 1.6e9 a takeaway: under the record's bound
    for index in range(3):
        write(tiny, f"takeaways/bulk-{index}.yml", yaml.safe_dump({
            "title": f"Bulk {index}", "summary": "Lessons.", "event": "tiny-event", "audience": "public",
            "themes": ["disclosures"], "points": [point] * 25}, width=1_000_000))
    assert [p for p in messages(tiny) if "warning" not in p] == [
        "content/events/tiny-event.yml:1:1: with its takeaways, whose points its page shows, too long and "
        "full of markup (`*`, `_`, `<`, `[`, `&`...) for the site's Markdown reader to read in a reasonable "
        "time; shorten the takeaways' points, or split the event"]
    (tiny.content / "takeaways/bulk-2.yml").unlink()
    assert [p for p in messages(tiny) if "warning" not in p] == []


def _withheld_takeaway(tiny: Project, theme: str) -> None:
    """A public takeaway whose sections are all affiliate-only: the public site has no page for it."""
    write(tiny, "takeaways/withheld.yml", "title: Withheld\nsummary: Lessons.\nevent: tiny-event\n"
          f"audience: public\nthemes: [{theme}]\nsections:\n  - title: For affiliates\n"
          "    audience: affiliates\n    points:\n      - Kept.\n")


def test_r3_a_link_to_a_takeaway_the_public_site_withholds_is_refused(tiny: Project) -> None:
    # a public takeaway whose sections are all affiliate-only has no public page (F17): a public
    # link to it failed the build (check: All good)
    _withheld_takeaway(tiny, "disclosures")
    body = "body: See [it](../takeaways/withheld.md).\n"
    problem = the_problem(tiny, "tools/link-tool.yml", PUBLIC_TOOL + body)
    assert problem.startswith("content/tools/link-tool.yml:7:") and (
        "body: points at `takeaways/withheld`, which is affiliate-only") in problem, problem


def test_r3_a_theme_only_a_withheld_takeaway_uses_has_no_public_page(tiny: Project) -> None:
    _withheld_takeaway(tiny, "secret-theme")
    body = "body: See [the theme](../themes/secret-theme.md).\n"
    problem = the_problem(tiny, "tools/link-tool.yml", PUBLIC_TOOL + body)
    assert "body: points at the theme page `themes/secret-theme`, which the public site does not" in problem
