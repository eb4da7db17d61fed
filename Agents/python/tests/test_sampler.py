"""The sampler sees what a busy program does, and only that."""

import threading
import time

from format_check import check
from webservers import wait_for

import treering


def hot_function(deadline):
    x = 0
    while time.monotonic() < deadline:
        x += sum(i * i for i in range(200))
    return x


def caller_of_hot(deadline):
    return hot_function(deadline)


def names_of(doc, sample):
    return [doc["frames"][i]["name"] for i in sample["stack"]]


def test_busy_thread_shows_up_with_its_stack_and_name():
    with treering.profile(app="unit", interval_ms=5) as p:
        worker = threading.Thread(target=caller_of_hot, args=(time.monotonic() + 0.6,), name="busy-worker")
        worker.start()
        worker.join()
    doc = p.document
    assert check(doc) == []
    busy = [s for s in doc["samples"] if s["thread"] == "busy-worker"]
    # 0.6 s at 5 ms is 120 ticks; a loaded CI machine can starve the sampler of
    # the GIL tenfold, so the floor is a twentieth: samples were taken, not a rate.
    assert sum(s["count"] for s in busy) >= 6
    hot = [s for s in busy if "hot_function" in names_of(doc, s)]
    assert sum(s["count"] for s in hot) >= 0.8 * sum(s["count"] for s in busy)
    stack = names_of(doc, hot[0])
    assert stack.index("caller_of_hot") < stack.index("hot_function")
    assert stack[0] in ("_bootstrap", "Thread._bootstrap")
    # The profiler's own threads are never sampled.
    assert not any(s["thread"].startswith("treering-") for s in doc["samples"])
    own = {"Sampler._run", "Sampler.sample_once", "Agent._run", "Uploader.flush"}
    assert not any(own & set(names_of(doc, s)) for s in doc["samples"])
    assert int(doc["tags"]["treering.samples"]) >= 6
    assert float(doc["tags"]["treering.overhead_ms"]) > 0


def test_tags_label_the_samples_of_their_thread():
    def tagged_work():
        with treering.tagged(transaction="GET /orders/"):
            hot_function(time.monotonic() + 0.4)
        hot_function(time.monotonic() + 0.2)

    with treering.profile(app="unit", interval_ms=5) as p:
        t = threading.Thread(target=tagged_work, name="tagged")
        t.start()
        t.join()
    samples = [s for s in p.document["samples"] if s["thread"] == "tagged"]
    with_tag = sum(s["count"] for s in samples if s.get("tags") == {"transaction": "GET /orders/"})
    without = sum(s["count"] for s in samples if "tags" not in s)
    assert with_tag > without > 0


def test_a_request_that_ends_after_its_stack_was_taken_keeps_its_sample():
    # The sampler takes every stack at once, then counts them; a request, and
    # its thread, can end in between (the GIL passes to them, or the sampler
    # waits for its lock). The stack was taken inside the request, on that
    # thread, so the sample is the request's and carries the thread's name.
    import inspect
    import sys

    from treering import tagging
    from treering.sampler import Sampler

    sampler = Sampler(interval_ms=5, clock="wall")
    sampler.sample_once()  # the first tick only reads the threads' clocks
    in_request, leave = threading.Event(), threading.Event()

    def request():
        with treering.tagged(transaction="GET /late"):
            in_request.set()
            leave.wait()

    lines, first = inspect.getsourcelines(Sampler.sample_once)
    waits_for_lock = first + next(i for i, line in enumerate(lines) if "self.lock.acquire" in line)
    worker = threading.Thread(target=request, name="late-request")
    taker = threading.Thread(target=sampler.sample_once, name="taker")
    worker.start()
    assert in_request.wait(5)
    with sampler.lock:  # the stacks are taken, then the count waits here
        taker.start()
        assert wait_for(lambda: sys._current_frames()[taker.ident].f_lineno == waits_for_lock)
        leave.set()
        worker.join(5)
        assert not worker.is_alive() and tagging.thread_entry(worker.ident) is None  # request and thread over
    taker.join(5)
    samples = [tags for (thread, tags, _) in sampler.counter.stacks() if thread == "late-request"]
    assert [dict(tags).get("transaction") for tags in samples] == ["GET /late"]


