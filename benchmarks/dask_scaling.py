"""Dask engine scaling: the same input counted on 1, 2 and 4 workers, against ``--engine local --jobs N``.

    python benchmarks/dask_scaling.py                # the issue's run: a 200 MB input, 1, 2 and 4 workers
    python benchmarks/dask_scaling.py --quick        # a 16 MB check of the script and the totals (~1 min)
    python benchmarks/dask_scaling.py --mb 1000 --workers 1 2 --repeat 3
    python benchmarks/dask_scaling.py --cluster      # also on a running cluster (``dask scheduler``/``worker``)

Every run is a fresh ``tokencost count`` process (cluster start-up and tokenizer loading included, as a user
pays them), engines alternating. The script prints wall seconds per run (the best of ``--repeat``), the
speed-up from 1 worker to N for each engine, dask against local for each N, and whether every run reported the
same totals (exit 1 if not). Each configuration also counts a quarter of the input: the line through the two
runs gives its start-up (process, cluster, tokenizer loading) and its rate, and from them the input size from
which the Dask engine on N workers finishes before ``--engine local`` on one process (the size the cluster pays for its
start-up, on this machine). The input is the benchmark corpus (``corpus.sh``: prose, code and JSON in a dozen scripts) repeated to the
size asked for, or without it a few synthetic lines (English, Chinese, code, a JSONL chat) repeated. The load average
(``uptime``) is printed before and after: figures taken beside other work are not a quiet machine's.

``--cluster`` adds a third engine, ``running``: a ``dask scheduler`` and ``dask worker --nworkers N`` started by
the script as separate processes (as a team runs its cluster), warmed by one small count (workers load their
tokenizer once; their statistical profiler off, as the README advises), then timed with
``count --engine dask --scheduler ADDRESS``: the workers' scaling without the
LocalCluster's start-up, which ``dask`` and the fitted start-ups show apart.
"""

from __future__ import annotations

import argparse
import json
import os
import socket
import subprocess
import sys
import tempfile
import time
from pathlib import Path

BLOCK = (
    "The quick brown fox jumps over the lazy dog; pricing tokens is not the same as counting words.\n"
    "今天天气很好，我们去公园散步吧。退货需要在三十天内完成，请保留收据。\n"
    "def add(a: int, b: int) -> int:\n    return a + b  # 求和\n"
    + json.dumps(
        {"messages": [{"role": "user", "content": "How much is 2 + 2? 请用中文回答。"}]}, ensure_ascii=False
    )
    + "\n"
)
ENGINES = ("local", "dask")
CORPUS = Path(__file__).resolve().parent / "corpus"


def _texts(corpus: Path | None) -> list[bytes]:
    """The corpus's text files (real prose, code, JSON in many scripts), else the synthetic block (counting a
    few repeated lines is much faster per MB than real text: tokenizers cache repeated pieces)."""
    if corpus is not None and corpus.is_dir():
        files = sorted(
            p
            for p in corpus.rglob("*")
            if p.is_file()
            and p.stat().st_size
            and not any(part.startswith("_") for part in p.relative_to(corpus).parts)
        )  # corpus.sh's text only: not the fitting scripts' caches and tokenizer files (_cache, _tokenizers)
        texts = [p.read_bytes() for p in files]
        return [t for t in texts if _utf8(t)]
    return [BLOCK.encode()]


def _utf8(data: bytes) -> bool:
    try:
        data.decode("utf-8")
    except UnicodeDecodeError:
        return False
    return True


def make_input(mb: int, directory: Path, corpus: Path | None) -> Path:
    """A file of ``mb`` MiB: the corpus's files one after another, as often as needed (kept between runs)."""
    tag = "corpus" if corpus is not None and corpus.is_dir() else "synthetic"
    path = directory / f"tokencost-dask-{tag}-{mb}mb.txt"
    if not path.exists() or path.stat().st_size < mb * 2**20:
        texts, written = _texts(corpus), 0
        with open(path, "wb") as handle:
            while written < mb * 2**20:
                for text in texts:
                    handle.write(text if text.endswith(b"\n") else text + b"\n")
                    written += len(text) + 1
                    if written >= mb * 2**20:
                        break
    return path


class RunningCluster:
    """A scheduler and ``workers`` worker processes on this machine, started as a team starts its cluster
    (``dask scheduler``, ``dask worker``), until closed."""

    def __init__(self, workers: int) -> None:
        with socket.socket() as probe:  # a free port
            probe.bind(("127.0.0.1", 0))
            port = probe.getsockname()[1]
        self.address = f"tcp://127.0.0.1:{port}"
        quiet = {"stdout": subprocess.DEVNULL, "stderr": subprocess.DEVNULL}
        dask = [sys.executable, "-m", "dask"]
        self.processes = [
            subprocess.Popen(
                [*dask, "scheduler", "--host", "127.0.0.1", "--port", str(port), "--no-dashboard"], **quiet
            )
        ]
        # as the README advises: a worker's statistical profiler takes the GIL from the counting thread
        # every 10 ms (measured here: 200 MiB on one warm worker, 5.8-6.2 s without it, 6.9-7.1 s with it)
        env = dict(os.environ, DASK_DISTRIBUTED__WORKER__PROFILE__ENABLED="False")
        self.processes.append(
            subprocess.Popen(
                [
                    *dask,
                    "worker",
                    self.address,
                    *("--nworkers", str(workers), "--nthreads", "1"),
                    "--no-dashboard",
                ],
                env=env,
                **quiet,
            )
        )
        import distributed

        with distributed.Client(self.address, timeout=60) as client:
            client.wait_for_workers(workers, timeout=120)

    def close(self) -> None:
        for process in reversed(self.processes):
            process.terminate()
        for process in self.processes:
            process.wait(timeout=60)


