"""Each usage source parses its documented shape into the one normalised convention (input includes cache,
output includes reasoning); awkward records are skipped by reason, never dropped silently."""

from __future__ import annotations

import gzip
import json
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

from conftest import fake_clock_span
from tokencost.errors import InputError
from tokencost.replay.pipeline import ReadStats, read_records
from tokencost.replay.record import Skip, UsageRecord
from tokencost.replay.shapes import anthropic_usage, gemini_usage, openai_usage, usage_shape
from tokencost.replay.sources.langfuse import gross_counts
from tokencost.replay.sources.otel import usage_counts
from tokencost.tokenizers.chat import parse_request

FIXTURES = Path(__file__).parent / "fixtures" / "replay"


def read(*names: str, **kwargs) -> tuple[list[UsageRecord], ReadStats]:
    stats = ReadStats()
    records = list(read_records([str(FIXTURES / n) for n in names], stats, **kwargs))
    return records, stats


def tokens(record: UsageRecord) -> tuple[int, ...]:
    return (
        record.input_tokens,
        record.cache_read_tokens,
        record.cache_write_5m_tokens,
        record.cache_write_1h_tokens,
        record.output_tokens,
        record.reasoning_tokens,
    )


def test_openai_chat_responses_stream_and_errors():
    records, stats = read("openai-chat.jsonl")
    assert stats.sources[str(FIXTURES / "openai-chat.jsonl")] == "openai"
    assert [r.model for r in records] == [
        "gpt-4o-2024-08-06",
        "o4-mini-2025-04-16",
        "gpt-4o-mini-2024-07-18",
        "gpt-4o-mini",
        "gpt-4.1",
    ]
    assert tokens(records[0]) == (1200, 1024, 0, 0, 300, 0)  # cached is a subset of prompt_tokens
    assert tokens(records[1]) == (900, 0, 0, 0, 2400, 1900)  # reasoning is a subset of output_tokens
    assert tokens(records[2]) == (50, 0, 0, 0, 10, 0)  # usage from the last stream chunk only
    assert tokens(records[3]) == (0, 0, 0, 0, 0, 0)  # a zero-token record is still a request
    assert tokens(records[4]) == (400, 200, 0, 0, 50, 0)  # response.completed event
    assert records[0].time is not None and records[0].time.year == 2024
    assert stats.skipped == {"no usage": 1, "malformed JSON line": 1}
    assert stats.locations["malformed JSON line"] == [f"{FIXTURES / 'openai-chat.jsonl'}:8"]
    assert sum(stats.ignored.values()) == 2  # the two chunks without usage


def test_openai_batch_output_is_batch_and_joins_input_text():
    records, stats = read("openai-batch-input.jsonl", "openai-batch-output.jsonl")
    assert [r.batch for r in records] == [True, True]
    assert records[0].request["messages"][1]["content"].startswith("Can I get a refund")
    assert records[0].response_text == "Refund approved."
    assert stats.skipped == {"batch request failed": 1}
    alone, _ = read("openai-batch-output.jsonl")
    assert alone[0].request is None  # without the input file: counts only


def test_openai_usage_api_page_buckets():
    records, stats = read("openai-usage-page.json")
    assert [r.requests for r in records] == [1840, 200, 1000]
    assert tokens(records[0]) == (5120000, 3010000, 0, 0, 402000, 0)
    assert records[1].batch and records[0].aggregated
    assert stats.skipped == {"usage bucket without model (export it grouped by model)": 1}


def test_an_openai_costs_page_is_named_with_what_to_export_instead(tmp_path):
    """A Costs API page (amounts, no tokens) is not 'a usage bucket without model': it says what it is."""
    from tokencost.replay.sources.openai import COSTS_PAGE

    row = {
        "object": "organization.costs.result",
        "amount": {"value": 5.75, "currency": "usd"},
        "line_item": "x",
    }
    bucket = {"object": "bucket", "start_time": 1762041600, "end_time": 1762128000, "results": [row]}
    path = tmp_path / "costs.json"
    path.write_text(json.dumps({"object": "page", "data": [bucket], "has_more": False}), encoding="utf-8")
    stats = ReadStats()
    assert list(read_records([str(path)], stats)) == []
    assert stats.skipped == {COSTS_PAGE: 1} and "no token counts" in COSTS_PAGE


