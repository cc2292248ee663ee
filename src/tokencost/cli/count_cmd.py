"""``tokencost count``: token counts of files, directories or stdin, per tokenizer family.

Stays light on the ``--tokenizer`` path: no pydantic, no catalog (only ``--model`` needs the catalog).
"""

from __future__ import annotations

import sys
import time
from typing import Any

import click

from tokencost.cli._common import calibration_option, echo_output, format_option
from tokencost.cli.count_chat import count_messages, model_named, resolve_model
from tokencost.cli.engine_opt import engine_options, open_engine
from tokencost.cli.online_opt import go_online, online_option
from tokencost.errors import InputError
from tokencost.families import range_label

SCHEMA = "tokencost.count/1"
DEFAULT_FAMILY = "o200k_base"
_FORMATS = ("table", "json", "csv")


class Progress:
    """A one-line progress bar on stderr, only when stderr is a terminal and the work passes one second."""

    def __init__(self, total_bytes: int) -> None:
        self.total = max(total_bytes, 1)
        self.done = 0
        self.start = time.monotonic()
        self.enabled = sys.stderr.isatty()
        self.shown = False
        self._last = 0.0

    def __call__(self, nbytes: int) -> None:
        self.done += nbytes
        if not self.enabled:
            return
        now = time.monotonic()
        if now - self.start < 1.0 or now - self._last < 0.1:
            return
        self._last = now
        fraction = min(self.done / self.total, 1.0)
        width = 30
        filled = int(fraction * width)
        rate = self.done / max(now - self.start, 1e-9) / 1e6
        sys.stderr.write(f"\r[{'#' * filled}{'.' * (width - filled)}] {fraction:5.1%}  {rate:6.1f} MB/s")
        sys.stderr.flush()
        self.shown = True

    def close(self) -> None:
        if self.shown:
            sys.stderr.write("\r" + " " * 60 + "\r")
            sys.stderr.flush()


def _selections(
    models: tuple[str, ...], tokenizers: tuple[str, ...], all_families: bool
) -> list[tuple[str | None, str]]:
    """(model or None, family) pairs in the order asked."""
    if sum(bool(x) for x in (models, tokenizers, all_families)) > 1:
        raise InputError("give one of --model, --tokenizer or --all-families")
    if models:
        return [resolve_model(model) for model in models]
    if all_families:
        from tokencost.tokenizers.registry import family_ids

        return [(None, family) for family in family_ids()]
    from tokencost.tokenizers.registry import spec

    return [(None, spec(family).id) for family in (tokenizers or (DEFAULT_FAMILY,))]


def _unique(
    selections: list[tuple[str | None, str]], models: tuple[str, ...], notices: list[str]
) -> tuple[list[tuple[str | None, str]], list[str | None]]:
    """``selections`` without repeats (the same resolved model or family), with the model each was asked
    as (None without --model); a repeat is a notice."""
    unique: dict[tuple[str | None, str], str | None] = {}
    for selection, requested in zip(selections, models or [None] * len(selections), strict=True):
        if selection not in unique:
            unique[selection] = requested
        elif requested is None:
            notices.append(f"--tokenizer {selection[1]} given more than once: counted once")
        elif requested == selection[0]:
            notices.append(f"--model {requested} given more than once: counted once")
        else:
            notices.append(f"--model {requested} is {selection[0]}, already asked: counted once")
    return list(unique), list(unique.values())


