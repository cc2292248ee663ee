"""``tokencost estimate``: what a prompt costs on each model, cheapest first."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal, InvalidOperation

import click

from tokencost.cli._common import DATE, calibration_option, echo_output, format_option, pricing_option
from tokencost.cli.online_opt import online_option
from tokencost.currency import is_currency
from tokencost.errors import InputError, TokencostError
from tokencost.families import accuracy_label, range_label
from tokencost.fx import parse_overrides
from tokencost.pricing.resolve import parse_model_map

COLUMNS = [
    ("rank", "#"),
    ("model", "model"),
    ("provider", "provider"),
    ("tokenizer", "tokenizer"),
    ("input_tokens", "input tok"),
    ("output_tokens", "output tok"),
    ("input_cost", "input cost"),
    ("output_cost", "output cost"),
    ("total", "total"),
    ("times_cheapest", "x cheapest"),
]

MAX_PROMPT_BYTES = 64 * 1024 * 1024


def _decimal(value: str | None, name: str) -> Decimal | None:
    if value is None:
        return None
    try:
        number = Decimal(value)
    except InvalidOperation:
        raise InputError(f"{name} {value!r} is not a number") from None
    if not number.is_finite():
        raise InputError(f"{name} must be a finite number")
    return number


def read_inputs(paths: tuple[str, ...]) -> tuple[list, list[str]]:
    """The inputs' texts (``inputs.TextInput``) and notices, read as ``tokencost count`` reads them
    (``inputs.collect``, then ``inputs.read_input``): UTF-8, or UTF-16/UTF-32 with a byte-order mark (decoded,
    with a notice); invalid bytes replaced with U+FFFD and counted in a notice; binary data refused; ``-`` is
    stdin (at most once); the same file given twice is read once (with a notice). A directory is refused (a
    prompt is files, not a tree), and so is more than MAX_PROMPT_BYTES."""
    from tokencost.inputs import collect, read_input

    collected = collect(paths, directories=False)
    reads = [read_input(source, max_bytes=MAX_PROMPT_BYTES) for source in collected.sources]
    notices = [notice for read in reads for notice in read.notices] + collected.notices
    return reads, notices


def read_prompt(paths: tuple[str, ...]) -> tuple[str, list[str]]:
    """The prompt text, the files joined with a blank line between them, and the reading notices (one for
    each file that reads as a chat request: priced as plain text unless ``--messages`` is given)."""
    from tokencost.inputs import display_name
    from tokencost.tokenizers.messages import looks_like_chat

    reads, notices = read_inputs(paths)
    for read in reads:
        if looks_like_chat(read.text):
            notices.append(
                f"{display_name(read.name)} reads as a chat request: priced as plain text, JSON and all; "
                "add --messages to price it as the request each vendor would bill"
            )
    return "\n\n".join(read.text for read in reads), notices


def read_messages(paths: tuple[str, ...]) -> tuple[list, list[str]]:
    """The chat requests (OpenAI format, JSON or JSONL) of every input, and the reading notices."""
    from tokencost.inputs import display_name
    from tokencost.tokenizers.messages import parse_requests

    reads, notices = read_inputs(paths)
    requests = [r for read in reads for r in parse_requests(read.text, display_name(read.name))]
    if not any(r.normalised().messages for r in requests):
        names = ", ".join(display_name(read.name) for read in reads)
        raise InputError(
            f"{names}: no chat messages to price (expected a chat request: messages, input or contents)"
        )
    return requests, notices


@click.command(
    epilog="""Examples:

\b
  tokencost estimate examples/prompts/zh.txt
  tokencost estimate prompt.txt --model gpt-5 --model deepseek-v3.2 --output-tokens 800
  cat prompt.txt | tokencost estimate - --vendor deepseek --currency CNY --format json
  tokencost estimate prompt.txt --model claude-opus-4.6 --model minimax-m2.5 --at 2026-02-20
