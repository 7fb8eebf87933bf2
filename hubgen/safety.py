"""Markdown that could run script, load anything from another host, or link anywhere but
https and mailto, is refused; so is Markdown that would take the parser too long.

Python-Markdown passes raw `<script>`, `onclick` through attribute lists, and `javascript:`
links straight into the page. Rather than guess with patterns, each Markdown field that could
hold HTML or a link is rendered with the same extensions the site uses, and the HTML is read
back as a browser reads it (html5ever, through nh3) and judged by an allow-list sanitizer
(ammonia, through nh3). What the sanitizer would remove is refused with its place, never
removed silently: the editor sees what the page would have held.
"""

from __future__ import annotations

import html
import posixpath
import re
import secrets
import string
import urllib.parse
from collections import Counter
from functools import lru_cache
from html.parser import HTMLParser

import markdown
import nh3

EXTENSIONS = ["admonition", "attr_list", "md_in_html", "def_list", "tables", "pymdownx.details"]
# Material's icons (`:material-check:` with its emoji functions) are drawn into the page as an
# `<svg>` of `<path>`s, and nothing else: that much SVG is allowed, each attribute holding only
# what a drawing needs (`_VALUES`), so no script, handler, link or style can ride along.
ICON_TAGS = frozenset({"svg", "path"})
# What Markdown and the extensions hubgen allows write, and nothing else.
ALLOWED_TAGS = frozenset({
    "a", "abbr", "b", "blockquote", "br", "caption", "cite", "code", "dd", "del", "details", "div",
    "dl", "dt", "em", "figcaption", "figure", "h1", "h2", "h3", "h4", "h5", "h6", "hr", "i", "img",
    "input", "ins", "kbd", "label", "li", "mark", "ol", "p", "pre", "q", "s", "small", "span",
    "strong", "sub", "summary", "sup", "table", "tbody", "td", "tfoot", "th", "thead", "tr", "u", "ul",
    *ICON_TAGS})
ALLOWED_ATTRIBUTES = {
    "*": {"class", "id", "title", "lang", "dir"},
    "a": {"href"}, "img": {"src", "alt", "width", "height"}, "ol": {"start"}, "details": {"open"},
    "th": {"style", "align"}, "td": {"style", "align"},
    # pymdownx.tabbed and pymdownx.tasklist write these; an input holds no address here
    "input": {"type", "name", "checked", "disabled"}, "label": {"for"}, "div": {"data-tabs", "style"},
    "svg": {"xmlns", "viewBox", "aria-hidden"}, "path": {"d", "style"},
}
URL_ATTRIBUTES = frozenset({"href", "src", "action", "formaction", "poster", "background", "cite",
                            "data", "xlink:href", "srcset", "ping", "manifest", "codebase"})
MEDIA_ATTRIBUTES = frozenset({"src", "srcset", "poster", "data", "background"})
SCRIPT_TAGS = frozenset({"script", "iframe", "frame", "frameset", "object", "embed", "applet", "base",
                         "link", "meta", "style", "form", "math", "template", "noscript"})
