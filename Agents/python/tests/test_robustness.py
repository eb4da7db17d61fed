"""The middleware never harms the app: with the Treering server down or hung, when
the app raises, with streamed responses, and with ASGI scopes that are not
HTTP requests (lifespan, websocket), which pass through untouched."""

import asyncio
import http.server
import socket
import threading

import django_site
import fastapi_site
import pytest
from webservers import get, get_all, merged, samples_with, serve_asgi, serve_wsgi, transactions_of, wait_for

import treering
from treering import tagging
from treering.middleware.asgi import TreeringASGIMiddleware
from treering.middleware.wsgi import TreeringWSGIMiddleware


def closed_port_url() -> str:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return f"http://127.0.0.1:{s.getsockname()[1]}"  # nothing listens there once closed


def hello(environ, start_response):
    start_response("200 OK", [("Content-Type", "text/plain")])
    return [b"hello"]


def get_ok(urls):
    for url in urls:
        status, body = get(url)
        assert status == 200, (url, status, body[:200])


class Silent(http.server.ThreadingHTTPServer):
    """A Treering server that takes every request and never answers it until
    `release` is set (then 503): a server hung, or a network that drops
    packets. `ingest` is set once an upload is being held."""

    daemon_threads = True

    def __init__(self):
        self.release, self.ingest, self.answered = threading.Event(), threading.Event(), threading.Event()
        silent = self

        class Handler(http.server.BaseHTTPRequestHandler):
            def hold(self):
                if self.command == "POST" and self.path.startswith("/api/v1/ingest"):
                    silent.ingest.set()
                silent.release.wait(120)
                silent.answered.set()
                self.send_error(503)

            do_GET = do_POST = hold

            def log_message(self, *args):
                pass

        super().__init__(("127.0.0.1", 0), Handler)
        threading.Thread(target=self.serve_forever, daemon=True).start()
        self.url = f"http://127.0.0.1:{self.server_address[1]}"

    def close(self):
        self.release.set()
        self.shutdown()
        self.server_close()


def test_with_the_server_down_every_app_serves_as_fast_as_ever():
    agent = treering.start(app="down", server=closed_port_url(), interval_ms=5, upload_every_s=0.2)
    try:
        with (
            serve_wsgi(TreeringWSGIMiddleware(hello)) as bare,
            serve_wsgi(django_site.application) as dj,
            serve_asgi(fastapi_site.build(seconds=0.01)) as fa,
        ):
            get_ok([f"{bare}/x", f"{dj}/health/", f"{fa}/fast", f"{fa}/pool/1"] * 10)
            # Uploads and session polls keep failing meanwhile.
            assert wait_for(lambda: agent.uploader.failures >= 1 and agent.sessions.poll_failures >= 1, 10)
            get_ok([f"{bare}/x", f"{dj}/health/", f"{fa}/fast"] * 5)
        assert agent.sessions.poll_failures >= 1 and agent.sessions.polls == 0
        assert agent.uploader.failures >= 1 and agent.uploader.sent == 0
    finally:
        treering.stop()


def test_a_server_that_never_answers_holds_up_no_request_and_not_stop():
    # Uploads wait up to 60 s for an answer; the server gives none. If a
    # request or stop() waited for an upload, it would still be waiting when
    # the upload timed out (a failure counted) or the server answered.
    server = Silent()
    try:
        agent = treering.start(app="hung", server=server.url, interval_ms=5, upload_every_s=0.2, upload_timeout_s=60)
        try:
            assert server.ingest.wait(30), "no upload reached the server"
            with serve_wsgi(TreeringWSGIMiddleware(hello)) as bare, serve_wsgi(django_site.application) as dj:
                get_ok([f"{bare}/x", f"{dj}/health/"] * 10)
            assert agent.uploader.failures == 0 and agent.uploader.sent == 0  # the upload is still waiting
        finally:
            treering.stop()  # its last flush gives up at its deadline
        assert not server.answered.is_set()
    finally:
        server.close()


class Boom(Exception):
    pass


def test_an_exception_from_a_wsgi_app_reaches_the_server_unchanged():
    error = Boom("from the app")

    def failing(environ, start_response):
        raise error

    treering.start(app="raises", interval_ms=5)
    try:
        with pytest.raises(Boom) as caught:
            TreeringWSGIMiddleware(failing)({"REQUEST_METHOD": "GET", "PATH_INFO": "/x"}, lambda *a: None)
        assert caught.value is error
        assert tagging.current_tags(threading.get_ident()) == ()  # the thread is untagged again
        with serve_wsgi(TreeringWSGIMiddleware(failing)) as url:
            assert get(f"{url}/x")[0] == 500  # wsgiref's own answer to an app that raised
            assert get(f"{url}/y")[0] == 500
            assert wait_for(lambda: tagging.thread_entries() == {}, 5)
    finally:
        treering.stop()


