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
    texts = render.gemini_json_declarations((Tool("f", "Do f", SCHEMA),))
    assert texts == [
        '{"name":"f","description":"Do f","parameters":{"type":"OBJECT","properties":{"title":{"type":"STRING"},'
        '"n":{"type":"INTEGER"}},"required":["title"]}}'
    ]


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


WEATHER = {
    "title": "Args",
    "type": "object",
    "additionalProperties": False,
    "properties": {
        "city": {"type": "string", "description": "City name"},
        "unit": {"type": "string", "enum": ["c", "f"]},
        "days": {"type": "integer"},
        "tags": {"type": "array", "items": {"type": "string"}},
    },
    "required": ["city"],
}


def test_gemini_3_declarations_are_written_in_gemmas_function_calling_format():
    """Keys sorted and unquoted, strings between <escape>, types upper case, empty values (an empty
    description, ``properties: {}``) and title/additionalProperties left out; a property named ``title`` stays."""
    text = render.gemini3_tools(
        (
            Tool("get_weather", "Get the weather.", WEATHER),
            Tool("dummy", "", {"type": "object", "properties": {}, "required": []}),
            Tool("notes", "Notes.", {"type": "object", "properties": {"title": {"type": "string"}}}),
        )
    )
    e = "<escape>"
    assert text == (
        "<start_function_declaration>declaration:get_weather{"
        f"description:{e}Get the weather.{e},parameters:{{properties:{{"
        f"city:{{description:{e}City name{e},type:{e}STRING{e}}},days:{{type:{e}INTEGER{e}}},"
        f"tags:{{items:{{type:{e}STRING{e}}},type:{e}ARRAY{e}}},"
        f"unit:{{enum:[{e}c{e},{e}f{e}],type:{e}STRING{e}}}}},required:[{e}city{e}],type:{e}OBJECT{e}}}}}"
        "<end_function_declaration>"
        f"<start_function_declaration>declaration:dummy{{parameters:{{type:{e}OBJECT{e}}}}}"
        "<end_function_declaration>"
        f"<start_function_declaration>declaration:notes{{description:{e}Notes.{e},parameters:{{"
        f"properties:{{title:{{type:{e}STRING{e}}}}},type:{e}OBJECT{e}}}}}<end_function_declaration>"
    )


def test_gemma_control_tokens_count_one_token_each():
    words = render.count_gemma(
        "<start_function_declaration>a b<escape>c<escape><end_function_declaration>", _words
    )
    assert words == 2 + 1 + 4  # "a b" and "c" counted as text, four control tokens


def _words(text: str) -> int:
    return len(text.split())


def test_gemini_3_counts_declarations_in_gemmas_format_and_2_5_the_compact_json():
    request = parse_request(
        _gemini({"name": "get_weather", "description": "Get the weather.", "parameters": WEATHER})
    )
    three = count_request(request, "gemini", model="gemini-3-flash-preview")
    assert three.basis == "fitted:gemini:3" and three.tools > 0
    assert count_request(request, "gemini", model="gemini-2.5-flash").basis == "fitted:gemini"


def test_gemini_2_0_counts_calls_and_responses_as_the_texts_googles_sdk_counts():
    """Keys and string values, each alone; numbers and JSON punctuation not (Google's local tokenizer)."""
    assert render.sdk_texts({"city": "Paris", "days": 3, "tags": ["a", {"k": "v"}]}) == [
        "city",
        "days",
        "tags",
        "Paris",
        "a",
        "k",
        "v",
    ]
    call = {"role": "model", "parts": [{"functionCall": {"name": "f", "args": {"n": 123456789}}}]}
    small = {"role": "model", "parts": [{"functionCall": {"name": "f", "args": {"n": 1}}}]}
    counts = [
        count_request(parse_request({"contents": [{"parts": [{"text": "Hi"}]}, c]}), "gemini", model=m).tokens
        for c in (call, small)
        for m in ("gemini-2.0-flash", "gemini-2.5-flash")
    ]
    # 2.0 bills no number, 2.5 the JSON arguments whole
    assert counts[0] == counts[2] and counts[1] > counts[3]


