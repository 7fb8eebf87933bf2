"""Run the engine on a generated project, into a fresh folder that replaces the site only on success."""

from __future__ import annotations

import contextlib
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import IO

from hubgen.errors import HubError, Problem


def engine_command(config: Path, site_dir: Path) -> list[str]:
    """The plain engine build any of MkDocs, ProperDocs or Zensical users can run by hand."""
    return [sys.executable, "-m", "mkdocs", "build", "--strict", "--config-file", str(config),
            "--site-dir", str(site_dir)]


def start_engine(config: Path, site_root: Path, variant: str, epoch: int, nice: int = 0
                 ) -> tuple[subprocess.Popen, Path, float, IO[str]]:
    """Start a build into a new hidden folder beside the final one (`nice` lowers its
    priority: the build waits for the slowest engine, which should not share its core).

    Returns the process, that folder, the start time and the log it writes to (a file, not a
    pipe, so that a chatty engine never blocks while the other variant is waited on).
    """
    site_root.mkdir(parents=True, exist_ok=True)
    staging = Path(tempfile.mkdtemp(prefix=f".{variant}.new-", dir=site_root))
    log = tempfile.TemporaryFile(mode="w+", encoding="utf-8")  # noqa: SIM115 - the caller closes it
    env = {**os.environ, "SOURCE_DATE_EPOCH": str(epoch), "NO_MKDOCS_2_WARNING": "1"}
    process = subprocess.Popen(engine_command(config, staging), env=env, stdout=log,
                               stderr=subprocess.STDOUT, text=True)
    if nice:
        lower_priority(process.pid, nice)
    return process, staging, time.perf_counter(), log


def finish_engine(process: subprocess.Popen, variant: str, shown_config: str, log: IO[str]) -> None:
    process.wait()
    if process.returncode != 0:
        log.seek(0)
        output = log.read()
        lines = [ln for ln in output.splitlines() if ln.startswith(("WARNING", "ERROR"))]
        lines = lines or output.strip().splitlines()[-5:] or ["the engine failed"]
        raise HubError([Problem(shown_config, 0, 0, f"{variant} site: {ln.strip()}") for ln in lines])


def lower_priority(pid: int, nice: int) -> None:
    """Make a process `nice` steps nicer, where the system allows it."""
    with contextlib.suppress(OSError, AttributeError):
        os.setpriority(os.PRIO_PROCESS, pid, os.getpriority(os.PRIO_PROCESS, pid) + nice)
