"""The Netlify build: netlify.toml through Netlify's own resolver, the `ignore` rule, `netlify_build`."""

from __future__ import annotations

import gzip
import json
import os
import shutil
import subprocess
import tomllib
from pathlib import Path

import pytest

from hubgen.errors import HubError
from hubgen.headers import NOINDEX, inline_scripts, parse_headers_file
from hubgen.netlify import netlify_build
from hubgen.project import Project
from tests.conftest import ROOT

SCRIPT = ROOT / "tests" / "netlify_config.mjs"
NETLIFY_TOML = ROOT / "netlify.toml"
CREDENTIALS = "ann:correct-horse-battery"
CONTEXTS = ["production", "deploy-preview", "branch-deploy"]


def resolve(context: str, config: Path | None = None) -> subprocess.CompletedProcess:
    """Run Netlify's resolver (@netlify/config, offline) on a netlify.toml for one deploy context."""
    node = shutil.which("node")
    if node is None:
        pytest.fail("node is not installed: the Netlify configuration tests need Node.js and npm")
    if not (ROOT / "node_modules" / "@netlify" / "config" / "package.json").is_file():
        pytest.fail("node_modules/@netlify/config is missing: run `make test`, which installs it "
                    "from package-lock.json with `npm ci`")
    args = [node, str(SCRIPT), context, *([str(config)] if config else [])]
    return subprocess.run(args, cwd=ROOT, capture_output=True, text=True, timeout=120)


def resolved(context: str, config: Path | None = None) -> dict:
    result = resolve(context, config)
    assert result.returncode == 0, result.stderr
    return json.loads(result.stdout)


def ignore_command() -> str:
    return tomllib.loads(NETLIFY_TOML.read_text(encoding="utf-8"))["build"]["ignore"]


# --- netlify.toml, as Netlify reads it -------------------------------------------------------------

@pytest.mark.parametrize("context", CONTEXTS)
def test_netlify_toml_resolves_without_warnings(context: str) -> None:
    # Like Netlify, the resolver also parses site/netlify/_headers when a local build left one.
    out = resolved(context)

    assert out["warnings"] == []
    build = out["config"]["build"]
    assert build["command"] == "make netlify"
    assert Path(build["publish"]).as_posix().endswith("site/netlify")
    assert build["ignore"] == ignore_command()
    assert build["environment"]["PYTHON_VERSION"] == "3.11"


@pytest.mark.parametrize(("entry", "expected"), [
    ('[[headers]]\n  for = "/*"\n  values = "not-a-table"\n',
     ["Warning: some headers have syntax errors:", '"values" must be an object not: not-a-table']),
    ('[[redirects]]\n  from = "/old"\n  status = 301\n',
     ["Warning: some redirects have syntax errors:", 'Missing "to" field']),
], ids=["headers", "redirects"])
def test_resolver_reports_dropped_entries(tmp_path: Path, entry: str, expected: list[str]) -> None:
    config = tmp_path / "netlify.toml"
    config.write_text(NETLIFY_TOML.read_text(encoding="utf-8") + "\n" + entry, encoding="utf-8")

    out = resolved("production", config)

    # Netlify drops the entry and goes on: only the warning tells, so the tests fail on warnings.
    assert out["config"]["headers"] == [] and out["config"]["redirects"] == []
    for line in expected:
        assert line in out["warnings"]


def test_resolver_fails_on_unparsable_toml(tmp_path: Path) -> None:
    config = tmp_path / "netlify.toml"
    config.write_text('[build\n  command = "make netlify"\n', encoding="utf-8")

    result = resolve("production", config)

    assert result.returncode == 1
    assert "Could not parse configuration file" in result.stderr
    assert result.stdout == ""


# --- the `ignore` rule: exit 0 skips the build ------------------------------------------------------

@pytest.mark.parametrize(("variant", "context", "skips"), [
    ("affiliates", "deploy-preview", True),
    ("affiliates", "branch-deploy", True),
    ("affiliates", "production", False),
    ("public", "deploy-preview", False),
    (None, "deploy-preview", False),
])
def test_ignore_rule(variant: str | None, context: str, skips: bool) -> None:
    env = {"PATH": os.environ["PATH"], "CONTEXT": context}
    if variant is not None:
        env["HUBGEN_VARIANT"] = variant

    result = subprocess.run(["bash", "-c", ignore_command()], env=env, capture_output=True, timeout=30)

    assert (result.returncode == 0) == skips


# --- netlify_build ----------------------------------------------------------------------------------

@pytest.fixture
def clean_env(monkeypatch: pytest.MonkeyPatch) -> None:
    """The build reads HUBGEN_SITE_URL from the process too: only the env given may decide."""
    monkeypatch.delenv("HUBGEN_SITE_URL", raising=False)


def stale_publish(project: Project) -> Path:
    """A site/netlify/ left by an earlier run, which a refused build must remove."""
    publish = project.root / "site" / "netlify"
    publish.mkdir(parents=True)
    (publish / "index.html").write_text("old", encoding="utf-8")
    return publish


