"""Captures the treering/1 documents the Python agent sends for a real Django
app under gunicorn (gthread, 2 workers x 4 threads), for the dashboard tests.

    python3 Tests/vectors/agent/capture_django.py [--seconds 30] [--out DIR]

It makes a throwaway venv (`pip install ./Agents/python django gunicorn`),
writes a small Django site (Django's usual middleware, a view whose own
function computes for a while, a light view), starts it under
`python -m treering run ... -m gunicorn`, the agent pointed at a tiny capture
server in this script that keeps every document it receives, drives traffic
for the given time, stops gunicorn (the agent flushes) and writes the
documents to Tests/vectors/agent/django-gunicorn/NN-<pid>.json.
"""

from __future__ import annotations

import argparse
import gzip
import http.server
import json
import os
import shutil
import socket
import subprocess
import sys
import tempfile
import textwrap
import threading
import time
import urllib.request
from pathlib import Path

REPO = Path(__file__).resolve().parents[3]
OUT = Path(__file__).resolve().parent / "django-gunicorn"

SITE = textwrap.dedent('''
    """A small Django shop: the usual middleware, an invoice view whose own
    code computes, and a lighter status view."""

    import time

    import django
    from django.conf import settings

    settings.configure(
        DEBUG=False,
        SECRET_KEY="treering-capture",
        ALLOWED_HOSTS=["*"],
        ROOT_URLCONF=__name__,
        INSTALLED_APPS=[],
        DATABASES={},
        MIDDLEWARE=[
            "treering.middleware.django.TreeringMiddleware",
            "django.middleware.security.SecurityMiddleware",
            "django.middleware.common.CommonMiddleware",
            "django.middleware.csrf.CsrfViewMiddleware",
            "django.middleware.clickjacking.XFrameOptionsMiddleware",
            "django.middleware.http.ConditionalGetMiddleware",
            "django.middleware.gzip.GZipMiddleware",
        ],
    )
    django.setup()

    from django.core.wsgi import get_wsgi_application
    from django.http import JsonResponse
    from django.urls import path


    def price_lines(order_id, seconds):
        """The shop's own hot spot: pure Python arithmetic."""
        total, deadline = 0, time.perf_counter() + seconds
        while time.perf_counter() < deadline:
            total += sum((i * order_id) % 97 for i in range(400))
        return total


    def invoice(request, order_id):
        return JsonResponse({"order": order_id, "total": price_lines(order_id, 0.05)})


    def count_open_orders(seconds):
        """Lighter work of the shop's own, for the status view."""
        n, deadline = 0, time.perf_counter() + seconds
        while time.perf_counter() < deadline:
            n += len([i for i in range(300) if i % 7 == 0])
        return n


    def status(request):
        return JsonResponse({"ok": True, "open": count_open_orders(0.02)})


    urlpatterns = [path("orders/<int:order_id>/invoice/", invoice), path("status/", status)]

    application = get_wsgi_application()
''')


class Capture(http.server.ThreadingHTTPServer):
    daemon_threads = True

    def __init__(self):
        super().__init__(("127.0.0.1", 0), CaptureHandler)
        self.documents: list[dict] = []
        self.lock = threading.Lock()


class CaptureHandler(http.server.BaseHTTPRequestHandler):
    """Answers the agent as the real server would (201 with an id), and keeps the document."""

    def do_POST(self):
        raw = self.rfile.read(int(self.headers["Content-Length"]))
        if self.headers.get("Content-Encoding") == "gzip":
            raw = gzip.decompress(raw)
        with self.server.lock:
            self.server.documents.append(json.loads(raw))
            n = len(self.server.documents)
        body = json.dumps({"id": str(n), "url": f"/profiles/{n}", "share_url": f"/p/{n}", "samples": 0}).encode()
        self.send_response(201)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, *args):
        pass


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def wait_listening(port: int, proc: subprocess.Popen, timeout: float = 60.0) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            raise RuntimeError(f"gunicorn exited with {proc.returncode}")
        try:
            with socket.create_connection(("127.0.0.1", port), timeout=1):
                return
        except OSError:
            time.sleep(0.2)
    raise RuntimeError("gunicorn did not listen")


def drive(base: str, seconds: float, clients: int = 6) -> int:
    """Clients in a loop: mostly invoices (the CPU-bound view), some status checks."""
    served = []
    deadline = time.monotonic() + seconds

    def client(k: int):
        i = 0
        while time.monotonic() < deadline:
            i += 1
            url = f"{base}/status/" if i % 4 == 0 else f"{base}/orders/{k * 1000 + i}/invoice/"
            with urllib.request.urlopen(url, timeout=30) as r:
                r.read()
            served.append(1)

    threads = [threading.Thread(target=client, args=(k,)) for k in range(clients)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    return len(served)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--seconds", type=float, default=30.0, help="traffic time (default 30)")
    parser.add_argument("--out", type=Path, default=OUT, help="where the documents go")
    parser.add_argument("--venv", type=Path, help="an existing venv with the agent, django and gunicorn")
    args = parser.parse_args()

    with tempfile.TemporaryDirectory(prefix="treering-django-") as tmp:
        tmp = Path(tmp)
        venv = args.venv
        if venv is None:
            venv = tmp / "venv"
            subprocess.run([sys.executable, "-m", "venv", str(venv)], check=True)
            subprocess.run(
                [str(venv / "bin" / "pip"), "install", "-q", str(REPO / "Agents" / "python"), "django", "gunicorn"],
                check=True,
            )
        site = tmp / "shop"
        site.mkdir()
        (site / "shop_site.py").write_text(SITE)

        capture = Capture()
        threading.Thread(target=capture.serve_forever, daemon=True).start()
        port = free_port()
        command = [
            str(venv / "bin" / "python"), "-m", "treering", "run",
            "--server", f"http://127.0.0.1:{capture.server_address[1]}",
            "--app", "django-shop", "--upload-every-s", "5",
            "-m", "gunicorn", "--bind", f"127.0.0.1:{port}",
            "--worker-class", "gthread", "--workers", "2", "--threads", "4",
            "--log-level", "warning", "shop_site:application",
        ]  # fmt: skip
        env = dict(os.environ, TREERING_SESSIONS="0")
        proc = subprocess.Popen(command, cwd=site, env=env)
        try:
            wait_listening(port, proc)
            served = drive(f"http://127.0.0.1:{port}", args.seconds)
        finally:
            proc.terminate()  # gunicorn stops its workers; each agent flushes at exit
            proc.wait(timeout=60)
        time.sleep(1)
        capture.shutdown()

    docs = [d for d in capture.documents if d.get("samples") or d.get("tags", {}).get("treering.idle_samples")]
    if args.out.exists():
        shutil.rmtree(args.out)
    args.out.mkdir(parents=True)
    for i, doc in enumerate(sorted(docs, key=lambda d: (d["start"], d["pid"]))):
        (args.out / f"{i:02d}-{doc['pid']}.json").write_text(json.dumps(doc, indent=None, separators=(",", ":")) + "\n")
    samples = sum(s["count"] for d in docs for s in d["samples"])
    idle = sum(int(d.get("tags", {}).get("treering.idle_samples", 0)) for d in docs)
    print(
        f"{served} requests served; {len(docs)} documents from {len({d['pid'] for d in docs})} processes; "
        f"{samples} samples sent, {idle} idle left out; written to {args.out}"
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
