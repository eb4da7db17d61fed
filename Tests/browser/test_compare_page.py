"""The compare (diff) view in a real Chromium against the real server: two
uploads where one function got slower, drawn as a diff sunburst and icicle
whose grown node is painted in the "slower" colour (read from the canvas's
pixels), the legend, the tooltip's two sides, top changes, the URL round
trip, callers and callees of a function, comparisons started from the app,
session and profile pages, and a wrong side's message."""

from __future__ import annotations

import json
import time
from urllib.parse import parse_qs, urlparse

import pytest
from compare_support import colour_at, faster, open_compare, slower, wait_compare
from selenium.webdriver.common.action_chains import ActionChains
from selenium.webdriver.common.by import By
from selenium.webdriver.support.ui import Select

from browser_support import click_node, frame_path, hover_node, open_page, upload, wait_for

APP = "shop-compare"
TRANSACTION = "GET /orders/"
FRAMES = [
    {"name": "main", "file": "shop/wsgi.py", "line": 1},
    {"name": "handle", "file": "shop/handlers.py", "line": 5},
    {"name": "price_order", "file": "shop/pricing.py", "line": 9},
    {"name": "render_page", "file": "shop/views.py", "line": 12},
    {"name": "old_cache", "file": "shop/cache.py", "line": 20},
]
# Samples per stack leaf (under main > handle) in version 1 and version 2:
# price_order grows from 12.5% to 54.5% of the samples, old_cache is gone.
VERSIONS = {"1.4": {2: 10, 3: 50, 4: 20}, "1.5": {2: 60, 3: 50, 4: 0}}


def doc(version: str, start: float) -> dict:
    return {
        "format": "treering/1",
        "app": APP,
        "host": "web-1",
        "start": start,
        "end": start + 10,
        "interval_ms": 10,
        "tags": {"version": version},
        "frames": FRAMES,
        "samples": [
            {"stack": [0, 1, leaf], "count": n, "thread": "MainThread", "tags": {"transaction": TRANSACTION}}
            for leaf, n in VERSIONS[version].items()
            if n
        ],
    }


@pytest.fixture(scope="module")
def profiles(server):
    now = time.time()
    old = upload(server, doc("1.4", now - 1500))
    new = upload(server, doc("1.5", now - 900))
    return old["id"], new["id"]


def diff_json(server, query: str) -> dict:
    return server.get_json("/api/v1/diff?" + query)


def test_the_grown_function_is_drawn_slower_in_both_views(server, driver, profiles, shot):
    old, new = profiles
    query = f"base.profile={old}&target.profile={new}"
    open_compare(driver, f"{server.url}/compare?{query}")
    tree = diff_json(server, query)
    grown = frame_path(tree, ["main", "handle", "price_order"])
    gone = frame_path(tree, ["main", "handle", "old_cache"])
    same = frame_path(tree, ["main", "handle", "render_page"])
    sides = driver.find_element(By.ID, "compare-sides").text
    assert sides == f"base: profile {old} (80 samples) · target: profile {new} (110 samples)"
    assert slower(colour_at(driver, grown)), colour_at(driver, grown)
    # Removed code still shows, sized by its baseline share, in the "faster" colour.
    assert faster(colour_at(driver, gone)), colour_at(driver, gone)
    # render_page: 62.5% of the base, 45.5% of the target: less of the time.
    assert faster(colour_at(driver, same))
    shot("sunburst")
    # The legend: a ramp in percentage points, clamped at the biggest change made round.
    legend = driver.find_element(By.ID, "legend").text
    assert "\u221250 pp" in legend and "+50 pp" in legend and "more time (slower)" in legend
    ramp = driver.execute_script("return getComputedStyle(document.querySelector('.diff-legend-bar')).backgroundImage")
    assert ramp.startswith("linear-gradient")
    # The same node in the icicle.
    driver.find_element(By.ID, "view-icicle").click()
    wait_for(driver, "window.treering.state().view === 'icicle'")
    assert slower(colour_at(driver, grown))
    assert faster(colour_at(driver, gone))
    shot("icicle")


