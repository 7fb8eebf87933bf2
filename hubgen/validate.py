"""Check every file against the model and every reference against the hub; gather all problems."""

from __future__ import annotations

import contextlib
import difflib
import gc
import html
import json
import multiprocessing
import os
import re
import stat
import unicodedata
import urllib.parse
from collections.abc import Iterator
from concurrent.futures import ProcessPoolExecutor
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any, NamedTuple, get_args

from pydantic import BaseModel, ValidationError

from hubgen.errors import HubError, Problem
from hubgen.load import Document, field_name, load_file
from hubgen.models import (
    PLACEHOLDER,
    RECORD_MODELS,
    REF_RE,
    SERIES_FOLDER,
    TYPES,
    HubSettings,
    Record,
    Theme,
    id_problem,
    leaves,
    slug,
)
from hubgen.project import Project
from hubgen.reading import UNSEEN, as_read
from hubgen.safety import MAX_PAGE_INLINE_WORK, inline_work

IGNORED_FILES = frozenset({"README.md", ".gitkeep", ".DS_Store"})


@dataclass(frozen=True)
class Entry:
    """A validated record with its identity: type folder, id (file name) and file."""

    type: str
    id: str
    path: str
    record: Any  # a Record subclass instance, with its audiences made explicit
    doc: Document | None = field(default=None, repr=False, compare=False, hash=False)

    @property
    def ref(self) -> str:
        return f"{self.type}/{self.id}"

    @property
    def audience(self) -> str:
        return self.record.audience


@dataclass
class Hub:
    """Everything the content folder holds, validated."""

    settings: HubSettings
    themes: list[Theme]
    records: dict[str, Entry]  # by ref, in type then id order

    def of_type(self, type_: str) -> list[Entry]:
        return [e for e in self.records.values() if e.type == type_]


PARALLEL_FROM = 2000  # files; below this, starting a second process costs more than it saves


@dataclass
class Checked:
    """What `check_content` found: the hub (None when there is any problem), the problems, and
    the warnings (likely surprises: reported, but they stop nothing)."""

    hub: Hub | None
    problems: list[Problem]
    warnings: list[Problem]


def check_project(project: Project, *, parallel: bool = True, keep: bool = True
                  ) -> tuple[Hub | None, list[Problem]]:
    """Load and validate every file; the hub is None when any problem was found (warnings
    aside: see `check_content`)."""
    checked = check_content(project, parallel=parallel, keep=keep)
    return checked.hub, checked.problems


def check_content(project: Project, *, parallel: bool = True, keep: bool = True) -> Checked:
    """Load and validate every file; the hub is None when any problem was found.

    Record files are independent once the set of files and the theme ids are known, so on a
    large hub they are checked in two processes (the machines it runs on have two cores).
    What involves several records (a takeaway's audience from its event, pointers from public
    text to affiliate-only records) is worked out once all are back.
    """
    problems: list[Problem] = []
    content = project.content
    if not content.is_dir():
        return Checked(None, [Problem(project.shown(content), 0, 0, "no content folder here; run "
                                      "hubgen from the hub's root or pass --project")], [])
    problems += _stray_files(project)
    problems += _use_site_markdown(project)
    # nothing is read that is not a regular file of the hub: a pipe would hang the read, a
    # link could publish any file of the machine
    files, refused = _record_files(project)
    problems += refused
    settings, _ = _validate_one(project, content / "hub.yml", HubSettings, problems)
    themes, theme_ids, themes_at = _validate_themes(project, content / "themes.yml", problems)
    known = {f"{type_}/{path.stem}" for type_, path in files}
    default = settings.default_audience if settings is not None else "affiliates"
    chunks = [files]
    if parallel and len(files) >= PARALLEL_FROM and (os.cpu_count() or 1) > 1:
        chunks = [files[0::2], files[1::2]]
    jobs = [(project, chunk, known, theme_ids, default, keep) for chunk in chunks]
    with _no_collection():
        if len(jobs) > 1:
            # the second half in a child, the first here: only the child's records are pickled
            context = multiprocessing.get_context("fork")
            with ProcessPoolExecutor(max_workers=1, mp_context=context) as pool:
                other = pool.submit(_check_chunk, jobs[1])
                results = [_check_chunk(jobs[0]), other.result()]
        else:
            results = [_check_chunk(jobs[0])]
    entries: dict[str, Entry] = {}
    facts: dict[str, Facts] = {}
    sessions: Sessions = {}
    asked: list[tuple[Problem, str, str]] = []
    unstated: dict[str, Problem] = {}
    for found_entries, found_problems, found_facts, found_sessions, found_asked, found_unstated in results:
        problems += found_problems
        entries.update((e.ref, e) for e in found_entries)
        facts.update(found_facts)
        sessions.update(found_sessions)
        asked += found_asked
        unstated.update(found_unstated)
    audiences = record_audiences(facts, default)
    problems += id_problems(project, audiences)
    texts = settings_and_theme_pointers(project, settings, themes, themes_at)  # hub.yml's, themes.yml's
    problems += pointer_problems({**facts, **texts}, audiences)
    problems += page_work_problems(project, facts)
    problems += _unknown_sessions(sessions, asked, audiences)
    problems += [_no_audience(where, audiences[ref], facts[ref].event) for ref, where in unstated.items()]
    warnings = sorted({p for p in problems if p.is_warning})
    problems = sorted({p for p in problems if not p.is_warning})
    if problems:
        return Checked(None, problems, warnings)
    for ref, entry in entries.items():
        if entry.type == "takeaways" and entry.record is not None:
            event = audiences.get(f"events/{entry.record.event}", default)
            entries[ref] = replace(entry, record=resolve_audience(entry.type, entry.record, event))
    entries = dict(sorted(entries.items(), key=lambda kv: (TYPES.index(kv[1].type), kv[1].id)))
    return Checked(Hub(settings, themes, entries), [], warnings)  # with `keep` false, entries hold no record


