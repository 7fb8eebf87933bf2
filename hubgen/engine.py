"""Run an engine (ProperDocs, MkDocs or Zensical) on a generated project; the only module knowing engines.

A generated project (`build/<variant>/`: `docs/`, `overrides/`, `mkdocs.yml`) is plain, so
each of these engines builds it unchanged:

- **ProperDocs** (the default), the maintained fork of MkDocs 1.6, run as its own command
  (`python -m properdocs`): only then does it answer the `mkdocs.*` imports of Material's
  theme and plugins, which pulls MkDocs 1.6.1 into the environment anyway;
- **MkDocs** 1.6.1, unmaintained, for those who need it;
- **Zensical**, Material's successor (optional: `pip install -r requirements-zensical.txt`),
  which differs: it has no `--site-dir` and writes its site and a `.cache/` inside the
  project folder, needs `theme.variant: classic` for Material's look, always writes its own
  search index (`search.json`, unused: the hub has its own search) and `sitemap.xml` without
  `<lastmod>` or a `.gz` copy, and under `--strict` prints boxed warnings and a traceback.

`start` builds a project into a fresh staging folder beside the final site and `finish` waits
for it, within a time limit; the engine's problems come back as `path: message` lines (never
its traceback), and under `--strict` any warning it prints fails the build whatever its exit
status. `clean_stale` removes the staging folders an interrupted build left behind.
"""

from __future__ import annotations

import contextlib
import importlib.util
import os
import re
import shutil
import signal
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from functools import partial
from pathlib import Path
from typing import IO, Any

import click
import jinja2

from hubgen.child import end_process
from hubgen.errors import HubError, Problem
from hubgen.project import PIECES

ENGINE_VAR = "HUBGEN_ENGINE"
TIMEOUT_VAR = "HUBGEN_ENGINE_TIMEOUT"
DEFAULT_ENGINE = "properdocs"
# seconds an engine may take: far more than any engine needs on a slow machine (about 0.01 s
# a page here), so that only a page that makes the Markdown parser explode reaches it
BASE_LIMIT, LIMIT_PER_PAGE = 300.0, 0.1
STAGING = ".{variant}.new-"  # + the build's process id and a random part, beside the final site
ZENSICAL_CONFIG = ".hubgen-zensical.yml"  # Zensical's copy of mkdocs.yml, in the project folder
ZENSICAL_SITE = ".hubgen-site"  # where Zensical builds, in the project folder, before it is moved out
ANSI = re.compile(r"\x1b\[[0-9;]*[A-Za-z]")


@dataclass(frozen=True)
class Engine:
    """One engine: how to run it on a generated project and where its site keeps things."""

    name: str
    package: str  # the Python package that has to be installed
    search_index: str | None  # path of the engine's own search index in a built site, if it makes one
    sitemap: str  # path of the sitemap inside a built site
    lacks: tuple[str, ...] = ()  # what its site lacks next to Material for MkDocs'

    @property
    def installed(self) -> bool:
        return importlib.util.find_spec(self.package) is not None

    def command(self, config: Path, site_dir: Path | None = None, *, verbose: bool = False) -> list[str]:
        """The plain strict build of a generated project, as anyone could run it by hand."""
        if self.name == "zensical":
            return [sys.executable, "-m", "zensical", "build", "--strict", "--config-file", str(config)]
        command = [sys.executable, "-m", self.name, "build", "--strict", "--config-file", str(config)]
        if site_dir is not None:
            command += ["--site-dir", str(site_dir)]
        return [*command, "--verbose"] if verbose else command


ENGINES: dict[str, Engine] = {
    # their search plugin is switched off: the hub's own search (hubgen.search) is made after them
    "properdocs": Engine("properdocs", "properdocs", None, "sitemap.xml"),
    "mkdocs": Engine("mkdocs", "mkdocs", None, "sitemap.xml"),
    # its search is built in: it writes search.json, which the hub's pages do not use
    "zensical": Engine("zensical", "zensical", "search.json", "sitemap.xml", lacks=(
        "the sitemap has no <lastmod> dates and no sitemap.xml.gz",
        "its own search index (search.json) is published unused beside the hub's",
        "`hubgen serve` uses Zensical's own preview",
    )),
}


