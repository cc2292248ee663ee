"""Exceptions that carry a one-line message for the user and the exit code the CLI returns.

Exit codes are the same on every command: 0 success, 1 a check or budget failed, 2 usage or input error.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence

EXIT_OK = 0
EXIT_CHECK_FAILED = 1
EXIT_USAGE = 2


def every_problem(problems: Sequence[str]) -> str:
    """Every problem, none hidden: the first on the ``Error:`` line, each further one on its own line."""
    return "".join([problems[0], *(f"\n  {p}" for p in problems[1:])])


class TokencostError(Exception):
    """Base class: a problem the user can fix; the CLI prints ``message`` on one line and exits."""

    exit_code = EXIT_USAGE

    def __init__(self, message: str, hint: str | None = None) -> None:
        super().__init__(message)
        self.message = message
        self.hint = hint

    def __str__(self) -> str:
        return self.message if not self.hint else f"{self.message} ({self.hint})"


class InputError(TokencostError):
    """Input the user gave (a file, a flag value, a workload) cannot be used."""


class PricingError(TokencostError):
    """A price sheet is malformed or inconsistent; ``problems`` lists every finding, one per line."""

    def __init__(self, problems: Sequence[str]) -> None:
        self.problems = list(problems)
        super().__init__(every_problem(self.problems) if self.problems else "invalid price data")


class UnknownModelError(TokencostError):
    """A model id or alias matched nothing; never priced at zero, always reported with suggestions."""

    def __init__(
        self,
        name: str,
        suggestions: Sequence[str] = (),
        *,
        message: str | None = None,
        hint: str | None = None,
    ) -> None:
        self.name = name
        self.suggestions = list(suggestions)
        if hint is None:
            hint = (
                "did you mean: " + ", ".join(self.suggestions)
                if self.suggestions
                else "run `tokencost models --search TEXT` to find it"
            )
        super().__init__(message or f"unknown model {name!r}", hint)


class UnknownTokenizerError(TokencostError):
    """A tokenizer family id matched nothing in the registry."""

    def __init__(self, name: str, suggestions: Sequence[str] = ()) -> None:
        self.name = name
        hint = "known families: " + ", ".join(suggestions) if suggestions else None
        super().__init__(f"unknown tokenizer family {name!r}", hint)


class TokenizerUnavailableError(TokencostError):
    """An exact tokenizer was asked for but its optional package or file is not installed."""


class CheckFailed(TokencostError):
    """A budget or policy check failed (exit 1)."""

    exit_code = EXIT_CHECK_FAILED


def closest(key: str, spellings: Mapping[str, str], n: int = 3, cutoff: float = 0.6) -> list[str]:
    """The names (``spellings``' values) whose spelling (its keys, normalised as ``key`` is) comes closest to
    ``key``, best first, each once: the one "did you mean" lookup behind every such hint."""
    import difflib

    matches = difflib.get_close_matches(key, list(spellings), n=2 * n, cutoff=cutoff)
    return list(dict.fromkeys(spellings[m] for m in matches))[:n]
