"""A vendor name no provider or creator answers to is an input error with the closest names, wherever a vendor
list is given (deny/allow lists, denied_vendors, vendor: selectors, --vendor): never silently ignored."""

from __future__ import annotations

import textwrap

import pytest
from click.testing import CliRunner

from tokencost import estimate
from tokencost.cli import cli
from tokencost.errors import InputError

WORKLOAD = textwrap.dedent(
    """\
    version: 1
    currency: USD
    start: 2027-01-01
    horizon_months: 1
    candidates: [gpt-5.4-mini, deepseek-v3.2]
    constraints:
      deny_vendors: [{deny}]
      allow_vendors: [{allow}]
    policies:
      denied_vendors: [{denied}]
    workloads:
      - name: a
        model: gpt-5.4-mini
        requests_per_month: 1000
        input_tokens: 1000
        output_tokens: 100
    """
)


def _check(tmp_path, deny="deepseek", allow="deepseek, openai", denied="xai"):
    path = tmp_path / "w.yaml"
    path.write_text(WORKLOAD.format(deny=deny, allow=allow, denied=denied))
    return CliRunner().invoke(cli, ["check", str(path)])


def test_correct_vendor_lists_pass(tmp_path):
    assert _check(tmp_path).exit_code == 0


@pytest.mark.parametrize(
    ("lists", "where", "wrong", "meant"),
    [
        ({"deny": "deep-seek"}, "w.yaml:7: constraints.deny_vendors[0]", "deep-seek", "deepseek"),
        ({"allow": "deepseek, opnai"}, "w.yaml:8: constraints.allow_vendors[1]", "opnai", "openai"),
        ({"denied": "open-ai"}, "w.yaml:10: policies.denied_vendors[0]", "open-ai", "openai"),
    ],
)
def test_a_typo_in_a_vendor_list_is_an_input_error_with_did_you_mean(tmp_path, lists, where, wrong, meant):
    result = _check(tmp_path, **lists)
    assert result.exit_code == 2, result.output
    assert f"{where}: unknown vendor {wrong!r} (did you mean: {meant}" in result.output
    assert "PASS" not in result.output and "Traceback" not in result.output


def test_plan_refuses_the_typo_too(tmp_path):
    path = tmp_path / "w.yaml"
    path.write_text(WORKLOAD.format(deny="deep-seek", allow="openai", denied="xai"))
    result = CliRunner().invoke(cli, ["plan", str(path)])
    assert result.exit_code == 2
    assert "unknown vendor 'deep-seek' (did you mean: deepseek" in result.output


def test_vendor_selector_says_did_you_mean(tmp_path):
    path = tmp_path / "w.yaml"
    body = WORKLOAD.format(deny="xai", allow="openai", denied="xai")
    path.write_text(body.replace("[gpt-5.4-mini, deepseek-v3.2]", "[vendor:opneai]"))
    result = CliRunner().invoke(cli, ["check", str(path)])
    assert result.exit_code == 2
    assert "candidates[0]: unknown vendor 'opneai' (did you mean: openai)" in result.output


@pytest.mark.parametrize("command", ["estimate", "models"])
def test_one_unknown_vendor_among_known_ones_is_an_error(tmp_path, command):
    (tmp_path / "p.txt").write_text("hello")
    args = [str(tmp_path / "p.txt")] if command == "estimate" else []
    result = CliRunner().invoke(cli, [command, *args, "--vendor", "deepseek", "--vendor", "nope"])
    assert result.exit_code == 2, result.output
    assert "--vendor: unknown vendor 'nope' (known vendors: " in result.output
    typo = CliRunner().invoke(cli, [command, *args, "--vendor", "deepseek", "--vendor", "anthropik"])
    assert "--vendor: unknown vendor 'anthropik' (did you mean: anthropic)" in typo.output


def test_library_estimate_refuses_an_unknown_vendor():
    with pytest.raises(InputError, match="vendors: unknown vendor 'nope'"):
        estimate("hello", vendors=["deepseek", "nope"])
