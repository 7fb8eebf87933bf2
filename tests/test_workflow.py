"""The pull-request workflow, the pre-commit hook and the PR template: valid, and doing their job."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

import yaml

from tests.conftest import FIXTURES, ROOT

WORKFLOW = ROOT / ".github/workflows/pull-request.yml"
BIN = Path(sys.executable).parent


def validate_workflow(path: Path) -> subprocess.CompletedProcess:
    # GitHub's workflow schema as vendored by check-jsonschema (SchemaStore's copy): no network
    return subprocess.run([str(BIN / "check-jsonschema"), "--builtin-schema", "vendor.github-workflows",
                           str(path)], capture_output=True, text=True, timeout=120)


def test_workflow_is_valid() -> None:
    result = validate_workflow(WORKFLOW)
    assert result.returncode == 0, result.stdout + result.stderr


def test_an_invalid_workflow_is_caught(tmp_path: Path) -> None:
    broken = tmp_path / "broken.yml"
    broken.write_text(WORKFLOW.read_text().replace("runs-on: ubuntu-24.04", "runs_on: ubuntu-24.04", 1))
    assert validate_workflow(broken).returncode != 0


def test_workflow_checks_builds_scans_and_checks_links_on_every_pull_request() -> None:
    workflow = yaml.safe_load(WORKFLOW.read_text())
    assert "pull_request" in workflow[True]  # YAML 1.1 reads the key `on` as True
    runs = [step.get("run", "") for job in workflow["jobs"].values() for step in job["steps"]]
    assert ".venv/bin/hubgen check --format github" in runs
    assert ".venv/bin/hubgen build --variant all" in runs
    assert ".venv/bin/hubgen links site/public site/affiliates" in runs
    assert "make test" in runs


def test_workflow_keeps_the_affiliate_site_for_members_of_a_private_repository() -> None:
    workflow = yaml.safe_load(WORKFLOW.read_text())
    steps = [step for job in workflow["jobs"].values() for step in job["steps"]]
    runs = [step.get("run") for step in steps]
    [upload] = [step for step in steps if step.get("uses", "").startswith("actions/upload-artifact@")]
    assert upload["with"]["name"] == "affiliate-site"
    assert upload["with"]["path"] == "site/affiliates/"
    assert upload["if"] == "github.event.repository.private"  # an artifact is as open as the repository
    assert steps.index(upload) > runs.index(".venv/bin/hubgen build --variant all")
    assert workflow["permissions"] == {"contents": "read"}


def test_pre_commit_runs_hubgen_check_on_changed_content(tmp_path: Path) -> None:
    repo = tmp_path / "hub"
    shutil.copytree(FIXTURES / "tiny/content", repo / "content")
    shutil.copy(ROOT / ".pre-commit-config.yaml", repo)
    shutil.copy(ROOT / "mkdocs.yml", repo)
    (repo / ".venv").symlink_to(ROOT / ".venv")
    env = {**os.environ, "PRE_COMMIT_HOME": str(tmp_path / "cache"), "GIT_AUTHOR_NAME": "t",
           "GIT_AUTHOR_EMAIL": "t@example.org", "GIT_COMMITTER_NAME": "t",
           "GIT_COMMITTER_EMAIL": "t@example.org"}
    subprocess.run(["git", "init", "-q"], cwd=repo, check=True, env=env)
    subprocess.run(["git", "add", "."], cwd=repo, check=True, env=env)
    pre_commit = [str(BIN / "pre-commit"), "run", "--files", "content/tools/qa-tool.yml"]
    assert subprocess.run([str(BIN / "pre-commit"), "validate-config", ".pre-commit-config.yaml"],
                          cwd=repo, env=env).returncode == 0
    good = subprocess.run(pre_commit, cwd=repo, env=env, capture_output=True, text=True)
    assert good.returncode == 0, good.stdout
    (repo / "content/tools/qa-tool.yml").write_text("title: x\n")
    bad = subprocess.run(pre_commit, cwd=repo, env=env, capture_output=True, text=True)
    assert bad.returncode == 1
    assert "content/tools/qa-tool.yml:1:1: summary: is required but missing" in bad.stdout


def test_pull_request_template_has_the_editors_checklist() -> None:
    template = (ROOT / ".github/pull_request_template.md").read_text()
    assert template.count("- [ ]") >= 5
    assert "audience" in template and "deploy preview" in template
