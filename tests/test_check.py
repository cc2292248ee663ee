"""The check's decision logic on plan documents (tests/fixtures/plans), independent of the planner."""

from __future__ import annotations

import copy
import json
from decimal import Decimal
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

from tokencost.errors import InputError
from tokencost.planner.check import (
    CHECK_SCHEMA,
    FAIL,
    PASS,
    WARN,
    CheckOptions,
    load_plan_document,
    looks_like_plan_document,
    parse_amount,
    parse_increase,
    parse_percent,
    run_check,
    validate_plan_document,
)
from tokencost.render.check_render import MARKER, render_json, render_markdown, render_text

PLANS = Path(__file__).parent / "fixtures" / "plans"


def plan(name: str) -> dict:
    return json.loads((PLANS / f"{name}.json").read_text(encoding="utf-8"))


def codes(result) -> list[str]:
    return [r.code for r in result.reasons]


# ------------------------------------------------------------------------------------------ fixtures


@pytest.mark.parametrize(
    "path", sorted(p for p in PLANS.glob("*.json") if p.stem not in ("malformed", "wrong-schema"))
)
def test_fixtures_follow_the_plan_contract(path):
    document = load_plan_document(path)
    assert document["schema"] == "tokencost.plan/1"
    for key in ("currency", "price_data", "budgets", "policies", "workloads", "totals"):
        assert key in document
    total = sum(Decimal(w["monthly_cost"]) for w in document["workloads"] if w["monthly_cost"] is not None)
    assert total == Decimal(document["totals"]["monthly_cost"]), path.name


# ------------------------------------------------------------------------------------ budgets: verdicts


def test_pass_within_budget():
    result = run_check(plan("head-pass"))
    assert result.verdict == PASS
    assert result.exit_code == 0
    assert result.reasons == []
    assert result.budget == Decimal(5000)
    assert result.budget_source == "file"
    assert result.new_total == Decimal("931.68")
    assert result.budget_used_pct == Decimal("18.6")


def test_warn_near_budget():
    result = run_check(plan("head-near-budget"))
    assert result.verdict == WARN
    assert result.exit_code == 0
    assert codes(result) == ["budget.total.near"]
    assert "84.0%" in result.reasons[0].message


def test_warn_at_threshold_is_configurable():
    assert run_check(plan("head-near-budget"), options=CheckOptions(warn_at=Decimal(90))).verdict == PASS
    assert run_check(plan("head-pass"), options=CheckOptions(warn_at=Decimal(10))).verdict == WARN
    assert run_check(plan("head-near-budget"), options=CheckOptions(warn_at=Decimal(100))).verdict == PASS


def test_fail_over_budget():
    result = run_check(plan("head-over-budget"))
    assert result.verdict == FAIL
    assert result.exit_code == 1
    assert codes(result) == ["budget.total"]
    assert "$600.00" in result.reasons[0].message


def test_flag_budget_wins_over_the_file():
    result = run_check(plan("head-over-budget"), options=CheckOptions(budget=Decimal(6000)))
    assert result.budget_source == "flag"
    assert result.verdict == WARN  # 93% of 6000
    result = run_check(plan("head-pass"), options=CheckOptions(budget=Decimal(900)))
    assert result.verdict == FAIL


def test_per_workload_budget_from_file_and_flags():
    document = plan("head-pass")
    document["budgets"]["per_workload"]["support-bot"] = "100"
    result = run_check(document)
    assert result.verdict == FAIL
    assert result.reasons[0].workload == "support-bot"
    # the flag replaces the file's figure for that workload
    result = run_check(document, options=CheckOptions(workload_budgets={"support-bot": Decimal(1000)}))
    assert result.verdict == PASS


def test_budget_flag_for_a_workload_the_plan_lacks_is_an_input_error():
    options = CheckOptions(workload_budgets={"suport-bot": Decimal(1)})
    with pytest.raises(InputError) as info:
        run_check(plan("head-pass"), options=options)
    assert str(info.value) == (
        "--budget suport-bot=1: the plan has no workload 'suport-bot' (did you mean: support-bot)"
    )
    with pytest.raises(InputError, match="its workloads: rag-assistant, support-bot"):
        run_check(plan("head-pass"), options=CheckOptions(workload_budgets={"zzz": Decimal(1)}))