def _use_site_markdown(project: Project) -> list[Problem]:
    """Judge Markdown with the extensions mkdocs.yml gives the engine; its problems if it has any."""
    from hubgen.config import markdown_setup  # config reads the validated hub: imported here
    from hubgen.errors import HubError
    from hubgen.safety import use_extensions

    try:
        use_extensions(*markdown_setup(project))
    except HubError as error:
        return error.problems
    return []


class Pointer(NamedTuple):
    """A record or theme page named in a record's text (a link, a path, the site's address)."""

    target: str            # `tools/<id>` or `themes/<id>`
    problem: Problem       # where it stands, with the message to give if it must not be there
    audience: str | None   # of the part it stands in, if that part states one
    linked: bool = False   # written as a link's address (not only named in the text)


class Facts(NamedTuple):
    """What a record tells the checks that involve other records."""

    audience: str | None   # as stated
    event: str | None      # a takeaway's event
    themes: tuple[str, ...]
    pointers: tuple[Pointer, ...]
    series: str | None = None  # a webinar's
    work: int = 0              # what its texts cost the Markdown reader (see `page_work_problems`)
    withheld: bool = False     # a takeaway with nothing public: no page on the public site (`select`)


# `tools/<id>` in a link, a path or an address: `../tools/x.md`, `/tools/x/`, `https://site/tools/x/`
# (a browser reads `\` as `/`); and a page of the same folder, `x.md` or `../x/`, by its id alone;
# `_` is no letter of an id: `_tools/x_` is `tools/x` in italics (review3)
# (an id holds single `-` between letters: `tools/x--` and `tools/x-.` name `tools/x`, review3)
_NOT_AFTER, _NOT_BEFORE = r"(?<![A-Za-z0-9])(?<![A-Za-z0-9]-)", r"(?![A-Za-z0-9]|-[A-Za-z0-9])"
_POINTER = re.compile(rf"{_NOT_AFTER}(tools|webinars|clauses|events|takeaways|themes)[/\\]+"
                      rf"([a-z0-9]+(?:-[a-z0-9]+)*){_NOT_BEFORE}", re.I)
_PAGE = re.compile(rf"{_NOT_AFTER}()([a-z0-9]+(?:-[a-z0-9]+)*)(?:\.md|\.html|[/\\]){_NOT_BEFORE}", re.I)
# a series' page, `webinars/series/<slug>/`
_SERIES = re.compile(rf"{_NOT_AFTER}webinars[/\\]+series[/\\]+([a-z0-9]+(?:-[a-z0-9]+)*){_NOT_BEFORE}", re.I)
# a backslash before punctuation, which Markdown drops (`\-` shows `-`)
_MARKDOWN_ESCAPE = re.compile(r"\\([!-/:-@\[-`{-~])")
_ADDRESS = re.compile(r"[a-z][a-z0-9+.-]*://[^\s<>()\[\]\"']*", re.I)


def record_pointers(project: Project, entry: Entry) -> tuple[Pointer, ...]:
    """Every record or theme page the record's texts and addresses name, with its place."""
    return text_pointers(project, entry.path, entry.doc, leaves(entry.record), entry.type)


# what of hub.yml the public site shows (its `affiliates_*` and editor settings it never does)
PUBLIC_SETTINGS = frozenset({"title", "public_title", "organisation", "description"})


def settings_and_theme_pointers(project: Project, settings: HubSettings | None, themes: list[Theme] | None,
                                themes_at: dict[str, tuple[Any, ...]]) -> dict[str, Facts]:
    """The pointers in hub.yml's public texts and in each theme's, as facts of their own: the
    settings are public, a theme as public as the records that use it (see `pointer_problems`)."""
    facts = {}
    content = project.content
    if settings is not None:
        doc = load_file(content / "hub.yml", project.shown(content / "hub.yml"))[0]
        found = [leaf for leaf in leaves(settings) if leaf.loc[0] in PUBLIC_SETTINGS]
        facts["hub.yml"] = Facts("public", None, (), text_pointers(project, doc.path, doc, found, None,
                                                                   SHOWN_PUBLICLY))
    if themes:
        doc = load_file(content / "themes.yml", project.shown(content / "themes.yml"))[0]
        for theme in themes:
            found = list(leaves(theme, themes_at[theme.id]))
            facts[f"themes.yml#{theme.id}"] = Facts(None, None, (theme.id,), text_pointers(
                project, doc.path, doc, found, None, SHOWN_PUBLICLY))
    return facts


RECORD_REMEDY = ("remove the link, or make this text affiliate-only (move it into `affiliate_note`, or set "
                 "`audience: affiliates` on its part)")
SHOWN_PUBLICLY = "remove the link (this text is shown on every page of the public site that uses it)"


