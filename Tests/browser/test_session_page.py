"""Targeted sessions in a real Chromium against the real server: a session
started from the app page's form, its page filling up live as an agent's
requests come in (no reload), the requests slowest first, one request's own
tree, a reload and the share link giving the same picture, and names from
the uploads shown as text."""

import json
import time
from urllib.parse import parse_qs, urlparse

from selenium.webdriver.common.by import By
from selenium.webdriver.support.ui import Select

from browser_support import open_page, upload, wait_for
from support.treering_server import TreeringServer

APP = "shop-sessions"
ORDERS = "GET orders/<int:pk>/"
HOSTILE = '<img src=x onerror="window.pwned=1">'
FRAMES = [
    {"name": "main", "file": "shop/wsgi.py", "line": 1},
    {"name": "get_response", "file": "django/core/handlers/base.py", "line": 160},
    {"name": "order_detail", "file": "shop/views.py", "line": 42},
    {"name": "crunch_numbers", "file": "shop/pricing.py", "line": 12},
    {"name": "health", "file": "shop/views.py", "line": 90},
    {"name": HOSTILE, "file": "shop/<b>evil</b>.py", "line": 3},
]
# (wall ms, samples in crunch_numbers, samples in the hostile frame), in the order they arrive.
REQUESTS = [(61.0, 5, 0), (230.5, 20, 2), (75.4, 6, 0), (140.0, 12, 1), (64.5, 5, 0)]


def seed_app(server):
    """Ordinary profiles, so the app page offers the transactions seen."""
    now = time.time()
    upload(
        server,
        {
            "format": "treering/1",
            "app": APP,
            "host": "web-1",
            "start": now - 120,
            "end": now - 110,
            "interval_ms": 10,
            "frames": FRAMES,
            "samples": [
                {"stack": [0, 1, 2, 3], "count": 40, "thread": "Thread-1", "tags": {"transaction": ORDERS}},
                {"stack": [0, 1, 4], "count": 9, "thread": "Thread-2", "tags": {"transaction": "GET health/"}},
            ],
        },
    )


def request_doc(i: int, wall_ms: float, crunch: int, hostile: int) -> dict:
    now = time.time()
    samples = [{"stack": [0, 1, 2, 3], "count": crunch, "thread": "Thread-1"}]
    if hostile:
        samples.append({"stack": [0, 1, 2, 5], "count": hostile, "thread": "Thread-1"})
    return {
        "format": "treering/1",
        "app": APP,
        "host": f"web-{i % 2 + 1}",
        "start": now - wall_ms / 1000,
        "end": now,
        "interval_ms": 5,
        "frames": FRAMES,
        "samples": samples,
        "tags": {"transaction": ORDERS, "treering.request": f"req-{i}-{HOSTILE}", "treering.wall_ms": str(wall_ms)},
    }


def rows(driver):
    return driver.execute_script("""
        return [...document.querySelectorAll('#requests tbody tr')].map(tr => ({
            request: tr.dataset.request, wall: tr.children[1].textContent,
            bar: tr.querySelector('.wall-bar').getBoundingClientRect().width}));""")