# Attributes allowed only with these values: (what they may hold, in words; the pattern).
_VALUES = {
    ("td", "style"): ("`text-align: left|right|center` (a table column's)",
                      re.compile(r"^text-align: (?:left|right|center);?$")),  # Python-Markdown's tables
    ("th", "style"): ("`text-align: left|right|center` (a table column's)",
                      re.compile(r"^text-align: (?:left|right|center);?$")),
    ("div", "style"): ("`width: N%` (a progress bar's, as pymdownx.progressbar writes it)",
                       re.compile(r"^width: ?\d{1,3}(?:\.\d+)?%;?$")),
    ("svg", "xmlns"): ("the SVG namespace", re.compile(r"^http://www\.w3\.org/2000/svg$")),
    ("svg", "viewbox"): ("four numbers", re.compile(r"^-?[\d.]+(?:[ ,]+-?[\d.]+){3}$")),
    ("svg", "aria-hidden"): ("`true`", re.compile(r"^true$")),
    ("path", "d"): ("a drawing (the letters of SVG's path commands and numbers)",
                    re.compile(r"^[MmZzLlHhVvCcSsQqTtAaEe\d\s,.+\-]*$")),
    ("path", "style"): ("`fill-opacity: N`", re.compile(r"^fill-opacity: ?[\d.]+;?$")),
}
_SCHEME = re.compile(r"^([a-z][a-z0-9+.\-]*):")
# a scheme starts a run of its letters: tried from inside a run, a long one without `:` (bare
# text is written without spaces) would be read again from each of its letters
_ANY_SCHEME = re.compile(r"(?<![a-z0-9+.\-])([a-z][a-z0-9+.\-]*):", re.I)
_TAG_NAME = re.compile(r"</?([A-Za-z][^\s/>\x00]*)")
_START_TAG = re.compile(r"<([A-Za-z][^\s/>\x00]*)")
# HTML needs `<`, an attribute list `{` (or pymdownx.blocks' `///` with its YAML `attrs:`), a
# link `](`, a reference definition `]:`; a scheme on its own is only text. Plain substring
# tests keep `check` fast on large hubs.
_MARKERS = ("<", "{", "](", "]:", "///")
# Python-Markdown reads ahead from each `[` for its `]` (and each `(` for its `)`): thousands
# never closed in one paragraph take it minutes to hours (30 KB of `[`). Few real paragraphs
# leave any open.
MAX_OPEN = 50
_PARAGRAPH = re.compile(r"\n[ \t]*\n")
# Its HTML reader reads ahead from each `<` followed by a letter (a tag's start, `<b`) or `</`
# and a letter (an end tag's) for a `>`. When one comes, anywhere after, the reader jumps there:
# 40 KB of `<b ` then a `>` take 0.02 s. When none does, it reads to the end of the text from
# each: 120 KB of `<a ` take hours (4,000 `a <b` with 100 characters between them, 2.5 s). A `<`
# before a space, digit or sign (`costs < 5%`, `x<5`, `<=`), `<!` and `<?` cost nothing.
# The limit holds for a whole record, since a page puts its fields one after another.
MAX_UNCLOSED = 20
_TAG_OPEN = re.compile(r"</?[A-Za-z]")
# Blocks inside blocks are read by recursion: 500 `- ` on one line exhaust Python's stack. Real
# text nests a few levels.
MAX_NESTING = 20
_DEEP_MARKERS = re.compile(rf"^[ \t]*(?:(?:[-*+>]|\d{{1,9}}[.)])[ \t]+){{{MAX_NESTING + 1},}}", re.M)
_DEEP_INDENT = re.compile(rf"^(?: {{4}}|\t){{{MAX_NESTING + 1},}}", re.M)
# Admonitions (`!!! note`) one after another take the reader quadratic time (20,000: 14 s).
MAX_ADMONITIONS = 200
_ADMONITION = re.compile(r"^[ \t]*(?:!!!|\?\?\?)", re.M)
# Inline markup costs the reader the paragraph's length again for each mark it finds: 100,000
# `<a>` in one paragraph take 48 s. Marks times length stays under this in a paragraph (about a
# tenth of a second), and under the second in a record's fields together (about two seconds a
# page that shows them: a takeaway's points are on its event's page too, in both sites).
MAX_INLINE_WORK = 100_000_000
MAX_RECORD_INLINE_WORK = 2_000_000_000
# and an event's page, which shows every takeaway of the event (about four seconds)
MAX_PAGE_INLINE_WORK = 2 * MAX_RECORD_INLINE_WORK
# (a hard line break, two spaces ending a line, is such a mark: 20,000 of them in 80 KB, 2.6 s a
# render; 40,000 in a body, 160 KB: a 50 s build)
_INLINE_MARKS = re.compile(r"[<*_`\[&\\]|  \n")
# A line inside a paragraph that is a block of its own (a heading, `# x` or underlined, a rule, a
# reference definition `[x]: ...`) cuts the paragraph there, and the reader tries every block rule
# on the rest of it again: 16,000 `# a` between lines of text (96 KB) kept the build busy over two
# minutes. Each costs what this many inline marks do (4,000 in 24 KB: 5 s).
BLOCK_BREAK_COST = 50
_BLOCK_BREAK = re.compile(r"^(?:#|[ \t]*(?:=+[ \t]*|(?:[-*_][ \t]*)+)$| {0,3}\[[^\]\n]*\]:)", re.M)
# A definition (`: ...`) under another with no blank line between them is read into it, each
# inside the one before: a few hundred in a paragraph exhaust Python's stack.
MAX_DEFINITIONS = 50
_DEFINITION = re.compile(r"^[ \t]*:[ \t]", re.M)