"""
)
@click.argument("paths", nargs=-1, required=True)
@click.option(
    "--model", "-m", "models", multiple=True, metavar="MODEL", help="Model id or alias (repeatable)."
)
@click.option(
    "--vendor",
    "vendors",
    multiple=True,
    metavar="V",
    help="Every chat model a provider makes or serves, hosts reselling its models included (repeatable); "
    "with --model, each named model must be one of them.",
)
@click.option("--all", "all_models", is_flag=True, help="Every chat model in the catalog.")
@click.option("--output-tokens", type=click.IntRange(min=0), help="Output tokens per request on every model.")
@click.option("--output-ratio", metavar="R", help="Output = R x each model's input tokens (default 0.25).")
@click.option(
    "--cached-ratio",
    default="0",
    show_default=True,
    metavar="R",
    help="Share of input read from cache (0-1).",
)
@click.option(
    "--requests", default=1, show_default=True, type=click.IntRange(min=1), help="Number of requests."
)
@click.option("--batch", is_flag=True, help="Use batch prices where published.")
@click.option("--at", type=DATE, help="Price with the prices in force on this date (YYYY-MM-DD).")
@click.option(
    "--time",
    "at_time",
    metavar="HH:MM",
    help="Time of day (UTC) the requests are sent, for off-peak windows.",
)
@click.option("--currency", metavar="CODE", help="Show every cost in this currency (e.g. USD, CNY).")
@click.option(
    "--fx", multiple=True, metavar="CODE=RATE", help="Exchange rate override, units per 1 USD (e.g. CNY=7.1)."
)
@click.option(
    "--estimate",
    "estimate_only",
    is_flag=True,
    help="Use the fitted estimators even where an exact tokenizer exists.",
)
@click.option(
    "--messages",
    is_flag=True,
    help="Input is chat JSON/JSONL in any request shape (OpenAI, Anthropic, Gemini), counted with each "
    "vendor's framing; several requests: their mean.",
)
@click.option(
    "--map",
    "model_map",
    multiple=True,
    metavar="LOGGED=CATALOG",
    help="Price a name (an Azure deployment, an in-house alias) as a catalog model (repeatable).",
)
@online_option
@format_option()
@pricing_option
@calibration_option
def estimate(
    paths, models, vendors, all_models, output_tokens, output_ratio, cached_ratio, requests, batch,
    at: dt.date | None, at_time, currency, fx, estimate_only, messages, model_map, online, fmt, pricing_dirs,
) -> None:  # fmt: skip
    """Tokens and cost of a prompt on each model, cheapest first.

    Models: --model, or every model a --vendor sells (retired ones included, each noted), else each major
    vendor's current model per size class on the date priced (--at, else today), never a retired one
    (--all: every chat model).

    Each model is priced on its own tokenizer's count of the prompt (exact where the tokenizer is available
    offline, a measured estimate otherwise; the tokenizer column says which).

    PATHS are text files, or - for stdin: UTF-8, or UTF-16/UTF-32 with a byte-order mark. Several files are
    joined into one prompt with a blank line between files, which counts as tokens (so the total can be a
    token or two above the sum of `tokencost count` per file). The same file given twice is read once.

    With --messages, PATHS are chat files; a file of several requests (or several files) is priced as the
    mean request, one sample per request as `tokencost plan` takes them (JSON: requests_in_file).
    """
    from tokencost.costing.prompt_estimate import estimate as run_estimate

    if currency is not None:
        currency = currency.upper()
        if not is_currency(currency):
            raise InputError(f"--currency {currency!r} is not an ISO 4217 code (e.g. USD, CNY, EUR)")
    # checked here too so that the messages name the flags (the library names its parameters)
    ratio, cached = _decimal(output_ratio, "--output-ratio"), _decimal(cached_ratio, "--cached-ratio")
    if output_tokens is not None and ratio is not None:
        raise InputError("give --output-tokens or --output-ratio, not both")
    if ratio is not None and ratio < 0:
        raise InputError(f"--output-ratio cannot be negative, got {output_ratio}")
    if cached is not None and not (0 <= cached <= 1):
        raise InputError(f"--cached-ratio must be between 0 and 1, got {cached_ratio}")
    parse_overrides(fx)  # checked here so that errors name the flag
    mapping = parse_model_map(model_map)
    time_of_day = None
    if at_time is not None:
        try:
            time_of_day = dt.time.fromisoformat(at_time)
        except ValueError:
            raise InputError(f"--time {at_time!r}: expected HH:MM (UTC)") from None
    _check_vendors(vendors, pricing_dirs)
    source, read_notices = read_messages(paths) if messages else read_prompt(paths)
    if not messages and not source.strip():
        raise InputError("the prompt is empty: nothing to price")
    if online:
        from tokencost.cli.online_opt import install, refuse_estimate

        refuse_estimate(estimate_only)
        online_counters = install(models, pricing=pricing_dirs)
    result = run_estimate(
        source,
        models,
        vendors=vendors,
        all_models=all_models,
        output_tokens=output_tokens,
        output_ratio=ratio,
        cached_ratio=cached or Decimal(0),
        requests=requests,
        batch=batch,
        at=at,
        at_time=time_of_day,
        currency=currency,
        fx=fx,
        estimate_only=estimate_only,
        pricing=pricing_dirs,
        model_map=mapping,
    )
    result.notices[:0] = read_notices + _loose_notices(models, pricing_dirs)
    if messages and not (models or vendors or all_models):
        result.notices += _named_not_priced(source, result)
    if online:
        from tokencost.cli.online_opt import online_notices

        result.notices.extend(online_notices(online_counters))
    if fmt != "json":  # JSON carries them in "notices"
        for notice in result.notices:
            click.echo(f"notice: {notice}", err=True)
    echo_output(render(result, fmt))


def _named_not_priced(requests: list, result) -> list[str]:
    """The models the requests name that the default set left out: a notice each (add them with -m)."""
    from tokencost.pricing.catalog import load_catalog

    priced = {row.entry.id for row in result.rows}
    named = [m for m in dict.fromkeys(r.normalised().model for r in requests) if m]
    out = []
    for model in named:
        try:
            entry_id = load_catalog().get(model).id
        except TokencostError:
            continue
        if entry_id not in priced:
            out.append(
                f"the request names {model}, which is not in the default set: add -m {entry_id} to price it"
            )
    return out


def _check_vendors(vendors: tuple[str, ...], pricing_dirs) -> None:
    """Every --vendor is known (checked here too, as the library does, so that the error names the flag)."""
    if vendors:
        from tokencost.pricing.catalog import load_catalog

        load_catalog(pricing_dirs).check_vendors(vendors, "--vendor")


def _loose_notices(models: tuple[str, ...], pricing_dirs) -> list[str]:
    """Say which model each loosely matched --model name was taken as."""
    if not models:
        return []
    from tokencost.cli._common import loose_match_notices
    from tokencost.pricing.catalog import load_catalog

    return loose_match_notices(load_catalog(pricing_dirs), models)


def _uncertain_ranking(result) -> list[str]:
    """One line per run of neighbouring ranks whose cost ranges overlap: their order is not certain (a pair
    reads as ``plan`` says it). Every overlapping pair, neighbours or not, is in the JSON's ``uncertain_vs``."""
    from itertools import pairwise

    rows = result.rows
    runs: list[list] = []  # neighbours within one kind's ranking (ranks restart in each)
    for row, after in pairwise(rows):
        if after.entry.id not in row.uncertain_vs:
            continue
        if runs and runs[-1][-1] is row:
            runs[-1].append(after)
        else:
            runs.append([row, after])
    lines = []
    for run in runs:
        named = [f"#{row.rank} {row.entry.id}" for row in run]
        if len(named) == 2:
            lines.append(f"ranking not certain: {named[0]} and {named[1]} (their cost ranges overlap)")
        else:
            lines.append(
                f"ranking not certain from {named[0]} to {named[-1]}: each one's cost range overlaps the next's "
                f"({', '.join(named[1:-1])} between)"
            )
    if any(row.uncertain_vs for row in rows):
        lines.insert(
            0,
            "range: the total at the low and high bounds of an estimated count or of a chat's fitted framing "
            "(9 texts in 10 fall inside)",
        )
    return lines


