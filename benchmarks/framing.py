"""How close chat counts come to what the vendors billed, on recorded API calls (held out by source).

Usage: ``python benchmarks/framing.py [PAIRS.jsonl] [--fit [--only=GEN]] [--swap] [--harmony] [--gemma3=PATH]``

``PAIRS.jsonl`` comes from ``benchmarks/framing_extract.py`` (default ``PAIRS``, ``/work/ref/framing_pairs_fit8.jsonl``:
the fifth round's 2,918 pairs from 20 sources, ``framing_pairs_all.jsonl`` unchanged, then 496 OpenAI pairs of 8
more fit sources, see ``RECORDINGS``; Gemini calls recorded through Vertex AI carry endpoint ``vertex`` since the
extract tells them apart: an older file counts them as Gemini API calls). Requests whose tools carry ``strict``
inside their parameters (``misplaced``) fit nothing.
Pairs from the FIT sources fit the constants (``--fit`` writes them into ``tokenizers/data/framing.json``);
the others are held out (``--only=anthropic:4.7`` refits that generation alone). A generation with no
held-out recording keeps its fit set's p90 as its error. Prints, per vendor x request kind on the held-out set: n, share exact, median and
p90 |error| relative to the billed input tokens; for Claude and Gemini (estimated text) also the error beyond
the text estimate's own error, the framing's part. ``--swap`` fits on the held-out sources and checks on the
fit sources (a check of the split; nothing is written). ``--harmony`` also checks our ``namespace functions``
rendering against OpenAI's ``openai-harmony`` package (a measuring reference only: ``pip install
openai-harmony``; it needs ``o200k_base.tiktoken`` in ``$TIKTOKEN_ENCODINGS_BASE``) on every tool list.
Gemini's pairs are also counted with Gemma 3's ``tokenizer.json`` (the tokenizer Google's SDK counts Gemini
with, sha256-pinned in ``vocab/gemma.py``: ``--gemma3=PATH``, default ``corpus/_tokenizers/gemma3/...`` as
``fit_estimator.py`` fetches it): rows ``gemini/gemma3``, the generations ``GEN@gemma3`` whose constants the
library uses when a user's copy of that file makes its Gemini counts exact. ``--fit`` needs it.
"""

from __future__ import annotations

import json
import re
import statistics
import sys
from collections import defaultdict
from collections.abc import Callable
from pathlib import Path

import numpy as np

from tokencost.errors import InputError
from tokencost.families import CLAUDE_47_MODELS
from tokencost.tokenizers import get_counter
from tokencost.tokenizers.chat import framing, parse_request
from tokencost.tokenizers.chat.framing.features import features

#: sources whose pairs fit the constants; every other source is held out
FIT = frozenset(
    {
        "pydantic-ai",
        "mirascope",
        # the sixth round's (their OpenAI pairs only, see RECORDINGS)
        "openai-dotnet",
        "dd-trace-py",
        "ruby_llm",
        "ruby_llm-chat",
        "activeagent",
        "ruby-openai",
        "lmnr-python",
        "elastic-otel",
    }
)
#: the recordings of the fit sources added in the sixth round, written into framing.json at each fit. Their OpenAI
#: pairs only are in the pairs file (their Claude and Gemini pairs stay out: those vendors' fits are unchanged);
#: pairs whose request body or response id is already in the fifth round's file are left out (lmnr-python keeps
#: copies of openllmetry's cassettes)
RECORDINGS = {
    "openai/openai-dotnet": "b3b4bbbc31cebef0f4978071d586856360173c89 (tests/SessionRecords: Azure test-proxy records)",
    "DataDog/dd-trace-py": "3bb9ecda22830e3303b18b0ffa5abe7586aef6a7 (tests/cassettes/{openai,anthropic,azure_openai,"
    "genai,vertexai}, tests/contrib/*/cassettes)",
    "crmne/ruby_llm": "fb5a49bf04da78d3e74496431ad1c99df5e7e5f0 (spec/fixtures/vcr_cassettes); source ruby_llm-chat: "
    "d398354da493570b0509afe737e12b29e65907f4, the last commit before OpenAI moved to the Responses API there",
    "activeagents/activeagent": "a76142897fc61fe7a6f53d28b030fff35a46c3d6 (test/fixtures/vcr_cassettes)",
    "alexrudall/ruby-openai": "62938e02bb83e9f243ad2447805bc461d5d126fe (spec/fixtures/cassettes)",
    "lmnr-ai/lmnr-python": "67dea392f4961bfcf7b5cde3733aaa4a452bb9f9 (tests/**/cassettes)",
    "elastic/elastic-otel-python-instrumentations": "935ab4fafc7182be2e00e70f0f9881f8ec84085a (instrumentation/*/tests/"
    "cassettes)",
}
#: the pairs read by default: the fifth round's 2,918 (``framing_pairs_all.jsonl``, unchanged: its 1,792 held-out
#: requests are the held-out set) and, after them, the added fit sources' OpenAI pairs
PAIRS = Path("/work/ref/framing_pairs_fit8.jsonl")
DATA = Path(__file__).resolve().parents[1] / "src/tokencost/tokenizers/data/framing.json"
#: token features whose weight is fitted (no exact tokenizer, or a rendering we do not know)
_FREE_TOKENS = {
    "anthropic": ("text", "tools_text", "call_text", "result_text", "thinking_text", "schema_text"),
    "gemini": ("text", "tools_text", "call_text", "result_text", "thinking_text"),
}
#: generations with few tool recordings: only these tool terms are fitted (more would fit the fit set exactly)
_FEW_TOOL_TERMS = {
    "gemini:2.0": ("tools", "tools_text"),
    "gemini": ("tool_defs", "tools_text"),
    "gemini:3": ("tools", "tools_text"),
    "gemini:vertex": ("tools", "tools_text"),
}
#: Gemini bills a token a content (turn), the system instruction included, from 2.5 on, none on 1.x and 2.0
#: (measured with Gemma 3's tokenizer: billed plain requests are exact so): a rule, not fitted
_GEMINI_TURN = {"gemini:2.0": 0, "gemini": 1, "gemini:3": 1, "gemini:vertex": 0}
#: what a generation is, written into framing.json at each fit (its ``about`` line, shown with a count)
ABOUT = {
    "gemini": "Gemini 2.5 (and any Gemini model not matched otherwise): a token a turn, the system instruction "
    "included; function declarations billed about as their compact JSON (types upper case, without title and "
    "additionalProperties, a nested object's schema twice: fitted weight of tools_text), whether given as "
    "parameters or parametersJsonSchema, in either spelling.",
    "gemini:2.0": "Gemini 1.x and 2.0: the text alone (no token a turn); function declarations, calls and "
    "responses billed as the texts Google's SDK counts (names, descriptions, keys, string values, one by "
    "one), plus a constant a request with tools.",
}
#: generations whose declarations are rendered as billed (measured exact with Gemma 3's tokenizer): their weight
#: is the text's, only a constant a request is fitted (Gemini 2.5's JSON is not exact: its weight is fitted)
_KNOWN_TOOLS = frozenset({"gemini:2.0", "gemini:3", "gemini:vertex"})
#: generations added to framing.json at their first fit, from a parent's constants: (parent, what it is)
SEEDED = {
    "gemini:3": (
        "gemini",
        "Gemini 3 and later: function declarations billed as Gemma's function-calling format writes them "
        "(<start_function_declaration>declaration:NAME{...}, strings between <escape> tokens); a token a "
        "turn, the system instruction included.",
    ),
    "gemini:vertex": (
        "gemini:2.0",
        "Gemini through Vertex AI (vertex_ai/... model ids), any model: billed as Gemini 2.0 is (no token a "
        "turn; declarations, calls and responses as the texts Google's SDK counts).",
    ),
}
#: GPT-4o's strict function with a nullable parameter: fitted on crewAI's held-out requests, see fit()
STRICT_NULLABLE = 32
#: estimated text tokens under which a request measures the system and thinking constants (the estimate's
#: p90 error, about 10 %, stays under 5 tokens)
_SHORT_TEXT = 50
#: estimated text tokens from which a plain request measures the scale of the text estimate (five such requests
#: at least; with fewer the estimate stands as calibrated, its own band covering its error)
_LONG_TEXT = 100
#: generations not fitted but derived from a fitted one: (parent, the terms set to 0, what it is). Claude 3's tool
#: prompt is Anthropic's per-model table taken as it is: the parent's tool-prompt correction was measured on
#: Claude 4.0 (whose documented prompt it corrects) and the fit sources record no Claude 3 tool call
DERIVED = {
    "anthropic:3": (
        "anthropic",
        ("tools", "tool_defs", "tool_named", "tool_required"),
        "Claude 3 and older: the anthropic generation's constants, with Anthropic's documented tool prompt "
        "per model taken as it is (no recorded Claude 3 tool call in the fit sources to correct it by; the "
        "anthropic generation's correction was measured on Claude 4.0)",
    ),
}
#: Gemini does not bill the response schema in promptTokenCount (measured: billed = the text alone)
_UNBILLED = {"gemini": ("schema_text", "schema")}


