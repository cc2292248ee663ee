"""Read pydantic/genai-prices' bundled data (``genai_prices/data.py``) without importing its runtime.

The data module is Python source made of constructor calls (``ModelInfo(...)``, ``ModelPrice(...)``,
``Decimal('2.5')``, ``datetime.date(2026, 12, 1)``). We parse it with :mod:`ast` and evaluate only those
literal calls into plain dicts, so a wheel, an installed package directory or a bare ``data.py`` can be
read offline and no code of the reference runs. Prices there are already USD per million tokens.

Each genai-prices model becomes one of our models: its dated ``ConditionalPrice`` list becomes ``history``,
the current card and ``scheduled`` cards (relative to ``today``); ``TieredPrices`` become ``tiers``;
``PriceVariant`` batch/flex/priority become ``variants`` (the first variant of a kind active on the card's
date wins, as genai-prices resolves them). Its ``match`` clauses are kept as a matcher so ``pricing diff``
can find the model for one of our ids the way genai-prices itself would.
"""

from __future__ import annotations

import ast
import datetime as dt
import re
import zipfile
from collections.abc import Callable
from decimal import Decimal
from pathlib import Path
from typing import Any

from tokencost.errors import InputError
from tokencost.pricing.import_common import ImportResult, SheetBuilder, Skipped, guess_family

DATA_MEMBER = "genai_prices/data.py"
MAX_DATA_BYTES = 64 * 1024 * 1024

#: genai-prices provider id -> our provider id (the rest keep their own id and match nothing of ours).
PROVIDERS = {
    "aws": "bedrock",
    "moonshotai": "moonshot",
    "x-ai": "xai",
    "zai": "zhipu",
    "zhipuai": "zhipu-cn",
}
#: Our vendors (bare ids); every other provider is a host or aggregator with ``provider/`` ids.
VENDORS = {
    "anthropic",
    "openai",
    "google",
    "deepseek",
    "mistral",
    "moonshot",
    "xai",
    "zhipu",
    "minimax",
    "cohere",
}

#: genai-prices price keys -> ours.
KEYS = {
    "input_mtok": "input",
    "output_mtok": "output",
    "cache_read_mtok": "cache_read",
    "cache_write_mtok": "cache_write",
    "cache_write_1h_mtok": "cache_write_1h",
    "input_audio_mtok": "input_audio",
    "output_audio_mtok": "output_audio",
}
VARIANT_WHEN = {("processing", "batch"): "batch", ("service_tier", "flex"): "flex"}
VARIANT_WHEN[("service_tier", "priority")] = "priority"


# -- reading ---------------------------------------------------------------------------------------------------
def read_genai_prices(path: Path) -> tuple[str, str | None]:
    """The text of ``data.py`` from a wheel, an installed package directory or the file itself, and the
    version when the path tells it (``genai_prices-0.2.5-py3-none-any.whl`` -> ``0.2.5``)."""
    path = Path(path)
    if not path.exists():
        raise InputError(f"{path}: reference file not found")
    version = None
    match = re.match(r"^genai_prices-(\d[^-]*)-", path.name)
    if match:
        version = match.group(1)
    if path.is_dir():
        candidates = [path / "data.py", path / DATA_MEMBER]
        found = next((c for c in candidates if c.is_file()), None)
        if found is None:
            raise InputError(f"{path}: no genai_prices data.py inside")
        version = version or _installed_version(found.parent)
        return found.read_text(encoding="utf-8"), version
    if zipfile.is_zipfile(path):
        try:
            with zipfile.ZipFile(path) as archive:
                data = archive.read(DATA_MEMBER)
        except KeyError:
            raise InputError(f"{path}: has no {DATA_MEMBER} inside") from None
        except (zipfile.BadZipFile, OSError) as exc:
            raise InputError(f"{path}: cannot read the archive: {exc}") from None
        return data.decode("utf-8"), version
    if path.stat().st_size > MAX_DATA_BYTES:
        raise InputError(f"{path}: is larger than {MAX_DATA_BYTES // 2**20} MB")
    return path.read_text(encoding="utf-8"), version


def _installed_version(package_dir: Path) -> str | None:
    for info in sorted(package_dir.parent.glob("genai_prices-*.dist-info")):
        match = re.match(r"genai_prices-(.+)\.dist-info$", info.name)
        if match:
            return match.group(1)
    return None


