"""The web editor (Decap CMS): its configuration, made from the content model, and its files.

`hubgen cms` writes `cms/config.yml` from the same classes as `schemas/`; the affiliate build
serves the editor at /admin/ with that configuration (its GitHub repository taken from hub.yml
or the environment); `hubgen edit` serves it on 127.0.0.1 with `decap-server` (editor.py).
The editor's program comes from the npm package `decap-cms` (package.json pins it).
"""

from __future__ import annotations

import os
import re
import shutil
import types
import typing
from collections.abc import Callable
from pathlib import Path
from typing import Any, Literal, get_args, get_origin

import yaml
from annotated_types import Le, MinLen
from pydantic import AfterValidator, BaseModel
from pydantic.fields import FieldInfo

from hubgen import models
from hubgen.errors import Problem
from hubgen.models import RECORD_MODELS, SUMMARY_MAX, HubSettings, Record, Theme
from hubgen.project import Project

CONFIG = Path("cms") / "config.yml"  # written by `hubgen cms`, relative to the hub's root
EDITOR_PATH = "admin"  # where the affiliate site serves the editor
LOCAL_BACKEND = "http://127.0.0.1:8081/api/v1"  # `make edit`'s decap-server
HERE = Path(__file__).resolve().parent
PAGE_FILES = HERE / "editor"  # the editor's page and hubgen's small script for it
DIST = Path("node_modules") / "decap-cms" / "dist"

AUDIENCE_OPTIONS = [
    {"label": "public: everyone (the public site and the affiliate site)", "value": "public"},
    {"label": "affiliates: affiliates only (the affiliate site)", "value": "affiliates"},
]
LABELS = {"tools": ("Tools", "Tool"), "webinars": ("Webinars", "Webinar"),
          "clauses": ("Contract clauses", "Contract clause"), "events": ("Events", "Event"),
          "takeaways": ("Takeaways", "Takeaway")}
# The file name (the id) of a new record, from its fields. Decap makes it lowercase ASCII with
# single hyphens (see `SLUG`); `truncate` keeps it within 80 characters. An event's starts with
# its year and month, and a takeaway's with its event's id, so that takeaways of different
# events never share a name.
SLUGS = {"tools": "{{title | truncate(80, '')}}",
         "webinars": "{{title | truncate(80, '')}}",
         "clauses": "{{title | truncate(80, '')}}",
         "events": "{{fields.starts | date('YYYY-MM')}}-{{title | truncate(72, '')}}",
         "takeaways": "{{fields.event | truncate(40, '')}}-{{title | truncate(39, '')}}"}
SLUG = {"encoding": "ascii", "clean_accents": True, "sanitize_replacement": "-"}
SUMMARY_PATTERN = [rf"^(?![\s\S]*\n[ \t]*\n)[\s\S]{{1,{SUMMARY_MAX}}}$",
                   f"One paragraph of at most {SUMMARY_MAX} characters; move the detail into Body"]
URL_PATTERN = [r"^(https://\S+|mailto:\S+@\S+)$",
               "Starts with https:// (or is a mailto: address), without spaces"]
# A record's title makes its file name: at least three letters or digits, and not `index`.
TITLE_PATTERN = [r"^(?![Ii][Nn][Dd][Ee][Xx]\s*$)(?=(?:[^\n]*[A-Za-z0-9\u00C0-\u024F]){3})[^\n]*\S[^\n]*$",
                 "One line with at least three letters or digits (the file name is made from it)"]
LINE_PATTERN = [r"^[^\n]*\S[^\n]*$", "One line of text"]
# Where a field's description speaks of the YAML file, the form's own words.
FORM_HINTS = {
    "themes": "Pick at least one: where the record appears in the hub.",
    "related": "Other records this one goes with; each lists this one back.",
    "event": "The event they come from (a new event is listed here once its pull request is merged).",
    "session": "The title of the event's session they came from, word for word, e.g. Knowledge "
               "Exchange Hubs (hubgen check says when it matches none).",
}
DATE_FORMAT = "YYYY-MM-DD"
DATETIME_FORMAT = "YYYY-MM-DDTHH:mm:ssZ"  # dayjs: Z is the UTC offset, +01:00


