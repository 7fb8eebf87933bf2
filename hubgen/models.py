"""The content model: one declarative class per file kind, fields named as the YAML keys.

The checker, the JSON Schemas and the scaffolds all read these classes; each field's
docstring is its description. `content-model.md` is the contract they implement.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Iterator
from typing import Annotated, Any, ClassVar, Literal, NamedTuple, get_args, get_origin

from pydantic import (
    AfterValidator,
    BaseModel,
    BeforeValidator,
    ConfigDict,
    Field,
    ValidationInfo,
    WithJsonSchema,
)

from hubgen.safety import inline_work, markdown_problems, record_work_problem, unclosed_problem, unclosed_tags

ID_PATTERN = r"^[a-z0-9]+(?:-[a-z0-9]+)*$"
ID_RE = re.compile(ID_PATTERN)
TYPES = ("tools", "webinars", "clauses", "events", "takeaways")
REF_RE = re.compile(r"^(tools|webinars|clauses|events|takeaways)/([a-z0-9]+(?:-[a-z0-9]+)*)$")
DATE_RE = re.compile(r"^\d{4}-\d{2}-\d{2}$")
DATETIME_RE = re.compile(r"^\d{4}-\d{2}-\d{2}[T ]\d{2}:\d{2}(?::\d{2}(?:\.\d+)?)?(Z|[+-]\d{2}:\d{2})?$")
SUMMARY_MAX = 400
_SPACE = re.compile(r"\s")

Audience = Literal["public", "affiliates"]
ToolKind = Literal["guidance", "questionnaire", "template", "training", "ecolabel",
                   "certification", "rating", "calculator", "database", "other"]
Stage = Literal["pre-tender", "tender", "award", "contract-management", "renewal"]


RESERVED_IDS = frozenset({"index"})  # tools/index.md is the tools listing, themes/index.md the themes
SERIES_FOLDER = "series"  # webinars/series/<name>/ are the series' pages: no webinar may take the id


def slug(text: str) -> str:
    """A page name made from a text (a webinar series' name)."""
    return re.sub(r"[^a-z0-9]+", "-", text.casefold()).strip("-") or "series"


def id_problem(value: str) -> str | None:
    """Why `value` breaks the id rule, or None when it keeps it."""
    if not 3 <= len(value) <= 80:
        return f"`{value}` has {len(value)} characters; an id has 3 to 80"
    if not ID_RE.match(value):
        return (f"`{value}` is not a valid id; use lowercase letters a-z, digits and single "
                "hyphens, e.g. `supplier-engagement`")
    if value in RESERVED_IDS:
        return f"`{value}` is reserved: it names the listing page of its folder; choose another id"
    return None


PLACEHOLDER = "TODO"


def _text(value: str) -> str:
    if not value.strip():
        raise ValueError("is empty; write some text")
    if value.lstrip().startswith(PLACEHOLDER):
        raise ValueError(f"still holds the scaffold's placeholder `{value.strip()[:40]}`; "
                         "replace it with the real text")
    return value


_LINE_BREAK = re.compile("[\n\r\v\f\x1c-\x1e\x85\u2028\u2029]")  # what any reader may take as one


def _one_line(value: str) -> str:
    if _LINE_BREAK.search(value.strip()):
        raise ValueError("must be one line; remove the line breaks")
    return _text(value)


def _markdown(value: str, info: ValidationInfo) -> str:
    _text(value)
    if "<!--" in value:
        raise ValueError("has an HTML comment (`<!--`); comments are copied into the page's source, "
                         "where anyone can read them: remove it (use affiliate_note for remarks "
                         "only affiliates may see)")
    problems = markdown_problems(value)
    if problems:
        raise ValueError("; also ".join(problems))
    if isinstance(info.context, dict):
        # a record's page puts its Markdown fields one after another: their unclosed tags add up
        record = info.context["unclosed_tags"] = info.context.get("unclosed_tags", 0) + unclosed_tags(value)
        problem = unclosed_problem(record, " in this record's Markdown fields, this one included")
        if problem:
            raise ValueError(problem)
        work = info.context["inline_work"] = info.context.get("inline_work", 0) + inline_work(value)
        problem = record_work_problem(work)
        if problem:
            raise ValueError(problem)
    return value


def _point(value: str, info: ValidationInfo) -> str:
    if value[:1] in (" ", "\t"):
        raise ValueError("starts with spaces: a point is a list item, where the spaces would be lost "
                         "and what they made code would become markup; remove them (for code, "
                         "use a fenced block between ``` lines)")
    return _markdown(value, info)


def _summary(value: str) -> str:
    _text(value)
    if len(value) > SUMMARY_MAX:
        raise ValueError(f"has {len(value)} characters, over the limit of {SUMMARY_MAX}; "
                         "shorten it and move the detail into `body`")
    if "\n\n" in value.strip():
        raise ValueError("must be one paragraph; move further paragraphs into `body`")
    return value


# What an address may hold as written (RFC 3986's characters and `%`): nothing that could close
# a Markdown link `(...)`, an HTML attribute `"..."` or a tag `<...>` where it is written.
_URL_CHARS = re.compile(r"^[A-Za-z0-9\-._~:/?#\[\]@!$&'()*+,;=%]+$")
_HOST = re.compile(r"^[A-Za-z0-9](?:[A-Za-z0-9\-.]*[A-Za-z0-9])?(?::\d{1,5})?$")


def _url(value: str) -> str:
    value = value.strip()
    lower = value.lower()
    if not (lower.startswith("https://") and len(lower) > len("https://")) and not (
        lower.startswith("mailto:") and "@" in lower
    ):
        raise ValueError(f"`{value}` is not allowed; a link must start with https:// "
                         "(or be a mailto: address)")
    if _SPACE.search(value):
        raise ValueError(f"`{value}` contains a space; encode it as %20")
    bad = sorted({c for c in value if not _URL_CHARS.match(c)})
    if bad:
        shown = " ".join(f"`{c}`" if c.isprintable() else f"U+{ord(c):04X}" for c in bad)
        raise ValueError(f"`{value}` is not a valid address: it holds {shown}; copy the address "
                         "from the browser's address bar (it encodes such characters as %XX)")
    if lower.startswith("https://"):
        host = value[len("https://"):].split("/", 1)[0].split("?", 1)[0].split("#", 1)[0]
        if not _HOST.match(host.rpartition("@")[2]) or "@" in host:
            raise ValueError(f"`{value}` has no valid host name after https://; write it as "
                             "https://example.org/page")
    return value


# Dates a hub can hold: a calendar, a feed and the sitemap's gzip header (seconds since 1970
# in 32 bits) are written from them, and a year like 2202 is a typo, not a plan.
FIRST_YEAR, LAST_YEAR = 1970, 2099
DURATION_MAX = 7 * 24 * 60  # minutes: a week


def _in_range(value: str, when: dt.date) -> None:
    if not FIRST_YEAR <= when.year <= LAST_YEAR:
        raise ValueError(f"`{value}` is in the year {when.year}; dates must be between {FIRST_YEAR} "
                         f"and {LAST_YEAR}: check the year")


def _date(value: str) -> dt.date:
    if not DATE_RE.match(value):
        raise ValueError(f"`{value}` is not a date; write it as YYYY-MM-DD, e.g. 2022-11-17")
    try:
        when = dt.date.fromisoformat(value)
    except ValueError:
        raise ValueError(f"`{value}` is not a real date; check the month and day") from None
    _in_range(value, when)
    return when


def _datetime(value: str) -> dt.datetime:
    match = DATETIME_RE.match(value)
    if not match:
        raise ValueError(f"`{value}` is not a date and time; write it as "
                         "2022-03-15T14:00:00+01:00")
    if not match.group(1):
        raise ValueError(f"`{value}` has no UTC offset; add one, e.g. {value}+01:00 "
                         "(or Z for UTC)")
    try:
        when = dt.datetime.fromisoformat(value.replace("Z", "+00:00"))
    except ValueError:
        raise ValueError(f"`{value}` is not a real date and time; check each part") from None
    _in_range(value, when.date())
    return when


def _stated(value: Any) -> Any:
    if value is None:
        raise ValueError("is empty; write `public` or `affiliates`, or remove the line to inherit "
                         "the audience")
    return value


def _id(value: str) -> str:
    problem = id_problem(value)
    if problem:
        raise ValueError(problem)
    return value


def _ref(value: str) -> str:
    if not REF_RE.match(value):
        raise ValueError(f"`{value}` is not a reference; write `<type>/<id>` with a type of "
                         f"{', '.join(TYPES)}, e.g. clauses/disclosure-updates")
    return value


# Each type says what it accepts twice: to the checker (the validator) and to editors' YAML
# language servers (the JSON Schema), from this one place.
Text = Annotated[str, AfterValidator(_text), WithJsonSchema({"type": "string", "minLength": 1})]
Line = Annotated[str, AfterValidator(_one_line),
                 WithJsonSchema({"type": "string", "minLength": 1, "pattern": "^[^\\n]*$"})]
Summary = Annotated[str, AfterValidator(_summary),
                    WithJsonSchema({"type": "string", "minLength": 1, "maxLength": SUMMARY_MAX})]
Markdown = Annotated[str, AfterValidator(_markdown),
                     WithJsonSchema({"type": "string", "minLength": 1,
                                     "description": "Markdown; no raw HTML that runs script, "
                                                    "links only https:// or mailto:"})]
Point = Annotated[str, AfterValidator(_point),
                  WithJsonSchema({"type": "string", "minLength": 1, "pattern": "^[^ \t]",
                                  "description": "Markdown, starting with no space; no raw HTML that "
                                                 "runs script, links only https:// or mailto:"})]
Url = Annotated[str, AfterValidator(_url),
                WithJsonSchema({"type": "string", "pattern": "^(https://\\S+|mailto:\\S+@\\S+)$",
                                "examples": ["https://example.org/guide"]})]
Id = Annotated[str, AfterValidator(_id),
               WithJsonSchema({"type": "string", "pattern": ID_PATTERN, "minLength": 3, "maxLength": 80,
                               "not": {"enum": sorted(RESERVED_IDS)}})]
StatedAudience = Annotated[Audience | None, BeforeValidator(_stated),
                           WithJsonSchema({"enum": ["public", "affiliates"]})]
ICON_RE = re.compile(r"^(material|fontawesome/(brands|regular|solid)|octicons|simple)/[a-z0-9-]+$")


def _icon(value: str) -> str:
    if not ICON_RE.match(value) or not (icons_dir() / f"{value}.svg").is_file():
        raise ValueError(f"`{value}` is not one of the icons Material bundles; pick one from "
                         "https://squidfunk.github.io/mkdocs-material/reference/icons-emojis/ "
                         "and write its path, e.g. material/file-document-outline")
    return value


def icons_dir() -> Any:
    """The icons bundled with Material for MkDocs (imported here only when an icon is named)."""
    from pathlib import Path

    import material
    return Path(material.__file__).parent / "templates" / ".icons"


Icon = Annotated[str, AfterValidator(_icon),
                 WithJsonSchema({"type": "string", "pattern": ICON_RE.pattern,
                                 "examples": ["material/file-document-outline"]})]
Ref = Annotated[str, AfterValidator(_ref),
                WithJsonSchema({"type": "string", "pattern": REF_RE.pattern,
                                "examples": ["clauses/disclosure-updates"]})]


class Model(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True, use_attribute_docstrings=True,
                              str_strip_whitespace=False)


def _before(fn: Any) -> Any:
    from pydantic import BeforeValidator

    def check(value: Any) -> Any:
        return fn(value) if isinstance(value, str) else value

    return BeforeValidator(check)


DateField = Annotated[dt.date, _before(_date),
                      WithJsonSchema({"type": "string", "format": "date", "pattern": DATE_RE.pattern,
                                      "examples": ["2022-11-17"]})]
DateTimeField = Annotated[dt.datetime, _before(_datetime),
                          WithJsonSchema({"type": "string", "format": "date-time",
                                          "pattern": "(Z|[+-][0-9]{2}:[0-9]{2})$",
                                          "examples": ["2022-03-15T14:00:00+01:00"]})]


class Link(Model):
    """A link to further reading; it may be affiliate-only."""

    title: Line
    """What the link leads to, as shown on the page."""
    url: Url
    """An https:// address, or mailto: for an email address."""
    audience: StatedAudience = None
    """Who may see the link: public or affiliates. Inherits the record's audience."""


class HubSettings(Model):
    """`hub.yml`: site-wide settings."""

    title: Line
    """The hub's name, shown on the home page and as the site name."""
    public_title: Line | None = None
    """The public site's name, if it differs from `title` (say, when `title` names the affiliates)."""
    organisation: Line
    """The organisation that runs the hub."""
    description: Summary
    """One paragraph saying what the hub is for."""
    default_audience: Audience = "affiliates"
    """The audience of every record that does not state its own."""
    public_url: Url | None = None
    """Where the public site is published, e.g. https://hub.example.org/ (sitemap, canonical links)."""
    affiliates_url: Url | None = None
    """Where the affiliate site is published (sitemap, canonical links)."""
    edit_url: Url | None = None
    """Start of a link that opens a content file for editing, e.g. https://github.com/ORG/REPO/edit/main/;
    the file's path is appended. Shown on the affiliate site only."""
    editor_repo: Annotated[str, Field(pattern=r"^[A-Za-z0-9_.-]+/[A-Za-z0-9_.-]+$")] | None = None
    """The GitHub repository the web editor proposes changes to, as owner/name, e.g.
    example-org/knowledge-hub (or set HUBGEN_EDITOR_REPO; on Netlify, its repository is used)."""
    editor_branch: Line | None = None
    """The branch the web editor's pull requests go into; main when not given."""


class Theme(Model):
    """One entry of `themes.yml`: a topic every record points into."""

    id: Id
    """The theme's id, used in records' `themes` lists."""
    title: Line
    """The theme's name as shown."""
    description: Summary | None = None
    """One paragraph saying what the theme covers."""
    icon: Icon | None = None
    """An icon bundled with Material for its tile on the home page, e.g. `material/magnify`."""


class ThemeFile(Model):
    """`themes.yml` as a mapping with one key, `themes` (the shape the web editor writes);
    a plain list of themes is read the same."""

    themes: list[Theme]
    """The themes, in the order they are shown."""


class Record(Model):
    """Fields every record has."""

    kind_name: ClassVar[str] = "record"
    title: Line
    """Shown as the page title."""
    summary: Summary
    """Plain text, one paragraph, at most 400 characters: cards, listings, search previews."""
    themes: Annotated[list[Id], Field(min_length=1)]
    """Theme ids from themes.yml, at least one: where the record appears in the hub."""
    body: Markdown | None = None
    """The main text, in Markdown."""
    tags: list[Line] = []
    """Free keywords."""
    audience: StatedAudience = None
    """Who may see the record: public or affiliates. Inherits hub.yml's default_audience."""
    links: list[Link] = []
    """Further reading; each link may be affiliate-only."""
    related: list[Ref] = []
    """Other records, as <type>/<id>; shown both ways."""
    affiliate_note: Markdown | None = None
    """Markdown shown only on the affiliate site."""
    updated: DateField | None = None
    """Date of the last substantive change, YYYY-MM-DD."""

    def rules(self) -> list[tuple[tuple[Any, ...], str]]:
        """Problems that involve more than one field: (location, message)."""
        return []

    def part(self, name: str) -> Any:
        """The field `name` if this type of record has one, else None (pydantic answers a
        `getattr` of a field the model lacks slowly, through an exception)."""
        return getattr(self, name) if name in type(self).model_fields else None

    def own_links(self) -> list[tuple[str, Link]]:
        """Every link of the record with its field name, in page order."""
        return [("links", link) for link in self.links]


class Tool(Record):
    """A tool or methodology, the hub's own or an external one."""

    kind_name: ClassVar[str] = "tool"
    provider: Line
    """Who provides it, e.g. Electronics Watch, EcoVadis."""
    kind: ToolKind
    """What sort of tool it is."""
    use_for: list[Text] = []
    """What it helps a buyer do."""
    limitations: list[Text] = []
    """What it does not do."""


class Speaker(Model):
    """A webinar speaker."""

    name: Line
    """The speaker's name."""
    organisation: Line | None = None
    """The organisation the speaker spoke for."""


class Webinar(Record):
    """A webinar, past or upcoming."""

    kind_name: ClassVar[str] = "webinar"
    starts: DateTimeField | None = None
    """Date and time with a UTC offset, e.g. 2022-03-15T14:00:00+01:00; leave out if unknown."""
    duration: Annotated[int, Field(gt=0, le=DURATION_MAX)] | None = None
    """Length in minutes, a positive whole number up to a week (10080); required with starts."""
    series: Line | None = None
    """The series it belongs to."""
    speakers: list[Speaker] = []
    """Who spoke."""
    registration: Link | None = None
    """Where to register (for upcoming webinars)."""
    recording: Link | None = None
    """The recording."""
    slides: Link | None = None
    """The slides."""

    def rules(self) -> list[tuple[tuple[Any, ...], str]]:
        if self.starts and self.duration is None:
            return [(("duration",), "is required when `starts` is given; add the length in minutes, "
                     "e.g. `duration: 60`")]
        if self.duration is not None and not self.starts:
            return [(("duration",), "is given without `starts`; add the date and time, or remove "
                     "the duration")]
        return []

    def own_links(self) -> list[tuple[str, Link]]:
        extra = [(name, link) for name in ("registration", "recording", "slides")
                 if (link := getattr(self, name)) is not None]
        return extra + super().own_links()


class Clause(Record):
    """A model contract clause."""

    kind_name: ClassVar[str] = "clause"
    stage: Annotated[list[Stage], Field(min_length=1)]
    """The procurement stages it is for, one or more."""
    wording: Markdown
    """The model text a buyer pastes into a contract, in Markdown."""
    guidance: Markdown | None = None
    """When and how to use it, in Markdown."""
    source: Text | None = None
    """Where the wording comes from."""


class Session(Model):
    """One session of an event."""

    title: Line
    """The session's title."""
    summary: Summary | None = None
    """One paragraph on the session."""
    body: Markdown | None = None
    """What happened, in Markdown."""
    audience: StatedAudience = None
    """Who may see the session. Inherits the event's audience."""


class Event(Record):
    """An event summary."""

    kind_name: ClassVar[str] = "event"
    starts: DateField
    """First day, YYYY-MM-DD."""
    ends: DateField
    """Last day, YYYY-MM-DD, not before starts."""
    location: Line
    """Where it took place, e.g. Barcelona, Spain."""
    organiser: Line | None = None
    """Who organised it."""
    participants: Text | None = None
    """Who took part, in words."""
    sessions: list[Session] = []
    """The sessions, in order."""

    def rules(self) -> list[tuple[tuple[Any, ...], str]]:
        if self.ends < self.starts:
            return [(("ends",), f"{self.ends} is before `starts` ({self.starts}); "
                     "correct one of the two dates")]
        return []


class Section(Model):
    """A titled group of takeaway points."""

    title: Line
    """The section's title."""
    points: Annotated[list[Point], Field(min_length=1)]
    """The points, each in Markdown."""
    audience: StatedAudience = None
    """Who may see the section. Inherits the takeaway's audience."""


class Takeaway(Record):
    """Takeaways from an event's session."""

    kind_name: ClassVar[str] = "takeaway"
    event: Id
    """The id of the event they come from (a file in content/events/)."""
    session: Line | None = None
    """The session they came from, e.g. Knowledge Exchange Hubs."""
    points: Annotated[list[Point], Field(min_length=1)] | None = None
    """The points, each in Markdown; give points or sections, not both."""
    sections: Annotated[list[Section], Field(min_length=1)] | None = None
    """Titled groups of points; give points or sections, not both."""

    def rules(self) -> list[tuple[tuple[Any, ...], str]]:
        if self.points is not None and self.sections is not None:
            return [(("sections",), "is given together with `points`; use one of the two")]
        if self.points is None and self.sections is None:
            return [((), "has neither `points` nor `sections`; add one of the two")]
        return []


RECORD_MODELS: dict[str, type[Record]] = {
    "tools": Tool,
    "webinars": Webinar,
    "clauses": Clause,
    "events": Event,
    "takeaways": Takeaway,
}


class Leaf(NamedTuple):
    """One text or address a model holds, where it stands, and who may read it."""

    loc: tuple[Any, ...]   # e.g. ('links', 0, 'url')
    text: str
    url: bool              # an address (see `Url`) rather than text
    audience: str | None   # of the innermost part that states one (None: its record's)


# Field kinds that hold no text of their own: ids and references (the scan looks for the ids
# of affiliate-only records as page paths, `select` drops references), fixed choices, dates and
# numbers. Every other field is text, an address or a nested model; so a field added later is
# looked for by the scan and read for pointers without anyone remembering to list it.
_NOT_TEXT = (_id, _ref)
AFFILIATE_FIELDS = frozenset({"affiliate_note"})  # shown only on the affiliate site


def field_kind(annotation: Any) -> str:
    """`text`, `url`, `model` or `none` (ids, references, choices, dates, numbers, audience)."""
    if isinstance(annotation, type) and issubclass(annotation, BaseModel):
        return "model"
    if annotation in (dt.date, dt.datetime, int, float, bool, type(None)):
        return "none"
    origin = get_origin(annotation)
    if origin is Literal:
        return "none"
    if origin is Annotated:
        inner, *meta = get_args(annotation)
        funcs = [getattr(m, "func", None) for m in meta]
        if any(f in _NOT_TEXT for f in funcs) or _stated in funcs:
            return "none"
        if _url in funcs:
            return "url"
        return field_kind(inner)
    if annotation is str:
        return "text"
    kinds = {field_kind(arg) for arg in get_args(annotation)} - {"none"}
    if len(kinds) > 1:
        raise TypeError(f"a field mixing {sorted(kinds)} cannot be read by the scan")
    return kinds.pop() if kinds else "none"


def _kinds(model: type[BaseModel]) -> dict[str, str]:
    found = model.__dict__.get("_field_kinds")
    if found is None:
        found = {name: "none" if name == "audience" else field_kind(
                     Annotated[(info.annotation, *info.metadata)] if info.metadata else info.annotation)
                 for name, info in model.model_fields.items()}
        model._field_kinds = found  # type: ignore[attr-defined]  # once per class
    return found


def leaves(item: BaseModel, loc: tuple[Any, ...] = (), audience: str | None = None) -> Iterator[Leaf]:
    """Every text and address `item` holds, nested models and lists included, in field order."""
    own = getattr(item, "audience", None)
    audience = own or audience
    for name, kind in _kinds(type(item)).items():
        if kind == "none":
            continue
        value = getattr(item, name)
        part = "affiliates" if name in AFFILIATE_FIELDS else audience
        values = value if isinstance(value, list) else [value]
        for index, one in enumerate(values):
            where = (*loc, name, index) if isinstance(value, list) else (*loc, name)
            if one is None:
                continue
            if isinstance(one, BaseModel):
                yield from leaves(one, where, part)
            elif isinstance(one, str):
                yield Leaf(where, one, kind == "url", part)
