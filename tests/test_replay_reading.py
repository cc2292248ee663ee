"""What replay reads and what it skips: empty usage is no usage (not 0 tokens), a repeated vendor id is a
duplicate (on every engine), a damaged compressed log is one error line, impossible counts are skipped, and
every skip or set-aside record is counted and located."""

from __future__ import annotations

import gzip
import json
from pathlib import Path

import pytest
import yaml
from click.testing import CliRunner
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import tokencost.replay.partitions as partitions
from tokencost.calibration.samples import collect_samples
from tokencost.cli import cli
from tokencost.engines.local import LocalEngine
from tokencost.replay import replay
from tokencost.replay.lookup import OVER_WINDOW
from tokencost.replay.pipeline import DUPLICATE, ReadStats
from tokencost.replay.reader import CUT_OFF
from tokencost.replay.record import Skip
from tokencost.replay.shapes import anthropic_usage, gemini_usage, openai_usage

EXAMPLES = Path(__file__).resolve().parents[1] / "examples" / "usage"
NO_USAGE = "no usage"


def run(*args: str):
    return CliRunner().invoke(cli, list(args))


def chat(rid: str | None, usage, model: str = "gpt-4o") -> str:
    body = {"object": "chat.completion", "created": 1764844000, "model": model, "usage": usage}
    return json.dumps({"id": rid, **body} if rid else body)


def write(path: Path, lines: list[str]) -> str:
    path.write_text("".join(line + "\n" for line in lines), encoding="utf-8")
    return str(path)


def records(document: dict) -> dict:
    return document["records"]


# 1. empty or null usage is no usage ---------------------------------------------------------------------


@pytest.mark.parametrize(
    ("shape", "usage"),
    [
        (openai_usage, {}),
        (openai_usage, {"prompt_tokens": None, "completion_tokens": None}),
        (openai_usage, {"total_tokens": 12}),
        (anthropic_usage, {"input_tokens": None, "output_tokens": None}),
        (gemini_usage, {"totalTokenCount": 5}),
    ],
)
def test_a_usage_object_without_counters_is_no_usage(shape, usage):
    with pytest.raises(Skip, match=r"^no usage$"):
        shape(usage)


def test_empty_usage_is_skipped_and_the_workload_mean_is_the_true_one(tmp_path):
    log = write(
        tmp_path / "n.jsonl",
        [chat("x", {}), chat("y", None), chat("z", {"prompt_tokens": 100, "completion_tokens": 10})],
    )
    out = tmp_path / "w.yaml"
    result = run("replay", log, "-m", "gpt-4o-mini", "--emit-workload", str(out))
    assert result.exit_code == 0, result.output
    assert f"skipped 2 record(s): no usage (at {log}:1, {log}:2)" in result.stderr
    assert "1 record read, 1 priced" in result.stdout
    workload = yaml.safe_load(out.read_text("utf-8"))["workloads"][0]
    assert float(workload["input_tokens"]) == 100  # not 33.3: the empty usages are no requests


def test_explicit_zero_counts_are_a_request_said_apart(tmp_path):
    """0 input and 0 output reported as such (a proxy's cache hit, an aborted call) is a request that cost
    nothing in tokens: priced, counted in the requests, and named in the summary with its place."""
    log = write(tmp_path / "z.jsonl", [chat("a", {"prompt_tokens": 0, "completion_tokens": 0})])
    result = run("replay", log, "-m", "gpt-4o-mini", "--format", "json")
    assert result.exit_code == 0, result.output
    document = json.loads(result.stdout)
    assert (records(document)["priced"], records(document)["zero_tokens"]) == (1, 1)
    assert records(document)["zero_tokens_at"] == [f"{log}:1"]
    table = run("replay", log, "-m", "gpt-4o-mini")
    assert f"1 reporting 0 tokens (requests at no token cost: {log}:1)" in table.stdout


