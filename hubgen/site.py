"""Run the engine on a generated project, into a fresh folder that replaces the site only on success."""

from __future__ import annotations

import os
import subprocess
import sys
import tempfile
from pathlib import Path

from hubgen.errors import HubError, Problem


def engine_command(config: Path, site_dir: Path) -> list[str]:
    """The plain engine build any of MkDocs, ProperDocs or Zensical users can run by hand."""
    return [sys.executable, "-m", "mkdocs", "build", "--strict", "--config-file", str(config),
            "--site-dir", str(site_dir)]


def start_engine(config: Path, site_root: Path, variant: str, epoch: int) -> tuple[subprocess.Popen, Path]:
    """Start a build into a new hidden folder beside the final one; returns the process and folder."""
    site_root.mkdir(parents=True, exist_ok=True)
    staging = Path(tempfile.mkdtemp(prefix=f".{variant}.new-", dir=site_root))
    env = {**os.environ, "SOURCE_DATE_EPOCH": str(epoch)}
    process = subprocess.Popen(engine_command(config, staging), env=env, stdout=subprocess.PIPE,
                               stderr=subprocess.STDOUT, text=True)
    return process, staging


def finish_engine(process: subprocess.Popen, variant: str, shown_config: str) -> None:
    output, _ = process.communicate()
    if process.returncode != 0:
        lines = [ln for ln in output.splitlines() if ln.startswith(("WARNING", "ERROR"))]
        lines = lines or output.strip().splitlines()[-5:] or ["the engine failed"]
        raise HubError([Problem(shown_config, 0, 0, f"{variant} site: {ln.strip()}") for ln in lines])
