"""A small program with a known shape, profiled by the real tools in
test_imports.py: main -> outer -> hot_loop takes nearly all the time,
outer -> cold a little."""

import sys
import time


def hot_loop(n):
    s = 0
    for i in range(n):
        s += i * i
    return s


def cold():
    return sum(range(1000))


def outer():
    hot_loop(200000)
    cold()


def main(seconds):
    end = time.time() + seconds
    while time.time() < end:
        outer()


if __name__ == "__main__":
    main(float(sys.argv[1]) if len(sys.argv) > 1 else 1.5)
