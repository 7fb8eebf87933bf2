"""The affiliate split, channel by channel: canaries in every affiliate-only field of the tiny hub.

Every affiliate-only field of every record type, and every affiliate-only link, session,
section and note inside a public record, holds a phrase starting with "Canary"; nothing
public does. Public fields that must survive hold "Public marker".
"""

from __future__ import annotations

import gzip
import html
import json
import re
import shutil
from pathlib import Path

import pytest
import yaml

from hubgen.build import build, scan_built
from hubgen.config import load_base
from hubgen.errors import HubError
from hubgen.headers import content_security_policy, parse_headers_file
from hubgen.project import Project
from hubgen.scan import (
    Finder,
    Material,
    Needle,
    _found_texts,
    _outputs,
    _runs,
    affiliate_material,
    chrome_text,
    scan_site,
    words,
)
from hubgen.select import select
from hubgen.validate import check_project
from tests.conftest import ENGINE, FIXTURES, make_hub, run_hubgen
from tests.search import index_pages

CONTENT = FIXTURES / "tiny" / "content"


def fixture_strings() -> list[str]:
    found: list[str] = []

    def walk(value: object) -> None:
        if isinstance(value, str):
            found.append(value)
        elif isinstance(value, dict):
            for item in value.values():
                walk(item)
        elif isinstance(value, list):
            for item in value:
                walk(item)

    for path in sorted(CONTENT.rglob("*.yml")):
        walk(yaml.safe_load(path.read_text()))
    return found


CANARIES = sorted({m for s in fixture_strings() for m in re.findall(r"Canary(?: [a-z]+)+", s)})
PUBLIC_MARKERS = sorted({m for s in fixture_strings() for m in re.findall(r"Public marker(?: [a-z]+)+", s)})


def readable(root: Path) -> str:
    """Every file's text (gz unpacked, JSON strings decoded, entities resolved) and every name."""
    parts = []
    for path in sorted(root.rglob("*")):
        parts.append(path.relative_to(root).as_posix())
        if not path.is_file():
            continue
        data = path.read_bytes()
        if path.suffix == ".gz":
            data = gzip.decompress(data)
        text = data.decode("utf-8", "replace")
        if ".json" in path.name:
            text = json.dumps(json.loads(text), ensure_ascii=False)
        parts.append(html.unescape(text))
    return " ".join(" ".join(parts).split())


def test_the_fixture_has_canaries_in_every_kind_of_place() -> None:
    assert len(CANARIES) >= 50
    assert len(PUBLIC_MARKERS) >= 5


def test_public_site_and_project_hold_no_canary(built_tiny: Project) -> None:
    for root in (built_tiny.site_dir("public"), built_tiny.build_dir("public")):
        text = readable(root).lower()
        assert "canary" not in text
        assert "intranet.example.org" not in text
        assert "secret-" not in text  # the ids of affiliate-only records and theme


def test_affiliate_site_holds_every_canary(built_tiny: Project) -> None:
    text = readable(built_tiny.site_dir("affiliates"))
    assert [c for c in CANARIES if c not in text] == []


def test_public_site_holds_every_public_marker(built_tiny: Project) -> None:
    text = readable(built_tiny.site_dir("public"))
    assert [m for m in PUBLIC_MARKERS if m not in text] == []


def public_count(theme: str) -> int:
    count = 0
    for path in CONTENT.glob("*/*.yml"):
        data = yaml.safe_load(path.read_text())
        count += data.get("audience") == "public" and theme in data["themes"]
    return count


def test_theme_counts_and_listings_count_only_public_records(built_tiny: Project) -> None:
    public = (built_tiny.site_dir("public") / "themes/index.html").read_text()
    affiliates = (built_tiny.site_dir("affiliates") / "themes/index.html").read_text()
    def tile_count(page: str) -> str:
        return page.split(">Disclosures</a>")[1].split("</li>")[0].split('class="hub-tile__count">')[1]

    assert tile_count(public) == f'{public_count("disclosures")} records</p>\n'
    assert tile_count(affiliates) != tile_count(public)
    listing = (built_tiny.site_dir("public") / "webinars/index.html").read_text()
    assert "2 webinars on this site." in listing
    listing = (built_tiny.site_dir("affiliates") / "webinars/index.html").read_text()
    assert "3 webinars on this site." in listing


