"""`hubgen new`: a record file with every required field to fill and the optional ones as comments."""

from __future__ import annotations

import json
import re
import unicodedata
from pathlib import Path
from typing import Any, Literal, get_args, get_origin

from pydantic.fields import FieldInfo

from hubgen.errors import HubError, Problem
from hubgen.models import DATE_RE, PLACEHOLDER, RECORD_MODELS, Record, id_problem
from hubgen.project import Project

TYPE_NAMES = {**{m.kind_name: folder for folder, m in RECORD_MODELS.items()},
              **{folder: folder for folder in RECORD_MODELS}}


# `women's`, `don't`: the apostrophe goes, rather than becoming a hyphen (`women-s`); an
# elision such as the French `l'achat` keeps its hyphen
_APOSTROPHE = re.compile(r"(?<=[a-z0-9])['\u2019\u02bc](?=(s|ll|re|ve)\b)|(?<=n)['\u2019\u02bc](?=t\b)", re.I)


def make_id(title: str, prefix: str = "") -> str:
    """An id from a title (after `prefix`): ASCII letters and digits, single hyphens, at most 80
    characters."""
    title = _APOSTROPHE.sub("", title)
    ascii_title = unicodedata.normalize("NFKD", title).encode("ascii", "ignore").decode()
    slug = re.sub(r"[^a-z0-9]+", "-", f"{prefix} {ascii_title}".lower()).strip("-")
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
    example = EXAMPLES.get(name)
    if not example:
        return f"# {name}:  # {doc}"
    # a filled-in example: a list of mappings is where YAML's indentation bites
    head = f"# {name}: |  # {doc}" if example[0] == "|" else f"# {name}:  # {doc}"
    return "\n".join([head, *(f"#   {line}" if line else "#" for line in example[example[0] == "|":])])


# Filled-in examples of the optional fields that hold lists of mappings (or a mapping): remove
# the `# ` at the start of each line, keep the indentation, and change the values.
EXAMPLES: dict[str, list[str]] = {
    "links": ["- title: Guidance (PDF)", "  url: https://www.example.org/guidance.pdf",
              "- title: Full version (affiliate intranet)",
              "  url: https://intranet.example.org/guidance", "  audience: affiliates"],
    "speakers": ["- name: A. Speaker", "  organisation: Example Org", "- name: B. Speaker"],
    "registration": ["title: Register for the webinar", "url: https://www.example.org/register"],
    "recording": ["title: Watch the recording", "url: https://www.example.org/recording"],
    "slides": ["title: Slides (PDF)", "url: https://www.example.org/slides.pdf"],
    "sessions": ["- title: Opening", "  summary: Welcome and the aims of the two days.",
                 "- title: Case review", "  audience: affiliates", "  body: |",
                 "    Only affiliates see this session.",
                 "", "    A second paragraph, after an empty line."],
    "sections": ["- title: Supplier dialogue", "  points:",
                 "    - Meet regularly and base conversations on facts.",
                 '    - "Be flexible about deadlines: late is better than never."',
                 "- title: Named cases", "  audience: affiliates", "  points:",
                 "    - Only affiliates see this section."],
    "use_for": ["- Preparing a first supplier meeting", "- Structuring regular supplier meetings"],
    "limitations": ["- Covers electronics only"],
    "body": ["|", "The main text, in Markdown. Leave an empty line between paragraphs.", "",
             "- a list item", "- another"],
}


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


def new_records(project: Project, type_name: str, title: str, takeaways: tuple[str, ...] = (), *,
                starts: str | None = None, event: str | None = None) -> list[Path]:
    """Write the new record (and, for an event, its takeaway files); never overwrite a file.

    An event's id starts with its year and month (`2025-05-example-exchange`), from `starts`; a
    takeaway's with its event's id, so that two events' takeaways on the same topic do not
    take the same file name."""
    folder = TYPE_NAMES.get(type_name)
    if folder is None:
        raise HubError(f"unknown type `{type_name}`; use one of: "
                       f"{', '.join(m.kind_name for m in RECORD_MODELS.values())}")
    if takeaways and folder != "events":
        raise HubError("--takeaways goes with `hubgen new event`")
    if starts is not None and folder != "events":
        raise HubError("--starts goes with `hubgen new event`")
    if event is not None and folder != "takeaways":
        raise HubError("--event goes with `hubgen new takeaway`")
    fill: dict[str, str] = {}
    prefix = ""
    if folder == "events":
        if starts is None or not DATE_RE.match(starts):
            raise HubError("an event's file name starts with its year and month, e.g. "
                           "2025-05-example-exchange.yml: give its first day as --starts YYYY-MM-DD")
        prefix, fill = starts[:7], {"starts": starts}
    if folder == "takeaways" and event is not None:
        problem = id_problem(event)
        if problem:
            raise HubError(f"--event: {problem}")
        prefix, fill = event, {"event": event}
    record_id = make_id(title, prefix)
    planned = [(project.content / folder / f"{record_id}.yml",
                scaffold_text(RECORD_MODELS[folder], title, fill))]
    for takeaway in takeaways:
        planned.append((project.content / "takeaways" / f"{make_id(takeaway, record_id)}.yml",
                        scaffold_text(RECORD_MODELS["takeaways"], takeaway, {"event": record_id})))
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
