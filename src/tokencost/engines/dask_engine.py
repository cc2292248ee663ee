"""A Dask cluster: a running scheduler (``--scheduler tcp://host:8786``) or a LocalCluster of ``jobs`` worker
processes started here and closed at the end. Tasks are retried when a worker dies; each partition's result
is merged once, whichever attempt produced it, so nothing is counted twice."""

from __future__ import annotations

import logging
from collections.abc import Callable, Iterable, Iterator
from functools import partial
from typing import Any

from tokencost.errors import InputError

INSTALL = "pip install 'tokencost-advisor[dask]'"
#: seconds to wait for a scheduler to answer before giving up
CONNECT_TIMEOUT = 10
#: times a task is retried when its worker dies or it fails
RETRIES = 3


def _distributed():
    try:
        import distributed
    except ImportError:
        raise InputError(f"--engine dask needs Dask: {INSTALL}") from None
    import logging

    # the cluster's own chatter (worker start/stop, heartbeats at shutdown) is not the user's business
    for name in ("distributed", "distributed.nanny", "distributed.worker", "distributed.scheduler"):
        logging.getLogger(name).setLevel(logging.ERROR)
    return distributed


class DaskEngine:
    name = "dask"
    #: bytes of text per counting task: 4 MiB made one worker about 10 % and two about 7 % faster than 1 MiB
    #: (200 MiB, benchmarks/README.md), and still leaves 50 tasks per 200 MiB to spread and retry
    segment_bytes = 4 << 20

    def __init__(self, jobs: int = 1, scheduler: str | None = None) -> None:
        distributed = _distributed()
        self._cluster = None
        self.scheduler = scheduler
        try:
            if scheduler:
                _probe(scheduler)
                self.client = distributed.Client(scheduler, timeout=CONNECT_TIMEOUT, set_as_default=False)
            else:
                import dask

                # no dashboard is served, so nothing reads the workers' statistical profiler: it only takes
                # the GIL from the counting thread every 10 ms (about 5 % of a worker's speed, measured)
                with dask.config.set({"distributed.worker.profile.enabled": False}):
                    self._cluster = distributed.LocalCluster(
                        n_workers=max(1, jobs),
                        threads_per_worker=1,
                        processes=True,
                        dashboard_address=None,
                        # a task's failure reaches the user as one line through its future, not as worker logs
                        silence_logs=logging.CRITICAL,
                    )
                self.client = distributed.Client(self._cluster, set_as_default=False)
        except Exception as exc:  # refused, timed out, or something else answering there
            where = scheduler or "a local cluster"
            reason = f"{type(exc).__name__}: {exc}".splitlines()[0][:200]
            if not isinstance(exc, (OSError, TimeoutError, ValueError)):
                reason = f"what answered there is not a Dask scheduler: {reason}"
            raise InputError(f"cannot reach the Dask scheduler at {where} ({reason})") from None

    def map_unordered(self, fn: Callable[[Any], Any], units: Iterable[Any]) -> Iterator[Any]:
        distributed = _distributed()
        units = list(units)
        if not units:
            return
        futures = self.client.map(partial(on_worker, fn), units, retries=RETRIES, pure=False)
        for future in distributed.as_completed(futures, loop=self.client.loop):
            result = _result(future)
            if isinstance(result, Failed):
                raise _as_input_error(result.error)
            yield result

    def close(self) -> None:
        self.client.close()
        if self._cluster is not None:
            self._cluster.close()


def _probe(address: str) -> None:
    """Connect to ``address`` and shake hands, within CONNECT_TIMEOUT: an address where nothing listens, or
    where something that is not a Dask scheduler answers, fails here before a Client half-starts (whose
    clean-up would print to stderr and wait)."""
    import asyncio

    from distributed.comm import connect

    async def handshake() -> None:
        comm = await asyncio.wait_for(connect(address, timeout=CONNECT_TIMEOUT), CONNECT_TIMEOUT + 1)
        await comm.close()

    asyncio.run(handshake())


