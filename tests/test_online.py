"""``--online``: exact counts from the vendors' count endpoints, against local fake servers (never the network).

The fakes count "tokens" as one per UTF-8 character plus a fixed framing per request, so the expected counts
are known; they record every request so tests can assert what was (and was not) sent."""

from __future__ import annotations

import contextlib
import json
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest
from click.testing import CliRunner

from tokencost import tokenizers
from tokencost.cli import cli
from tokencost.online import http

KEY = "sk-test-SECRET-never-printed"
FRAMING = 7


class FakeVendor:
    """A local HTTP server answering count requests like one vendor; ``script`` holds status codes to
    answer before the first success (429, 500, 401, 'sleep')."""

    def __init__(self, vendor: str) -> None:
        self.vendor = vendor
        self.requests: list[dict] = []
        self.script: list = []
        fake = self

        class Handler(BaseHTTPRequestHandler):
            def log_message(self, *args):  # keep test output clean
                pass

            def do_POST(self):
                body = json.loads(self.rfile.read(int(self.headers["content-length"])))
                fake.requests.append(
                    {
                        "path": self.path,
                        "headers": {k.lower(): v for k, v in self.headers.items()},
                        "body": body,
                    }
                )
                step = fake.script.pop(0) if fake.script else 200
                if step == "sleep":
                    time.sleep(0.5)
                    step = 200
                if step != 200:
                    self.send_response(step)
                    self.end_headers()
                    return
                tokens = fake.tokens(body) + FRAMING
                answer = {
                    "anthropic": {"input_tokens": tokens},
                    "gemini": {"totalTokens": tokens},
                    "moonshot": {"data": {"total_tokens": tokens}},
                }[fake.vendor]
                raw = json.dumps(answer).encode()
                self.send_response(200)
                self.send_header("content-type", "application/json")
                self.send_header("content-length", str(len(raw)))
                self.end_headers()
                with contextlib.suppress(BrokenPipeError):  # the client timed out first: that is the test
                    self.wfile.write(raw)

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.url = f"http://127.0.0.1:{self.server.server_address[1]}"
        threading.Thread(target=self.server.serve_forever, daemon=True).start()

    @staticmethod
    def tokens(body: dict) -> int:
        text = json.dumps(body, ensure_ascii=False)
        if "contents" in body:
            return sum(len(p["text"]) for c in body["contents"] for p in c["parts"])
        if "messages" in body:
            return sum(len(m["content"]) for m in body["messages"])
        return len(text)

    def close(self) -> None:
        self.server.shutdown()
        self.server.server_close()


@pytest.fixture(autouse=True)
def _isolate(monkeypatch, tmp_path):
    monkeypatch.setenv("TOKENCOST_CACHE_DIR", str(tmp_path / "cache"))
    for var in ("ANTHROPIC_API_KEY", "GEMINI_API_KEY", "GOOGLE_API_KEY", "MOONSHOT_API_KEY"):
        monkeypatch.delenv(var, raising=False)
    monkeypatch.setattr(http, "BACKOFF", 0.0)
    monkeypatch.setattr(http, "TIMEOUT", 0.2)
    saved = dict(tokenizers._COUNTERS)
    yield
    tokenizers._COUNTERS.clear()
    tokenizers._COUNTERS.update(saved)
    from tokencost.replay import translate

    translate.counter.cache_clear()  # replay keeps its counters per process: drop the online ones


@pytest.fixture
def anthropic(monkeypatch):
    fake = FakeVendor("anthropic")
    monkeypatch.setenv("ANTHROPIC_BASE_URL", fake.url)
    monkeypatch.setenv("ANTHROPIC_API_KEY", KEY)
    yield fake
    fake.close()


def _count(args, text="你好，世界 hello"):
    return CliRunner().invoke(cli, ["count", "-", *args, "--format", "json"], input=text)