@pytest.mark.parametrize(("env", "message"), [
    ({"HUBGEN_VARIANT": "affiliates", "CONTEXT": "production"}, "HUBGEN_BASIC_AUTH is not set"),
    ({"HUBGEN_VARIANT": "affiliates", "CONTEXT": "production", "HUBGEN_BASIC_AUTH": "ann:short"},
     "HUBGEN_BASIC_AUTH: each entry must be user:password"),
    ({"HUBGEN_VARIANT": "affiliates", "CONTEXT": "deploy-preview", "HUBGEN_BASIC_AUTH": CREDENTIALS},
     "built only for production, not for `deploy-preview`"),
], ids=["no-credentials", "short-password", "deploy-preview"])
def test_affiliates_refused(tiny: Project, clean_env: None, env: dict[str, str], message: str) -> None:
    publish = stale_publish(tiny)

    with pytest.raises(HubError) as caught:
        netlify_build(tiny, env=env)

    assert message in str(caught.value)
    assert not publish.exists()
    assert not (tiny.root / "site" / "affiliates").exists()


def files_holding(root: Path, secret: str) -> list[str]:
    """Every file under root whose bytes (decompressed, for .gz) or name hold the secret."""
    found = []
    for path in sorted(p for p in root.rglob("*") if p.is_file()):
        data = path.read_bytes()
        if path.suffix == ".gz":
            data = gzip.decompress(data)
        if secret.encode() in data or secret in path.as_posix():
            found.append(path.relative_to(root).as_posix())
    return found


def test_affiliates_production(tiny: Project, clean_env: None) -> None:
    env = {"HUBGEN_VARIANT": "affiliates", "CONTEXT": "production", "HUBGEN_BASIC_AUTH": CREDENTIALS}

    summary = netlify_build(tiny, env=env)

    publish = tiny.root / "site" / "netlify"
    assert summary == "affiliates site for Netlify (production) in site/netlify/"
    rule = parse_headers_file((publish / "_headers").read_text(encoding="utf-8"))["/*"]
    assert ("Basic-Auth", CREDENTIALS) in rule
    assert ("X-Robots-Tag", NOINDEX) in rule
    assert (publish / "robots.txt").read_text(encoding="utf-8") == "User-agent: *\nDisallow: /\n"
    # Only the published _headers holds the password: not the affiliate site, build/ or anything else.
    assert (tiny.root / "site" / "affiliates" / "index.html").is_file()
    assert (tiny.root / "build" / "affiliates").is_dir()
    assert files_holding(tiny.root, "correct-horse-battery") == ["site/netlify/_headers"]

    # Netlify's own parser reads that _headers file (publish/_headers) without a warning.
    shutil.copy(NETLIFY_TOML, tiny.root / "netlify.toml")
    out = resolved("production", tiny.root / "netlify.toml")
    assert out["warnings"] == []
    parsed, editor = out["config"]["headers"]
    assert parsed["for"] == "/*"
    assert parsed["values"]["Basic-Auth"] == CREDENTIALS
    assert parsed["values"]["X-Robots-Tag"] == NOINDEX
    # the web editor's rule keeps its own policy, behind the same password
    assert editor["for"] == "/admin/*"
    assert editor["values"]["Basic-Auth"] == CREDENTIALS
    assert "'unsafe-eval'" in editor["values"]["Content-Security-Policy"]


def test_public_deploy_preview_is_noindex(tiny: Project, clean_env: None) -> None:
    netlify_build(tiny, env={"CONTEXT": "deploy-preview",
                             "HUBGEN_SITE_URL": "https://deploy-preview-1--hub.netlify.app/"})

    publish = tiny.root / "site" / "netlify"
    rule = parse_headers_file((publish / "_headers").read_text(encoding="utf-8"))["/*"]
    assert ("X-Robots-Tag", NOINDEX) in rule
    assert not any(name == "Basic-Auth" for name, _ in rule)
    assert (publish / "robots.txt").read_text(encoding="utf-8") == "User-agent: *\nDisallow: /\n"


def test_public_production_is_indexable(tiny: Project, clean_env: None) -> None:
    netlify_build(tiny, env={"HUBGEN_VARIANT": "public", "CONTEXT": "production",
                             "HUBGEN_SITE_URL": "https://hub.example.org/"})

    publish = tiny.root / "site" / "netlify"
    rule = parse_headers_file((publish / "_headers").read_text(encoding="utf-8"))["/*"]
    assert not any(name in ("X-Robots-Tag", "Basic-Auth") for name, _ in rule)
    assert (publish / "robots.txt").read_text(encoding="utf-8") == (
        "User-agent: *\nAllow: /\nSitemap: https://hub.example.org/sitemap.xml\n")


@pytest.mark.parametrize(("page", "scripts"), [
    (b"<script>a()</script>", [b"a()"]),
    (b'<script src="x.js"></script><p>text</p><script>b()</script>', [b"b()"]),
    (b"<script\n>c()</script>", [b"c()"]),
    (b'<script type="module">d()</script>', [b"d()"]),
    (b"<script type=text/javascript>d()</script>", [b"d()"]),
    (b'<script id="__config" type="application/json">{"a": 1}</script>', []),  # data: never run
    (b"<scripts>e()</scripts>", []),
    (b'<script data-src="x">f()</script>', []),  # no hash: refused, which fails safe
    (b"<script>never closed", []),
])
def test_inline_scripts_are_those_the_policy_must_hash(page: bytes, scripts: list[bytes]) -> None:
    assert list(inline_scripts(page)) == scripts
