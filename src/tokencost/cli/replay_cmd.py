"""``tokencost replay``: price what a team actually sent, as billed and on every other model."""

from __future__ import annotations

import os
import sys

import click

from tokencost.cli._common import DATE, calibration_option, echo_output, format_option, pricing_option
from tokencost.cli.engine_opt import engine_options
from tokencost.cli.online_opt import online_option

SOURCES = ("auto", "openai", "anthropic", "openrouter", "litellm", "langfuse", "otel", "pairs", "generic")


def _progress(number: int, total: int | None = None, done: int = 0, size: int = 0) -> None:
    """Records read (one pass), or partitions and bytes done (on an engine): stderr, on a TTY only."""
    if total is not None:
        mb = f"{done / 1e6:,.1f} of {size / 1e6:,.1f} MB"
        end = "\n" if number == total else ""
        click.echo(f"\r{number}/{total} partitions, {mb}", nl=False, err=True)
        click.echo(end, nl=False, err=True)
    elif number % 10_000 == 0:
        click.echo(f"\r{number:,} records read", nl=False, err=True)


def _notice(text: str) -> None:
    click.echo(text, err=True)


def _report_reading(document: dict) -> None:
    """What was read, as which source, and what was skipped (first locations): stderr, never silent."""
    for name, source in document["sources"].items():
        click.echo(f"reading {name} as {source}", err=True)
    records = document["records"]
    sources = document["sources"]
    if not records["read"] and not records["skipped"] and all(kind == "empty" for kind in sources.values()):
        from tokencost.errors import InputError

        raise InputError(f"{', '.join(sources) or 'the input'}: empty: no usage records to replay")
    for reason, count in records["skipped"].items():
        where = ", ".join(records["skipped_at"].get(reason, []))
        more = " ..." if count > len(records["skipped_at"].get(reason, [])) else ""
        click.echo(f"skipped {count} record(s): {reason} (at {where}{more})", err=True)
    _only_batch_inputs(records)
    if not records["read"]:
        click.echo("notice: no usage records to price in the log(s)", err=True)
    for row in document.get("unknown_models", []):
        places = row.get("first_at") or []
        more = " ..." if row["records"] > len(places) else ""
        at = f" (at {', '.join(places)}{more})" if places else ""
        click.echo(f"not priced: {row['records']} record(s) on unknown model {row['model']!r}{at}", err=True)


def _only_batch_inputs(records: dict) -> None:
    """Only OpenAI batch *input* files held anything (requests, no usage): an empty input (exit 2) that says
    what was found and which file to give, unless another file had usage records (read or outside the
    period)."""
    lines = records.get("batch_input_lines") or {}
    if not lines or records["read"] or records["outside_period"]:
        return
    from tokencost.errors import InputError

    raise InputError(
        f"{', '.join(lines)}: {sum(lines.values())} OpenAI batch request line(s), no usage to price: a batch "
        "input file holds the requests only; replay the batch's output file (the results JSONL of its "
        "output_file_id, whose lines carry the usage), with this one beside it to re-tokenise the prompts"
    )


def _say_loose(models, pricing_dirs) -> None:
    """A loosely matched -m name is said, as estimate and plan say it."""
    if not models:
        return
    from tokencost.cli._common import loose_match_notices
    from tokencost.pricing.catalog import load_catalog

    for text in loose_match_notices(load_catalog(list(pricing_dirs)), models):
        click.echo(f"notice: {text}", err=True)


def _check_flags(mapping, source, jobs, engine, scheduler, since, until, online, fx=()) -> None:
    """Flag combinations that cannot work, as one-line usage or input errors, before anything is read."""
    from tokencost.errors import InputError
    from tokencost.fx import parse_overrides

    parse_overrides(fx, "--fx")  # a bad rate is an error naming the flag

    if mapping and source not in ("generic", "auto"):
        raise click.UsageError("--map goes with --source generic")
    if jobs < 1:
        raise InputError(f"--jobs must be at least 1, got {jobs}")
    if engine == "local" and scheduler:
        raise InputError("--scheduler goes with --engine dask")
    if since and until and since > until:
        raise click.UsageError(f"--since {since} is after --until {until}")
    if online and (engine == "dask" or jobs > 1):
        raise InputError("--online counts in this process: it does not go with --engine dask or --jobs")


