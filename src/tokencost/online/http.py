"""One JSON POST with bounded retries and timeouts; errors are one line and never contain the key."""

from __future__ import annotations

import json
import time
import urllib.error
import urllib.request
from typing import Any

from tokencost.errors import InputError

#: attempts for a 429 or 5xx answer (and for a timeout), and the first backoff in seconds (doubling)
ATTEMPTS = 4
BACKOFF = 0.5
TIMEOUT = 20.0


def post_json(url: str, headers: dict[str, str], body: dict[str, Any], vendor: str) -> dict[str, Any]:
    """POST ``body`` as JSON and return the JSON answer; retries 429/5xx and timeouts with backoff."""
    data = json.dumps(body, ensure_ascii=False).encode("utf-8")
    request_headers = {"content-type": "application/json", "user-agent": "tokencost", **headers}
    delay = BACKOFF
    for attempt in range(1, ATTEMPTS + 1):
        request = urllib.request.Request(url, data=data, headers=request_headers, method="POST")
        try:
            with urllib.request.urlopen(request, timeout=TIMEOUT) as answer:
                return _decode(answer.read(), vendor)
        except urllib.error.HTTPError as error:
            if error.code in (401, 403):
                raise InputError(
                    f"{vendor}'s count endpoint refused the API key (HTTP {error.code}): check the key"
                ) from None
            if error.code != 429 and error.code < 500:
                raise InputError(
                    f"{vendor}'s count endpoint rejected the request (HTTP {error.code})"
                ) from None
            last = f"HTTP {error.code}"
        except (TimeoutError, urllib.error.URLError, OSError) as error:
            reason = getattr(error, "reason", error)
            last = (
                "timed out" if isinstance(reason, TimeoutError) else f"unreachable ({type(reason).__name__})"
            )
        if attempt < ATTEMPTS:
            time.sleep(delay)
            delay *= 2
    raise InputError(f"{vendor}'s count endpoint failed {ATTEMPTS} times (last: {last}); try again later")


def _decode(raw: bytes, vendor: str) -> dict[str, Any]:
    try:
        body = json.loads(raw)
    except ValueError:
        raise InputError(f"{vendor}'s count endpoint answered with something that is not JSON") from None
    if not isinstance(body, dict):
        raise InputError(f"{vendor}'s count endpoint answered with JSON that is not an object")
    return body