def test_a_session_started_on_the_app_page_fills_up_live(server, driver, shot):
    seed_app(server)
    open_page(driver, f"{server.url}/apps/{APP}")
    wait_for(driver, "!document.getElementById('session-transaction').disabled", what="transactions offered")
    options = [o.text for o in Select(driver.find_element(By.ID, "session-transaction")).options]
    assert options == sorted(["GET health/", ORDERS])
    Select(driver.find_element(By.ID, "session-transaction")).select_by_visible_text(ORDERS)
    n = driver.find_element(By.ID, "session-requests")
    n.clear()
    n.send_keys(str(len(REQUESTS)))
    driver.find_element(By.ID, "session-start").click()

    # The session's own page, waiting for requests.
    wait_for(driver, "location.pathname.startsWith('/sessions/')", what="the session page")
    wait_for(driver, "document.getElementById('profile').dataset.ready", what="the session page to draw")
    sid = int(urlparse(driver.current_url).path.rsplit("/", 1)[1])
    session = server.get_json(f"/api/v1/sessions/{sid}")
    assert (session["transaction"], session["requests"], session["state"]) == (ORDERS, len(REQUESTS), "running")
    assert driver.find_element(By.ID, "session-count").text == f"0 of {len(REQUESTS)} requests"
    assert driver.find_element(By.ID, "session-state").text == "running"
    # Agents of the app learn of it from the cheap poll.
    active = server.get_json(f"/api/v1/apps/{APP}/sessions/active")["sessions"]
    assert [(s["id"], s["transaction"]) for s in active] == [(sid, ORDERS)]
    shot("waiting")

    # Requests arrive as an agent would send them; the page follows without a reload.
    driver.execute_script("window.sameDocument = true")
    for i, (wall, crunch, hostile) in enumerate(REQUESTS):
        status, answer = server.post(
            f"/api/v1/sessions/{sid}/requests", json.dumps(request_doc(i, wall, crunch, hostile)).encode()
        )
        assert status == 201, answer
        assert answer["count"] == i + 1
        if i == 1:
            wait_for(
                driver,
                "document.getElementById('session-count').textContent.startsWith('2 of')",
                what="progress to reach 2",
            )
            assert driver.find_element(By.ID, "session-progress").get_attribute("value") == "2"
    wait_for(driver, "document.getElementById('profile').dataset.state === 'done'", what="the session to close")
    assert driver.execute_script("return window.sameDocument") is True
    assert driver.find_element(By.ID, "session-count").text == f"{len(REQUESTS)} of {len(REQUESTS)} requests"
    assert driver.find_element(By.ID, "session-state").text == "done"
    assert driver.find_element(By.ID, "session-stop").is_displayed() is False
    # A request after N is refused and changes nothing.
    status, _ = server.post(f"/api/v1/sessions/{sid}/requests", json.dumps(request_doc(9, 999.0, 50, 0)).encode())
    assert status == 409
    total = sum(c + h for _, c, h in REQUESTS)
    wait_for(driver, f"window.treering.total() === {total}", what="the merged tree of every request")
    shot("done")

    # Slowest first, with bars as long as their wall time.
    listed = rows(driver)
    assert [r["wall"] for r in listed] == [f"{w:.1f} ms" for w in sorted((w for w, _, _ in REQUESTS), reverse=True)]
    bars = [r["bar"] for r in listed]
    assert bars == sorted(bars, reverse=True) and bars[0] > 2 * bars[-1]

    # One request's own tree, kept in the URL.
    slowest = listed[0]["request"]
    assert slowest == f"req-1-{HOSTILE}"
    driver.find_elements(By.CSS_SELECTOR, "#requests tbody tr")[0].click()
    wait_for(driver, "window.treering.total() === 22", what="the slowest request's tree")
    assert parse_qs(urlparse(driver.current_url).query)["request"] == [slowest]
    assert "230.5 ms" in driver.find_element(By.ID, "showing").text
    shot("one-request")

    # Names from the uploads are text, never HTML.
    assert driver.execute_script("return window.pwned") is None
    assert HOSTILE in driver.find_element(By.ID, "meta").text
    assert driver.find_elements(By.CSS_SELECTOR, "#requests img, #meta img, #top img") == []

    # A reload opens the same request; the share link the same picture.
    driver.refresh()
    wait_for(driver, "document.getElementById('profile').dataset.ready", what="the reloaded page")
    wait_for(driver, "window.treering.total() === 22", what="the same request after a reload")
    # Back is all requests again, Forward the one.
    driver.back()
    wait_for(driver, f"window.treering.total() === {total}", what="all requests after Back")
    assert "request" not in parse_qs(urlparse(driver.current_url).query)
    driver.forward()
    wait_for(driver, "window.treering.total() === 22", what="the request after Forward")
    # A link to a request the session does not have says so.
    open_page(driver, f"{server.url}/sessions/{sid}?request=no-such-request")
    wait_for(driver, f"window.treering.total() === {total}", what="all requests for an unknown one")
    assert driver.find_element(By.ID, "showing").text.startswith(
        "No request no-such-request in this session: Showing all"
    )
    share = server.get_json(f"/api/v1/sessions/{sid}")["share_url"]
    open_page(driver, server.url + share)
    wait_for(driver, f"window.treering.total() === {total}", what="the shared session's tree")
    assert driver.find_element(By.ID, "session-count").text == f"{len(REQUESTS)} of {len(REQUESTS)} requests"

    # The app page lists it with its progress.
    open_page(driver, f"{server.url}/apps/{APP}")
    wait_for(driver, "document.querySelectorAll('#session-list li').length === 1", what="the session in the app's list")
    item = driver.find_element(By.CSS_SELECTOR, "#session-list li")
    assert f"#{sid} {ORDERS}" in item.text and f"{len(REQUESTS)} of {len(REQUESTS)} requests, done" in item.text
    shot("app-page")


def test_a_running_session_can_be_stopped_from_its_page(server, driver):
    seed_app(server)
    status, session = server.post(
        f"/api/v1/apps/{APP}/sessions", json.dumps({"transaction": "GET health/", "requests": 3}).encode()
    )
    assert status == 201, session
    open_page(driver, server.url + session["url"])
    assert driver.find_element(By.ID, "session-state").text == "running"
    assert "left" in driver.find_element(By.ID, "session-time").text
    driver.find_element(By.ID, "session-stop").click()
    wait_for(driver, "document.getElementById('profile').dataset.state === 'stopped'", what="the session to stop")
    assert server.get_json(f"/api/v1/sessions/{session['id']}")["state"] == "stopped"
    wait_for(
        driver,
        "document.getElementById('chart').textContent.includes('ended (stopped)')",
        what="the empty tree to say why",
    )
    status, _ = server.post(
        f"/api/v1/sessions/{session['id']}/requests",
        json.dumps(
            request_doc(1, 50.0, 3, 0)
            | {"tags": {"transaction": "GET health/", "treering.request": "late", "treering.wall_ms": "50"}}
        ).encode(),
    )
    assert status == 409


def test_a_session_the_server_refuses_shows_its_reason(tmp_path, driver, shot):
    # A server that allows at most 5 requests a session; the form asks for 100.
    with TreeringServer(tmp_path / "capped.sqlite", extra_args=["--max-session-requests", "5"]) as s:
        seed_app(s)
        open_page(driver, f"{s.url}/apps/{APP}")
        wait_for(driver, "!document.getElementById('session-transaction').disabled", what="transactions offered")
        Select(driver.find_element(By.ID, "session-transaction")).select_by_visible_text(ORDERS)
        assert driver.find_element(By.ID, "session-requests").get_attribute("value") == "100"
        driver.find_element(By.ID, "session-start").click()
        error = driver.find_element(By.ID, "session-error")
        wait_for(driver, "!document.getElementById('session-error').hidden", what="the refusal to show")
        shot("refused")
        # The server's own message, not a status code or its JSON body.
        assert error.text == "Could not start the session: requests: must be an integer from 1 to 5 (got 100)"
        assert urlparse(driver.current_url).path == f"/apps/{APP}"
        assert driver.find_element(By.ID, "session-start").is_enabled()
        assert s.get_json(f"/api/v1/apps/{APP}/sessions")["sessions"] == []
