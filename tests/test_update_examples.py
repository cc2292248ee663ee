"""The README's price-maintenance commands and the price-drift CI job run as written (on fixture references)."""

from __future__ import annotations

import re
import shlex
from pathlib import Path

import pytest
from click.testing import CliRunner

from tokencost.cli import cli

REPO = Path(__file__).resolve().parents[1]
FIXTURES = Path(__file__).parent / "fixtures"
REFERENCES = {"litellm": FIXTURES / "litellm_prices.json", "genai-prices": FIXTURES / "genai_prices_data.txt"}
SHEET = """\
provider: {id: acme, name: Acme Cloud, kind: host, currency: USD, checked: 2026-11-01}
models:
  - id: acme/acme-large
    tokenizer: generic
    reference_checks:
      - {reference: genai-prices, checked: 2026-12-04, field: input, theirs: 1.2, verdict: stale, reason: Acme cut it.}
      - {reference: genai-prices, checked: 2026-12-04, field: cache_read, theirs: 0.12, verdict: stale, reason: Cut.}
    prices: {input: 1, output: 3, cache_read: 0.1}
"""


def commands(text: str) -> list[str]:
    """Every `tokencost pricing diff|update ...` command line in ``text`` (comments and pipes cut)."""
    found = re.findall(r"^\s*(tokencost pricing (?:diff|update) [^\n]*)$", text, re.M)
    return [re.split(r"\s+(?:#|>|>>)\s", line)[0].strip() for line in found]


def run(line: str, sheets: Path):
    args = shlex.split(line)[1:]
    source = args[args.index("--from") + 1]
    out = []
    for arg in args:
        if arg.endswith(".whl"):
            arg = str(REFERENCES[source])
        elif arg in ("my-prices/", '"$SHEETS_DIR"', "$SHEETS_DIR"):
            arg = str(sheets)
        out.append(arg)
    return CliRunner().invoke(cli, out)


@pytest.mark.parametrize("document", ["README.md", "examples/ci/price-drift.yml"])
def test_maintenance_commands_run_as_documented(document, tmp_path):
    found = commands((REPO / document).read_text(encoding="utf-8"))
    assert len(found) >= 3, found
    sheets = tmp_path / "sheets"
    sheets.mkdir()
    (sheets / "acme.yaml").write_text(SHEET)
    for line in found:
        result = run(line, sheets)
        assert result.exit_code == 0, (line, result.output)
