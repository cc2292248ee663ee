"""tokencost: what LLM traffic will cost before you pay for it.

Library entry points (the CLI is a thin layer over these):
- ``load_catalog()``: the price catalog (bundled sheets + overlays).
"""

from tokencost._version import __version__
from tokencost.pricing.catalog import load_catalog

__all__ = ["__version__", "load_catalog"]
