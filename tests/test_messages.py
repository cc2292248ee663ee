"""Chat-message counting: OpenAI's documented rule (cookbook figures), tools, other families, parsing."""

from __future__ import annotations

import json

import pytest

from tokencost.errors import InputError
from tokencost.tokenizers import get_counter
from tokencost.tokenizers.messages import DEFAULT_OVERHEAD, count_messages, overhead_for, parse_chat

# The example of OpenAI's "How to count tokens with tiktoken" cookbook: 129 prompt tokens on gpt-4-0613 /
# gpt-3.5-turbo (cl100k_base), 124 on gpt-4o (o200k_base), as the API reported them.
COOKBOOK = [
    {
        "role": "system",
        "content": "You are a helpful, pattern-following assistant that translates corporate jargon into plain English.",
    },
    {"role": "system", "name": "example_user", "content": "New synergies will help drive top-line growth."},
    {
        "role": "system",
        "name": "example_assistant",
        "content": "Things working well together will increase revenue.",
    },
    {
        "role": "system",
        "name": "example_user",
        "content": "Let's circle back when we have more bandwidth to touch base on opportunities for increased leverage.",
    },
    {
        "role": "system",
        "name": "example_assistant",
        "content": "Let's talk later when we're less busy about how to do better.",
    },
    {
        "role": "user",
        "content": "This late pivot means we don't have time to boil the ocean for the client deliverable.",
    },
]

# The cookbook's function-calling example: 105 prompt tokens on gpt-3.5-turbo, 101 on gpt-4o.
TOOLS = [
    {
        "type": "function",
        "function": {
            "name": "get_current_weather",
            "description": "Get the current weather in a given location",
            "parameters": {
                "type": "object",
                "properties": {
                    "location": {
                        "type": "string",
                        "description": "The city and state, e.g. San Francisco, CA",
                    },
                    "unit": {
                        "type": "string",
                        "description": "The unit of temperature to return",
                        "enum": ["celsius", "fahrenheit"],
                    },
                },
                "required": ["location"],
            },
        },
    }
]
TOOL_MESSAGES = [
    {
        "role": "system",
        "content": "You are a helpful assistant that can answer to questions about the weather.",
    },
    {"role": "user", "content": "What's the weather like in San Francisco?"},
]


@pytest.mark.parametrize("family,expected", [("cl100k_base", 129), ("o200k_base", 124)])
def test_openai_rule_matches_cookbook(family, expected):
    result = count_messages(COOKBOOK, [], family, get_counter(family).count)
    assert result.tokens == expected
    assert result.basis == "openai-rule" and result.messages == 6
    assert result.content + result.overhead == expected


@pytest.mark.parametrize("family,expected", [("cl100k_base", 105), ("o200k_base", 101)])
def test_openai_tools_match_cookbook(family, expected):
    result = count_messages(TOOL_MESSAGES, TOOLS, family, get_counter(family).count)
    assert result.tokens == expected and result.tools > 0


def test_other_families_overhead_documented():
    count = get_counter("claude").count
    result = count_messages([{"role": "user", "content": "hi"}], [], "claude", count)
    assert result.basis == "estimate"
    assert overhead_for("claude") == DEFAULT_OVERHEAD
    assert overhead_for("qwen3.5").basis == "chat-template"
    assert result.overhead == DEFAULT_OVERHEAD.per_message + count("user") + DEFAULT_OVERHEAD.priming
    with_tools = count_messages(
        [{"role": "user", "content": "hi"}], TOOLS, "qwen3.5", get_counter("qwen3.5").count
    )
    assert with_tools.tools > overhead_for("qwen3.5").tools_preamble


def test_no_messages_is_zero():
    assert count_messages([], [], "o200k_base", get_counter("o200k_base").count).tokens == 0


def test_content_parts_and_tool_calls():
    count = get_counter("o200k_base").count
    messages = [
        {
            "role": "user",
            "content": [
                {"type": "text", "text": "Describe this"},
                {"type": "image_url", "image_url": {"url": "data:..."}},
            ],
        },
        {
            "role": "assistant",
            "content": None,
            "tool_calls": [
                {"id": "1", "type": "function", "function": {"name": "f", "arguments": '{"a": 1}'}}
            ],
        },
    ]
    result = count_messages(messages, [], "o200k_base", count)
    assert result.skipped_parts == 1
    assert result.content == count("Describe this") + count("f") + count('{"a": 1}')


def test_parse_forms():
    doc = {"messages": COOKBOOK[:2], "tools": TOOLS}
    assert parse_chat(json.dumps(doc), "x") == (COOKBOOK[:2], TOOLS)
    assert parse_chat(json.dumps(COOKBOOK), "x") == (COOKBOOK, [])
    jsonl = "\n".join(json.dumps(m) for m in COOKBOOK[:3])
    assert parse_chat(jsonl, "x") == (COOKBOOK[:3], [])
    assert parse_chat("", "x") == ([], [])
    requests_jsonl = "\n".join(json.dumps({"messages": [m]}) for m in COOKBOOK[:2])
    assert parse_chat(requests_jsonl, "x")[0] == COOKBOOK[:2]


@pytest.mark.parametrize(
    "text,match",
    [
        ("{not json", "x:1"),
        ('{"role": "user"}\n{bad', "x:2"),
        ('{"messages": 3}', "must be a list"),
        ('{"foo": 1}', "expected"),
        ("[1, 2]", "not an object"),
    ],
)
def test_parse_errors(text, match):
    with pytest.raises(InputError, match=match):
        parse_chat(text, "x")
