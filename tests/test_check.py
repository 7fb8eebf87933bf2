"""`hubgen check`: every problem as `path:line:column: field: message`, exact and all at once."""

from __future__ import annotations

import gc
import time

import pytest

from hubgen.project import Project
from hubgen.validate import check_project
from tests.conftest import write

KINDS = ("guidance, questionnaire, template, training, ecolabel, certification, rating, "
         "calculator, database or other")
TOOL_FIELDS = ("title, summary, themes, body, tags, audience, links, related, affiliate_note, "
               "updated, provider, kind, use_for, limitations")
ID_RULE = "use lowercase letters a-z, digits and single hyphens, e.g. `supplier-engagement`"

# Valid records, one field a line, so `record(TOOL, kind="banana")` puts kind on line 4.
TOOL = {"title": "A tool", "summary": "What it does.", "provider": "Example Network",
        "kind": "guidance", "themes": "[disclosures]"}
WEBINAR = {"title": "A webinar", "summary": "What it covers.", "themes": "[disclosures]"}
CLAUSE = {"title": "A clause", "summary": "What it says.", "themes": "[disclosures]",
          "stage": "[tender]", "wording": "The Contractor shall disclose."}
EVENT = {"title": "An event", "summary": "What happened.", "themes": "[disclosures]",
         "starts": "2022-11-17", "ends": "2022-11-18", "location": "Barcelona, Spain"}
TAKEAWAY = {"title": "Takeaways", "summary": "What we learned.", "themes": "[disclosures]",
            "event": "tiny-event", "points": "[Be flexible about deadlines.]"}


def record(base: dict[str, str], **fields: str | None) -> str:
    """`base` as YAML, with `fields` replacing its lines in place (None drops one) or added at the end."""
    merged = {**base, **fields}
    return "".join(_line(key, value) for key, value in merged.items() if value is not None)


def _line(key: str, value: str) -> str:
    """`key: value`; a value starting with a line break is a block (`key:` then indented lines)."""
    if not value or value.startswith("\n"):
        return f"{key}:{value}\n"
    return f"{key}: {value}\n"


def problems(project: Project) -> list[str]:
    hub, found = check_project(project)
    assert (hub is None) == bool(found)
    return [str(p) for p in found]


def test_tiny_hub_is_valid(tiny: Project) -> None:
    hub, found = check_project(tiny)

    assert found == []
    assert hub is not None
    assert len(hub.records) == 12
    assert [t.id for t in hub.themes] == ["disclosures", "supplier-engagement", "secret-theme"]


