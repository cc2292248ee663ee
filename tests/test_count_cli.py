"""``tokencost count`` through CliRunner: formats, families, inputs, messages, explain, jobs, errors."""

from __future__ import annotations

import csv
import io
import json
import re
from pathlib import Path

import pytest
from click.testing import CliRunner

from tokencost.cli import cli
from tokencost.tokenizers import families, get_counter


@pytest.fixture(autouse=True)
def _isolated_cache(tmp_path, monkeypatch):
    monkeypatch.setenv("TOKENCOST_CACHE_DIR", str(tmp_path / "cache"))


def run(*args, input=None):
    result = CliRunner().invoke(cli, ["count", *args], input=input)
    return result


def test_stdin_chinese_exact_o200k():
    result = run("-", "--tokenizer", "o200k_base", input="你好，世界\n".encode())
    assert result.exit_code == 0, result.output
    assert "o200k_base" in result.output and "exact" in result.output
    expected = get_counter("o200k_base").count("你好，世界\n")
    assert f" {expected} " in result.output


def test_json_single_tokenizer_has_top_level_tokens(tmp_path):
    path = tmp_path / "a.txt"
    path.write_text("hello world", encoding="utf-8")
    result = run(str(path), "--tokenizer", "cl100k_base", "--format", "json")
    assert result.exit_code == 0, result.output
    doc = json.loads(result.stdout)
    assert doc["schema"] == "tokencost.count/1"
    assert doc["tokens"] == 2 and isinstance(doc["tokens"], int)
    assert doc["method"] == "exact:cl100k_base" and doc["exact"] is True
    assert doc["characters"] == 11 and doc["bytes"] == 11


def test_all_families_json_each_labelled(tmp_path):
    (tmp_path / "a.txt").write_text("Hello 世界", encoding="utf-8")
    (tmp_path / "b.md").write_text("# title\n", encoding="utf-8")
    result = run(str(tmp_path), "--all-families", "--format", "json")
    assert result.exit_code == 0, result.output
    doc = json.loads(result.stdout)
    assert "tokens" not in doc
    listed = {r["family"]: r for r in doc["results"]}
    assert set(listed) == {info.id for info in families()}
    for family, item in listed.items():
        assert isinstance(item["tokens"], int) and item["tokens"] > 0
        prefix = "exact:" if item["exact"] else "estimate:"
        assert item["method"].startswith(prefix + family)
        assert (item["error_band"] is None) == item["exact"]
    assert listed["o200k_base"]["exact"] and not listed["claude"]["exact"]
    assert len(doc["inputs"]) == 2


def test_table_rows_say_exact_or_estimate():
    result = run("-", "--tokenizer", "o200k_base", "--tokenizer", "claude", input=b"hello world")
    assert result.exit_code == 0
    lines = [line for line in result.stdout.splitlines() if line.startswith(("o200k_base", "claude"))]
    assert len(lines) == 2
    assert "exact" in lines[0] and "estimate" in lines[1]


def test_forced_estimate():
    result = run("-", "--tokenizer", "o200k_base", "--estimate", "--format", "json", input=b"hello world")
    doc = json.loads(result.stdout)
    assert doc["exact"] is False and doc["method"].startswith("estimate:o200k_base")


def test_per_file_csv(tmp_path):
    (tmp_path / "a.txt").write_text("hello world", encoding="utf-8")
    (tmp_path / "b.txt").write_text("hello", encoding="utf-8")
    result = run(str(tmp_path), "--per-file", "--format", "csv", "--tokenizer", "o200k_base")
    assert result.exit_code == 0, result.output
    rows = list(csv.DictReader(io.StringIO(result.stdout)))
    assert [(r["file"].rsplit("/", 1)[-1], r["tokens"], r["kind"]) for r in rows] == [
        ("a.txt", "2", "exact"),
        ("b.txt", "1", "exact"),
    ]


def test_per_file_json(tmp_path):
    (tmp_path / "a.txt").write_text("hello world", encoding="utf-8")
    result = run(str(tmp_path / "a.txt"), "-", "--per-file", "--format", "json", input=b"hello")
    doc = json.loads(result.stdout)
    assert doc["tokens"] == 3
    assert [f["tokens"] for f in doc["files"]] == [2, 1]


def test_empty_input_is_zero(tmp_path):
    path = tmp_path / "empty.txt"
    path.write_bytes(b"")
    result = run(str(path), "--format", "json")
    assert result.exit_code == 0
    assert json.loads(result.stdout)["tokens"] == 0
    assert json.loads(run("-", "--format", "json", input=b"").stdout)["tokens"] == 0


def test_invalid_bytes_and_binary_reported(tmp_path):
    (tmp_path / "bad.txt").write_bytes(b"hello \xff world")
    (tmp_path / "blob.bin").write_bytes(b"\x00\x01\x02")
    result = run(str(tmp_path), "--format", "json")
    assert result.exit_code == 0
    doc = json.loads(result.stdout)
    assert any("invalid UTF-8" in n for n in doc["notices"])
    assert any("binary" in n for n in doc["notices"])
    assert "note:" in result.stderr


def test_missing_file_exit_2(tmp_path):
    result = run(str(tmp_path / "nope.txt"))
    assert result.exit_code == 2
    assert "Error:" in result.output and "no such file" in result.output
    assert "Traceback" not in result.output


def test_unknown_tokenizer_exit_2():
    result = run("-", "--tokenizer", "o200k", input=b"x")
    assert result.exit_code == 2 and "unknown tokenizer family" in result.output


def test_conflicting_selection_exit_2():
    result = run("-", "--tokenizer", "o200k_base", "--all-families", input=b"x")
    assert result.exit_code == 2


def test_large_file_chunked_equals_direct_and_jobs(tmp_path):
    text = ("The quick brown fox, 敏捷的棕色狐狸。\n" * 60_000) + "end"
    path = tmp_path / "big.txt"
    path.write_text(text, encoding="utf-8")
    counter = get_counter("o200k_base")
    expected = counter.count(text)
    for jobs in ("1", "2"):
        result = run(str(path), "--jobs", jobs, "--format", "json")
        assert result.exit_code == 0, result.output
        doc = json.loads(result.stdout)
        assert doc["tokens"] == expected
        assert doc["characters"] == len(text)