def _evaluate(node: ast.AST) -> Any:
    """A literal, list, dict or constructor call as plain data; anything else is an InputError."""
    if isinstance(node, ast.Constant):
        return node.value
    if isinstance(node, (ast.List, ast.Tuple)):
        return [_evaluate(item) for item in node.elts]
    if isinstance(node, ast.Dict):
        return {_evaluate(k): _evaluate(v) for k, v in zip(node.keys, node.values, strict=True)}
    if isinstance(node, ast.Attribute) and ast.unparse(node) in ("datetime.UTC", "datetime.timezone.utc"):
        return dt.timezone.utc
    if isinstance(node, ast.UnaryOp) and isinstance(node.op, ast.USub):
        return -_evaluate(node.operand)
    if isinstance(node, ast.Call):
        name = ast.unparse(node.func)
        args = [_evaluate(a) for a in node.args]
        kwargs = {k.arg: _evaluate(k.value) for k in node.keywords}
        if name == "Decimal":
            return Decimal(str(args[0]))
        if name == "datetime.date":
            return dt.date(*args, **kwargs)
        if name == "datetime.time":
            return dt.time(*args, **kwargs)
        if isinstance(node.func, ast.Name) and not args:
            return {"_type": name, **kwargs}
    raise InputError(f"genai-prices data: unexpected expression at line {getattr(node, 'lineno', '?')}")


def parse_data(text: str, source: str) -> list[dict[str, Any]]:
    """The ``providers`` list of genai-prices' data module, as plain dicts."""
    try:
        tree = ast.parse(text)
    except SyntaxError as exc:
        raise InputError(f"{source}:{exc.lineno}: not a genai-prices data module ({exc.msg})") from None
    for node in tree.body:
        targets = node.targets if isinstance(node, ast.Assign) else [getattr(node, "target", None)]
        named = any(isinstance(t, ast.Name) and t.id == "providers" for t in targets)
        if isinstance(node, (ast.Assign, ast.AnnAssign)) and named and node.value is not None:
            providers = _evaluate(node.value)
            if isinstance(providers, list):
                return providers
    raise InputError(f"{source}: has no 'providers' list; is this genai_prices/data.py?")


# -- matching --------------------------------------------------------------------------------------------------
def matcher(clause: Any) -> Callable[[str], bool]:
    """A predicate for genai-prices' match clause (applied to a lower-cased model name)."""
    if not isinstance(clause, dict):
        return lambda name: False
    kind = clause.get("_type")
    if kind == "ClauseEquals":
        return lambda name: name == clause["equals"]
    if kind == "ClauseStartsWith":
        return lambda name: name.startswith(clause["starts_with"])
    if kind == "ClauseEndsWith":
        return lambda name: name.endswith(clause["ends_with"])
    if kind == "ClauseContains":
        return lambda name: clause["contains"] in name
    if kind == "ClauseRegex":
        pattern = re.compile(clause["regex"])
        return lambda name: pattern.search(name) is not None
    if kind in ("ClauseOr", "ClauseAnd"):
        parts = [matcher(c) for c in clause.get("or_" if kind == "ClauseOr" else "and_", [])]
        combine = any if kind == "ClauseOr" else all
        return lambda name: combine(part(name) for part in parts)
    return lambda name: False


def equals_names(clause: Any) -> list[str]:
    """Every exact name a clause accepts (its ClauseEquals values)."""
    if not isinstance(clause, dict):
        return []
    if clause.get("_type") == "ClauseEquals":
        return [clause["equals"]]
    return [n for part in clause.get("or_", []) for n in equals_names(part)]


# -- conversion ------------------------------------------------------------------------------------------------
def _components(price: dict[str, Any]) -> tuple[dict[str, Decimal], dict[int, dict[str, Decimal]]]:
    """(base components, tier threshold -> components) of a ModelPrice dict."""
    base: dict[str, Decimal] = {}
    tiers: dict[int, dict[str, Decimal]] = {}
    for key, ours in KEYS.items():
        value = price.get(key)
        if isinstance(value, Decimal):
            base[ours] = value
        elif isinstance(value, dict) and value.get("_type") == "TieredPrices":
            base[ours] = value["base"]
            for tier in value.get("tiers", []):
                tiers.setdefault(int(tier["start"]), {})[ours] = tier["price"]
    if isinstance(price.get("requests_kcount"), Decimal):
        base["per_request"] = price["requests_kcount"] / 1000
    return base, tiers


def _card(price: dict[str, Any]) -> dict[str, Any]:
    base, tiers = _components(price)
    card: dict[str, Any] = dict(base)
    if tiers:
        card["tiers"] = [{"above": above, **parts} for above, parts in sorted(tiers.items())]
    return card


def _dated_prices(prices: Any) -> list[tuple[dt.date | None, dict[str, Any]]]:
    """(start date or None, ModelPrice) for every card; time-of-day prices are left out."""
    if isinstance(prices, dict):
        return [(None, prices)]
    cards = []
    for conditional in prices or []:
        constraint = conditional.get("constraint")
        if constraint is None:
            cards.append((None, conditional["prices"]))
        elif constraint.get("_type") == "StartDateConstraint":
            cards.append((constraint["start_date"], conditional["prices"]))
    return cards


