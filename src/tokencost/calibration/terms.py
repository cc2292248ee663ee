"""A request's chat count as a linear function of its texts' estimator features, through the same framing model
that counts it (``tokenizers.chat.framing``): ``framing + weights . features``. The framing model weighs each
text's tokens by its kind (Claude's text x1.06, tool definitions x1.05...), so a calibration fitted on the raw
feature sums would be scaled again when applied; fitted on these, the count ``calibrate`` measured is the count
``count``, ``estimate``, ``plan`` and ``replay`` give (issue 20: calibration builds on the chat framing model).
"""

from __future__ import annotations

from typing import Any

from tokencost.tokenizers import estimator


class Terms:
    """A count as (constant, per-feature vector): sums, differences and scalings of counts stay linear, so the
    framing model's weighted sum of ``Terms`` is the request's count as a function of the weights."""

    __slots__ = ("const", "vec")

    def __init__(self, const: float = 0.0, vec: tuple[float, ...] = ()) -> None:
        self.const, self.vec = const, vec

    def _plus(self, other: Any, sign: float) -> Terms:
        if isinstance(other, Terms):
            vec = self.vec or (0.0,) * len(other.vec)
            ovec = other.vec or (0.0,) * len(vec)
            return Terms(
                self.const + sign * other.const, tuple(a + sign * b for a, b in zip(vec, ovec, strict=True))
            )
        return Terms(self.const + sign * float(other), self.vec)

    def __add__(self, other: Any) -> Terms:
        return self._plus(other, 1.0)

    __radd__ = __add__

    def __sub__(self, other: Any) -> Terms:
        return self._plus(other, -1.0)

    def __rsub__(self, other: Any) -> Terms:
        return (self * -1.0) + other

    def __mul__(self, factor: Any) -> Terms:
        k = float(factor)
        return Terms(self.const * k, tuple(k * v for v in self.vec))

    __rmul__ = __mul__


def request_terms(request: Any, family: str) -> tuple[float, tuple[float, ...], list[str]] | None:
    """(framing constant, weighted feature sums, the texts) of a logged request (a body or a parsed ``Request``)
    on an estimated ``family``
    (None when its vendor frames with a chat template: those families have exact tokenizers)."""
    from tokencost.tokenizers.chat import Request, parse_request
    from tokencost.tokenizers.chat import framing as chat_framing
    from tokencost.tokenizers.chat.framing.features import features

    vendor = chat_framing.vendor_of(family)
    if vendor == "template":
        return None
    parsed = request if isinstance(request, Request) else parse_request(request)
    texts: list[str] = []

    def count(text: str) -> Terms:
        texts.append(text)
        return Terms(0.0, tuple(float(x) for x in estimator.features(text)) if text else ())

    zeros = (0.0,) * len(estimator.FEATURES)
    if not (parsed.messages or parsed.system or parsed.tools or parsed.response_schema):
        return 0.0, zeros, texts
    gen = chat_framing.generation(family, parsed.model)
    coef = chat_framing.constants()["generations"][gen]["coef"]
    prompt = (
        chat_framing.tool_prompt(parsed.model, parsed.tool_choice)
        if vendor == "anthropic" and parsed.tools
        else 0
    )
    total = Terms(0.0, zeros)
    for name, value in features(parsed, vendor, count, prompt, gen).items():
        total = total + coef.get(name, 0) * value
    return total.const, total.vec, texts