def test_anthropic_input_excludes_cache_so_it_is_added():
    records, stats = read("anthropic-messages.jsonl")
    assert tokens(records[0]) == (10050, 8000, 2000, 0, 400, 0)
    assert tokens(records[1]) == (4000, 0, 0, 3000, 900, 700)  # 1 h writes apart; thinking inside output
    assert records[0].time is not None  # from the wrapper's ts
    assert records[2].batch and records[2].time is None  # batch results carry no time
    assert tokens(records[3]) == (120, 0, 0, 0, 35, 0)  # message_start + message_delta
    assert stats.skipped == {"batch request failed": 1, "error response": 1}


def test_anthropic_usage_report_buckets_are_disjoint():
    [record], _ = read("anthropic-usage-report.json")
    assert tokens(record) == (1840000 + 9200000 + 410000, 9200000, 410000, 0, 620000, 0)
    assert record.requests == 0 and record.aggregated


def test_openrouter_native_counts_cost_and_chat_accounting():
    records, _ = read("openrouter-generations.jsonl")
    assert tokens(records[0]) == (10050, 8000, 0, 0, 400, 0)  # native_* counts, not tokens_*
    assert str(records[0].billed_cost) == "0.01605" and records[0].host == "openrouter"
    assert records[2].billed_cost is not None and records[2].model == "openai/gpt-4.1"


def test_litellm_json_and_csv():
    records, stats = read("litellm-spend.json")
    assert tokens(records[0]) == (10050, 8000, 2000, 0, 400, 0)  # prompt_tokens already inclusive
    # a Chat Completions body is kept as logged: the chat package reads (and converts) it when counting
    assert records[1].request["messages"][0]["role"] in ("system", "user")
    assert parse_request(records[1].request).shape == "openai_chat"
    assert stats.skipped == {"error response": 1}
    csv_records, _ = read("litellm-spend.csv")
    assert [r.input_tokens for r in csv_records] == [1000, 1200]


def test_langfuse_net_and_raw_usage_details():
    records, stats = read("langfuse-observations.json")
    assert tokens(records[0]) == (1200, 1024, 0, 0, 300, 0)  # OpenAI path: input is net of cache
    assert tokens(records[1]) == (10050, 8000, 2000, 0, 400, 0)  # raw Anthropic keys
    assert tokens(records[2]) == (1000, 0, 0, 0, 1000, 800)  # output net of reasoning (total says so)
    assert records[0].request["messages"][0]["content"] == "Where is my parcel?"
    assert stats.skipped == {"no usage": 1}
    assert stats.ignored == {"not a generation (span/event observation)": 1}


def test_langfuse_gross_input_is_not_added_twice():
    assert (
        gross_counts({"input": 1200, "input_cached_tokens": 1024, "output": 300, "total": 1500})[
            "input_tokens"
        ]
        == 1200
    )


def test_otel_conventions_parents_and_gaps():
    records, stats = read("otel-spans.jsonl")
    assert [r.model for r in records][:2] == ["gpt-4o-2024-08-06", "claude-sonnet-4-5-20250929"]
    assert tokens(records[0]) == (1200, 1024, 0, 0, 300, 0)
    assert tokens(records[1]) == (10050, 8000, 2000, 0, 400, 0)  # uncached input: cache exceeded it
    assert tokens(records[2]) == (5, 0, 0, 0, 2018, 1173)  # thinking only in the total
    assert tokens(records[3]) == (14, 0, 0, 0, 173, 0)  # legacy prompt/completion names
    assert records[1].request["messages"][0]["content"] == "Summarise this contract."
    assert stats.ignored["parent span repeating its children's usage (counted once, on the children)"] == 1


