"""Logged model id -> catalog entry, with the log's host context (an OpenRouter slug is looked up as
OpenRouter's model first). Dated snapshots and provider prefixes resolve through the catalog's aliases
and loose matching; what is left is tried without a trailing date and without a resource path
(``projects/.../models/gemini-2.5-flash``). An unknown id is reported with suggestions, never priced at 0.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from tokencost.pricing.catalog import Catalog, Entry

_DATE_SUFFIX = re.compile(r"(?:[-@]\d{8}|-\d{4}-\d{2}-\d{2}|-\d{4}|-latest)$")
#: host context (a log's provider/host field) -> catalog provider prefix that serves those ids
_HOST_PREFIX = {"openrouter": "openrouter", "bedrock": "bedrock", "azure": "azure", "vertex_ai": "vertex"}


@dataclass(frozen=True)
class Resolved:
    """A logged id's entry (None when unknown), how it was found, and suggestions when it was not."""

    logged: str
    entry: Entry | None
    resolved_by: str
    suggestions: tuple[str, ...] = ()


def _candidates(logged: str, host: str | None) -> list[tuple[str, str]]:
    name = logged.strip()
    if "/models/" in name:
        name = name.rsplit("/models/", 1)[1]
    name = name.removeprefix("models/")
    tries = []
    prefix = _HOST_PREFIX.get((host or "").lower())
    if prefix and not name.lower().startswith(prefix + "/"):
        tries.append((f"{prefix}/{name}", f"host {host}"))
    tries.append((name, "id or alias"))
    bare = name.split("/")[-1]
    if bare != name:
        tries.append((bare, "without the provider prefix"))
    undated = _DATE_SUFFIX.sub("", bare)
    if undated != bare:
        tries.append((undated, "without the date suffix"))
    return tries


class ModelLookup:
    """Resolves logged ids once each (logs repeat a handful of ids millions of times)."""

    def __init__(self, catalog: Catalog, model_map: dict[str, str] | None = None) -> None:
        self.catalog = catalog
        self.model_map = dict(model_map or {})
        self._cache: dict[tuple[str, str | None], Resolved] = {}

    def resolve(self, logged: str, host: str | None = None) -> Resolved:
        key = (logged, host)
        found = self._cache.get(key)
        if found is None:
            found = self._cache[key] = self._resolve(logged, host)
        return found

    def _resolve(self, logged: str, host: str | None) -> Resolved:
        mapped = self.model_map.get(logged)
        if mapped:
            entry = self.catalog.find(mapped)
            if entry is not None:
                return Resolved(logged, entry, "model map")
        for name, how in _candidates(logged, host):
            entry = self.catalog.find(name)
            if entry is not None:
                return Resolved(logged, entry, how)
        return Resolved(logged, None, "unknown", tuple(self.catalog.suggest(logged.split("/")[-1])))
