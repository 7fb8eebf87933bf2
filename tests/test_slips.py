"""The slips editors make in real shipped files, and the surprises YAML hides: each reported in
plain words, at the line of the mistake, with the corrected line to paste (exact messages)."""

from __future__ import annotations

import re
from collections.abc import Callable

import pytest

from hubgen.project import Project
from hubgen.validate import check_content
from tests.conftest import ROOT, make_hub, run_hubgen

WEBINAR = "webinars/ddpp-webinar-1.yml"
TOOL = "tools/supplier-engagement-qa.yml"
CLAUSE = "clauses/disclosure-updates.yml"
TAKEAWAY = "takeaways/disclosures.yml"
QUOTE = "put the whole text in straight double quotes"


@pytest.fixture
def shipped(tmp_path) -> Project:
    """A copy of the shipped hub, for an editor to break."""
    return make_hub(tmp_path / "hub", ROOT / "content")


def slip(project: Project, rel: str, pattern: str, change: Callable[[str], str], nth: int = 0
         ) -> tuple[int, str]:
    """Change the `nth` line of a shipped file matching `pattern` as an editor would; its number
    and its text as shipped (the shipped files may change: the tests find their lines)."""
    path = project.content / rel
    lines = path.read_text(encoding="utf-8").split("\n")
    number = [n for n, line in enumerate(lines) if re.fullmatch(pattern, line)][nth]
    shipped_line = lines[number]
    lines[number] = change(shipped_line)
    path.write_text("\n".join(lines), encoding="utf-8")
    return number + 1, shipped_line


def report(project: Project) -> tuple[list[str], list[str]]:
    checked = check_content(project)
    return [str(p) for p in checked.problems], [str(w) for w in checked.warnings]


def unquote(line: str) -> str:
    return line.replace('"', "")


def curly(line: str) -> str:
    return line.replace('"', "\u201c", 1).replace('"', "\u201d", 1)


def colon_point(line: str) -> str:
    return line[: line.index("- ") + 2] + "Incentives: " + line[line.index("- ") + 2:]


def starting_with(prefix: str, meaning: str, named: bool) -> tuple:
    """A slip: a `use_for` item made to start with `prefix`, which YAML reads as `meaning` unless
    quoted (`named`: whether the message names the field)."""
    field = "use_for: " if named else ""
    return (TOOL, ITEM, starting(prefix), 2,
            [f"{{n}}:5: {field}text cannot start with `{prefix[0]}` unless it is in quotes (to YAML "
             f"`{prefix[0]}` there means {meaning}); {QUOTE}. Write the line as: `  - \"{prefix}{{item}}\"`"])


def indent(by: int) -> Callable[[str], str]:
    return lambda line: " " * by + line if by > 0 else line[-by:]


def starting(char: str) -> Callable[[str], str]:
    return lambda line: line.replace("- ", f"- {char}", 1)


def forget_colon(line: str) -> str:
    return line.replace(":", "", 1)


