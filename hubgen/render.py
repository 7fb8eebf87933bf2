"""Render one variant's hub into Markdown pages through the Jinja templates in `templates/pages/`."""

from __future__ import annotations

import datetime as dt
import html
import json
import posixpath
import re
from collections import defaultdict
from collections.abc import Callable
from dataclasses import dataclass
from functools import cached_property
from pathlib import Path
from typing import Any, ClassVar

import jinja2

from hubgen.errors import HubError, Problem
from hubgen.models import TYPES
from hubgen.project import Variant
from hubgen.validate import Entry, Hub

TYPE_LABELS = {
    "tools": ("Tool", "Tools"),
    "webinars": ("Webinar", "Webinars"),
    "clauses": ("Clause", "Clauses"),
    "events": ("Event", "Events"),
    "takeaways": ("Takeaway", "Takeaways"),
}
NEW_COUNT = 8
MACROS = "_macros.md.j2"  # every page template sees it as `m`
SERIES_SHOWN = 10  # a page lists at most this many other webinars of its series
RELATED_SHOWN = 30  # and at most this many related records
FACETS = (("type", "Type"), ("theme", "Theme"), ("kind", "Tool kind"), ("stage", "Clause stage"),
          ("status", "Webinars"), ("year", "Year"), ("audience", "Audience"))
STATUS_LABELS = {"upcoming": "Upcoming", "past": "Past", "undated": "Date not published"}
STAGE_LABELS = {"pre-tender": "Pre-tender", "tender": "Tender", "award": "Award",
                "contract-management": "Contract management", "renewal": "Renewal"}
AUDIENCE_LABELS = {"public": "Public", "affiliates": "Affiliates only"}
# Python-Markdown honours a backslash before these; the others become character references,
# which mean the same character whatever extensions mkdocs.yml enables.
_MD_ESCAPES = str.maketrans({
    **{ch: "\\" + ch for ch in "\\`*_{}[]()#+!"},
    "&": "&amp;", "<": "&lt;", ">": "&gt;", "|": "&#124;", "~": "&#126;", "^": "&#94;", "=": "&#61;",
})
_MD_SPECIAL = re.compile("[" + re.escape("".join(map(chr, _MD_ESCAPES))) + "]")


@dataclass(frozen=True)
class Page:
    """One generated Markdown file, by its path inside `docs/`."""

    path: str
    text: str


def md_text(value: Any) -> str:
    """Plain text made safe to drop into Markdown: nothing in it is read as markup or HTML."""
    text = str(value)
    if _MD_SPECIAL.search(text):  # most texts have none: translating looks up every character
        text = text.translate(_MD_ESCAPES)
    return " ".join(text.split())


def md_block(value: str, indent: int) -> str:
    """Markdown indented to sit inside a list item or admonition (first line not indented)."""
    pad = " " * indent
    lines = value.strip("\n").splitlines()
    return "\n".join([lines[0], *[(pad + ln) if ln.strip() else "" for ln in lines[1:]]])


def front_matter(**meta: Any) -> str:
    """YAML front matter written as JSON scalars, which YAML reads back exactly."""
    lines = [f"{key}: {json.dumps(value, ensure_ascii=False)}" for key, value in meta.items()
             if value is not None]
    return "---\n" + "\n".join(lines) + "\n---\n"


