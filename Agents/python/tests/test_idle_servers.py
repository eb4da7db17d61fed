"""Idle is idle under the servers users run: gunicorn with gthread workers
(master and two workers, each with a thread pool) and waitress, each serving
a Flask app under `python -m treering run`, uploading to the real server.
With no traffic for 10 s at most 5% of the samples sent are of threads that
ran; under traffic to a CPU-heavy view, that view holds most samples."""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import textwrap
import threading
import time
import urllib.request
from pathlib import Path

import pytest
from support.treering_server import TreeringServer, free_port

APP = textwrap.dedent("""
    import time

    from flask import Flask

    app = Flask(__name__)


    def crunch_numbers(seconds):
        x, deadline = 0, time.perf_counter() + seconds
        while time.perf_counter() < deadline:
            x += sum(i * i for i in range(200))
        return x


    @app.route("/heavy")
    def heavy():
        return str(crunch_numbers(0.1))
""")

SERVERS = {
    "gunicorn-gthread": lambda port: [
        "-m", "gunicorn", "--bind", f"127.0.0.1:{port}", "--workers", "2", "--threads", "4",
        "--worker-class", "gthread", "--log-level", "warning", "app:app",
    ],
    "waitress": lambda port: ["-m", "waitress", "--listen", f"127.0.0.1:{port}", "--threads", "4", "app:app"],
}  # fmt: skip


def wait_listening(port: int, proc: subprocess.Popen, err: Path, timeout: float = 30.0) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            raise RuntimeError(f"the app server exited with {proc.returncode}: {err.read_text(errors='replace')}")
        try:
            with socket.create_connection(("127.0.0.1", port), timeout=1):
                return
        except OSError:
            time.sleep(0.1)
    raise RuntimeError("the app server did not listen")


def profiles_since(server: TreeringServer, app: str, since: float) -> list[dict]:
    listed = server.get_json(f"/api/v1/profiles?app={app}&limit=1000")["profiles"]
    return [p for p in listed if p["start"] >= since]


def running_counts(server: TreeringServer, profiles: list[dict]) -> list[tuple[str, int]]:
    """(folded stack, count) of what each profile's agent sent as running: the
    server adds the idle samples the agent counted as an `(idle)` stack (and
    an `(idle)` leaf to those tagged state=idle), which are left out here."""
    counts = []
    for p in profiles:
        for line in server.get_text(f"/api/v1/profiles/{p['id']}/folded").splitlines():
            stack, _, count = line.rpartition(" ")
            if not stack.rsplit(";", 1)[-1].startswith("(idle)"):
                counts.append((stack, int(count)))
    return counts


def hammer(url: str, seconds: float, clients: int = 4) -> int:
    done = []
    deadline = time.monotonic() + seconds

    def client():
        while time.monotonic() < deadline:
            with urllib.request.urlopen(url, timeout=30) as r:
                r.read()
            done.append(1)

    threads = [threading.Thread(target=client) for _ in range(clients)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(60)
    return len(done)


@pytest.mark.parametrize("kind", sorted(SERVERS))
def test_an_idle_server_sends_idle_samples_and_a_busy_view_holds_the_samples(tmp_path, kind):
    (tmp_path / "app.py").write_text(APP)
    app = f"idle-{kind}"
    port = free_port()
    with TreeringServer(tmp_path / "treering.sqlite") as server:
        command = [sys.executable, "-m", "treering", "run", "--server", server.url, "--app", app,
                   "--upload-every-s", "1", *SERVERS[kind](port)]  # fmt: skip
        with open(tmp_path / "app.err", "wb") as err:
            proc = subprocess.Popen(command, cwd=tmp_path, stdout=err, stderr=err, env=dict(os.environ))
        try:
            wait_listening(port, proc, tmp_path / "app.err")
            time.sleep(3)  # start-up (imports, forks) is over, and its uploads sent
            quiet_from = time.time()
            time.sleep(10)
            busy_from = time.time()
            served = hammer(f"http://127.0.0.1:{port}/heavy", 4)
            time.sleep(3)  # the last uploads
            quiet = [p for p in profiles_since(server, app, quiet_from) if p["end"] <= busy_from + 0.5]
            busy = profiles_since(server, app, busy_from)
            quiet_running = running_counts(server, quiet)
            busy_running = running_counts(server, busy)
        finally:
            proc.terminate()
            try:
                proc.wait(timeout=20)
            except subprocess.TimeoutExpired:
                proc.kill()
                proc.wait()
        errors = (tmp_path / "app.err").read_text(errors="replace")

    # No traffic: the processes uploaded, and what they saw was idle threads.
    assert len({p["pid"] for p in quiet}) == (3 if kind == "gunicorn-gthread" else 1), (quiet, errors)
    ran = sum(count for _, count in quiet_running)
    idle = sum(int(p["tags"]["treering.idle_samples"]) for p in quiet)
    assert idle > 0, quiet
    assert ran <= 0.05 * (ran + idle), (ran, idle)

    # Traffic to the heavy view: its function holds most of what was sent.
    assert served > 0
    total = heavy = 0
    for stack, count in busy_running:
        total += count
        if "crunch_numbers (" in stack:
            heavy += count
    print(f"{kind}: idle {ran}/{ran + idle} sent as running; busy: heavy view {heavy}/{total}")
    assert heavy > 0.5 * total, (heavy, total, errors)