ITEM = r"  - \w.*"  # a list item of a record's field
# (file, the line to change, how, its number among such lines, the problems expected: "{n}"
# is the line's number, "{line}" the line as shipped, "{text}" its text without the indentation)
SLIPS = {
    "unquoted colon in a title": (
        WEBINAR, r'title: ".*: .*"', unquote, 0,
        ['{n}:8: title: the text has ": " in it, which YAML reads as the start of another field; '
         f"{QUOTE}. Write the line as: `{{text}}`"]),
    "curly quotes": (
        WEBINAR, r'title: ".*: .*"', curly, 0,
        ["{n}:8: title: curly quotes (\u201c \u201d) are not quotes to YAML; use straight double quotes. "
         "Write the line as: `{text}`"]),
    "list item indented one more than the list (first item)": (
        TOOL, ITEM, indent(1), 1,  # themes, then use_for
        ["{n}:1: use_for: this list item is indented 3 spaces and the other items of its list 2; line "
         "it up with them. Write the line as: `{line}`"]),
    "list item indented one more than the list (later item)": (
        TOOL, ITEM, indent(1), 2,
        ["{n}:1: use_for: this line starts with `- ` like a new item of the list, but is indented 3 "
         "spaces and the item above 2, so YAML joined it to that item; line it up with the other "
         "items. Write the line as: `{line}`"]),
    "list item indented three more than the list": (
        TOOL, ITEM, indent(3), 2,
        ["{n}:1: use_for: this line starts with `- ` like a new item of the list, but is indented 5 "
         "spaces and the item above 2, so YAML joined it to that item; line it up with the other "
         "items. Write the line as: `{line}`"]),
    "list item indented one less than the list": (
        TOOL, ITEM, indent(-1), 2,
        ["{n}:1: use_for: this list item is indented 1 space and the other items of its list 2; line "
         "it up with them. Write the line as: `{line}`"]),
    "field of a link indented one more": (
        TOOL, r"    url: .*", indent(1), 0,
        ["{n}:1: url: `url:` is indented 5 spaces and the lines beside it 4; line it up with them. "
         "Write the line as: `{line}`"]),
    "field of a link indented three more": (
        TOOL, r"    url: .*", indent(3), 0,
        ["{n}:1: url: `url:` is indented 7 spaces and the lines beside it 4; line it up with them. "
         "Write the line as: `{line}`"]),
    **{f"point starting with {shown}": starting_with(prefix, meaning, named)
       for shown, prefix, meaning, named in [
        ("*", "**Now** ", "a reference to another value", True),
        ("& and a space", "& ", "a name for the value", True),
        ("&word", "&", "a name for the value, which hubgen does not allow", False),
        ("!", "!", "a type, which hubgen does not allow", False),
        ("%", "%", "a directive", True),
        ("@", "@", "nothing (it is reserved)", True),
        ("a backtick", "`make` ", "nothing (it is reserved)", True),
       ]},
    "block text line indented less than the first": (
        CLAUSE, r"  1\. .*", indent(-2), 0,
        ["{n}:1: wording: this line of the `|` text is indented 0 spaces, less than the text's first "
         "line (2), so YAML took the text as ended on the line before; indent it by 2 like the lines "
         "above. Write the line as: `{line}`"]),
    "block text first line indented more than the rest": (
        CLAUSE, r"  \*\*.*", indent(2), 0,
        ["{n}:1: wording: the first line of the `|` text is indented 4 spaces and the lines after it "
         "2; YAML takes the first line's indentation for the whole text, so indent it by 2 like the "
         "others. Write the line as: `{line}`"]),
    "forgotten colon": (
        TOOL, r"provider: .*", forget_colon, 0,
        ["{n}:9: provider: `provider` needs a colon after it. Write the line as: `{line}`"]),
    "forgotten colon before a list": (
        TOOL, r"links:", forget_colon, 0,
        ["{n}:6: links: `links` needs a colon after it. Write the line as: `links:`"]),
    "# in text": (
        TOOL, r"provider: .*", lambda line: line + " #1", 0,
        ["{n}:11: provider: the text after ` #` is a YAML comment and would be dropped; if it belongs "
         'to the value, quote it all: "{value} #1"']),
    "text starting with #": (
        TOOL, r"provider: .*", lambda line: line.replace(": ", ": #1 "), 0,
        ["{n}:10: provider: the text after ` #` is a YAML comment and would be dropped; if it belongs "
         'to the value, quote it all: "#1 {value}"']),
    "text starting with a quoted word": (
        TOOL, ITEM, starting('"Rapport" is the word: '), 2,
        ['{n}:5: use_for: the text starts with a quote (`"`) but goes on after the closing one; put '
         'the whole text in straight double quotes (a `\\"` inside them stands for a quote). Write the '
         'line as: `  - "\\"Rapport\\" is the word: {item}"`']),
    "quote never closed": (
        TOOL, r"provider: .*", lambda line: line.replace(": ", ': "'), 0,
        ['{n}:11: provider: the text\'s opening quote (`"`) is never closed; add the closing quote at '
         'its end. Write the line as: `provider: "{value}"`']),
    "no space after a list item's dash": (
        TOOL, ITEM, lambda line: line.replace("- ", "-", 1), 2,
        ["{n}:4: use_for: a list item needs a space after its `-`. Write the line as: `{line}`"]),
    "no space after a field's colon": (
        TOOL, r"provider: .*", lambda line: line.replace(": ", ":", 1), 0,
        ["{n}:10: `provider:` needs a space after its colon. Write the line as: `{line}`"]),
    "unquoted colon in a list item": (
        TOOL, ITEM, colon_point, 2,
        ['{n}:5: use_for[1]: the ": " in this text made YAML read it as a field; put the whole text '
         'in straight double quotes: "Incentives: {item}"']),
}