class HubView:
    """What the templates read: the selected hub with its cross references worked out."""

    def __init__(self, hub: Hub, variant: Variant, today: dt.date):
        self.hub = hub
        self.variant = variant
        self.today = today
        self.settings = hub.settings
        self.themes = hub.themes

    def warm(self) -> HubView:
        """Work out every table pages share now: renderers forked afterwards start with them
        (each would otherwise work them out again)."""
        for name, value in vars(HubView).items():
            if isinstance(value, cached_property):
                getattr(self, name)
        return self

    def of_type(self, type_: str) -> list[Entry]:
        return self.by_type[type_]

    @cached_property
    def by_type(self) -> dict[str, list[Entry]]:
        """Each type's records in listing order."""
        found: dict[str, list[Entry]] = {type_: [] for type_ in TYPES}
        for entry in self.all_records:
            found[entry.type].append(entry)
        return found

    @cached_property
    def plan(self) -> list[tuple[str, str, dict[str, Any]]]:
        """Every page of the variant (see `page_plan`)."""
        return page_plan(self)

    @cached_property
    def by_theme(self) -> dict[str, dict[str, list[Entry]]]:
        found: dict[str, dict[str, list[Entry]]] = {t.id: {ty: [] for ty in TYPES} for t in self.themes}
        for entry in sorted(self.hub.records.values(), key=sort_key):
            for theme in entry.record.themes:
                found[theme][entry.type].append(entry)
        return found

    def theme_count(self, theme_id: str) -> int:
        return sum(len(v) for v in self.by_theme[theme_id].values())

    @cached_property
    def theme_titles(self) -> dict[str, str]:
        return {t.id: t.title for t in self.themes}

    def search_facets(self, entry: Entry) -> dict[str, Any]:
        """What a record page tells the search index beside its text (see hubgen/search.py):
        its type and themes, and on the affiliate site its audience, all as readers see them."""
        facets: dict[str, Any] = {"type": TYPE_LABELS[entry.type][0],
                                  "themes": [self.theme_titles[t] for t in entry.record.themes
                                             if t in self.theme_titles]}
        if self.variant == "affiliates":
            facets["audience"] = AUDIENCE_LABELS[entry.audience]
        return facets

    @cached_property
    def related(self) -> dict[str, list[Entry]]:
        """`related` both ways: what a record names, and what names it."""
        links: dict[str, set[str]] = defaultdict(set)
        for ref, entry in self.hub.records.items():
            for target in entry.record.related:
                links[ref].add(target)
                links[target].add(ref)
        return {ref: sorted((self.hub.records[r] for r in refs), key=sort_key)[:RELATED_SHOWN]
                for ref, refs in links.items()}

    @cached_property
    def takeaways_by_event(self) -> dict[str, list[Entry]]:
        found: dict[str, list[Entry]] = defaultdict(list)
        for entry in self.of_type("takeaways"):
            if entry.record.event:
                found[entry.record.event].append(entry)
        return found

    def event_takeaways(self, event: Entry) -> list[tuple[str, list[Entry]]]:
        """An event's takeaways grouped by session, in the event's session order."""
        order = {s.title: i for i, s in enumerate(event.record.sessions)}
        groups: dict[str, list[Entry]] = defaultdict(list)
        for entry in self.takeaways_by_event.get(event.id, []):
            groups[entry.record.session or ""].append(entry)
        return sorted(groups.items(), key=lambda kv: (order.get(kv[0], len(order)), kv[0]))

    @cached_property
    def series(self) -> dict[str, list[Entry]]:
        """Webinars by series, in date order (undated last), then title."""
        found: dict[str, list[Entry]] = defaultdict(list)
        for entry in self.of_type("webinars"):
            if entry.record.series:
                found[entry.record.series].append(entry)
        far = dt.datetime.max.replace(tzinfo=dt.UTC)
        for entries in found.values():
            entries.sort(key=lambda e: (e.record.starts or far, sort_key(e)))
        return found

    def series_size(self, entry: Entry) -> int:
        return len(self.series.get(entry.record.series or "", []))

    def series_neighbours(self, entry: Entry, count: int = SERIES_SHOWN) -> list[Entry]:
        """Up to `count` other webinars of the series, those nearest in the series first."""
        entries = self.series.get(entry.record.series or "", [])
        at = self.series_position.get(entry.ref)
        if at is None:
            return []
        low = max(0, min(at - count // 2, len(entries) - count - 1))
        return [e for e in entries[low:low + count + 1] if e.ref != entry.ref][:count]

    @cached_property
    def series_position(self) -> dict[str, int]:
        return {e.ref: i for entries in self.series.values() for i, e in enumerate(entries)}

    def webinar_status(self, entry: Entry) -> str:
        starts = entry.record.starts
        if starts is None:
            return "undated"
        return "upcoming" if starts.astimezone(dt.UTC).date() >= self.today else "past"

    @cached_property
    def upcoming(self) -> list[Entry]:
        found = [e for e in self.hub.of_type("webinars") if self.webinar_status(e) == "upcoming"]
        return sorted(found, key=lambda e: e.record.starts)

    def dated(self, entry: Entry) -> dt.date | None:
        """The date a record is new by: `updated`, else its event's or webinar's own date."""
        record = entry.record
        if record.updated:
            return record.updated
        if entry.type == "events":
            return record.ends
        if entry.type == "webinars" and record.starts:
            return record.starts.date()
        if entry.type == "takeaways" and record.event:
            event = self.hub.records.get(f"events/{record.event}")
            return event.record.ends if event else None
        return None

    @cached_property
    def newest(self) -> list[Entry]:
        dated = [(d, e) for e in self.hub.records.values() if (d := self.dated(e))]
        dated.sort(key=lambda de: (-de[0].toordinal(), sort_key(de[1])))
        return [e for _, e in dated[:NEW_COUNT]]

    def facets(self, entry: Entry) -> dict[str, list[str]]:
        """What a listing's filters can narrow this record by (its data-* attributes)."""
        record = entry.record
        found = {"type": [entry.type], "theme": list(record.themes)}
        if entry.type == "tools":
            found["kind"] = [record.kind]
        if entry.type == "clauses":
            found["stage"] = list(record.stage)
        if entry.type == "webinars":
            found["status"] = [self.webinar_status(entry)]
        dated = self.dated(entry)
        if dated:
            found["year"] = [str(dated.year)]
        if self.variant == "affiliates":
            found["audience"] = [record.audience]
        return found

    def facet_attributes(self, entry: Entry) -> str:
        """A listing item's data-* attributes (see `facets`), which the filters read."""
        return "".join(f' data-{facet}="{html.escape(" ".join(values))}"'
                       for facet, values in self.facets(entry).items())

    def filter_options(self, entries: list[Entry], type_: str | None = None
                       ) -> list[tuple[str, str, list[tuple[str, str, int]]]]:
        """(facet, label, [(value, label, count)]) for the facets these entries have."""
        counts: dict[str, dict[str, int]] = defaultdict(lambda: defaultdict(int))
        for entry in entries:
            for facet, values in self.facets(entry).items():
                for value in values:
                    counts[facet][value] += 1
        theme_order = [t.id for t in self.themes]
        options = []
        for facet, label in FACETS:
            if facet not in counts or (facet == "type" and type_):
                continue
            values = list(counts[facet])
            if facet == "theme":
                values.sort(key=theme_order.index)
            elif facet == "type":
                values.sort(key=TYPES.index)
            else:
                values.sort(reverse=facet == "year")
            options.append((facet, label, [(v, self.value_label(facet, v), counts[facet][v])
                                           for v in values]))
        return options

    def value_label(self, facet: str, value: str) -> str:
        if facet == "theme":
            return self.theme_titles[value]
        if facet == "type":
            return TYPE_LABELS[value][1]
        if facet == "status":
            return STATUS_LABELS[value]
        if facet == "audience":
            return AUDIENCE_LABELS[value]
        if facet == "stage":
            return STAGE_LABELS[value]
        return value.replace("-", " ").capitalize()

    @cached_property
    def all_records(self) -> list[Entry]:
        return sorted(self.hub.records.values(), key=sort_key)

    @cached_property
    def latest_event(self) -> Entry | None:
        events = self.hub.of_type("events")
        return max(events, key=lambda e: (e.record.starts, e.id)) if events else None


def sort_key(entry: Entry) -> tuple[int, str, str]:
    return (TYPES.index(entry.type), entry.record.title.casefold(), entry.id)


def page_path(entry: Entry) -> str:
    return f"{entry.type}/{entry.id}.md"


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
        self.macros: dict[tuple[HubView, str], Any] = {}  # `m`, by view and page depth

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
        env.filters.update(text=md_text, block=md_block, json=json.dumps)
        env.globals.update(front_matter=front_matter, TYPES=TYPES, TYPE_LABELS=TYPE_LABELS,
                           STAGE_LABELS=STAGE_LABELS,
                           page_path=page_path, utc_zone=dt.UTC)
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
        memo = self.memo

        def href(target: str | Entry) -> str:
            return up + (target if isinstance(target, str) else page_path(target))

        def once(key: tuple, make: Callable[..., str], *args: Any) -> str:
            """`make(*args)`, made the first time a page as deep asks for `key` and kept:
            a piece that appears on many pages (a record in a list) is rendered once."""
            key = (up, view.variant, *key)  # a renderer may serve several variants
            text = memo.get(key)
            if text is None:
                text = memo[key] = make(*args)
            return text

        shared = {"view": view, "hub": view.hub, "settings": view.settings, "variant": view.variant,
                  "href": href, "once": once}
        try:
            # `m`, the macros, made once for all pages as deep: what they read (`view`, `href`,
            # `once`) is the same on each, and an `{% import ... with context %}` in every page
            # cost a tenth of its rendering
            macros = self.macros.get((view, up))
            if macros is None:
                macros = self.macros[view, up] = self._macros(shared)
            text = self.env.get_template(template).render(
                m=macros, here=path, here_dir=here, **shared, **context)
        except jinja2.TemplateSyntaxError as exc:
            raise HubError([_syntax_problem(exc, template)]) from None
        except jinja2.TemplateError as exc:
            line = _template_line(exc)
            raise HubError([Problem(f"templates/pages/{line[0] or template}", line[1], 1 if line[1] else 0,
                                    f"template error while rendering {path}: {exc}")]) from None
        return Page(path, text)


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


def page_plan(view: HubView) -> list[tuple[str, str, dict[str, Any]]]:
    """(template, page path, context) of every page of a variant, in a stable order."""
    plan: list[tuple[str, str, dict[str, Any]]] = [
        ("home.md.j2", "index.md", {}),
        ("themes.md.j2", "themes/index.md", {}),
        ("listing.md.j2", "records/index.md", {"type": None, "entries": view.all_records}),
        ("accessibility.md.j2", "accessibility.md", {}),
        ("search.md.j2", "search.md", {}),
    ]
    plan += [("theme.md.j2", f"themes/{theme.id}.md", {"theme": theme}) for theme in view.themes]
    for type_ in TYPES:
        entries = view.of_type(type_)
        plan.append(("listing.md.j2", f"{type_}/index.md", {"type": type_, "entries": entries}))
        plan += [(f"{type_}.md.j2", page_path(e), {"entry": e, "record": e.record}) for e in entries]
    return plan


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
            pages |= {page_path(t) for t in view.takeaways_by_event.get(entry.id, [])}
        if entry.type == "webinars" and record.series:
            pages |= {page_path(w) for w in view.series.get(record.series, [])}
    return pages
