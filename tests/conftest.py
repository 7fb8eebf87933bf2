"""Shared fixtures: a tiny hub copied into tmp_path, and real builds of it and of the shipped hub."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from hubgen.build import build
from hubgen.engine import DEFAULT_ENGINE, ENGINE_VAR, ENGINES
from hubgen.project import Project

ROOT = Path(__file__).resolve().parent.parent
FIXTURES = ROOT / "tests" / "fixtures"
# Fixed so that "upcoming" and every date-dependent page are the same in every run.
EPOCH = "1767225600"  # 2026-01-01T00:00:00Z
# The engine the tests build with unless they name one (tests/test_engines.py runs every one);
# where it keeps its search index and sitemap is asked of it, never assumed.
ENGINE = ENGINES[DEFAULT_ENGINE]
os.environ.pop(ENGINE_VAR, None)


def pytest_addoption(parser: pytest.Parser) -> None:
    parser.addoption("--update-golden", action="store_true",
                     help="rewrite tests/golden/ from the current templates (review the diff)")


@pytest.fixture(autouse=True)
def _source_date_epoch(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("SOURCE_DATE_EPOCH", EPOCH)


def make_hub(dest: Path, content: Path) -> Project:
    """A hub at `dest` with the given content and the repository's templates and mkdocs.yml."""
    shutil.copytree(content, dest / "content")
    shutil.copytree(ROOT / "templates", dest / "templates")
    shutil.copy(ROOT / "mkdocs.yml", dest / "mkdocs.yml")
    return Project.at(dest)


@pytest.fixture
def tiny(tmp_path: Path) -> Project:
    """The tiny fixture hub, fresh for each test."""
    return make_hub(tmp_path / "hub", FIXTURES / "tiny" / "content")


def _built(factory: pytest.TempPathFactory, name: str, content: Path) -> Project:
    os.environ["SOURCE_DATE_EPOCH"] = EPOCH
    project = make_hub(factory.mktemp(name), content)
    build(project, ("public", "affiliates"))
    return project


@pytest.fixture(scope="session")
def built_tiny(tmp_path_factory: pytest.TempPathFactory) -> Project:
    """The tiny hub built once, both variants, by the real engine (read-only for tests)."""
    return _built(tmp_path_factory, "tiny-built", FIXTURES / "tiny" / "content")


@pytest.fixture(scope="session")
def built_shipped(tmp_path_factory: pytest.TempPathFactory) -> Project:
    """The shipped content/ built once, both variants (read-only for tests)."""
    return _built(tmp_path_factory, "shipped-built", ROOT / "content")


def run_hubgen(*args: str, cwd: Path | None = None) -> subprocess.CompletedProcess:
    """The real command line in a child process, as an editor runs it."""
    env = {**os.environ, "PYTHONWARNINGS": "error"}
    return subprocess.run([sys.executable, "-m", "hubgen", *args], cwd=cwd or ROOT, env=env,
                          capture_output=True, text=True, timeout=300)


def write(project: Project, rel: str, text: str) -> Path:
    """Write a content file (relative to content/) into a hub."""
    path = project.content / rel
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text, encoding="utf-8")
    return path
