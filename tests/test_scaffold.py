"""`hubgen new`: scaffolds that check reports until filled, and that build once filled."""

from __future__ import annotations

import pytest

from hubgen.build import build
from hubgen.errors import HubError
from hubgen.project import Project
from hubgen.scaffold import EXAMPLES, make_id, new_records
from hubgen.validate import check_project
from tests.conftest import run_hubgen

FILLS = {  # what an editor types over each placeholder, by field
    "summary": '"A real summary."',
    "themes": "[disclosures]",
    "provider": "Example Network",
    "kind": "guidance",
    "stage": "[tender]",
    "wording": '"The Contractor shall disclose its factories."',
    "starts": "2024-05-02",
    "ends": "2024-05-03",
    "location": "Utrecht, Netherlands",
}


def fill(text: str, audience: str | None) -> str:
    lines = []
    for line in text.splitlines():
        name = line.split(":", 1)[0]
        if "TODO" in line and name in FILLS:
            line = f"{name}: {FILLS[name]}"
        elif line.startswith("  - ") and "TODO" in line:
            line = '  - "A real point."'
        lines.append(line)
    if audience:
        lines.append(f"audience: {audience}")
    return "\n".join(lines) + "\n"


@pytest.mark.parametrize("type_name", ["tool", "webinar", "clause", "event", "takeaway"])
def test_scaffold_is_reported_until_filled(tiny: Project, type_name: str) -> None:
    starts = "2024-05-02" if type_name == "event" else None
    (path,) = new_records(tiny, type_name, f"New {type_name} record", starts=starts)
    prefix = "2024-05-" if starts else ""
    assert path == tiny.content / f"{type_name}s" / f"{prefix}new-{type_name}-record.yml"
    text = path.read_text()
    assert text.count("TODO") >= 1 and "# Optional fields:" in text
    _, problems = check_project(tiny)
    assert problems and all("placeholder" in p.message or p.field == "event" for p in problems)


def test_filled_scaffolds_pass_check_and_appear_as_their_audience_says(tiny: Project) -> None:
    paths = new_records(tiny, "event", "Utrecht exchange", ("Disclosures in practice",),
                        starts="2024-05-02")
    paths += [new_records(tiny, t, f"Scaffolded {t}")[0] for t in ("tool", "webinar", "clause")]
    public = ("scaffolded-tool", "2024-05-utrecht-exchange",
              "2024-05-utrecht-exchange-disclosures-in-practice")
    for path in paths:
        path.write_text(fill(path.read_text(), "public" if path.stem in public else None))
    hub, problems = check_project(tiny)
    assert [str(p) for p in problems] == []
    assert hub.records["takeaways/2024-05-utrecht-exchange-disclosures-in-practice"].record.event == (
        "2024-05-utrecht-exchange")
    assert str(hub.records["events/2024-05-utrecht-exchange"].record.starts) == "2024-05-02"
    build(tiny, ("public", "affiliates"))
    for path in paths:
        page = f"{path.parent.name}/{path.stem}/index.html"
        assert (tiny.site_dir("affiliates") / page).is_file(), page
        # without `audience`, hub.yml's default (affiliates) keeps a record off the public site
        assert (tiny.site_dir("public") / page).is_file() == (path.stem in public), page


def uncomment_examples(text: str, leave_out: tuple[str, ...] = ()) -> str:
    """Every optional field that comes with a filled-in example, uncommented as CONTRIBUTING.md
    says: remove the `# ` at the start of each of its lines."""
    out, taking = [], False
    for line in text.splitlines():
        if line.startswith("# ") and not line.startswith("#   ") and ":" in line:
            name = line[2:].split(":", 1)[0]
            taking = name in EXAMPLES and name not in leave_out
        elif not line.startswith("#"):
            taking = False
        out.append(line[2:] if taking and line.startswith("# ") else "" if taking and line == "#" else line)
    return "\n".join(out) + "\n"


