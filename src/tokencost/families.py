"""Tokenizer family ids: plain data at the bottom layer so price sheets can name a family
without importing the tokenizer code. The registry in ``tokencost.tokenizers`` implements them."""

from __future__ import annotations

#: family id -> one-line description. Exact in the base install: o200k_base, cl100k_base.
#: Exact with the ``tokenizers`` extra: deepseek-v3, qwen2, qwen3.5, mistral-tekken, llama3.
#: Exact with a local copy of Gemma 3's tokenizer.json (no package ships it): gemma3, gemini.
#: Estimate only (no public offline tokenizer): claude, claude-4.7, glm, kimi, minimax, grok, generic.
FAMILIES: dict[str, str] = {
    "o200k_base": "OpenAI o200k_base (GPT-4o, GPT-4.1, GPT-5, o-series)",
    "cl100k_base": "OpenAI cl100k_base (GPT-4, GPT-3.5, text-embedding-3)",
    "deepseek-v3": "DeepSeek V3 / R1 / V3.x (128k vocabulary)",
    "qwen2": "Qwen 2 / 2.5 / 3 (151k vocabulary)",
    "qwen3.5": "Qwen 3.5 / 3.6 (248k vocabulary)",
    "mistral-tekken": "Mistral Tekken (Mistral NeMo, Small 3, Medium 3, Large 2.1+, Codestral)",
    "llama3": "Meta Llama 3 / 3.1 / 3.2 / 3.3 / 4 (128k vocabulary)",
    "gemma3": "Google Gemma 3 (262k SentencePiece vocabulary)",
    "claude": "Anthropic Claude models before Opus 4.7, and Sonnet 5 (no public tokenizer)",
    "claude-4.7": (
        "Anthropic Claude Opus 4.7 and later, Fable: the newer Claude tokenizer (no public tokenizer; the claude "
        "estimate x a factor measured on billed requests)"
    ),
    "gemini": (
        "Google Gemini: Gemma 3's tokenizer, as Google's SDK counts Gemini; exact with a verified local copy of it "
        "(TOKENCOST_GEMMA3_TOKENIZER or the Hugging Face cache), else an estimate"
    ),
    "glm": "Zhipu GLM (no public offline tokenizer)",
    "kimi": "Moonshot Kimi (no public offline tokenizer)",
    "minimax": "MiniMax (no public offline tokenizer)",
    "grok": "xAI Grok (no public tokenizer)",
    "generic": "any other model: a generic modern BPE estimate",
}

#: Claude models on the tokenizer Opus 4.7 introduced (family ``claude-4.7``), searched in a lower-case model id
#: in any spelling (``claude-opus-4.7``, ``anthropic.claude-opus-4-8``, ``openrouter/anthropic/claude-fable-5``).
#: Recorded: Opus 4.7, 4.8, 5 and Fable 5 bill ~1.46x the claude estimate; Sonnet 5 bills like Sonnet 4.6, so
#: it is not assumed to share it (``benchmarks/README.md``).
CLAUDE_47_MODELS = r"claude-(?:opus-(?:4[.-][7-9]|[5-9])|fable-)"

#: Prefixes for user-supplied tokenizer files: ``huggingface:/path/tokenizer.json``, ``tiktoken:/path/x.tiktoken``.
FILE_FAMILY_PREFIXES = ("huggingface:", "tiktoken:")


def is_known_family(family: str) -> bool:
    """True when ``family`` is a registered id or a file-backed ``huggingface:``/``tiktoken:`` family."""
    return family in FAMILIES or family.startswith(FILE_FAMILY_PREFIXES)


def range_label(
    exact: bool, tokens: int, low: int, high: int, error_band: float | None, short: bool = False
) -> str:
    """How sure a count with a range is: ``exact``; ``exact, framing ±5%`` for an exact tokenizer's chat whose
    framing is fitted; for an estimate, its range's half-width (the family's stated band without a range)."""
    spread = max(tokens - low, high - tokens) / tokens if tokens else 0.0
    if exact:
        return f"exact, framing ±{spread:.0%}" if spread else "exact"
    # the range is the promise (it holds the true count 9 times in 10, and is this text's band: a short text's
    # is wider than the family's stated one, a chat's adds the framing's error): the label says the same
    return accuracy_label(False, spread or error_band or None, short)


def accuracy_label(exact: bool, error_band: float | None, short: bool = False) -> str:
    """How sure a count is, for tables: ``exact``, or ``estimate ±16%`` (``est ±16%`` when ``short``)."""
    if exact:
        return "exact"
    word = "est" if short else "estimate"
    return f"{word} ±{error_band:.0%}" if error_band else word