def test_sitemaps_list_only_public_pages(built_tiny: Project) -> None:
    site = built_tiny.site_dir("public")
    plain = (site / ENGINE.sitemap).read_text()
    packed = gzip.decompress((site / f"{ENGINE.sitemap}.gz").read_bytes()).decode()  # MkDocs' copy
    for sitemap in (plain, packed):
        assert "https://hub.example.org/tools/qa-tool/" in sitemap
        assert "secret" not in sitemap
    assert "tools/secret-tool/" in (built_tiny.site_dir("affiliates") / ENGINE.sitemap).read_text()


def test_search_index_and_404_hold_only_public_material(built_tiny: Project) -> None:
    site = built_tiny.site_dir("public")
    pages = index_pages(site)
    assert "canary" not in json.dumps(pages).lower()
    assert {page["url"] for page in pages} >= {"/tools/qa-tool/", "/clauses/disclosure-clause/"}
    assert "canary" not in (site / "404.html").read_text().lower()


def test_meta_descriptions_are_the_public_summaries(built_tiny: Project) -> None:
    page = (built_tiny.site_dir("public") / "tools/qa-tool/index.html").read_text()
    assert '<meta name="description" content="A question set for supplier meetings.">' in page
    described = [m for p in built_tiny.site_dir("public").rglob("*.html")
                 for m in re.findall(r'<meta name="description" content="([^"]*)"', p.read_text())]
    assert described and not [d for d in described if "canary" in d.lower()]


def test_edit_links_only_on_the_affiliate_site(built_tiny: Project) -> None:
    affiliates = (built_tiny.site_dir("affiliates") / "tools/secret-tool/index.html").read_text()
    assert 'href="https://example.org/edit/content/tools/secret-tool.yml"' in affiliates
    public_pages = "".join(p.read_text() for p in built_tiny.site_dir("public").rglob("*.html"))
    assert "example.org/edit" not in public_pages
    assert 'rel="edit"' not in public_pages


def test_private_event_pointer_disappears_from_public_takeaways(built_tiny: Project) -> None:
    page = (built_tiny.site_dir("public") / "takeaways/orphan-takeaways/index.html").read_text()
    assert "Public marker topaz" in page
    assert "Event" not in page.split('class="md-content"')[1].split("Takeaways</h2>")[0]


def test_generated_public_docs_hold_only_what_hubgen_made_for_the_variant(built_tiny: Project) -> None:
    docs = built_tiny.build_dir("public") / "docs"
    others = sorted(p.relative_to(docs).as_posix() for p in docs.rglob("*")
                    if p.is_file() and p.suffix != ".md")
    assert others == ["assets/hubgen.css", "assets/hubgen.js", "assets/search.css", "assets/search.js",
                      "feed.xml", "webinars.ics", "webinars/dated-webinar.ics"]


def test_feed_and_calendars_hold_only_public_records(built_tiny: Project) -> None:
    site = built_tiny.site_dir("public")
    for name in ("feed.xml", "webinars.ics", "webinars/dated-webinar.ics"):
        text = (site / name).read_text()
        assert "canary" not in text.lower() and "secret" not in text, name
    assert not (site / "webinars/secret-webinar.ics").exists()
    assert "Canary webinar title lima" in (built_tiny.site_dir("affiliates") / "webinars.ics").read_text()


def test_html_comments_are_refused_in_markdown(tiny: Project) -> None:
    path = tiny.content / "tools/qa-tool.yml"
    path.write_text(path.read_text() + "body: Hello <!-- hidden remark -->\n")
    _, problems = check_project(tiny)
    assert [str(p) for p in problems] == [
        "content/tools/qa-tool.yml:19:7: body: has an HTML comment (`<!--`); comments are copied into "
        "the page's source, where anyone can read them: remove it (use affiliate_note for remarks only "
        "affiliates may see)"]


def test_plugins_that_render_text_into_images_are_refused(tiny: Project) -> None:
    config = tiny.root / "mkdocs.yml"
    text = config.read_text()
    config.write_text(text + "plugins:\n  - search\n  - social\n")
    with pytest.raises(HubError) as failure:
        load_base(tiny)
    line = text.count("\n") + 3
    assert failure.value.lines() == [
        f"mkdocs.yml:{line}:5: plugins[1]: plugin `social` is not supported: hubgen generates every page "
        "before the engine runs so that the project stays plain (MkDocs, ProperDocs, Zensical); remove it"]


