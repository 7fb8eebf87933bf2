"""`hubgen new`: a record file with every required field to fill and the optional ones as comments."""

from __future__ import annotations

import json
import re
import unicodedata
from pathlib import Path
from typing import Any, Literal, get_args, get_origin

from pydantic.fields import FieldInfo

from hubgen.errors import HubError, Problem
from hubgen.models import PLACEHOLDER, RECORD_MODELS, Record, id_problem
from hubgen.project import Project

TYPE_NAMES = {**{m.kind_name: folder for folder, m in RECORD_MODELS.items()},
              **{folder: folder for folder in RECORD_MODELS}}


def make_id(title: str) -> str:
    """An id from a title: ASCII letters and digits, single hyphens, at most 80 characters."""
    ascii_title = unicodedata.normalize("NFKD", title).encode("ascii", "ignore").decode()
    slug = re.sub(r"[^a-z0-9]+", "-", ascii_title.lower()).strip("-")
    while len(slug) > 80:
        slug = slug[: slug.rfind("-", 0, 80)] if "-" in slug[:80] else slug[:80]
    return slug


def _quoted(text: str) -> str:
    return json.dumps(text, ensure_ascii=False)  # a JSON string is a YAML string, exactly


def _enum_values(annotation: Any) -> list[str]:
    if get_origin(annotation) is Literal:
        return list(get_args(annotation))
    for arg in get_args(annotation):
        found = _enum_values(arg)
        if found:
            return found
    return []


def _placeholder(name: str, info: FieldInfo) -> str:
    """The YAML value a required field starts with: a TODO that check reports until replaced."""
    doc = (info.description or name).rstrip(".")
    enum = _enum_values(info.annotation)
    is_list = "list" in str(info.annotation)
    if enum:
        value = f"[{PLACEHOLDER}]" if is_list else PLACEHOLDER
        return f"{value}  # one{' or more' if is_list else ''} of: {', '.join(enum)}"
    if name == "themes":
        return f"[{PLACEHOLDER}]  # theme ids from content/themes.yml"
    if name in ("starts", "ends"):
        return f"{PLACEHOLDER}  # YYYY-MM-DD"
    if is_list:
        return f"\n  - {_quoted(f'{PLACEHOLDER}: {doc}')}"
    return _quoted(f"{PLACEHOLDER}: {doc}")


def _commented(name: str, info: FieldInfo) -> str:
    doc = (info.description or "").replace("\n", " ")
    return f"# {name}:  # {doc}"


def scaffold_text(model: type[Record], title: str, fill: dict[str, str] | None = None) -> str:
    """The text of a new record file of `model`'s type."""
    fill = fill or {}
    lines = [f"# {model.__doc__}",
             "# Replace every TODO, uncomment the optional fields you need, then run: hubgen check",
             "# (CONTENT-MODEL.md describes every field.)"]
    optional = []
    for name, info in model.model_fields.items():
        if name == "title":
            lines.append(f"title: {_quoted(title)}")
        elif name in fill:
            lines.append(f"{name}: {fill[name]}")
        elif info.is_required():
            lines.append(f"{name}: {_placeholder(name, info)}")
        else:
            optional.append(_commented(name, info))
    if model.kind_name == "takeaway" and "points" not in fill:
        lines.append(f"points:\n  - {_quoted(f'{PLACEHOLDER}: a takeaway, in Markdown')}")
        optional = [line for line in optional if not line.startswith("# points:")]
    return "\n".join([*lines, "", "# Optional fields:", *optional]) + "\n"


def new_records(project: Project, type_name: str, title: str,
                takeaways: tuple[str, ...] = ()) -> list[Path]:
    """Write the new record (and, for an event, its takeaway files); never overwrite a file."""
    folder = TYPE_NAMES.get(type_name)
    if folder is None:
        raise HubError(f"unknown type `{type_name}`; use one of: "
                       f"{', '.join(m.kind_name for m in RECORD_MODELS.values())}")
    if takeaways and folder != "events":
        raise HubError("--takeaways goes with `hubgen new event`")
    record_id = make_id(title)
    planned = [(project.content / folder / f"{record_id}.yml",
                scaffold_text(RECORD_MODELS[folder], title))]
    for takeaway in takeaways:
        planned.append((project.content / "takeaways" / f"{make_id(takeaway)}.yml",
                        scaffold_text(RECORD_MODELS["takeaways"], takeaway,
                                      {"event": record_id})))
    problems = []
    for path, _ in planned:
        bad = id_problem(path.stem)
        if bad:
            problems.append(Problem(project.shown(path), 0, 0, f"cannot make an id from the title: {bad}"))
        elif path.exists():
            problems.append(Problem(project.shown(path), 0, 0, "already exists; hubgen new never "
                                    "overwrites a file: choose another title or edit that file"))
    if len({path for path, _ in planned}) < len(planned):
        problems.append(Problem("", 0, 0, "two of the new files would have the same name; "
                                "give the takeaways different titles"))
    if problems:
        raise HubError(problems)  # nothing is written unless every file can be
    for path, text in planned:
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text, encoding="utf-8")
    return [path for path, _ in planned]