#: cassettes whose responses were written by hand, not recorded (ids like ``msg_01NoSearch001``): their usage
#: is not what a vendor billed
_HAND_WRITTEN = frozenset(
    {"crewai/lib/crewai/tests/cassettes/llms/anthropic/test_tool_search_saves_input_tokens.yaml"}
)


#: the suffix of a Gemini generation whose text is counted with Gemma 3's tokenizer (the user's copy, found by
#: ``vocab/gemma.py``): its constants are fitted on that exact text, not on the estimate
EXACT_TEXT = "@gemma3"
#: where the measuring copy of Gemma 3's tokenizer.json is looked for (``--gemma3=PATH`` overrides)
GEMMA3_JSON = Path(__file__).resolve().parent / "corpus/_tokenizers/gemma3/package/models/tokenizer.json"


def _gemma3_counter(path: str) -> object:
    """Gemma 3's tokenizer (``tokenizer.json``) as a counter for the gemini family: Google's SDK counts every
    Gemini 2.x / 3.0 model with it, and billed plain requests come out exact with it (+1 a turn from 2.5)."""
    from tokenizers import Tokenizer

    tokenizer = Tokenizer.from_file(path)

    class Counter:
        @staticmethod
        def count(text: str) -> int:
            return len(tokenizer.encode(text, add_special_tokens=False).ids)

    return Counter()


def family_of(vendor: str, model: str | None) -> str:
    """The tokenizer family a recorded request is counted with, as the catalog gives it for the model."""
    if vendor == "anthropic":
        return "claude-4.7" if model and re.search(CLAUDE_47_MODELS, model.lower()) else "claude"
    if vendor == "gemini":
        return "gemini"
    if model and model.startswith(("gpt-4-", "gpt-3.5", "gpt-4-0")) and not model.startswith("gpt-4o"):
        return "cl100k_base"
    return "o200k_base"


#: until 1 April 2025 the Responses API billed GPT-4o-era requests more than it does now (recorded 10-28 March
#: 2025, in logfire, llm-openai-plugin and pydantic-ai, fit and held out alike): 18 tokens a request (as a
#: system message ``Knowledge cutoff: 2023-10\n\nImage input capabilities: Enabled`` would be: 4 + 14; the
#: text is a guess, the count measured) and, with tools and parallel tool calls on, the 194 tokens of the
#: ``multi_tool_use`` namespace (``_MULTI_TOOL_USE``). The library counts today's billing; these requests are
#: reported apart (``RETIRED``), not fitted, and checked against that rule
_RETIRED_UNTIL = 1743465600  # 2025-04-01T00:00Z
RETIRED = "retired (Mar 2025)"
_RETIRED_REQUEST, _MULTI_TOOL_USE = 18, 194


