"""``tokencost pricing update``: propose (and with --write apply) a reviewed update of the price sheets."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import click

from tokencost.cli._common import DATE, echo_output
from tokencost.errors import InputError


@click.command(
    "update",
    short_help="Propose price changes and new models from a reference, as a diff of the sheets.",
    epilog="Example: tokencost pricing update --from genai-prices genai_prices-0.2.5-py3-none-any.whl "
    "--provider google > update.diff",
)
@click.argument("file", type=click.Path(dir_okay=True))
@click.option(
    "--from", "source", type=click.Choice(("litellm", "genai-prices", "openrouter")), required=True,
    help="Format of FILE.",
)  # fmt: skip
@click.option("--provider", "providers", multiple=True, metavar="ID", help="Only this provider; repeatable.")
@click.option(
    "--model", "only", multiple=True, metavar="ID",
    help="Only the change or new model with this id (after reviewing the full proposal); repeatable. "
    "'none' keeps no change (e.g. with --mark-checked alone); an id in neither the sheets nor FILE is an error.",
)  # fmt: skip
@click.option(
    "--effective", type=DATE, default=None,
    help="First day of a changed price (default: the reference's own date for the card, else today).",
)  # fmt: skip
@click.option("--checked", type=DATE, default=None, help="The day of the check (default: today).")
@click.option(
    "--sheets", "directory", type=click.Path(file_okay=False), default=None, metavar="DIR",
    help="The sheets to update (default: the bundled pricing/ directory of a source checkout).",
)  # fmt: skip
@click.option(
    "--mark-checked", is_flag=True,
    help="Also set checked: DATE on every model that matches the reference with no new disagreement.",
)  # fmt: skip
@click.option("--write", is_flag=True, help="Rewrite the sheets (atomically, only if they still validate).")
@click.option(
    "--accept-large", is_flag=True,
    help="Also apply moves over 5x either way or to/from 0 (likely unit errors, held back by default).",
)  # fmt: skip
def update_cmd(
    file, source, providers, only, effective, checked, directory, mark_checked, write, accept_large
) -> None:
    """Compare the sheets with a reference and propose the update as a unified diff of the YAML.

    A changed price becomes a new current card from its effective date, and the old card moves to
    history; a model of a provider and vendor family we carry that the reference has and we lack is
    added with its source and checked date; models the reference no longer lists are named, never
    deleted. Disagreements recorded in a model's reference_checks are left alone. Without --write nothing
    changes; with it the sheets are rewritten keeping comments, key order and layout, and only if the
    result passes `pricing validate`."""
    from tokencost.cli.pricing_import import _load_reference
    from tokencost.pricing.update_run import bundled_directory, propose
    from tokencost.pricing.update_run import write as write_sheets

    today = checked or dt.date.today()
    target = Path(directory) if directory else bundled_directory()
    if target is None:
        raise InputError("the bundled sheets are not a directory on disk here; pass --sheets DIR")
    result = _load_reference(source, file, today, tuple(providers))
    proposal = propose(
        target, result, source=source, today=today, effective=effective, providers=tuple(providers),
        accept_large=accept_large, only=tuple(only), mark_checked=mark_checked,
    )  # fmt: skip
    echo_output(proposal.unified_diff())
    plan = proposal.plan
    for change in plan.held:
        click.echo(f"held back (pass --accept-large if right): {change.describe()}: {change.held}", err=True)
    for model_id, provider in plan.gone:
        click.echo(f"not in the reference (kept): {model_id} ({provider})", err=True)
    for fill in plan.history:
        dates = ", ".join(str(c.effective_from or "the start") for c in fill.cards)
        click.echo(
            f"history from the reference: {fill.model_id}: {dates}, current from {fill.effective}", err=True
        )
    for model_id, _file, start in plan.started:
        click.echo(f"scheduled card now in force: {model_id} from {start}", err=True)
    for reason, count in sorted(plan.skipped_new.items()):
        click.echo(f"not added: {count} {reason}", err=True)
    click.echo(
        f"{plan.label}: {len(plan.changes)} price change(s), {len(plan.added)} new model(s), "
        f"{len(plan.held)} held back, {len(plan.gone)} not in the reference, "
        f"{len(plan.history)} history filled, {len(plan.started)} scheduled now in force"
        + (f", {len(plan.confirmed)} confirmed (checked {today})" if mark_checked else ""),
        err=True,
    )
    if write and proposal.texts:
        written = write_sheets(target, proposal)
        click.echo(f"wrote {len(written)} sheet(s) in {target}", err=True)
    elif proposal.texts:
        click.echo("nothing written (pass --write to apply)", err=True)