def test_online_count_is_exact_and_framing_subtracted(anthropic):
    result = _count(["--tokenizer", "claude", "--online"])
    assert result.exit_code == 0, result.output
    doc = json.loads(result.stdout)
    assert doc["tokens"] == len("你好，世界 hello")  # the fake's count of the text alone
    assert doc["exact"] is True and doc["low"] == doc["high"] == doc["tokens"]
    assert "vendor count endpoint: Anthropic" in doc["method"]
    sent = [r for r in anthropic.requests]
    assert sent[0]["path"] == "/v1/messages/count_tokens"
    assert sent[0]["headers"]["x-api-key"] == KEY
    assert sent[0]["headers"]["anthropic-version"] == "2023-06-01"
    assert KEY not in result.output


def test_online_answers_are_cached_and_the_cache_holds_no_key(anthropic, tmp_path):
    first = _count(["--tokenizer", "claude", "--online"])
    sent = len(anthropic.requests)
    second = _count(["--tokenizer", "claude", "--online"])
    assert first.exit_code == second.exit_code == 0
    assert json.loads(first.stdout)["tokens"] == json.loads(second.stdout)["tokens"]
    assert len(anthropic.requests) == sent  # the rerun sent nothing
    for path in (tmp_path / "cache").rglob("*"):
        if path.is_file():
            assert KEY.encode() not in path.read_bytes()


def test_model_is_sent_with_its_api_id(anthropic):
    result = _count(["-m", "claude-opus-4.6", "--online"])
    assert result.exit_code == 0, result.output
    assert anthropic.requests[0]["body"]["model"] == "claude-opus-4-6"


def test_the_newer_claude_tokenizer_is_counted_by_the_same_endpoint(anthropic):
    """Opus 4.7 and later count with claude-4.7 offline; online, Anthropic's endpoint counts them exactly, asked
    for the model itself (or, for the family alone, for Opus 4.7)."""
    result = _count(["-m", "claude-opus-4.8", "-m", "claude-sonnet-4.6", "--online"])
    assert result.exit_code == 0, result.output
    results = {r["family"]: r for r in json.loads(result.stdout)["results"]}
    assert results["claude-4.7"]["exact"] and results["claude"]["exact"]
    assert {r["body"]["model"] for r in anthropic.requests} == {"claude-opus-4-8", "claude-sonnet-4-6"}
    anthropic.requests.clear()
    assert _count(["--tokenizer", "claude-4.7", "--online"]).exit_code == 0
    assert {r["body"]["model"] for r in anthropic.requests} == {"claude-opus-4-7"}


def test_without_the_flag_nothing_is_sent(anthropic):
    result = _count(["--tokenizer", "claude"])
    assert result.exit_code == 0
    assert anthropic.requests == []
    assert json.loads(result.stdout)["exact"] is False


def test_missing_key_names_the_variable(monkeypatch):
    result = _count(["--tokenizer", "claude", "--online"])
    assert result.exit_code == 2
    assert "ANTHROPIC_API_KEY" in result.output
    assert "Traceback" not in result.output


def test_bad_key_is_one_line_exit_2_without_the_key(anthropic):
    anthropic.script = [401]
    result = _count(["--tokenizer", "claude", "--online"])
    assert result.exit_code == 2
    assert "refused the API key (HTTP 401)" in result.output
    assert KEY not in result.output
    assert len([line for line in result.output.splitlines() if line.startswith("Error:")]) == 1


def test_rate_limit_and_server_errors_are_retried(anthropic):
    anthropic.script = [429, 503]
    result = _count(["--tokenizer", "claude", "--online"])
    assert result.exit_code == 0, result.output
    assert json.loads(result.stdout)["exact"] is True


def test_persistent_rate_limit_gives_up_after_bounded_retries(anthropic):
    anthropic.script = [429] * 10
    result = _count(["--tokenizer", "claude", "--online"])
    assert result.exit_code == 2
    assert f"failed {http.ATTEMPTS} times (last: HTTP 429)" in result.output
    assert len(anthropic.requests) == http.ATTEMPTS