def text_pointers(project: Project, shown: str, doc: Document | None, found_leaves: Any,
                  folder: str | None, remedy: str = RECORD_REMEDY) -> tuple[Pointer, ...]:
    """Every record or theme page these texts of one file name, with its place (a page by its id
    alone is one of `folder`, the folder of the page the text is shown on, if given)."""
    found = []
    source: str | None = None
    for leaf in found_leaves:
        text = leaf.text
        if not any(mark in text for mark in ("/", "\\", ".htm", ".md", "%", "&")):
            continue  # names no page: most texts
        if "%" in text or "&" in text:  # `%74ools/x`, `tools&#47;x` name the page as well
            text = f"{text}\n{urllib.parse.unquote(html.unescape(text))}"
        if "\\" in text:  # and `tools/x\-y`, which Markdown shows as `tools/x-y` (review3)
            text = text + "\n" + _MARKDOWN_ESCAPE.sub(r"\1", text)
        if not text.isascii():  # and `tools/x-&#8203;y`: no reader sees a zero-width space (review3)
            seen = "".join(c for c in text if unicodedata.category(c) not in UNSEEN)
            text = text if seen == text else text + "\n" + seen
        matches = {}  # target: (type, id, as written); a path with its folder named first
        relative = _ADDRESS.sub(" ", text)  # a page by its id alone is a relative link
        for pattern, where in ((_POINTER, text), (_PAGE, relative) if folder else (_POINTER, "")):
            for m in pattern.finditer(where):
                type_ = m[1].lower() or str(folder)
                linked = pattern is _POINTER and _in_link(where, m.start())
                matches.setdefault(f"{type_}/{m[2].lower()}", (type_, m[2].lower(), m[0], linked))
        for m in _SERIES.finditer(text):
            linked = _in_link(text, m.start())
            matches.setdefault(f"series/{m[1].lower()}", ("series", m[1].lower(), m[0], linked))
        for type_, id_, written, linked in sorted(matches.values()):
            if source is None:
                source = _source(project, shown)
            line, column = _position(doc, leaf.loc, source, written, id_)
            target = f"{type_}/{id_}"
            what = {"themes": f"the theme page `{target}`, which the public site does not have (only "
                              "affiliate-only records use the theme)",
                    "series": f"the page of the webinar series `{id_}`, which the public site does not "
                              "have (only affiliate-only webinars are in the series)",
                    }.get(type_, f"`{target}`, which is affiliate-only: the public site must not name it")
            message = f"points at {what}; {remedy}"
            found.append(Pointer(target, Problem(shown, line, column, message, field_name(leaf.loc)),
                                 leaf.audience, linked))
    return tuple(found)


# where a link's address starts: `[x](`, `[x]: `, `<`, `href="`
_LINK_START = re.compile(r"\]\(\s*<?|\]:[ \t]*<?|<|href=[\"']?", re.I)


def _in_link(text: str, at: int) -> bool:
    """Whether the path at `at` is a relative link's address (nothing but address characters,
    and no scheme or host, between the address's start and it): another site's `/tools/x/` is
    none of the hub's business."""
    starts = [m.end() for m in _LINK_START.finditer(text, max(0, at - 300), at)]
    before = text[starts[-1]:at] if starts else " "
    return not re.search(r"[\s()<>\"'\[\]:]", before) and not before.startswith("//")


def _source(project: Project, shown: str) -> str:
    try:
        return (project.root / shown).read_text(encoding="utf-8-sig")
    except (OSError, UnicodeDecodeError):
        return ""


def _position(doc: Document | None, loc: tuple[Any, ...], source: str, *written: str) -> tuple[int, int]:
    """The line and column of the first of `written` found inside the value at `loc` (the
    value's own place if the file spells it otherwise, e.g. as escapes in a quoted string)."""
    line, column = doc.where(loc) if doc is not None else (1, 1)
    lines = source.splitlines()
    start = sum(len(x) + 1 for x in lines[: line - 1]) + column - 1
    at = -1
    for form in written:
        at = source.find(form, start) if lines else -1
        if at >= 0:
            break
    if at < 0:
        return line, column
    before = source[:at]
    return before.count("\n") + 1, at - (before.rfind("\n") + 1) + 1


def record_audiences(facts: dict[str, Facts], default: str) -> dict[str, str]:
    """Each record's audience: as stated; a takeaway that states none, its event's; else
    hub.yml's default."""
    audiences = {ref: f.audience or default for ref, f in facts.items()}
    for ref, f in facts.items():
        if f.event is not None and f.audience is None:
            audiences[ref] = audiences.get(f"events/{f.event}", default)
    return audiences


def id_problems(project: Project, audiences: dict[str, str]) -> list[Problem]:
    """A public record whose id holds an affiliate-only record's id (`<event>-disclosures`, as
    takeaways of an event are named): the public site would show it in the page's address."""
    hidden = {ref.split("/", 1)[1]: ref for ref, audience in audiences.items() if audience != "public"}
    problems = []
    for ref, audience in sorted(audiences.items()):
        if audience != "public":
            continue
        parts = ref.split("/", 1)[1].split("-")
        inside = {"-".join(parts[i:j]) for i in range(len(parts)) for j in range(i + 1, len(parts) + 1)}
        for name in sorted(inside & hidden.keys()):
            problems.append(Problem(project.shown(project.content / f"{ref}.yml"), 0, 0,
                                    f"file name: holds `{name}`, the id of the affiliate-only "
                                    f"{hidden[name]}: the public site would show it in this page's address; "
                                    "rename the file (and every reference to it) without it"))
    return problems