@pytest.mark.parametrize(("rel", "pattern", "change", "nth", "expected"), SLIPS.values(), ids=SLIPS.keys())
def test_slip(shipped: Project, rel: str, pattern: str, change: Callable[[str], str], nth: int,
              expected: list[str]) -> None:
    number, line = slip(shipped, rel, pattern, change, nth)

    problems, _ = report(shipped)

    value = line.split(": ", 1)[-1]
    item = line.split("- ", 1)[-1]
    assert problems == [f"content/{rel}:" + e.format(n=number, line=line, text=line.strip(), value=value,
                                                    item=item) for e in expected]


def test_several_slips_in_one_file_are_reported_in_one_run(shipped: Project) -> None:
    provider, _ = slip(shipped, TOOL, r"provider: .*", forget_colon)
    point, _ = slip(shipped, TOOL, ITEM, starting("**Now** "), 2)
    url, _ = slip(shipped, TOOL, r"    url: .*", indent(1))

    problems, _ = report(shipped)

    assert [p.split(": ", 2)[0:2] for p in problems] == sorted(
        [[f"content/{TOOL}:{provider}:9", "provider"], [f"content/{TOOL}:{point}:5", "use_for"],
         [f"content/{TOOL}:{url}:1", "url"]], key=lambda p: int(p[0].split(":")[1]))


def test_a_mapping_written_wrongly_lists_the_fields_it_takes(shipped: Project) -> None:
    number, _ = slip(shipped, WEBINAR, r"audience: public",
                     lambda line: line + "\nspeakers:\n  - A. Speaker, Example Org")

    problems, _ = report(shipped)

    assert problems == [
        f"content/{WEBINAR}:{number + 2}:5: speakers[0]: expected the fields of a speaker, found the "
        "text `A. Speaker, Example Org`; a speaker takes name (required) and organisation, e.g. "
        "`- name: A. Speaker` then `  organisation: Example Org`"]


def theme_ids(project: Project) -> str:
    return ", ".join(re.findall(r"^\s*- id: (\S+)$", (project.content / "themes.yml").read_text(), re.M))


def test_an_unknown_theme_suggests_the_nearest_and_lists_them_all(shipped: Project) -> None:
    number, _ = slip(shipped, TOOL, r"  - supplier-engagement", lambda line: "  - remedies")

    problems, _ = report(shipped)

    assert problems == [f"content/{TOOL}:{number}:5: themes[0]: `remedies` is not a theme in "
                        "content/themes.yml; did you mean `remedy`? (the themes are: "
                        f"{theme_ids(shipped)})"]


def test_every_problem_of_a_file_comes_in_one_run(shipped: Project) -> None:
    # a comment cutting text short, a wrong kind, an id that breaks the rule and a theme that
    # does not exist: all in one run, not in rounds
    provider, _ = slip(shipped, TOOL, r"provider: .*", lambda line: line + " #1")
    kind, _ = slip(shipped, TOOL, r"kind: .*", lambda line: "kind: checklist")
    theme, _ = slip(shipped, TOOL, r"  - supplier-engagement",
                    lambda line: "  - Supplier_Engagement\n  - suppliers")
    assert provider < theme and kind < theme

    problems, _ = report(shipped)

    assert [p.split(": ", 2)[:2] for p in problems] == sorted(
        [[f"content/{TOOL}:{provider}:11", "provider"], [f"content/{TOOL}:{kind}:7", "kind"],
         [f"content/{TOOL}:{theme}:5", "themes[0]"], [f"content/{TOOL}:{theme + 1}:5", "themes[1]"]],
        key=lambda p: int(p[0].split(":")[1]))
    assert problems[-1].endswith("themes[1]: `suppliers` is not a theme in content/themes.yml; did you "
                                 f"mean `supplier-engagement`? (the themes are: {theme_ids(shipped)})")


JOINED = ("has several numbered or bulleted lines, which YAML joins into one paragraph here; to keep "
          "them as a list, write the text as a block: put `|` after the colon and the lines under it, "
          "indented")


def test_warning_no_audience(shipped: Project) -> None:
    slip(shipped, TOOL, r"audience: public", lambda line: "")

    assert report(shipped) == ([], [
        f"content/{TOOL}:1:1: warning: audience: not given, so this record takes hub.yml's "
        "default_audience (`affiliates`) and will appear on the affiliate site only; write "
        "`audience: public` or `audience: affiliates` to say which"])


