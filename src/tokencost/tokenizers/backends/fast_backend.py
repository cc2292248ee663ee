"""rs-bpe (the ``[fast]`` extra) as a BPE backend for OpenAI's encodings: GitHub's linear-time ``bpe`` crate,
vocabularies embedded in the wheel, ~2x tiktoken's counting speed.

Exact or not used: before its first use with an installed rs-bpe build, its embedded vocabulary is compared
with the sha256-verified file token id by token id (``bpe().decode_tokens([id])`` gives each token's bytes),
the bytes of every token must encode to that one id (no duplicate or extra token wins over it; the binding
exposes no vocabulary size, and ids past the end read out of bounds, so they are never probed), and a
canary text with every
pre-tokenizer corner we know (contractions, digit runs, whitespace runs, CRLF, ZWJ emoji, combining marks,
CJK punctuation, ``<|endoftext|>`` as text) must count the same as the pure-Python BPE over the verified
ranks. The verdict is cached per rs-bpe build and vocabulary; a mismatch or a broken install falls back to
tiktoken with a notice (``notices``), never a different count. ``TOKENCOST_BPE_BACKEND=tiktoken`` turns it
off.
"""

from __future__ import annotations

import contextlib
import json
import os

from tokencost.tokenizers.registry import CL100K_PAT, O200K_PAT
from tokencost.tokenizers.vocab import Vocabulary, store
from tokencost.tokenizers.vocab.openai import OPENAI_FILES

NAME = "rs-bpe"
#: verified-vocabulary sha256 -> (rs-bpe constructor, pre-tokenizer pattern it implements)
SUPPORTED: dict[str, tuple[str, str]] = {
    OPENAI_FILES["o200k_base"][1]: ("o200k_base", O200K_PAT),
    OPENAI_FILES["cl100k_base"][1]: ("cl100k_base", CL100K_PAT),
}
CANARY = (
    "The quick brown fox's tail; it's 2026, isn't it? I'M HERE, we'LL see. 1234567890 3.14159 1,000,000\n"
    "  leading spaces\t\ttabs\r\nCRLF line\r\n\n\n\n    \n trailing spaces   \n"
    "床前明月光，疑是地上霜。東京都は日本の首都です。カタカナとひらがな。안녕하세요, 세계!\n"
    "👨\u200d👩\u200d👧\u200d👦 👍🏽 ❤️ e\u0301 a\u0308\u0301 ﬁ ²½Ⅷ \u00a0\u3000 Ελληνικά русский עברית العربية हिन्दी\n"
    "<|endoftext|> <|fim_prefix|>x<|im_start|> def f(x):\n    return {'a': [1, 2]}  # ok\n"
    + "supercalifragilisticexpialidocious" * 8
    + " " * 40
    + "\n" * 12
    + "x"
)
#: why the fast backend is not used, for ``--verbose`` (a broken install or a failed verification)
notices: list[str] = []


def enabled() -> bool:
    return os.environ.get("TOKENCOST_BPE_BACKEND", "").strip().lower() not in ("tiktoken", "python")


class FastEngine:
    name = NAME

    def __init__(self, tokenizer) -> None:
        self._count = tokenizer.count

    def count(self, text: str) -> int:
        try:
            return self._count(text)
        except UnicodeEncodeError:  # lone surrogates: replaced, as tiktoken does
            from tokencost.tokenizers.backends.python_bpe import without_surrogates

            return self._count(without_surrogates(text))


def takes(digest: str, pat_str: str | None, normalize: str | None) -> bool:
    """Whether rs-bpe is tried for a vocabulary (enabled, carried by the wheel with this pre-tokenizer, and
    installed): looked up, not imported, so listing families stays cheap. ``build`` then verifies it."""
    import importlib.util

    entry = SUPPORTED.get(digest)
    if entry is None or pat_str != entry[1] or normalize or not enabled():
        return False
    return importlib.util.find_spec("rs_bpe") is not None


