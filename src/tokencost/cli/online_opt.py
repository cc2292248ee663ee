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
    from tokencost.online import vendor_for_family

    refuse_estimate(estimate)
    models = [model for model, _ in selections if model is not None]
    online = install(models, families=[family for _, family in selections])
    for _, family in selections:
        if family in online:
            counters[(family, False)] = online[family]
        elif vendor_for_family(family) is None and not counters[(family, False)].exact:
            notice = f"{family}: no vendor count endpoint, estimated offline"
            if notice not in notices:
                notices.append(notice)
    return counters


def refuse_estimate(estimate: bool) -> None:
    if estimate:
        raise click.UsageError("--online asks the vendor for exact counts: it does not go with --estimate")


def install(models=(), families=None, pricing=()) -> dict:
    """Online counters (family -> counter) put in place for every layer that counts (``use_counter``).

    A family's model is the API id of the first of ``models`` (catalog ids or aliases) of that family, else
    the vendor's default. Families in ``families`` (default: those of ``models``) need their key now (exit 2
    naming the variable); the other vendor families are put in place too and ask for their key at their
    first request, so that commands whose models are only known while counting (plan, replay) go online."""
    import sys

    from tokencost.errors import TokencostError
    from tokencost.online import VENDORS, OnlineCounter
    from tokencost.online.vendors import api_model_id
    from tokencost.tokenizers import use_counter

    chosen: dict[str, str] = {}
    needed = set(families or ())
    if models:
        from tokencost.pricing.catalog import load_catalog

        catalog = load_catalog(pricing) if pricing else load_catalog()
        for model in models:
            try:
                entry = catalog.get(model).model
            except TokencostError:  # an unknown model is the command's own error to report
                continue
            vendor = next((v for v in VENDORS.values() if v.family == entry.tokenizer), None)
            if families is None:
                needed.add(entry.tokenizer)
            if vendor is not None and entry.tokenizer not in chosen:
                chosen[entry.tokenizer] = api_model_id(vendor, entry.id, list(entry.aliases))
    online = {}
    for vendor in VENDORS.values():
        if vendor.family in needed:
            vendor.api_key()  # a missing key is an error before anything is counted
        counter = OnlineCounter(vendor, chosen.get(vendor.family) or vendor.default_model)
        use_counter(counter)
        online[vendor.family] = counter
    replay = sys.modules.get("tokencost.replay.translate")
    if replay is not None:  # its per-process counter cache may hold an offline counter
        replay.counter.cache_clear()
    return online


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


def workload_models(path) -> list[str]:
    """The models a workload file names (current models, then plain candidates, not selectors), in order:
    ``plan --online`` sends each family's requests as the first of them."""
    from tokencost.planner.workload import load_workload

    spec, _ = load_workload(path)
    return [w.model for w in spec.workloads] + [c for c in spec.candidates if ":" not in c]


def raise_failure(counters) -> None:
    """Stop with the first endpoint error an online counter met (a command that tolerates bad records, such
    as replay, would otherwise turn a missing key or a refused one into a note per record)."""
    for counter in counters.values():
        if getattr(counter, "failure", None) is not None:
            raise counter.failure


def vendor_request_counter():
    """``calibrate --online``: a function giving the vendor's count of a logged request (sent as the vendor's
    own request, for the record's model) for a family with a count endpoint, else None. Counters are made at
    the first request of their family, so a key is only asked for when a family needs it."""
    from tokencost.online import OnlineCounter, vendor_for_family
    from tokencost.online.vendors import api_model_id
    from tokencost.tokenizers.chat import parse_request

    counters: dict = {}

    def count(request: dict, entry) -> int | None:
        vendor = vendor_for_family(entry.model.tokenizer)
        if vendor is None:
            return None
        model = api_model_id(vendor, entry.id, list(entry.model.aliases))
        if (vendor.name, model) not in counters:
            vendor.api_key()  # a missing key: exit 2 naming the variable
            counters[(vendor.name, model)] = OnlineCounter(vendor, model)
        return counters[(vendor.name, model)].count_chat(parse_request(request))

    return count