def test_budget_in_a_plan_for_a_workload_it_lacks_is_a_warning():
    document = plan("head-pass")
    document["budgets"]["per_workload"]["gone"] = "10"
    result = run_check(document)
    assert result.verdict == WARN
    assert codes(result) == ["budget.unknown_workload"]


def test_forecast_over_budget_warns():
    document = plan("head-pass")
    document["totals"]["forecast"][-1]["cost"] = "5200"
    result = run_check(document)
    assert result.verdict == WARN
    assert codes(result) == ["budget.forecast"]
    assert "2027-02" in result.reasons[0].message


def test_no_budget_at_all_passes():
    document = plan("head-over-budget")
    document["budgets"] = {"monthly_total": None, "per_workload": {}}
    result = run_check(document)
    assert result.verdict == PASS
    assert result.budget is None


def test_warn_only_demotes_failures():
    result = run_check(plan("head-over-budget"), options=CheckOptions(warn_only=True))
    assert result.verdict == WARN
    assert result.exit_code == 0
    assert result.would_fail
    assert result.reasons[0].demoted
    assert "(warn-only)" in result.reasons[0].message


# ------------------------------------------------------------------------------------------- baseline


def test_baseline_diff_added_removed_changed():
    baseline = plan("baseline")
    baseline["workloads"].append(
        {**copy.deepcopy(baseline["workloads"][0]), "name": "old-job", "monthly_cost": "10.00"}
    )
    baseline["totals"]["monthly_cost"] = "933.45"
    result = run_check(plan("head-increase"), baseline)
    status = {d.name: d.status for d in result.workloads}
    assert status == {
        "rag-assistant": "changed",
        "translate-nightly": "added",
        "old-job": "removed",
        "support-bot": "unchanged",
    }
    rag = next(d for d in result.workloads if d.name == "rag-assistant")
    assert rag.change == Decimal("600.00")
    assert rag.change_pct == Decimal("75.0")
    removed = next(d for d in result.workloads if d.name == "old-job")
    assert removed.change == Decimal("-10.00")
    assert result.change == Decimal("1565.55") - Decimal("933.45")


def test_baseline_increase_over_percent_limit_fails():
    result = run_check(plan("head-increase"), plan("baseline"), CheckOptions(max_increase_pct=Decimal(10)))
    assert result.verdict == FAIL
    assert codes(result) == ["increase.pct"]
    assert "+69.5%" in result.reasons[0].message
    assert result.change_pct == Decimal("69.5")


def test_baseline_increase_over_amount_limit_fails():
    result = run_check(plan("head-increase"), plan("baseline"), CheckOptions(max_increase=Decimal(500)))
    assert codes(result) == ["increase.amount"]
    result = run_check(plan("head-increase"), plan("baseline"), CheckOptions(max_increase=Decimal(700)))
    assert result.verdict == PASS


def single(cost: str) -> dict:
    """A plan document with one workload costing ``cost`` a month."""
    document = plan("head-pass")
    document["workloads"] = document["workloads"][:1]
    document["workloads"][0]["monthly_cost"] = cost
    document["totals"] = {"monthly_cost": cost, "forecast": []}
    document["budgets"] = {"monthly_total": None, "per_workload": {}}
    return document


@pytest.mark.parametrize(
    ("new", "verdict", "shown"),
    [
        ("275.1249", FAIL, "(+10.05%)"),  # +10.04996%: rounds to 10.0 but is over 10
        ("275.0001", FAIL, "(+10.00004%)"),
        ("275.0000", PASS, None),  # exactly at the limit
        ("274.9999", PASS, None),
    ],
)
def test_percent_limit_compares_the_exact_change(new, verdict, shown):
    result = run_check(single(new), single("250.0000"), CheckOptions(max_increase_pct=Decimal(10)))
    assert result.verdict == verdict
    if shown:
        assert codes(result) == ["increase.pct"]
        assert shown in result.reasons[0].message
        assert "over the limit of +10%" in result.reasons[0].message
    # the totals are still shown to 0.1
    assert result.change_pct == Decimal("10.0")


