"""Cold start of ``tokencost count small.txt --tokenizer o200k_base``: wall time of fresh processes.

Usage: python benchmarks/cold_start.py [--runs 9]

Prints the median and minimum of several runs for: the bare interpreter, the command with the ranks cache
warm (the normal case after the first run), and the command with the cache disabled
(``TOKENCOST_CACHE_DIR=""``: parse the BPE file every time). The machine is shared and noisy, so the
median of many runs is the figure to quote; the minimum shows what an idle machine does.
"""

from __future__ import annotations

import argparse
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path


def _time(cmd: list[str], env: dict[str, str], runs: int) -> list[float]:
    times = []
    for _ in range(runs):
        start = time.perf_counter()
        subprocess.run(cmd, env=env, check=True, stdout=subprocess.DEVNULL)
        times.append(time.perf_counter() - start)
    return times


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=9)
    args = parser.parse_args()
    exe = shutil.which("tokencost")
    command = [exe] if exe else [sys.executable, "-m", "tokencost"]
    with tempfile.TemporaryDirectory() as tmp:
        small = Path(tmp) / "small.txt"
        small.write_text("Hello, world! 你好，世界。\n", encoding="utf-8")
        cache = Path(tmp) / "cache"
        # bytecode allowed, so the first run leaves the .pyc files an installed package has
        base = {k: v for k, v in os.environ.items() if k != "PYTHONDONTWRITEBYTECODE"}
        env = {**base, "TOKENCOST_CACHE_DIR": str(cache)}
        count = [*command, "count", str(small), "--tokenizer", "o200k_base"]
        subprocess.run(count, env=env, check=True, stdout=subprocess.DEVNULL)  # writes the ranks cache
        rows = [
            ("python -c pass", _time([sys.executable, "-c", "pass"], env, args.runs)),
            ("count, ranks cache warm", _time(count, env, args.runs)),
            (
                "count, cache disabled",
                _time(count, {**env, "TOKENCOST_CACHE_DIR": ""}, max(3, args.runs // 3)),
            ),
        ]
    load = os.getloadavg()[0] if hasattr(os, "getloadavg") else float("nan")
    print(
        f"cold start, {args.runs} runs each (load average at end {load:.2f}); target: warm median <= 0.40 s"
    )
    print(f"{'case':<26} {'median s':>9} {'min s':>7}")
    for label, times in rows:
        print(f"{label:<26} {statistics.median(times):9.3f} {min(times):7.3f}")


if __name__ == "__main__":
    main()
