"""Options and helpers shared by the subcommands."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from pathlib import Path
from typing import Any

import click

from tokencost.render.tabular import FORMATS


def pricing_option(func: Callable[..., Any]) -> Callable[..., Any]:
    """``--pricing DIR`` (repeatable): extra sheets layered over the bundled ones, after TOKENCOST_PRICING."""
    return click.option(
        "--pricing",
        "pricing_dirs",
        multiple=True,
        metavar="DIR",
        type=click.Path(),
        help="Directory (or file) of extra price sheets; overrides bundled models with the same id. "
        "Repeatable; later wins. Also read from $TOKENCOST_PRICING.",
    )(func)


def map_option(func: Callable[..., Any]) -> Callable[..., Any]:
    """``--map LOGGED=CATALOG`` (repeatable): price a name (Azure deployment, in-house alias) as a model."""
    return click.option(
        "--map",
        "model_map",
        multiple=True,
        metavar="LOGGED=CATALOG",
        help="Price a name (an Azure deployment, an in-house alias) as a catalog model (repeatable).",
    )(func)


def format_option(
    choices: tuple[str, ...] = FORMATS, default: str = "table", help: str = "Output format."
) -> Callable[..., Any]:
    """``--format``."""
    return click.option(
        "--format",
        "fmt",
        type=click.Choice(choices),
        default=default,
        show_default=True,
        help=help,
    )


class DateType(click.ParamType):
    """A YYYY-MM-DD date."""

    name = "DATE"

    def convert(self, value: Any, param: click.Parameter | None, ctx: click.Context | None) -> dt.date:
        if isinstance(value, dt.date):
            return value
        try:
            return dt.date.fromisoformat(str(value))
        except ValueError:
            self.fail(f"{value!r} is not a date in YYYY-MM-DD form", param, ctx)


DATE = DateType()


def echo_output(text: str) -> None:
    """Write rendered output to stdout without adding a second trailing newline."""
    click.echo(text, nl=not text.endswith("\n"))


def _use_calibration(ctx: click.Context, param: click.Parameter, value: str | None) -> None:
    if value is not None:
        from tokencost.tokenizers.calibrated import use_file

        use_file(value)


#: ``--calibration FILE``: estimates of closed tokenizers corrected with billed counts (``tokencost calibrate``)
calibration_option = click.option(
    "--calibration",
    metavar="FILE",
    expose_value=False,
    is_eager=True,
    callback=_use_calibration,
    help="Calibration file from `tokencost calibrate` (default: ~/.config/tokencost/calibration.yaml when it "
    "exists, or $TOKENCOST_CALIBRATION; empty disables).",
)


def loose_match_notice(name: str, entry: Any) -> str | None:
    """A notice when ``name`` matched ``entry`` only loosely (not its id, an alias, or ``provider/name``):
    ``gpt5`` taken as ``gpt-5`` should be said, not done silently."""
    key = name.strip().casefold()
    names = {entry.id.casefold(), *(a.casefold() for a in entry.model.aliases)}
    if key in names or ("/" in key and key.split("/", 1)[1] in names):
        return None
    return f"model {name!r} is not an id or alias; taken as {entry.id} (a loose match: name it exactly to be sure)"


def loose_match_notices(catalog: Any, names: Any) -> list[str]:
    """``loose_match_notice`` for every name the catalog resolves (unknown names are reported elsewhere)."""
    out = []
    for name in dict.fromkeys(names):
        entry = catalog.find(name)
        mapped = entry is not None and getattr(entry.resolution, "resolved_by", None) == "map"
        notice = loose_match_notice(name, entry) if entry is not None and not mapped else None
        if notice:
            out.append(notice)
    return out


def workload_loose_notices(path: Any, pricing_dirs: Any) -> list[str]:
    """``loose_match_notices`` for the models a workload file names (each workload's and the candidates)."""
    from tokencost.planner.workload import is_selector, load_workload
    from tokencost.pricing.catalog import load_catalog

    spec, _ = load_workload(Path(path))
    names = [w.model for w in spec.workloads] + [c for c in spec.candidates if not is_selector(c)]
    return loose_match_notices(load_catalog(pricing_dirs), names)