def test_otel_multi_convention_span_counts_once():
    attrs = {
        "gen_ai.usage.input_tokens": "80",
        "gen_ai.usage.output_tokens": "18",
        "llm.token_count.prompt": "80",
        "llm.token_count.completion": "18",
        "llm.token_count.total": "98",
    }
    assert usage_counts(attrs)["input_tokens"] == 80


def test_pairs_in_three_shapes():
    records, stats = read("pairs.jsonl")
    assert [r.provider for r in records] == ["openai", "anthropic", "google"]
    assert tokens(records[2]) == (15, 0, 0, 0, 38, 30)  # Gemini thoughts outside candidates
    # bodies are kept in their own shape; the chat package reads each (system apart on Claude and Gemini)
    shapes = [parse_request(r.request) for r in records]
    assert [r.shape for r in shapes] == ["openai_chat", "anthropic", "gemini"]
    assert shapes[1].system == ("You are a helpful assistant for an online shop.",)
    assert shapes[2].system
    assert stats.skipped == {"error response": 1}


def test_generic_csv_with_map():
    mapping = {
        "model": "llm",
        "input": "tokens_in",
        "cached": "tokens_cached",
        "output": "tokens_out",
        "time": "when",
        "tag.team": "team",
    }
    records, _ = read("generic.csv", source="generic", mapping=mapping)
    assert [r.tags["team"] for r in records] == ["search", "search", "support", "support"]
    assert tokens(records[0]) == (1000, 200, 0, 0, 100, 0)


def test_unknown_format_names_file_and_formats(tmp_path):
    path = tmp_path / "notes.jsonl"
    path.write_text('{"hello": 1}\n')
    with pytest.raises(InputError, match=r"notes.jsonl: not a usage log format .*tried pairs, otel"):
        read_records_list([str(path)])


def read_records_list(paths):
    return list(read_records(paths, ReadStats()))


def test_gzip_is_read_and_since_until_filter(tmp_path):
    target = tmp_path / "chat.jsonl.gz"
    with gzip.open(target, "wt") as out:
        out.write((FIXTURES / "pairs.jsonl").read_text())
    import datetime as dt

    stats = ReadStats()
    records = list(read_records([str(target)], stats, until=dt.date(2025, 12, 3)))
    assert records == [] and stats.filtered == 3


def test_zst_without_zstandard_says_how(tmp_path, monkeypatch):
    import builtins

    real_import = builtins.__import__

    def no_zstd(name, *args, **kwargs):
        if name == "zstandard":
            raise ImportError(name)
        return real_import(name, *args, **kwargs)

    monkeypatch.setattr(builtins, "__import__", no_zstd)
    path = tmp_path / "log.jsonl.zst"
    path.write_bytes(b"\x28\xb5\x2f\xfd")
    with pytest.raises(InputError, match="zstandard"):
        read_records_list([str(path)])


def test_inconsistent_record_is_skipped(tmp_path):
    path = tmp_path / "bad.jsonl"
    usage = {"prompt_tokens": 10, "completion_tokens": 5, "prompt_tokens_details": {"cached_tokens": 50}}
    path.write_text(json.dumps({"object": "chat.completion", "model": "gpt-4o", "usage": usage}) + "\n")
    stats = ReadStats()
    assert list(read_records([str(path)], stats)) == []
    assert stats.skipped == {"cache tokens exceed input tokens": 1}


counts = st.integers(min_value=0, max_value=10**9)


