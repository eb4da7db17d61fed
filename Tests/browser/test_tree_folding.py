"""Library frames folded, idle apart, the initial focus, lines merged and Top
functions within the zoom (issue 20), on a real Django app's profile
(Tests/vectors/agent/django-gunicorn) and a real py-spy raw file, in a real
Chromium against the real server."""

from __future__ import annotations

import json
from pathlib import Path

from support.treering_server import REPO

DJANGO = REPO / "Tests" / "vectors" / "agent" / "django-gunicorn"


def django_documents() -> list[dict]:
    return [json.loads(p.read_text()) for p in sorted(DJANGO.glob("*.json"))]


def django_upload(idle_stacks: bool = False) -> dict:
    """The captured documents (master and two workers) as one upload. With
    `idle_stacks`, the samples each document left out as idle become an
    `(idle)` stack of that count (as an older agent or py-spy --idle sends),
    and the tag that counted them goes."""
    docs = django_documents()
    frames: list[dict] = []
    index: dict[tuple, int] = {}
    samples: list[dict] = []
    for doc in docs:
        local = []
        for f in doc["frames"]:
            key = (f["name"], f.get("file", ""), f.get("line", 0))
            if key not in index:
                index[key] = len(frames)
                frames.append(f)
            local.append(index[key])
        for s in doc["samples"]:
            samples.append({**s, "stack": [local[i] for i in s["stack"]]})
        idle = int(doc.get("tags", {}).get("treering.idle_samples", 0))
        if idle_stacks and idle:
            if ("(idle)", "", 0) not in index:
                index[("(idle)", "", 0)] = len(frames)
                frames.append({"name": "(idle)", "file": "", "line": 0})
            samples.append({"stack": [index[("(idle)", "", 0)]], "count": idle, "thread": "idle"})
    first = docs[0]
    return {
        "format": "treering/1",
        "app": "django-shop",
        "host": first.get("host", "capture"),
        "pid": first["pid"],
        "start": min(d["start"] for d in docs),
        "end": max(d["end"] for d in docs),
        "interval_ms": first["interval_ms"],
        "tags": {},
        "frames": frames,
        "samples": samples,
    }


import re  # noqa: E402
from urllib.parse import parse_qs, urlparse  # noqa: E402

import pytest  # noqa: E402
from selenium.webdriver.common.action_chains import ActionChains  # noqa: E402
from selenium.webdriver.common.by import By  # noqa: E402

from browser_support import breadcrumbs, click_node, open_page, upload, wait_for, wait_ready, wait_zoomed, zooms  # noqa: E402

SHOTS = Path("/tmp/fold-shots")
PYSPY = REPO / "Tests" / "vectors" / "importers" / "pyspy.txt"
FOLDED_NAME = re.compile(r"^[\w.]+(, [\w.]+)*( \+\d+)? · \d+ frames$")


@pytest.fixture(scope="module")
def django(server):
    return upload(server, django_upload())


def query(driver) -> dict:
    return {k: v[0] for k, v in parse_qs(urlparse(driver.current_url).query).items()}


def nodes(driver) -> list[dict]:
    return driver.execute_script("return window.treering.nodes()")


def node(driver, name: str) -> dict:
    found = [n for n in nodes(driver) if n["name"] == name]
    assert found, f"{name} is not in the drawn tree"
    return max(found, key=lambda n: n["total"])


def on_screen(driver, path: str) -> bool:
    """Drawn, and inside the window without scrolling."""
    point = driver.execute_script("return window.treering.locate(arguments[0])", path)
    size = driver.execute_script("return [window.innerWidth, window.innerHeight]")
    return bool(point) and 0 <= point["x"] <= size[0] and 0 <= point["y"] <= size[1]


def shot(driver, name: str) -> None:
    SHOTS.mkdir(parents=True, exist_ok=True)
    driver.save_screenshot(str(SHOTS / f"{name}.png"))


