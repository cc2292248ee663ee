"""Extract text-only (request, billed input tokens) pairs from recorded API calls (VCR cassettes).

Usage: ``python benchmarks/framing_extract.py CASSETTE_DIR [OUT.jsonl] [SOURCE ...] [--after=BASE.jsonl [--vendor=V]]``

``CASSETTE_DIR`` holds one folder per source repository (``CASSETTE_DIR/<source>/...*.yaml``), copied from
public SDK and agent-framework test suites; the recordings are reference data and stay outside this
repository. Each interaction that POSTs a chat request (OpenAI Chat Completions or Responses, Anthropic
Messages, Gemini ``generateContent``) and got a usage block back becomes one JSON line: source, file, vendor,
endpoint (Gemini: ``generate``, or ``vertex`` through Vertex AI), model, the request body and the billed input tokens (prompt tokens; for Claude input plus cache
creation and cache reads). Requests with non-text content (images, files, audio), server-side tools or other
features the count does not model are left out and counted by reason on stderr. Reads vcrpy cassettes
(``interactions``), Ruby/R vcr ones (``http_interactions``), Azure test-proxy session records (``Entries``:
``.json`` files, as openai-dotnet keeps them) and one-interaction ``.json`` recordings (``request.url``, as
dd-trace-py's proxy writes them), gzip-encoded bodies, event streams; leaves
out hand-written responses (typed ids, cache counts under the 1,024-token minimum, one response id answering
different requests) and Gemini behind its OpenAI-compatible endpoint. Naming ``SOURCE`` folders reads only those.
``--after=BASE.jsonl`` writes BASE's pairs unchanged first, then the new ones it does not hold already (the same
request body or response id), ``--vendor=openai`` those of one vendor only: how the sixth round's file was built,

    python benchmarks/framing_extract.py /work/ref/cassettes /work/ref/framing_pairs_fit8.jsonl \\
        openai-dotnet dd-trace-py ruby_llm ruby_llm-chat activeagent ruby-openai lmnr-python elastic-otel \\
        --after=/work/ref/framing_pairs_all.jsonl --vendor=openai
"""

from __future__ import annotations

import base64
import gzip
import json
import re
import sys
from collections import Counter
from pathlib import Path

import yaml

#: keys whose presence anywhere in a request makes it not text-only
_NON_TEXT_KEYS = frozenset(
    {
        "image_url",
        "input_image",
        "inlineData",
        "inline_data",
        "fileData",
        "file_data",
        "input_audio",
        "image",
        "document",
        "file",
        "file_id",
        "mcp_servers",
        "container",
        "previous_response_id",
        "cachedContent",
        "context_management",
        "web_search_options",
        "conversation",
    }
)
_NON_TEXT_TYPES = frozenset(
    {
        "image",
        "document",
        "input_image",
        "input_file",
        "file",
        "image_url",
        "input_audio",
        "search_result",
        "server_tool_use",
        "web_search_tool_result",
        "code_execution_tool_result",
        "mcp_tool_use",
        "mcp_tool_result",
        "container_upload",
        "redacted_thinking",
        "web_search_call",
        "file_search_call",
        "computer_call",
        "image_generation_call",
        "code_interpreter_call",
        "mcp_call",
        "mcp_list_tools",
        "local_shell_call",
        "compaction",
        "item_reference",
    }
)


class _Loader(yaml.CSafeLoader):
    """The safe loader, reading Ruby vcr's ``!binary`` (base64) bodies and vcrpy's ``!!python/...`` header keys
    (``multidict.istr``) as plain values instead of refusing the file."""


def _binary(loader: yaml.SafeLoader, node: yaml.Node) -> bytes:
    return base64.b64decode(loader.construct_scalar(node))


def _python_tag(loader: yaml.SafeLoader, suffix: str, node: yaml.Node) -> object:
    if isinstance(node, yaml.SequenceNode):
        return tuple(loader.construct_sequence(node, deep=True))
    if isinstance(node, yaml.MappingNode):
        return loader.construct_mapping(node, deep=True)
    return loader.construct_scalar(node)


