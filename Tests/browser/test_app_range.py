"""The app page's range and session form in a real Chromium: page URLs take
the API's relative times (from=now-2h&until=now), counted again on reload and
named as asked in the header; an invalid one still says so; the session form
offers the transaction the page is filtered to; the timeline counts whole
samples and says when a range has none."""

import re
import time
from urllib.parse import parse_qs, urlparse

import pytest
from selenium.webdriver.common.by import By
from selenium.webdriver.support.ui import Select

from browser_support import open_page, upload, wait_for

NOW = time.time()
FRAMES = [{"name": "main", "file": "shop/wsgi.py", "line": 1}, {"name": "view", "file": "shop/views.py", "line": 9}]
TRANSACTIONS = ["GET /cart/", "GET /orders/", "POST /pay/"]


def doc(age_s, count, transaction, app="ranges"):
    start = NOW - age_s
    return {
        "format": "treering/1",
        "app": app,
        "host": "web-1",
        "start": start,
        "end": start + 5,
        "interval_ms": 10,
        "frames": FRAMES,
        "samples": [{"stack": [0, 1], "count": count, "thread": "MainThread", "tags": {"transaction": transaction}}],
    }


@pytest.fixture(scope="module")
def ranges(server):
    # 3 samples 30 min ago, 5 at 90 min, 7 at 3 h, one each transaction.
    upload(server, doc(30 * 60, 3, "GET /orders/"))
    upload(server, doc(90 * 60, 5, "GET /cart/"))
    upload(server, doc(180 * 60, 7, "POST /pay/"))
    upload(server, doc(20 * 60, 1, "GET /orders/", app="tiny"))
    return server


def shown(driver) -> dict:
    return {
        k: float(v[0])
        for k, v in parse_qs(driver.execute_script("return window.treeringApp.shown()")).items()
        if k in ("from", "until")
    }


def total(driver) -> int:
    return driver.execute_script("return window.treering.total()")


@pytest.mark.parametrize(
    "query, samples, span",
    [
        ("from=now-2h&until=now", 3 + 5, 7200),
        ("from=now-4h&until=now-1h", 5 + 7, 10800),
        ("from=now-45m&until=now%2B1h", 3, 6300),
        ("from=now-0.5d&until=now", 3 + 5 + 7, 43200),
    ],
)
def test_relative_times_in_the_page_url(ranges, driver, query, samples, span):
    open_page(driver, f"{ranges.url}/apps/ranges?{query}")
    assert not driver.find_element(By.ID, "error").is_displayed()
    assert total(driver) == samples
    q = shown(driver)
    assert q["until"] - q["from"] == span
    # The URL keeps the range as asked, and the header says it.
    asked = parse_qs(query)
    assert {k: v for k, v in parse_qs(urlparse(driver.current_url).query).items() if k in ("from", "until")} == asked
    assert driver.find_element(By.ID, "range-text").text == f"from {asked['from'][0]} until {asked['until'][0]}"


def test_a_relative_range_is_counted_again_on_reload(ranges, driver):
    open_page(driver, f"{ranges.url}/apps/ranges?from=now-2h&until=now")
    first = shown(driver)
    time.sleep(1.1)  # (so that "now" is another second; this is not a timed assertion)
    driver.refresh()
    open_page(driver, driver.current_url)
    second = shown(driver)
    assert second["until"] > first["until"] and second["until"] - second["from"] == 7200
    # A mixed range (fixed start, relative end) is relative too.
    start = int(NOW - 100 * 60)
    open_page(driver, f"{ranges.url}/apps/ranges?from={start}&until=now")
    assert shown(driver)["from"] == start and total(driver) == 3 + 5
    assert driver.find_element(By.ID, "range-text").text == f"from {start} until now"


@pytest.mark.parametrize(
    "bad",
    [
        "from=now-2x&until=now",
        "from=now-&until=now",
        "from=yesterday&until=now",
        "from=now&until=now-1h",
        "from=now-2h",
    ],
)
def test_an_invalid_relative_range_says_so(ranges, driver, bad):
    open_page(driver, f"{ranges.url}/apps/ranges?{bad}")
    box = driver.find_element(By.ID, "error")
    assert box.is_displayed() and "is not valid" in box.text and "Showing the last hour instead." in box.text, box.text
    q = shown(driver)
    assert q["until"] - q["from"] == 3600


def test_the_session_form_offers_the_filtered_transaction(ranges, driver):
    open_page(driver, f"{ranges.url}/apps/ranges?range=6h")
    select = Select(driver.find_element(By.ID, "session-transaction"))
    assert [o.text for o in select.options] == TRANSACTIONS
    assert select.first_selected_option.text == "GET /cart/"
    # Filter to one transaction, as a user does, from the menu.
    driver.find_element(By.CSS_SELECTOR, ".filter[data-label='transaction'] summary").click()
    driver.find_element(
        By.CSS_SELECTOR, ".filter[data-label='transaction'] label[data-value='POST /pay/'] input"
    ).click()
    wait_for(driver, "new URLSearchParams(location.search).get('transaction') === 'POST /pay/'", what="the filter")
    wait_for(
        driver,
        "document.getElementById('profile').dataset.ready === 'true' && window.treering.total() === 7",
        what="the filtered tree",
    )
    select = Select(driver.find_element(By.ID, "session-transaction"))
    assert select.first_selected_option.text == "POST /pay/"
    assert select.options[0].text == "POST /pay/"
    # A transaction the user picks stays picked while the filter stays.
    select.select_by_visible_text("GET /cart/")
    driver.find_element(By.CSS_SELECTOR, "[data-range='24h']").click()
    wait_for(driver, "new URLSearchParams(location.search).get('range') === '24h'", what="the day")
    wait_for(driver, "document.getElementById('profile').dataset.ready === 'true'", what="the day drawn")
    assert Select(driver.find_element(By.ID, "session-transaction")).first_selected_option.text == "GET /cart/"
    # A link with the filter opens with it chosen too.
    open_page(driver, f"{ranges.url}/apps/ranges?range=6h&transaction=GET+/orders/")
    assert Select(driver.find_element(By.ID, "session-transaction")).first_selected_option.text == "GET /orders/"


def axis_labels(driver) -> list[str]:
    return driver.execute_script(
        "return [...document.querySelectorAll('#timeline .count-axis .tick text')].map(t => t.textContent)"
    )


def test_the_timeline_counts_whole_samples(ranges, driver, shot):
    open_page(driver, f"{ranges.url}/apps/tiny?range=1h")  # one step with one sample
    shot("tiny")
    labels = axis_labels(driver)
    assert labels and all(re.fullmatch(r"\d+", t) for t in labels), labels
    assert labels == ["0", "1"]
    open_page(driver, f"{ranges.url}/apps/ranges?range=6h")
    labels = axis_labels(driver)
    assert labels and all(re.fullmatch(r"\d+", t) for t in labels), labels


def test_an_empty_timeline_says_so_without_an_axis(ranges, driver, shot):
    open_page(driver, f"{ranges.url}/apps/ranges?range=15m")
    shot("empty")
    assert axis_labels(driver) == []
    message = driver.find_element(By.CSS_SELECTOR, "#timeline .timeline-empty").text
    assert message == "No samples of ranges in this range."
    timeline_text = driver.find_element(By.ID, "timeline").text
    assert "500m" not in timeline_text and "0.5" not in timeline_text