# (file under content/, its text, the problems expected for it: "line:column: rest")
RECORD_CASES = {
    "missing title": ("tools/new-tool.yml", record(TOOL, title=None),
                      ["1:1: title: is required but missing; add a line `title: ...`"]),
    "missing tool kind": ("tools/new-tool.yml", record(TOOL, kind=None),
                          ["1:1: kind: is required but missing; add a line `kind: ...`"]),
    "title is a list": ("tools/new-tool.yml", record(TOOL, title="[A, tool]"),
                        ["1:8: title: expected text, found a list; write it as text "
                         "(quote it if it starts with a special character)"]),
    "themes is a mapping": ("tools/new-tool.yml", record(TOOL, themes="{disclosures: yes}"),
                            ["5:9: themes: expected a list, found a mapping (`key: value` lines); "
                             "write `[a, b]` or one `- item` per line"]),
    "tool kind outside the list": ("tools/new-tool.yml", record(TOOL, kind="banana"),
                                   [f"4:7: kind: `banana` is not allowed; use one of: {KINDS}"]),
    "clause stage outside the list": (
        "clauses/new-clause.yml", record(CLAUSE, stage="[tender, signing]"),
        ["4:17: stage[1]: `signing` is not allowed; use one of: "
         "pre-tender, tender, award, contract-management or renewal"]),
    "audience outside the list": ("tools/new-tool.yml", record(TOOL, audience="everyone"),
                                  ["6:11: audience: `everyone` is not allowed; "
                                   "use one of: public or affiliates"]),
    "misspelt title": ("tools/new-tool.yml", record(TOOL, title=None, titel="A tool"),
                       ["1:1: title: is required but missing; add a line `title: ...`",
                        "5:1: titel: unknown field for a tool; did you mean `title`?"]),
    "misspelt provider": ("tools/new-tool.yml", record(TOOL, provider=None, provder="Example"),
                          ["1:1: provider: is required but missing; add a line `provider: ...`",
                           "5:1: provder: unknown field for a tool; did you mean `provider`?"]),
    "unknown field, no near match": (
        "tools/new-tool.yml", record(TOOL, colour="red"),
        [f"6:1: colour: unknown field for a tool; remove it; the fields are: {TOOL_FIELDS}"]),
    "unknown field in a link": (
        "tools/new-tool.yml",
        record(TOOL, links="\n  - title: Guide\n    urll: https://example.org/guide"),
        ["7:5: links[0].url: is required but missing; add a line `url: ...`",
         "8:5: links[0].urll: unknown field for a link; did you mean `url`?"]),
    "related record missing, near match": (
        "tools/new-tool.yml", record(TOOL, related="[clauses/disclosure-clauses]"),
        ["6:11: related[0]: `clauses/disclosure-clauses` does not exist (there is no "
         "content/clauses/disclosure-clauses.yml); did you mean `clauses/disclosure-clause`?"]),
    "related record missing, nothing near": (
        "tools/new-tool.yml", record(TOOL, related="[tools/qa-tool, clauses/zzzz]"),
        ["6:26: related[1]: `clauses/zzzz` does not exist (there is no content/clauses/zzzz.yml); "
         "correct the reference or remove it"]),
    "related to itself": ("tools/new-tool.yml", record(TOOL, related="\n  - tools/new-tool"),
                          ["7:5: related[0]: a record cannot be related to itself; remove this line"]),
    "theme missing": ("tools/new-tool.yml", record(TOOL, themes="[supplier-engagement, disclosure]"),
                      ["5:31: themes[1]: `disclosure` is not a theme in content/themes.yml; "
                       "did you mean `disclosures`? (the themes are: disclosures, "
                       "supplier-engagement, secret-theme)"]),
    "takeaway event missing": (
        "takeaways/new-takeaways.yml", record(TAKEAWAY, event="tiny-events"),
        ["4:8: event: `tiny-events` is not an event (there is no content/events/tiny-events.yml); "
         "did you mean `tiny-event`?"]),
    "webinar starts without offset": (
        "webinars/new-webinar.yml", record(WEBINAR, starts="2030-03-15T14:00:00", duration="60"),
        ["4:9: starts: `2030-03-15T14:00:00` has no UTC offset; add one, e.g. "
         "2030-03-15T14:00:00+01:00 (or Z for UTC)"]),
    "webinar duration without starts": (
        "webinars/new-webinar.yml", record(WEBINAR, duration="60"),
        ["4:1: duration: is given without `starts`; add the date and time, or remove the duration"]),
    "webinar starts without duration": (
        "webinars/new-webinar.yml", record(WEBINAR, starts="2030-03-15T14:00:00Z"),
        ["1:1: duration: is required when `starts` is given; add the length in minutes, "
         "e.g. `duration: 60`"]),
    "event ends before it starts": (
        "events/new-event.yml", record(EVENT, ends="2022-11-16"),
        ["5:1: ends: 2022-11-16 is before `starts` (2022-11-17); correct one of the two dates"]),
    "summary over 400 characters": (
        "tools/new-tool.yml", record(TOOL, summary="x" * 401),
        ["2:10: summary: has 401 characters, over the limit of 400; "
         "shorten it and move the detail into `body`"]),
    "takeaway with points and sections": (
        "takeaways/new-takeaways.yml",
        record(TAKEAWAY, sections="\n  - title: A section\n    points: [A point.]"),
        ["6:1: sections: is given together with `points`; use one of the two"]),
    "takeaway with neither points nor sections": (
        "takeaways/new-takeaways.yml", record(TAKEAWAY, points=None),
        ["1:1: has neither `points` nor `sections`; add one of the two"]),
    "http link": ("tools/new-tool.yml",
                  record(TOOL, links="\n  - title: Guide\n    url: http://example.org/guide"),
                  ["8:10: links[0].url: `http://example.org/guide` is not allowed; "
                   "a link must start with https:// (or be a mailto: address)"]),
    "javascript link": ("webinars/new-webinar.yml",
                        record(WEBINAR, recording="\n  title: Watch\n  url: javascript:alert(1)"),
                        ["6:8: recording.url: `javascript:alert(1)` is not allowed; "
                         "a link must start with https:// (or be a mailto: address)"]),
    "date that does not exist": ("tools/new-tool.yml", record(TOOL, updated="2022-13-01"),
                                 ["6:10: updated: `2022-13-01` is not a real date; "
                                  "check the month and day"]),
    "date in another format": ("tools/new-tool.yml", record(TOOL, updated="17/11/2022"),
                               ["6:10: updated: `17/11/2022` is not a date; "
                                "write it as YYYY-MM-DD, e.g. 2022-11-17"]),
}