@click.command(
    "replay",
    epilog="Example: tokencost replay logs/ -m deepseek-v3.2 -m claude-sonnet-4.5 --since 2026-11-01",
)
@click.argument("logs", nargs=-1, required=True, metavar="LOG...")
@click.option("-m", "--model", "models", multiple=True, metavar="MODEL", help="Candidate model (repeatable).")
@click.option("--all", "all_models", is_flag=True, help="Every chat model in the catalog as a candidate.")
@click.option("--since", type=DATE, help="Only records on or after this day (UTC).")
@click.option("--until", type=DATE, help="Only records on or before this day (UTC).")
@click.option(
    "--group-by",
    default="model",
    show_default=True,
    metavar="model|day|month|tag:KEY",
    help="Split costs by.",
)
@click.option("--source", type=click.Choice(SOURCES), default="auto", show_default=True, help="Log format.")
@click.option(
    "--map",
    "mapping",
    metavar="KEY=COL,...",
    help="Column map of a generic CSV/JSONL log: model=,input=|uncached=,cached=,cache_write=,output=,"
    "reasoning=,requests=,time=,cost=,provider=,id=,tag.NAME=.",
)
@click.option(
    "--model-map",
    "model_map",
    multiple=True,
    metavar="LOGGED=CATALOG",
    help="Price a logged model id (an Azure deployment, an in-house alias) as a catalog model (repeatable; "
    "--map is the generic log's column map).",
)
@click.option("--currency", metavar="CODE", help="Show every cost in this currency.")
@click.option("--fx", multiple=True, metavar="CODE=RATE", help="Exchange rate override, units per 1 USD.")
@format_option()
@click.option(
    "--at",
    type=DATE,
    default=None,
    help="Price every record on the cards in force on this day (default: each record at its own date).",
)
@click.option(
    "--strict", is_flag=True, help="Exit 2 when any record was skipped or is on a model no card prices."
)
@click.option(
    "-j",
    "--jobs",
    default=1,
    show_default=True,
    type=click.IntRange(min=1),
    help="Worker processes that re-tokenise logged text (with --engine dask: the local cluster's workers).",
)
@click.option(
    "--emit-workload",
    "emit",
    type=click.Path(dir_okay=False),
    help="Write a workload YAML for plan (- : to stdout, the replay then on stderr).",
)
@click.option("--force", is_flag=True, help="Overwrite the --emit-workload file if it exists.")
@engine_options
@click.option("--quiet", "-q", is_flag=True, help="No progress bar.")
@online_option
@pricing_option
@calibration_option
def replay(
    logs,
    models,
    all_models,
    since,
    until,
    group_by,
    source,
    mapping,
    model_map,
    currency,
    fx,
    fmt,
    strict,
    jobs,
    emit,
    force,
    engine,
    scheduler,
    quiet,
    online,
    pricing_dirs,
    at,
):
    """Read usage logs and price that traffic as logged and on candidate models.

    LOG is files, directories, globs or - (stdin); .gz and .zst are read transparently. Formats: OpenAI
    responses / batch output (+ batch input) / Usage API, Anthropic messages / usage report, OpenRouter,
    LiteLLM spend logs, Langfuse observations, OTel GenAI spans (OTLP JSON), request/response pairs, or any
    CSV/JSONL with --source generic --map.
    """
    from tokencost.errors import InputError
    from tokencost.pricing.resolve import parse_model_map
    from tokencost.render.replay_render import render_replay
    from tokencost.replay import replay as run

    _check_flags(mapping, source, jobs, engine, scheduler, since, until, online, fx)
    from tokencost.fileio import is_stdout

    if emit and not is_stdout(emit) and not force and os.path.exists(emit):  # refuse before reading the logs
        raise InputError(f"{emit}: already exists; pass --force to overwrite it")
    if online:
        from tokencost.cli.online_opt import install

        online_counters = install(models, pricing=pricing_dirs)
    document = run(
        list(logs),
        list(models),
        all_models=all_models,
        since=since,
        until=until,
        group_by=group_by,
        source="generic" if mapping else source,
        mapping=mapping,
        model_map=parse_model_map(model_map, "--model-map"),
        currency=currency.upper() if currency else None,
        fx=list(fx),
        pricing=list(pricing_dirs),
        progress=_progress if sys.stderr.isatty() and not quiet else None,
        engine=engine if engine == "dask" or jobs > 1 or scheduler else None,
        jobs=jobs,
        scheduler=scheduler,
        notice=_notice,
        at=at,
    )
    if online:
        from tokencost.cli.online_opt import raise_failure

        raise_failure(online_counters)
    _report_reading(document)
    _say_loose(models, pricing_dirs)
    _write_outputs(document, logs, emit, force, render_replay(document, fmt))
    if strict:
        _strict(document["records"])


def _write_outputs(document: dict, logs, emit: str | None, force: bool, rendered: str) -> None:
    """The --emit-workload file (``-``: stdout, which then carries the workload YAML alone and the replay goes
    to stderr), then the replay."""
    from tokencost.fileio import is_stdout

    if emit:
        _emit_workload(emit, document, logs, force)
    if emit and is_stdout(emit):
        click.echo(rendered, err=True, nl=not rendered.endswith("\n"))
    else:
        echo_output(rendered)


def _strict(records: dict) -> None:
    """``--strict``: exit 2 when a record was skipped or is on a model no card prices."""
    from tokencost.errors import InputError

    skipped, unknown = sum(records["skipped"].values()), records.get("unknown_model", 0)
    parts = [f"{skipped} record(s) skipped"] if skipped else []
    parts += [f"{unknown} record(s) on unknown models"] if unknown else []
    if parts:
        raise InputError(f"{' and '.join(parts)} (--strict)")


def _emit_workload(emit: str, document: dict, logs, force: bool) -> None:
    """Write ``--emit-workload`` and say what the file cannot express or leaves out (with its cost)."""
    from tokencost.fileio import write_output
    from tokencost.replay.workload import workload_notes, workload_yaml

    if not write_output(emit, workload_yaml(document, logs), force=force):  # "-": stdout
        click.echo(f"wrote {emit}", err=True)
    for note in workload_notes(document):
        click.echo(f"note: --emit-workload: {note}", err=True)