def engine_named(name: str | None = None) -> Engine:
    """The engine `name` says, else HUBGEN_ENGINE, else ProperDocs; an error saying what to do
    when it is unknown or not installed."""
    chosen = (name or os.environ.get(ENGINE_VAR) or DEFAULT_ENGINE).strip().lower()
    if chosen not in ENGINES:
        raise HubError(f"{ENGINE_VAR}: unknown engine `{chosen}`; choose one of {', '.join(ENGINES)}")
    engine = ENGINES[chosen]
    time_limit(0)  # a wrong HUBGEN_ENGINE_TIMEOUT is said before any work is done
    if not engine.installed:
        extra = "requirements-zensical.txt" if chosen == "zensical" else "requirements.txt"
        raise HubError(f"the {chosen} engine is not installed; install it with "
                       f"`.venv/bin/pip install -r {extra}` or choose another engine")
    return engine


def installed_engines() -> list[Engine]:
    return [engine for engine in ENGINES.values() if engine.installed]


def time_limit(pages: int) -> float:
    """Seconds an engine may take on a project of `pages` pages (HUBGEN_ENGINE_TIMEOUT sets it)."""
    given = os.environ.get(TIMEOUT_VAR, "").strip()
    if given:
        try:
            limit = float(given)
        except ValueError:
            limit = 0.0
        if limit <= 0:
            raise HubError(f"{TIMEOUT_VAR} must be a number of seconds above 0, not `{given}`")
        return limit
    return BASE_LIMIT + LIMIT_PER_PAGE * pages


@dataclass
class Run:
    """An engine building one variant's project into a staging folder."""

    engine: Engine
    project_dir: Path
    staging: Path
    process: subprocess.Popen
    log: IO[str]
    limit: float
    started: float = field(default_factory=time.perf_counter)
    inside: Path | None = None  # where Zensical writes, inside the project, before it is moved out

    def finish(self, shown: str, source_of: Any = None) -> Path:
        """Wait for the engine; the staging folder holding the finished site. `shown` is the
        project folder as messages name it; `source_of(page)` names the content file a
        generated page comes from, when there is one."""
        try:
            self.process.wait(timeout=max(0.0, self.limit - (time.perf_counter() - self.started)))
        except subprocess.TimeoutExpired:
            self.process.kill()
            self.process.wait()
            problem = self._timeout_problem(shown, source_of)
            self.stop()
            raise HubError([problem]) from None
        problems = self.problems(shown)
        if self.process.returncode != 0 or problems:
            raise HubError(problems or [Problem(f"{shown}/mkdocs.yml", 0, 0,
                                                f"{self.engine.name} failed (exit status "
                                                f"{self.process.returncode}) without saying why; run "
                                                f"`{self.engine.name} build --strict -f {shown}/mkdocs.yml`"
                                                " to see its output")])
        if self.inside is not None:
            shutil.rmtree(self.staging, ignore_errors=True)
            try:
                os.replace(self.inside, self.staging)
            except OSError:  # another file system: moved by copying
                shutil.move(str(self.inside), str(self.staging))
        return self.staging

    def stop(self) -> None:
        """End the engine if it still runs, and remove what it left unfinished."""
        if self.process.poll() is None:
            self.process.kill()
            self.process.wait()
        self.log.close()
        for folder in (self.inside, self.staging):
            if folder is not None and folder.exists():
                shutil.rmtree(folder, ignore_errors=True)

    def output(self) -> str:
        self.log.seek(0)
        return ANSI.sub("", self.log.read())

    def problems(self, shown: str) -> list[Problem]:
        """The engine's warnings and errors as `path: message` problems."""
        return list(_problems(self.engine, self.output(), shown))

    def _timeout_problem(self, shown: str, source_of: Any) -> Problem:
        page = _last_page(self.output())
        where = f"{shown}/mkdocs.yml"
        said = (f"{self.engine.name} did not finish within {self.limit:g} seconds and was stopped "
                f"(HUBGEN_ENGINE_TIMEOUT sets the limit)")
        if page is None:
            return Problem(where, 0, 0, f"{said}; which page it was building is not known")
        source = source_of(page) if source_of else None
        if source:
            return Problem(source, 0, 0, f"{said} while building this record's page ({shown}/docs/{page}); "
                                         "shorten or simplify its text (long runs of brackets or "
                                         "unclosed tags make the Markdown parser very slow)")
        return Problem(f"{shown}/docs/{page}", 0, 0, f"{said} while building this page")