def test_timeouts_are_bounded(anthropic):
    anthropic.script = ["sleep"] * 10
    result = _count(["--tokenizer", "claude", "--online"])
    assert result.exit_code == 2
    assert "timed out" in result.output


def test_gemini_and_moonshot_endpoints(monkeypatch):
    gemini, moonshot = FakeVendor("gemini"), FakeVendor("moonshot")
    try:
        monkeypatch.setenv("GOOGLE_GEMINI_BASE_URL", gemini.url)
        monkeypatch.setenv("GEMINI_API_KEY", KEY)
        monkeypatch.setenv("MOONSHOT_BASE_URL", moonshot.url)
        monkeypatch.setenv("MOONSHOT_API_KEY", KEY)
        result = _count(["--tokenizer", "gemini", "--tokenizer", "kimi", "--online"], text="abcdef")
        assert result.exit_code == 0, result.output
        gem, kimi = json.loads(result.stdout)["results"]
        assert gem["tokens"] == kimi["tokens"] == 6 and gem["exact"] and kimi["exact"]
        assert gemini.requests[0]["path"] == "/v1beta/models/gemini-2.5-flash:countTokens"
        assert gemini.requests[0]["headers"]["x-goog-api-key"] == KEY
        assert moonshot.requests[0]["path"] == "/v1/tokenizers/estimate-token-count"
        assert moonshot.requests[0]["headers"]["authorization"] == f"Bearer {KEY}"
    finally:
        gemini.close()
        moonshot.close()


def test_family_without_endpoint_stays_offline_with_a_notice(anthropic):
    result = _count(["--tokenizer", "glm", "--online"])
    assert result.exit_code == 0
    assert "glm: no vendor count endpoint, estimated offline" in result.output
    assert anthropic.requests == []


def test_online_refuses_estimate():
    result = _count(["--tokenizer", "claude", "--online", "--estimate"])
    assert result.exit_code == 2
    assert "does not go with --estimate" in result.output


def test_online_package_is_not_imported_by_offline_commands():
    import subprocess
    import sys

    code = (
        "import sys\nfrom click.testing import CliRunner\nfrom tokencost.cli import cli\n"
        "r = CliRunner().invoke(cli, ['count', '-', '--tokenizer', 'claude'], input='hi')\n"
        "assert r.exit_code == 0, r.output\nprint('tokencost.online' in sys.modules)"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "False"


def test_online_base_url_that_is_not_a_url_is_a_one_line_error(monkeypatch):
    monkeypatch.setenv("GEMINI_API_KEY", KEY)
    monkeypatch.setenv("GOOGLE_GEMINI_BASE_URL", "not-a-url")
    result = _count(["--tokenizer", "gemini", "--online"])
    assert result.exit_code == 2, result.output
    assert (
        result.stderr.strip() == "Error: GOOGLE_GEMINI_BASE_URL='not-a-url' is not an http:// or https:// URL"
    )
    assert KEY not in result.output


def _body_tokens(body: dict) -> int:
    """The chat fakes' count: one token per character of the whole request body as compact JSON."""
    return len(json.dumps(body, ensure_ascii=False, separators=(",", ":")))


CHAT = {
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
                    "function": {"name": "weather", "arguments": '{"city":"Paris"}'},
                }
            ],
        },
        {"role": "tool", "tool_call_id": "c1", "content": "18C"},
    ],
    "tools": [
        {
            "type": "function",
            "function": {
                "name": "weather",
                "description": "Weather of a city",
                "parameters": {"type": "object", "properties": {"city": {"type": "string"}}},
            },
        }
    ],
}


def _count_chat(args, requests):
    text = "\n".join(json.dumps(r) for r in requests)
    return CliRunner().invoke(cli, ["count", "-", "--messages", *args, "--format", "json"], input=text)