@pytest.mark.parametrize(("rel", "text", "expected"), RECORD_CASES.values(), ids=RECORD_CASES.keys())
def test_record_problem(tiny: Project, rel: str, text: str, expected: list[str]) -> None:
    write(tiny, rel, text)

    assert problems(tiny) == [f"content/{rel}:{line}" for line in expected]


# An empty value, `~` or `null` is nothing: "is empty", never "the text ``".
@pytest.mark.parametrize(("fields", "position", "field"), [
    ({"title": ""}, "1:7", "title"),
    ({"summary": "~"}, "2:10", "summary"),
    ({"themes": ""}, "5:8", "themes"),
    ({"links": ""}, "6:7", "links"),
], ids=["title:", "summary: ~", "themes:", "links:"])
def test_empty_value(tiny: Project, fields: dict[str, str], position: str, field: str) -> None:
    write(tiny, "tools/new-tool.yml", record(TOOL, **fields))

    assert problems(tiny) == [f"content/tools/new-tool.yml:{position}: {field}: "
                              "is empty; give it a value or remove the line"]


@pytest.mark.parametrize(("name", "why"), [
    ("Bad_Name", f"`Bad_Name` is not a valid id; {ID_RULE}"),
    ("ab", "`ab` has 2 characters; an id has 3 to 80"),
    ("double--hyphen", f"`double--hyphen` is not a valid id; {ID_RULE}"),
    # its page would take the place of the folder's listing
    ("index", "`index` is reserved: it names the listing page of its folder; choose another id"),
])
def test_file_name_breaks_id_rule(tiny: Project, name: str, why: str) -> None:
    write(tiny, f"tools/{name}.yml", record(TOOL))

    assert problems(tiny) == [f"content/tools/{name}.yml: file name: {why}; rename the file"]


THEMES = """\
- id: disclosures
  title: Disclosures
- id: supplier-engagement
  title: Supplier engagement
- id: secret-theme
  title: Secret
"""


def test_theme_id_breaks_id_rule(tiny: Project) -> None:
    write(tiny, "themes.yml", THEMES + "- id: Due_Diligence\n  title: Due diligence\n")

    assert problems(tiny) == [f"content/themes.yml:7:7: [3].id: `Due_Diligence` is not a valid id; {ID_RULE}"]


def test_a_theme_may_not_take_the_themes_listing_s_id(tiny: Project) -> None:
    write(tiny, "themes.yml", THEMES + "- id: index\n  title: Index\n")

    assert problems(tiny) == ["content/themes.yml:7:7: [3].id: `index` is reserved: it names the "
                              "listing page of its folder; choose another id"]


def test_duplicate_theme_id(tiny: Project) -> None:
    write(tiny, "themes.yml", THEMES + "- id: disclosures\n  title: Disclosures again\n")

    assert problems(tiny) == ["content/themes.yml:7:7: [3].id: duplicate theme id `disclosures` "
                              "(first on line 1); give each theme its own id"]


@pytest.mark.parametrize(("stray", "expected"), [
    ("tools/new-tool.yaml", "content/tools/new-tool.yaml: not a record file; rename it to end in .yml"),
    ("tools/notes.txt", "content/tools/notes.txt: not a record file; "
                        "only .yml record files belong in this folder; move or remove it"),
    ("misc/", "content/misc: not part of the hub; records go in tools, webinars, clauses, events, takeaways"),
    ("tool/", "content/tool: not part of the hub; did you mean `tools`?"),
    ("notes.txt", "content/notes.txt: not part of the hub; "
                  "records go in tools, webinars, clauses, events, takeaways"),
])
def test_stray_file(tiny: Project, stray: str, expected: str) -> None:
    if stray.endswith("/"):
        (tiny.content / stray).mkdir()
    else:
        write(tiny, stray, record(TOOL))

    assert problems(tiny) == [expected]


def test_missing_hub_yml(tiny: Project) -> None:
    (tiny.content / "hub.yml").unlink()

    assert problems(tiny) == ["content/hub.yml: is missing; every hub needs it (see content-model.md)"]


def test_no_content_folder(tmp_path) -> None:
    assert problems(Project.at(tmp_path)) == [
        "content: no content folder here; run hubgen from the hub's root or pass --project"]


# YAML itself: what PyYAML would hide or misread is refused where it stands.
BILLION_LAUGHS = 'lol0: &a ["lol", "lol", "lol", "lol", "lol", "lol", "lol", "lol", "lol"]\n' + "".join(
    f"lol{n}: &{chr(97 + n)} [{', '.join([f'*{chr(96 + n)}'] * 9)}]\n" for n in range(1, 10))
