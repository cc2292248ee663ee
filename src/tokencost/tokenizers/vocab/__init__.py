"""Vocabulary sources: where a BPE vocabulary's bytes come from, verified once by sha256.

Every source module (``openai``, ``tiktoken_file``, ``quicktok``, ``tekken``, ``hf_json``) returns a
``Vocabulary``: the sha256 of the source bytes it checked (the key of the ranks cache, ``store``), the
pre-tokenizer pattern and normalisation, and a parser that turns the verified bytes into ``{token bytes:
rank}``. Backends (``tokenizers/backends``) build their encoders from a ``Vocabulary`` and nothing else, so
adding a vocabulary is one new source module.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field

from tokencost.tokenizers.vocab import store


@dataclass
class Vocabulary:
    """A verified BPE vocabulary. ``parse`` is called only when the ranks cache misses."""

    family: str
    #: sha256 of the verified source bytes (or a key derived from it): names the ranks cache files
    digest: str
    pat_str: str
    parse: Callable[[], dict[bytes, int]] = field(repr=False)
    normalize: str | None = None
    _ranks: dict[bytes, int] | None = field(default=None, repr=False)

    def ranks(self) -> dict[bytes, int]:
        """The full ``{token bytes: rank}`` dict (ranks cache, else parsed and cached)."""
        if self._ranks is None:
            ranks = store.read_ranks_cache(self.digest)
            if ranks is None:
                ranks = self.parse()
                store.write_ranks_cache(self.digest, ranks)
            store.ensure_index_cache(self.digest, ranks)
            self._ranks = ranks
        return self._ranks

    def index(self) -> store.RankIndex | None:
        """The cached rank index (loads in milliseconds), or None when it is not cached yet."""
        return store.read_index_cache(self.digest)