def test_hover_shows_both_sides_and_the_change(server, driver, profiles):
    old, new = profiles
    open_compare(driver, f"{server.url}/compare?base.profile={old}&target.profile={new}")
    grown = frame_path(diff_json(server, f"base.profile={old}&target.profile={new}"), ["main", "handle", "price_order"])
    hover_node(driver, grown)
    text = wait_for(
        driver, "!document.getElementById('tooltip').hidden && document.getElementById('tooltip').innerText"
    )
    assert "price_order" in text and "shop/pricing.py:9" in text
    assert "base: total 10 samples (12.5%) · self 10 samples (12.5%)" in text
    assert "target: total 60 samples (54.5%) · self 60 samples (54.5%)" in text
    assert "change: total +42.0 pp · self +42.0 pp" in text


def top_changes(driver):
    return [
        [td.text for td in tr.find_elements(By.TAG_NAME, "td")]
        for tr in driver.find_elements(By.CSS_SELECTOR, "#top-changes tbody tr")
    ]


def test_top_changes_by_self_and_total_select_the_node(server, driver, profiles):
    old, new = profiles
    query = f"base.profile={old}&target.profile={new}"
    open_compare(driver, f"{server.url}/compare?{query}&focus=all")
    assert top_changes(driver) == [
        ["price_order", "12.5%", "54.5%", "+42.0 pp"],
        ["old_cache", "25.0%", "0%", "\u221225.0 pp"],
        ["render_page", "62.5%", "45.5%", "\u221217.0 pp"],
    ]
    driver.find_element(By.CSS_SELECTOR, "[data-changes=total]").click()
    wait_for(driver, "new URLSearchParams(location.search).get('changes') === 'total'")
    # main and handle hold every sample on both sides: no change, no row.
    assert [r[0] for r in top_changes(driver)] == ["price_order", "old_cache", "render_page"]
    before = driver.execute_script("return performance.getEntriesByName('treering-zoom').length")
    driver.find_elements(By.CSS_SELECTOR, "#top-changes tbody tr")[0].click()
    wait_for(driver, f"performance.getEntriesByName('treering-zoom').length > {before}")
    assert driver.execute_script("return window.treering.focus()") == frame_path(
        diff_json(server, query), ["main", "handle", "price_order"]
    )


def test_the_url_holds_the_view_and_a_reload_draws_the_same(server, driver, profiles):
    old, new = profiles
    query = f"base.profile={old}&target.profile={new}"
    tree = diff_json(server, query)
    open_compare(driver, f"{server.url}/compare?{query}&focus=all")
    handle = frame_path(tree, ["main", "handle"])
    grown = frame_path(tree, ["main", "handle", "price_order"])
    click_node(driver, frame_path(tree, ["main"]))
    click_node(driver, handle)
    driver.find_element(By.ID, "view-icicle").click()
    driver.find_element(By.CSS_SELECTOR, "[data-changes=total]").click()
    search = driver.find_element(By.ID, "search")
    search.send_keys("price")
    wait_for(driver, "new URLSearchParams(location.search).get('q') === 'price'")
    url = driver.current_url
    q = parse_qs(urlparse(url).query)
    assert q["base.profile"] == [str(old)] and q["target.profile"] == [str(new)]
    assert q["view"] == ["icicle"] and q["focus"] == [handle] and q["changes"] == ["total"]
    colour = colour_at(driver, grown)
    driver.refresh()
    assert wait_compare(driver) == "true"
    assert driver.execute_script("return window.treering.focus()") == handle
    assert driver.execute_script("return window.treering.state().view") == "icicle"
    assert driver.find_element(By.ID, "search").get_attribute("value") == "price"
    assert driver.find_element(By.CSS_SELECTOR, "[data-changes=total]").get_attribute("class") == "active"
    assert colour_at(driver, grown) == colour
    assert driver.current_url == url


@pytest.mark.parametrize(
    "query, message",
    [
        ("base.profile=abc&target.profile=1", "base.profile: must be a profile id"),
        ("base.profile=1", "target: required"),
        ("base.app=shop-compare&base.from=1e300&target.profile=1", "base.from: must be a Unix time"),
    ],
)
def test_a_wrong_side_is_named_on_the_page(server, driver, profiles, query, message):
    driver.get(f"{server.url}/compare?{query}")
    assert wait_compare(driver) == "error"
    error = driver.find_element(By.ID, "error")
    assert error.is_displayed() and message in error.text, error.text


