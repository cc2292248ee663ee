"""Edit price sheets in place with ruamel.yaml's round trip, so comments, key order, quoting and layout
survive: only the lines of a changed card or an added model differ (``pricing update``).

ruamel.yaml is an optional dependency (the ``maintain`` extra), imported only here.
"""

from __future__ import annotations

import copy
import datetime as dt
import io
from decimal import Decimal
from typing import Any

from tokencost.errors import InputError
from tokencost.pricing.schema import PRICE_FIELDS
from tokencost.pricing.update import HistoryFill, NewModel, PriceChange

#: Key order of an added model, as the bundled sheets write it.
MODEL_KEYS = (
    "id", "name", "aliases", "creator", "serves", "mode", "tokenizer", "context_window", "max_input_tokens",
    "max_output_tokens", "modalities", "capabilities", "released", "deprecated", "free", "source", "checked",
    "notes", "prices",
)  # fmt: skip
CARD_KEYS = ("effective_from", *PRICE_FIELDS, "tiers", "variants", "windows", "source", "checked", "note")


def round_trip() -> Any:
    """A ruamel YAML instance that writes the sheets' own layout back unchanged."""
    try:
        from ruamel.yaml import YAML
    except ImportError:
        raise InputError(
            "pricing update needs ruamel.yaml to edit sheets without reformatting them: "
            "pip install 'tokencost-advisor[maintain]'"
        ) from None
    yaml = YAML()
    yaml.preserve_quotes = True
    yaml.width = 100_000  # never re-wrap a long line
    yaml.indent(mapping=2, sequence=4, offset=2)
    yaml.representer.add_representer(Decimal, _represent_decimal)
    yaml.representer.ignore_aliases = lambda *_: True  # one date in many places is written out each time
    return yaml


def _represent_decimal(representer: Any, value: Decimal) -> Any:
    if value == value.to_integral_value():
        return representer.represent_int(int(value))
    return representer.represent_scalar("tag:yaml.org,2002:float", format(value.normalize(), "f"))


def load(yaml: Any, text: str) -> Any:
    return yaml.load(text)


def dump(yaml: Any, data: Any) -> str:
    out = io.StringIO()
    yaml.dump(data, out)
    return out.getvalue()


def _find(data: Any, model_id: str) -> Any:
    for model in data.get("models") or []:
        if str(model.get("id")) == model_id:
            return model
    raise InputError(f"model {model_id!r} is not in this sheet")


def _set_after(mapping: Any, key: str, value: Any, after: tuple[str, ...], before: tuple[str, ...]) -> None:
    """Set ``key``, inserting it after the last of ``after`` present (else before the first of ``before``)."""
    if key in mapping:
        mapping[key] = value
        return
    keys = list(mapping)
    present = [keys.index(k) for k in after if k in mapping]
    following = [keys.index(k) for k in before if k in mapping]
    position = present[-1] + 1 if present else (min(following) if following else len(keys))
    mapping.insert(position, key, value)


def apply_change(data: Any, change: PriceChange, source: str, checked: dt.date) -> None:
    """Make ``change`` the model's current card; the old card (with its source) goes to the end of history."""
    from ruamel.yaml.comments import CommentedSeq

    model = _find(data, change.model_id)
    old = model["prices"]
    new = copy.deepcopy(old)
    for name, (_ours, theirs) in change.fields.items():
        _set_field(new, name, theirs)
    _set_after(new, "effective_from", change.effective, (), tuple(new)[:1])
    for stale in ("checked", "source", "note"):
        if stale in new:
            del new[stale]
    earlier = copy.deepcopy(old)
    if "source" not in earlier and model.get("source"):
        earlier["source"] = model["source"]
    history = model.get("history")
    if history is None:
        history = CommentedSeq()
        _set_after(model, "history", history, (), ("prices",))
    history.append(earlier)
    model["prices"] = new
    later = ("notes", "reference_checks", "history", "prices")
    _set_after(model, "source", source, (), ("checked", *later))
    _set_after(model, "checked", checked, ("source",), later)


