"""Render one variant's hub into Markdown pages through the Jinja templates in `templates/pages/`."""

from __future__ import annotations

import datetime as dt
import functools
import hashlib
import json
import posixpath
import re
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, ClassVar

import jinja2

from hubgen.errors import HubError, Problem
from hubgen.links import built_dir, page_url
from hubgen.models import TYPES, icons_dir
from hubgen.project import PIECES, Variant
from hubgen.validate import Entry, Hub
from hubgen.views import (
    AUDIENCE_LABELS,
    FACET_TYPES,
    STAGE_LABELS,
    STATUS_LABELS,
    TYPE_LABELS,
    HubView,
    page_path,
    page_plan,
    sort_key,
)

__all__ = ["AUDIENCE_LABELS", "STATUS_LABELS", "TYPE_LABELS", "HubView", "Page", "Renderer", "page_path",
           "page_plan", "render_pages", "sort_key"]

MACROS = "_macros.md.j2"  # every page template sees it as `m`
# What a page template writes where its text turns from hubgen's finished HTML to the editors'
# Markdown (`{{ MARKDOWN }}`) and back (`{{ HTML }}`); a page starts in Markdown. Record
# separators: YAML refuses control characters, so no text from content/ can hold one.
HTML = "\x1ehtml\x1e"
MARKDOWN = "\x1emarkdown\x1e"
_MARK = re.compile("(\x1e(?:html|markdown)\x1e)")
_HEAD_HERE = "<!-- hub_pieces: head -->\n\n"  # where the page's head is written, before its Markdown
# Python-Markdown honours a backslash before these; the others become character references,
# which mean the same character whatever extensions mkdocs.yml enables.
_MD_ESCAPES = str.maketrans({
    **{ch: "\\" + ch for ch in "\\`*_{}[]()#+!"},
    "&": "&amp;", "<": "&lt;", ">": "&gt;", "|": "&#124;", "~": "&#126;", "^": "&#94;", "=": "&#61;",
})
_MD_SPECIAL = re.compile("[" + re.escape("".join(map(chr, _MD_ESCAPES))) + "]")


# In an address, what could end a Markdown link `(...)` or a quoted HTML attribute, or start a
# tag, is percent-encoded (it means the same to the server); `&` is written as a reference.
_URL_ESCAPES = str.maketrans({**{c: f"%{ord(c):02X}" for c in " \"'()<>[]{}|\\^`"}, "&": "&amp;",
                              **{chr(c): f"%{c:02X}" for c in [*range(32), 127]}})


def safe_url(value: Any) -> str:
    """An address (a link's `url`, a webinar's recording, `edit_url`...) made safe to write both
    inside a Markdown link, `[title]({{ url|safe_url }})`, and inside a quoted HTML attribute,
    `href="{{ url|safe_url }}"`: nothing in it can close the link, the quotes or the tag.

    The models already refuse such characters in addresses (`hubgen.models.Url`); this is the
    second lock, where the address is written."""
    return str(value).strip().translate(_URL_ESCAPES)


@dataclass(frozen=True)
class Page:
    """One generated Markdown file, by its path inside `docs/`, and the theme file of HTML its
    front matter names (`hub_pieces`), by its path inside the generated project."""

    path: str
    text: str
    pieces: dict[str, str] = field(default_factory=dict)

    def files(self) -> dict[str, bytes]:
        return {f"docs/{self.path}": self.text.encode("utf-8"),
                **{path: html.encode("utf-8") for path, html in self.pieces.items()}}


