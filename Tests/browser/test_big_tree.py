"""A tree of 100,000 nodes: the page draws what is visible, merges callees too
small to see into one "other" shape per parent, and zooms into them. (How fast
is measured by bench_dashboard.py, not asserted here: machines are noisy.)"""

from selenium.webdriver.common.by import By

from browser_support import breadcrumbs, click_node, hover_node, open_page, upload, wait_for
from support.synthetic_profile import synthetic_upload

NODES = 100_000


def merged_tail(tree: dict) -> tuple[str, str, int]:
    """A drawn node near the root whose smallest callees are far under a pixel
    while together they are wide: (its path, the path of a callee in the
    middle of that tail, how many callees are in it)."""
    nodes, total = tree["nodes"], tree["total"]
    children: dict[int, list[int]] = {}
    depth = [0] * len(nodes["parent"])
    for i in range(1, len(nodes["parent"])):
        p = nodes["parent"][i]
        depth[i] = depth[p] + 1
        children.setdefault(p, []).append(i)

    def path(i):
        out = []
        while i > 0:
            out.append(str(nodes["frame"][i]))
            i = nodes["parent"][i]
        return ".".join(reversed(out))

    best = None
    for p, kids in children.items():
        if p == 0 or depth[p] > 3 or nodes["total"][p] < 0.05 * total:
            continue
        # Each far under a pixel; together a few pixels wide on the ring.
        tiny = sorted((k for k in kids if nodes["total"][k] < 1e-4 * total), key=lambda k: -nodes["total"][k])
        share = sum(nodes["total"][k] for k in tiny) / total
        if share > 0.005 and (best is None or share > best[0]):
            # The tail is drawn in this order; point at its middle.
            half, run, middle = share * total / 2, 0, tiny[0]
            for k in tiny:
                run += nodes["total"][k]
                middle = k
                if run >= half:
                    break
            best = (share, path(p), path(middle), len(tiny))
    assert best, "the generated tree has no wide tail of tiny callees"
    return best[1], best[2], best[3]


def test_big_tree_draws_visible_nodes_and_merges_the_rest(server, driver, shot):
    answer = upload(server, synthetic_upload(NODES, seed=7))
    tree = server.get_json(f"/api/v1/profiles/{answer['id']}/tree")
    assert len(tree["nodes"]["parent"]) == NODES + 1
    # Every frame of the whole tree: the generated frames are all under site-packages.
    open_page(driver, server.url + answer["url"] + "?frames=all&focus=all")
    shot("sunburst")
    drawn = int(driver.find_element(By.CSS_SELECTOR, "#chart canvas").get_attribute("data-drawn"))
    assert 10 < drawn < NODES / 10, drawn

    parent, tail, count = merged_tail(tree)
    hover_node(driver, tail)
    tip = wait_for(driver, "!document.getElementById('tooltip').hidden && document.getElementById('tooltip').innerText")
    assert "smaller callees" in tip, tip
    assert int(tip.split(" smaller callees")[0]) >= count
    # Clicking the merged shape zooms to its parent, where they get room.
    click_node(driver, tail)
    assert driver.execute_script("return window.treering.state().focus") == parent
    shot("zoomed")
    assert len(breadcrumbs(driver)) == parent.count(".") + 2

    driver.find_element(By.ID, "view-icicle").click()
    wait_for(driver, "window.treering.state().view === 'icicle'")
    shot("icicle")
    drawn = int(driver.find_element(By.CSS_SELECTOR, "#chart canvas").get_attribute("data-drawn"))
    assert 10 < drawn < NODES / 10, drawn
