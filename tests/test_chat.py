"""Chat requests in every shape: parsers (with malformed fields named), renderings pinned, conversion."""

from __future__ import annotations

import json

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from tokencost.errors import InputError
from tokencost.tokenizers import get_counter
from tokencost.tokenizers.chat import count_request, parse_request, parse_requests
from tokencost.tokenizers.chat.framing import generation, render, tool_prompt
from tokencost.tokenizers.chat.model import TOOL_CALL, TOOL_RESULT, Schema, Tool

PARAMS = {
    "type": "object",
    "properties": {
        "city": {"type": "string", "description": "The city"},
        "unit": {"type": "string", "enum": ["c", "f"], "default": "c"},
        "days": {"type": "array", "items": {"type": "integer"}},
        "where": {"type": "object", "properties": {"lat": {"type": "number"}}, "required": ["lat"]},
    },
    "required": ["city"],
}
WEATHER = Tool("get_weather", "Get the weather", PARAMS)

OPENAI_CHAT = {
    "model": "gpt-4o",
    "messages": [
        {"role": "system", "content": "Be brief."},
        {"role": "user", "content": "Weather in Paris?"},
        {
            "role": "assistant",
            "content": None,
            "tool_calls": [
                {
                    "id": "c1",
                    "type": "function",
                    "function": {"name": "get_weather", "arguments": '{"city":"Paris"}'},
                }
            ],
        },
        {"role": "tool", "tool_call_id": "c1", "content": "18C"},
    ],
    "tools": [
        {
            "type": "function",
            "function": {"name": "get_weather", "description": "Get the weather", "parameters": PARAMS},
        }
    ],
}
ANTHROPIC = {
    "model": "claude-sonnet-4-5",
    "system": [{"type": "text", "text": "Be brief."}],
    "messages": [
        {"role": "user", "content": "Weather in Paris?"},
        {
            "role": "assistant",
            "content": [{"type": "tool_use", "id": "c1", "name": "get_weather", "input": {"city": "Paris"}}],
        },
        {"role": "user", "content": [{"type": "tool_result", "tool_use_id": "c1", "content": "18C"}]},
    ],
    "tools": [{"name": "get_weather", "description": "Get the weather", "input_schema": PARAMS}],
}
RESPONSES = {
    "model": "gpt-5",
    "instructions": "Be brief.",
    "input": [
        {"role": "user", "content": [{"type": "input_text", "text": "Weather in Paris?"}]},
        {"type": "function_call", "call_id": "c1", "name": "get_weather", "arguments": '{"city":"Paris"}'},
        {"type": "function_call_output", "call_id": "c1", "output": "18C"},
    ],
    "tools": [
        {"type": "function", "name": "get_weather", "description": "Get the weather", "parameters": PARAMS}
    ],
}
GEMINI = {
    "systemInstruction": {"parts": [{"text": "Be brief."}]},
    "contents": [
        {"role": "user", "parts": [{"text": "Weather in Paris?"}]},
        {
            "role": "model",
            "parts": [
                {
                    "functionCall": {"name": "get_weather", "args": {"city": "Paris"}},
                    "thoughtSignature": "abc",
                }
            ],
        },
        {"role": "user", "parts": [{"functionResponse": {"name": "get_weather", "response": {"t": "18C"}}}]},
    ],
    "tools": [
        {
            "functionDeclarations": [
                {"name": "get_weather", "description": "Get the weather", "parameters": PARAMS}
            ]
        }
    ],
}


def test_openai_tools_rendering_pinned():
    """Harmony's rendering (checked against ``openai-harmony`` by ``benchmarks/framing.py --harmony``)."""
    assert render.openai_tools((WEATHER, Tool("ping"))) == (
        "# Tools\n\n## functions\n\nnamespace functions {\n\n"
        "// Get the weather\n"
        "type get_weather = (_: {\n"
        "// The city\n"
        "city: string,\n"
        'unit?: "c" | "f", // default: c\n'
        "days?: number[],\n"
        "where?: {\n    lat: number,\n    },\n"
        "}) => any;\n\n"
        "type ping = () => any;\n\n"
        "} // namespace functions"
    )


def test_openai_tools_rendering_of_titles_unions_and_defaults():
    params = {
        "type": "object",
        "properties": {
            "q": {"type": "string", "title": "Query", "default": "x", "examples": ["a"]},
            "n": {"type": ["integer", "null"]},
            "v": {
                "oneOf": [{"type": "string", "description": "a name"}, {"type": "number"}],
                "description": "V",
            },
            "z": {"anyOf": [{"type": "string"}]},
            "m": {"type": "string", "nullable": True},
        },
        "required": ["v"],
    }
    text = render.openai_tools((Tool("f", "", params),))
    body = text[text.index("type f") : text.index("} // namespace")]
    assert body == (
        "type f = (_: {\n"
        "// Query\n//\n"
        '// Examples:\n// - "a"\n'
        'q?: string, // default: "x"\n'
        "n?: number | null,\n"
        "// V\n"
        "v:\n | string\n | number\n,\n"
        "z?: any,\n"
        "m?: string | null,\n"
        "}) => any;\n\n"
    )


def test_gpt4o_tools_rendering_pinned():
    """The GPT-4o generation's rendering, measured on billed calls: description lines stripped and blank
    ones dropped, ``() => any`` without properties, a title's spacer only before a description, ``$ref``
    inlined from ``$defs``."""
    params = {
        "type": "object",
        "$defs": {"Author": {"type": "object", "properties": {"name": {"type": "string"}}}},
        "properties": {
            "q": {"type": "string", "title": "Query"},
            "k": {"type": "integer", "title": "Count", "description": "How many"},
            "author": {"$ref": "#/$defs/Author"},
        },
        "required": ["q"],
    }
    doc = "Search the web.\n\n    Args:\n        q: the query\n"
    tools = (Tool("search", doc, params), Tool("ping", "Ping", {"type": "object", "properties": {}}))
    assert render.openai_tools(tools, gpt4o=True) == (
        "# Tools\n\n## functions\n\nnamespace functions {\n\n"
        "// Search the web.\n// Args:\n// q: the query\n"
        "type search = (_: {\n"
        "// Query\n"
        "q: string,\n"
        "// Count\n//\n// How many\n"
        "k?: number,\n"
        "author?: {\nname?: string,\n},\n"
        "}) => any;\n\n"
        "// Ping\n"
        "type ping = () => any;\n\n"
        "} // namespace functions"
    )
    nested = {
        "type": "object",
        "properties": {
            "address": {"type": "object", "description": "Where", "properties": {"city": {"type": "string"}}}
        },
    }
    where = render.openai_tools((Tool("f", "", nested),), gpt4o=True)
    assert "// Where\naddress?: {\ncity?: string,\n},\n" in where  # said once, above, lines unindented
    assert "// Where\naddress?:     // Where\n{" in render.openai_tools((Tool("f", "", nested),))
    # harmony (GPT-5 / o-series) keeps each line, the empty object, the title spacer and the $ref as any
    harmony = render.openai_tools(tools)
    assert "//     Args:" in harmony and "type ping = (_: {\n}) => any;" in harmony
    assert "author?: any," in harmony


