"""Logged model id -> catalog card through the one resolver (``pricing.resolve``) every command uses, with
the record's host context: a record whose log names its host (an OpenRouter export, LiteLLM's
``custom_llm_provider``, OTel ``gen_ai.provider.name``) is priced on that host's card or not at all. An
ambiguous id is reported with its candidates, an unknown one with suggestions, never priced at 0.
"""

from __future__ import annotations

from collections.abc import Mapping

from tokencost.pricing.catalog import Catalog
from tokencost.pricing.resolve import Resolution, effective_map, resolve
from tokencost.replay.record import UsageRecord

#: why a record is skipped whose input cannot have been sent to its model
OVER_WINDOW = "impossible count: input tokens above the model's context window"


def suggestions(catalog: Catalog, found: Resolution) -> tuple[str, ...]:
    """What to offer for an id that did not resolve: its candidates, the API card of a self-hosted tag,
    else the closest catalog names."""
    if found.ambiguous:
        return found.ambiguous
    if found.self_hosted or found.alternatives:
        return found.alternatives
    return tuple(catalog.suggest(found.logged_id.split("/")[-1]))


class ModelLookup:
    """Resolves each (logged id, host) once (logs repeat a handful of ids millions of times)."""

    def __init__(self, catalog: Catalog, model_map: Mapping[str, str] | None = None) -> None:
        self.catalog = catalog
        self.model_map = effective_map(catalog, model_map)  # the sheets' and scope's maps, then ours
        self._cache: dict[tuple[str, str | None], Resolution] = {}

    def resolve(self, logged: str, host: str | None = None) -> Resolution:
        key = (logged, host)
        found = self._cache.get(key)
        if found is None:
            found = self._cache[key] = self._resolve(logged, host)
        return found

    def _resolve(self, logged: str, host: str | None) -> Resolution:
        if not logged.strip():
            return Resolution(
                logged, None, None, host, host is not None, chain=("the record names no model",)
            )
        return resolve(self.catalog, logged, host=host, model_map=self.model_map)

    def impossible(self, record: UsageRecord) -> str | None:
        """Why ``record``'s counts cannot be its model's (input per request above the input limit the
        catalog knows: ``max_input_tokens``, else ``context_window``), or None. Only for chat and completion
        models: an embeddings request carries many inputs, each within the window."""
        entry = self.resolve(record.model, record.host).entry
        if entry is None or entry.model.mode not in ("chat", "completion"):
            return None
        if record.aggregated and record.requests < 1:
            return None
        limit = entry.model.max_input_tokens or entry.model.context_window
        if limit and record.input_tokens > limit * max(record.requests, 1):
            return OVER_WINDOW
        return None
