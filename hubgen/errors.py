"""The one exception family of hubgen, and the Problem every check reports."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True, order=True)
class Problem:
    """One thing wrong in one file, at one place, with what to do about it."""

    path: str
    line: int
    column: int
    message: str
    field: str = ""
    severity: str = "error"  # or "warning": printed, exit status 0 (unless `check --strict`)

    @property
    def is_warning(self) -> bool:
        return self.severity == "warning"

    def __str__(self) -> str:
        where = f"{self.path}:{self.line}:{self.column}" if self.line else self.path
        what = f"{self.field}: {self.message}" if self.field else self.message
        if self.is_warning:
            what = f"warning: {what}"
        return f"{where}: {what}" if where else what


class HubError(Exception):
    """A user-facing failure: printed one line per problem, exit status 1."""

    def __init__(self, problems: list[Problem] | str):
        if isinstance(problems, str):
            problems = [Problem("", 0, 0, problems)]
        self.problems = sorted(set(problems))
        super().__init__("\n".join(str(p) for p in self.problems))

    def lines(self) -> list[str]:
        return [str(p) for p in self.problems]


def github_annotation(problem: Problem) -> str:
    """A GitHub Actions workflow command: the problem shows on its line in the pull request."""

    def data(text: str) -> str:
        return text.replace("%", "%25").replace("\r", "%0D").replace("\n", "%0A")

    def prop(text: str) -> str:
        return data(text).replace(":", "%3A").replace(",", "%2C")

    where = [f"file={prop(problem.path)}"] if problem.path else []
    if problem.line:
        where += [f"line={problem.line}", f"col={problem.column}"]
    message = f"{problem.field}: {problem.message}" if problem.field else problem.message
    return f"::{problem.severity} {','.join([*where, 'title=hubgen check'])}::{data(message)}"

