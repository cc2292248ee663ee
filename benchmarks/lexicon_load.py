"""CPU time of the first short estimate in a process (the lexicon load), for two source trees in the same run.

    git archive <old-commit> src | tar x -C /tmp/old      # the tree to compare against
    python benchmarks/lexicon_load.py /tmp/old/src src     # medians of fresh processes, alternating

Each run is a fresh interpreter that imports the estimator and loads its data with a long text (no lexicon),
then times (CPU, ``time.process_time``) the first estimate of a short English and a short Chinese prompt, a
second Chinese one (new characters), and the mean of 200 rounds over those and a 320-character Chinese text.
"""

from __future__ import annotations

import json
import os
import statistics
import subprocess
import sys

PROMPTS = {
    "english": "Please summarise the customer's complaint below in two sentences, then suggest a polite reply.",
    "chinese": "请用两句话总结下面客户的投诉，然后建议一个礼貌的回复，提供更换或退款。我们的网站今天更新了价格。",
}
CHILD = """
import json, sys, time
from tokencost.tokenizers import estimator
estimator.estimate("plain words " * 200, "qwen2")  # the estimator's data, not the lexicon
out = {}
for name, text in json.loads(sys.argv[1]).items():
    t = time.process_time(); estimator.estimate(text, "qwen2"); out[name] = time.process_time() - t
t = time.process_time(); estimator.estimate("这个帐号的密码如何重设？请告诉我步骤。", "qwen2")
out["chinese, second text"] = time.process_time() - t
texts = list(json.loads(sys.argv[1]).values()) + ["今天天气很好，我们去公园散步吧。" * 20]
t = time.process_time()
for _ in range(200):
    for text in texts:
        estimator.estimate(text, "qwen2")
out["warm, per text"] = (time.process_time() - t) / 200 / len(texts)
print(json.dumps(out))
"""


def run(src: str) -> dict[str, float]:
    env = dict(os.environ, PYTHONPATH=os.path.abspath(src))
    out = subprocess.run([sys.executable, "-c", CHILD, json.dumps(PROMPTS)], env=env, capture_output=True,
                         text=True, check=True)  # fmt: skip
    return json.loads(out.stdout)


def main(argv: list[str]) -> None:
    trees, n = argv or ["src"], 9
    runs: dict[str, list[dict[str, float]]] = {t: [] for t in trees}
    for _ in range(n):
        for t in trees:  # alternating, so machine noise hits every tree alike
            runs[t].append(run(t))
    print(f"load average {os.getloadavg()[0]:.1f}; CPU ms, median of {n} fresh processes")
    for key in runs[trees[0]][0]:
        row = [statistics.median(r[key] for r in runs[t]) * 1e3 for t in trees]
        ratio = f"  ratio {row[-1] / row[0]:.2f}" if len(row) > 1 else ""
        print(f"{key:22s} " + "  ".join(f"{t}: {v:6.2f}" for t, v in zip(trees, row, strict=True)) + ratio)


if __name__ == "__main__":
    main(sys.argv[1:])
