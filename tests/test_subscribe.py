"""Webinar calendars and the Atom feed: valid, stable from build to build, linked from every page."""

from __future__ import annotations

import datetime as dt

import feedparser
import icalendar
import pytest

from hubgen.build import build
from hubgen.project import Project


def calendar(path) -> icalendar.Calendar:
    return icalendar.Calendar.from_ical(path.read_bytes())


@pytest.mark.parametrize("variant, uids", [
    ("public", ["webinar-dated-webinar@hub.example.org"]),
    ("affiliates", ["webinar-dated-webinar@affiliates.example.org",
                    "webinar-secret-webinar@affiliates.example.org"]),
])
def test_webinars_ics_is_valid_rfc_5545_with_every_dated_webinar(built_tiny: Project, variant: str,
                                                                  uids: list[str]) -> None:
    raw = (built_tiny.site_dir(variant) / "webinars.ics").read_bytes()
    assert b"\r\n" in raw and all(len(line) <= 75 for line in raw.split(b"\r\n"))  # folded lines
    cal = calendar(built_tiny.site_dir(variant) / "webinars.ics")
    assert cal["VERSION"] == "2.0" and cal["PRODID"]
    events = cal.walk("VEVENT")
    assert sorted(str(e["UID"]) for e in events) == uids
    for event in events:
        for required in ("UID", "DTSTAMP", "DTSTART", "DTEND", "SUMMARY"):
            assert required in event
    remedy = next(e for e in events if "dated-webinar" in str(e["UID"]))
    assert remedy.decoded("DTSTART") == dt.datetime(2030, 3, 15, 13, 0, tzinfo=dt.UTC)
    assert remedy.decoded("DTEND") - remedy.decoded("DTSTART") == dt.timedelta(minutes=60)
    assert str(remedy["SUMMARY"]) == "Remedy in practice"


def test_each_dated_webinar_has_its_own_ics_and_undated_ones_none(built_tiny: Project) -> None:
    site = built_tiny.site_dir("public")
    one = calendar(site / "webinars/dated-webinar.ics")
    assert [str(e["UID"]) for e in one.walk("VEVENT")] == ["webinar-dated-webinar@hub.example.org"]
    assert not (site / "webinars/undated-webinar.ics").exists()
    page = (site / "webinars/dated-webinar/index.html").read_text()
    assert 'href="../../webinars/dated-webinar.ics"' in page
    assert "Friday 15 March 2030, 14:00 (UTC+01:00)" in page
    assert "Friday 15 March 2030, 13:00 UTC" in page
    undated = (site / "webinars/undated-webinar/index.html").read_text()
    article = undated.split("<article")[1].split("</article>")[0]
    assert "Date not published" in article and ".ics" not in article


def test_calendars_and_feed_are_stable_from_build_to_build(built_tiny: Project, tiny: Project) -> None:
    build(tiny, ("public", "affiliates"))
    for variant in ("public", "affiliates"):
        for name in ("webinars.ics", "feed.xml", "webinars/dated-webinar.ics"):
            assert (tiny.site_dir(variant) / name).read_bytes() == \
                (built_tiny.site_dir(variant) / name).read_bytes(), (variant, name)


def test_upcoming_and_past_follow_source_date_epoch(tiny: Project, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("SOURCE_DATE_EPOCH", str(int(dt.datetime(2031, 1, 1, tzinfo=dt.UTC)
                                                    .timestamp())))
    build(tiny, ("public",))
    page = (tiny.site_dir("public") / "webinars/dated-webinar/index.html").read_text()
    assert "&middot; past" in page and "upcoming" not in page.split("<article")[1].split("</article>")[0]
    home = (tiny.site_dir("public") / "index.html").read_text()
    assert "No upcoming webinars are scheduled." in home


@pytest.mark.parametrize("variant", ["public", "affiliates"])
def test_atom_feed_is_valid_and_linked_from_every_page(built_tiny: Project, variant: str) -> None:
    site = built_tiny.site_dir(variant)
    feed = feedparser.parse((site / "feed.xml").read_bytes())
    assert feed.bozo == 0, feed.get("bozo_exception")
    assert feed.version == "atom10"
    assert feed.feed.title == "Tiny Hub"
    titles = [entry.title for entry in feed.entries]
    assert "Event: Tiny exchange" in titles
    assert ("Event: Canary event title ember" in titles) == (variant == "affiliates")
    for entry in feed.entries:
        assert entry.id and entry.link.startswith("https://") and entry.updated_parsed
        assert entry.updated <= "2026-01-01T00:00:00Z"  # nothing dated after the build
    pages = [p for p in site.rglob("*.html") if p.relative_to(site).parts[0] != "admin"]  # the editor
    linked = [p for p in pages if 'rel="alternate" type="application/atom+xml"' in p.read_text()]
    assert len(linked) == len(pages)


def test_a_calendars_name_is_escaped_text() -> None:
    # a webinar's title names its own calendar (X-WR-CALNAME): a line break in it must not
    # start a property of its own (review14 F18), and a comma or semicolon stays text
    from hubgen.feeds import _calendar

    raw = _calendar(None, "Open webinar\rX-INJECTED:yes; a, b").to_ical()
    assert b"\rX-INJECTED" not in raw and b"\nX-INJECTED" not in raw
    parsed = icalendar.Calendar.from_ical(raw)
    assert b"\r\nX-WR-CALNAME:Open webinar\\nX-INJECTED:yes\\; a\\, b\r\n" in raw  # RFC 5545 text
    assert "X-INJECTED" not in parsed
