"""Requests to the Treering server, in one place: the User-Agent, the
`Authorization` header, a JSON GET and a POST that answers every HTTP status
as a value (only a failure to reach the server raises, as an `OSError`)."""

from __future__ import annotations

import json
import urllib.error
import urllib.request
from typing import Any

from . import __version__

USER_AGENT = f"treering-python/{__version__}"


def headers(key: str | None, extra: dict[str, str] | None = None) -> dict[str, str]:
    """The headers of every request: the agent's User-Agent and, with a key, its bearer token."""
    result = {"User-Agent": USER_AGENT}
    if key:
        result["Authorization"] = "Bearer " + key
    if extra:
        result.update(extra)
    return result


def get_json(url: str, key: str | None, timeout: float) -> Any:
    """The JSON answer of `GET url`; raises on an HTTP error, a failure to connect or bad JSON."""
    request = urllib.request.Request(url, headers=headers(key, {"Accept": "application/json"}))
    with urllib.request.urlopen(request, timeout=timeout) as response:
        return json.loads(response.read())


def post(
    url: str, body: bytes, key: str | None, timeout: float, content_type: str = "application/json", gzipped: bool = True
) -> tuple[int, bytes]:
    """POSTs `body` (gzip'd unless `gzipped` is False); returns the status and
    the answer's body for any status, 4xx and 5xx included. Raises OSError
    (connection refused, timeout, DNS) when there is no answer at all."""
    extra = {"Content-Type": content_type}
    if gzipped:
        extra["Content-Encoding"] = "gzip"
    request = urllib.request.Request(url, data=body, headers=headers(key, extra), method="POST")
    try:
        with urllib.request.urlopen(request, timeout=timeout) as response:
            return int(response.status), response.read()
    except urllib.error.HTTPError as e:
        try:
            raw = e.read()
        finally:
            e.close()
        return int(e.code), raw