def cms_config(settings: HubSettings | None, env: dict[str, str] | None = None,
               local_backend: str | None = LOCAL_BACKEND) -> dict[str, Any]:
    """Decap CMS's configuration for a hub: one collection per record type, the themes, the
    GitHub backend with the editorial workflow. `local_backend` is decap-server's address for
    an editor on 127.0.0.1 (Decap ignores it on any other host); None leaves it out."""
    config: dict[str, Any] = {
        "backend": backend(settings, env or {}),
        "publish_mode": "editorial_workflow",
    }
    if local_backend:
        config["local_backend"] = {"url": local_backend}
    config.update({
        # Required by Decap; the forms offer no upload (see README: an uploaded file would be
        # public on both sites whatever its record's audience), so nothing is ever written here.
        "media_folder": "content/uploads",
        "show_preview_links": True,  # the pull request's deploy preview, from its checks
        "editor": {"preview": False},  # a raw list of values; the deploy preview shows the page
        "slug": SLUG,
        "collections": [
            *(collection(folder, model) for folder, model in RECORD_MODELS.items()),
            settings_collection(),
            records_collection(),
        ],
    })
    return config


def backend(settings: HubSettings | None, env: dict[str, str]) -> dict[str, Any]:
    """The GitHub backend: each saved entry a branch and pull request, signed in through
    Netlify's GitHub login (README, "The web editor")."""
    repo, branch = editor_repository(settings, env)
    return {"name": "github", "repo": repo or "OWNER/REPO", "branch": branch,
            "base_url": env.get("HUBGEN_EDITOR_AUTH_URL", "https://api.netlify.com"),
            "squash_merges": True, "cms_label_prefix": "editor/"}


def editor_repository(settings: HubSettings | None, env: dict[str, str]) -> tuple[str | None, str]:
    """(owner/name, branch) of the repository the editor proposes changes to: the environment's
    HUBGEN_EDITOR_REPO, else hub.yml's `editor_repo`, else Netlify's REPOSITORY_URL."""
    repo = env.get("HUBGEN_EDITOR_REPO") or (settings.editor_repo if settings else None)
    if not repo and (match := re.match(r"^https://github\.com/([^/]+/[^/]+?)(?:\.git)?/?$",
                                       env.get("REPOSITORY_URL", ""))):
        repo = match.group(1)
    branch = env.get("HUBGEN_EDITOR_BRANCH") or (settings.editor_branch if settings else None) or "main"
    return repo, branch


def collection(folder: str, model: type[Record]) -> dict[str, Any]:
    label, singular = LABELS[folder]
    return {
        "name": folder,
        "label": label,
        "label_singular": singular,
        "description": f"{_doc(model)} One file per record in content/{folder}/; the file name "
                       "is the record's id, made from the title when the record is created.",
        "folder": f"content/{folder}",
        "extension": "yml",
        "format": "yml",
        "create": True,
        "delete": False,  # a deletion would go straight to the main branch, unreviewed
        "slug": SLUGS[folder],
        "summary": "{{title}}",
        "sortable_fields": ["title"],
        "fields": [{**f, "pattern": TITLE_PATTERN} if f["name"] == "title" else f
                   for f in fields(model, record=True)],
    }


def settings_collection() -> dict[str, Any]:
    """themes.yml, in the shape a form can edit (a mapping with one key, `themes`)."""
    return {
        "name": "settings",
        "label": "Themes",
        "description": "The taxonomy every record points into; its order is the order themes are shown in.",
        "editor": {"preview": False},
        "files": [{
            "name": "themes",
            "label": "Themes",
            "file": "content/themes.yml",
            "fields": [{"name": "themes", "label": "Themes", "widget": "list",
                        "summary": "{{fields.title}} ({{fields.id}})",
                        "hint": "Changing a theme's id breaks every record that uses it.",
                        "fields": fields(Theme)}],
        }],
    }