def fill_history(data: Any, fill: HistoryFill, source: str) -> None:
    """Date the model's current card and give it the reference's earlier cards as history."""
    from ruamel.yaml.comments import CommentedSeq

    model = _find(data, fill.model_id)
    _set_after(model["prices"], "effective_from", fill.effective, (), tuple(model["prices"])[:1])
    cards = CommentedSeq()
    for card in fill.cards:
        node = card_node(card.model_dump(mode="python", exclude_none=True))
        node["source"] = source
        cards.append(node)
    _set_after(model, "history", cards, (), ("prices",))


def start_scheduled(data: Any, model_id: str) -> None:
    """The first scheduled card has started: it becomes the current card, the old one goes to history."""
    from ruamel.yaml.comments import CommentedSeq

    model = _find(data, model_id)
    scheduled = model["scheduled"]
    first = scheduled.pop(0)
    if not scheduled:
        del model["scheduled"]
    history = model.get("history")
    if history is None:
        history = CommentedSeq()
        _set_after(model, "history", history, (), ("prices",))
    history.append(model["prices"])
    model["prices"] = first


def mark_checked(data: Any, model_id: str, checked: dt.date) -> None:
    """Record that a model's prices were checked (and agree with the reference) on ``checked``."""
    model = _find(data, model_id)
    _set_after(model, "checked", checked, ("source",), ("notes", "reference_checks", "history", "prices"))


def _set_field(card: Any, name: str, value: Decimal) -> None:
    """Set ``input``, ``tier>N.input`` or ``batch.input`` on a card mapping."""
    if name.startswith("tier>"):
        above, component = name[len("tier>") :].split(".", 1)
        tier = next(t for t in card["tiers"] if int(t["above"]) == int(above))
        tier[component] = value
    elif "." in name:
        kind, component = name.split(".", 1)
        card["variants"][kind][component] = value
    else:
        card[name] = value


def add_models(data: Any, added: list[NewModel], header: str) -> None:
    """Append ``added`` to the sheet's models under a comment naming where they came from."""
    models = data["models"]
    first = len(models)
    for item in added:
        models.append(model_node(item))
    if added:
        models.yaml_set_comment_before_after_key(first, before=header, indent=2)


def model_node(item: NewModel) -> Any:
    """A new model as a ruamel mapping laid out like the bundled sheets (flow lists, block card)."""
    from ruamel.yaml.comments import CommentedMap

    dumped = item.model.model_dump(mode="python", exclude_none=True, exclude_defaults=True)
    dumped.pop("history", None)
    node = CommentedMap()
    for key in MODEL_KEYS:
        if key not in dumped:
            continue
        value = dumped[key]
        if key == "prices":
            node[key] = card_node(value)
        elif key == "modalities":
            node[key] = _flow({k: _flow(v) for k, v in value.items()})
        elif isinstance(value, list):
            node[key] = _flow([getattr(v, "value", v) for v in value])
        else:
            node[key] = value
    return node


def card_node(card: dict[str, Any]) -> Any:
    from ruamel.yaml.comments import CommentedMap

    node = CommentedMap()
    for key in CARD_KEYS:
        value = card.get(key)
        if value in (None, [], {}):
            continue
        if key == "tiers":
            node[key] = [_flow(_tier(tier)) for tier in value]
        elif key == "variants":
            node[key] = CommentedMap((kind, _flow(_override(v))) for kind, v in value.items())
        elif key == "windows":
            node[key] = [
                _flow({k: (v.strftime("%H:%M") if isinstance(v, dt.time) else v) for k, v in w.items()})
                for w in value
            ]
        else:
            node[key] = value
    return node


def _override(value: dict[str, Any]) -> dict[str, Any]:
    out = {k: v for k, v in value.items() if v is not None and k != "tiers"}
    if value.get("tiers"):
        out["tiers"] = [_flow(_tier(t)) for t in value["tiers"]]
    return out


def _tier(tier: dict[str, Any]) -> dict[str, Any]:
    """A tier with ``above`` first, as the sheets write it."""
    return {"above": tier["above"], **{k: v for k, v in tier.items() if k != "above" and v is not None}}


def _flow(value: Any) -> Any:
    from ruamel.yaml.comments import CommentedMap, CommentedSeq

    node = CommentedSeq(value) if isinstance(value, list) else CommentedMap(value)
    node.fa.set_flow_style()
    return node
