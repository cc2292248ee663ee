"""The catalog snapshot: light records instead of pydantic models at run time, never stale, never trusted
blindly; edited overlays take effect at once; a cold ``estimate`` imports no pydantic."""

from __future__ import annotations

import datetime as dt
import functools
import json
import os
import pickle
import subprocess
import sys
import time
from decimal import Decimal
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from pydantic import Field

from conftest import ACME_SHEET, write_sheet
from tokencost.cli import cli
from tokencost.pricing import catalog as catalog_module
from tokencost.pricing import schema, snapshot
from tokencost.pricing.catalog import Catalog, load_catalog, load_sheets

REPO = Path(__file__).resolve().parents[1]
CACHE = "tokencost"  # the cache directory's name under XDG_CACHE_HOME


@pytest.fixture
def cache_home(monkeypatch, tmp_path) -> Path:
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "xdg"))
    return tmp_path / "xdg" / CACHE


def snapshots(directory: Path) -> list[Path]:
    return sorted(directory.glob("catalog-*.snapshot"))


def acme_input_price(runner, *args: str, env: dict | None = None) -> str:
    """``tokencost prices acme-mini`` through the CLI: the input price as the JSON document gives it."""
    result = runner.invoke(cli, ["prices", "acme-mini", "--format", "json", *args], env=env)
    assert result.exit_code == 0, result.output
    return str(json.loads(result.output)["prices"]["input"])


def edit_price(sheet: Path, old: str, new: str, *, mtime_ns: int | None = None) -> None:
    sheet.write_text(sheet.read_text(encoding="utf-8").replace(old, new), encoding="utf-8")
    if mtime_ns is not None:
        os.utime(sheet, ns=(mtime_ns, mtime_ns))


# -- never stale --------------------------------------------------------------------------------------------
def test_an_edited_pricing_overlay_takes_effect_on_the_next_run(runner, acme_dir, cache_home):
    sheet = acme_dir / "acme.yaml"
    assert acme_input_price(runner, "--pricing", str(acme_dir)) == "0.1"
    assert snapshots(cache_home)
    edit_price(sheet, "input: 0.1,", "input: 0.7,")  # same size, within the same second
    assert acme_input_price(runner, "--pricing", str(acme_dir)) == "0.7"
    edit_price(sheet, "input: 0.7,", "input: 0.9,")
    assert acme_input_price(runner, "--pricing", str(acme_dir)) == "0.9"


def test_an_edited_environment_overlay_takes_effect_on_the_next_run(
    runner, acme_dir, cache_home, monkeypatch
):
    monkeypatch.setenv("TOKENCOST_PRICING", str(acme_dir))
    assert acme_input_price(runner) == "0.1"
    edit_price(acme_dir / "acme.yaml", "input: 0.1,", "input: 0.3,")
    assert acme_input_price(runner) == "0.3"
    monkeypatch.setenv("TOKENCOST_PRICING", "")
    result = runner.invoke(cli, ["prices", "acme-mini"])
    assert result.exit_code == 2 and "acme-mini" in result.output  # the overlay is gone: unknown model


def test_an_old_file_edited_in_place_is_seen_even_when_its_timestamp_looks_old(acme_dir, cache_home):
    """Files older than the racy window are trusted by their stat; an edit changes the stat (and ctime)."""
    sheet = acme_dir / "acme.yaml"
    old = time.time_ns() - 3600 * 10**9
    os.utime(sheet, ns=(old, old))
    os.utime(acme_dir, ns=(old, old))
    assert load_catalog(acme_dir).get("acme-mini").model.prices.input == Decimal("0.1")
    edit_price(sheet, "input: 0.1,", "input: 0.5,", mtime_ns=old)  # same size, same mtime
    assert load_catalog(acme_dir).get("acme-mini").model.prices.input == Decimal("0.5")


def test_a_sheet_added_to_an_overlay_directory_is_loaded(acme_dir, cache_home):
    assert load_catalog(acme_dir).find("other-model") is None
    write_sheet(acme_dir, "other.yaml", ACME_SHEET.replace("acme", "other"))
    assert load_catalog(acme_dir).get("other-mini").model.prices.input == Decimal("0.1")


def test_an_unchanged_catalog_is_read_from_its_snapshot_without_validation(acme_dir, cache_home, monkeypatch):
    first = load_catalog(acme_dir)
    catalog_module._cached_catalog.cache_clear()  # a new process, as far as the catalog knows

    def no_parsing(*args, **kwargs):
        raise AssertionError("an unchanged catalog must not be validated again")

    monkeypatch.setattr(catalog_module, "parse_sheet", no_parsing)
    second = load_catalog(acme_dir)
    assert second is not first
    assert second.get("acme-large").model == first.get("acme-large").model


