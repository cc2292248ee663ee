"""BPE backends: engines that count with a verified ``Vocabulary`` (``vocab``), tried in order.

An engine has ``name`` and ``count(text) -> int`` (special tokens counted as text). ``fast_backend`` (rs-bpe,
the ``[fast]`` extra) is used when installed and verified for the vocabulary; ``tiktoken_backend`` always
works and is the reference. ``python_bpe`` counts short texts without building either; ``hf_backend`` runs
tokenizer.json files that are not plain BPE. Adding an engine is one module and one line in ``_BUILDERS``.
"""

from __future__ import annotations

from tokencost.tokenizers.vocab import Vocabulary


def _builders():
    from tokencost.tokenizers.backends import fast_backend, tiktoken_backend

    return (fast_backend.build, tiktoken_backend.build)


def engine(vocab: Vocabulary):
    """The first backend that takes ``vocab`` (tiktoken takes every vocabulary)."""
    for build in _builders():
        built = build(vocab)
        if built is not None:
            return built
    raise AssertionError("tiktoken takes every vocabulary")  # pragma: no cover


def notices() -> list[str]:
    """Why a faster backend was not used (broken install, failed verification), for ``--verbose``."""
    import sys

    fast = sys.modules.get("tokencost.tokenizers.backends.fast_backend")
    return list(fast.notices) if fast is not None else []
