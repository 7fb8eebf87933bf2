"""Regression tests of issue 14: each hole a hostile review found, by its number there.

Each test builds or checks a hub the way an attacker or a careless editor would write it, and
fails on the code before the fix (a leak with exit 0, a traceback, a hang, a refused good hub).
"""

from __future__ import annotations

import os
import socket

import pytest

from hubgen.build import build
from hubgen.project import Project
from hubgen.validate import check_project
from tests.conftest import write
from tests.test_leaks import readable

TOOL = "title: A tool\nsummary: A summary.\nprovider: P\nkind: guidance\nthemes: [disclosures]\n"
PUBLIC_TOOL = TOOL + "audience: public\n"


def messages(project: Project) -> list[str]:
    return [str(p) for p in check_project(project)[1]]


# 1. Pointers from public material to affiliate-only material

def test_1_a_public_takeaway_naming_an_affiliate_only_session_keeps_it_off_the_public_site(
        tiny: Project) -> None:
    write(tiny, "takeaways/session-takeaways.yml",
          "title: Session points\nsummary: Points of a session.\nevent: tiny-event\n"
          "session: Canary session golf\nthemes: [disclosures]\naudience: public\n"
          "points:\n  - Public marker quartz point.\n")
    build(tiny, ("public", "affiliates"))
    public = readable(tiny.site_dir("public"))
    assert "Public marker quartz point" in public
    assert "golf" not in public.lower()
    assert "Canary session golf" in readable(tiny.site_dir("affiliates"))


@pytest.mark.parametrize("body, where", [
    ("See [the tool](../tools/secret-tool.md).", "8:21"),
    ("See [the tool](/tools/secret-tool/).", "8:19"),
    ("See [the tool](https://hub.example.org/tools/secret-tool/).", "8:42"),
    ("See <https://affiliates.example.org/tools/secret-tool/>.", "8:39"),
    ("See [the tool][t].\n\n  [t]: ../../tools/secret-tool/", "10:14"),
    ("See [the tool](/%74ools/secret-tool/).", "8:27"),
    ("See [the tool](/tools&#47;secret-tool/).", "8:29"),
])
def test_1_a_public_body_linking_an_affiliate_only_record_is_reported(
        tiny: Project, body: str, where: str) -> None:
    write(tiny, "tools/pointing-tool.yml", PUBLIC_TOOL + f"body: |\n  {body}\n")
    assert messages(tiny) == [
        f"content/tools/pointing-tool.yml:{where}: body: points at `tools/secret-tool`, which is "
        "affiliate-only: the public site must not name it; remove the link, or make this text "
        "affiliate-only (move it into `affiliate_note`, or set `audience: affiliates` on its part)"]


def test_1_pointers_in_affiliate_only_parts_and_to_public_records_are_fine(tiny: Project) -> None:
    write(tiny, "tools/pointing-tool.yml", PUBLIC_TOOL
          + "body: See [the Q&A tool](../tools/qa-tool.md).\n"
          + "affiliate_note: See [the secret tool](../tools/secret-tool.md).\n"
          + "links:\n  - title: Secret\n    url: https://affiliates.example.org/tools/secret-tool/\n"
            "    audience: affiliates\n")
    assert messages(tiny) == []


def test_1_a_public_body_linking_a_theme_only_affiliates_use_is_reported(tiny: Project) -> None:
    write(tiny, "tools/pointing-tool.yml", PUBLIC_TOOL + "body: See [it](/themes/secret-theme/).\n")
    assert messages(tiny) == [
        "content/tools/pointing-tool.yml:7:17: body: points at the theme page `themes/secret-theme`, "
        "which the public site does not have (only affiliate-only records use the theme); remove the "
        "link, or make this text affiliate-only (move it into `affiliate_note`, or set "
        "`audience: affiliates` on its part)"]


# 2. A takeaway inherits its event's audience

def test_2_a_takeaway_of_an_affiliate_only_event_stating_no_audience_is_affiliate_only(
        tiny: Project) -> None:
    write(tiny, "hub.yml", (tiny.content / "hub.yml").read_text().replace(
        "default_audience: affiliates", "default_audience: public"))
    write(tiny, "events/secret-event.yml",
          (tiny.content / "events/secret-event.yml").read_text() + "audience: affiliates\n")
    write(tiny, "takeaways/quiet-takeaways.yml",
          "title: Quiet takeaways\nsummary: Canary quiet summary oak.\nevent: secret-event\n"
          "themes: [disclosures]\npoints:\n  - Canary quiet point pine.\n")
    hub = check_project(tiny)[0]
    assert hub.records["takeaways/quiet-takeaways"].audience == "affiliates"
    build(tiny, ("public",))
    public = readable(tiny.site_dir("public"))
    assert "quiet" not in public.lower()


