"""Claude's deferred tools and Gemini's function declarations, as the vendors bill them (issue 20, third round)."""

from __future__ import annotations

import re

import pytest

from tokencost.errors import InputError
from tokencost.tokenizers.chat import count_request, parse_request
from tokencost.tokenizers.chat.framing import render
from tokencost.tokenizers.chat.model import Tool

SCHEMA = {
    "title": "Args",
    "type": "object",
    "additionalProperties": False,
    "properties": {"title": {"title": "Title", "type": "string"}, "n": {"type": "integer"}},
    "required": ["title"],
}


def _claude(tools: list[dict]) -> dict:
    return {
        "model": "claude-sonnet-4-5",
        "max_tokens": 64,
        "messages": [{"role": "user", "content": "Find the refund policy for order 123."}],
        "tools": tools,
    }


LOAD = {
    "name": "load_capability",
    "description": "Load a capability.",
    "input_schema": {"type": "object", "properties": {"id": {"type": "string"}}, "required": ["id"]},
}
REFUND = {
    "name": "lookup_refund_policy",
    "description": "Look up the refund policy for an order.",
    "input_schema": {"type": "object", "properties": {"order_id": {"type": "string"}}},
}


def test_claude_deferred_tools_are_not_in_the_context():
    deferred = parse_request(_claude([LOAD, {**REFUND, "defer_loading": True}]))
    assert [t.deferred for t in deferred.tools] == [False, True]
    alone = count_request(_claude([LOAD]), "claude", model="claude-sonnet-4-5")
    both = count_request(_claude([LOAD, REFUND]), "claude", model="claude-sonnet-4-5")
    with_deferred = count_request(deferred, "claude", model="claude-sonnet-4-5")
    assert with_deferred.tokens == alone.tokens < both.tokens
    assert with_deferred.tools == alone.tools


def test_gemini_declarations_drop_title_and_additional_properties_keywords():
    text = render.gemini_tools((Tool("f", "Do f", SCHEMA),))
    assert text == (
        '{name:"f",description:"Do f",parameters:{type:"object",properties:{title:{type:"string"},'
        'n:{type:"integer"}},required:["title"]}}'
    )


def _gemini(declaration: dict) -> dict:
    return {
        "contents": [{"role": "user", "parts": [{"text": "What is 15 * 8?"}]}],
        "tools": [{"functionDeclarations": [declaration]}],
    }


@pytest.mark.parametrize("key", ["parameters", "parametersJsonSchema", "parameters_json_schema"])
def test_gemini_parameters_are_read_in_every_spelling(key):
    request = parse_request(_gemini({"name": "calculator", "description": "Calculate.", key: SCHEMA}))
    assert request.tools[0].parameters == SCHEMA
    bare = count_request(
        _gemini({"name": "calculator", "description": "Calculate."}), "gemini", "gemini-2.5-flash"
    )
    counted = count_request(request, "gemini", model="gemini-2.5-flash")
    assert counted.tools > bare.tools


def test_gemini_malformed_snake_case_parameters_name_their_field():
    with pytest.raises(InputError, match="parameters_json_schema"):
        parse_request(_gemini({"name": "calculator", "parameters_json_schema": "not a schema"}))


def test_gemini_2_0_declarations_are_the_texts_googles_sdk_counts():
    nested = {
        "type": "object",
        "properties": {
            "unit": {"type": "string", "enum": ["c", "f"], "description": "Unit"},
            "days": {"type": "array", "items": {"type": "object", "properties": {"day": {"type": "string"}}}},
        },
        "required": ["unit"],
    }
    texts = render.gemini_declaration_texts((Tool("weather", "Get the weather", nested),))
    # names, descriptions, enum values, required names and property keys; never types or punctuation
    assert texts == ["weather", "Get the weather", "unit", "unit", "Unit", "c", "f", "days", "day"]


