"""Dask engine scaling: the same input counted on 1, 2 and 4 workers, against ``--engine local --jobs N``.

    python benchmarks/dask_scaling.py --mb 200 [--tokenizer o200k_base] [--workers 1 2 4]

Every run is a fresh ``tokencost count`` process (cluster start-up and tokenizer loading included, as a user
pays them); the script prints wall seconds, the speed-up from 1 to 2 workers per engine, and checks that every
run reports the same totals. The input mixes English, Chinese, code and JSONL chat lines.
"""

from __future__ import annotations

import argparse
import json
import os
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


def make_input(mb: int) -> Path:
    path = Path(tempfile.gettempdir()) / f"tokencost-dask-{mb}mb.txt"
    if not path.exists() or path.stat().st_size < mb * 2**20:
        chunk = BLOCK * (2**20 // len(BLOCK.encode()) + 1)
        with open(path, "w", encoding="utf-8") as handle:
            for _ in range(mb):
                handle.write(chunk)
    return path


def run(args: list[str]) -> tuple[float, list]:
    start = time.perf_counter()
    out = subprocess.run(["tokencost", "count", *args, "--format", "json"], capture_output=True, text=True)
    wall = time.perf_counter() - start
    if out.returncode != 0:
        sys.exit(f"tokencost count {' '.join(args)} failed: {out.stderr.strip()}")
    doc = json.loads(out.stdout)
    return wall, [doc.get("tokens"), doc.get("low"), doc.get("high")]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--mb", type=int, default=200)
    parser.add_argument("--tokenizer", default="o200k_base")
    parser.add_argument("--workers", type=int, nargs="+", default=[1, 2, 4])
    opts = parser.parse_args()
    path = make_input(opts.mb)
    size = path.stat().st_size / 2**20
    print(f"input: {path} ({size:.0f} MB), tokenizer {opts.tokenizer}, load {os.getloadavg()[0]:.1f}")
    totals = set()
    times: dict[tuple[str, int], float] = {}
    for workers in opts.workers:
        for engine in ("local", "dask"):
            wall, total = run(
                [str(path), "--tokenizer", opts.tokenizer, "--engine", engine, "--jobs", str(workers)]
            )
            times[(engine, workers)] = wall
            totals.add(json.dumps(total))
            print(
                f"{engine:5s} {workers} worker(s): {wall:7.2f} s  {size / wall:6.1f} MB/s  tokens {total[0]:,}"
            )
    for engine in ("local", "dask"):
        if (engine, 1) in times and (engine, 2) in times:
            print(f"{engine}: 1 -> 2 workers {times[(engine, 1)] / times[(engine, 2)]:.2f}x")
    for workers in opts.workers:
        print(
            f"dask / local on {workers} worker(s): {times[('dask', workers)] / times[('local', workers)]:.2f}x time"
        )
    print("totals identical across all runs" if len(totals) == 1 else f"TOTALS DIFFER: {totals}")


if __name__ == "__main__":
    main()