def names_drawn(driver) -> list[str]:
    return driver.execute_script("return window.treering.nodes().map(n => n.name)")


def test_callers_from_a_top_functions_row_and_back(server, driver, profiles, shot):
    _, new = profiles
    open_page(driver, f"{server.url}/profiles/{new}?focus=all&frames=all")
    row = next(
        tr
        for tr in driver.find_elements(By.CSS_SELECTOR, "#top tbody tr")
        if tr.find_element(By.CSS_SELECTOR, "td.fn").text == "price_order"
    )
    row.find_element(By.CSS_SELECTOR, ".fn-menu-button").click()
    driver.find_element(By.CSS_SELECTOR, "#fn-menu button[data-dir=callers]").click()
    wait_for(
        driver,
        "document.getElementById('function-mode').dataset.dir === 'callers' && "
        "performance.getEntriesByName('treering-function-view').length > 0",
    )
    banner = driver.find_element(By.ID, "function-mode").text
    assert banner.startswith("Callers of price_order")
    # The function at the root, its callers outward.
    assert names_drawn(driver) == ["all", "price_order", "handle", "main"]
    q = parse_qs(urlparse(driver.current_url).query)
    assert q["fn"] == ["price_order"] and q["fnfile"] == ["shop/pricing.py"] and q["dir"] == ["callers"]
    shot("callers")
    # A reload keeps it; the other direction, then back to the whole tree.
    driver.refresh()
    wait_for(driver, "performance.getEntriesByName('treering-function-view').length > 0")
    assert names_drawn(driver) == ["all", "price_order", "handle", "main"]
    driver.find_element(By.LINK_TEXT, "Callees of price_order").click()
    wait_for(driver, "document.getElementById('function-mode').dataset.dir === 'callees'")
    wait_for(driver, "window.treering.nodes().length === 2")
    assert names_drawn(driver) == ["all", "price_order"]
    driver.find_element(By.LINK_TEXT, "Back to the whole tree").click()
    wait_for(driver, "document.getElementById('function-mode').hidden")
    assert "render_page" in names_drawn(driver)
    assert "fn" not in parse_qs(urlparse(driver.current_url).query)
    # The browser's Back returns to the callees.
    driver.back()
    wait_for(driver, "window.treering.nodes().length === 2")


def test_callers_in_the_diff_view_from_a_node_menu_and_search(server, driver, profiles):
    old, new = profiles
    query = f"base.profile={old}&target.profile={new}"
    open_compare(driver, f"{server.url}/compare?{query}&focus=all")
    grown = frame_path(diff_json(server, query), ["main", "handle", "price_order"])
    point = driver.execute_script("return window.treering.locate(arguments[0])", grown)
    canvas = driver.find_element(By.CSS_SELECTOR, "#chart canvas")
    box = canvas.rect
    ActionChains(driver).move_to_element_with_offset(
        canvas, int(point["x"] - box["x"] - box["width"] / 2), int(point["y"] - box["y"] - box["height"] / 2)
    ).context_click().perform()
    driver.find_element(By.CSS_SELECTOR, "#fn-menu button[data-dir=callers]").click()
    wait_for(driver, "performance.getEntriesByName('treering-function-view').length > 0")
    assert names_drawn(driver) == ["all", "price_order", "handle", "main"]
    # Still a diff: the function grew, so its outermost caller is drawn slower
    # (the view opens where the chain of callers branches, at handle).
    assert slower(
        colour_at(
            driver,
            frame_path(
                server.get_json(f"/api/v1/diff/callers?function=price_order&{query}"), ["price_order", "handle", "main"]
            ),
        )
    )
    driver.find_element(By.LINK_TEXT, "Back to the whole tree").click()
    wait_for(driver, "document.getElementById('function-mode').hidden")
    # Search: a function's exact name offers its callees.
    driver.find_element(By.ID, "search").send_keys("handle")
    driver.find_element(By.CSS_SELECTOR, "#fn-search").find_element(By.LINK_TEXT, "callees").click()
    wait_for(driver, "document.getElementById('function-mode').dataset.dir === 'callees'")
    wait_for(driver, "window.treering.nodes().length === 5")
    assert sorted(names_drawn(driver)) == ["all", "handle", "old_cache", "price_order", "render_page"]


