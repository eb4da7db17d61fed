"""One way of showing time on every page, in a real Chromium set to Paris
time: local time with its zone, 24-hour ("2026-11-29 23:11:19 CET"), with the
same moment in UTC ("2026-11-29T22:11:19Z") as the tooltip. Checked on every
page that shows a time: the index and the uploads list, the app page, the
session page, the profile page and the saved HTML report. No page shows a
12-hour time or a bare ISO time as text."""

import json
import re
import time
from datetime import datetime, timezone
from zoneinfo import ZoneInfo

import pytest
from selenium.webdriver.common.by import By

from browser_support import open_page, upload, wait_for
from test_saved_report import export_html

PARIS = ZoneInfo("Europe/Paris")
SHOWN = re.compile(r"^\d{4}-\d{2}-\d{2} \d{2}:\d{2}:\d{2} (CET|CEST)$")
ISO = re.compile(r"^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}Z$")
# What a page must not show as text: 12-hour times, ISO times, the old "Nov 29, 2026" style.
OTHER_STYLES = re.compile(r"\d{1,2}:\d{2}(:\d{2})?\s?[AP]M|\d{4}-\d{2}-\d{2}T\d{2}:\d{2}|[A-Z][a-z]{2} \d{1,2}, \d{4}")
NOW = time.time()
FRAMES = [{"name": "main", "file": "shop/wsgi.py", "line": 1}, {"name": "view", "file": "shop/views.py", "line": 9}]


def doc(start, count=20, **extra):
    return {
        "format": "treering/1",
        "app": "clock",
        "host": "web-1",
        "start": start,
        "end": start + 10,
        "interval_ms": 10,
        "frames": FRAMES,
        "samples": [{"stack": [0, 1], "count": count, "thread": "MainThread", "tags": {"transaction": "GET /orders/"}}],
        **extra,
    }


@pytest.fixture(scope="module")
def seeded(server):
    profile = upload(server, doc(NOW - 1800))
    upload(server, doc(NOW - 900))
    status, session = server.post(
        "/api/v1/apps/clock/sessions",
        json.dumps({"transaction": "GET /orders/", "requests": 1, "time_limit_s": 600, "interval_ms": 5}).encode(),
    )
    assert status == 201, session
    request = doc(
        NOW - 1, count=4, tags={"transaction": "GET /orders/", "treering.request": "r-1", "treering.wall_ms": "41"}
    )
    status, _ = server.post(f"/api/v1/sessions/{session['id']}/requests", json.dumps(request).encode())
    assert status == 201
    return {"profile": profile, "session": session}


@pytest.fixture
def paris(driver):
    driver.execute_cdp_cmd("Emulation.setTimezoneOverride", {"timezoneId": "Europe/Paris"})
    yield driver
    driver.execute_cdp_cmd("Emulation.setTimezoneOverride", {"timezoneId": ""})


def times(driver) -> list[dict]:
    """Every visible <time> element: its text, tooltip and datetime."""
    return driver.execute_script("""
        return [...document.querySelectorAll('time')].filter(t => t.getClientRects().length)
            .map(t => ({text: t.textContent, title: t.title, datetime: t.getAttribute('datetime'),
                        where: t.parentElement.id || t.parentElement.tagName}));""")


def assert_one_style(driver, expect_at_least: int):
    shown = times(driver)
    assert len(shown) >= expect_at_least, shown
    for t in shown:
        assert SHOWN.match(t["text"]), t
        assert ISO.match(t["title"]) and t["datetime"] == t["title"], t
        # The text is the tooltip's moment in Paris time.
        utc = datetime.strptime(t["title"], "%Y-%m-%dT%H:%M:%SZ").replace(tzinfo=timezone.utc)
        assert t["text"] == utc.astimezone(PARIS).strftime("%Y-%m-%d %H:%M:%S %Z"), t
    body = driver.find_element(By.TAG_NAME, "body").text
    assert not OTHER_STYLES.search(body), OTHER_STYLES.search(body).group(0)
    return shown


def test_index_and_uploads_list(server, seeded, paris, shot):
    for path in ["/", "/?app=clock"]:
        paris.get(server.url + path)
        wait_for(
            paris,
            "document.querySelector('#profiles time') && document.querySelector('#profiles time').title",
            what="times in local time",
        )
        shot("index" if path == "/" else "uploads")
        shown = assert_one_style(paris, 2)
        assert {t["where"] for t in shown} == {"TD"}


def test_app_page(server, seeded, paris, shot):
    open_page(paris, server.url + "/apps/clock?range=1h")
    shot("app")
    shown = assert_one_style(paris, 2)
    assert [t["where"] for t in shown].count("meta") == 0  # (times sit in the dd, not the dl)
    rows = paris.execute_script("""return [...document.querySelectorAll('#meta dt')].map(dt =>
        [dt.textContent, dt.nextElementSibling.querySelectorAll('time').length]);""")
    assert ["range", 2] in rows
    # A dragged or typed range is shown in the header as its two ends.
    q = paris.execute_script("return window.treeringApp.shown()")
    open_page(paris, server.url + "/apps/clock?" + q)
    assert len(paris.find_elements(By.CSS_SELECTOR, "#range-text time")) == 2
    assert_one_style(paris, 4)
    # The timeline's bars say their time in both forms.
    title = paris.execute_script("return document.querySelector('#timeline .bars rect title').textContent")
    assert re.match(
        r"^\d{4}-\d{2}-\d{2} \d{2}:\d{2}:\d{2} CES?T \(\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}Z\): 20 samples$", title
    ), title
    ticks = paris.execute_script(
        "return [...document.querySelectorAll('#timeline .axis text')].map(t => t.textContent)"
    )
    assert not any(re.search("AM|PM", t) for t in ticks), ticks


def test_session_page(server, seeded, paris, shot):
    open_page(paris, server.url + seeded["session"]["url"])
    wait_for(paris, "document.getElementById('profile').dataset.state === 'done'", what="the session to close")
    shot("session")
    shown = assert_one_style(paris, 3)
    assert [t["where"] for t in shown].count("session-time") == 2  # started, closed
    assert len(paris.find_elements(By.CSS_SELECTOR, "#requests tbody time")) == 1


def test_profile_page_and_saved_report(server, seeded, paris, shot, tmp_path):
    open_page(paris, server.url + seeded["profile"]["url"])
    shot("profile")
    shown = assert_one_style(paris, 2)
    start = datetime.fromtimestamp(NOW - 1800, timezone.utc).strftime("%Y-%m-%dT%H:%M:%SZ")
    assert shown[0]["title"] == start
    export_html(server, seeded["profile"]["id"], tmp_path / "clock.html")
    open_page(paris, (tmp_path / "clock.html").as_uri())
    shot("report")
    assert len(assert_one_style(paris, 3)) == 3  # saved, and the range's two ends
