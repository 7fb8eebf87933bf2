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


class _Builder:
    """Turns parser events into dicts, lists and strings, refusing what YAML hides."""

    def __init__(self, doc: Document, text: str):
        self.doc = doc
        self.lines = text.splitlines()
        self.events = iter(yaml.parse(text, Loader=_Parser))

    def refuse(self, event: Any, message: str) -> _Refused:
        mark = event.start_mark
        return _Refused(Problem(self.doc.path, mark.line + 1, mark.column + 1, message))

    def build(self) -> Any:
        data = None
        documents = 0
        for event in self.events:
            if isinstance(event, yaml.DocumentStartEvent):
                documents += 1
                if documents > 1:
                    raise self.refuse(event, "more than one YAML document (a second `---`); "
                                      "keep one record per file")
            elif isinstance(event, (yaml.NodeEvent, yaml.CollectionStartEvent)):
                data = self.node(event, ())
        return data

    def node(self, event: Any, loc: Loc) -> Any:
        if isinstance(event, yaml.AliasEvent):
            raise self.refuse(event, "aliases (`*name`) are not allowed; write the value out in full")
        if event.anchor is not None:
            raise self.refuse(event, f"anchors (`&{event.anchor}`) are not allowed; "
                              "write the value out in full where it is needed")
        if event.tag is not None and not (isinstance(event, yaml.CollectionStartEvent) and event.implicit):
            tag = event.tag.replace("tag:yaml.org,2002:", "!!")
            raise self.refuse(event, f"explicit tag `{tag}` is not allowed; remove it and "
                              "quote the value if it must stay text")
        self.doc.values[loc] = (event.start_mark.line + 1, event.start_mark.column + 1)
        if isinstance(event, yaml.ScalarEvent):
            if event.implicit[0] and event.value in NULLS:  # plain, not quoted
                return None
            if event.implicit[0] and event.end_mark.line < len(self.lines):
                rest = self.lines[event.end_mark.line][event.end_mark.column:]
                if _COMMENT.match(rest):
                    self.doc.commented[loc] = event.value + rest.rstrip()
            return event.value
        if isinstance(event, yaml.SequenceStartEvent):
            items: list[Any] = []
            for child in self.events:
                if isinstance(child, yaml.SequenceEndEvent):
                    return items
                items.append(self.node(child, (*loc, len(items))))
        mapping: dict[str, Any] = {}
        for key_event in self.events:
            if isinstance(key_event, yaml.MappingEndEvent):
                return mapping
            if not isinstance(key_event, yaml.ScalarEvent):
                raise self.refuse(key_event, "a key must be a plain name such as `title`")
            key = self.node(key_event, (*loc, "\0key"))
            del self.doc.values[(*loc, "\0key")]
            key = "" if key is None else key
            here = (key_event.start_mark.line + 1, key_event.start_mark.column + 1)
            if key in mapping:
                first = self.doc.keys[(*loc, key)][0]
                raise _Refused(Problem(self.doc.path, *here, f"duplicate key (first on line {first}); "
                                       "keep one of them", field_name((*loc, key))))
            self.doc.keys[(*loc, key)] = here
            mapping[key] = self.node(next(self.events), (*loc, key))
        return mapping  # pragma: no cover - the parser always closes a mapping