def test_large_stdin_streamed(tmp_path):
    text = "line of text number 12345 with words\n" * 80_000
    result = run("-", "--format", "json", input=text.encode())
    assert json.loads(result.stdout)["tokens"] == get_counter("o200k_base").count(text)


def test_messages_mode(tmp_path):
    chat = {
        "messages": [
            {"role": "system", "content": "You are terse."},
            {"role": "user", "content": "Hi!"},
        ]
    }
    path = tmp_path / "chat.json"
    path.write_text(json.dumps(chat), encoding="utf-8")
    result = run(str(path), "--messages", "--tokenizer", "o200k_base", "--format", "json")
    assert result.exit_code == 0, result.output
    doc = json.loads(result.stdout)
    count = get_counter("o200k_base").count
    content = count("You are terse.") + count("Hi!")
    overhead = 2 * 3 + count("system") + count("user") + 3
    assert doc["tokens"] == content + overhead
    assert doc["messages"]["basis"] == "fitted:openai:chat" and doc["messages"]["overhead"] == overhead
    (request,) = doc["messages"]["per_request"]
    assert request["shape"] == "openai_chat" and request["tokens"] == doc["tokens"]
    assert request["exact"] == content + count("system") + count("user")
    assert request["estimated"] == doc["tokens"] - request["exact"] and request["unknown_parts"] == 0
    bad = tmp_path / "bad.json"
    bad.write_text("{oops", encoding="utf-8")
    result = run(str(bad), "--messages")
    assert result.exit_code == 2 and "bad.json" in result.output


def test_explain(tmp_path):
    path = tmp_path / "mix.txt"
    path.write_text(
        "Hello world. 人工智能正在改变世界。人工智慧正在改變世界。カタカナ 한국어 😀 123\n", encoding="utf-8"
    )
    result = run(str(path), "--explain", "--tokenizer", "o200k_base", "--tokenizer", "cl100k_base")
    assert result.exit_code == 0, result.output
    for label in ("Latin", "Han (Simplified)", "Han (Traditional)", "Kana", "Hangul", "Emoji", "Digits"):
        assert label in result.stdout
    assert "o200k_base: exact" in result.stdout
    doc = json.loads(run(str(path), "--explain", "--format", "json").stdout)
    assert doc["schema"] == "tokencost.count.explain/1"
    scripts = {s["script"]: s for s in doc["scripts"]}
    assert scripts["Han (Traditional)"]["characters"] == 10
    assert scripts["Han (Simplified)"]["characters"] == 10


def test_model_option_uses_catalog(monkeypatch, tmp_path):
    from tokencost.cli import count_cmd

    monkeypatch.setattr(count_cmd, "resolve_model", lambda model: (model, "cl100k_base"))
    result = run("-", "--model", "some-model", "--format", "json", input=b"hello world")
    assert result.exit_code == 0, result.output
    doc = json.loads(result.stdout)
    assert doc["model"] == "some-model" and doc["family"] == "cl100k_base" and doc["tokens"] == 2
    # two models of one family: each gets the (single) count
    path = tmp_path / "a.txt"
    path.write_text("hello world", encoding="utf-8")
    doc = json.loads(run(str(path), "--model", "m1", "--model", "m2", "--format", "json").stdout)
    assert [(r["model"], r["tokens"]) for r in doc["results"]] == [("m1", 2), ("m2", 2)]


def test_real_catalog_models():
    result = run("-", "--model", "gpt-4o", "--format", "json", input="你好，世界".encode())
    if result.exit_code != 0:
        pytest.skip("gpt-4o not in the catalog")
    doc = json.loads(result.stdout)
    assert doc["family"] == "o200k_base" and doc["exact"] and doc["tokens"] == 3


def test_tokenizer_path_does_not_import_catalog():
    import subprocess
    import sys

    code = (
        "import sys\n"
        "from tokencost.cli import main\n"
        "try:\n    main(['count', '-', '--tokenizer', 'o200k_base'])\n"
        "except SystemExit:\n    pass\n"
        "bad = [m for m in sys.modules if m.startswith(('pydantic', 'tokencost.pricing', 'yaml'))]\n"
        "print('IMPORTED', bad)\n"
    )
    out = subprocess.run([sys.executable, "-c", code], input=b"hi", capture_output=True, check=True).stdout
    assert b"IMPORTED []" in out


def test_list_families():
    result = run("--list-families")
    assert result.exit_code == 0
    assert "o200k_base" in result.stdout and "claude" in result.stdout
    doc = json.loads(run("--list-families", "--format", "json").stdout)
    ids = {f["id"]: f for f in doc["families"]}
    assert ids["o200k_base"]["exact"] is True and ids["claude"]["exact"] is False
    assert doc["schema"] == "tokencost.families/1"


def test_no_paths_is_usage_error():
    assert run().exit_code == 2


def test_progress_bar_only_on_a_terminal_after_a_second(monkeypatch):
    from tokencost.cli import count_cmd

    class FakeErr(io.StringIO):
        def __init__(self, tty):
            super().__init__()
            self.tty = tty

        def isatty(self):
            return self.tty

    clock = iter([0.0, 0.5, 2.0, 3.0])
    monkeypatch.setattr(count_cmd.time, "monotonic", lambda: next(clock))
    err = FakeErr(True)
    monkeypatch.setattr(count_cmd.sys, "stderr", err)
    progress = count_cmd.Progress(1000)  # start at 0.0
    progress(100)  # 0.5 s: nothing yet
    assert err.getvalue() == ""
    progress(400)  # 2.0 s: shown
    assert "50.0%" in err.getvalue()
    progress.close()
    assert err.getvalue().endswith("\r")

    quiet = FakeErr(False)
    monkeypatch.setattr(count_cmd.sys, "stderr", quiet)
    clock2 = iter([0.0, 5.0])
    monkeypatch.setattr(count_cmd.time, "monotonic", lambda: next(clock2))
    progress = count_cmd.Progress(10)
    progress(10)
    progress.close()
    assert quiet.getvalue() == ""