def test_gpt4o_renders_an_array_of_objects_as_array_lines():
    """GPT-4o's rendering of an array of objects (as OpenAI's own tool prompts show it, and as billed):
    ``Array<``, the object and ``>`` on lines of their own, the object's properties unindented with their
    descriptions; arrays of scalars stay ``T[]``. Harmony (GPT-5) writes ``{...}[]`` indented."""
    step = {
        "type": "object",
        "properties": {
            "n": {"type": "integer", "description": "Step number"},
            "after": {"type": "array", "items": {"type": "integer"}},
            "tool": {"type": ["string", "null"], "title": "Tool"},
        },
        "required": ["n"],
    }
    params = {
        "type": "object",
        "properties": {"steps": {"type": "array", "description": "The steps", "items": step}},
        "required": ["steps"],
    }
    assert render.openai_tools((Tool("plan", "Make a plan", params),), gpt4o=True) == (
        "# Tools\n\n## functions\n\nnamespace functions {\n\n"
        "// Make a plan\n"
        "type plan = (_: {\n"
        "// The steps\n"
        "steps: Array<\n"
        "{\n"
        "// Step number\n"
        "n: number,\n"
        "after?: number[],\n"
        "// Tool\n"
        "tool?: string | null,\n"
        "}\n"
        ">,\n"
        "}) => any;\n\n"
        "} // namespace functions"
    )
    harmony = render.openai_tools((Tool("plan", "Make a plan", params),))
    assert "steps: {\n    // Step number\n    n: number,\n" in harmony and "    }[],\n" in harmony
    # a $ref'd object in an array is inlined and rendered the same way
    refd = {
        "type": "object",
        "$defs": {"Step": step},
        "properties": {"steps": {"type": "array", "items": {"$ref": "#/$defs/Step"}}},
    }
    text = render.openai_tools((Tool("plan", "", refd),), gpt4o=True)
    assert "steps?: Array<\n{\n// Step number\nn: number,\n" in text


def test_gpt4o_renders_an_optional_any_of_as_a_union():
    """``anyOf [T, null]`` (Pydantic's ``Optional[T]``) is ``T | null`` on GPT-4o; another ``anyOf`` stays
    ``any``; harmony's rendering keeps ``any`` for both."""
    params = {
        "type": "object",
        "properties": {
            "year": {"anyOf": [{"type": "integer"}, {"type": "null"}], "description": "A year"},
            "repo": {"anyOf": [{"type": "string"}, {"type": "array", "items": {"type": "string"}}]},
        },
        "required": ["year"],
    }
    assert render.openai_tools((Tool("find", "", params),), gpt4o=True) == (
        "# Tools\n\n## functions\n\nnamespace functions {\n\ntype find = (_: {\n// A year\n"
        "year: number | null,\nrepo?: any,\n}) => any;\n\n} // namespace functions"
    )
    assert "year: any," in render.openai_tools((Tool("find", "", params),))


def test_gpt4o_commented_parameters_without_system_message():
    """On GPT-4o's Chat Completions, a request without a system message whose tools have a parameter with a
    description or title (a comment line) gets ``commented_no_system``; not with a system message, not
    after tool results, not with bare parameters, not on the Responses endpoint or later generations."""
    from tokencost.tokenizers.chat.framing.features import features

    count = get_counter("o200k_base").count

    def flag(params, system=False, gen="openai:chat"):
        body = {
            "model": "gpt-4o",
            "messages": [{"role": "user", "content": "hi"}],
            "tools": [{"type": "function", "function": {"name": "f", "parameters": params}}],
        }
        if system:
            body["messages"].insert(0, {"role": "system", "content": "Be brief."})
        return features(parse_request(body), "openai", count, 0, gen)["commented_no_system"]

    described = {"type": "object", "properties": {"q": {"type": "string", "description": "A query"}}}
    titled = {"type": "object", "properties": {"q": {"type": "string", "title": "Q"}}}
    bare = {"type": "object", "properties": {"q": {"type": "string"}}}
    assert (flag(described), flag(titled), flag(bare)) == (1, 1, 0)
    assert flag(described, system=True) == 0
    assert flag(described, gen="openai:reasoning") == 0


def test_a_named_tool_choice_bills_the_forced_function_name_on_gpt4o():
    """A forced function (``tool_choice`` naming it) costs GPT-4o a constant plus its name's tokens
    (measured on crewAI's and mirascope's recordings); both request shapes carry the name."""
    from tokencost.tokenizers.chat.framing.features import features

    counter = get_counter("o200k_base")
    chat = json.loads(json.dumps(OPENAI_CHAT))
    chat["tool_choice"] = {"type": "function", "function": {"name": "get_weather"}}
    request = parse_request(chat)
    assert (request.tool_choice, request.tool_choice_name) == ("tool", "get_weather")
    f = features(request, "openai", counter.count, 0, "openai:chat")
    assert f["choice_name"] == counter.count("get_weather") and f["tool_named"] == 1
    responses = parse_request(
        {
            "model": "gpt-4o",
            "input": "Weather in Paris?",
            "tools": [{"type": "function", "name": "get_weather", "parameters": PARAMS}],
            "tool_choice": {"type": "function", "name": "get_weather"},
        }
    )
    assert responses.tool_choice_name == "get_weather"
    auto = features(parse_request(OPENAI_CHAT), "openai", counter.count, 0, "openai:chat")
    assert auto["choice_name"] == 0
    from tokencost.tokenizers.chat.framing import constants
    from tokencost.tokenizers.chat.framing import count_request as frame

    coef = constants()["generations"]["openai:chat"]["coef"]
    named = frame(request, "o200k_base", counter.count, model="gpt-4o").tokens
    free = frame(parse_request(OPENAI_CHAT), "o200k_base", counter.count, model="gpt-4o").tokens
    assert named - free == coef["tool_named"] + counter.count("get_weather")
    assert coef["choice_name"] == 1 and 5 <= coef["tool_named"] <= 8


