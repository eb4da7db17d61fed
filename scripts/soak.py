#!/usr/bin/env python3
"""Soak benchmark (issue 15, item 3): N realistic uploads to the real server
binary while its resident memory is sampled from /proc/PID/status.

Prints RSS over time (uploads done, rate, VmRSS, VmHWM), then RSS after the
uploads stop and the server sits idle, and the growth per upload after
warm-up. A benchmark, not a test: it asserts nothing.

    TREERING_BIN=/tmp/treering-bin/treering python3 scripts/soak.py --uploads 20000

An upload is what one of ten agents sends every 10 s (see `Agents`); their
starts run one a second up to now, in order, as ten agents send them.
"""

from __future__ import annotations

import argparse
import itertools
import json
import random
import sys
import tempfile
import threading
import time
import urllib.request
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO / "Tests"))

from support.treering_server import TreeringServer  # noqa: E402


def status_kb(pid: int, field: str) -> int:
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith(field + ":"):
            return int(line.split()[1])
    return 0


class Agents:
    """Uploads as ten agents of one web service send them (after treering-bench's
    day generator): every 10 s a slice of 1,000 samples at 100 Hz from four
    request threads, counted per (thread, transaction, stack), with the frame
    table of the frames that slice used. Stacks come from one population over a
    vocabulary of `frames` frames: per transaction a framework prefix, its view,
    then paths of library frames drawn Zipf-like; transactions and stacks are
    skewed, so there is a hot path. Upload `i` depends only on `i`."""

    def __init__(self, frames: int, transactions: int, stacks: int, threads: int = 4, seed: int = 42):
        rng = random.Random(seed)
        packages = [
            "django",
            "shop",
            "requests",
            "sqlalchemy",
            "json",
            "jinja2",
            "urllib3",
            "celery",
            "pydantic",
            "decimal",
            "logging",
            "ssl",
            "http",
            "email",
            "asyncio",
            "re",
        ]
        self.frames = [
            {
                "name": f"{packages[k % 16]}.mod{k % 97}.fn_{k}",
                "file": f"/srv/app/lib/python3.11/site-packages/{packages[k % 16]}/mod{k % 97}.py",
                "line": 1 + (k * 7) % 900,
            }
            for k in range(frames)
        ]
        self.routes = [f"{['GET', 'POST', 'PUT'][t % 3]} /api/resource_{t}/" for t in range(transactions)]
        self.threads = [f"ThreadPoolExecutor-0_{t}" for t in range(threads)]
        prefix = list(range(8))
        zipf = list(itertools.accumulate(1 / (k + 1) ** 1.1 for k in range(frames)))
        self.stacks: list[list[list[int]]] = []
        for t in range(transactions):
            # Paths grow from earlier ones (shared prefixes), one library frame at a time.
            paths = [prefix + [8 + t]]
            for _ in range(stacks - 1):
                parent = paths[rng.randrange(len(paths))]
                if len(parent) > 40:
                    parent = paths[0]
                paths.append(parent + rng.choices(range(frames), cum_weights=zipf, k=1))
            self.stacks.append(paths)
        self.route_cum = list(itertools.accumulate(1 / (t + 1) for t in range(transactions)))
        self.stack_cum = list(itertools.accumulate(1 / (k + 1) ** 0.8 for k in range(stacks)))

    def upload(self, i: int, start: float) -> dict:
        rng = random.Random(i)
        counts: dict[tuple[int, int, int], int] = {}
        routes = rng.choices(range(len(self.routes)), cum_weights=self.route_cum, k=1_000)
        stacks = rng.choices(range(len(self.stack_cum)), cum_weights=self.stack_cum, k=1_000)
        for t, k in zip(routes, stacks):
            key = (rng.randrange(len(self.threads)), t, k)
            counts[key] = counts.get(key, 0) + 1
        local: dict[int, int] = {}
        samples = []
        for (thread, t, k), count in counts.items():
            stack = [local.setdefault(f, len(local)) for f in self.stacks[t][k]]
            samples.append(
                {
                    "stack": stack,
                    "count": count,
                    "thread": self.threads[thread],
                    "tags": {"transaction": self.routes[t]},
                }
            )
        frames: list[dict] = [{}] * len(local)
        for f, j in local.items():
            frames[j] = self.frames[f]
        return {
            "format": "treering/1",
            "app": "soak",
            "host": f"web-{i % 10 + 1}",
            "pid": 1000 + i % 10,
            "runtime": "CPython 3.11.7",
            "agent": "treering-python 0.1.0",
            "start": start,
            "end": start + 10,
            "interval_ms": 10,
            "frames": frames,
            "samples": samples,
        }


