"""Explain a YAML syntax error as the slip an editor made, on its line, with the line to paste.

The parser stops where the text stopped making sense, which is often a line or several after
the mistake, and says so in its own terms ("mapping values are not allowed in this context").
Here the common slips are tried as fixes, line by line back from where the parser stopped: the
fix that makes the file read is the slip. Its line is reported with the corrected line, and the
search goes on in the corrected text, so several slips in one file are reported in one run.
"""

from __future__ import annotations

import functools
import json
import re
import typing
from dataclasses import dataclass
from typing import Any

import yaml

from hubgen.errors import Problem

try:  # libyaml's parser when PyYAML was built with it (the wheels are)
    _Parser: type = yaml.CSafeLoader
except AttributeError:  # pragma: no cover
    _Parser = yaml.SafeLoader

LINE_BREAK = re.compile("\r\n|[\r\n\x85\u2028\u2029]")  # YAML's line breaks: its line numbers count them
MAX_SLIPS = 10  # reported for one file; past that the file needs a closer look anyway
MAX_TRIES = 600  # re-readings of one file, all slips together: a broken file costs < 1 s
MAX_READ = 20_000_000  # characters re-read for one file: a long file gets fewer tries (~3 s at most)
WINDOW = 60  # lines back from where the parser stopped in which the slip is looked for

# `- ` markers, then `key: `, then the value as typed
_LINE = re.compile(r"^(?P<indent> *)(?P<dashes>(?:- +)*)(?:(?P<key>[A-Za-z_][\w-]*):(?: +|$))?(?P<value>.*)$")
_FORGOTTEN_COLON = re.compile(r"^(?P<indent> *)(?P<dashes>(?:- +)*)(?P<key>[a-z][a-z_]*)(?P<rest>(?: +.*)?)$")
_GLUED = re.compile(r"^( *(?:- +)*(?:-(?=[^\s-])|[A-Za-z_][\w-]*:(?=[^\s:/])))")
_BLOCK_HEADER = re.compile(r"^[|>][-+0-9]*\s*(#.*)?$")  # `|`, `>-`, `|2 # comment`
_QUOTED = re.compile(r"""^("([^"\\]|\\.)*"|'([^']|'')*')\s*(#.*)?$""")  # one quoted text, nothing after
CURLY = "\u201c\u201d\u2018\u2019\u201e\u00ab\u00bb"
SPECIAL = {"*": "a reference to another value", "&": "a name for the value", "!": "a type",
           "%": "a directive", "@": "nothing (it is reserved)", "`": "nothing (it is reserved)",
           "]": "the end of a list", "}": "the end of a mapping", ">": "a block of text",
           "|": "a block of text"}


@dataclass(frozen=True)
class _Fix:
    """One slip found: the line it is on (0-based), the corrected line, what to tell the editor."""

    line: int
    column: int
    fixed: str
    field: str
    message: str