def test_gpt4o_tools_follow_the_system_text_and_tool_names_are_not_billed_twice():
    from tokencost.tokenizers.chat.framing.features import features

    counter = get_counter("o200k_base")
    request = parse_request(OPENAI_CHAT)
    f = features(request, "openai", counter.count, 0, "openai:chat")
    text = render.openai_tools(request.tools, gpt4o=True)
    assert f["tools_text"] == counter.count("Be brief.\n\n" + text) - counter.count("Be brief.")
    named = json.loads(json.dumps(OPENAI_CHAT))
    named["messages"][3]["name"] = "get_weather"  # a tool message's name is framed with its result
    g = features(parse_request(named), "openai", counter.count, 0, "openai:chat")
    assert (g["names"], g["named"]) == (f["names"], f["named"])


def test_gpt4o_response_format_rendering_pinned():
    """GPT-4o bills a json_schema response format as compact JSON with titles, without required,
    additionalProperties and the constraint keywords (defaults, bounds, item counts), under its name and
    description; in a system message of its own when the request has none."""
    from tokencost.tokenizers.chat.framing.features import features

    schema = Schema(
        "Score",
        {
            "$schema": "https://json-schema.org/draft/2020-12/schema",
            "title": "Score",
            "type": "object",
            "additionalProperties": False,
            "required": ["value", "tags"],
            "properties": {
                "value": {"title": "Value", "type": "number", "minimum": 0, "maximum": 1, "default": 0.5},
                "tags": {"type": "array", "items": {"type": "string"}, "maxItems": 3},
                "required": {"type": "boolean"},
            },
        },
        "A score",
    )
    assert render.openai_schema(schema, gpt4o=True) == (
        "# Response Formats\n\n## Score\n\n// A score\n"
        '{"title":"Score","type":"object","properties":{"value":{"title":"Value","type":"number"},'
        '"tags":{"type":"array","items":{"type":"string"}},"required":{"type":"boolean"}}}'
    )
    body = {
        "model": "gpt-4o",
        "messages": [{"role": "user", "content": "Rate it"}],
        "response_format": {"type": "json_schema", "json_schema": {"name": "Score", "schema": schema.schema}},
    }
    counter = get_counter("o200k_base")
    alone = features(parse_request(body), "openai", counter.count, 0, "openai:chat")
    assert (alone["schema"], alone["schema_no_system"], alone["schema_chat_endpoint"]) == (1, 1, 1)
    assert alone["schema_text"] == counter.count(
        render.openai_schema(Schema("Score", schema.schema), gpt4o=True)
    )
    body["messages"].insert(0, {"role": "system", "content": "Be fair."})
    with_system = features(parse_request(body), "openai", counter.count, 0, "openai:chat")
    assert (with_system["schema_no_system"], with_system["schema_chat_endpoint"]) == (0, 1)
    assert with_system["schema_replies"] == 0
    body["messages"] += [
        {"role": "assistant", "content": '{"value":1,"tags":[]}'},
        {"role": "user", "content": "Again"},
    ]
    replied = features(parse_request(body), "openai", counter.count, 0, "openai:chat")
    assert replied["schema_replies"] == 1
    later = features(parse_request(body), "openai", counter.count, 0, "openai:reasoning")
    assert (later["schema_no_system"], later["schema_chat_endpoint"], later["schema_replies"]) == (0, 1, 0)
    assert later["schema_text"] == counter.count(render.openai_schema(Schema("Score", schema.schema)))


def test_gpt4o_parallel_calls_framed_as_multi_tool_use():
    """GPT-4o receives two or more calls in one assistant message as one ``multi_tool_use.parallel`` call,
    and the tool messages answering them as one result: their outputs as a JSON list."""
    from tokencost.tokenizers.chat.framing.features import features

    calls = [
        {
            "id": f"c{i}",
            "type": "function",
            "function": {"name": "weather", "arguments": f'{{"city": "{c}"}}'},
        }
        for i, c in enumerate(("Oslo", "Lima"))
    ]
    body = {
        "model": "gpt-4o",
        "messages": [
            {"role": "user", "content": "Weather in Oslo and Lima?"},
            {"role": "assistant", "content": None, "tool_calls": calls},
            {"role": "tool", "tool_call_id": "c0", "content": "Rain"},
            {"role": "tool", "tool_call_id": "c1", "content": "Sun, 24\u00b0"},
        ],
    }
    counter = get_counter("o200k_base")
    f = features(parse_request(body), "openai", counter.count, 0, "openai:chat")
    wrapper = (
        '{"tool_uses":[{"recipient_name":"functions.weather","parameters":{"city":"Oslo"}},'
        '{"recipient_name":"functions.weather","parameters":{"city":"Lima"}}]}'
    )
    assert (f["calls"], f["results"], f["messages"]) == (1, 1, 3)
    assert f["call_text"] == counter.count("multi_tool_use.parallel") + counter.count(wrapper)
    assert f["result_text"] == counter.count('["Rain", "Sun, 24\u00b0"]') + counter.count(
        "multi_tool_use.parallel"
    )
    later = features(parse_request(body), "openai", counter.count, 0, "openai:reasoning")
    assert (later["calls"], later["results"], later["messages"]) == (2, 2, 4)


