"""Targeted sessions end to end: a real web app in its own process, with the
Python agent pointed at the real server; a session for the CPU-heavy view
with N = 20, started through the API, while a mix of requests runs. The
session must close with exactly 20 requests whose tree is the heavy view's
code and nothing of the other views. Once with Django under a threaded
WSGI server, once with FastAPI under uvicorn (where the heavy view shares
the event loop with another CPU-bound async view)."""

from __future__ import annotations

import json
import signal
import subprocess
import sys
import textwrap
import threading
import time
import urllib.error
import urllib.parse
import urllib.request
from pathlib import Path

import pytest

from support.treering_server import TreeringServer, free_port

REPO = Path(__file__).resolve().parents[2]
AGENT_DIR = REPO / "Agents" / "python"

# Shared by both apps: the agent from source, or as installed when
# scripts/test-agent.sh runs this test in its venv with the agent's wheel
# (TREERING_EXPECT_PREFIX names that venv); warnings to stderr (the test
# checks there are none), and a CPU-bound function for the heavy view.
PRELUDE = textwrap.dedent(f"""
    import faulthandler, logging, os, signal, sys, time
    faulthandler.enable()                   # a crash prints every thread's stack to app.err
    faulthandler.register(signal.SIGUSR1)   # and so does the test's signal when the app stalls
    if not os.environ.get("TREERING_EXPECT_PREFIX"):
        sys.path.insert(0, {str(AGENT_DIR)!r})
    import treering
    logging.basicConfig(level=logging.WARNING, stream=sys.stderr)

    APP, SERVER, PORT = sys.argv[1], sys.argv[2], int(sys.argv[3])
    DB = sys.argv[4]

    def crunch_numbers(pk, seconds):
        x, deadline = 0, time.perf_counter() + seconds
        while time.perf_counter() < deadline:
            x += sum(i * pk for i in range(200))
        return x

    def run_report_queries(connect, year):
        # Database-heavy: SQLite does the work (the GIL is released meanwhile).
        total = 0
        with connect() as cursor:
            for k in range(3):
                cursor.execute("WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < 60000) "
                               "SELECT sum(i % ?) FROM n", [year % 7 + 2 + k])
                total += cursor.fetchone()[0]
        return total
""")

DJANGO_APP = PRELUDE + textwrap.dedent("""
    import contextlib, socketserver
    from wsgiref.simple_server import WSGIRequestHandler, WSGIServer, make_server
    import django
    from django.conf import settings
    settings.configure(
        DEBUG=False, SECRET_KEY="sessions-test", ALLOWED_HOSTS=["*"], ROOT_URLCONF=__name__,
        DATABASES={"default": {"ENGINE": "django.db.backends.sqlite3", "NAME": DB}},
        INSTALLED_APPS=[], MIDDLEWARE=["treering.middleware.django.TreeringMiddleware"],
    )
    django.setup()
    from django.core.handlers.wsgi import WSGIHandler
    from django.db import connection
    from django.http import HttpResponse, JsonResponse
    from django.urls import path

    def order_detail(request, pk):
        return JsonResponse({"x": crunch_numbers(pk, 0.06)})

    def reports_view(request, year):
        return JsonResponse({"x": run_report_queries(connection.cursor, year)})

    def health_check(request):
        return HttpResponse("ok")

    urlpatterns = [path("orders/<int:pk>/", order_detail), path("reports/<int:year>/", reports_view),
                   path("health/", health_check)]

    class Server(socketserver.ThreadingMixIn, WSGIServer):
        daemon_threads = True

    class Quiet(WSGIRequestHandler):
        def log_message(self, *args):
            pass

    treering.start(app=APP, server=SERVER, interval_ms=10, upload_every_s=2)
    server = make_server("127.0.0.1", PORT, WSGIHandler(), server_class=Server, handler_class=Quiet)
    print("ready", flush=True)
    try:
        server.serve_forever()
    except KeyboardInterrupt:
        pass
""")