def render(result, fmt: str) -> str:
    """Render an EstimateResult in ``fmt``."""
    from tokencost.costing.result import money_text, token_number
    from tokencost.render.money import cost_range
    from tokencost.render.money import money as money_display
    from tokencost.render.tabular import render_rows

    if fmt == "json":
        return render_rows([], [], "json", json_document=result.to_document())
    currency = result.currency
    rows = []
    for row in result.rows:
        money = (lambda v: money_display(v, currency)) if fmt != "csv" else money_text
        rows.append(
            {
                "rank": row.rank,
                "kind": row.kind,
                "model": row.entry.id,
                "provider": row.entry.provider.id,
                "tokenizer": f"{row.count.family} ({_accuracy(row.count)})",
                "input_tokens": row.input_tokens,
                "output_tokens": token_number(row.output_tokens),
                "input_cost": money(row.input_cost),
                "output_cost": money(row.output_cost),
                "total": money(row.total),
                "cost_low": money(row.cost_low),
                "cost_high": money(row.cost_high),
                "range": cost_range(row.cost_low, row.cost_high, money),
                "times_cheapest": (
                    row.times_cheapest
                    if fmt == "csv"
                    else ("free" if row.times_cheapest is None else f"{row.times_cheapest}x")
                ),
                "currency": currency,
                "requests": result.requests,
                "fits": "yes" if row.fits else "no",
                # the table shows each problem up to its explanation; the footer has it in full
                "problems": (
                    list(row.problems) if fmt == "csv" else "; ".join(p.split(" (")[0] for p in row.problems)
                ),
            }
        )
    columns = list(COLUMNS)
    if fmt == "csv":  # token counts are per request, costs are for all requests: say how many
        columns.insert(columns.index(("input_tokens", "input tok")), ("requests", "requests"))
        columns += [("cost_low", "cost_low"), ("cost_high", "cost_high")]
        columns += [("currency", "currency"), ("fits", "fits"), ("problems", "problems"), ("kind", "kind")]
        return render_rows(rows, columns, fmt)
    body = "\n".join(
        render_rows([r for r in rows if r["kind"] == kind], _kind_columns(result, kind), fmt, title=title)
        for kind, title in _sections(result)
    )
    footer = _footer(result)
    if fmt == "markdown":
        return body + "\n" + "\n".join(f"- {line}" for line in footer if line) + "\n"
    return body + "\n".join(footer) + "\n"


