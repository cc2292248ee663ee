"""Counters: exact ones (tiktoken or HF ``tokenizers`` on a verified vocabulary) and the estimator fallback.

A counter has ``family``, ``exact``, ``method``, ``error_band`` and ``count(text) -> int``. Counts never
include special tokens (text is encoded as ordinary text) nor a BOS token.
"""

from __future__ import annotations

import hashlib
import json
import os
import unicodedata
from collections.abc import Iterable
from pathlib import Path

from tokencost.errors import InputError, TokenizerUnavailableError
from tokencost.tokenizers import bpe_files, chunking
from tokencost.tokenizers.registry import (
    CL100K_PAT,
    KNOWN_TIKTOKEN_FILES,
    O200K_PAT,
    QUICKTOK_FILES,
    FamilySpec,
)

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


class TiktokenCounter(Counter):
    """Exact counts with a tiktoken vocabulary.

    Building tiktoken's encoder costs ~0.1-0.2 s (hashing 200k tokens in Rust), more than counting a prompt
    takes, so short texts are counted by a pure-Python BPE over the same ranks and the same pre-tokenizer
    pattern (tiktoken's own algorithm: merge the lowest-ranked adjacent pair, leftmost first), and the
    encoder is built only once ``SMALL_TEXT`` characters have been counted. Tests check both paths agree.
    """

    exact = True
    error_band = None
    #: characters counted in pure Python before the tiktoken encoder is built
    SMALL_TEXT = 20_000

    def __init__(
        self,
        family: str,
        ranks: dict[bytes, int] | None,
        pat_str: str,
        normalize: str | None = None,
        *,
        ranks_loader=None,
        index=None,
    ) -> None:
        self.family = family
        self.method = f"exact:{family}"
        self._ranks = ranks
        self._ranks_loader = ranks_loader
        #: fast-loading lookups for short texts (``bpe_files.RankIndex``) when the full dict is not loaded
        self._index = index
        self.pat_str = pat_str
        self.normalize = normalize
        self._encoding = None
        self._pieces = None
        self._budget = self.SMALL_TEXT

    @property
    def ranks(self) -> dict[bytes, int]:
        if self._ranks is None:
            self._ranks = self._ranks_loader()
        return self._ranks

    @property
    def encoding(self):
        """The tiktoken ``Encoding`` (built on first use)."""
        if self._encoding is None:
            self._encoding = _tiktoken_encoding(self.family, self.pat_str, self.ranks)
        return self._encoding

    def _count(self, text: str) -> int:
        if self.normalize:
            text = unicodedata.normalize(self.normalize, text)
        if self._encoding is None and len(text) <= self._budget and _stable_unicode(text):
            self._budget -= len(text)
            return self.count_small(text)
        return len(self.encoding.encode_ordinary(text))

    def count_small(self, text: str) -> int:
        """Pure-Python count (same result as tiktoken's ``encode_ordinary``)."""
        if self._pieces is None:
            import regex

            flags = regex.V1 if "--" in self.pat_str else 0  # set subtraction (DeepSeek's pattern)
            self._pieces = regex.compile(self.pat_str, flags).findall
        try:
            text.encode("utf-8")
        except UnicodeEncodeError:  # lone surrogates: replaced, as tiktoken does
            text = text.encode("utf-16", "surrogatepass").decode("utf-16", "replace")
        ranks = self._ranks if self._ranks is not None else self._index
        if ranks is None:
            ranks = self.ranks
        total = 0
        for piece in self._pieces(text):
            data = piece.encode("utf-8")
            if data in ranks:
                total += 1
            else:
                total += _bpe_length(data, ranks)
        return total


def _stable_unicode(text: str) -> bool:
    """True when every character was assigned by Unicode 14 (Python 3.11's tables): the ``regex`` module and
    tiktoken's Rust regex may disagree on the properties of characters newer than their own tables."""
    if text.isascii():
        return True
    category = unicodedata.category
    return all(category(ch) != "Cn" for ch in text if ord(ch) > 0x7F)