@click.command(
    "count",
    epilog="Examples: tokencost count notes.md --tokenizer o200k_base; "
    "echo 你好 | tokencost count - --all-families; tokencost count src/ --include '*.py' --per-file",
)
@click.argument("paths", nargs=-1)
@click.option(
    "--model",
    "-m",
    "models",
    multiple=True,
    metavar="MODEL",
    help="Count with this catalog model's tokenizer. Repeatable.",
)
@click.option(
    "--tokenizer",
    "tokenizers",
    multiple=True,
    metavar="FAMILY",
    help="Tokenizer family (o200k_base, deepseek-v3, qwen3.5, claude, ..., huggingface:PATH, tiktoken:PATH). Repeatable.",
)
@click.option("--all-families", is_flag=True, help="Count with every registered family.")
@click.option(
    "--estimate", is_flag=True, help="Use the fitted estimator even where an exact tokenizer exists."
)
@click.option(
    "--messages",
    is_flag=True,
    help="Inputs are chat requests (JSON/JSONL) in any shape (OpenAI Chat Completions or Responses, "
    "Anthropic Messages, Gemini generateContent), counted as each model's vendor frames them (tools, tool "
    "results, schemas). Several requests (one per JSONL line, or a JSON list) are counted separately and summed.",
)
@click.option("--per-file", is_flag=True, help="One row per input file (and family).")
@click.option("--jobs", "-j", type=int, default=1, show_default=True, help="Worker processes (at least 1).")
@click.option("--quiet", "-q", is_flag=True, help="No progress bar.")
@click.option(
    "--include", multiple=True, metavar="GLOB", help="In directories, count only files matching GLOB."
)
@click.option(
    "--exclude", multiple=True, metavar="GLOB", help="In directories, skip files/directories matching GLOB."
)
@click.option(
    "--explain", is_flag=True, help="Break the text down by script with tokens per character per family."
)
@click.option(
    "--list-families", is_flag=True, help="List the tokenizer families, exact or estimate here, and exit."
)
@click.option(
    "--verbose", "-v", is_flag=True, help="Say which backend counted and why a faster one was not used."
)
@online_option
@engine_options
@format_option(_FORMATS)
@calibration_option
def count(
    paths: tuple[str, ...],
    models: tuple[str, ...],
    tokenizers: tuple[str, ...],
    all_families: bool,
    estimate: bool,
    messages: bool,
    per_file: bool,
    jobs: int,
    include: tuple[str, ...],
    exclude: tuple[str, ...],
    explain: bool,
    list_families: bool,
    verbose: bool,
    online: bool,
    engine: str,
    scheduler: str | None,
    fmt: str,
    quiet: bool = False,
) -> None:
    """Count tokens in PATHS (files, directories, or - for stdin), exactly where the tokenizer is available.

    Every result says whether it is exact or an estimate (with its typical error).
    """
    if list_families:
        _list_families(fmt)
        return
    _check_arguments(paths, jobs, explain, messages, per_file)
    from tokencost.inputs import collect

    collected = collect(paths, include, exclude)
    notices = list(collected.notices)
    if messages and not (models or tokenizers or all_families):
        models = model_named(collected.sources, notices)
    selections = _selections(models, tokenizers, all_families)
    selections, requested_models = _unique(selections, models, notices)
    keys = [(family, estimate) for _, family in selections]
    counters = _counters(selections, keys, estimate, online, notices)
    if online:
        jobs = 1  # one process talks to the endpoint (and its cache)
    if explain:
        for model, family in dict.fromkeys(selections):
            if model is not None:
                notices.append(f"--explain works per tokenizer: {model} is explained with {family}")
        from tokencost.cli.count_explain import explain

        explain(collected.sources, selections, counters, estimate, fmt, notices)
        return
    if messages:  # a chat is framed per model (GPT-5 otherwise than GPT-4o): one count per framing
        keys = _framing_keys(selections, estimate)
        for key in keys:
            counters.setdefault(key, counters[key[:2]])
        chat_models = dict(zip(keys, (model for model, _ in selections), strict=True))
        per_source = count_messages(
            collected.sources, list(dict.fromkeys(keys)), counters, notices, chat_models
        )
    else:
        per_source = _count_files(collected.sources, keys, jobs, online, engine, scheduler, notices, quiet)
    if verbose:
        notices += backend_notices(counters, per_source)
    if online:
        from tokencost.cli.online_opt import online_notices

        notices.extend(online_notices(counters))
    for notice in notices:
        click.echo(f"note: {notice}", err=True)
    results, rows = [], []
    for (model, _family), requested, key in zip(selections, requested_models, keys, strict=True):
        result = _family_result(model, requested, counters[key], key, per_source, messages, per_file)
        results.append(result)
        rows += _family_rows(model, counters[key], key, result, per_source, per_file)
    from tokencost.render.tabular import render_rows

    document = _document(results, per_source, notices)
    echo_output(render_rows(rows, _columns(per_file, bool(models), fmt), fmt, json_document=document))


