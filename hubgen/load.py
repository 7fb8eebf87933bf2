"""Read YAML files into plain values, keeping the line and column of every key and value.

PyYAML's loaders are not used as they are: they keep the last of duplicate keys,
turn `NO` into False and `012` into 10, and expand aliases. Instead the parser's
events are walked here: every scalar stays the text the editor wrote, and
anchors, aliases, explicit tags and duplicate keys are reported where they stand.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml

from hubgen.errors import Problem
from hubgen.slips import LINE_BREAK, SPECIAL, syntax_problems

MAX_BYTES = 1_000_000
MAX_DEPTH = 20  # nesting of lists and mappings: a record needs 4; a thousand exhausts Python's stack
# Characters no editor means to write, which a quoted string's escapes (`"\0"`, `"\e"`) can
# still produce: control characters (tab and line breaks aside), and bidirectional overrides,
# which make a text read otherwise than it is written.
_CONTROL = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f\u202a-\u202e\u2066-\u2069]")
_COMMENT = re.compile(r"[ \t]+#")
_TAG_LIKE = re.compile(r"[ \t]*#[^\s#]")  # `title: #2 tool`, not `title:  # to do`
_MARKER = re.compile(r"[ \t]*(?:[-*+]|\d{1,3}[.)])[ \t]")  # a Markdown list item's start
NULLS = frozenset({"", "~", "null", "Null", "NULL"})
Loc = tuple[Any, ...]

try:  # libyaml's parser when PyYAML was built with it (the wheels are)
    _Parser: type = yaml.CSafeLoader
except AttributeError:  # pragma: no cover
    _Parser = yaml.SafeLoader


@dataclass
class Document:
    """One YAML file: its value, and where each part of it stands (1-based)."""

    path: str
    data: Any = None
    values: dict[Loc, tuple[int, int]] = field(default_factory=dict)
    keys: dict[Loc, tuple[int, int]] = field(default_factory=dict)
    commented: dict[Loc, str] = field(default_factory=dict)  # unquoted value + the comment after it
    slips: list[Problem] = field(default_factory=list)  # mistakes YAML reads without complaint
    warnings: list[Problem] = field(default_factory=list)  # likely surprises, reported, not refused

    def where(self, loc: Loc, *, key: bool = False) -> tuple[int, int]:
        """The position of `loc`, or of its nearest ancestor that exists."""
        loc = tuple(loc)
        while loc:
            found = (self.keys if key else self.values).get(loc) or self.values.get(loc)
            if found:
                return found
            loc = loc[:-1]
        return self.values.get((), (1, 1))

    def problem(self, loc: Loc, message: str, *, key: bool = False) -> Problem:
        line, column = self.where(loc, key=key)
        return Problem(self.path, line, column, message, field_name(loc))


def field_name(loc: Loc) -> str:
    """`('links', 0, 'url')` -> `links[0].url`."""
    out = ""
    for part in loc:
        out += f"[{part}]" if isinstance(part, int) else (f".{part}" if out else str(part))
    return out


class _Refused(Exception):
    def __init__(self, problem: Problem):
        self.problem = problem


def load_file(path: Path, shown: str) -> tuple[Document, list[Problem]]:
    """Read one file; never raises for bad content, returns the problems instead."""
    doc = Document(shown)
    try:
        raw = path.read_bytes()
    except OSError as exc:
        return doc, [Problem(shown, 0, 0, f"cannot be read: {exc.strerror}")]
    if len(raw) > MAX_BYTES:
        return doc, [Problem(shown, 1, 1, f"file is {len(raw):,} bytes, over the limit of "
                             f"{MAX_BYTES:,}; split it or shorten the text")]
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        line = raw.count(b"\n", 0, exc.start) + 1
        line_start = raw.rfind(b"\n", 0, exc.start) + 1
        column = len(raw[line_start:exc.start].decode("utf-8", errors="replace").lstrip("\ufeff")) + 1
        return doc, [Problem(shown, line, column, "file is not UTF-8 text; save it as UTF-8")]
    return load_text(text, shown)


def load_text(text: str, shown: str) -> tuple[Document, list[Problem]]:
    doc = Document(shown)
    if not text.strip() or all(not ln.strip() or ln.lstrip().startswith("#") for ln in text.splitlines()):
        return doc, [Problem(shown, 1, 1, "file is empty; write the record's fields, "
                             "at least title, summary and themes")]
    try:
        doc.data = _Builder(doc, text).build()
    except _Refused as refused:
        return doc, [refused.problem]
    except yaml.MarkedYAMLError as exc:
        return doc, _syntax_problems(exc, text, shown)
    except yaml.reader.ReaderError as exc:
        # libyaml refuses a control character in the file itself; say where, in words
        line = text.count("\n", 0, exc.position) + 1
        column = exc.position - (text.rfind("\n", 0, exc.position) + 1) + 1
        return doc, [Problem(shown, line, column, f"holds the control character U+{exc.character:04X}, "
                             "which is not text; delete it (it is often pasted in invisibly)")]
    except yaml.YAMLError as exc:
        return doc, [Problem(shown, 1, 1, f"YAML error: {exc}")]
    return doc, list(doc.slips)


def _syntax_problems(exc: yaml.MarkedYAMLError, text: str, shown: str) -> list[Problem]:
    """Where the parser stopped is not always where the mistake is: point at the mistake."""
    lines = text.splitlines()
    mark = exc.problem_mark or exc.context_mark
    line, column = (mark.line + 1, mark.column + 1) if mark else (1, 1)
    for number in range(min(line, len(lines)), 0, -1):  # a tab in the indentation breaks YAML
        current = lines[number - 1]
        indent = current[: len(current) - len(current.lstrip(" \t"))]
        if "\t" in indent:
            return [Problem(shown, number, indent.index("\t") + 1,
                            "tab character in the indentation; YAML indents with spaces only")]
        if number < line:
            break
    return syntax_problems(exc, text, shown)


_Scalar, _SeqStart, _SeqEnd = yaml.ScalarEvent, yaml.SequenceStartEvent, yaml.SequenceEndEvent
_MapStart, _MapEnd, _Alias = yaml.MappingStartEvent, yaml.MappingEndEvent, yaml.AliasEvent
_DocStart, _StreamEnd = yaml.DocumentStartEvent, yaml.StreamEndEvent


class _Builder:
    """Turns parser events into dicts, lists and strings, refusing what YAML hides.

    This walk is the hot loop of `check` on a large hub, hence the exact type tests and the
    parser driven by hand rather than through `yaml.parse`.
    """

    def __init__(self, doc: Document, text: str):
        self.doc = doc
        self.text = text
        self.lines: list[str] | None = None  # split only when a comment needs a look
        self.parser = _Parser(text)
        self.next = self.parser.get_event

    def refuse(self, event: Any, message: str) -> _Refused:
        mark = event.start_mark
        return _Refused(Problem(self.doc.path, mark.line + 1, mark.column + 1, message))

    def build(self) -> Any:
        data = None
        documents = 0
        try:
            while True:
                event = self.next()
                kind = type(event)
                if event is None or kind is _StreamEnd:
                    return data
                if kind is _DocStart:
                    documents += 1
                    if documents > 1:
                        raise self.refuse(event, "more than one YAML document (a second `---`); "
                                          "keep one record per file")
                elif kind in (_Scalar, _SeqStart, _MapStart, _Alias):
                    data = self.node(event, ())
        finally:
            self.parser.dispose()

    def source(self) -> list[str]:
        if self.lines is None:  # split where YAML's line numbers break, not at a form feed
            self.lines = LINE_BREAK.split(self.text)
        return self.lines

    def check(self, event: Any) -> None:
        quoted = self.quoted_line(event)
        if quoted:  # most often text that happens to start with `*`, `&` or `!`
            char = quoted[1]
            raise self.refuse(event, f"text cannot start with `{char}` unless it is in quotes (to YAML "
                              f"`{char}` there means {SPECIAL[char]}, which hubgen does not allow); "
                              f"put the whole text in straight double quotes. Write the line as: "
                              f"`{quoted[0]}`")
        if type(event) is _Alias:
            raise self.refuse(event, "aliases (`*name`) are not allowed; write the value out in full")
        if event.anchor is not None:
            raise self.refuse(event, f"anchors (`&{event.anchor}`) are not allowed; "
                              "write the value out in full where it is needed")
        if event.tag is not None and not (type(event) is not _Scalar and event.implicit):
            tag = event.tag.replace("tag:yaml.org,2002:", "!!")
            raise self.refuse(event, f"explicit tag `{tag}` is not allowed; remove it and "
                              "quote the value if it must stay text")

    def quoted_line(self, event: Any) -> tuple[str, str] | None:
        """The line with the value from `event` on in double quotes, and the value's first
        character, when the value is text on one line (not a list or mapping)."""
        if type(event) not in (_Scalar, _Alias) or event.start_mark.line != event.end_mark.line:
            return None
        line = self.source()[event.start_mark.line]
        value = line[event.start_mark.column:].rstrip()
        if not value or value[0] not in "*&!" or value.startswith("!!") or _COMMENT.search(value):
            return None
        return line[: event.start_mark.column] + json.dumps(value, ensure_ascii=False), value[0]

    def scalar(self, event: Any, loc: Loc) -> str | None:
        value = event.value
        control = _CONTROL.search(value)
        if control:
            raise self.refuse(event, f"holds the control character U+{ord(control[0]):04X}, which is "
                              "not text; remove it (in quotes it may be written as an escape such as `\\0`)")
        start, end = event.start_mark, event.end_mark
        if start.line != end.line and event.style != "|":
            self.folded(event, loc)
        if event.implicit[0]:  # plain, not quoted
            if "#" in self.text:
                lines = self.source()
                if end.line < len(lines):
                    rest = lines[end.line][end.column:]
                    if _COMMENT.match(rest) or (not value and _TAG_LIKE.match(rest)):
                        # `title: Tool #2` is the title "Tool", `title: #2 tool` no title at all
                        self.doc.commented[loc] = (value + rest.rstrip()).strip()
            if value in NULLS:
                return None
        return value

    def folded(self, event: Any, loc: Loc) -> None:
        """Text over several lines that YAML joins into one: list items or numbered lines in it
        are no longer a list, and an item indented past its list's joins the item above."""
        lines = self.source()
        first, last = event.start_mark.line, min(event.end_mark.line, len(lines) - 1)
        base = len(lines[first]) - len(lines[first].lstrip(" "))
        item = bool(loc) and type(loc[-1]) is int and lines[first].lstrip(" ").startswith("-")
        marked = int(bool(_MARKER.match(lines[first][event.start_mark.column:].lstrip("\"'"))))
        for number in range(first + 1, last + 1):
            line = lines[number]
            indent = len(line) - len(line.lstrip(" "))
            if indent <= base or not _MARKER.match(line) or "\n" + line.strip() in event.value:
                continue
            if item and not event.style and line.lstrip().startswith("- ") and indent - base <= 3:
                fixed = " " * base + line.lstrip(" ")
                self.doc.slips.append(Problem(
                    self.doc.path, number + 1, 1,
                    f"this line starts with `- ` like a new item of the list, but is indented "
                    f"{indent} spaces and the item above {base}, so YAML joined it to that item; line "
                    f"it up with the other items. Write the line as: `{fixed}`", field_name(loc[:-1])))
                return
            marked += 1
        if marked >= 2:
            line, column = event.start_mark.line + 1, event.start_mark.column + 1
            self.doc.warnings.append(Problem(
                self.doc.path, line, column,
                "has several numbered or bulleted lines, which YAML joins into one paragraph here; "
                "to keep them as a list, write the text as a block: put `|` after the colon and "
                "the lines under it, indented", field_name(loc), severity="warning"))

    def node(self, event: Any, loc: Loc) -> Any:
        kind = type(event)
        if kind is _Alias or event.anchor is not None or event.tag is not None:
            self.check(event)
        mark = event.start_mark
        self.doc.values[loc] = (mark.line + 1, mark.column + 1)
        if kind is _Scalar:
            return self.scalar(event, loc)
        if len(loc) >= MAX_DEPTH:
            raise self.refuse(event, f"lists and mappings are nested more than {MAX_DEPTH} deep; "
                              "a record needs only a few levels: check the indentation")
        if kind is _SeqStart:
            items: list[Any] = []
            while True:
                child = self.next()
                if type(child) is _SeqEnd:
                    return items
                items.append(self.node(child, (*loc, len(items))))
        mapping: dict[str, Any] = {}
        keys = self.doc.keys
        while True:
            key_event = self.next()
            key_kind = type(key_event)
            if key_kind is _MapEnd:
                return mapping
            if key_kind is not _Scalar:
                raise self.refuse(key_event, "a key must be a plain name such as `title`")
            if key_event.anchor is not None or key_event.tag is not None:
                self.check(key_event)
            key = key_event.value
            if key_event.implicit[0] and key in NULLS:
                key = ""
            key_mark = key_event.start_mark
            here = (key_mark.line + 1, key_mark.column + 1)
            key_loc = (*loc, key)
            if key in mapping:
                first = keys[key_loc][0]
                raise _Refused(Problem(self.doc.path, *here, f"duplicate key (first on line {first}); "
                                       "keep one of them", field_name(key_loc)))
            keys[key_loc] = here
            mapping[key] = self.node(self.next(), key_loc)
