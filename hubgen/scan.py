"""Read every file of a built public site and refuse it if any affiliate-only material is there."""

from __future__ import annotations

import contextlib
import gzip
import html
import json
import re
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import ahocorasick

from hubgen.errors import Problem
from hubgen.validate import Entry, Hub

_WORD = re.compile(r"\w+")
_NON_WORD = re.compile(r"[^\w\n]+")
_LINE_BREAK = re.compile(r" ?\n[\s]*")
_SENTENCE = re.compile(r"[.!?;:\n]+")
_TAG = re.compile(r"<[^>]*>")
MIN_WORDS = 2          # a shorter text (one word) could be anybody's word
FRAGMENT_WORDS = 8     # long texts are looked for by the start and end of each sentence
MIN_FRAGMENT_WORDS = 4


@dataclass(frozen=True)
class Needle:
    """Something only affiliates may read, and where it comes from."""

    text: str      # normalised: words, or a raw lowercase string
    origin: str    # e.g. `content/tools/affiliate-update.yml: title`
    raw: bool      # matched against raw file text (URLs, paths) rather than words


def words(text: str) -> str:
    """Text reduced to its words, lowercase, single-spaced and padded for whole-word matches.

    Lines stay apart (`|`): needles never span a line, and words that merely stand next to
    each other on a page (a title, then the next item's summary) must not make a phrase.
    """
    spaced = _NON_WORD.sub(" ", text.casefold())
    return " " + _LINE_BREAK.sub(" | ", spaced).strip() + " "


def _fragments(text: str) -> Iterator[str]:
    """Whole short texts; for long ones the first and last words of each sentence."""
    tokens = _WORD.findall(text.casefold())
    if len(tokens) <= FRAGMENT_WORDS and "\n" not in text.strip():
        if len(tokens) >= MIN_WORDS:
            yield " " + " ".join(tokens) + " "
        return
    for sentence in _SENTENCE.split(text):
        tokens = _WORD.findall(sentence.casefold())
        if len(tokens) >= MIN_FRAGMENT_WORDS:
            yield " " + " ".join(tokens[:FRAGMENT_WORDS]) + " "
            yield " " + " ".join(tokens[-FRAGMENT_WORDS:]) + " "


def _strings(value: Any) -> Iterator[str]:
    if isinstance(value, str):
        yield value
    elif isinstance(value, dict):
        for item in value.values():
            yield from _strings(item)
    elif isinstance(value, (list, tuple)):
        for item in value:
            yield from _strings(item)


def _dump(item: Any) -> Any:
    return item.model_dump(mode="json", exclude={"audience"}) if hasattr(item, "model_dump") else item


def affiliate_material(full: Hub, public: Hub) -> list[Needle]:
    """Every affiliate-only piece of `full`, less what public material also says."""
    found: list[tuple[str, str, bool]] = []

    def add(origin: str, value: Any) -> None:
        for text in _strings(_dump(value)):
            if text.lower().startswith(("https://", "mailto:")):
                found.append((text.lower(), origin, True))
            found.extend((frag, origin, False) for frag in _fragments(text))

    for entry in full.records.values():
        record = entry.record
        if entry.audience == "affiliates":
            for suffix in ("/", ".md", ".yml", ".html"):
                found.append((entry.ref + suffix, f"{entry.path}: id", True))
            for name in type(record).model_fields:
                if name not in ("audience", "themes", "related", "event", "stage", "kind", "updated",
                                "starts", "ends", "duration"):
                    add(f"{entry.path}: {name}", getattr(record, name))
            continue
        _affiliate_parts(entry, add)
    public_words, public_raw = _public_corpus(public)
    candidates = [Needle(text, origin, raw) for text, origin, raw in sorted(set(found))]
    # public material that says the same proves nothing when found: one pass over each corpus
    said = _found_in(public_raw, [n for n in candidates if n.raw])
    said |= _found_in(public_words, [n for n in candidates if not n.raw])
    return [n for n in candidates if n.text not in said]


def _found_in(corpus: str, needles: list[Needle]) -> set[str]:
    if not needles:
        return set()
    return {needle.text for _, needle in _automaton(needles).iter(corpus)}


