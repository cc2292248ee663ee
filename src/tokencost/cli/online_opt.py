"""``--online``: count with the vendors' count endpoints where they exist (the only networked option)."""

from __future__ import annotations

import click

online_option = click.option(
    "--online",
    is_flag=True,
    help="Ask the vendor's count endpoint for an exact count where there is one (Claude: ANTHROPIC_API_KEY, "
    "Gemini: GEMINI_API_KEY or GOOGLE_API_KEY, Kimi: MOONSHOT_API_KEY). Answers are cached; without this "
    "flag nothing is sent anywhere.",
)


def go_online(selections, counters: dict, estimate: bool, notices: list[str]) -> dict:
    """Replace the counters of families with a count endpoint by online counters (for the first model named
    of that family, else the vendor's default model) and register them for every layer that counts."""
    from tokencost.online import online_counter, vendor_for_family
    from tokencost.online.vendors import api_model_id
    from tokencost.tokenizers import use_counter

    if estimate:
        raise click.UsageError("--online asks the vendor for exact counts: it does not go with --estimate")
    done: set[str] = set()
    for model, family in selections:
        if family in done:
            continue
        vendor = vendor_for_family(family)
        if vendor is None:
            if not counters[(family, False)].exact:
                notices.append(f"{family}: no vendor count endpoint, estimated offline")
            continue
        api_id = None
        if model is not None:
            from tokencost.pricing.catalog import load_catalog

            entry = load_catalog().get(model).model
            api_id = api_model_id(vendor, entry.id, list(entry.aliases))
        counter = online_counter(family, api_id)
        use_counter(counter)
        counters[(family, False)] = counter
        done.add(family)
    return counters


def online_notices(counters) -> list[str]:
    """Notices of chat requests an online counter counted offline (parts the vendor request cannot carry)."""
    notices = []
    for counter in dict.fromkeys(counters.values() if isinstance(counters, dict) else counters):
        for reason, n in sorted(getattr(counter, "offline", {}).items()):
            notices.append(
                f"{counter.family}: {n} request(s) hold {reason}, which the vendor request cannot carry: "
                "counted offline (framing estimated)"
            )
    return notices