def url_scheme(url: str) -> str | None:
    """The scheme a browser would see: control characters and spaces inside it are ignored."""
    cleaned = re.sub(r"[\x00-\x20]", "", url).lower()
    match = _SCHEME.match(cleaned)
    return match.group(1) if match else None


def _as_browser_reads(url: str) -> str:
    """An address as a browser's URL parser reads it: spaces around it, tabs and line breaks in it
    dropped, `\\` read as `/` (so `/\\evil.example/a.png` is another host's)."""
    return re.sub(r"[\t\n\r]", "", url).strip("\x00 \x0c").replace("\\", "/")


# The pages of a site a record's text may link to, as the engine names them (docs/), from the
# record's page, `<folder>/<id>.md` (hubgen.views' plan). Whether that record, theme or series
# exists is `hubgen.validate`'s business; a link the engine resolves to anything else fails the
# build (review3: `foo.md`, `tools/x.md` from a page in tools/, `../records.md`, `../X.md`).
_ID = r"[a-z0-9]+(?:-[a-z0-9]+)*"
_HUB_PAGE = re.compile(rf"(?:index|search|accessibility)\.md|(?:records|themes|tools|webinars|clauses|events|"
                       rf"takeaways)/index\.md|(?:themes|tools|webinars|clauses|events|takeaways)/{_ID}\.md|"
                       rf"webinars/series/{_ID}\.md")
# a page's folder, which no path of the site can name: a link within it names a page the field
# is on only in one of the folders it is shown in (a takeaway's points are on its event's page)
_PAGE_FOLDER = "\x00"


def _unrecognized(href: str) -> bool:
    """A relative link or image the engine cannot resolve from a record's page (it refuses to
    build): one to no page of the hub, nor an absolute path, nor a place on the page (`#x`)."""
    target = re.sub(r"[\t\n\r]", "", href).strip("\x00 \x0c")
    if not target or target.startswith(("/", "\\", "#", "?")):
        return False
    path = urllib.parse.unquote(re.split(r"[#?]", target, maxsplit=1)[0])
    return not _HUB_PAGE.fullmatch(posixpath.normpath(posixpath.join(_PAGE_FOLDER, path)))


def _attribute_problem(tag: str, name: str, value: str) -> str | None:
    if name.startswith("on"):
        return f"the `{name}` attribute is not allowed (it runs script); remove it"
    if name in URL_ATTRIBUTES and value.strip():
        scheme = url_scheme(value)
        if scheme and scheme not in ("https", "mailto"):
            return (f"the link `{value.strip()}` uses `{scheme}:`; links must start with https:// "
                    "(or be a mailto: address)")
        if tag == "a" and name == "href" and not scheme and _unrecognized(value):
            return (f"the link `{value.strip()}` leads to no page of the hub (the site would refuse to "
                    "build); link to a record as `../tools/<id>.md` (its folder, then its id), to a place "
                    "on this page as `#heading`, or to another site with its full https:// address")
        if tag == "img" and name == "src" and not scheme and _unrecognized(value):
            return (f"the image `{value.strip()}` is no file of the site (the site would refuse to "
                    "build); link to it instead: [title](https://...)")
        if name in MEDIA_ATTRIBUTES and (scheme or _as_browser_reads(value).startswith("//")):
            if "emoji" in value.lower():
                return (f"an emoji picture would load from another host (`{value.strip()}`), which the "
                        "site never does (no third-party requests); type the emoji character itself, or "
                        "use one of Material's icons, drawn into the page (`:material-check:`)")
            return (f"`{value.strip()}` loads an image or media from another host, which the site "
                    "never does (no third-party requests); link to it instead: [title](address)")
    allowed = ALLOWED_ATTRIBUTES["*"] | ALLOWED_ATTRIBUTES.get(tag, set())
    if name not in allowed and name not in {a.lower() for a in allowed}:
        return f"the `{name}` attribute is not allowed on `<{tag}>`; remove it"
    rule = _VALUES.get((tag, name.lower()))
    if rule and not rule[1].match(value.strip()):
        shown = value.strip() if len(value.strip()) <= 60 else value.strip()[:57] + "..."
        return f"the `{name}` attribute on `<{tag}>` may hold only {rule[0]}, not `{shown}`; remove it"
    return None