def test_amount_limit_says_by_how_much_when_cents_hide_it():
    result = run_check(single("275.0002"), single("250.0000"), CheckOptions(max_increase=Decimal(25)))
    assert result.verdict == FAIL
    assert "total rose +$25.0002" in result.reasons[0].message
    assert "over the limit of +$25.00" in result.reasons[0].message
    assert run_check(single("275"), single("250"), CheckOptions(max_increase=Decimal(25))).verdict == PASS


@given(
    base=st.decimals(min_value="0.01", max_value=10**6, places=4),
    new=st.decimals(min_value=0, max_value=10**6, places=4),
    limit=st.decimals(min_value=0, max_value=200, places=2),
)
def test_percent_limit_is_exact(base, new, limit):
    result = run_check(single(str(new)), single(str(base)), CheckOptions(max_increase_pct=limit))
    over = (new - base) / base * 100 > limit
    assert (result.verdict == FAIL) == over


def test_increase_within_limit_passes():
    result = run_check(plan("head-pass"), plan("baseline"), CheckOptions(max_increase_pct=Decimal(10)))
    assert result.verdict == PASS
    assert result.change == Decimal("8.23")


def test_noise_floor_hides_small_changes_and_never_fails_the_increase():
    options = CheckOptions(max_increase=Decimal(1), min_delta=Decimal(10))
    result = run_check(plan("head-pass"), plan("baseline"), options)
    assert result.verdict == PASS
    support = next(d for d in result.workloads if d.name == "support-bot")
    assert support.status == "unchanged" and support.below_noise and not support.reported
    # without the floor the same change is reported and breaks the +1 limit
    result = run_check(plan("head-pass"), plan("baseline"), CheckOptions(max_increase=Decimal(1)))
    assert result.verdict == FAIL
    assert next(d for d in result.workloads if d.name == "support-bot").reported


def test_model_change_is_reported_even_below_noise():
    new = plan("baseline")
    new["workloads"][0]["resolved_model"] = new["workloads"][0]["model"] = "deepseek-v3.2-exp"
    result = run_check(new, plan("baseline"), CheckOptions(min_delta=Decimal(1000)))
    diff = next(d for d in result.workloads if d.name == "support-bot")
    assert diff.status == "changed"
    assert "deepseek-v3.2 → deepseek-v3.2-exp" in render_text(result)


def test_baseline_at_another_exchange_rate_is_flagged():
    baseline = plan("baseline")
    baseline["fx"] = "1 USD = 7.12 CNY (default, 2025-10-31)"
    head = plan("head-pass")
    head["fx"] = "1 USD = 5 CNY (given)"
    result = run_check(head, baseline)
    assert result.verdict == WARN
    assert codes(result) == ["fx.differs", "increase.not_gated"]  # the rise is reported, not gated
    assert result.reasons[0].message == (
        "exchange rates differ: baseline 1 USD = 7.12 CNY, new plan 1 USD = 5 CNY; "
        "part of the change is the exchange rate"
    )
    document = json.loads(render_json(result))
    assert document["fx"] == "1 USD = 5 CNY (given)"
    assert document["baseline"]["fx"] == "1 USD = 7.12 CNY (default, 2025-10-31)"
    assert document["reasons"][0]["code"] == "fx.differs"
    assert "- ⚠️ exchange rates differ: baseline 1 USD = 7.12 CNY" in render_markdown(result)
    assert "WARN: exchange rates differ" in render_text(result)


@pytest.mark.parametrize(
    ("before", "after"),
    [
        ("1 USD = 7.12 CNY (default, 2025-10-31)", "1 USD = 7.120 CNY (given)"),  # same rate
        (None, "1 USD = 5 CNY (given)"),  # the baseline converted nothing
        ("1 USD = 7.12 CNY (default, 2025-10-31)", "1 USD = 0.86 EUR (given)"),  # no common currency
    ],
)
def test_same_or_unrelated_exchange_rates_are_not_flagged(before, after):
    baseline = plan("baseline")
    baseline["fx"] = before
    head = plan("head-pass")
    head["fx"] = after
    assert "fx.differs" not in codes(run_check(head, baseline))


