"""Files for subscribers: an Atom feed of new records and iCalendar files of dated webinars."""

from __future__ import annotations

import datetime as dt
import xml.etree.ElementTree as ET
from urllib.parse import urlsplit

import icalendar

from hubgen.render import TYPE_LABELS, HubView
from hubgen.validate import Entry

ATOM = "http://www.w3.org/2005/Atom"
FEED_SIZE = 50


def page_url(entry: Entry, site_url: str | None) -> str:
    path = f"{entry.type}/{entry.id}/"
    return f"{site_url.rstrip('/')}/{path}" if site_url else path


def _timestamp(day: dt.date) -> str:
    return f"{day.isoformat()}T00:00:00Z"


def atom_feed(view: HubView, site_url: str | None, stamp: dt.datetime) -> bytes:
    """New and updated records, newest first, as an Atom 1.0 feed.

    A record's date is its `updated`, its event's or its webinar's; an upcoming webinar counts
    as new on the build's date (`stamp`), so that no entry is dated in the future.
    """
    dated = sorted(((min(d, stamp.date()), e) for e in view.hub.records.values() if (d := view.dated(e))),
                   key=lambda de: (-de[0].toordinal(), de[1].ref))[:FEED_SIZE]
    settings = view.settings
    base = site_url.rstrip("/") + "/" if site_url else None
    ET.register_namespace("", ATOM)
    feed = ET.Element(f"{{{ATOM}}}feed")

    def sub(parent: ET.Element, tag: str, text: str | None = None, **attrs: str) -> ET.Element:
        element = ET.SubElement(parent, f"{{{ATOM}}}{tag}", attrs)
        element.text = text
        return element

    sub(feed, "id", base or f"urn:hubgen:{view.variant}")
    sub(feed, "title", settings.title)
    sub(feed, "subtitle", settings.description)
    sub(feed, "updated", _timestamp(dated[0][0]) if dated else "2000-01-01T00:00:00Z")
    author = sub(feed, "author")
    sub(author, "name", settings.organisation)
    sub(feed, "link", rel="self", type="application/atom+xml", href=f"{base or ''}feed.xml")
    sub(feed, "link", rel="alternate", type="text/html", href=base or "./")
    for day, entry in dated:
        item = sub(feed, "entry")
        url = page_url(entry, site_url)
        sub(item, "id", url if base else f"urn:hubgen:{view.variant}:{entry.ref}")
        sub(item, "title", f"{TYPE_LABELS[entry.type][0]}: {entry.record.title}")
        sub(item, "updated", _timestamp(day))
        sub(item, "link", rel="alternate", type="text/html", href=url)
        sub(item, "summary", entry.record.summary)
        for theme in entry.record.themes:
            if theme in view.theme_titles:
                sub(item, "category", term=theme, label=view.theme_titles[theme])
    ET.indent(feed)
    return b'<?xml version="1.0" encoding="utf-8"?>\n' + ET.tostring(feed, encoding="utf-8") + b"\n"


def _calendar(view: HubView, name: str) -> icalendar.Calendar:
    calendar = icalendar.Calendar()
    calendar.add("prodid", "-//hubgen//Knowledge hub//EN")
    calendar.add("version", "2.0")
    calendar.add("calscale", "GREGORIAN")
    calendar.add("method", "PUBLISH")
    # as text (escaped like SUMMARY): icalendar writes an X- property it does not know as it is,
    # and a line break in a title would start a property of its own
    calendar.add("x-wr-calname", icalendar.vText(name))
    return calendar


def _event(entry: Entry, site_url: str | None, stamp: dt.datetime) -> icalendar.Event:
    record = entry.record
    host = urlsplit(site_url).hostname if site_url else None
    event = icalendar.Event()
    event.add("uid", f"webinar-{entry.id}@{host or 'hubgen'}")  # stable from build to build
    event.add("dtstamp", stamp)
    start = record.starts.astimezone(dt.UTC)
    event.add("dtstart", start)
    event.add("dtend", start + dt.timedelta(minutes=record.duration))
    event.add("summary", record.title)
    url = page_url(entry, site_url)
    event.add("description", f"{record.summary}\n\n{url}")
    if site_url:
        event.add("url", url)
    return event


def webinar_files(view: HubView, site_url: str | None, stamp: dt.datetime) -> dict[str, bytes]:
    """`webinars.ics` with every dated webinar, and `webinars/<id>.ics` for each one."""
    files = {}
    events = []
    for entry in view.of_type("webinars"):
        if entry.record.starts is None:
            continue  # no date, no calendar entry
        event = _event(entry, site_url, stamp).to_ical()  # written once, in its own calendar and in all
        files[f"webinars/{entry.id}.ics"] = _with_events(_calendar(view, entry.record.title), [event])
        events.append(event)
    files["webinars.ics"] = _with_events(_calendar(view, f"{view.settings.title}: webinars"), events)
    return files


def _with_events(calendar: icalendar.Calendar, events: list[bytes]) -> bytes:
    """The calendar holding these written events, as icalendar writes a calendar's components:
    after its properties, before its end."""
    end = b"END:VCALENDAR\r\n"
    return calendar.to_ical().removesuffix(end) + b"".join(events) + end
