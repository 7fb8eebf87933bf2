"""The one exception family of hubgen, and the Problem every check reports."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path


@dataclass(frozen=True, order=True)
class Problem:
    """One thing wrong in one file, at one place, with what to do about it."""

    path: str
    line: int
    column: int
    message: str
    field: str = ""

    def __str__(self) -> str:
        where = f"{self.path}:{self.line}:{self.column}" if self.line else self.path
        if not where:
            return self.message
        return f"{where}: {self.field}: {self.message}" if self.field else f"{where}: {self.message}"


class HubError(Exception):
    """A user-facing failure: printed one line per problem, exit status 1."""

    def __init__(self, problems: list[Problem] | str):
        if isinstance(problems, str):
            problems = [Problem("", 0, 0, problems)]
        self.problems = sorted(set(problems))
        super().__init__("\n".join(str(p) for p in self.problems))

    def lines(self) -> list[str]:
        return [str(p) for p in self.problems]


def display_path(path: Path, root: Path) -> str:
    """The path as an editor sees it: relative to the hub's root, with forward slashes."""
    try:
        return path.resolve().relative_to(root.resolve()).as_posix()
    except ValueError:
        return path.as_posix()
