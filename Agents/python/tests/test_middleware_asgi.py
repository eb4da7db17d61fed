"""FastAPI under the real uvicorn, hit over HTTP: samples of the event-loop
thread go to the request whose task was running, named by its route
template; sync endpoints are tagged on their worker thread."""

import threading

import fastapi_site
from webservers import get, get_all, merged, samples_with, serve_asgi, transactions_of, wait_for

import treering
from treering import tagging


def test_loop_thread_samples_go_to_the_request_whose_task_ran():
    # Every tick (the wall clock): these tests check which request a sample is given to, not idleness.
    agent = treering.start(app="fastapi-site", interval_ms=2, clock="wall")
    try:
        with serve_asgi(fastapi_site.build(seconds=0.8)) as url:
            answers = get_all([f"{url}/alpha/1", f"{url}/beta/2", f"{url}/fast"])
            assert [status for status, _ in answers] == [200, 200, 200]
    finally:
        treering.stop()
    doc = merged(agent.documents)
    alpha = transactions_of(samples_with(doc, "alpha_spin"))
    beta = transactions_of(samples_with(doc, "beta_spin"))
    # Both ran on the one loop thread at the same time, in turns.
    assert set(alpha) == {"GET /alpha/{n}"}, alpha
    assert set(beta) == {"GET /beta/{n}"}, beta
    assert alpha["GET /alpha/{n}"] >= 20 and beta["GET /beta/{n}"] >= 20  # a floor, not a rate: CI machines are loaded
    loop_threads = {s["thread"] for s in samples_with(doc, "alpha_spin") + samples_with(doc, "beta_spin")}
    assert len(loop_threads) == 1


def test_sync_endpoints_are_tagged_in_the_thread_pool_and_prefixes_kept():
    agent = treering.start(app="fastapi-site", interval_ms=2, clock="wall")
    try:
        with serve_asgi(fastapi_site.build(seconds=0.6)) as url:
            answers = get_all([f"{url}/pool/1", f"{url}/alpha/3", f"{url}/api/widgets/9", f"{url}/nowhere"])
            assert [status for status, _ in answers] == [200, 200, 200, 404]
            # Once each request's app call has returned (just after its response went out).
            assert wait_for(lambda: tagging.task_entries() == {} and tagging.thread_entries() == {}, 5)
    finally:
        treering.stop()
    doc = merged(agent.documents)
    pool = samples_with(doc, "pool_spin")
    assert transactions_of(pool) == {"GET /pool/{n}": sum(s["count"] for s in pool)}
    assert not {s["thread"] for s in pool} & {s["thread"] for s in samples_with(doc, "alpha_spin")}
    assert set(transactions_of(samples_with(doc, "alpha_spin"))) == {"GET /alpha/{n}"}
    widgets = transactions_of(samples_with(doc, "widget"))
    assert set(widgets) <= {"GET /api/widgets/{wid}"}
    names = {(s.get("tags") or {}).get("transaction") for s in doc["samples"]}
    assert not any(n and "nowhere" in n for n in names)  # a 404 is not a name


def test_without_a_running_agent_the_middleware_still_serves():
    with serve_asgi(fastapi_site.build(seconds=0.05)) as url:
        assert get(f"{url}/alpha/1")[0] == 200
        assert get(f"{url}/pool/1")[0] == 200
    assert threading.active_count() >= 1
