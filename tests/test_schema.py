"""The JSON Schemas editors' YAML language servers use: current, wired up, and in step with check."""

from __future__ import annotations

import json
from pathlib import Path

import jsonschema
import pytest
import yaml

from hubgen.schema import SCHEMA_FOR, json_schemas, render_schema
from tests.conftest import ROOT

SCHEMAS = ROOT / "schemas"


def test_checked_in_schemas_are_current() -> None:
    stale = [name for name, schema in json_schemas().items()
             if not (SCHEMAS / name).is_file() or (SCHEMAS / name).read_text() != render_schema(schema)]
    assert stale == [], "run `.venv/bin/hubgen schema` and commit schemas/"
    assert sorted(p.name for p in SCHEMAS.glob("*.json")) == sorted(json_schemas())


def test_vscode_maps_every_content_folder_to_its_schema() -> None:
    settings = json.loads((ROOT / ".vscode/settings.json").read_text())
    assert settings["yaml.schemas"] == {f"./schemas/{k}": v for k, v in SCHEMA_FOR.items()}


def schema_for(path: Path) -> dict:
    rel = path.relative_to(ROOT).as_posix()
    for name, pattern in SCHEMA_FOR.items():
        if Path(rel).match(pattern):
            return json.loads((SCHEMAS / name).read_text())
    raise AssertionError(f"no schema for {rel}")


@pytest.mark.parametrize("path", sorted((ROOT / "content").rglob("*.yml")), ids=lambda p: p.name)
def test_shipped_content_follows_its_schema(path: Path) -> None:
    data = yaml.load(path.read_text(), Loader=yaml.BaseLoader)  # every scalar as text, as hubgen reads it
    schema = schema_for(path)
    _retype(data, path)
    jsonschema.validate(data, schema, format_checker=jsonschema.FormatChecker())


def _retype(data: object, path: Path) -> None:
    """Numbers where the schema wants integers (BaseLoader leaves `duration: 60` as text)."""
    if isinstance(data, dict) and "duration" in data:
        data["duration"] = int(data["duration"])


@pytest.mark.parametrize("change, expected", [
    ({"kind": "banana"}, "'banana' is not one of"),
    ({"titel": "x"}, "Additional properties are not allowed ('titel' was unexpected)"),
    ({"summary": "x" * 401}, "is too long"),
    ({"themes": []}, "should be non-empty"),
    ({"links": [{"title": "x", "url": "http://example.org"}]}, "does not match"),
])
def test_schema_reports_what_check_reports(change: dict, expected: str) -> None:
    tool = {"title": "T", "summary": "S", "themes": ["disclosures"], "provider": "P", "kind": "rating"}
    schema = json.loads((SCHEMAS / "tool.schema.json").read_text())
    with pytest.raises(jsonschema.ValidationError) as error:
        jsonschema.validate({**tool, **change}, schema)
    assert expected in error.value.message


def test_schemas_carry_descriptions_enums_and_examples() -> None:
    webinar = json.loads((SCHEMAS / "webinar.schema.json").read_text())
    starts = webinar["properties"]["starts"]["anyOf"][0]
    assert starts["examples"] == ["2022-03-15T14:00:00+01:00"]
    assert "UTC offset" in webinar["properties"]["starts"]["description"]
    tool = json.loads((SCHEMAS / "tool.schema.json").read_text())
    assert "questionnaire" in tool["properties"]["kind"]["enum"]
