"""Check a built site's links: internal links and anchors must resolve; external ones are listed."""

from __future__ import annotations

import posixpath
from dataclasses import dataclass
from html.parser import HTMLParser
from pathlib import Path
from urllib.parse import unquote, urlsplit

from hubgen.errors import Problem


class _Page(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.ids: set[str] = set()
        self.links: list[tuple[str, int]] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        found = dict(attrs)
        for key in ("id", "name"):
            if found.get(key) and (key == "id" or tag == "a"):
                self.ids.add(found[key])
        for key in ("href", "src"):
            value = found.get(key)
            if value is not None and not (tag == "link" and found.get("rel") in ("canonical",)):
                self.links.append((value, self.getpos()[0]))


@dataclass
class LinkReport:
    broken: list[Problem]
    external: list[str]


def _parse(path: Path) -> _Page:
    page = _Page()
    page.feed(path.read_text(encoding="utf-8", errors="replace"))
    return page


def check_links(site: Path, shown: str) -> LinkReport:
    """Every href and src of every page: files inside the site must exist (broken), and anchors
    should (a missing one is a warning: `Problem.is_warning`)."""
    pages = {p.relative_to(site).as_posix(): p for p in sorted(site.rglob("*.html"))}
    parsed = {rel: _parse(path) for rel, path in pages.items()}
    broken, external = [], set()
    for rel, page in parsed.items():
        for link, line in page.links:
            parts = urlsplit(link)
            if parts.scheme or link.startswith("//"):
                if parts.scheme in ("https", "http"):
                    external.add(link)
                continue
            if not parts.path and not parts.fragment:
                continue
            target = posixpath.normpath(posixpath.join(posixpath.dirname(rel), unquote(parts.path))) \
                if parts.path else rel
            if parts.path.startswith("/"):
                target = unquote(parts.path).lstrip("/")  # from the site's root (404 page)
            target = target.lstrip("./") if target.startswith("./") else target
            if parts.path.endswith("/") or (site / target).is_dir():
                target = posixpath.join(target, "index.html")
            if target.startswith("..") or not (site / target).is_file():
                broken.append(Problem(f"{shown}/{rel}", line, 1, f"link to `{link}`: no such file"))
                continue
            if parts.fragment and target.endswith(".html"):
                ids = parsed[target].ids if target in parsed else _parse(site / target).ids
                if unquote(parts.fragment) not in ids:
                    # a warning, as in the build (`validation.links.anchors: info`): the link
                    # still opens its page, at the top
                    broken.append(Problem(f"{shown}/{rel}", line, 1,
                                          f"link to `{link}`: no anchor `#{parts.fragment}` there; "
                                          "the link opens the page at its top", severity="warning"))
    return LinkReport(sorted(set(broken)), sorted(external))


def built_dir(path: str) -> str:
    """The folder a page of docs/ is served from (`tools/x.md` -> `tools/x/`, `tools/index.md`
    -> `tools/`, `index.md` -> ``): MkDocs' directory URLs, which hubgen always uses."""
    if path.endswith(".md"):
        stem = path[:-3]
        if stem == "index" or stem.endswith("/index"):
            stem = stem[:-5]
        return stem if not stem or stem.endswith("/") else stem + "/"
    return path


def page_url(target: str, up: str, known: frozenset[str]) -> str:
    """A link hubgen writes into a page's HTML, from the page's folder (`up` leads to the site's
    root) to `target`, a page or file of docs/. The engine checks links only in Markdown, so
    hubgen checks these itself: a target the variant does not have is a bug in a template."""
    if target not in known:
        raise LookupError(f"a link to `{target}`, which this site does not have")
    return (up + built_dir(target)) or "./"
