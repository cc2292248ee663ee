"""Replay bills audio and image tokens at the card's own rates (OpenAI ``*_tokens_details``, Gemini
``promptTokensDetails`` / ``candidatesTokensDetails``), the text rate where a card has none (and says so);
candidates are priced on the same split; partitions give the same document."""

from __future__ import annotations

import json
from decimal import Decimal

import tokencost.replay.partitions as partitions
from tokencost.engines.local import LocalEngine
from tokencost.pricing.catalog import load_catalog
from tokencost.replay import replay


def _openai(model: str, audio_in: int, audio_out: int) -> dict:
    return {
        "object": "chat.completion",
        "created": 1764547200,
        "model": model,
        "choices": [],
        "usage": {
            "prompt_tokens": 1000,
            "completion_tokens": 500,
            "prompt_tokens_details": {"audio_tokens": audio_in},
            "completion_tokens_details": {"audio_tokens": audio_out},
        },
    }


def _write(tmp_path, name: str, rows: list[dict]) -> str:
    path = tmp_path / name
    path.write_text("".join(json.dumps(r) + "\n" for r in rows), encoding="utf-8")
    return str(path)


def _row(document: dict, model: str) -> dict:
    return next(r for r in document["actual"] if r["model"] == model)


def test_openai_audio_tokens_bill_at_the_audio_rates(tmp_path):
    card = load_catalog().get("gpt-audio").model.prices
    log = _write(tmp_path, "audio.jsonl", [_openai("gpt-audio", 400, 250)])
    document = replay([log], ["gpt-audio"])
    expected = (
        600 * card.input + 400 * card.input_audio + 250 * card.output + 250 * card.output_audio
    ) / Decimal(1_000_000)
    assert Decimal(_row(document, "gpt-audio")["computed_cost"]) == expected
    # the candidate (same model, same tokenizer) is priced on the same split
    [same] = document["candidates"]
    assert Decimal(same["cost"]) == expected
    text_only = replay([_write(tmp_path, "text.jsonl", [_openai("gpt-audio", 0, 0)])], ["gpt-audio"])
    assert Decimal(_row(text_only, "gpt-audio")["computed_cost"]) < expected


def test_audio_on_a_card_without_audio_rates_is_billed_as_text_and_said(tmp_path):
    log = _write(tmp_path, "4o.jsonl", [_openai("gpt-4o", 400, 0)])
    row = _row(replay([log], ["gpt-4o"]), "gpt-4o")
    card = load_catalog().get("gpt-4o").model.prices
    assert Decimal(row["computed_cost"]) == (1000 * card.input + 500 * card.output) / Decimal(1_000_000)
    assert any("audio input billed at the text input rate" in n for n in row["notes"])


def test_gemini_modality_details_are_read(tmp_path):
    card = load_catalog().get("gemini-2.5-flash-image").model.prices
    pair = {
        "request": {"model": "gemini-2.5-flash-image", "contents": [{"parts": [{"text": "draw"}]}]},
        "response": {
            "modelVersion": "gemini-2.5-flash-image",
            "candidates": [],
            "usageMetadata": {
                "promptTokenCount": 1000,
                "candidatesTokenCount": 1290,
                "candidatesTokensDetails": [{"modality": "IMAGE", "tokenCount": 1290}],
            },
        },
        "time": "2025-12-01T10:00:00Z",
    }
    document = replay([_write(tmp_path, "pairs.jsonl", [pair])], ["gemini-2.5-flash-image"])
    row = _row(document, "gemini-2.5-flash-image")
    assert Decimal(row["computed_cost"]) == (1000 * card.input + 1290 * card.output_image) / Decimal(
        1_000_000
    )


def test_partitions_keep_the_split_byte_for_byte(tmp_path, monkeypatch):
    monkeypatch.setattr(partitions, "PARTITION_BYTES", 1024)
    rows = [_openai(("gpt-audio", "gpt-4o")[i % 2], 100 + i, 20 + i % 7) for i in range(60)]
    log = _write(tmp_path, "mixed.jsonl", rows)
    local = replay([log], ["gpt-audio", "gpt-4o-mini"])
    assert json.dumps(replay([log], ["gpt-audio", "gpt-4o-mini"], engine=LocalEngine(2))) == json.dumps(local)
