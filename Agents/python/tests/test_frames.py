"""The samplers read other threads' stacks with the collector off on CPython
3.11 and older (python/cpython#106883: a collection inside
`sys._current_frames()` can deadlock the whole app), and leave the app's own
choice of collector alone."""

import gc
import sys
import threading

import pytest

from treering import frames

GUARDED = sys.implementation.name == "cpython" and sys.version_info < (3, 12)


@pytest.fixture
def seen(monkeypatch):
    """What `gc.isenabled()` was while the real `sys._current_frames` ran."""
    states = []
    real = sys._current_frames

    def spy():
        states.append(gc.isenabled())
        return real()

    monkeypatch.setattr(sys, "_current_frames", spy)
    yield states
    gc.enable()


def test_frames_are_read_with_the_collector_off_and_it_is_back_on_after(seen):
    gc.enable()
    result = frames.current_frames()
    assert threading.get_ident() in result
    assert seen == [not GUARDED]
    assert gc.isenabled()


def test_an_app_that_turned_the_collector_off_keeps_it_off(seen):
    gc.disable()
    frames.current_frames()
    assert seen == [False]
    assert not gc.isenabled()


def test_two_samplers_never_turn_it_back_on_under_each_other(seen):
    gc.enable()
    stop = threading.Event()

    def sample():
        while not stop.is_set():
            frames.current_frames()

    threads = [threading.Thread(target=sample) for _ in range(3)]
    for t in threads:
        t.start()
    stop.wait(0.5)
    stop.set()
    for t in threads:
        t.join()
    assert len(seen) > 100
    assert not GUARDED or not any(seen)
    assert gc.isenabled()
