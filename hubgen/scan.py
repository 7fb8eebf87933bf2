"""Read every file of a built public site and refuse it if any affiliate-only material is there.

What is looked for (needles: the words of affiliate-only texts, and their URLs and paths) and
what is read go through the same normalisation (`words`, `lowered`), done on UTF-8 bytes in a
few passes of C (regular expressions, `bytes.translate`) over a megabyte at a time, then
matched by Aho-Corasick automatons. Each distinct line of the site is read once.
"""

from __future__ import annotations

import contextlib
import functools
import gzip
import html
import itertools
import json
import os
import re
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any, NamedTuple

import cbor2
from ahocorasick_rs import BytesAhoCorasick, Implementation

from hubgen.config import site_url_for
from hubgen.errors import Problem
from hubgen.load import field_name
from hubgen.models import TYPES, leaves
from hubgen.reading import word_chars
from hubgen.render import TYPE_LABELS
from hubgen.search import SIGNATURE as PAGEFIND_SIGNATURE
from hubgen.validate import Hub
from hubgen.views import card_phrases, slug

MIN_WORDS = 2          # a shorter text (one word) could be anybody's word
FRAGMENT_WORDS = 6     # long texts are looked for by the start and end of each sentence
MIN_FRAGMENT_WORDS = 4
SHORT_WORDS = 3        # needles this short are dropped once found (see Finder)

# A block element ends a run of text, as a reader sees it; any other tag (`<span>`, `<wbr>`, a
# made-up `<x-y>`) sits inside a word or sentence and vanishes, so it cannot cut a phrase.
_BLOCK = (rb"(?:address|article|aside|audio|blockquote|body|br|button|canvas|caption|col|colgroup|dd|"
          rb"details|dialog|div|dl|dt|embed|fieldset|figcaption|figure|footer|form|h[1-6]|head|header|"
          rb"hgroup|hr|html|iframe|img|input|label|legend|li|link|main|math|menu|meta|nav|noscript|"
          rb"object|ol|optgroup|option|output|p|pre|script|section|select|source|style|summary|svg|"
          rb"table|tbody|td|template|textarea|tfoot|th|thead|title|tr|ul|video)(?![\w-])")
# (a tag holds no `<`: one never closed cannot make each search read on to the end of the text;
# nor a line break: distinct lines of many files come in no set order, and the text of one must
# never vanish into a tag opened on another; a tag written over lines leaves its words as text)
_BLOCK_TAG = re.compile(rb"</?" + _BLOCK + rb"[^<>\x00\n]*>", re.I)
# a `<` opens a tag only before a letter, `/`, `!` or `?`, as a browser reads it: `1 < 2` is text
_TAG = re.compile(rb"<[a-zA-Z/!?][^<>\x00\n]*>")
# a line break a reader does not see: any but one before a block element's tag (see `_runs`)
_SOFT_BREAK = re.compile(rb"\r?\n(?![ \t]*</?" + _BLOCK + rb")", re.I)
# html.unescape's own pattern, on bytes (a named reference is ASCII)
_REFERENCE = re.compile(rb"&(?:#[0-9]+;?|#[xX][0-9a-fA-F]+;?|[^\t\n\f <&#;\x00\x80-\xff]{1,32};?)")
_NON_ASCII = re.compile(rb"[\x80-\xff]+")
_URL = re.compile(r"(?:https?://|mailto:)[^\s<>\"'()\[\]{}|\\^`]+", re.I)
_SPACES = re.compile(rb"  +")
_SENTENCE_MARKS = b".!?;:"
# ASCII letters lowercase; digits, `_`, line breaks and UTF-8 bytes stay; the rest is a space
_WORD_BYTES = bytes(
    b + 32 if 65 <= b <= 90 else b if chr(b).isalnum() or b in b"_\n\x00" or b >= 128 else 32
    for b in range(256))
# the same, with the end of a sentence a line break (for cutting long texts into sentences)
_SENTENCE_BYTES = bytes(10 if b in _SENTENCE_MARKS else c for b, c in enumerate(_WORD_BYTES))


def _word_chars(text: str) -> bytes:
    """Word characters as a reader sees them (see `reading.word_chars`), as UTF-8."""
    return word_chars(text).encode()


@functools.lru_cache(maxsize=1 << 14)  # bounded: binary files hold any run of bytes
def _reference_in_words(reference: bytes) -> bytes:
    return _word_chars(html.unescape(reference.decode("ascii")))