def test_explain_classes_and_limit(monkeypatch, tmp_path):
    from tokencost.tokenizers.explain import (
        DIGITS,
        EMOJI,
        HAN_S,
        HAN_T,
        HANGUL,
        KANA,
        LATIN,
        OTHER_LETTERS,
        SYMBOLS,
        WHITESPACE,
        classify,
        runs,
    )

    assert [classify(c) for c in "aé5ア한Я!😀 "] == [
        LATIN,
        LATIN,
        DIGITS,
        KANA,
        HANGUL,
        OTHER_LETTERS,
        SYMBOLS,
        EMOJI,
        WHITESPACE,
    ]
    pairs = runs("Hello world 这个说法。這個說法")
    assert (LATIN, " world") in pairs and (HAN_S, "这个说法") in pairs and (HAN_T, "這個說法") in pairs
    assert "".join(run for _, run in pairs) == "Hello world 这个说法。這個說法"
    # a run with no variant-specific character follows the run before it
    assert runs("這個說法，中文")[-1] == (HAN_T, "中文")

    from tokencost.cli import count_explain

    monkeypatch.setattr(count_explain, "EXPLAIN_LIMIT", 10)
    path = tmp_path / "long.txt"
    path.write_text("abcdefghij" * 5, encoding="utf-8")
    other = tmp_path / "other.txt"
    other.write_text("klmno", encoding="utf-8")
    result = run(str(path), str(other), "--explain", "--format", "json")
    doc = json.loads(result.stdout)
    assert doc["characters"] == 10  # the limit; the second input is not analysed
    assert any("first 10 characters" in n for n in doc["notices"])
    assert any("other.txt: not analysed" in n for n in doc["notices"])


# --- reviewer findings: malformed chats, several requests, binary/UTF-16 inputs, duplicates, options ---


def _chat(tmp_path, name, text):
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return str(path)


@pytest.mark.parametrize(
    "text,field",
    [
        (
            '{"messages":[{"role":"assistant","tool_calls":[{"function":"f"}]}]}',
            "messages[0].tool_calls[0].function",
        ),
        (
            '{"messages":[{"role":"user","content":"hi"}],"tools":[{"type":"function","function":{"name":"f",'
            '"parameters":{"properties":{"a":{"type":"string","enum":5}}}}}]}',
            "tools[0].function.parameters.properties.a.enum",
        ),
        (
            '{"messages":[{"role":"user","content":"hi"}],"tools":[{"type":"function","function":{"name":"f",'
            '"parameters":{"properties":[1,2]}}}]}',
            "tools[0].function.parameters.properties",
        ),
        (
            '{"messages":[{"role":"user","content":"hi"}],"tools":[{"type":"function","function":"abc"}]}',
            "tools[0].function",
        ),
        ('{"messages":[{"role":"user","content":"hi"}],"tools":"abc"}', "tools"),
        ('{"messages":[{"role":"user","content":"hi"}],"tools":{"a":1}}', "tools"),
        ('{"messages":[{"role":"user","content":"hi"}],"tools":[1]}', "tools[0]"),
        ('{"messages":[{"content":"hello there"}]}', "messages[0]"),
    ],
)
def test_messages_malformed_one_line_exit_2(tmp_path, text, field):
    for args, stdin in (([_chat(tmp_path, "c.json", text)], None), (["-"], text.encode())):
        result = run(*args, "--messages", input=stdin)
        assert result.exit_code == 2, result.output
        assert "Traceback" not in result.output and isinstance(result.exception, SystemExit)
        lines = result.output.strip().splitlines()
        assert len(lines) == 1 and lines[0].startswith("Error: ")
        name = "c.json" if stdin is None else "stdin"
        assert f"{name}: {field}: " in lines[0]


def _one_request_tokens():
    count = get_counter("o200k_base").count
    return count("hello") + 3 + count("user") + 3


def test_messages_jsonl_requests_counted_separately(tmp_path):
    one = '{"messages":[{"role":"user","content":"hello"}]}'
    single = json.loads(run(_chat(tmp_path, "one.json", one), "--messages", "--format", "json").stdout)
    assert single["tokens"] == _one_request_tokens() == 8
    result = run(_chat(tmp_path, "two.jsonl", one + "\n" + one + "\n"), "--messages", "--format", "json")
    assert result.exit_code == 0, result.output
    doc = json.loads(result.stdout)
    assert doc["tokens"] == 2 * single["tokens"]
    assert doc["messages"]["requests"] == 2 and doc["messages"]["messages"] == 2
    # a JSON list of request objects: supported, each request counted
    listed = run(_chat(tmp_path, "list.json", f"[{one},{one},{one}]"), "--messages", "--format", "json")
    assert listed.exit_code == 0 and json.loads(listed.stdout)["tokens"] == 3 * single["tokens"]
    # a request line among message lines is an error naming the line
    mixed = run(_chat(tmp_path, "mixed.jsonl", one + '\n{"role":"user","content":"x"}\n'), "--messages")
    assert mixed.exit_code == 2 and "mixed.jsonl:2: expected a request" in mixed.output


def test_named_binary_file_and_binary_stdin_exit_2(tmp_path):
    blob = tmp_path / "blob.dat"
    blob.write_bytes(b"a\x00b")
    for args, stdin in (([str(blob)], None), (["-"], b"a\x00b")):
        result = run(*args, input=stdin)
        assert result.exit_code == 2
        lines = result.output.strip().splitlines()
        assert len(lines) == 1 and "looks like binary data" in lines[0]
    assert "stdin: looks like binary" in run("-", "--messages", input=b"{\x00}").output
    # found while walking a directory: skipped with a notice, exit 0
    (tmp_path / "a.txt").write_text("hello", encoding="utf-8")
    result = run(str(tmp_path), "--format", "json")
    assert result.exit_code == 0
    doc = json.loads(result.stdout)
    assert doc["tokens"] == 1 and any("blob.dat: skipped (binary file)" in n for n in doc["notices"])