def split_page(path: str, text: str) -> Page:
    """A rendered page as the engine gets it. The HTML a page template writes before its first
    Markdown (the head: trail, title, facts) and after its last (the foot: lists, links) goes
    to a theme file the page's front matter names, so the engine copies it as it is instead of
    parsing it as Markdown (Python-Markdown reads every tag of a page with Python's HTMLParser,
    most of its time on hubgen's pages); HTML between two Markdown parts stays in the Markdown.
    A template that writes no mark is Markdown throughout, as before."""
    if HTML not in text:
        return Page(path, text.replace(MARKDOWN, ""))
    front, rest = _front(text)
    parts: list[list[str]] = []  # [kind, text], neighbours of one kind merged, blank ones dropped
    kind = MARKDOWN
    for chunk in _MARK.split(rest):
        if chunk in (HTML, MARKDOWN):
            kind = chunk
        elif chunk.strip():
            if parts and parts[-1][0] == kind:
                parts[-1][1] += chunk
            else:
                parts.append([kind, chunk])
    head = parts.pop(0)[1] if parts and parts[0][0] == HTML else None
    foot = parts.pop()[1] if parts and parts[-1][0] == HTML else None
    if head is not None and "<h1" not in head:
        raise ValueError("the HTML before the page's Markdown must hold its <h1> title")
    meta, pieces = "", {}
    if head is not None or foot is not None:
        # one theme file holds both, compiled once by the engine's Jinja (about a millisecond a
        # file): `partials/content.html` includes it twice, asking for each part. With no `{`
        # left in the HTML, nothing in it is a Jinja (or Zensical's MiniJinja) tag; line breaks
        # are made `\n`, as Jinja would (and a browser does)
        html = "".join(f'{{% if hub_part == "{key}" %}}' + _inert(part) + "{% endif %}"
                       for key, part in (("head", head), ("foot", foot)) if part is not None) + "\n"
        name = f"{PIECES}/{hashlib.sha256(html.encode()).hexdigest()[:20]}.html"
        pieces[f"overrides/{name}"] = html
        meta = f"hub_pieces: {json.dumps(name)}\n" + ("hub_head: true\n" if head is not None else "")
    markdown = "\n\n".join(part.strip("\n") for _, part in parts)
    if head is not None and markdown:
        # the editors' text no longer follows the trail and title in the Markdown: with
        # mkdocs.yml's `meta` extension, its first lines would be taken as metadata (`Note: ...`
        # gone from the page) unless the Markdown starts with a line that is not
        markdown = _HEAD_HERE + markdown
    return Page(path, front[:-4] + meta + "---\n\n" + markdown + ("\n" if markdown else ""), pieces)


def _inert(html: str) -> str:
    return html.replace("\r\n", "\n").replace("\r", "\n").strip("\n").replace("{", "&#123;")


def _front(text: str) -> tuple[str, str]:
    """A page's front matter (ending `---\\n`, as `front_matter` writes it) and the rest."""
    if text.startswith("---\n"):
        end = text.find("\n---\n", 4)
        if end != -1:
            return text[:end + 5], text[end + 5:]
    return "---\n---\n", text


def md_text(value: Any) -> str:
    """Plain text made safe to drop into Markdown: nothing in it is read as markup or HTML."""
    text = str(value)
    if _MD_SPECIAL.search(text):  # most texts have none: translating looks up every character
        text = text.translate(_MD_ESCAPES)
    return " ".join(text.split())


def md_field(value: Any) -> str:
    """An editor's Markdown field as check judged it (`hubgen.safety`): blank lines around it
    dropped, the first line's indentation kept (an indented first line is code there, and
    must stay code on the page; `trim` would make it raw HTML)."""
    lines = str(value).replace("\r\n", "\n").replace("\r", "\n").split("\n")
    while lines and not lines[0].strip():
        lines.pop(0)
    return "\n".join(lines).rstrip()


def md_block(value: str, indent: int) -> str:
    """Markdown indented to sit inside a list item or admonition (first line not indented)."""
    pad = " " * indent
    # on line feeds only, as Python-Markdown reads lines: `splitlines` would also break at
    # U+2028 and the like, starting a line (a reference definition...) check never saw
    lines = value.replace("\r\n", "\n").replace("\r", "\n").strip("\n").split("\n")
    # a line of spaces and tabs is blank to Python-Markdown; one of other spaces (U+00A0) is text
    return "\n".join([lines[0], *[(pad + ln) if ln.strip(" \t") else "" for ln in lines[1:]]])


@functools.cache
def icon(name: str) -> str:
    """An icon Material bundles (`material/magnify`), inline: nothing is fetched, and it takes
    the text's colour. Hidden from screen readers, since the text beside it says what it is."""
    svg = (icons_dir() / f"{name}.svg").read_text(encoding="utf-8").strip()
    return svg.replace("<svg ", '<svg aria-hidden="true" focusable="false" ', 1)


