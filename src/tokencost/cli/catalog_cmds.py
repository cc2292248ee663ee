"""``tokencost models`` and ``tokencost prices``: browse the price catalog."""

from __future__ import annotations

import datetime as dt

import click

from tokencost.cli._common import DATE, echo_output, format_option, loose_match_notice, pricing_option
from tokencost.errors import InputError
from tokencost.pricing.catalog import load_catalog
from tokencost.pricing.schema import Capability
from tokencost.pricing.views import model_summary, price_rows, prices_document
from tokencost.render.tabular import render_rows

MODEL_COLUMNS = [
    ("id", "model"),
    ("provider", "provider"),
    ("currency", "cur"),
    ("input", "input/M"),
    ("output", "output/M"),
    ("cache_read", "cache read/M"),
    ("context_window", "context"),
    ("tokenizer", "tokenizer"),
    ("flags", "notes"),
]


@click.command(epilog="Example: tokencost models --vendor deepseek --capability tools --format markdown")
@click.option(
    "--vendor", multiple=True, help="Provider or creator id (repeatable), e.g. openai, deepseek, openrouter."
)
@click.option("--search", metavar="TEXT", help="Only models whose id, name or alias contains TEXT.")
@click.option(
    "--capability",
    multiple=True,
    type=click.Choice([c.value for c in Capability]),
    help="Only models with this capability (repeatable: all must match).",
)
@click.option("--all-modes", is_flag=True, help="Include embedding, image and other non-chat models.")
@click.option(
    "--resolve",
    "resolve_id",
    metavar="ID",
    help="Explain which card a model id (as a log writes it) resolves to: each rule, the card, alternatives.",
)
@click.option(
    "--provider",
    "host",
    metavar="HOST",
    help="With --resolve: the host the record names (openrouter, bedrock, together_ai, ollama...).",
)
@format_option()
@pricing_option
def models(vendor, search, capability, all_modes, resolve_id, host, fmt, pricing_dirs) -> None:
    """List the models in the price catalog (prices per million tokens, in each sheet's currency)."""
    catalog = load_catalog(pricing_dirs)
    if resolve_id is not None:
        _check_host(catalog, host)
        _resolve(catalog, resolve_id, host, fmt)
        return
    if host is not None:
        raise InputError("--provider goes with --resolve ID", "to list a provider's models use --vendor")
    catalog.check_vendors(vendor, "--vendor")
    entries = catalog.select(
        vendor=vendor, search=search, capabilities=capability, mode=None if all_modes else "chat"
    )
    entries.sort(key=lambda e: (e.provider.id, e.id))
    if not entries:
        raise InputError("no model matches those filters", "try fewer filters or `tokencost models` for all")
    rows = [model_summary(entry) for entry in entries]
    document = {"schema": "tokencost.models/1", "count": len(rows), "models": rows}
    echo_output(render_rows(rows, MODEL_COLUMNS, fmt, json_document=document))


@click.command(epilog="Example: tokencost prices claude-opus-4.6 --at 2026-02-20")
@click.argument("model")
@click.option(
    "--at", "at", type=DATE, help="Show the prices in force on this date (YYYY-MM-DD) from the history."
)
@format_option()
@pricing_option
def prices(model: str, at: dt.date | None, fmt: str, pricing_dirs) -> None:
    """Every price of MODEL (tiers, variants, windows, history), its source, checked date and file."""
    entry = load_catalog(pricing_dirs).get(model)
    notice = loose_match_notice(model, entry)
    if notice:
        click.echo(f"notice: {notice}", err=True)
    document = prices_document(entry, at)
    if fmt == "json":
        echo_output(render_rows([], [], "json", json_document=document))
        return
    rows = price_rows(entry, at)
    columns = [("card", "card"), ("component", "component"), ("price", "price"), ("unit", "unit")]
    header = _prices_header(document)
    if fmt == "csv":
        # CSV has no header lines to say the currency, so every row carries it
        rows = [{**row, "currency": entry.currency} for row in rows]
        columns = [*columns[:3], ("currency", "currency"), columns[3]]
    body = render_rows(rows, columns, fmt)
    if fmt == "markdown":
        echo_output("\n".join(f"- {line}" for line in header) + "\n\n" + body)
    elif fmt == "csv":
        echo_output(body)
    else:
        echo_output("\n".join(header) + "\n\n" + body)


def _prices_header(document: dict) -> list[str]:
    lines = [
        f"{document['name']} ({document['id']}) from {document['provider']['name']}, prices in {document['currency']}",
        f"source: {document['source'] or 'not given'}; checked {document['checked']}",
        f"file: {document['file']} ({document['layer']})",
    ]
    if document.get("overrides"):
        lines.append(f"overrides: {document['overrides']}")
    if document.get("aliases"):
        lines.append("aliases: " + ", ".join(document["aliases"]))
    lines.append(
        f"tokenizer: {document['tokenizer']}; context: {document.get('context_window') or 'unknown'}"
    )
    if document.get("lifecycle"):
        lines.append(str(document["lifecycle"]))
    if document.get("at"):
        lines.append(f"prices in force on {document['at']}")
    return lines


def _check_host(catalog, host: str | None) -> None:
    """A host typo on the command line is an input error with suggestions, never "no card of that host"."""
    from tokencost.pricing.hosts import unknown_host

    hint = None if host is None else unknown_host(host, catalog.providers())
    if hint is not None:
        raise InputError(f"--provider: unknown host {host!r}", hint)


def _resolve(catalog, logged_id: str, host: str | None, fmt: str) -> None:
    """``models --resolve``: the chain as text (or JSON); exit 2 when the id resolves to no card."""
    found = catalog.resolve(logged_id, host=host)
    if fmt == "json":
        document = {"schema": "tokencost.resolve/1", **found.to_document()}
        echo_output(render_rows([], [], "json", json_document=document))
    else:
        echo_output(found.explain())
    if found.entry is None and not found.self_hosted:
        what = "is ambiguous" if found.ambiguous else "resolves to no card"
        raise InputError(f"model {logged_id!r} {what}", "see the chain above")