# The scan itself: it finds what slips through, wherever it is, and only that ---------------------

@pytest.fixture
def public_copy(built_tiny: Project, tmp_path: Path) -> Path:
    copy = tmp_path / "public"
    shutil.copytree(built_tiny.site_dir("public"), copy)
    return copy


def needles(project: Project) -> Material:
    hub, _ = check_project(project)
    return affiliate_material(hub, select(hub, "public"))


def test_scan_finds_nothing_in_a_clean_public_site(built_tiny: Project, public_copy: Path) -> None:
    assert scan_site(public_copy, needles(built_tiny)) == []


def test_scan_takes_a_longer_id_or_name_for_no_pointer(built_tiny: Project, public_copy: Path) -> None:
    # another page's path, or another site's, that merely holds an affiliate-only page's
    # (check accepts both: review3 R3)
    (public_copy / "other.html").write_bytes(b'<p><a href="https://x.example/devtools/secret-tool/">a</a> '
                                             b"and tools/secret-tool-guide/ and tools/secret-tool2. and "
                                             b"x-tools/secret-tool</p>")
    assert scan_site(public_copy, needles(built_tiny)) == []


@pytest.mark.parametrize("name, data, origin", [
    ("leak.html", b"<p>Canary record title charlie</p>", "content/tools/secret-tool.yml: title"),
    ("leak.html", b"<!-- Canary note text bravo for affiliates. -->",
     "content/tools/qa-tool.yml: affiliate_note"),
    ("leak.json", json.dumps({"t": "Canary\u00a0webinar summary mike, for affiliates."}).encode(),
     "content/webinars/secret-webinar.yml: summary"),
    ("leak.xml.gz", gzip.compress(b"<loc>https://intranet.example.org/canary-alpha</loc>"),
     "content/tools/qa-tool.yml: links[1]"),
    ("js/leak.js", b'var x="Canary section point juliet stays with affiliates"',
     "content/takeaways/tiny-takeaways.yml: sections[1]"),
    ("tools/secret-tool/index.html", b"", "content/tools/secret-tool.yml: id"),
    # however the page's address ends (rereview14 N4)
    ("leak.html", b'<a href="/tools/secret-tool?from=alpha">x</a>', "content/tools/secret-tool.yml: id"),
    ("leak.html", b"<p>see tools/secret-tool#top and more</p>", "content/tools/secret-tool.yml: id"),
    ("leak.html", b"<p>(tools/secret-tool) and webinars/secret-webinar.ics</p>",
     "content/tools/secret-tool.yml: id"),
    # at a sentence's end, escaped, in italics, at a line's end (review3 R3: not found)
    ("leak.html", b"<p>Members read tools&#47;secret-tool.</p>", "content/tools/secret-tool.yml: id"),
    ("leak.html", b"<p>Members read tools/secret-tool_ and more</p>", "content/tools/secret-tool.yml: id"),
    ("leak.js", b"var page = 'x'\n+ tools/secret-tool\n", "content/tools/secret-tool.yml: id"),
    ("leak.txt", b"tools/secret-tool", "content/tools/secret-tool.yml: id"),
    ("leak.html", b"<p>tools/secret-tool-- and tools/secret-tool-.</p>", "content/tools/secret-tool.yml: id"),
    ("leak.html", b"<p>CANARY <em>Record</em> title&#x20;charlie</p>",
     "content/tools/secret-tool.yml: title"),
    # a paragraph written over lines is one run of text to its reader, in a page and in JSON
    ("leak.html", b"<article>\n<p>Canary record\ntitle charlie</p>\n</article>",
     "content/tools/secret-tool.yml: title"),
    ("leak.html", b"<p>Canary <strong>record</strong>\n  <em>title</em>\ncharlie</p>",
     "content/tools/secret-tool.yml: title"),
    ("leak.json", json.dumps({"t": "<p>Canary record\ntitle charlie</p>"}).encode(),
     "content/tools/secret-tool.yml: title"),
    # what a tooltip, an image's alternative or a page's description shows is read too
    ("leak.html", b'<img src="x.png" alt="Canary record title charlie">',
     "content/tools/secret-tool.yml: title"),
    ("leak.html", b'<meta name="description" content="Canary record title&#32;charlie">',
     "content/tools/secret-tool.yml: title"),
    ("leak.html", b'<a href="#" title="Canary record title charlie">x</a>',
     "content/tools/secret-tool.yml: title"),
    # a calendar folds its lines at 75 bytes, inside a word perhaps, and escapes commas
    ("webinars/leak.ics",
     b"BEGIN:VCALENDAR\r\nDESCRIPTION:Canary rec\r\n ord\\, title charlie\r\nEND:VCALENDAR\r\n",
     "content/tools/secret-tool.yml: title"),
])
def test_scan_finds_a_planted_leak_in_any_file(built_tiny: Project, public_copy: Path, name: str,
                                               data: bytes, origin: str) -> None:
    target = public_copy / name
    target.parent.mkdir(parents=True, exist_ok=True)
    target.write_bytes(data)
    problems = [str(p) for p in scan_site(public_copy, needles(built_tiny), "site/public")]
    assert any(p.startswith(f"site/public/{name}: holds affiliate-only material from {origin}")
               for p in problems), problems