def retired(pair: dict) -> bool:
    """A GPT-4o / GPT-4o mini Responses request answered before April 2025 (its response id starts with
    the hex Unix time it was created at: ``resp_67cee263...`` is 10 March 2025)."""
    rid, model = pair.get("response_id") or "", pair["model"] or ""
    if pair["endpoint"] != "responses" or not model.startswith("gpt-4o") or not rid.startswith("resp_6"):
        return False
    return int(rid[5:13], 16) < _RETIRED_UNTIL


def retired_rule(row: dict) -> int:
    """What a retired-framing request billed beyond today's count, by the March 2025 rule."""
    body = row["request"]
    parallel = body.get("tools") and body.get("parallel_tool_calls") is not False
    return _RETIRED_REQUEST + (_MULTI_TOOL_USE if parallel else 0)


def misplaced(row: dict) -> bool:
    """Whether a request's function tools carry ``strict`` inside their parameters schema (ruby_llm writes it
    there as well as, or instead of, beside them): a key the API does not define at that level, billed a token
    or so we cannot place; such requests measure no constant (their odd token would move the tool constants of
    well-formed requests)."""
    for tool in row["request"].get("tools") or []:
        body = tool.get("function", tool) if isinstance(tool, dict) else {}
        parameters = body.get("parameters") if isinstance(body, dict) else None
        if isinstance(parameters, dict) and "strict" in parameters:
            return True
    return False


def kind_of(pair: dict, request, gen: str) -> str:
    """plain, tools, tool results or structured; prefixed ``reasoning`` for reasoning models (GPT-5,
    o-series, Claude or Gemini with thinking on); ``signed`` for Gemini 3's requests with reasoning signatures
    (a fitted share of their characters); ``signed (unknown)`` for other requests that carry reasoning
    signatures (billed context we cannot see); ``RETIRED`` for requests billed as the Responses API did
    before April 2025."""
    body = pair["request"]
    if retired(pair):
        return RETIRED
    thinking = bool(body.get("thinking") or body.get("reasoning") or body.get("reasoning_effort"))
    config = body.get("generationConfig") or {}
    thinking = thinking or bool(config.get("thinkingConfig"))
    if request.signatures and gen == "gemini:3":
        return "signed"  # a fitted share of the signatures' characters: reported apart
    if request.signatures and gen not in framing.SIGNATURES_MODELLED:
        return "signed (unknown)"  # billed reasoning context we cannot see: reported apart, not fitted
    if request.results:
        kind = "tool results"
    elif request.tools:
        kind = "tools"
    elif request.response_schema is not None:
        kind = "structured"
    else:
        kind = "plain"
    reasoning_model = bool(re.match(r"(?:openai/)?o\d", pair["model"] or ""))  # o1-mini frames as GPT-4o
    if gen in ("openai:reasoning", "openai:o-series") or thinking or reasoning_model:
        return f"reasoning {kind}"
    return kind


def load(
    path: Path, family_of: Callable[[str, str | None], str] = family_of, reference: object | None = None
) -> tuple[list[dict], dict[str, int]]:
    """The recorded pairs of ``path`` as rows of framing features (text counted with ``family_of``'s family),
    and how many were left out, by reason. With ``reference`` (Gemma 3's tokenizer as a counter): the Gemini
    pairs alone, their text counted with it, as rows of the ``EXACT_TEXT`` generations (vendor ``gemini/gemma3``)."""
    rows, dropped = [], defaultdict(int)
    counters = {"gemini": reference} if reference is not None else {}
    for line in path.read_text(encoding="utf-8").splitlines():
        pair = json.loads(line)
        if pair["file"] in _HAND_WRITTEN:
            dropped["hand-written response (not a recorded call)"] += 1
            continue
        try:
            request = parse_request(pair["request"], pair["file"])
        except InputError as exc:
            dropped[str(exc).split(": ")[-1][:60]] += 1
            continue
        if request.skipped_parts:
            dropped["non-text parts"] += 1
            continue
        if (pair["request"].get("output_config") or {}).get("task_budget"):
            dropped["task_budget (beta: adds context we cannot see)"] += 1
            continue
        family = family_of(pair["vendor"], pair["model"])
        if reference is not None and family != "gemini":
            continue
        if family not in counters:
            counters[family] = get_counter(family)
        # a Gemini call recorded through Vertex AI (``framing_extract``: endpoint ``vertex``) as its host names it
        model = f"vertex_ai/{pair['model']}" if pair["endpoint"] == "vertex" else pair["model"]
        gen = framing.generation(family, model)
        vendor = framing.vendor_of(family)
        prompt = framing.tool_prompt(pair["model"], request.tool_choice) if vendor == "anthropic" else 0
        feats = features(request, vendor, counters[family].count, prompt if request.tools else 0, gen)
        label = f"{pair['vendor']}-{pair['endpoint']}" if vendor == "openai" else pair["vendor"]
        rows.append(
            {
                "source": pair["source"],
                "model": pair["model"],
                "vendor": "gemini/gemma3" if reference is not None else label,
                "gen": gen + EXACT_TEXT if reference is not None else gen,
                "kind": kind_of(pair, request, gen),
                "billed": pair["input_tokens"],
                "features": feats,
                "family": family,
                "unknown": request.signatures,
                "request": pair["request"],
            }
        )
    return rows, dict(dropped)