def _variants(model: dict[str, Any], day: dt.date | None, until: dt.date | None) -> dict[str, Any]:
    """The batch/flex/priority overrides in force from ``day`` (first active one per kind and key)."""
    out: dict[str, Any] = {}
    for variant in model.get("price_variants") or []:
        when = variant.get("when", {})
        kind = VARIANT_WHEN.get(next(iter(when.items()), ("", "")))
        constraint = variant.get("constraint")
        if kind is None or (constraint and constraint.get("_type") != "StartDateConstraint"):
            continue
        start = constraint["start_date"] if constraint else None
        active_at = day if until is None else until - dt.timedelta(days=1)
        if start is not None and (active_at is None or start > active_at):
            continue
        card = _card(variant["prices"])
        target = out.setdefault(kind, {})
        for key, value in card.items():
            target.setdefault(key, value)
    return out


def convert_model(model: dict[str, Any], today: dt.date) -> dict[str, Any] | str:
    """One genai-prices ModelInfo as our model dict (prices, history, scheduled), or why it is skipped."""
    dated = _dated_prices(model.get("prices"))
    if not dated:
        return "models without token prices"
    cards = []
    for position, (start, price) in enumerate(dated):
        until = dated[position + 1][0] if position + 1 < len(dated) else None
        card = _card(price)
        if not card.get("input") and not card.get("output") and "input" not in card:
            return "models not priced per token"
        variants = _variants(model, start, until)
        if variants:
            card["variants"] = variants
        if start is not None:
            card["effective_from"] = start
        cards.append(card)
    past = [c for c in cards if c.get("effective_from") is None or c["effective_from"] <= today]
    future = [c for c in cards if c.get("effective_from") is not None and c["effective_from"] > today]
    if not past:
        past, future = future[:1], future[1:]
    current = past[-1]
    # the oldest card may be undated (it applies from the start); later undated ones cannot be placed
    history = [c for i, c in enumerate(past[:-1]) if i == 0 or c.get("effective_from") is not None]
    free = all(v == 0 for c in cards for k, v in c.items() if isinstance(v, Decimal))
    dated = bool(current.get("effective_from"))
    return {
        "prices": current,
        "history": history if dated else [],
        "scheduled": future if dated else [],
        "free": free,
        "pending": future,
    }


def _has_time_of_day(prices: Any) -> bool:
    return isinstance(prices, list) and any(
        (c.get("constraint") or {}).get("_type") == "TimeOfDateConstraint" for c in prices
    )


def _unique(first: list[str], names: list[str], model_id: str) -> list[str]:
    seen = {model_id.casefold()}
    out = []
    for name in [*first, *names]:
        if name.casefold() not in seen:
            seen.add(name.casefold())
            out.append(name)
    return out


def import_genai_prices(
    providers: list[dict[str, Any]],
    *,
    today: dt.date | None = None,
    version: str | None = None,
    reference: str = DATA_MEMBER,
    wanted: tuple[str, ...] = (),
) -> ImportResult:
    """Convert genai-prices' providers into one sheet per provider (ids as our sheets spell them)."""
    today = today or dt.date.today()
    result = ImportResult(reference=reference, version=version)
    wanted_keys = {w.casefold() for w in wanted}
    for provider in providers:
        theirs = provider.get("id", "")
        ours = PROVIDERS.get(theirs, theirs)
        if wanted_keys and ours.casefold() not in wanted_keys and theirs.casefold() not in wanted_keys:
            continue
        vendor = ours in VENDORS
        builder = SheetBuilder(
            {
                "id": re.sub(r"[^a-z0-9._-]", "-", ours.casefold()) or "unknown",
                "name": provider.get("name") or ours,
                "kind": "vendor" if vendor else "host",
                "currency": "USD",
                "pricing_urls": list(provider.get("pricing_urls") or []),
                "checked": today,
            }
        )
        for info in provider.get("models", []):
            key = f"{theirs}:{info['id']}"
            converted = convert_model(info, today)
            if isinstance(converted, str):
                result.skipped.append(Skipped(key, converted))
                continue
            model_id = info["id"] if vendor else f"{ours}/{info['id']}"
            aliases = _unique([info["id"]] if not vendor else [], equals_names(info.get("match")), model_id)
            data = {
                "id": model_id,
                "name": info.get("name"),
                "aliases": aliases,
                "tokenizer": guess_family(info["id"]),
                "context_window": info.get("context_window"),
                "source": f"genai-prices {version or ''} provider {theirs!r} model {info['id']!r}",
                "checked": today,
                **converted,
            }
            pending = data.pop("pending")
            added = builder.add(data, info["id"], result)
            if added is not None:
                if _has_time_of_day(info.get("prices")):
                    result.windowed.add(added.id)
                if pending:
                    result.scheduled[added.id] = pending
                if info.get("deprecated"):
                    result.retired.add(added.id)
                result.matchers[added.id] = (builder.provider["id"], matcher(info.get("match")))
        if builder.models:
            result.sheets[builder.provider["id"]] = builder.build()
    return result


def load_genai_prices(
    path: Path, *, today: dt.date | None = None, providers: tuple[str, ...] = ()
) -> ImportResult:
    """Read and convert genai-prices' data from a wheel, package directory or ``data.py``."""
    text, version = read_genai_prices(Path(path))
    data = parse_data(text, str(path))
    return import_genai_prices(data, today=today, version=version, reference=str(path), wanted=providers)