@pytest.mark.parametrize("page, phrase", [
    (b"<p>Canary <strong>record</strong> title&nbsp;charlie</p>", True),   # inline tags vanish
    (b"<p>CANARY record &#84;itle charlie.</p>", True),                   # case and references
    (b"<p>Canary\xc2\xa0record \xe2\x80\x94 title charlie</p>", True),   # non-ASCII punctuation
    (b"<p>1 < 2, Canary record title charlie</p>", True),               # a `<` that opens no tag
    (b"<li>Canary record</li><li>title charlie</li>", False),           # blocks stay apart
    (b"<li>Canary record\n<li>title charlie", False),                   # closed or not
    (b"<p>Canary record</p>\n  <P class=x>title charlie</p>", False),
    (b"<p>Canary record\ntitle charlie</p>", True),                      # a paragraph over lines
    (b"<p>Canary record\n<a href=x>title</a>\r\ncharlie</p>", True),
    (b"<p>Canary records title charlie</p>", False),                    # whole words only
])
def test_words_are_what_a_reader_sees(page: bytes, phrase: bool) -> None:
    assert (b" canary record title charlie " in words(_runs(page))) is phrase


def test_each_needle_is_found_wherever_it_first_appears() -> None:
    # short needles are dropped once found, so later texts are searched by a smaller
    # automaton: what is found must still be exactly what a plain search finds in each text
    import random
    rng = random.Random(7)
    vocabulary = [f"w{i}" for i in range(12)]
    texts = [" ".join(rng.choice(vocabulary) for _ in range(rng.randint(0, 60))) for _ in range(40)]
    phrases = {" ".join(rng.choice(vocabulary) for _ in range(rng.randint(2, 7))) for _ in range(300)}
    needles = [Needle(f" {p} ", "origin", False) for p in phrases]
    needles.append(Needle("https://intranet.example.org/x", "origin", True))
    texts[-1] += " see https://intranet.example.org/x"
    pairs = [(t.lower().encode(), words(t.encode())) for t in texts]
    expected = {n.text for n in needles if any(n.text.encode() in (raw if n.raw else readable)
                                               for raw, readable in pairs)}
    assert 0 < len(expected) < len(needles)
    assert any(len(n.split()) <= 3 for n in expected) and any(len(n.split()) > 3 for n in expected)
    assert Finder(needles).first_found(pairs) == expected


SAID = Needle(" supplier audits matter to every buyer ", "content/a.yml: title", False)
SECRET = Needle(" secret plan zeta ", "content/b.yml: title", False)
SECRET_REPORTED = 'site/b.html: holds affiliate-only material from content/b.yml: title: "secret plan zeta"'


def said_and_secret(site: Path, pages: dict[str, str]) -> Material:
    """A site of `pages`, and needles: one public material says word for word, one secret."""
    site.mkdir()
    for name, text in pages.items():
        (site / name).write_text(text)
    return Material([SAID, SECRET], b"Intro.\nSupplier audits matter to every buyer.\n")


