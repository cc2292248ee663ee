"""Replay re-counts a logged request only where its text covers the billed input (``replay.coverage``)."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from tokencost.replay import replay

IMAGE = {"type": "image", "source": {"type": "base64", "media_type": "image/png", "data": "iVBORw0KGgo="}}


def _anthropic(i: int, content: list, input_tokens: int) -> dict:
    request = {
        "model": "claude-sonnet-4-6",
        "max_tokens": 100,
        "messages": [{"role": "user", "content": content}],
    }
    response = {
        "id": f"msg_{i}",
        "type": "message",
        "role": "assistant",
        "model": "claude-sonnet-4-6",
        "content": [{"type": "text", "text": "A cat."}],
        "usage": {"input_tokens": input_tokens, "output_tokens": 5},
    }
    return {"ts": f"2026-11-04T10:0{i}:00Z", "request": request, "response": response}


def _write(path: Path, rows: list[dict]) -> str:
    path.write_text("".join(json.dumps(r) + "\n" for r in rows), encoding="utf-8")
    return str(path)


def _cand(doc: dict, model: str) -> dict:
    return next(c for c in doc["candidates"] if c["model"] == model)


def _responses_calls(inputs: list[str], usage: dict, chain_first: bool) -> list[dict]:
    """Logged Responses API calls (request + response pairs), each chained to the one before by
    ``previous_response_id`` (the first too when ``chain_first``: its history lies before the log)."""
    rows = []
    for i, text in enumerate(inputs):
        chained = f"resp_{i}" if i or chain_first else None
        request = {"model": "gpt-4.1", "input": text, "previous_response_id": chained}
        response = {
            "id": f"resp_{i + 1}",
            "object": "response",
            "model": "gpt-4.1-2025-04-14",
            "usage": usage,
        }
        response["output"] = [{"type": "message", "role": "assistant", "content": []}]
        rows.append({"ts": f"2026-11-04T10:0{i}:00Z", "request": request, "response": response})
    return rows


@pytest.mark.parametrize("jobs", [1, 2])
def test_image_requests_are_converted_from_their_bill_not_recounted_from_their_text(tmp_path, jobs):
    """5 image requests billed 1,600 input tokens each: their few words of text do not cover the bill, so the
    candidates convert the logged counts (the logged model itself at 1.00x), and a note says how many and why."""
    content = [IMAGE, {"type": "text", "text": "What is in this picture?"}]
    log = _write(tmp_path / "img.jsonl", [_anthropic(i, content, 1600) for i in range(5)])
    doc = replay(log, ["claude-sonnet-4.6", "gpt-4.1"], jobs=jobs)
    own = _cand(doc, "claude-sonnet-4.6")
    assert own["records_by_method"] == {"logged": 5} and own["input_tokens"] == 8000
    gpt = _cand(doc, "gpt-4.1")
    assert gpt["records_by_method"] == {"converted": 5} and gpt["input_tokens"] > 5000
    assert doc["records"]["uncovered"] == 5 and doc["records"]["uncovered_at"][0].endswith("img.jsonl:1")
    note = next(n for n in doc["notes"] if "converted from their logged counts" in n)
    assert note.startswith("5 record(s)") and "images or other non-text parts: 5" in note
    assert doc == replay(log, ["claude-sonnet-4.6", "gpt-4.1"], jobs=3 - jobs)


def test_chained_responses_are_converted_and_said(tmp_path):
    """A Responses call that reaches earlier turns by ``previous_response_id`` is billed for them: converted."""
    usage = {"input_tokens": 5000, "input_tokens_details": {"cached_tokens": 4000}, "output_tokens": 10}
    rows = _responses_calls(["And now in French, please."] * 3, usage, chain_first=True)
    doc = replay(_write(tmp_path / "chain.jsonl", rows), ["gpt-4.1"])
    row = _cand(doc, "gpt-4.1")
    assert row["records_by_method"] == {"logged": 3} and row["input_tokens"] == 15000
    assert any("previous_response_id / conversation: 3" in n for n in doc["notes"])


def test_covered_request_with_an_image_carries_the_uncounted_share(tmp_path):
    """Text that covers the bill is re-counted; its image's share of the billed input (bill less the text on
    the logged tokenizer) is carried over as logged, and the part is named."""
    text = "Describe the following report in detail. " * 60
    doc_text = replay(
        _write(tmp_path / "t.jsonl", [_anthropic(0, [{"type": "text", "text": text}], 600)]), ["gpt-4.1"]
    )
    counted = _cand(doc_text, "gpt-4.1")["input_tokens"]
    with_image = [IMAGE, {"type": "text", "text": text}]
    doc = replay(_write(tmp_path / "i.jsonl", [_anthropic(0, with_image, 900)]), ["gpt-4.1"])
    row = _cand(doc, "gpt-4.1")
    assert row["records_by_method"] == {"retokenized": 1} and doc["records"]["uncovered"] == 0
    assert row["input_tokens"] > counted + 200  # the image's ~300 billed tokens ride along
    assert any(n.startswith("1 request part(s) not counted as text (images") for n in doc["notes"])


EMBED = {"object": "list", "data": [], "model": "text-embedding-3-small", "usage": {"prompt_tokens": 500}}
CHAT = {"id": "c1", "object": "chat.completion", "created": 1764842400, "model": "gpt-4o", "choices": []}


@pytest.mark.parametrize("jobs", [1, 2])
def test_embedding_traffic_is_compared_on_embedding_candidates_only(tmp_path, jobs):
    """An embedding record is priced on embedding candidates and a chat record on chat ones, each 'x actual'
    against its own kind; an embedding candidate is not refused for the chat records' output tokens, and what
    a comparison leaves out is said."""
    chat = {**CHAT, "usage": {"prompt_tokens": 1000, "completion_tokens": 100}}
    log = _write(tmp_path / "mixed.jsonl", [chat, {**EMBED, "created": 1764842400}])
    doc = replay(log, ["text-embedding-3-large", "gpt-4.1"], jobs=jobs)
    assert not [n for n in doc["notes"] if "cannot be priced" in n]
    embed, gpt = _cand(doc, "text-embedding-3-large"), _cand(doc, "gpt-4.1")
    assert embed["input_tokens"] == 500 and embed["records_by_method"] == {"logged": 1}
    assert gpt["input_tokens"] == 1000 and gpt["output_tokens"] == 100  # not the embedding's 500
    assert embed["vs_actual"] == "6.50"  # $0.13 vs $0.02 per million: against the embedding traffic only
    assert any("embedding records are priced on embedding candidates only" in n for n in doc["notes"])
    only_chat = replay(log, ["gpt-4.1"], jobs=jobs)["notes"]
    assert any(n.startswith("1 embedding record(s) ($0.0000100 as logged) left out") for n in only_chat)
    only_embed = replay(log, ["text-embedding-3-large"], jobs=jobs)["notes"]
    assert any(n.startswith("1 chat record(s) ($0.00350 as logged) left out") for n in only_embed)


@pytest.mark.parametrize("jobs", [1, 2])
def test_covered_chained_request_carries_its_unseen_history(tmp_path, jobs):
    """A chained Responses call whose text still covers half its bill is re-counted, and the earlier turns
    it reaches by ``previous_response_id`` (bill less text) ride along as logged: the logged model prices it
    at 1.00x, not on its text alone; a note counts and locates the records."""
    text = "Summarise the attached policy for a new colleague, point by point. " * 40
    rows = _responses_calls([text] * 3, {"input_tokens": 900, "output_tokens": 10}, chain_first=False)
    log = _write(tmp_path / "chain.jsonl", rows)
    doc = replay(log, ["gpt-4.1"], jobs=jobs)
    row = _cand(doc, "gpt-4.1")
    assert row["records_by_method"] == {"retokenized": 3} and doc["records"]["uncovered"] == 0
    first = replay(_write(tmp_path / "one.jsonl", rows[:1]), ["gpt-4.1"])
    alone = _cand(first, "gpt-4.1")["input_tokens"]  # the unchained call: its text only
    assert alone < 700 and row["input_tokens"] == alone + 1800  # the two chained ones at their bill
    assert doc["records"]["carried"] == 2 and doc["records"]["carried_at"][0].endswith("chain.jsonl:2")
    note = next(n for n in doc["notes"] if "carried over to candidates as logged (" in n)
    assert note.startswith("2 record(s)") and "previous_response_id / conversation: 2" in note
    assert doc == replay(log, ["gpt-4.1"], jobs=3 - jobs)


def test_embedding_candidates_are_ranked_apart_from_chat_ones_in_every_format(tmp_path):
    """A cheap chat model and a dear embedding model are no ranking: each kind has its own table and ranks."""
    from click.testing import CliRunner

    from tokencost.cli import cli

    chat = {**CHAT, "usage": {"prompt_tokens": 1000, "completion_tokens": 100}}
    log = _write(tmp_path / "mixed.jsonl", [chat, {**EMBED, "created": 1764842400}])
    doc = replay(log, ["text-embedding-3-large", "gpt-4.1"])
    ranks = {row["model"]: (row["kind"], row["rank"]) for row in doc["candidates"]}
    assert ranks == {"gpt-4.1": ("chat", 1), "text-embedding-3-large": ("embedding", 1)}
    args = ["replay", str(log), "-m", "text-embedding-3-large", "-m", "gpt-4.1"]
    text = CliRunner().invoke(cli, args).stdout
    chat_part, embedding_part = text.split("The embedding traffic on each embedding candidate")
    assert "gpt-4.1" in chat_part.split("The same traffic on each candidate")[1]
    assert "text-embedding-3-large" in embedding_part and "gpt-4.1 " not in embedding_part.split("\n\n")[0]
    csv_text = CliRunner().invoke(cli, [*args, "--format", "csv"]).stdout
    header, *lines = csv_text.splitlines()
    assert header.split(",")[-1] == "model_kind"
    kinds = {line.split(",")[1]: line.split(",")[-1] for line in lines if line.startswith("candidate,")}
    assert kinds == {"gpt-4.1": "chat", "text-embedding-3-large": "embedding"}