FASTAPI_APP = PRELUDE + textwrap.dedent("""
    import asyncio, contextlib, sqlite3
    import uvicorn
    from fastapi import FastAPI
    from treering.middleware.asgi import TreeringASGIMiddleware

    app = FastAPI()

    async def in_turns(spin, arg, seconds):
        # CPU-bound in 12 ms slices, yielding to the loop between them.
        x, deadline = 0, time.monotonic() + seconds
        while time.monotonic() < deadline:
            x += spin(arg, 0.012)
            await asyncio.sleep(0)
        return x

    def search_terms(n, seconds):
        x, deadline = 0, time.perf_counter() + seconds
        while time.perf_counter() < deadline:
            x += sum(i ^ n for i in range(200))
        return x

    @app.get("/orders/{pk}")
    async def order_detail(pk: int):
        return {"x": await in_turns(crunch_numbers, pk, 0.06)}

    @app.get("/search/{n}")
    async def search_view(n: int):
        return {"x": await in_turns(search_terms, n, 0.06)}

    @app.get("/reports/{year}")
    def reports_view(year: int):   # sync: runs in the thread pool
        return {"x": run_report_queries(lambda: contextlib.closing(sqlite3.connect(DB).cursor()), year)}

    @app.get("/health")
    async def health_check():
        return {"ok": True}

    app.add_middleware(TreeringASGIMiddleware)
    treering.start(app=APP, server=SERVER, interval_ms=10, upload_every_s=2)
    print("ready", flush=True)
    uvicorn.run(app, host="127.0.0.1", port=PORT, log_level="warning")
""")

CASES = {
    "django": dict(
        script=DJANGO_APP,
        transaction="GET orders/<int:pk>/",
        mix=["orders/{i}/", "reports/20{i}/", "health/", "orders/{i}/", "health/", "reports/19{i}/"],
        others={"reports_view", "run_report_queries", "health_check"},
        # wsgiref sends the body (and closes the response, which ends the
        # request) in this frame, after the view returned: part of the
        # request, but GIL waits behind the other views' crunching land here.
        sending="finish_response",
    ),
    "fastapi": dict(
        script=FASTAPI_APP,
        transaction="GET /orders/{pk}",
        mix=["orders/{i}", "search/{i}", "reports/20{i}", "health", "orders/{i}", "search/{i}"],
        others={"reports_view", "run_report_queries", "health_check", "search_view", "search_terms"},
    ),
}


def call(server, method: str, path: str, body: dict | None = None):
    data = json.dumps(body).encode() if body is not None else None
    req = urllib.request.Request(
        server.url + path, data=data, method=method, headers={"Content-Type": "application/json"}
    )
    try:
        with urllib.request.urlopen(req, timeout=30) as r:
            return r.status, json.loads(r.read())
    except urllib.error.HTTPError as e:
        return e.code, e.read().decode(errors="replace")


def start_app(tmp_path: Path, script: str, app: str, server_url: str) -> tuple[subprocess.Popen, str]:
    (tmp_path / "app.py").write_text(script)
    port = free_port()
    with open(tmp_path / "app.err", "w") as err:
        proc = subprocess.Popen(
            [sys.executable, str(tmp_path / "app.py"), app, server_url, str(port), str(tmp_path / "app.sqlite")],
            cwd=tmp_path,
            stdout=subprocess.PIPE,
            stderr=err,
            text=True,
        )
    assert proc.stdout.readline().strip() == "ready", (tmp_path / "app.err").read_text()
    base = f"http://127.0.0.1:{port}"
    deadline = time.monotonic() + 30
    while True:
        try:
            urllib.request.urlopen(base + "/health" + ("/" if "WSGIHandler" in script else ""), timeout=2).read()
            return proc, base
        except OSError:
            if time.monotonic() > deadline or proc.poll() is not None:
                raise RuntimeError((tmp_path / "app.err").read_text()) from None
            time.sleep(0.1)


