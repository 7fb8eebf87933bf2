"""Read YAML files into plain values, keeping the line and column of every key and value.

PyYAML's loaders are not used as they are: they keep the last of duplicate keys,
turn `NO` into False and `012` into 10, and expand aliases. Instead the parser's
events are walked here: every scalar stays the text the editor wrote, and
anchors, aliases, explicit tags and duplicate keys are reported where they stand.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml

from hubgen.errors import Problem

MAX_BYTES = 1_000_000
_COMMENT = re.compile(r"[ \t]+#")
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
        return doc, [_syntax_problem(exc, text, shown)]
    except yaml.YAMLError as exc:
        return doc, [Problem(shown, 1, 1, f"YAML error: {exc}")]
    return doc, []


def _syntax_problem(exc: yaml.MarkedYAMLError, text: str, shown: str) -> Problem:
    """Where the parser stopped is not always where the mistake is: point at the mistake."""
    lines = text.splitlines()
    mark = exc.problem_mark or exc.context_mark
    line, column = (mark.line + 1, mark.column + 1) if mark else (1, 1)
    for number in range(min(line, len(lines)), 0, -1):  # a tab in the indentation breaks YAML
        current = lines[number - 1]
        indent = current[: len(current) - len(current.lstrip(" \t"))]
        if "\t" in indent:
            return Problem(shown, number, indent.index("\t") + 1,
                           "tab character in the indentation; YAML indents with spaces only")
        if number < line:
            break
    context = (exc.context or "").strip()
    if exc.context_mark and ("quoted scalar" in context or line > len(lines)):
        # an unclosed quote or bracket: the parser gives up at the end of the file
        line, column = exc.context_mark.line + 1, exc.context_mark.column + 1
        what = f"{context} that is never closed" if context else "unclosed quote or bracket"
        return Problem(shown, line, column, f"YAML syntax error: {what}; add the closing quote "
                       "or bracket, or remove the opening one")
    what = (exc.problem or context or "invalid YAML").strip()
    return Problem(shown, line, column, f"YAML syntax error: {what}; "
                   "check the indentation and quoting on this line and the one before")


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

    def check(self, event: Any) -> None:
        if type(event) is _Alias:
            raise self.refuse(event, "aliases (`*name`) are not allowed; write the value out in full")
        if event.anchor is not None:
            raise self.refuse(event, f"anchors (`&{event.anchor}`) are not allowed; "
                              "write the value out in full where it is needed")
        if event.tag is not None and not (type(event) is not _Scalar and event.implicit):
            tag = event.tag.replace("tag:yaml.org,2002:", "!!")
            raise self.refuse(event, f"explicit tag `{tag}` is not allowed; remove it and "
                              "quote the value if it must stay text")

    def scalar(self, event: Any, loc: Loc) -> str | None:
        value = event.value
        if event.implicit[0]:  # plain, not quoted
            if value in NULLS:
                return None
            end = event.end_mark
            if "#" in self.text:
                self.lines = self.lines or self.text.splitlines()
                if end.line < len(self.lines):
                    rest = self.lines[end.line][end.column:]
                    if _COMMENT.match(rest):
                        self.doc.commented[loc] = value + rest.rstrip()
        return value

    def node(self, event: Any, loc: Loc) -> Any:
        kind = type(event)
        if kind is _Alias or event.anchor is not None or event.tag is not None:
            self.check(event)
        mark = event.start_mark
        self.doc.values[loc] = (mark.line + 1, mark.column + 1)
        if kind is _Scalar:
            return self.scalar(event, loc)
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
