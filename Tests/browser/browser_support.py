"""Helpers that drive the dashboard the way a user does: open a page, wait for
its picture, click where a node is drawn, read what the page shows."""

from __future__ import annotations

import gzip
import json
import os
import time

from selenium import webdriver
from selenium.webdriver.chrome.service import Service
from selenium.webdriver.common.actions.action_builder import ActionBuilder
from selenium.webdriver.common.by import By

from support.treering_server import REPO

CHROMEDRIVER = "/usr/bin/chromedriver"
SHOTS = REPO / "artifacts" / "browser"


def new_driver(width: int = 1400, height: int = 1000) -> webdriver.Chrome:
    """Debian's chromium, headless, with its own chromedriver (no download)."""
    os.environ.setdefault("SE_OFFLINE", "true")
    options = webdriver.ChromeOptions()
    for arg in [
        "--headless=new",
        "--no-sandbox",
        "--disable-dev-shm-usage",
        "--disable-gpu",
        f"--window-size={width},{height}",
        "--force-device-scale-factor=1",
    ]:
        options.add_argument(arg)
    if os.path.exists("/usr/bin/chromium"):
        options.binary_location = "/usr/bin/chromium"
    options.set_capability("goog:loggingPrefs", {"browser": "ALL"})
    return webdriver.Chrome(options=options, service=Service(CHROMEDRIVER))


def upload(server, doc: dict) -> dict:
    """POST an upload (gzip, as the agent sends it); returns the 201 answer."""
    status, body = server.post("/api/v1/ingest", gzip.compress(json.dumps(doc).encode()), {"Content-Encoding": "gzip"})
    assert status == 201, body
    return body


def wait_for(driver, script: str, timeout: float = 15.0, what: str = ""):
    """Polls a JS expression until it is truthy; returns its value."""
    deadline = time.monotonic() + timeout
    while True:
        value = driver.execute_script("return " + script)
        if value:
            return value
        if time.monotonic() > deadline:
            raise AssertionError(f"timed out waiting for {what or script}")
        time.sleep(0.05)


def wait_ready(driver) -> None:
    """Waits until the profile page has drawn its first picture."""
    wait_for(
        driver,
        "document.getElementById('profile') && document.getElementById('profile').dataset.ready",
        what="the page to draw",
    )


def open_page(driver, url: str) -> None:
    driver.get(url)
    wait_ready(driver)


def frame_path(tree: dict, names: list[str]) -> str:
    """The URL's focus path (frame ids from the root) of the node reached by
    following function names from the root, computed from the tree JSON."""
    frames, nodes = tree["frames"], tree["nodes"]
    node, path = 0, []
    for name in names:
        child = next(
            i
            for i in range(len(nodes["parent"]))
            if nodes["parent"][i] == node and frames["name"][nodes["frame"][i]] == name
        )
        path.append(str(nodes["frame"][child]))
        node = child
    return ".".join(path)


def zooms(driver) -> int:
    """How many zoom transitions have finished (the page measures each one)."""
    return driver.execute_script("return performance.getEntriesByName('treering-zoom').length")


def wait_zoomed(driver, before: int) -> None:
    wait_for(driver, f"performance.getEntriesByName('treering-zoom').length > {before}", what="the zoom to finish")


def click_node(driver, path: str) -> None:
    """Clicks where the page draws the node (a real pointer click on the
    canvas) and waits for the zoom it starts to finish."""
    point = driver.execute_script("return window.treering.locate(arguments[0])", path)
    assert point, f"node {path} is not drawn"
    before = zooms(driver)
    actions = ActionBuilder(driver)
    actions.pointer_action.move_to_location(int(point["x"]), int(point["y"])).click()
    actions.perform()
    wait_zoomed(driver, before)


def hover_node(driver, path: str) -> None:
    point = driver.execute_script("return window.treering.locate(arguments[0])", path)
    assert point, f"node {path} is not drawn"
    actions = ActionBuilder(driver)
    actions.pointer_action.move_to_location(int(point["x"]), int(point["y"]))
    actions.perform()


def breadcrumbs(driver) -> list[str]:
    return [a.text for a in driver.find_elements(By.CSS_SELECTOR, "#breadcrumbs a")]


def pixel_alpha(driver, path: str) -> int:
    """The canvas's alpha where the node is drawn: 255 drawn in full, ~64 dimmed."""
    return driver.execute_script(
        """
        const p = window.treering.locate(arguments[0]);
        const canvas = document.querySelector('#chart canvas');
        const box = canvas.getBoundingClientRect();
        const scale = canvas.width / box.width;
        const x = Math.round((p.x - box.left) * scale), y = Math.round((p.y - box.top) * scale);
        return canvas.getContext('2d').getImageData(x, y, 1, 1).data[3];
    """,
        path,
    )
