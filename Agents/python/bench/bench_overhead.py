"""What the agent costs a realistic web workload, in CPU time.

A small Django app (URL routing, a view that queries SQLite through the ORM,
renders a template and serialises JSON) served by 4 threads through Django's
WSGI handler (the test client); with the main thread, 5 threads whose stacks
are about 50 frames deep. Each round runs the same request mix once per
mode, interleaved (so the machine's drift hits every mode alike): no
profiler, the agent at 100 Hz, py-spy at 100 Hz (out of process, attached
to this one) and pyinstrument (its default 1 ms, in process).

Wall-clock ratios on a shared 2-core machine move by +-10% from run to run,
so it measures CPU: this process's CPU time (`time.process_time()`), the
sampler thread's own CPU time (its CPU clock, read from outside, so any
version of the agent can be measured) and py-spy's (its rusage). The
overhead is the mean over rounds of (mode's CPU / the same round's baseline
CPU - 1) with a 95% confidence interval (Student's t).

    python Agents/python/bench/bench_overhead.py [--rounds 10] [--requests 150] [--agent DIR] [--baseline DIR]

`--agent DIR` imports the agent from DIR (a checkout's Agents/python);
default: the installed package. `--baseline DIR` also runs the agent found in
DIR (e.g. an older commit's Agents/python, from `git archive`) as one more
mode of every round, so a change is measured against its baseline in the
same run, on the same machine state.
"""

from __future__ import annotations

import argparse
import math
import os
import shutil
import signal
import statistics
import subprocess
import sys
import tempfile
import threading
import time

AGENT_DIR = None
if "--agent" in sys.argv:
    AGENT_DIR = os.path.abspath(sys.argv[sys.argv.index("--agent") + 1])
    sys.path.insert(0, AGENT_DIR)

BASELINE = None
if "--baseline" in sys.argv:
    # The other agent's package under another name, so both load in this process.
    _copy = tempfile.mkdtemp(prefix="treering-baseline-")
    shutil.copytree(
        os.path.join(os.path.abspath(sys.argv[sys.argv.index("--baseline") + 1]), "treering"),
        os.path.join(_copy, "treering_baseline"),
        ignore=shutil.ignore_patterns("__pycache__"),
    )
    sys.path.insert(0, _copy)
    import treering_baseline as BASELINE

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

from django.contrib.auth.models import User
from django.core.management import call_command
from django.http import JsonResponse
from django.template import engines
from django.test import Client
from django.urls import path

import treering

TEMPLATE = engines["django"].from_string(
    "<ul>{% for u in users %}<li>{{ u.username|upper }} {{ u.email }}</li>{% endfor %}</ul>"
)

# Student's t, two-sided 95%, by degrees of freedom.
T95 = {1: 12.71, 2: 4.30, 3: 3.18, 4: 2.78, 5: 2.57, 6: 2.45, 7: 2.36, 8: 2.31, 9: 2.26, 10: 2.23, 11: 2.20,
       12: 2.18, 13: 2.16, 14: 2.14, 15: 2.13, 19: 2.09, 24: 2.06, 29: 2.05}  # fmt: skip


def t95(df: int) -> float:
    return T95.get(df) or T95[max(k for k in T95 if k <= df)] if df >= 1 else float("nan")


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


def workload(requests_per_thread: int, per_thread_profiler=None) -> None:
    """4 threads each sending requests."""

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
    for t in threads:
        t.start()
    for t in threads:
        t.join()


class PyinstrumentThread:
    def __init__(self):
        from pyinstrument import Profiler

        self.p = Profiler(interval=0.001, async_mode="disabled")

    def start(self):
        self.p.start()

    def stop(self):
        self.p.stop()


def thread_cpu(thread: threading.Thread) -> float:
    """The CPU seconds a live thread of this process has used (its CPU clock)."""
    return time.clock_gettime(time.pthread_getcpuclockid(thread.ident))


class Measure:
    """Wall and process CPU time around a block, plus what the profiler reports."""

    def __enter__(self):
        self.wall0, self.cpu0 = time.perf_counter(), time.process_time()
        self.profiler_cpu = self.ticks = self.sampling_cpu = self.depth = None
        return self

    def __exit__(self, *exc):
        self.wall = time.perf_counter() - self.wall0
        self.cpu = time.process_time() - self.cpu0


def run_treering(requests: int, agent=treering) -> Measure:
    with agent.profile(app="bench", interval_ms=10) as p:
        sampler = next(t for t in threading.enumerate() if t.name == "treering-sampler")
        s0 = thread_cpu(sampler)
        with Measure() as m:
            workload(requests)
        m.profiler_cpu = thread_cpu(sampler) - s0
    tags = p.document["tags"]
    m.ticks = int(tags["treering.samples"])
    if "treering.sampler_cpu_ms" in tags:  # the agent's own count: CPU inside sample_once only
        m.sampling_cpu = float(tags["treering.sampler_cpu_ms"]) / 1000
    samples = p.document["samples"]
    m.depth = sum(len(s["stack"]) * s["count"] for s in samples) / max(1, sum(s["count"] for s in samples))
    return m


def run_baseline_agent(requests: int) -> Measure:
    return run_treering(requests, BASELINE)


