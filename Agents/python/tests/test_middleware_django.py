"""Django under a real threaded WSGI server, hit over HTTP: samples of each
view carry its resolved URL pattern as transaction, not the raw URL, and no
view's code carries another view's name."""

import django_site
from webservers import get_all, merged, samples_with, serve_wsgi, transactions_of, wait_for

import treering

HEAVY = "GET orders/<int:pk>/"


def test_samples_of_each_view_carry_its_url_pattern():
    # Every tick (the wall clock): these tests check which request a sample is given to, not idleness.
    agent = treering.start(app="django-site", interval_ms=5, clock="wall")
    try:
        with serve_wsgi(django_site.application) as url:
            urls = (
                [f"{url}/orders/{pk}/" for pk in (1, 22, 333)]
                + [f"{url}/light/"] * 6
                + [f"{url}/health/"] * 6
                # Long enough to be sampled on a loaded machine: the name under include() is asserted.
                + [f"{url}/api/items/{pk}/?s=0.2" for pk in (4, 5, 6)]
            )
            answers = get_all(urls)
            assert [status for status, _ in answers] == [200] * len(urls)
    finally:
        treering.stop()
    doc = merged(agent.documents)

    heavy = transactions_of(samples_with(doc, "crunch_order"))
    assert set(heavy) == {HEAVY}, heavy  # one name for three URLs, none missing it
    # 3 x 0.4 s at 5 ms is 240 ticks; a loaded CI machine starved the sampler
    # of the GIL down to 25, so the floor is a twentieth: it proves samples, not a rate.
    assert heavy[HEAVY] >= 12

    light = transactions_of(samples_with(doc, "tally_light"))
    assert light and set(light) <= {"GET light/", "GET api/items/<int:pk>/"}, light
    assert "GET api/items/<int:pk>/" in light  # routes under include() are joined

    # The heavy view's name is on nothing but the heavy view's requests.
    tagged_heavy = [s for s in doc["samples"] if (s.get("tags") or {}).get("transaction") == HEAVY]
    frames = doc["frames"]
    for s in tagged_heavy:
        names = {frames[i]["name"] for i in s["stack"]}
        assert not names & {"tally_light", "light_view", "health"}, names


def test_threads_are_untagged_once_their_request_is_over():
    from treering import tagging

    agent = treering.start(app="django-site", interval_ms=5, clock="wall")
    try:
        with serve_wsgi(django_site.application) as url:
            get_all([f"{url}/orders/1/?s=0.05", f"{url}/health/"])
            assert wait_for(lambda: tagging.thread_entries() == {}, 5)  # once the server closed each response
    finally:
        treering.stop()
    assert agent.documents


def test_sending_the_response_is_part_of_the_request():
    # The WSGI server writes the body after the view returned, on the same
    # thread: those samples belong to the request, not to untagged server time.
    agent = treering.start(app="django-site", interval_ms=5, clock="wall")
    try:
        with serve_wsgi(django_site.application) as url:
            answers = get_all([f"{url}/slow-send/"] * 3)
            assert [status for status, _ in answers] == [200] * 3
    finally:
        treering.stop()
    sending = transactions_of(samples_with(merged(agent.documents), "send_slowly"))
    assert set(sending) == {"GET slow-send/"}, sending
    assert sending["GET slow-send/"] >= 9  # 3 x 0.3 s at 5 ms is 180; a twentieth, as above
