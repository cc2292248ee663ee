"""Gemini ``generateContent`` requests: ``{"contents": [...], "systemInstruction": ..., "tools": [...]}``.

``contents[].parts`` hold ``text`` (``thought: true`` marks thinking text), ``functionCall`` (name, args)
and ``functionResponse`` (name, response); a part's ``thoughtSignature`` is opaque context the vendor bills
and we cannot see (counted as unknown). ``tools[].functionDeclarations`` are the tools;
``generationConfig.responseSchema`` (or ``responseJsonSchema``) is the structured-output schema.
snake_case spellings (``system_instruction``, ``function_call``) are read too.
"""

from __future__ import annotations

import re
from typing import Any

from tokencost.tokenizers.chat.check import Checker, join
from tokencost.tokenizers.chat.model import (
    TEXT,
    THINKING,
    TOOL_CALL,
    TOOL_RESULT,
    Message,
    Part,
    Request,
    Schema,
    Tool,
    compact_json,
)


def _get(mapping: dict, camel: str) -> tuple[Any, str]:
    """``mapping``'s value under a camelCase key or its snake_case spelling, and the key found."""
    if camel in mapping:
        return mapping[camel], camel
    snake = re.sub(r"(?<!^)([A-Z])", r"_\1", camel).lower()
    return mapping.get(snake), snake


def is_request(document: Any) -> bool:
    return isinstance(document, dict) and "contents" in document


def parse(document: dict, checker: Checker, prefix: str, where: str) -> Request:
    """A ``generateContent`` request, checked field by field and normalised."""
    system_value, key = _get(document, "systemInstruction")
    system: tuple[str, ...] = ()
    if system_value is not None:
        parts, _ = _parts(system_value, checker, f"{prefix}{key}")
        system = tuple(p.text for p in parts if p.kind == TEXT)
    messages: list[Message] = []
    skipped = 0
    contents = document["contents"]
    if isinstance(contents, dict):
        contents = [contents]
    path = f"{prefix}contents"
    called: set[str] = set()
    for index, content in enumerate(checker.expect(contents, list, path, "a list of contents")):
        cpath = join(path, index)
        parts, n = _parts(content, checker, cpath)
        skipped += n
        _answered(parts, called, checker, cpath)
        role = content.get("role") or "user"
        messages.append(Message("assistant" if role == "model" else role, tuple(parts)))
    tools, builtin = _tools(document.get("tools"), checker, f"{prefix}tools")
    skipped += builtin  # built-in tools (Google Search, code execution): billed by their own rules
    config, ckey = _get(document, "generationConfig")
    schema = _schema(config, checker, f"{prefix}{ckey}") if config is not None else None
    tool_config, _ = _get(document, "toolConfig")
    mode = None
    if isinstance(tool_config, dict):
        calling, _ = _get(tool_config, "functionCallingConfig")
        if isinstance(calling, dict) and isinstance(calling.get("mode"), str):
            mode = {"AUTO": "auto", "ANY": "any", "NONE": "none"}.get(calling["mode"].upper())
    return Request(
        "gemini",
        tuple(messages),
        system=system,
        tools=tools,
        tool_choice=mode,
        response_schema=schema,
        model=document.get("model") if isinstance(document.get("model"), str) else None,
        skipped_parts=skipped,
        where=where,
    )


def _answered(parts: list[Part], called: set[str], checker: Checker, path: str) -> None:
    """Note the calls of one content; a function response that answers no earlier call is refused, as the API
    refuses it (none of the recorded requests has one)."""
    for part in parts:
        if part.kind == TOOL_CALL:
            called.add(part.name)
        elif part.kind == TOOL_RESULT and part.name not in called:
            raise checker.fail(
                join(path, "parts"), f"functionResponse {part.name!r} answers no earlier functionCall"
            )


def _parts(content: Any, checker: Checker, path: str) -> tuple[list[Part], int]:
    if isinstance(content, str):
        return [Part(TEXT, content)], 0
    checker.obj(content, path, "a content object with 'parts'")
    out: list[Part] = []
    skipped = 0
    parts = content.get("parts")
    if isinstance(parts, dict):
        parts = [parts]
    for index, part in enumerate(checker.items(parts, join(path, "parts"), "a list of parts")):
        ppath = join(join(path, "parts"), index)
        checker.obj(part, ppath, "a part object")
        signed = _get(part, "thoughtSignature")[0]
        signature, chars = bool(signed), len(signed) if isinstance(signed, str) else 0
        call, ckey = _get(part, "functionCall")
        response, rkey = _get(part, "functionResponse")
        if isinstance(part.get("text"), str):
            kind = THINKING if part.get("thought") else TEXT
            out.append(Part(kind, part["text"], signature=signature, signature_chars=chars))
        elif "text" in part:
            raise checker.fail(join(ppath, "text"), "expected a string")
        elif call is not None:
            checker.obj(call, join(ppath, ckey))
            name = checker.string(call, "name", join(ppath, ckey), required=True)
            out.append(Part(TOOL_CALL, compact_json(call.get("args") or {}), name, signature, chars))
        elif response is not None:
            checker.obj(response, join(ppath, rkey))
            name = checker.string(response, "name", join(ppath, rkey), required=True)
            args = compact_json(response.get("response") or {})
            out.append(Part(TOOL_RESULT, args, name, signature, chars))
        elif signature:
            out.append(Part(THINKING, "", signature=True, signature_chars=chars))
        else:
            skipped += 1
    return out, skipped


def _tools(value: Any, checker: Checker, path: str) -> tuple[tuple[Tool, ...], int]:
    """The function declarations, and how many built-in tools (``googleSearch``, ``codeExecution``, ...:
    not text we can count) were left out."""
    tools: list[Tool] = []
    builtin = 0
    for index, tool in enumerate(checker.items(value, path, "a list of tools")):
        tpath = join(path, index)
        checker.obj(tool, tpath, "a tool object")
        declarations, key = _get(tool, "functionDeclarations")
        if declarations is None:
            if not tool:
                raise checker.fail(
                    tpath, "expected 'functionDeclarations' or a built-in tool, got an empty object"
                )
            builtin += 1
            continue
        for d_index, declaration in enumerate(
            checker.expect(declarations, list, join(tpath, key), "a list of function declarations")
        ):
            dpath = join(join(tpath, key), d_index)
            checker.obj(declaration, dpath, "a function declaration object")
            name = checker.string(declaration, "name", dpath, required=True)
            # OpenAPI-style ``parameters`` or JSON Schema ``parametersJsonSchema``, either spelling
            parameters, pkey = _get(declaration, "parameters")
            if parameters is None:
                parameters, pkey = _get(declaration, "parametersJsonSchema")
            if parameters is not None:
                checker.obj(parameters, join(dpath, pkey), "a schema object")
            tools.append(Tool(name, checker.string(declaration, "description", dpath), parameters))
    return tuple(tools), builtin


def _schema(config: Any, checker: Checker, path: str) -> Schema | None:
    checker.obj(config, path)
    for camel in ("responseSchema", "responseJsonSchema"):
        value, key = _get(config, camel)
        if value is not None:
            return Schema("", checker.obj(value, join(path, key), "a schema object"))
    return None