def test_compare_one_label_value_with_another_from_the_app_page(server, driver, profiles, shot):
    open_page(driver, f"{server.url}/apps/{APP}?range=1h")
    driver.find_element(By.CSS_SELECTOR, "#compare-with summary").click()
    wait_for(driver, "document.getElementById('compare-label-go')")
    # The previous period of the same length, and a day and a week earlier.
    shown = parse_qs(driver.execute_script("return window.treeringApp.shown()"))
    frm, until = float(shown["from"][0]), float(shown["until"][0])
    previous = parse_qs(urlparse(driver.find_element(By.ID, "compare-previous").get_attribute("href")).query)
    assert float(previous["base.from"][0]) == frm - (until - frm) and float(previous["base.until"][0]) == frm
    assert float(previous["target.from"][0]) == frm and previous["target.app"] == [APP]
    day = parse_qs(urlparse(driver.find_element(By.ID, "compare-day").get_attribute("href")).query)
    assert float(day["base.from"][0]) == frm - 86400
    Select(driver.find_element(By.ID, "compare-label")).select_by_visible_text("version")
    Select(driver.find_element(By.ID, "compare-base-value")).select_by_visible_text("1.4")
    Select(driver.find_element(By.ID, "compare-target-value")).select_by_visible_text("1.5")
    driver.find_element(By.ID, "compare-label-go").click()
    wait_for(driver, "location.pathname === '/compare'")
    assert wait_compare(driver) == "true", driver.find_element(By.ID, "error").text
    q = parse_qs(urlparse(driver.current_url).query)
    assert q["base.version"] == ["1.4"] and q["target.version"] == ["1.5"] and q["base.app"] == [APP]
    sides = driver.find_element(By.ID, "compare-sides").text
    assert sides.startswith(f"base: {APP}, version=1.4, ") and f" · target: {APP}, version=1.5, " in sides
    assert sides.endswith("(110 samples)")
    tree = diff_json(server, urlparse(driver.current_url).query)
    assert slower(colour_at(driver, frame_path(tree, ["main", "handle", "price_order"])))
    shot("from-app")


def test_compare_one_label_value_with_the_rest_from_the_app_page(server, driver, profiles):
    open_page(driver, f"{server.url}/apps/{APP}?range=1h")
    driver.find_element(By.CSS_SELECTOR, "#compare-with summary").click()
    wait_for(driver, "document.getElementById('compare-label-go')")
    Select(driver.find_element(By.ID, "compare-label")).select_by_visible_text("version")
    Select(driver.find_element(By.ID, "compare-base-value")).select_by_visible_text("the rest (every other value)")
    Select(driver.find_element(By.ID, "compare-target-value")).select_by_visible_text("1.5")
    driver.find_element(By.ID, "compare-label-go").click()
    wait_for(driver, "location.pathname === '/compare'")
    assert wait_compare(driver) == "true", driver.find_element(By.ID, "error").text
    q = parse_qs(urlparse(driver.current_url).query)
    # The base is every series but version 1.5's (the API's `version!=1.5`).
    assert q["base.version!"] == ["1.5"] and q["target.version"] == ["1.5"]
    assert "version!=1.5" in driver.find_element(By.ID, "compare-sides").text
    tree = diff_json(server, urlparse(driver.current_url).query)
    assert tree["base"]["total"] == 80 and tree["target"]["total"] == 110
    assert slower(colour_at(driver, frame_path(tree, ["main", "handle", "price_order"])))