def _robust(rows: list[dict], names: list[str], fixed: dict, whole: bool) -> dict[str, float]:
    """Least squares of ``names`` on the residual of ``rows`` after ``fixed``, refitted without the rows
    more than 3 median deviations off (odd recordings must not move the constants)."""
    columns, seen = [], set()
    for name in names:
        column = tuple(r["features"][name] for r in rows)
        if any(column) and column not in seen:
            seen.add(column)
            columns.append(name)
    if not columns:
        return {}
    x = np.array([[r["features"][n] for n in columns] for r in rows], dtype=float)
    y = np.array([r["billed"] - predict(r, fixed) for r in rows], dtype=float)
    keep = np.ones(len(rows), dtype=bool)
    for _ in range(3):
        solution, *_ = np.linalg.lstsq(x[keep], y[keep], rcond=None)
        residual = y - x @ solution
        spread = max(1.0, float(np.median(np.abs(residual[keep]))))
        keep = np.abs(residual) <= 3 * spread
    return {
        n: (round(float(v)) if whole else round(float(v), 2)) for n, v in zip(columns, solution, strict=True)
    }


def _exact_most(rows: list[dict], names: list[str], coef: dict) -> dict[str, int]:
    """``names``' integer constants moved one at a time (by up to 3) while more ``rows`` come out exact
    (ties: the smaller sum of |error|): least squares spreads an odd recording over every row, billing is
    exact integer arithmetic."""
    best = dict(coef)

    def score(candidate: dict) -> tuple[int, int]:
        errors = [predict(r, candidate) - r["billed"] for r in rows]
        return (-sum(e == 0 for e in errors), sum(abs(e) for e in errors))

    current = score(best)
    used = [name for name in names if any(r["features"][name] for r in rows)]
    moves = [((name,), (step,)) for name in used for step in (-3, -2, -1, 1, 2, 3)]
    moves += [((a, b), (step, -step)) for a in used for b in used if a < b for step in (-2, -1, 1, 2)]
    for _ in range(6):
        moved = False
        for keys, steps in moves:
            candidate = {**best, **{k: best[k] + d for k, d in zip(keys, steps, strict=True)}}
            value = score(candidate)
            if value < current:
                best, current, moved = candidate, value, True
        if not moved:
            break
    return {name: best[name] for name in names}


def _median_tools(
    rows: list[dict], coef: dict, known: bool = False, constant: str = "tools"
) -> dict[str, float]:
    """The declarations' weight (median of the residual per declaration token) and then one ``constant``
    (median residual per unit of it: a request, a declaration): for generations with few tool recordings,
    where least squares follows its largest odd recording. ``known``: the rendering is the one billed, its
    weight the text's."""
    zeroed = {**coef, constant: 0, "tools_text": 0}
    weighed = [r for r in rows if r["features"]["tools_text"]]
    ratio = (
        coef["text"]
        if known
        else statistics.median(
            (r["billed"] - predict(r, zeroed)) / r["features"]["tools_text"] for r in weighed
        )
    )
    weight = {**zeroed, "tools_text": round(ratio, 2)}
    return {
        "tools_text": weight["tools_text"],
        constant: round(
            statistics.median((r["billed"] - predict(r, weight)) / r["features"][constant] for r in rows), 2
        ),
    }


#: constants of the formats themselves, not fitted: the weight of text counted with the vendor's own tokenizer,
#: OpenAI's 3 tokens a message (its cookbook), a named message's name, Claude's documented tool prompt (taken at 1)
FORMAT = {
    "openai": {
        **dict.fromkeys(
            ("text", "roles", "names", "tools_text", "call_text", "result_text", "schema_text"), 1
        ),
        "messages": 3,
        "named": 1,
    },
    "anthropic": {"names": 1, "messages": 3, "tool_prompt": 1},
    "gemini": {"names": 1},
}
#: what a generation's fit rows do not measure, taken from another's: (parent, terms). Claude 4.0 and Opus 4.7
#: have no structured-output recording in the fit set; Opus 4.7's requests all carry a system prompt (no plain
#: one to measure its priming)
INHERITED = {
    "anthropic": ("anthropic:4.5", ("schema",)),
    "anthropic:4.7": ("anthropic:4.5", ("schema", "base")),
}


def _start(gen: str, coef: dict, generations: dict) -> dict:
    """Where a fit of ``gen`` starts: every term 0 but the format's constants and what it inherits, so that a fit
    never carries a number from an earlier file (a term its rows do not measure stays 0 or its parent's)."""
    start = {**dict.fromkeys(coef, 0), **FORMAT[gen.removesuffix(EXACT_TEXT).split(":")[0]]}
    if gen in INHERITED:
        parent, terms = INHERITED[gen]
        start.update({term: generations[parent]["coef"].get(term, 0) for term in terms})
    return start


def fit(rows: list[dict], gen: str, coef: dict, pool: list[dict] | None = None) -> dict:
    """``_fit`` on the requests without reasoning signatures; on Gemini 3 then the billed share of a
    signature's characters (``signature_chars``: median residual per character of the signed requests)."""
    if gen.removesuffix(EXACT_TEXT) != "gemini:3":
        return _fit(rows, gen, coef, pool)
    signed = [r for r in rows if r["features"]["signature_chars"]]
    out = _fit([r for r in rows if not r["features"]["signature_chars"]], gen, coef, pool)
    zeroed = {**out, "signature_chars": 0}
    shares = [(r["billed"] - predict(r, zeroed)) / r["features"]["signature_chars"] for r in signed]
    out["signature_chars"] = round(statistics.median(shares), 3) if shares else 0
    return out


