"""JSON Schemas for editors' YAML language servers, made from the same classes the checker uses."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from pydantic import TypeAdapter

from hubgen.models import RECORD_MODELS, HubSettings, Theme, ThemeFile

DIALECT = "https://json-schema.org/draft/2020-12/schema"


def json_schemas() -> dict[str, dict[str, Any]]:
    """File name -> schema, for hub.yml, themes.yml and each record folder."""
    schemas: dict[str, dict[str, Any]] = {
        "hub.schema.json": HubSettings.model_json_schema(),
        "themes.schema.json": TypeAdapter(list[Theme] | ThemeFile).json_schema(),
    }
    for model in RECORD_MODELS.values():
        schemas[f"{model.kind_name}.schema.json"] = model.model_json_schema()
    for schema in schemas.values():
        schema["$schema"] = DIALECT
    schemas["themes.schema.json"].setdefault("description", Theme.__doc__)
    return schemas


def render_schema(schema: dict[str, Any]) -> str:
    return json.dumps(schema, indent=2, ensure_ascii=False, sort_keys=True) + "\n"


def write_schemas(folder: Path) -> list[str]:
    """Write every schema into `folder`; returns the names written."""
    folder.mkdir(parents=True, exist_ok=True)
    written = []
    for name, schema in sorted(json_schemas().items()):
        (folder / name).write_text(render_schema(schema), encoding="utf-8")
        written.append(name)
    return written


# Which schema each content file follows, for editors (.vscode/settings.json uses the same map).
SCHEMA_FOR = {
    "hub.schema.json": "content/hub.yml",
    "themes.schema.json": "content/themes.yml",
    **{f"{m.kind_name}.schema.json": f"content/{folder}/*.yml" for folder, m in RECORD_MODELS.items()},
}