def records_collection() -> dict[str, Any]:
    """Every record, as `<type>/<id>`, for the `related` lists: hidden, and read only."""
    return {"name": "records", "label": "All records", "folder": "content", "nested": {"depth": 2},
            "extension": "yml", "format": "yml", "create": False, "delete": False, "hide": True,
            "fields": [{"name": "title", "label": "Title", "widget": "string"}]}


def fields(model: type[BaseModel], record: bool = False) -> list[dict[str, Any]]:
    """One Decap field per model field, in the order the model gives them."""
    made = [field(name, info, model) for name, info in model.model_fields.items()]
    if record:  # the rules editors most need first: what it is, who sees it
        order = ["title", "summary", "audience", "themes"]
        made.sort(key=lambda f: order.index(f["name"]) if f["name"] in order else len(order))
    return made


def field(name: str, info: FieldInfo, model: type[BaseModel]) -> dict[str, Any]:
    annotation, required = _unwrap_optional(info.annotation)
    required = info.is_required() and required
    spec: dict[str, Any] = {"name": name, "label": _label(name), "required": required}
    if info.description:
        spec["hint"] = FORM_HINTS.get(name, " ".join(info.description.split()))
    spec.update(widget(name, annotation, info.metadata, model))
    if spec["widget"] == "object" and not required:
        # Decap would insist on an optional link's title and address even when it is left out;
        # `hubgen check` still says so when only one of them is given
        spec["collapsed"] = True
        spec["hint"] += " Give both its title and address, or leave both empty."
        spec["fields"] = [{**inner, "required": False} for inner in spec["fields"]]
    if name == "audience":
        spec["hint"] = audience_hint(model)
    if spec.get("time_format"):
        spec["hint"] += " Enter it in your computer's time zone; it is saved with that UTC offset."
    return spec


def audience_hint(model: type[BaseModel]) -> str:
    inherits = {"Link": "the record's", "Session": "the event's", "Section": "the takeaway's"}
    parent = inherits.get(model.__name__)
    if parent:
        return (f"public: shown on both sites; affiliates: only on the affiliate site. "
                f"Leave empty to use {parent} audience.")
    if model.__name__ == "Takeaway":
        return ("public: shown on the public site and the affiliate site; affiliates: only on the "
                "affiliate site. Leave empty to use its event's audience.")
    return ("public: shown on the public site and the affiliate site; affiliates: only on the "
            "affiliate site. Leave empty to use hub.yml's default_audience (affiliates): "
            "the record then stays off the public site.")


