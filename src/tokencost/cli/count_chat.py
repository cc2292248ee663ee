"""``tokencost count --messages``: chat requests counted per framing, and, without ``-m``, the model they name.

Split from ``count_cmd`` (the command): what reading chat files and naming their model takes.
"""

from __future__ import annotations

from tokencost.errors import InputError
from tokencost.tokenizers.chat.model import NOT_COUNTED, SIGNED

#: characters of a chat file read to find the model its requests name (the rest is read by the count alone)
_NAMED_SCAN = 1 << 20


def model_named(sources, notices: list[str]) -> tuple[str, ...]:
    """Without ``-m``, the model the first chat request names when the catalog knows it (a Claude request is
    counted as Claude, not as GPT-4o); else none, and a notice that o200k_base counts it."""
    from tokencost.errors import TokencostError
    from tokencost.inputs import display_name, read_input
    from tokencost.tokenizers.messages import parse_requests

    named = None
    for source in [s for s in sources[:1] if not s.is_stdin]:  # stdin is read once, by the count
        text = read_input(source).text
        if len(text) > _NAMED_SCAN:  # a large log: its first lines' model (JSONL), not a second full parse
            head = text[:_NAMED_SCAN]
            text = head[: head.rfind("\n") + 1] if head.lstrip().startswith("{") and "\n" in head else ""
        try:
            requests = parse_requests(text, display_name(source.name)) if text else []
        except TokencostError:
            return ()  # the count itself says what is wrong with it
        models = [m for m in dict.fromkeys(r.normalised().model for r in requests) if m]
        if len(models) > 1:
            notices.append(
                f"no --model given and the requests name {len(models)} models ({', '.join(models[:3])}): "
                "counted with o200k_base (give -m for each)"
            )
            return ()
        named = models[0] if models else None
    if named:
        try:
            resolve_model(named)
        except TokencostError:
            notices.append(
                f"no --model given and the request's model {named!r} is not in the catalog: counted with o200k_base"
            )
            return ()
        notices.append(
            f"no --model given: counted as {named}, the model the request names (-m MODEL for others)"
        )
        return (named,)
    notices.append(
        "no --model given: counted with o200k_base and GPT-4o's framing (-m MODEL for a model's own)"
    )
    return ()


def count_messages(sources, keys, counters, notices, models=None):
    from tokencost.inputs import display_name, read_input
    from tokencost.tokenizers.files import SourceCount
    from tokencost.tokenizers.messages import approximated_notice, count_requests_with_range, parse_requests

    out, skipped_files = [], []
    for source in sources:
        read = read_input(source)
        notices.extend(read.notices)

        try:
            requests = parse_requests(read.text, display_name(source.name))
            if not any(request.messages for request in requests):
                raise InputError(
                    f"{display_name(source.name)}: no chat messages to count (expected a chat request: "
                    "messages, input or contents)"
                )
        except InputError as exc:
            if not source.walked:
                raise
            notices.append(f"{exc.message}: skipped, not a chat request")
            skipped_files.append(source.name)
            continue
        item = SourceCount(source.name, characters=len(read.text), bytes=read.bytes)
        item.breakdown = {}
        skipped = 0
        approximated = {}
        for key in keys:
            model = (models or {}).get(key)
            result, low, high = count_requests_with_range(requests, key[0], counters[key], model)
            item.tokens[key] = result.tokens
            if not counters[key].exact or result.error:
                item.ranges[key] = [low, high]
            item.breakdown[key] = result
            skipped = result.skipped_parts
            if result.approximated:
                approximated[key[0]] = result.approximated
        if skipped:
            notices.append(f"{source.name}: {skipped} part(s) not counted ({NOT_COUNTED})")
        if approximated:
            notices.append(f"{source.name}: {approximated_notice(approximated)}")
        unknown = max((item.breakdown[k].unknown_parts for k in keys), default=0)
        if unknown:
            notices.append(f"{source.name}: {unknown} part(s) {SIGNED}")
        out.append(item)
    if sources and not out:
        shown = ", ".join(skipped_files[:3]) + (" ..." if len(skipped_files) > 3 else "")
        raise InputError(f"no chat request among the {len(sources)} file(s) found ({shown})")
    return out


def resolve_model(model: str) -> tuple[str, str]:
    """(catalog id, tokenizer family) of a model id or alias as typed, through the library's resolver
    (``tokenizers.models.model_family``): a self-hosted tag counts with the family its name tells."""
    from tokencost.tokenizers.models import model_family

    return model_family(model)
