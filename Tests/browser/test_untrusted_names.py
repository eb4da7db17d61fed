"""Names, files, threads, hosts and tags come from uploads: the page shows them
literally and never runs them, in a real Chromium."""

import json
import urllib.error
from urllib.parse import quote

import pytest
from selenium.common.exceptions import NoAlertPresentException
from selenium.webdriver.common.by import By

from browser_support import breadcrumbs, click_node, frame_path, hover_node, open_page, upload, wait_for

SCRIPT = "<script>alert(1)</script>"
IMG = '"><img src=x onerror=alert(2)>'
SVG = "<svg onload=alert(3)>"

HOSTILE = {
    "format": "treering/1",
    "app": "evil-app",
    "host": IMG,
    "pid": 1,
    "runtime": SCRIPT,
    "agent": SVG,
    "start": 1732460000.0,
    "end": 1732460010.0,
    "interval_ms": 10,
    "tags": {SCRIPT: IMG, "release": SVG},
    "frames": [
        {"name": SCRIPT, "file": IMG, "line": 1},
        {"name": IMG, "file": "app/" + SCRIPT + ".py", "line": 2},
        {"name": SVG, "file": "lib/x.py", "line": 3},
    ],
    "samples": [
        {"stack": [0, 1], "count": 30, "thread": SCRIPT, "tags": {"transaction": IMG}},
        {"stack": [0, 1, 2], "count": 10, "thread": IMG},
    ],
}


def assert_nothing_ran(driver):
    with pytest.raises(NoAlertPresentException):
        driver.switch_to.alert.text  # noqa: B018 (an open dialog would answer)
    assert driver.execute_script("return document.querySelectorAll('img, svg, main script').length") == 0
    assert not any("alert" in entry["message"] for entry in driver.get_log("browser"))


def test_hostile_names_are_shown_as_text_and_never_run(server, driver, shot):
    answer = upload(server, HOSTILE)
    tree = server.get_json(f"/api/v1/profiles/{answer['id']}/tree")
    open_page(driver, server.url + answer["url"] + "?focus=all")  # every name in Top functions
    shot("sunburst")
    assert_nothing_ran(driver)

    top = driver.find_element(By.ID, "top").text
    assert SCRIPT in top and IMG in top and SVG in top
    meta = driver.find_element(By.ID, "meta").text
    for literal in [IMG, SCRIPT, SVG]:
        assert literal in meta  # host, runtime, agent, tag key and values, thread names
    legend = driver.find_element(By.ID, "legend").text
    assert legend  # packages derived from hostile paths are text too

    hover_node(driver, frame_path(tree, [SCRIPT, IMG]))
    tip = wait_for(driver, "!document.getElementById('tooltip').hidden && document.getElementById('tooltip').innerText")
    assert IMG in tip and f"app/{SCRIPT}.py:2" in tip

    click_node(driver, frame_path(tree, [SCRIPT, IMG]))
    assert breadcrumbs(driver) == ["all", SCRIPT, IMG]
    driver.find_element(By.ID, "search").send_keys("<img")
    wait_for(driver, "document.getElementById('search-result').textContent.length > 0")
    # The root frame matches by its file, its callee by its name.
    assert driver.find_element(By.ID, "search-result").text == "2 matches · 100.0% of samples"
    shot("zoomed")
    assert_nothing_ran(driver)

    # The index page lists the same upload's tags as text.
    driver.get(server.url + "/")
    assert_nothing_ran(driver)
    assert f"{SCRIPT}={IMG}" in driver.find_element(By.TAG_NAME, "main").text


def test_a_link_that_finds_nothing_is_a_page_naming_what_is_missing(server, driver):
    # A browser gets a page with a way back, the API keeps its JSON error.
    for path, text in [
        ("/profiles/999999", "Profile 999999 not found."),
        ("/no/such/page", "There is no page at this address."),
        ("/apps/" + quote(IMG), f"App {IMG} not found."),
    ]:
        driver.get(server.url + path)
        page = wait_for(driver, "document.getElementById('error-page')", what=f"the error page of {path}")
        assert page.get_attribute("data-status") == "404"
        assert driver.find_element(By.TAG_NAME, "h1").text == "Not found"
        assert text in driver.find_element(By.ID, "error-page").text
        assert (
            driver.find_element(By.LINK_TEXT, "All apps and recent profiles").get_attribute("href") == server.url + "/"
        )
        # (The console logs the 404 with its URL, hostile text and all, so
        # only the page itself is checked here.)
        with pytest.raises(NoAlertPresentException):
            driver.switch_to.alert.text  # noqa: B018
        assert driver.execute_script("return document.querySelectorAll('img, svg, script').length") == 0
    with pytest.raises(urllib.error.HTTPError) as refused:
        server.get_json("/api/v1/profiles/999999")
    assert refused.value.code == 404 and json.loads(refused.value.read())["error"]["code"] == "not_found"
