"""Plain data the resolver reads: how logs name hosts, and the id shapes each host or cloud writes.

A log names its host in many spellings (LiteLLM's ``custom_llm_provider``, OTel ``gen_ai.provider.name``,
an OpenRouter or Bedrock export, ``--provider``); ``HOST_NAMES`` maps each to the provider id of our sheets.
Hosts a log may name that we carry no sheet for still map to a name, so a record naming one is reported as
"no card for that host", never priced on another host's card.
"""

from __future__ import annotations

import re
from collections.abc import Iterable

from tokencost.errors import closest

#: spellings of a host, as logs write it (casefolded, ``-``/``_``/``.``/space all equal) -> our provider id
HOST_NAMES: dict[str, str] = {
    **dict.fromkeys(("openai", "azureopenaiservice"), "openai"),
    **dict.fromkeys(("anthropic",), "anthropic"),
    **dict.fromkeys(
        ("google", "gemini", "gcpgemini", "googleaistudio", "googleai", "aistudio", "googlegla"), "google"
    ),  # google-gla: pydantic-ai's name for the Generative Language (Gemini) API
    **dict.fromkeys(
        (
            "vertex",
            "vertexai",
            "gcpvertex",
            "gcpvertexai",
            "googlevertex",
            "vertexaibeta",
            "gcpgenai",
            "vertexaianthropic",
        ),
        "vertex",
    ),
    **dict.fromkeys(("bedrock", "awsbedrock", "amazonbedrock", "bedrockconverse", "aws"), "bedrock"),
    **dict.fromkeys(("azure", "azureai", "azureaiopenai", "azureaiinference", "azureopenai"), "azure"),
    **dict.fromkeys(("openrouter",), "openrouter"),
    **dict.fromkeys(("together", "togetherai"), "together"),
    **dict.fromkeys(("fireworks", "fireworksai"), "fireworks"),
    **dict.fromkeys(("groq",), "groq"),
    **dict.fromkeys(("deepinfra",), "deepinfra"),
    **dict.fromkeys(("cerebras",), "cerebras"),
    **dict.fromkeys(("huggingface", "hf", "hfinference", "hfrouter"), "huggingface"),
    **dict.fromkeys(("mistral", "mistralai", "codestral"), "mistral"),
    **dict.fromkeys(("xai", "grok"), "xai"),
    **dict.fromkeys(("deepseek",), "deepseek"),
    **dict.fromkeys(("alibaba", "dashscope", "qwen", "alibabacloud"), "alibaba"),
    **dict.fromkeys(("moonshot", "moonshotai", "kimi"), "moonshot"),
    **dict.fromkeys(("zhipu", "zai", "zhipuai", "bigmodel"), "zhipu"),
    **dict.fromkeys(("minimax",), "minimax"),
    **dict.fromkeys(("cohere", "coherechat"), "cohere"),
    **dict.fromkeys(("amazon", "nova"), "amazon"),
    # Hugging Face router providers we carry no sheet for (named so a record naming one stays unpriced)
    **{name: name for name in ("novita", "sambanova", "nebius", "hyperbolic", "nscale", "scaleway")},
    **dict.fromkeys(("featherlessai", "featherless"), "featherless"),
}

#: cards a host also bills at, declared: Amazon's own Nova models are sold on Bedrock only (their sheet is
#: Amazon's), and Vertex bills Google's own Gemini models at the Gemini API card (no separate Vertex card)
HOST_ALSO: dict[str, tuple[str, ...]] = {"bedrock": ("amazon",), "vertex": ("google",)}


def host_providers(host: str) -> tuple[str, ...]:
    """The provider ids whose cards a record naming ``host`` may be priced on."""
    return (host, *HOST_ALSO.get(host, ()))


#: routers that bill the price of whichever provider served the request: naming one does not bind the
#: lookup to its own cards (the Hugging Face router without a ``:provider`` suffix)
PASS_THROUGH_HOSTS = frozenset(("huggingface",))

#: hosts that mean "you ran it yourself": no vendor price, reported as self-hosted
SELF_HOSTED_NAMES = frozenset(
    (
        "ollama",
        "ollamachat",
        "vllm",
        "hostedvllm",
        "lmstudio",
        "llamacpp",
        "localai",
        "tgi",
        "textgenerationinference",
        "sglang",
        "local",
        "localhost",
        "selfhosted",
        "llamafile",
        "xinference",
    )
)

#: id prefixes that name a host (LiteLLM's ``provider/model`` and our own host prefixes)
HOST_PREFIXES: dict[str, str] = {
    "openrouter": "openrouter",
    "together_ai": "together",
    "together": "together",
    "fireworks_ai": "fireworks",
    "fireworks": "fireworks",
    "groq": "groq",
    "deepinfra": "deepinfra",
    "cerebras": "cerebras",
    "huggingface": "huggingface",
    "bedrock": "bedrock",
    "bedrock_converse": "bedrock",
    "vertex_ai": "vertex",
    "vertex": "vertex",
    "azure": "azure",
    "azure_ai": "azure",
    "gemini": "google",
}
#: id prefixes of self-hosted serving stacks
SELF_HOSTED_PREFIXES = frozenset(("ollama", "ollama_chat", "hosted_vllm", "vllm", "lm_studio", "llamafile"))

