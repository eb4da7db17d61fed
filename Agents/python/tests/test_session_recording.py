"""Targeted sessions against a stand-in server that follows the contract
(notes/session-contract.md): the agent learns sessions by polling and from
ingest answers, records only the requests of the session's transaction,
sends one document per request, and stops at once on a 409."""

import contextlib
import gzip
import http.server
import json
import re
import threading
import time

import django_site
import fastapi_site
import pytest
from format_check import check
from webservers import get, get_all, grind, serve_asgi, serve_wsgi, wait_for

import treering
from treering.middleware.wsgi import TreeringWSGIMiddleware
from treering.recorder import SessionRecorder
from treering.sessions import Session


class Contract(http.server.BaseHTTPRequestHandler):
    """The agent-facing part of the sessions API, in memory."""

    def do_GET(self):
        srv = self.server
        if re.fullmatch(r"/api/v1/apps/[^/]+/sessions/active", self.path) and not srv.poll_fails:
            srv.polls += 1
            return self.answer(200, {"sessions": srv.active(), "poll_s": 0.2})
        self.answer(500, {"error": {"code": "down", "message": "no"}})

    def do_POST(self):
        srv = self.server
        body = json.loads(gzip.decompress(self.rfile.read(int(self.headers["Content-Length"]))))
        if self.path == "/api/v1/ingest":
            srv.ingests += 1
            return self.answer(
                201, {"id": "1", "url": "/profiles/1", "share_url": "/p/x", "samples": 1, "sessions": srv.active()}
            )
        m = re.fullmatch(r"/api/v1/sessions/(\d+)/requests", self.path)
        with srv.lock:
            s = srv.sessions.get(int(m.group(1))) if m else None
            if s is None:
                return self.answer(404, {"error": {"code": "not_found", "message": "no session"}})
            s["posts"].append(body)
            if s["refuse"] or s["count"] >= s["requests"]:
                return self.answer(409, {"error": {"code": "session_closed", "message": "done"}})
            s["count"] += 1
            s["docs"].append(body)
            state = "done" if s["count"] == s["requests"] else "running"
        self.answer(201, {"session": int(m.group(1)), "count": s["count"], "requests": s["requests"], "state": state})

    def answer(self, status, obj):
        raw = json.dumps(obj).encode()
        self.send_response(status)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(raw)))
        self.end_headers()
        self.wfile.write(raw)

    def log_message(self, *args):
        pass


class FakeServer(http.server.ThreadingHTTPServer):
    daemon_threads = True

    def __init__(self):
        super().__init__(("127.0.0.1", 0), Contract)
        self.lock = threading.Lock()
        self.sessions: dict = {}
        self.polls = self.ingests = 0
        self.poll_fails = False
        self.keep_listing = False  # list sessions that are done (a stale list)
        threading.Thread(target=self.serve_forever, daemon=True).start()

    @property
    def url(self):
        return f"http://127.0.0.1:{self.server_address[1]}"

    def add(self, id, transaction, requests=3, interval_ms=2, refuse=False, until=None):
        with self.lock:
            self.sessions[id] = {
                "transaction": transaction,
                "requests": requests,
                "interval_ms": interval_ms,
                "count": 0,
                "posts": [],
                "docs": [],
                "refuse": refuse,
                "until": until or time.time() + 600,
            }
        return self.sessions[id]

    def active(self):
        with self.lock:
            return [
                {"id": i, "transaction": s["transaction"], "interval_ms": s["interval_ms"], "until": s["until"]}
                for i, s in sorted(self.sessions.items())
                if self.keep_listing or (s["count"] < s["requests"] and not s["refuse"])
            ]


@pytest.fixture
def fake():
    server = FakeServer()
    yield server
    server.shutdown()
    server.server_close()


def heavy_work():
    return grind(0.15)


def light_work():
    return grind(0.05)


def app(environ, start_response):
    path = environ["PATH_INFO"]
    if path == "/heavy":
        heavy_work()
    elif path == "/light":
        light_work()
    start_response("200 OK", [("Content-Type", "text/plain")])
    return [b"ok"]


def names_in(doc):
    frames = doc["frames"]
    return {frames[i]["name"] for s in doc["samples"] for i in s["stack"]}


def start_agent(fake, **kwargs):
    return treering.start(app="shop", server=fake.url, interval_ms=10, upload_every_s=60, **kwargs)


@contextlib.contextmanager
def agent_in_session(fake):
    """The agent, once it has learnt the stand-in server's sessions; stopped after."""
    agent = start_agent(fake)
    try:
        assert wait_for(lambda: agent.sessions.by_transaction)
        yield agent
    finally:
        treering.stop()


