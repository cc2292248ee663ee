"""Load a family's exact counter in one straight path: vocabulary source -> backend -> counter.

1. ``vocab/<source>.py`` finds the vocabulary's bytes and verifies them once by sha256 (OpenAI's files,
   ``.tiktoken`` files, quicktok's pinned file, Mistral's tekken json, a fitting HF tokenizer.json);
2. ``counter.BpeCounter`` counts with it: pure-Python BPE for short texts, then ``backends.engine``
   (rs-bpe when installed and verified, else tiktoken);
3. a tokenizer.json that BPE ranks cannot reproduce goes to ``backends/hf_backend.py`` instead.
"""

from __future__ import annotations

import os
from pathlib import Path

from tokencost.errors import InputError, TokenizerUnavailableError
from tokencost.tokenizers.backends.python_bpe import stable_unicode as _stable_unicode
from tokencost.tokenizers.counter import BpeCounter, Counter, EstimateCounter, TiktokenCounter
from tokencost.tokenizers.registry import (
    CL100K_PAT,
    KNOWN_TIKTOKEN_FILES,
    O200K_PAT,
    QUICKTOK_FILES,
    FamilySpec,
)
from tokencost.tokenizers.vocab import Vocabulary, locate
from tokencost.tokenizers.vocab import openai as openai_vocab

__all__ = [
    "BpeCounter",
    "Counter",
    "EstimateCounter",
    "TiktokenCounter",
    "_stable_unicode",
    "exact_available",
    "load_exact",
]


def bpe_counter(vocab: Vocabulary) -> BpeCounter:
    """A counter on ``vocab``: with its rank index when cached (nothing big loaded), else with the full
    ranks (parsed now, which also writes the index; raises when the source is missing or invalid)."""
    index = vocab.index()
    if index is None:
        vocab.ranks()
    return BpeCounter(vocab, index)


def _package_paths(spec: FamilySpec) -> list[Path]:
    """Installed vocabulary files of ``spec``, preferred first."""
    candidates = [spec.package_file, *spec.alt_package_files] if spec.package_file else []
    found = [locate.package_file(package, *parts) for package, parts in candidates]
    return [path for path in found if path is not None]


def _user_file(family: str, kind: str) -> Path:
    path = Path(os.path.expanduser(family.split(":", 1)[1]))
    if not path.is_file():
        raise InputError(f"{path}: no such {kind} file")
    return path


def _huggingface(family: str, path: Path) -> Counter:
    """A tokenizer.json: through BPE ranks when they reproduce it (``vocab.hf_json``), else HF tokenizers."""
    from tokencost.tokenizers.vocab import hf_json

    vocab = hf_json.vocabulary(family, path)
    if vocab is None:
        from tokencost.tokenizers.backends import hf_backend

        return hf_backend.HuggingFaceCounter(family, hf_backend.load_tokenizer(path, family))
    return bpe_counter(vocab)


def _user_tiktoken(family: str, path: Path) -> Counter:
    from tokencost.tokenizers.vocab import tiktoken_file

    vocab = tiktoken_file.vocabulary(family, path)
    counter = bpe_counter(vocab)
    size = len(counter._index) if counter._index is not None else len(vocab.ranks())
    vocab.pat_str = KNOWN_TIKTOKEN_FILES.get(vocab.digest) or (O200K_PAT if size >= 190_000 else CL100K_PAT)
    return counter


def _package_vocabulary(spec: FamilySpec, path: Path) -> Vocabulary | None:
    """The vocabulary in a package file, or None when that file is not one we accept."""
    if path.suffix == ".vocab":  # quicktok's format: used only with a pinned sha256
        from tokencost.tokenizers.vocab import quicktok

        expected = QUICKTOK_FILES.get(path.name)
        if expected is None:
            return None
        try:
            return quicktok.vocabulary(spec.id, path, expected, spec.pat_str or "", spec.normalize)
        except (TokenizerUnavailableError, InputError):
            return None
    from tokencost.tokenizers.vocab import tiktoken_file

    return tiktoken_file.vocabulary(spec.id, path, spec.pat_str or "", spec.normalize)


def _user_copy(spec: FamilySpec) -> Counter:
    """Gemma 3's tokenizer from the user's disk (``vocab/gemma.py``), verified; unavailable when not found."""
    from tokencost.tokenizers.backends import hf_backend
    from tokencost.tokenizers.vocab import gemma

    path = gemma.find()
    if path is None:
        raise TokenizerUnavailableError(
            f"no copy of Gemma 3's tokenizer.json found for {spec.id}", spec.install_hint
        )
    return hf_backend.HuggingFaceCounter(spec.id, gemma.load(path, spec.id))


def load_exact(spec: FamilySpec) -> Counter:
    """Build the exact counter of ``spec``; raises ``TokenizerUnavailableError`` when it is not installed."""
    family = spec.id
    if family in openai_vocab.OPENAI_FILES:
        return bpe_counter(openai_vocab.vocabulary(family, spec.pat_str or ""))
    if family.startswith("huggingface:"):
        path = _user_file(family, "tokenizer.json")
        try:
            return _huggingface(family, path)
        except OSError as exc:  # e.g. permission denied: an input error, not a crash
            raise InputError(f"{path}: cannot read ({exc.strerror or exc})") from None
    if family.startswith("tiktoken:"):
        return _user_tiktoken(family, _user_file(family, ".tiktoken"))
    if spec.user_copy:
        return _user_copy(spec)
    if spec.backend == "estimate" or spec.package_file is None:
        raise TokenizerUnavailableError(f"no offline tokenizer for {family}", spec.install_hint)
    paths = _package_paths(spec)
    if not paths:
        raise TokenizerUnavailableError(
            f"the {family} tokenizer is not installed ({spec.distribution} not found)", spec.install_hint
        )
    if family == "mistral-tekken":
        from tokencost.tokenizers.vocab import tekken

        return bpe_counter(tekken.vocabulary(family, paths[0]))
    if spec.backend == "huggingface" or paths[0].suffix == ".json":
        return _huggingface(family, paths[0])
    for path in paths:
        vocab = _package_vocabulary(spec, path)
        if vocab is not None:
            return bpe_counter(vocab)
    raise TokenizerUnavailableError(f"no usable {family} vocabulary file", spec.install_hint)


def exact_available(spec: FamilySpec) -> bool:
    """Cheap check (file lookups only): could ``load_exact`` succeed?"""
    if spec.id in openai_vocab.OPENAI_FILES:
        return openai_vocab.available(spec.id)
    if spec.id.startswith(("huggingface:", "tiktoken:")):
        return Path(os.path.expanduser(spec.id.split(":", 1)[1])).is_file()
    if spec.user_copy:
        from tokencost.tokenizers.vocab import gemma

        return _tokenizers_installed() and gemma.find() is not None
    if spec.package_file is None or spec.backend == "estimate":
        return False
    if not _package_paths(spec):
        return False
    return spec.backend != "huggingface" or _tokenizers_installed()


def _tokenizers_installed() -> bool:
    """Whether HF ``tokenizers`` can be imported (looked up, not imported)."""
    import importlib.util

    return importlib.util.find_spec("tokenizers") is not None
