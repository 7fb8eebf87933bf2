"""Read every file of a built public site and refuse it if any affiliate-only material is there."""

from __future__ import annotations

import contextlib
import gzip
import html
import json
import re
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from ahocorasick_rs import BytesAhoCorasick

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


def affiliate_material(full: Hub, public: Hub) -> Finder:
    """Every affiliate-only piece of `full`, less what public material also says, ready to
    look for in a site."""
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
    finder = Finder(Needle(text, origin, raw) for text, origin, raw in sorted(set(found)))
    # public material that says the same proves nothing when found: one pass over it
    said: set[str] = set()
    for raw, readable in _public_corpus(public):
        said |= finder.found_texts(raw, readable)
    return finder.ignore(said)


class Finder:
    """Needles in two Aho-Corasick automatons, one for raw text and one for words, matched on
    UTF-8 bytes (the same matches as on characters, at a third of the time and memory of a
    character automaton); a text named by several sources is looked for once and reported
    from the first."""

    def __init__(self, needles: Iterable[Needle]):
        unique: dict[str, Needle] = {}
        for needle in needles:
            unique.setdefault(needle.text, needle)
        self.needles = list(unique.values())
        self.ignored: set[str] = set()
        self.kinds = [[n for n in self.needles if n.raw == raw] for raw in (True, False)]
        self.automatons = [BytesAhoCorasick([n.text.encode() for n in kind]) if kind else None
                           for kind in self.kinds]

    def ignore(self, texts: set[str]) -> Finder:
        """Stop reporting these needles (the automatons are kept, not built again)."""
        self.ignored |= texts
        self.needles = [n for n in self.needles if n.text not in texts]
        return self

    def __len__(self) -> int:
        return len(self.needles)

    def __iter__(self) -> Iterator[Needle]:
        return iter(self.needles)

    def _matches(self, raw: str, readable: str) -> Iterator[tuple[list[Needle], list]]:
        """(needles of a kind, their matches as (index, start, end)) in `raw` and `readable`."""
        for automaton, kind, haystack in zip(self.automatons, self.kinds, (raw, readable), strict=True):
            if automaton is not None and haystack:
                yield kind, automaton.find_matches_as_indexes(haystack.encode(), overlapping=True)

    def found_texts(self, raw: str, readable: str) -> set[str]:
        """The texts of the needles found, however often (a million matches at 10,000 records)."""
        found: set[str] = set()
        for kind, matches in self._matches(raw, readable):
            found.update(kind[i].text for i in {i for i, _, _ in matches})
        return found

    def find(self, raw: str, readable: str) -> Iterator[Needle]:
        """The needles found in `raw` (lowercase text) and `readable` (its `words`)."""
        for kind, matches in self._matches(raw, readable):
            yield from (kind[i] for i, _, _ in matches if kind[i].text not in self.ignored)


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


def _public_corpus(public: Hub, size: int = 1 << 20) -> Iterator[tuple[str, str]]:
    """Everything the public site says, as (lowercase text, `words`), a text per line, about
    `size` characters at a time."""
    texts = [*_strings(_dump(public.settings)), *(s for t in public.themes for s in _strings(_dump(t)))]
    length = 0
    for entry in public.records.values():
        for text in (entry.ref + "/", *_strings(_dump(entry.record))):
            texts.append(text)
            length += len(text)
        if length >= size:
            joined, texts, length = "\n".join(texts), [], 0  # a line each: no phrase runs on
            yield joined.lower(), words(joined)
    joined = "\n".join(texts)
    yield joined.lower(), words(joined)


# Inline elements sit inside a sentence and vanish; every other tag ends a run of text.
_INLINE = r"(?:a|abbr|b|cite|code|del|em|i|ins|kbd|mark|q|s|small|span|strong|sub|sup|time|u)\b"
_INLINE_TAG = re.compile(rf"</?{_INLINE}[^>]*>", re.I)
# So a block tag may as well start a line: in HTML (and the search index, which holds HTML)
# the same list item or paragraph then counts as the same line wherever it is repeated.
_BLOCK_START = re.compile(rf"<(?!/?{_INLINE})", re.I)


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


def scan_site(site: Path, needles: Finder | list[Needle], shown: str | None = None) -> list[Problem]:
    """One problem per output file and affiliate-only source that leaked into it.

    No needle spans a line, so each distinct line of the site is read once: most of a page
    (Material's header, navigation and footer, the items of listings) is the same on many
    pages. When that finds anything, the site is read again file by file, so that every file
    holding it is named.
    """
    finder = needles if isinstance(needles, Finder) else Finder(needles)
    if not finder:
        return []
    problems = _scan(site, finder, shown, set())
    return _scan(site, finder, shown, None) if problems else problems


CHUNK = 1 << 20  # characters read at a time: a 60 MB search index is not copied whole 8 times


def _scan(site: Path, finder: Finder, shown: str | None, seen: set[int] | None) -> list[Problem]:
    problems = set()
    prefix = shown or site.as_posix()
    for path in sorted(site.rglob("*")):
        rel = path.relative_to(site).as_posix()
        hits = list(finder.find(rel.lower() + ("/" if path.is_dir() else ""), ""))
        if path.is_file():
            text = _text(path)
            if seen is not None and path.suffix in (".html", ".json"):
                text = _BLOCK_START.sub("\n<", text)
            for chunk in _chunks(text, seen):
                hits += finder.find(*_haystacks(chunk))
        for needle in hits:
            snippet = needle.text.strip()
            snippet = snippet if len(snippet) <= 60 else snippet[:57] + "..."
            problems.add(Problem(f"{prefix}/{rel}", 0, 0,
                                 f"holds affiliate-only material from {needle.origin}: \"{snippet}\""))
    return sorted(problems)


def _chunks(text: str, seen: set[int] | None) -> Iterator[str]:
    """The lines of `text` not in `seen` (by 64-bit salted hash: a collision among a site's
    lines is vanishingly unlikely; every line without `seen`), about
    CHUNK characters at a time, never cut inside a line."""
    if seen is None and len(text) <= CHUNK:
        yield text
        return
    lines, size = [], 0
    for line in text.split("\n"):
        if seen is not None:
            key = hash(line)
            if key in seen:
                continue
            seen.add(key)
        lines.append(line)
        size += len(line) + 1
        if size >= CHUNK:
            yield "\n".join(lines)
            lines, size = [], 0
    if lines:
        yield "\n".join(lines)
