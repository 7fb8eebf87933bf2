"""`hubgen serve`: a real preview server on 127.0.0.1 that follows edits to content and templates."""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

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
    template.write_text(template.read_text().replace("\"Use it for\"", "\"Good for\""))
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


@pytest.fixture
def editor_server(tiny: Project, tmp_path) -> Iterator[tuple[str, object, object]]:
    """`hubgen serve --variant public` as an editor starts it; yields its address and the files
    its output and its messages go to."""
    port = free_port()
    out, err = tmp_path / "stdout.txt", tmp_path / "stderr.txt"
    with out.open("w") as stdout, err.open("w") as stderr:
        process = subprocess.Popen([sys.executable, "-m", "hubgen", "--project", str(tiny.root), "serve",
                                    "--variant", "public", "--port", str(port)],
                                   stdout=stdout, stderr=stderr, env={**os.environ})
        try:
            yield f"http://127.0.0.1:{port}/", out, err
        finally:
            stop(process)


def test_an_editor_sees_a_slip_once_per_save_and_on_the_page_until_it_is_fixed(
        tiny: Project, editor_server: tuple[str, object, object]) -> None:
    from tests.browser import chromium

    address, out, err = editor_server
    page_url = address + "tools/qa-tool/"
    wait_for(page_url, "Supplier Q&amp;A tool")
    assert out.read_text().splitlines()[0] == (
        f"hubgen: previewing the public site (what anyone will see) at {address}")
    record = tiny.content / "tools/qa-tool.yml"
    good = record.read_text()
    problem = ('content/tools/qa-tool.yml:1:8: title: the text has ": " in it, which YAML reads as the '
               "start of another field; put the whole text in straight double quotes. Write the line "
               'as: `title: "Supplier Q&A: the tool"`')
    with chromium() as browser:
        page = browser.new_page()
        page.goto(page_url)
        assert page.locator("#hubgen-problems").count() == 0

        record.write_text(good.replace("title: Supplier Q&A tool", "title: Supplier Q&A: the tool"))

        banner = page.locator("#hubgen-problems")
        banner.wait_for(timeout=TIMEOUT * 1000)
        assert banner.get_attribute("role") == "alert"
        assert banner.locator("li").all_inner_texts() == [problem]
        assert "Supplier Q&A tool" in page.locator("h1").inner_text()  # the last good version
        time.sleep(2)  # reading the broken file again is no new save: no new report
        assert err.read_text().count(problem) == 1
        record.write_text(record.read_text())  # saved again, still broken: reported again, once
        deadline = time.monotonic() + TIMEOUT
        while err.read_text().count(problem) < 2 and time.monotonic() < deadline:
            time.sleep(0.1)
        time.sleep(1)
        assert err.read_text().count(problem) == 2

        record.write_text(good.replace("title: Supplier Q&A tool", 'title: "Supplier Q&A: the tool"'))

        page.wait_for_function("document.querySelector('h1') && "
                               "document.querySelector('h1').innerText.includes('Supplier Q&A: the tool')",
                               timeout=TIMEOUT * 1000)
        assert page.locator("#hubgen-problems").count() == 0
    messages = err.read_text()
    assert messages.count(problem) == 2
    assert "dirty" not in messages.lower()  # the engine's own warnings stay out of the editor's way
    assert "WARNING" not in messages and "Traceback" not in messages


def test_the_public_preview_shows_what_the_public_site_shows(built_tiny: Project, server: str) -> None:
    import re

    def article(html: str) -> str:
        return re.search(r"<article.*?</article>", html, re.S)[0]

    for page in ("tools/qa-tool/", "events/tiny-event/", "clauses/"):
        built = (built_tiny.site_dir("public") / page / "index.html").read_text()
        assert article(wait_for(server + page, "</article>")) == article(built), page
    with pytest.raises(OSError):  # an affiliate-only record has no page there at all
        fetch(server + "tools/secret-tool/")


def test_an_edit_rebuilds_only_its_own_pages_though_their_pieces_are_theme_files(tiny: Project) -> None:
    # a page's pieces are written under overrides/, the theme's folder; a new one took the
    # in-process engine for a changed theme, reloaded its config and theme and built every page
    import shutil

    from hubgen.engine import engine_named, live_preview
    from hubgen.serve import Preview

    preview = Preview(tiny, "public")
    preview.full()
    server = live_preview(engine_named("properdocs"), tiny.build_dir("public") / "mkdocs.yml", free_port())
    preview.on_written = server.written
    try:
        site = Path(server.site_dir)
        own, other = site / "tools/qa-tool/index.html", site / "webinars/dated-webinar/index.html"
        untouched = other.stat().st_mtime_ns
        record = tiny.content / "tools/qa-tool.yml"
        record.write_text(record.read_text().replace("title: Supplier Q&A tool", "title: Renamed tool"))
        written = preview.refresh()
        assert any(name.startswith("overrides/hub/pieces/") for name in written)
        server.build()
        assert "<h1>Renamed tool" in own.read_text()
        assert other.stat().st_mtime_ns == untouched  # a dirty build: only the pages that changed
    finally:
        server.server.server_close()
        shutil.rmtree(server.site_dir, ignore_errors=True)
        shutil.rmtree(server.trigger_dir, ignore_errors=True)