# -- never trusted blindly ----------------------------------------------------------------------------------
@pytest.mark.parametrize(
    "damage",
    [
        lambda blob: b"not a snapshot",
        lambda blob: blob[: len(blob) // 2],
        lambda blob: pickle.dumps({"magic": "tokencost-catalog-snapshot", "format": 999}) + blob,
        lambda blob: pickle.dumps(
            {**snapshot._header("0" * 32), "fingerprint": "f" * 32}
        ),  # another catalog's snapshot under this name
    ],
    ids=["garbage", "truncated", "foreign-format", "foreign-fingerprint"],
)
def test_a_damaged_or_foreign_snapshot_is_ignored_and_rebuilt(acme_dir, cache_home, damage):
    load_catalog(acme_dir)
    [path] = snapshots(cache_home)
    good = path.read_bytes()
    path.write_bytes(damage(good))
    catalog_module._cached_catalog.cache_clear()
    assert load_catalog(acme_dir).get("acme-mini").model.prices.input == Decimal("0.1")
    assert path.read_bytes() == good or snapshot.loads(path.read_bytes(), path.stem[len("catalog-") :])


def test_a_snapshot_naming_a_foreign_class_is_refused():
    header = snapshot._header("a" * 32)
    blob = pickle.dumps(header) + pickle.dumps(os.system)  # a global a snapshot never names
    assert snapshot.loads(blob, "a" * 32) is None
    blob = pickle.dumps(header) + pickle.dumps(dt.timedelta(1))  # not a class a snapshot holds
    assert snapshot.loads(blob, "a" * 32) is None


def test_no_cache_still_loads_and_writes_nothing(acme_dir, cache_home, monkeypatch, runner):
    monkeypatch.setenv("TOKENCOST_NO_CACHE", "1")
    assert acme_input_price(runner, "--pricing", str(acme_dir)) == "0.1"
    edit_price(acme_dir / "acme.yaml", "input: 0.1,", "input: 0.2,")
    assert acme_input_price(runner, "--pricing", str(acme_dir)) == "0.2"
    assert not cache_home.exists() or not snapshots(cache_home)


# -- records are the schema's objects, field for field ------------------------------------------------------
def bundled_pairs():
    """(pydantic entry, record entry) for every bundled model."""
    validated = Catalog.from_sheets(load_sheets(use_env=False))
    records = load_catalog()
    return [(entry, records.entries[model_id]) for model_id, entry in validated.entries.items()]


def test_every_bundled_model_dumps_the_same_as_its_validated_model(cache_home):
    pairs = bundled_pairs()
    assert len(pairs) > 100
    for validated, record in pairs:
        assert isinstance(record.model, snapshot.Record)
        assert record.model.model_dump() == validated.model.model_dump(mode="python")
        assert record.provider.model_dump(exclude_none=True) == validated.provider.model_dump(
            mode="python", exclude_none=True
        )
        assert record.provider.kind.value == validated.provider.kind.value
        assert [c.value for c in record.model.capabilities] == [c.value for c in validated.model.capabilities]


def test_prices_stay_decimal_and_dates_stay_dates(cache_home):
    entry = load_catalog().get("gpt-5")
    assert type(entry.model.prices.input) is Decimal
    assert isinstance(entry.checked, dt.date)
    assert entry.model.display_name == entry.model.name


@functools.lru_cache(maxsize=1)
def shared_pairs():
    return bundled_pairs()


@settings(deadline=None, max_examples=30)
@given(st.dates(min_value=dt.date(2022, 1, 1), max_value=dt.date(2027, 12, 31)))
def test_records_answer_card_at_as_the_schema_models_do(day):
    for validated, record in shared_pairs():
        expected = validated.model.card_at(day)
        got = record.model.card_at(day)
        assert (got.model_dump() if got is not None else None) == (
            expected.model_dump(mode="python") if expected is not None else None
        )
        if got is not None:
            assert got.components() == expected.components()
            for ours, theirs in zip(got.windows, expected.windows, strict=True):
                moment = dt.time(day.toordinal() % 24, day.day % 60)
                assert ours.contains(moment) == theirs.contains(moment)


def test_a_field_added_to_a_schema_model_reaches_its_record_unlisted():
    class Check(schema._Strict):  # a new nested model, as a future ``reference_checks`` entry
        source: str
        checked: dt.date

    class Extended(schema.Tier):  # as the prices work adds fields (effective_from on tiers, ...)
        effective_from: dt.date | None = None
        reference_checks: dict[str, Check] = Field(default_factory=dict)
        needs: frozenset[schema.Capability] = frozenset()

    tier = Extended(
        above=1000,
        input=Decimal("2"),
        effective_from=dt.date(2026, 1, 1),
        reference_checks={"litellm": {"source": "litellm 1.110.2", "checked": "2026-11-30"}},
        needs=["tools"],
    )
    record = snapshot.to_records(tier)
    assert record.effective_from == dt.date(2026, 1, 1)
    assert record.reference_checks["litellm"].checked == dt.date(2026, 11, 30)
    assert record.needs == {"tools"} and next(iter(record.needs)).value == "tools"
    assert record.input == Decimal("2") and record.components() == {"input": Decimal("2")}
    assert record.model_dump() == tier.model_dump(mode="python")
    assert snapshot.loads(snapshot.dumps(record, "f" * 32), "f" * 32) == record  # through the snapshot file


def test_every_public_method_of_a_schema_model_works_on_its_record():
    """Behaviour lives in pricing/methods.py; a method written in schema.py only would be missing at run time."""
    for name in dir(schema):
        cls = getattr(schema, name)
        if (
            not (isinstance(cls, type) and issubclass(cls, schema.BaseModel))
            or cls.__module__ != schema.__name__
        ):
            continue
        record_cls = snapshot.record_class((cls.__name__, tuple(cls.model_fields), snapshot._mixins(cls)))
        for klass in cls.__mro__:
            if klass.__module__ != schema.__name__:
                continue
            for attribute, value in vars(klass).items():
                if attribute.startswith("_") or not callable(getattr(value, "__get__", None)):
                    continue
                if attribute in cls.model_fields or isinstance(value, (classmethod, staticmethod)):
                    continue
                assert hasattr(record_cls, attribute), f"{cls.__name__}.{attribute} is not on the record"


def test_records_are_immutable_and_equal_only_to_their_own_kind(cache_home):
    card = load_catalog().get("gpt-5").model.prices
    with pytest.raises(AttributeError):
        card.input = Decimal(0)  # type: ignore[misc]
    tier = snapshot.to_records(schema.Tier(above=10, input=Decimal(1)))
    override = snapshot.to_records(schema.PriceOverride(input=Decimal(1)))
    assert tier != override and tier == snapshot.to_records(schema.Tier(above=10, input=Decimal(1)))
    assert not isinstance(tier, (tuple, list, dict))  # generic code (JSON, table cells) must not unpack it
    assert "input=Decimal('1')" in repr(override)


# -- cold start -------------------------------------------------------------------------------------------
def test_estimate_from_a_snapshot_imports_no_pydantic_yaml_tabulate_or_tiktoken(tmp_path):
    """What ``tokencost estimate`` imports once the snapshot exists (a fresh interpreter each time)."""
    code = (
        "import sys\n"
        "import tokencost.cli as cli\n"
        "try:\n"
        f"    cli.main(['estimate', {str(REPO / 'examples' / 'prompts' / 'en.txt')!r}])\n"
        "except SystemExit as exc:\n"
        "    assert not exc.code, exc.code\n"
        "print(sorted({m.split('.')[0] for m in sys.modules}), file=sys.stderr)\n"
    )
    env = {**os.environ, "XDG_CACHE_HOME": str(tmp_path / "xdg")}
    env.pop("TOKENCOST_CACHE_DIR", None)
    env.pop("TOKENCOST_NO_CACHE", None)
    env.pop("TOKENCOST_PRICING", None)
    first = subprocess.run([sys.executable, "-c", code], env=env, capture_output=True, text=True, check=True)
    assert "pydantic" in first.stderr  # the first run validates the sheets and writes the snapshot
    again = subprocess.run([sys.executable, "-c", code], env=env, capture_output=True, text=True, check=True)
    modules = set(json.loads(again.stderr.strip().splitlines()[-1].replace("'", '"')))
    heavy = {"pydantic", "pydantic_core", "yaml", "tabulate", "tiktoken"}
    assert heavy.isdisjoint(modules), f"a cold estimate of a short prompt imports {sorted(heavy & modules)}"
    assert first.stdout == again.stdout
