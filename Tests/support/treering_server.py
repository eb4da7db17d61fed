"""Start the real treering server binary on a free loopback port, for Python tests.

Used by the browser, agent end-to-end and crash tests, so that all of them run
the same binary a user runs (`swift build` output), never an in-process stand-in.
"""

from __future__ import annotations

import json
import os
import signal
import socket
import subprocess
import tempfile
import time
import urllib.error
import urllib.request
from pathlib import Path

REPO = Path(__file__).resolve().parents[2]


def server_binary() -> Path:
    """The built server: $TREERING_BIN, else .build/debug/treering."""
    env = os.environ.get("TREERING_BIN")
    path = Path(env) if env else REPO / ".build" / "debug" / "treering"
    if not path.exists():
        raise RuntimeError(f"{path} does not exist: run `swift build` first")
    return path


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def is_database_url(db: Path | str) -> bool:
    """A PostgreSQL URL (`postgres://…`) rather than a SQLite file."""
    return isinstance(db, str) and db.startswith(("postgres://", "postgresql://"))


def temporary_log() -> Path:
    handle, name = tempfile.mkstemp(prefix="treering-", suffix=".log")
    os.close(handle)
    return Path(name)


class TreeringServer:
    """A running `treering serve` process with its own SQLite file, or on a PostgreSQL database by URL."""

    def __init__(
        self,
        db: Path | str,
        port: int | None = None,
        extra_args: list[str] | None = None,
        log_path: Path | None = None,
    ):
        self.db: Path | str = db if is_database_url(db) else Path(db)
        self.port = port or free_port()
        self.extra_args = extra_args or []
        if "--retention" not in self.extra_args:
            # Test documents carry fixed dates (2024); keep them unless a test sets retention.
            self.extra_args += ["--retention", "5200w"]
        self.log_path = log_path or (self.db.with_suffix(".log") if isinstance(self.db, Path) else temporary_log())
        self.proc: subprocess.Popen | None = None

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def start(self, timeout: float = 30.0) -> TreeringServer:
        command = [str(server_binary()), "serve", "--host", "127.0.0.1", "--port", str(self.port), "--db", str(self.db)]
        # The child keeps its own copy of the log's descriptor; ours closes here.
        with open(self.log_path, "ab") as log:
            self.proc = subprocess.Popen([*command, *self.extra_args], cwd=REPO, stdout=log, stderr=log)
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self.proc.poll() is not None:
                raise RuntimeError(f"server exited with {self.proc.returncode}; see {self.log_path}")
            try:
                with urllib.request.urlopen(self.url + "/healthz", timeout=1) as r:
                    if r.status == 200:
                        return self
            except OSError:
                time.sleep(0.05)
        raise RuntimeError(f"server did not answer /healthz within {timeout}s; see {self.log_path}")

    def kill9(self) -> None:
        if self.proc and self.proc.poll() is None:
            self.proc.send_signal(signal.SIGKILL)
            self.proc.wait()

    def stop(self) -> None:
        if self.proc and self.proc.poll() is None:
            self.proc.send_signal(signal.SIGTERM)
            try:
                self.proc.wait(timeout=10)
            except subprocess.TimeoutExpired:
                self.kill9()

    def __enter__(self) -> TreeringServer:
        return self.start()

    def __exit__(self, *exc) -> None:
        self.stop()

    # Small HTTP helpers so tests read like what a user does.
    def get_json(self, path: str):
        with urllib.request.urlopen(self.url + path, timeout=10) as r:
            return json.loads(r.read())

    def get_text(self, path: str) -> str:
        with urllib.request.urlopen(self.url + path, timeout=10) as r:
            return r.read().decode()

    def post(self, path: str, body: bytes, headers: dict | None = None):
        """POST and return (status, parsed JSON body or text)."""
        req = urllib.request.Request(
            self.url + path, data=body, method="POST", headers={"Content-Type": "application/json", **(headers or {})}
        )
        try:
            with urllib.request.urlopen(req, timeout=30) as r:
                status, raw = r.status, r.read()
        except urllib.error.HTTPError as e:
            status, raw = e.code, e.read()
        try:
            return status, json.loads(raw)
        except ValueError:
            return status, raw.decode(errors="replace")

    def ingest(self, doc: dict):
        return self.post("/api/v1/ingest", json.dumps(doc).encode())