def test_a_session_records_exactly_its_transactions_requests(fake):
    session = fake.add(7, "GET /heavy", requests=3)
    with agent_in_session(fake) as agent, serve_wsgi(TreeringWSGIMiddleware(app)) as url:
        get_all([f"{url}/heavy", f"{url}/light", f"{url}/heavy", f"{url}/light", f"{url}/light"])
        assert wait_for(lambda: len(session["posts"]) >= 2)
        get_all([f"{url}/heavy"] * 3)
        assert wait_for(lambda: session["count"] == 3)
        # Done: the agent stops recording at once, whatever comes next.
        assert wait_for(lambda: not agent.sessions.by_transaction)
        posts = len(session["posts"])
        get_all([f"{url}/heavy"] * 2)
        time.sleep(1.2)
        assert len(session["posts"]) == posts
    assert posts <= 5  # never more than the heavy requests served while it was open
    ids = set()
    for doc in session["docs"]:
        assert check(doc) == []
        tags = doc["tags"]
        assert tags["transaction"] == "GET /heavy"
        assert re.fullmatch(r"[0-9a-f]{32}", tags["treering.request"])
        ids.add(tags["treering.request"])
        assert 140 <= float(tags["treering.wall_ms"]) < 5000
        assert doc["interval_ms"] == 2 and doc["app"] == "shop"
        assert "heavy_work" in names_in(doc)
        assert "light_work" not in names_in(doc)
        assert sum(s["count"] for s in doc["samples"]) >= 4  # 150 ms shared with 2 busy threads, GIL permitting
        assert doc["end"] - doc["start"] >= 0.14
    assert len(ids) == 3


def test_a_409_stops_the_session_even_if_the_server_still_lists_it(fake):
    session = fake.add(8, "GET /heavy", refuse=True)
    fake.keep_listing = True
    with agent_in_session(fake) as agent, serve_wsgi(TreeringWSGIMiddleware(app)) as url:
        get(f"{url}/heavy")
        assert wait_for(lambda: len(session["posts"]) == 1)
        assert wait_for(lambda: not agent.sessions.by_transaction)
        polls = fake.polls
        assert wait_for(lambda: fake.polls >= polls + 2)  # the stale list came back: ignored
        get_all([f"{url}/heavy"] * 3)
        time.sleep(1.2)
    assert len(session["posts"]) == 1
    assert not agent.sessions.by_transaction


def test_sessions_are_learnt_from_ingest_answers_when_polls_fail(fake):
    fake.poll_fails = True
    session = fake.add(9, "GET /heavy", requests=1)
    agent = treering.start(app="shop", server=fake.url, interval_ms=10, upload_every_s=0.2)
    try:
        with serve_wsgi(TreeringWSGIMiddleware(app)) as url:
            get(f"{url}/light")  # something to upload, so that an answer comes back
            assert wait_for(lambda: agent.sessions.by_transaction)
            assert agent.sessions.polls == 0 and agent.sessions.poll_failures >= 1
            get(f"{url}/heavy")
            assert wait_for(lambda: session["count"] == 1)
    finally:
        treering.stop()


def test_a_request_shorter_than_the_interval_is_sent_with_no_samples(fake):
    session = fake.add(10, "GET /fast", requests=1, interval_ms=1000)
    with agent_in_session(fake), serve_wsgi(TreeringWSGIMiddleware(app)) as url:
        get(f"{url}/fast")
        assert wait_for(lambda: session["count"] == 1)
    doc = session["docs"][0]
    assert doc["samples"] == [] and check(doc) == []
    assert doc["tags"]["transaction"] == "GET /fast"


def test_asgi_session_keeps_only_its_tasks_samples(fake):
    session = fake.add(11, "GET /alpha/{n}", requests=2, interval_ms=2)
    with agent_in_session(fake), serve_asgi(fastapi_site.build(seconds=0.5)) as url:
        answers = get_all([f"{url}/alpha/1", f"{url}/beta/1", f"{url}/alpha/2", f"{url}/beta/2", f"{url}/pool/1"])
        assert {status for status, _ in answers} == {200}
        assert wait_for(lambda: session["count"] == 2)
    for doc in session["docs"]:
        names = names_in(doc)
        assert "alpha_spin" in names
        assert not names & {"beta_spin", "pool_spin"}, names
        assert doc["tags"]["transaction"] == "GET /alpha/{n}"
        assert float(doc["tags"]["treering.wall_ms"]) >= 450