def _bpe_length(data: bytes, ranks: dict[bytes, int]) -> int:
    """Number of tokens tiktoken's byte-pair merge gives ``data``."""
    parts = [data[i : i + 1] for i in range(len(data))]
    get = ranks.get
    while len(parts) > 1:
        best = -1
        best_rank = None
        for i in range(len(parts) - 1):
            rank = get(parts[i] + parts[i + 1])
            if rank is not None and (best_rank is None or rank < best_rank):
                best, best_rank = i, rank
        if best < 0:
            break
        parts[best : best + 2] = [parts[best] + parts[best + 1]]
    return len(parts)


class HuggingFaceCounter(Counter):
    exact = True
    error_band = None

    def __init__(self, family: str, tokenizer) -> None:
        self.family = family
        self.method = f"exact:{family}"
        self.tokenizer = tokenizer
        self.chunk_safe = hf_chunk_safe(tokenizer)
        if hasattr(tokenizer, "encode_special_tokens"):
            tokenizer.encode_special_tokens = True  # text like "<|eot|>" counts as text, as in tiktoken

    def _count(self, text: str) -> int:
        if not text:
            return 0
        return len(self.tokenizer.encode(text, add_special_tokens=False).ids)


_SAFE_PRE_TOKENIZERS = {"Split", "ByteLevel", "Digits"}
_SAFE_NORMALIZERS = {"NFC", "NFKC"}


def hf_chunk_safe(tokenizer) -> bool:
    """Whether cutting text at ``chunking``'s positions keeps a HF tokenizer's count: true for byte-level
    BPE with regex splits (DeepSeek, Llama 3, Qwen's HF files; tests check DeepSeek with hypothesis); false
    for anything else (e.g. SentencePiece-style Metaspace, which prefixes every text with a space), whose
    inputs are then counted whole."""
    try:
        config = json.loads(tokenizer.to_str())
    except Exception:
        return False

    def parts(node: dict | None, key: str) -> list[dict]:
        if not node:
            return []
        if node.get("type") == "Sequence":
            return [p for child in node.get(key, []) for p in parts(child, key)]
        return [node]

    pre = parts(config.get("pre_tokenizer"), "pretokenizers")
    norm = parts(config.get("normalizer"), "normalizers")
    if not pre or any(p.get("type") not in _SAFE_PRE_TOKENIZERS for p in pre):
        return False
    if any(p.get("type") == "ByteLevel" and p.get("add_prefix_space") for p in pre):
        return False
    return all(n.get("type") in _SAFE_NORMALIZERS for n in norm)


class EstimateCounter(Counter):
    exact = False

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


# --- loaders --------------------------------------------------------------------------------------------


def _tiktoken_encoding(name: str, pat_str: str, ranks: dict[bytes, int]):
    import tiktoken

    return tiktoken.Encoding(name, pat_str=pat_str, mergeable_ranks=ranks, special_tokens={})


def _package_paths(spec: FamilySpec) -> list[Path]:
    """Installed vocabulary files of ``spec``, preferred first."""
    candidates = [spec.package_file, *spec.alt_package_files] if spec.package_file else []
    found = [bpe_files.package_file(package, *parts) for package, parts in candidates]
    return [path for path in found if path is not None]


def _package_path(spec: FamilySpec) -> Path:
    paths = _package_paths(spec)
    if not paths:
        raise TokenizerUnavailableError(
            f"the {spec.id} tokenizer is not installed ({spec.distribution} not found)", spec.install_hint
        )
    return paths[0]


