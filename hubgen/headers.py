"""Security headers and robots rules for a built site: `_headers` (Netlify) and `robots.txt`.

Material's pages carry small inline scripts whose text differs with page depth; rather than
allow every inline script, their SHA-256 hashes are read from the built pages into the CSP:
only those the theme's own templates write (`theme_written`), so that a script that reached a
page any other way (an editor's text written unescaped by some template) stays blocked, and
fails the build.
"""

from __future__ import annotations

import base64
import functools
import hashlib
import importlib.util
import os
import re
from collections.abc import Iterable, Iterator
from functools import partial
from pathlib import Path

from hubgen.child import side_by_side
from hubgen.errors import HubError, Problem
from hubgen.project import Variant

NOINDEX = "noindex, nofollow"
PARALLEL_FROM = 2000  # pages; below, a second process costs more than it saves


def inline_scripts(page: bytes) -> Iterator[bytes]:
    """The text of each inline script (a `<script>` without `src`) of an HTML page, found by
    `bytes.find`: a pattern takes three times as long over a page of 20 KB. A script written
    `<SCRIPT` is missed and gets no hash, so the browser refuses it: a miss fails safe."""
    for piece in page.split(b"<script")[1:]:
        end = piece.find(b">")
        if end < 0 or (piece[:1] not in b" \t\n\r/>") or b"src=" in piece[:end]:
            continue
        if _DATA_TYPE.search(piece[:end]):  # data (Material's `__config`), never run
            continue
        close = piece.find(b"</script>", end)
        if close >= 0:
            yield piece[end + 1:close]


# a `type` that is not JavaScript's: the browser never runs such a script, nor needs its hash
_JAVASCRIPT = rb"(?:text/javascript|module|application/javascript)"
_DATA_TYPE = re.compile(rb"""\stype\s*=\s*(?!["']?""" + _JAVASCRIPT + rb"""(?:["'\s>]|$))""", re.I)


@functools.cache
def _theme_scripts() -> tuple[re.Pattern[bytes], ...]:
    """The inline scripts the theme's templates write (`<script>...</script>`, no `{% %}`
    inside), as patterns: a `{{ ... }}` in one stands for a path (letters, digits, `.`, `/`,
    `-`, `_`), which can neither leave the JavaScript string it is written in nor name another
    scheme (`new URL("{{ base_url }}",location)`). The theme is Material's, or Zensical's own copy of
    it when Zensical builds the site."""
    found = set()
    packages = (importlib.util.find_spec(name) for name in ("material", "zensical"))
    roots = [Path(spec.origin).parent / "templates" for spec in packages if spec and spec.origin]
    # (not redirect.html: the redirects plugin's page, which hubgen never makes, would run
    # `location.replace` on any address a {{ }} stood for)
    for path in sorted(p for root in roots for p in root.rglob("*.html") if p.name != "redirect.html"):
        for body in re.findall(rb"<script>(.*?)</script>", path.read_bytes(), re.S):
            if b"{%" not in body:
                found.add(body.strip())
    return tuple(re.compile(_VALUE.join(map(re.escape, re.split(rb"\{\{.*?\}\}", body))))
                 for body in sorted(found))


_VALUE = rb"[\w./-]*"  # a path (`../..`, `/`): no quote, no scheme, nothing that could leave its string


def theme_written(script: bytes) -> bool:
    """Whether an inline script is one the theme's templates write (see `_theme_scripts`)."""
    return any(pattern.fullmatch(script.strip()) for pattern in _theme_scripts())


def foreign_scripts(scripts: Iterable[bytes], shown: str) -> list[Problem]:
    """A problem for each inline script of the site's pages that the theme did not write, on
    the first page it was seen on (if `scripts` knows: see `PageScripts`)."""
    where = getattr(scripts, "pages", {})
    return [Problem(f"{shown}/{where[script]}" if script in where else shown, 0, 0,
                    f"holds an inline script no template of the theme writes "
                    f"(`{script.strip()[:60].decode('utf-8', 'replace')}`), which the site's security "
                    "headers will not allow. If it holds text of a record, a template writes that text "
                    "unescaped: report it as a bug of hubgen, with this page. If the hub's own templates "
                    "add it, move it into a file under templates/assets/.")
            for script in sorted(set(scripts)) if not theme_written(script)]


