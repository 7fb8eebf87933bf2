"""What the page templates read: a variant's hub with its cross references, a class per kind of page."""

from __future__ import annotations

import datetime as dt
import html
from collections import defaultdict
from functools import cached_property
from typing import Any

from hubgen.models import TYPES, slug
from hubgen.project import Variant
from hubgen.validate import Entry, Hub

TYPE_LABELS = {
    "tools": ("Tool", "Tools"),
    "webinars": ("Webinar", "Webinars"),
    "clauses": ("Clause", "Clauses"),
    "events": ("Event", "Events"),
    "takeaways": ("Takeaway", "Takeaways"),
}
NEW_COUNT = 6  # what the home page shows as new
RELATED_SHOWN = 30  # a record lists at most this many related ones
FACETS = (("type", "Type"), ("theme", "Theme"), ("kind", "Tool kind"), ("stage", "Clause stage"),
          ("status", "Webinars"), ("year", "Year"), ("audience", "Audience"))
# The facets that only one type has: the filters hide them while another type is chosen.
FACET_TYPES = {"kind": "tools", "stage": "clauses", "status": "webinars"}
STATUS_LABELS = {"upcoming": "Upcoming", "past": "Past", "undated": "Date not published"}
STAGE_LABELS = {"pre-tender": "Pre-tender", "tender": "Tender", "award": "Award",
                "contract-management": "Contract management", "renewal": "Renewal"}
AUDIENCE_LABELS = {"public": "Public", "affiliates": "Affiliates only"}


def sort_key(entry: Entry) -> tuple[int, str, str]:
    return (TYPES.index(entry.type), entry.record.title.casefold(), entry.id)


def page_path(entry: Entry) -> str:
    return f"{entry.type}/{entry.id}.md"


def day(value: dt.date) -> str:
    return f"{value.day} {value:%B %Y}"


def days(starts: dt.date, ends: dt.date) -> str:
    """An event's days with the month and year said once: `17 to 18 November 2022`, `30 November
    to 2 December 2022` (words, not a dash, which screen readers read out unevenly)."""
    if starts == ends:
        return day(starts)
    if (starts.year, starts.month) == (ends.year, ends.month):
        return f"{starts.day} to {day(ends)}"
    if starts.year == ends.year:
        return f"{starts.day} {starts:%B} to {day(ends)}"
    return f"{day(starts)} to {day(ends)}"


def offset(value: dt.datetime) -> str:
    """`UTC+01:00`: the offset a webinar's time was given with."""
    zone = value.strftime("%z")
    return f"UTC{zone[:3]}:{zone[3:]}"


class Catalogue:
    """What every page reads: the records by type and theme, related records, dates."""

    def __init__(self, hub: Hub, variant: Variant, today: dt.date):
        self.hub = hub
        self.variant = variant
        self.today = today
        self.settings = hub.settings
        self.themes = hub.themes

    def of_type(self, type_: str) -> list[Entry]:
        return self.by_type[type_]

    @cached_property
    def all_records(self) -> list[Entry]:
        return sorted(self.hub.records.values(), key=sort_key)

    @cached_property
    def by_type(self) -> dict[str, list[Entry]]:
        """Each type's records in listing order."""
        found: dict[str, list[Entry]] = {type_: [] for type_ in TYPES}
        for entry in self.all_records:
            found[entry.type].append(entry)
        return found

    @cached_property
    def by_theme(self) -> dict[str, dict[str, list[Entry]]]:
        found: dict[str, dict[str, list[Entry]]] = {t.id: {ty: [] for ty in TYPES} for t in self.themes}
        for entry in self.all_records:
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

    def when(self, entry: Entry) -> tuple[str, str] | None:
        """(ISO date, words) of the date that matters on a record's card: an event's days, a
        webinar's day and time, else when it was last updated (a takeaway: its event's month)."""
        return when(entry, self.dated(entry) if entry.type == "takeaways" else None)


def when(entry: Entry, event_day: dt.date | None = None) -> tuple[str, str] | None:
    """See `Catalogue.when`; `event_day` is a takeaway's event's last day."""
    record = entry.record
    if entry.type == "events":
        return record.starts.isoformat(), days(record.starts, record.ends)
    if entry.type == "webinars":
        if record.starts is None:
            return None
        starts = record.starts
        return starts.isoformat(), f"{day(starts)}, {starts:%H:%M} {offset(starts)}"
    if record.updated:
        return record.updated.isoformat(), f"Updated {day(record.updated)}"
    if event_day:
        return event_day.isoformat(), f"{event_day:%B %Y}"
    return None