def pointer_problems(facts: dict[str, Facts], audiences: dict[str, str]) -> list[Problem]:
    """Public text that names an affiliate-only record, or a theme only those use: it would
    publish the id, and so the record's existence."""
    public_themes = {t for ref, f in facts.items() if audiences.get(ref) == "public" and not f.withheld
                     for t in f.themes}
    series: dict[str, bool] = {}  # each series' page: whether the public site has it
    for ref, f in facts.items():
        if f.series:
            series[slug(f.series)] = series.get(slug(f.series), False) or audiences.get(ref) == "public"
    themes = {ref.partition("#")[2] for ref in facts if ref.startswith("themes.yml#")}
    problems = []
    for ref, f in facts.items():
        if ref.startswith("themes.yml#"):
            audience = "public" if f.themes[0] in public_themes else "affiliates"
        else:
            audience = audiences.get(ref, f.audience)
        for pointer in f.pointers:
            folder, id_ = pointer.target.split("/", 1)
            if pointer.linked and folder in TYPES and pointer.target not in audiences and id_ not in (
                    "index", SERIES_FOLDER):  # a listing, the series' folder
                problems.append(replace(pointer.problem, message=(
                    f"links to `{pointer.target}`, which does not exist (there is no content/"
                    f"{pointer.target}.yml); correct the address, or remove the link")))
                continue
            # a theme or series page no record makes: the engine finds no page there (review3)
            # (themes.yml unread: its own problem says so)
            missing = {"themes": bool(themes) and id_ not in themes | {"index"},
                       "series": id_ not in series}.get(folder, False)
            if pointer.linked and missing:
                what = "theme in content/themes.yml" if folder == "themes" else "webinar is in that series"
                problems.append(replace(pointer.problem, message=(
                    f"links to the page `{'webinars/' if folder == 'series' else ''}{pointer.target}`, "
                    f"which does not exist (no {what}); correct the address, or remove the link")))
                continue
            if (pointer.audience or audience) != "public":
                continue
            if pointer.target.startswith("themes/"):
                hidden = pointer.target.split("/", 1)[1] not in public_themes
            elif pointer.target.startswith("series/"):
                hidden = series.get(pointer.target.split("/", 1)[1]) is False
            else:  # (a takeaway all of whose sections are affiliate-only is too: review3)
                hidden = audiences.get(pointer.target) == "affiliates" or (
                    pointer.target in facts and facts[pointer.target].withheld)
            if hidden:
                problems.append(pointer.problem)
    return problems


def page_work_problems(project: Project, facts: dict[str, Facts]) -> list[Problem]:
    """An event's page shows every takeaway of the event, points and all: each record's markup is
    bounded (`safety.MAX_RECORD_INLINE_WORK`), their sum on the page too (review3: 12 takeaways
    each just under the bound took the build minutes)."""
    pages = {ref: f.work for ref, f in facts.items() if ref.startswith("events/")}
    for ref, f in facts.items():
        if ref.startswith("takeaways/") and f.event and f"events/{f.event}" in pages:
            pages[f"events/{f.event}"] += f.work
    return [Problem(project.shown(project.content / f"{ref}.yml"), 1, 1,
                    "with its takeaways, whose points its page shows, too long and full of markup (`*`, `_`, "
                    "`<`, `[`, `&`...) for the site's Markdown reader to read in a reasonable time; shorten "
                    "the takeaways' points, or split the event")
            for ref, work in sorted(pages.items()) if work > MAX_PAGE_INLINE_WORK]


@contextlib.contextmanager
def _no_collection() -> Iterator[None]:
    """Loading makes a few hundred thousand objects that stay, and hardly any garbage: the
    cycle collector would walk them again and again (a sixth of `hubgen check` at 10,000
    records). Reference counting still frees what is dropped."""
    enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if enabled:
            gc.enable()


def _stray_files(project: Project) -> list[Problem]:
    """Files the hub would silently ignore are reported: an editor meant something by them."""
    problems = []
    content = project.content
    for required in ("hub.yml", "themes.yml"):
        if not os.path.lexists(content / required):
            problems.append(Problem(project.shown(content / required), 0, 0,
                                    "is missing; every hub needs it (see content-model.md)"))
    for path in sorted(content.iterdir()):
        name = path.name
        if name in IGNORED_FILES or name in ("hub.yml", "themes.yml") or name.startswith("."):
            continue
        if name in TYPES:
            if not_regular(project, path, folder=True):
                continue  # reported by _record_files
            # names, not paths: a folder holds thousands of records
            for inner in sorted(e.name for e in os.scandir(path)):
                if inner in IGNORED_FILES or inner.startswith(".") or inner.endswith(".yml"):
                    continue
                hint = ("rename it to end in .yml" if inner.endswith(".yaml")
                        else "only .yml record files belong in this folder; move or remove it")
                problems.append(Problem(project.shown(path / inner), 0, 0, f"not a record file; {hint}"))
            continue
        near = difflib.get_close_matches(name, [*TYPES, "hub.yml", "themes.yml"], n=1)
        hint = f"did you mean `{near[0]}`?" if near else f"records go in {', '.join(TYPES)}"
        problems.append(Problem(project.shown(path), 0, 0, f"not part of the hub; {hint}"))
    return problems


def _record_files(project: Project) -> tuple[list[tuple[str, Path]], list[Problem]]:
    """The record files of each type folder, and a problem for each `.yml` name that is not a
    regular file of the hub (it is neither read nor a valid reference)."""
    files, problems = [], []
    for type_ in TYPES:
        folder = project.content / type_
        if not os.path.lexists(folder):
            continue
        bad = not_regular(project, folder, folder=True)
        if bad:
            problems.append(Problem(project.shown(folder), 0, 0, bad))
            continue
        if not folder.is_dir():
            continue
        for name in sorted(e.name for e in os.scandir(folder) if e.name.endswith(".yml")):
            path = folder / name
            bad = not_regular(project, path)
            if bad:
                problems.append(Problem(project.shown(path), 0, 0, bad))
            else:
                files.append((type_, path))
    return files, problems