def click_at(driver, path: str) -> None:
    point = driver.execute_script("return window.treering.locate(arguments[0])", path)
    assert point, f"{path} is not drawn"
    ActionChains(driver).move_by_offset(0, 0).perform()
    from selenium.webdriver.common.actions.action_builder import ActionBuilder

    actions = ActionBuilder(driver)
    actions.pointer_action.move_to_location(int(point["x"]), int(point["y"])).click()
    actions.perform()


@pytest.mark.parametrize("view", ["sunburst", "icicle"])
def test_django_middleware_is_folded_and_the_view_is_on_screen(server, driver, django, view):
    open_page(driver, f"{server.url}{django['url']}?view={view}")
    shot(driver, f"django-after-{view}")
    folded = [n for n in nodes(driver) if n["folded"]]
    # The thread's bootstrap, gunicorn's worker and Django's middleware chain
    # down to the view: one folded node, named after its packages, django first.
    chain = max(folded, key=lambda n: n["total"])
    assert FOLDED_NAME.match(chain["name"]) and chain["name"].startswith("django"), chain
    assert int(chain["name"].rsplit(" · ", 1)[1].split()[0]) >= 20
    assert not any(n["name"] == "MiddlewareMixin.__call__" for n in nodes(driver))
    # The view and its own hot function are drawn, in the window, unscrolled.
    invoice = node(driver, "invoice")
    assert invoice["depth"] <= 3, invoice
    assert on_screen(driver, invoice["path"]) and on_screen(driver, node(driver, "price_lines")["path"])
    # Folding changes no total: the folded node holds what its first frame held.
    assert driver.execute_script("return window.treering.total()") == sum(
        s["count"] for s in django_upload()["samples"]
    )


def test_clicking_a_folded_node_expands_it_in_place_and_the_url_keeps_it(server, driver, django):
    open_page(driver, f"{server.url}{django['url']}?focus=all")
    chain = max((n for n in nodes(driver) if n["folded"]), key=lambda n: n["total"])
    total = chain["total"]
    click_at(driver, chain["path"])
    wait_for(driver, "window.treering.state().expand.length === 1", what="the run to open")
    shot(driver, "django-expanded")
    names = [n["name"] for n in nodes(driver)]
    assert chain["name"] not in names and "MiddlewareMixin.__call__" in names
    # The run's first frame now stands where the folded node stood, same total.
    first = [n for n in nodes(driver) if n["depth"] == 1 and n["total"] == total and not n["folded"]]
    assert first, nodes(driver)[:5]
    expand = query(driver)["expand"]
    assert expand and "frames" not in query(driver)
    driver.refresh()
    wait_ready(driver)
    assert "MiddlewareMixin.__call__" in [n["name"] for n in nodes(driver)]
    # Back closes it again.
    driver.back()
    wait_for(driver, "window.treering.state().expand.length === 0", what="the run folded again")
    assert chain["name"] in [n["name"] for n in nodes(driver)]


def test_all_frames_toggle_and_its_url(server, driver, django):
    open_page(driver, server.url + django["url"])
    driver.find_element(By.ID, "all-frames").click()
    wait_for(driver, "window.treering.state().frames === 'all'")
    assert query(driver)["frames"] == "all"
    assert not any(n["folded"] for n in nodes(driver))
    assert "MiddlewareMixin.__call__" in [n["name"] for n in nodes(driver)]
    driver.refresh()
    wait_ready(driver)
    assert driver.find_element(By.ID, "all-frames").is_selected()
    assert not any(n["folded"] for n in nodes(driver))
    driver.find_element(By.ID, "all-frames").click()
    wait_for(driver, "window.treering.state().frames === ''")
    assert "frames" not in query(driver) and any(n["folded"] for n in nodes(driver))


