"""Token counting per tokenizer family: exact where the vendor's tokenizer is available offline, the fitted
estimator elsewhere (and on request, so its error can be measured).

Public API:
- ``TokenCount(tokens, family, exact, method, error_band, low, high)``
- ``get_counter(family, estimate=False) -> Counter`` (``.family``, ``.exact``, ``.method``, ``.error_band``,
  ``.count(text)``)
- ``count_tokens(text, model=None, tokenizer=None, estimate=False) -> TokenCount``
- ``families() -> list[FamilyInfo]``: every family with whether it is exact here and how to make it so.

Modules: ``registry`` (family specs and pre-tokenizer patterns), ``bpe_files`` (offline, sha256-verified
vocabularies and the ranks cache), ``exact`` (counters), ``chunking`` (safe cut positions), ``files``
(many inputs, worker processes), ``messages`` (chat overhead), ``explain`` (per-script breakdown),
``estimator`` (the fitted estimator).

Vocabularies are never downloaded. Parsed ranks are cached in ``$TOKENCOST_CACHE_DIR`` (default
``$XDG_CACHE_HOME/tokencost`` or ``~/.cache/tokencost``; ``""`` disables the cache), keyed by the sha256 of
the source file, checksummed and rebuilt when corrupt; the cache only makes loading faster.
"""

from __future__ import annotations

from dataclasses import dataclass

from tokencost.errors import InputError, TokenizerUnavailableError
from tokencost.tokenizers.exact import Counter, EstimateCounter, exact_available, load_exact
from tokencost.tokenizers.ranges import with_range
from tokencost.tokenizers.registry import family_ids, spec

__all__ = [
    "Counter",
    "FamilyInfo",
    "TokenCount",
    "count_tokens",
    "families",
    "family_for_model",
    "get_counter",
    "use_counter",
    "with_range",
]


@dataclass(frozen=True)
class TokenCount:
    """A token count and how it was obtained. ``error_band``: typical relative error of an estimate (held-out
    p90 on whole documents); ``low``/``high``: inclusive bounds of the true count for this text (equal to
    ``tokens`` when exact), fitted to hold for at least 9 texts in 10 at every length."""

    tokens: int
    family: str
    exact: bool
    method: str
    error_band: float | None = None
    low: int | None = None
    high: int | None = None

    def __post_init__(self) -> None:
        if self.low is None:
            object.__setattr__(self, "low", self.tokens)
        if self.high is None:
            object.__setattr__(self, "high", self.tokens)

    def as_dict(self) -> dict:
        return {
            "tokens": self.tokens,
            "low": self.low,
            "high": self.high,
            "family": self.family,
            "exact": self.exact,
            "method": self.method,
            "error_band": self.error_band,
        }


@dataclass(frozen=True)
class FamilyInfo:
    id: str
    description: str
    exact_available: bool
    backend: str
    install_hint: str | None


#: the family used when neither a model nor a tokenizer is named (also the CLI's default)
DEFAULT_FAMILY = "o200k_base"

_COUNTERS: dict[tuple[str, bool], Counter] = {}


def get_counter(family: str, estimate: bool = False) -> Counter:
    """The counter of ``family``: exact when its tokenizer is available (and ``estimate`` is false), else the
    estimator. A missing user file (``huggingface:PATH``/``tiktoken:PATH``) is an error, not an estimate."""
    if not isinstance(family, str):
        raise InputError(
            f"tokenizer family must be a str (e.g. 'o200k_base'), got {type(family).__name__} {family!r}"
        )
    if not isinstance(estimate, bool):
        raise InputError(f"estimate must be True or False, got {estimate!r}")
    key = (family, estimate)
    counter = _COUNTERS.get(key)
    if counter is not None:
        return counter
    family_spec = spec(family)
    family = family_spec.id
    is_file_family = family.startswith(("huggingface:", "tiktoken:"))
    if estimate:
        counter = EstimateCounter(family, "generic" if is_file_family else None)
    elif family_spec.backend == "estimate":
        counter = EstimateCounter(family)
    else:
        try:
            counter = load_exact(family_spec)
        except TokenizerUnavailableError:
            if is_file_family:
                raise
            counter = EstimateCounter(family)
    _COUNTERS[key] = counter
    _COUNTERS[(family, estimate)] = counter
    return counter


def use_counter(counter: Counter) -> None:
    """Make ``counter`` the counter of its family for this process (``get_counter(family)`` returns it): how
    ``--online`` puts a vendor's count endpoint in place of the offline counter, for every layer that counts."""
    _COUNTERS[(counter.family, False)] = counter


def family_for_model(model: str) -> str:
    """The tokenizer family the price catalog names for ``model`` (imports the catalog)."""
    from tokencost.pricing.catalog import load_catalog

    return load_catalog().get(model).model.tokenizer


def count_tokens(
    text: str, model: str | None = None, tokenizer: str | None = None, estimate: bool = False
) -> TokenCount:
    """Count ``text`` for a model (its catalog family) or a tokenizer family (default ``o200k_base``).

    >>> count_tokens("hello world", tokenizer="o200k_base").tokens
    2
    """
    if model is not None and tokenizer is not None:
        raise InputError("give either model or tokenizer, not both")
    if not isinstance(text, str):
        raise InputError(f"text must be a str, not {type(text).__name__}")
    for name, value in (("model", model), ("tokenizer", tokenizer)):
        if value is not None and not isinstance(value, str):
            raise InputError(f"{name} must be a str, got {type(value).__name__} {value!r}")
    family = family_for_model(model) if model is not None else (tokenizer or DEFAULT_FAMILY)
    counter = get_counter(family, estimate=estimate)
    tokens, low, high = counter.count_range(text)
    return TokenCount(
        tokens, counter.family, counter.exact, with_range(counter.method, counter.exact, low, high),
        counter.error_band, low, high,
    )  # fmt: skip


def families() -> list[FamilyInfo]:
    """Every registered family, whether it counts exactly on this machine, and how to make it exact."""
    rows = []
    for family in family_ids():
        family_spec = spec(family)
        available = family_spec.backend != "estimate" and exact_available(family_spec)
        rows.append(
            FamilyInfo(
                family,
                family_spec.description,
                available,
                family_spec.backend if available else "estimate",
                None if available else family_spec.install_hint,
            )
        )
    return rows