def test_chat_is_sent_as_an_anthropic_request_and_counted_whole(anthropic):
    anthropic.tokens = _body_tokens
    result = _count_chat(["--tokenizer", "claude", "--online"], [CHAT])
    assert result.exit_code == 0, result.output
    doc = json.loads(result.stdout)
    (sent,) = anthropic.requests
    body = sent["body"]
    assert body["system"] == "Be brief."
    assert [m["role"] for m in body["messages"]] == ["user", "assistant", "user"]
    use = body["messages"][1]["content"][0]
    assert use["type"] == "tool_use" and use["name"] == "weather" and use["input"] == {"city": "Paris"}
    answer = body["messages"][2]["content"][0]
    assert answer == {"type": "tool_result", "tool_use_id": use["id"], "content": "18C"}
    assert body["tools"][0]["input_schema"]["properties"]["city"] == {"type": "string"}
    # the endpoint's count, framing included (what is billed), exact
    assert doc["tokens"] == _body_tokens(body) + FRAMING
    assert doc["exact"] is True and doc["low"] == doc["high"] == doc["tokens"]
    assert doc["messages"]["per_request"][0]["basis"] == "vendor count endpoint"
    rerun = _count_chat(["--tokenizer", "claude", "--online"], [CHAT])
    assert json.loads(rerun.stdout)["tokens"] == doc["tokens"] and len(anthropic.requests) == 1


def test_chat_bodies_for_gemini_and_moonshot(monkeypatch):
    gemini, moonshot = FakeVendor("gemini"), FakeVendor("moonshot")
    gemini.tokens = moonshot.tokens = _body_tokens
    try:
        monkeypatch.setenv("GOOGLE_GEMINI_BASE_URL", gemini.url)
        monkeypatch.setenv("GEMINI_API_KEY", KEY)
        monkeypatch.setenv("MOONSHOT_BASE_URL", moonshot.url)
        monkeypatch.setenv("MOONSHOT_API_KEY", KEY)
        result = _count_chat(["--tokenizer", "gemini", "--tokenizer", "kimi", "--online"], [CHAT])
        assert result.exit_code == 0, result.output
        gem, kimi = json.loads(result.stdout)["results"]
        inner = gemini.requests[0]["body"]["generateContentRequest"]
        assert inner["model"] == "models/gemini-2.5-flash"
        assert inner["systemInstruction"] == {"parts": [{"text": "Be brief."}]}
        assert [c["role"] for c in inner["contents"]] == ["user", "model", "user"]
        assert inner["contents"][1]["parts"][0]["functionCall"] == {
            "name": "weather",
            "args": {"city": "Paris"},
        }
        assert inner["contents"][2]["parts"][0]["functionResponse"]["name"] == "weather"
        assert inner["tools"][0]["functionDeclarations"][0]["name"] == "weather"
        assert gem["tokens"] == _body_tokens(gemini.requests[0]["body"]) + FRAMING and gem["exact"]
        body = moonshot.requests[0]["body"]
        assert [m["role"] for m in body["messages"]] == ["system", "user", "assistant", "tool"]
        call = body["messages"][2]["tool_calls"][0]
        assert body["messages"][3]["tool_call_id"] == call["id"]
        assert body["tools"][0]["function"]["name"] == "weather"
        assert kimi["tokens"] == _body_tokens(body) + FRAMING and kimi["exact"]
    finally:
        gemini.close()
        moonshot.close()


def test_chat_with_parts_a_vendor_body_cannot_carry_is_counted_offline(anthropic):
    image = {"role": "user", "content": [{"type": "image_url", "image_url": {"url": "data:,"}}, "hi"]}
    result = _count_chat(["--tokenizer", "claude", "--online"], [{"messages": [image]}, CHAT])
    assert result.exit_code == 0, result.output
    assert "1 request(s) hold non-text parts (images, files)" in result.output
    bases = [r["basis"] for r in json.loads(result.stdout)["messages"]["per_request"]]
    assert bases[1] == "vendor count endpoint" and bases[0] != bases[1]
    assert not any("image" in json.dumps(r["body"]) for r in anthropic.requests)  # the image is never sent