def test_gemini_turns_are_billed_from_2_5_and_an_empty_system_instruction_is_none():
    """Gemini 1.x/2.0 bill a plain request's text alone; 2.5 and later a token more a content, the system
    instruction included (measured with Gemma 3's tokenizer: exact on recorded plain requests)."""

    def words(text: str) -> int:
        return len(text.split())

    one = {"contents": [{"role": "user", "parts": [{"text": "a b c"}]}]}
    with_system = {**one, "systemInstruction": {"parts": [{"text": "d e"}]}}
    empty_system = {**one, "systemInstruction": {"parts": [{"text": ""}]}}
    counted = {
        (name, model): count_request(doc, "gemini", model=model, count=words).tokens
        for name, doc in (("one", one), ("system", with_system), ("empty", empty_system))
        for model in ("gemini-2.0-flash", "gemini-3-flash-preview")
    }
    assert counted["system", "gemini-3-flash-preview"] - counted["one", "gemini-3-flash-preview"] == 3
    assert counted["system", "gemini-2.0-flash"] - counted["one", "gemini-2.0-flash"] == 2
    assert counted["empty", "gemini-3-flash-preview"] == counted["one", "gemini-3-flash-preview"]


def test_gemini_through_vertex_ai_bills_as_gemini_2_0_whatever_the_model():
    """Vertex AI: no token a turn and the declarations as the texts Google's SDK counts (recorded Vertex calls
    of Gemini 2.5 and 3); the host is seen in the model id (``vertex_ai/``, Vertex's publisher path)."""
    from tokencost.tokenizers.chat.framing import generation

    for model in (
        "vertex_ai/gemini-2.5-pro",
        "projects/p/locations/l/publishers/google/models/gemini-3-flash",
    ):
        assert generation("gemini", model) == "gemini:vertex"
    doc = {
        "contents": [{"role": "user", "parts": [{"text": "a b c"}]}],
        "systemInstruction": {"parts": [{"text": "d e"}]},
    }
    plain = count_request(doc, "gemini", model="vertex_ai/gemini-2.5-pro", count=_words)
    assert plain.tokens == 5 and plain.basis == "fitted:gemini:vertex"
    tools = {
        **doc,
        "tools": [{"functionDeclarations": [{"name": "f", "description": "g h", "parameters": SCHEMA}]}],
    }
    counted = count_request(tools, "gemini", model="vertex_ai/gemini-2.5-pro", count=_words)
    texts = render.gemini_declaration_texts(parse_request(tools).tools)
    assert (
        counted.tools == round(sum(_words(t) for t in texts) * _weight("gemini:vertex")) + _tools_constant()
    )


def _weight(gen: str) -> float:
    from tokencost.tokenizers.chat.framing import constants

    return constants()["generations"][gen]["coef"]["tools_text"]


def _tools_constant() -> int:
    from tokencost.tokenizers.chat.framing import constants

    return round(constants()["generations"]["gemini:vertex"]["coef"]["tools"])


def test_gemini_2_5_declarations_are_json_with_upper_case_types_and_nested_objects_twice():
    """Gemini 2.5: compact JSON of name, description (empty if none) and parameters, ``type`` upper case,
    title/additionalProperties dropped; a nested object's schema follows as a text of its own."""
    address = {"type": "object", "title": "A", "properties": {"city": {"type": "string"}}}
    schema = {**SCHEMA, "properties": {**SCHEMA["properties"], "address": address}}
    texts = render.gemini_json_declarations((Tool("save", "", schema), Tool("ping")))
    assert texts == [
        '{"name":"save","description":"","parameters":{"type":"OBJECT","properties":{"title":{"type":"STRING"},'
        '"n":{"type":"INTEGER"},"address":{"type":"OBJECT","properties":{"city":{"type":"STRING"}}}},'
        '"required":["title"]}}',
        '{"type":"OBJECT","properties":{"city":{"type":"STRING"}}}',
        '{"name":"ping","description":""}',
    ]


def test_gemini_2_0_counts_a_plain_text_tool_result_whole():
    """An OpenAI-shaped request counted for Gemini 2.0: a tool output that is not a JSON object (``42``, prose)
    is billed as the string value it is sent as, not dropped as a number."""
    request = {
        "messages": [
            {"role": "user", "content": "a"},
            {
                "role": "assistant",
                "tool_calls": [{"id": "c", "type": "function", "function": {"name": "f", "arguments": "{}"}}],
            },
            {"role": "tool", "tool_call_id": "c", "content": "42 and more"},
        ]
    }
    counted = count_request(request, "gemini", model="gemini-2.0-flash", count=_words)
    bare = {**request, "messages": [*request["messages"][:2], {**request["messages"][2], "content": ""}]}
    assert counted.tokens - count_request(bare, "gemini", model="gemini-2.0-flash", count=_words).tokens == 3