def test_lines_public_material_says_are_skipped_and_the_rest_searched(tmp_path: Path) -> None:
    # what is found and public material also says is no leak, so a line public material says
    # word for word is not searched; beside other words the same needle is found, then excused
    site = tmp_path / "site"
    material = said_and_secret(
        site, {"a.html": "<h1>Intro</h1>\n<p>Supplier audits matter to every buyer.</p>\n"})
    assert _found_texts(_outputs(site), material.finder, material.public_lines) == set()
    assert _found_texts(_outputs(site), material.finder) == {SAID.text}
    (site / "b.html").write_text("<p>Why supplier audits matter to every buyer: secret plan zeta.</p>\n")
    assert _found_texts(_outputs(site), material.finder, material.public_lines) == {SAID.text, SECRET.text}
    assert [str(p) for p in scan_site(site, material, "site")] == [SECRET_REPORTED]


def test_a_scan_of_some_files_reads_only_those_and_shows_each_to_its_reader(tmp_path: Path) -> None:
    # the build scans the site, then the `_headers` and `robots.txt` it adds after; what the
    # first scan reads, the headers' inline scripts are taken from
    site = tmp_path / "site"
    material = said_and_secret(site, {"a.html": "<p>secret plan zeta</p><script>go()</script>\n",
                                      "robots.txt": "secret plan zeta\n"})
    read: dict[str, bytes] = {}
    assert len(scan_site(site, material, "site", read=read.__setitem__)) == 2
    assert read == {"a.html": (site / "a.html").read_bytes(), "robots.txt": b"secret plan zeta\n"}
    assert [str(p) for p in scan_site(site, material, "site", files=["robots.txt"])] == [
        SECRET_REPORTED.replace("b.html", "robots.txt")]


def test_a_leaking_site_names_only_what_public_material_does_not_say(tmp_path: Path) -> None:
    # a needle public material says, found only in lines it says word for word, is skipped by
    # the first reading; the file by file reading that names a real leak must excuse it too
    site = tmp_path / "site"
    material = said_and_secret(site, {"a.html": "<p>Supplier audits matter to every buyer.</p>\n",
                                      "b.html": "<p>secret plan zeta</p>\n"})
    assert [str(p) for p in scan_site(site, material, "site")] == [SECRET_REPORTED]


def test_no_text_vanishes_into_a_tag_opened_on_another_line() -> None:
    # the scan reads the distinct lines of many files in no set order: a tag left open at the
    # end of one line must not swallow the next lines, whichever file they come from
    assert b" secret plan zeta " in words(b"<a\n<p>secret plan zeta</p>\n1 > 0")
    assert b" secret plan zeta " in words(b"<em\nsecret plan zeta\n>")


def test_a_leak_in_a_line_every_page_shares_names_every_page(built_tiny: Project,
                                                             public_copy: Path) -> None:
    # the scan reads each distinct line once; a line shared by all pages (a leaking theme
    # override's footer) must still fail every page, and a later page's own line is still read
    pages = sorted(public_copy.rglob("*.html"))
    for page in pages:
        text = page.read_text().replace("</footer>", "\n<p>Canary record title charlie</p>\n</footer>", 1)
        page.write_text(text)
    last = pages[-1]
    last.write_text(last.read_text() + "\n<p>Canary record summary delta, seen by affiliates alone.</p>\n")
    problems = [str(p) for p in scan_site(public_copy, needles(built_tiny), "site/public")]
    for page in pages:
        rel = page.relative_to(public_copy).as_posix()
        assert (f"site/public/{rel}: holds affiliate-only material from "
                "content/tools/secret-tool.yml: title") in "\n".join(problems)
    assert any(p.startswith(f"site/public/{last.relative_to(public_copy).as_posix()}: holds "
                            "affiliate-only material from content/tools/secret-tool.yml: summary")
               for p in problems), problems


def excused_only_by_public_material(tiny: Project, name: str, title: str, summary: str
                                    ) -> tuple[list[Needle], list[str]]:
    """Add an affiliate-only tool `name`, build the public site, check the scan finds nothing;
    returns its needles, and the problems the scan finds with them alone (no public material)."""
    (tiny.content / f"tools/{name}.yml").write_text(
        f"title: {title}\nsummary: {summary}\nprovider: X\nkind: other\nthemes: [disclosures]\n")
    build(tiny, ("public",))
    assert scan_built(tiny, tiny.site_dir("public")) == []
    material = needles(tiny)
    return material.needles, [str(p) for p in scan_site(tiny.site_dir("public"), material.needles)]