_Loader.add_constructor("!binary", _binary)
_Loader.add_constructor("tag:yaml.org,2002:binary", _binary)
_Loader.add_multi_constructor("tag:yaml.org,2002:python/", _python_tag)


#: the vendors' own API hosts (OpenAI-compatible endpoints of other vendors bill with their own tokenizers)
_HOSTS = (
    "api.openai.com",
    "api.anthropic.com",
    "generativelanguage.googleapis.com",
    "aiplatform.googleapis.com",
)


def _vendor(uri: str) -> tuple[str, str] | None:
    """(vendor, endpoint) of a request URI, or None for one that is not a chat request."""
    if "count_tokens" in uri or "countTokens" in uri:
        return None
    if not any(host in uri for host in _HOSTS):
        return None  # an OpenAI-compatible server of another vendor, or a proxy
    if uri.endswith("/chat/completions") or "/chat/completions?" in uri:
        if "googleapis.com" in uri:  # Gemini behind its OpenAI-compatible endpoint: left out by reason
            return "gemini", "openai-compatible"
        return "openai", "chat"
    if uri.endswith("/responses") or "/responses?" in uri:
        return "openai", "responses"
    if uri.endswith("/v1/messages") or "/v1/messages?" in uri:
        return "anthropic", "messages"
    if ":generateContent" in uri or ":streamGenerateContent" in uri:
        # Vertex AI frames Gemini otherwise than the Gemini API (no token a turn): kept apart
        return "gemini", "vertex" if "aiplatform.googleapis.com" in uri else "generate"
    return None


def _body(part: dict) -> object:
    """The JSON body of a recorded request or response (``parsed_body``, ``body`` or ``body.string``, gzip too)."""
    if "parsed_body" in part:
        return part["parsed_body"]
    body = part.get("body")
    if isinstance(body, dict):
        body = body.get("string")
    if isinstance(body, bytes):
        if body[:2] == b"\x1f\x8b":  # recorded as sent: gzip-encoded (``!!binary`` in the cassette)
            try:
                body = gzip.decompress(body)
            except (OSError, EOFError):
                return None
        body = body.decode("utf-8", "replace")
    if not isinstance(body, str) or not body.strip():
        return None
    try:
        return json.loads(body)
    except json.JSONDecodeError:
        return body  # an event stream


def _events(text: str) -> list[dict]:
    """The JSON objects of a server-sent event stream's ``data:`` lines (others left out)."""
    events = []
    for line in text.splitlines():
        if not line.startswith("data:"):
            continue
        try:
            event = json.loads(line[5:].strip())
        except json.JSONDecodeError:
            continue
        if isinstance(event, dict):
            events.append(event)
    return events


def _stream_usage(text: str) -> dict | None:
    """The usage of a server-sent event stream: the last usage block, merged with Claude's message_start."""
    usage: dict = {}
    for event in _events(text):
        if event.get("type") == "message_start":
            usage.update(event.get("message", {}).get("usage") or {})
        elif event.get("type") == "response.completed":
            usage.update(event.get("response", {}).get("usage") or {})
        elif isinstance(event.get("usage"), dict) and event["usage"]:
            found = event["usage"]
            if "input_tokens" in usage and "input_tokens" in found and not found.get("input_tokens"):
                found = {k: v for k, v in found.items() if k != "input_tokens"}
            usage.update(found)
        elif isinstance(event.get("usageMetadata"), dict):
            usage.update(event["usageMetadata"])
    return usage or None


def _usage(response: object) -> dict | None:
    if isinstance(response, str):
        return _stream_usage(response)
    if isinstance(response, list):  # Gemini streams recorded as a JSON array
        merged: dict = {}
        for item in response:
            if isinstance(item, dict) and isinstance(item.get("usageMetadata"), dict):
                merged.update(item["usageMetadata"])
        return merged or None
    if isinstance(response, dict):
        for key in ("usage", "usageMetadata"):
            if isinstance(response.get(key), dict):
                return response[key]
    return None