@functools.lru_cache(maxsize=1 << 14)
def _reference_in_raw(reference: bytes) -> bytes:
    return html.unescape(reference.decode("ascii")).lower().encode()


@functools.lru_cache(maxsize=1 << 14)
def _non_ascii_in_words(run: bytes) -> bytes:
    return _word_chars(run.decode("utf-8", "replace"))


def _by_matched_bytes(handler: Callable[[bytes], bytes]) -> Callable[[re.Match[bytes]], bytes]:
    """A replacement for `re.sub` from a function of the matched bytes (cached above)."""
    return lambda match: handler(match[0])


_IN_WORDS = _by_matched_bytes(_reference_in_words)
_IN_RAW = _by_matched_bytes(_reference_in_raw)
_NON_ASCII_IN_WORDS = _by_matched_bytes(_non_ascii_in_words)


def _readable(data: bytes) -> bytes:
    """The text a reader sees in HTML: comments opened, inline tags gone, any other tag a line
    break, the text of the attributes a reader or a screen reader is shown (`title`, `alt`,
    `aria-label`, `content`, `placeholder`, `value`) on lines of their own, references
    resolved, then as `_seen`. Bytes throughout: each step is one pass in C over the whole text."""
    data = data.replace(b"<!--", b" ").replace(b"-->", b" ")
    shown = _SHOWN_ATTRIBUTE.findall(data) if b'="' in data else ()
    text = _TAG.sub(b"", _BLOCK_TAG.sub(b"\n", data))
    if shown:
        text += b"\n" + b"\n".join(shown)
    return _seen(_REFERENCE.sub(_IN_WORDS, text))


# the attributes whose text a page shows (a tooltip, an image's alternative, a label read aloud,
# a description search engines show), written as Python-Markdown and the theme write them
# (lowercase, as they write them: an editor's own raw HTML is public text, excused anyway)
_SHOWN_ATTRIBUTE = re.compile(rb'\s(?:title|alt|aria-label|content|placeholder|value)="([^"<>\n]*)"')


def _seen(text: bytes) -> bytes:
    """Plain text as a reader sees it: non-ASCII casefolded, what is not seen dropped, look-alike
    letters read as the letter (see `_word_chars`), any non-word character outside ASCII a space."""
    if text.isascii():
        return text
    # line by line: looking for non-ASCII bytes costs more than skipping an ASCII line
    return b"\n".join(line if line.isascii() else _NON_ASCII.sub(_NON_ASCII_IN_WORDS, line)
                      for line in text.split(b"\n"))


def words(data: bytes, markup: bool = True) -> bytes:
    """Readable text (HTML, or plain text if not `markup`) reduced to its words, lowercase,
    single-spaced, every line padded with spaces: a needle (` a few words `) matches whole
    words only, and never across a line, where words that merely stand next to each other on
    a page (a title, then the next item's summary) must not make a phrase."""
    readable = _readable(data) if markup else _seen(data)
    return _SPACES.sub(b" ", b" " + readable.translate(_WORD_BYTES).replace(b"\n", b" \n ") + b" ")


def lowered(data: bytes) -> bytes:
    """Raw text, references resolved, lowercase: where URLs and paths are looked for."""
    return _REFERENCE.sub(_IN_RAW, data).lower()


def _fragments(texts: list[str]) -> Iterator[tuple[int, bytes]]:
    """(index, needle) for the texts: whole short texts; for long ones the first and last words
    of each sentence. A text holding markup is also cut as plain text shows it (escaped)."""
    if not texts:  # a hub with no affiliate-only text
        return
    forms = [(i, t) for i, t in enumerate(texts)]
    forms += [(i, html.escape(t, quote=False)) for i, t in enumerate(texts) if "<" in t or "&" in t]
    joined = _readable(b"\x00".join(t.encode() for _, t in forms))
    for (index, _), text in zip(forms, joined.split(b"\x00"), strict=True):
        tokens = text.translate(_WORD_BYTES).split()
        if len(tokens) <= FRAGMENT_WORDS and b"\n" not in text.strip():
            if len(tokens) >= MIN_WORDS:
                yield index, b" " + b" ".join(tokens) + b" "
            continue
        for sentence in text.translate(_SENTENCE_BYTES).split(b"\n"):
            tokens = sentence.split()
            if len(tokens) >= MIN_FRAGMENT_WORDS:
                yield index, b" " + b" ".join(tokens[:FRAGMENT_WORDS]) + b" "
                yield index, b" " + b" ".join(tokens[-FRAGMENT_WORDS:]) + b" "
            elif len(tokens) >= MIN_WORDS:  # a short line (a list's item, a heading): whole
                yield index, b" " + b" ".join(tokens) + b" "