def test_openrouter_null_native_counts_are_no_usage_not_a_free_request(tmp_path):
    row = {"id": "gen-1", "model": "openai/gpt-4o", "native_tokens_prompt": None}
    row |= {"native_tokens_completion": None, "total_cost": 0.001, "created_at": "2025-12-04T10:00:00Z"}
    log = write(tmp_path / "or.jsonl", [json.dumps({"data": row})])
    document = replay([log], ["gpt-4o-mini"])
    assert records(document)["read"] == 0
    assert records(document)["skipped_at"] == {NO_USAGE: [f"{log}:1"]}


def test_a_forced_source_that_does_not_fit_reads_nothing_and_says_why():
    log = str(EXAMPLES / "openai-responses.jsonl")
    result = run("replay", log, "--source", "anthropic", "-m", "gpt-4o-mini")
    assert result.exit_code == 0, result.output
    assert "0 records read, 0 priced" in result.stdout
    assert "notice: no usage records to price" in result.stderr
    assert "usage in openai's shape, not anthropic's" in result.stderr and f"{log}:1" in result.stderr
    strict = run("replay", log, "--source", "anthropic", "-m", "gpt-4o-mini", "--strict")
    assert strict.exit_code == 2


# 2. duplicates ------------------------------------------------------------------------------------------


def test_a_repeated_id_is_a_located_duplicate_and_the_first_is_kept(tmp_path):
    usage = {"prompt_tokens": 100, "completion_tokens": 10}
    log = write(
        tmp_path / "d.jsonl", [chat("z", usage), chat(None, usage), chat("z", usage), chat(None, usage)]
    )
    result = run("replay", log, "-m", "gpt-4o-mini", "--format", "json")
    assert result.exit_code == 0, result.output
    counts = records(json.loads(result.stdout))
    assert counts["read"] == 3  # records without an id are never merged
    assert counts["skipped"] == {DUPLICATE: 1}
    assert counts["skipped_at"] == {DUPLICATE: [f"{log}:3 (duplicate of {log}:1)"]}
    assert f"{log}:3 (duplicate of {log}:1)" in result.stderr


def test_a_copied_log_is_read_once(tmp_path):
    copy = tmp_path / "p2.jsonl"
    copy.write_bytes((EXAMPLES / "pairs.jsonl").read_bytes())
    one = replay([str(EXAMPLES / "pairs.jsonl")], ["gpt-4o-mini"])
    both = replay([str(EXAMPLES / "pairs.jsonl"), str(copy)], ["gpt-4o-mini"])
    assert records(both)["read"] == records(one)["read"] == 3
    assert records(both)["skipped"][DUPLICATE] == 3
    assert (
        records(both)["skipped_at"][DUPLICATE][0] == f"{copy}:1 (duplicate of {EXAMPLES / 'pairs.jsonl'}:1)"
    )
    assert both["actual_total"] == one["actual_total"]


def _span(span_id: str) -> dict:
    attrs = [
        {"key": "gen_ai.operation.name", "value": {"stringValue": "chat"}},
        {"key": "gen_ai.request.model", "value": {"stringValue": "gpt-4o"}},
        {"key": "gen_ai.usage.input_tokens", "value": {"intValue": "100"}},
        {"key": "gen_ai.usage.output_tokens", "value": {"intValue": "10"}},
    ]
    span = {"traceId": "ab" * 16, "spanId": span_id, "name": "chat gpt-4o", "kind": 3, "attributes": attrs}
    span["startTimeUnixNano"] = "1764844000000000000"
    return {"resourceSpans": [{"scopeSpans": [{"spans": [span]}]}]}