def start(engine: Engine, config: Path, site_root: Path, variant: str, epoch: int, *, nice: int = 0,
          limit: float | None = None) -> Run:
    """Start building the project of `config` into a new hidden folder beside the final site
    (`nice` lowers the engine's priority: a build waits for the slowest engine, which should not
    share its core). The engine's output goes to a file, not a pipe, so that a chatty engine
    never blocks while another is waited on."""
    site_root.mkdir(parents=True, exist_ok=True)
    project_dir = config.parent
    staging = Path(tempfile.mkdtemp(prefix=f"{STAGING.format(variant=variant)}{os.getpid()}-", dir=site_root))
    inside = None
    if engine.name == "zensical":
        # always the same folder and config, which its cache needs to be of use (a site_dir of
        # another name makes it build every page again); emptied first, since whatever an
        # interrupted build left there would otherwise be published
        inside = project_dir / ZENSICAL_SITE
        shutil.rmtree(inside, ignore_errors=True)
        config = _zensical_config(config, ZENSICAL_SITE)
    log = tempfile.TemporaryFile(mode="w+", encoding="utf-8")  # noqa: SIM115 - Run.stop closes it
    prctl = _prctl()  # found here: the child may not import between fork and exec
    env = {**os.environ, "SOURCE_DATE_EPOCH": str(epoch), "NO_MKDOCS_2_WARNING": "1", "NO_COLOR": "1"}
    process = subprocess.Popen(engine.command(config, staging, verbose=True), env=env, stdout=log,
                               stderr=subprocess.STDOUT, text=True, cwd=project_dir,
                               preexec_fn=partial(_die_with_parent, os.getpid(), prctl))  # no threads run
    if nice:
        lower_priority(process.pid, nice)
    return Run(engine, project_dir, staging, process, log, limit if limit is not None else time_limit(0),
               inside=inside)


class LivePreview:
    """An engine's live preview of a generated project on 127.0.0.1, reloading the browser
    after each rebuild. ProperDocs and MkDocs run in this process, keeping between rebuilds what
    their own `serve` makes anew each time (see `_InProcess`); Zensical runs its own `serve`."""

    def written(self, files: list[str]) -> None:
        """hubgen has written these files of the project (paths inside it)."""

    def serve(self) -> None:
        """Serve until interrupted."""
        raise NotImplementedError


def live_preview(engine: Engine, config: Path, port: int, *,
                 wrap: Callable[[type], type] | None = None) -> LivePreview:
    """`wrap` (for hubgen serve's problem banner) extends the live-reload server's class, where
    the engine's server runs in this process (Zensical's own serve has none to extend)."""
    if engine.name == "zensical":
        return _ZensicalPreview(config, port)
    return _InProcess(engine, config, port, wrap)


