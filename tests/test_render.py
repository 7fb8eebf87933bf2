"""Golden Markdown: each record type, listing, theme and home page as generated for each variant.

After a deliberate template change run `make golden` and review the diff of tests/golden/.
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest

from hubgen.errors import HubError
from hubgen.project import Project
from hubgen.render import HubView, Renderer, md_text, render_pages
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
    return {page.path: page.text for page in pages}


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
                                              entries=view.of_type("tools")).text
             for v, view in views.items()}
    shared = Renderer(tiny.templates)
    both = {v: shared.page("listing.md.j2", "tools/index.md", view, type="tools",
                           entries=view.of_type("tools")).text for v, view in views.items()}
    assert both == alone and "data-audience" in both["affiliates"] and "data-audience" not in both["public"]


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