def not_regular(project: Project, path: Path, *, folder: bool = False) -> str | None:
    """Why `path` is not a file (or folder) of the hub that can be read, or None. Looks at the
    file system only: a pipe or a device would hang or flood the read, a link could bring any
    file of the machine into the site."""
    try:
        if path.is_symlink():
            target = path.resolve()
            if not target.exists():
                return (f"is a link to `{os.readlink(path)}`, which does not exist; replace the link "
                        "with the file itself, or remove it")
            if not target.is_relative_to(project.content.resolve()):
                return ("is a link to something outside content/; copy the file into the hub "
                        "instead of linking to it")
        mode = os.stat(path).st_mode
    except (OSError, RuntimeError) as exc:  # RuntimeError: a loop of links
        why = getattr(exc, "strerror", None) or "a loop of links"
        return f"cannot be read ({why}); replace it with a file"
    if folder:
        return None if stat.S_ISDIR(mode) else "is not a folder; record files go in a folder of this name"
    if stat.S_ISDIR(mode):
        return ("is a folder, not a record file; rename it so that it does not end in .yml, "
                "or move its files up")
    if not stat.S_ISREG(mode):
        kind = ("a named pipe" if stat.S_ISFIFO(mode) else "a device" if stat.S_ISCHR(mode) or
                stat.S_ISBLK(mode) else "a socket" if stat.S_ISSOCK(mode) else "not a regular file")
        return f"is {kind}, not a record file; remove it and write the record as a plain .yml file"
    return None


def load_settings(project: Project) -> HubSettings:
    """hub.yml alone, checked (for `hubgen cms`, which needs no record)."""
    problems: list[Problem] = []
    settings, _ = _validate_one(project, project.content / "hub.yml", HubSettings, problems)
    if problems or settings is None:
        raise HubError(problems or f"{project.shown(project.content / 'hub.yml')}: is missing")
    return settings


def _validate_one(project: Project, path: Path, model: type[BaseModel],
                  problems: list[Problem]) -> tuple[Any, Document]:
    if os.path.lexists(path) and (bad := not_regular(project, path)):
        problems.append(Problem(project.shown(path), 0, 0, bad))
        return None, Document(project.shown(path))
    doc, found = load_file(path, project.shown(path))
    if not path.is_file():
        return None, doc
    problems += found
    if found:
        return None, doc
    problems += [w for w in doc.warnings if w.field.split("[")[0].split(".")[-1] in MARKDOWN_FIELDS
                 or w.field.startswith(("points", "sections"))]
    if not isinstance(doc.data, dict):
        problems.append(doc.problem((), "must be a mapping of fields (`title: ...` lines), "
                                        f"not {describe_value(doc.data)}"))
        return None, doc
    return _model(doc, model, doc.data, (), problems), doc


# Markdown fields: numbered or bulleted lines joined into one paragraph there lose their list.
MARKDOWN_FIELDS = frozenset({"body", "affiliate_note", "wording", "guidance", "points"})


# Free-text fields, where `Tool #2` silently losing ` #2` to a YAML comment is never meant.
FREE_TEXT = frozenset({"title", "summary", "provider", "location", "organiser", "participants",
                       "series", "name", "organisation", "source", "session", "description",
                       "use_for", "limitations", "tags", "points"})


def _cut_by_comment(doc: Document, prefix: tuple[Any, ...]) -> list[Problem]:
    found = []
    for loc in sorted(doc.commented, key=str):
        if loc[: len(prefix)] != prefix:
            continue
        name = next((part for part in reversed(loc) if isinstance(part, str)), "")
        if name in FREE_TEXT:
            whole = json.dumps(doc.commented[loc], ensure_ascii=False)
            found.append(doc.problem(loc, "the text after ` #` is a YAML comment and would be dropped; "
                                          f"if it belongs to the value, quote it all: {whole}"))
    return found


def _model(doc: Document, model: type[BaseModel], data: Any, loc: tuple[Any, ...],
           problems: list[Problem]) -> Any:
    cut = _cut_by_comment(doc, loc)
    problems += cut
    try:
        value = model.model_validate(data, context={})  # `context`: what the fields add up to
    except ValidationError as exc:
        cut_fields = {p.field for p in cut}
        problems += [found for err in exc.errors(include_url=False)
                     if (found := _problem(doc, model, err, loc)).field not in cut_fields]
        return None
    if cut:
        return None
    for rule_loc, message in getattr(value, "rules", lambda: [])():
        problems.append(doc.problem((*loc, *rule_loc), message, key=True))
    return value


def _validate_themes(project: Project, path: Path, problems: list[Problem]
                     ) -> tuple[list[Theme] | None, list[str] | None, dict[str, tuple[Any, ...]]]:
    """The themes (None if any is wrong), the ids written there, which records are checked
    against even when some theme is wrong (so that an editor fixes everything in one go), and
    where each theme stands in the file."""
    if os.path.lexists(path) and (bad := not_regular(project, path)):
        problems.append(Problem(project.shown(path), 0, 0, bad))
        return None, None, {}
    if not path.is_file():
        return None, None, {}
    doc, found = load_file(path, project.shown(path))
    problems += found
    if found:
        return None, None, {}
    items, at = doc.data, ()
    # the web editor's shape: `themes:` holding the list (a form cannot edit a top-level list)
    if isinstance(items, dict) and set(items) == {"themes"} and isinstance(items["themes"], list):
        items, at = items["themes"], ("themes",)
    if not isinstance(items, list):
        problems.append(doc.problem((), "must be a list of themes, each starting with `- id: ...` "
                                        "(or a mapping whose only key, `themes:`, holds that list)"))
        return None, None, {}
    themes, seen, ok = [], {}, True
    ids = [item["id"] for item in items if isinstance(item, dict) and isinstance(item.get("id"), str)]
    for index, item in enumerate(items):
        theme = _model(doc, Theme, item, (*at, index), problems)
        if theme is None:
            ok = False
            continue
        if theme.id in seen:
            first = doc.where((*at, seen[theme.id], "id"))[0]
            problems.append(doc.problem((*at, index, "id"), f"duplicate theme id `{theme.id}` (first on "
                                        f"line {first}); give each theme its own id"))
            ok = False
        seen.setdefault(theme.id, index)
        themes.append(theme)
        awkward = apostrophe_id(theme.id)
        if awkward:
            problems.append(_warning(doc, (*at, index, "id"), awkward))
    return (themes if ok else None), ids, {theme_id: (*at, index) for theme_id, index in seen.items()}


