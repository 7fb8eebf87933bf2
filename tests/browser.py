"""Loopback helpers for the tests and the benchmark: free ports, fetching, stopping servers, a
static server on 127.0.0.1, and Debian's Chromium."""

from __future__ import annotations

import contextlib
import functools
import gzip
import http.server
import io
import socket
import subprocess
import threading
import urllib.request
from collections.abc import Iterator
from pathlib import Path

from hubgen.child import end_process

CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
                 "--disable-component-update", "--no-first-run"]


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def fetch(url: str, timeout: float = 10) -> str:
    with urllib.request.urlopen(url, timeout=timeout) as response:
        return response.read().decode("utf-8")


def stop(process: subprocess.Popen) -> None:
    """Terminate a server process, killing it if it does not stop within 10 seconds."""
    end_process(process)
    for stream in (process.stdout, process.stderr):
        if stream:
            stream.close()


# What Netlify and the nginx recipe send compressed (deploy/nginx/hub-affiliates.conf, gzip_types).
COMPRESSED_TYPES = ("text/", "application/javascript", "application/json", "application/xml",
                    "application/atom+xml", "image/svg+xml")


class _QuietHandler(http.server.SimpleHTTPRequestHandler):
    extra_headers: list[tuple[str, str]] = []
    compress = False

    def end_headers(self) -> None:
        for name, value in self.extra_headers:
            self.send_header(name, value)
        super().end_headers()

    def send_head(self):  # noqa: ANN201 (the standard library's own signature)
        """With `compress`, text goes gzip-compressed to a client that accepts it, as the hosts send it."""
        path = Path(self.translate_path(self.path))
        if path.is_dir() and self.path.split("?")[0].endswith("/"):
            path = path / "index.html"
        wanted = "gzip" in self.headers.get("Accept-Encoding", "")
        if not (self.compress and wanted and path.is_file()
                and self.guess_type(str(path)).startswith(COMPRESSED_TYPES)):
            return super().send_head()  # as stored: redirects, 404s, images, or no compression asked
        body = gzip.compress(path.read_bytes(), compresslevel=6, mtime=0)
        self.send_response(200)
        self.send_header("Content-Type", self.guess_type(str(path)))
        self.send_header("Content-Encoding", "gzip")
        self.send_header("Vary", "Accept-Encoding")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        return io.BytesIO(body)

    def handle(self) -> None:
        # the browser may close a connection first (Lighthouse does between its passes)
        with contextlib.suppress(BrokenPipeError, ConnectionResetError):
            super().handle()

    def log_message(self, format: str, *args: object) -> None:  # noqa: A002
        pass


@contextlib.contextmanager
def serve_dir(root: Path, *, with_headers: bool = False, compress: bool = False) -> Iterator[str]:
    """Serve `root` on 127.0.0.1 at a free port; yields the base URL.

    With `with_headers`, every response carries the `/*` rule of the site's `_headers` file,
    as Netlify would send it; with `compress`, text is sent gzip-compressed, as Netlify and
    the nginx recipe send it.
    """
    from hubgen.headers import parse_headers_file

    rules = parse_headers_file((root / "_headers").read_text()) if with_headers else {}
    handler_class = type("Handler", (_QuietHandler,), {"extra_headers": rules.get("/*", []),
                                                        "compress": compress})
    handler = functools.partial(handler_class, directory=str(root))
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}/"
    finally:
        server.shutdown()
        server.server_close()


@contextlib.contextmanager
def chromium() -> Iterator[object]:
    """Debian's Chromium driven by Playwright; never a downloaded browser."""
    from playwright.sync_api import sync_playwright

    with sync_playwright() as pw:
        browser = pw.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        try:
            yield browser
        finally:
            browser.close()