class _Reader(HTMLParser):
    """Reads HTML as html5ever wrote it back (quoted, escaped, well-formed), so it sees
    what a browser sees."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.problems: list[str] = []
        self.in_icon = 0  # how many `<svg>` are open around what is read

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self._start(tag, attrs)
        if tag == "svg":
            self.in_icon += 1

    def handle_startendtag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self._start(tag, attrs)

    def handle_endtag(self, tag: str) -> None:
        if tag == "svg" and self.in_icon:
            self.in_icon -= 1

    def _start(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag in SCRIPT_TAGS:
            self.problems.append(f"raw HTML `<{tag}>` is not allowed; remove it (embed nothing: "
                                 "link to the page instead)")
            return  # its attributes go with it
        if self.in_icon and tag not in ICON_TAGS:
            self.problems.append(f"raw HTML `<{tag}>` is not allowed in an `<svg>`, which may draw only "
                                 "`<path>`s; remove it")
            return
        if tag not in ALLOWED_TAGS or (tag == "path" and not self.in_icon):
            self.problems.append(f"raw HTML `<{tag}>` is not allowed; remove it (write Markdown)")
            return
        for name, value in attrs:
            problem = _attribute_problem(tag, name, value or "")
            if problem:
                self.problems.append(problem)

    def handle_comment(self, data: str) -> None:
        if self.in_icon:
            return  # Font Awesome's icons carry their licence in one; inside an icon it hides nothing
        self.problems.append("holds an HTML comment or `<![CDATA[` / `<!...>` markup, which the page "
                             "would hide or read otherwise; remove it")

    def unknown_decl(self, data: str) -> None:
        self.handle_comment(data)

    handle_decl = handle_pi = unknown_decl


class _RawLinks(HTMLParser):
    """The relative addresses of the links in raw HTML, which the engine publishes as written."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.relative: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        for name, value in attrs:
            if tag == "a" and name == "href" and value and not url_scheme(value) and not (
                    _as_browser_reads(value).startswith(("/", "#", "?"))):
                self.relative.append(value.strip())

    handle_startendtag = handle_starttag


def _raw_link_problems(blocks: list[object]) -> list[str]:
    """A relative link written in raw HTML: the engine turns a Markdown link's `../tools/x.md` into
    the page's address, never an HTML one's, so it is published as written and leads nowhere
    (`hubgen links` then fails the pull request; review3)."""
    reader = _RawLinks()
    for block in blocks:
        if isinstance(block, str):
            reader.feed(block)
    reader.close()
    return [f"the link `{href}` is written in HTML, which the site publishes as it is, leading to no page; "
            "write it in Markdown: [title](../tools/<id>.md)"
            for href in reader.relative if not _unrecognized(href)]  # (those are refused as such)


def _keep(tag: str, name: str, value: str) -> str | None:
    """The sanitizer's verdict on one attribute (nh3's attribute_filter)."""
    return None if _attribute_problem(tag, name, value) else value


@lru_cache(maxsize=1)
def _sanitizer() -> nh3.Cleaner:
    return nh3.Cleaner(tags=set(ALLOWED_TAGS), attributes={k: set(v) for k, v in ALLOWED_ATTRIBUTES.items()},
                       attribute_filter=_keep, url_schemes={"https", "mailto"}, link_rel=None,
                       strip_comments=True)


def _as_parsed(page: str) -> str:
    """`page` as a browser parses it, written back with nothing removed: every tag, attribute,
    comment and address kept (any scheme written anywhere in it is allowed here)."""
    bare = re.sub(r"[\x00-\x20]", "", html.unescape(page))
    return nh3.clean(page, tags={t.lower() for t in _TAG_NAME.findall(page)} | ALLOWED_TAGS,
                     clean_content_tags=set(), attributes={},
                     generic_attribute_prefixes=set(string.ascii_lowercase) | set(string.digits) | {"_", ":"},
                     url_schemes={s.lower() for s in _ANY_SCHEME.findall(bare)} | {"https", "mailto"},
                     link_rel=None, strip_comments=False)


def _start_tags(page: str) -> list[str]:
    return [name.lower() for name in _START_TAG.findall(page)]