def test_an_exception_from_an_asgi_app_reaches_the_server_unchanged():
    error = Boom("from the app")

    async def failing(scope, receive, send):
        raise error

    async def call():
        scope = {"type": "http", "method": "GET", "path": "/x", "root_path": ""}
        await TreeringASGIMiddleware(failing)(scope, None, None)

    treering.start(app="raises", interval_ms=5)
    try:
        with pytest.raises(Boom) as caught:
            asyncio.run(call())
        assert caught.value is error and tagging.task_entries() == {}
        with serve_asgi(fastapi_site.build(seconds=0.05)) as url:
            assert get(f"{url}/boom")[0] == 500
            assert get(f"{url}/fast")[0] == 200
            assert wait_for(lambda: tagging.task_entries() == {}, 5)
    finally:
        treering.stop()


def test_a_django_view_that_raises_gets_djangos_500_and_leaves_no_tag():
    treering.start(app="raises", interval_ms=5)
    try:
        with serve_wsgi(django_site.application) as url:
            assert [status for status, _ in get_all([f"{url}/broken/", f"{url}/health/"])] == [500, 200]
            assert wait_for(lambda: tagging.thread_entries() == {}, 5)
    finally:
        treering.stop()


def test_streamed_bodies_are_part_of_their_request():
    # Every tick (the wall clock): these tests check which request a sample is given to, not idleness.
    agent = treering.start(app="streams", interval_ms=2, clock="wall")
    try:
        with serve_wsgi(django_site.application) as dj, serve_asgi(fastapi_site.build(seconds=0.6)) as fa:
            answers = get_all([f"{dj}/stream/30/", f"{fa}/stream/3"])
    finally:
        treering.stop()
    assert [status for status, _ in answers] == [200, 200]
    assert answers[0][1].count(b"\n") == 30 and answers[1][1].startswith(b"3:")
    doc = merged(agent.documents)
    # Made while the server sends them (Django: on the WSGI thread after the
    # view returned; Starlette: in a task of its own), yet named by their route.
    # Both bodies take ~0.6 s; on a loaded 2-core CI machine the sampler thread
    # gets the GIL only every 10-15 ms, hence "at least 10" samples, not a rate.
    django_parts = transactions_of(samples_with(doc, "stream_part"))
    assert set(django_parts) == {"GET stream/<int:n>/"} and django_parts["GET stream/<int:n>/"] >= 10, django_parts
    fastapi_chunks = transactions_of(samples_with(doc, "stream_chunk"))
    assert set(fastapi_chunks) == {"GET /stream/{n}"} and fastapi_chunks["GET /stream/{n}"] >= 10, fastapi_chunks


def test_an_http_middleware_running_the_app_in_its_own_task_keeps_the_names():
    agent = treering.start(app="basehttp", interval_ms=2, clock="wall")
    try:
        with serve_asgi(fastapi_site.build(seconds=0.5, http_middleware=True)) as url:
            answers = get_all([f"{url}/alpha/1", f"{url}/beta/2"])
    finally:
        treering.stop()
    assert [status for status, _ in answers] == [200, 200]
    doc = merged(agent.documents)
    alpha = transactions_of(samples_with(doc, "alpha_spin"))
    beta = transactions_of(samples_with(doc, "beta_spin"))
    assert set(alpha) == {"GET /alpha/{n}"} and set(beta) == {"GET /beta/{n}"}, (alpha, beta)


def test_lifespan_and_websocket_scopes_pass_through_untouched():
    seen = []

    async def inner(scope, receive, send):
        seen.append((scope, receive, send, tagging.task_entries()))

    async def receive():
        return {}

    async def send(message):
        pass

    async def main():
        app = TreeringASGIMiddleware(inner)
        for kind in ("lifespan", "websocket"):
            scope = {"type": kind, "path": "/ws", "asgi": {"version": "3.0"}}
            before = dict(scope)
            await app(scope, receive, send)
            assert seen[-1][0] is scope and scope == before  # the same scope, unchanged
            assert seen[-1][1] is receive and seen[-1][2] is send  # the server's own callables
            assert seen[-1][3] == {}  # no request was started

    treering.start(app="scopes", interval_ms=5)
    try:
        asyncio.run(main())
    finally:
        treering.stop()
    assert len(seen) == 2


@pytest.mark.filterwarnings("ignore:Using `httpx`")  # Starlette's TestClient on httpx: not ours
def test_a_real_lifespan_and_websocket_work_through_the_middleware():
    from contextlib import asynccontextmanager

    from fastapi import FastAPI, WebSocket
    from fastapi.testclient import TestClient

    events = []

    @asynccontextmanager
    async def lifespan(app):
        events.append("startup")
        yield
        events.append("shutdown")

    app = FastAPI(lifespan=lifespan)

    @app.websocket("/echo")
    async def echo(ws: WebSocket):
        await ws.accept()
        text = await ws.receive_text()
        await ws.send_text(text.upper())
        await ws.close()

    app.add_middleware(TreeringASGIMiddleware)
    treering.start(app="ws", interval_ms=5)
    try:
        with TestClient(app) as client, client.websocket_connect("/echo") as ws:
            ws.send_text("ring")
            assert ws.receive_text() == "RING"
    finally:
        treering.stop()
    assert events == ["startup", "shutdown"]
