"""Token counting per tokenizer family: exact where the vendor's tokenizer is available offline, the fitted
estimator elsewhere (and on request, so its error can be measured).

Public API:
- ``TokenCount(tokens, family, exact, method, error_band, low, high)``
- ``get_counter(family, estimate=False) -> Counter`` (``.family``, ``.exact``, ``.method``, ``.error_band``,
  ``.count(text)``)
- ``count_tokens(text, model=None, tokenizer=None, estimate=False) -> TokenCount``
- ``families() -> list[FamilyInfo]``: every family with whether it is exact here and how to make it so.

Modules: ``registry`` (family specs and pre-tokenizer patterns), ``vocab`` (offline, sha256-verified
vocabulary sources and the ranks cache), ``backends`` (tiktoken, rs-bpe, pure-Python BPE, HF tokenizers),
``counter`` (counters), ``exact`` (the loading path), ``chunking`` (safe cut positions), ``files``
(many inputs, worker processes), ``messages`` (chat overhead), ``explain`` (per-script breakdown),
``estimator`` (the fitted estimator).

Vocabularies are never downloaded. Parsed ranks are cached in ``$TOKENCOST_CACHE_DIR`` (default
``$XDG_CACHE_HOME/tokencost`` or ``~/.cache/tokencost``; ``""`` disables the cache), keyed by the sha256 of
the source file, checksummed and rebuilt when corrupt; the cache only makes loading faster.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from tokencost.errors import InputError, TokenizerUnavailableError
from tokencost.tokenizers.counter import Counter, EstimateCounter
from tokencost.tokenizers.exact import exact_available, load_exact
from tokencost.tokenizers.ranges import with_range
from tokencost.tokenizers.registry import family_ids, install_hint, spec

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
    #: what counted (``rs-bpe``, ``tiktoken``, ``python-bpe``, ``tokenizers``, ``estimator``); not compared
    backend: str | None = field(default=None, compare=False)

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
            "backend": self.backend,
        }


@dataclass(frozen=True)
class FamilyInfo:
    id: str
    description: str
    exact_available: bool
    #: what counts it here (``engine_name``): ``rs-bpe``, ``tiktoken``, ``tokenizers`` or ``estimator``
    backend: str
    install_hint: str | None
    #: why the backend may differ from the fastest installed one (rs-bpe not verified yet, or failed)
    backend_note: str | None = None


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
        counter = _estimator_for(family)
    else:
        try:
            counter = load_exact(family_spec)
        except TokenizerUnavailableError:
            if is_file_family:
                raise
            counter = _estimator_for(family)
    _COUNTERS[key] = counter
    _COUNTERS[(family, estimate)] = counter
    return counter


def _estimator_for(family: str) -> Counter:
    """The estimator of a family without an exact tokenizer here: calibrated with billed counts when a
    calibration file covers it (``tokenizers.calibrated``), else the fitted estimator."""
    from tokencost.tokenizers.calibrated import CalibratedCounter, calibration_for

    calibration = calibration_for(family)
    if calibration is not None:
        return CalibratedCounter(family, family, calibration)
    return EstimateCounter(family)


def use_counter(counter: Counter) -> None:
    """Make ``counter`` the counter of its family for this process (``get_counter(family)`` returns it): how
    ``--online`` puts a vendor's count endpoint in place of the offline counter, for every layer that counts."""
    _COUNTERS[(counter.family, False)] = counter


def family_for_model(model: str) -> str:
    """The tokenizer family that counts ``model``: its catalog card's, or for a self-hosted tag (``llama3.1:8b``)
    the open-weight family its name tells (``tokenizers.models``, the resolver ``tokencost count -m`` uses)."""
    from tokencost.tokenizers.models import model_family

    return model_family(model)[1]


