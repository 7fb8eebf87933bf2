"""The self-hosting recipe, deploy/nginx/hub-affiliates.conf, run by Debian's nginx on a built site.

Only the listen address and the paths of the site, the htpasswd file and the headers snippet
are changed, so what is tested is the file affiliates copy.
"""

from __future__ import annotations

import base64
import contextlib
import gzip
import hashlib
import os
import re
import socket
import subprocess
import time
import urllib.error
import urllib.request
from collections.abc import Iterator
from pathlib import Path

import pytest

from hubgen.headers import parse_headers_file
from hubgen.project import Project
from tests.browser import stop
from tests.conftest import ENGINE, ROOT, run_hubgen

NGINX = "/usr/sbin/nginx"
RECIPE = ROOT / "deploy" / "nginx" / "hub-affiliates.conf"
USER, PASSWORD = "affiliate", "correct horse battery staple"


def ssha(password: str, salt: bytes) -> str:
    """An htpasswd hash nginx reads itself ({SSHA}: salted SHA-1), made without extra packages."""
    digest = hashlib.sha1(password.encode("utf-8") + salt).digest()
    return "{SSHA}" + base64.b64encode(digest + salt).decode("ascii")


def replace_once(text: str, old: str, new: str) -> str:
    assert text.count(old) == 1, f"{RECIPE.name} should have `{old}` exactly once"
    return text.replace(old, new)


def server_conf(port: int, site: Path, htpasswd: Path, snippet: Path, editor: Path) -> str:
    """The shipped server block with the test's address and paths."""
    text = RECIPE.read_text(encoding="utf-8")
    text, listens = re.subn(r"^(\s*)listen 80;$", rf"\1listen 127.0.0.1:{port};", text, flags=re.M)
    assert listens == 1, "the recipe should listen on port 80 on exactly one uncommented line"
    text = replace_once(text, "root /srv/hub/site/affiliates;", f"root {site};")
    text = replace_once(text, "auth_basic_user_file /etc/nginx/hub-affiliates.htpasswd;",
                        f"auth_basic_user_file {htpasswd};")
    text = replace_once(text, "include /etc/nginx/snippets/hub-affiliates-editor-headers.conf;",
                        f"include {editor};")
    return replace_once(text, "include /etc/nginx/snippets/hub-affiliates-headers.conf;",
                        f"include {snippet};")


