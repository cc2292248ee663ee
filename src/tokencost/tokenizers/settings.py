"""The client's settings that change counts and prices, carried with every partition to the processes that run
it: the calibration file in use (``--calibration``, ``$TOKENCOST_CALIBRATION``, the default file, or none) and
``$TOKENCOST_PRICING``. A Dask worker was started elsewhere, with its own environment and none of the client's
flags; it takes the client's settings before it counts, so its totals are the client's.
"""

from __future__ import annotations

import os
from collections.abc import Callable
from typing import Any

from tokencost.remote import for_workers

#: ``tokencost.pricing.catalog.ENV_VAR``, named here so counting does not import the catalog
ENV_VAR = "TOKENCOST_PRICING"

#: (calibration file as workers open it, or None for none; $TOKENCOST_PRICING with absolute paths, or None)
Settings = tuple[str | None, str | None]


def current() -> Settings:
    """This process's settings, with paths other processes can open."""
    from tokencost.tokenizers.calibrated import active_path

    path = active_path()
    pricing = os.environ.get(ENV_VAR)
    if pricing:
        pricing = os.pathsep.join(for_workers(p) if p else p for p in pricing.split(os.pathsep))
    return (for_workers(str(path)) if path is not None else None, pricing)


def apply(settings: Settings) -> None:
    """Take ``settings`` in this process (a worker), changing only what differs (counters reload then)."""
    from tokencost.tokenizers import calibrated

    calibration, pricing = settings
    active = calibrated.active_path()
    if (str(active) if active is not None else None) != calibration:
        if calibration is None:
            os.environ["TOKENCOST_CALIBRATION"] = ""  # none: not even this worker's default file
            calibrated.use_file(None)
        else:
            calibrated.use_file(calibration)
    if os.environ.get(ENV_VAR) != pricing:
        if pricing is None:
            os.environ.pop(ENV_VAR, None)
        else:
            os.environ[ENV_VAR] = pricing  # catalogs are cached per value: the next load reads these sheets


def run_with(settings: Settings, fn: Callable[[Any], Any], unit: Any) -> Any:
    """``fn(unit)`` under the client's ``settings``: what engines run (``functools.partial`` of it)."""
    apply(settings)
    return fn(unit)


def carried(fn: Callable[[Any], Any]) -> Callable[[Any], Any]:
    """``fn`` with this process's settings bound, ready to send to workers."""
    from functools import partial

    return partial(run_with, current(), fn)