def test_warning_no_audience_on_takeaways_says_the_event_s(shipped: Project) -> None:
    slip(shipped, TAKEAWAY, r"audience: public", lambda line: "")

    assert report(shipped) == ([], [
        f"content/{TAKEAWAY}:1:1: warning: audience: not given, so this record takes its event's "
        "audience (`public`) and will appear on both the public and the affiliate site; write "
        "`audience: public` or `audience: affiliates` to say which"])


def test_warning_takeaway_session_with_a_typo(shipped: Project) -> None:
    number, line = slip(shipped, TAKEAWAY, r"session: .*", lambda line: line[:-1])
    session = line.split(": ", 1)[1]
    event = re.search(r"^event: (\S+)$", (shipped.content / TAKEAWAY).read_text(), re.M)[1]

    assert report(shipped) == ([], [
        f"content/{TAKEAWAY}:{number}:10: warning: session: `{session[:-1]}` is not a session of "
        f"{event}; did you mean `{session}`? As written, these takeaways get a heading of their own "
        "on the event page"])


def test_warning_numbered_lines_in_a_quoted_string(shipped: Project) -> None:
    path = shipped.content / CLAUSE
    lines = path.read_text().split("\n")
    start = lines.index("wording: |")
    end = next(n for n in range(start + 1, len(lines)) if lines[n][:1].isalpha())
    lines[start:end] = ['wording: "1. The Contractor shall disclose its factories.',
                        '  2. The Contractor shall keep the list up to date."']
    path.write_text("\n".join(lines))

    assert report(shipped) == ([], [f"content/{CLAUSE}:{start + 1}:10: warning: wording: {JOINED}"])


def test_warning_bulleted_lines_in_folded_text(shipped: Project) -> None:
    number, _ = slip(shipped, TAKEAWAY, r"body: >-?", lambda line: line + "\n  - ask early\n  - be flexible")

    assert report(shipped) == ([], [f"content/{TAKEAWAY}:{number}:7: warning: body: {JOINED}"])


def test_an_id_made_awkward_by_an_apostrophe(shipped: Project) -> None:
    path = shipped.content / TOOL
    path.with_name("women-s-rights.yml").write_text(path.read_text())
    themes = shipped.content / "themes.yml"
    text = themes.read_text()
    # the shipped themes.yml holds the list under `themes:` (the web editor's shape)
    themes.write_text(text + "  - id: worker-s-voice\n    title: Workers' voice\n")
    count = text.count("- id: ")

    problems, warnings = report(shipped)

    assert problems == []
    assert warnings == [
        f"content/themes.yml:{len(text.splitlines()) + 1}:9: warning: themes[{count}].id: `worker-s-voice` "
        "looks like an apostrophe turned into a hyphen; the id is part of the page's address, so "
        "`workers-voice` reads better",
        "content/tools/women-s-rights.yml: warning: file name: `women-s-rights` looks like an "
        "apostrophe turned into a hyphen; the id is part of the page's address, so `womens-rights` "
        "reads better (rename the file, and every reference to it)"]


def test_check_prints_warnings_and_exits_0_unless_strict(shipped: Project) -> None:
    slip(shipped, TOOL, r"audience: public", lambda line: "")
    records = len(list(shipped.content.glob("*/*.yml")))
    themes = (shipped.content / "themes.yml").read_text().count("- id: ")
    warning = (f"content/{TOOL}:1:1: warning: audience: not given, so this record takes hub.yml's "
               "default_audience (`affiliates`) and will appear on the affiliate site only; write "
               "`audience: public` or `audience: affiliates` to say which")

    result = run_hubgen("check", cwd=shipped.root)

    assert result.returncode == 0
    assert result.stderr.splitlines() == [warning]
    assert result.stdout == f"All good: {records} records and {themes} themes checked (1 warning above).\n"

    strict = run_hubgen("check", "--strict", cwd=shipped.root)

    assert strict.returncode == 1
    assert strict.stderr.splitlines() == [warning, "0 problems and 1 warning found."]

    github = run_hubgen("check", "--format", "github", cwd=shipped.root)

    assert github.returncode == 0
    assert github.stdout.startswith(f"::warning file=content/{TOOL},line=1,col=1,title=hubgen check::"
                                    "audience: not given")