def test_idle_samples_are_apart_with_a_figure_and_a_toggle(server, driver):
    doc = django_upload(idle_stacks=True)
    idle = sum(s["count"] for s in doc["samples"] if doc["frames"][s["stack"][-1]]["name"] == "(idle)")
    everything = sum(s["count"] for s in doc["samples"])
    answer = upload(server, doc)
    open_page(driver, server.url + answer["url"])
    shot(driver, "django-idle-apart")
    figure = driver.find_element(By.ID, "idle-figure")
    assert figure.is_displayed()
    assert figure.text == f"{round(100 * idle / everything)}% of samples were idle threads"
    assert driver.execute_script("return window.treering.total()") == everything - idle
    assert "(idle)" not in [n["name"] for n in nodes(driver)]
    driver.find_element(By.ID, "show-idle").click()
    wait_for(driver, "window.treering.state().idle === 'show'")
    assert query(driver)["idle"] == "show"
    assert driver.execute_script("return window.treering.total()") == everything
    assert "(idle)" in [n["name"] for n in nodes(driver)]
    driver.refresh()
    wait_ready(driver)
    assert driver.execute_script("return window.treering.total()") == everything


def test_no_idle_no_figure(server, driver, django):
    open_page(driver, server.url + django["url"])
    assert not driver.find_element(By.ID, "idle-figure").is_displayed()


def test_opens_where_the_tree_branches_and_going_up_to_the_root_survives_a_reload(server, driver):
    # One chain of library and own frames above a branch: the page opens at the branch.
    frames = [
        {"name": "<module>", "file": "/srv/shop/manage.py", "line": 1},
        {"name": "serve", "file": "/srv/shop/server.py", "line": 10},
        {"name": "handle", "file": "/srv/shop/server.py", "line": 20},
        {"name": "orders", "file": "/srv/shop/views.py", "line": 5},
        {"name": "invoices", "file": "/srv/shop/views.py", "line": 9},
        {"name": "startup", "file": "/srv/shop/manage.py", "line": 3},
    ]
    doc = {
        "format": "treering/1", "app": "branching", "start": 1732460000.0, "end": 1732460010.0, "interval_ms": 10,
        "frames": frames,
        "samples": [
            {"stack": [0, 1, 2, 3], "count": 60},
            {"stack": [0, 1, 2, 4], "count": 37},
            {"stack": [0, 1], "count": 1},
            {"stack": [5], "count": 2},
        ],
    }  # fmt: skip
    answer = upload(server, doc)
    open_page(driver, server.url + answer["url"])
    # handle holds 97 of 100 samples and is where it branches; orders (60) is below 95%.
    assert breadcrumbs(driver) == ["all", "<module>", "serve", "handle"]
    assert "focus" not in query(driver)
    # Up one level by clicking the centre, then to the root by its crumb.
    click_node(driver, driver.execute_script("return window.treering.focus()"))
    assert breadcrumbs(driver) == ["all", "<module>", "serve"]
    before = zooms(driver)
    driver.find_elements(By.CSS_SELECTOR, "#breadcrumbs a")[0].click()
    wait_zoomed(driver, before)
    assert breadcrumbs(driver) == ["all"]
    assert query(driver)["focus"] == "all"
    driver.refresh()
    wait_ready(driver)
    assert breadcrumbs(driver) == ["all"]
    # A shared link without focus opens at the branch again.
    open_page(driver, server.url + answer["url"])
    assert breadcrumbs(driver) == ["all", "<module>", "serve", "handle"]