YAML_CASES = {
    "duplicate key": (record(TOOL) + "title: Again\n",
                      ["6:1: title: duplicate key (first on line 1); keep one of them"]),
    "duplicate key, later": (record(TOOL) + "kind: template\n",
                             ["6:1: kind: duplicate key (first on line 4); keep one of them"]),
    "duplicate key in a link": (
        record(TOOL, links="\n  - title: Guide\n    url: https://a.example\n    url: https://b.example"),
        ["9:5: links[0].url: duplicate key (first on line 8); keep one of them"]),
    "tab indentation": (record(TOOL, use_for="\n\t- Meetings"),
                        ["7:1: tab character in the indentation; YAML indents with spaces only"]),
    "anchor": (record(TOOL, summary="&s What it does.", body="*s"),
               ["2:10: text cannot start with `&` unless it is in quotes (to YAML `&` there means a "
                "name for the value, which hubgen does not allow); put the whole text in straight "
                'double quotes. Write the line as: `summary: "&s What it does."`']),
    "anchor on a list": (record(TOOL, use_for="&s [Meetings]"),
                         ["6:10: anchors (`&s`) are not allowed; write the value out in full where "
                          "it is needed"]),
    "alias": (record(TOOL, body="*summary"),
              ["6:7: text cannot start with `*` unless it is in quotes (to YAML `*` there means a "
               "reference to another value, which hubgen does not allow); put the whole text in "
               'straight double quotes. Write the line as: `body: "*summary"`']),
    "python tag": (record(TOOL, title="!!python/object:os.system echo"),
                   ["1:8: explicit tag `!!python/object:os.system` is not allowed; "
                    "remove it and quote the value if it must stay text"]),
    "str tag": (record(TOOL, provider="!!str 012"),
                ["3:11: explicit tag `!!str` is not allowed; "
                 "remove it and quote the value if it must stay text"]),
    "two documents": (record(TOOL) + "---\n" + record(TOOL),
                      ["6:1: more than one YAML document (a second `---`); keep one record per file"]),
    "top-level list": ("- title: A tool\n- summary: What it does.\n",
                       ["1:1: must be a mapping of fields (`title: ...` lines), not a list"]),
    "empty file": ("", ["1:1: file is empty; write the record's fields, at least title, summary and themes"]),
    "comment-only file": ("# TODO: write this tool up\n\n  # later\n",
                          ["1:1: file is empty; write the record's fields, "
                           "at least title, summary and themes"]),
    "syntax error no slip explains": (record(TOOL, summary="What it does.") + "]\n",
                                      ["6:1: YAML syntax error: this line does not fit where it "
                                       "stands (its indentation, or a stray character before it); "
                                       "check the indentation and quoting on this line and the one "
                                       "before (CONTRIBUTING.md, YAML pitfalls)"]),
}


@pytest.mark.parametrize(("text", "expected"), YAML_CASES.values(), ids=YAML_CASES.keys())
def test_yaml_problem(tiny: Project, text: str, expected: list[str]) -> None:
    write(tiny, "tools/new-tool.yml", text)

    assert problems(tiny) == [f"content/tools/new-tool.yml:{line}" for line in expected]


def test_unclosed_quote_points_at_the_quote(tiny: Project) -> None:
    write(tiny, "tools/new-tool.yml", record(TOOL, summary='"What it does.'))

    [found] = problems(tiny)

    # Not at the end of the file, where the parser gave up: the editor must find the quote.
    assert found == ("content/tools/new-tool.yml:2:10: summary: the text's opening quote (`\"`) is "
                     "never closed; add the closing quote at its end. Write the line as: "
                     '`summary: "What it does."`')


def test_tab_inside_a_block_text_is_text(tiny: Project) -> None:
    write(tiny, "tools/new-tool.yml", record(TOOL, body="|\n  Code:\n\n  \tmake test"))

    hub, found = check_project(tiny)

    assert found == []
    assert hub.records["tools/new-tool"].record.body == "Code:\n\n\tmake test\n"


def test_alias_bomb_is_refused_at_once(tiny: Project) -> None:
    write(tiny, "tools/new-tool.yml", BILLION_LAUGHS)

    started = time.perf_counter()
    found = problems(tiny)

    assert time.perf_counter() - started < 2
    assert found == ["content/tools/new-tool.yml:1:7: anchors (`&a`) are not allowed; "
                     "write the value out in full where it is needed"]


