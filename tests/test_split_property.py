"""The split as a property: random small hubs, a unique marker in every text and address of every
model, every audience level and pointer kind; the real engine builds the public site; no
affiliate-only marker reaches any file of it, and every public marker does.

What the public site may show is worked out here independently of hubgen (the oracle below):
a record's audience is its own, else (a takeaway) its event's, else hub.yml's default; a part's
is its own, else its record's; `affiliate_note` is never public; a takeaway's `session` naming a
session the public site does not show is dropped. Pointers in public text name public records
only (pointers at affiliate-only records there are `check` errors: tests/test_attack.py).
"""

from __future__ import annotations

import json
import shutil
from dataclasses import dataclass, field
from pathlib import Path

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from hubgen.build import build
from hubgen.validate import check_project
from tests.conftest import make_hub
from tests.test_leaks import readable

AUDIENCES = st.sampled_from(["public", "affiliates", None])
TYPES = ("tools", "webinars", "clauses", "events", "takeaways")


@dataclass
class Plan:
    """A hub to write, and for each marker whether some place that shows it is public."""

    files: dict[str, dict] = field(default_factory=dict)
    shown: dict[str, bool] = field(default_factory=dict)
    count: int = 0

    def marker(self, public: bool) -> str:
        """A new unique token (fixed length: none is part of another), public or not."""
        n, self.count = self.count, self.count + 1
        token = "zq" + "".join(chr(97 + (n // 26 ** i) % 26) for i in range(3)) + "x"
        self.shown[token] = public
        return token

    def see(self, token: str, public: bool) -> None:
        self.shown[token] = self.shown.get(token, False) or public


def _part(data: st.DataObject, record_public: bool) -> tuple[dict, bool]:
    audience = data.draw(AUDIENCES)
    out = {"audience": audience} if audience else {}
    return out, (audience == "public") if audience else record_public


@st.composite
def hubs(draw: st.DrawFn) -> Plan:
    data = draw(st.data())
    plan = Plan()
    default = draw(st.sampled_from(["public", "affiliates"]))
    plan.files["hub.yml"] = {"title": "Property hub", "organisation": "Example", "description": "A hub.",
                             "default_audience": default}
    counts = {t: draw(st.integers(0, 2)) for t in TYPES}
    counts["events"] = max(1, counts["events"])
    ids = {t: [f"{t[:-1]}-{plan.marker(False)}" for _ in range(counts[t])] for t in TYPES}
    themes = [f"theme-{plan.marker(False)}" for _ in range(3)]
    audiences: dict[str, bool] = {}  # ref: public?
    stated: dict[str, str | None] = {}
    event_of: dict[str, str] = {}
    for type_ in TYPES:
        for id_ in ids[type_]:
            stated[f"{type_}/{id_}"] = data.draw(AUDIENCES)
    for type_ in TYPES:  # events before takeaways
        for id_ in ids[type_]:
            ref = f"{type_}/{id_}"
            own = stated[ref]
            if type_ == "takeaways":
                event = event_of[ref] = data.draw(st.sampled_from(ids["events"]))
                audiences[ref] = audiences[f"events/{event}"] if own is None else own == "public"
            else:
                audiences[ref] = (own or default) == "public"
    used_public = set()
    records = {}
    sessions_of: dict[str, list[tuple[str, bool]]] = {}
    for type_ in TYPES:
        for id_ in ids[type_]:
            ref = f"{type_}/{id_}"
            public = audiences[ref]
            plan.see(id_.split("-", 1)[1], public)

            def text(public_part: bool, prefix: str = "Marker") -> str:
                return f"{prefix} {plan.marker(public_part)}"

            record_themes = data.draw(st.lists(st.sampled_from(themes), min_size=1, max_size=2, unique=True))
            if public:
                used_public.update(record_themes)
            targets = [r for r in audiences if r != ref and audiences[r]]
            pointers = ""
            if targets and public:
                target = data.draw(st.sampled_from(targets))
                kind, tid = target.split("/")
                form = data.draw(st.sampled_from([f"../{kind}/{tid}.md", f"/{kind}/{tid}/",
                                                  f"https://hub.example.org/{kind}/{tid}/"]))
                pointers = f" See [it]({form})."
            hidden_targets = [r for r in audiences if r != ref and not audiences[r]]
            note = text(False) + "."
            if hidden_targets:
                kind, tid = data.draw(st.sampled_from(hidden_targets)).split("/")
                note += f" See [it](../{kind}/{tid}.md)."
            record = {"title": text(public), "summary": text(public) + ".", "themes": record_themes,
                      "body": text(public) + "." + pointers, "tags": [text(public)],
                      "affiliate_note": note,
                      "related": data.draw(st.lists(st.sampled_from(others), max_size=2, unique=True)
                                           if (others := sorted(set(audiences) - {ref})) else st.just([]))}
            if stated[ref]:
                record["audience"] = stated[ref]
            links = []
            for _ in range(data.draw(st.integers(0, 2))):
                part, shown = _part(data, public)
                links.append({"title": text(public and shown),
                              "url": f"https://example.org/{plan.marker(public and shown)}", **part})
            record["links"] = links
            if type_ == "tools":
                record.update(provider=text(public), kind="guidance", use_for=[text(public)],
                              limitations=[text(public)])
            elif type_ == "webinars":
                record.update(series=text(public),
                              speakers=[{"name": text(public), "organisation": text(public)}])
                if data.draw(st.booleans()):
                    record.update(starts="2025-03-15T14:00:00+01:00", duration=60)
                for name in ("registration", "recording", "slides"):
                    if data.draw(st.booleans()):
                        part, shown = _part(data, public)
                        record[name] = {"title": text(public and shown),
                                        "url": f"https://example.org/{plan.marker(public and shown)}", **part}
            elif type_ == "clauses":
                record.update(stage=["award"], wording=text(public) + ".", guidance=text(public) + ".",
                              source=text(public))
            elif type_ == "events":
                record.update(starts="2022-11-17", ends="2022-11-18", location=text(public),
                              organiser=text(public), participants=text(public))
                sessions = []
                for _ in range(data.draw(st.integers(0, 2))):
                    part, shown = _part(data, public)
                    visible = public and shown
                    title = text(visible)
                    sessions.append({"title": title, "summary": text(visible) + ".",
                                     "body": text(visible) + ".", **part})
                    sessions_of.setdefault(id_, []).append((title, visible))
                record["sessions"] = sessions
            else:  # takeaways
                event = record["event"] = event_of[ref]
                choices = sessions_of.get(event, [])
                if choices and data.draw(st.booleans()):
                    title, visible = data.draw(st.sampled_from(choices))
                    record["session"] = title
                    plan.see(title.split()[1], public and visible)
                elif data.draw(st.booleans()):
                    record["session"] = text(public)
                if data.draw(st.booleans()):
                    record["points"] = [text(public) + "."]
                else:
                    sections = []
                    for _ in range(data.draw(st.integers(1, 2))):
                        part, shown = _part(data, public)
                        sections.append({"title": text(public and shown),
                                         "points": [text(public and shown) + "."], **part})
                    record["sections"] = sections
            records[f"{type_}/{id_}.yml"] = record
    theme_list = []
    for theme in themes:
        shown = theme in used_public
        plan.see(theme.split("-", 1)[1], shown)
        theme_list.append({"id": theme, "title": f"Theme {plan.marker(shown)}",
                           "description": f"About {plan.marker(shown)}."})
    plan.files["themes.yml"] = theme_list
    plan.files.update(records)
    return plan


def _write(plan: Plan, root: Path) -> None:
    content = root / "content"
    if content.exists():
        shutil.rmtree(content)
    for rel, value in plan.files.items():
        path = content / rel
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(json.dumps(value, indent=1) + "\n", encoding="utf-8")


@settings(max_examples=6, derandomize=True, deadline=None, database=None,
          suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow,
                                 HealthCheck.data_too_large])
@given(plan=hubs())
def test_no_affiliate_marker_reaches_the_public_site_and_every_public_one_does(
        tmp_path_factory, plan: Plan) -> None:
    root = tmp_path_factory.mktemp("property")
    project = make_hub(root, Path(__file__).parent / "fixtures" / "tiny" / "content")
    _write(plan, root)
    _, problems = check_project(project)
    assert problems == []
    build(project, ("public",))  # the scan inside must not fail either
    site = readable(project.site_dir("public")).lower()
    leaked = sorted(t for t, public in plan.shown.items() if not public and t in site)
    missing = sorted(t for t, public in plan.shown.items() if public and t not in site)
    assert leaked == [] and missing == [], (leaked, missing)