def test_text_public_material_also_has_raises_no_alarm(tiny: Project) -> None:
    # an affiliate-only record that repeats a public summary word for word
    found, problems = excused_only_by_public_material(
        tiny, "echo-tool", "Echo tool", "What we learned about disclosures.")
    assert {" what we learned about disclosures ", " echo tool "} <= {n.text for n in found}
    # without what public material says, the same needles would raise the alarm
    assert any("content/tools/echo-tool.yml: summary" in p for p in problems), problems


def test_a_public_date_beside_its_type_label_raises_no_alarm(tiny: Project) -> None:
    # a card puts the type before the date that matters: the public webinar's card reads
    # `webinar 15 march 2030`, which an affiliate-only title may say word for word
    found, problems = excused_only_by_public_material(
        tiny, "dated-tool", "Webinar 15 March 2030", "A tool about something else.")
    assert " webinar 15 march 2030 " in {n.text for n in found}
    assert any("content/tools/dated-tool.yml: title" in p for p in problems), problems


def test_affiliate_urls_are_looked_for_whole_not_by_their_words(tiny: Project) -> None:
    # an intranet copy of a public record: its address ends as the public page's does, which
    # every public page names (canonical link, sitemap); a URL inside a note counts too
    path = tiny.content / "tools/qa-tool.yml"
    path.write_text(path.read_text()
                    .replace("https://intranet.example.org/canary-alpha", "https://intranet.example.org/tools/qa-tool")
                    .replace("Canary note text bravo for affiliates.",
                             "Canary note text bravo, see https://intranet.example.org/notes/bravo."))
    build(tiny, ("public",))  # no alarm
    site = tiny.site_dir("public")
    (site / "leak.html").write_text('<a href="https://intranet.example.org/tools/qa-tool">x</a>\n'
                                    "<p>https://intranet.example.org/notes/bravo</p>")
    problems = [str(p) for p in scan_built(tiny, site)]
    for origin in ("links[1]", "affiliate_note"):
        assert any(p.startswith(f"{tiny.shown(site)}/leak.html: holds affiliate-only material from "
                                f"content/tools/qa-tool.yml: {origin}") for p in problems), problems


def test_scan_command_on_a_finished_site(built_tiny: Project, public_copy: Path) -> None:
    clean = run_hubgen("--project", str(built_tiny.root), "scan", str(public_copy))
    assert clean.returncode == 0, clean.stderr
    assert clean.stdout == f"No affiliate-only material found in {public_copy}.\n"
    (public_copy / "tools/leak.txt").write_text("Canary record summary delta, seen by affiliates alone.")
    leaked = run_hubgen("--project", str(built_tiny.root), "scan", str(public_copy))
    assert leaked.returncode == 1
    assert (f"{public_copy}/tools/leak.txt: holds affiliate-only material from "
            "content/tools/secret-tool.yml: summary") in leaked.stderr


@pytest.mark.parametrize("repeated_link", [False, True])
def test_a_hub_with_nothing_to_look_for_builds_and_its_pages_scripts_are_allowed(
        tiny: Project, repeated_link: bool) -> None:
    # no affiliate-only text at all; or only a link public material also gives, so that no
    # needle is left: the scan looks for nothing, yet still hands every page to the headers
    content = tiny.root / "content"
    for record in content.glob("*/*.yml"):
        record.unlink()
    hub_yml = content / "hub.yml"
    hub_yml.write_text(hub_yml.read_text().replace("audience: affiliates", "audience: public"))
    tool = ("summary: A question set for supplier meetings.\nprovider: Example Network\n"
            "kind: questionnaire\nthemes: [supplier-engagement]\nlinks:\n"
            "  - title: Public guide\n    url: https://example.org/guide\n")
    (content / "tools/first-tool.yml").write_text("title: First tool\n" + tool)
    if repeated_link:
        (content / "tools/second-tool.yml").write_text(
            "title: Second tool\n" + tool + "    audience: affiliates\n")
    build(tiny, ("public", "affiliates"))
    site = tiny.site_dir("public")
    csp = dict(parse_headers_file((site / "_headers").read_text())["/*"])["Content-Security-Policy"]
    assert "'sha256-" in csp and csp == content_security_policy(site)


