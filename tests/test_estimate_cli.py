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
            ["count", "--jobs", "0", "x"],
            "Error: Invalid value for '--jobs' / '-j': 0 is not in the range x>=1.",
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
