"""Overhead of the agent on a realistic web workload.

A small Django app (URL routing, a view that queries SQLite through the ORM,
renders a template and serialises JSON) served by 4 threads through Django's
WSGI handler (the test client). The same request mix runs unprofiled and
profiled, interleaved, RUNS times each; prints the median wall-clock ratio
against the unprofiled runs and its spread, for the agent at 100 Hz and
1000 Hz, with cProfile and pyinstrument measured in the same run.

    python Agents/python/bench/bench_overhead.py [--runs 5] [--requests 300]
"""

from __future__ import annotations

import argparse
import cProfile
import os
import statistics
import sys
import threading
import time

sys.path.insert(0, os.path.join(os.path.dirname(__file__), ".."))

import django
from django.conf import settings

settings.configure(
    DEBUG=False,
    SECRET_KEY="bench",
    ALLOWED_HOSTS=["*"],
    ROOT_URLCONF=__name__,
    DATABASES={
        "default": {
            "ENGINE": "django.db.backends.sqlite3",
            "NAME": "file:benchdb?mode=memory&cache=shared",
            "OPTIONS": {"uri": True},
        }
    },
    INSTALLED_APPS=["django.contrib.contenttypes", "django.contrib.auth"],
    TEMPLATES=[{"BACKEND": "django.template.backends.django.DjangoTemplates", "DIRS": [], "OPTIONS": {}}],
    MIDDLEWARE=[],
)
django.setup()

from django.contrib.auth.models import User  # noqa: E402
from django.core.management import call_command  # noqa: E402
from django.http import JsonResponse  # noqa: E402
from django.template import engines  # noqa: E402
from django.test import Client  # noqa: E402
from django.urls import path  # noqa: E402

import treering  # noqa: E402

TEMPLATE = engines["django"].from_string(
    "<ul>{% for u in users %}<li>{{ u.username|upper }} {{ u.email }}</li>{% endfor %}</ul>"
)


def user_list(request):
    users = list(User.objects.order_by("id")[:30])
    html = TEMPLATE.render({"users": users})
    score = sum(len(u.username) * i for i, u in enumerate(users))
    return JsonResponse({"html": html, "score": score, "n": len(users)})


urlpatterns = [path("users/", user_list)]


def setup_db():
    call_command("migrate", verbosity=0, run_syncdb=True)
    if not User.objects.exists():
        User.objects.bulk_create([User(username=f"user{i}", email=f"u{i}@example.com") for i in range(200)])


def workload(requests_per_thread: int, per_thread_profiler=None) -> float:
    """4 threads each sending requests; returns wall seconds."""

    def worker():
        client = Client()
        prof = per_thread_profiler() if per_thread_profiler else None
        if prof:
            prof.start()
        for _ in range(requests_per_thread):
            assert client.get("/users/").status_code == 200
        if prof:
            prof.stop()

    threads = [threading.Thread(target=worker) for _ in range(4)]
    t0 = time.perf_counter()
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    return time.perf_counter() - t0


class CProfileThread:
    def __init__(self):
        self.p = cProfile.Profile()

    def start(self):
        self.p.enable()

    def stop(self):
        self.p.disable()


class PyinstrumentThread:
    def __init__(self):
        from pyinstrument import Profiler

        self.p = Profiler(interval=0.001, async_mode="disabled")

    def start(self):
        self.p.start()

    def stop(self):
        self.p.stop()


def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--runs", type=int, default=5)
    ap.add_argument("--requests", type=int, default=250, help="requests per thread per run")
    args = ap.parse_args()
    setup_db()
    workload(20)  # warm up

    modes = ["baseline", "treering 100 Hz", "treering 1000 Hz", "cProfile", "pyinstrument 1 ms"]
    times = {m: [] for m in modes}
    per_sample_us = {}
    for run in range(args.runs):
        for mode in modes:  # interleaved, so drift of the machine hits every mode alike
            if mode.startswith("treering"):
                hz = 100 if "100 Hz" in mode else 1000
                with treering.profile(app="bench", interval_ms=1000 / hz) as p:
                    t = workload(args.requests)
                tags = p.document["tags"]
                per_sample_us.setdefault(mode, []).append(
                    1000 * float(tags["treering.overhead_ms"]) / max(1, int(tags["treering.samples"]))
                )
            elif mode == "cProfile":
                t = workload(args.requests, CProfileThread)
            elif mode == "pyinstrument 1 ms":
                t = workload(args.requests, PyinstrumentThread)
            else:
                t = workload(args.requests)
            times[mode].append(t)
        print(f"run {run + 1}/{args.runs} done", file=sys.stderr)

    base = statistics.median(times["baseline"])
    print(
        f"\n{4 * args.requests} requests per run over 4 threads, {args.runs} interleaved runs, "
        f"baseline median {base * 1000:.0f} ms\n"
    )
    print("| mode | median time | overhead (median ratio - 1) | spread of ratio (min..max) | agent cost per sample |")
    print("| --- | --- | --- | --- | --- |")
    for m in modes:
        ratios = [t / b for t, b in zip(times[m], times["baseline"])]
        cost = f"{statistics.median(per_sample_us[m]):.0f} µs" if m in per_sample_us else ""
        print(
            f"| {m} | {statistics.median(times[m]) * 1000:.0f} ms | {100 * (statistics.median(ratios) - 1):+.1f}% | "
            f"{min(ratios):.3f}..{max(ratios):.3f} | {cost} |"
        )


if __name__ == "__main__":
    main()