class _InProcess(LivePreview):
    """ProperDocs' or MkDocs' dirty build and live-reload server, in this process. Kept from one
    rebuild to the next: the loaded config with its plugins, and the theme's Jinja environment,
    which would otherwise compile Material's templates again on every save. The
    server watches one small folder whose file hubgen touches after each regeneration, rather
    than poll every file of `docs/`."""

    def __init__(self, engine: Engine, config: Path, port: int, wrap: Callable[[type], type] | None = None):
        if engine.name == "properdocs":
            importlib.import_module("properdocs.replacement")  # Material's `mkdocs.*` imports: ProperDocs
        self.api = engine.name
        self.config_file, self.config = config, None
        self.dirty = False  # the first build, and the one after the config or theme changed, build every page
        self.site_dir = tempfile.mkdtemp(prefix="hubgen-preview-")
        self.trigger_dir = Path(tempfile.mkdtemp(prefix="hubgen-trigger-"))  # outside build/: pruned there
        self.trigger = self.trigger_dir / "rebuild"
        self.trigger.write_text("0")
        livereload = importlib.import_module(f"{self.api}.livereload")
        self.serve_url = livereload._serve_url("127.0.0.1", port, "/")
        try:
            self.build()
        except (click.ClickException, jinja2.TemplateError) as error:  # the engine's, or a theme override's
            shown = f"{config.parent.parent.name}/{config.parent.name}/{config.name}"  # build/<variant>/...
            raise HubError(f"{shown}: {engine.name}: {error}") from None
        server_class = wrap(livereload.LiveReloadServer) if wrap else livereload.LiveReloadServer
        self.server = server_class(builder=self.build, host="127.0.0.1", port=port,
                                   root=self.site_dir, polling_interval=0.02)
        self.server.build_delay = 0.01  # hubgen touches the trigger once, after writing everything
        self.server.watch(str(self.trigger_dir))

    def written(self, files: list[str]) -> None:
        # a page's pieces are theme files too, but named by their contents and read by the
        # pages that name them (whose Markdown changed with the name): the kept Jinja finds a
        # new one, and a dirty build rebuilds just those pages
        if any(not f.startswith(("docs/", f"overrides/{PIECES}/")) for f in files):
            self.config, self.dirty = None, False  # mkdocs.yml or the theme's overrides: every page
        self.trigger.write_text(str(time.time_ns()))

    def build(self) -> None:
        build = importlib.import_module(f"{self.api}.commands.build").build
        if self.config is None:
            config = importlib.import_module(f"{self.api}.config").load_config(
                config_file=str(self.config_file), site_dir=self.site_dir)
            config.site_url = self.serve_url
            config.plugins.on_startup(command="serve", dirty=True)
            env = config.theme.get_env()
            config.theme.get_env = lambda: env
            # the engine lists the theme's files (Material has some 15,000) to copy its static
            # ones, with the same filter on every build: list them once
            listed: dict[Any, list[str]] = {}
            list_templates = env.list_templates

            def list_once(extensions: Any = None, filter_func: Any = None) -> list[str]:
                key = (extensions and tuple(extensions), getattr(filter_func, "__code__", filter_func))
                if key not in listed:
                    listed[key] = list_templates(extensions, filter_func)
                return listed[key]

            env.list_templates = list_once
            self.config = config
        build(self.config, serve_url=self.serve_url, dirty=self.dirty)
        self.dirty = True

    def serve(self) -> None:
        try:
            self.server.serve()
        except KeyboardInterrupt:
            pass
        finally:
            self.server.shutdown()
            shutil.rmtree(self.site_dir, ignore_errors=True)
            shutil.rmtree(self.trigger_dir, ignore_errors=True)


class _ZensicalPreview(LivePreview):
    """`zensical serve`, which watches the project itself and rebuilds what changed (its own
    cache); its site is written inside the project, as its builds are. Started here, before the
    caller's threads run, so that it can be bound to end with this process."""

    def __init__(self, config: Path, port: int):
        config = _zensical_config(config, ".hubgen-preview", ".hubgen-zensical-preview.yml")
        self.process = subprocess.Popen(
            [sys.executable, "-m", "zensical", "serve", "--config-file", str(config),
             "--dev-addr", f"127.0.0.1:{port}"], cwd=config.parent, env={**os.environ, "NO_COLOR": "1"},
            preexec_fn=partial(_die_with_parent, os.getpid(), _prctl()))

    def serve(self) -> None:
        try:
            self.process.wait()
        except KeyboardInterrupt:
            pass
        finally:
            end_process(self.process)


def clean_stale(site_root: Path, project_dirs: list[Path]) -> list[Path]:
    """Remove the staging folders a build that no longer runs left behind (interrupted: power
    cut, kill -9), beside the sites and, for Zensical, inside the generated projects. A
    folder's name holds the process id of the build that made it: a live build's are kept (a
    name without one is an older hubgen's, whose builds did not outlive their process)."""
    removed = []
    for folder in [site_root, *project_dirs]:
        for path in _staging_folders(folder):
            pid, _, rest = path.name.split("new-", 1)[1].partition("-")
            owner = int(pid) if pid.isdigit() and rest else None  # None: an older hubgen's name
            if owner is None or not _alive(owner):
                shutil.rmtree(path, ignore_errors=True)
                removed.append(path)
    return removed


def _staging_folders(folder: Path) -> Iterator[Path]:
    with contextlib.suppress(OSError):
        for entry in os.scandir(folder):
            if entry.name.startswith(".") and ".new-" in entry.name and entry.is_dir(follow_symlinks=False):
                yield Path(entry.path)


def _alive(pid: int) -> bool:
    if pid == os.getpid():
        return True
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True


def _zensical_config(config: Path, site_dir: str, name: str = ZENSICAL_CONFIG) -> Path:
    """A copy of the generated mkdocs.yml that Zensical builds: its site written to `site_dir`
    inside the project folder (it takes no other), in Material's classic look."""
    from hubgen.config import dump_config, parse_generated

    settings = parse_generated(config)
    settings["site_dir"] = site_dir
    settings["theme"] = {**settings.get("theme", {}), "variant": "classic"}
    copy = config.parent / name
    text = dump_config(settings)
    if not copy.is_file() or copy.read_text(encoding="utf-8") != text:  # unchanged: its cache holds
        copy.write_text(text, encoding="utf-8")
    return copy


