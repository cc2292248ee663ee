"""Counters: ``family``, ``exact``, ``method``, ``error_band``, ``backend`` and ``count(text) -> int``.

Counts never include special tokens (text is encoded as ordinary text) nor a BOS token. ``BpeCounter`` counts
a verified ``Vocabulary`` (``vocab``): short texts with the pure-Python BPE over the rank index, longer ones
with the first backend that takes the vocabulary (``backends.engine``: rs-bpe when installed and verified,
else tiktoken). ``EstimateCounter`` wraps the fitted estimator.
"""

from __future__ import annotations

import unicodedata
from collections.abc import Iterable

from tokencost.errors import InputError
from tokencost.tokenizers import chunking
from tokencost.tokenizers.backends.python_bpe import stable_unicode as _stable_unicode
from tokencost.tokenizers.vocab import Vocabulary

#: Texts longer than this are counted chunk by chunk (bounded token-list memory; same total).
_LONG = 4 * chunking.CHUNK_CHARS


class Counter:
    """Base class; subclasses implement ``_count``."""

    family: str
    exact: bool
    method: str
    error_band: float | None
    #: True when counts of safe chunks (``chunking``) add up to the count of the whole text
    chunk_safe: bool = True
    #: what counts: ``tiktoken``, ``rs-bpe``, ``python-bpe`` (short texts), ``tokenizers``, ``estimator``
    backend: str = "unknown"

    def count(self, text: str) -> int:
        if not isinstance(text, str):
            raise InputError(f"text must be a str, not {type(text).__name__}")
        if len(text) <= _LONG or not self.chunk_safe:
            return self._count(text)
        return sum(self._count(piece) for piece in chunking.split_text(text))

    def count_range(self, text: str) -> tuple[int, int, int]:
        """``(tokens, low, high)``: the count and inclusive bounds of the true count (equal when exact)."""
        n = self.count(text)
        return n, n, n

    def count_chunks(self, chunks: Iterable[str]) -> int:
        """Total of safe chunks (see ``chunking``); equals ``count`` of their concatenation."""
        return sum(self.count(chunk) for chunk in chunks)

    def _count(self, text: str) -> int:  # pragma: no cover - abstract
        raise NotImplementedError

    def __repr__(self) -> str:
        return f"<{type(self).__name__} {self.method}>"


class BpeCounter(Counter):
    """Exact counts with a verified BPE vocabulary.

    Building a native encoder (tiktoken hashes 200k tokens; rs-bpe is verified once per build) costs more
    than counting a prompt takes, so texts are counted by the pure-Python BPE (``backends.python_bpe``) over
    the rank index until ``SMALL_TEXT`` characters have been counted; then the engine is built. Tests check
    every path gives tiktoken's count.
    """

    exact = True
    error_band = None
    #: characters counted in pure Python before the native engine is built
    SMALL_TEXT = 20_000

    def __init__(self, vocab: Vocabulary, index=None) -> None:
        self.family = vocab.family
        self.method = f"exact:{vocab.family}"
        self.vocab = vocab
        #: fast-loading lookups for short texts (``vocab.store.RankIndex``) when the full dict is not loaded
        self._index = index
        self._engine = None
        self._small = None
        self._reference = None
        self._budget = self.SMALL_TEXT

    @property
    def pat_str(self) -> str:
        return self.vocab.pat_str

    @property
    def normalize(self) -> str | None:
        return self.vocab.normalize

    @property
    def ranks(self) -> dict[bytes, int]:
        return self.vocab.ranks()

    @property
    def _ranks(self) -> dict[bytes, int] | None:
        return self.vocab._ranks

    @property
    def engine(self):
        """The native engine (built on first use): rs-bpe when installed and verified, else tiktoken."""
        if self._engine is None:
            from tokencost.tokenizers.backends import engine

            self._engine = engine(self.vocab)
        return self._engine

    @property
    def backend(self) -> str:  # type: ignore[override]
        return self._engine.name if self._engine is not None else "python-bpe"

    @property
    def encoding(self):
        """tiktoken's ``Encoding`` of this vocabulary (the reference; built on first use)."""
        engine = self.engine
        if hasattr(engine, "encoding"):
            return engine.encoding
        if self._reference is None:
            from tokencost.tokenizers.backends.tiktoken_backend import TiktokenEngine

            self._reference = TiktokenEngine(self.vocab)
        return self._reference.encoding

    def warm(self) -> None:
        """Build the native engine now (before forking workers, so they inherit it)."""
        self.engine  # noqa: B018

    def _count(self, text: str) -> int:
        if self.vocab.normalize:
            text = unicodedata.normalize(self.vocab.normalize, text)
        if self._engine is None and len(text) <= self._budget and _stable_unicode(text):
            self._budget -= len(text)
            return self.count_small(text)
        return self.engine.count(text)

    def count_small(self, text: str) -> int:
        """Pure-Python count (same result as tiktoken's ``encode_ordinary``)."""
        ranks = self.vocab._ranks if self.vocab._ranks is not None else self._index
        if ranks is None:
            ranks = self.vocab.ranks()
        if self._small is None or self._small.ranks is not ranks:
            from tokencost.tokenizers.backends.python_bpe import PythonBpe

            self._small = PythonBpe(self.vocab.pat_str, ranks)
        return self._small.count(text)


#: the name this class had when tiktoken was its only engine
TiktokenCounter = BpeCounter


class EstimateCounter(Counter):
    """The fitted estimator (``estimator``), with its error band."""

    exact = False
    backend = "estimator"

    def __init__(self, family: str, proxy: str | None = None) -> None:
        from tokencost.tokenizers import estimator

        self.family = family
        self._proxy = proxy or family
        self._estimate = estimator.estimate
        self.error_band = float(estimator.error_band(self._proxy))
        detail = estimator.describe(self._proxy)
        self.method = f"estimate:{family}" + (f" ({detail})" if detail else "")

    def _count(self, text: str) -> int:
        return int(self._estimate(text, self._proxy)) if text else 0

    def count_range(self, text: str) -> tuple[int, int, int]:
        """The estimate and its fitted band (``estimator.bounds``: holds 9 texts in 10 at every length)."""
        from tokencost.tokenizers import estimator

        n = self.count(text)
        return (n, *estimator.bounds(text, self._proxy, n))
