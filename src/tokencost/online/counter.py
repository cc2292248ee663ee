"""A counter that asks the vendor: exact counts of plain text from a count endpoint, cached on disk."""

from __future__ import annotations

import hashlib
import json

from tokencost import cache
from tokencost.errors import InputError
from tokencost.online import http
from tokencost.online.chat import carried, vendor_body
from tokencost.online.vendors import Vendor, vendor_for_family
from tokencost.tokenizers import chunking
from tokencost.tokenizers.chat.model import Request
from tokencost.tokenizers.exact import Counter

#: the longest piece of text sent in one request (a long file is counted piece by piece at safe cuts)
PIECE_CHARS = 100_000


class OnlineCounter(Counter):
    """Exact counts from ``vendor``'s count endpoint for ``model``.

    The endpoint counts a whole request: one user message holding the text, plus the message framing. The
    framing is measured once per model as the count of a one-character message minus one, and subtracted,
    so that the count is of the text alone, as offline counters report it."""

    exact = True
    error_band = None
    chunk_safe = True
    backend = "vendor count endpoint"

    def __init__(self, vendor: Vendor, model: str) -> None:
        self.vendor = vendor
        self.model = model
        self.family = vendor.family
        self._framing: int | None = None
        self.method = f"exact:{vendor.family} (vendor count endpoint: {vendor.name}, model {model})"
        self.requests_sent = 0
        #: why chat requests were counted offline (reason -> how many): parts a vendor body cannot carry
        self.offline: dict[str, int] = {}
        #: the first error the endpoint (or a missing key) gave, if any
        self.failure: InputError | None = None

    def count(self, text: str) -> int:
        if not text:
            return 0
        return sum(self._count(piece) for piece in chunking.split_text(text, PIECE_CHARS))

    def _count(self, text: str) -> int:
        return max(0, self.count_request(self.vendor.text_request(self.model, text)) - self.framing())

    def count_chat(self, request: Request) -> int | None:
        """The endpoint's count of a chat request sent as the vendor's own request (framing included: what is
        billed), or None when the request holds parts the vendor body cannot carry (counted offline)."""
        if not any(m.role not in ("system", "developer") for m in request.messages):
            return None  # no turn to send (a tools-only count): the framing model counts it
        body = vendor_body(self.family, self.model, request)
        if body is None:
            reason = carried(request) or "unsupported parts"
            self.offline[reason] = self.offline.get(reason, 0) + 1
            return None
        return self.count_request(body)

    def framing(self) -> int:
        """Tokens the endpoint adds around one user message (the count of ``.`` minus its one token)."""
        if self._framing is None:
            self._framing = max(0, self.count_request(self.vendor.text_request(self.model, ".")) - 1)
        return self._framing

    def count_request(self, body: dict) -> int:
        """The endpoint's count of a whole request in the vendor's shape (framing included), cached."""
        canonical = json.dumps([self.vendor.name, self.model, body], sort_keys=True, ensure_ascii=False)
        key = hashlib.sha256(canonical.encode("utf-8")).hexdigest()
        cached = _load(key)
        if cached is not None:
            return cached
        url = self.vendor.base_url() + self.vendor.path(self.model)
        try:
            answer = http.post_json(url, self.vendor.headers(self.vendor.api_key()), body, self.vendor.name)
            self.requests_sent += 1
            tokens = self.vendor.read_count(answer)
        except InputError as error:  # kept so a caller that tolerates bad records still stops (replay)
            self.failure = error
            raise
        _store(key, tokens)
        return tokens


def _load(key: str) -> int | None:
    directory = cache.cache_dir()
    if directory is None:
        return None
    try:
        value = json.loads((directory / "online" / f"{key}.json").read_text("utf-8"))["tokens"]
    except (OSError, ValueError, KeyError, TypeError):
        return None
    return value if isinstance(value, int) and not isinstance(value, bool) and value >= 0 else None


def _store(key: str, tokens: int) -> None:
    directory = cache.cache_dir()
    if directory is not None:
        cache.write_bytes(directory / "online" / f"{key}.json", json.dumps({"tokens": tokens}).encode())


def online_counter(family: str, model: str | None = None) -> OnlineCounter | None:
    """The online counter of ``family`` (for ``model``, an API id; else the vendor's default model), or None
    when no vendor offers a count endpoint for it."""
    vendor = vendor_for_family(family)
    if vendor is None:
        return None
    vendor.api_key()  # a missing key is an error before anything is counted
    return OnlineCounter(vendor, model or vendor.default_model)
