"""Replay speed: ``tokencost replay`` of a request/response pairs log on 5 candidates of 5 tokenizer families,
against ``tokencost count --messages`` of the same requests with the same 5 families, in the same run.

Usage: python benchmarks/replay_speed.py [--mb 200] [--repeat 1] [--keep DIR]

The log is generated (never committed): OpenAI chat pairs whose requests mix English prose, Chinese text,
Python code and JSON, cut from ``examples/`` and the standard library, with logged usage and response text.
Both contenders run as fresh processes on the same files, interleaved, best of ``--repeat``:
- count: ``tokencost count requests.jsonl --messages --tokenizer F`` for the 5 families (one process), plus
  ``tokencost count responses.txt --tokenizer F`` of the response texts (replay counts those too, to price
  each candidate's output): the reference is the sum of the two;
- replay: ``tokencost replay pairs.jsonl -m M1 ... -m M5 --format json`` (reads, parses, re-tokenises every
  request and response with the 5 families, prices, renders).
Issue 13's goal: replay <= 1.3x count. Peak RSS of each run is reported too (ru_maxrss of the child).
"""

from __future__ import annotations

import argparse
import json
import os
import random
import subprocess
import sys
import sysconfig
import tempfile
import time
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
#: one candidate per tokenizer family: o200k_base, deepseek-v3, qwen3.5, mistral-tekken, claude (estimate)
CANDIDATES = ("gpt-4.1-mini", "deepseek-v3.2", "qwen3.5-plus", "mistral-medium-3", "claude-haiku-4.5")


def _pieces() -> list[str]:
    """Text to cut requests from: examples (English, Chinese), stdlib Python, JSON."""
    texts = [p.read_text(encoding="utf-8") for p in sorted((REPO / "examples").rglob("*.txt"))]
    stdlib = Path(sysconfig.get_paths()["stdlib"])
    texts += [p.read_text(encoding="utf-8", errors="replace") for p in sorted(stdlib.glob("*.py"))[:40]]
    texts += [
        json.dumps(json.loads(p.read_text()), indent=1) for p in sorted((REPO / "examples").rglob("*.json"))
    ]
    return [t for t in texts if t.strip()]


def _line(rng: random.Random, pieces: list[str], index: int) -> str:
    def cut(n: int) -> str:
        text = rng.choice(pieces)
        start = rng.randrange(max(len(text) - n, 1))
        return text[start : start + n]

    request = {
        "model": "gpt-4o-mini",
        "messages": [
            {"role": "system", "content": cut(rng.randint(200, 1500))},
            {"role": "user", "content": cut(rng.randint(100, 3000))},
        ],
    }
    answer = cut(rng.randint(50, 800))
    chars = sum(len(m["content"]) for m in request["messages"])
    response = {
        "id": f"chatcmpl-{index}",
        "object": "chat.completion",
        "created": 1764547200 + index * 7,
        "model": "gpt-4o-mini-2024-07-18",
        "choices": [{"index": 0, "message": {"role": "assistant", "content": answer}}],
        "usage": {"prompt_tokens": chars // 3, "completion_tokens": len(answer) // 3},
    }
    return json.dumps({"request": request, "response": response}, ensure_ascii=False)


def generate(directory: Path, megabytes: int) -> tuple[Path, Path, int]:
    """pairs.jsonl (the log), requests.jsonl (the same requests, for count --messages) and responses.txt
    (the response texts)."""
    rng, pieces = random.Random(13), _pieces()
    pairs, requests = directory / "pairs.jsonl", directory / "requests.jsonl"
    written, lines = 0, 0
    with (
        pairs.open("w", encoding="utf-8") as out,
        requests.open("w", encoding="utf-8") as req,
        (directory / "responses.txt").open("w", encoding="utf-8") as answers,
    ):
        while written < megabytes * 1_000_000:
            line = _line(rng, pieces, lines)
            out.write(line + "\n")
            pair = json.loads(line)
            req.write(json.dumps(pair["request"], ensure_ascii=False) + "\n")
            answers.write(pair["response"]["choices"][0]["message"]["content"] + "\n")
            written += len(line.encode("utf-8")) + 1
            lines += 1
    return pairs, requests, lines


def _run(args: list[str]) -> tuple[float, float, float]:
    """Wall seconds, CPU seconds (user + system) and peak RSS (MB) of one fresh ``tokencost`` process (its
    own rusage, via wait4). CPU time is the figure to compare on a shared machine: wall time depends on
    what else runs."""
    start = time.perf_counter()
    child = subprocess.Popen([sys.executable, "-m", "tokencost", *args], stdout=subprocess.DEVNULL)
    _, status, usage = os.wait4(child.pid, 0)
    elapsed = time.perf_counter() - start
    child.returncode = os.waitstatus_to_exitcode(status)
    if child.returncode:
        raise SystemExit(f"tokencost {args[0]} failed with exit code {child.returncode}")
    return elapsed, usage.ru_utime + usage.ru_stime, usage.ru_maxrss / 1024


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--mb", type=int, default=200)
    parser.add_argument("--repeat", type=int, default=1)
    parser.add_argument("--keep", type=Path, help="generate into (or reuse) this directory")
    args = parser.parse_args()
    directory = args.keep or Path(tempfile.mkdtemp(prefix="replay-speed-"))
    directory.mkdir(parents=True, exist_ok=True)
    if all((directory / name).exists() for name in ("pairs.jsonl", "requests.jsonl", "responses.txt")):
        pairs, requests = directory / "pairs.jsonl", directory / "requests.jsonl"
        lines = sum(1 for _ in pairs.open(encoding="utf-8"))
    else:
        pairs, requests, lines = generate(directory, args.mb)
    from tokencost.pricing.catalog import load_catalog

    catalog = load_catalog()
    families = [catalog.get(model).model.tokenizer for model in CANDIDATES]
    print(
        f"log: {pairs} ({pairs.stat().st_size / 1e6:.0f} MB, {lines:,} pairs); families: {', '.join(families)}"
    )
    tokenizers = [f"--tokenizer={f}" for f in families]
    contenders = {
        "count requests": ["count", str(requests), "--messages", *tokenizers, "--format", "json"],
        "count responses": ["count", str(directory / "responses.txt"), *tokenizers, "--format", "json"],
        "replay": ["replay", str(pairs), *(f"-m{m}" for m in CANDIDATES), "--format", "json"],
    }
    best = dict.fromkeys(contenders, float("inf"))
    cpu = dict.fromkeys(contenders, float("inf"))
    for round_number in range(1, args.repeat + 1):
        for name, command in contenders.items():
            seconds, cpu_seconds, peak = _run(command)
            best[name] = min(best[name], seconds)
            cpu[name] = min(cpu[name], cpu_seconds)
            print(
                f"round {round_number}: {name:15} {seconds:8.1f} s wall {cpu_seconds:8.1f} s CPU  peak RSS {peak:.0f} MB",
                flush=True,
            )
    for label, figures in (("wall", best), ("CPU", cpu)):
        reference = figures["count requests"] + figures["count responses"]
        print(
            f"{label}: count {figures['count requests']:.1f} + {figures['count responses']:.1f} s, replay "
            f"{figures['replay']:.1f} s; replay / count of the same texts {figures['replay'] / reference:.2f}x "
            f"(/ requests only {figures['replay'] / figures['count requests']:.2f}x)"
        )


if __name__ == "__main__":
    main()
