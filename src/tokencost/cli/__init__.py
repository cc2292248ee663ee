"""The ``tokencost`` command: a thin click layer that parses, calls the library and renders.

Subcommands are imported only when invoked, so ``tokencost count`` does not pay for the planner's imports.
Every command returns the same exit codes: 0 success, 1 a check or budget failed, 2 usage or input error.
"""

from __future__ import annotations

import importlib

import click

from tokencost._version import __version__
from tokencost.errors import EXIT_USAGE, TokencostError

#: command name -> "module:attribute" of its click command, imported lazily.
COMMANDS: dict[str, str] = {
    "models": "tokencost.cli.catalog_cmds:models",
    "prices": "tokencost.cli.catalog_cmds:prices",
    "pricing": "tokencost.cli.pricing_cmds:pricing",
    "count": "tokencost.cli.count_cmd:count",
    "estimate": "tokencost.cli.estimate_cmd:estimate",
    "plan": "tokencost.cli.plan_cmds:plan",
    "init": "tokencost.cli.plan_cmds:init",
    "report": "tokencost.cli.plan_cmds:report",
    "check": "tokencost.cli.check_cmd:check",
    "replay": "tokencost.cli.replay_cmd:replay",
}

COMMAND_HELP: dict[str, str] = {
    "models": "List the models in the price catalog.",
    "prices": "Show every price of one model, with its source.",
    "pricing": "Validate, import and diff price sheets.",
    "count": "Count tokens in files or stdin, per tokenizer family.",
    "estimate": "What a prompt costs on each model, cheapest first.",
    "plan": "Project monthly spend of a workload file on every candidate.",
    "init": "Write a commented starter workload file.",
    "report": "Write a self-contained HTML/Markdown procurement report.",
    "check": "Fail CI when projected spend breaks a budget.",
    "replay": "Price real usage logs as billed and on other models.",
}


class UserError(click.ClickException):
    """A TokencostError shown as one ``Error: ...`` line with its own exit code (never a traceback)."""

    def __init__(self, error: TokencostError) -> None:
        super().__init__(str(error))
        self.exit_code = error.exit_code
        self.error = error


class OneLineUsageError(click.UsageError):
    """A usage error shown as one ``Error: ...`` line and a ``Try '... --help'`` hint, without click's usage
    block (exit code 2, like every usage error)."""

    def show(self, file=None) -> None:
        lines = [f"Error: {self.format_message()}"]
        if self.ctx is not None:
            lines.append(f"Try '{self.ctx.command_path} --help' for help.")
        click.echo("\n".join(lines), file=file, err=file is None)


def _one_line(error: click.UsageError) -> click.UsageError:
    """``error`` as a OneLineUsageError; "no arguments: show the help" keeps click's own behaviour."""
    if isinstance(error, (OneLineUsageError, click.exceptions.NoArgsIsHelpError)):
        return error
    converted = OneLineUsageError(error.format_message(), error.ctx)
    converted.exit_code = error.exit_code
    return converted


class LazyGroup(click.Group):
    """A click group whose subcommands are imported on first use and whose errors are one line."""

    def __init__(
        self, *args, lazy: dict[str, str] | None = None, lazy_help: dict[str, str] | None = None, **kwargs
    ):
        super().__init__(*args, **kwargs)
        self.lazy = dict(lazy or {})
        self.lazy_help = dict(lazy_help or {})

    def list_commands(self, ctx: click.Context) -> list[str]:
        return sorted({*super().list_commands(ctx), *self.lazy})

    def get_command(self, ctx: click.Context, cmd_name: str) -> click.Command | None:
        command = super().get_command(ctx, cmd_name)
        if command is not None or cmd_name not in self.lazy:
            return command
        module_name, attribute = self.lazy[cmd_name].split(":")
        try:
            module = importlib.import_module(module_name)
        except ModuleNotFoundError as exc:
            if exc.name == module_name:
                return None  # planned command not built yet
            raise
        command = getattr(module, attribute)
        self.add_command(command, cmd_name)
        return command

    def make_context(self, info_name, args, parent=None, **extra) -> click.Context:
        try:
            return super().make_context(info_name, args, parent, **extra)
        except click.UsageError as exc:  # the group's own options
            raise _one_line(exc) from None

    def invoke(self, ctx: click.Context):
        try:
            return super().invoke(ctx)
        except TokencostError as exc:
            raise UserError(exc) from None
        except click.UsageError as exc:  # a subcommand's options or arguments, or an unknown command
            raise _one_line(exc) from None

    def format_commands(self, ctx: click.Context, formatter: click.HelpFormatter) -> None:
        # Show help lines without importing every subcommand module.
        rows = []
        for name in self.list_commands(ctx):
            if name in self.lazy_help:
                rows.append((name, self.lazy_help[name]))
            else:
                cmd = self.get_command(ctx, name)
                if cmd is not None and not cmd.hidden:
                    rows.append((name, cmd.get_short_help_str(formatter.width)))
        if rows:
            with formatter.section("Commands"):
                formatter.write_dl(rows)


@click.group(
    cls=LazyGroup,
    lazy=COMMANDS,
    lazy_help=COMMAND_HELP,
    context_settings={"help_option_names": ["-h", "--help"], "max_content_width": 100},
    epilog="Example: tokencost estimate examples/prompts/en.txt",
)
@click.version_option(__version__, "--version", prog_name="tokencost")
def cli() -> None:
    """tokencost: what your LLM traffic will cost, on any model, before you pay for it.

    Token counts are per vendor tokenizer (exact where the tokenizer is available offline, measured
    estimates elsewhere), prices are dated and sourced, money is exact decimal in the sheet's currency.
    """


def main(argv: list[str] | None = None) -> None:
    """Entry point of the console script."""
    cli.main(args=argv, prog_name="tokencost")


__all__ = ["EXIT_USAGE", "LazyGroup", "OneLineUsageError", "cli", "main"]
