"""Item 10 of issue 15: API edges a careless client meets.

- a misspelt query parameter (`range=3h`) is a 400 listing the app's labels,
  not a label filter that silently answers an empty tree;
- every API 4xx, unknown paths and methods and what the HTTP parser refuses
  included, has a JSON error body;
- `/js/page.js%00.png` is not served as JavaScript;
- NUL and control characters in app names, tag keys and values, frame
  names, files, threads and hosts are refused with a 4xx on every ingest
  path (Pyroscope's protobuf push too, which also skipped the app-name check),
  and nothing of the refused upload is stored."""

from __future__ import annotations

import json
import socket
import urllib.parse

import pytest

from adversarial_http import doc, get, post_json, push, refusal_problems, request
from support.treering_server import REPO, TreeringServer


@pytest.fixture(scope="module")
def server(tmp_path_factory):
    with TreeringServer(tmp_path_factory.mktemp("api") / "api.sqlite") as s:
        answer = post_json(s.port, "/api/v1/ingest", doc(app="shop"))
        assert answer.status == 201, answer
        yield s


@pytest.mark.parametrize(
    "path",
    [
        "/api/v1/query?app=shop&range=3h",
        "/api/v1/query/folded?app=shop&range=3h",
        "/api/v1/apps/shop/timeline?range=3h",
    ],
)
def test_a_misspelt_parameter_is_a_400_listing_the_apps_labels(server, path):
    answer = get(server.port, path)
    problems = refusal_problems(answer, r"\brange\b", statuses=[400])
    message = answer.error_message or ""
    for label in ("host", "transaction", "thread"):
        if answer.status == 400 and label not in message:
            problems.append(f"the error does not list the label {label!r}: {message!r}")
    assert not problems, "\n".join(problems)


@pytest.mark.parametrize(
    "method,path",
    [
        ("GET", "/api/v1/nope"),
        ("GET", "/api/v1/profiles/1/nope"),
        ("POST", "/api/v1/nope"),
        ("GET", "/api/v1/"),
        ("GET", "/api/v2/profiles"),
        ("PUT", "/api/v1/ingest"),
        ("DELETE", "/api/v1/profiles/1"),
    ],
)
def test_an_unknown_api_path_or_method_answers_a_4xx_with_a_json_body(server, method, path):
    answer = request(server.port, method, path, b"" if method in ("POST", "PUT") else None)
    assert answer.status in (404, 405), f"{method} {path}: {answer}"
    assert answer.error_message is not None, f"{method} {path}: no JSON error body: {answer}"


# The case was /js/page.js%00.png; any script of the dashboard will do.
SCRIPT = sorted((REPO / "Public" / "js").glob("*.js"))[0]


def test_a_static_file_is_served_as_javascript(server):
    # The control for the next test: the real path is served.
    answer = get(server.port, f"/js/{SCRIPT.name}")
    assert answer.status == 200 and "javascript" in answer.headers.get("content-type", ""), answer


@pytest.mark.parametrize("suffix", ["%00.png", "%00", "%00.html"])
def test_a_path_with_a_nul_is_not_served(server, suffix):
    path = f"/js/{SCRIPT.name}{suffix}"
    answer = get(server.port, path)
    assert 400 <= (answer.status or 0) < 500 and answer.body != SCRIPT.read_bytes(), f"{path}: {answer}"


def upload_with(**changes) -> dict:
    d = doc(app="ctl")
    d.update(changes)
    return d


def bad_doc(kind: str) -> dict:
    d = doc(app="ctl")
    if kind == "frame name":
        d["frames"] = [dict(d["frames"][0], name="handle\x00evil")] + d["frames"][1:]
    elif kind == "frame file":
        d["frames"] = [dict(d["frames"][0], file="app\x01.py")] + d["frames"][1:]
    elif kind == "thread":
        d["samples"] = [dict(d["samples"][0], thread="Main\x00Thread")] + d["samples"][1:]
    elif kind == "sample tag value":
        d["samples"] = [dict(d["samples"][0], tags={"transaction": "GET /\x00orders"})] + d["samples"][1:]
    return d