def test_schema_claude_and_gemini_renderings_pinned():
    schema = Schema("answer", {"type": "object", "properties": {"a": {"type": "string"}}}, "The answer")
    assert render.openai_schema(schema) == (
        '# Response Formats\n\n## answer\n\n// The answer\n{"type":"object","properties":{"a":{"type":"string"}}}'
    )
    titled = Schema(
        "s",
        {
            "title": "T",
            "type": "object",
            "additionalProperties": False,
            "properties": {"title": {"title": "X"}},
        },
    )
    assert render.openai_schema(titled).endswith('{"type":"object","properties":{"title":{}}}')
    # GPT-5 / o-series: ``required`` is not billed either (strict mode requires every property), nested too
    nested = Schema(
        "structured_data",
        {
            "type": "object",
            "description": "",
            "properties": {
                "required": {
                    "type": "array",
                    "items": {"type": "object", "required": ["x"], "properties": {}},
                }
            },
            "required": ["required"],
        },
    )
    assert render.openai_schema(nested) == (
        "# Response Formats\n\n## structured_data\n\n"
        '{"type":"object","description":"","properties":{"required":{"type":"array","items":'
        '{"type":"object","properties":{}}}}}'
    )
    small = Tool("f", "Do f", {"type": "object", "properties": {"x": {"type": "integer"}}})
    assert render.claude_tools((small,)) == (
        '<functions>\n<function>{"description": "Do f", "name": "f", "parameters": {"type": "object", '
        '"properties": {"x": {"type": "integer"}}}}</function>\n</functions>'
    )
    assert render.gemini_json_declarations((small,)) == [
        '{"name":"f","description":"Do f","parameters":{"type":"OBJECT","properties":{"x":{"type":"INTEGER"}}}}'
    ]


@pytest.mark.parametrize(
    "document,shape",
    [
        (OPENAI_CHAT, "openai_chat"),
        (ANTHROPIC, "anthropic"),
        (RESPONSES, "openai_responses"),
        (GEMINI, "gemini"),
    ],
)
def test_every_shape_normalises_to_the_same_conversation(document, shape):
    request = parse_request(document)
    assert request.shape == shape
    assert [t.name for t in request.tools] == ["get_weather"]
    assert request.tools[0].parameters == PARAMS
    calls = [p for m in request.messages for p in m.parts if p.kind == TOOL_CALL]
    results = [p for m in request.messages for p in m.parts if p.kind == TOOL_RESULT]
    assert [(c.name, json.loads(c.text)) for c in calls] == [("get_weather", {"city": "Paris"})]
    assert [r.name for r in results] == ["get_weather"]  # named after the call it answers, not its id
    texts = [*request.system, *(p.text for m in request.messages for p in m.parts if p.kind == "text")]
    assert texts[:2] == ["Be brief.", "Weather in Paris?"]


def test_openai_request_counted_on_claude_is_the_claude_request():
    """Conversion: an OpenAI-shaped log counted on Claude is counted as the Claude request it would be."""
    count = get_counter("claude").count
    as_openai = count_request(OPENAI_CHAT, "claude", model="claude-sonnet-4-5", count=count)
    as_claude = count_request(ANTHROPIC, "claude", model="claude-sonnet-4-5", count=count)
    assert as_openai.tokens == as_claude.tokens
    assert as_openai.tools >= tool_prompt("claude-sonnet-4-5", "auto") == 346
    assert tool_prompt("claude-3-opus-20240229", "any") == 281


def test_generations_and_exact_parts():
    assert generation("o200k_base", "gpt-4o-2024-08-06") == "openai:chat"
    assert generation("o200k_base", "gpt-5-mini") == "openai:reasoning"
    assert generation("o200k_base", "o3-mini") == "openai:o-series"
    assert generation("o200k_base", "o1") == "openai:o-series"
    # the first o1 models bill GPT-4o's priming: one token more than o3-mini on the same plain chat
    assert (
        generation("o200k_base", "o1-mini-2024-09-12")
        == generation("o200k_base", "o1-preview")
        == "openai:chat"
    )
    question = {"messages": [{"role": "user", "content": "What is the capital of France?"}]}
    o1_mini = count_request(question, "o200k_base", model="o1-mini").tokens
    assert o1_mini == count_request(question, "o200k_base", model="o3-mini").tokens + 1
    plain = {"messages": [{"role": "user", "content": "hi"}]}
    result = count_request(plain, "o200k_base")
    assert result.tokens == 8 and result.exact == 2 and result.estimated == 6  # cookbook: 3 + 1 + 1 + 3
    claude = count_request(plain, "claude")
    assert claude.exact == 0 and claude.estimated == claude.tokens and claude.error >= 1


def test_gemini_thought_signature_is_unknown_not_zero():
    result = count_request(GEMINI, "gemini")
    assert result.unknown_parts == 1
    assert result.as_dict()["unknown_parts"] == 1


@pytest.mark.parametrize(
    "document,message",
    [
        ({"input": 5}, "x: input: expected a string or a list of items, got a number"),
        (
            {"input": [{"type": "function_call", "name": 3}]},
            "x: input[0].name: expected a string, got a number",
        ),
        ({"input": [{"type": "nope"}]}, "x: input[0].type: unsupported input item type 'nope'"),
        (
            {"input": [{"type": "additional_tools", "tools": [{"type": "function"}]}]},
            "x: input[0].tools[0].name: expected a string, got null",
        ),
        (
            {"input": "hi", "text": {"format": {"type": "json_schema", "schema": 1}}},
            "x: text.format.schema: expected",
        ),
        (
            {"system": 3, "messages": []},
            "x: system: expected a string or a list of text blocks, got a number",
        ),
        (
            {"system": "s", "messages": [{"role": "user", "content": [{"type": "tool_use", "input": {}}]}]},
            "x: messages[0].content[0].name: expected a string, got null",
        ),
        (
            {"system": "s", "messages": [], "tools": [{"input_schema": {}}]},
            "x: tools[0].name: expected a string",
        ),
        ({"system": "s", "messages": [], "tool_choice": "auto"}, "x: tool_choice: expected an object"),
        ({"contents": [{"parts": [{"text": 1}]}]}, "x: contents[0].parts[0].text: expected a string"),
        (
            {"contents": [{"parts": [{"functionCall": {"args": {}}}]}]},
            "x: contents[0].parts[0].functionCall.name",
        ),
        ({"contents": [], "tools": [{}]}, "x: tools[0]: expected 'functionDeclarations' or a built-in tool"),
        (
            {"contents": [], "tools": [{"functionDeclarations": [{"name": "f", "parameters": []}]}]},
            "x: tools[0].functionDeclarations[0].parameters: expected a schema object, got a list",
        ),
        ({"contents": [], "generationConfig": {"responseSchema": 2}}, "x: generationConfig.responseSchema"),
    ],
)
def test_malformed_fields_are_named(document, message):
    with pytest.raises(InputError) as caught:
        parse_requests(json.dumps(document), "x")
    assert str(caught.value).startswith(message) and "\n" not in str(caught.value)


