"""The profile page in a real Chromium against the real server: the picture,
zoom, breadcrumbs, URL state, view switch, search, tooltip, top functions and
share links, as a user would check them."""

from urllib.parse import parse_qs, urlparse

import pytest
from selenium.webdriver.common.by import By
from selenium.webdriver.common.keys import Keys

from browser_support import (
    SHOTS,
    breadcrumbs,
    click_node,
    frame_path,
    hover_node,
    new_driver,
    open_page,
    pixel_alpha,
    upload,
    wait_for,
    wait_ready,
    wait_zoomed,
    zooms,
)

FRAMES = [
    {"name": "<module>", "file": "manage.py", "line": 1},
    {"name": "get_response", "file": "django/core/handlers/base.py", "line": 165},
    {"name": "order_list", "file": "shop/views.py", "line": 42},
    {"name": "render", "file": "django/template/base.py", "line": 1000},
    {"name": "price_total", "file": "shop/pricing.py", "line": 10},
    {"name": "execute_sql", "file": "django/db/models/sql/compiler.py", "line": 1500},
]
SHOP = {
    "format": "treering/1",
    "app": "shop-web",
    "host": "web-3",
    "pid": 4121,
    "start": 1732460000.0,
    "end": 1732460010.0,
    "interval_ms": 10,
    # The agent counts its ticks: 500 in 10 s is half the 100 Hz asked (a starved sampler).
    "tags": {"env": "prod", "treering.samples": "500"},
    "frames": FRAMES,
    "samples": [
        {"stack": [0, 1, 2, 4], "count": 50, "thread": "MainThread"},
        {"stack": [0, 1, 2, 5], "count": 20, "thread": "MainThread"},
        {"stack": [0, 1, 3], "count": 25, "thread": "MainThread"},
        {"stack": [0, 1], "count": 5, "thread": "MainThread"},
    ],
}
ORDER_LIST = ["<module>", "get_response", "order_list"]


@pytest.fixture(scope="module")
def shop(server):
    answer = upload(server, SHOP)
    tree = server.get_json(f"/api/v1/profiles/{answer['id']}/tree")
    return answer, tree


def query(driver) -> dict:
    return {k: v[0] for k, v in parse_qs(urlparse(driver.current_url).query).items()}


def test_page_draws_every_node_and_lists_the_hot_function(server, driver, shop, shot):
    answer, _ = shop
    open_page(driver, server.url + answer["url"])
    shot("sunburst")
    canvas = driver.find_element(By.CSS_SELECTOR, "#chart canvas")
    # It opens where the tree branches: get_response holds every sample, and
    # its four callees are drawn around it, all big enough to be drawn one by one.
    assert breadcrumbs(driver) == ["all", "<module>", "get_response"]
    assert int(canvas.get_attribute("data-drawn")) == 4
    first_row = driver.find_elements(By.CSS_SELECTOR, "#top tbody tr")[0].text
    assert first_row.startswith("price_total") and "50.0%" in first_row
    meta = driver.find_element(By.ID, "meta").text
    assert "shop-web" in meta and "web-3" in meta and "env" in meta
    assert "sampling rate\n50 Hz of 100 Hz asked" in meta
    # Up to the whole tree: the six nodes below the root.
    driver.find_elements(By.CSS_SELECTOR, "#breadcrumbs a")[0].click()
    wait_for(driver, "window.treering.state().focus === 'all'")
    wait_for(driver, "document.querySelector('#chart canvas').dataset.drawn === '6'", what="six nodes drawn")
    painted = driver.execute_script("""
        const c = document.querySelector('#chart canvas');
        const d = c.getContext('2d').getImageData(0, 0, c.width, c.height).data;
        let n = 0; for (let i = 3; i < d.length; i += 4) if (d[i] > 0) n++;
        return n / (c.width * c.height);""")
    assert painted > 0.2, f"only {painted:.0%} of the canvas is painted"