SPEEDSCOPE_NUL = json.dumps(
    {
        "$schema": "https://www.speedscope.app/file-format-schema.json",
        "shared": {"frames": [{"name": "ma\x00in"}]},
        "profiles": [
            {
                "type": "sampled",
                "name": "p",
                "unit": "none",
                "startValue": 0,
                "endValue": 1,
                "samples": [[0]],
                "weights": [1],
            }
        ],
    }
).encode()
Q = urllib.parse.quote

# name: (path, body, content type, what the error must name)
CONTROL_CASES = {
    "treering/1 app with NUL": ("/api/v1/ingest", upload_with(app="shop\x00web"), None, r"\bapp\b"),
    "treering/1 app with ESC": ("/api/v1/ingest", upload_with(app="shop\x1bweb"), None, r"\bapp\b"),
    "treering/1 host with NUL": ("/api/v1/ingest", upload_with(host="web\x00-1"), None, r"\bhost\b"),
    "treering/1 tag value with NUL": ("/api/v1/ingest", upload_with(tags={"env": "prod\x00"}), None, r"\btags\b|env"),
    "treering/1 tag key with BEL": ("/api/v1/ingest", upload_with(tags={"env\x07": "prod"}), None, r"\btags\b|env"),
    "treering/1 sample tag value with NUL": ("/api/v1/ingest", bad_doc("sample tag value"), None, r"tags|transaction"),
    "treering/1 frame name with NUL": ("/api/v1/ingest", bad_doc("frame name"), None, r"frames\[0\]|name"),
    "treering/1 frame file with SOH": ("/api/v1/ingest", bad_doc("frame file"), None, r"frames\[0\]|file"),
    "treering/1 thread with NUL": ("/api/v1/ingest", bad_doc("thread"), None, r"thread"),
    "folded ?app= with NUL": (
        "/api/v1/ingest?format=folded&app=shop%00web",
        b"main;work 3\n",
        "text/plain",
        r"\bapp\b",
    ),
    "folded ?tags= value with NUL": (
        "/api/v1/ingest?format=folded&app=ctl&tags=env:prod%00",
        b"main;work 3\n",
        "text/plain",
        r"tags|env",
    ),
    "folded frame name with SOH": (
        "/api/v1/ingest?format=folded&app=ctl",
        b"main;wo\x01rk 3\n",
        "text/plain",
        r"line|frame|name",
    ),
    "speedscope frame name with NUL": (
        "/api/v1/ingest?format=speedscope&app=ctl",
        SPEEDSCOPE_NUL,
        "application/json",
        r"frames|name",
    ),
    "pyroscope ?name= app with NUL": (
        "/ingest?name=shop%00web.cpu&format=folded",
        b"main;work 3\n",
        "text/plain",
        r"name|app",
    ),
    "pyroscope ?name= label value with NUL": (
        "/ingest?name=" + Q("ctl.cpu{env=prod\x00}") + "&format=folded",
        b"main;work 3\n",
        "text/plain",
        r"name|env|label",
    ),
    "pyroscope ?name= app <script>": (
        "/ingest?name=" + Q("<script>.cpu") + "&format=folded",
        b"main;work 3\n",
        "text/plain",
        r"name|app",
    ),
    "session transaction with NUL": (
        "/api/v1/apps/shop/sessions",
        {"transaction": "GET /\x00orders"},
        None,
        r"transaction",
    ),
}


def stored(server) -> tuple:
    profiles = get(server.port, "/api/v1/profiles?limit=1000").json or {}
    apps = get(server.port, "/api/v1/apps").json or {}
    sessions = get(server.port, "/api/v1/apps/shop/sessions").json or {}
    return (
        len(profiles.get("profiles", [])),
        sorted(a["name"][:60] for a in apps.get("apps", [])),
        len(sessions.get("sessions", [])),
    )


@pytest.mark.parametrize("case", list(CONTROL_CASES))
def test_control_characters_in_names_are_refused_and_nothing_is_stored(server, case):
    path, body, ctype, names = CONTROL_CASES[case]
    before = stored(server)
    if isinstance(body, dict):
        answer = post_json(server.port, path, body)
    else:
        answer = request(server.port, "POST", path, body, {"Content-Type": ctype})
    problems = refusal_problems(answer, names)
    after = stored(server)
    if after != before:
        problems.append(f"stored: (profiles, apps, sessions) {before} -> {after}")
    assert not problems, "\n".join(problems)