def card_phrases(entry: Entry, theme_titles: dict[str, str], event_day: dt.date | None = None) -> list[str]:
    """What a record's card and a related list say beside its own texts, a phrase each: its type
    label before its title and before its date, and its themes in a row (the leak scan counts
    them as public material: an affiliate-only title may say them word for word)."""
    label = TYPE_LABELS[entry.type][0]
    phrases = [f"{label} {entry.record.title}"]
    date = when(entry, event_day)
    phrases.append(f"{label} {date[1] if date else 'Date not published'}")
    phrases.append(" ".join(theme_titles[t] for t in entry.record.themes if t in theme_titles))
    return phrases


def _grouped(entries: list[Entry], name: str) -> dict[str, list[Entry]]:
    """`entries` by the value of their record's field `name` (those without one left out), in order."""
    found: dict[str, list[Entry]] = defaultdict(list)
    for entry in entries:
        value = getattr(entry.record, name)
        if value:
            found[value].append(entry)
    return found


class Webinars:
    """What webinar, series and home pages read: series, upcoming or past."""

    def __init__(self, catalogue: Catalogue):
        self.catalogue = catalogue

    @cached_property
    def series(self) -> dict[str, list[Entry]]:
        """Webinars by series, in date order (undated last), then title."""
        found = _grouped(self.catalogue.of_type("webinars"), "series")
        far = dt.datetime.max.replace(tzinfo=dt.UTC)
        for entries in found.values():
            entries.sort(key=lambda e: (e.record.starts or far, sort_key(e)))
        return dict(sorted(found.items()))

    @cached_property
    def series_paths(self) -> dict[str, str]:
        """Each series' page, `webinars/series/<slug>.md` (two series of one slug are numbered)."""
        paths: dict[str, str] = {}
        for name in self.series:
            path, n = f"webinars/series/{slug(name)}.md", 1
            while path in paths.values():
                n += 1
                path = f"webinars/series/{slug(name)}-{n}.md"
            paths[name] = path
        return paths

    def status(self, entry: Entry) -> str:
        starts = entry.record.starts
        if starts is None:
            return "undated"
        return "upcoming" if starts.astimezone(dt.UTC).date() >= self.catalogue.today else "past"

    @cached_property
    def upcoming(self) -> list[Entry]:
        found = [e for e in self.catalogue.of_type("webinars") if self.status(e) == "upcoming"]
        return sorted(found, key=lambda e: e.record.starts)


class Events:
    """What event pages and the home page read: each event's takeaways."""

    def __init__(self, catalogue: Catalogue):
        self.catalogue = catalogue

    @cached_property
    def takeaways(self) -> dict[str, list[Entry]]:
        return _grouped(self.catalogue.of_type("takeaways"), "event")

    def by_session(self, event: Entry) -> list[tuple[str, list[Entry]]]:
        """An event's takeaways grouped by session, in the event's session order."""
        order = {s.title: i for i, s in enumerate(event.record.sessions)}
        groups: dict[str, list[Entry]] = defaultdict(list)
        for entry in self.takeaways.get(event.id, []):
            groups[entry.record.session or ""].append(entry)
        return sorted(groups.items(), key=lambda kv: (order.get(kv[0], len(order)), kv[0]))

    @cached_property
    def latest(self) -> Entry | None:
        events = self.catalogue.of_type("events")
        return max(events, key=lambda e: (e.record.starts, e.id)) if events else None


