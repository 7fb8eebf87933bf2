"""Markdown that could run script, or link anywhere but https and mailto, is refused.

Python-Markdown passes raw `<script>`, `onclick` through attribute lists, and `javascript:`
links straight into the page. Rather than guess with patterns, each Markdown field that
could hold HTML or a link is rendered with the same extensions the site uses and the HTML
is read back.
"""

from __future__ import annotations

import re
from functools import lru_cache
from html.parser import HTMLParser

import markdown

EXTENSIONS = ["admonition", "attr_list", "md_in_html", "def_list", "tables", "pymdownx.details"]
FORBIDDEN_TAGS = frozenset({"script", "iframe", "frame", "frameset", "object", "embed", "applet",
                            "base", "link", "meta", "style", "form", "svg", "math", "template"})
URL_ATTRIBUTES = frozenset({"href", "src", "action", "formaction", "poster", "background", "cite",
                            "data", "xlink:href", "srcset", "ping"})
_SCHEME = re.compile(r"^([a-z][a-z0-9+.\-]*):")
# HTML needs `<`, an attribute list `{`, a link `](`, a reference definition `]:`; a scheme
# on its own is only text. Plain substring tests keep `check` fast on large hubs.
_MARKERS = ("<", "{", "](", "]:")


class _Inspector(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.problems: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag in FORBIDDEN_TAGS:
            self.problems.append(f"raw HTML `<{tag}>` is not allowed; remove it (embed nothing: "
                                 "link to the page instead)")
        for name, value in attrs:
            if name.startswith("on"):
                self.problems.append(f"the `{name}` attribute is not allowed (it runs script); remove it")
            elif name in URL_ATTRIBUTES and value:
                scheme = url_scheme(value)
                if scheme and scheme not in ("https", "mailto"):
                    self.problems.append(f"the link `{value.strip()}` uses `{scheme}:`; links must "
                                         "start with https:// (or be a mailto: address)")

    handle_startendtag = handle_starttag


def url_scheme(url: str) -> str | None:
    """The scheme a browser would see: control characters and spaces inside it are ignored."""
    cleaned = re.sub(r"[\x00-\x20]", "", url).lower()
    match = _SCHEME.match(cleaned)
    return match.group(1) if match else None


@lru_cache(maxsize=1)
def _renderer() -> markdown.Markdown:
    return markdown.Markdown(extensions=EXTENSIONS)


def markdown_problems(text: str) -> list[str]:
    """What in `text` could run script or leave https; empty when it is safe."""
    if not any(marker in text for marker in _MARKERS):
        return []  # no HTML, attribute list or link at all: nothing to render
    renderer = _renderer()
    renderer.reset()
    inspector = _Inspector()
    inspector.feed(renderer.convert(text))
    inspector.close()
    return list(dict.fromkeys(inspector.problems))