class PageScripts(set[bytes]):
    """The distinct inline scripts of the pages shown to it (`saw(name, data)`), for a caller
    that reads every file of a site anyway (the leak scan), and the first page each was on."""

    def __init__(self, scripts: Iterable[bytes] = ()) -> None:
        super().__init__(scripts)
        self.pages: dict[bytes, str] = {}

    def saw(self, name: str, data: bytes) -> None:
        if name.endswith(".html"):
            for script in inline_scripts(data):
                self.add(script)
                self.pages.setdefault(script, name)


def page_scripts(site: Path, processes: int = 1) -> PageScripts:
    """The distinct inline scripts of the site's pages, read by `processes` side by side (the
    affiliate site is read when its engine has ended and the cores are free)."""
    pages = [os.path.join(folder, name) for folder, _, files in os.walk(site)
             for name in files if name.endswith(".html")]
    if processes < 2 or len(pages) < PARALLEL_FROM:
        return _scripts_of(site, pages)
    found, _ = side_by_side([partial(_scripts_of, site, pages[i::processes]) for i in range(processes)])
    scripts = PageScripts()
    for some in found:
        scripts |= some
        for script, page in some.pages.items():
            scripts.pages.setdefault(script, page)
    return scripts


def _scripts_of(site: Path, pages: list[str]) -> PageScripts:
    scripts = PageScripts()
    for path in pages:
        with open(path, "rb") as page:
            scripts.saw(os.path.relpath(path, site).replace(os.sep, "/"), page.read())
    return scripts


def script_hashes(scripts: Iterable[bytes]) -> list[str]:
    """CSP source expressions for these scripts (UTF-8 bytes, which is what the browser hashes)."""
    return sorted("'sha256-" + base64.b64encode(hashlib.sha256(s).digest()).decode("ascii") + "'"
                  for s in set(scripts))


def content_security_policy(site: Path, scripts: Iterable[bytes] | None = None) -> str:
    """A policy Material's pages and the hub's search work under: everything from the site
    itself, nothing else; inline scripts are allowed by hash, those of the site's pages unless
    `scripts` are given."""
    # 'wasm-unsafe-eval' lets the search (Pagefind, from this site) compile its WebAssembly;
    # it allows no eval() of text
    found = page_scripts(site) if scripts is None else scripts
    scripts = " ".join(["'self'", "'wasm-unsafe-eval'", *script_hashes(s for s in found if theme_written(s))])
    return "; ".join([
        "default-src 'self'",
        f"script-src {scripts}",
        "style-src 'self'",
        "img-src 'self' data:",
        "font-src 'self'",
        "connect-src 'self'",
        "worker-src 'self'",
        "manifest-src 'self'",
        "object-src 'none'",
        "base-uri 'self'",
        "form-action 'self'",
        "frame-ancestors 'none'",
    ])


def security_headers(site: Path, variant: Variant, scripts: Iterable[bytes] | None = None
                     ) -> list[tuple[str, str]]:
    """The headers every response of the site carries, in order (see `content_security_policy`)."""
    headers = [
        ("Content-Security-Policy", content_security_policy(site, scripts)),
        ("X-Content-Type-Options", "nosniff"),
        ("X-Frame-Options", "DENY"),
        ("Referrer-Policy", "no-referrer" if variant == "affiliates" else "strict-origin-when-cross-origin"),
        ("Permissions-Policy", "accelerometer=(), camera=(), geolocation=(), gyroscope=(), "
                               "magnetometer=(), microphone=(), payment=(), usb=(), interest-cohort=()"),
        ("Cross-Origin-Opener-Policy", "same-origin"),
    ]
    if variant == "affiliates":
        headers += [("X-Robots-Tag", NOINDEX), ("Cache-Control", "private, no-store")]
    return headers


def headers_file(headers: list[tuple[str, str]]) -> str:
    """Netlify's `_headers` format: one rule for every path."""
    return "/*\n" + "".join(f"  {name}: {value}\n" for name, value in headers)


def parse_headers_file(text: str) -> dict[str, list[tuple[str, str]]]:
    """Read a `_headers` file back: path pattern -> headers (used by `hubgen headers` and tests)."""
    rules: dict[str, list[tuple[str, str]]] = {}
    current: list[tuple[str, str]] | None = None
    for line in text.splitlines():
        if not line.strip() or line.lstrip().startswith("#"):
            continue
        if not line[0].isspace():
            current = rules.setdefault(line.strip(), [])
        elif current is not None and ":" in line:
            name, value = line.strip().split(":", 1)
            current.append((name.strip(), value.strip()))
    return rules


