"""Gemma 3's tokenizer.json from the user's own disk: what Gemini bills, counted exactly.

Google's SDK counts Gemini 2.x and 3 locally with Gemma 3's SentencePiece model, and the billed input tokens of
recorded Gemini requests match it (``benchmarks/framing.py``). No PyPI package ships that vocabulary (Google's
SDK downloads it; Hugging Face's copy is gated), so tokencost never fetches it: it uses a copy already on disk,
named by ``TOKENCOST_GEMMA3_TOKENIZER`` or found in the Hugging Face hub cache (``google/gemma-3*`` models), and
only when its sha256 is that of Gemma 3's ``tokenizer.json`` (the one every ``google/gemma-3-*`` repository
ships, the same vocabulary as Google's ``gemma3_cleaned_262144_v2.spiece.model``).
"""

from __future__ import annotations

import os
from pathlib import Path

from tokencost.errors import InputError

#: sha256 of Gemma 3's tokenizer.json (33,384,568 bytes), as every google/gemma-3-* repository ships it
GEMMA3_TOKENIZER_SHA256 = "4667f2089529e8e7657cfb6d1c19910ae71ff5f28aa7ab2ff2763330affad795"
ENV = "TOKENCOST_GEMMA3_TOKENIZER"
HINT = f"exact with a copy of Gemma 3's tokenizer.json ({ENV}) and the [tokenizers] extra: README, 'Gemini bills'"


def _hub_dirs() -> list[Path]:
    """Where the Hugging Face hub keeps downloaded repositories, as ``huggingface_hub`` resolves it."""
    if os.environ.get("HF_HUB_CACHE"):
        return [Path(os.environ["HF_HUB_CACHE"]).expanduser()]
    home = os.environ.get("HF_HOME") or os.path.join(
        os.environ.get("XDG_CACHE_HOME") or os.path.join("~", ".cache"), "huggingface"
    )
    return [Path(home).expanduser() / "hub"]


def _candidates() -> list[Path]:
    """Gemma 3 tokenizer.json files in the hub cache, newest snapshot first."""
    found = []
    for hub in _hub_dirs():
        if hub.is_dir():
            found += hub.glob("models--google--gemma-3*/snapshots/*/tokenizer.json")
    return sorted(found, key=lambda p: p.stat().st_mtime if p.exists() else 0, reverse=True)


def _named() -> Path | None:
    """The file ``TOKENCOST_GEMMA3_TOKENIZER`` names (a tokenizer.json or a directory holding one), or None
    when it is unset; a name that is no file is an error (the user asked for it)."""
    value = os.environ.get(ENV, "").strip()
    if not value:
        return None
    path = Path(value).expanduser()
    if path.is_dir():
        if not (path / "tokenizer.json").is_file():
            raise InputError(
                f"{ENV}={value}: a directory without tokenizer.json (expected Gemma 3's tokenizer.json)"
            )
        path = path / "tokenizer.json"
    if not path.is_file():
        raise InputError(f"{ENV}={value}: no such file (expected Gemma 3's tokenizer.json)")
    return path


def _digest(path: Path) -> str | None:
    from tokencost.tokenizers.vocab import digests

    try:
        return digests.sha256_of(path, Path.read_bytes)[0]
    except OSError:
        return None


def find() -> Path | None:
    """Gemma 3's verified tokenizer.json on this machine, or None. A file ``TOKENCOST_GEMMA3_TOKENIZER`` names
    that is not Gemma 3's is an error; a hub-cache file that is not is passed over."""
    named = _named()
    if named is not None:
        digest = _digest(named)
        if digest != GEMMA3_TOKENIZER_SHA256:
            raise InputError(
                f"{ENV}={named}: not Gemma 3's tokenizer.json (sha256 {str(digest)[:12]}…, expected "
                f"{GEMMA3_TOKENIZER_SHA256[:12]}…)"
            )
        return named
    _PASSED_OVER.clear()
    for path in _candidates():
        if _digest(path) == GEMMA3_TOKENIZER_SHA256:
            return path
        _PASSED_OVER.append(path)
    return None


#: hub-cache files the last ``find`` looked at and passed over (not Gemma 3's tokenizer.json)
_PASSED_OVER: list[Path] = []


def hint() -> str:
    """How to make the Gemma families exact, naming any hub-cache file passed over (found, but not Gemma 3's)."""
    if not _PASSED_OVER:
        return HINT
    names = ", ".join(str(p) for p in _PASSED_OVER[:2]) + (" ..." if len(_PASSED_OVER) > 2 else "")
    return f"{HINT}; found {names}, but its sha256 is not Gemma 3's tokenizer.json's"


#: the tokenizer last loaded, by (path, size, mtime_ns): ``gemini`` and ``gemma3`` count with one vocabulary,
#: which takes ~0.8 s and ~140 MB to build; both families share it (one file version kept at a time)
_LOADED: dict[tuple[str, int, int], object] = {}


def load(path: Path, family: str):
    """HF ``tokenizers`` on the verified bytes of ``path`` (read once more and checked again), built once per
    file version for every family that counts with it."""
    from tokencost.tokenizers.backends.hf_backend import tokenizer_from_text
    from tokencost.tokenizers.vocab import digests

    stat = path.stat()
    key = (str(path.resolve()), stat.st_size, stat.st_mtime_ns)
    if key not in _LOADED:
        data = digests.verified_bytes(path, GEMMA3_TOKENIZER_SHA256, Path.read_bytes)
        tokenizer = tokenizer_from_text(data.decode("utf-8"), family, path)
        _LOADED.clear()
        _LOADED[key] = tokenizer
    return _LOADED[key]