def test_max_increase_without_baseline_is_a_note_not_a_failure():
    result = run_check(plan("head-increase"), None, CheckOptions(max_increase_pct=Decimal(1)))
    assert result.verdict == PASS
    assert codes(result) == ["increase.no_baseline"]


def test_baseline_in_another_currency_is_an_input_error():
    baseline = plan("baseline")
    baseline["currency"] = "CNY"
    with pytest.raises(InputError, match="CNY"):
        run_check(plan("head-pass"), baseline)


# ------------------------------------------------------------------------------------------- policies


@pytest.mark.parametrize("block", [False, True])
def test_unknown_current_model_is_an_input_error_never_zero(block):
    document = plan("head-unknown-model")
    document["policies"]["block_unknown_models"] = block
    with pytest.raises(InputError) as info:
        run_check(document, new_source="head.json")
    assert str(info.value) == (
        "head.json: workload 'summarizer': unknown model 'gpt-9' (did you mean: gpt-5, gpt-5-mini)"
    )


def test_unknown_current_model_in_the_baseline_is_an_input_error():
    with pytest.raises(InputError, match=r"base\.json: workload 'summarizer': unknown model 'gpt-9'"):
        run_check(plan("head-pass"), plan("head-unknown-model"), baseline_source="base.json")


UNKNOWN_CANDIDATE = "unknown candidate model 'gpt-9-ultra' (did you mean: gpt-5)"


def test_unknown_candidate_warns_without_the_policy():
    document = plan("head-pass")
    document["problems"] = [UNKNOWN_CANDIDATE]
    result = run_check(document)
    assert result.verdict == WARN
    assert codes(result) == ["unknown_candidate"]
    assert result.reasons[0].message == UNKNOWN_CANDIDATE + "; not compared"


def test_unknown_candidate_fails_with_the_policy():
    document = plan("head-pass")
    document["problems"] = [UNKNOWN_CANDIDATE, "something else the planner noticed"]
    document["policies"]["block_unknown_models"] = True
    result = run_check(document)
    assert result.verdict == FAIL
    assert codes(result) == ["policy.unknown_model", "plan.problem"]
    assert "'gpt-9-ultra'" in result.reasons[0].message
    assert "block_unknown_models" in result.reasons[0].message
    assert result.reasons[1].message == "plan: something else the planner noticed"
    assert run_check(document, options=CheckOptions(warn_only=True)).verdict == WARN


def test_problems_must_be_a_list():
    document = plan("head-pass")
    document["problems"] = "oops"
    with pytest.raises(InputError, match="problems must be a list"):
        run_check(document)


def test_estimated_counts_pass_without_the_policy_and_fail_with_it():
    document = plan("head-estimates")
    result = run_check(document)
    assert result.verdict == PASS
    assert any("estimates for: rag-assistant" in a for a in result.assumptions)
    document["policies"]["require_exact_counts"] = True
    result = run_check(document)
    assert result.verdict == FAIL
    assert codes(result) == ["policy.exact_counts"]
    assert "estimate:o200k_base" in result.reasons[0].message


def test_max_price_per_mtok():
    document = plan("head-pass")
    document["policies"]["max_price_per_mtok"] = {"input": "1", "output": "1"}
    result = run_check(document)
    assert result.verdict == FAIL
    assert codes(result) == ["policy.max_price"]  # gpt-5-mini output $2 > $1; deepseek is under
    assert "gpt-5-mini" in result.reasons[0].message
    document["policies"]["max_price_per_mtok"] = {"input": "10", "output": "40"}
    assert run_check(document).verdict == PASS


def test_max_price_in_another_currency_is_not_compared():
    document = plan("head-pass")
    document["policies"]["max_price_per_mtok"] = {"input": "0.01", "output": None}
    for workload in document["workloads"]:
        workload["price_per_mtok"]["currency"] = "CNY"
    result = run_check(document)
    assert result.verdict == WARN
    assert set(codes(result)) == {"policy.max_price.currency"}