def send_mix_until(base: str, mix: list[str], done) -> int:
    """Six clients send the mix in rounds until done() or a minute passes; every answer must be a success."""
    stop = threading.Event()
    sent = [0]
    failed: list = []

    def client(k):
        i = 0
        while not stop.is_set():
            i += 1
            url = f"{base}/" + mix[(i + k) % len(mix)].format(i=(i * 7 + k) % 90 + 10)
            try:
                urllib.request.urlopen(url, timeout=30).read()
                sent[0] += 1
            except urllib.error.HTTPError as e:  # a view that fails is a broken test app
                failed.append(f"{url}: {e.code}")
            except OSError:
                pass

    threads = [threading.Thread(target=client, args=(k,)) for k in range(6)]
    for t in threads:
        t.start()
    deadline = time.monotonic() + 60
    try:
        while not done() and time.monotonic() < deadline:
            time.sleep(0.25)
        # Keep the mix running a moment after the session closed: the agent
        # must stop recording it (409s are its only signal if a poll is late).
        time.sleep(1.5)
    finally:
        stop.set()
        for t in threads:
            t.join(60)
    assert not failed, failed[:5]
    return sent[0]


def frame_totals(tree: dict) -> dict:
    """Function name -> samples in it and below (outermost occurrence per stack)."""
    names, nodes = tree["frames"]["name"], tree["nodes"]
    totals: dict = {}
    on_path: list = []  # names on the path from the root to the node
    for i, (parent, frame) in enumerate(zip(nodes["parent"], nodes["frame"])):
        while on_path and on_path[-1][0] != parent:
            on_path.pop()
        name = names[frame] if frame >= 0 else None
        if name is not None and all(n != name for _, n in on_path):
            totals[name] = totals.get(name, 0) + nodes["total"][i]
        on_path.append((i, name))
    return totals


@pytest.mark.parametrize("kind", sorted(CASES))
def test_a_session_records_exactly_n_requests_of_its_transaction(tmp_path, kind):
    case = CASES[kind]
    app = f"sessions-{kind}"
    with TreeringServer(tmp_path / "treering.sqlite") as server:
        proc, base = start_app(tmp_path, case["script"], app, server.url)
        try:
            status, session = call(
                server,
                "POST",
                f"/api/v1/apps/{app}/sessions",
                {"transaction": case["transaction"], "requests": 20, "interval_ms": 5},
            )
            assert status == 201, session
            sid = session["id"]

            def done():
                return call(server, "GET", f"/api/v1/sessions/{sid}")[1]["state"] != "running"

            sent = send_mix_until(base, case["mix"], done)
            if not done() and proc.poll() is None:
                proc.send_signal(signal.SIGUSR1)  # where it is stuck, into app.err
                time.sleep(1)
            exited = proc.poll()
        finally:
            proc.terminate()
            try:
                proc.wait(timeout=20)
            except subprocess.TimeoutExpired:
                proc.kill()
        errors = (tmp_path / "app.err").read_text()

        status, detail = call(server, "GET", f"/api/v1/sessions/{sid}")
        assert status == 200, detail
        assert detail["state"] == "done", (detail, sent, f"app exited early: {exited}", errors)
        assert detail["count"] == 20 and len(detail["requests_list"]) == 20
        assert len({r["request"] for r in detail["requests_list"]}) == 20
        walls = [r["wall_ms"] for r in detail["requests_list"]]
        assert walls == sorted(walls, reverse=True) and min(walls) >= 55  # each request crunches 60 ms

        status, tree = call(server, "GET", f"/api/v1/sessions/{sid}/tree")
        assert status == 200, tree
        totals = frame_totals(tree)
        root = tree["nodes"]["total"][0]
        assert root >= 20
        # The view's crunching is most of what the request did before its response was sent.
        handled = root - totals.get(case.get("sending", ""), 0)
        assert totals.get("crunch_numbers", 0) >= 0.7 * handled, (totals.get("crunch_numbers"), handled, root)
        assert not set(totals) & case["others"], set(totals) & case["others"]

        # One request's own tree is there too, and the ordinary profiles went
        # to the app's series under the same transaction names.
        one = detail["requests_list"][0]["request"]
        status, own = call(server, "GET", f"/api/v1/sessions/{sid}/requests/{urllib.parse.quote(one)}/tree")
        assert status == 200 and own["nodes"]["total"][0] >= 1
        status, labels = call(server, "GET", f"/api/v1/apps/{app}/labels?from=now-1h&until=now%2B1h")
        assert status == 200 and case["transaction"] in labels["labels"]["transaction"], labels
        # A session that is over is not an error for the agent: no warnings.
        assert "treering:" not in errors, errors
