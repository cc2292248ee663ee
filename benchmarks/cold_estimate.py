"""Cold-start wall time of `tokencost estimate` against genai-prices' `calc`, in the same run.

Each command runs as a fresh process (cold imports; warm OS file cache), alternating so machine noise hits
both alike; the medians and their ratio are printed. genai-prices is a reference, not a dependency: install it
in its own venv and pass its executable:

    python -m venv /tmp/gpenv && /tmp/gpenv/bin/pip install genai-prices
    python benchmarks/cold_estimate.py --genai-prices /tmp/gpenv/bin/genai-prices

`tokencost` prices the prompt on the default set of models, counting it with each model's tokenizer;
`genai-prices calc` prices two models from given token counts, counting nothing.
"""

from __future__ import annotations

import argparse
import shutil
import statistics
import subprocess
import sys
import time
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]


def wall(command: list[str]) -> float:
    start = time.perf_counter()
    subprocess.run(command, check=True, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    return time.perf_counter() - start


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
    wall(ours)  # warm the OS file cache and tokencost's own caches once
    if reference:
        wall(reference)
    our_times, ref_times = [], []
    for _ in range(args.runs):
        our_times.append(wall(ours))
        if reference:
            ref_times.append(wall(reference))
    ours_median = statistics.median(our_times)
    print(
        f"tokencost estimate ({' '.join(ours[2:])}): median {ours_median:.3f} s, min {min(our_times):.3f} s"
    )
    if reference:
        ref_median = statistics.median(ref_times)
        print(
            f"genai-prices calc (2 models, no counting): median {ref_median:.3f} s, min {min(ref_times):.3f} s"
        )
        print(f"ratio tokencost / genai-prices: {ours_median / ref_median:.2f}")
    else:
        print("genai-prices not found: pass --genai-prices PATH to compare")


if __name__ == "__main__":
    main()