def html_problems(page: str) -> list[str]:
    """What in rendered HTML the allow-list refuses, in words; empty when it is all allowed."""
    parsed = _as_parsed(page)
    reader = _Reader()
    reader.feed(parsed)
    reader.close()
    problems = list(dict.fromkeys(reader.problems))
    # The sanitizer drops a whole element it finds out of its namespace (`<path onclick=...>` in
    # HTML, `<foreignObject>` in an `<svg>`), which a browser keeps: what the parsed page lost
    # the reader never saw, so it is refused here.
    lost = Counter(_start_tags(page)) - Counter(_start_tags(parsed))
    problems += [f"raw HTML `<{name}>` is not allowed here (a browser would read it otherwise than it is "
                 "written); remove it" for name in sorted(lost)]
    if not problems and _sanitizer().clean(page) != nh3.clean(
            parsed, tags=set(ALLOWED_TAGS) | {t.lower() for t in _TAG_NAME.findall(parsed)},
            clean_content_tags=set(), attributes={}, generic_attribute_prefixes=set(string.ascii_lowercase),
            url_schemes={"https", "mailto"}, link_rel=None, strip_comments=True):
        problems.append("holds HTML that a browser would read otherwise than it is written; remove "
                        "the raw HTML and write Markdown")
    return problems


def open_marks(text: str) -> str | None:
    """Why `text` would take the Markdown parser too long, or None."""
    if max(text.count("["), text.count("(")) > MAX_OPEN:
        for paragraph in _PARAGRAPH.split(text):
            for opening, closing in ("[]", "()"):
                if _most_open(paragraph, opening, closing) > MAX_OPEN:
                    return (f"has more than {MAX_OPEN} `{opening}` open at once in one paragraph; close "
                            f"each with `{closing}` or write `\\{opening}` for one that is text")
    if _DEEP_MARKERS.search(text) or _DEEP_INDENT.search(text):
        return (f"nests lists, quotes or indented blocks more than {MAX_NESTING} levels deep; a page needs "
                "a few: flatten it")
    if len(_ADMONITION.findall(text)) > MAX_ADMONITIONS:
        return (f"has more than {MAX_ADMONITIONS} notes (`!!!` or `???`), which makes the site's Markdown "
                "reader take minutes; split the text into records")
    unclosed = unclosed_problem(unclosed_tags(text))
    if unclosed:
        return unclosed
    if len(_DEFINITION.findall(text)) > MAX_DEFINITIONS and any(
            len(_DEFINITION.findall(paragraph)) > MAX_DEFINITIONS for paragraph in _PARAGRAPH.split(text)):
        return (f"has more than {MAX_DEFINITIONS} definitions (lines starting with `: `) in one paragraph, "
                "which the site's Markdown reader reads one inside the other until it fails; put a blank "
                "line after each definition")
    if len(text) * len(text) * (1 + BLOCK_BREAK_COST) > MAX_INLINE_WORK:  # only a long text can come near
        for paragraph in _PARAGRAPH.split(text):
            if _work(paragraph) > MAX_INLINE_WORK:
                return ("has a paragraph too long and full of markup (`*`, `_`, `<`, `[`, `&`... or headings "
                        "and rules between its lines) for the site's Markdown reader to read in a reasonable "
                        "time; split it into paragraphs (a blank line between them, and around each heading)")
    return None


def _work(paragraph: str) -> int:
    """What one paragraph costs the reader (see MAX_INLINE_WORK, BLOCK_BREAK_COST)."""
    marks = len(_INLINE_MARKS.findall(paragraph))
    breaks = len(_BLOCK_BREAK.findall(paragraph)) if "\n" in paragraph else 0
    return len(paragraph) * (marks + BLOCK_BREAK_COST * breaks)


def inline_work(text: str) -> int:
    """What `text`'s markup costs the reader (see MAX_INLINE_WORK), or for a line too short to come
    near, a bound of it that costs nothing to work out (a line holds one block at most)."""
    if len(text) < 10_000 and "\n" not in text:
        return len(text) * (len(text) + BLOCK_BREAK_COST)
    return sum(_work(paragraph) for paragraph in _PARAGRAPH.split(text))