def test_gemini_3_bills_a_share_of_a_thought_signature_vertex_none_and_2_5_is_unknown():
    """Gemini 3 bills about a fifth of a ``thoughtSignature``'s characters (fitted), Vertex AI none; on 2.5 what
    a signature bills is unknown (some requests bill it, some not) and it is reported so."""
    call = {"functionCall": {"name": "f", "args": {}}, "thoughtSignature": "A" * 1000}
    signed = {"contents": [{"role": "user", "parts": [{"text": "a"}]}, {"role": "model", "parts": [call]}]}
    unsigned = {
        **signed,
        "contents": [signed["contents"][0], {"role": "model", "parts": [{**call, "thoughtSignature": ""}]}],
    }
    assert parse_request(signed).messages[1].parts[0].signature_chars == 1000

    def counted(doc: dict, model: str):
        return count_request(doc, "gemini", model=model, count=_words)

    three = counted(signed, "gemini-3-flash-preview")
    extra = three.tokens - counted(unsigned, "gemini-3-flash-preview").tokens
    assert three.unknown_parts == 0 and 100 < extra < 300
    vertex = counted(signed, "vertex_ai/gemini-3-flash-preview")
    assert (
        vertex.unknown_parts == 0
        and vertex.tokens == counted(unsigned, "vertex_ai/gemini-3-flash-preview").tokens
    )
    assert counted(signed, "gemini-2.5-flash").unknown_parts == 1


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


@pytest.mark.parametrize(
    ("request_body", "field"),
    [
        ({"input": [{"type": "function_call_output", "call_id": "c1", "output": "42"}]}, "input[0].call_id"),
        (
            {"contents": [{"role": "user", "parts": [{"functionResponse": {"name": "f", "response": {}}}]}]},
            "contents[0].parts",
        ),
    ],
)
def test_a_result_with_no_call_at_all_is_refused_in_responses_and_gemini(request_body, field):
    with pytest.raises(InputError, match=re.escape(field)):
        parse_request(request_body)


def test_a_gemini_request_keeps_the_model_it_names():
    request = _gemini({"name": "calculator", "description": "Calculate."})
    assert parse_request({**request, "model": "gemini-2.5-flash"}).model == "gemini-2.5-flash"
    assert parse_request(request).model is None


def test_claude_bills_a_response_schema_as_json_indented_by_four_spaces():
    """Claude's structured output: the schema's billed cost grows about twice as fast as its compact JSON
    (fit set); indented JSON, 4 spaces, is what is counted."""
    from tokencost.tokenizers.chat.framing.features import features

    request = parse_request(
        {
            "model": "claude-sonnet-4-5",
            "max_tokens": 100,
            "messages": [{"role": "user", "content": "Invent a dog"}],
            "output_config": {"format": {"type": "json_schema", "schema": WEATHER}},
        }
    )
    assert render.claude_schema(request.response_schema) == (
        '{\n    "title": "Args",\n    "type": "object",\n    "additionalProperties": false,\n    "properties": {\n'
        '        "city": {\n            "type": "string",\n            "description": "City name"\n        },\n'
        '        "unit": {\n            "type": "string",\n            "enum": [\n                "c",\n'
        '                "f"\n            ]\n        },\n        "days": {\n            "type": "integer"\n'
        '        },\n        "tags": {\n            "type": "array",\n            "items": {\n'
        '                "type": "string"\n            }\n        }\n    },\n    "required": [\n'
        '        "city"\n    ]\n}'
    )
    seen: list[str] = []
    f = features(request, "anthropic", lambda text: seen.append(text) or len(text), 0, "anthropic:4.5")
    assert f["schema"] == 1 and f["schema_text"] == len(render.claude_schema(request.response_schema))
    assert render.claude_schema(request.response_schema) in seen
    # Gemini keeps the compact JSON
    g = features(request, "gemini", len, 0, "gemini")
    assert g["schema_text"] == len(render.compact_schema(request.response_schema))
