"""Callers of a function open on the function itself, not where the
inverted tree stops branching: a function with one chain of callers would
otherwise be zoomed out to its outermost caller and left off the screen."""

from __future__ import annotations

from urllib.parse import parse_qs, urlparse

from selenium.webdriver.common.by import By

from browser_support import open_page, upload, wait_for

FRAMES = [
    {"name": n, "file": "app.py", "line": i + 1} for i, n in enumerate(["main", "serve", "handle", "work", "leaf"])
]
DOC = {
    "format": "treering/1",
    "app": "one-chain",
    "start": 1732460000.0,
    "end": 1732460010.0,
    "interval_ms": 10,
    "frames": FRAMES,
    "samples": [{"stack": [0, 1, 2, 3, 4], "count": 40}, {"stack": [0, 1, 2, 3], "count": 2}],
}


def drawn_names(driver) -> list[str]:
    return driver.execute_script("return window.treering.nodes().map(n => n.name)")


def test_callers_open_on_the_function_from_the_menu_and_from_a_link(server, driver):
    answer = upload(server, DOC)
    open_page(driver, server.url + answer["url"] + "?focus=all")
    row = next(r for r in driver.find_elements(By.CSS_SELECTOR, "#top tbody tr") if r.text.startswith("leaf"))
    row.find_element(By.CSS_SELECTOR, ".fn-menu-button").click()
    driver.find_element(By.CSS_SELECTOR, "#fn-menu button[data-dir=callers]").click()
    wait_for(driver, "document.getElementById('function-mode').dataset.dir === 'callers'")
    wait_for(driver, "window.treering.nodes().length > 1")
    assert driver.execute_script("return window.treering.state().focus") == "all"
    assert "leaf" in drawn_names(driver)
    assert driver.find_element(By.ID, "breadcrumbs").text == "all"

    # The same view from a link without a focus.
    asked = parse_qs(urlparse(driver.current_url).query)
    assert asked["fn"] == ["leaf"] and asked["dir"] == ["callers"]
    open_page(driver, server.url + answer["url"] + "?fn=leaf&dir=callers")
    wait_for(driver, "document.getElementById('function-mode').dataset.dir === 'callers'")
    wait_for(driver, "window.treering.nodes().length > 1")
    assert driver.execute_script("return window.treering.state().focus") == "all"
    assert "leaf" in drawn_names(driver)
