"""Golden pages: each record type, listing, theme and home page as generated for each variant
(its Markdown, then the theme file of HTML pieces it names), and how a page is cut into them.

After a deliberate template change run `make golden` and review the diff of tests/golden/.
"""

from __future__ import annotations

import datetime as dt
import re
from pathlib import Path

import jinja2
import pytest
from hypothesis import given
from hypothesis import strategies as st

from hubgen.errors import HubError
from hubgen.project import Project
from hubgen.render import HTML, MARKDOWN, HubView, Renderer, md_text, render_pages, split_page
from hubgen.select import select
from hubgen.validate import check_project

GOLDEN = Path(__file__).parent / "golden"
TODAY = dt.date(2026, 1, 1)
PAGES = ["index.md", "themes/index.md", "themes/disclosures.md", "tools/index.md",
         "tools/qa-tool.md", "tools/secret-tool.md", "webinars/dated-webinar.md",
         "webinars/undated-webinar.md", "clauses/disclosure-clause.md", "events/tiny-event.md",
         "takeaways/tiny-takeaways.md"]


def rendered(project: Project, variant: str) -> dict[str, str]:
    hub, problems = check_project(project)
    assert problems == []
    pages = render_pages(HubView(select(hub, variant), variant, TODAY), project.templates)
    return {page.path: page.text + "".join(f"\n=== {name} ===\n{html}" for name, html in page.pieces.items())
            for page in pages}


@pytest.mark.parametrize("variant", ["public", "affiliates"])
def test_pages_match_golden(tiny: Project, variant: str, request: pytest.FixtureRequest) -> None:
    pages = rendered(tiny, variant)
    update = request.config.getoption("--update-golden")
    mismatched = []
    for path in PAGES:
        golden = GOLDEN / variant / path
        if path == "tools/secret-tool.md" and variant == "public":
            assert path not in pages
            continue
        if update:
            golden.parent.mkdir(parents=True, exist_ok=True)
            golden.write_text(pages[path], encoding="utf-8")
        elif pages[path] != golden.read_text(encoding="utf-8"):
            mismatched.append(path)
    assert mismatched == [], "run `make golden` and review the diff if the change is intended"


def test_public_variant_renders_only_public_pages(tiny: Project) -> None:
    pages = rendered(tiny, "public")
    assert "tools/secret-tool.md" not in pages
    assert "themes/secret-theme.md" not in pages
    assert "tools/secret-tool.md" in rendered(tiny, "affiliates")


@pytest.mark.parametrize("text, expected", [
    ("Q&A <b>", "Q&amp;A &lt;b&gt;"),
    ("*not* [a](link) {: onclick=x}", r"\*not\* \[a\]\(link\) \{: onclick&#61;x\}"),
    ("~x | y ^z", "&#126;x &#124; y &#94;z"),
    ("two\nlines", "two lines"),
    ("NO", "NO"),
])
def test_plain_text_cannot_become_markup(text: str, expected: str) -> None:
    assert md_text(text) == expected


def test_a_macro_error_names_its_line_in_the_macros_file(tiny: Project) -> None:
    # the macros are made once for all pages as deep; an error in one still points at its line
    macros = tiny.templates / "pages/_macros.md.j2"
    lines = macros.read_text().splitlines()
    at = next(i for i, line in enumerate(lines) if line.startswith("{% macro link_item")) + 1
    macros.write_text("\n".join([*lines[:at], "{{ link.no_such_field }}", *lines[at:]]) + "\n")
    hub, _ = check_project(tiny)
    with pytest.raises(HubError) as failure:
        render_pages(HubView(select(hub, "public"), "public", TODAY), tiny.templates)
    [line] = failure.value.lines()
    assert line.startswith(f"templates/pages/_macros.md.j2:{at + 1}:1: template error while rendering "), line


def test_a_renderer_serving_both_variants_keeps_their_pieces_apart(tiny: Project) -> None:
    # a list item made once for all pages as deep (`once`) is made once for each variant
    hub, _ = check_project(tiny)
    views = {v: HubView(select(hub, v), v, TODAY) for v in ("affiliates", "public")}
    alone = {v: Renderer(tiny.templates).page("listing.md.j2", "tools/index.md", view, type="tools",
                                              entries=view.of_type("tools")).files()
             for v, view in views.items()}
    shared = Renderer(tiny.templates)
    both = {v: shared.page("listing.md.j2", "tools/index.md", view, type="tools",
                           entries=view.of_type("tools")).files() for v, view in views.items()}
    written = {v: b"".join(files.values()) for v, files in both.items()}
    assert both == alone
    assert b"data-audience" in written["affiliates"] and b"data-audience" not in written["public"]