class Needle(NamedTuple):
    """Something only affiliates may read, and where it comes from (a tuple: a large hub has
    a hundred thousand, made three times faster than a frozen dataclass)."""

    text: str      # normalised: ` words ` (see `words`), or raw lowercase text (see `lowered`)
    origin: str    # e.g. `content/tools/affiliate-update.yml: title`
    raw: bool      # matched against raw file text (URLs, paths) rather than words
    pointer: bool = False  # an affiliate-only page's path: found, it is a leak, whoever says it


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


@dataclass(frozen=True)
class Material:
    """What the scan looks for: every affiliate-only piece of the hub, and what public
    material says (a text per line), which proves nothing when found."""

    needles: list[Needle]
    public: bytes

    @functools.cached_property
    def finder(self) -> Finder:
        """The needles' automatons, less the short needles (a link's title, a URL) public
        material also says: those can be on many pages and prove nothing. A longer needle is
        checked against public material only if the site holds it. A second or so of work at
        10,000 records: the build does it while the pages render, before the site exists."""
        short = Finder(n for n in self.needles if (n.raw or _short(n)) and not n.pointer)
        said = short.first_found(self.public_normalised)
        return Finder(n for n in self.needles if n.text not in said)

    @functools.cached_property
    def public_normalised(self) -> list[tuple[bytes, bytes]]:
        """What public material says, normalised as the site is (see `_normalised`)."""
        return list(_normalised(_pieces(self.public)))

    @functools.cached_property
    def public_lines(self) -> frozenset[bytes]:
        """Each line of what public material says, in words (see `words`)."""
        return frozenset(line for _, readable in self.public_normalised for line in readable.split(b"\n"))


def _short(needle: Needle) -> bool:
    return not needle.raw and needle.text.count(" ") <= SHORT_WORDS + 1


# A page's path is named wherever it is not followed by what would make it another path (a
# longer id): `tools/x/`, `tools/x?from=y`, `tools/x.`, `tools/x--`, `tools/x` at a line's end (a
# list of endings missed a sentence's `.`: review3 R3). An id holds `-` only between letters.
_ALNUM = frozenset(b"abcdefghijklmnopqrstuvwxyz0123456789")
_HYPHEN = ord("-")


def _whole(haystack: bytes, start: int, end: int) -> bool:
    """Whether `haystack[start:end]`, a page's path, is no part of a longer name or id: no letter
    or digit, nor `-` and one, right before or after it (as `hubgen.validate` reads a pointer)."""
    after, before = haystack[end:end + 2], haystack[max(0, start - 2):start]
    if after and (after[0] in _ALNUM or (after[0] == _HYPHEN and after[1:] and after[1] in _ALNUM)):
        return False
    return not before or not (before[-1] in _ALNUM or (
        before[-1] == _HYPHEN and len(before) == 2 and before[0] in _ALNUM))