def test_asgi_session_of_a_sync_endpoint_samples_its_worker_thread(fake):
    session = fake.add(12, "GET /pool/{n}", requests=1, interval_ms=2)
    with agent_in_session(fake), serve_asgi(fastapi_site.build(seconds=0.4)) as url:
        get_all([f"{url}/pool/1", f"{url}/alpha/1"])
        assert wait_for(lambda: session["count"] == 1)
    names = names_in(session["docs"][0])
    assert "pool_spin" in names and "alpha_spin" not in names


def test_a_session_past_its_until_is_over_at_once():
    from treering.config import Config

    discarded = []
    sessions = SessionRecorder(
        Config.resolve(server="http://127.0.0.1:9"),
        send=lambda doc, path: None,
        discard=discarded.append,
        wake_sender=lambda: None,
        ignored_idents=set(),
    )
    sessions.update(
        [
            {"id": 1, "transaction": "GET /a", "interval_ms": 5, "until": time.time() + 0.2},
            {"id": 2, "transaction": "GET /b", "interval_ms": 5, "until": time.time() + 60},
            {"id": "bad"},
            "junk",
        ]
    )
    assert sessions.match("GET /a").id == 1 and sessions.match("GET /b").id == 2
    time.sleep(0.25)
    assert sessions.match("GET /a") is None and sessions.match("GET /b") is not None
    sessions.update([{"id": 2, "transaction": "GET /b", "interval_ms": 5, "until": time.time() + 60}])
    sessions.on_answer("/api/v1/sessions/2/requests", 409, {"error": {"code": "session_closed"}})
    assert sessions.match("GET /b") is None
    assert discarded == ["/api/v1/sessions/2/"]  # its queued requests are not sent
    sessions.update([{"id": 2, "transaction": "GET /b", "interval_ms": 5, "until": time.time() + 60}])
    assert sessions.match("GET /b") is None  # closed here: a stale list does not revive it
    assert isinstance(Session.from_json({"id": 3, "transaction": "t", "interval_ms": 5, "until": 1.0}), Session)


def test_a_django_session_records_the_requests_of_its_url_pattern(fake):
    session = fake.add(13, "GET orders/<int:pk>/", requests=2, interval_ms=2)
    with agent_in_session(fake), serve_wsgi(django_site.application) as url:
        answers = get_all(
            [
                f"{url}/orders/1/?s=0.15",
                f"{url}/light/",
                f"{url}/orders/22/?s=0.15",
                f"{url}/api/items/3/",
                f"{url}/health/",
            ]
        )
        assert {status for status, _ in answers} == {200}
        assert wait_for(lambda: session["count"] == 2)
    for doc in session["docs"]:
        assert check(doc) == []
        assert doc["tags"]["transaction"] == "GET orders/<int:pk>/"
        names = names_in(doc)
        assert {"crunch_order", "order_detail"} <= names
        assert not names & {"tally_light", "light_view", "health"}, names
        assert float(doc["tags"]["treering.wall_ms"]) >= 140


def test_an_asgi_session_follows_its_request_into_tasks_it_starts(fake):
    # @app.middleware("http") runs the endpoint in a task of its own, and a
    # streamed body is made in another: both are the request's.
    session = fake.add(14, "GET /stream/{n}", requests=1, interval_ms=2)
    with agent_in_session(fake), serve_asgi(fastapi_site.build(seconds=0.3, http_middleware=True)) as url:
        answers = get_all([f"{url}/stream/1", f"{url}/beta/1"])
        assert {status for status, _ in answers} == {200}
        assert wait_for(lambda: session["count"] == 1)
    names = names_in(session["docs"][0])
    assert "stream_chunk" in names and "beta_spin" not in names, names


def test_with_no_active_session_no_request_is_recorded(fake):
    agent = start_agent(fake)
    try:
        assert wait_for(lambda: fake.polls >= 1)
        with (
            serve_wsgi(TreeringWSGIMiddleware(app)) as wsgi,
            serve_wsgi(django_site.application) as dj,
            serve_asgi(fastapi_site.build(seconds=0.05)) as asgi,
        ):
            answers = get_all([f"{wsgi}/light", f"{dj}/light/", f"{asgi}/alpha/1", f"{asgi}/pool/1"])
            assert {status for status, _ in answers} == {200}
        # No recording was made, so the session sampler never started its thread.
        assert "treering-session-sampler" not in {t.name for t in threading.enumerate()}
        assert agent.sessions.sampler.recordings == {} and not agent.sessions.finished
    finally:
        treering.stop()
