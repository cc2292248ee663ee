"""``plan --check-args``: of the arguments given to ``tokencost check``, the ones that change the plan, so a
baseline planned for ``check --baseline`` (CI: the base commit) is priced as the check plans the head."""

from __future__ import annotations

import shlex

from tokencost.errors import InputError

#: ``check`` options that change the plan itself (currency, rates, prices, names, counting); the rest
#: (budgets, limits, format) only judge it
PLAN_OPTIONS = ("--currency", "--fx", "--at", "--pricing", "--map", "--online", "--calibration")


def plan_tokens(text: str) -> list[str]:
    """The plan-affecting options of the ``check`` arguments ``text`` (shell words), as plan arguments.

    Every word must be an option of ``tokencost check`` (a typo is an error here rather than in the check
    step); options that only judge the plan are dropped."""
    from tokencost.cli.check_cmd import check

    try:
        words = shlex.split(text)
    except ValueError as exc:
        raise InputError(f"--check-args {text!r}: {exc}") from None
    options = {name: param for param in check.params for name in getattr(param, "opts", ())}
    out: list[str] = []
    index = 0
    while index < len(words):
        word = words[index]
        name, eq, _ = word.partition("=") if word.startswith("--") else (word, "", "")
        param = options.get(name) if name.startswith("-") else None
        if param is None:
            raise InputError(f"--check-args: {word!r} is not an option of `tokencost check`")
        flag = getattr(param, "is_flag", False)
        if flag or eq:
            taken = [word]
        elif index + 1 < len(words):
            taken = [word, words[index + 1]]
        else:
            raise InputError(f"--check-args: {word} needs a value")
        if name in PLAN_OPTIONS or (param.opts and param.opts[0] in PLAN_OPTIONS):
            out += taken
        index += len(taken)
    return out
