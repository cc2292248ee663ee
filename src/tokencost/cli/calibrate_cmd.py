"""``tokencost calibrate``: fit estimates of closed tokenizers to what vendors billed."""

from __future__ import annotations

from pathlib import Path

import click

from tokencost.cli._common import echo_output, format_option, pricing_option
from tokencost.cli.engine_opt import engine_arguments, engine_options
from tokencost.cli.online_opt import online_option


@click.command(
    "calibrate",
    epilog="Example: tokencost calibrate logs/pairs.jsonl (writes ~/.config/tokencost/calibration.yaml, "
    "which count, estimate, plan, replay and check then use)",
)
@click.argument("logs", nargs=-1, required=True)
@click.option(
    "--source", default="auto", show_default=True, help="Log format (as `tokencost replay --source`)."
)
@click.option(
    "--out",
    type=click.Path(dir_okay=False, path_type=Path),
    help="Write the calibration here (default: the user config dir, families merged into it).",
)
@click.option("--force", is_flag=True,
              help="Overwrite --out if it exists; replace a family the default file already calibrates.")  # fmt: skip
@click.option("--holdout", type=click.FloatRange(0.05, 0.5), default=0.2, show_default=True,
              help="Share of requests kept out of the fit to measure it.")  # fmt: skip
@pricing_option
@format_option(("table", "json"))
@click.option("-j", "--jobs", default=1, show_default=True, type=click.IntRange(min=1),
              help="Worker processes reading the logs (with --engine dask: the local cluster's workers).")  # fmt: skip
@engine_options
@click.option("--quiet", "-q", is_flag=True, help="No progress bar.")
@online_option
def calibrate(
    logs, source, out, force, holdout, pricing_dirs, fmt, jobs, engine, scheduler, quiet, online
) -> None:  # fmt: skip
    """Fit per-family estimates to the billed input counts in LOGS (logs holding the prompt text and the
    billed usage: request/response pairs, stored messages, captured span content).

    With --online, each request of a family with a vendor count endpoint (Claude, Gemini, Kimi) is also
    counted there: the billed counts are checked against it, and it stands in for a billed count that is
    impossible (0, smaller than the text could be) instead of leaving the request out."""
    from tokencost.calibration import calibrate as run
    from tokencost.calibration import write_calibration
    from tokencost.tokenizers.calibrated import default_path

    vendor_count = None
    if online:
        from tokencost.cli.online_opt import vendor_request_counter

        vendor_count = vendor_request_counter()
    result = run(list(logs), source=source, pricing=pricing_dirs, holdout=holdout, vendor_count=vendor_count,
                 **engine_arguments(engine, jobs, scheduler, quiet))  # fmt: skip
    if online and not result["vendor"]:
        click.echo(
            "note: --online: no request is of a family with a vendor count endpoint; nothing was sent",
            err=True,
        )
    stats = result["stats"]
    for reason, count in stats.skipped.items():  # records that could not be read, as replay says them
        places = stats.located(reason)
        more = " ..." if count > len(places) else ""
        click.echo(f"skipped {count} record(s): {reason} (at {', '.join(places)}{more})", err=True)
    _report_excluded(result["excluded"])
    written = None
    if result["families"]:
        written = out or default_path()
        if out is None and not force:
            _refuse_replacing(written, result["families"])
        sources = sorted(result["stats"].sources.values())
        write_calibration(
            written, result["families"], sources, result["sha256"], force=force, merge=out is None
        )
    echo_output(_render(result, written, fmt))


def _refuse_replacing(path: Path, families: dict) -> None:
    """The default file is merged into, but a family it already calibrates is replaced only with --force."""
    from tokencost.errors import InputError
    from tokencost.tokenizers.calibrated import read_file

    if not path.is_file():
        return
    there = read_file(path)
    again = [family for family in families if family in there]
    if again:
        held = "; ".join(f"{family}: {there[family].describe()}" for family in again)
        raise InputError(
            f"{path} already holds a calibration ({held}); pass --force to replace it, or --out FILE to write "
            "this one elsewhere"
        )


def _report_excluded(excluded: list[tuple[str, str]], places: int = 5) -> None:
    """Requests left out of the fit, counted per reason with their first places (file:line)."""
    by_reason: dict[str, list[str]] = {}
    for reason, where in excluded:
        by_reason.setdefault(reason, []).append(where)
    for reason, wheres in by_reason.items():
        more = " ..." if len(wheres) > places else ""
        click.echo(
            f"note: left out {len(wheres)} request(s): {reason} (at {', '.join(wheres[:places])}{more})",
            err=True,
        )


def _render(result: dict, written: Path | None, fmt: str) -> str:
    import json

    families = {
        family: {
            "kind": "calibrated",
            "requests": fit.fit_requests,
            "held_back": fit.held_back,
            "framing_tokens": fit.framing,
            "residual_median": fit.residual_median,
            "residual_p90": fit.residual_p90,
            "band": [-fit.band_below, fit.band_above],
            "models": list(fit.models),
        }
        for family, fit in result["families"].items()
    }
    checks = {
        family: {"kind": "exact tokenizer: framing check", "requests": fit.fit_requests + fit.held_back,
                 "framing_tokens": fit.framing, "residual_median": fit.residual_median,
                 "residual_p90": fit.residual_p90}
        for family, fit in result["checks"].items()
    }  # fmt: skip
    if fmt == "json":
        document = {
            "schema": "tokencost.calibrate/1",
            "written": str(written) if written else None,
            "families": families,
            "exact_families": checks,
            "refused": result["refused"],
            "excluded": len(result["excluded"]),
            "skipped": dict(result["stats"].skipped),
            "vendor_counts": result.get("vendor", {}),
        }
        return json.dumps(document, indent=2, ensure_ascii=False) + "\n"
    lines = []
    for family, f in families.items():
        lines.append(
            f"{family}: calibrated on {f['requests']} requests ({f['held_back']} held back): 34 weights; framing "
            f"{f['framing_tokens']:+.1f} tokens/request; held-back residual median {f['residual_median']:.1%}, "
            f"p90 {f['residual_p90']:.1%}"
        )
    for family, c in checks.items():
        lines.append(
            f"{family}: exact tokenizer, not calibrated; billed minus our chat count: median "
            f"{c['framing_tokens']:+.1f} tokens/request over {c['requests']} requests (a check of the chat framing)"
        )
    lines += [f"{family}: not calibrated: {reason}" for family, reason in result["refused"].items()]
    lines += [_vendor_line(family, v) for family, v in result.get("vendor", {}).items()]
    if written:
        lines.append(f"written: {written}")
    elif result["refused"]:
        lines.append("written: nothing (no family was calibrated)")
    return "\n".join(lines) + "\n"


def _vendor_line(family: str, v: dict) -> str:
    """``--online``: how the billed counts of ``family`` compare with its vendor's count endpoint."""
    line = f"{family}: vendor count endpoint on {v['requests']} requests"
    if v["compared"]:
        line += (
            f": billed = vendor count on {v['equal']} of {v['compared']}; |billed - vendor| median "
            f"{v['difference_median']:.1%}, p90 {v['difference_p90']:.1%}"
        )
    if v["vendor_count_used"]:
        line += f"; the vendor count stood in for {v['vendor_count_used']} impossible billed count(s)"
    return line