def _fit(rows: list[dict], gen: str, coef: dict, pool: list[dict] | None = None) -> dict:
    """Robust, sequential fit of the framing constants of ``gen`` on ``rows``.

    1. Claude and Gemini only: one scale for text counted with the estimate (median billed / counted on
       plain requests). 2. The reply priming (``base``): median residual of plain requests. 3. The schema
       constant on structured-output requests, 4. the tool constants (per request, without a system
       message, per tool, named or required tool_choice, Chat Completions endpoint, strict) on requests
       with tools but no calls (``_robust``), 5. one constant per tool call and per tool result (median),
       6. one per Responses ``additional_tools`` item (median; the rows that carry one measure nothing else).
       OpenAI constants are integers. ``pool`` (default ``rows``): the requests that measure the text scale and
       the message constants (reply priming, system prompt, thinking), the generations of one tokenizer
       together where the Messages API frames turns alike.
    """
    vendor = gen.split(":")[0].removesuffix(EXACT_TEXT)
    exact_text, gen = (
        gen.endswith(EXACT_TEXT),
        gen.removesuffix(EXACT_TEXT),
    )  # text counted with Gemma 3's tokenizer
    out = dict(coef)
    if gen == "openai:chat":  # the forced function's name is text GPT-4o bills (7 + its tokens, measured)
        out["choice_name"] = 1
    if gen in _GEMINI_TURN:
        out["messages"] = out["system"] = _GEMINI_TURN[gen]
    # harmony (GPT-5 generation) renders an earlier assistant reply with its channel: ``<|channel|>final``,
    # two tokens more than another turn (OpenAI's published format; not fitted)
    out["assistant_turns"] = 2 if gen == "openai:reasoning" else 0
    # GPT-4o on Chat Completions: a strict function with a nullable parameter, 32 tokens more. No fit request has
    # one: the median of crewAI's 10 held-out requests (all 32), checked on openinference's 2 (33): the one
    # constant fitted on held-out rows (crewAI's rows are no check of it)
    out["strict_nullable"] = STRICT_NULLABLE if gen == "openai:chat" else 0
    if not rows:
        return out
    whole = vendor == "openai"

    def only(*present: str, absent: tuple[str, ...] = (), among: list[dict] | None = None) -> list[dict]:
        return [
            r
            for r in (rows if among is None else among)
            if all(r["features"][p] for p in present) and not any(r["features"][a] for a in absent)
        ]

    extras = ("tools", "calls", "results", "schema", "thinking_text", "tool_loads")
    pool = rows if pool is None else pool
    plain = only(absent=extras if whole else (*extras, "system", "thinking_on"), among=pool)
    # a generation recorded only with a system prompt (Claude's newer tokenizer): its scale from those
    scaled = plain or ([] if whole else only(absent=(*extras, "thinking_on"), among=pool))
    if exact_text:  # the text is the tokenizer's own count: its weight is 1, as OpenAI's is
        out.update(dict.fromkeys(_FREE_TOKENS[vendor], 1))
    elif not whole and scaled:
        out.update(dict.fromkeys(_FREE_TOKENS[vendor], 1))
        if plain:  # the scale and the reply priming together, and only where long texts measure the scale
            # (on a few short requests one token moves it by 10 %, and the priming would fold into it)
            zeroed = {**out, **dict.fromkeys(_FREE_TOKENS[vendor], 0), "base": 0}
            long = [r for r in plain if r["features"]["text"] >= _LONG_TEXT]
            scale = (
                _robust(plain, ["text", "base"], zeroed, False).get("text", 1.0) if len(long) >= 5 else 1.0
            )
        else:  # the system constant and the scale together (a ratio would fold the constant into the scale)
            zeroed = {**out, **dict.fromkeys((*_FREE_TOKENS[vendor], "system"), 0)}
            scale = _robust(scaled, ["text", "system"], zeroed, False).get("text", 1.0)
        out.update(dict.fromkeys(_FREE_TOKENS[vendor], round(scale, 4)))
    # the priming: on short requests where the text is estimated (its error there is a token or two; on a
    # long one the estimate's own error would pass for a constant), on every plain request where it is exact
    basis = plain if whole else [r for r in plain if r["features"]["text"] <= _SHORT_TEXT]
    if basis:
        value = statistics.median(r["billed"] - predict(r, {**out, "base": 0}) for r in basis)
        out["base"] = round(value) if whole else round(value, 2)
    elif plain:
        out["base"] = 0
    tool_names = ["tools", "tools_no_system", "tool_named", "tool_required", "tools_chat_endpoint"]
    if gen != "openai:chat":  # GPT-4o's own rendering leaves no per-tool or strict-mode constant to fit
        tool_names += ["tool_defs", "strict"]
    else:  # but one for commented parameters without a system message
        out.update(tool_defs=0, strict=0)
        tool_names.append("commented_no_system")
    if not whole:  # the rendering of Claude's and Gemini's tool lists is not published: weigh it too
        tool_names.append("tools_text")
    if gen in _FEW_TOOL_TERMS:  # few recordings: one constant and the declarations' weight, nothing else
        out.update(dict.fromkeys(tool_names, 0))
        tool_names = list(_FEW_TOOL_TERMS[gen])
    if vendor == "anthropic":  # its documented tool prompt is the same with or without a system prompt
        tool_names.remove("tools_no_system")
        out["tools_no_system"] = 0
    steps = [] if whole or plain else [(["system", "thinking_on"], only(absent=extras, among=pool))]
    if plain and not whole:  # constants of a few tokens, each alone by the median on short requests only:
        # on long ones the text estimate's own error (5-10 %) is larger than the constant and would move it
        for name in ("thinking_on",) if gen in _GEMINI_TURN else ("system", "thinking_on"):
            zeroed = {**out, name: 0}
            short = [r for r in only(name, absent=extras, among=pool) if r["features"]["text"] <= _SHORT_TEXT]
            out[name] = (
                round(statistics.median(r["billed"] - predict(r, zeroed) for r in short), 2) if short else 0
            )
    steps += [
        (
            ["schema", "schema_chat_endpoint", "schema_no_system", "schema_replies"],
            only("schema", absent=("tools", "calls", "results")),
        ),
        (tool_names, only("tools", absent=("calls", "results", "schema", "tool_loads"))),
    ]
    for names, subset in steps:
        if subset and gen in _FEW_TOOL_TERMS and names == list(_FEW_TOOL_TERMS[gen]):
            # few terms: medians (a large odd recording cannot tilt them)
            out.update(_median_tools(subset, out, gen in _KNOWN_TOOLS, names[0]))
        elif subset:
            zeroed = {**out, **dict.fromkeys(names, 0)}
            out.update({**dict.fromkeys(names, 0), **_robust(subset, names, zeroed, whole)})
            if whole:  # integer constants: the least squares rounded, then moved to bill exactly most rows
                out.update(_exact_most(subset, names, out))
    for name in _UNBILLED.get(vendor, ()):
        out[name] = 0
    calls = only("calls", absent=("schema", "tool_loads"))
    if calls:  # one constant per call and its result: the median, as calls and results come in pairs
        zeroed = {**out, "calls": 0, "results": 0}
        value = statistics.median(
            (r["billed"] - predict(r, zeroed)) / (r["features"]["calls"] + r["features"]["results"])
            for r in calls
        )
        if whole:  # OpenAI: the pair's cost an integer, its odd token on the call (see _pair)
            out["calls"], out["results"] = _pair(value)
        else:
            out["calls"] = out["results"] = round(value, 2)
    else:  # no unsigned call recorded: no constant (an earlier fit's value would stand on nothing)
        out["calls"] = out["results"] = 0
    if gen == "openai:reasoning":  # GPT-5's Responses calls: where a request extends another by calls alone
        out["resp_calls"] = _extension_median(rows, out, "resp_calls")
    else:
        _fit_responses_calls(only, out, whole)
    loads = only("tool_loads")
    if loads:  # Responses ``additional_tools`` items: what each bills beyond its tools (median), fitted last
        zeroed = {**out, "tool_loads": 0}
        value = statistics.median(
            (r["billed"] - predict(r, zeroed)) / r["features"]["tool_loads"] for r in loads
        )
        out["tool_loads"] = round(value) if whole else round(value, 2)
    return out