@pytest.mark.parametrize(
    ("denied", "provider", "model", "fails"),
    [
        (["deepseek"], "deepseek", "deepseek-v3.2", True),
        (["DeepSeek"], "deepseek-cn", "deepseek-cn/deepseek-v3.2", True),
        (["deepseek"], "openrouter", "openrouter/deepseek/deepseek-v3.2", True),
        (["anthropic"], "deepseek", "deepseek-v3.2", False),
        (["deep"], "deepseek", "deepseek-v3.2", False),
    ],
)
def test_denied_vendors(denied, provider, model, fails):
    document = plan("head-pass")
    document["policies"]["denied_vendors"] = denied
    document["workloads"][0].update(provider=provider, resolved_model=model)
    result = run_check(document)
    assert (result.verdict == FAIL) is fails
    if fails:
        assert codes(result) == ["policy.denied_vendor"]


# ------------------------------------------------------------------------------------------ documents


def test_malformed_baseline_json():
    with pytest.raises(InputError, match=r"malformed\.json: invalid JSON at line 6"):
        load_plan_document(PLANS / "malformed.json")


def test_wrong_schema_version():
    with pytest.raises(InputError, match=r"tokencost\.plan/2.*not supported"):
        load_plan_document(PLANS / "wrong-schema.json")


@pytest.mark.parametrize(
    ("document", "message"),
    [
        ([], "expected a JSON object"),
        ({"currency": "USD", "workloads": []}, "not a tokencost plan"),
        ({"schema": "tokencost.estimate/1"}, "not a tokencost plan"),
        ({"schema": "tokencost.plan/1", "workloads": []}, "no currency"),
        ({"schema": "tokencost.plan/1", "currency": "USD"}, "no list of workloads"),
        ({"schema": "tokencost.plan/1", "currency": "USD", "workloads": [{"x": 1}]}, "no name"),
        (
            {"schema": "tokencost.plan/1", "currency": "USD", "workloads": [{"name": "a"}, {"name": "a"}]},
            "appears twice",
        ),
        (
            {
                "schema": "tokencost.plan/1",
                "currency": "USD",
                "workloads": [{"name": "a", "monthly_cost": "x"}],
            },
            "not a decimal",
        ),
    ],
)
def test_invalid_documents(document, message):
    with pytest.raises(InputError, match=message):
        validate_plan_document(document, "b.json")


def test_missing_and_empty_baseline(tmp_path):
    with pytest.raises(InputError, match="no such file"):
        load_plan_document(tmp_path / "nope.json")
    (tmp_path / "empty.json").write_text("")
    with pytest.raises(InputError, match="empty file"):
        load_plan_document(tmp_path / "empty.json")


def test_looks_like_plan_document():
    assert looks_like_plan_document((PLANS / "baseline.json").read_text())
    assert looks_like_plan_document((PLANS / "wrong-schema.json").read_text())
    assert not looks_like_plan_document("version: 1\nworkloads: []\n")
    assert not looks_like_plan_document('{"version": 1}')


def test_unknown_keys_are_ignored():
    document = plan("head-pass")
    document["something_new"] = {"x": 1}
    document["workloads"][0]["new_field"] = [1, 2]
    assert run_check(document).verdict == PASS


# ------------------------------------------------------------------------------------------- parsing


@pytest.mark.parametrize(
    ("text", "amount", "code"),
    [
        ("5000", "5000", None),
        ("5,000.50", "5000.50", None),
        ("$120", "120", "USD"),
        ("€120", "120", "EUR"),
        ("£ 120", "120", "GBP"),
        ("¥120", "120", None),
        ("¥120 JPY", "120", "JPY"),
        ("120 usd", "120", "USD"),
    ],
)
def test_parse_amount(text, amount, code):
    assert parse_amount(text, "--budget") == (Decimal(amount), code)


@pytest.mark.parametrize("text", ["-5", "abc", "", "1e3", "5 dollars", "nan", "5 XYZ", "$5 EUR", "¥5 USD"])
def test_parse_amount_rejects(text):
    with pytest.raises(InputError):
        parse_amount(text, "--budget")