def engine_text(value: str) -> str:
    """Plain text for a place the engine's templates write as it is, unescaped (a page's title
    and description from its front matter: `<title>`, `<meta>`, the header, the navigation;
    the site's name): `<`, `>` and `"` become character references, so the text can neither
    open a tag nor leave an attribute, and shows as written. `&` stays, as a reader sees it:
    Material escapes some of these values once more (`| e`), and `&amp;amp;` would show."""
    return value.replace("<", "&lt;").replace(">", "&gt;").replace('"', "&quot;")


def front_matter(**meta: Any) -> str:
    """YAML front matter written as JSON scalars, which YAML reads back exactly; the title and
    description as the engine's templates need them (see `engine_text`)."""
    meta = {key: engine_text(value) if key in ("title", "description") and isinstance(value, str) else value
            for key, value in meta.items()}
    lines = [f"{key}: {json.dumps(value, ensure_ascii=False)}" for key, value in meta.items()
             if value is not None]
    return "---\n" + "\n".join(lines) + "\n---\n"


def relative(target: str, here_dir: str) -> str:
    """`target` (a path inside docs/) as a link from a page in `here_dir`: up to docs/, then
    down. The engine resolves it as it would the shortest link; written so, a link is the same
    on every page as deep, and a piece holding links is rendered once for all of them."""
    return "../" * (here_dir.count("/") + 1 if here_dir else 0) + target


class Renderer:
    """Jinja over `templates/pages/`; each page is rendered with links relative to itself."""

    _environments: ClassVar[dict[Path, jinja2.Environment]] = {}

    def __init__(self, templates: Path):
        # One environment per templates folder: Jinja compiles each template once and, with
        # auto_reload, again only when its file changes (the preview renders page after page).
        self.env = self._environments.get(templates) or self._environment(templates)
        self.memo: dict[tuple, str] = {}  # pieces shared by many pages (see `once`)
        self.macros: dict[tuple[HubView, str, str], Any] = {}  # `m`, by view and page depth

    @classmethod
    def _environment(cls, templates: Path) -> jinja2.Environment:
        env = cls._environments[templates] = jinja2.Environment(
            loader=jinja2.FileSystemLoader(templates / "pages"),
            undefined=jinja2.StrictUndefined,
            autoescape=False,  # the output is Markdown; `md_text` escapes plain text for it
            trim_blocks=True,
            lstrip_blocks=True,
            keep_trailing_newline=True,
        )
        env.filters.update(text=md_text, block=md_block, field=md_field, json=json.dumps, safe_url=safe_url)
        env.globals.update(front_matter=front_matter, TYPES=TYPES, TYPE_LABELS=TYPE_LABELS,
                           STAGE_LABELS=STAGE_LABELS, STATUS_LABELS=STATUS_LABELS, FACET_TYPES=FACET_TYPES,
                           page_path=page_path, utc_zone=dt.UTC, icon=icon, HTML=HTML, MARKDOWN=MARKDOWN)
        return env

    def compile_all(self) -> None:
        """Compile every template now: renderers forked from this process start with them
        compiled (Jinja takes about 0.1 s a template)."""
        for name in self.env.list_templates(filter_func=lambda name: name.endswith(".j2")):
            try:
                self.env.get_template(name)
            except jinja2.TemplateSyntaxError as exc:
                raise HubError([_syntax_problem(exc, name)]) from None

    def page(self, template: str, path: str, view: HubView, **context: Any) -> Page:
        here = posixpath.dirname(path)
        up = relative("", here)
        # links inside HTML are not the engine's to rewrite: they go from the folder the page is
        # served from (`tools/x/`), one deeper than its Markdown file
        up_html = "../" * built_dir(path).count("/")
        memo, files = self.memo, view.files

        def href(target: str | Entry) -> str:
            return up + (target if isinstance(target, str) else page_path(target))

        def url(target: str | Entry) -> str:
            """A link for HTML that hubgen writes; it must lead to a page or file of the site."""
            target = target if isinstance(target, str) else page_path(target)
            try:
                return page_url(target, up_html, files)
            except LookupError as exc:
                raise HubError([Problem(f"templates/pages/{template}", 0, 0,
                                        f"{exc} (writing {path}); link only to pages of this variant")]
                               ) from None

        def once(key: tuple, make: Callable[..., str], *args: Any) -> str:
            """`make(*args)`, made the first time a page as deep asks for `key` and kept:
            a piece that appears on many pages (a record in a list) is rendered once."""
            key = (up, up_html, view.variant, *key)  # a renderer may serve several variants
            text = memo.get(key)
            if text is None:
                text = memo[key] = make(*args)
            return text

        shared = {"view": view, "hub": view.hub, "settings": view.settings, "variant": view.variant,
                  "href": href, "url": url, "once": once}
        try:
            # `m`, the macros, made once for all pages as deep: what they read (`view`, `href`,
            # `once`) is the same on each, and an `{% import ... with context %}` in every page
            # cost a tenth of its rendering
            macros = self.macros.get((view, up, up_html))
            if macros is None:
                macros = self.macros[view, up, up_html] = self._macros(shared)
            text = self.env.get_template(template).render(
                m=macros, here=path, here_dir=here, **shared, **context)
        except jinja2.TemplateSyntaxError as exc:
            raise HubError([_syntax_problem(exc, template)]) from None
        except jinja2.TemplateError as exc:
            line = _template_line(exc)
            raise HubError([Problem(f"templates/pages/{line[0] or template}", line[1], 1 if line[1] else 0,
                                    f"template error while rendering {path}: {exc}")]) from None
        try:
            return split_page(path, text)
        except ValueError as exc:
            problem = Problem(f"templates/pages/{template}", 0, 0, f"{exc} (writing {path})")
            raise HubError([problem]) from None


    def _macros(self, shared: dict[str, Any]) -> Any:
        try:
            template = self.env.get_template(MACROS)
        except jinja2.TemplateNotFound:
            return self.env.undefined(name="m")  # templates of one's own may do without
        try:
            return template.make_module(shared)
        except Exception:  # noqa: BLE001 - as `render` does: the traceback names template lines
            self.env.handle_exception()