def _billed(vendor: str, usage: dict) -> int | None:
    if vendor == "openai":
        value = usage.get("prompt_tokens", usage.get("input_tokens"))
    elif vendor == "anthropic":
        if usage.get("input_tokens") is None:
            return None
        value = (
            usage["input_tokens"]
            + (usage.get("cache_creation_input_tokens") or 0)
            + (usage.get("cache_read_input_tokens") or 0)
        )
    else:
        value = usage.get("promptTokenCount")
        if value is not None and usage.get("toolUsePromptTokenCount"):
            return None  # built-in tools ran and added their own prompt
    return value if isinstance(value, int) and value > 0 else None


def _invented_usage(vendor: str, usage: dict) -> bool:
    """Whether ``usage`` cannot have been billed: prompt-cache writes and reads adding up to less than the
    vendors' 1,024-token minimum (the counts of hand-edited cassettes, such as ``cache_creation_input_tokens: 5``)."""
    if vendor == "anthropic":
        cached = [usage.get("cache_creation_input_tokens"), usage.get("cache_read_input_tokens")]
    elif vendor == "openai":
        details = usage.get("prompt_tokens_details") or usage.get("input_tokens_details") or {}
        cached = [details.get("cached_tokens") if isinstance(details, dict) else None]
    else:
        return False  # Gemini's implicit cache reports reads of a few hundred tokens on recorded calls
    total = sum(n for n in cached if isinstance(n, int))
    return 0 < total < 1024


def _not_text(value: object) -> str | None:
    """Why a request is not text-only (a key or part type the count does not model), or None."""
    if isinstance(value, dict):
        kind = value.get("type")
        if isinstance(kind, str) and kind in _NON_TEXT_TYPES:
            return f"type {kind}"
        for key, item in value.items():
            if key in _NON_TEXT_KEYS:
                return f"key {key}"
            reason = _not_text(item)
            if reason:
                return reason
    elif isinstance(value, list):
        for item in value:
            reason = _not_text(item)
            if reason:
                return reason
    return None


def _tools_reason(vendor: str, request: dict) -> str | None:
    """Why a request's tools are not all plain functions (server-side and built-in tools), or None."""
    tools = request.get("tools") or []
    if not isinstance(tools, list):
        return "tools not a list"
    for tool in tools:
        if not isinstance(tool, dict):
            return "tool not an object"
        if vendor == "openai" and tool.get("type", "function") not in ("function", "custom"):
            return f"tool {tool.get('type')}"
        if vendor == "anthropic" and tool.get("type") not in (None, "custom"):
            return f"tool {tool.get('type')}"
        if vendor == "gemini" and set(tool) - {"functionDeclarations", "function_declarations"}:
            return f"tool {sorted(tool)[0]}"
    return None


def _model(vendor: str, uri: str, request: dict, response: object) -> str | None:
    if vendor == "gemini":
        tail = uri.split("/models/")[-1]
        return tail.split(":")[0]
    model = request.get("model")
    if isinstance(response, dict) and isinstance(response.get("model"), str):
        model = response["model"]
    return model if isinstance(model, str) else None


#: response ids a person typed into a hand-written cassette (``msg_01BetaStreamTest1234``, ``resp_test123abc``)
_TYPED_ID = re.compile(r"(?i)test|fake|mock|dummy|example|12345|abcdef")


def _response_id(response: object) -> str | None:
    """The id the vendor gave a response (``id``, ``responseId``, or the first one an event stream names)."""
    if isinstance(response, list):  # a Gemini stream recorded as a JSON array
        response = next((item for item in response if isinstance(item, dict)), None)
    if isinstance(response, dict):
        found = response.get("id", response.get("responseId"))
        return found if isinstance(found, str) else None
    if not isinstance(response, str):
        return None
    for event in _events(response):
        inner = event.get("message", event.get("response"))
        found = _response_id(inner if isinstance(inner, dict) else event)
        if found:
            return found
    return None


