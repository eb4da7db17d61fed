"""Where a sample's CPU goes: `sample_once` right after the sampler's sleep
(as it always runs) against the same call repeated at once, under the
Django workload of bench_overhead.py, and the CPU of a thread that only
sleeps one interval (the floor of any sampler thread).

    python Agents/python/bench/bench_sample_cold.py [--rounds 4] [--requests 200] [--agent DIR]

The first call pays for cache misses on memory the app's threads own and
wrote since the last sample (their frames, code objects, thread states); the
repeated call finds it in cache (and most threads idle by their clocks,
since none could run in between, so it is a floor, not a like-for-like).
"""

from __future__ import annotations

import argparse
import statistics
import sys
import threading
import time

import bench_overhead as bench  # configures Django; honours --agent

from treering.sampler import Sampler


def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--rounds", type=int, default=4)
    ap.add_argument("--requests", type=int, default=200, help="requests per thread per round")
    ap.add_argument("--agent", help="import the agent from this folder")
    args = ap.parse_args()
    bench.setup_db()
    bench.workload(20)
    clock = time.thread_time_ns
    first: list[int] = []
    again: list[int] = []
    sleep_only: list[int] = []

    def sampler(stop: list[int]) -> None:
        sampler = Sampler(10)
        sampler.ignored_idents.add(threading.get_ident())
        sampler.sample_once()  # primes the thread clocks
        tick = 0
        while not stop:
            tick += 1
            t0 = clock()
            time.sleep(0.01)
            t1 = clock()
            sampler.sample_once()
            t2 = clock()
            sampler.sample_once()
            t3 = clock()
            if tick % 2:
                sleep_only.append(t1 - t0)
            first.append(t2 - t1)
            again.append(t3 - t2)

    for r in range(args.rounds):
        stop: list[int] = []
        thread = threading.Thread(target=sampler, args=(stop,))
        thread.start()
        bench.workload(args.requests)
        stop.append(1)
        thread.join()
        print(f"round {r + 1}/{args.rounds} done", file=sys.stderr)

    print(f"\nagent {bench.treering.__file__}, {len(first)} ticks; medians of the sampler thread's CPU:")
    print(f"- sleeping one 10 ms interval: {statistics.median(sleep_only) / 1000:.1f} µs")
    print(f"- sample_once after the sleep: {statistics.median(first) / 1000:.1f} µs")
    print(f"- sample_once again at once:   {statistics.median(again) / 1000:.1f} µs")


if __name__ == "__main__":
    main()
