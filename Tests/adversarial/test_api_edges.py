"""Item 10 of issue 15: API edges a careless client meets.

- a misspelt query parameter (`range=3h`) is a 400 listing the app's labels,
  not a label filter that silently answers an empty tree;
- every API 4xx, unknown paths and methods included, has a JSON error body;
- `/js/page.js%00.png` is not served as JavaScript;
- NUL and control characters in app names, tag keys and values, frame
  names, files, threads and hosts are refused with a 4xx on every ingest
  path, and nothing of the refused upload is stored."""
from __future__ import annotations

import json
import urllib.parse

import pytest

from adversarial_http import doc, get, post_json, refusal_problems, request
from support.treering_server import REPO, TreeringServer


@pytest.fixture(scope="module")
def server(tmp_path_factory):
    with TreeringServer(tmp_path_factory.mktemp("api") / "api.sqlite") as s:
        answer = post_json(s.port, "/api/v1/ingest", doc(app="shop"))
        assert answer.status == 201, answer
        yield s


@pytest.mark.parametrize("path", ["/api/v1/query?app=shop&range=3h", "/api/v1/query/folded?app=shop&range=3h",
                                  "/api/v1/apps/shop/timeline?range=3h"])
def test_a_misspelt_parameter_is_a_400_listing_the_apps_labels(server, path):
    answer = get(server.port, path)
    problems = refusal_problems(answer, r"\brange\b", statuses=[400])
    message = answer.error_message or ""
    for label in ("host", "transaction", "thread"):
        if answer.status == 400 and label not in message:
            problems.append(f"the error does not list the label {label!r}: {message!r}")
    assert not problems, "\n".join(problems)


@pytest.mark.parametrize("method,path", [
    ("GET", "/api/v1/nope"), ("GET", "/api/v1/profiles/1/nope"), ("POST", "/api/v1/nope"), ("GET", "/api/v1/"),
    ("GET", "/api/v2/profiles"), ("PUT", "/api/v1/ingest"), ("DELETE", "/api/v1/profiles/1"),
])
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


SPEEDSCOPE_NUL = json.dumps({"$schema": "https://www.speedscope.app/file-format-schema.json",
                             "shared": {"frames": [{"name": "ma\x00in"}]},
                             "profiles": [{"type": "sampled", "name": "p", "unit": "none", "startValue": 0, "endValue": 1,
                                           "samples": [[0]], "weights": [1]}]}).encode()
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
    "folded ?app= with NUL": ("/api/v1/ingest?format=folded&app=shop%00web", b"main;work 3\n", "text/plain", r"\bapp\b"),
    "folded ?tags= value with NUL": ("/api/v1/ingest?format=folded&app=ctl&tags=env:prod%00", b"main;work 3\n", "text/plain", r"tags|env"),
    "folded frame name with SOH": ("/api/v1/ingest?format=folded&app=ctl", b"main;wo\x01rk 3\n", "text/plain", r"line|frame|name"),
    "speedscope frame name with NUL": ("/api/v1/ingest?format=speedscope&app=ctl", SPEEDSCOPE_NUL, "application/json", r"frames|name"),
    "pyroscope ?name= app with NUL": ("/ingest?name=shop%00web.cpu&format=folded", b"main;work 3\n", "text/plain", r"name|app"),
    "pyroscope ?name= label value with NUL": ("/ingest?name=" + Q("ctl.cpu{env=prod\x00}") + "&format=folded",
                                              b"main;work 3\n", "text/plain", r"name|env|label"),
    "pyroscope ?name= app <script>": ("/ingest?name=" + Q("<script>.cpu") + "&format=folded", b"main;work 3\n", "text/plain",
                                      r"name|app"),
    "session transaction with NUL": ("/api/v1/apps/shop/sessions", {"transaction": "GET /\x00orders"}, None, r"transaction"),
}


def stored(server) -> tuple:
    profiles = get(server.port, "/api/v1/profiles?limit=1000").json or {}
    apps = get(server.port, "/api/v1/apps").json or {}
    sessions = get(server.port, "/api/v1/apps/shop/sessions").json or {}
    return (len(profiles.get("profiles", [])), sorted(a["name"] for a in apps.get("apps", [])),
            len(sessions.get("sessions", [])))


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