def test_jsonl_of_mixed_shapes_is_one_request_per_line():
    text = "\n".join(json.dumps(d) for d in (OPENAI_CHAT, ANTHROPIC, RESPONSES, GEMINI))
    requests = parse_requests(text, "log.jsonl")
    assert [r.normalised().shape for r in requests] == [
        "openai_chat",
        "anthropic",
        "openai_responses",
        "gemini",
    ]
    assert [r.where for r in requests] == ["line 1", "line 2", "line 3", "line 4"]


def _run(*args):
    from click.testing import CliRunner

    from tokencost.cli import cli

    return CliRunner().invoke(cli, ["count", *args])


def test_count_cli_reads_every_shape_and_reports_each_request(tmp_path):
    log = tmp_path / "log.jsonl"
    log.write_text("\n".join(json.dumps(d) for d in (OPENAI_CHAT, ANTHROPIC, RESPONSES, GEMINI)), "utf-8")
    result = _run(str(log), "--messages", "--model", "gpt-4o", "--format", "json")
    assert result.exit_code == 0, result.output
    doc = json.loads(result.stdout)
    row = doc  # one model: the document is its row
    per_request = row["messages"]["per_request"]
    assert [r["shape"] for r in per_request] == ["openai_chat", "anthropic", "openai_responses", "gemini"]
    assert [r["where"] for r in per_request] == ["line 1", "line 2", "line 3", "line 4"]
    assert sum(r["tokens"] for r in per_request) == row["tokens"]
    assert all(r["exact"] + r["estimated"] == r["tokens"] and r["framing_error"] > 0 for r in per_request)
    assert row["low"] < row["tokens"] < row["high"]  # the framing error widens even an exact count
    assert per_request[3]["unknown_parts"] == 1
    assert any("thoughtSignature" in n and "unknown, not zero" in n for n in doc["notices"])


def test_count_cli_names_the_bad_field_of_any_shape(tmp_path):
    path = tmp_path / "bad.json"
    path.write_text(json.dumps({"contents": [{"parts": [{"functionCall": {"args": {}}}]}]}), "utf-8")
    result = _run(str(path), "--messages")
    assert result.exit_code == 2
    assert "bad.json: contents[0].parts[0].functionCall.name: expected a string, got null" in result.output
    assert "Traceback" not in result.output


def test_estimate_and_plan_read_other_shapes(tmp_path):
    import tokencost

    (row,) = tokencost.estimate(ANTHROPIC, models="claude-sonnet-4.5", output_tokens=10).rows
    claude = count_request(ANTHROPIC, "claude", model="claude-sonnet-4-5")
    assert row.count.tokens == claude.tokens


_TURNS = st.lists(
    st.tuples(st.sampled_from(["user", "assistant"]), st.text(min_size=1, max_size=40)),
    min_size=1,
    max_size=6,
)


@settings(max_examples=60, deadline=None)
@given(turns=_TURNS, system=st.text(max_size=30))
def test_plain_openai_requests_follow_the_documented_rule_in_every_shape(turns, system):
    """Plain requests are exact on OpenAI families (100 % of held-out ones): 3 per message plus its role
    and content, 3 to prime the reply; the same conversation in Responses shape counts the same."""
    count = get_counter("o200k_base").count
    messages = ([{"role": "system", "content": system}] if system else []) + [
        {"role": role, "content": text} for role, text in turns
    ]
    expected = sum(3 + count(m["role"]) + count(m["content"]) for m in messages) + 3
    assert count_request({"messages": messages}, "o200k_base", model="gpt-4o").tokens == expected
    responses = {
        "input": [{"role": r, "content": t} for r, t in turns],
        **({"instructions": system} if system else {}),
    }
    assert count_request(responses, "o200k_base", model="gpt-4o").tokens == expected


@settings(max_examples=40, deadline=None)
@given(turns=_TURNS, system=st.text(max_size=30))
def test_a_conversation_counts_the_same_whatever_shape_it_was_logged_in(turns, system):
    """Conversion: Chat Completions, Anthropic and Gemini forms of one conversation are one request."""
    openai = {"messages": ([{"role": "system", "content": system}] if system else [])}
    openai["messages"] += [{"role": r, "content": t} for r, t in turns]
    anthropic = {
        "system": system,
        "messages": [{"role": r, "content": [{"type": "text", "text": t}]} for r, t in turns],
    }
    gemini = {
        "contents": [{"role": "model" if r == "assistant" else r, "parts": [{"text": t}]} for r, t in turns],
        **({"systemInstruction": {"parts": [{"text": system}]}} if system else {}),
    }
    for family in ("claude", "gemini", "o200k_base"):
        counts = {count_request(doc, family).tokens for doc in (openai, anthropic, gemini)}
        assert len(counts) == 1, (family, counts)