def _affiliate_parts(entry: Entry, add: Any) -> None:
    record = entry.record
    if record.affiliate_note:
        add(f"{entry.path}: affiliate_note", record.affiliate_note)
    for index, link in enumerate(record.links):
        if link.audience == "affiliates":
            add(f"{entry.path}: links[{index}]", link)
    for name in ("registration", "recording", "slides"):
        link = getattr(record, name, None)
        if link is not None and link.audience == "affiliates":
            add(f"{entry.path}: {name}", link)
    for name in ("sessions", "sections"):
        for index, part in enumerate(getattr(record, name, None) or []):
            if part.audience == "affiliates":
                add(f"{entry.path}: {name}[{index}]", part)


def _public_corpus(public: Hub) -> tuple[str, str]:
    texts = [*_strings(_dump(public.settings)), *(s for t in public.themes for s in _strings(_dump(t)))]
    for entry in public.records.values():
        texts.append(entry.ref + "/")
        texts.extend(_strings(_dump(entry.record)))
    joined = "\n".join(texts)  # a line each: no phrase runs from one text into the next
    return words(joined), joined.lower()


def _automaton(needles: list[Needle]) -> Any:
    automaton = ahocorasick.Automaton()
    for needle in needles:
        automaton.add_word(needle.text, needle)
    automaton.make_automaton()
    return automaton


# Inline elements sit inside a sentence and vanish; every other tag ends a run of text.
_INLINE_TAG = re.compile(r"</?(?:a|abbr|b|cite|code|del|em|i|ins|kbd|mark|q|s|small|span|strong|sub|sup"
                         r"|time|u)\b[^>]*>", re.I)


def _text(path: Path) -> str:
    """An output file as text: gzip opened, JSON reduced to its strings, one per line."""
    data = path.read_bytes()
    if path.suffix == ".gz":
        with contextlib.suppress(OSError, EOFError):
            data = gzip.decompress(data)
    text = data.decode("utf-8", errors="replace")
    if path.suffix == ".json" or path.name.endswith(".json.gz"):
        with contextlib.suppress(ValueError):
            text = "\n".join(_strings(json.loads(text)))  # each value its own run of text
    return text


def _haystacks(text: str) -> tuple[str, str]:
    """(raw lowercase text, words of the readable text) of lines of an output file."""
    raw = html.unescape(text).lower()
    readable = _INLINE_TAG.sub("", text.replace("<!--", " ").replace("-->", " "))
    return raw, words(html.unescape(_TAG.sub("\n", readable)))


def scan_site(site: Path, needles: list[Needle], shown: str | None = None) -> list[Problem]:
    """One problem per output file and affiliate-only source that leaked into it.

    No needle spans a line, so each distinct line of the site is read once: most of a page
    (Material's header, navigation and footer) is the same on every page. When that finds
    anything, the site is read again file by file, so that every file holding it is named.
    """
    if not needles:
        return []
    problems = _scan(site, needles, shown, set())
    return _scan(site, needles, shown, None) if problems else problems


def _scan(site: Path, needles: list[Needle], shown: str | None, seen: set[str] | None) -> list[Problem]:
    raw_needles = [n for n in needles if n.raw]
    word_needles = [n for n in needles if not n.raw]
    raw_auto = _automaton(raw_needles) if raw_needles else None
    word_auto = _automaton(word_needles) if word_needles else None
    problems = set()
    prefix = shown or site.as_posix()
    for path in sorted(site.rglob("*")):
        rel = path.relative_to(site).as_posix()
        hits: list[Needle] = []
        if raw_auto:
            hits += [n for _, n in raw_auto.iter(rel.lower() + ("/" if path.is_dir() else ""))]
        if path.is_file():
            text = _text(path)
            if seen is not None:
                lines = [line for line in text.split("\n") if line not in seen]
                seen.update(lines)
                text = "\n".join(lines)
            raw, readable = _haystacks(text)
            if raw_auto:
                hits += [n for _, n in raw_auto.iter(raw)]
            if word_auto:
                hits += [n for _, n in word_auto.iter(readable)]
        for needle in hits:
            snippet = needle.text.strip()
            snippet = snippet if len(snippet) <= 60 else snippet[:57] + "..."
            problems.add(Problem(f"{prefix}/{rel}", 0, 0,
                                 f"holds affiliate-only material from {needle.origin}: \"{snippet}\""))
    return sorted(problems)