def count_tokens(
    text: str | dict | list, model: str | None = None, tokenizer: str | None = None, estimate: bool = False
) -> TokenCount:
    """Count ``text`` for a model (its catalog family) or a tokenizer family (default ``o200k_base``); a chat
    request (a dict or list in any of the four shapes) is counted with its framing, as the vendor bills it.

    >>> count_tokens("hello world", tokenizer="o200k_base").tokens
    2
    """
    if model is not None and tokenizer is not None:
        raise InputError("give either model or tokenizer, not both")
    # a chat request (any of the four shapes): framed as the vendor bills it
    if isinstance(text, (dict, list)):
        family = family_for_model(model) if model is not None else (tokenizer or DEFAULT_FAMILY)
        return _count_chat(text, family, model, estimate)
    if not isinstance(text, str):
        raise InputError(f"text must be a str or a chat request (a dict or list), not {type(text).__name__}")
    for name, value in (("model", model), ("tokenizer", tokenizer)):
        if value is not None and not isinstance(value, str):
            raise InputError(f"{name} must be a str, got {type(value).__name__} {value!r}")
    family = family_for_model(model) if model is not None else (tokenizer or DEFAULT_FAMILY)
    counter = get_counter(family, estimate=estimate)
    tokens, low, high = counter.count_range(text)
    return TokenCount(
        tokens, counter.family, counter.exact, with_range(counter.method, counter.exact, low, high),
        counter.error_band, low, high, counter.backend,
    )  # fmt: skip


def _count_chat(request: dict | list, family: str, model: str | None, estimate: bool) -> TokenCount:
    """A chat request's tokens for ``family`` (framing included) with its range: the text's band, the framing's
    held-out error."""
    import json

    from tokencost.tokenizers.messages import count_requests_with_range, parse_requests

    try:
        document = json.dumps(request, ensure_ascii=False)
    except (TypeError, ValueError) as exc:
        raise InputError(f"a chat request must be JSON data: {exc}") from None
    requests = parse_requests(document, "request")
    if not any(r.messages for r in requests):
        raise InputError("no chat messages to count (expected a chat request: messages, input or contents)")
    counter = get_counter(family, estimate=estimate)
    result, low, high = count_requests_with_range(requests, family, counter, model)
    method = with_range(counter.method, counter.exact, low, high)
    return TokenCount(
        result.tokens, counter.family, counter.exact, method, counter.error_band, low, high, counter.backend
    )


def engine_name(family: str) -> str:
    """The backend that counts ``family`` here, named as ``--verbose`` and the JSON ``backend`` name it: ``rs-bpe``
    or ``tiktoken`` for a BPE vocabulary (a text under ``BpeCounter.SMALL_TEXT`` is counted by ``python-bpe``
    first, the same counts), ``tokenizers`` for HF tokenizer files, ``estimator`` without an exact tokenizer.
    Looked up, not loaded (an rs-bpe that fails its verification falls back to tiktoken with a notice)."""
    family_spec = spec(family)
    if family_spec.backend == "estimate" or not exact_available(family_spec):
        return "estimator"
    if family_spec.backend == "huggingface" or family_spec.user_copy:
        return "tokenizers"
    from tokencost.tokenizers.backends import fast_backend
    from tokencost.tokenizers.vocab.openai import OPENAI_FILES

    digest = OPENAI_FILES.get(family, ("", ""))[1]
    if not fast_backend.takes(digest, family_spec.pat_str, family_spec.normalize):
        return "tiktoken"
    return "tiktoken" if fast_backend.known_verdict(digest) else "rs-bpe"  # a recorded failure falls back


def _backend_note(family: str, backend: str) -> str | None:
    """For ``--list-families``: rs-bpe not verified here yet (its first use checks it), or why it is not used."""
    from tokencost.tokenizers.backends import fast_backend
    from tokencost.tokenizers.vocab.openai import OPENAI_FILES

    family_spec = spec(family)
    digest = OPENAI_FILES.get(family, ("", ""))[1]
    if backend not in ("rs-bpe", "tiktoken") or not fast_backend.takes(
        digest, family_spec.pat_str, family_spec.normalize
    ):
        return None
    verdict = fast_backend.known_verdict(digest)
    if verdict is None:
        return "unverified: falls back to tiktoken if its check fails"
    return f"rs-bpe not used: {verdict}" if verdict else None


def families() -> list[FamilyInfo]:
    """Every registered family, whether it counts exactly on this machine, and how to make it exact."""
    rows = []
    for family in family_ids():
        family_spec = spec(family)
        available = family_spec.backend != "estimate" and exact_available(family_spec)
        backend = engine_name(family) if available else "estimator"
        hint = None if available else install_hint(family)
        rows.append(
            FamilyInfo(
                family, family_spec.description, available, backend, hint, _backend_note(family, backend)
            )
        )
    return rows
