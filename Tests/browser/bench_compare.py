"""Compare benchmark (issue 17): how fast the diff view and a function's
callers/callees draw for 100,000-node trees in headless Chromium, from the
browser's Performance API, beside the single-tree profile page in the same run.

    python3 Tests/browser/bench_compare.py [--nodes 100000] [--runs 5]

Two uploads: the dashboard benchmark's generated profile (Tests/support/
synthetic_profile.py) as the base, and the same stacks with their counts
scaled by 0.25x-4x and 2% of them dropped as the target, so the diff's union
tree is a little over `nodes` nodes. Then, each figure the median of `runs`
page loads unless it says max:
- first picture of /compare (mark "treering-first-picture", from navigation
  start), and of it the diff API's download; as it opens (library folded,
  focused where it branches) and with every frame (`frames=all&focus=all`);
- the same for the target's own profile page: the baseline, and the ratio;
- zoom on the whole diff tree: five animated zooms down the heaviest path and
  back, the longest gap between two animation frames and the longest draw of
  a frame (measure "treering-zoom"), worst of all and median of each zoom's
  worst, beside the same zooms on the target's profile page;
- callers and callees of the hottest function (most self samples) on the
  target's profile page and in the diff view: the drawing part (measure
  "treering-function-view": decode, layout, first draw, tables), apart from the
  API's answer, whose download is given beside it.
Targets (issue 17): first picture under 1 s, no zoom frame over 100 ms, callers
/callees of the hottest function drawn in under 100 ms.
"""

from __future__ import annotations

import argparse
import copy
import os
import random
import statistics
import sys
import tempfile
from pathlib import Path
from urllib.parse import urlencode

sys.path.insert(0, str(Path(__file__).resolve().parent))
sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from browser_support import click_node, new_driver, open_page, upload, wait_for
from support.synthetic_profile import synthetic_upload
from support.treering_server import REPO, TreeringServer

FIRST = """
    const fp = performance.getEntriesByName('treering-first-picture')[0].startTime;
    const api = performance.getEntriesByType('resource').filter(e => e.name.includes(arguments[0]))[0];
    // after: from the answer being in (and parsed) to the first picture: decode, layout, draw, tables.
    const answer = performance.getEntriesByName('treering-diff-answer')[0];
    return { fp, download: api.responseEnd - api.startTime,
             after: answer ? fp - answer.startTime : fp - api.responseEnd };"""

FUNCTION = """
    const draw = performance.getEntriesByName('treering-function-view');
    const api = performance.getEntriesByType('resource').filter(e => /\\/(callers|callees)\\?/.test(e.name));
    const last = api[api.length - 1];
    return { draw: draw[draw.length - 1].duration, download: last ? last.responseEnd - last.startTime : 0,
             nodes: window.treering.nodes().length };"""


def changed(doc: dict, seed: int) -> dict:
    """The same stacks, counts scaled 0.25x-4x, 2% of the leaves' own samples dropped."""
    rng = random.Random(seed)
    out = copy.deepcopy(doc)
    samples = []
    for s in out["samples"]:
        if rng.random() < 0.02:
            continue
        s["count"] = max(1, round(s["count"] * 2 ** rng.uniform(-2, 2)))
        samples.append(s)
    out["samples"] = samples
    return out


def heaviest_path(tree: dict, depth: int, column: str = "target_total") -> list[str]:
    nodes = tree["nodes"]
    kids: dict[int, list[int]] = {}
    for i in range(1, len(nodes["parent"])):
        kids.setdefault(nodes["parent"][i], []).append(i)
    paths, node, path = [], 0, []
    for _ in range(depth):
        if node not in kids:
            break
        node = max(kids[node], key=lambda k: nodes[column][k])
        path.append(str(nodes["frame"][node]))
        paths.append(".".join(path))
    return paths