def widget(name: str, annotation: Any, metadata: list[Any], model: type[BaseModel]) -> dict[str, Any]:
    """The widget (and its options) for a field of this type."""
    if name == "themes":
        return {**_relation("settings", value="themes.*.id", search=["themes.*.title", "themes.*.id"],
                            display=["themes.*.title"], file="themes"), "multiple": True, "min": 1}
    if name == "related":
        return {**_relation("records", value="{{slug}}", search=["title"],
                            display=["{{slug}}: {{title}}"]), "multiple": True}
    if name == "event":
        return _relation("events", value="{{slug}}", search=["title", "starts"],
                         display=["{{title}} ({{starts}})"])
    while get_origin(annotation) is typing.Annotated:  # the checks a type carries, e.g. `Line`
        extra = list(annotation.__metadata__)
        metadata = [*metadata, *extra, *(m for e in extra if isinstance(e, FieldInfo) for m in e.metadata)]
        annotation = annotation.__origin__
    if get_origin(annotation) is Literal:
        options = AUDIENCE_OPTIONS if name == "audience" else list(get_args(annotation))
        return {"widget": "select", "options": options}
    if get_origin(annotation) is list:
        (item,) = get_args(annotation)
        item, _ = _unwrap_optional(item)
        at_least = next((m.min_length for m in metadata if isinstance(m, MinLen)), 0)
        spec: dict[str, Any] = {"widget": "list", "label_singular": _label(_singular(name))}
        if at_least:
            spec["min"] = at_least
        if get_origin(item) is Literal:
            return {"widget": "select", "multiple": True, "options": list(get_args(item)),
                    **({"min": at_least} if at_least else {})}
        if isinstance(item, type) and issubclass(item, BaseModel):
            first = next(iter(item.model_fields))
            return {**spec, "summary": "{{fields." + first + "}}", "fields": fields(item)}
        one = widget(_singular(name), item, [], model)
        if one["widget"] == "text":  # a list's texts are short: one line each
            one["widget"] = "string"
        return {**spec, "field": {"name": _singular(name), "label": _label(_singular(name)), **one}}
    if isinstance(annotation, type) and issubclass(annotation, BaseModel):
        return {"widget": "object", "collapsed": False, "fields": fields(annotation)}
    checks = _validators_in(metadata)
    if annotation is int:
        most = next((m.le for m in metadata if isinstance(m, Le)), None)
        return {"widget": "number", "value_type": "int", "min": 1, **({"max": most} if most else {})}
    if annotation is models.dt.datetime:
        return {"widget": "datetime", "format": DATETIME_FORMAT, "date_format": DATE_FORMAT,
                "time_format": "HH:mm", "picker_utc": False}
    if annotation is models.dt.date:
        return {"widget": "datetime", "format": DATE_FORMAT, "date_format": DATE_FORMAT,
                "time_format": False}
    if "_markdown" in checks or "_point" in checks:
        return {"widget": "markdown", "modes": ["raw", "rich_text"], "editor_components": [],
                "buttons": ["bold", "italic", "link", "heading-three", "quote",
                            "bulleted-list", "numbered-list"]}
    if "_summary" in checks:
        return {"widget": "text", "pattern": SUMMARY_PATTERN}
    if "_url" in checks:
        return {"widget": "string", "pattern": URL_PATTERN}
    if "_one_line" in checks:
        return {"widget": "string", "pattern": LINE_PATTERN}
    if "_icon" in checks:
        return {"widget": "string", "pattern": [models.ICON_RE.pattern,
                                                "An icon Material bundles, e.g. material/factory"]}
    if "_id" in checks:
        return {"widget": "string", "pattern": [models.ID_PATTERN,
                                                "Lowercase letters a-z, digits and single hyphens"]}
    return {"widget": "text"}


def _relation(collection: str, value: str, search: list[str], display: list[str],
              file: str | None = None) -> dict[str, Any]:
    spec = {"widget": "relation", "collection": collection, "value_field": value,
            "search_fields": search, "display_fields": display, "options_length": 500}
    if file:
        spec["file"] = file
    return spec


def _unwrap_optional(annotation: Any) -> tuple[Any, bool]:
    """(the type without `| None`, whether None was not allowed)."""
    if get_origin(annotation) in (typing.Union, types.UnionType):
        args = [a for a in get_args(annotation) if a is not type(None)]
        if len(args) == 1:
            return args[0], False
    return annotation, True


def _validators_in(metadata: list[Any]) -> set[str]:
    """The names of the model's check functions (`_one_line`, `_markdown`, ...) in `metadata`."""
    return {item.func.__name__ for item in metadata if isinstance(item, AfterValidator)}


def _label(name: str) -> str:
    return {"use_for": "Use for", "affiliate_note": "Affiliate note", "url": "Address (URL)"}.get(
        name, name.replace("_", " ").capitalize())


def _singular(name: str) -> str:
    return {"use_for": "use", "limitations": "limitation", "tags": "tag", "points": "point"}.get(
        name, name.rstrip("s"))


def _doc(model: type) -> str:
    return " ".join((model.__doc__ or "").split())


HEADER = ("# Decap CMS configuration, written by `hubgen cms` from hubgen/models.py: do not edit it\n"
          "# by hand (tests/test_cms.py fails when it is stale). The affiliate build serves the\n"
          "# editor at /admin/ with it; `make edit` serves it on 127.0.0.1 (README, \"The web editor\").\n")


