"""The app page in a real Chromium against the real server: the tree of a
time range above its timeline, a range dragged on the timeline, a filter
chosen from the values seen, the URL following both, a reload and a share
link giving the same picture, and the retention notice."""

import time
from urllib.parse import parse_qs, urlparse

import pytest
from selenium.webdriver.common.actions.action_builder import ActionBuilder
from selenium.webdriver.common.by import By
from selenium.webdriver.common.keys import Keys

from browser_support import open_page, upload, wait_for
from support.treering_server import TreeringServer

FRAMES = [
    {"name": "main", "file": "shop/wsgi.py", "line": 1},
    {"name": "handle", "file": "shop/handlers.py", "line": 10},
    {"name": "orders_view", "file": "shop/views.py", "line": 42},
    {"name": "old_work", "file": "shop/legacy.py", "line": 7},
    {"name": "new_work", "file": "shop/pricing.py", "line": 12},
    {"name": "health", "file": "shop/views.py", "line": 90},
]
HOSTILE = '<img src=x onerror="window.pwned=1">'
NOW = time.time()


def make_uploads():
    """One upload every 10 minutes over the last three hours: requests of
    GET /orders/ ran old_work until an hour ago and new_work since."""
    uploads = []
    for i in range(17):
        start = NOW - (i + 1) * 600 + 30
        work = 3 if NOW - start > 3600 else 4
        orders, health = 10 + i, 3
        uploads.append(
            {
                "format": "treering/1",
                "app": "shop",
                "host": f"web-{i % 2}",
                "start": start,
                "end": start + 10,
                "interval_ms": 10,
                "frames": FRAMES,
                "samples": [
                    {
                        "stack": [0, 1, 2, work],
                        "count": orders,
                        "thread": "MainThread",
                        "tags": {"transaction": "GET /orders/"},
                    },
                    {
                        "stack": [0, 1, 5],
                        "count": health,
                        "thread": "MainThread",
                        "tags": {"transaction": "GET /health"},
                    },
                    {"stack": [0, 1, 5], "count": 1, "thread": "MainThread", "tags": {"transaction": HOSTILE}},
                ],
            }
        )
    return uploads


UPLOADS = make_uploads()


def expected_total(frm: float, until: float, transactions=None) -> int:
    total = 0
    for u in UPLOADS:
        if frm <= u["start"] < until:
            total += sum(
                s["count"] for s in u["samples"] if transactions is None or s["tags"]["transaction"] in transactions
            )
    return total


@pytest.fixture(scope="module")
def shop(server):
    for u in UPLOADS:
        upload(server, u)
    return server


def url_query(driver) -> dict:
    return parse_qs(urlparse(driver.current_url).query)


def shown(driver) -> dict:
    """The range and filters the page last drew, as the API parameters."""
    return parse_qs(driver.execute_script("return window.treeringApp.shown()"))


def matches(driver, text: str) -> str:
    box = driver.find_element(By.ID, "search")
    box.send_keys(Keys.CONTROL, "a")
    box.send_keys(Keys.DELETE)
    if text:
        box.send_keys(text)
    return driver.find_element(By.ID, "search-result").text


def wait_drawn(driver, what: str):
    wait_for(driver, "document.getElementById('profile').dataset.ready === 'true'", what=what)