@pytest.mark.parametrize("type_name", ["tool", "webinar", "event", "takeaway"])
def test_the_filled_in_examples_of_nested_lists_pass_check_once_uncommented(
        tiny: Project, type_name: str) -> None:
    starts = "2024-05-02" if type_name == "event" else None
    (path,) = new_records(tiny, type_name, f"Example {type_name}", starts=starts,
                          event="tiny-event" if type_name == "takeaway" else None)
    text = path.read_text()
    for name in {"tool": ("links",), "webinar": ("speakers", "registration", "links"),
                 "event": ("sessions", "links"), "takeaway": ("sections",)}[type_name]:
        assert f"# {name}:  # " in text
        assert "\n#   - title: " in text or "\n#   - name: " in text or "\n#   title: " in text
    filled = fill(uncomment_examples(text), "public")
    if type_name == "takeaway":  # points or sections, not both: the example shows sections
        filled = filled.replace('points:\n  - "A real point."\n', "")
    path.write_text(filled)

    hub, problems = check_project(tiny)

    assert [str(p) for p in problems] == []
    record = hub.records[f"{path.parent.name}/{path.stem}"].record
    if type_name == "webinar":
        assert [(s.name, s.organisation) for s in record.speakers] == [
            ("A. Speaker", "Example Org"), ("B. Speaker", None)]
    if type_name == "event":
        assert [(s.title, s.audience) for s in record.sessions] == [
            ("Opening", "public"), ("Case review", "affiliates")]
        assert record.sessions[1].body == ("Only affiliates see this session.\n\n"
                                           "A second paragraph, after an empty line.\n")
    if type_name == "takeaway":
        assert [len(s.points) for s in record.sections] == [2, 1]
    assert [(link.url, link.audience) for link in record.links] in ([], [
        ("https://www.example.org/guidance.pdf", "public"),
        ("https://intranet.example.org/guidance", "affiliates")])


def test_new_refuses_to_overwrite_and_writes_nothing_then(tiny: Project) -> None:
    (tiny.content / "takeaways/2024-05-fresh-event-opening.yml").write_text("x")
    with pytest.raises(HubError) as failure:
        new_records(tiny, "event", "Fresh event", ("Opening",), starts="2024-05-02")
    assert failure.value.lines() == [
        "content/takeaways/2024-05-fresh-event-opening.yml: already exists; hubgen new never "
        "overwrites a file: choose another title or edit that file"]
    assert not (tiny.content / "events/2024-05-fresh-event.yml").exists()


@pytest.mark.parametrize("title, expected", [
    ("Supplier Engagement Q&A", "supplier-engagement-q-a"),
    ("Économie  sociale: l'achat", "economie-sociale-l-achat"),
    ("2023 Annual Conference!", "2023-annual-conference"),
    ("Women's rights", "womens-rights"),  # not `women-s-rights`, which check warns of
    ("Workers\u2019 voice: don't wait", "workers-voice-dont-wait"),
])
def test_ids_are_made_from_titles(title: str, expected: str) -> None:
    assert make_id(title) == expected


def test_takeaways_of_two_events_on_the_same_topic_do_not_collide(tiny: Project) -> None:
    first = new_records(tiny, "event", "Spring exchange", ("Disclosures",), starts="2024-05-02")
    second = new_records(tiny, "event", "Autumn exchange", ("Disclosures",), starts="2024-11-20")
    later = new_records(tiny, "takeaway", "Remedy", event="2024-05-spring-exchange")
    assert [p.relative_to(tiny.content).as_posix() for p in first + second + later] == [
        "events/2024-05-spring-exchange.yml", "takeaways/2024-05-spring-exchange-disclosures.yml",
        "events/2024-11-autumn-exchange.yml", "takeaways/2024-11-autumn-exchange-disclosures.yml",
        "takeaways/2024-05-spring-exchange-remedy.yml"]


def test_new_from_the_command_line(tiny: Project) -> None:
    result = run_hubgen("--project", str(tiny.root), "new", "event", "Annual Conference",
                        "--starts", "2023-10-05",
                        "--takeaways", "Disclosures in practice", "Internal influencing")
    assert result.returncode == 0, result.stderr
    assert result.stdout.splitlines() == [
        "wrote content/events/2023-10-annual-conference.yml",
        "wrote content/takeaways/2023-10-annual-conference-disclosures-in-practice.yml",
        "wrote content/takeaways/2023-10-annual-conference-internal-influencing.yml"]
    again = run_hubgen("--project", str(tiny.root), "new", "event", "Annual Conference",
                       "--starts", "2023-10-05")
    assert again.returncode == 1 and "already exists" in again.stderr
    undated = run_hubgen("--project", str(tiny.root), "new", "event", "Annual Conference")
    assert undated.returncode == 1
    assert undated.stderr.splitlines() == [
        "an event's file name starts with its year and month, e.g. 2025-05-example-exchange.yml: "
        "give its first day as --starts YYYY-MM-DD", "1 problem found."]
    takeaway = run_hubgen("--project", str(tiny.root), "new", "takeaway", "Remedy",
                          "--event", "2023-10-annual-conference")
    assert takeaway.stdout == "wrote content/takeaways/2023-10-annual-conference-remedy.yml\n"
    assert "event: 2023-10-annual-conference\n" in (
        tiny.content / "takeaways/2023-10-annual-conference-remedy.yml").read_text()
    wrong = run_hubgen("--project", str(tiny.root), "new", "banana", "X y z")
    assert wrong.returncode == 1
    assert "unknown type `banana`; use one of: tool, webinar, clause, event, takeaway" in wrong.stderr