WORKLOAD = """version: 1
currency: USD
start: 2026-12-01
horizon_months: 2
candidates: [claude-haiku-4.5, gpt-5.4-mini]
workloads:
  - name: w
    model: claude-sonnet-4.6
    requests_per_week: 1000
    prompt: p/*.txt
    output_tokens: 100
"""


def test_estimate_online_counts_claude_exactly_and_reruns_from_the_cache(anthropic, tmp_path):
    prompt = tmp_path / "prompt.txt"
    prompt.write_text("Summarise this: 你好，世界。", encoding="utf-8")
    args = [
        "estimate",
        str(prompt),
        "-m",
        "claude-haiku-4.5",
        "-m",
        "gpt-5.4-mini",
        "--online",
        "--format",
        "json",
    ]
    result = CliRunner().invoke(cli, args)
    assert result.exit_code == 0, result.output
    rows = {row["model"]: row for row in json.loads(result.stdout)["rows"]}
    claude = rows["claude-haiku-4.5"]
    assert claude["input_tokens"] == len("Summarise this: 你好，世界。")
    assert "vendor count endpoint: Anthropic, model claude-haiku-4-5" in json.dumps(claude)
    assert claude["cost_low"] == claude["cost_high"]
    bodies = [r["body"] for r in anthropic.requests]
    assert {b["model"] for b in bodies} == {"claude-haiku-4-5"}
    assert len(bodies) == 2  # the text and the one-character framing probe, nothing for the OpenAI model
    rerun = CliRunner().invoke(cli, args)
    assert rerun.exit_code == 0 and len(anthropic.requests) == 2  # the cache answered
    assert KEY not in result.output + rerun.output


def test_estimate_online_messages_send_the_chat(anthropic, tmp_path):
    anthropic.tokens = _body_tokens
    chat = tmp_path / "chat.json"
    chat.write_text(json.dumps(CHAT), encoding="utf-8")
    args = ["estimate", str(chat), "--messages", "-m", "claude-haiku-4.5", "--online", "--format", "json"]
    result = CliRunner().invoke(cli, args)
    assert result.exit_code == 0, result.output
    (sent,) = anthropic.requests
    (row,) = json.loads(result.stdout)["rows"]
    assert row["input_tokens"] == _body_tokens(sent["body"]) + FRAMING


def test_estimate_online_missing_key_names_the_variable(tmp_path):
    prompt = tmp_path / "prompt.txt"
    prompt.write_text("hello", encoding="utf-8")
    result = CliRunner().invoke(cli, ["estimate", str(prompt), "-m", "gemini-2.5-flash", "--online"])
    assert result.exit_code == 2 and "GEMINI_API_KEY" in result.output
    assert "Traceback" not in result.output


def test_plan_online_sends_each_distinct_text_once_and_reruns_from_the_cache(anthropic, tmp_path):
    (tmp_path / "p").mkdir()
    (tmp_path / "p" / "a.txt").write_text("Hello there, how are you?", encoding="utf-8")
    (tmp_path / "p" / "b.txt").write_text("你好，世界", encoding="utf-8")
    (tmp_path / "w.yaml").write_text(WORKLOAD, encoding="utf-8")
    args = ["plan", str(tmp_path / "w.yaml"), "--online", "--format", "json"]
    result = CliRunner().invoke(cli, args)
    assert result.exit_code == 0, result.output
    texts = [r["body"]["messages"][0]["content"] for r in anthropic.requests]
    assert sorted(texts) == sorted([".", "Hello there, how are you?", "你好，世界"])  # one request per text
    assert (
        "vendor count endpoint: Anthropic, model claude-sonnet-4-6" in result.stdout
    )  # the workload's model
    assert {r["body"]["model"] for r in anthropic.requests} == {"claude-sonnet-4-6"}
    (w,) = json.loads(result.stdout)["workloads"]
    claude = w["tokens_by_family"]["claude"]  # exact from the endpoint: no band, no cost range
    assert claude["exact"] and claude["low"] == claude["high"] == claude["input"]
    assert all(c["cost_low"] == c["cost_high"] == c["monthly_cost"] for c in w["candidates"])
    rerun = CliRunner().invoke(cli, args)
    assert rerun.exit_code == 0 and len(anthropic.requests) == 3
    assert json.loads(rerun.stdout)["workloads"] == json.loads(result.stdout)["workloads"]