Chunk = tuple[list[Entry], list[Problem], dict[str, "Facts"], "Sessions",
              list[tuple[Problem, str, str]], dict[str, Problem]]


def _check_chunk(args: tuple[Project, list[tuple[str, Path]], set[str], list[str] | None, str, bool]
                 ) -> Chunk:
    """Validate some record files and their references (to known files and theme ids), and
    give each valid record, link, session and section its audience (a takeaway's waits for its
    event's: see check_project). With `keep` false (a plain `check`), only the problems and
    the facts come back: no records to send between processes. Also the session titles of each
    event, the session each takeaway names, and the records that state no audience (all
    checked once every chunk is done)."""
    project, files, known, theme_ids, default, keep = args
    entries, problems, facts = [], [], {}
    sessions: Sessions = {}
    asked: list[tuple[Problem, str, str]] = []
    unstated: dict[str, Problem] = {}
    for type_, path in files:
        entry = validate_record(project, type_, path, problems,
                                references=(theme_ids, known) if theme_ids is not None else None)
        if entry is None:
            continue
        record = entry.record
        work = sum(inline_work(leaf.text) for leaf in leaves(record) if not leaf.url) if type_ in (
            "events", "takeaways") else 0
        facts[entry.ref] = Facts(record.audience, record.part("event"), tuple(record.themes),
                                 record_pointers(project, entry), getattr(record, "series", None), work,
                                 type_ == "takeaways" and not record.points
                                 and all(s.audience == "affiliates" for s in record.sections or []))
        if record.audience is None:
            unstated[entry.ref] = entry.doc.problem((), "")
        if type_ == "events":
            sessions[entry.id] = [(session.title, session.audience) for session in record.sessions]
        elif type_ == "takeaways" and record.session is not None:
            asked.append((_warning(entry.doc, ("session",), ""), record.event, record.session))
        if not keep:
            entries.append(Entry(entry.type, entry.id, entry.path, None))
        elif entry.type == "takeaways" and record.audience is None:
            entries.append(Entry(entry.type, entry.id, entry.path, record))
        else:
            resolved = resolve_audience(entry.type, record, default)
            entries.append(Entry(entry.type, entry.id, entry.path, resolved))  # positions stay here
    return entries, problems, facts, sessions, asked, unstated


def _warning(doc: Document | None, loc: tuple[Any, ...], message: str, *, name: str = "") -> Problem:
    assert doc is not None
    found = doc.problem(loc, message)
    return Problem(found.path, found.line, found.column, message, name or found.field, "warning")


def _no_audience(where: Problem, audience: str, event: str | None) -> Problem:
    """A record that does not say who may see it: which site it will appear on, and why."""
    sites = ("the affiliate site only" if audience == "affiliates"
             else "both the public and the affiliate site")
    source = (f"its event's audience (`{audience}`)" if event is not None
              else f"hub.yml's default_audience (`{audience}`)")
    return Problem(where.path, where.line, where.column,
                   f"not given, so this record takes {source} and will appear on {sites}; write "
                   "`audience: public` or `audience: affiliates` to say which", "audience", "warning")


Sessions = dict[str, list[tuple[str, str | None]]]  # an event's sessions: (title, audience as stated)


def _unknown_sessions(sessions: Sessions, asked: list[tuple[Problem, str, str]],
                      audiences: dict[str, str]) -> list[Problem]:
    """A takeaway naming a session its event does not have gets a heading of its own on the
    event page: usually a typo. A name a reader cannot tell from a session's (a soft hyphen, a
    look-alike letter) is that session. A public takeaway is never shown an affiliate-only
    session's title as a suggestion."""
    found = []
    for where, event, session in asked:
        if event not in sessions:
            continue  # an event that does not exist (or does not read) is reported already
        if as_read(session) in {as_read(title) for title, _ in sessions[event]}:
            continue
        public = audiences.get(where.path.removeprefix("content/").removesuffix(".yml")) == "public"
        titles = [title for title, audience in sessions[event] if not public or (
            audiences.get(f"events/{event}") == "public" and audience in (None, "public"))]
        near = difflib.get_close_matches(session, titles, n=1, cutoff=0.6)
        hint = (f"did you mean `{near[0]}`?" if near else
                f"its sessions are: {', '.join(titles)}." if titles else "the event lists no sessions.")
        found.append(Problem(where.path, where.line, where.column,
                             f"`{session}` is not a session of {event}; {hint} As written, these "
                             "takeaways get a heading of their own on the event page",
                             where.field, "warning"))
    return found


APOSTROPHE = re.compile(r"(?<=[a-z0-9])-(s|ll|re|ve)(?=-|$)|(?<=n)-(t)(?=-|$)")


def apostrophe_id(value: str) -> str | None:
    """`women-s-rights`: an apostrophe made into a hyphen. The id is the page's address."""
    if not APOSTROPHE.search(value):
        return None
    better = APOSTROPHE.sub(lambda m: m.group(1) or m.group(2), value)
    return (f"`{value}` looks like an apostrophe turned into a hyphen; the id is part of the page's "
            f"address, so `{better}` reads better")