def test_gemini_2_0_counts_declarations_text_by_text_and_2_5_the_compact_json():
    request = parse_request(
        _gemini({"name": "calculator", "description": "Calculate.", "parameters": SCHEMA})
    )
    old = count_request(request, "gemini", model="gemini-2.0-flash")
    new = count_request(request, "gemini", model="gemini-2.5-flash")
    # Gemini 2.0 bills the texts alone; 2.5 the declarations with their structure, which is larger
    assert 0 < old.tools < new.tools


@pytest.mark.parametrize(
    ("change", "field"),
    [
        ({"messages": [{"role": "wizard", "content": "hi"}]}, "messages[0].role"),
        ({"thinking": "yes"}, "thinking"),
        ({"tool_choice": {"type": "tool"}}, "tool_choice.name"),
        ({"tool_choice": {"type": "sometimes"}}, "tool_choice.type"),
        (
            {
                "messages": [
                    {
                        "role": "assistant",
                        "content": [{"type": "tool_use", "id": "t", "name": "f", "input": "x"}],
                    }
                ]
            },
            "messages[0].content[0].input",
        ),
    ],
)
def test_claude_requests_the_api_would_refuse_name_their_field(change, field):
    request = {"system": "Be terse.", "messages": [{"role": "user", "content": "hi"}], **change}
    with pytest.raises(InputError, match=re.escape(field)):
        parse_request(request)


def test_claude_plain_text_documents_are_counted_and_server_tools_left_out_and_counted_as_skipped():
    question = {"type": "text", "text": "What colour is the grass?"}
    document = {
        "type": "document",
        "source": {"type": "text", "media_type": "text/plain", "data": "The grass is green."},
    }
    pdf = {
        "type": "document",
        "source": {"type": "base64", "media_type": "application/pdf", "data": "JVBERi0x"},
    }
    with_text = parse_request({"messages": [{"role": "user", "content": [document, question]}]})
    assert [p.text for p in with_text.messages[0].parts] == [
        "The grass is green.",
        "What colour is the grass?",
    ]
    assert with_text.skipped_parts == 0
    with_pdf = parse_request({"messages": [{"role": "user", "content": [pdf, question]}]})
    assert with_pdf.skipped_parts == 1
    search = {"type": "web_search_20250305", "name": "web_search", "max_uses": 3}
    served = parse_request(
        {"system": "x", "messages": [{"role": "user", "content": "hi"}], "tools": [search, LOAD]}
    )
    assert [t.name for t in served.tools] == [LOAD["name"]] and served.skipped_parts == 1


def test_gemini_built_in_tools_are_left_out_and_counted_as_skipped():
    request = _gemini({"name": "calculator", "description": "Calculate."})
    request["tools"].append({"googleSearch": {}})
    parsed = parse_request(request)
    assert [t.name for t in parsed.tools] == ["calculator"] and parsed.skipped_parts == 1
    with pytest.raises(InputError, match=re.escape("tools[1]")):
        parse_request({**request, "tools": [request["tools"][0], {}]})


@pytest.mark.parametrize(
    ("request_body", "field"),
    [
        (
            {
                "system": "x",
                "messages": [
                    {"role": "user", "content": [{"type": "tool_result", "tool_use_id": "toolu_X"}]}
                ],
            },
            "messages[0].content[0].tool_use_id",
        ),
        (
            {"messages": [{"role": "tool", "tool_call_id": "call_X", "content": "42"}]},
            "messages[0].tool_call_id",
        ),
        (
            {
                "input": [
                    {"type": "function_call", "call_id": "a", "name": "f", "arguments": "{}"},
                    {"type": "function_call_output", "call_id": "b", "output": "42"},
                ]
            },
            "input[1].call_id",
        ),
    ],
)
def test_a_tool_result_that_answers_no_call_is_refused_naming_its_field(request_body, field):
    """The vendors' APIs refuse it (none of 2,918 recorded requests has one): a count of it would be of a
    request nobody can send."""
    with pytest.raises(InputError, match=re.escape(field)):
        parse_request(request_body)