@pytest.mark.parametrize(("raw", "position"), [
    (b"title: A tool\nsummary: caf\xe9 au lait\n", "2:13"),
    # Columns count characters, as everywhere else: `\xc3\xa9` is one character.
    (b"title: A tool\nsummary: \xc3\xa9t\xe9\n", "2:12"),
], ids=["ascii before", "utf-8 before"])
def test_invalid_utf8(tiny: Project, raw: bytes, position: str) -> None:
    (tiny.content / "tools" / "new-tool.yml").write_bytes(raw)

    assert problems(tiny) == [f"content/tools/new-tool.yml:{position}: "
                              "file is not UTF-8 text; save it as UTF-8"]


def test_utf8_bom_is_fine(tiny: Project) -> None:
    write(tiny, "tools/new-tool.yml", "\ufeff" + record(TOOL, title="Café tool"))

    hub, found = check_project(tiny)

    assert found == []
    assert hub.records["tools/new-tool"].record.title == "Café tool"


def test_file_over_a_million_bytes(tiny: Project) -> None:
    text = record(TOOL, body="x" * 1_000_000)
    write(tiny, "tools/new-tool.yml", text)

    assert problems(tiny) == [f"content/tools/new-tool.yml:1:1: file is {len(text):,} bytes, over the "
                              "limit of 1,000,000; split it or shorten the text"]


@pytest.mark.parametrize(("fields", "attribute", "kept"), [
    ({"title": "NO"}, "title", "NO"),
    ({"title": "yes"}, "title", "yes"),
    ({"provider": "012"}, "provider", "012"),
    ({"summary": "1.10"}, "summary", "1.10"),
    ({"tags": "\n  - 12:30\n  - off"}, "tags", ["12:30", "off"]),
], ids=["NO", "yes", "012", "1.10", "12:30"])
def test_plain_values_stay_text(tiny: Project, fields: dict[str, str], attribute: str, kept: object) -> None:
    write(tiny, "tools/new-tool.yml", record(TOOL, **fields))

    hub, found = check_project(tiny)

    assert found == []
    assert getattr(hub.records["tools/new-tool"].record, attribute) == kept


def test_a_broken_record_is_not_also_reported_missing(tiny: Project) -> None:
    # The takeaway points at this event and two records relate to this clause: their files
    # exist, so the one true problem is each file's own.
    write(tiny, "events/tiny-event.yml", record(EVENT, location=None))
    write(tiny, "clauses/disclosure-clause.yml", record(CLAUSE, stage="[signing]"))

    assert problems(tiny) == [
        "content/clauses/disclosure-clause.yml:4:9: stage[0]: `signing` is not allowed; use one of: "
        "pre-tender, tender, award, contract-management or renewal",
        "content/events/tiny-event.yml:1:1: location: is required but missing; add a line `location: ...`",
    ]


def test_all_problems_are_reported_together_sorted_by_path(tiny: Project) -> None:
    write(tiny, "tools/new-tool.yml", record(TOOL, kind="banana"))
    write(tiny, "clauses/new-clause.yml", record(CLAUSE, wording=None))
    write(tiny, "events/new-event.yml", record(EVENT, ends="2022-11-16"))

    assert problems(tiny) == [
        "content/clauses/new-clause.yml:1:1: wording: is required but missing; add a line `wording: ...`",
        "content/events/new-event.yml:5:1: ends: 2022-11-16 is before `starts` (2022-11-17); "
        "correct one of the two dates",
        f"content/tools/new-tool.yml:4:7: kind: `banana` is not allowed; use one of: {KINDS}",
    ]


def test_a_large_hub_checked_in_two_processes_gives_the_same_hub_and_problems(
        tiny: Project, monkeypatch: pytest.MonkeyPatch) -> None:
    # from PARALLEL_FROM files, half the records are checked in a forked child
    import hubgen.validate
    hub, none = check_project(tiny)
    assert hub is not None and none == []
    monkeypatch.setattr(hubgen.validate, "PARALLEL_FROM", 2)
    split, none = check_project(tiny)
    assert split is not None and none == []
    assert list(split.records) == list(hub.records)
    assert [e.record for e in split.records.values()] == [e.record for e in hub.records.values()]
    write(tiny, "tools/new-tool.yml", record(TOOL, kind="banana"))
    write(tiny, "clauses/new-clause.yml", record(CLAUSE, wording=None))
    found = problems(tiny)
    assert len(found) == 2 and found[0].startswith("content/clauses/new-clause.yml:1:1: wording:")
    monkeypatch.setattr(hubgen.validate, "PARALLEL_FROM", 10**9)
    assert problems(tiny) == found
    assert gc.isenabled()  # the collector, paused while files load, runs again