def validate_record(project: Project, type_: str, path: Path, problems: list[Problem], *,
                    references: tuple[list[str], set[str]] | None = None) -> Entry | None:
    """One record file loaded and validated; None, with its problems appended, when it is not
    valid. With `references` (the theme ids and the known records), its references are checked
    too, from what the file says, even when the file has other problems (all in one run). The
    preview re-checks one edited file with this and check_references."""
    shown = project.shown(path)
    bad_id = id_problem(path.stem)
    if not bad_id and type_ == "webinars" and path.stem == SERIES_FOLDER:
        bad_id = (f"`{SERIES_FOLDER}` is reserved for webinars: `webinars/{SERIES_FOLDER}/` holds the pages "
                  "of webinar series; choose another id")
    if bad_id:
        problems.append(Problem(shown, 0, 0, f"file name: {bad_id}; rename the file"))
    elif apostrophe_id(path.stem):
        problems.append(Problem(shown, 0, 0, f"file name: {apostrophe_id(path.stem)} (rename the "
                                "file, and every reference to it)", severity="warning"))
    model = RECORD_MODELS[type_]
    record, doc = _validate_one(project, path, model, problems)
    if references is not None and isinstance(doc.data, dict):
        problems += reference_problems(doc, f"{type_}/{path.stem}", type_, *references)
    if record is None or bad_id:
        return None
    found = plain_text_problems(doc, record)
    problems += found
    return None if found else Entry(type_, path.stem, shown, record, doc)


def plain_text_problems(doc: Document, record: Any) -> list[Problem]:
    """With an extension that makes HTML from plain text (pymdownx.emoji, magiclink), the plain
    texts of a record (titles, session names, section titles) judged as the page renders them:
    escaped for Markdown (`md_text`), then rendered like the Markdown fields."""
    from hubgen.safety import markdown_problems, text_becomes_html

    if not text_becomes_html():
        return []
    from hubgen.render import md_text  # the templates' own escaping (render reads validated hubs)

    found = []
    for leaf in leaves(record):
        name = next((part for part in reversed(leaf.loc) if isinstance(part, str)), "")
        if leaf.url or name in MARKDOWN_FIELDS:
            continue
        for problem in markdown_problems(md_text(leaf.text)):
            found.append(doc.problem(leaf.loc, f"{problem} (the site's Markdown extensions read this text "
                                               "too)"))
    return found


def _problem(doc: Document, model: type[BaseModel], err: dict[str, Any],
             prefix: tuple[Any, ...]) -> Problem:
    loc = (*prefix, *err["loc"])
    kind, value = err["type"], err.get("input")
    if isinstance(value, str) and value.lstrip().startswith(PLACEHOLDER) and kind != "extra_forbidden":
        return doc.problem(loc, f"still holds the scaffold's placeholder `{value.strip()[:40]}`; "
                                "replace it with the real value")
    if kind == "missing":
        name = str(err["loc"][-1])
        line, column = doc.where(loc[:-1])
        return Problem(doc.path, line, column, f"is required but missing; add a line `{name}: ...`",
                       field_name(loc))
    if kind == "extra_forbidden":
        owner = _owner_model(model, err["loc"][:-1])
        known = list(owner.model_fields) if owner else []
        near = difflib.get_close_matches(str(err["loc"][-1]), known, n=1, cutoff=0.6)
        hint = (f"did you mean `{near[0]}`?" if near else
                f"remove it; the fields are: {', '.join(known)}")
        what = _kind(owner) if owner else "record"
        return doc.problem(loc, f"unknown field for a {what}; {hint}", key=True)
    if value is None and kind.endswith("_type"):
        return doc.problem(loc, "is empty; give it a value or remove the line")
    if kind in ("string_type", "model_type") and isinstance(value, dict) and len(value) == 1 \
            and isinstance(next(iter(value.values())), str) \
            and doc.where(loc)[0] == doc.where((*loc, next(iter(value))))[0]:
        # `- Note: ask early` is the mapping {Note: ask early}: the ": " made it a field
        key, text = next(iter(value.items()))
        quoted = json.dumps(f"{key}: {text}", ensure_ascii=False)
        if kind == "string_type":
            return doc.problem(loc, 'the ": " in this text made YAML read it as a field; put the whole '
                                    f"text in straight double quotes: {quoted}")
    if kind == "model_type":
        owner = _owner_model(model, err["loc"])
        if owner is not None:
            return doc.problem(loc, f"expected the fields of a {_kind(owner)}, found "
                                    f"{describe_value(value)}; {_fields_of(owner)}")
    messages = {
        "string_type": f"expected text, found {describe_value(value)}; write it as text "
                       "(quote it if it starts with a special character)",
        "list_type": f"expected a list, found {describe_value(value)}; write `[a, b]` "
                     "or one `- item` per line",
        "model_type": f"expected a mapping of fields, found {describe_value(value)}; "
                      "write `key: value` lines",
        "dict_type": f"expected a mapping of fields, found {describe_value(value)}",
        "too_short": "must not be empty; give at least one",
        "int_parsing": f"`{value}` is not a whole number; write the number alone, e.g. 60",
        "int_type": f"expected a whole number, found {describe_value(value)}",
        "greater_than": f"`{value}` must be a positive whole number",
        "less_than_equal": f"`{value}` is more than {err.get('ctx', {}).get('le')}; check the number "
                           "(minutes)",
    }
    if kind == "literal_error":
        allowed = err["ctx"]["expected"].replace("'", "")
        return doc.problem(loc, f"`{value}` is not allowed; use one of: {allowed}")
    if kind == "value_error":
        return doc.problem(loc, str(err["ctx"]["error"]))
    return doc.problem(loc, messages.get(kind, err["msg"]))