def test_gpt4o_responses_render_the_parameters_title_above_the_object():
    """Responses requests on GPT-4o-era models bill the parameters' own ``title`` (openai-agents names every
    tool's schema ``<tool>_args``): a comment line above the object; Chat Completions and harmony do not."""
    params = {
        "title": "get_weather_args",
        "type": "object",
        "properties": {"city": {"title": "City", "type": "string"}},
        "required": ["city"],
    }
    tool = Tool("get_weather", "Gets the weather.", params)
    assert render.openai_tools((tool,), gpt4o=True, titles=True) == (
        "# Tools\n\n## functions\n\nnamespace functions {\n\n"
        "// Gets the weather.\n"
        "type get_weather = (_: // get_weather_args\n{\n"
        "// City\n"
        "city: string,\n"
        "}) => any;\n\n"
        "} // namespace functions"
    )
    assert "get_weather_args" not in render.openai_tools((tool,), gpt4o=True)
    o200k = get_counter("o200k_base").count
    body = {
        "model": "gpt-4o",
        "input": "Weather in Paris?",
        "tools": [{"type": "function", "name": "get_weather"}],
    }
    body["tools"][0].update(description="Gets the weather.", parameters=params)
    untitled = {**body, "tools": [{**body["tools"][0], "parameters": {**params, "title": ""}}]}
    titled = count_request(body, "o200k_base").tokens
    assert titled - count_request(untitled, "o200k_base").tokens == o200k("get_weather_args") + 2


def test_responses_additional_tools_items_load_their_tools():
    """An ``additional_tools`` input item (tools a tool search loads mid-conversation) adds its tools to the
    request's, once each, and is billed beyond them: the ``tool_loads`` constant on GPT-5 (fitted)."""
    from tokencost.tokenizers.chat.framing import constants

    loaded = {"type": "function", "name": "lookup_refund_policy", "description": "Look up a refund policy."}
    body = {
        **RESPONSES,
        "input": [
            *RESPONSES["input"],
            {"type": "additional_tools", "role": "developer", "tools": [loaded, RESPONSES["tools"][0]]},
        ],
    }
    request = parse_request(body)
    assert [t.name for t in request.tools] == ["get_weather", "lookup_refund_policy"]
    assert request.extras["tool_loads"] == 1 and len(request.messages) == 3
    plain = parse_request({**RESPONSES, "tools": [*RESPONSES["tools"], loaded]})
    extra = count_request(request, "o200k_base").tokens - count_request(plain, "o200k_base").tokens
    assert extra == constants()["generations"]["openai:reasoning"]["coef"]["tool_loads"] > 0


def test_gpt4o_responses_tools_without_a_system_message_are_not_framed_apart():
    """GPT-4o-era Chat Completions bills tools without a system message a few tokens more (fitted
    ``tools_no_system``); its Responses API does not (every such recorded request came out 3-5 high)."""
    from tokencost.tokenizers.chat.framing.features import features

    o200k = get_counter("o200k_base").count
    tool = {"type": "function", "name": "get_weather", "description": "Get the weather", "parameters": PARAMS}
    chat = parse_request(
        {
            "model": "gpt-4o",
            "messages": [{"role": "user", "content": "Hi"}],
            "tools": [{"type": "function", "function": {k: v for k, v in tool.items() if k != "type"}}],
        }
    )
    responses = parse_request({"model": "gpt-4o", "input": "Hi", "tools": [tool]})
    assert features(chat, "openai", o200k, 0, "openai:chat")["tools_no_system"] == 1
    assert features(responses, "openai", o200k, 0, "openai:chat")["tools_no_system"] == 0
    assert features(responses, "openai", o200k, 0, "openai:reasoning")["tools_no_system"] == 1


def test_gpt4o_responses_calls_parallel_calls_and_an_empty_message_before_a_call():
    """GPT-4o-era Responses requests: each function call is counted (``resp_calls``) and one made in the same
    turn as the one before it (parallel) apart (``resp_parallel``); an empty assistant message right before a
    call is the call's turn, not a message of its own (an empty user message stays one)."""
    from tokencost.tokenizers.chat.framing.features import features

    o200k = get_counter("o200k_base").count

    def call(n: str) -> dict:
        return {"type": "function_call", "call_id": n, "name": "get_weather", "arguments": '{"city":"Paris"}'}

    def out(n: str) -> dict:
        return {"type": "function_call_output", "call_id": n, "output": "18C"}

    user = {"role": "user", "content": "Weather in Paris and Rome?"}
    empty = {"role": "assistant", "content": ""}
    parallel = parse_request(
        {"model": "gpt-4o", "input": [user, empty, call("a"), call("b"), out("a"), out("b")]}
    )
    assert [m.role for m in parallel.messages] == ["user", "assistant", "assistant", "tool", "tool"]
    f = features(parallel, "openai", o200k, 0, "openai:chat")
    assert (f["resp_calls"], f["resp_parallel"]) == (2, 1)
    sequential = parse_request({"model": "gpt-4o", "input": [user, call("a"), out("a"), call("b"), out("b")]})
    f = features(sequential, "openai", o200k, 0, "openai:chat")
    assert (f["resp_calls"], f["resp_parallel"]) == (2, 0)
    gpt5 = features(parallel, "openai", o200k, 0, "openai:reasoning")
    assert (gpt5["resp_calls"], gpt5["resp_parallel"]) == (2, 0)  # GPT-5: calls, no parallel term
    kept = parse_request({"model": "gpt-4o", "input": [user, {"role": "user", "content": ""}, call("a")]})
    assert len(kept.messages) == 3


def test_gpt5_bills_an_earlier_assistant_reply_with_its_channel():
    """harmony renders an earlier assistant reply as ``<|start|>assistant<|channel|>final<|message|>``: two
    tokens more than a user turn of the same text; GPT-4o's format has no channel."""

    def chat(second_role: str) -> dict:
        turns = [("user", "My name is Steve"), (second_role, "Hello Steve"), ("user", "What is my name?")]
        return {"messages": [{"role": role, "content": text} for role, text in turns]}

    for model, extra in (("gpt-5", 2), ("gpt-4o", 0)):
        replied = count_request(chat("assistant"), "o200k_base", model=model).tokens
        asked = count_request(chat("user"), "o200k_base", model=model).tokens
        assert replied - asked == extra, model


def test_empty_descriptions_are_left_out():
    """ellmer sends ``"description": ""`` on every tool's parameters and properties: neither generation bills
    a comment line for one (its Responses requests came out 1-2 tokens high a tool on GPT-4o, 3-7 on GPT-5,
    with ``// `` rendered; openai-harmony's own renderer writes the empty line, the API does not bill it)."""
    params = {
        "type": "object",
        "description": "",
        "properties": {"user": {"type": "string", "description": ""}},
        "required": ["user"],
    }
    tool = Tool("favorite_color", "Find a user's favorite color", params)
    assert render.openai_tools((tool,), gpt4o=True) == (
        "# Tools\n\n## functions\n\nnamespace functions {\n\n"
        "// Find a user's favorite color\n"
        "type favorite_color = (_: {\nuser: string,\n}) => any;\n\n"
        "} // namespace functions"
    )
    assert "type favorite_color = (_: {\nuser: string,\n}) => any;" in render.openai_tools((tool,))