def test_idle_threads_are_left_out_by_default_and_kept_on_request():
    stop = threading.Event()
    waiter = threading.Thread(target=stop.wait, name="waiter")
    waiter.start()
    try:
        with treering.profile(app="unit", interval_ms=5) as quiet:
            hot_function(time.monotonic() + 0.3)
        with treering.profile(app="unit", interval_ms=5, include_idle=True) as everything:
            hot_function(time.monotonic() + 0.3)
    finally:
        stop.set()
        waiter.join()
    assert not any(s["thread"] == "waiter" for s in quiet.document["samples"])
    assert any(s["thread"] == "waiter" for s in everything.document["samples"])


def test_line_granularity_names_executing_lines():
    with treering.profile(app="unit", interval_ms=5, granularity="line") as p:
        hot_function(time.monotonic() + 0.3)
    lines = {f["line"] for f in p.document["frames"] if f["name"] == "hot_function"}
    first_line = hot_function.__code__.co_firstlineno
    assert lines and all(line > first_line for line in lines)


def test_signal_mode_samples_the_main_thread():
    with treering.profile(app="unit", interval_ms=5, mode="signal") as p:
        caller_of_hot(time.monotonic() + 0.5)
    main = [s for s in p.document["samples"] if s["thread"] == "MainThread"]
    assert any("hot_function" in names_of(p.document, s) for s in main)


def test_a_profiled_block_leaves_no_thread_of_its_own_behind():
    before = {t.name for t in threading.enumerate()}
    # A server that is not there: the block still ends, and so do its threads.
    with treering.profile(app="unit", interval_ms=5, server="http://127.0.0.1:9") as p:
        hot_function(time.monotonic() + 0.2)
    assert p.document is not None and p.document["samples"]
    deadline = time.monotonic() + 3
    while time.monotonic() < deadline:
        left = {t.name for t in threading.enumerate() if t.name.startswith("treering")} - before
        if not left:
            break
        time.sleep(0.05)
    assert not left, f"threads still running after the block: {sorted(left)}"


def spin_first(seconds):
    hot_function(time.monotonic() + seconds)


def spin_second(seconds):
    hot_function(time.monotonic() + seconds)


def threads_of(doc, function):
    return {s["thread"] for s in doc["samples"] if function in names_of(doc, s)}


def test_a_thread_that_follows_another_carries_its_own_name():
    # The second thread starts as the first ends, usually with the same
    # ident and the same thread count: its samples must not keep the old name.
    with treering.profile(app="unit", interval_ms=5) as p:
        for name, target in (("first-worker", spin_first), ("second-worker", spin_second)):
            t = threading.Thread(target=target, args=(0.3,), name=name)
            t.start()
            t.join()
    assert threads_of(p.document, "spin_first") == {"first-worker"}
    assert threads_of(p.document, "spin_second") == {"second-worker"}


def test_pythons_numbered_thread_names_become_one_name():
    # A thread per request (socketserver.ThreadingMixIn) is named
    # Thread-<n> (<target>): one name for all of them, not one per request.
    with treering.profile(app="unit", interval_ms=5) as p:
        for _ in range(8):
            workers = [threading.Thread(target=spin_first, args=(0.05,)) for _ in range(2)]
            for t in workers:
                t.start()
            for t in workers:
                t.join()
        named = threading.Thread(target=spin_second, args=(0.2,), name="Thread-pool-7")
        named.start()
        named.join()
    assert threads_of(p.document, "spin_first") == {"Thread-* (spin_first)"}
    assert threads_of(p.document, "spin_second") == {"Thread-pool-7"}  # a name the app chose stays
