"""One error type for everything a user can get wrong, and the exit codes it maps to.

A library function raises a :class:`HandbookError` (or a subclass) carrying every problem
it found, each a line naming the file, line or field; the CLI (``builder.cli.main``) prints
those lines and exits with the error's code, and the web app shows them beside the field.
Nothing a user typed or wrote ever reaches them as a traceback.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

#: Exit codes, in one place: 0 done, 1 the content has problems, 2 the input given is invalid.
EXIT_OK = 0
EXIT_CONTENT = 1
EXIT_INPUT = 2


@dataclass(frozen=True, order=True)
class Problem:
    """One thing wrong with a file, where it is, and what to do."""

    path: str
    line: int
    key: str
    message: str

    def __str__(self) -> str:
        return f"{self.path}:{self.line}: {self.key}: {self.message}"


class HandbookError(Exception):
    """A mistake in what the user gave: one line per problem, and the exit code to use."""

    exit_code = EXIT_INPUT

    def __init__(self, problems: Iterable[object] | str):
        self.problems: list = [problems] if isinstance(problems, str) else list(problems)
        super().__init__("\n".join(str(p) for p in self.problems))

    def lines(self) -> list[str]:
        return [str(p) for p in self.problems]


class ContentError(HandbookError):
    """content/ or forms/ has problems (each a :class:`Problem`)."""

    exit_code = EXIT_CONTENT

    def __init__(self, problems: Iterable[Problem]):
        super().__init__(problems)
