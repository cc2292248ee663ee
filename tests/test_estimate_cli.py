"""`tokencost estimate` CLI behaviour found in review: infeasible requests, notices, number formats, stdin,
usage errors, the requests column; and the Python API's argument handling."""

from __future__ import annotations

import pytest

from tokencost.cli import cli


@pytest.mark.parametrize(
    ("args", "message", "hint"),
    [
        (["estimate"], "Error: Missing argument 'PATHS...'.", "Try 'tokencost estimate --help' for help."),
        (
            ["estimate", "x", "--requests", "0"],
            "Error: Invalid value for '--requests': 0 is not in the range x>=1.",
            "Try 'tokencost estimate --help' for help.",
        ),
        (
            ["count", "--no-such-flag"],
            "Error: No such option '--no-such-flag'",
            "Try 'tokencost count --help' for help.",
        ),
        (["--bogus"], "Error: No such option '--bogus'.", "Try 'tokencost --help' for help."),
        (["nosuch"], "Error: No such command 'nosuch'.", "Try 'tokencost --help' for help."),
        (
            ["pricing", "nosuch"],
            "Error: No such command 'nosuch'.",
            "Try 'tokencost pricing --help' for help.",
        ),
        (
            ["estimate", "x", "--format", "nope"],
            "Error: Invalid value for '--format': 'nope' is not one of",
            "Try 'tokencost estimate --help' for help.",
        ),
    ],
)
def test_usage_errors_are_one_error_line_and_a_hint(runner, args, message, hint):
    result = runner.invoke(cli, args, prog_name="tokencost")
    assert result.exit_code == 2
    lines = result.stderr.splitlines()
    assert len(lines) == 2, result.stderr
    assert lines[0].startswith(message) and lines[1] == hint
    assert "Usage:" not in result.output and result.stdout == ""


def test_no_arguments_still_shows_the_help(runner):
    result = runner.invoke(cli, [], prog_name="tokencost")
    assert result.exit_code == 2
    assert result.output.startswith("Usage: tokencost [OPTIONS] COMMAND") and "Commands:" in result.output


@pytest.mark.parametrize(
    ("data", "message"),
    [
        (b"caf\xe9 latin-1", "stdin: is not valid UTF-8 (byte 3)"),
        (b"\x00\x01binary", "stdin: looks like binary data"),
        (b"x" * 101, "stdin: prompt is larger than the 100-byte limit"),
    ],
)
def test_stdin_follows_the_rules_of_a_prompt_file(runner, monkeypatch, tmp_path, data, message):
    from tokencost.cli import estimate_cmd

    monkeypatch.setattr(estimate_cmd, "MAX_PROMPT_BYTES", 100)
    result = runner.invoke(cli, ["estimate", "-", "-m", "gpt-5"], input=data)
    assert result.exit_code == 2
    assert f"Error: {message}" in result.output and "Traceback" not in result.output
    path = tmp_path / "prompt.txt"
    path.write_bytes(data)  # the same bytes in a file are refused too
    assert runner.invoke(cli, ["estimate", str(path), "-m", "gpt-5"]).exit_code == 2


def test_stdin_at_the_limit_and_with_a_bom_is_accepted(runner, monkeypatch):
    from tokencost.cli import estimate_cmd

    monkeypatch.setattr(estimate_cmd, "MAX_PROMPT_BYTES", 100)
    result = runner.invoke(cli, ["estimate", "-", "-m", "gpt-5"], input=b"\xef\xbb\xbf" + b"x " * 48 + b"\n")
    assert result.exit_code == 0, result.output
    assert "gpt-5" in result.output


def test_stdin_given_twice_is_an_error(runner):
    result = runner.invoke(cli, ["estimate", "-", "-", "-m", "gpt-5"], input="hi")
    assert result.exit_code == 2
    assert "Error: - (stdin) given more than once" in result.output