def _kind(model: type[BaseModel]) -> str:
    return getattr(model, "kind_name", None) or model.__name__.lower()


def _fields_of(model: type[BaseModel]) -> str:
    """`a speaker takes name (required) and organisation, e.g. ...`"""
    names = [f"{name} (required)" if info.is_required() else name
             for name, info in model.model_fields.items()]
    listed = ", ".join(names[:-1]) + f" and {names[-1]}" if len(names) > 1 else names[0]
    example = EXAMPLES.get(model.__name__)
    return f"a {_kind(model)} takes {listed}" + (f", e.g. {example}" if example else "")


# How each nested mapping is written, as a list item (shown when one is written wrongly).
EXAMPLES = {"Link": "`- title: Guidance (PDF)` then `  url: https://www.example.org/guidance.pdf`",
            "Speaker": "`- name: A. Speaker` then `  organisation: Example Org`",
            "Session": "`- title: Opening` then `  summary: Welcome and the aims of the day.`",
            "Section": "`- title: Supplier dialogue` then `  points:` and its `- ` lines"}


def _owner_model(model: type[BaseModel], loc: tuple[Any, ...]) -> type[BaseModel] | None:
    """The model class that owns the field at `loc` (for listing its known fields)."""
    current: Any = model
    for part in loc:
        if isinstance(part, int):
            continue
        info = current.model_fields.get(part)
        if info is None:
            return None
        current = _inner_model(info.annotation)
        if current is None:
            return None
    return current if isinstance(current, type) and issubclass(current, BaseModel) else None


def _inner_model(annotation: Any) -> Any:
    if isinstance(annotation, type) and issubclass(annotation, BaseModel):
        return annotation
    for arg in get_args(annotation):
        found = _inner_model(arg)
        if found is not None:
            return found
    return None


def describe_value(value: Any) -> str:
    if isinstance(value, dict):
        return "a mapping (`key: value` lines)"
    if isinstance(value, list):
        return "a list"
    if value is None:
        return "nothing"
    return f"the text `{value}`"


def check_references(entry: Entry, theme_ids: list[str], known: set[str]) -> list[Problem]:
    """References to themes and record files that do not exist. A record whose own file has
    problems is reported there, not again by each record that points at it."""
    assert entry.doc is not None
    return reference_problems(entry.doc, entry.ref, entry.type, theme_ids, known)


def reference_problems(doc: Document, ref: str, type_: str, theme_ids: list[str],
                       known: set[str]) -> list[Problem]:
    """The references a record file makes, read from what it says (so they are checked even
    when other fields are wrong); a value the model refuses is reported by the model."""
    data = doc.data
    problems = []
    themes = data.get("themes")
    for index, theme in enumerate(themes if isinstance(themes, list) else []):
        if isinstance(theme, str) and not id_problem(theme) and theme not in theme_ids:
            problems.append(doc.problem(("themes", index), _missing(
                f"`{theme}` is not a theme in content/themes.yml", theme, theme_ids,
                "add it to themes.yml or use one of the themes", every=True)))
    related = data.get("related")
    for index, other in enumerate(related if isinstance(related, list) else []):
        if not isinstance(other, str) or not REF_RE.match(other):
            continue
        if other == ref:
            problems.append(doc.problem(("related", index), "a record cannot be related to itself; "
                                        "remove this line"))
        elif other not in known:
            problems.append(doc.problem(("related", index), _missing(
                f"`{other}` does not exist (there is no content/{other}.yml)", other, sorted(known),
                "correct the reference or remove it")))
    event = data.get("event")
    if type_ == "takeaways" and isinstance(event, str) and not id_problem(event) \
            and f"events/{event}" not in known:
        events = sorted(k.split("/", 1)[1] for k in known if k.startswith("events/"))
        problems.append(doc.problem(("event",), _missing(
            f"`{event}` is not an event (there is no content/events/{event}.yml)",
            event, events, "correct the id or add the event")))
    return problems


def _missing(message: str, value: str, known: list[str], fallback: str, *, every: bool = False) -> str:
    """`message` with the nearest known value, if one is near; with `every`, the known values
    are listed as well (a hub has a few dozen themes, but thousands of records)."""
    near = difflib.get_close_matches(value, known, n=1, cutoff=0.6)
    if not near and every:  # `suppliers` for `supplier-engagement`
        near = [k for k in known if value in k or k in value
                or len(os.path.commonprefix([k, value])) >= 6][:1]
    listed = f"the themes are: {', '.join(known)}" if every and known else ""
    if near:
        return f"{message}; did you mean `{near[0]}`?" + (f" ({listed})" if listed else "")
    return f"{message}; {fallback}" + (f"; {listed}" if listed else "")


def resolve_audience(type_: str, record: Record, default: str) -> Record:
    """The record with its audience, and that of each link, session and section, made explicit
    (a part without one inherits its record's; a record without one, hub.yml's default)."""
    audience = record.audience or default
    update: dict[str, Any] = {}
    if record.audience is None:
        update["audience"] = audience
    if any(link.audience is None for link in record.links):
        update["links"] = [_with_audience(link, audience) for link in record.links]
    for name in ("registration", "recording", "slides"):
        link = record.part(name)
        if link is not None and link.audience is None:
            update[name] = _with_audience(link, audience)
    for name in ("sessions", "sections"):
        parts = record.part(name) or []
        if any(part.audience is None for part in parts):
            update[name] = [_with_audience(part, audience) for part in parts]
    return record.model_copy(update=update) if update else record


def _with_audience(item: Any, inherited: str) -> Any:
    return item if item.audience else item.model_copy(update={"audience": inherited})
