"""The web editor end to end: the real Decap CMS in Chromium, against decap-server and a scratch
git repository, with the editorial workflow; what it writes passes `hubgen check` and shows on
the right site after a real build."""

from __future__ import annotations

import re
import shutil
import subprocess
from collections.abc import Iterator
from pathlib import Path

import pytest
import yaml

from hubgen.build import build
from hubgen.editor import Editor, running_editor
from hubgen.project import Project
from tests.browser import chromium, free_port
from tests.conftest import ROOT, run_hubgen

CLAUSE = "content/clauses/disclosure-updates.yml"
NEW_SUMMARY = "Requires the Contractor to disclose its factories and keep the list current."


def text_of(path: Path) -> object:
    """A YAML file as hubgen reads it: every value the text written."""
    return yaml.load(path.read_text(encoding="utf-8"), Loader=yaml.BaseLoader)


def git(repo: Path, *args: str) -> str:
    return subprocess.run(["git", "-C", str(repo), *args], check=True, capture_output=True,
                          text=True).stdout


@pytest.fixture
def scratch(tmp_path: Path) -> Project:
    """The shipped hub in a git repository of its own (decap-server's git mode needs one)."""
    root = tmp_path / "hub"
    shutil.copytree(ROOT / "content", root / "content")
    shutil.copytree(ROOT / "templates", root / "templates")
    shutil.copy(ROOT / "mkdocs.yml", root / "mkdocs.yml")
    git(tmp_path, "init", "-q", "-b", "main", str(root))
    for key, value in (("user.name", "Test"), ("user.email", "test@example.org"),
                       ("commit.gpgsign", "false")):
        git(root, "config", key, value)
    git(root, "add", "-A")
    git(root, "commit", "-q", "-m", "The shipped hub")
    return Project.at(root)


@pytest.fixture
def editor(scratch: Project) -> Iterator[Editor]:
    with running_editor(scratch, free_port(), free_port(), mode="git") as running:
        yield running


def field(page, name: str, nth: int = 0):  # noqa: ANN001, ANN201 - Playwright's types
    return page.locator(f'[id^="{name}-field-"]').nth(nth)


def choose(page, name: str, text: str, nth: int = 0) -> None:  # noqa: ANN001
    """Pick `text` in a select or relation widget (react-select): type, then take the option."""
    box = field(page, name, nth)
    box.click()
    box.press_sequentially(text)
    page.locator('[class*="option"]', has_text=text).first.click()


def markdown(page, label_for: str, text: str, nth: int = 0) -> None:  # noqa: ANN001
    """Type into a Markdown widget (an editable area after its label)."""
    widget = page.locator(f'[aria-label="markdown field"]:has(label[for^="{label_for}-field-"])')
    area = widget.locator('[contenteditable="true"]').nth(nth)
    area.click()
    area.press_sequentially(text)


def add_item(page, singular: str) -> None:  # noqa: ANN001
    page.get_by_role("button", name=re.compile(rf"^Add {singular}", re.I)).first.click()


def save(page, collection: str) -> str:  # noqa: ANN001
    """Save the entry (a draft on a branch of its own); returns its id from the address."""
    page.get_by_role("button", name="Save", exact=True).click()
    page.wait_for_url(re.compile(rf"#/collections/{collection}/entries/[a-z0-9-]+$"), timeout=30_000)
    page.get_by_text("Changes saved").wait_for(timeout=30_000)
    return page.url.rsplit("/", 1)[1]


def open_form(page, url: str, route: str) -> None:  # noqa: ANN001
    """Open a form on a freshly loaded page, as following a bookmark does (moving from one form
    to another by changing only the address's #part would keep the last form's state)."""
    page.goto("about:blank")
    page.goto(f"{url}#/collections/{route}")
    field(page, "title").wait_for()


def new_entry(page, url: str, collection: str) -> None:  # noqa: ANN001
    open_form(page, url, f"{collection}/new")


def begin(page, url: str, collection: str, title: str, summary: str, theme: str,  # noqa: ANN001
          audience: str | None = None) -> None:
    """A new entry of `collection` with the fields every record has filled in."""
    new_entry(page, url, collection)
    field(page, "title").fill(title)
    field(page, "summary").fill(summary)
    if audience:
        choose(page, "audience", audience)
    choose(page, "themes", theme)