def test_an_error_outside_any_macro_names_its_line_in_the_macros_file(tiny: Project) -> None:
    # the macros' module is made apart from any page's rendering; its error still names its line
    macros = tiny.templates / "pages/_macros.md.j2"
    macros.write_text("{% set labels = no_such_table.x %}\n" + macros.read_text())
    hub, _ = check_project(tiny)
    with pytest.raises(HubError) as failure:
        render_pages(HubView(select(hub, "public"), "public", TODAY), tiny.templates)
    [line] = failure.value.lines()
    assert line.startswith("templates/pages/_macros.md.j2:1:1: template error while rendering "), line
    assert "no_such_table" in line


def test_templates_of_ones_own_may_do_without_the_macros(tiny: Project) -> None:
    pages = tiny.templates / "pages"
    (pages / "_macros.md.j2").unlink()
    for template in pages.glob("*.md.j2"):
        template.write_text("# {{ here }}\n")
    (pages / "themes.md.j2").write_text("{{ m.badge(x) }}\n")
    hub, _ = check_project(tiny)
    view = HubView(select(hub, "public"), "public", TODAY)
    with pytest.raises(HubError, match="'m' is undefined"):
        render_pages(view, tiny.templates)
    (pages / "themes.md.j2").write_text("# Themes\n")
    assert {p.path: p.text for p in render_pages(view, tiny.templates)}["tools/qa-tool.md"] == \
        "# tools/qa-tool.md\n"


FRONT = '---\ntitle: "T"\n---\n'


def _include(page, part: str) -> str:
    """What the theme's partials/content.html writes for `part` of the page's pieces."""
    [(name, html)] = page.pieces.items()
    env = jinja2.Environment(loader=jinja2.DictLoader({name.removeprefix("overrides/"): html}))
    return env.get_template(name.removeprefix("overrides/")).render(hub_part=part)


def test_a_page_is_cut_into_head_markdown_and_foot() -> None:
    page = split_page("tools/x.md", FRONT + HTML + "<nav>trail</nav>\n<h1>T</h1>\n" + MARKDOWN
                      + "Body *text*.\n" + HTML + "<h2>Links</h2>\n" + MARKDOWN + "\n" + HTML + "<ul></ul>\n")
    [name] = page.pieces
    assert name.startswith("overrides/hub/pieces/") and name.endswith(".html")
    assert page.text == (f'---\ntitle: "T"\nhub_pieces: "{name.removeprefix("overrides/")}"\nhub_head: true\n'
                         "---\n\n<!-- hub_pieces: head -->\n\nBody *text*.\n")
    assert _include(page, "head") == "<nav>trail</nav>\n<h1>T</h1>"
    assert _include(page, "foot") == "<h2>Links</h2>\n<ul></ul>"  # a blank Markdown part joins them


def test_html_between_markdown_stays_in_the_markdown() -> None:
    page = split_page("x.md", FRONT + HTML + "<h1>T</h1>" + MARKDOWN + "A\n" + HTML + "<p>mid</p>\n"
                      + MARKDOWN + "B\n")
    assert page.text.endswith("-->\n\nA\n\n<p>mid</p>\n\nB\n")
    assert _include(page, "foot") == ""


def test_a_page_without_marks_is_markdown_as_before() -> None:
    text = FRONT + "# T\n\n<p>x</p>\n"
    assert split_page("x.md", text) == split_page("x.md", text.replace("\n\n", "\n\n" + MARKDOWN))
    assert split_page("x.md", text).text == text and split_page("x.md", text).pieces == {}


def test_a_head_without_the_title_is_refused(tiny: Project) -> None:
    listing = tiny.templates / "pages/listing.md.j2"
    listing.write_text(listing.read_text().replace("<h1>", "<h2>").replace("</h1>", "</h2>"))
    hub, _ = check_project(tiny)
    with pytest.raises(HubError, match=r"templates/pages/listing.md.j2: the HTML before the page's "
                                       r"Markdown must hold its <h1> title \(writing tools/index.md\)"):
        render_pages(HubView(select(hub, "public"), "public", TODAY), tiny.templates, {"tools/index.md"})