@pytest.mark.parametrize("encoding", ["utf-16", "utf-32"])
def test_utf16_utf32_with_bom_decoded_with_notice(tmp_path, encoding):
    text = "hello world 你好\n"
    path = tmp_path / "u.txt"
    path.write_bytes(text.encode(encoding))
    expected = get_counter("o200k_base").count(text)
    for args, stdin in (([str(path)], None), (["-"], text.encode(encoding))):
        result = run(*args, "--format", "json", input=stdin)
        assert result.exit_code == 0, result.output
        doc = json.loads(result.stdout)
        assert doc["tokens"] == expected and doc["characters"] == len(text)
        assert f"decoded as {encoding.upper()} (byte-order mark)" in doc["notices"][0]
        assert "note:" in result.stderr
    chat = '{"messages":[{"role":"user","content":"hello"}]}'
    path.write_bytes(chat.encode(encoding))
    result = run(str(path), "--messages", "--format", "json")
    assert result.exit_code == 0 and json.loads(result.stdout)["tokens"] == _one_request_tokens()
    explained = run(str(path), "--explain", "--format", "json")
    assert any("decoded as" in n for n in json.loads(explained.stdout)["notices"])


def test_overlapping_paths_and_symlinks_counted_once(tmp_path):
    (tmp_path / "docs").mkdir()
    (tmp_path / "top.md").write_text("top", encoding="utf-8")
    (tmp_path / "docs" / "a.md").write_text("alpha", encoding="utf-8")
    (tmp_path / "docs" / "link.md").symlink_to(tmp_path / "top.md")
    result = run(
        str(tmp_path), str(tmp_path / "docs"), str(tmp_path / "top.md"), "--per-file", "--format", "json"
    )
    assert result.exit_code == 0, result.output
    doc = json.loads(result.stdout)
    assert len(doc["files"]) == 2 and doc["inputs"] == [
        str(tmp_path / "top.md"),
        str(tmp_path / "docs" / "a.md"),
    ]
    count = get_counter("o200k_base").count
    assert doc["tokens"] == count("top") + count("alpha")
    assert any("4 duplicate file(s) skipped" in n for n in doc["notices"])


@pytest.mark.parametrize("jobs", ["0", "-2"])
def test_jobs_below_one_is_a_one_line_usage_error(jobs):
    result = run("-", "--jobs", jobs, input=b"hi")
    assert result.exit_code == 2
    assert result.output.strip().splitlines() == [f"Error: --jobs must be at least 1, got {jobs}"]


def test_explain_csv_headers_say_family_and_method(tmp_path):
    path = _chat(tmp_path, "a.txt", "hello world")
    result = run(path, "--explain", "--format", "csv", "--tokenizer", "o200k_base", "--tokenizer", "claude")
    assert result.exit_code == 0, result.output
    rows = list(csv.DictReader(io.StringIO(result.stdout)))
    assert list(rows[0]) == [
        "script",
        "characters",
        "share",
        "tokens_per_char:o200k_base",
        "kind:o200k_base",
        "method:o200k_base",
        "tokens_per_char:claude",
        "kind:claude",
        "method:claude",
    ]
    for row in rows:
        assert row["kind:o200k_base"] == "exact" and row["method:o200k_base"] == "exact:o200k_base"
        assert row["kind:claude"].startswith("estimate ±") and row["method:claude"].startswith(
            "estimate:claude"
        )
    assert rows[-1]["script"] == "all (whole text)"
    assert rows[-1]["tokens_per_char:o200k_base"] == f"{2 / 11:.3f}"


def test_model_shows_resolved_catalog_id(monkeypatch):
    from tokencost.pricing.catalog import load_catalog

    entry = load_catalog().get("deepseek-v3.2")
    result = run("-", "--model", entry.id.upper(), "--format", "json", input=b"hello world")
    assert result.exit_code == 0, result.output
    doc = json.loads(result.stdout)
    assert doc["model"] == entry.id and doc["requested"] == entry.id.upper()
    assert doc["family"] == entry.model.tokenizer
    same = json.loads(run("-", "--model", entry.id, "--format", "json", input=b"x").stdout)
    assert same["model"] == entry.id and "requested" not in same
    table = run("-", "--model", entry.id.upper(), input=b"hello world")
    assert entry.id in table.stdout and entry.id.upper() not in table.stdout


def test_short_model_flag_matches_estimate():
    # estimate takes -m; count takes the same short flag for the same option
    long = json.loads(run("-", "--model", "gpt-5", "--format", "json", input=b"hello world").stdout)
    short = json.loads(run("-", "-m", "gpt-5", "--format", "json", input=b"hello world").stdout)
    assert short == long and short["tokens"] == 2


def _nested_chat(description_words: int) -> dict:
    sku = {"type": "string", "description": " ".join(["long"] * description_words)}
    items = {"type": "array", "items": {"type": "object", "properties": {"sku": sku}}}
    function = {
        "name": "f",
        "description": "d",
        "parameters": {"type": "object", "properties": {"items": items}},
    }
    return {
        "messages": [{"role": "user", "content": "hi"}],
        "tools": [{"type": "function", "function": function}],
    }


def test_messages_nested_tool_schema_counted_and_labelled_approximate(tmp_path):
    """Review 3 finding 1: a 300-word nested description counted 0 tokens and the total still said exact."""
    short, long = tmp_path / "short.json", tmp_path / "long.json"
    short.write_text(json.dumps(_nested_chat(1)), encoding="utf-8")
    long.write_text(json.dumps(_nested_chat(300)), encoding="utf-8")
    docs = [json.loads(run(str(p), "--messages", "--format", "json").stdout) for p in (short, long)]
    assert docs[1]["tokens"] - docs[0]["tokens"] == 299  # each extra " long" is one o200k token
    # nested schemas are rendered (namespace functions), not approximated; the framing error is stated
    assert docs[1]["messages"]["approximated"] == 0 and docs[1]["messages"]["error"] > 0
    result = run(str(long), "--messages", "--format", "csv")
    assert result.exit_code == 0
    row = next(csv.DictReader(io.StringIO(result.stdout)))
    assert int(row["tokens"]) == docs[1]["tokens"]
    # a flat schema (the cookbook formula covers it) keeps the plain method and no notice
    chat = _nested_chat(1)
    chat["tools"][0]["function"]["parameters"]["properties"] = {"a": {"type": "string", "enum": ["x"]}}
    flat_path = tmp_path / "flat.json"
    flat_path.write_text(json.dumps(chat), encoding="utf-8")
    flat = json.loads(run(str(flat_path), "--messages", "--format", "json").stdout)
    assert flat["method"] == "exact:o200k_base" and flat["messages"]["approximated"] == 0
    assert not any("compact JSON" in n for n in flat["notices"])


