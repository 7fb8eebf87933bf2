"""The real command line, in a child process: exit statuses, and what an editor reads."""

from __future__ import annotations

from pathlib import Path

import pytest

from hubgen.project import Project
from tests.conftest import run_hubgen, write

BROKEN_TOOL = """\
title: A tool
summary: What it does.
provider: Example Network
kind: banana
themes: [disclosures]
"""
KIND_PROBLEM = ("content/tools/new-tool.yml:4:7: kind: `banana` is not allowed; use one of: guidance, "
                "questionnaire, template, training, ecolabel, certification, rating, calculator, "
                "database or other")


def no_traceback(result) -> None:
    assert "Traceback" not in result.stdout + result.stderr


def test_check_valid_hub(tiny: Project) -> None:
    result = run_hubgen("--project", str(tiny.root), "check")

    # the tiny hub's affiliate-only records leave out `audience` (hub.yml's default applies): warned
    assert result.returncode == 0
    assert len(result.stderr.splitlines()) == 6
    assert all(": warning: " in line for line in result.stderr.splitlines())
    assert result.stdout == "All good: 12 records and 3 themes checked (6 warnings above).\n"


def test_check_broken_hub(tiny: Project) -> None:
    write(tiny, "tools/new-tool.yml", BROKEN_TOOL)
    write(tiny, "webinars/new-webinar.yml", "title: [Remedy\n")

    result = run_hubgen("check", cwd=tiny.root)

    assert result.returncode == 1
    assert result.stdout == ""
    assert [line for line in result.stderr.splitlines() if ": warning: " not in line] == [
        KIND_PROBLEM,
        "content/webinars/new-webinar.yml:1:8: YAML syntax error: a `[` that is never closed; "
        "add the closing quote or bracket, or remove the opening one",
        "2 problems and 6 warnings found.",
    ]
    no_traceback(result)


def test_help_lists_the_commands() -> None:
    result = run_hubgen("--help")

    assert result.returncode == 0
    for command in ("check", "build", "serve", "scan"):
        assert f"\n  {command} " in result.stdout


@pytest.mark.parametrize(("args", "complaint"), [
    (("check", "--strickt"), "Error: No such option '--strickt'"),
    (("build", "--variant", "private"), "Error: Invalid value for '--variant': 'private' is not one of"),
], ids=["unknown option", "bad variant"])
def test_usage_error_exits_2(tiny: Project, args: tuple[str, ...], complaint: str) -> None:
    result = run_hubgen("--project", str(tiny.root), *args)

    assert result.returncode == 2
    assert complaint in result.stderr
    no_traceback(result)
    assert not (tiny.root / "site").exists()


def test_build_of_a_broken_hub_writes_nothing(tiny: Project) -> None:
    write(tiny, "tools/new-tool.yml", BROKEN_TOOL)

    result = run_hubgen("build", "--variant", "public", cwd=tiny.root)

    assert result.returncode == 1
    assert result.stderr.splitlines() == [KIND_PROBLEM, "1 problem found."]
    no_traceback(result)
    assert not (tiny.root / "site").exists()
    assert not (tiny.root / "build").exists()


def test_check_outside_a_hub(tmp_path: Path) -> None:
    result = run_hubgen("check", cwd=tmp_path)

    assert result.returncode == 1
    assert result.stderr.splitlines() == [
        "content: no content folder here; run hubgen from the hub's root or pass --project",
        "1 problem found.",
    ]
    no_traceback(result)


def test_build_public_only(tiny: Project) -> None:
    result = run_hubgen("--project", str(tiny.root), "build", "--variant", "public")

    assert result.returncode == 0, result.stderr
    no_traceback(result)
    assert (tiny.root / "site" / "public" / "index.html").is_file()
    assert not (tiny.root / "site" / "affiliates").exists()