ANTHROPIC = {
    "type": "message",
    "model": "claude-sonnet-4-5",
    "usage": {"input_tokens": 10, "output_tokens": 5},
}
LANGFUSE = {"type": "GENERATION", "model": "gpt-4o", "startTime": "2025-12-04T10:00:00Z", "traceId": "t"}
LANGFUSE |= {"usageDetails": {"input": 100, "output": 10}}
LITELLM = {"model": "gpt-4o", "spend": 0.001, "prompt_tokens": 100, "completion_tokens": 10}
LITELLM |= {"startTime": "2025-12-04T10:00:00Z", "status": "success"}


@pytest.mark.parametrize(
    ("name", "first", "again", "other"),
    [
        ("anthropic", {**ANTHROPIC, "id": "msg_1"}, {**ANTHROPIC, "id": "msg_1"}, {**ANTHROPIC, "id": "msg_2"}),
        ("langfuse", {**LANGFUSE, "id": "o1"}, {**LANGFUSE, "id": "o1"}, {**LANGFUSE, "id": "o2"}),
        ("litellm", {**LITELLM, "request_id": "r1"}, {**LITELLM, "request_id": "r1"}, {**LITELLM, "request_id": "r2"}),
        ("otel", _span("cd" * 8), _span("cd" * 8), _span("ef" * 8)),
    ],
)  # fmt: skip
def test_every_source_knows_its_vendor_id(tmp_path, name, first, again, other):
    log = write(tmp_path / f"{name}.jsonl", [json.dumps(first), json.dumps(other), json.dumps(again)])
    document = replay([log], ["gpt-4o-mini"])
    assert document["sources"][log] == name
    assert (records(document)["read"], records(document)["skipped"]) == (2, {DUPLICATE: 1})
    assert records(document)["skipped_at"][DUPLICATE] == [f"{log}:3 (duplicate of {log}:1)"]


def test_a_generic_log_names_its_id_column_and_empty_cells_are_no_usage(tmp_path):
    log = tmp_path / "g.csv"
    log.write_text("req,llm,tin,tout\nq1,gpt-4o,100,10\nq2,gpt-4o,,\nq1,gpt-4o,100,10\n", encoding="utf-8")
    document = replay(
        [str(log)], ["gpt-4o-mini"], source="generic", mapping="model=llm,input=tin,output=tout,id=req"
    )
    assert records(document)["read"] == 1
    assert records(document)["skipped_at"] == {
        NO_USAGE: [f"{log}:3"],
        DUPLICATE: [f"{log}:4 (duplicate of {log}:2)"],
    }


@pytest.fixture
def small_partitions(monkeypatch):
    monkeypatch.setattr(partitions, "PARTITION_BYTES", 2048)


def test_duplicates_across_partitions_and_files_equal_one_local_read(tmp_path, small_partitions):
    """Copies in other byte ranges of one file and in a later file: skipped where the partials merge, the
    first by (file order, line) kept, located by file line: the document equals the local one."""
    lines = [chat(f"c{i % 40}", {"prompt_tokens": 100 + i % 40, "completion_tokens": 10}) for i in range(120)]
    log = write(tmp_path / "a.jsonl", lines)
    again = write(tmp_path / "b.jsonl", lines[:7])
    local = replay([log, again], ["gpt-4o-mini"])
    assert records(local)["read"] == 40 and records(local)["skipped"][DUPLICATE] == 87
    assert records(local)["skipped_at"][DUPLICATE][0] == f"{log}:41 (duplicate of {log}:1)"
    spec = partitions.Spec((), None, (), "model", {}, None, None)
    assert len(partitions.plan([log], spec, "auto", ReadStats(), None)) > 3  # copies in other byte ranges
    on_engine = replay([log, again], ["gpt-4o-mini"], engine=LocalEngine(2))
    assert json.dumps(on_engine) == json.dumps(local)
    jobs = run("replay", log, again, "-m", "gpt-4o-mini", "--jobs", "2", "--format", "json")
    single = run("replay", log, again, "-m", "gpt-4o-mini", "--format", "json")
    assert jobs.exit_code == 0 and jobs.stdout == single.stdout