def process_cpu(pid: int) -> float:
    """CPU seconds of another process so far (/proc, in clock ticks)."""
    with open(f"/proc/{pid}/stat") as f:
        fields = f.read().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def run_pyspy(requests: int) -> Measure:
    exe = shutil.which("py-spy")
    with tempfile.TemporaryFile() as log:
        command = [exe, "record", "--rate", "100", "--pid", str(os.getpid()), "--format", "raw", "--output", os.devnull]
        proc = subprocess.Popen(command, stdout=subprocess.DEVNULL, stderr=log)
        # Wait until it is sampling (it says so on stderr) so the block is measured under it.
        deadline = time.monotonic() + 10
        while time.monotonic() < deadline and proc.poll() is None:
            log.seek(0)
            if b"Sampling" in log.read():
                break
            time.sleep(0.05)
        spy0 = process_cpu(proc.pid)
        with Measure() as m:
            workload(requests)
        m.profiler_cpu = process_cpu(proc.pid) - spy0  # its start-up left out
        proc.send_signal(signal.SIGINT)
        proc.wait(timeout=30)
    m.ticks = round(m.wall * 100)
    return m


def run_pyinstrument(requests: int) -> Measure:
    with Measure() as m:
        workload(requests, PyinstrumentThread)
    return m


def run_baseline(requests: int) -> Measure:
    with Measure() as m:
        workload(requests)
    return m


MODES = {
    "no profiler": run_baseline,
    "treering 100 Hz": run_treering,
    "py-spy 100 Hz (out of process)": run_pyspy,
    "pyinstrument 1 ms": run_pyinstrument,
}


def mean_ci(values: list[float]) -> tuple[float, float]:
    mean = statistics.fmean(values)
    if len(values) < 2:
        return mean, float("nan")
    return mean, t95(len(values) - 1) * statistics.stdev(values) / math.sqrt(len(values))


def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--rounds", type=int, default=10)
    ap.add_argument("--requests", type=int, default=150, help="requests per thread per run")
    ap.add_argument("--agent", help="import the agent from this folder")
    ap.add_argument("--baseline", help="also run the agent in this folder, as a mode of each round")
    ap.add_argument("--only-treering", action="store_true", help="no py-spy or pyinstrument (faster)")
    args = ap.parse_args()
    modes = dict(MODES)
    if BASELINE is not None:
        modes = {
            "no profiler": run_baseline,
            f"treering 100 Hz, baseline ({args.baseline})": run_baseline_agent,
            **MODES,
        }
    if args.only_treering:
        modes = {k: v for k, v in modes.items() if k == "no profiler" or k.startswith("treering")}
    if shutil.which("py-spy") is None:
        modes.pop("py-spy 100 Hz (out of process)", None)
    setup_db()
    workload(20)  # warm up
    results: dict[str, list[Measure]] = {m: [] for m in modes}
    for r in range(args.rounds):
        for mode, run in modes.items():
            results[mode].append(run(args.requests))
        print(f"round {r + 1}/{args.rounds} done", file=sys.stderr)

    base = results["no profiler"]
    print(
        f"\nagent {treering.__file__}\n{4 * args.requests} requests per run over 4 threads, {args.rounds} "
        f"interleaved rounds; median baseline: {statistics.median(m.wall for m in base) * 1000:.0f} ms wall, "
        f"{statistics.median(m.cpu for m in base) * 1000:.0f} ms CPU\n"
    )
    print(
        "| mode | wall, median | process CPU, median | process CPU overhead, mean [95% CI] "
        "| profiler's own CPU per sample, mean [95% CI] | of which inside `sample_once` (treering.sampler_cpu_ms) "
        "| outside it (the loop, the sleep, taking the GIL back) | profiler's own CPU, % of one core "
        "| samples/s | stack depth |"
    )
    print("| --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: |")

    def with_ci(values: list[float], unit: str) -> str:
        mean, half = mean_ci(values)
        return f"{mean:.1f} {unit} [{mean - half:.1f}, {mean + half:.1f}]"

    for mode, ms in results.items():
        overhead = [m.cpu / b.cpu - 1 for m, b in zip(ms, base)]
        mean, half = mean_ci(overhead)
        per_sample = core = inner = outer = rate = depth = ""
        if ms[0].profiler_cpu is not None:
            per = [m.profiler_cpu / max(1, m.ticks) * 1e6 for m in ms]
            share = [m.profiler_cpu / m.wall * 100 for m in ms]
            per_sample = with_ci(per, "µs")
            core = f"{statistics.median(share):.2f}%"
            rate = f"{statistics.median(m.ticks / m.wall for m in ms):.0f}"
        if ms[0].sampling_cpu is not None:
            inside = [m.sampling_cpu / max(1, m.ticks) * 1e6 for m in ms]
            inner = with_ci(inside, "µs")
            outer = with_ci([p - i for p, i in zip(per, inside)], "µs")
            depth = f"{statistics.median(m.depth for m in ms):.0f}"
        low, high = (mean - half) * 100, (mean + half) * 100
        ci = "" if mode == "no profiler" else f"{mean * 100:+.1f}% [{low:+.1f}, {high:+.1f}]"
        print(
            f"| {mode} | {statistics.median(m.wall for m in ms) * 1000:.0f} ms "
            f"| {statistics.median(m.cpu for m in ms) * 1000:.0f} ms | {ci} | {per_sample} | {inner} | {outer} "
            f"| {core} | {rate} | {depth} |"
        )
    print(
        "\nThe agent's sampler runs in this process, so its own CPU is part of the process CPU; py-spy's is not "
        "(it is its own process; its start-up is left out), but its pauses of this process are."
    )


if __name__ == "__main__":
    main()