def _check_arguments(
    paths: tuple[str, ...], jobs: int, explain: bool, messages: bool, per_file: bool
) -> None:
    if not paths:
        raise click.UsageError("give at least one PATH (a file, a directory, or - for stdin)")
    if jobs < 1:
        raise InputError(f"--jobs must be at least 1, got {jobs}")
    if explain and (messages or per_file):
        flag = "--messages" if messages else "--per-file"
        raise InputError(
            f"--explain breaks the whole text down by script: it does not take {flag} (count without --explain)"
        )


def _framing_keys(selections, estimate: bool) -> list[tuple]:
    """Per selection, the key of its chat count: (family, estimate), with the model's framing third when it
    frames chats otherwise than its family's default (``costing.framing_keys``)."""
    from tokencost.costing.framing_keys import framing_key

    keys = []
    for model, family in selections:
        framed = framing_key(model, family) if model else family
        keys.append((family, estimate) if framed == family else (family, estimate, framed))
    return keys


def _counters(selections, keys, estimate: bool, online: bool, notices: list[str]) -> dict:
    """One counter per (family, estimate); online counters with ``--online``; a notice for each family
    estimated because its exact tokenizer is not installed."""
    from tokencost.tokenizers import get_counter

    counters = {key: get_counter(*key) for key in keys}
    if online:
        counters = go_online(selections, counters, estimate, notices)
    by_hint: dict[str, list[str]] = {}  # families with one hint share one notice (gemini, gemma3)
    for key, counter in counters.items():
        if not counter.exact and not estimate:
            from tokencost.tokenizers.registry import install_hint

            hint = install_hint(key[0])
            if hint and key[0] not in by_hint.setdefault(hint, []):
                by_hint[hint].append(key[0])
    for hint, families in by_hint.items():
        notices.append(f"{', '.join(families)}: exact tokenizer not installed, estimating ({hint})")
    return counters


def _count_files(
    sources, keys, jobs: int, online: bool, engine: str, scheduler: str | None, notices: list[str],
    quiet: bool = False,
):  # fmt: skip
    """Count every source file with every counter (on the chosen engine), with a progress bar; notes on
    decoding and invalid bytes."""
    from tokencost.inputs import decoded_notice, invalid_notice
    from tokencost.tokenizers.files import count_sources

    if online and (engine != "local" or scheduler):
        raise InputError("--online counts in this process: it does not go with --engine dask")
    runner = open_engine(engine, jobs, scheduler)
    progress = Progress(sum(s.size or 0 for s in sources))
    progress.enabled = progress.enabled and not quiet
    try:
        per_source = count_sources(sources, keys, jobs=jobs, progress=progress, engine=runner)
    finally:
        progress.close()
        if runner is not None:
            runner.close()
    for item in per_source:
        if item.encoding != "utf-8":
            notices.append(decoded_notice(item.name, item.encoding))
        if item.invalid_bytes:
            notices.append(invalid_notice(item.name, item.invalid_bytes, item.encoding))
    return per_source