def test_click_zooms_updates_breadcrumbs_and_url_and_reload_keeps_it(server, driver, shop, shot):
    answer, tree = shop
    open_page(driver, server.url + answer["url"])
    path = frame_path(tree, ORDER_LIST)
    click_node(driver, path)
    shot("zoomed-sunburst")
    assert breadcrumbs(driver) == ["all", *ORDER_LIST]
    assert query(driver)["focus"] == path
    # The focus sits in the centre; its callees now go all the way round.
    canvas = driver.find_element(By.CSS_SELECTOR, "#chart canvas").rect
    centre = driver.execute_script("return window.treering.locate(arguments[0])", path)
    assert abs(centre["x"] - (canvas["x"] + canvas["width"] / 2)) < 2
    driver.refresh()
    wait_ready(driver)
    assert breadcrumbs(driver) == ["all", *ORDER_LIST]
    assert query(driver)["focus"] == path
    # A crumb zooms back out to where it points.
    before = zooms(driver)
    driver.find_elements(By.CSS_SELECTOR, "#breadcrumbs a")[1].click()
    wait_zoomed(driver, before)
    assert breadcrumbs(driver) == ["all", "<module>"]
    # Esc goes up one level, clicking the centre too.
    before = zooms(driver)
    driver.find_element(By.TAG_NAME, "body").send_keys(Keys.ESCAPE)
    wait_zoomed(driver, before)
    assert breadcrumbs(driver) == ["all"]
    # The whole tree, asked for: a reload keeps it (no focus would open where it branches).
    assert query(driver)["focus"] == "all"


def test_a_deep_framework_stack_is_drawn_to_its_leaf(server, driver):
    # A Django view sits a dozen frames deep; on a 1400x1000 window the
    # sunburst has room for rings down to it without zooming.
    frames = [{"name": f"layer_{i}", "file": f"framework/layer{i}.py", "line": i + 1} for i in range(13)]
    doc = {
        **SHOP,
        "frames": frames,
        "tags": {},
        "samples": [{"stack": list(range(13)), "count": 40, "thread": "MainThread"}],
    }
    open_page(driver, server.url + upload(server, doc)["url"] + "?focus=all")  # the whole chain, not its branch point
    assert int(driver.find_element(By.CSS_SELECTOR, "#chart canvas").get_attribute("data-drawn")) == 13


def test_back_undoes_zoom_and_view_steps_and_stays_on_the_page(server, driver, shop):
    answer, tree = shop
    open_page(driver, server.url + answer["url"])
    path = frame_path(tree, ORDER_LIST)
    click_node(driver, path)
    driver.find_element(By.CSS_SELECTOR, "[data-view='icicle']").click()
    assert query(driver) == {"view": "icicle", "focus": path}
    driver.back()
    wait_for(driver, "window.treering.state().view === 'sunburst'", what="the sunburst again")
    assert query(driver) == {"focus": path} and breadcrumbs(driver) == ["all", *ORDER_LIST]
    driver.back()
    wait_for(driver, "window.treering.state().focus === ''", what="the first picture again")
    # The first picture: no focus in the URL, opened where the tree branches.
    assert (
        breadcrumbs(driver) == ["all", "<module>", "get_response"]
        and urlparse(driver.current_url).path == answer["url"]
    )
    driver.forward()
    wait_for(driver, f"window.treering.state().focus === '{path}'", what="the zoom again")
    assert breadcrumbs(driver) == ["all", *ORDER_LIST]


def test_icicle_keeps_the_focus_and_clicking_the_focus_goes_up(server, driver, shop, shot):
    answer, tree = shop
    path = frame_path(tree, ORDER_LIST)
    open_page(driver, f"{server.url}{answer['url']}?focus={path}")
    driver.find_element(By.ID, "view-icicle").click()
    wait_for(driver, "window.treering.state().view === 'icicle'")
    shot("icicle")
    assert query(driver) == {"view": "icicle", "focus": path}
    assert breadcrumbs(driver) == ["all", *ORDER_LIST]
    # The focused bar spans the whole width; its callers stay above it.
    canvas = driver.find_element(By.CSS_SELECTOR, "#chart canvas").rect
    bar = driver.execute_script("return window.treering.locate(arguments[0])", path)
    assert abs(bar["x"] - (canvas["x"] + canvas["width"] / 2)) < 2
    click_node(driver, path)
    assert breadcrumbs(driver) == ["all", "<module>", "get_response"]
    driver.refresh()
    wait_ready(driver)
    assert driver.find_element(By.ID, "view-icicle").get_attribute("class") == "active"
    assert breadcrumbs(driver) == ["all", "<module>", "get_response"]


