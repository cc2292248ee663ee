"""``tokencost pricing ...``: validate sheets, print the schema, import and diff reference data."""

from __future__ import annotations

import json

import click

from tokencost.cli import COMMAND_HELP, LazyGroup
from tokencost.cli._common import echo_output

PRICING_COMMANDS = {
    "validate": "tokencost.cli.pricing_cmds:validate_cmd",
    "schema": "tokencost.cli.pricing_cmds:schema_cmd",
    "import": "tokencost.cli.pricing_import:import_group",
    "diff": "tokencost.cli.pricing_import:diff_cmd",
    "update": "tokencost.cli.pricing_update:update_cmd",
}


@click.group(
    cls=LazyGroup,
    lazy=PRICING_COMMANDS,
    help=COMMAND_HELP["pricing"],
    epilog="Example: tokencost pricing diff litellm-1.110.2-*.whl --from litellm --fail-on-new",
)
def pricing() -> None:
    """Validate, import, diff and update price sheets."""


@click.command(
    "validate",
    short_help="Validate price sheets (bundled, or PATHs layered over them).",
    epilog="Example: tokencost pricing validate my-prices/ --max-age 30",
)
@click.argument("paths", nargs=-1, type=click.Path())
@click.option(
    "--max-age",
    default=90,
    show_default=True,
    metavar="DAYS",
    help="Warn when a sheet was checked longer ago.",
)
@click.option("--quiet", "-q", is_flag=True, help="Print problems only.")
def validate_cmd(paths, max_age: int, quiet: bool) -> None:
    """Validate the bundled sheets (and $TOKENCOST_PRICING), or the sheets at PATHS layered over them.

    PATHS are checked exactly as `--pricing PATH...` loads them: in order over the bundled catalog and
    $TOKENCOST_PRICING, a later path overriding an earlier one, with the same clash rules. Exits 0 when
    valid (stale sheets only warn), 2 with `Error:` and one line per problem otherwise."""
    from pathlib import Path

    from tokencost.pricing.validate import validate

    report = validate([Path(p) for p in paths], max_age_days=max_age)
    for warning in report.warnings:
        click.echo(f"warning: {warning}", err=True)
    if not report.ok:  # the standard `Error:` line, every problem listed (one per line after the first)
        from tokencost.errors import PricingError

        raise PricingError(report.errors)
    if not quiet:
        layered = " (layered over the bundled catalog)" if paths else ""
        click.echo(f"ok: {report.models} models in {report.files} sheet(s){layered}")


@click.command(
    "schema",
    short_help="Print the JSON Schema of a price sheet.",
    epilog="Example: tokencost pricing schema > pricing/schema.json",
)
def schema_cmd() -> None:
    """Print the JSON Schema of a price sheet (the file shipped as pricing/schema.json)."""
    from tokencost.pricing.schema import sheet_json_schema

    echo_output(json.dumps(sheet_json_schema(), indent=2) + "\n")
