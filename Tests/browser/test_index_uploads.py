"""The index's recent uploads in a real Chromium: the agent's bookkeeping tags
(treering.*) are not listed there but stay in the profile page's details, and
an upload with no samples is dimmed."""

import json
import time

from selenium.webdriver.common.by import By

from browser_support import open_page, upload, wait_for

NOW = time.time()
FRAMES = [{"name": "main", "file": "shop/wsgi.py", "line": 1}]


def test_bookkeeping_tags_hidden_and_empty_uploads_dimmed(server, driver, shot):
    full = upload(
        server,
        {
            "format": "treering/1",
            "app": "tags",
            "host": "web-1",
            "start": NOW - 60,
            "end": NOW - 50,
            "interval_ms": 10,
            "frames": FRAMES,
            "samples": [{"stack": [0], "count": 9, "thread": "MainThread"}],
            "tags": {"env": "prod", "treering.samples": "900", "treering.overhead_ms": "3"},
        },
    )
    status, empty = server.post(
        "/api/v1/ingest",
        json.dumps(
            {
                "format": "treering/1",
                "app": "tags",
                "host": "web-2",
                "start": NOW - 40,
                "end": NOW - 30,
                "interval_ms": 10,
                "frames": [],
                "samples": [],
                "tags": {"treering.samples": "0"},
            }
        ).encode(),
    )
    assert status == 201 and empty["samples"] == 0
    driver.get(server.url + "/?app=tags")
    wait_for(driver, "document.querySelector('#profiles tbody tr')", what="the uploads")
    shot("uploads")
    rows = {
        r.find_element(By.CSS_SELECTOR, "a").get_attribute("href").rsplit("/", 1)[1]: r
        for r in driver.find_elements(By.CSS_SELECTOR, "#profiles tbody tr")
    }
    assert set(rows) == {full["id"], empty["id"]}
    tags = rows[full["id"]].find_elements(By.CSS_SELECTOR, "td")[-1].text
    assert tags == "env=prod"
    assert rows[empty["id"]].find_elements(By.CSS_SELECTOR, "td")[-1].text == ""
    assert "treering." not in driver.find_element(By.ID, "profiles").text

    def opacity(row):
        return float(driver.execute_script("return getComputedStyle(arguments[0].querySelector('td')).opacity", row))

    assert opacity(rows[empty["id"]]) < 1 and opacity(rows[full["id"]]) == 1
    # The profile page still lists every tag.
    open_page(driver, server.url + full["url"])
    meta = driver.find_element(By.ID, "meta").text
    assert "treering.samples\n900" in meta and "treering.overhead_ms\n3" in meta and "env\nprod" in meta
