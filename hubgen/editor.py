"""`hubgen edit`: the web editor on 127.0.0.1, writing into this checkout through decap-server.

decap-server (npm, pinned in package.json) is Decap CMS's own local backend: it reads and
writes the repository the editor is pointed at. In its `fs` mode it writes the files straight
into content/ (for someone at their own machine, who then commits); in its `git` mode each
saved entry becomes a branch `cms/<collection>/<id>`, as the editorial workflow on GitHub does
(the end-to-end test uses that, in a scratch repository).
"""

from __future__ import annotations

import contextlib
import functools
import http.server
import os
import shutil
import subprocess
import threading
import time
import urllib.error
import urllib.request
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Literal

from hubgen.child import end_process
from hubgen.cms import cms_config, dist_dir, editor_files, render_config
from hubgen.errors import HubError
from hubgen.headers import editor_headers, security_headers
from hubgen.project import Project
from hubgen.validate import load_settings

HOST = "127.0.0.1"
Mode = Literal["fs", "git"]


@dataclass(frozen=True)
class Editor:
    """A running local editor: open `url`; decap-server answers at `backend`."""

    url: str
    backend: str


def decap_server(project: Project) -> Path:
    dist = dist_dir(project)
    server = dist.parent.parent / "decap-server" / "dist" / "index.js" if dist else None
    if server is None or not server.is_file():
        raise HubError("the web editor's files are missing: run `npm ci` in the hub's folder "
                       "(it installs Decap CMS and decap-server from package.json)")
    return server


@contextlib.contextmanager
def running_editor(project: Project, port: int = 8300, backend_port: int = 8081,
                   mode: Mode = "fs") -> Iterator[Editor]:
    """decap-server on `backend_port` and the editor's page on `port`, both on 127.0.0.1,
    for as long as the context lasts."""
    node = shutil.which("node")
    if node is None:
        raise HubError("`node` is not installed: the web editor's local server needs Node.js 20")
    server = decap_server(project)
    settings = load_settings(project)
    backend = f"http://{HOST}:{backend_port}/api/v1"
    files = {name: path.read_bytes() for name, path in editor_files(dist_dir(project)).items()}
    files["config.yml"] = render_config(cms_config(settings, local_backend=backend)).encode("utf-8")
    env = {**os.environ, "PORT": str(backend_port), "BIND_HOST": HOST, "MODE": mode,
           "GIT_REPO_DIRECTORY": str(project.root), "LOG_LEVEL": "warn"}
    process = subprocess.Popen([node, str(server)], env=env, cwd=project.root,
                               stdin=subprocess.DEVNULL)
    page = _page_server(files, port, backend)
    thread = threading.Thread(target=page.serve_forever, daemon=True)
    thread.start()
    try:
        _wait_for_backend(backend, process)
        yield Editor(f"http://{HOST}:{page.server_address[1]}/", backend)
    finally:
        page.shutdown()
        page.server_close()
        end_process(process)


def _page_server(files: dict[str, bytes], port: int, backend: str) -> http.server.ThreadingHTTPServer:
    # the affiliate site's headers with the editor's own rule on top, as Netlify applies them
    headers = dict(security_headers(Path("."), "affiliates", scripts=[]))
    headers.update(editor_headers(connect=[backend]))
    handler = functools.partial(_EditorHandler, files=files, headers=list(headers.items()))
    return http.server.ThreadingHTTPServer((HOST, port), handler)


class _EditorHandler(http.server.BaseHTTPRequestHandler):
    TYPES = {".html": "text/html; charset=utf-8", ".js": "text/javascript; charset=utf-8",
             ".yml": "text/yaml; charset=utf-8", ".wasm": "application/wasm",
             ".css": "text/css; charset=utf-8",
             ".txt": "text/plain; charset=utf-8"}

    def __init__(self, *args: object, files: dict[str, bytes], headers: list[tuple[str, str]]) -> None:
        self.files, self.extra = files, headers
        super().__init__(*args)  # type: ignore[arg-type]

    def do_GET(self) -> None:  # noqa: N802 - the name http.server calls
        name = self.path.split("?", 1)[0].lstrip("/") or "index.html"
        body = self.files.get(name)
        if body is None:
            self.send_error(404)
            return
        self.send_response(200)
        self.send_header("Content-Type", self.TYPES.get(Path(name).suffix, "application/octet-stream"))
        self.send_header("Content-Length", str(len(body)))
        for key, value in self.extra:
            self.send_header(key, value)
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, format: str, *args: object) -> None:  # noqa: A002
        pass


def _wait_for_backend(backend: str, process: subprocess.Popen, seconds: float = 60) -> None:
    request = urllib.request.Request(backend, data=b'{"action": "info"}',
                                     headers={"Content-Type": "application/json"})
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise HubError(f"decap-server stopped at start (exit status {process.returncode}); "
                           "is the port in use, or is this folder not a git repository?")
        with contextlib.suppress(OSError, urllib.error.URLError), urllib.request.urlopen(request, timeout=2):
            return
        time.sleep(0.2)
    raise HubError(f"decap-server did not answer on {backend} within {seconds:.0f} seconds")


def serve_editor(project: Project, port: int, backend_port: int, mode: Mode, echo: object = print) -> None:
    """Run the local editor until interrupted (Ctrl+C)."""
    with running_editor(project, port, backend_port, mode) as editor:
        echo(f"The web editor is at {editor.url} (decap-server at {editor.backend}, "  # type: ignore[operator]
             f"writing into {project.root}). Press Ctrl+C to stop.")
        with contextlib.suppress(KeyboardInterrupt):
            while True:
                time.sleep(3600)