def build(vocab: Vocabulary) -> FastEngine | None:
    """The rs-bpe engine for ``vocab`` when installed, carrying that vocabulary and verified; else None."""
    if not takes(vocab.digest, vocab.pat_str, vocab.normalize):
        return None
    constructor, _ = SUPPORTED[vocab.digest]
    module = _import()
    if module is None:
        return None
    try:
        tokenizer = getattr(module.openai, constructor)()
    except Exception as exc:
        _notice(f"{NAME} failed to load {constructor} ({exc}); counting with tiktoken")
        return None
    key = _key(constructor, module, vocab.digest)
    reason = _cached_verdict(key)
    if reason is None:
        reason = verify(vocab, tokenizer)
        _store_verdict(key, reason)
    if reason:
        _notice(f"{NAME} not used for {constructor}: {reason}; counting with tiktoken")
        return None
    return FastEngine(tokenizer)


def known_verdict(digest: str) -> str | None:
    """What ``build`` will find for a vocabulary ``takes``, without loading it (for ``--list-families``): ""
    when this rs-bpe build was verified for it, why not when it failed (a mismatch, an install that does not
    import), None when it was never verified here (its first use checks it)."""
    module = _import()
    if module is None:
        return next((n for n in notices if "does not import" in n), "it does not import")
    return _cached_verdict(_key(SUPPORTED[digest][0], module, digest))


def _key(constructor: str, module, digest: str) -> str:
    return f"{constructor}-{_build_id(module)}-{digest[:16]}"


def _notice(message: str) -> None:
    if message not in notices:
        notices.append(message)


def _import():
    """``rs_bpe.bpe`` or None (not installed: silently; installed but broken: with a notice)."""
    import importlib.util

    if importlib.util.find_spec("rs_bpe") is None:
        return None
    import io

    try:
        with contextlib.redirect_stderr(io.StringIO()):  # rs_bpe prints its own import errors
            import rs_bpe.bpe as module
    except Exception as exc:
        _notice(f"{NAME} is installed but does not import ({exc}); counting with tiktoken")
        return None
    return module


def _build_id(module) -> str:
    """rs-bpe's version and its extension file's size and mtime: a rebuilt install is verified again."""
    version = getattr(module, "__version__", None) or _package_version()
    try:
        stat = os.stat(getattr(module, "__file__", ""))
        return f"{version}-{stat.st_size}-{stat.st_mtime_ns}"
    except (OSError, TypeError):
        return f"{version}-unknown"


def _package_version() -> str:
    import sys

    return str(getattr(sys.modules.get("rs_bpe"), "__version__", "unknown"))


def _verdict_path(key: str):
    directory = store.cache_dir()
    return None if directory is None else directory / f"fastbpe-{key}.json"


def _cached_verdict(key: str) -> str | None:
    """ "" when this build was verified equal, a reason when it was found different, None when unknown."""
    path = _verdict_path(key)
    if path is None:
        return None
    try:
        verdict = json.loads(path.read_bytes())
    except (OSError, ValueError):
        return None
    reason = verdict.get("mismatch") if isinstance(verdict, dict) else None
    return reason if isinstance(reason, str) else None


def _store_verdict(key: str, reason: str) -> None:
    from tokencost.cache import write_bytes

    path = _verdict_path(key)
    if path is not None:
        write_bytes(path, json.dumps({"mismatch": reason}).encode())


def verify(vocab: Vocabulary, tokenizer) -> str:
    """ "" when ``tokenizer`` carries exactly ``vocab`` (every id's bytes, nothing after the last id) and counts
    the canary as the pure-Python BPE does; else the first difference found."""
    ranks = vocab.ranks()
    size = len(ranks)
    by_id: list[bytes | None] = [None] * size
    for token, rank in ranks.items():
        if not 0 <= rank < size or by_id[rank] is not None:
            return "the verified vocabulary's ranks are not 0..n-1"
        by_id[rank] = token
    try:
        decode = tokenizer.bpe().decode_tokens
        for rank, token in enumerate(by_id):
            if decode([rank]) != token:
                return f"token id {rank} differs from the verified vocabulary"
        encode = tokenizer.bpe().encode_via_backtracking
        for rank, token in enumerate(by_id):
            if encode(token) != [rank]:
                return f"the bytes of token id {rank} do not encode to that id alone"
        from tokencost.tokenizers.backends.python_bpe import PythonBpe

        reference = PythonBpe(vocab.pat_str, ranks)
        for line in [*CANARY.splitlines(keepends=True), CANARY]:
            if tokenizer.count(line) != reference.count(line):
                return f"counts differ from the verified vocabulary on {line[:40]!r}"
    except Exception as exc:
        return f"verification failed ({type(exc).__name__}: {exc})"
    return ""