def affiliate_material(full: Hub, public: Hub, chrome: bytes = b"") -> Material:
    """Every affiliate-only piece of `full`, and the public text of `public` (with `chrome`,
    the words hubgen's and the theme's templates put on every page: see `chrome_text`).

    What is looked for is read from the models themselves (`hubgen.models.leaves`): every text
    and address of every field, nested links, speakers, sessions and sections included, so a
    field added to a model later is looked for without being listed here."""
    found: dict[str, tuple[str, bool, bool]] = {}  # needle text: (origin, raw, pointer), least origin kept
    texts: list[str] = []
    origins: list[str] = []

    def keep(text: str, origin: str, raw: bool, pointer: bool = False) -> None:
        held = found.get(text)
        if held is None or origin < held[0]:
            found[text] = (origin, raw, pointer or bool(held and held[2]))

    def add(origin: str, text: str) -> None:
        if ":" in text:
            # a URL is looked for whole, in the raw text: its words (`org tools ...`) could
            # be any page's address
            for url in _URL.findall(text):
                keep(lowered(url.rstrip(".,;:!?").encode()).decode(), origin, True)
            text = _URL.sub("\n", text)
        texts.append(text)
        origins.append(origin)

    def page(path: str, origin: str) -> None:
        # a page the public site does not have: named there, however public text names it,
        # it points at affiliate-only material (never excused as a copy of public text)
        keep(lowered(path.encode()).decode(), origin, True, True)

    for entry in full.records.values():
        hidden = entry.audience == "affiliates"
        if hidden:
            page(entry.ref, f"{entry.path}: id")
        for leaf in leaves(entry.record):
            if hidden or leaf.audience == "affiliates":
                add(f"{entry.path}: {field_name(leaf.loc)}", leaf.text)
    public_series = {slug(e.record.series) for e in public.of_type("webinars") if e.record.series}
    for entry in full.of_type("webinars"):  # a series page only affiliate-only webinars are on
        if entry.record.series and slug(entry.record.series) not in public_series:
            page(f"webinars/series/{slug(entry.record.series)}", f"{entry.path}: series")
    shown = {theme.id for theme in public.themes}
    for index, theme in enumerate(full.themes):
        if theme.id not in shown:  # only affiliate-only records use it
            page(f"themes/{theme.id}", f"content/themes.yml: [{index}].id")
            for leaf in leaves(theme):
                add(f"content/themes.yml: [{index}].{field_name(leaf.loc)}", leaf.text)
    for index, fragment in _fragments(texts):
        keep(fragment.decode(), origins[index], False)
    # in order: an automaton is built faster from sorted needles
    return Material([Needle(text, *about) for text, about in sorted(found.items())],
                    _public_text(public) + b"\n" + chrome)


CHROME_FILES = (".j2", ".html", ".js")


def chrome_text(templates: Path | None = None, language: str = "en") -> bytes:
    """The words every page shows whatever the content: hubgen's templates (`templates/`) and
    Material's (its page templates and the language's labels). An affiliate-only session
    titled "Upcoming webinars" is no leak: the home page says so for everyone."""
    import material

    theme = Path(material.__file__).parent / "templates"
    paths = [p for p in sorted(theme.rglob("*.html")) if "languages" not in p.parts]
    paths += [theme / "partials" / "languages" / f"{name}.html" for name in ("en", language)]
    # and the scripts it publishes with every site, their source maps included ("The search index")
    paths += sorted(p for p in (theme / "assets" / "javascripts").rglob("*.js*") if p.is_file())
    if templates is not None and templates.is_dir():  # its scripts' words too ("Copy wording")
        paths += sorted(p for p in templates.rglob("*") if p.suffix in CHROME_FILES and p.is_file())
    texts = [path.read_bytes() for path in dict.fromkeys(paths) if path.is_file()]
    # Jinja's syntax ends a run of text, as a tag does on the page; comments are not what a
    # page shows (and a remark there is no excuse for affiliate-only text)
    return re.sub(rb"\{[{%#].*?[}%#]\}|<!--.*?-->", b"\n", b"\n".join(texts), flags=re.S)


class Finder:
    """Needles in Aho-Corasick automatons, matched on UTF-8 bytes: raw text (URLs, paths) in
    one, words in two, by length. A text named by several sources is looked for once and
    reported from the first.

    A needle of a few words (a link's title) may be said a million times across a large site,
    and each match costs a Python object. So `first_found`, which only asks whether a needle is
    anywhere, drops the short needles it has found as it goes: their automaton is small and
    built again in milliseconds."""

    def __init__(self, needles: Iterable[Needle]):
        unique: dict[str, Needle] = {}
        for needle in needles:
            unique.setdefault(needle.text, needle)
        self.needles = list(unique.values())
        self.ignored: set[str] = set()
        self.pointers = {n.text for n in self.needles if n.pointer}
        short = [n for n in self.needles if _short(n)]
        short_texts = {n.text for n in short}
        self.groups = [_Group([n for n in self.needles if n.raw], raw=True),
                       _Group([n for n in self.needles if not n.raw and n.text not in short_texts]),
                       _Group(short)]

    def ignore(self, texts: set[str]) -> None:
        """Stop reporting these needles (the automatons are kept, not built again); never a
        pointer's (see `Needle`)."""
        texts = texts - self.pointers
        self.ignored |= texts
        self.needles = [n for n in self.needles if n.text not in texts]

    def __len__(self) -> int:
        return len(self.needles)

    def __iter__(self) -> Iterator[Needle]:
        return iter(self.needles)

    def first_found(self, texts: Iterable[tuple[bytes, bytes]]) -> set[str]:
        """The texts of the needles found anywhere in `texts`, pairs of raw text (see `lowered`)
        and words (see `words`); each needle counts once, however often it is said."""
        found: set[str] = set()
        *kept, shrinking = self.groups  # a group is never changed: `without` makes a new one
        for raw, readable in texts:
            for group in (*kept, shrinking):
                found.update(group.found(raw, readable))
            shrinking = shrinking.without(found)
        return found - self.ignored

    def find(self, raw: bytes, readable: bytes) -> Iterator[Needle]:
        """Every match of a needle in `raw` (see `lowered`) and `readable` (see `words`)."""
        for group in self.groups:
            yield from (n for n in group.matches(raw, readable) if n.text not in self.ignored)


