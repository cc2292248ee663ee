"""Shared fixtures: isolated price sheets and a CLI runner that never sees the user's environment."""

from __future__ import annotations

import json
import textwrap
from pathlib import Path

import pytest
from click.testing import CliRunner

from tokencost.pricing import catalog as catalog_module


@pytest.fixture(autouse=True)
def _isolated_environment(monkeypatch, tmp_path_factory):
    """No test reads the developer's overlays or caches."""
    monkeypatch.delenv("TOKENCOST_PRICING", raising=False)
    monkeypatch.delenv("GITHUB_STEP_SUMMARY", raising=False)
    monkeypatch.delenv("TOKENCOST_CACHE_DIR", raising=False)
    monkeypatch.delenv("TOKENCOST_NO_CACHE", raising=False)
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path_factory.getbasetemp() / "xdg-cache"))
    # no test reads the developer's calibration file (tests that calibrate write under their own tmp dir)
    monkeypatch.setenv("XDG_CONFIG_HOME", str(tmp_path_factory.getbasetemp() / "xdg-config"))
    monkeypatch.delenv("TOKENCOST_CALIBRATION", raising=False)
    # nor the developer's copy of Gemma 3's tokenizer (it makes Gemini counts exact)
    for name in ("TOKENCOST_GEMMA3_TOKENIZER", "HF_HOME", "HF_HUB_CACHE"):
        monkeypatch.delenv(name, raising=False)
    catalog_module._cached_catalog.cache_clear()
    yield
    catalog_module._cached_catalog.cache_clear()


@pytest.fixture
def runner() -> CliRunner:
    return CliRunner()


def write_sheet(directory: Path, name: str, body: str) -> Path:
    """Write dedented YAML (a price sheet, a workload file) to ``directory / name``; return its path."""
    path = directory / name
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(textwrap.dedent(body).lstrip(), encoding="utf-8")
    return path


ACME_SHEET = """
    provider:
      id: acme
      name: Acme AI
      kind: vendor
      currency: USD
      pricing_urls: [https://acme.example/pricing]
      checked: 2026-11-01
    models:
      - id: acme-large
        aliases: [acme-large-2026-01, acme/large]
        tokenizer: o200k_base
        context_window: 128000
        capabilities: [tools, vision]
        prices:
          input: 2.5
          output: 10
          cache_read: 0.25
          tiers:
            - {above: 100000, input: 5, output: 15}
          variants:
            batch: {input: 1.25, output: 5}
      - id: acme-mini
        tokenizer: cl100k_base
        prices: {input: 0.1, output: 0.4}
"""


@pytest.fixture
def acme_dir(tmp_path) -> Path:
    directory = tmp_path / "acme"
    write_sheet(directory, "acme.yaml", ACME_SHEET)
    return directory


def fake_clock_span(start_ns: str, model: str = "gpt-4o") -> str:
    """One OTLP span as an instrumentation's test suite records it: a fake clock counting from 1970."""
    attrs = [
        {"key": "gen_ai.provider.name", "value": {"stringValue": "openai"}},
        {"key": "gen_ai.request.model", "value": {"stringValue": model}},
        {"key": "gen_ai.usage.input_tokens", "value": {"intValue": "100"}},
        {"key": "gen_ai.usage.output_tokens", "value": {"intValue": "10"}},
    ]
    span = {"traceId": "ab" * 16, "spanId": "cd" * 8, "name": f"chat {model}", "kind": 3}
    span |= {"startTimeUnixNano": start_ns, "endTimeUnixNano": start_ns, "attributes": attrs}
    scope = {"scope": {"name": "opentelemetry.instrumentation.openai_v2"}, "spans": [span]}
    return json.dumps({"resourceSpans": [{"resource": {"attributes": []}, "scopeSpans": [scope]}]})