def _syntax_problem(exc: jinja2.TemplateSyntaxError, template: str) -> Problem:
    return Problem(f"templates/pages/{exc.name or template}", exc.lineno, 1,
                   f"template syntax error: {exc.message}")


def _template_line(exc: BaseException) -> tuple[str, int]:
    """The template file and line a rendering error happened at, from its traceback."""
    tb, found = exc.__traceback__, ("", 0)
    while tb is not None:
        filename = tb.tb_frame.f_code.co_filename
        if filename.endswith(".j2"):
            found = (Path(filename).name, tb.tb_lineno)
        tb = tb.tb_next
    return found


def render_pages(view: HubView, templates: Path, only: set[str] | None = None) -> list[Page]:
    """Every Markdown page of one variant (or those whose paths are in `only`), in order."""
    r = Renderer(templates)
    return [r.page(template, path, view, **context) for template, path, context in view.plan
            if only is None or path in only]


def pages_showing(hub: Hub, variant: Variant, today: dt.date, refs: set[str]) -> set[str]:
    """The pages of `hub` on which anything of the records `refs` appears (for the preview,
    which re-renders only those). Call it with the hub before and after a change."""
    view = HubView(hub, variant, today)
    pages = {"index.md", "records/index.md", "themes/index.md"}
    for ref in refs:
        entry = hub.records.get(ref)
        if entry is None:
            continue
        record = entry.record
        pages |= {page_path(entry), f"{entry.type}/index.md"}
        pages |= {f"themes/{theme}.md" for theme in record.themes}
        pages |= {page_path(other) for other in view.related.get(ref, [])}
        if entry.type == "takeaways" and record.event and f"events/{record.event}" in hub.records:
            pages.add(page_path(hub.records[f"events/{record.event}"]))
        if entry.type == "events":
            pages |= {page_path(t) for t in view.events.takeaways.get(entry.id, [])}
        if entry.type == "webinars" and record.series in view.webinars.series_paths:
            pages.add(view.webinars.series_paths[record.series])
    return pages
