"""Copy link in a real Chromium: on a plain-http page reached by a host name
(not a secure context, so no clipboard API) the link is shown selected in a
field to copy by hand, and the button does not say "Copied"; on a secure
origin (127.0.0.1) the clipboard takes the link and the button says so.

The non-secure origin is real, not stubbed: Chromium resolves treering.test
to 127.0.0.1 by --host-resolver-rules, and http://treering.test:PORT is not
potentially trustworthy the way http://localhost and 127.0.0.1 are."""

import os
import time
from urllib.parse import urlparse

import pytest
from selenium import webdriver
from selenium.webdriver.chrome.service import Service
from selenium.webdriver.common.by import By

from browser_support import CHROMEDRIVER, SHOTS, open_page, upload, wait_for

HOST = "treering.test"
NOW = time.time()
DOC = {
    "format": "treering/1",
    "app": "shop",
    "host": "web-1",
    "start": NOW - 600,
    "end": NOW - 590,
    "interval_ms": 10,
    "frames": [
        {"name": "main", "file": "shop/wsgi.py", "line": 1},
        {"name": "view", "file": "shop/views.py", "line": 9},
    ],
    "samples": [{"stack": [0, 1], "count": 40, "thread": "MainThread", "tags": {"transaction": "GET /orders/"}}],
}


@pytest.fixture(scope="module")
def profile(server):
    return upload(server, DOC)


@pytest.fixture(scope="module")
def named_driver():
    """A second Chromium in which treering.test is the loopback address."""
    os.environ.setdefault("SE_OFFLINE", "true")
    options = webdriver.ChromeOptions()
    for arg in [
        "--headless=new",
        "--no-sandbox",
        "--disable-dev-shm-usage",
        "--disable-gpu",
        "--window-size=1400,1000",
        f"--host-resolver-rules=MAP {HOST} 127.0.0.1",
    ]:
        options.add_argument(arg)
    if os.path.exists("/usr/bin/chromium"):
        options.binary_location = "/usr/bin/chromium"
    d = webdriver.Chrome(options=options, service=Service(CHROMEDRIVER))
    yield d
    d.quit()


def fallback(driver) -> dict:
    return driver.execute_script("""
        const f = document.getElementById('copy-link-field');
        if (!f || f.closest('.copy-fallback').hidden) return null;
        return {value: f.value, focused: document.activeElement === f,
                selected: f.value.substring(f.selectionStart, f.selectionEnd),
                readOnly: f.readOnly, visible: f.getBoundingClientRect().width > 0,
                hint: f.closest('.copy-fallback').textContent};""")


@pytest.mark.parametrize("page", ["profile", "app"])
def test_on_plain_http_by_name_the_link_is_shown_selected(server, profile, named_driver, page):
    base = f"http://{HOST}:{server.port}"
    path = profile["url"] if page == "profile" else "/apps/shop?range=1h"
    open_page(named_driver, base + path)
    assert named_driver.execute_script("return window.isSecureContext") is False
    assert named_driver.execute_script("return location.host") == f"{HOST}:{server.port}"
    button = named_driver.find_element(By.ID, "copy-link")
    button.click()
    shown = wait_for(
        named_driver,
        "document.getElementById('copy-link-field') && document.getElementById('copy-link-field').value",
        what="the link in a field",
    )
    SHOTS.mkdir(parents=True, exist_ok=True)
    named_driver.save_screenshot(str(SHOTS / f"copy-link-{page}-not-secure.png"))
    box = fallback(named_driver)
    assert box["value"] == shown == button.get_attribute("data-url")
    assert box["focused"] and box["selected"] == box["value"] and box["readOnly"] and box["visible"]
    assert "Press Ctrl+C to copy" in box["hint"]
    assert button.text == "Copy link"  # never "Copied"
    # The link is the share link on the host the user typed, and it opens the same thing.
    link = urlparse(box["value"])
    assert link.netloc == f"{HOST}:{server.port}"
    assert link.path.startswith("/p/" if page == "profile" else "/q/")
    open_page(named_driver, box["value"])
    assert named_driver.execute_script("return window.treering.total()") == 40


def test_on_a_secure_origin_the_clipboard_takes_the_link(server, profile, driver):
    origin = server.url
    driver.execute_cdp_cmd(
        "Browser.grantPermissions", {"origin": origin, "permissions": ["clipboardReadWrite", "clipboardSanitizedWrite"]}
    )
    open_page(driver, origin + profile["url"])
    assert driver.execute_script("return window.isSecureContext") is True
    driver.find_element(By.ID, "copy-link").click()
    wait_for(driver, "document.getElementById('copy-link').textContent === 'Copied'", what="Copied")
    url = driver.find_element(By.ID, "copy-link").get_attribute("data-url")
    assert urlparse(url).path.startswith("/p/")
    copied = driver.execute_async_script(
        "navigator.clipboard.readText().then(arguments[0], e => arguments[0]('ERR ' + e))"
    )
    assert copied == url
    assert fallback(driver) is None
