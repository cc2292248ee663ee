"""Which models ``estimate`` prices (named, a vendor's, all, or the default set) and whether one request fits
a model's context window and output limit."""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping, Sequence

from tokencost.errors import InputError
from tokencost.pricing.catalog import Catalog, Entry


def default_models(catalog: Catalog, on: dt.date | None = None) -> list[Entry]:
    """The default comparison set on ``on`` (default today): each major vendor's current model per size
    class, read from the catalog by the rule in ``pricing/lifecycle.py`` (never a retired model)."""
    from tokencost.pricing.lifecycle import default_candidates

    # the major vendors' own sheets are in USD: no exchange rates (and no YAML read) on a cold estimate
    return default_candidates(catalog, on or dt.date.today())


def resolve_models(
    catalog: Catalog,
    models: Sequence[str] = (),
    vendors: Sequence[str] = (),
    all_models: bool = False,
    model_map: Mapping[str, str] | None = None,
    on: dt.date | None = None,
) -> list[Entry]:
    """The entries to price: named models, a vendor's chat models, everything, or the default set on ``on``.
    A named model reached by anything but its id or alias carries ``resolution`` (how it was resolved)."""
    catalog.check_vendors(vendors, "vendors")  # a typo is an error, never a vendor silently left out
    if models:
        entries = [catalog.get(name, model_map=model_map) for name in models]
        for name, entry in zip(models, entries, strict=True):
            _check_sold_by(catalog, name, entry, vendors, model_map)
    elif vendors:
        entries = catalog.select(vendor=vendors, mode="chat")
        if not entries:
            raise InputError(f"no chat model from vendor(s) {', '.join(vendors)}")
    elif all_models:
        entries = catalog.select(mode="chat")
    else:
        entries = default_models(catalog, on)
    unique: dict[str, Entry] = {}
    for entry in entries:
        unique.setdefault(entry.id, entry)
    return list(unique.values())


def _sells(entry: Entry, vendors: set[str]) -> bool:
    return entry.provider.id.casefold() in vendors or entry.creator.casefold() in vendors


def _check_sold_by(
    catalog: Catalog, name: str, entry: Entry, vendors: Sequence[str], model_map: Mapping[str, str] | None
) -> None:
    """A named model must be sold or made by one of ``vendors`` when both are given: neither filter is
    silently dropped; the hint names the same model's cards those vendors do sell."""
    wanted = {v.casefold() for v in vendors}
    if not wanted or _sells(entry, wanted):
        return
    others = catalog.resolve(name, model_map=model_map).alternatives
    theirs = [other for other in others if _sells(catalog.get(other), wanted)]
    raise InputError(
        f"model {name!r} is {entry.id}, sold by {entry.provider.id} (made by {entry.creator}): "
        f"not from vendor(s) {', '.join(vendors)}",
        "did you mean: " + ", ".join(theirs)
        if theirs
        else "drop the vendor filter or name one of its models",
    )


def limit_problems(entry: Entry, input_tokens: int, output_tokens: int) -> tuple[str, ...]:
    """Why one request of ``input_tokens`` + ``output_tokens`` cannot be sent to ``entry`` (empty when it can).
    The context window must hold input and output together, as the planner checks it."""
    problems = []
    window = entry.model.context_window
    if window is not None and input_tokens + output_tokens > window:
        problems.append(
            f"exceeds context window {window:,} "
            f"(input {input_tokens:,} + output {output_tokens:,} = {input_tokens + output_tokens:,} tokens)"
        )
    most_in = entry.model.max_input_tokens
    if most_in is not None and input_tokens > most_in:
        problems.append(f"exceeds max input {most_in:,} tokens (input {input_tokens:,})")
    most = entry.model.max_output_tokens
    if most is not None and output_tokens > most:
        problems.append(f"exceeds max output {most:,} tokens (output {output_tokens:,})")
    return tuple(problems)