def count(
    path: Path, tokenizer: str, engine: str, workers: int, scheduler: str | None = None
) -> tuple[float, str]:
    """Wall seconds of one fresh ``tokencost count`` and its totals (as JSON, to compare runs)."""
    args = [str(path), "--tokenizer", tokenizer, "--engine", "dask" if scheduler else engine]
    args += ["--scheduler", scheduler] if scheduler else ["--jobs", str(workers)]
    args += ["--format", "json"]
    start = time.perf_counter()
    out = subprocess.run([sys.executable, "-m", "tokencost", "count", *args], capture_output=True, text=True)
    wall = time.perf_counter() - start
    if out.returncode != 0:
        sys.exit(f"tokencost count {' '.join(args)} failed: {out.stderr.strip()}")
    doc = json.loads(out.stdout)
    results = [{k: r.get(k) for k in ("tokens", "characters", "bytes")} for r in doc.get("results", [doc])]
    return wall, json.dumps(results, sort_keys=True)


def best(
    path: Path,
    tokenizer: str,
    engine: str,
    workers: int,
    repeat: int,
    totals: set,
    scheduler: str | None = None,
) -> float:
    walls = []
    for _ in range(repeat):
        wall, total = count(path, tokenizer, engine, workers, scheduler)
        walls.append(wall)
        totals.add(total)
    return min(walls)


def line(small: tuple[float, float], big: tuple[float, float]) -> tuple[float, float]:
    """``(start-up seconds, seconds per MiB)`` of the line through two (MiB, seconds) runs."""
    per_mb = (big[1] - small[1]) / (big[0] - small[0])
    return big[1] - per_mb * big[0], per_mb


def break_even(fits: dict, workers: int) -> str:
    """The input size from which dask on ``workers`` finishes before local on one process."""
    (dask_start, dask_per_mb), (local_start, local_per_mb) = fits[("dask", workers)], fits[("local", 1)]
    if dask_per_mb >= local_per_mb:
        return "never at this load (not faster per MiB than one local process)"
    return f"from about {max(dask_start - local_start, 0) / (local_per_mb - dask_per_mb):,.0f} MiB"


def load() -> str:
    return "load average " + ", ".join(f"{x:.2f}" for x in os.getloadavg())


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--mb", type=int, default=200, help="input size in MiB (default 200)")
    parser.add_argument("--quick", action="store_true", help="a 16 MB input, 1 and 2 workers")
    parser.add_argument("--tokenizer", default="o200k_base")
    parser.add_argument("--workers", type=int, nargs="+", default=[1, 2, 4])
    parser.add_argument("--repeat", type=int, default=1, help="runs per configuration; the best is kept")
    parser.add_argument(
        "--dir", type=Path, default=Path(tempfile.gettempdir()), help="where the input is kept"
    )
    parser.add_argument(
        "--corpus",
        type=Path,
        default=CORPUS,
        help="text files to build the input from (default: corpus.sh's)",
    )
    parser.add_argument(
        "--cluster",
        action="store_true",
        help="also time a running cluster (dask scheduler + dask worker processes, warmed before timing)",
    )
    opts = parser.parse_args()
    if opts.quick:
        opts.mb, opts.workers = 16, [1, 2]
    workers = sorted(set(opts.workers) | {1})
    small_path = make_input(max(1, opts.mb // 4), opts.dir, opts.corpus)
    path = make_input(opts.mb, opts.dir, opts.corpus)
    small, size = small_path.stat().st_size / 2**20, path.stat().st_size / 2**20
    print(f"input: {path} ({size:.0f} MiB), tokenizer {opts.tokenizer}, {os.cpu_count()} CPUs, {load()}")
    totals: set[str] = set()
    times: dict[tuple[str, int], float] = {}
    fits: dict[tuple[str, int], tuple[float, float]] = {}
    engines = (*ENGINES, "running") if opts.cluster else ENGINES
    for n in workers:
        for engine in engines:
            key = (engine, n)
            cluster = RunningCluster(n) if engine == "running" else None
            scheduler = cluster.address if cluster else None
            try:
                if cluster:  # warm: each worker loads its tokenizer once, as on a cluster already in use
                    best(small_path, opts.tokenizer, engine, n, 1, set(), scheduler)
                at_small = best(small_path, opts.tokenizer, engine, n, opts.repeat, set(), scheduler)
                times[key] = best(path, opts.tokenizer, engine, n, opts.repeat, totals, scheduler)
            finally:
                if cluster:
                    cluster.close()
            fits[key] = line((small, at_small), (size, times[key]))
            print(
                f"{engine:5s} {n} worker(s): {times[key]:7.2f} s  {size / times[key]:6.1f} MiB/s  "
                f"({at_small:.2f} s on {small:.0f} MiB: start-up {fits[key][0]:.1f} s, "
                f"then {1 / fits[key][1]:.1f} MiB/s)"
            )
    for engine in engines:
        speedups = ", ".join(
            f"1 -> {n}: {times[(engine, 1)] / times[(engine, n)]:.2f}x" for n in workers if n > 1
        )
        print(f"{engine} speed-up (wall): {speedups}")
    for n in workers:
        if opts.cluster:
            print(
                f"running / local on {n} worker(s): {times[('running', n)] / times[('local', n)]:.2f}x the time"
            )
        print(
            f"dask / local on {n} worker(s): {times[('dask', n)] / times[('local', n)]:.2f}x the time; "
            f"dask on {n} beats local on 1 {break_even(fits, n)}"
        )
    print(load())
    if len(totals) != 1:
        print(f"TOTALS DIFFER: {sorted(totals)}")
        return 1
    print("totals identical across all runs")
    return 0


if __name__ == "__main__":
    sys.exit(main())