def test_parse_amount_currency_must_match():
    with pytest.raises(InputError, match="in CNY, but the plan is in USD"):
        parse_amount("100 CNY", "--budget", currency="USD")
    with pytest.raises(InputError, match="in EUR, but the plan is in USD"):
        parse_amount("€100", "--budget", currency="USD")
    with pytest.raises(InputError, match="in USD, but the plan is in AUD"):
        parse_amount("$100", "--budget", currency="AUD")
    with pytest.raises(InputError, match="may be CNY or JPY, and the plan is in USD"):
        parse_amount("¥100", "--budget", currency="USD")
    assert parse_amount("¥100", "--budget", currency="JPY") == (Decimal(100), "JPY")
    assert parse_amount("¥100", "--budget", currency="CNY") == (Decimal(100), "CNY")
    assert parse_amount("100", "--budget", currency="EUR") == (Decimal(100), None)
    assert parse_increase("25 EUR", currency="EUR") == (Decimal(25), None)
    with pytest.raises(InputError, match="in EUR, but the plan is in USD"):
        parse_increase("25 EUR", currency="USD")


def test_parse_increase_and_percent():
    assert parse_increase("10%") == (None, Decimal(10))
    assert parse_increase("+2.5 %") == (None, Decimal("2.5"))
    assert parse_increase("250") == (Decimal(250), None)
    for bad in ("-3%", "x%", "ten"):
        with pytest.raises(InputError):
            parse_increase(bad)
    assert parse_percent("80%", "--warn-at") == Decimal(80)
    with pytest.raises(InputError):
        parse_percent("120", "--warn-at")


# ------------------------------------------------------------------------------------------ renderers


def test_json_document_is_versioned_and_exact():
    result = run_check(plan("head-increase"), plan("baseline"), CheckOptions(max_increase_pct=Decimal(10)))
    document = json.loads(render_json(result))
    assert document["schema"] == CHECK_SCHEMA
    assert document["verdict"] == "fail"
    assert document["exit_code"] == 1
    assert document["currency"] == "USD"
    assert document["price_date"] == "2026-11-22"
    assert document["totals"] == {
        "baseline": "923.45",
        "new": "1565.55",
        "change": "642.10",
        "change_pct": "69.5",
        "budget": "5000",
        "budget_used_pct": "31.3",
        "month": "2026-12",
    }
    assert document["reasons"][0]["code"] == "increase.pct"
    by_name = {w["name"]: w for w in document["workloads"]}
    assert by_name["translate-nightly"]["status"] == "added"
    assert by_name["rag-assistant"]["change"] == "600.00"


def test_markdown_comment():
    result = run_check(plan("head-increase"), plan("baseline"), CheckOptions(max_increase_pct=Decimal(10)))
    markdown = render_markdown(result)
    assert markdown.splitlines()[0] == MARKER
    assert "❌" in markdown.splitlines()[1]
    assert "| workload | model | baseline | new | change |" in markdown
    assert "| rag-assistant | gpt-5-mini | $800.00 | $1,400.00 | **+$600.00 (+75.0%)** |" in markdown
    assert "| translate-nightly | deepseek-v3.2 | — | $42.10 | added |" in markdown
    assert "Assumptions" in markdown and "prices as checked on 2026-11-22" in markdown
    assert "✅" in render_markdown(run_check(plan("head-pass")))
    assert "⚠️" in render_markdown(run_check(plan("head-near-budget")))


def test_markdown_escapes_table_cells():
    document = plan("head-pass")
    document["workloads"][0]["name"] = "a|b"
    document["budgets"]["per_workload"] = {}
    assert "| a\\|b |" in render_markdown(run_check(document))


def test_text_summary_starts_with_the_verdict():
    text = render_text(run_check(plan("head-over-budget")))
    assert text.startswith("tokencost check: FAIL")
    assert "over the budget of $5,000.00 by $600.00" in text


# -------------------------------------------------------------------------------------------- invariants


@given(
    total=st.decimals(min_value=0, max_value=10**9, places=2, allow_nan=False, allow_infinity=False),
    budget=st.decimals(min_value=0, max_value=10**9, places=2, allow_nan=False, allow_infinity=False),
    warn_at=st.integers(min_value=0, max_value=100),
)
def test_budget_verdict_is_consistent(total, budget, warn_at):
    document = plan("head-pass")
    document["workloads"] = document["workloads"][:1]
    document["workloads"][0]["monthly_cost"] = str(total)
    document["totals"] = {"monthly_cost": str(total), "forecast": []}
    document["budgets"] = {"monthly_total": str(budget), "per_workload": {}}
    result = run_check(document, options=CheckOptions(warn_at=Decimal(warn_at)))
    if total > budget:
        assert result.verdict == FAIL
    elif warn_at < 100 and budget > 0 and total >= budget * warn_at / 100:
        assert result.verdict == WARN
    else:
        assert result.verdict == PASS
    demoted = run_check(document, options=CheckOptions(warn_at=Decimal(warn_at), warn_only=True))
    assert demoted.verdict == (WARN if result.verdict != PASS else PASS)
    assert demoted.exit_code == 0