@dataclass
class _Group:
    """Needles of one kind (raw text or words) and their automaton."""

    needles: list[Needle]
    raw: bool = False

    def __post_init__(self) -> None:
        # contiguous: for a hundred thousand needles the library's default (a noncontiguous
        # automaton) reads text ten times slower, for a sixth less memory
        self.automaton = (BytesAhoCorasick([n.text.encode() for n in self.needles],
                                           implementation=Implementation.ContiguousNFA)
                          if self.needles else None)
        self.pointers = {i for i, n in enumerate(self.needles) if n.pointer}

    def _indexes(self, raw: bytes, readable: bytes) -> list[tuple[int, int, int]]:
        haystack = raw if self.raw else readable
        if self.automaton is None or not haystack:
            return []
        found = self.automaton.find_matches_as_indexes(haystack, overlapping=True)
        if not self.pointers:
            return found
        # a page's path counts where it is whole: not inside a longer id (`tools/x` in `tools/x-y/`)
        # or name (`devtools/x`), as `hubgen.validate` reads a pointer
        return [(i, start, end) for i, start, end in found
                if i not in self.pointers or _whole(haystack, start, end)]

    def matches(self, raw: bytes, readable: bytes) -> list[Needle]:
        return [self.needles[i] for i, _, _ in self._indexes(raw, readable)]

    def found(self, raw: bytes, readable: bytes) -> set[str]:
        return {self.needles[i].text for i in {i for i, _, _ in self._indexes(raw, readable)}}

    def without(self, texts: set[str]) -> _Group:
        """The group less the needles of `texts` (itself if it holds none of them)."""
        kept = [n for n in self.needles if n.text not in texts]
        return self if len(kept) == len(self.needles) else _Group(kept, self.raw)


# the public site's pages and files besides records, themes and listings (hubgen.views' plan)
SITE_PAGES = ("records", "themes", "search", "accessibility", "webinars/series")
SITE_FILES = ("", "feed.xml", "webinars.ics", "sitemap.xml", "robots.txt")


def _public_text(public: Hub) -> bytes:
    """Everything the public site's records, themes and settings say, a text per line (text
    holding markup also as plain text shows it, escaped), each title with the type label lists
    put after it (`Model supplier` then `Clause` reads `model supplier clause`), and what a
    record's card says beside its texts (`views.card_phrases`), and the address of each of its
    pages (an affiliate-only link to a public page is no leak)."""
    texts = [*_strings(_dump(public.settings)), *(s for t in public.themes for s in _strings(_dump(t)))]
    theme_titles = {t.id: t.title for t in public.themes}
    site = (site_url_for(public, "public") or "").rstrip("/")
    series = sorted({f"webinars/series/{slug(e.record.series)}" for e in public.of_type("webinars")
                     if e.record.series})
    pages = [*(e.ref for e in public.records.values()), *(f"themes/{t.id}" for t in public.themes), *TYPES,
             *SITE_PAGES, *series]
    texts += [f"{site}/{page}/" for page in pages] + [f"{site}/{name}" for name in SITE_FILES] if site else []
    for entry in public.records.values():
        texts.append(entry.ref + "/")
        texts.append(f"{entry.record.title} {TYPE_LABELS[entry.type][0]}")
        event = public.records.get(f"events/{entry.record.event}") if entry.type == "takeaways" else None
        texts += card_phrases(entry, theme_titles, event.record.ends if event else None)
        texts += _strings(_dump(entry.record))
    texts += [html.escape(text, quote=False) for text in texts if "<" in text or "&" in text]
    # a text written over lines is also said as one line, as a page shows a paragraph
    texts += [text.replace("\n", " ") for text in texts if "\n" in text]
    return "\n".join(texts).encode()  # a line each: no phrase runs from one text into the next


