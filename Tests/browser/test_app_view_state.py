"""The app page over the real agent's uploads (Django under gunicorn, sent as
the agent sent them): the agent's idle count becomes the idle figure through
the server, and the tree's view state in the URL (all frames, idle shown)
survives a reload instead of being read as label filters."""

from __future__ import annotations

import time
from urllib.parse import parse_qs, urlparse

from selenium.webdriver.common.by import By

from browser_support import upload, wait_for, wait_ready
from test_tree_folding import django_documents


def test_agent_idle_count_and_view_state_survive_a_reload(server, driver):
    docs = django_documents()
    shift = time.time() - 600 - min(d["start"] for d in docs)  # ten minutes ago, in the last hour
    idle = sum(int(d["tags"]["treering.idle_samples"]) for d in docs)
    running = sum(s["count"] for d in docs for s in d["samples"])
    for doc in docs:
        upload(server, {**doc, "app": "django-view-state", "start": doc["start"] + shift, "end": doc["end"] + shift})

    driver.get(f"{server.url}/apps/django-view-state?range=1h")
    wait_ready(driver)
    figure = driver.find_element(By.ID, "idle-figure")
    assert figure.text == f"{round(100 * idle / (idle + running))}% of samples were idle threads"
    assert driver.execute_script("return window.treering.total()") == running

    driver.find_element(By.ID, "all-frames").click()
    driver.find_element(By.ID, "show-idle").click()
    wait_for(driver, "window.treering.state().idle === 'show'")
    assert driver.execute_script("return window.treering.total()") == running + idle
    asked = parse_qs(urlparse(driver.current_url).query)
    assert asked["frames"] == ["all"] and asked["idle"] == ["show"]

    driver.refresh()
    wait_ready(driver)
    # Not label filters: no error, no filter chips, the same picture.
    assert not driver.find_element(By.ID, "error").is_displayed()
    assert driver.find_element(By.ID, "filter-chips").text == ""
    assert driver.execute_script("return window.treering.total()") == running + idle
    assert driver.find_element(By.ID, "all-frames").is_selected()


def test_an_excluded_label_value_is_a_chip_and_leaves_its_series_out(server, driver):
    now = time.time()
    for host, count in [("web-1", 7), ("web-2", 3)]:
        upload(
            server,
            {
                "format": "treering/1",
                "app": "rest-of-hosts",
                "host": host,
                "start": now - 300,
                "end": now - 290,
                "interval_ms": 10,
                "frames": [{"name": "main", "file": "app.py", "line": 1}],
                "samples": [{"stack": [0], "count": count}],
            },
        )
    driver.get(f"{server.url}/apps/rest-of-hosts?range=1h&host!=web-1")
    wait_ready(driver)
    assert not driver.find_element(By.ID, "error").is_displayed()
    assert driver.find_element(By.ID, "filter-chips").text.startswith("host \u2260 web-1")
    assert driver.execute_script("return window.treering.total()") == 3