def test_plan_online_without_a_key_exits_2(tmp_path):
    (tmp_path / "p").mkdir()
    (tmp_path / "p" / "a.txt").write_text("Hello", encoding="utf-8")
    (tmp_path / "w.yaml").write_text(WORKLOAD, encoding="utf-8")
    result = CliRunner().invoke(cli, ["plan", str(tmp_path / "w.yaml"), "--online"])
    assert result.exit_code == 2 and "ANTHROPIC_API_KEY" in result.output


def test_replay_online_retokenises_claude_candidates_with_the_endpoint(anthropic):
    from pathlib import Path

    log = Path(__file__).parent.parent / "examples" / "usage" / "pairs.jsonl"
    args = ["replay", str(log), "-m", "claude-haiku-4.5", "--online", "--format", "json"]
    result = CliRunner().invoke(cli, args)
    assert result.exit_code == 0, result.output
    (candidate,) = json.loads(result.stdout)["candidates"]
    assert candidate["records_by_method"] == {"retokenized": 3}
    assert candidate["cost_low"] == candidate["cost_high"]  # exact counts: no range
    assert any("messages" in r["body"] and "system" in r["body"] for r in anthropic.requests)


def test_replay_online_stops_on_a_refused_key(anthropic):
    from pathlib import Path

    anthropic.script = [401]
    log = Path(__file__).parent.parent / "examples" / "usage" / "pairs.jsonl"
    result = CliRunner().invoke(cli, ["replay", str(log), "--all", "--online"])
    assert result.exit_code == 2 and "refused the API key (HTTP 401)" in result.output
    assert KEY not in result.output


def test_one_conversation_in_any_shape_becomes_the_same_vendor_request():
    from tokencost.online.chat import vendor_body
    from tokencost.tokenizers.chat import parse_request

    anthropic_shape = {
        "model": "claude-sonnet-4-5",
        "system": "Be brief.",
        "messages": [
            {"role": "user", "content": "Weather in Paris?"},
            {
                "role": "assistant",
                "content": [{"type": "tool_use", "id": "x", "name": "weather", "input": {"city": "Paris"}}],
            },
            {"role": "user", "content": [{"type": "tool_result", "tool_use_id": "x", "content": "18C"}]},
        ],
        "tools": [
            {
                "name": "weather",
                "description": "Weather of a city",
                "input_schema": CHAT["tools"][0]["function"]["parameters"],
            }
        ],
    }
    for family in ("claude", "gemini", "kimi"):
        bodies = [vendor_body(family, "m", parse_request(r)) for r in (CHAT, anthropic_shape)]
        assert bodies[0] == bodies[1] and bodies[0] is not None


def test_thinking_and_response_schemas_are_not_carried():
    from tokencost.online.chat import carried, vendor_body
    from tokencost.tokenizers.chat import parse_request

    thinking = {
        "messages": [
            {"role": "user", "content": "hi"},
            {"role": "assistant", "content": [{"type": "thinking", "thinking": "hm", "signature": "s"}]},
        ],
        "system": "x",
    }
    assert carried(parse_request(thinking)) == "thinking or reasoning signatures"
    schema = {**CHAT, "response_format": {"type": "json_schema", "json_schema": {"name": "a", "schema": {}}}}
    assert vendor_body("claude", "m", parse_request(schema)) is None


# -- check --online and calibrate --online -------------------------------------------------------------------
CHECK_WORKLOAD = WORKLOAD + "policies:\n  require_exact_counts: true\n"


def _check_files(tmp_path):
    (tmp_path / "p").mkdir()
    (tmp_path / "p" / "a.txt").write_text("Hello there, how are you?", encoding="utf-8")
    (tmp_path / "p" / "b.txt").write_text("你好，世界", encoding="utf-8")
    path = tmp_path / "w.yaml"
    path.write_text(CHECK_WORKLOAD, encoding="utf-8")
    return path