def scan_site(site: Path, material: Material | list[Needle], shown: str | None = None, *,
              files: Iterable[str] | None = None, read: Callable[[str, bytes], Any] | None = None
              ) -> list[Problem]:
    """One problem per output file and affiliate-only source that leaked into it: of every file
    of `site`, or of `files` (paths inside it) only. `read(name, data)` sees each file's bytes
    as they are read, for work that would otherwise read them again (see `hubgen.headers`).

    No needle spans a line, so each distinct line of the site is read once: most of a page
    (Material's header, navigation and footer, the items of listings) is the same on many
    pages, and the search index repeats the pages' paragraphs. What is found and public
    material also says is no leak; so a line public material says word for word (most of a
    page's text) holds nothing to look for. Only if anything else is found is the site read
    again file by file, so that every file holding it is named.
    """
    public = material.public_lines if isinstance(material, Material) else frozenset()
    finder = material.finder if isinstance(material, Material) else Finder(material)
    paths = _outputs(site) if files is None else [(name, os.path.join(site, name)) for name in files]
    if finder:
        found = _found_texts(paths, finder, public, read)
    else:  # nothing to look for; the reader still sees every file
        found = set()
        for name, path in paths:
            if read is not None and not name.endswith("/"):
                _file_text(name, path, read)
    if found and isinstance(material, Material):
        candidates = Finder(n for n in finder if n.text in found)
        said = candidates.first_found(material.public_normalised)
        finder.ignore(said)
        found -= said - finder.pointers
        if found:
            # the site leaks, and each file will be named: first set aside every needle public
            # material says, also those skipped above in lines it says word for word
            finder.ignore(finder.first_found(material.public_normalised))
    return _problems(paths, finder, shown or site.as_posix()) if found else []


CHUNK = 1 << 20  # bytes normalised at a time: a 60 MB search index is not copied whole 8 times


def _outputs(site: Path) -> list[tuple[str, str]]:
    """(name, file path) of everything under `site`, folders named with a trailing `/`, the
    pages before the search indexes, which repeat their lines."""
    found = []
    for folder, dirs, files in os.walk(site):
        rel = os.path.relpath(folder, site).replace(os.sep, "/")
        prefix = "" if rel == "." else rel + "/"
        found += [(f"{prefix}{name}/", os.path.join(folder, name)) for name in dirs]
        found += [(f"{prefix}{name}", os.path.join(folder, name)) for name in files]
    return sorted(found, key=lambda item: (".json" in item[0] or item[0].endswith(PAGEFIND_FILES), item[0]))


def _file_text(name: str, path: str, read: Callable[[str, bytes], Any] | None = None) -> bytes:
    """An output file's text, a run of text a line, as a reader sees it: an HTML page's
    paragraphs each on one line (see `_runs`); a calendar's folded lines unfolded and its
    escapes read; gzip opened; JSON reduced to its strings (one per line), and the blocks of
    the HTML in those strings (`</p> <p>`) on lines of their own, as on a page; the search
    index's files opened (see `_pagefind_text`)."""
    with open(path, "rb") as handle:
        data = handle.read()
    if read is not None:
        read(name, data)
    if name.endswith(".gz"):
        with contextlib.suppress(OSError, EOFError):
            data = gzip.decompress(data)
    if name.endswith(PAGEFIND_FILES):
        return _pagefind_text(name, data)
    kind = name.removesuffix(".gz").rpartition(".")[2]
    if kind in ("html", "htm", "xml", "svg"):
        return _runs(data)
    if kind == "ics":
        return _ICS_ESCAPE.sub(_ICS_CHARACTER, _ICS_FOLD.sub(b"", data))
    if kind == "json":
        with contextlib.suppress(ValueError):
            data = _lines(s.replace("\n", " ") for s in _strings(json.loads(data)))
        data = data.replace(b"> <", b">\n<")
    return data


def _runs(page: bytes) -> bytes:
    """An HTML page with each run of text a reader sees on one line: inside its `<article>`,
    where every editor's text is, a line break is a space unless a block element's tag follows
    it, so a paragraph written over two lines is read whole. The rest (the theme's header,
    navigation and footer, a tag a line, shared by every page) keeps its lines, each read once
    for the whole site; its line breaks stand only between tags."""
    start, end = page.find(b"<article"), page.rfind(b"</article>")
    if start < 0 or end < start:
        return _SOFT_BREAK.sub(b" ", page)
    return page[:start] + _SOFT_BREAK.sub(b" ", page[start:end]) + page[end:]