def test_editor_writes_what_check_accepts_on_branches_of_their_own(scratch: Project, editor: Editor) -> None:
    before = git(scratch.root, "rev-parse", "main").strip()
    shipped = text_of(scratch.root / CLAUSE)
    violations: list[str] = []
    with chromium() as browser:
        page = browser.new_page(viewport={"width": 1366, "height": 900})
        page.on("console", lambda m: "Content Security Policy" in m.text and violations.append(m.text))
        page.goto(editor.url)
        page.get_by_role("button", name="Login").click()
        page.get_by_role("link", name="Tools").first.wait_for()
        assert page.get_by_role("button", name="Media").is_hidden()  # no uploads

        begin(page, editor.url, "tools", "Buyer checklist for supplier meetings",
              "A one-page checklist for a first meeting with a supplier.", "Supplier engagement",
              "public: everyone")
        field(page, "provider").fill("Example Org")
        choose(page, "kind", "guidance")
        tool = save(page, "tools")

        begin(page, editor.url, "webinars", "Remedy in practice", "A one-hour webinar on remedy for workers.",
              "Remedy")
        field(page, "starts").fill("2027-03-15T14:00")
        add_item(page, "speaker")
        field(page, "name").fill("A. Speaker")
        # a rule of two fields is checked on saving, in the words `hubgen check` would use
        page.get_by_role("button", name="Save", exact=True).click()
        page.get_by_text("Duration is required when Starts is given").wait_for()
        field(page, "duration").fill("60")
        webinar = save(page, "webinars")

        begin(page, editor.url, "events", "Example Exchange", "Buyers met to learn from each other.",
              "Disclosures", "public: everyone")
        field(page, "starts").fill("2027-05-12")
        field(page, "ends").fill("2027-05-13")
        field(page, "location").fill("Lisbon, Portugal")
        add_item(page, "session")
        field(page, "title", 1).fill("Opening")
        add_item(page, "session")
        field(page, "title", 2).fill("Closed round table")
        choose(page, "audience", "affiliates: affiliates only", 2)
        event = save(page, "events")
        # the event's pull request is merged before its takeaways are written: a picker lists
        # published records only
        assert git(scratch.root, "rev-parse", "main").strip() == before
        git(scratch.root, "merge", "-q", "--no-edit", f"cms/events/{event}")
        git(scratch.root, "branch", "-q", "-d", f"cms/events/{event}")  # as GitHub does on merging

        takeaways = []
        for title, audience in (("Disclosures", "public: everyone"),
                                ("Remedy", "affiliates: affiliates only")):
            begin(page, editor.url, "takeaways", title, f"What the hub on {title.lower()} took away.", title,
                  audience)
            choose(page, "event", "Example Exchange")
            field(page, "session").fill("Opening")
            add_item(page, "point")
            markdown(page, "point", f"Ask suppliers about {title.lower()} early.")
            takeaways.append(save(page, "takeaways"))

        open_form(page, editor.url, "clauses/entries/disclosure-updates")
        page.wait_for_function("document.querySelector('[id^=\"summary-field-\"]').value.length > 0")
        field(page, "summary").fill(NEW_SUMMARY)
        assert save(page, "clauses") == "disclosure-updates"

    assert violations == []
    # each saved entry is a branch of its own, as a pull request on GitHub; main has only what
    # was merged (the event)
    assert git(scratch.root, "log", "--format=%s", f"{before}..main").splitlines() == [
        f"Create Event “{event}”"]
    branches = sorted(git(scratch.root, "branch", "--format=%(refname:short)").split())
    expected = sorted(["main", f"cms/tools/{tool}", f"cms/webinars/{webinar}",
                       *(f"cms/takeaways/{t}" for t in takeaways), "cms/clauses/disclosure-updates"])
    assert branches == expected
    assert tool == "buyer-checklist-for-supplier-meetings"
    assert event == "2027-05-example-exchange"
    assert takeaways == ["2027-05-example-exchange-disclosures", "2027-05-example-exchange-remedy"]

    # merged as a reviewer would merge the pull requests
    git(scratch.root, "checkout", "-q", "main")
    for branch in expected:
        if branch != "main":
            git(scratch.root, "merge", "-q", "--no-edit", branch)
    result = run_hubgen("--project", str(scratch.root), "check")
    assert result.returncode == 0, result.stdout + result.stderr

    read = lambda rel: text_of(scratch.root / rel)  # noqa: E731
    assert read(f"content/webinars/{webinar}.yml")["starts"] == "2027-03-15T14:00:00+00:00"
    assert read(f"content/events/{event}.yml")["starts"] == "2027-05-12"
    sessions = read(f"content/events/{event}.yml")["sessions"]
    assert sessions == [{"title": "Opening"}, {"title": "Closed round table", "audience": "affiliates"}]
    assert read(f"content/takeaways/{takeaways[0]}.yml")["event"] == event
    edited = read(CLAUSE)
    assert edited == {**shipped, "summary": NEW_SUMMARY}  # every other field as it was

    build(scratch, ("public", "affiliates"))
    public, affiliates = scratch.site_dir("public"), scratch.site_dir("affiliates")
    assert (public / "tools" / tool / "index.html").is_file()
    assert not (public / "webinars" / webinar).exists()  # no audience: the hub's default, affiliates
    assert (affiliates / "webinars" / webinar / "index.html").is_file()
    event_page = (public / "events" / event / "index.html").read_text(encoding="utf-8")
    assert "Opening" in event_page and "Closed round table" not in event_page
    assert "Closed round table" in (affiliates / "events" / event / "index.html").read_text(encoding="utf-8")
    assert (public / "takeaways" / takeaways[0] / "index.html").is_file()
    assert not (public / "takeaways" / takeaways[1]).exists()
    assert "keep the list current" in (public / "clauses" / "disclosure-updates" / "index.html").read_text(
        encoding="utf-8")