def test_messages_legacy_function_call_counted(tmp_path):
    """Review 3 finding 2: an assistant ``function_call`` counted the same as no call at all."""
    call = {"name": "get_weather", "arguments": '{"city":"Paris"}'}
    base = [{"role": "user", "content": "hi"}, {"role": "assistant", "content": None}]
    with_call = [base[0], {**base[1], "function_call": call}]
    paths = []
    for name, messages in (("a.json", base), ("b.json", with_call)):
        path = tmp_path / name
        path.write_text(json.dumps({"messages": messages}), encoding="utf-8")
        paths.append(path)
    results = [run(str(p), "--messages", "--format", "json") for p in paths]
    assert all(r.exit_code == 0 for r in results), results[1].output
    tokens = [json.loads(r.stdout)["tokens"] for r in results]
    count = get_counter("o200k_base").count
    from tokencost.tokenizers.chat.framing import constants

    per_call = constants()["generations"]["openai:chat"]["coef"]["calls"]
    assert tokens[1] - tokens[0] == count("get_weather") + count('{"city":"Paris"}') + per_call


def test_messages_response_format_schema_counted(tmp_path):
    """Review 3 finding 3: ``response_format`` json_schema counted the same as without it."""
    schema = {"name": "w", "schema": {"type": "object", "properties": {"temp": {"type": "number"}}}}
    base = {"messages": [{"role": "user", "content": "hi"}]}
    plain, structured = tmp_path / "plain.json", tmp_path / "structured.json"
    plain.write_text(json.dumps(base), encoding="utf-8")
    structured.write_text(
        json.dumps({**base, "response_format": {"type": "json_schema", "json_schema": schema}}),
        encoding="utf-8",
    )
    docs = [json.loads(run(str(p), "--messages", "--format", "json").stdout) for p in (plain, structured)]
    from tokencost.tokenizers.chat.framing import constants, render
    from tokencost.tokenizers.chat.model import Schema

    rendered = render.openai_schema(Schema("w", schema["schema"]), gpt4o=True)
    expected = get_counter("o200k_base").count(rendered)
    coef = constants()["generations"]["openai:chat"]["coef"]
    expected += coef["schema"] + coef["schema_chat_endpoint"] + coef["schema_no_system"]  # no system message
    assert docs[1]["tokens"] - docs[0]["tokens"] == expected
    assert docs[1]["messages"]["response_format"] == expected and docs[0]["messages"]["response_format"] == 0
    assert any("response-format" in n for n in docs[1]["notices"])
    bad = tmp_path / "bad.json"
    bad.write_text(json.dumps({**base, "response_format": {"type": "json_schema"}}), encoding="utf-8")
    result = run(str(bad), "--messages")
    assert result.exit_code == 2
    assert "bad.json: response_format.json_schema: expected an object, got null" in result.output


def test_messages_custom_tool_counted(tmp_path):
    """Review 3 finding 4: ``{"type": "custom", ...}`` failed with 'tools[0].name: expected a string'."""
    custom = {"type": "custom", "custom": {"name": "code_exec", "description": "Executes python code"}}
    path = tmp_path / "custom.json"
    path.write_text(json.dumps({"messages": [{"role": "user", "content": "hi"}], "tools": [custom]}), "utf-8")
    result = run(str(path), "--messages", "--format", "json")
    assert result.exit_code == 0, result.output
    doc = json.loads(result.stdout)
    count = get_counter("o200k_base").count
    from tokencost.tokenizers.chat.framing import constants, render
    from tokencost.tokenizers.chat.model import Tool

    coef = constants()["generations"]["openai:chat"]["coef"]
    rendered = render.openai_tools((Tool("code_exec", "Executes python code", None, "custom"),))
    assert (
        doc["messages"]["tools"]
        == count(rendered) + coef["tools"] + coef["tools_no_system"] + coef["tool_defs"]
    )
    # a hosted tool (mcp, web search) is left out of the count and said, not refused
    path.write_text(json.dumps({"messages": [{"role": "user", "content": "hi"}], "tools": [{"type": "mcp"}]}))
    result = run(str(path), "--messages")
    assert result.exit_code == 0
    assert "custom.json: 1 part(s) not counted (images, audio, files, server-side tools" in result.stderr


@pytest.mark.parametrize("flag", ["--messages", "--per-file"])
def test_explain_rejects_messages_and_per_file(tmp_path, flag):
    """Review 3 finding 5: --explain silently ignored --messages (281 raw-JSON tokens instead of 123)."""
    path = tmp_path / "chat.json"
    path.write_text(json.dumps({"messages": [{"role": "user", "content": "hi"}]}), encoding="utf-8")
    result = run(str(path), "--explain", flag, "--format", "json")
    assert result.exit_code == 2
    assert result.stdout == ""
    assert f"--explain breaks the whole text down by script: it does not take {flag}" in result.output
    assert len(result.output.strip().splitlines()) == 1


def test_explain_with_models_says_which_tokenizer(tmp_path):
    """Review 3 finding 5: -m with --explain is honoured (the model's tokenizer) and says so."""
    path = tmp_path / "a.txt"
    path.write_text("Hello world 你好", encoding="utf-8")
    result = run(str(path), "--explain", "-m", "gpt-4o", "-m", "gpt-4o-mini", "--format", "json")
    assert result.exit_code == 0, result.output
    doc = json.loads(result.stdout)
    assert [(f["family"], f["models"]) for f in doc["families"]] == [
        ("o200k_base", ["gpt-4o", "gpt-4o-mini"])
    ]
    assert doc["families"][0]["tokens"] == get_counter("o200k_base").count("Hello world 你好")
    assert "--explain works per tokenizer: gpt-4o is explained with o200k_base" in doc["notices"]
    plain = json.loads(run(str(path), "--explain", "--format", "json").stdout)
    assert "models" not in plain["families"][0]