# A calendar (RFC 5545) folds its lines at 75 bytes, a line break and a space inside a word
# perhaps, and writes a line break, a comma and a semicolon in its text as `\n`, `\,`, `\;`.
_ICS_FOLD = re.compile(rb"\r?\n[ \t]")
_ICS_ESCAPE = re.compile(rb"\\([\\;,nN])")
_ICS_CHARACTER = _by_matched_bytes(lambda escape: b"\n" if escape in (b"\\n", b"\\N") else escape[1:])


# The search index's files (hubgen/search.py): gzip, then a signature, then JSON (a page's
# text, title, filters and metadata) or CBOR (words, filter values, metadata names).
PAGEFIND_FILES = (".pf_fragment", ".pf_index", ".pf_meta", ".pf_filter")
_BLOCK_END = re.compile(r"(?<=[.!?;:])\s+")  # where a fragment's text is cut (see `_pagefind_text`)


def _pagefind_text(name: str, data: bytes) -> bytes:
    """A Pagefind file opened, its strings one per line (see `_pagefind_texts`), escaped as
    HTML: they are plain text, where `<` opens no tag."""
    about, text = _pagefind_texts(name, data)
    if name.endswith(".pf_index"):
        return about
    return html.escape(b"\n".join((about, text)).decode("utf-8", "replace"), quote=False).encode()


def _pagefind_texts(name: str, data: bytes) -> tuple[bytes, bytes]:
    """A Pagefind file opened: its strings one per line, in two parts: a fragment's page
    address, filters and metadata, then its text; the other files' strings (filter values,
    metadata names), then nothing.

    A fragment holds its page's text as one string, the blocks joined, after a sentence mark
    where a block of some kinds ends in a letter (`Links. Public guide.`): it is cut there (a
    join with no mark is `_fragment_needles`' business). The word lists (`.pf_index`) hold one
    word a string, and a thousand numbers for each, which would take seconds to decode: no
    phrase can be in them, and an address is in their bytes as it is written, so their bytes
    are read as they are. So is a file that cannot be opened."""
    with contextlib.suppress(OSError, EOFError):
        data = gzip.decompress(data)
    data = data.removeprefix(PAGEFIND_SIGNATURE)
    if name.endswith(".pf_index"):
        return data, b""
    with contextlib.suppress(ValueError, cbor2.CBORDecodeError):
        if not name.endswith(".pf_fragment"):
            return _lines(_strings(cbor2.loads(data))), b""
        page = json.loads(data)
        page = page if isinstance(page, dict) else {"": page}
        content, url = page.pop("content", ""), page.get("url")
        # the page's address first (see `_fragment_needles`)
        about = _lines([url if isinstance(url, str) else "", *_strings(page)])
        return about, _lines(_BLOCK_END.split(content) if isinstance(content, str) else [])
    return data, b""


def _lines(texts: Iterable[str]) -> bytes:
    return "\n".join(texts).encode("utf-8", "replace")


def _fragment_needles(name: str, path: str, finder: Finder, read: Callable[[str, bytes], Any] | None = None
                      ) -> list[Needle]:
    """The needles in one page fragment of the search index, less those its page explains.

    Pagefind joins a page's blocks into one string, with a sentence mark only after a block of
    some kinds ending in a letter: the words ending one block and starting the next (a session's
    title in a `<summary>`, then its summary) can make a phrase the page never shows as one. A
    phrase found in the fragment's text was published by the index alone, unless the page holds
    the same words in a row, its blocks joined as Pagefind joins them. Its address, filters and
    metadata are strings of their own: what they hold is found as it is."""
    with open(path, "rb") as handle:
        data = handle.read()
    if read is not None:
        read(name, data)
    about, text = _pagefind_texts(name, data)
    if not _plain_needles(about + b"\n" + text, finder):  # as most fragments: looked for at once
        return []
    found, in_text = _plain_needles(about, finder), _plain_needles(text, finder)
    if any(not n.raw for n in in_text):
        joined = _joined_page(path.removesuffix(name), about.split(b"\n", 1)[0].decode("utf-8", "replace"))
        in_text = [n for n in in_text if n.raw or n.text.encode() not in joined]
    return found + in_text


