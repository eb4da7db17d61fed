"""Idle is decided by each thread's CPU clock, not by a list of functions:
threads blocked in C calls no list names are left out under the cpu clock,
kept and tagged state=idle under the wall clock, and counted in every
upload; the list stays as the fallback; the interval sent is the one achieved."""

import os
import queue
import sys
import threading
import time

import pytest
from format_check import check

import treering
from treering import thread_clocks
from treering.sampler import Sampler

LINUX = sys.platform.startswith("linux")


def hot_function(deadline):
    x = 0
    while time.monotonic() < deadline:
        x += sum(i * i for i in range(200))
    return x


def wait_in_simple_queue(q):
    return q.get()  # SimpleQueue.get blocks in C: this frame is the leaf, on no list


def wait_in_lock(lock):
    lock.acquire()  # a C lock: the same
    lock.release()


def wait_in_pipe(fd):
    return os.read(fd, 1)  # a read that blocks in C


def names_of(doc, sample):
    return {doc["frames"][i]["name"] for i in sample["stack"]}


class Waiters:
    """Three threads that only wait, each in a C call, and a way to end them."""

    def __init__(self):
        self.q = queue.SimpleQueue()
        self.lock = threading.Lock()
        self.lock.acquire()
        self.pipe = os.pipe()
        self.threads = [
            threading.Thread(target=wait_in_simple_queue, args=(self.q,), name="waits-queue"),
            threading.Thread(target=wait_in_lock, args=(self.lock,), name="waits-lock"),
            threading.Thread(target=wait_in_pipe, args=(self.pipe[0],), name="waits-pipe"),
        ]

    def __enter__(self):
        for t in self.threads:
            t.start()
        time.sleep(0.3)  # into their waits before the profile's first look at them
        return self

    def __exit__(self, *exc):
        self.q.put(None)
        self.lock.release()
        os.write(self.pipe[1], b"x")
        for t in self.threads:
            t.join(5)
        for fd in self.pipe:
            os.close(fd)


def busy_while(seconds):
    worker = threading.Thread(target=hot_function, args=(time.monotonic() + seconds,), name="busy")
    worker.start()
    worker.join()


@pytest.mark.skipif(not LINUX, reason="per-thread CPU clocks are read on Linux")
def test_per_thread_cpu_clocks_are_available_on_linux():
    assert thread_clocks.AVAILABLE


@pytest.mark.skipif(not LINUX, reason="per-thread CPU clocks are read on Linux")
def test_the_cpu_clock_leaves_out_threads_waiting_in_c_and_counts_them():
    with Waiters(), treering.profile(app="idle", interval_ms=5) as p:
        busy_while(0.5)
    doc = p.document
    assert check(doc) == []
    threads = {s["thread"] for s in doc["samples"]}
    assert "busy" in threads
    assert not threads & {"waits-queue", "waits-lock", "waits-pipe"}, threads
    # Each waiter was seen on every tick and left out (the main thread waits too).
    assert int(doc["tags"]["treering.idle_samples"]) >= 3 * 0.8 * int(doc["tags"]["treering.samples"])
    assert doc["tags"]["treering.clock"] == "cpu"


@pytest.mark.skipif(not LINUX, reason="per-thread CPU clocks are read on Linux")
def test_the_wall_clock_keeps_idle_threads_tagged_idle():
    with Waiters(), treering.profile(app="idle", interval_ms=5, clock="wall") as p:
        busy_while(0.5)
    doc = p.document
    assert check(doc) == []
    by_thread = {}
    for s in doc["samples"]:
        state = (s.get("tags") or {}).get("state", "running")
        by_thread.setdefault(s["thread"], {}).setdefault(state, 0)
        by_thread[s["thread"]][state] += s["count"]
    for name in ("waits-queue", "waits-lock", "waits-pipe"):
        assert set(by_thread[name]) == {"idle"}, (name, by_thread[name])
    # The busy thread ran between most samples (not all: on a loaded machine
    # the OS may not have run it between two of them).
    busy = by_thread["busy"]
    assert busy.get("running", 0) > 0.5 * sum(busy.values()), busy
    assert int(doc["tags"]["treering.idle_samples"]) >= 3 * 0.8 * int(doc["tags"]["treering.samples"])


def test_without_thread_clocks_the_leaf_list_finds_a_pool_waiting_for_work():
    # The fallback (macOS, Windows, threads `threading` does not know): a
    # concurrent.futures worker waits in SimpleQueue.get under `_worker`.
    from concurrent.futures import ThreadPoolExecutor

    with ThreadPoolExecutor(max_workers=2, thread_name_prefix="pool") as pool:
        pool.submit(time.sleep, 0).result()
        sampler = Sampler(5, thread_clocks=False)
        sampler.start()
        try:
            busy_while(0.3)
        finally:
            sampler.stop()
        window = sampler.swap()
    threads = {thread for thread, _, _ in window.counter.counts}
    assert "busy" in threads
    assert not any(t.startswith("pool") for t in threads), threads
    assert window.idle >= window.taken * 0.8  # the pool's threads, each tick


def test_the_interval_sent_is_the_one_achieved():
    # A busy thread that holds the GIL for 50 ms at a time lets the sampler
    # in far less often than every 5 ms: the document must say so.
    previous = sys.getswitchinterval()
    sys.setswitchinterval(0.05)
    try:
        with treering.profile(app="starved", interval_ms=5) as p:
            busy_while(0.6)
    finally:
        sys.setswitchinterval(previous)
    doc = p.document
    taken = int(doc["tags"]["treering.samples"])
    assert doc["interval_ms"] == pytest.approx((doc["end"] - doc["start"]) * 1000 / taken, rel=0.01)
    assert doc["interval_ms"] > 10  # asked 5 ms


def test_each_upload_carries_the_samplers_own_cpu_time():
    with treering.profile(app="cost", interval_ms=5) as p:
        busy_while(0.3)
    tags = p.document["tags"]
    assert float(tags["treering.sampler_cpu_ms"]) > 0
    # CPU time is never more than the wall time it was spent in.
    assert float(tags["treering.sampler_cpu_ms"]) <= float(tags["treering.overhead_ms"]) * 1.05 + 1