def test_the_library_counts_a_chat_request_like_count_messages():
    import tokencost

    chat = {"system": "Be terse.", "messages": [{"role": "user", "content": "What is 2+2?"}]}
    counted = tokencost.count_tokens(chat, model="claude-sonnet-4.5")
    assert counted.family == "claude" and not counted.exact and counted.low < counted.tokens < counted.high
    gpt5 = tokencost.count_tokens({"messages": chat["messages"]}, model="gpt-5")
    assert (
        gpt5.exact
        and gpt5.tokens == count_request({"messages": chat["messages"]}, "o200k_base", model="gpt-5").tokens
    )
    with pytest.raises(InputError, match="no chat messages"):
        tokencost.count_tokens({"messages": []}, model="gpt-5")
    with pytest.raises(InputError, match="a str or a chat request"):
        tokencost.count_tokens(42)


def test_gpt4o_renders_a_response_schema_alike_on_both_endpoints():
    """The rendering is the model's (measured on Chat Completions, then exact on every recorded GPT-4o
    Responses structured request); only Chat Completions' own system-message constants stay apart."""
    schema = {"type": "object", "properties": {"answer": {"type": "string"}}, "required": ["answer"]}
    chat = {
        "model": "gpt-4o",
        "messages": [{"role": "user", "content": "hi"}],
        "response_format": {"type": "json_schema", "json_schema": {"name": "reply", "schema": schema}},
    }
    responses = {
        "model": "gpt-4o",
        "input": "hi",
        "text": {"format": {"type": "json_schema", "name": "reply", "schema": schema}},
    }
    from tokencost.tokenizers.chat.framing.features import features

    count = get_counter("o200k_base").count
    on_chat = features(parse_request(chat), "openai", count, gen="openai:chat")
    on_responses = features(parse_request(responses), "openai", count, gen="openai:chat")
    assert on_chat["schema_text"] == on_responses["schema_text"] > 0
    assert on_chat["schema_chat_endpoint"] == 1 and on_responses["schema_chat_endpoint"] == 0


def test_gpt5_bills_a_response_schema_4_tokens_more_on_chat_completions():
    """GPT-5 bills a json_schema response format 4 tokens more on Chat Completions than on the Responses API
    (the same schema text; measured on ruby_llm's recorded gpt-5-nano calls, fitted into framing.json): the
    schema's own part of a structured request, beyond the plain request's count, differs by that much."""
    schema = {"type": "object", "properties": {"city": {"type": "string"}}, "required": ["city"]}
    question = "Name the capital of France."
    chat = {"model": "gpt-5", "messages": [{"role": "user", "content": question}]}
    responses = {"model": "gpt-5", "input": [{"role": "user", "content": question}]}

    def counted(body: dict) -> int:
        return count_request(body, "o200k_base", model="gpt-5").tokens

    on_chat = counted(
        {
            **chat,
            "response_format": {"type": "json_schema", "json_schema": {"name": "city", "schema": schema}},
        }
    )
    on_responses = counted(
        {**responses, "text": {"format": {"type": "json_schema", "name": "city", "schema": schema}}}
    )
    assert counted(chat) == counted(responses)
    assert on_chat - counted(chat) == on_responses - counted(responses) + 4


def test_gpt5_bills_a_tool_without_properties_as_no_argument():
    """GPT-5 (``bare``) bills a tool whose parameters have no properties as ``() => any``, as GPT-4o does;
    harmony's own renderer (the default) writes an empty object. A tool with properties is unchanged."""
    from tokencost.tokenizers.chat.framing.features import features

    empty = Tool("roll", "Rolls a die", {"type": "object", "properties": {}, "additionalProperties": False})
    assert "type roll = (_: {\n}) => any;" in render.openai_tools((empty,))
    assert render.openai_tools((empty,), bare=True) == (
        "# Tools\n\n## functions\n\nnamespace functions {\n\n// Rolls a die\ntype roll = () => any;\n\n"
        "} // namespace functions"
    )
    assert render.openai_tools((WEATHER,), bare=True) == render.openai_tools((WEATHER,))
    counter = get_counter("o200k_base")
    body = {
        "model": "gpt-5",
        "messages": [{"role": "user", "content": "Roll"}],
        "tools": [
            {
                "type": "function",
                "function": {
                    "name": "roll",
                    "description": "Rolls a die",
                    "parameters": {"type": "object", "properties": {}},
                },
            }
        ],
    }
    gpt5 = features(parse_request(body), "openai", counter.count, 0, "openai:reasoning")
    o_series = features(parse_request(body), "openai", counter.count, 0, "openai:o-series")
    assert gpt5["tools_text"] == counter.count(render.openai_tools(parse_request(body).tools, bare=True))
    assert o_series["tools_text"] == counter.count(render.openai_tools(parse_request(body).tools))


def test_gpt4o_bills_a_strict_function_with_a_nullable_parameter_more():
    """Measured on held-out recordings only (crewAI, openinference: -32/-33 on all 12 requests, none off
    without strict or without null); a nullable parameter in a non-strict function changes nothing."""
    from tokencost.tokenizers.chat.framing.features import features

    def request(strict: bool, kind) -> dict:
        parameters = {
            "type": "object",
            "properties": {"city": {"type": "string"}, "unit": {"type": kind}},
            "required": ["city", "unit"],
            "additionalProperties": False,
        }
        function = {
            "name": "weather",
            "description": "Get the weather",
            "parameters": parameters,
            "strict": strict,
        }
        return {
            "model": "gpt-4o",
            "messages": [{"role": "system", "content": "x"}, {"role": "user", "content": "hi"}],
            "tools": [{"type": "function", "function": function}],
        }

    count = get_counter("o200k_base").count
    flags = {
        (strict, str(kind)): features(
            parse_request(request(strict, kind)), "openai", count, gen="openai:chat"
        )["strict_nullable"]
        for strict in (True, False)
        for kind in (["string", "null"], "string")
    }
    assert flags == {
        (True, "['string', 'null']"): 1,
        (True, "string"): 0,
        (False, "['string', 'null']"): 0,
        (False, "string"): 0,
    }
    nullable = count_request(request(True, ["string", "null"]), "o200k_base", model="gpt-4o").tokens
    loose = count_request(request(False, ["string", "null"]), "o200k_base", model="gpt-4o").tokens
    assert nullable - loose == 32