@given(st.text(st.characters(blacklist_categories=("Cs",), blacklist_characters="\x1e"), max_size=200))
def test_nothing_in_a_piece_is_a_template_tag(text: str) -> None:
    # whatever a piece holds ({{ }}, {% raw %}, {# #}, `endif`), the engine's Jinja writes it back
    # as the browser reads it: every `{` a character reference, line breaks `\n`
    def read(html: str) -> str:
        return html.replace("\r\n", "\n").replace("\r", "\n").strip("\n").replace("{", "&#123;")
    page = split_page("x.md", FRONT + HTML + "<h1>" + text + "</h1>" + MARKDOWN + "M\n" + HTML + text + "!")
    assert _include(page, "head") == read("<h1>" + text + "</h1>")
    assert _include(page, "foot") == read(text + "!")


def _engine_view(page) -> tuple[str, str]:
    """The page as the engine shows it: its Markdown made HTML (the front matter cut and the
    blank lines after it dropped, as MkDocs does), and its pieces, head and foot."""
    import markdown
    body = page.text.split("\n---\n", 1)[1].lstrip("\n")
    html = markdown.markdown(body, extensions=["toc", "attr_list", "md_in_html", "admonition", "meta"])
    return html, "".join(_include(page, part) for part in ("head", "foot")) if page.pieces else ""


HEADINGS = ["Links", "Related", "Use it for", "Limitations", "Model wording", "Source", "Sessions"]


@pytest.mark.parametrize("variant", ["public", "affiliates"])
def test_an_editors_heading_never_takes_the_id_of_the_pages_own(tiny: Project, variant: str) -> None:
    # the engine's `toc` gives the body's headings ids knowing only the Markdown: an editor's
    # `## Links` made a second id="links" beside the page's own (and an event's "In this event"
    # link led to the editor's heading)
    body = "body: |\n" + "".join(f"  ## {h}\n\n  Text.\n\n" for h in HEADINGS)
    for rel in ("tools/qa-tool.yml", "clauses/disclosure-clause.yml", "events/tiny-event.yml"):
        path = tiny.content / rel
        path.write_text(path.read_text() + body)
    hub, problems = check_project(tiny)
    assert [p for p in problems if not p.is_warning] == []
    pages = {p.path: p for p in render_pages(HubView(select(hub, variant), variant, TODAY), tiny.templates)}
    for path in ("tools/qa-tool.md", "clauses/disclosure-clause.md", "events/tiny-event.md"):
        markdown_html, pieces = _engine_view(pages[path])
        ours, theirs = re.findall(r' id="([^"]+)"', pieces), re.findall(r' id="([^"]+)"', markdown_html)
        assert len(theirs) >= len(HEADINGS) and ours, path
        assert not set(ours) & set(theirs), path
        for target in re.findall(r'<a href="#([^"]+)">', pieces):  # "In this event": the page's own
            assert target.startswith("hub--") and (ours + theirs).count(target) == 1, (path, target)


def test_the_body_is_not_taken_for_metadata_when_the_title_is_in_the_pieces(tiny: Project) -> None:
    # mkdocs.yml may enable `meta`, which reads `Key: value` lines at the start of the Markdown
    # as metadata: the body now opens the Markdown (trail and title are pieces), so a body
    # starting `Deadline: ...` lost its first lines
    path = tiny.content / "tools/qa-tool.yml"
    path.write_text(path.read_text() + "body: |\n  Deadline: the end of March.\n  Owner: buyers\n\n  More.\n")
    hub, _ = check_project(tiny)
    view = HubView(select(hub, "public"), "public", TODAY)
    pages = render_pages(view, tiny.templates, {"tools/qa-tool.md"})
    [page] = [p for p in pages if p.path == "tools/qa-tool.md"]
    markdown_html, _ = _engine_view(page)
    assert "Deadline: the end of March." in markdown_html and "Owner: buyers" in markdown_html


@given(st.lists(st.text(st.sampled_from("Hub links-_ :.Related2"), min_size=1, max_size=20), max_size=8))
def test_the_engines_slugs_never_take_the_prefix_of_the_pages_own_ids(headings: list[str]) -> None:
    # what the fix above rests on: `toc` joins words with one `-`, so no editor's heading gets
    # an id starting `hub--` (only one written on purpose with attr_list could)
    import markdown
    html = markdown.markdown("".join(f"## {h}\n\n" for h in headings), extensions=["toc"])
    assert not [i for i in re.findall(r' id="([^"]*)"', html) if i.startswith("hub--")]
