"""``tokencost count --explain``: the text broken down by script, tokens per character per family."""

from __future__ import annotations

from typing import Any

import click

from tokencost.cli._common import echo_output
from tokencost.families import accuracy_label

#: characters --explain analyses at most (the rest is left out with a notice)
EXPLAIN_LIMIT = 8_000_000


def explain(sources, selections, counters, estimate, fmt, notices) -> None:
    """``--explain``: the text broken down by script, tokens per character per family."""
    from tokencost.render.tabular import render_rows
    from tokencost.tokenizers.explain import explain_text

    text = "\n".join(_explain_texts(sources, notices))
    for notice in notices:
        click.echo(f"note: {notice}", err=True)
    families = [family for _, family in selections]
    report = explain_text(text, [counters[(family, estimate)] for family in dict.fromkeys(families)])
    rows = [
        _explain_cells(report, row.script, row.characters, f"{row.share:.1%}", row.tokens)
        for row in report.rows
    ]
    document = _explain_document(report, selections, notices)
    rows.append(_explain_cells(report, "all (whole text)", report.characters, "100.0%", report.totals))
    title = (
        "Tokens per character by script (each script's runs tokenized alone; exact/estimate per family below)"
    )
    columns = _explain_columns(report, fmt)
    output = render_rows(rows, columns, fmt, json_document=document, title=title if fmt == "table" else None)
    if fmt == "table":
        output += "".join(
            f"  {c.family}: {accuracy_label(c.exact, c.error_band)} ({c.method})\n" for c in report.counters
        )
    echo_output(output)


def _explain_texts(sources, notices: list[str]) -> list[str]:
    """The text of each source, up to EXPLAIN_LIMIT characters in all (what is left out is a notice)."""
    from tokencost.inputs import TextStream, decoded_notice, invalid_notice

    texts = []
    budget = EXPLAIN_LIMIT
    for source in sources:
        if budget <= 0:
            notices.append(
                f"{source.name}: not analysed (--explain reads the first {EXPLAIN_LIMIT:,} characters)"
            )
            continue
        stream = TextStream(source)
        parts = []
        for piece in stream:
            parts.append(piece[:budget])
            budget -= len(piece)
            if budget <= 0:
                notices.append(
                    f"{source.name}: --explain analysed only the first {EXPLAIN_LIMIT:,} characters"
                )
                break
        if stream.encoding != "utf-8":
            notices.append(decoded_notice(source.name, stream.encoding))
        if stream.invalid_bytes:
            notices.append(invalid_notice(source.name, stream.invalid_bytes, stream.encoding))
        texts.append("".join(parts))
    return texts


def _explain_columns(report, fmt: str) -> list[tuple[str, str]]:
    columns = [("script", "script"), ("characters", "chars"), ("share", "share")]
    for counter in report.counters:
        columns.append((f"tokens_per_char:{counter.family}", f"{counter.family} tok/char"))
        if fmt == "csv":  # the table says it below, JSON per family
            columns += [(f"kind:{counter.family}", ""), (f"method:{counter.family}", "")]
    return columns


def _explain_cells(
    report, script: str, characters: int, share: str, tokens: dict[str, int]
) -> dict[str, Any]:
    """One table row: the script, then tokens per character and the method of each family."""
    out: dict[str, Any] = {"script": script, "characters": characters, "share": share}
    for counter in report.counters:
        ratio = tokens[counter.family] / characters if characters else None
        out[f"tokens_per_char:{counter.family}"] = f"{ratio:.3f}" if ratio is not None else ""
        out[f"kind:{counter.family}"] = accuracy_label(counter.exact, counter.error_band)
        out[f"method:{counter.family}"] = counter.method
    return out


def _explain_document(report, selections, notices: list[str]) -> dict[str, Any]:
    """The ``tokencost.count.explain/1`` document."""
    with_models = any(m is not None for m, _ in selections)
    return {
        "schema": "tokencost.count.explain/1",
        "characters": report.characters,
        "families": [
            {
                "family": counter.family,
                **(
                    {"models": [m for m, family in selections if family == counter.family]}
                    if with_models
                    else {}
                ),
                "exact": counter.exact,
                "method": counter.method,
                "tokens": report.totals[counter.family],
            }
            for counter in report.counters
        ],
        "scripts": [
            {
                "script": row.script,
                "characters": row.characters,
                "tokens": row.tokens,
                "tokens_per_char": {
                    family: (tokens / row.characters if row.characters else None)
                    for family, tokens in row.tokens.items()
                },
            }
            for row in report.rows
        ],
        "notices": notices,
    }