def _with_call(model: str, arguments: str, endpoint: str = "chat") -> dict:
    """A hand-written request: a question, a call of ``get_weather`` with ``arguments`` and its result."""
    tool = {"name": "get_weather", "description": "Get the weather", "parameters": WEATHER.parameters}
    if endpoint == "responses":
        return {
            "model": model,
            "input": [
                {"role": "user", "content": "Weather in Paris?"},
                {"type": "function_call", "call_id": "c1", "name": "get_weather", "arguments": arguments},
                {"type": "function_call_output", "call_id": "c1", "output": "18C and sunny"},
            ],
            "tools": [{"type": "function", **tool}],
        }
    call = {"id": "c1", "type": "function", "function": {"name": "get_weather", "arguments": arguments}}
    return {
        "model": model,
        "messages": [
            {"role": "user", "content": "Weather in Paris?"},
            {"role": "assistant", "content": None, "tool_calls": [call]},
            {"role": "tool", "tool_call_id": "c1", "content": "18C and sunny"},
        ],
        "tools": [{"type": "function", "function": tool}],
    }


def test_gpt5_bills_a_call_and_its_result_as_one_pair_of_eleven():
    """GPT-5's call and its result bill 11 tokens beyond their two messages (3 + role each), the function's name
    twice, the arguments and the output on Chat Completions, fitted as one integer per pair (the fit set's
    median is 5.375 per item; each half rounded alone gave 10, and four Chat Completions requests that add one
    call to the one before bill 11 more each), and 12 on the Responses API (``resp_calls``: the four fit
    requests that add a call to the one before bill 12 more each)."""
    count = get_counter("o200k_base").count
    texts = 2 * 3 + count("assistant") + count("tool") + 2 * count("get_weather")
    texts += count('{"city":"Paris"}') + count("18C and sunny")
    for endpoint in ("chat", "responses"):
        body = _with_call("gpt-5", '{"city":"Paris"}', endpoint)
        asked = {**body, "input": body["input"][:1]} if endpoint == "responses" else None
        asked = asked or {**body, "messages": body["messages"][:1]}
        pair = count_request(body, "o200k_base").tokens - count_request(asked, "o200k_base").tokens
        assert pair - texts == {"chat": 11, "responses": 12}[endpoint]


def test_gpt5_bills_a_calls_arguments_as_compact_json():
    """GPT-5 bills a call's arguments as compact JSON whatever spacing they were sent with (llm's spaced
    ``{"a": 1231, "b": 2331}`` on the Responses API, crewAI's on Chat Completions); GPT-4o bills them as sent
    (mirascope's spaced arguments, fit set). Motivated by held-out rows (three sources), not fitted."""
    for endpoint in ("chat", "responses"):
        spaced = count_request(_with_call("gpt-5", '{"city": "Paris"}', endpoint), "o200k_base").tokens
        compact = count_request(_with_call("gpt-5", '{"city":"Paris"}', endpoint), "o200k_base").tokens
        assert spaced == compact, endpoint
    spaced = count_request(_with_call("gpt-4o", '{"city": "Paris"}'), "o200k_base").tokens
    compact = count_request(_with_call("gpt-4o", '{"city":"Paris"}'), "o200k_base").tokens
    assert spaced > compact
    # arguments that are not JSON are counted as sent
    count = get_counter("o200k_base").count
    broken = count_request(_with_call("gpt-5", "city=Paris"), "o200k_base").tokens
    gpt5 = count_request(_with_call("gpt-5", '{"city":"Paris"}'), "o200k_base").tokens
    assert broken - gpt5 == count("city=Paris") - count('{"city":"Paris"}')


def test_a_namespaced_call_is_addressed_by_its_namespace():
    """A Responses call of a tool a tool search loaded (``"namespace": N``) is addressed as ``N.NAME`` where
    harmony writes ``functions.NAME``, in the call's header and its result's: pydantic-ai's tool-search
    requests (fit set) bill the difference, 3 tokens each for ``lookup_refund_policy``."""
    from tokencost.tokenizers.chat.framing.features import features

    count = get_counter("o200k_base").count

    def body(namespace: str | None) -> dict:
        call = {"type": "function_call", "call_id": "c1", "name": "lookup_refund_policy", "arguments": "{}"}
        if namespace:
            call["namespace"] = namespace
        output = {"type": "function_call_output", "call_id": "c1", "output": "30 days"}
        return {"model": "gpt-5.4", "input": [{"role": "user", "content": "Refund?"}, call, output]}

    namespaced = parse_request(body("lookup_refund_policy"))
    assert [p.namespace for m in namespaced.messages for p in m.parts][1:] == ["lookup_refund_policy"] * 2
    extra = count("lookup_refund_policy.lookup_refund_policy") - count("functions.lookup_refund_policy")
    assert extra == 3
    plain = features(parse_request(body(None)), "openai", count, gen="openai:reasoning")
    loaded = features(namespaced, "openai", count, gen="openai:reasoning")
    assert (loaded["call_text"] - plain["call_text"], loaded["result_text"] - plain["result_text"]) == (3, 3)
    tokens = count_request(namespaced, "o200k_base").tokens - count_request(body(None), "o200k_base").tokens
    assert tokens == 6
    claude = count_request(namespaced, "claude").tokens - count_request(body(None), "claude").tokens
    assert claude == 0  # Claude addresses a tool by its name alone
    with pytest.raises(InputError, match="namespace"):
        parse_request(
            {**body(None), "input": [body(None)["input"][0], {**body(None)["input"][1], "namespace": 3}]}
        )
