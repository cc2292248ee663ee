"""Cold-start wall time of `tokencost estimate` against genai-prices' `calc`, in the same run.

Each command runs as a fresh process (cold imports; warm OS file cache), alternating so machine noise hits
both alike; the medians and their ratio are printed (target: tokencost <= 0.75 x genai-prices; the exit
status is 1 when the median ratio misses it). genai-prices is a reference, not a dependency: install it in
its own venv and pass its executable:

    python -m venv /tmp/gpenv && /tmp/gpenv/bin/pip install 'genai-prices[cli]'
    python benchmarks/cold_estimate.py --genai-prices /tmp/gpenv/bin/genai-prices

`tokencost` prices the prompt on the default set of models, counting it with each model's tokenizer;
`genai-prices calc` prices two models from given token counts, counting nothing. tokencost runs with its
own cache directory, which the warm-up run fills (catalog snapshot, tokenizer rank indexes) as any first
run does. Both run with bytecode writing allowed (``PYTHONDONTWRITEBYTECODE`` removed), so the warm-up
leaves the ``.pyc`` files an installed package has; without them an editable checkout recompiles every
module on every run and measures the compiler.
"""

from __future__ import annotations

import argparse
import os
import resource
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
TARGET_RATIO = 0.75


CPU: dict[str, list[float]] = {}  # command name -> CPU seconds (user + system) of each run


def wall(command: list[str], env: dict[str, str]) -> float:
    """Wall time of one run; its CPU time (less sensitive to a loaded machine) goes to CPU."""
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    start = time.perf_counter()
    subprocess.run(command, check=True, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, env=env)
    elapsed = time.perf_counter() - start
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    used = after.ru_utime - before.ru_utime + after.ru_stime - before.ru_stime
    CPU.setdefault(Path(command[0]).name, []).append(used)
    return elapsed


def load_average() -> str:
    return f"{os.getloadavg()[0]:.2f}" if hasattr(os, "getloadavg") else "?"


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--runs", type=int, default=15)
    parser.add_argument("--prompt", default=str(REPO / "examples" / "prompts" / "en.txt"))
    parser.add_argument(
        "--genai-prices", default=shutil.which("genai-prices"), help="genai-prices executable"
    )
    parser.add_argument("--extra", nargs="*", default=[], help="extra arguments for tokencost estimate")
    args = parser.parse_args()

    tokencost = shutil.which("tokencost") or sys.exit("tokencost is not installed")
    ours = [tokencost, "estimate", args.prompt, *args.extra]
    reference = (
        [
            args.genai_prices,
            "calc",
            "gpt-5",
            "claude-opus-4-6",
            "--input-tokens",
            "500",
            "--output-tokens",
            "125",
            "--no-color",
        ]
        if args.genai_prices
        else None
    )
    base = {k: v for k, v in os.environ.items() if k != "PYTHONDONTWRITEBYTECODE"}
    with tempfile.TemporaryDirectory() as tmp:
        env = {**base, "TOKENCOST_CACHE_DIR": str(Path(tmp) / "cache")}
        for key in ("TOKENCOST_NO_CACHE", "TOKENCOST_PRICING"):
            env.pop(key, None)
        bare = [sys.executable, "-c", "pass"]
        started = load_average()
        wall(ours, env)  # fills tokencost's caches and writes bytecode, as a first run does
        if reference:
            wall(reference, base)
        our_times, ref_times, bare_times = [], [], []
        for _ in range(args.runs):
            our_times.append(wall(ours, env))
            if reference:
                ref_times.append(wall(reference, base))
            bare_times.append(wall(bare, base))
    print(f"{args.runs} rounds, load average {started} at start, {load_average()} at end")
    print(f"python -c pass: median {statistics.median(bare_times):.3f} s, min {min(bare_times):.3f} s")
    ours_median = statistics.median(our_times)
    print(
        f"tokencost estimate ({' '.join(ours[2:])}): median {ours_median:.3f} s, min {min(our_times):.3f} s"
    )
    if not reference:
        print("genai-prices not found: pass --genai-prices PATH to compare")
        return
    ref_median = statistics.median(ref_times)
    print(f"genai-prices calc (2 models, no counting): median {ref_median:.3f} s, min {min(ref_times):.3f} s")
    ratio = ours_median / ref_median
    paired = statistics.median(o / r for o, r in zip(our_times, ref_times, strict=True))
    print(
        f"ratio tokencost / genai-prices: {ratio:.2f} (medians), {paired:.2f} (median of per-round ratios), "
        f"{min(our_times) / min(ref_times):.2f} (minimums); target <= {TARGET_RATIO}"
    )
    ours_cpu = statistics.median(CPU[Path(ours[0]).name][1:])
    ref_cpu = statistics.median(CPU[Path(reference[0]).name][1:])
    print(
        f"CPU time (user + system), medians: tokencost {ours_cpu:.3f} s, genai-prices {ref_cpu:.3f} s, "
        f"ratio {ours_cpu / ref_cpu:.2f}"
    )
    if ratio > TARGET_RATIO:
        sys.exit(1)


if __name__ == "__main__":
    main()
