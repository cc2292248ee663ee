"""Any other CSV or JSONL log, read through a column mapping (``--map model=col,input=col,output=col,...``).

Keys: ``model``, ``input`` (total input, cache included) or ``uncached`` (input without cache), ``cached``
(cache reads), ``cache_write``, ``output`` (total output, reasoning included), ``reasoning``, ``requests``,
``time``, ``cost`` (billed, USD unless ``currency`` maps a column), ``provider`` (the host that served it:
its cards price the record), ``id`` (the request's id: a
repeated id is a duplicate), and ``tag.NAME`` for any column to group by. A dotted column (``usage.input``) reaches into nested JSON.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from tokencost.errors import InputError
from tokencost.replay.reader import Document
from tokencost.replay.record import Skip, UsageRecord, as_decimal, as_int, parse_time, require_usage
from tokencost.replay.sources import Context

NAME = "generic"
KEYS = (
    "model",
    "input",
    "uncached",
    "cached",
    "cache_write",
    "output",
    "reasoning",
    "requests",
    "time",
    "cost",
    "currency",
    "provider",
    "id",
)


def parse_map(text: str) -> dict[str, str]:
    """``model=col,input=col`` -> {"model": "col", ...}; an unknown key is an InputError naming it."""
    mapping: dict[str, str] = {}
    for item in (part.strip() for part in text.split(",")):
        if not item:
            continue
        key, sep, column = item.partition("=")
        key, column = key.strip(), column.strip()
        if not sep or not column:
            raise InputError(f"--map: {item!r} is not KEY=COLUMN")
        if key not in KEYS and not key.startswith("tag."):
            raise InputError(f"--map: unknown key {key!r}", "keys: " + ", ".join(KEYS) + ", tag.NAME")
        mapping[key] = column
    if "model" not in mapping or not ({"input", "uncached"} & mapping.keys()):
        raise InputError("--map needs at least model=COLUMN and input=COLUMN (or uncached=COLUMN)")
    return mapping


def sniff(doc: Document) -> bool:
    return False  # never chosen by content: only with --source generic --map ...


def _get(row: Any, column: str) -> Any:
    if isinstance(row, dict) and column in row:
        return row[column]
    for part in column.split("."):
        if not isinstance(row, dict):
            return None
        row = row.get(part)
    return row


def parse(doc: Document, ctx: Context) -> Iterator[UsageRecord]:
    mapping = ctx.mapping
    if not mapping:
        raise InputError("--source generic needs --map model=COLUMN,input=COLUMN,...")
    row = doc.value
    if not isinstance(row, dict):
        raise Skip("not a record (expected an object or a CSV row)")
    if doc.csv:  # a CSV's columns are the same on every row: a mapped one it lacks is a typo, not a gap
        missing = [f"{key}={column}" for key, column in mapping.items() if column not in row]
        if missing:
            raise InputError(
                f"{doc.where}: --map {', '.join(missing)}: no such column",
                "the columns are " + ", ".join(str(c) for c in row),
            )

    def number(key: str) -> int:
        return as_int(_get(row, mapping[key])) if key in mapping else 0

    given = [_get(row, mapping[key]) for key in ("input", "uncached", "output") if key in mapping]
    require_usage(*given)
    cached, write = number("cached"), number("cache_write")
    total_in = number("input") if "input" in mapping else number("uncached") + cached + write
    cost = as_decimal(_get(row, mapping["cost"])) if "cost" in mapping else None
    when = _get(row, mapping["time"]) if "time" in mapping else None
    provider = _get(row, mapping["provider"]) if "provider" in mapping else None
    host = str(provider).strip() or None if provider is not None else None
    yield UsageRecord(
        model=str(_get(row, mapping["model"]) or ""),
        input_tokens=total_in,
        cache_read_tokens=cached,
        cache_write_5m_tokens=write,
        output_tokens=number("output"),
        reasoning_tokens=number("reasoning"),
        requests=number("requests") if "requests" in mapping else 1,
        time=parse_time(when) if when not in (None, "") else None,
        provider=host,
        host=host,  # who served it: resolved on that host's card (``lookup``), as LiteLLM's provider is
        billed_cost=cost,
        billed_currency=(str(_get(row, mapping["currency"])).upper() if "currency" in mapping else "USD")
        if cost is not None
        else None,
        tags={
            k[4:]: str(_get(row, c))
            for k, c in mapping.items()
            if k.startswith("tag.") and _get(row, c) is not None
        },
        source=NAME,
        where=doc.where,
        record_id=str(_get(row, mapping["id"]) or "") or None if "id" in mapping else None,
    )