def _load_tekken(path: Path) -> tuple[dict[bytes, int], str]:
    """Ranks and pattern of a Mistral tekken json, the way mistral-common builds its tiktoken encoder."""
    data = path.read_bytes()
    digest = hashlib.sha256(data).hexdigest()
    key = f"tekken-{digest}"
    model = None
    ranks = bpe_files.read_ranks_cache(key)
    pattern_key = f"tekken-pattern-{digest}"
    pattern_cache = bpe_files.read_ranks_cache(pattern_key)
    if ranks is None or pattern_cache is None:
        import base64

        model = json.loads(data)
        config = model["config"]
        inner = int(config["default_vocab_size"]) - int(config["default_num_special_tokens"])
        ranks = {base64.b64decode(entry["token_bytes"]): entry["rank"] for entry in model["vocab"][:inner]}
        pattern = config["pattern"]
        bpe_files.write_ranks_cache(key, ranks)
        bpe_files.write_ranks_cache(pattern_key, {b"pattern": pattern.encode()})
    else:
        pattern = pattern_cache[b"pattern"].decode()
    return ranks, pattern


def _byte_decoder() -> dict[str, int]:
    """GPT-2 byte-level alphabet: printable stand-in character -> byte."""
    printable = [
        *range(ord("!"), ord("~") + 1),
        *range(ord("¡"), ord("¬") + 1),
        *range(ord("®"), ord("ÿ") + 1),
    ]
    chars = list(printable)
    extra = 0
    for byte in range(256):
        if byte not in printable:
            printable.append(byte)
            chars.append(256 + extra)
            extra += 1
    return {chr(c): b for b, c in zip(printable, chars, strict=True)}


def hf_bpe_plan(config: dict) -> tuple[str, str | None] | None:
    """(tiktoken pattern, normalization) for a HF tokenizer.json that tiktoken can run exactly, else None.

    Fits: byte-level BPE (no dropout, no subword affixes, no byte fallback), no normalizer or NFC, and a
    pre-tokenizer that is DeepSeek's three Splits or one Split with a registered pattern (Llama 3, Qwen),
    followed by ByteLevel without prefix space or regex.
    """
    from tokencost.tokenizers.registry import DEEPSEEK_PAT, DEEPSEEK_SPLITS, LLAMA3_PAT, QWEN2_PAT, QWEN35_PAT

    model = config.get("model") or {}
    if model.get("type") != "BPE" or model.get("dropout") or model.get("byte_fallback"):
        return None
    if model.get("continuing_subword_prefix") or model.get("end_of_word_suffix"):
        return None
    normalizer = config.get("normalizer")
    normalize = None
    if normalizer and not (normalizer.get("type") == "Sequence" and not normalizer.get("normalizers")):
        if normalizer.get("type") != "NFC":
            return None
        normalize = "NFC"
    pre = config.get("pre_tokenizer") or {}
    steps = pre.get("pretokenizers", []) if pre.get("type") == "Sequence" else [pre]
    if len(steps) < 2 or steps[-1].get("type") != "ByteLevel":
        return None
    if steps[-1].get("add_prefix_space") or steps[-1].get("use_regex"):
        return None
    splits = steps[:-1]
    if any(
        step.get("type") != "Split" or step.get("behavior") != "Isolated" or step.get("invert")
        for step in splits
    ):
        return None
    patterns = tuple((step.get("pattern") or {}).get("Regex") for step in splits)
    if patterns == DEEPSEEK_SPLITS:
        return DEEPSEEK_PAT, normalize
    known = {LLAMA3_PAT: LLAMA3_PAT, QWEN2_PAT: QWEN2_PAT, QWEN35_PAT: QWEN35_PAT}
    if len(patterns) == 1 and patterns[0] in known:
        return known[patterns[0]], normalize
    return None


