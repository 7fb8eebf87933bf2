"""`hubgen new`: scaffolds that check reports until filled, and that build once filled."""

from __future__ import annotations

import pytest

from hubgen.build import build
from hubgen.errors import HubError
from hubgen.project import Project
from hubgen.scaffold import make_id, new_records
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
    (path,) = new_records(tiny, type_name, f"New {type_name} record")
    assert path == tiny.content / f"{type_name}s" / f"new-{type_name}-record.yml"
    text = path.read_text()
    assert text.count("TODO") >= 1 and "# Optional fields:" in text
    _, problems = check_project(tiny)
    assert problems and all("placeholder" in p.message or p.field == "event" for p in problems)


def test_filled_scaffolds_pass_check_and_appear_as_their_audience_says(tiny: Project) -> None:
    paths = new_records(tiny, "event", "Utrecht exchange", ("Disclosures in practice",))
    paths += [new_records(tiny, t, f"Scaffolded {t}")[0] for t in ("tool", "webinar", "clause")]
    for path in paths:
        public = path.stem in ("scaffolded-tool", "utrecht-exchange", "disclosures-in-practice")
        path.write_text(fill(path.read_text(), "public" if public else None))
    hub, problems = check_project(tiny)
    assert [str(p) for p in problems] == []
    assert hub.records["takeaways/disclosures-in-practice"].record.event == "utrecht-exchange"
    build(tiny, ("public", "affiliates"))
    for path in paths:
        page = f"{path.parent.name}/{path.stem}/index.html"
        assert (tiny.site_dir("affiliates") / page).is_file(), page
        # without `audience`, hub.yml's default (affiliates) keeps a record off the public site
        assert (tiny.site_dir("public") / page).is_file() == (path.stem in (
            "scaffolded-tool", "utrecht-exchange", "disclosures-in-practice")), page


def test_new_refuses_to_overwrite_and_writes_nothing_then(tiny: Project) -> None:
    (tiny.content / "takeaways/opening.yml").write_text("x")
    with pytest.raises(HubError) as failure:
        new_records(tiny, "event", "Fresh event", ("Opening",))
    assert failure.value.lines() == [
        "content/takeaways/opening.yml: already exists; hubgen new never overwrites a file: "
        "choose another title or edit that file"]
    assert not (tiny.content / "events/fresh-event.yml").exists()


@pytest.mark.parametrize("title, expected", [
    ("Supplier Engagement Q&A", "supplier-engagement-q-a"),
    ("Économie  sociale: l'achat", "economie-sociale-l-achat"),
    ("2023 Annual Conference!", "2023-annual-conference"),
])
def test_ids_are_made_from_titles(title: str, expected: str) -> None:
    assert make_id(title) == expected


def test_new_from_the_command_line(tiny: Project) -> None:
    result = run_hubgen("--project", str(tiny.root), "new", "event", "Annual Conference 2023",
                        "--takeaways", "Disclosures in practice", "Internal influencing")
    assert result.returncode == 0, result.stderr
    assert result.stdout.splitlines() == [
        "wrote content/events/annual-conference-2023.yml",
        "wrote content/takeaways/disclosures-in-practice.yml",
        "wrote content/takeaways/internal-influencing.yml"]
    again = run_hubgen("--project", str(tiny.root), "new", "event", "Annual Conference 2023")
    assert again.returncode == 1 and "already exists" in again.stderr
    wrong = run_hubgen("--project", str(tiny.root), "new", "banana", "X y z")
    assert wrong.returncode == 1
    assert "unknown type `banana`; use one of: tool, webinar, clause, event, takeaway" in wrong.stderr