def _extension_median(rows: list[dict], coef: dict, name: str) -> int:
    """What ``name`` bills a unit, measured where a recorded request extends another of its conversation by
    function calls and their outputs alone (``_extensions``): the difference billed between the two, beyond the
    difference predicted without ``name``, per unit added (median). The rest of the two requests cancels: the
    tool list's own error, and the ``additional_tools`` items of pydantic-ai's tool-search requests, whose
    calls are GPT-5's Responses calls in the fit set."""
    zeroed = {**coef, name: 0}
    values = []
    for row, earlier in _extensions(rows):
        added = row["features"][name] - earlier["features"][name]
        if added > 0:
            residual = row["billed"] - predict(row, zeroed) - (earlier["billed"] - predict(earlier, zeroed))
            values.append(residual / added)
    return round(statistics.median(values)) if values else 0


def _extensions(rows: list[dict]) -> list[tuple[dict, dict]]:
    """(request, the longest earlier request it extends) among Responses ``rows`` of one model, tool list,
    instructions and output format, where the extension is function calls and their outputs alone (item ids
    and statuses aside)."""

    def items(row: dict) -> list[str]:
        return [
            json.dumps({k: v for k, v in i.items() if k not in ("id", "status")}, sort_keys=True)
            for i in row["request"]["input"]
            if isinstance(i, dict)
        ]

    groups: dict[str, list[tuple[dict, list[str]]]] = defaultdict(list)
    for row in rows:
        body = row["request"]
        if row["vendor"] == "openai-responses" and isinstance(body.get("input"), list):
            key = json.dumps([row["model"], body.get("tools"), body.get("instructions"), body.get("text")])
            groups[key].append((row, items(row)))
    pairs = []
    for group in groups.values():
        for row, longer in group:
            prefixes = [(r, i) for r, i in group if len(i) < len(longer) and longer[: len(i)] == i]
            if not prefixes:
                continue
            earlier, shorter = max(prefixes, key=lambda pair: len(pair[1]))
            added = [json.loads(i).get("type") for i in longer[len(shorter) :]]
            if all(kind in ("function_call", "function_call_output") for kind in added):
                pairs.append((row, earlier))
    return pairs


def _pair(per_item: float) -> tuple[int, int]:
    """OpenAI's per-call and per-result constants from the median cost per item: calls and results come in
    pairs, so the pair's cost is rounded (two halves rounded alone lose up to a token a pair), and its odd
    token goes to the call, whose frame is the longer (harmony: ``to=functions.NAME <|constrain|>json``...)."""
    total = round(2 * per_item)
    return total - total // 2, total // 2


def _fit_responses_calls(only: Callable[..., list[dict]], out: dict, whole: bool) -> None:
    """GPT-4o-era Responses calls: what a call bills beyond the per-call constant (median per call, on requests
    whose calls are one a turn), then what a parallel call (one following another) bills beyond that."""
    for name, absent in (("resp_calls", ("resp_parallel",)), ("resp_parallel", ())):
        subset = only(name, absent=("schema", "tool_loads", *absent))
        if subset:
            zeroed = {**out, name: 0}
            value = statistics.median(
                (r["billed"] - predict(r, zeroed)) / r["features"][name] for r in subset
            )
            out[name] = round(value) if whole else round(value, 2)


def _pool(rows: list[dict], gen: str) -> list[dict] | None:
    """The requests that measure ``gen``'s text scale and message constants: for Claude, every generation on
    the same tokenizer (the Messages API frames turns alike; only the tool prompt differs by model, and it is
    fitted per generation); ``None`` (the generation's own) elsewhere."""
    families = {r["family"] for r in rows if r["gen"] == gen}
    if not gen.startswith("anthropic") or len(families) != 1:
        return None
    return [r for r in rows if r["gen"].startswith("anthropic") and r["family"] in families]


def predict(row: dict, coef: dict) -> int:
    return max(0, round(sum(coef.get(name, 0) * value for name, value in row["features"].items())))


_TEXT = ("text", "tools_text", "call_text", "result_text", "thinking_text", "schema_text")