def _family_result(
    model: str | None, requested: str | None, counter, key, per_source, messages: bool, per_file: bool
) -> dict[str, Any]:
    """The JSON result of one family (or model): total, range, how it was counted, per file on request."""
    total = sum(item.tokens[key] for item in per_source)
    low, high = (sum(_bounds(item, key)[i] for item in per_source) for i in (0, 1))
    breakdown = _sum_breakdowns(per_source, key) if messages else None
    method = _method(counter, low, high, breakdown)
    result: dict[str, Any] = {}
    if model is not None:
        result["model"] = model
        if requested != model:
            result["requested"] = requested
    result.update(
        {
            "family": counter.family,
            "tokens": total,
            "low": low,
            "high": high,
            "exact": counter.exact,
            "method": method,
            "error_band": counter.error_band,
            "backend": _backend(counter, key, per_source),
        }
    )
    if breakdown is not None:
        result["messages"] = breakdown
    if per_file:
        result["files"] = [
            {
                "path": item.name,
                "tokens": item.tokens[key],
                "low": _bounds(item, key)[0],
                "high": _bounds(item, key)[1],
            }
            for item in per_source
        ]
    return result


def _method(counter, low: int, high: int, breakdown: dict[str, Any] | None) -> str:
    """How a count (a total or one file's) was made: the counter's method with that count's own range, and for
    a chat what of it is approximated and how it was framed."""
    from tokencost.tokenizers import with_range

    method = with_range(counter.method, counter.exact, low, high)
    if breakdown and breakdown["approximated"]:
        from tokencost.tokenizers.messages import APPROXIMATED

        method += f" (+{breakdown['approximated']} tokens approximated: {APPROXIMATED})"
    if breakdown:
        from tokencost.tokenizers.chat.framing import generation_note

        note = generation_note(breakdown["basis"])
        method += f"; {note}" if note else ""
    return method


def _family_rows(
    model: str | None, counter, key, result: dict, per_source, per_file: bool
) -> list[dict[str, Any]]:
    """The table rows of one family: one per file, or one in all; the kind says the count's whole range (a
    chat's framing error included), not only the tokenizer's band."""

    def kind(tokens: int, low: int, high: int, skipped: int = 0) -> str:
        label = range_label(counter.exact, tokens, low, high, counter.error_band)
        return label + (f", {skipped} part(s) not counted" if skipped else "")

    def skipped(item) -> int:  # a chat's images, audio, files: not in the count, whatever its range says
        breakdown = item.breakdown.get(key) if item.breakdown else None
        return breakdown.skipped_parts if breakdown is not None else 0

    base = {"model": model, "tokenizer": counter.family}
    if per_file:  # each file with its own range, never the total's
        chat = "messages" in result
        rows = []
        for item in per_source:
            low, high = _bounds(item, key)
            breakdown = _sum_breakdowns([item], key) if chat else None
            rows.append(
                {**base, "kind": kind(item.tokens[key], low, high, skipped(item)), "file": item.name,
                 "tokens": item.tokens[key], "low": low, "high": high, "characters": item.characters,
                 "method": _method(counter, low, high, breakdown)}
            )  # fmt: skip
        return rows
    chars = sum(item.characters for item in per_source)
    total = result["tokens"]
    row_kind = kind(total, result["low"], result["high"], sum(skipped(item) for item in per_source))
    return [
        {**base, "kind": row_kind, "file": None, "tokens": total, "low": result["low"], "high": result["high"],
         "characters": chars, "method": result["method"]}
    ]  # fmt: skip


def _document(results: list[dict[str, Any]], per_source, notices: list[str]) -> dict[str, Any]:
    """The ``tokencost.count/1`` document: every result under ``results`` (one shape for scripts however
    many models or families were asked), and a single one also inline, as it always was."""
    document: dict[str, Any] = {"schema": SCHEMA}
    if len(results) == 1:
        document.update(results[0])
    document["results"] = results
    document["inputs"] = [item.name for item in per_source]
    document["characters"] = sum(item.characters for item in per_source)
    document["bytes"] = sum(item.bytes for item in per_source)
    document["notices"] = notices
    return document


