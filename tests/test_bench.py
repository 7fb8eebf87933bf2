"""The benchmark keeps working: a synthetic hub that is valid and deterministic, and a small run.

No test here asserts a time: the figures are printed and written by `make bench`.
"""

from __future__ import annotations

import hashlib
import json
import subprocess
import sys
from pathlib import Path

import yaml

from bench.synth import generate
from hubgen.project import Project
from hubgen.validate import check_project
from tests.conftest import ROOT


def digest(root: Path) -> str:
    h = hashlib.sha256()
    for path in sorted((root / "content").rglob("*.yml")):
        h.update(path.relative_to(root).as_posix().encode() + path.read_bytes())
    return h.hexdigest()


def test_synthetic_hub_is_valid_deterministic_and_one_fifth_affiliate_only(tmp_path: Path) -> None:
    first = generate(300, tmp_path / "a", seed=7)
    assert digest(first) == digest(generate(300, tmp_path / "b", seed=7))
    assert digest(first) != digest(generate(300, tmp_path / "c", seed=8))
    hub, problems = check_project(Project.at(first))
    assert problems == []
    assert len(hub.records) == 300
    assert {e.type for e in hub.records.values()} == {"tools", "webinars", "clauses", "events", "takeaways"}
    affiliate_only = sum(e.audience == "affiliates" for e in hub.records.values()) / len(hub.records)
    assert 0.12 < affiliate_only < 0.28
    takeaway = yaml.safe_load(next((first / "content/takeaways").glob("*.yml")).read_text())
    assert f"events/{takeaway['event']}" in hub.records


def test_small_benchmark_run_reports_every_figure(tmp_path: Path) -> None:
    out, raw = tmp_path / "RESULTS.md", tmp_path / "results.json"
    result = subprocess.run([sys.executable, "-m", "bench.run", "--sizes", "100", "--out", str(out),
                             "--json", str(raw), "--work", str(tmp_path / "work"), "--engines-at", "100"],
                            cwd=ROOT, capture_output=True, text=True, timeout=900)
    assert result.returncode == 0, result.stderr[-2000:]
    (figures,) = json.loads(raw.read_text())
    for name in ("build wall s", "plain engine s", "build ratio", "hubgen share", "peak memory MB",
                 "engine public s", "engine affiliates s", "check s (median of 3)"):
        assert figures[name] > 0, name
    assert set(figures["stages"]) == {"load", "validate", "select", "render", "write", "scan"}
    inside = figures["stages in the build"]
    assert set(inside) == {"load+validate", "select", "render", "write", "scan", "headers"}
    assert abs(sum(inside.values()) - figures["hubgen own s (in the build)"]) < 1e-6
    assert figures["public"]["pages"] > 100 and figures["affiliates"]["pages"] > figures["public"]["pages"]
    assert figures["search"]["search ready ms"] > 0 and figures["search"]["query ms (median of 7)"] > 0
    # the hub's own search index: built for each variant, with its size
    assert figures["index public s"] > 0 and figures["index affiliates s"] > 0
    for variant in ("public", "affiliates"):
        assert figures[variant]["search index files"] > 0 and figures[variant]["search index MB"] > 0
    # every engine builds the same hub in the same run; Zensical again, warm
    engines = figures["engines"]
    assert list(engines) == ["properdocs", "mkdocs", "zensical"]
    assert engines["properdocs"]["ratio"] == 1.0
    assert all(row["build s"] > 0 and row["ratio"] > 0 for row in engines.values())
    assert engines["zensical"]["warm rebuild s"] > 0
    report = out.read_text()
    assert "| zensical, warm rebuild |" in report
    assert "| 100 |" in report and "## Targets" in report and "Machine:" in report
    assert "first results after page load" in report and "| search index build, both variants" not in report