def test_search_highlights_matches_and_says_their_share(server, driver, shop, shot):
    answer, tree = shop
    open_page(driver, server.url + answer["url"])
    box = driver.find_element(By.ID, "search")
    box.send_keys("shop/")
    wait_for(driver, "document.getElementById('search-result').textContent.length > 0")
    shot("search")
    # order_list and price_total match; price_total is under order_list, so
    # the samples covered are order_list's 70, counted once.
    assert driver.find_element(By.ID, "search-result").text == "2 matches · 70.0% of samples"
    assert query(driver)["q"] == "shop/"
    assert pixel_alpha(driver, frame_path(tree, ORDER_LIST)) == 255
    assert pixel_alpha(driver, frame_path(tree, ["<module>", "get_response", "render"])) < 128
    driver.refresh()
    wait_ready(driver)
    assert driver.find_element(By.ID, "search").get_attribute("value") == "shop/"
    assert driver.find_element(By.ID, "search-result").text == "2 matches · 70.0% of samples"


def test_tooltip_names_the_function_and_its_share(server, driver, shop):
    answer, tree = shop
    open_page(driver, server.url + answer["url"])
    hover_node(driver, frame_path(tree, ORDER_LIST + ["price_total"]))
    tip = wait_for(driver, "!document.getElementById('tooltip').hidden && document.getElementById('tooltip').innerText")
    assert "price_total" in tip
    assert "shop/pricing.py:10" in tip
    # 50 samples at 10 ms: the time goes with the count it comes from.
    assert "total 50 samples ≈ 500 ms (50.0% of all, 71.4% of parent)" in tip
    assert "self 50 samples ≈ 500 ms (50.0% of all)" in tip


def test_top_functions_row_selects_the_node(server, driver, shop):
    answer, _ = shop
    open_page(driver, server.url + answer["url"])
    before = zooms(driver)
    driver.find_element(By.XPATH, "//table[@id='top']//td[text()='execute_sql']").click()
    wait_zoomed(driver, before)
    assert breadcrumbs(driver) == ["all", *ORDER_LIST, "execute_sql"]
    # The table now counts within execute_sql, and says so.
    assert driver.find_element(By.ID, "top-scope").text.startswith("within execute_sql (20.0% of samples)")
    assert [td.text for td in driver.find_elements(By.CSS_SELECTOR, "#top tbody td.fn")] == ["execute_sql"]
    before = zooms(driver)
    driver.find_element(By.LINK_TEXT, "whole tree").click()
    wait_zoomed(driver, before)
    # Sorting by total puts the outermost frame first.
    driver.find_element(By.CSS_SELECTOR, "th[data-sort=total]").click()
    assert driver.find_elements(By.CSS_SELECTOR, "#top tbody tr td")[0].text == "<module>"


def test_share_link_opens_the_same_view_in_another_browser(server, driver, shop, shot):
    answer, tree = shop
    path = frame_path(tree, ORDER_LIST)
    open_page(driver, f"{server.url}{answer['url']}?view=icicle&q=price")
    click_node(driver, path)
    driver.find_element(By.ID, "copy-link").click()
    link = wait_for(driver, "document.getElementById('copy-link').dataset.url")
    assert urlparse(link).path == answer["share_url"]
    assert parse_qs(urlparse(link).query) == {"view": ["icicle"], "focus": [path], "q": ["price"]}
    other = new_driver()
    try:
        open_page(other, link)
        other.save_screenshot(str(SHOTS / "share-link-in-another-browser.png"))
        assert breadcrumbs(other) == ["all", *ORDER_LIST]
        assert other.find_element(By.ID, "view-icicle").get_attribute("class") == "active"
        assert other.find_element(By.ID, "search").get_attribute("value") == "price"
        assert other.find_element(By.ID, "search-result").text == "1 match · 50.0% of samples"
    finally:
        other.quit()


def test_index_lists_the_profile_and_links_to_it(server, driver, shop):
    answer, _ = shop
    driver.get(server.url + "/")
    link = driver.find_element(By.CSS_SELECTOR, f"a[href='{answer['url']}']")
    assert "shop-web" in driver.find_element(By.TAG_NAME, "main").text
    link.click()
    wait_ready(driver)
    assert urlparse(driver.current_url).path == answer["url"]