def _drop_reused_ids(pairs: list[dict], dropped: Counter) -> list[dict]:
    """``pairs`` less those whose response id also answers a different request (a response copied by hand)."""
    requests: dict[str, set[str]] = {}
    for pair in pairs:
        if pair.get("response_id"):
            requests.setdefault(pair["response_id"], set()).add(json.dumps(pair["request"], sort_keys=True))
    kept = []
    for pair in pairs:
        if len(requests.get(pair.get("response_id") or "", ())) > 1:
            dropped["hand-written response (one response id answers different requests)"] += 1
        else:
            kept.append(pair)
    return kept


def _cassettes(root: Path, sources: list[str] | None) -> list[tuple[str, Path]]:
    """(source, file) of every cassette under ``root`` (``.yaml``/``.yml``, and ``.json`` session records), only
    the named sources when given."""
    found = []
    for folder in sorted(root.iterdir()):
        if folder.is_dir() and (not sources or folder.name in sources):
            paths = [*folder.rglob("*.y*ml"), *folder.rglob("*.json")]
            found += [(folder.name, path) for path in sorted(paths)]
    return found


def _entry_body(body: object) -> object:
    """A test-proxy record's body as a parsed body: JSON as recorded, an event stream's lines joined."""
    if isinstance(body, list) and all(isinstance(line, str) for line in body):
        return "".join(body)
    if isinstance(body, str):
        try:
            return json.loads(body)
        except json.JSONDecodeError:
            return body
    return body


def _interactions(path: Path) -> list | None:
    """The recorded interactions of one cassette (vcrpy, Ruby/R vcr, or an Azure test-proxy record), or None."""
    if path.suffix == ".json":  # Azure test-proxy session records: {"Entries": [{"RequestUri", ...}]}
        try:
            document = json.loads(path.read_text(encoding="utf-8"))
        except (json.JSONDecodeError, UnicodeDecodeError):
            return None
        if isinstance(document, dict) and isinstance(document.get("request"), dict):
            # one interaction a file, ``request.url`` (dd-trace-py's recording proxy)
            request = {**document["request"], "uri": document["request"].get("url", "")}
            return [{"request": request, "response": document.get("response") or {}}]
        entries = document.get("Entries") if isinstance(document, dict) else None
        if not isinstance(entries, list):
            return None
        return [
            {
                "request": {"uri": e.get("RequestUri", ""), "parsed_body": _entry_body(e.get("RequestBody"))},
                "response": {
                    "status": e.get("StatusCode"),
                    "parsed_body": _entry_body(e.get("ResponseBody")),
                },
            }
            for e in entries
            if isinstance(e, dict)
        ]
    document = yaml.load(path.read_text(encoding="utf-8"), Loader=_Loader)
    if isinstance(document, dict):  # Python vcrpy / Ruby and R vcr (``http_interactions``)
        found = document.get("interactions", document.get("http_interactions"))
        return found if isinstance(found, list) else None
    return None


def extract(root: Path, sources: list[str] | None = None) -> tuple[list[dict], Counter]:
    """Every usable pair under ``root`` (one folder per source) and the reasons others were left out."""
    pairs: list[dict] = []
    dropped: Counter = Counter()
    seen: set[tuple[str, str, int]] = set()
    for source, path in _cassettes(root, sources):
        try:
            interactions = _interactions(path)
        except (yaml.YAMLError, UnicodeDecodeError):
            dropped["unreadable yaml"] += 1
            continue
        if interactions is None:
            continue
        for interaction in interactions:
            if not isinstance(interaction, dict):
                continue
            pair = _pair(interaction, source, str(path.relative_to(root)), dropped)
            if pair is None:
                continue
            key = (pair["vendor"], json.dumps(pair["request"], sort_keys=True), pair["input_tokens"])
            if key in seen:
                dropped["duplicate"] += 1
                continue
            seen.add((key[0], key[1], key[2]))
            pairs.append(pair)
    return _drop_reused_ids(pairs, dropped), dropped


