"""Choose what one variant may show. Runs once, before rendering: templates never see the rest."""

from __future__ import annotations

from typing import Any

from hubgen.project import Variant
from hubgen.reading import as_read
from hubgen.validate import Entry, Hub


def select(hub: Hub, variant: Variant) -> Hub:
    """The hub as `variant` may see it; for the public site, every affiliate-only part removed."""
    if variant == "affiliates":
        return hub
    records = {ref: e for ref, e in hub.records.items() if e.audience == "public" and not _nothing_public(e)}
    kept = {ref: Entry(e.type, e.id, e.path, _public_record(e, records, hub), e.doc)
            for ref, e in records.items()}
    used = {theme for e in kept.values() for theme in e.record.themes}
    themes = [t for t in hub.themes if t.id in used]
    settings = hub.settings
    if settings.public_title:
        settings = settings.model_copy(update={"title": settings.public_title})
    return Hub(settings, themes, kept)


def _nothing_public(entry: Entry) -> bool:
    """A takeaway whose sections are all affiliate-only, with no points: its page would be an empty
    `Takeaways` heading, telling readers what is withheld. It is affiliate-only."""
    record = entry.record
    return entry.type == "takeaways" and not record.points and not _public(record.sections or [])


def _public(items: list[Any]) -> list[Any]:
    return [item for item in items if item.audience == "public"]


def _public_record(entry: Entry, visible: dict[str, Entry], hub: Hub) -> Any:
    record = entry.record
    update: dict[str, Any] = {
        "links": _public(record.links),
        "related": [ref for ref in record.related if ref in visible],
        "affiliate_note": None,
    }
    for name in ("registration", "recording", "slides"):
        link = record.part(name)
        if link is not None and link.audience != "public":
            update[name] = None
    if entry.type == "events":
        update["sessions"] = _public(record.sessions)
    if entry.type == "takeaways":
        if record.sections is not None:
            update["sections"] = _public(record.sections)
        if f"events/{record.event}" not in visible:
            update["event"] = None
        if record.session is not None and _same(record.session) in _hidden_sessions(hub, record.event):
            # the session's name is the affiliate-only session's title: it would show as a
            # heading on the event and takeaway pages and in the search index
            update["session"] = None
    return record.model_copy(update=update)


def _hidden_sessions(hub: Hub, event_id: str) -> set[str]:
    """Titles of the sessions of an event that the public site does not show (all of them
    when the event itself is affiliate-only), less those a public session also has."""
    event = hub.records.get(f"events/{event_id}")
    if event is None:
        return set()
    shown = {_same(s.title) for s in event.record.sessions
             if event.audience == "public" and s.audience == "public"}
    return {_same(s.title) for s in event.record.sessions} - shown


def _same(title: str) -> str:
    """A session's name as a reader compares it (as the scan reads it): its words, case, spacing,
    punctuation, invisible characters and look-alike letters aside."""
    return as_read(title)
