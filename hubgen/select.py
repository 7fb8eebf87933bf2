"""Choose what one variant may show. Runs once, before rendering: templates never see the rest."""

from __future__ import annotations

from typing import Any

from hubgen.project import Variant
from hubgen.validate import Entry, Hub


def select(hub: Hub, variant: Variant) -> Hub:
    """The hub as `variant` may see it; for the public site, every affiliate-only part removed."""
    if variant == "affiliates":
        return hub
    records = {ref: e for ref, e in hub.records.items() if e.audience == "public"}
    kept = {ref: Entry(e.type, e.id, e.path, _public_record(e, records), e.doc)
            for ref, e in records.items()}
    used = {theme for e in kept.values() for theme in e.record.themes}
    themes = [t for t in hub.themes if t.id in used]
    settings = hub.settings
    if settings.public_title:
        settings = settings.model_copy(update={"title": settings.public_title})
    return Hub(settings, themes, kept)


def _public(items: list[Any]) -> list[Any]:
    return [item for item in items if item.audience == "public"]


def _public_record(entry: Entry, visible: dict[str, Entry]) -> Any:
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
    return record.model_copy(update=update)
