"""Bare WSGI and Flask under a real threaded WSGI server, and the cap on
distinct transaction names."""

import json
import threading

import pytest
from webservers import get, get_all, grind, merged, samples_with, serve_wsgi, transactions_of

import treering
from treering import tagging
from treering.config import Config
from treering.middleware.wsgi import TreeringWSGIMiddleware
from treering.transactions import TransactionNames


def heavy_body():
    return grind(0.4)


def light_body():
    return grind(0.03)


def stream_chunk():
    return grind(0.2)  # long enough to be sampled on a loaded machine


def bare_app(environ, start_response):
    path = environ["PATH_INFO"]
    if path.startswith("/heavy"):
        heavy_body()
    elif path.startswith("/light"):
        light_body()
    elif path == "/tags":  # what the sampler would see for this thread right now
        body = json.dumps(dict(tagging.current_tags(threading.get_ident()))).encode()
        start_response("200 OK", [("Content-Type", "application/json")])
        return [body]
    elif path == "/stream":
        start_response("200 OK", [("Content-Type", "text/plain")])
        return (str(stream_chunk()).encode() for _ in range(2))
    start_response("200 OK", [("Content-Type", "text/plain")])
    return [b"ok"]


def test_bare_wsgi_samples_carry_method_and_path():
    # Every tick (the wall clock): these tests check which request a sample is given to, not idleness.
    agent = treering.start(app="bare", interval_ms=5, clock="wall")
    try:
        with serve_wsgi(TreeringWSGIMiddleware(bare_app)) as url:
            answers = get_all([f"{url}/heavy", f"{url}/heavy", f"{url}/stream"] + [f"{url}/light"] * 5)
            assert {status for status, _ in answers} == {200}
    finally:
        treering.stop()
    doc = merged(agent.documents)
    assert transactions_of(samples_with(doc, "heavy_body")).keys() == {"GET /heavy"}
    light = transactions_of(samples_with(doc, "light_body"))
    assert set(light) <= {"GET /light"}, light
    # A streamed body is still part of its request: its chunks carry its name.
    assert transactions_of(samples_with(doc, "stream_chunk")).keys() == {"GET /stream"}


def test_a_name_hook_replaces_the_path():
    by_prefix = TreeringWSGIMiddleware(bare_app, transaction_name=lambda env: "GET " + env["PATH_INFO"].split("/")[1])
    with serve_wsgi(by_prefix) as url:
        status, body = get(f"{url}/tags")
    assert status == 200 and json.loads(body) == {"transaction": "GET tags"}


def test_a_failing_name_hook_never_reaches_the_app():
    def broken(environ):
        raise RuntimeError("boom")

    with serve_wsgi(TreeringWSGIMiddleware(bare_app, transaction_name=broken)) as url:
        status, body = get(f"{url}/tags")
    assert status == 200 and json.loads(body) == {}


def test_the_201st_distinct_name_becomes_other():
    treering.start(app="cap", interval_ms=50, max_transactions=200)
    try:
        with serve_wsgi(TreeringWSGIMiddleware(bare_app, transaction_name=lambda env: env["QUERY_STRING"])) as url:
            names = [json.loads(get(f"{url}/tags?route-{i}")[1])["transaction"] for i in range(201)]
            again = json.loads(get(f"{url}/tags?route-7")[1])["transaction"]
    finally:
        treering.stop()
    assert names[:200] == [f"route-{i}" for i in range(200)]
    assert names[200] == "other"
    assert again == "route-7"  # names seen before the cap keep working


def test_the_cap_setting_and_its_environment_variable(monkeypatch):
    assert Config.resolve().max_transactions == 200
    monkeypatch.setenv("TREERING_MAX_TRANSACTIONS", "3")
    assert Config.resolve().max_transactions == 3
    assert Config.resolve(max_transactions=7).max_transactions == 7
    names = TransactionNames(3)
    assert [names.name(n) for n in "abcdab"] == ["a", "b", "c", "other", "a", "b"]


def test_flask_requests_are_named_by_their_rule():
    flask = pytest.importorskip("flask")
    app = flask.Flask("shop")

    @app.get("/orders/<int:pk>")
    def order(pk):
        heavy_body()
        return {"pk": pk}

    @app.get("/now")
    def now():
        return dict(tagging.current_tags(threading.get_ident()))

    app.wsgi_app = TreeringWSGIMiddleware(app.wsgi_app)
    agent = treering.start(app="flask-shop", interval_ms=5, clock="wall")
    try:
        with serve_wsgi(app) as url:
            answers = get_all([f"{url}/orders/1", f"{url}/orders/2", f"{url}/now", f"{url}/missing"])
    finally:
        treering.stop()
    assert [status for status, _ in answers] == [200, 200, 200, 404]
    assert json.loads(answers[2][1]) == {"transaction": "GET /now"}
    doc = merged(agent.documents)
    assert transactions_of(samples_with(doc, "heavy_body")).keys() == {"GET /orders/<int:pk>"}