@given(counts, counts, counts, counts, counts, counts)
def test_anthropic_and_openai_agree_on_the_same_traffic(uncached, read_, w5, w1, visible, thinking):
    """The same request logged by Anthropic (disjoint counters) and by an OpenAI-style proxy (subsets)
    normalises to the same record."""
    a = anthropic_usage(
        {
            "input_tokens": uncached,
            "cache_read_input_tokens": read_,
            "cache_creation_input_tokens": w5 + w1,
            "cache_creation": {"ephemeral_5m_input_tokens": w5, "ephemeral_1h_input_tokens": w1},
            "output_tokens": visible + thinking,
            "output_tokens_details": {"thinking_tokens": thinking},
        }
    )
    o = openai_usage(
        {
            "prompt_tokens": uncached + read_ + w5 + w1,
            "prompt_tokens_details": {"cached_tokens": read_, "cache_write_tokens": w5 + w1},
            "completion_tokens": visible + thinking,
            "completion_tokens_details": {"reasoning_tokens": thinking},
        }
    )
    assert a["input_tokens"] == o["input_tokens"]
    assert a["cache_write_5m_tokens"] + a["cache_write_1h_tokens"] == o["cache_write_5m_tokens"]
    assert a["output_tokens"] == o["output_tokens"] and a["reasoning_tokens"] == o["reasoning_tokens"]
    g = gemini_usage(
        {
            "promptTokenCount": uncached + read_,
            "cachedContentTokenCount": read_,
            "candidatesTokenCount": visible,
            "thoughtsTokenCount": thinking,
        }
    )
    assert g["output_tokens"] == visible + thinking and g["reasoning_tokens"] == thinking


def test_usage_shape_detection():
    assert usage_shape({"input_tokens": 1, "output_tokens": 2}) == "anthropic"
    assert (
        usage_shape({"input_tokens": 1, "output_tokens": 2, "total_tokens": 3, "input_tokens_details": {}})
        == "openai"
    )
    assert usage_shape({"promptTokenCount": 1}) == "gemini"
    with pytest.raises(Skip):
        from tokencost.replay.shapes import usage_fields

        usage_fields({"foo": 1})


@given(
    st.lists(
        st.dictionaries(st.sampled_from("abc"), st.one_of(st.integers(), st.text(max_size=5)), max_size=3),
        max_size=8,
    ),
    st.integers(min_value=1, max_value=7),
)
def test_json_array_streams_element_by_element(items, chunk):
    """A top-level JSON array decodes element by element across chunk boundaries, as json.loads does."""
    import io

    from tokencost.replay.reader import _json_array

    text = json.dumps(items, indent=1)
    decoded = [doc.value for doc in _json_array("f", text[:3], io.StringIO(text[3:]), chunk=chunk)]
    assert decoded == items


def test_json_array_malformed_element_is_located(tmp_path):
    path = tmp_path / "rows.json"
    path.write_text('[{"a": 1}, {"b": ]')
    from tokencost.replay.reader import MALFORMED, documents

    docs = list(documents(str(path)))
    assert docs[0].value == {"a": 1} and docs[1].value is MALFORMED and docs[1].where.endswith(":[1]")


def test_otel_nanoseconds_are_nanoseconds_and_fake_clocks_are_no_time(tmp_path):
    """``startTimeUnixNano`` is nanoseconds whatever its size (a fake clock's 1000000000 is 1970-01-01 00:00:01,
    not 2001-09-09), and a time before 2000 is a placeholder: read as no time, counted and located."""
    from tokencost.replay.record import parse_time

    assert parse_time("1000000000", "ns").isoformat() == "1970-01-01T00:00:01+00:00"
    assert parse_time("1000000000").year == 2001  # a bare number of that size is seconds
    log = tmp_path / "spans.jsonl"
    log.write_text(
        "\n".join([fake_clock_span("1000000000"), fake_clock_span("1733312000100000000")]) + "\n",
        encoding="utf-8",
    )
    stats = ReadStats()
    records = list(read_records([str(log)], stats))
    assert [r.time is None for r in records] == [True, False]
    assert records[1].time.date().isoformat() == "2024-12-04"
    assert stats.placeholder_times == 1 and stats.placeholder_at == [f"{log}:1"]
    assert stats.read == 2 and not stats.skipped  # read and priced, only not dated