def test_a_copy_inside_a_later_byte_range_is_located_by_file_line(tmp_path, small_partitions):
    usage = {"prompt_tokens": 100, "completion_tokens": 10}
    lines = [chat(f"u{i}", usage) for i in range(60)] + [chat("late", usage)] * 2
    log = write(tmp_path / "late.jsonl", lines)
    local = replay([log], ["gpt-4o-mini"])
    assert records(local)["skipped_at"] == {DUPLICATE: [f"{log}:62 (duplicate of {log}:61)"]}
    assert json.dumps(replay([log], ["gpt-4o-mini"], engine=LocalEngine(2))) == json.dumps(local)


def test_calibrate_reads_each_request_once_on_every_engine(tmp_path, small_partitions):
    text = "refund order invoice shipping please keep the receipt"
    lines = []
    for i in range(30):
        request = {
            "model": "claude-sonnet-4-5",
            "max_tokens": 50,
            "messages": [{"role": "user", "content": f"{text} {i % 12}"}],
        }
        usage = {"input_tokens": 20 + i % 12, "output_tokens": 3}
        response = {"id": f"msg_{i % 12}", "type": "message", "model": "claude-sonnet-4-5", "usage": usage}
        lines.append(json.dumps({"request": request, "response": response}))
    log = write(tmp_path / "pairs.jsonl", lines)
    local = collect_samples([log])
    on_engine = collect_samples([log], engine=LocalEngine(2))
    assert sum(len(s) for s in local.by_family.values()) == 12
    assert on_engine.by_family == local.by_family
    assert on_engine.stats.skipped == local.stats.skipped == {DUPLICATE: 18}