#: creator names as host ids write them (org of an HF repo, OpenRouter's author slug) -> our creator id
CREATOR_NAMES: dict[str, str] = {
    "x-ai": "xai",
    "xai-org": "xai",
    "z-ai": "zhipu",
    "zai": "zhipu",
    "zai-org": "zhipu",
    "thudm": "zhipu",
    "mistralai": "mistral",
    "meta-llama": "meta",
    "meta": "meta",
    "qwen": "alibaba",
    "moonshotai": "moonshot",
    "deepseek-ai": "deepseek",
    "minimaxai": "minimax",
    "bytedance-seed": "bytedance",
    "stepfun-ai": "stepfun",
    "xiaomimimo": "xiaomi",
    "google": "google",
    "openai": "openai",
    "anthropic": "anthropic",
    "cohere": "cohere",
    "coherelabs": "cohere",
    "cohereforai": "cohere",
    "amazon": "amazon",
    "baidu": "baidu",
    "tencent": "tencent",
}

#: OpenRouter's variant suffixes (``model:free``); ``:free`` has its own free card where OpenRouter has one
OPENROUTER_VARIANTS = frozenset(
    ("free", "thinking", "nitro", "floor", "extended", "online", "beta", "exacto")
)

#: Bedrock cross-region inference profile prefixes
BEDROCK_REGIONS = ("us-gov", "global", "apac", "us", "eu", "jp", "au", "ca")
#: vendors Bedrock names models by (``anthropic.claude-...``)
BEDROCK_VENDORS = frozenset(
    (
        "anthropic",
        "openai",
        "meta",
        "amazon",
        "mistral",
        "deepseek",
        "qwen",
        "cohere",
        "ai21",
        "writer",
        "moonshotai",
        "moonshot",
        "minimax",
        "zai",
        "google",
        "nvidia",
    )
)

DATE_SUFFIX = re.compile(r"-(?:20\d\d-?[01]\d-?[0-3]\d)$")
SHORT_DATE_SUFFIX = re.compile(r"-(?:[01]\d-[0-3]\d)$")  # OpenRouter's qwen3.5-plus-02-15
VERTEX_VERSION = re.compile(r"@(?:\d{8}|\d{3}|latest|default)$")
BEDROCK_VERSION = re.compile(r"-v\d+(?::\d+)?$|-\d+:\d+$|:\d+$")
#: Ollama/vLLM/LM Studio ``name:tag`` (``qwen3:0.6b``, ``llama3.1:8b-instruct-q4_K_M``, ``gemma3:4b``)
SELF_HOSTED_TAG = re.compile(r"^[a-z0-9][\w.\-/]*:[\w.\-]+$", re.IGNORECASE)


def host_key(name: str) -> str:
    """A host name compared loosely: ``AWS.Bedrock`` ~ ``aws_bedrock`` ~ ``aws-bedrock``."""
    return re.sub(r"[\s._-]+", "", name.casefold())


def canonical_host(name: str | None) -> str | None:
    """Our provider id for a host as a log names it (unknown names pass through casefolded).

    Instrumentations write a provider with its API or agent layer after a dot (the Vercel AI SDK's
    ``openai.responses`` / ``anthropic.messages``, Google ADK's ``gcp.vertex.agent``): a name we do not know
    is read by its dotted prefixes, longest first, before it passes through."""
    if name is None or not name.strip():
        return None
    parts = name.strip().split(".")
    for end in range(len(parts), 0, -1):
        known = HOST_NAMES.get(host_key(".".join(parts[:end])))
        if known is not None:
            return known
    return name.strip().casefold()


def is_self_hosted_host(name: str | None) -> bool:
    return name is not None and host_key(name) in SELF_HOSTED_NAMES


def unknown_host(name: str, providers: Iterable[str] = ()) -> str | None:
    """None when ``name`` is a host we know (a spelling of ``HOST_NAMES``, a self-hosted stack, a host
    prefix, or one of ``providers``: the catalog's own provider ids); else the hint: ``did you mean: ...``
    (closest known names, in the catalog's vendor wording), or the known hosts. For flags only: a host a log
    names is data, reported per record."""
    if is_self_hosted_host(name) or host_key(name) in {host_key(p) for p in HOST_PREFIXES}:
        return None
    ids = {*HOST_NAMES.values(), *(p.casefold() for p in providers)}
    if canonical_host(name) in ids:
        return None
    spellings = {host_key(k): v for k, v in HOST_NAMES.items()}
    spellings.update({host_key(p): p for p in providers})
    spellings.update({k: k for k in SELF_HOSTED_NAMES})
    names = closest(host_key(name), spellings, cutoff=0.7)
    return "did you mean: " + ", ".join(names) if names else "known hosts: " + ", ".join(sorted(ids))