def hottest(tree: dict, by: str) -> tuple[str, str]:
    """The target's function with the most self samples (by="self"), or the
    one with the most nodes, called from the most places (by="nodes")."""
    score: dict[int, int] = {}
    for f, s in zip(tree["nodes"]["frame"], tree["nodes"]["self"]):
        if f >= 0:
            score[f] = score.get(f, 0) + (s if by == "self" else 1)
    f = max(score, key=score.get)
    return tree["frames"]["name"][f], tree["frames"]["file"][f]


def open_compare(driver, url: str) -> None:
    driver.get(url)
    state = wait_for(
        driver,
        "document.getElementById('compare') && document.getElementById('compare').dataset.ready",
        timeout=60,
        what="the comparison",
    )
    assert state == "true", driver.find_element("id", "error").text


def function_view(driver, url: str, opener) -> dict:
    opener(driver, url)
    wait_for(driver, "performance.getEntriesByName('treering-function-view').length > 0", timeout=60)
    return driver.execute_script(FUNCTION)


def measure(server, driver, nodes: int, runs: int) -> dict:
    base_doc = synthetic_upload(nodes, seed=nodes)
    base = upload(server, base_doc)
    target = upload(server, changed(base_doc, seed=nodes + 1))
    sides = f"base.profile={base['id']}&target.profile={target['id']}"
    diff = server.get_json("/api/v1/diff?" + sides)
    tree = server.get_json(f"/api/v1/profiles/{target['id']}/tree")
    functions = {by: hottest(tree, by) for by in ("self", "nodes")}
    compare = f"{server.url}/compare?{sides}"
    profile = server.url + target["url"]
    r: dict[str, list] = {}
    add = lambda k, v: r.setdefault(k, []).append(v)  # noqa: E731
    for _ in range(runs):
        open_compare(driver, compare)
        t = driver.execute_script(FIRST, "/api/v1/diff?")
        add("first", t["fp"])
        add("download", t["download"])
        add("after", t["after"])
        open_page(driver, profile)
        t = driver.execute_script(FIRST, "/tree")
        add("single", t["fp"])
        open_page(driver, profile + "?frames=all&focus=all")
        t = driver.execute_script(FIRST, "/tree")
        add("single_all", t["fp"])
        open_compare(driver, compare + "&frames=all&focus=all")
        t = driver.execute_script(FIRST, "/api/v1/diff?")
        add("first_all", t["fp"])
        add("all_after", t["after"])
        paths = heaviest_path(diff, 5)
        for path in paths:
            click_node(driver, path)
        for path in reversed(paths[:-1]):
            click_node(driver, path)
        zooms = driver.execute_script("return performance.getEntriesByName('treering-zoom').map(e => e.detail)")
        for z in zooms:
            add("zoom", z["longestFrameMs"])
            add("zoom_draw", z["longestDrawMs"])
            add("frames", z["frames"])
        # The baseline: the same zooms on the target's own profile page.
        open_page(driver, profile + "?frames=all&focus=all")
        paths = heaviest_path(tree, 5, "total")
        for path in paths:
            click_node(driver, path)
        for path in reversed(paths[:-1]):
            click_node(driver, path)
        for z in driver.execute_script("return performance.getEntriesByName('treering-zoom').map(e => e.detail)"):
            add("single_zoom", z["longestFrameMs"])
            add("single_zoom_draw", z["longestDrawMs"])
        for by, (name, file) in functions.items():
            # Every frame (no library folding), so the whole neighbourhood is drawn.
            fn = urlencode({"fn": name, "fnfile": file, "frames": "all"})
            for direction in ["callers", "callees"]:
                for where, url, opener in [
                    ("profile", f"{profile}?{fn}&dir={direction}", open_page),
                    ("diff", f"{compare}&{fn}&dir={direction}", open_compare),
                ]:
                    f = function_view(driver, url, opener)
                    add(("fn", by, direction, where), f["draw"])
                    add(("fn_download", by, direction, where), f["download"])
                    add(("fn_nodes", by, direction, where), f["nodes"])
    med = {k: statistics.median(v) for k, v in r.items()}
    med["zoom_max"] = max(r["zoom"])
    med["zoom_draw_max"] = max(r["zoom_draw"])
    med["single_zoom_max"] = max(r["single_zoom"])
    med["single_zoom_draw_max"] = max(r["single_zoom_draw"])
    med["fn_max"] = max(max(v) for k, v in r.items() if k[0] == "fn")
    med["union_nodes"] = len(diff["nodes"]["parent"]) - 1
    med["target_nodes"] = len(tree["nodes"]["parent"]) - 1
    med["functions"] = functions
    return med


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--nodes", type=int, default=100000, help="nodes of the base tree (default 100000)")
    parser.add_argument("--runs", type=int, default=5, help="page loads per figure (default 5)")
    args = parser.parse_args()
    binary = os.environ.get("TREERING_BIN") or str(REPO / ".build" / "release" / "treering")
    if not Path(binary).exists():
        print(f"error: {binary} not found; run `swift build -c release` or set TREERING_BIN", file=sys.stderr)
        return 2
    os.environ["TREERING_BIN"] = binary
    with tempfile.TemporaryDirectory() as tmp, TreeringServer(Path(tmp) / "bench.sqlite") as server:
        driver = new_driver()
        try:
            print(
                f"server {binary}; {args.runs} page loads per figure; times in ms (median unless max)", file=sys.stderr
            )
            r = measure(server, driver, args.nodes, args.runs)
        finally:
            driver.quit()
    print(f"diff of two trees: {r['union_nodes']} nodes in the union, {r['target_nodes']} in the target")
    print("first picture, ms from navigation start; for /compare, of it the diff API's download and the browser's")
    print("part after the answer is in (decode, layout, draw, tables); the profile page is the baseline")
    print(f"  /compare as it opens        {r['first']:7.0f}  download {r['download']:6.0f}  browser {r['after']:6.0f}")
    print(
        f"  profile page as it opens    {r['single']:7.0f}  compare/profile {r['first'] / r['single']:.2f}x, "
        f"browser part/profile {r['after'] / r['single']:.2f}x"
    )
    print(f"  /compare every frame        {r['first_all']:7.0f}  browser {r['all_after']:6.0f}")
    print(
        f"  profile page every frame    {r['single_all']:7.0f}  "
        f"compare/profile {r['first_all'] / r['single_all']:.2f}x, "
        f"browser part/profile {r['all_after'] / r['single_all']:.2f}x"
    )
    print("zooms (every frame, whole tree, 9 per page load): the longest gap between animation frames and the")
    print("longest draw of a frame, worst of all zooms (max) and the median of each zoom's worst (p50)")
    print(
        f"  /compare                    worst frame {r['zoom_max']:6.1f} (p50 {r['zoom']:5.1f})  "
        f"worst draw {r['zoom_draw_max']:6.1f} (p50 {r['zoom_draw']:5.1f})  frames/zoom {r['frames']:.0f}"
    )
    print(
        f"  profile page (baseline)     worst frame {r['single_zoom_max']:6.1f} (p50 {r['single_zoom']:5.1f})  "
        f"worst draw {r['single_zoom_draw_max']:6.1f} (p50 {r['single_zoom_draw']:5.1f})  "
        f"compare/profile p50 {r['zoom'] / r['single_zoom']:.2f}x"
    )
    print("callers/callees: drawing ms (median), nodes drawn, the API's download ms")
    for by, (name, _) in r["functions"].items():
        label = "most self" if by == "self" else "most nodes"
        for direction in ["callers", "callees"]:
            for where in ["profile", "diff"]:
                k = (by, direction, where)
                print(
                    f"  {direction} of {name} ({label}) in the {where:7}  draw {r[('fn',) + k]:6.1f}  "
                    f"nodes {r[('fn_nodes',) + k]:6.0f}  download {r[('fn_download',) + k]:6.0f}"
                )
    print(f"  worst draw of all (max)     {r['fn_max']:.1f}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