def test_calibrate_says_what_it_skipped_with_places(tmp_path):
    pairs = []
    for i in range(40):
        text = f"Where is my order {i}? " * (1 + i % 7)
        messages = [{"role": "user", "content": text}]
        request = {"model": "claude-sonnet-4-5", "max_tokens": 50, "messages": messages}
        response = {"id": f"msg_{i}", "type": "message", "model": "claude-sonnet-4-5"}
        response["usage"] = {"input_tokens": 12 + len(text) // 4, "output_tokens": 3}
        pairs.append(json.dumps({"request": request, "response": response}))
    log = write(tmp_path / "pairs.jsonl", [*pairs, "{broken", pairs[0]])
    result = run("calibrate", log, "--out", str(tmp_path / "cal.yaml"), "--format", "json")
    assert result.exit_code == 0, result.output
    assert f"skipped 1 record(s): malformed JSON line (at {log}:41)" in result.stderr
    assert f"skipped 1 record(s): {DUPLICATE} (at {log}:42 (duplicate of {log}:1))" in result.stderr
    assert json.loads(result.stdout)["skipped"] == {"malformed JSON line": 1, DUPLICATE: 1}


# 3. damaged compressed logs -----------------------------------------------------------------------------


def _pairs_gz(tmp_path: Path, keep: int | None = None) -> Path:
    lines = [chat(f"g{i}", {"prompt_tokens": 100, "completion_tokens": 10}) for i in range(3000)]
    data = gzip.compress("".join(line + "\n" for line in lines).encode())
    path = tmp_path / "log.jsonl.gz"
    path.write_bytes(data[:keep] if keep else data)
    return path


@pytest.mark.parametrize("command", ["replay", "calibrate"])
def test_a_compressed_log_cut_off_in_its_first_record_is_one_error_line(tmp_path, command):
    path = tmp_path / "t.jsonl.gz"
    path.write_bytes(gzip.compress((EXAMPLES / "pairs.jsonl").read_bytes())[:200])
    result = run(command, str(path))
    assert result.exit_code == 2
    assert result.output.strip().splitlines()[-1].startswith(f"Error: {path}: not readable as gzip data (")
    assert "Traceback" not in result.output and "Aborted" not in result.output


def test_random_bytes_named_gz_or_zst_are_one_error_line(tmp_path):
    bad = tmp_path / "r.gz"
    bad.write_bytes(bytes(range(256)) * 3)
    result = run("replay", str(bad))
    assert result.exit_code == 2 and result.output.strip().startswith(f"Error: {bad}: not readable as gzip")
    pytest.importorskip("zstandard")
    zst = tmp_path / "p.zst"
    zst.write_bytes((EXAMPLES / "pairs.jsonl").read_bytes())
    result = run("replay", str(zst))
    assert result.exit_code == 2 and result.output.strip().startswith(f"Error: {zst}: not readable as zstd")


def test_a_compressed_log_cut_off_part_way_keeps_what_it_read_and_says_where(tmp_path):
    path = _pairs_gz(tmp_path, keep=4000)
    result = run("replay", str(path), "-m", "gpt-4o-mini", "--format", "json")
    assert result.exit_code == 0, result.output
    counts = records(json.loads(result.stdout))
    [(reason, n)] = counts["skipped"].items()
    assert reason.startswith(CUT_OFF) and n == 1
    read = counts["read"]
    assert 0 < read < 3000 and counts["skipped_at"][reason] == [f"{path}:{read + 1}"]
    assert run("replay", str(path), "--strict").exit_code == 2


def test_a_damaged_compressed_log_in_a_directory_is_an_error_not_a_stray_file(tmp_path):
    (tmp_path / "logs").mkdir()
    good = _pairs_gz(tmp_path)
    (tmp_path / "logs" / "a.jsonl.gz").write_bytes(good.read_bytes())
    (tmp_path / "logs" / "b.jsonl.gz").write_bytes(good.read_bytes()[:100])
    result = run("replay", str(tmp_path / "logs"))
    assert result.exit_code == 2
    assert result.output.strip().splitlines()[-1].startswith(f"Error: {tmp_path / 'logs' / 'b.jsonl.gz'}: ")


# 4. impossible counts -----------------------------------------------------------------------------------


def test_counts_a_request_cannot_hold_are_skipped_and_located(tmp_path):
    lines = [
        chat("a", {"prompt_tokens": 1.5e6, "completion_tokens": 10}, "gpt-4o-mini"),  # over its 128k window
        chat("b", {"prompt_tokens": 1000, "completion_tokens": 10}, "gpt-4o-mini"),
        chat("c", {"prompt_tokens": 100.5, "completion_tokens": 10}, "gpt-4o-mini"),
        chat("d", {"prompt_tokens": -4, "completion_tokens": 10}, "gpt-4o-mini"),
        chat("e", {"prompt_tokens": 1.5e9, "completion_tokens": 10}, "no-such-model"),  # no window known
    ]
    log = write(tmp_path / "big.jsonl", lines)
    out = tmp_path / "w.yaml"
    result = run("replay", log, "-m", "gpt-4o", "--format", "json", "--emit-workload", str(out))
    assert result.exit_code == 0, result.output
    counts = records(json.loads(result.stdout))
    assert counts["read"] == 1
    assert counts["skipped_at"] == {
        OVER_WINDOW: [f"{log}:1"],
        "malformed token count": [f"{log}:3"],
        "negative token count": [f"{log}:4"],
        "impossible count: over 1,000,000,000 tokens in one request": [f"{log}:5"],
    }
    assert float(yaml.safe_load(out.read_text("utf-8"))["workloads"][0]["input_tokens"]) == 1000


def test_the_window_rule_is_for_chat_models_not_batched_embeddings(tmp_path):
    body = {"object": "list", "model": "text-embedding-3-small", "data": [{"object": "embedding"}]}
    body |= {"id": "e1", "usage": {"prompt_tokens": 50_000, "total_tokens": 50_000}}  # many 8k inputs
    log = write(tmp_path / "e.jsonl", [json.dumps(body)])
    assert records(replay([log], ["gpt-4o-mini"]))["read"] == 1


# 5. set-aside records are located -----------------------------------------------------------------------


def _call_without_usage(span_id: str, *extra: dict) -> dict:
    """A chat span with a model and no token counts (and ``extra`` attributes)."""
    document = _span(span_id)
    span = document["resourceSpans"][0]["scopeSpans"][0]["spans"][0]
    span["attributes"] = span["attributes"][:2] + list(extra)
    return document


def test_an_otel_call_without_usage_is_no_usage_and_other_spans_are_located(tmp_path):
    failed = _call_without_usage("aa" * 8, {"key": "error.type", "value": {"stringValue": "timeout"}})
    http = {"resourceSpans": [{"scopeSpans": [{"spans": [{"traceId": "01" * 16, "spanId": "02" * 8}]}]}]}
    lines = [_span("ef" * 8), _call_without_usage("cd" * 8), http, failed]
    log = write(tmp_path / "spans.jsonl", [json.dumps(line) for line in lines])
    result = run("replay", log, "-m", "gpt-4o-mini", "--format", "json")
    counts = records(json.loads(result.stdout))
    assert counts["skipped_at"] == {NO_USAGE: [f"{log}:2"], "error response": [f"{log}:4"]}
    assert counts["ignored_at"] == {"span without token usage": [f"{log}:3"]}
    table = run("replay", log, "-m", "gpt-4o-mini")
    assert f"not usage records: span without token usage (1, at {log}:3)" in table.stdout


def test_requests_that_share_an_id_but_differ_are_both_read(tmp_path):
    """Ollama's OpenAI-compatible ids are ``chatcmpl-`` and a number below 999: two requests may share one.
    Only a copy (same id, model, time and counts) is a duplicate."""
    log = write(
        tmp_path / "ollama.jsonl",
        [
            chat("chatcmpl-42", {"prompt_tokens": 100, "completion_tokens": 10}, "llama3.2:3b"),
            chat("chatcmpl-42", {"prompt_tokens": 230, "completion_tokens": 31}, "llama3.2:3b"),
            chat("chatcmpl-42", {"prompt_tokens": 100, "completion_tokens": 10}, "qwen3:0.6b"),
        ],
    )
    assert records(replay([log], ["gpt-4o-mini"]))["skipped"] == {}


@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(
    ids=st.lists(st.one_of(st.none(), st.sampled_from("abcdef")), min_size=1, max_size=40),
    part=st.integers(min_value=150, max_value=3000),
)
def test_any_cut_of_a_log_with_copies_reads_each_record_once(tmp_path, ids, part):
    """Whatever the byte ranges, the partitions read what one local read reads: every record without an id,
    and each id once (a copy is the same line, so the same record)."""
    lines = [chat(rid, {"prompt_tokens": 100 + ord(rid or "z"), "completion_tokens": 10}) for rid in ids]
    log = write(tmp_path / "h.jsonl", lines)
    local = replay([log], ["gpt-4o-mini"])
    saved, partitions.PARTITION_BYTES = partitions.PARTITION_BYTES, part
    try:
        cut = replay([log], ["gpt-4o-mini"], engine=LocalEngine(1))  # in this process: many partitions
    finally:
        partitions.PARTITION_BYTES = saved
    assert records(local)["read"] == ids.count(None) + len({rid for rid in ids if rid})
    assert json.dumps(cut) == json.dumps(local)


def test_a_utf8_bom_does_not_cost_the_first_jsonl_record(tmp_path, small_partitions):
    """Windows tools start a file with a UTF-8 BOM: the first record is read, as CSV and JSON arrays are, on
    every engine (the first byte range starts with it)."""
    lines = [chat(f"b{i}", {"prompt_tokens": 100 + i, "completion_tokens": 10}) for i in range(60)]
    log = tmp_path / "bom.jsonl"
    log.write_bytes(b"\xef\xbb\xbf" + "".join(line + "\n" for line in lines).encode())
    local = replay([str(log)], ["gpt-4o-mini"])
    assert records(local)["read"] == 60 and records(local)["skipped"] == {}
    assert json.dumps(replay([str(log)], ["gpt-4o-mini"], engine=LocalEngine(2))) == json.dumps(local)


@pytest.mark.parametrize("suffix", [".gz", ".zst"])
def test_a_compressed_log_that_ends_mid_line_is_said_cut_off(tmp_path, suffix):
    """A log compressed while it was being written (``head -c`` then gzip) decompresses without an error but
    ends mid-record: that is the file cut off, not a malformed line; an ending newline-less but whole record
    is read."""
    lines = [chat(f"m{i}", {"prompt_tokens": 100, "completion_tokens": 10}) for i in range(5)]
    text = "\n".join(lines)
    zstd = pytest.importorskip("zstandard") if suffix == ".zst" else None
    pack = zstd.ZstdCompressor().compress if zstd else gzip.compress
    cut, whole = tmp_path / f"cut.jsonl{suffix}", tmp_path / f"whole.jsonl{suffix}"
    cut.write_bytes(pack(text[:-20].encode()))
    whole.write_bytes(pack(text.encode()))
    counts = records(replay([str(cut)], ["gpt-4o"]))
    [(reason, n)] = counts["skipped"].items()
    assert reason.startswith(CUT_OFF) and n == 1 and counts["skipped_at"][reason] == [f"{cut}:5"]
    assert counts["read"] == 4 and records(replay([str(whole)], ["gpt-4o"]))["skipped"] == {}


def test_pretty_printed_concatenated_json_is_read_value_by_value(tmp_path):
    """``jq .`` writes objects one after another, each over many lines: read each, located at its first
    line; a broken one after them is one malformed record at its line, the ones before it kept."""
    values = [json.loads(chat(f"p{i}", {"prompt_tokens": 100, "completion_tokens": 10})) for i in range(3)]
    path = tmp_path / "jq.json"
    path.write_text("".join(json.dumps(v, indent=2) + "\n" for v in values), encoding="utf-8")
    lines = json.dumps(values[0], indent=2).count("\n") + 1
    document = replay([str(path)], ["gpt-4o"])
    assert records(document)["read"] == 3 and records(document)["skipped"] == {}
    path.write_text(path.read_text() + '{\n  "id": "broken",\n  "model": \n}\n', encoding="utf-8")
    counts = records(replay([str(path)], ["gpt-4o"]))
    assert counts["read"] == 3 and counts["skipped_at"]["malformed JSON line"] == [f"{path}:{3 * lines + 4}"]


def test_the_period_runs_to_the_last_request_s_end(tmp_path):
    """A Langfuse observation's endTime (LiteLLM's endTime, an OTel span's end) is when the request ended:
    the period runs to it (1.5 days here, not the 1 day between starts); an end over a day after its start
    is a broken clock, not an end."""
    rows = [
        {"id": "e1", "traceId": "t1", "type": "GENERATION", "startTime": "2026-11-04T10:00:00Z",
         "endTime": "2026-11-04T10:00:10Z", "model": "gpt-4o", "usageDetails": {"input": 100, "output": 10}},
        {"id": "e2", "traceId": "t2", "type": "GENERATION", "startTime": "2026-11-05T10:00:00Z",
         "endTime": "2026-11-05T22:00:00Z", "model": "gpt-4o", "usageDetails": {"input": 100, "output": 10}},
    ]  # fmt: skip
    path = tmp_path / "lf.json"
    path.write_text(json.dumps(rows), encoding="utf-8")
    assert replay([str(path)], ["gpt-4o"])["period"]["days"] == 1.5
    rows[1]["endTime"] = "2026-12-30T00:00:00Z"
    path.write_text(json.dumps(rows), encoding="utf-8")
    assert replay([str(path)], ["gpt-4o"])["period"]["days"] == 1