def test_repeated_model_or_tokenizer_counted_once(monkeypatch, tmp_path):
    """Review 3 finding 6: ``-m gpt-4o -m gpt-4o`` printed two identical rows."""
    from tokencost.cli import count_cmd

    aliases = {"m1": "m1", "M1": "m1", "m2": "m2"}
    monkeypatch.setattr(count_cmd, "resolve_model", lambda model: (aliases[model], "cl100k_base"))
    path = tmp_path / "a.txt"
    path.write_text("hello world", encoding="utf-8")
    result = run(str(path), "-m", "m1", "-m", "M1", "-m", "m2", "-m", "m1", "--format", "json")
    assert result.exit_code == 0, result.output
    doc = json.loads(result.stdout)
    assert [(r["model"], r["tokens"]) for r in doc["results"]] == [("m1", 2), ("m2", 2)]
    assert "requested" not in doc["results"][0]  # the first spelling asked is kept
    assert "--model M1 is m1, already asked: counted once" in doc["notices"]
    assert "--model m1 given more than once: counted once" in doc["notices"]
    table = run(str(path), "-m", "m1", "-m", "m1")
    assert table.exit_code == 0 and table.stdout.count("m1") == 1
    result = run(str(path), "--tokenizer", "o200k_base", "--tokenizer", "o200k_base", "--format", "csv")
    assert result.exit_code == 0
    assert [row["tokenizer"] for row in csv.DictReader(io.StringIO(result.stdout))] == ["o200k_base"]
    assert "--tokenizer o200k_base given more than once: counted once" in result.stderr


def test_a_chats_kind_says_its_whole_range_not_only_the_tokenizers_band():
    """The table's kind column for a chat: an exact tokenizer's framing error, an estimate's text band and
    framing together (a Gemini agent chat is not 'estimate ±17%' when its range is twice that)."""
    from pathlib import Path

    from tokencost.families import range_label

    chat = str(Path(__file__).parents[1] / "examples" / "chat" / "agent-tools.json")
    result = CliRunner().invoke(cli, ["count", chat, "--messages", "-m", "gpt-5", "-m", "gemini-2.5-flash"])
    assert result.exit_code == 0, result.output
    rows = {line.split()[0]: line for line in result.stdout.splitlines()[2:] if line.strip()}
    assert "exact, framing ±" in rows["gpt-5"]
    document = json.loads(
        CliRunner()
        .invoke(cli, ["count", chat, "--messages", "-m", "gemini-2.5-flash", "--format", "json"])
        .stdout
    )
    label = range_label(False, document["tokens"], document["low"], document["high"], document["error_band"])
    assert label in rows["gemini-2.5-flash"]
    assert range_label(True, 100, 100, 100, None) == "exact"
    assert range_label(False, 100, 70, 120, 0.17) == "estimate ±30%"


def test_count_messages_refuses_an_empty_request_and_skips_what_a_walk_finds_that_is_no_chat(tmp_path):
    from pathlib import Path

    for text in ("", "[]", '{"messages": []}'):
        empty = tmp_path / "empty.json"
        empty.write_text(text, encoding="utf-8")
        result = CliRunner().invoke(cli, ["count", str(empty), "--messages", "-m", "gpt-4o"])
        assert result.exit_code == 2 and "no chat messages to count" in result.output, text
    samples = tmp_path / "samples"
    samples.mkdir()
    (samples / "README.md").write_text("# Samples\n", encoding="utf-8")
    alone = CliRunner().invoke(cli, ["count", str(samples), "--messages", "-m", "gpt-4o"])
    assert alone.exit_code == 2 and "no chat request among the 1 file(s) found" in alone.output
    chat = Path(__file__).parents[1] / "examples" / "chat" / "agent-tools.json"
    (samples / "agent.json").write_text(chat.read_text("utf-8"), encoding="utf-8")
    walked = CliRunner().invoke(cli, ["count", str(samples), "--messages", "-m", "gpt-4o"])
    named = CliRunner().invoke(cli, ["count", str(chat), "--messages", "-m", "gpt-4o"])
    assert walked.exit_code == 0, walked.output
    assert (
        "README.md:1: not JSON or JSONL chat" in walked.stderr
        and "skipped, not a chat request" in walked.stderr
    )
    assert walked.stdout == named.stdout
    explicit = CliRunner().invoke(cli, ["count", str(samples / "README.md"), "--messages", "-m", "gpt-4o"])
    assert explicit.exit_code == 2


def test_count_messages_without_a_model_counts_the_model_the_request_names(tmp_path):
    claude = tmp_path / "claude.json"
    request = {
        "model": "claude-sonnet-4-5",
        "system": "Be terse.",
        "messages": [{"role": "user", "content": "What is 2+2?"}],
    }
    claude.write_text(json.dumps(request), encoding="utf-8")
    named = CliRunner().invoke(cli, ["count", str(claude), "--messages"])
    asked = CliRunner().invoke(cli, ["count", str(claude), "--messages", "-m", "claude-sonnet-4.5"])
    assert named.exit_code == asked.exit_code == 0, named.output
    assert named.stdout == asked.stdout and "claude" in named.stdout
    assert "counted as claude-sonnet-4-5, the model the request names" in named.stderr
    unnamed = tmp_path / "plain.json"
    unnamed.write_text(json.dumps({"messages": request["messages"]}), encoding="utf-8")
    plain = CliRunner().invoke(cli, ["count", str(unnamed), "--messages"])
    assert plain.exit_code == 0 and "o200k_base" in plain.stdout
    assert "no --model given: counted with o200k_base" in plain.stderr


def test_count_json_lists_results_however_many_were_asked(tmp_path):
    path = tmp_path / "t.txt"
    path.write_text("hello world", encoding="utf-8")
    one = json.loads(
        CliRunner().invoke(cli, ["count", str(path), "--tokenizer", "o200k_base", "--format", "json"]).stdout
    )
    two = json.loads(
        CliRunner()
        .invoke(
            cli,
            [
                "count",
                str(path),
                "--tokenizer",
                "o200k_base",
                "--tokenizer",
                "cl100k_base",
                "--format",
                "json",
            ],
        )
        .stdout
    )
    assert [r["family"] for r in one["results"]] == ["o200k_base"]
    assert one["tokens"] == one["results"][0]["tokens"] == 2  # a single result stays inline too
    assert [r["family"] for r in two["results"]] == ["o200k_base", "cl100k_base"] and "tokens" not in two