def _load_hf_bpe(path: Path, key: str) -> tuple[dict[bytes, int], str, str | None] | None:
    """Ranks in merge order (tiktoken's lowest-rank-first merge then equals HF's merge priority), pattern and
    normalization of a fitting tokenizer.json (``hf_bpe_plan``), or None. Cached under ``key``."""
    plan_key = f"{key}-plan"
    ranks = bpe_files.read_ranks_cache(key)
    plan = bpe_files.read_ranks_cache(plan_key)
    if ranks is not None and plan is not None:
        normalize = plan.get(b"normalize") or b""
        return ranks, plan[b"pattern"].decode(), normalize.decode() or None
    try:
        config = json.loads(path.read_bytes())
    except (OSError, ValueError):
        return None
    fitted = hf_bpe_plan(config)
    if fitted is None:
        return None
    decoder = _byte_decoder()
    ranks = {bytes([b]): b for b in range(256)}
    try:
        for index, merge in enumerate(config["model"]["merges"]):
            left, right = merge.split(" ") if isinstance(merge, str) else merge
            token = bytes(decoder[ch] for ch in left) + bytes(decoder[ch] for ch in right)
            if token in ranks:
                return None  # two merges make one token: tiktoken's rule would differ from HF's
            ranks[token] = 256 + index
        if config["model"].get("ignore_merges"):
            # HF then emits any whole piece found in the vocabulary; tiktoken does the same only for
            # tokens it knows, so every vocabulary token must be a merge result
            vocab = config["model"]["vocab"]
            if any(bytes(decoder[ch] for ch in token) not in ranks for token in vocab):
                return None
    except (KeyError, ValueError, TypeError):
        return None
    pattern, normalize = fitted
    bpe_files.write_ranks_cache(key, ranks)
    bpe_files.write_ranks_cache(
        plan_key, {b"pattern": pattern.encode(), b"normalize": (normalize or "").encode()}
    )
    return ranks, pattern, normalize


def _huggingface_counter(family: str, path: Path) -> Counter:
    """A tokenizer.json counted with tiktoken when its pre-tokenizer allows it (``hf_bpe_plan``), else with
    HF ``tokenizers``."""
    key = f"hfbpe-{hashlib.sha256(path.read_bytes()).hexdigest()}"
    index = bpe_files.read_index_cache(key)
    plan = bpe_files.read_ranks_cache(f"{key}-plan") if index is not None else None
    if index is not None and plan is not None:
        normalize = (plan.get(b"normalize") or b"").decode() or None

        def loader() -> dict[bytes, int]:
            loaded = _load_hf_bpe(path, key)
            if loaded is None:  # pragma: no cover - the cache said it fits
                raise TokenizerUnavailableError(f"{path}: cannot load")
            return loaded[0]

        return TiktokenCounter(
            family, None, plan[b"pattern"].decode(), normalize, ranks_loader=loader, index=index
        )
    loaded = _load_hf_bpe(path, key)
    if loaded is None:
        return HuggingFaceCounter(family, _hf_tokenizer(path, family))
    ranks, pattern, normalize = loaded
    bpe_files.ensure_index_cache(key, ranks)
    return TiktokenCounter(family, ranks, pattern, normalize)


def _tekken_pattern(path: Path, digest: str) -> str:
    cached = bpe_files.read_ranks_cache(f"tekken-pattern-{digest}")
    if cached is not None and isinstance(cached.get(b"pattern"), bytes):
        return cached[b"pattern"].decode()
    return _load_tekken(path)[1]


def _hf_tokenizer(path: Path, family: str):
    try:
        from tokenizers import Tokenizer
    except ImportError:
        raise TokenizerUnavailableError(
            f"{family} needs the 'tokenizers' package", "pip install tokenizers"
        ) from None
    try:
        return Tokenizer.from_file(str(path))
    except Exception as exc:
        raise InputError(f"{path}: not a Hugging Face tokenizer.json ({exc})") from None


def _lazy_tiktoken(
    family: str, key: str, loader, pat_str: str, normalize: str | None = None
) -> TiktokenCounter:
    """A tiktoken counter whose full ranks dict is loaded only when a long text needs the real encoder;
    short texts use the fast-loading rank index (``bpe_files.RankIndex``) when it is cached."""
    index = bpe_files.read_index_cache(key)
    if index is not None:
        return TiktokenCounter(family, None, pat_str, normalize, ranks_loader=loader, index=index)
    ranks = loader()
    bpe_files.ensure_index_cache(key, ranks)
    return TiktokenCounter(family, ranks, pat_str, normalize)