def syntax_problems(error: yaml.MarkedYAMLError, text: str, shown: str) -> list[Problem]:
    """The slips that explain `error`, each with its corrected line; a plain description of
    the error where no slip explains it."""
    lines = LINE_BREAK.split(text)
    problems: list[Problem] = []
    budget = [min(MAX_TRIES, MAX_READ // max(len(text), 1))]
    while len(problems) < MAX_SLIPS:
        fix = _find_slip(error, lines, budget)
        if fix is None:
            if not problems:
                problems.append(_undiagnosed(error, lines, shown))
            break
        problems.append(Problem(shown, fix.line + 1, fix.column, fix.message, fix.field))
        lines = [*lines[: fix.line], fix.fixed, *lines[fix.line + 1:]]
        next_error = parse_error("\n".join(lines))
        if next_error is None:
            break
        error = next_error
    return problems


def parse_error(text: str) -> yaml.MarkedYAMLError | None:
    """The syntax error that reading `text` ends on, or None when it reads."""
    parser = _Parser(text)
    try:
        while parser.get_event() is not None and parser.check_event():
            pass
    except yaml.MarkedYAMLError as error:
        return error
    except yaml.YAMLError:  # pragma: no cover - libyaml gives every error a position
        return None
    finally:
        parser.dispose()
    return None


def _where(error: yaml.MarkedYAMLError) -> tuple[int, int]:
    mark = error.problem_mark or error.context_mark
    return (mark.line, mark.column) if mark else (0, 0)


def _find_slip(error: yaml.MarkedYAMLError, lines: list[str], budget: list[int]) -> _Fix | None:
    """The slip nearest before where the parser stopped whose fix makes the whole file read;
    else the nearest whose fix lets the parser read past its line. Likely slips (a quote, a
    colon, the indentation of a line of the same shape nearby) are tried before unlikely ones
    (any other indentation nearby), which could make a file read in a way never meant."""
    stopped = _where(error)
    last = min(stopped[0], len(lines) - 1)
    numbers = range(last, max(-1, last - WINDOW), -1)
    for likely in (True, False):
        progress = None
        for number in numbers:
            for fix in _candidates(lines, number, likely):
                if budget[0] <= 0:
                    return progress
                budget[0] -= 1
                trial = [*lines[:number], fix.fixed, *lines[number + 1:]]
                after = parse_error("\n".join(trial))
                if after is None:
                    return _described(fix, trial)
                reached = _where(after)
                if progress is None and reached > stopped and reached[0] > number:
                    progress = _described(fix, trial)
        if progress is not None:
            return progress
    return None


def _candidates(lines: list[str], number: int, likely: bool) -> list[_Fix]:
    """Each slip that could be on this line, as the line corrected; most specific first. The
    likely ones, or else the other indentations."""
    line = lines[number]
    if not line.strip() or line.lstrip().startswith("#"):
        return []
    found = []
    match = _LINE.match(line)
    value = match["value"].rstrip() if match else ""
    head = line[: len(line) - len(match["value"])] if match else ""
    field = (match["key"] if match else "") or _parent_key(lines, number)
    if value and value[0] in CURLY:
        inner = value.strip(CURLY + " ")
        found.append(_Fix(number, len(head) + 1, head + json.dumps(inner, ensure_ascii=False), field,
                          "curly quotes (\u201c \u201d) are not quotes to YAML; use straight double "
                          "quotes"))
    elif value and value[0] in SPECIAL and re.search(r"\w", value[1:]) \
            and not (value[0] in "|>" and _BLOCK_HEADER.match(value)):
        found.append(_Fix(number, len(head) + 1, head + json.dumps(value, ensure_ascii=False), field,
                          f"text cannot start with `{value[0]}` unless it is in quotes (to YAML "
                          f"`{value[0]}` there means {SPECIAL[value[0]]}); put the whole text in "
                          "straight double quotes"))
    elif value and value[0] in "\"'" and not _QUOTED.match(value):
        if value.count(value[0]) == 1:
            found.append(_Fix(number, len(head) + 1, head + value + value[0], field,
                              f"the text's opening quote (`{value[0]}`) is never closed; add the "
                              "closing quote at its end"))
        else:
            found.append(_Fix(number, len(head) + 1, head + json.dumps(value, ensure_ascii=False), field,
                              f"the text starts with a quote (`{value[0]}`) but goes on after the "
                              "closing one; put the whole text in straight double quotes (a `\\\"` "
                              "inside them stands for a quote)"))
    elif value and value[0] not in "\"'|>[{" and (": " in value or value.endswith(":")):
        found.append(_Fix(number, len(head) + 1, head + json.dumps(value, ensure_ascii=False), field,
                          'the text has ": " in it, which YAML reads as the start of another field; '
                          "put the whole text in straight double quotes"))
    glued = _GLUED.match(line)
    if glued:  # `-Item` or `key:value`
        fixed = line[: glued.end(1)] + " " + line[glued.end(1):]
        what = (f"`{glued[1].strip()}` needs a space after its colon" if glued[1].endswith(":")
                else "a list item needs a space after its `-`")
        found.append(_Fix(number, glued.end(1) + 1, fixed, field, what))
    colon = _FORGOTTEN_COLON.match(line)
    if colon and colon["key"] in field_names() and colon["rest"].strip()[:1] not in (":", "#"):
        rest = colon["rest"].strip()
        fixed = f"{colon['indent']}{colon['dashes']}{colon['key']}:" + (f" {rest}" if rest else "")
        found.append(_Fix(number, len(colon["indent"]) + len(colon["dashes"]) + len(colon["key"]) + 1,
                          fixed, colon["key"], f"`{colon['key']}` needs a colon after it"))
    indent = len(line) - len(line.lstrip(" "))
    same, others = _nearby_indents(lines, number)
    if not likely:
        found = []
    for other in same if likely else [i for i in others if i not in same]:
        if other != indent:
            found.append(_Fix(number, 1, " " * other + line.lstrip(" "), field, f"indent:{indent}:{other}"))
    return found


@functools.cache
def field_names() -> frozenset[str]:
    """Every field name of the content model: a line starting with one of them and no colon
    has lost its colon (a line of text starting with `the` has not)."""
    from pydantic import BaseModel

    from hubgen.models import RECORD_MODELS, HubSettings, Theme

    names: set[str] = set()
    todo: list[Any] = [*RECORD_MODELS.values(), HubSettings, Theme]
    while todo:
        model = todo.pop()
        for name, info in model.model_fields.items():
            names.add(name)
            todo += [arg for arg in _types(info.annotation)
                     if isinstance(arg, type) and issubclass(arg, BaseModel)]
    return frozenset(names)


def _types(annotation: Any) -> list[Any]:
    args = typing.get_args(annotation)
    return [annotation, *(inner for arg in args for inner in _types(arg))]


def _nearby_indents(lines: list[str], number: int) -> tuple[list[int], list[int]]:
    """The indentations this line could have been meant to have, likeliest first: those of the
    lines of its own shape around it (list items for a list item, fields for a field, counting a
    field after `- ` at its own column), nearest first, then every other line's around it."""
    own = _LINE.match(lines[number])
    item, keyed = bool(own["dashes"]), bool(own["key"])
    same: list[int] = []
    other: list[int] = []
    for step in (-1, 1):
        count, near = 0, number + step
        while 0 <= near < len(lines) and count < 3:
            text = lines[near]
            if text.strip() and not text.lstrip().startswith("#"):
                match = _LINE.match(text)
                indent, dashes = len(match["indent"]), len(match["dashes"])
                if item:
                    (same if dashes else other).append(indent)
                elif keyed and match["key"]:
                    same.append(indent + dashes)
                    other.append(indent)
                elif not keyed and not dashes and not match["key"]:
                    same.append(indent)  # a line of text among lines of text
                else:
                    other.append(indent)
                count += 1
            near += step
    return list(dict.fromkeys(same)), list(dict.fromkeys(other))


def _parent_key(lines: list[str], number: int) -> str:
    """The key whose value this line is part of: the nearest line above indented less."""
    indent = len(lines[number]) - len(lines[number].lstrip(" "))
    for text in reversed(lines[:number]):
        if not text.strip() or text.lstrip().startswith("#"):
            continue
        width = len(text) - len(text.lstrip(" "))
        if width < indent:
            match = _LINE.match(text)
            if match and match["key"]:
                return match["key"]
            indent = width
    return ""


def _described(fix: _Fix, fixed_lines: list[str]) -> _Fix:
    """The fix's message in full, with the corrected line to paste."""
    if not fix.message.startswith("indent:"):
        return _Fix(fix.line, fix.column, fix.fixed, fix.field,
                    f"{fix.message}. Write the line as: `{fix.fixed.rstrip()}`")
    was = int(fix.message.split(":")[1])
    should = int(fix.message.split(":")[2])
    stripped = fix.fixed.lstrip(" ")
    field = fix.field
    block = _block_at(fixed_lines, fix.line)
    if block:
        indicator, start = block
        first = next((n for n in range(start + 1, len(fixed_lines)) if fixed_lines[n].strip()), fix.line)
        owner = _LINE.match(fixed_lines[start])
        field = owner["key"] or field if owner else field
        if first != fix.line:  # the text's indentation is its first line's
            should = len(fixed_lines[first]) - len(fixed_lines[first].lstrip(" "))
        fixed = " " * should + stripped
        if parse_error("\n".join([*fixed_lines[: fix.line], fixed, *fixed_lines[fix.line + 1:]])):
            fixed, should = fix.fixed, int(fix.message.split(":")[2])
        if first == fix.line:
            message = (f"the first line of the `{indicator}` text is indented {_spaces(was)} and the "
                       f"lines after it {should}; YAML takes the first line's indentation for the "
                       f"whole text, so indent it by {should} like the others")
        else:
            message = (f"this line of the `{indicator}` text is indented {_spaces(was)}, less than "
                       f"the text's first line ({should}), so YAML took the text as ended on the "
                       f"line before; indent it by {should} like the lines above")
    elif stripped.startswith("-"):
        fixed = fix.fixed
        message = (f"this list item is indented {_spaces(was)} and the other items of its list "
                   f"{should}; line it up with them")
    else:
        fixed = fix.fixed
        key = _LINE.match(stripped)
        what = f"`{key['key']}:`" if key and key["key"] else "this line"
        message = f"{what} is indented {_spaces(was)} and the lines beside it {should}; line it up with them"
    return _Fix(fix.line, 1, fixed, field, f"{message}. Write the line as: `{fixed}`")


def _spaces(count: int) -> str:
    return f"{count} space{'' if count == 1 else 's'}"


def _block_at(lines: list[str], number: int) -> tuple[str, int] | None:
    """`|` or `>` and the line it is on, when line `number` is in a block of text."""
    parser = _Parser("\n".join(lines))
    try:
        while True:
            event = parser.get_event()
            if event is None or isinstance(event, yaml.StreamEndEvent):
                return None
            if isinstance(event, yaml.ScalarEvent) and event.style in ("|", ">") \
                    and event.start_mark.line < number <= event.end_mark.line:
                return event.style, event.start_mark.line
    except yaml.YAMLError:
        return None
    finally:
        parser.dispose()


def _undiagnosed(error: yaml.MarkedYAMLError, lines: list[str], shown: str) -> Problem:
    """No slip explains the error: say where the parser stopped, and what it expected, plainly."""
    line, column = _where(error)
    line, column = line + 1, column + 1
    context = (error.context or "").strip()
    if error.context_mark and ("quoted scalar" in context or "flow" in context or line > len(lines)):
        # an unclosed quote or bracket: the parser gives up at the end of the file
        mark = error.context_mark
        what = {"while scanning a quoted scalar": "a quote that is never closed",
                "while parsing a flow sequence": "a `[` that is never closed",
                "while parsing a flow mapping": "a `{` that is never closed"}.get(
                    context, "a quote or bracket that is never closed")
        return Problem(shown, mark.line + 1, mark.column + 1,
                       f"YAML syntax error: {what}; add the closing quote or bracket, or remove the "
                       "opening one")
    what = (error.problem or context or "invalid YAML").strip()
    what = PLAIN.get(what, what)
    return Problem(shown, line, column, f"YAML syntax error: {what}; check the indentation and "
                   "quoting on this line and the one before (CONTRIBUTING.md, YAML pitfalls)")


# The parser's words for what it stopped on, in an editor's.
PLAIN = {
    "mapping values are not allowed in this context": 'a ": " where YAML cannot start a field',
    "did not find expected key": "this line does not fit where it stands (its indentation, or a "
                                 "stray character before it)",
    "could not find expected ':'": "a field name without its colon",
    "did not find expected '-' indicator": "a line that does not line up with the list items above",
    "found character that cannot start any token": "a character that cannot start a value",
    "did not find expected <document start>": "a line that does not belong to any field",
    "found unexpected end of stream": "the file ends in the middle of a value",
}