class Filters:
    """What listings read: the facets each record can be narrowed by, with their counts."""

    def __init__(self, catalogue: Catalogue, webinars: Webinars):
        self.catalogue = catalogue
        self.webinars = webinars

    def facets(self, entry: Entry) -> dict[str, list[str]]:
        record = entry.record
        found = {"type": [entry.type], "theme": list(record.themes)}
        if entry.type == "tools":
            found["kind"] = [record.kind]
        if entry.type == "clauses":
            found["stage"] = list(record.stage)
        if entry.type == "webinars":
            found["status"] = [self.webinars.status(entry)]
        dated = self.catalogue.dated(entry)
        if dated:
            found["year"] = [str(dated.year)]
        if self.catalogue.variant == "affiliates":
            found["audience"] = [record.audience]
        return found

    def attributes(self, entry: Entry) -> str:
        """A listing item's data-* attributes: its facets, and its date and title for sorting."""
        dated = self.catalogue.dated(entry)
        sort = f' data-date="{dated.isoformat() if dated else ""}"'
        return "".join(f' data-{facet}="{html.escape(" ".join(values))}"'
                       for facet, values in self.facets(entry).items()) + sort

    def options(self, entries: list[Entry], type_: str | None = None
                ) -> list[tuple[str, str, list[tuple[str, str, int]]]]:
        """(facet, label, [(value, label, count)]) for the facets these entries have."""
        counts: dict[str, dict[str, int]] = defaultdict(lambda: defaultdict(int))
        for entry in entries:
            for facet, values in self.facets(entry).items():
                for value in values:
                    counts[facet][value] += 1
        theme_order = [t.id for t in self.catalogue.themes]
        options = []
        for facet, label in FACETS:
            if facet not in counts or (facet == "type" and type_):
                continue
            values = list(counts[facet])
            if facet == "theme":
                values.sort(key=theme_order.index)
            elif facet == "type":
                values.sort(key=TYPES.index)
            elif facet == "stage":
                values.sort(key=list(STAGE_LABELS).index)
            else:
                values.sort(reverse=facet == "year")
            options.append((facet, label, [(v, self.label(facet, v), counts[facet][v]) for v in values]))
        return options

    def label(self, facet: str, value: str) -> str:
        if facet == "theme":
            return self.catalogue.theme_titles[value]
        if facet == "type":
            return TYPE_LABELS[value][1]
        if facet == "status":
            return STATUS_LABELS[value]
        if facet == "audience":
            return AUDIENCE_LABELS[value]
        if facet == "stage":
            return STAGE_LABELS[value]
        return value.replace("-", " ").capitalize()


class Home:
    """What the home page reads: what is new, upcoming webinars and the latest event, each
    record once."""

    def __init__(self, catalogue: Catalogue, webinars: Webinars, events: Events):
        self.catalogue = catalogue
        self.webinars = webinars
        self.events = events

    @cached_property
    def newest(self) -> list[Entry]:
        shown = {e.ref for e in self.webinars.upcoming}
        if self.events.latest:
            shown.add(self.events.latest.ref)
        catalogue = self.catalogue
        dated = [(d, e) for e in catalogue.all_records if e.ref not in shown and (d := catalogue.dated(e))]
        dated.sort(key=lambda de: (-de[0].toordinal(), sort_key(de[1])))
        return [e for _, e in dated[:NEW_COUNT]]


class HubView(Catalogue):
    """Everything the templates of one variant read: the catalogue, and one part per kind of page."""

    def __init__(self, hub: Hub, variant: Variant, today: dt.date):
        super().__init__(hub, variant, today)
        self.webinars = Webinars(self)
        self.events = Events(self)
        self.filters = Filters(self, self.webinars)
        self.home = Home(self, self.webinars, self.events)

    def warm(self) -> HubView:
        """Work out every table pages share now: renderers forked afterwards start with them
        (each would otherwise work them out again)."""
        for part in (self, self.webinars, self.events, self.filters, self.home):
            for klass in type(part).__mro__:
                for name, value in vars(klass).items():
                    if isinstance(value, cached_property):
                        getattr(part, name)
        return self

    @cached_property
    def plan(self) -> list[tuple[str, str, dict[str, Any]]]:
        """Every page of the variant (see `page_plan`)."""
        return page_plan(self)

    @cached_property
    def files(self) -> frozenset[str]:
        """Every page and calendar of the variant, by path inside docs/: what a link written by
        hubgen may point at (see `hubgen.links.page_url`)."""
        calendars = {f"webinars/{e.id}.ics" for e in self.of_type("webinars") if e.record.starts}
        return frozenset({path for _, path, _ in self.plan} | calendars | {"webinars.ics", "feed.xml"})


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
    plan += [("series.md.j2", view.webinars.series_paths[name], {"name": name, "entries": entries})
             for name, entries in view.webinars.series.items()]
    return plan