def test_check_online_counts_exactly_so_the_exact_counts_policy_passes(anthropic, tmp_path):
    path = _check_files(tmp_path)
    offline = CliRunner().invoke(cli, ["check", str(path), "--format", "json"])
    assert offline.exit_code == 1, offline.output  # Claude is estimated offline: the policy fails
    assert anthropic.requests == []  # no socket without the flag
    online = CliRunner().invoke(cli, ["check", str(path), "--online", "--format", "json"])
    assert online.exit_code == 0, online.output
    texts = sorted(r["body"]["messages"][0]["content"] for r in anthropic.requests)
    assert texts == sorted([".", "Hello there, how are you?", "你好，世界"])
    assert KEY not in online.output
    sent = len(anthropic.requests)
    rerun = CliRunner().invoke(cli, ["check", str(path), "--online", "--format", "json"])
    assert rerun.exit_code == 0 and len(anthropic.requests) == sent  # a CI rerun sends nothing


def test_check_online_without_a_key_or_with_a_refused_key_exits_2(monkeypatch, tmp_path):
    path = _check_files(tmp_path)
    result = CliRunner().invoke(cli, ["check", str(path), "--online"])
    assert result.exit_code == 2 and "ANTHROPIC_API_KEY" in result.output
    assert "Traceback" not in result.output
    fake = FakeVendor("anthropic")
    try:
        monkeypatch.setenv("ANTHROPIC_BASE_URL", fake.url)
        monkeypatch.setenv("ANTHROPIC_API_KEY", KEY)
        fake.script = [401]
        refused = CliRunner().invoke(cli, ["check", str(path), "--online"])
    finally:
        fake.close()
    assert refused.exit_code == 2 and "refused the API key (HTTP 401)" in refused.output
    assert KEY not in refused.output and "Traceback" not in refused.output


def test_check_online_on_a_plan_json_is_refused(tmp_path):
    plan_json = tmp_path / "plan.json"
    fixture = __import__("pathlib").Path(__file__).parent / "fixtures" / "plans" / "head-pass.json"
    plan_json.write_text(fixture.read_text("utf-8"), encoding="utf-8")
    result = CliRunner().invoke(cli, ["check", str(plan_json), "--online"])
    assert result.exit_code == 2 and "--online apply to workload files only" in result.output


def _calibration_log(tmp_path, n=40, zero=(3, 11, 25)):
    """Anthropic request/response pairs whose billed counts are what the fake endpoint answers (one token per
    character of the message plus its framing); the requests at ``zero`` were logged with a billed count of 0."""
    rows = []
    for i in range(n):
        text = f"Request {i}: " + "please summarise the attached report in three bullet points. " * (
            1 + i % 5
        )
        billed = 0 if i in zero else len(text) + FRAMING
        request = {
            "model": "claude-sonnet-4-5",
            "max_tokens": 50,
            "messages": [{"role": "user", "content": text}],
        }
        response = {"id": f"msg_{i}", "type": "message", "role": "assistant", "model": "claude-sonnet-4-5",
                    "content": [{"type": "text", "text": "ok"}],
                    "usage": {"input_tokens": billed, "output_tokens": 2}}  # fmt: skip
        rows.append(json.dumps({"request": request, "response": response}))
    log = tmp_path / "pairs.jsonl"
    log.write_text("\n".join(rows) + "\n", encoding="utf-8")
    return log


def _message_chars(body: dict) -> int:
    """One token per character of the messages' text, whether a message holds a string or text blocks."""
    contents = [m["content"] for m in body["messages"]]
    return sum(len(c) if isinstance(c, str) else sum(len(b.get("text", "")) for b in c) for c in contents)