def load_exact(spec: FamilySpec) -> Counter:
    """Build the exact counter of ``spec``; raises ``TokenizerUnavailableError`` when it is not installed."""
    family = spec.id
    if family in ("o200k_base", "cl100k_base"):
        _, digest = bpe_files.OPENAI_FILES[family]
        return _lazy_tiktoken(family, digest, lambda: bpe_files.load_openai_ranks(family), spec.pat_str or "")
    if family.startswith("huggingface:"):
        path = Path(os.path.expanduser(family.split(":", 1)[1]))
        if not path.is_file():
            raise InputError(f"{path}: no such tokenizer.json file")
        try:
            return _huggingface_counter(family, path)
        except OSError as exc:  # e.g. permission denied: an input error, not a crash
            raise InputError(f"{path}: cannot read ({exc.strerror or exc})") from None
    if family.startswith("tiktoken:"):
        path = Path(os.path.expanduser(family.split(":", 1)[1]))
        if not path.is_file():
            raise InputError(f"{path}: no such .tiktoken file")
        digest = bpe_files.tiktoken_file_digest(path)
        counter = _lazy_tiktoken(family, digest, lambda: bpe_files.load_tiktoken_file(path)[0], "")
        size = len(counter._index) if counter._index is not None else len(counter.ranks)
        counter.pat_str = KNOWN_TIKTOKEN_FILES.get(digest) or (O200K_PAT if size >= 190_000 else CL100K_PAT)
        return counter
    if spec.backend == "estimate" or spec.package_file is None:
        raise TokenizerUnavailableError(f"no offline tokenizer for {family}", spec.install_hint)
    path = _package_path(spec)
    if spec.backend == "huggingface" or (path.suffix == ".json" and family != "mistral-tekken"):
        return _huggingface_counter(family, path)
    if family == "mistral-tekken":
        digest = hashlib.sha256(path.read_bytes()).hexdigest()
        pattern = _tekken_pattern(path, digest)
        return _lazy_tiktoken(family, f"tekken-{digest}", lambda: _load_tekken(path)[0], pattern)
    for candidate in _package_paths(spec):
        if candidate.suffix == ".vocab":  # quicktok's format: used only with a pinned sha256
            expected = QUICKTOK_FILES.get(candidate.name)
            if expected is None or (
                bpe_files.read_index_cache(expected) is None and not _quicktok_ok(candidate, expected)
            ):
                continue

            def load(candidate=candidate, expected=expected) -> dict[bytes, int]:
                return bpe_files.load_quicktok_vocab(candidate, expected)[0]

            return _lazy_tiktoken(family, expected, load, spec.pat_str or "", spec.normalize)
        digest = bpe_files.tiktoken_file_digest(candidate)
        return _lazy_tiktoken(
            family,
            digest,
            lambda candidate=candidate: bpe_files.load_tiktoken_file(candidate)[0],
            spec.pat_str or "",
            spec.normalize,
        )
    raise TokenizerUnavailableError(f"no usable {family} vocabulary file", spec.install_hint)


def _quicktok_ok(path: Path, expected: str) -> bool:
    try:
        bpe_files.load_quicktok_vocab(path, expected)
    except (TokenizerUnavailableError, InputError):
        return False
    return True


def exact_available(spec: FamilySpec) -> bool:
    """Cheap check (file lookups only): could ``load_exact`` succeed?"""
    if spec.id in ("o200k_base", "cl100k_base"):
        _, expected = bpe_files.OPENAI_FILES[spec.id]
        path = bpe_files.cache_dir()
        cached = path is not None and (path / f"ranks-{expected}.marshal").is_file()
        return cached or bool(bpe_files.openai_bpe_sources(spec.id))
    if spec.id.startswith(("huggingface:", "tiktoken:")):
        return Path(os.path.expanduser(spec.id.split(":", 1)[1])).is_file()
    if spec.package_file is None or spec.backend == "estimate":
        return False
    if not _package_paths(spec):
        return False
    if spec.backend == "huggingface":
        import importlib.util

        return importlib.util.find_spec("tokenizers") is not None
    return True