def test_markdown_lists_each_workloads_assumptions():
    document = plan("head-pass")
    document["workloads"][0]["assumptions"] = ["traffic: 320,000 requests per month (given)"]
    markdown = render_markdown(run_check(document))
    assert "- **support-bot**\n  - traffic: 320,000 requests per month (given)" in markdown


money = st.decimals(min_value=0, max_value=10**7, places=2, allow_nan=False, allow_infinity=False)


@given(
    before=st.dictionaries(st.sampled_from("abcdef"), money, max_size=6),
    after=st.dictionaries(st.sampled_from("abcdef"), money, max_size=6),
    floor=st.sampled_from([Decimal(0), Decimal("0.5"), Decimal(100)]),
)
def test_diff_accounts_for_every_workload_and_the_total(before, after, floor):
    def document(costs):
        base = plan("head-pass")
        template = base["workloads"][0]
        base["workloads"] = [
            {**copy.deepcopy(template), "name": n, "monthly_cost": str(c)} for n, c in costs.items()
        ]
        base["totals"] = {"monthly_cost": str(sum(costs.values(), Decimal(0))), "forecast": []}
        base["budgets"] = {"monthly_total": None, "per_workload": {}}
        return base

    result = run_check(document(after), document(before), CheckOptions(min_delta=floor))
    assert {d.name for d in result.workloads} == set(before) | set(after)
    # every change, reported or not, adds up to the change of the total
    assert sum((d.change for d in result.workloads), Decimal(0)) == result.change
    for diff in result.workloads:
        if diff.status == "unchanged":
            assert diff.change is not None and abs(diff.change) < max(floor, Decimal("0.000001"))
        if diff.status == "changed":
            assert abs(diff.change) >= floor
    assert result.verdict == PASS


def test_plan_document_keeps_sub_cent_money_so_check_never_decides_on_a_rounded_figure(tmp_path):
    # one request a month costs $0.000316: the 4-decimal document of before said 0.0003, and a
    # $0.00031 budget passed although the plan's own table showed it broken
    from tokencost.planner.figures import money as _money

    assert _money(Decimal("0.000316")) == "0.000316"
    assert _money(Decimal("1194.98734700")) == "1194.987347"
    assert _money(Decimal("0")) == "0" and _money(Decimal("100")) == "100"
    assert _money(Decimal("12345678901234567890.123456789012")) == "12345678901234567890.123456789"
    result = run_check(single("0.000316"), None, CheckOptions(budget=Decimal("0.00031")))
    assert result.exit_code == 1


def test_a_workloads_problems_are_findings_a_broken_limit_fails():
    """Only a current model whose card limit is smaller than the requests fails; an unknown window, a broken
    file constraint or anything else the planner noticed warns; the lifecycle notes stay the lifecycle step's;
    a malformed problem never raises."""
    document = plan("head-pass")
    workload = document["workloads"][0]
    model = workload["resolved_model"]
    workload["problems"] = [
        f"current model {model} breaks a constraint: max output 8k < output 9k",
        f"current model {model} breaks a constraint: context window unknown (min_context 200k)",
        f"current model {model} breaks a constraint: vendor x is in deny_vendors",
        "current model",
        f"current model {model} retires on 2099-01-01: cannot be bought from 2099-01",
    ]
    result = run_check(document)
    assert result.verdict == FAIL
    # the retirement is the lifecycle step's notice, not a second finding
    assert codes(result) == ["plan.current_model_limit"] + ["plan.workload_problem"] * 3 + [
        "lifecycle.retiring"
    ]
    assert result.reasons[0].message.endswith(
        f"current model {model} cannot serve it: max output 8k < output 9k"
    )
    assert run_check(document, options=CheckOptions(warn_only=True)).verdict == WARN