def test_calibrate_online_checks_billed_counts_and_fills_impossible_ones(anthropic, tmp_path):
    anthropic.tokens = _message_chars
    log = _calibration_log(tmp_path)
    args = ["calibrate", str(log), "--out", str(tmp_path / "cal.yaml"), "--format", "json"]
    offline = CliRunner().invoke(cli, args)
    assert offline.exit_code == 0, offline.output
    assert anthropic.requests == []  # no socket without the flag
    assert json.loads(offline.stdout)["excluded"] == 3  # the billed 0s are left out
    assert json.loads(offline.stdout)["vendor_counts"] == {}
    online = CliRunner().invoke(cli, [*args, "--online", "--force"])
    assert online.exit_code == 0, online.output
    doc = json.loads(online.stdout)
    assert doc["excluded"] == 0
    claude = doc["vendor_counts"]["claude"]
    assert claude["requests"] == 40 and claude["compared"] == 37 and claude["vendor_count_used"] == 3
    assert claude["equal"] == 37 and claude["difference_median"] == 0  # the log's billed counts agree
    assert doc["families"]["claude"]["requests"] + doc["families"]["claude"]["held_back"] == 40
    assert {r["body"]["model"] for r in anthropic.requests} == {"claude-sonnet-4-5"}
    assert KEY not in online.output
    sent = len(anthropic.requests)
    table = CliRunner().invoke(cli, ["calibrate", str(log), "--out", str(tmp_path / "c2.yaml"), "--online"])
    assert table.exit_code == 0, table.output
    assert len(anthropic.requests) == sent  # answered from the cache
    assert "claude: vendor count endpoint on 40 requests: billed = vendor count on 37 of 37" in table.stdout
    assert "stood in for 3 impossible billed count(s)" in table.stdout


def test_calibrate_online_errors_exit_2_without_the_key(monkeypatch, tmp_path):
    log = _calibration_log(tmp_path)
    result = CliRunner().invoke(cli, ["calibrate", str(log), "--out", str(tmp_path / "c.yaml"), "--online"])
    assert result.exit_code == 2 and "ANTHROPIC_API_KEY" in result.output
    assert not (tmp_path / "c.yaml").exists()
    fake = FakeVendor("anthropic")
    try:
        monkeypatch.setenv("ANTHROPIC_BASE_URL", fake.url)
        monkeypatch.setenv("ANTHROPIC_API_KEY", KEY)
        fake.script = [401]
        refused = CliRunner().invoke(
            cli, ["calibrate", str(log), "--out", str(tmp_path / "c.yaml"), "--online"]
        )
    finally:
        fake.close()
    assert refused.exit_code == 2 and "refused the API key (HTTP 401)" in refused.output
    assert KEY not in refused.output and "Traceback" not in refused.output


def test_calibrate_online_with_no_endpoint_family_sends_nothing_and_says_so(tmp_path):
    rows = []
    for i in range(3):
        request = {"model": "gpt-4o", "messages": [{"role": "user", "content": f"hello {i}"}]}
        response = {"id": f"c{i}", "object": "chat.completion", "model": "gpt-4o",
                    "choices": [{"index": 0, "message": {"role": "assistant", "content": "ok"}}],
                    "usage": {"prompt_tokens": 12, "completion_tokens": 1, "total_tokens": 13}}  # fmt: skip
        rows.append(json.dumps({"request": request, "response": response}))
    log = tmp_path / "openai.jsonl"
    log.write_text("\n".join(rows) + "\n", encoding="utf-8")
    result = CliRunner().invoke(
        cli, ["calibrate", str(log), "--online"]
    )  # no key needed: o200k has no endpoint
    assert result.exit_code == 0, result.output
    assert "no request is of a family with a vendor count endpoint; nothing was sent" in result.output


def test_calibrate_online_does_not_go_with_jobs(anthropic, tmp_path):
    log = _calibration_log(tmp_path)
    result = CliRunner().invoke(cli, ["calibrate", str(log), "--online", "--jobs", "2"])
    assert result.exit_code == 2 and "does not go with --engine dask or --jobs" in result.output
    assert anthropic.requests == []
