"""`hubgen serve`: a real preview server on 127.0.0.1 that follows edits to content and templates."""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import time
from collections.abc import Iterator

import pytest

from hubgen.project import Project
from tests.browser import fetch, free_port, stop

TIMEOUT = 30.0


def wait_for(url: str, text: str) -> str:
    deadline = time.monotonic() + TIMEOUT
    last = ""
    while time.monotonic() < deadline:
        try:
            last = fetch(url)
            if text in last:
                return last
        except OSError:
            pass
        time.sleep(0.1)
    raise AssertionError(f"{text!r} never appeared at {url}")


@pytest.fixture
def server(tiny: Project) -> Iterator[str]:
    port = free_port()
    process = subprocess.Popen([sys.executable, "-m", "hubgen", "--project", str(tiny.root), "serve",
                                "--variant", "public", "--port", str(port)],
                               stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True,
                               env={**os.environ})
    try:
        yield f"http://127.0.0.1:{port}/"
    finally:
        stop(process)


def test_preview_follows_content_and_template_edits(tiny: Project, server: str) -> None:
    page = wait_for(server + "tools/qa-tool/", "Supplier Q&amp;A tool")
    assert "Canary" not in page  # the public variant, filtered like a build

    record = tiny.content / "tools/qa-tool.yml"
    record.write_text(record.read_text().replace("title: Supplier Q&A tool", "title: Renamed tool"))
    wait_for(server + "tools/qa-tool/", "Renamed tool")
    wait_for(server + "tools/", "Renamed tool")  # the listing follows too
    wait_for(server + "records/", "Renamed tool")

    override = tiny.templates / "overrides/partials/copyright.html"
    override.write_text(override.read_text().replace("Feed of new records", "Feed of what is new"))
    wait_for(server + "tools/qa-tool/", "Feed of what is new")  # theme overrides are read again

    template = tiny.templates / "pages/tools.md.j2"
    template.write_text(template.read_text().replace("## Use it for", "## Good for"))
    wait_for(server + "tools/qa-tool/", "Good for")


def test_preview_survives_a_broken_file(tiny: Project, server: str) -> None:
    wait_for(server, "Tiny Hub")
    record = tiny.content / "tools/qa-tool.yml"
    good = record.read_text()
    record.write_text("title: [broken\n")
    time.sleep(1.0)
    assert "Supplier Q&amp;A tool" in fetch(server + "tools/qa-tool/")  # last good version stays
    record.write_text(good.replace("Supplier Q&A tool", "Fixed tool"))
    wait_for(server + "tools/qa-tool/", "Fixed tool")


def test_zensical_preview_follows_an_edit(tiny: Project) -> None:
    # Zensical's own `serve` watches the generated project hubgen keeps up to date
    port = free_port()
    process = subprocess.Popen([sys.executable, "-m", "hubgen", "--project", str(tiny.root), "serve",
                                "--variant", "public", "--port", str(port), "--engine", "zensical"],
                               stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True)
    server = f"http://127.0.0.1:{port}/"
    try:
        page = wait_for(server + "tools/qa-tool/", "Supplier Q&amp;A tool")
        assert "Canary" not in page and 'content="zensical-' in page
        record = tiny.content / "tools/qa-tool.yml"
        record.write_text(record.read_text().replace("title: Supplier Q&A tool", "title: Renamed tool"))
        wait_for(server + "tools/qa-tool/", "Renamed tool")
    finally:
        stop(process)
    # Zensical's server ended with hubgen's: its port is free again
    deadline = time.monotonic() + TIMEOUT
    while True:
        with socket.socket() as probe:
            try:
                probe.bind(("127.0.0.1", port))
                break
            except OSError:
                assert time.monotonic() < deadline, "zensical serve outlived hubgen serve"
        time.sleep(0.2)