def _columns(per_file: bool, models: bool, fmt: str) -> list[tuple[str, str]]:
    columns = []
    if per_file:
        columns.append(("file", "file"))
    if models:
        columns.append(("model", "model"))
    columns += [("tokenizer", "tokenizer"), ("tokens", "tokens"), ("kind", "exact/estimate")]
    if fmt != "table":
        columns += [("low", "low"), ("high", "high"), ("characters", "characters"), ("method", "method")]
    return columns


def backend_notices(counters: dict, per_source) -> list[str]:
    """``--verbose``: which backend counted each family (as the processes that counted report it), and why a
    faster one was not used."""
    from tokencost.tokenizers import engine_name
    from tokencost.tokenizers.backends import notices

    said = {}
    for key, counter in counters.items():
        name = _backend(counter, key, per_source) or "estimator"
        if name == "python-bpe":  # named as --list-families names the engine of longer texts
            name += f" (short texts; {engine_name(counter.family)} counts longer ones, the same counts)"
        said.setdefault(counter.family, name)
    return [*(f"{family} counted by {name}" for family, name in said.items()), *notices()]


def _list_families(fmt: str) -> None:
    from tokencost.render.tabular import render_rows
    from tokencost.tokenizers import families

    rows = [
        {
            "id": info.id,
            "exact": info.exact_available,
            "kind": "exact" if info.exact_available else "estimate",
            "backend": info.backend,
            "backend_note": info.backend_note,
            "shown_backend": f"{info.backend} ({info.backend_note})" if info.backend_note else info.backend,
            "description": info.description,
            "install_hint": info.install_hint,
        }
        for info in families()
    ]
    columns = [
        ("id", "family"),
        ("kind", "here"),
        ("shown_backend", "backend"),
        ("description", "description"),
    ]
    if fmt != "table":
        columns[2:3] = [("backend", "backend"), ("backend_note", "backend_note")]
        columns.append(("install_hint", "install_hint"))
    listed = [{k: v for k, v in row.items() if k != "shown_backend"} for row in rows]
    document = {"schema": "tokencost.families/1", "families": listed}
    output = render_rows(rows, columns, fmt, json_document=document)
    if fmt == "table":
        if any(row["backend"] in ("rs-bpe", "tiktoken") for row in rows):
            output += "  backend: what counts a long text (--verbose names what counted); python-bpe counts short ones\n"
        hints = sorted({row["install_hint"] for row in rows if row["install_hint"] and not row["exact"]})
        output += "".join(f"  to make more exact: {hint}\n" for hint in hints)
    echo_output(output)


def _sum_breakdowns(per_source, key) -> dict[str, Any]:
    names = ("content", "overhead", "tools", "response_format", "messages", "requests", "approximated")
    names += ("exact", "estimated", "error", "unknown_parts", "skipped_parts")
    total: dict[str, Any] = dict.fromkeys(names, 0)
    total["basis"] = None
    total["per_request"] = []
    for item in per_source:
        breakdown = item.breakdown.get(key)
        if breakdown is None:
            continue
        for name in names:
            total[name] += getattr(breakdown, name)
        total["basis"] = breakdown.basis
        total["per_request"].extend({"source": item.name, **r.as_dict()} for r in breakdown.per_request)
    return total


def _bounds(item, key) -> tuple[int, int]:
    """``(low, high)`` of one source's count: its band when estimated, the count itself when exact."""
    low, high = item.ranges.get(key, (item.tokens[key], item.tokens[key]))
    return low, high


def _backend(counter, key, per_source) -> str | None:
    """What counted ``key``'s partitions, as the processes that ran them report it (Dask workers included):
    the native engine (``rs-bpe``, ``tiktoken``); ``python-bpe`` only when every text was short enough for the
    pure-Python path a process takes before it builds one (the same counts)."""
    names = {name for item in per_source for name in item.backends.get(key, ())}
    native = sorted(names - {"python-bpe"})
    if native:
        return ", ".join(native)
    return "python-bpe" if names else getattr(counter, "backend", None)
