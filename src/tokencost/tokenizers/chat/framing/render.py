"""Text renderings of tool definitions and response schemas, the way each vendor's models receive them.

OpenAI (both generations): the TypeScript-like ``namespace functions`` block that GPT-4o-era models see
in their system message and harmony (GPT-5 / o-series) puts in the developer message. Claude: each tool
as JSON in a ``<functions>`` list. Gemini: compact JSON of the declarations. Tests pin each rendering.
"""

from __future__ import annotations

import json
from typing import Any

from tokencost.tokenizers.chat.model import Schema, Tool, compact_json


def openai_tools(tools: tuple[Tool, ...]) -> str:
    """The ``# Tools`` section OpenAI's models receive for function (and custom) tools."""
    lines = ["# Tools", "", "## functions", "", "namespace functions {", ""]
    for tool in tools:
        if tool.description:
            lines.extend(f"// {line}" for line in tool.description.splitlines() or [""])
        if tool.kind == "custom":
            fmt = f" // format: {compact_json(tool.format)}" if tool.format else ""
            lines.append(f"type {tool.name} = (_: string) => any;{fmt}")
        elif (tool.parameters or {}).get("properties"):
            lines.append(f"type {tool.name} = (_: {{")
            lines.extend(_ts_properties(tool.parameters or {}, 0))
            lines.append("}) => any;")
        else:
            lines.append(f"type {tool.name} = () => any;")
        lines.append("")
    lines.append("} // namespace functions")
    return "\n".join(lines)


def _ts_properties(schema: dict[str, Any], indent: int) -> list[str]:
    required = set(schema.get("required") or [])
    lines = []
    pad = " " * indent
    for name, prop in (schema.get("properties") or {}).items():
        prop = prop if isinstance(prop, dict) else {}
        if prop.get("description"):
            lines.extend(f"{pad}// {line}" for line in str(prop["description"]).splitlines() or [""])
        mark = "" if name in required else "?"
        default = f" // default: {compact_json(prop['default'])}" if "default" in prop else ""
        lines.append(f"{pad}{name}{mark}: {_ts_type(prop, indent)},{default}")
    return lines


def _ts_type(schema: dict[str, Any], indent: int) -> str:
    """A JSON Schema as a TypeScript type (``string``, ``"a" | "b"``, ``{ ... }``, ``T[]``)."""
    if "enum" in schema and isinstance(schema["enum"], list):
        return " | ".join(json.dumps(v, ensure_ascii=False) for v in schema["enum"]) or "never"
    if "const" in schema:
        return json.dumps(schema["const"], ensure_ascii=False)
    for key in ("anyOf", "oneOf"):
        if isinstance(schema.get(key), list):
            return " | ".join(_ts_type(s if isinstance(s, dict) else {}, indent) for s in schema[key])
    if "$ref" in schema:
        return str(schema["$ref"]).rsplit("/", 1)[-1]
    kind = schema.get("type")
    if isinstance(kind, list):
        return " | ".join(_ts_type({**schema, "type": k}, indent) for k in kind)
    if kind == "object" or "properties" in schema:
        if not schema.get("properties"):
            return "object"
        inner = _ts_properties(schema, indent + 2)
        return "{\n" + "\n".join(inner) + "\n" + " " * indent + "}"
    if kind == "array":
        items = schema.get("items")
        return f"{_ts_type(items, indent)}[]" if isinstance(items, dict) else "any[]"
    if kind in ("integer", "number"):
        return "number"
    if kind in ("string", "boolean", "null"):
        return kind
    return "any"


def openai_schema(schema: Schema) -> str:
    """The ``# Response Formats`` section of a structured-output request."""
    lines = ["# Response Formats", "", f"## {schema.name or 'response'}", ""]
    if schema.description:
        lines.append(f"// {schema.description}")
    lines.append(compact_json(schema.schema))
    return "\n".join(lines)


def claude_tools(tools: tuple[Tool, ...]) -> str:
    """Claude's tool list: each tool's description, name and parameters as JSON in ``<functions>``."""
    lines = ["<functions>"]
    for tool in tools:
        body = {"description": tool.description, "name": tool.name, "parameters": tool.parameters or {}}
        lines.append(f"<function>{json.dumps(body, ensure_ascii=False)}</function>")
    lines.append("</functions>")
    return "\n".join(lines)


def gemini_tools(tools: tuple[Tool, ...]) -> str:
    """Gemini's function declarations, compact: name, description and parameters without JSON punctuation
    that carries no meaning (quotes around keys)."""
    return "\n".join(
        _unquote(
            compact_json({"name": t.name, "description": t.description, "parameters": t.parameters or {}})
        )
        for t in tools
    )


def _unquote(text: str) -> str:
    import re

    return re.sub(r'"([A-Za-z_][A-Za-z0-9_]*)":', r"\1:", text)


def compact_schema(schema: Schema) -> str:
    return compact_json(schema.schema)