# MkDocs and ProperDocs: `WARNING -  Doc file 'x.md' contains a link ...` under --strict
_LOGGED = re.compile(r"^(WARNING|ERROR|CRITICAL)\s+-\s+(.*)$")
_DOC_FILE = re.compile(r"^Doc file '([^']+)' (.*)$")
# Zensical: `Warning: message` then a box whose first line holds `[ path:line:column ]`
_BOXED = re.compile(r"^(Warning|Error):\s*(.*)$")
_BOX_PLACE = re.compile(r"\[\s*([^\s\]]+?):(\d+):(\d+)\s*\]")
_BOX_SOURCE = re.compile(r"^\s*\d+\s*│\s?(.*)$")
_EXCEPTION = re.compile(r"^([A-Za-z_][\w.]*(?:Error|Exception)): (.+)$")
_READING = re.compile(r"^DEBUG\s+-\s+(?:Reading: |Building page )(.+?)\s*$")


def _problems(engine: Engine, output: str, shown: str) -> Iterator[Problem]:
    lines = output.splitlines()
    found = False
    for i, line in enumerate(lines):
        if match := _LOGGED.match(line.strip()):
            found = True
            message = match.group(2).strip()
            if doc := _DOC_FILE.match(message):
                yield Problem(f"{shown}/docs/{doc.group(1)}", 0, 0, f"{engine.name}: {doc.group(2)}")
            elif not message.startswith("Aborted with"):
                yield Problem(f"{shown}/mkdocs.yml", 0, 0, f"{engine.name}: {message}")
        elif match := _BOXED.match(line.strip()):
            found = True
            message, place, source = match.group(2).strip(), None, None
            for following in lines[i + 1:i + 6]:
                if place is None and (at := _BOX_PLACE.search(following)):
                    place = at
                elif place is not None and (quoted := _BOX_SOURCE.match(following)):
                    source = quoted.group(1).strip()
                    break
            if source:
                message = f"{message}: `{source}`"
            if place:
                yield Problem(f"{shown}/docs/{place.group(1)}", int(place.group(2)), int(place.group(3)),
                              f"{engine.name}: {message}")
            else:
                yield Problem(f"{shown}/mkdocs.yml", 0, 0, f"{engine.name}: {message}")
    if not found:
        # no warning logged: the reason is the exception a traceback ended with, if any
        for line in reversed(lines):
            if match := _EXCEPTION.match(line.strip()):
                yield Problem(f"{shown}/mkdocs.yml", 0, 0, f"{engine.name} stopped: {match.group(2)}")
                break


def _last_page(output: str) -> str | None:
    """The page an engine was reading or building when it last said anything, if it was one."""
    for line in reversed(output.splitlines()):
        if line.startswith("DEBUG"):
            match = _READING.match(line)
            return match.group(1) if match else None
    return None


def _prctl() -> Any:
    """libc's `prctl`, where there is one (Linux)."""
    import ctypes
    import ctypes.util

    with contextlib.suppress(OSError, AttributeError, TypeError):
        return ctypes.CDLL(ctypes.util.find_library("c"), use_errno=True).prctl
    return None


def _die_with_parent(parent: int, prctl: Any) -> None:
    """In the engine's process, before it starts: end when the build ends, even if the build is
    killed (Linux), rather than go on writing a site nobody will use."""
    if prctl is not None:
        prctl(1, signal.SIGKILL)  # PR_SET_PDEATHSIG
    if os.getppid() != parent:  # the build was killed before the line above took effect
        os._exit(1)


def bound_to_this_process() -> Callable[[], None]:
    """A `preexec_fn` for a helper program (the search indexer): it ends when the process that
    starts it does, even if that one is killed, like an engine."""
    return partial(_die_with_parent, os.getpid(), _prctl())


def lower_priority(pid: int, nice: int) -> None:
    """Make a process `nice` steps nicer, where the system allows it."""
    with contextlib.suppress(OSError, AttributeError):
        os.setpriority(os.PRIO_PROCESS, pid, os.getpriority(os.PRIO_PROCESS, pid) + nice)