def record_work_problem(work: int) -> str | None:
    """The problem with a record whose Markdown fields together cost the reader `work`."""
    if work <= MAX_RECORD_INLINE_WORK:
        return None
    return ("with this record's other Markdown fields, is too long and full of markup (`*`, `_`, `<`, "
            "`[`, `&`...) for the site's Markdown reader, which reads them on every page that shows "
            "them; split the record in two")


def unclosed_tags(text: str) -> int:
    """How many `<` in `text` start a tag (`<b`, `</b`) that no `>` after them closes."""
    return len(_TAG_OPEN.findall(text, text.rfind(">") + 1))


def unclosed_problem(count: int, where: str = "") -> str | None:
    """The problem with `count` unclosed tag starts (`where`: in what, when not the field)."""
    if count <= MAX_UNCLOSED:
        return None
    return (f"has more than {MAX_UNCLOSED} `<` followed by a letter (as in `a <b`) and no `>` after them"
            f"{where}, which makes the site's Markdown reader take minutes; write `&lt;` for a `<` that is "
            "text (`a &lt;b`), or put a space after it (`a < b`)")


def _most_open(text: str, opening: str, closing: str) -> int:
    """The most `opening` marks not yet closed at any point of `text`."""
    if text.count(opening) <= MAX_OPEN:
        return text.count(opening)
    most = depth = 0
    for char in text:
        if char == opening:
            depth += 1
            most = max(most, depth)
        elif char == closing and depth:
            depth -= 1
    return most


_setup: tuple[list[str], dict[str, dict]] = (list(EXTENSIONS), {})


def use_extensions(names: list[str], configs: dict[str, dict]) -> None:
    """Judge Markdown as the engine will render it: with the site's extensions (mkdocs.yml's,
    see `hubgen.config.markdown_setup`) rather than hubgen's defaults. An extension turns text
    into HTML (an emoji into a picture from a CDN, tabs into form inputs): the rule must see it."""
    global _setup, _always
    _setup = (list(names), dict(configs))
    _always = bool(TEXT_TO_HTML & set(names))
    _renderer.cache_clear()


# Extensions that make HTML from plain text (`:smile:` a picture, `www.x.org` a link): with any of
# them every Markdown field is rendered, not only those holding `<`, `{`, `](` or `]:`.
TEXT_TO_HTML = frozenset({"pymdownx.emoji", "pymdownx.magiclink", "wikilinks",
                          "markdown.extensions.wikilinks"})
_always = False


def text_becomes_html() -> bool:
    """Whether the site's extensions make HTML from plain text (`:smile:`, `www.x.org`): then
    even a title, written into a page's Markdown, can load from another host."""
    return _always


@lru_cache(maxsize=1)
def _renderer() -> markdown.Markdown:
    names, configs = _setup
    return markdown.Markdown(extensions=names, extension_configs=configs)


def markdown_problems(text: str) -> list[str]:
    """What in `text` could run script, load from another host or leave https, or would take
    the parser too long; empty when it is safe."""
    slow = open_marks(text)
    if slow:
        return [slow]
    if not _always and not any(marker in text for marker in _MARKERS):
        return []  # no HTML, attribute list or link at all: nothing to render
    renderer = _renderer()
    renderer.reset()
    # The page puts the next field after this one: a raw HTML block this field leaves open
    # (`<div>` never closed) would swallow it as HTML, unrendered, whatever check saw of it.
    # A paragraph of a word nobody can guess, after the field, must come out as a paragraph.
    after = f"hubgen{secrets.token_hex(8)}"
    try:
        page = renderer.convert(f"{text}\n\n{after}")
    except RecursionError:  # nesting the bounds above do not foresee
        return ["is nested too deeply for the site's Markdown reader; flatten it"]
    closed = f"<p>{after}</p>"
    problems = [] if closed in page else [
        "leaves raw HTML open (a tag such as `<div>` with no `</div>` in this field): the rest of the page "
        "would be read as HTML, not Markdown; close every tag you open within the field"]
    problems += html_problems(page.replace(closed, "").replace(after, ""))
    problems += _raw_link_problems(renderer.htmlStash.rawHtmlBlocks)
    # a reference definition is read by every field of the page, not only its own: `[x][g]`
    # in one field takes its address from `[g]: ...` in another
    for _, (url, _title) in sorted(renderer.references.items()):
        problem = _attribute_problem("a", "href", url)
        if problem:
            problems.append(problem)
    return list(dict.fromkeys(problems))