def test_top_functions_follow_the_zoom_and_count_library_frames_on_demand(server, driver, django):
    open_page(driver, f"{server.url}{django['url']}?focus=all")
    rows = lambda: [td.text for td in driver.find_elements(By.CSS_SELECTOR, "#top tbody td.fn")]  # noqa: E731
    whole = rows()
    assert driver.find_element(By.ID, "top-scope").text == ""
    # What the picture shows: folded runs are rows, hidden frames are not.
    assert "MiddlewareMixin.__call__" not in whole and any(FOLDED_NAME.match(r) for r in whole)
    driver.find_element(By.ID, "top-library").click()
    assert "MiddlewareMixin.__call__" in rows() and not any(FOLDED_NAME.match(r) for r in rows())
    driver.find_element(By.ID, "top-library").click()
    status = node(driver, "status")
    click_node(driver, status["path"])
    scope = driver.find_element(By.ID, "top-scope").text
    assert scope.startswith("within status (") and scope.endswith("whole tree")
    within = rows()
    assert within[0].startswith("count_open_orders") and "price_lines" not in within
    # Shares are of the zoomed node: status's own function holds nearly all of it.
    share = driver.find_elements(By.CSS_SELECTOR, "#top tbody tr")[0].find_elements(By.CSS_SELECTOR, "td.num")[1].text
    assert float(share.rstrip("%")) > 90, share
    before = zooms(driver)
    driver.find_element(By.LINK_TEXT, "whole tree").click()
    wait_zoomed(driver, before)
    assert breadcrumbs(driver) == ["all"] and driver.find_element(By.ID, "top-scope").text == ""


def test_merge_lines_on_a_real_py_spy_raw_file(server, driver):
    status, answer = server.post(
        "/api/v1/ingest?format=folded&app=pyspy-raw", PYSPY.read_bytes(), {"Content-Type": "text/plain"}
    )
    assert status == 201, answer
    open_page(driver, f"{server.url}{answer['url']}?focus=all&frames=all")
    driver.find_element(By.CSS_SELECTOR, "th[data-sort=total]").click()

    def hot_loops():
        return [n for n in nodes(driver) if n["name"] == "hot_loop" and n["file"] == "profiled_program.py"]

    def string_modules():
        cells = driver.find_elements(By.CSS_SELECTOR, "#top tbody td.fn")
        return [
            td.get_attribute("title")
            for td in cells
            if td.text == "<module>" and "\n<string>:" in td.get_attribute("title")
        ]

    # py-spy keys frames by the executing line: hot_loop at lines 10 and 11 are
    # two sibling nodes, and <module> of <string> is a row per line.
    assert len(hot_loops()) == 2 and len(string_modules()) >= 2
    toggle = driver.find_element(By.ID, "merge-lines")
    assert toggle.is_displayed()
    toggle.click()
    wait_for(driver, "window.treering.state().lines === 'merge'")
    assert query(driver)["lines"] == "merge"
    assert len(hot_loops()) == 1 and len(string_modules()) == 1
    total = driver.execute_script("return window.treering.total()")
    driver.refresh()
    wait_ready(driver)
    assert len(hot_loops()) == 1
    assert driver.execute_script("return window.treering.total()") == total


def test_merge_toggle_is_hidden_when_it_would_change_nothing(server, driver):
    doc = {
        "format": "treering/1", "app": "one-line", "start": 1732460000.0, "end": 1732460010.0, "interval_ms": 10,
        "frames": [{"name": "main", "file": "/srv/a.py", "line": 1}, {"name": "work", "file": "/srv/a.py", "line": 5}],
        "samples": [{"stack": [0, 1], "count": 3}],
    }  # fmt: skip
    open_page(driver, server.url + upload(server, doc)["url"])
    assert not driver.find_element(By.ID, "merge-lines").is_displayed()


def test_mine_makes_a_package_your_code(server, driver, django):
    # "These packages are mine too": django's frames are no longer folded,
    # the thread and gunicorn frames above them still are.
    open_page(driver, f"{server.url}{django['url']}?focus=all&mine=django")
    names = [n["name"] for n in nodes(driver)]
    assert "MiddlewareMixin.__call__" in names and "WSGIHandler.__call__" in names
    folded = [n["name"] for n in nodes(driver) if n["folded"]]
    assert folded and not any("django" in name for name in folded), folded
    assert query(driver)["mine"] == "django"