def test_compare_a_session_with_the_apps_usual(server, driver, profiles, shot):
    status, session = server.post(
        f"/api/v1/apps/{APP}/sessions", json.dumps({"transaction": TRANSACTION, "requests": 2}).encode()
    )
    assert status == 201, session
    now = time.time()
    for i in range(2):
        request = {
            "format": "treering/1",
            "app": APP,
            "host": "web-1",
            "start": now - 0.3,
            "end": now,
            "interval_ms": 5,
            "frames": FRAMES,
            "samples": [
                {"stack": [0, 1, 2], "count": 50, "thread": "MainThread"},
                {"stack": [0, 1, 3], "count": 10, "thread": "MainThread"},
            ],
            "tags": {"transaction": TRANSACTION, "treering.request": f"r{i}", "treering.wall_ms": "300"},
        }
        status, body = server.post(f"/api/v1/sessions/{session['id']}/requests", json.dumps(request).encode())
        assert status == 201, body
    open_page(driver, f"{server.url}/sessions/{session['id']}")
    driver.find_element(By.CSS_SELECTOR, "#compare-with summary").click()
    # The menu is filled on its toggle event, which comes after the click.
    wait_for(driver, "document.getElementById('compare-usual-hour')")
    link = driver.find_element(By.ID, "compare-usual-hour")
    q = parse_qs(urlparse(link.get_attribute("href")).query)
    assert (
        q["base.app"] == [APP]
        and q["base.transaction"] == [TRANSACTION]
        and q["target.session"] == [str(session["id"])]
    )
    assert float(q["base.until"][0]) - float(q["base.from"][0]) == 3600
    link.click()
    assert wait_compare(driver) == "true", driver.find_element(By.ID, "error").text
    sides = driver.find_element(By.ID, "compare-sides").text
    assert f"transaction={TRANSACTION}" in sides and f"target: session {session['id']} (120 samples)" in sides
    tree = diff_json(server, urlparse(driver.current_url).query)
    # The session's requests spent 83% in price_order; the app's usual 35%.
    assert slower(colour_at(driver, frame_path(tree, ["main", "handle", "price_order"])))
    shot("from-session")


def test_compare_a_profile_with_another_by_id(server, driver, profiles):
    old, new = profiles
    open_page(driver, f"{server.url}/profiles/{new}")
    driver.find_element(By.CSS_SELECTOR, "#compare-with summary").click()
    # The app's recent profiles are offered; typing an id works too.
    wait_for(driver, "document.getElementById('compare-recent')")
    assert f"profile {old}" in driver.find_element(By.ID, "compare-recent").text
    driver.find_element(By.ID, "compare-profile").send_keys(f"{server.url}/profiles/{old}\n")
    wait_for(driver, "location.pathname === '/compare'")
    assert wait_compare(driver) == "true"
    q = parse_qs(urlparse(driver.current_url).query)
    assert q["base.profile"] == [str(old)] and q["target.profile"] == [str(new)]


def test_copy_link_gives_a_shared_link_that_draws_the_same_comparison(server, driver, profiles):
    old, new = profiles
    query = f"base.profile={old}&target.profile={new}"
    tree = diff_json(server, query)
    handle = frame_path(tree, ["main", "handle"])
    grown = frame_path(tree, ["main", "handle", "price_order"])
    open_compare(driver, f"{server.url}/compare?{query}&view=icicle&focus={handle}")
    colour = colour_at(driver, grown)
    driver.find_element(By.ID, "copy-link").click()
    # A stored comparison: /c/TOKEN keeps both sides, the link adds the view.
    link = wait_for(driver, "document.getElementById('copy-link').dataset.url")
    assert link.startswith(server.url + "/c/") and "base." not in link, link
    sides = driver.find_element(By.ID, "compare-sides").text
    driver.get("about:blank")
    open_compare(driver, link)
    assert driver.find_element(By.ID, "compare-sides").text == sides
    assert driver.execute_script("return window.treering.focus()") == handle
    assert driver.execute_script("return window.treering.state().view") == "icicle"
    assert colour_at(driver, grown) == colour
    # Callers on the shared page ask the shared comparison's own route.
    row = next(
        tr
        for tr in driver.find_elements(By.CSS_SELECTOR, "#top tbody tr")
        if tr.find_element(By.CSS_SELECTOR, "td.fn").text == "price_order"
    )
    row.find_element(By.CSS_SELECTOR, ".fn-menu-button").click()
    driver.find_element(By.CSS_SELECTOR, "#fn-menu button[data-dir=callers]").click()
    wait_for(driver, "performance.getEntriesByName('treering-function-view').length > 0")
    assert names_drawn(driver) == ["all", "price_order", "handle", "main"]
    assert urlparse(driver.current_url).path.startswith("/c/")