def robots_txt(variant: Variant, site_url: str | None, indexable: bool = True) -> str:
    if variant == "affiliates" or not indexable:
        return "User-agent: *\nDisallow: /\n"
    sitemap = f"Sitemap: {site_url.rstrip('/')}/sitemap.xml\n" if site_url else ""
    return "User-agent: *\nAllow: /\n" + sitemap


def nginx_snippet(headers: list[tuple[str, str]]) -> str:
    """The same headers as nginx `add_header` lines, for self-hosting."""
    lines = ["# Generated by `hubgen headers --nginx`: the site's security headers."]
    for name, value in headers:
        if name == "Basic-Auth":
            continue
        escaped = value.replace("\\", "\\\\").replace('"', '\\"')
        lines.append(f'add_header {name} "{escaped}" always;')
    return "\n".join(lines) + "\n"


SITE_FILES = ("_headers", "robots.txt")  # what `write_site_headers` adds


def write_site_headers(site: Path, variant: Variant, site_url: str | None,
                       scripts: Iterable[bytes] | None = None, shown: str | None = None) -> None:
    """Add `_headers` and `robots.txt` to a freshly built site (with the hashes of `scripts`, if
    given, rather than of the inline scripts its pages are read for). A HubError if a page holds
    an inline script the theme did not write (`shown` names the site)."""
    scripts = page_scripts(site) if scripts is None else scripts
    problems = foreign_scripts(scripts, shown or f"site/{variant}")
    if problems:
        raise HubError(problems)
    (site / "_headers").write_text(headers_file(security_headers(site, variant, scripts)), encoding="utf-8")
    (site / "robots.txt").write_text(robots_txt(variant, site_url), encoding="utf-8")


# The web editor at /admin/ of the affiliate site (cms.py): a program of its own with needs of
# its own, so a rule of its own after `/*` (Netlify applies the later rule's value of a header
# both rules set). Decap CMS styles its page with inline styles and shows images from memory
# (blob:); it compiles code from text (see the script rule); it talks to GitHub's API, and
# signs in through Netlify's GitHub login in a pop-up window, which must keep its link to the
# page that opened it.
EDITOR_API = "https://api.github.com"
EDITOR_IMAGES = "https://avatars.githubusercontent.com"


def editor_security_policy(connect: Iterable[str] = (EDITOR_API,)) -> str:
    """What the editor's page may load: its own files, GitHub's API (or, locally, decap-server:
    `connect`), the user's avatar; no other script, no frame, no plug-in."""
    return "; ".join([
        "default-src 'self'",
        # Decap checks its configuration with ajv, which compiles the schema with `new Function`
        "script-src 'self' 'unsafe-eval'",
        "style-src 'self' 'unsafe-inline'",
        f"img-src 'self' data: blob: {EDITOR_IMAGES}",
        "font-src 'self' data:",
        f"connect-src 'self' {' '.join(connect)}",
        "frame-src 'self' blob:",
        "worker-src 'self' blob:",
        "object-src 'none'",
        "base-uri 'self'",
        "form-action 'self'",
        "frame-ancestors 'none'",
    ])


def editor_headers(connect: Iterable[str] = (EDITOR_API,)) -> list[tuple[str, str]]:
    """The headers of the editor's files that differ from the site's (see `security_headers`)."""
    return [("Content-Security-Policy", editor_security_policy(connect)),
            ("Cross-Origin-Opener-Policy", "same-origin-allow-popups")]


def editor_headers_rule(path: str) -> str:
    """The editor's `_headers` rule, for the files under `path` (e.g. `/admin/*`)."""
    return rule_text(path, editor_headers())


def headers_for(rules: dict[str, list[tuple[str, str]]], prefix: str) -> list[tuple[str, str]]:
    """The headers Netlify sends for files under `prefix`: those of every rule that covers it
    (`/*`, then e.g. `/admin/*`), a later rule's value of a header replacing an earlier one's."""
    merged: dict[str, str] = {}
    for path, headers in rules.items():
        if path == "/*" or (path.endswith("/*") and prefix.startswith(path[:-1])):
            merged.update(headers)
    return list(merged.items())


def rule_text(path: str, headers: list[tuple[str, str]]) -> str:
    """One rule of a `_headers` file."""
    return f"{path}\n" + "".join(f"  {name}: {value}\n" for name, value in headers)