# Pyroscope's push API (protobuf): the issue found it stored `<script>` and a 1 MB app name.
PUSH_CASES = {
    "service_name <script>": (
        {"service_name": "<script>alert(1)</script>", "__name__": "process_cpu"},
        r"service_name|app",
    ),
    "service_name with NUL": ({"service_name": "shop\x00web", "__name__": "process_cpu"}, r"service_name|app"),
    "service_name of 1 MB": ({"service_name": "a" * (1 << 20), "__name__": "process_cpu"}, r"service_name|app"),
    "label value with NUL": ({"service_name": "pushed", "env": "prod\x00", "__name__": "process_cpu"}, r"labels|env"),
}


def test_a_valid_pyroscope_push_is_stored(server):
    # The control for the next test.
    answer = request(
        server.port,
        "POST",
        "/push.v1.PusherService/Push",
        push({"service_name": "pushed", "__name__": "process_cpu"}),
        {"Content-Type": "application/proto"},
    )
    assert answer.status == 200, answer
    assert "pushed" in stored(server)[1]


@pytest.mark.parametrize("case", list(PUSH_CASES))
def test_pyroscope_push_checks_app_names_and_labels_like_every_ingest_path(server, case):
    labels, names = PUSH_CASES[case]
    before = stored(server)
    answer = request(
        server.port, "POST", "/push.v1.PusherService/Push", push(labels), {"Content-Type": "application/proto"}
    )
    problems = refusal_problems(answer, names)
    after = stored(server)
    if after != before:
        problems.append(f"stored: (profiles, apps, sessions) {before} -> {after}"[:300])
    assert not problems, "\n".join(problems)


# Requests the HTTP parser refuses before any route: the issue counted 14 kinds of 4xx without a JSON body.
# Requests the HTTP parser refuses before any route sees them (a head that is
# not HTTP/1.x, an unreadable Content-Length, a head over 80 KB) are answered
# by SwiftNIO's own protocol error handler: a bare 400 and a closed connection,
# no JSON body (Hummingbird gives no hook there). Requests whose head parses
# reach the server's error middleware and get the API's JSON error.
PARSER_REFUSED = {"Content-Length: abc", "a 200 KB header", "HTTP/9.9"}

MALFORMED = {
    "Content-Length: abc": b"POST /api/v1/ingest HTTP/1.1\r\nHost: x\r\nContent-Length: abc\r\n\r\n",
    "a bad chunk size": b"POST /api/v1/ingest HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n\r\nzz\r\n",
    "a 200 KB header": b"GET /api/v1/apps HTTP/1.1\r\nHost: x\r\nX-A: " + b"a" * 200_000 + b"\r\n\r\n",
    "HTTP/9.9": b"GET /api/v1/apps HTTP/9.9\r\nHost: x\r\n\r\n",
}


@pytest.mark.parametrize("case", list(MALFORMED))
def test_malformed_http_to_the_api_is_a_4xx_with_a_json_body(server, case):
    with socket.create_connection(("127.0.0.1", server.port), timeout=10) as s:
        data = b""
        try:
            s.sendall(MALFORMED[case])
            while chunk := s.recv(65536):
                data += chunk
        except OSError as e:
            data += f" ({type(e).__name__})".encode()
    head, _, body = data.partition(b"\r\n\r\n")
    status = head.split(b" ")[1] if head.startswith(b"HTTP/") else b"?"
    assert status.startswith(b"4"), f"{case}: {data[:300]!r}"
    if case in PARSER_REFUSED:
        assert b"connection: close" in head.lower(), f"{case}: {data[:300]!r}"
        assert get(server.port, "/healthz").status == 200
        return
    try:
        message = json.loads(body)["error"]["message"]
    except (ValueError, KeyError, TypeError):
        message = None
    assert message, f"{case}: the {status.decode()} has no JSON error body: {data[:300]!r}"