def test_a_pointer_to_an_affiliate_only_page_is_never_excused(built_tiny: Project, public_copy: Path) -> None:
    # public text that names an affiliate-only page (a theme's description, hub.yml) says its
    # path; found on the public site it is still a leak: the record's existence is published
    material = needles(built_tiny)
    said = Material(material.needles, material.public + b"\nSee /tools/secret-tool/ and "
                                                          b"/webinars/series/canary-webinar-series-papa/\n")
    series = b"/webinars/series/canary-webinar-series-papa/"
    (public_copy / "leak.html").write_bytes(b'<p><a href="../tools/secret-tool/">x</a> <a href="' + series
                                            + b'">y</a></p>')
    problems = [str(p) for p in scan_site(public_copy, said, "site/public")]
    assert problems == [
        "site/public/leak.html: holds affiliate-only material from content/tools/secret-tool.yml: id: "
        '"tools/secret-tool"',
        "site/public/leak.html: holds affiliate-only material from content/webinars/secret-webinar.yml: "
        'series: "webinars/series/canary-webinar-series-papa"']


def test_the_hubs_own_scripts_words_are_page_chrome(built_tiny: Project) -> None:
    # an affiliate-only link titled as a button of hubgen.js is no leak: every site says it
    hub, _ = check_project(built_tiny)
    chrome = chrome_text(built_tiny.templates)
    assert b"Copy wording" in chrome and b"Type a word to search every record" in chrome
    material = affiliate_material(hub, select(hub, "public"), chrome)
    button = Needle(" copy wording ", "content/tools/secret-tool.yml: links[0].title", False)
    material = Material([*material.needles, button], material.public)
    assert " copy wording " not in {n.text for n in material.finder}


def test_an_affiliate_only_link_to_a_public_page_is_no_leak(tmp_path: Path) -> None:
    # the engine writes each public page's address (sitemap, canonical link): an affiliate-only
    # link to one says what the public site says anyway
    project = make_hub(tmp_path / "hub", CONTENT)
    secret = project.content / "tools/secret-tool.yml"
    pages = ["tools/qa-tool/", "records/", "search/", "accessibility/",  # (rereview14 N7: not only records)
             "webinars/series/due-diligence-series/", "feed.xml"]
    secret.write_text(secret.read_text().replace("links:\n", "links:\n" + "".join(
        f"  - title: The public page {n}\n    url: https://hub.example.org/{page}\n"
        for n, page in enumerate(pages)), 1))
    hub, problems = check_project(project)
    assert not [p for p in problems if p.severity == "error"]
    material = affiliate_material(hub, select(hub, "public"))
    urls = {f"https://hub.example.org/{page}" for page in pages}
    assert urls <= {n.text for n in material.needles}
    assert not urls & {n.text for n in material.finder}


def test_a_series_page_the_public_site_has_is_no_pointer(tmp_path: Path) -> None:
    # an affiliate-only webinar of a series whose name differs from a public one only in case
    # has the same page (rereview14 N3): its path is public, not an affiliate-only page
    project = make_hub(tmp_path / "hub", CONTENT)
    secret = project.content / "webinars/secret-webinar.yml"
    secret.write_text(secret.read_text().replace("series: Canary webinar series papa",
                                                 "series: Due Diligence Series"))
    hub, _ = check_project(project)
    texts = {n.text for n in affiliate_material(hub, select(hub, "public")).needles}
    assert "webinars/series/due-diligence-series/" not in texts
    assert "webinars/series/canary-webinar-series-papa/" not in texts


def test_a_short_line_of_an_affiliate_only_text_is_looked_for() -> None:
    # a list's item or a heading of two or three words (rereview14 N13)
    from hubgen.scan import _fragments
    found = {needle for _, needle in _fragments(["An introduction of several words here.\n\n"
                                                "- Zanzibar dossier\n- Quokka plan b\n- One"])}
    assert {b" zanzibar dossier ", b" quokka plan b "} <= found and b" one " not in found


def test_materials_own_scripts_are_page_chrome() -> None:
    # the site publishes Material's scripts and their source maps (rereview14 N6)
    assert b"The search index" in chrome_text() or b"the search index" in chrome_text()
