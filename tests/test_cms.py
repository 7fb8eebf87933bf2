"""The web editor's configuration (cms.py) and where the editor is served: current, made from the
content model, on the affiliate site only. tests/test_editor.py drives the editor itself."""

from __future__ import annotations

import re
import shutil
from pathlib import Path

import pytest
import yaml

from hubgen.build import scan_built
from hubgen.cms import CONFIG, TITLE_PATTERN, cms_config, editor_repository, render_config
from hubgen.headers import parse_headers_file
from hubgen.models import RECORD_MODELS, HubSettings
from hubgen.project import Project
from hubgen.validate import check_project, load_settings
from tests.conftest import ROOT, write

SHIPPED = cms_config(load_settings(Project.at(ROOT)))


def test_checked_in_config_is_current() -> None:
    assert (ROOT / CONFIG).read_text(encoding="utf-8") == render_config(SHIPPED), \
        "run `.venv/bin/hubgen cms` and commit cms/config.yml"


def test_config_is_plain_yaml() -> None:
    text = (ROOT / CONFIG).read_text(encoding="utf-8")
    assert "&id" not in text and "*id" not in text and "!!" not in text
    assert yaml.safe_load(text) == SHIPPED


def _collection(name: str) -> dict:
    return next(c for c in SHIPPED["collections"] if c["name"] == name)


def _field(fields: list[dict], name: str) -> dict:
    return next(f for f in fields if f["name"] == name)


@pytest.mark.parametrize("folder", sorted(RECORD_MODELS))
def test_one_collection_per_type_with_every_field(folder: str) -> None:
    model, collection = RECORD_MODELS[folder], _collection(folder)
    assert collection["folder"] == f"content/{folder}"
    assert (collection["create"], collection["delete"]) == (True, False)
    assert (collection["extension"], collection["format"]) == ("yml", "yml")
    fields = collection["fields"]
    assert sorted(f["name"] for f in fields) == sorted(model.model_fields)
    for name, info in model.model_fields.items():
        spec = _field(fields, name)
        assert spec["required"] == info.is_required(), name
        assert spec["hint"], name
    audience = _field(fields, "audience")
    assert audience["widget"] == "select"
    assert [o["value"] for o in audience["options"]] == ["public", "affiliates"]
    inherits = "its event's audience" if folder == "takeaways" else "stays off the public site"
    assert inherits in audience["hint"]
    assert _field(fields, "themes")["widget"] == "relation"
    assert _field(fields, "related")["collection"] == "records"


def test_widgets_follow_the_model() -> None:
    webinar = _collection("webinars")["fields"]
    starts = _field(webinar, "starts")
    assert (starts["widget"], starts["format"]) == ("datetime", "YYYY-MM-DDTHH:mm:ssZ")
    assert starts["picker_utc"] is False
    assert _field(webinar, "duration")["value_type"] == "int"
    assert (_field(webinar, "duration")["min"], _field(webinar, "duration")["max"]) == (1, 10080)
    assert [f["name"] for f in _field(webinar, "speakers")["fields"]] == ["name", "organisation"]
    assert _field(webinar, "recording")["widget"] == "object"
    event = _collection("events")["fields"]
    assert _field(event, "starts")["format"] == "YYYY-MM-DD"
    assert _field(event, "starts")["time_format"] is False
    session = _field(event, "sessions")["fields"]
    assert [f["name"] for f in session] == ["title", "summary", "body", "audience"]
    assert "the event's audience" in _field(session, "audience")["hint"]
    takeaway = _collection("takeaways")["fields"]
    assert _field(takeaway, "event")["collection"] == "events"
    sections = _field(takeaway, "sections")
    assert _field(sections["fields"], "points")["min"] == 1
    clause = _collection("clauses")["fields"]
    assert _field(clause, "stage")["widget"] == "select" and _field(clause, "stage")["multiple"]
    assert _field(clause, "wording")["widget"] == "markdown"
    tool = _collection("tools")["fields"]
    assert "questionnaire" in _field(tool, "kind")["options"]
    assert _field(tool, "use_for")["field"]["widget"] == "string"
    assert _collection("takeaways")["slug"].startswith("{{fields.event")