def _sections(result) -> list[tuple[str, str]]:
    """(kind, title) of each table: chat models under the usual title, each other kind (embedding models) in
    a section of its own that names it, ranked apart (``EstimateRow.kind``)."""
    per = f"Cost of {result.requests:,} requests" if result.requests > 1 else "Cost per request"
    kinds = list(dict.fromkeys(row.kind for row in result.rows))
    out = []
    for kind in kinds:
        if kind == "chat":
            out.append((kind, f"{per} in {result.currency}"))
            continue
        only = " (input tokens only)" if kind == "embedding" else ""
        apart = ", ranked apart" if "chat" in kinds else ""
        out.append((kind, f"{kind.capitalize()} models{only}{apart}: {per.lower()} in {result.currency}"))
    return out


def _kind_columns(result, kind: str) -> list[tuple[str, str]]:
    """The columns of one kind's table: a range column when a count there is an estimate, a problems column
    when a model there cannot take the request; no output columns for embedding models (input only)."""
    rows = [row for row in result.rows if row.kind == kind]
    columns = list(COLUMNS)
    if kind == "embedding":
        columns = [c for c in columns if c[0] not in ("output_tokens", "output_cost")]
    if any(row.cost_low != row.cost_high for row in rows):
        columns.insert(columns.index(("total", "total")) + 1, ("range", "total if counts are off"))
    if any(not row.fits for row in rows):
        columns.append(("problems", "cannot run"))
    return columns


def _footer(result) -> list[str]:
    """The lines under the table: assumptions, hints, misfits, uncertain ranking, notes, skipped models."""
    from tokencost.render.money import money as money_display

    currency = result.currency
    footer = ["", *(f"assumption: {a}" for a in result.assumptions)]
    if any(a.startswith("time of day not given") for a in result.assumptions):
        footer.append("hint: --time HH:MM (UTC) prices the requests at that time of day")
    if result.requests > 1 and result.rows:
        best = result.rows[0]
        footer.append(
            f"per request on {best.entry.id}: {money_display(best.total / result.requests, currency)}"
        )
    misfits = [row for row in result.rows if not row.fits]
    if misfits:
        footer.append(
            f"warning: {len(misfits)} model(s) cannot take this request and are ranked last "
            "(context window or maximum output too small)"
        )
        footer += [f"cannot run on {row.entry.id}: {problem}" for row in misfits for problem in row.problems]
    footer += _uncertain_ranking(result)
    notes = sorted({f"{row.entry.id}: {note}" for row in result.rows for note in row.all_notes})
    footer += [f"note: {n}" for n in notes]
    footer += [f"skipped {model}: {reason}" for model, reason in result.skipped]
    return footer


def _accuracy(count) -> str:
    """``exact``, ``est ±16%`` (``calibrated, est ±8%`` with a calibration file), or for an exact tokenizer's
    chat whose framing is fitted ``exact, framing ±5%`` (the count's bounds, from the framing's held-out error)."""
    if count.low is not None and count.high is not None:
        label = range_label(count.exact, count.tokens, count.low, count.high, count.error_band, short=True)
    else:
        label = accuracy_label(count.exact, count.error_band, short=True)
    return f"calibrated, {label}" if "(calibrated on " in (count.method or "") else label
