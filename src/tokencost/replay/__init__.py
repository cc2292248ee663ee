"""Replay real usage: read what a team actually sent (provider responses, usage exports, proxy spend logs,
Langfuse, OTel spans, request/response pairs, any CSV/JSONL through a column map), price it as billed on
the logged models, and price the same traffic on other models.

Layer: planner/replay (imports catalog, tokenizers and the cost engine; never the CLI or renderers).
``replay(...)`` returns the ``tokencost.replay/1`` document the CLI prints as JSON.
"""

from __future__ import annotations

from tokencost.replay.record import Skip, UsageRecord

__all__ = ["Skip", "UsageRecord"]