def _pair(interaction: dict, source: str, file: str, dropped: Counter) -> dict | None:
    request_part, response_part = interaction.get("request") or {}, interaction.get("response") or {}
    found = _vendor(str(request_part.get("uri", "")).split("?")[0] + "")
    if found is None:
        return None
    vendor, endpoint = found
    if endpoint == "openai-compatible":
        dropped["gemini: OpenAI-compatible endpoint"] += 1
        return None
    request = _body(request_part)
    if not isinstance(request, dict):
        dropped["request not JSON"] += 1
        return None
    status = response_part.get("status")
    status = status.get("code") if isinstance(status, dict) else status
    if isinstance(status, int) and status >= 400:
        dropped["error response"] += 1
        return None
    usage = _usage(_body(response_part))
    billed = _billed(vendor, usage) if usage else None
    if billed is None:
        dropped["no usage (a stream not asked for it, or no usage block)"] += 1
        return None
    if _invented_usage(vendor, usage):
        dropped["hand-written response (cached tokens under the 1,024 minimum)"] += 1
        return None
    response_id = _response_id(_body(response_part))
    if response_id and _TYPED_ID.search(response_id.split("_", 1)[-1].split("-", 1)[-1]):
        dropped["hand-written response (typed id)"] += 1
        return None
    reason = _not_text(request) or _tools_reason(vendor, request)
    if reason:
        dropped[f"{vendor}: {reason}"] += 1
        return None
    return {
        "source": source,
        "file": file,
        "vendor": vendor,
        "endpoint": endpoint,
        "model": _model(vendor, str(request_part.get("uri", "")), request, _body(response_part)),
        "request": request,
        "input_tokens": billed,
        "response_id": response_id,
    }


def _after(base: Path, pairs: list[dict], vendor: str | None, dropped: Counter) -> list[str]:
    """``base``'s lines unchanged, then those of ``pairs`` (of ``vendor`` alone when given) whose request body or
    response id ``base`` does not already hold (a cassette copied from another suite is one recording)."""
    lines = base.read_text(encoding="utf-8").splitlines()
    known = [json.loads(line) for line in lines]
    bodies = {(p["vendor"], json.dumps(p["request"], sort_keys=True)) for p in known}
    ids = {p["response_id"] for p in known if p.get("response_id")}
    for pair in pairs:
        if vendor and pair["vendor"] != vendor:
            dropped[f"not {vendor} (--vendor)"] += 1
        elif (pair["vendor"], json.dumps(pair["request"], sort_keys=True)) in bodies or pair.get(
            "response_id"
        ) in ids:
            dropped["already in the --after file"] += 1
        else:
            lines.append(json.dumps(pair, ensure_ascii=False))
    return lines


def main(argv: list[str]) -> int:
    flags = dict(a[2:].split("=", 1) for a in argv if a.startswith("--") and "=" in a)
    argv = [a for a in argv if not a.startswith("--")]
    if not argv:
        print(__doc__.strip().splitlines()[2], file=sys.stderr)
        return 2
    root = Path(argv[0])
    out = Path(argv[1]) if len(argv) > 1 else Path("/work/ref/framing_pairs.jsonl")
    pairs, dropped = extract(root, argv[2:] or None)
    lines = [json.dumps(pair, ensure_ascii=False) for pair in pairs]
    if "after" in flags:
        lines = _after(Path(flags["after"]), pairs, flags.get("vendor"), dropped)
    out.write_text("".join(line + "\n" for line in lines), encoding="utf-8")
    by = Counter((p["source"], p["vendor"], p["endpoint"]) for p in pairs)
    for (source, vendor, endpoint), n in sorted(by.items()):
        print(f"{source:16} {vendor:10} {endpoint:10} {n:5}")
    print(f"{len(lines)} pairs written to {out}", file=sys.stderr)
    for reason, n in dropped.most_common(25):
        print(f"  left out: {reason}: {n}", file=sys.stderr)
    return 0


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))