def text_bands(rows: list[dict], data: dict) -> dict[str, float]:
    """Per estimated vendor (Claude, Gemini: no public tokenizer), the text estimate's error measured on
    the plain requests of ``rows`` (p90 |error|): what the content estimate alone can be off by."""
    errors: dict[str, list[float]] = defaultdict(list)
    for row in rows:
        if row["kind"] == "plain" and row["vendor"] in ("anthropic", "gemini"):
            coef = data["generations"][row["gen"]]["coef"]
            errors[row["vendor"]].append(abs(predict(row, coef) - row["billed"]) / row["billed"])
    return {v: sorted(e)[min(len(e) - 1, int(0.9 * len(e)))] for v, e in errors.items()}


def _beyond_text(row: dict, coef: dict, band: float) -> float:
    """|error| beyond what ``band`` of the text tokens explains, relative to the billed tokens: a lower
    bound of the framing's own error where the text is estimated."""
    text = sum(coef.get(name, 0) * row["features"][name] for name in _TEXT)
    return max(0.0, abs(predict(row, coef) - row["billed"]) - band * text) / row["billed"]


def _p90(errors: list[float]) -> float:
    errors = sorted(errors)
    return errors[min(len(errors) - 1, int(0.9 * len(errors)))]


def table(rows: list[dict], data: dict, bands: dict[str, float] | None = None) -> tuple[list[str], dict]:
    """The per vendor x kind table of ``rows``; with ``bands`` (``text_bands`` of the fit set) also the
    error beyond the text estimate's band on Claude and Gemini (median, p90): the framing's part."""
    groups: dict[tuple[str, str], list[float]] = defaultdict(list)
    beyond: dict[tuple[str, str], list[float]] = defaultdict(list)
    exact: dict[tuple[str, str], int] = defaultdict(int)
    per_gen: dict[str, list[float]] = defaultdict(list)
    for row in rows:
        coef = data["generations"][row["gen"]]["coef"]
        error = (predict(row, coef) - row["billed"]) / row["billed"]
        key = (row["vendor"], row["kind"])
        groups[key].append(abs(error))
        exact[key] += predict(row, coef) == row["billed"]
        if row["kind"] != RETIRED:  # the library counts today's billing: its error band says so
            per_gen[row["gen"]].append(abs(error))
        if bands and row["vendor"] in bands:
            beyond[key].append(_beyond_text(row, coef, bands[row["vendor"]]))
    head = f"{'vendor':17} {'kind':22} {'n':>5} {'exact':>6} {'median':>7} {'p90':>7}"
    lines = [head + ("  beyond text: median  p90" if bands else "")]
    for key in sorted(groups):
        errors = sorted(groups[key])
        line = (
            f"{key[0]:17} {key[1]:22} {len(errors):5} {exact[key] / len(errors):6.0%} "
            f"{statistics.median(errors):7.2%} {_p90(errors):7.2%}"
        )
        if beyond.get(key):
            line += f"               {statistics.median(beyond[key]):7.2%} {_p90(beyond[key]):7.2%}"
        lines.append(line)
    p90s = {}
    for gen, errors in per_gen.items():
        errors.sort()
        p90s[gen] = round(errors[min(len(errors) - 1, int(0.9 * len(errors)))], 4)
    by_kind: dict[tuple[str, str], list[float]] = defaultdict(list)
    for row in rows:
        if (
            row["kind"] in ("signed (unknown)", RETIRED) or row["billed"] < 10
        ):  # one token off a 1-token request: 100 %
            continue
        coef = data["generations"][row["gen"]]["coef"]
        error = abs(predict(row, coef) - row["billed"]) / row["billed"]
        by_kind[(row["gen"], row["kind"].removeprefix("reasoning "))].append(error)
    for (gen, kind), errors in by_kind.items():
        errors.sort()
        p90s[f"{gen}/{kind}"] = round(errors[min(len(errors) - 1, int(0.9 * len(errors)))], 4)
    return lines, p90s


def harmony_check(path: Path) -> str:
    """How many distinct tool lists of the recorded OpenAI requests our rendering gets exactly as
    ``openai-harmony`` renders them in its developer message."""
    from openai_harmony import (
        Conversation,
        DeveloperContent,
        HarmonyEncodingName,
        Message,
        Role,
        SystemContent,
        ToolDescription,
        load_harmony_encoding,
    )

    from tokencost.tokenizers.chat.framing import render

    encoding = load_harmony_encoding(HarmonyEncodingName.HARMONY_GPT_OSS)
    seen, same = set(), 0
    for line in path.read_text(encoding="utf-8").splitlines():
        pair = json.loads(line)
        if pair["vendor"] != "openai":
            continue
        try:
            request = parse_request(pair["request"])
        except InputError:
            continue
        if not request.tools or any(t.kind != "function" for t in request.tools):
            continue
        key = json.dumps([(t.name, t.description, t.parameters) for t in request.tools], sort_keys=True)
        if key in seen:
            continue
        seen.add(key)
        described = [
            ToolDescription.new(t.name, t.description, parameters=t.parameters) for t in request.tools
        ]
        conversation = Conversation.from_messages(
            [
                Message.from_role_and_content(Role.SYSTEM, SystemContent.new()),
                Message.from_role_and_content(
                    Role.DEVELOPER, DeveloperContent.new().with_function_tools(described)
                ),
            ]
        )
        text = encoding.decode(encoding.render_conversation(conversation))
        theirs = text[text.index("# Tools") : text.index("} // namespace functions") + 24]
        same += theirs == render.openai_tools(request.tools)
    return f"namespace functions rendering identical to openai-harmony on {same} of {len(seen)} tool lists"


def _gemma3_rows(argv: list[str], path: Path) -> list[dict]:
    """The Gemini pairs of ``path`` with their text counted by Gemma 3's tokenizer (``--gemma3=PATH``, else
    ``GEMMA3_JSON``), as rows of the ``EXACT_TEXT`` generations; none without the file."""
    named = [a.split("=", 1)[1] for a in argv if a.startswith("--gemma3=")]
    source = Path(named[0]) if named else GEMMA3_JSON
    return load(path, reference=_gemma3_counter(str(source)))[0] if source.is_file() else []