def test_count_messages_without_a_model_does_not_pick_one_of_several_named(tmp_path):
    log = tmp_path / "multi.jsonl"
    turn = [{"role": "user", "content": "What is 2+2?"}]
    log.write_text(
        json.dumps({"model": "gpt-5", "messages": turn})
        + "\n"
        + json.dumps({"model": "claude-sonnet-4-5", "messages": turn})
        + "\n",
        encoding="utf-8",
    )
    result = CliRunner().invoke(cli, ["count", str(log), "--messages"])
    assert result.exit_code == 0, result.output
    assert "the requests name 2 models (gpt-5, claude-sonnet-4-5): counted with o200k_base" in result.stderr
    assert "o200k_base" in result.stdout


def test_count_takes_a_self_hosted_tag_by_the_tokenizer_its_name_tells(tmp_path):
    path = tmp_path / "t.txt"
    path.write_text("你好，世界。Hello, world.", encoding="utf-8")
    tag = json.loads(
        CliRunner().invoke(cli, ["count", str(path), "-m", "qwen3:0.6b", "--format", "json"]).stdout
    )
    family = json.loads(
        CliRunner().invoke(cli, ["count", str(path), "--tokenizer", "qwen2", "--format", "json"]).stdout
    )
    assert tag["family"] == "qwen2" and tag["tokens"] == family["tokens"]
    unsure = CliRunner().invoke(
        cli, ["count", str(path), "-m", "deepseek-r1:7b"]
    )  # a Qwen distill, by its name
    assert (
        unsure.exit_code == 2 and "its name does not tell" in unsure.output and "--tokenizer" in unsure.output
    )


_PROMPTS = str(Path(__file__).parent.parent / "examples" / "prompts")


def test_per_file_rows_carry_their_own_range():
    """Each file's row says its own bounds (in its method and in low/high columns), never the total's: a row's
    count lies inside its range."""
    result = run(_PROMPTS, "-m", "claude-sonnet-4.5", "--per-file", "--format", "csv")
    assert result.exit_code == 0, result.output
    rows = list(csv.DictReader(io.StringIO(result.stdout)))
    assert [r["file"].rsplit("/", 1)[-1] for r in rows] == ["en.txt", "zh.txt"]
    document = json.loads(run(_PROMPTS, "-m", "claude-sonnet-4.5", "--per-file", "--format", "json").stdout)
    for row, file in zip(rows, document["files"], strict=True):
        low, high, tokens = int(row["low"]), int(row["high"]), int(row["tokens"])
        assert (low, high, tokens) == (file["low"], file["high"], file["tokens"])
        assert low < tokens < high
        assert row["method"].endswith(f"range {low:,}–{high:,} tokens")
    total = next(
        csv.DictReader(io.StringIO(run(_PROMPTS, "-m", "claude-sonnet-4.5", "--format", "csv").stdout))
    )
    assert (int(total["low"]), int(total["high"])) == (document["low"], document["high"])


def test_the_library_counts_a_self_hosted_tag_as_the_cli_does(tmp_path):
    """One resolver: ``count_tokens(model="llama3.1:8b")`` counts with llama3 (counting needs no price), as
    ``tokencost count -m llama3.1:8b`` does; a tag whose name does not tell its tokenizer is refused by both."""
    import tokencost
    from tokencost.errors import InputError

    text = "Hello, world. 你好，世界。"
    path = tmp_path / "t.txt"
    path.write_text(text, encoding="utf-8")
    counted = tokencost.count_tokens(text, model="llama3.1:8b")
    cli_count = json.loads(run(str(path), "-m", "llama3.1:8b", "--format", "json").stdout)
    assert (counted.family, counted.exact) == ("llama3", True)
    assert cli_count["family"] == "llama3" and cli_count["tokens"] == counted.tokens
    chat = tokencost.count_tokens({"messages": [{"role": "user", "content": text}]}, model="qwen3:0.6b")
    assert chat.family == "qwen2" and chat.tokens > counted.tokens // 2
    with pytest.raises(InputError, match="its name does not tell"):
        tokencost.count_tokens(text, model="deepseek-r1:7b")


_AGENT = Path(__file__).parent.parent / "examples" / "chat" / "agent-tools.json"


def _with_schema(tmp_path) -> str:
    request = json.loads(_AGENT.read_text(encoding="utf-8"))
    schema = {"type": "object", "properties": {"status": {"type": "string"}, "eta": {"type": "string"}}}
    request["response_format"] = {"type": "json_schema", "json_schema": {"name": "answer", "schema": schema}}
    path = tmp_path / "rf.json"
    path.write_text(json.dumps(request), encoding="utf-8")
    return str(path)


def test_a_templated_chat_count_has_the_range_of_its_estimated_tools():
    """An open-weight family renders tools as compact JSON plus a preamble, not its template's own text: the
    count is exact text plus an estimate, so it has a range covering the estimate and says so."""
    document = json.loads(run(str(_AGENT), "--messages", "-m", "deepseek-v3.2", "--format", "json").stdout)
    breakdown = document["messages"]
    assert breakdown["tools"] > 0 and breakdown["error"] > 0
    assert document["low"] == document["tokens"] - breakdown["error"]
    assert document["high"] == document["tokens"] + breakdown["error"]
    assert breakdown["per_request"][0]["framing_error"] == breakdown["error"]
    table = run(str(_AGENT), "--messages", "-m", "deepseek-v3.2")
    assert re.search(r"deepseek-v3\s+296\s+exact, framing ±\d+%", table.stdout), table.stdout
    hello = json.dumps({"messages": [{"role": "user", "content": "Hello there"}]})
    result = run("-", "--messages", "-m", "deepseek-v3.2", "--format", "json", input=hello)
    plain = json.loads(result.stdout)
    assert plain["low"] == plain["tokens"] == plain["high"]  # its template is published: no estimate