def main_conf(tmp: Path, server: Path) -> str:
    """A whole nginx configuration of its own in `tmp`: no file of /etc/nginx but mime.types."""
    # A root master hands requests to `nobody` workers, who cannot read pytest's 0700 tmp_path.
    user = "user root;\n" if os.geteuid() == 0 else ""
    temp = "".join(f"    {kind}_temp_path {tmp / kind};\n"
                   for kind in ("client_body", "proxy", "fastcgi", "uwsgi", "scgi"))
    return (f"{user}worker_processes 1;\npid {tmp / 'nginx.pid'};\nerror_log {tmp / 'error.log'};\n"
            "events {}\n"
            "http {\n"
            "    include /etc/nginx/mime.types;\n"
            "    default_type application/octet-stream;\n"
            f"    access_log {tmp / 'access.log'};\n"
            f"{temp}"
            f"    include {server};\n"
            "}\n")


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@contextlib.contextmanager
def nginx(tmp: Path, site: Path) -> Iterator[str]:
    """Debian's nginx serving `site` with the recipe; yields the base URL."""
    if not Path(NGINX).exists():
        pytest.fail(f"{NGINX} is missing: run `make test`, which installs Debian's nginx")
    tmp.mkdir()
    htpasswd = tmp / "htpasswd"
    htpasswd.write_text(f"{USER}:{ssha(PASSWORD, os.urandom(8))}\n", encoding="utf-8")
    result = run_hubgen("headers", "--nginx", str(site))
    assert result.returncode == 0, result.stderr
    snippet = tmp / "headers.conf"
    snippet.write_text(result.stdout, encoding="utf-8")
    result = run_hubgen("headers", "--nginx", "--path", "/admin/", str(site))
    assert result.returncode == 0, result.stderr
    editor = tmp / "editor-headers.conf"
    editor.write_text(result.stdout, encoding="utf-8")
    port = free_port()
    (tmp / "server.conf").write_text(server_conf(port, site, htpasswd, snippet, editor), encoding="utf-8")
    (tmp / "nginx.conf").write_text(main_conf(tmp, tmp / "server.conf"), encoding="utf-8")

    process = subprocess.Popen([NGINX, "-p", str(tmp), "-c", str(tmp / "nginx.conf"),
                                "-e", str(tmp / "error.log"), "-g", "daemon off;"],
                               stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
    try:
        deadline = time.monotonic() + 20
        while True:
            if process.poll() is not None:
                log = (tmp / "error.log").read_text() if (tmp / "error.log").exists() else ""
                pytest.fail(f"nginx exited with {process.returncode}:\n{process.stdout.read()}{log}")
            with contextlib.suppress(OSError), socket.create_connection(("127.0.0.1", port), 0.5):
                break
            assert time.monotonic() < deadline, "nginx did not answer within 20 seconds"
            time.sleep(0.05)
        yield f"http://127.0.0.1:{port}"
    finally:
        stop(process)


class NoRedirect(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, *args, **kwargs):
        return None


OPENER = urllib.request.build_opener(NoRedirect)


def get(url: str, user: str | None = None, password: str | None = None):
    """(status, headers, body) of a GET, errors included."""
    request = urllib.request.Request(url)
    if user is not None:
        token = base64.b64encode(f"{user}:{password}".encode()).decode("ascii")
        request.add_header("Authorization", f"Basic {token}")
    try:
        with OPENER.open(request, timeout=10) as response:
            return response.status, response.headers, response.read()
    except urllib.error.HTTPError as error:
        with error:
            return error.code, error.headers, error.read()


PROTECTED = ["/", "/index.html", "/tools/qa-tool/", "/assets/hubgen.css", "/pagefind/pagefind-entry.json",
             f"/{ENGINE.sitemap}", "/robots.txt", "/404.html"]


def test_nginx_recipe_serves_the_affiliate_site_behind_a_password(built_tiny: Project,
                                                                   tmp_path: Path) -> None:
    site = built_tiny.site_dir("affiliates")
    expected = parse_headers_file((site / "_headers").read_text(encoding="utf-8"))["/*"]
    names = {name for name, _ in expected}
    assert {"Content-Security-Policy", "X-Content-Type-Options", "X-Robots-Tag"} <= names
    assert ("X-Content-Type-Options", "nosniff") in expected
    assert ("X-Robots-Tag", "noindex, nofollow") in expected
    page_404 = (site / "404.html").read_bytes()
    script = min(site.glob("assets/javascripts/*.js"))  # Material's bundle, its name hashed
    protected = [*PROTECTED, "/" + script.relative_to(site).as_posix()]
    checked = []

    def fetch(path: str, *credentials: str):
        status, headers, body = get(base + path, *credentials)
        for name, value in expected:  # once each, with the value of _headers
            assert headers.get_all(name) == [value], (path, status, name)
        checked.append(status)
        return status, headers, body

    with nginx(tmp_path / "nginx", site) as base:
        for path in protected:
            file = site / path.lstrip("/")
            wanted = (file / "index.html" if path.endswith("/") else file).read_bytes()
            for credentials in [(), (USER, "wrong password"), ("someone", PASSWORD)]:
                status, headers, body = fetch(path, *credentials)
                assert status == 401, (path, credentials)
                assert headers["WWW-Authenticate"] == 'Basic realm="Affiliates only"'
                assert body != wanted and b"qa-tool" not in body, path

            status, headers, body = fetch(path, USER, PASSWORD)
            assert (status, body == wanted) == (200, True), path

        assert fetch("/", USER, PASSWORD)[1]["Content-Type"].startswith("text/html")
        assert fetch("/assets/hubgen.css", USER, PASSWORD)[1]["Content-Type"] == "text/css"
        assert fetch("/pagefind/pagefind-entry.json", USER, PASSWORD)[1]["Content-Type"] == "application/json"
        # text is sent compressed to a browser that accepts it, as Netlify does
        request = urllib.request.Request(base + "/assets/hubgen.css", headers={"Accept-Encoding": "gzip"})
        token = base64.b64encode(f"{USER}:{PASSWORD}".encode()).decode("ascii")
        request.add_header("Authorization", f"Basic {token}")
        with OPENER.open(request, timeout=10) as response:
            assert response.headers["Content-Encoding"] == "gzip"
            assert gzip.decompress(response.read()) == (site / "assets/hubgen.css").read_bytes()

        # A missing page: the password first, then the site's own 404 page with status 404.
        assert fetch("/no/such/page/")[0] == 401
        status, _, body = fetch("/no/such/page/", USER, PASSWORD)
        assert (status, body) == (404, page_404)

        # Netlify's _headers file exists in the site but is never served.
        assert (site / "_headers").is_file()
        assert fetch("/_headers")[0] == 401
        status, _, body = fetch("/_headers", USER, PASSWORD)
        assert (status, body) == (404, page_404)

    assert {200, 401, 404} <= set(checked)


def test_nginx_serves_the_web_editor_with_its_own_headers(built_tiny: Project, tmp_path: Path) -> None:
    site = built_tiny.site_dir("affiliates")
    rules = parse_headers_file((site / "_headers").read_text(encoding="utf-8"))
    expected = {**dict(rules["/*"]), **dict(rules["/admin/*"])}
    assert expected["Content-Security-Policy"] != dict(rules["/*"])["Content-Security-Policy"]
    with nginx(tmp_path / "nginx", site) as base:
        for path, file in (("/admin/", "index.html"), ("/admin/decap-cms.js", "decap-cms.js"),
                           ("/admin/config.yml", "config.yml")):
            assert get(base + path)[0] == 401, path
            status, headers, body = get(base + path, USER, PASSWORD)
            assert (status, body) == (200, (site / "admin" / file).read_bytes()), path
            for name, value in expected.items():
                assert headers.get_all(name) == [value], (path, name)
        # the rest of the site keeps its own policy
        _, headers, _ = get(base + "/", USER, PASSWORD)
        assert headers["Content-Security-Policy"] == dict(rules["/*"])["Content-Security-Policy"]