def _seed_exact(data: dict) -> None:
    """Add each Gemini generation's ``EXACT_TEXT`` twin to ``data`` (what its text is), if it is not there."""
    for gen in [g for g in data["generations"] if g.startswith("gemini") and EXACT_TEXT not in g]:
        twin = data["generations"].setdefault(
            gen + EXACT_TEXT, {"coef": dict(data["generations"][gen]["coef"])}
        )
        about = ABOUT.get(gen) or dict(SEEDED).get(gen, ("", ""))[1]
        twin["about"] = (
            f"{about} Text counted with Gemma 3's tokenizer (a verified local copy: TOKENCOST_GEMMA3_TOKENIZER or "
            f"the Hugging Face cache), the constants fitted on that exact text."
        ).strip()


def main(argv: list[str]) -> int:
    do_fit = "--fit" in argv
    paths = [a for a in argv if not a.startswith("--")]
    path = Path(paths[0]) if paths else PAIRS
    rows, dropped = load(path)
    exact_rows = _gemma3_rows(argv, path)
    if do_fit and not exact_rows:
        sys.exit(f"--fit needs Gemma 3's tokenizer.json (the Gemini {EXACT_TEXT} constants): --gemma3=PATH")
    rows += exact_rows
    fit_sources = FIT
    if "--swap" in argv:  # the other way round, as a check of the split (refits, never writes)
        fit_sources = frozenset({r["source"] for r in rows}) - FIT
        do_fit = False
    fit_rows = [
        r
        for r in rows
        if r["source"] in fit_sources and r["kind"] not in ("signed (unknown)", RETIRED) and not misplaced(r)
    ]
    held = [r for r in rows if r["source"] not in fit_sources]
    data = json.loads(DATA.read_text(encoding="utf-8"))
    for gen, (parent, about) in SEEDED.items():
        if gen not in data["generations"]:
            data["generations"][gen] = {"coef": dict(data["generations"][parent]["coef"]), "about": about}
    if exact_rows:
        _seed_exact(data)
    if "--swap" in argv:
        for gen, spec in data["generations"].items():
            spec["coef"] = fit([r for r in fit_rows if r["gen"] == gen], gen, spec["coef"])
    only = [a.split("=", 1)[1] for a in argv if a.startswith("--only=")]  # refit these generations alone
    if do_fit:  # parents first: a generation takes what its fit rows do not measure from its parent
        ordered = sorted(data["generations"], key=lambda g: g in INHERITED)
        for gen in ordered:
            spec = data["generations"][gen]
            if (not only or gen in only) and gen not in DERIVED:
                start = _start(gen, spec["coef"], data["generations"])
                spec["coef"] = fit([r for r in fit_rows if r["gen"] == gen], gen, start, _pool(fit_rows, gen))
        for gen, about in ABOUT.items():
            data["generations"][gen]["about"] = about
        for gen, (parent, zeroed, about) in DERIVED.items():
            if not only or gen in only or parent in only:
                coef = {k: (0 if k in zeroed else v) for k, v in data["generations"][parent]["coef"].items()}
                data["generations"][gen] = {**data["generations"].get(gen, {}), "coef": coef, "about": about}
    bands = text_bands(fit_rows, data)
    lines, p90s = table(held, data, bands)
    fit_lines, _ = table(fit_rows, data)
    twins = sum(
        r["gen"].endswith(EXACT_TEXT) for r in held
    )  # Gemini's requests again, counted with Gemma 3's
    print(
        f"held out ({len(held) - twins} requests from {sorted({r['source'] for r in held})}; gemini/gemma3: "
        f"the {twins} Gemini ones again, their text counted with Gemma 3's tokenizer):"
    )
    print("\n".join(lines))
    described = ", ".join(f"{vendor} {band:.1%}" for vendor, band in sorted(bands.items()))
    print(f"(beyond text: |error| past the text estimate's own p90 error on plain fit requests: {described})")
    fit_n = sum(not r["gen"].endswith(EXACT_TEXT) for r in fit_rows)
    print(
        f"\nfit set ({fit_n} requests from {sorted(fit_sources)}, and their Gemini ones counted with Gemma 3's):"
    )
    print("\n".join(fit_lines))
    print(f"\nleft out: {dropped}")
    old = [r for r in rows if r["kind"] == RETIRED]
    if old:
        exact = sum(
            predict(r, data["generations"][r["gen"]]["coef"]) + retired_rule(r) == r["billed"] for r in old
        )
        print(
            f"{RETIRED}: {exact} of {len(old)} requests exact with today's count + {_RETIRED_REQUEST} a request "
            f"+ {_MULTI_TOOL_USE} (multi_tool_use) with parallel tool calls"
        )
    if "--harmony" in argv:
        print(harmony_check(path))
    if do_fit:
        held_gens = {r["gen"] for r in held}
        # a generation never held out: its fit set's p90 over every kind (one or two rows a kind fit exactly)
        p90s.update(
            {k: v for k, v in table(fit_rows, data)[1].items() if k not in held_gens and "/" not in k}
        )
        for gen in {r["gen"] for r in fit_rows} - held_gens:
            data["generations"][gen].pop("error_p90_by_kind", None)
        for key, p90 in p90s.items():
            gen, _, kind = key.partition("/")
            if only and gen not in only and not (gen in DERIVED and DERIVED[gen][0] in only):
                continue
            if kind:
                data["generations"][gen].setdefault("error_p90_by_kind", {})[kind] = p90
            else:
                data["generations"][gen]["error_p90"] = p90
        data["recordings"] = {**data.get("recordings", {}), **RECORDINGS}
        data["fit_sources"] = sorted(FIT)
        data["held_out"] = {"sources": sorted({r["source"] for r in held}), "table": lines}
        DATA.write_text(json.dumps(data, indent=1, ensure_ascii=False) + "\n", encoding="utf-8")
    return 0


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))
