"""tiktoken as a BPE backend: the reference engine, and the fallback for every other backend."""

from __future__ import annotations

from tokencost.tokenizers.vocab import Vocabulary


class TiktokenEngine:
    """``count(text)`` = length of tiktoken's ``encode_ordinary`` (special tokens count as text)."""

    name = "tiktoken"

    def __init__(self, vocab: Vocabulary) -> None:
        import tiktoken

        self.encoding = tiktoken.Encoding(
            vocab.family, pat_str=vocab.pat_str, mergeable_ranks=vocab.ranks(), special_tokens={}
        )
        self._encode = self.encoding.encode_ordinary

    def count(self, text: str) -> int:
        return len(self._encode(text))


def build(vocab: Vocabulary) -> TiktokenEngine:
    return TiktokenEngine(vocab)