def _plain_needles(text: bytes, finder: Finder) -> list[Needle]:
    """The needles in plain text (no tag, no character reference: what it says, it shows)."""
    return [n for piece in _pieces(text) for n in finder.find(piece.lower(), words(piece, markup=False))]


def _joined_page(site: str, url: str) -> bytes:
    """The words of the page at `url` of the site (from where its indexed text starts), every
    block joined to the next: ` word word ... `; nothing if there is no such page."""
    rel = url.split("#", 1)[0].lstrip("/")
    path = os.path.join(site, rel, "index.html") if not rel or rel.endswith("/") else os.path.join(site, rel)
    if ".." in rel.split("/") or not os.path.isfile(path):
        return b""
    with open(path, "rb") as handle:
        page = handle.read()
    page = page[max(page.find(b"data-pagefind-body"), 0):]
    return b" " + b" ".join(words(_runs(page)).split()) + b" "


def _found_texts(paths: list[tuple[str, str]], finder: Finder, public: frozenset[bytes] = frozenset(),
                 read: Callable[[str, bytes], Any] | None = None) -> set[str]:
    """The texts of the needles anywhere in the files `paths` (see `_outputs`), each distinct
    line read once, in words only if public material does not say it word for word (`public`);
    the search index's page fragments each on its own (see `_fragment_needles`)."""
    names = (lowered("\n".join(name for name, _ in paths).encode()), b"")
    kind = {name: _kind(name) for name, _ in paths}
    pieces = ((raw, b"\n".join(set(readable.split(b"\n")).difference(public)))
              for raw, readable in _normalised(_distinct_lines(
                  [(name, path) for name, path in paths if kind[name] == "text"], read)))
    addresses = ((lowered(piece), b"") for name, path in paths if kind[name] == "addresses"
                 for piece in _pieces(_file_text(name, path, read)))
    found = finder.first_found(itertools.chain([names], pieces, addresses))
    fragments = [(name, path) for name, path in paths if kind[name] == "fragment"]
    for name, path in fragments:
        found.update(n.text for n in _fragment_needles(name, path, finder, read))
    return found - finder.ignored


def _kind(name: str) -> str:
    """How a file of the site is read: a folder (`/`) by its name only; a fragment of the
    search index on its own (`_fragment_needles`); its word lists for addresses only (see
    `_pagefind_text`); any other file as text."""
    if name.endswith("/"):
        return "folder"
    if name.endswith(".pf_fragment"):
        return "fragment"
    return "addresses" if name.endswith(".pf_index") else "text"


def _distinct_lines(paths: list[tuple[str, str]], read: Callable[[str, bytes], Any] | None = None
                    ) -> Iterator[bytes]:
    """The lines of the files not seen in an earlier one, about CHUNK bytes at a time."""
    seen: set[bytes] = set()
    batch: list[bytes] = []
    size = 0
    for name, path in paths:
        data = _file_text(name, path, read)
        lines = set(data.split(b"\n"))
        lines -= seen
        seen |= lines
        batch += lines
        size += sum(map(len, lines))
        if size >= CHUNK:
            yield b"\n".join(batch)
            batch, size = [], 0
    yield b"\n".join(batch)


def _normalised(pieces: Iterable[bytes]) -> Iterator[tuple[bytes, bytes]]:
    return ((lowered(piece), words(piece)) for piece in pieces)


def _problems(paths: list[tuple[str, str]], finder: Finder, prefix: str) -> list[Problem]:
    problems = set()
    for rel, path in paths:
        hits = list(finder.find(lowered(rel.encode()), b""))
        kind = _kind(rel)
        if kind == "fragment":
            hits += _fragment_needles(rel, path, finder)
        elif kind != "folder":
            for piece in _pieces(_file_text(rel, path)):
                hits += finder.find(lowered(piece), words(piece) if kind == "text" else b"")
        for needle in hits:
            snippet = needle.text.strip()
            snippet = snippet if len(snippet) <= 60 else snippet[:57] + "..."
            problems.add(Problem(f"{prefix}/{rel.rstrip('/')}", 0, 0,
                                 f"holds affiliate-only material from {needle.origin}: \"{snippet}\""))
    return sorted(problems)


def _pieces(data: bytes) -> Iterator[bytes]:
    """`data` about CHUNK bytes at a time, never cut inside a line."""
    start = 0
    while start < len(data):
        end = data.find(b"\n", start + CHUNK)
        end = len(data) if end < 0 else end
        yield data[start:end]
        start = end + 1