def main() -> None:
    ap = argparse.ArgumentParser(description=(__doc__ or "").split("\n\n")[0])
    ap.add_argument("--uploads", type=int, default=10_000)
    ap.add_argument("--clients", type=int, default=4, help="concurrent uploaders")
    ap.add_argument("--frames", type=int, default=20_000, help="the service's frame vocabulary")
    ap.add_argument("--transactions", type=int, default=20)
    ap.add_argument("--stacks", type=int, default=500, help="distinct stacks per transaction")
    ap.add_argument("--every", type=float, default=2.0, help="seconds between RSS samples")
    ap.add_argument("--idle", type=float, default=20.0, help="seconds to watch RSS after the last upload")
    ap.add_argument("--warmup", type=float, default=0.2, help="share of uploads counted as warm-up")
    ap.add_argument("--db", type=Path, help="SQLite file (default: a temporary one)")
    ap.add_argument("--server-arg", action="append", default=[], help="extra `treering serve` argument (repeat)")
    args = ap.parse_args()

    tmp = tempfile.TemporaryDirectory(prefix="treering-soak-")
    db = args.db or Path(tmp.name) / "soak.sqlite"
    agents = Agents(args.frames, args.transactions, args.stacks)
    now = time.time()
    span = args.uploads  # ten agents, one upload every 10 s each: one a second, ending now

    server = TreeringServer(db, extra_args=list(args.server_arg))
    server.start()
    proc = server.proc
    assert proc is not None
    pid = proc.pid
    done = 0
    errors = 0
    lock = threading.Lock()

    def upload(i: int) -> None:
        nonlocal done, errors
        doc = agents.upload(i, now - span + i - 10)
        req = urllib.request.Request(
            server.url + "/api/v1/ingest",
            data=json.dumps(doc).encode(),
            method="POST",
            headers={"Content-Type": "application/json"},
        )
        try:
            with urllib.request.urlopen(req, timeout=60) as r:
                ok = r.status == 201
        except OSError:
            ok = False
        with lock:
            done += 1
            errors += not ok

    samples: list[tuple[float, int, int]] = []
    t0 = time.monotonic()
    print(f"{'seconds':>8} {'uploads':>8} {'per s':>7} {'RSS MB':>8} {'peak MB':>8}")

    def sample(label: str = "") -> None:
        if proc.poll() is not None:
            raise SystemExit(f"the server exited with {proc.returncode}; see {server.log_path}")
        rss, hwm = status_kb(pid, "VmRSS"), status_kb(pid, "VmHWM")
        t = time.monotonic() - t0
        samples.append((t, done, rss))
        rate = done / t if t > 0 else 0
        print(f"{t:8.1f} {done:8d} {rate:7.0f} {rss / 1024:8.1f} {hwm / 1024:8.1f} {label}", flush=True)

    sample("start")
    with ThreadPoolExecutor(max_workers=args.clients) as executor:
        futures = [executor.submit(upload, i) for i in range(args.uploads)]
        while not all(f.done() for f in futures):
            time.sleep(args.every)
            sample()
    sample("last upload answered")
    end_busy = time.monotonic()
    while time.monotonic() - end_busy < args.idle:
        time.sleep(args.every)
        sample("idle")
    server.stop()

    warm = [s for s in samples if s[1] >= args.uploads * args.warmup]
    if warm and warm[-1][1] > warm[0][1]:
        first, last = warm[0], samples[-1]
        per_upload = (last[2] - first[2]) / (last[1] - first[1])
        print(
            f"\n{args.uploads} uploads ({errors} not 201), {args.frames} frames, {args.transactions} transactions, "
            f"{args.clients} clients"
        )
        print(
            f"RSS after warm-up ({first[1]} uploads): {first[2] / 1024:.1f} MB; "
            f"at the end, idle: {last[2] / 1024:.1f} MB"
        )
        print(f"growth after warm-up: {per_upload:.2f} KB per upload")
    print(f"database: {db} ({db.stat().st_size / 1e6:.1f} MB)" if db.exists() else "")


if __name__ == "__main__":
    main()