class _Dumper(yaml.SafeDumper):
    """Each value written out where it is used: no `&id001` anchors for repeated options."""

    def ignore_aliases(self, data: Any) -> bool:
        return True


def render_config(config: dict[str, Any]) -> str:
    return HEADER + yaml.dump(config, Dumper=_Dumper, sort_keys=False, allow_unicode=True, width=100)


def write_cms(project: Project, settings: HubSettings | None) -> Path:
    """Write `cms/config.yml` for the hub; returns its path."""
    path = project.root / CONFIG
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(render_config(cms_config(settings)), encoding="utf-8")
    return path


def dist_dir(project: Project) -> Path | None:
    """decap-cms's built files: in the hub's node_modules, else in hubgen's own checkout."""
    for root in (project.root, HERE.parent):
        if (root / DIST / "decap-cms.js").is_file():
            return root / DIST
    return None


def editor_files(dist: Path) -> dict[str, Path]:
    """Name -> source of every file the editor's page loads: its page and script, decap-cms.js
    with the chunks it loads on demand and their licence text (no source maps)."""
    files = {p.name: p for p in sorted(PAGE_FILES.iterdir()) if p.is_file()}
    for path in sorted(dist.iterdir()):
        name = path.name
        if re.fullmatch(r"(\d+\.)?decap-cms\.js|[0-9a-f]+\.wasm|decap-cms\.js\.LICENSE\.txt", name):
            files[name] = path
    return files


def add_editor(project: Project, site: Path, settings: HubSettings | None,
               env: dict[str, str] | None = None) -> str | None:
    """Put the editor into a built affiliate site at /admin/, with its own headers rule in
    `_headers`; returns why it was left out, or None."""
    from hubgen.headers import editor_headers_rule

    env = dict(os.environ if env is None else env)
    dist = dist_dir(project)
    if dist is None:
        return "web editor left out: its files are missing; run `npm ci` to add it at /admin/"
    repo, _ = editor_repository(settings, env)
    if not repo:
        return ("web editor left out: no repository to propose changes to; set `editor_repo` "
                "in hub.yml or HUBGEN_EDITOR_REPO (README, \"The web editor\")")
    folder = site / EDITOR_PATH
    folder.mkdir()
    for name, source in editor_files(dist).items():
        shutil.copyfile(source, folder / name)
    (folder / "config.yml").write_text(render_config(cms_config(settings, env, local_backend=None)),
                                       encoding="utf-8")
    with (site / "_headers").open("a", encoding="utf-8") as rules:
        rules.write(editor_headers_rule(f"/{EDITOR_PATH}/*"))
    return None


# What gives the editor away in a site: its files by name, and text only its files hold.
_EDITOR_NAME = re.compile(r"(^|/)(\d+\.)?decap-cms\.js$|(^|/)hubgen-cms\.(js|css)$")
_EDITOR_TEXT = (b"decap-cms", b"cms-config-url", b"local_backend", b"registerEventListener")


class EditorTraces:
    """The files of a site that are, or hold, part of the web editor; shown every file of the
    public site as the leak scan reads it (`saw(name, data)`), it proves the site holds none."""

    def __init__(self) -> None:
        self.found: list[str] = []

    def saw(self, name: str, data: bytes) -> None:
        if (name.startswith(f"{EDITOR_PATH}/") or _EDITOR_NAME.search(name)
                or any(text in data for text in _EDITOR_TEXT)):
            self.found.append(name)

    def also(self, read: Callable[[str, bytes], Any]) -> Callable[[str, bytes], None]:
        """A reader that shows each file to `read` and to these traces."""
        def both(name: str, data: bytes) -> None:
            read(name, data)
            self.saw(name, data)
        return both

    def problems(self, shown: str) -> list[Problem]:
        return [Problem(f"{shown}/{name}", 0, 0, "is part of the web editor, which is served on the "
                        "affiliate site only; the public site must not hold it")
                for name in sorted(self.found)]