#: modules of the tokenizers extra (a worker without them cannot count exactly)
TOKENIZER_MODULES = ("tiktoken", "tokenizers", "sentencepiece", "huggingface_hub")


class WorkerImportError(Exception):
    """A partition failed on a worker that lacks a module: carries the worker's address and the module."""

    def __init__(self, worker: str, module: str) -> None:
        super().__init__(worker, module)
        self.worker, self.module = worker, module


class WorkerReadError(Exception):
    """A partition failed on a worker that cannot read its file: carries the worker's address and the path."""

    def __init__(self, worker: str, path: str, reason: str) -> None:
        super().__init__(worker, path, reason)
        self.worker, self.path, self.reason = worker, path, reason


class WorkerInputError(Exception):
    """A partition stopped on a worker with tokencost's own one-line error (a log it cannot parse, a package a
    format needs): carries the worker's address and the message."""

    def __init__(self, worker: str, message: str) -> None:
        super().__init__(worker, message)
        self.worker, self.message = worker, message


def _worker_address() -> str:
    try:
        from distributed import get_worker

        return get_worker().address
    except (ImportError, ValueError):
        return "(unknown worker)"


class Failed:
    """What a task returns when its worker lacks a module, cannot read its file or stops on tokencost's own
    error: the same on every retry, so it is returned (not raised: no retries, no worker log) and the driver
    stops with one line."""

    def __init__(self, error: Exception) -> None:
        self.error = error


def on_worker(fn: Callable[[Any], Any], unit: Any) -> Any:
    """``fn(unit)`` on a Dask worker; a missing module or an unreadable file is reported with the worker."""
    from tokencost.errors import TokencostError
    from tokencost.remote import Unreadable

    try:
        return fn(unit)
    except ImportError as exc:
        return Failed(WorkerImportError(_worker_address(), exc.name or str(exc)))
    except Unreadable as exc:
        return Failed(WorkerReadError(_worker_address(), exc.path, exc.reason))
    except OSError as exc:
        path = str(exc.filename) if exc.filename else "a file"
        return Failed(WorkerReadError(_worker_address(), path, exc.strerror or str(exc)))
    except TokencostError as exc:
        return Failed(WorkerInputError(_worker_address(), str(exc)))


def _as_input_error(exc: WorkerImportError | WorkerReadError | WorkerInputError) -> InputError:
    if isinstance(exc, WorkerImportError):
        return _missing(exc)
    if isinstance(exc, WorkerInputError):
        return InputError(f"{exc.message} (on Dask worker {exc.worker})")
    return InputError(
        f"Dask worker {exc.worker} cannot read {exc.path} ({exc.reason}): workers need the same paths "
        "(a shared filesystem) or URLs"
    )


def _missing(exc: WorkerImportError) -> InputError:
    top = exc.module.split(".")[0]
    extra = "tokenizers" if top in TOKENIZER_MODULES else None
    install = (
        f"pip install 'tokencost-advisor[{extra}]'" if extra else f"install {top} (or tokencost-advisor)"
    )
    return InputError(f"Dask worker {exc.worker} cannot import {top!r}: {install} on every worker")


def _result(future) -> Any:
    """A finished task's result; a task that failed for good is an error naming what it was counting."""
    from tokencost.errors import TokencostError

    try:
        return future.result()
    except TokencostError:
        raise
    except (WorkerImportError, WorkerReadError, WorkerInputError) as exc:
        raise _as_input_error(exc) from None
    except ModuleNotFoundError as exc:
        raise InputError(
            f"a Dask worker cannot import {exc.name!r}: install tokencost-advisor with the same extras on "
            "every worker"
        ) from None
    except OSError as exc:
        raise InputError(
            f"a Dask worker cannot read {getattr(exc, 'filename', None) or exc}: "
            "workers need the same paths (a shared filesystem) or URLs"
        ) from None