def test_2_a_public_takeaway_of_an_affiliate_only_event_does_not_name_the_event(tiny: Project) -> None:
    write(tiny, "takeaways/open-takeaways.yml",
          "title: Open takeaways\nsummary: Public marker open summary.\nevent: secret-event\n"
          "session: Canary event session khaki\nthemes: [disclosures]\naudience: public\n"
          "points:\n  - Public marker open point.\n")
    build(tiny, ("public",))
    public = readable(tiny.site_dir("public"))
    assert "Public marker open point" in public
    assert "secret-event" not in public and "khaki" not in public.lower()


# 11. Files that are not regular files

def test_11_what_is_not_a_regular_file_is_reported_before_any_read(tiny: Project, tmp_path) -> None:
    tools = tiny.content / "tools"
    os.mkfifo(tools / "pipe-tool.yml")                            # reading it would hang
    os.symlink("/dev/zero", tools / "zero-tool.yml")              # reading it would never end
    outside = tmp_path / "outside.yml"
    outside.write_text(TOOL)
    os.symlink(outside, tools / "outside-tool.yml")
    os.symlink(tools / "missing.yml", tools / "dangling-tool.yml")
    (tools / "folder-tool.yml").mkdir()
    sock = socket.socket(socket.AF_UNIX)
    sock.bind(str(tools / "socket-tool.yml"))
    write(tiny, "tools/pointing-tool.yml", TOOL + "related: [tools/pipe-tool]\n")
    try:
        found = messages(tiny)
    finally:
        sock.close()
    assert found == [
        "content/tools/dangling-tool.yml: is a link to "
        f"`{tools / 'missing.yml'}`, which does not exist; replace the link with the file itself, "
        "or remove it",
        "content/tools/folder-tool.yml: is a folder, not a record file; rename it so that it does not "
        "end in .yml, or move its files up",
        "content/tools/outside-tool.yml: is a link to something outside content/; copy the file into "
        "the hub instead of linking to it",
        "content/tools/pipe-tool.yml: is a named pipe, not a record file; remove it and write the "
        "record as a plain .yml file",
        "content/tools/pointing-tool.yml:6:11: related[0]: `tools/pipe-tool` does not exist (there is "
        "no content/tools/pipe-tool.yml); did you mean `tools/qa-tool`?",
        "content/tools/socket-tool.yml: is a socket, not a record file; remove it and write the record "
        "as a plain .yml file",
        "content/tools/zero-tool.yml: is a link to something outside content/; copy the file into the "
        "hub instead of linking to it",
    ]


def test_11_a_link_inside_the_hub_to_a_record_file_is_read(tiny: Project) -> None:
    os.symlink("qa-tool.yml", tiny.content / "tools/alias-tool.yml")
    assert messages(tiny) == []


def test_11_hub_yml_as_a_pipe_is_reported(tiny: Project) -> None:
    (tiny.content / "hub.yml").unlink()
    os.mkfifo(tiny.content / "hub.yml")
    assert messages(tiny) == ["content/hub.yml: is a named pipe, not a record file; remove it and "
                              "write the record as a plain .yml file"]


# 12. Values check accepts must build

@pytest.mark.parametrize("line, expected", [
    ("updated: 2202-03-01", "7:10: updated: `2202-03-01` is in the year 2202; dates must be between 1970 "
                            "and 2099: check the year"),
    ("updated: 0001-01-01", "7:10: updated: `0001-01-01` is in the year 1; dates must be between 1970 "
                            "and 2099: check the year"),
])
def test_12_far_dates_are_refused_with_their_line(tiny: Project, line: str, expected: str) -> None:
    write(tiny, "tools/dated-tool.yml", PUBLIC_TOOL + line + "\n")
    assert messages(tiny) == [f"content/tools/dated-tool.yml:{expected}"]


def test_12_far_webinar_times_and_huge_durations_are_refused(tiny: Project) -> None:
    write(tiny, "webinars/far-webinar.yml",
          "title: Far\nsummary: Far away.\nthemes: [disclosures]\n"
          "starts: 9999-12-31T23:00:00+00:00\nduration: 99999999999\n")
    assert messages(tiny) == [
        "content/webinars/far-webinar.yml:4:9: starts: `9999-12-31T23:00:00+00:00` is in the year 9999; "
        "dates must be between 1970 and 2099: check the year",
        "content/webinars/far-webinar.yml:5:11: duration: `99999999999` is more than 10080; check the "
        "number (minutes)",
    ]


# 14. An empty audience is an error

@pytest.mark.parametrize("text, where", [
    (PUBLIC_TOOL.replace("audience: public", "audience:"), "6:10: audience"),
    (TOOL + "links:\n  - title: X\n    url: https://example.org/x\n    audience: ''\n",
     "9:15: links[0].audience"),
])
def test_14_an_empty_audience_is_an_error(tiny: Project, text: str, where: str) -> None:
    write(tiny, "tools/empty-tool.yml", text)
    line, column, name = where.split(":")
    found = messages(tiny)
    assert len(found) == 1 and found[0].startswith(f"content/tools/empty-tool.yml:{line}:"), found
    assert name.strip() + ":" in found[0]