def test_repository_from_environment_then_hub_then_netlify() -> None:
    hub = HubSettings(title="T", organisation="O", description="D", editor_repo="org/from-hub")
    assert editor_repository(hub, {"HUBGEN_EDITOR_REPO": "org/from-env"}) == ("org/from-env", "main")
    assert editor_repository(hub, {}) == ("org/from-hub", "main")
    netlify = {"REPOSITORY_URL": "https://github.com/org/from-netlify", "HUBGEN_EDITOR_BRANCH": "content"}
    assert editor_repository(None, netlify) == ("org/from-netlify", "content")
    assert editor_repository(None, {}) == (None, "main")
    assert cms_config(hub, {})["backend"]["repo"] == "org/from-hub"
    assert cms_config(hub, {})["publish_mode"] == "editorial_workflow"


def test_themes_file_may_be_a_mapping_holding_the_list(tiny: Project) -> None:
    listed = (tiny.content / "themes.yml").read_text(encoding="utf-8")
    write(tiny, "themes.yml", "themes:\n" + "".join(f"  {line}\n" for line in listed.splitlines()))
    hub, problems = check_project(tiny)
    assert problems == []
    assert [t.id for t in hub.themes][:1] == ["disclosures"]
    write(tiny, "themes.yml", "themes:\n  - id: Bad_Id\n    title: Bad\n")
    _, problems = check_project(tiny)
    assert any(str(p).startswith("content/themes.yml:2:9: themes[0].id: `Bad_Id` is not a valid id")
               for p in problems), problems
    write(tiny, "themes.yml", "topics:\n  - id: disclosures\n    title: Disclosures\n")
    _, problems = check_project(tiny)
    assert any("must be a list of themes" in str(p) for p in problems), problems


def test_editor_is_on_the_affiliate_site_only(built_tiny: Project) -> None:
    admin = built_tiny.site_dir("affiliates") / "admin"
    assert {"index.html", "config.yml", "decap-cms.js", "hubgen-cms.js"} <= {p.name for p in admin.iterdir()}
    assert not any(p.suffix == ".map" for p in admin.iterdir())
    config = yaml.safe_load((admin / "config.yml").read_text(encoding="utf-8"))
    assert config["backend"]["repo"] == "example-org/tiny-hub"
    assert "local_backend" not in config
    rules = parse_headers_file((built_tiny.site_dir("affiliates") / "_headers").read_text(encoding="utf-8"))
    assert list(rules) == ["/*", "/admin/*"]
    editor = dict(rules["/admin/*"])
    assert "connect-src 'self' https://api.github.com;" in editor["Content-Security-Policy"]
    assert editor["Cross-Origin-Opener-Policy"] == "same-origin-allow-popups"
    assert "'unsafe-eval'" not in dict(rules["/*"])["Content-Security-Policy"]
    public = built_tiny.site_dir("public")
    assert not (public / "admin").exists()
    assert list(parse_headers_file((public / "_headers").read_text(encoding="utf-8"))) == ["/*"]


@pytest.mark.parametrize("name", ["admin/index.html", "admin/config.yml", "js/decap-cms.js",
                                  "assets/editor.js"])
def test_scan_finds_the_editor_in_the_public_site(built_tiny: Project, tmp_path: Path, name: str) -> None:
    site = tmp_path / "public"
    shutil.copytree(built_tiny.site_dir("public"), site)
    assert scan_built(built_tiny, site) == []
    source = built_tiny.site_dir("affiliates") / "admin" / Path(name).name
    planted = site / name
    planted.parent.mkdir(parents=True, exist_ok=True)
    planted.write_bytes(source.read_bytes() if source.is_file() else b"CMS.registerEventListener({});")
    problems = [str(p) for p in scan_built(built_tiny, site)]
    assert f"{built_tiny.shown(site)}/{name}: is part of the web editor, which is served on the affiliate " \
           "site only; the public site must not hold it" in problems


def test_every_shipped_title_fits_the_forms_title_rule() -> None:
    rule = re.compile(TITLE_PATTERN[0])
    titles = [yaml.safe_load(p.read_text(encoding="utf-8"))["title"]
              for folder in RECORD_MODELS for p in (ROOT / "content" / folder).glob("*.yml")]
    assert len(titles) > 20
    assert [t for t in titles if not rule.search(t)] == []
    assert [t for t in ("QA", "Index", "  ", "a-b") if rule.search(t)] == []
