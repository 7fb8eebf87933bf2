"""Loopback helpers for the tests and the benchmark: free ports, fetching, stopping servers, a
static server on 127.0.0.1, and Debian's Chromium."""

from __future__ import annotations

import contextlib
import functools
import http.server
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


class _QuietHandler(http.server.SimpleHTTPRequestHandler):
    extra_headers: list[tuple[str, str]] = []

    def end_headers(self) -> None:
        for name, value in self.extra_headers:
            self.send_header(name, value)
        super().end_headers()

    def log_message(self, format: str, *args: object) -> None:  # noqa: A002
        pass


@contextlib.contextmanager
def serve_dir(root: Path, *, with_headers: bool = False) -> Iterator[str]:
    """Serve `root` on 127.0.0.1 at a free port; yields the base URL.

    With `with_headers`, every response carries the `/*` rule of the site's `_headers` file,
    as Netlify would send it.
    """
    from hubgen.headers import parse_headers_file

    rules = parse_headers_file((root / "_headers").read_text()) if with_headers else {}
    handler_class = type("Handler", (_QuietHandler,), {"extra_headers": rules.get("/*", [])})
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