def drag_timeline(driver, age_from_s: float, age_until_s: float):
    """Drags on the timeline from one time to another (seconds before now),
    with a real pointer, where the page draws those times."""
    q = shown(driver)
    frm, until = float(q["from"][0]), float(q["until"][0])
    svg = driver.find_element(By.CSS_SELECTOR, "#timeline svg")
    box = driver.execute_script(
        "const b = arguments[0].getBoundingClientRect(); return [b.left, b.top, b.width, b.height]", svg
    )
    left, inner = box[0] + 48, box[2] - 60  # the chart's margins (timeline.js)

    def x(t):
        return int(left + (t - frm) / (until - frm) * inner)

    y = int(box[1] + 40)
    actions = ActionBuilder(driver)
    pointer = actions.pointer_action
    pointer.move_to_location(x(NOW - age_from_s), y).pointer_down()
    pointer.move_to_location((x(NOW - age_from_s) + x(NOW - age_until_s)) // 2, y)
    pointer.move_to_location(x(NOW - age_until_s), y).pointer_up()
    actions.perform()


def test_the_last_hour_by_default_with_its_timeline(shop, driver, shot):
    open_page(driver, shop.url + "/apps/shop")
    wait_drawn(driver, "the app page")
    shot("last-hour")
    assert url_query(driver)["range"] == ["1h"]
    q = shown(driver)
    frm, until = float(q["from"][0]), float(q["until"][0])
    assert until - frm == 3600 and abs(until - time.time()) < 30
    assert driver.execute_script("return window.treering.total()") == expected_total(frm, until)
    # Only new_work ran in the last hour.
    assert matches(driver, "new_work").startswith("1 match")
    assert matches(driver, "old_work").startswith("0 matches")
    bars = driver.find_elements(By.CSS_SELECTOR, "#timeline .bars rect")
    assert len(bars) >= 5, "the timeline should have a bar per upload step in the hour"
    assert driver.find_element(By.CSS_SELECTOR, "[data-range='1h']").get_attribute("class") == "active"


def test_drag_a_range_then_filter_then_reload_gives_the_same_picture(shop, driver, shot):
    open_page(driver, shop.url + "/apps/shop?range=6h")
    wait_drawn(driver, "six hours")
    assert driver.execute_script("return window.treering.total()") == expected_total(NOW - 6 * 3600 - 60, NOW + 60)

    # Drag over the stretch from 2 h 40 min to 1 h 10 min ago: only old_work ran then.
    drag_timeline(driver, 160 * 60, 70 * 60)
    wait_for(driver, "new URLSearchParams(location.search).has('from')", what="the URL to take the dragged range")
    wait_drawn(driver, "the dragged range")
    shot("dragged")
    q = url_query(driver)
    frm, until = float(q["from"][0]), float(q["until"][0])
    assert "range" not in q
    assert frm % 60 == 0 and until % 60 == 0, "a dragged range is rounded to whole minutes"
    assert abs(frm - (NOW - 160 * 60)) < 240 and abs(until - (NOW - 70 * 60)) < 240
    assert shown(driver)["from"] == q["from"] and shown(driver)["until"] == q["until"]
    total = expected_total(frm, until)
    assert total > 0 and driver.execute_script("return window.treering.total()") == total
    assert matches(driver, "old_work").startswith("1 match")
    assert matches(driver, "new_work").startswith("0 matches")
    matches(driver, "")

    # Filter on one transaction, picked from the values the server lists.
    menu = driver.find_element(By.CSS_SELECTOR, ".filter[data-label='transaction'] summary")
    menu.click()
    values = [
        e.text for e in driver.find_elements(By.CSS_SELECTOR, ".filter[data-label='transaction'] .filter-values label")
    ]
    assert values == sorted(["GET /orders/", "GET /health", HOSTILE])  # a name from an upload stays text
    driver.find_element(
        By.CSS_SELECTOR, ".filter[data-label='transaction'] label[data-value='GET /orders/'] input"
    ).click()
    wait_for(
        driver,
        "new URLSearchParams(location.search).get('transaction') === 'GET /orders/'",
        what="the URL to take the filter",
    )
    wait_drawn(driver, "the filtered tree")
    assert driver.execute_script("return window.treering.total()") == expected_total(frm, until, {"GET /orders/"})
    chips = [c.text for c in driver.find_elements(By.CSS_SELECTOR, "#filter-chips .chip span")]
    assert chips == ["transaction = GET /orders/"]
    assert matches(driver, "health").startswith("0 matches")
    matches(driver, "")

    # Zoom into the view of orders and switch to the icicle: all of it in the URL.
    driver.find_element(By.ID, "view-icicle").click()
    before = driver.current_url
    assert "q" not in url_query(driver) and url_query(driver)["view"] == ["icicle"]
    picture = driver.execute_script("return document.querySelector('#chart canvas').toDataURL()")
    shot("filtered-icicle")
    assert driver.execute_script("return window.pwned") is None

    driver.get(before)
    wait_drawn(driver, "the reloaded page")
    assert driver.current_url == before
    assert shown(driver)["transaction"] == ["GET /orders/"]
    assert driver.execute_script("return window.treering.total()") == expected_total(frm, until, {"GET /orders/"})
    assert driver.execute_script("return window.treering.state().view") == "icicle"
    assert driver.execute_script("return document.querySelector('#chart canvas').toDataURL()") == picture

    # Removing the chip removes the filter.
    driver.find_element(By.CSS_SELECTOR, "#filter-chips .chip button").click()
    wait_for(driver, "!new URLSearchParams(location.search).has('transaction')", what="the filter to go")
    wait_drawn(driver, "the unfiltered tree")
    assert driver.execute_script("return window.treering.total()") == total


def wait_shown(driver, condition: str, what: str):
    """Waits until the query drawn (the API parameters) meets `condition`."""
    wait_for(
        driver,
        "document.getElementById('profile').dataset.ready === 'true' && "
        f"(p => {condition})(new URLSearchParams(window.treeringApp.shown()))",
        what=what,
    )


def test_back_returns_to_the_previous_range_and_filters(shop, driver):
    open_page(driver, shop.url + "/apps/shop?range=6h")
    wait_drawn(driver, "six hours")
    driver.find_element(By.CSS_SELECTOR, "[data-range='24h']").click()
    wait_shown(driver, "p.get('until') - p.get('from') === 86400", "a day")
    driver.find_element(By.CSS_SELECTOR, ".filter[data-label='transaction'] summary").click()
    driver.find_element(
        By.CSS_SELECTOR, ".filter[data-label='transaction'] label[data-value='GET /orders/'] input"
    ).click()
    wait_shown(driver, "p.get('transaction') === 'GET /orders/'", "the filtered day")
    assert url_query(driver) == {"range": ["24h"], "transaction": ["GET /orders/"]}

    driver.back()
    wait_shown(
        driver, "!p.has('transaction') && p.get('until') - p.get('from') === 86400", "the day without the filter"
    )
    assert url_query(driver) == {"range": ["24h"]}
    assert not driver.find_elements(By.CSS_SELECTOR, "#filter-chips .chip")
    driver.back()
    wait_shown(driver, "p.get('until') - p.get('from') === 21600", "six hours again")
    assert url_query(driver) == {"range": ["6h"]}
    assert driver.find_element(By.CSS_SELECTOR, "[data-range='6h']").get_attribute("class") == "active"
    assert driver.execute_script("return window.treering.total()") == expected_total(NOW - 6 * 3600 - 60, NOW + 60)
    driver.forward()
    wait_shown(driver, "p.get('until') - p.get('from') === 86400", "the day again")


def test_a_link_with_a_bad_range_says_so_and_shows_the_last_hour(shop, driver):
    for bad in ["from=garbage&until=1732460000", "from=1732463600&until=1732460000", "range=13h"]:
        open_page(driver, shop.url + "/apps/shop?" + bad)
        wait_shown(driver, "p.get('until') - p.get('from') === 3600", f"the last hour for {bad}")
        box = driver.find_element(By.ID, "error")
        assert box.is_displayed() and "Showing the last hour instead." in box.text, (bad, box.text)
    # The next range chosen clears it.
    driver.find_element(By.CSS_SELECTOR, "[data-range='6h']").click()
    wait_shown(driver, "p.get('until') - p.get('from') === 21600", "six hours")
    assert not driver.find_element(By.ID, "error").is_displayed()


def test_share_link_keeps_the_range_and_filters(shop, driver, shot):
    frm, until = int(NOW // 60 * 60 - 150 * 60), int(NOW // 60 * 60 - 20 * 60)
    open_page(driver, shop.url + f"/apps/shop?from={frm}&until={until}&transaction=GET+%2Forders%2F&view=icicle")
    wait_drawn(driver, "the page to share")
    expected = expected_total(frm, until, {"GET /orders/"})
    assert driver.execute_script("return window.treering.total()") == expected
    driver.find_element(By.ID, "copy-link").click()
    link = wait_for(driver, "document.getElementById('copy-link').dataset.url", what="the share link")
    path = urlparse(link).path
    assert path.startswith("/q/") and len(path) == 3 + 32
    assert parse_qs(urlparse(link).query) == {"view": ["icicle"]}
    stored = shop.get_json("/api/v1" + path)
    assert (stored["from"], stored["until"], stored["filters"]) == (frm, until, {"transaction": ["GET /orders/"]})

    driver.get(link)
    wait_drawn(driver, "the shared page")
    shot("shared")
    assert urlparse(driver.current_url).path == path
    assert shown(driver) == {"from": [str(frm)], "until": [str(until)], "transaction": ["GET /orders/"]}
    assert driver.execute_script("return window.treering.total()") == expected
    assert driver.execute_script("return window.treering.state().view") == "icicle"
    assert driver.find_element(By.ID, "notice").get_attribute("hidden") is not None

    # Changing the range leaves the shared query for the app's own page.
    driver.find_element(By.CSS_SELECTOR, "[data-range='24h']").click()
    wait_for(driver, "location.pathname === '/apps/shop'", what="the app page URL")
    wait_drawn(driver, "a day")
    assert url_query(driver)["range"] == ["24h"]
    # Back is the shared query again.
    driver.back()
    wait_shown(
        driver, f"p.get('from') === '{frm}' && p.get('transaction') === 'GET /orders/'", "the shared query again"
    )
    assert urlparse(driver.current_url).path == path
    assert driver.execute_script("return window.treering.total()") == expected

    # An unknown token is a 404 page, not an empty picture.
    status, _ = shop.post("/api/v1/query/share?app=nope", b"")
    assert status == 404


def test_retention_notice_when_the_range_reaches_removed_data(tmp_path, driver, shot):
    with TreeringServer(tmp_path / "short.sqlite", extra_args=["--retention", "2h"]) as s:
        for u in UPLOADS[:3]:
            upload(s, u)
        open_page(driver, s.url + "/apps/shop?range=6h")
        wait_drawn(driver, "six hours under a two-hour retention")
        notice = driver.find_element(By.ID, "notice")
        shot("retention")
        assert notice.is_displayed() and "retention period (2h)" in notice.text
        driver.find_element(By.CSS_SELECTOR, "[data-range='1h']").click()
        wait_for(
            driver, "document.getElementById('notice').hidden", what="the notice to go for a range inside retention"
        )