def test_estimate_labels_and_notices_a_templated_chat_as_count_does(tmp_path):
    path = _with_schema(tmp_path)
    counted = run(path, "--messages", "-m", "deepseek-v3.2")
    assert "tokens approximated (deepseek-v3 " in counted.stderr
    assert "exact, framing ±" in counted.stdout
    estimated = CliRunner().invoke(
        cli, ["estimate", path, "--messages", "-m", "deepseek-v3.2", "-m", "gpt-4o"]
    )
    assert estimated.exit_code == 0, estimated.output
    assert re.search(r"deepseek-v3 \(exact, framing ±\d+%\)", estimated.stdout), estimated.stdout
    assert "(exact)" not in estimated.stdout
    assert "notice: tokens approximated (deepseek-v3 " in estimated.stderr


def test_a_chat_parts_not_counted_are_in_the_json_and_the_row(tmp_path):
    request = {
        "messages": [
            {
                "role": "user",
                "content": [
                    {"type": "text", "text": "What is in this picture?"},
                    {"type": "image_url", "image_url": {"url": "https://example.com/a.png"}},
                ],
            }
        ]
    }
    path = tmp_path / "img.json"
    path.write_text(json.dumps(request), encoding="utf-8")
    document = json.loads(run(str(path), "--messages", "-m", "gpt-4o", "--format", "json").stdout)
    assert document["messages"]["skipped_parts"] == 1
    assert document["results"][0]["messages"]["skipped_parts"] == 1
    table = run(str(path), "--messages", "-m", "gpt-4o")
    assert "1 part(s) not counted" in table.stdout and "1 part(s) not counted" in table.stderr


def _compress(kind: str, data: bytes) -> bytes:
    if kind == "gz":
        import gzip

        return gzip.compress(data)
    import zstandard

    return zstandard.ZstdCompressor().compress(data)


@pytest.mark.parametrize("kind", ["gz", "zst"])
def test_compressed_files_are_read_transparently_by_count_and_estimate(tmp_path, kind):
    """count and estimate read .gz/.zst through tokencost.compressed, the reader replay uses: the tokens of
    the compressed file are the plain file's, named or found in a directory."""
    text = ("Explain the difference between a list and a tuple in Python, café. " * 400).encode()
    plain = tmp_path / "plain" / "prompt.txt"
    plain.parent.mkdir()
    plain.write_bytes(text)
    packed = tmp_path / "packed" / f"prompt.txt.{kind}"
    packed.parent.mkdir()
    packed.write_bytes(_compress(kind, text))
    expected = json.loads(run(str(plain), "-m", "gpt-4o", "--format", "json").stdout)["tokens"]
    for target in (packed, packed.parent):
        result = run(str(target), "-m", "gpt-4o", "--format", "json")
        assert result.exit_code == 0, result.output
        assert json.loads(result.stdout)["tokens"] == expected
    for target in (plain, packed):
        estimate = CliRunner().invoke(cli, ["estimate", str(target), "-m", "gpt-4o", "--format", "json"])
        assert estimate.exit_code == 0, estimate.output
        assert json.loads(estimate.stdout)["rows"][0]["input_tokens"] == expected


@pytest.mark.parametrize("command", ["count", "estimate"])
@pytest.mark.parametrize(
    ("kind", "damage", "message"),
    [
        ("gz", "cut", "not readable as gzip data"),
        ("gz", "plain", "not readable as gzip data"),
        ("zst", "plain", "not readable as zstd data"),
        ("gz", "binary", "looks like binary data"),
    ],
)
def test_a_damaged_compressed_file_is_one_error_line(tmp_path, command, kind, damage, message):
    import os

    text = os.urandom(1 << 16).hex().encode()  # incompressible: a cut lands inside the text
    data = {
        "cut": _compress(kind, text)[: 1 << 15],
        "plain": b"not compressed at all",
        "binary": _compress(kind, b"\x00\x01\x02" * 100),
    }[damage]
    path = tmp_path / f"prompt.txt.{kind}"
    path.write_bytes(data)
    result = CliRunner().invoke(cli, [command, str(path), "-m", "gpt-4o"])
    assert result.exit_code == 2
    assert result.output.startswith(f"Error: {path}: {message}")
    assert len(result.output.splitlines()) == 1 and "Traceback" not in result.output


@pytest.mark.parametrize("bpe", ["auto", "tiktoken"])
def test_list_families_names_each_backend_as_verbose_does(tmp_path, monkeypatch, bpe):
    """--list-families and --verbose use one set of names (tokenizers.engine_name): the engine a long text is
    counted by, 'estimator' without an exact tokenizer; a short text's python-bpe names that engine too."""
    from tokencost import tokenizers

    monkeypatch.setenv("TOKENCOST_BPE_BACKEND", bpe)
    monkeypatch.setattr(tokenizers, "_COUNTERS", {})
    listed = {
        f["id"]: f["backend"]
        for f in json.loads(run("--list-families", "--format", "json").stdout)["families"]
    }
    assert listed["claude"] == "estimator"
    if bpe == "tiktoken":
        assert listed["o200k_base"] == "tiktoken"
    long_text = tmp_path / "long.txt"
    long_text.write_text("hello world, 你好 " * 3000, encoding="utf-8")  # over BpeCounter.SMALL_TEXT
    short = tmp_path / "short.txt"
    short.write_text("hello world", encoding="utf-8")
    families = ["o200k_base", "cl100k_base", "claude"]
    args = [arg for family in families for arg in ("--tokenizer", family)]
    result = run(str(long_text), *args, "--verbose", "--format", "json")
    assert result.exit_code == 0, result.output
    for family in families:
        assert f"note: {family} counted by {listed[family]}\n" in result.stderr
    assert {r["family"]: r["backend"] for r in json.loads(result.stdout)["results"]} == {
        family: listed[family] for family in families
    }
    monkeypatch.setattr(tokenizers, "_COUNTERS", {})
    result = run(str(short), "--tokenizer", "o200k_base", "--verbose")
    assert (
        f"note: o200k_base counted by python-bpe (short texts; {listed['o200k_base']} counts longer ones, "
        "the same counts)" in result.stderr
    )
