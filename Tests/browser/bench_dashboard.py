"""Dashboard benchmark: how fast the profile page shows trees of 1k, 10k and
100k nodes in headless Chromium, from the browser's Performance API.

    python3 Tests/browser/bench_dashboard.py [--sizes 1000,10000,100000] [--runs 5]

For each size it uploads a generated profile to a fresh server (release build
by default: .build/release/treering, or $TREERING_BIN), then:
- first picture: ms from navigation start to the end of the first draw
  (mark "treering-first-picture"), and how much of it was the tree's download,
  for the page as it opens (library frames folded, idle apart, focused where
  the tree branches) and with `?frames=all&focus=all` (every frame, whole tree),
  and the part after the tree arrived (the page's own work, which a busy
  machine's download time does not blur), and of it the tree view's
  `show()` (decode, fold, layout, draw; from mark "treering-show" where the
  page has it);
- zoom (on the whole, unfolded tree): five animated zooms down the heaviest path and back, the longest gap
  between two animation frames (measure "treering-zoom") and frames per zoom;
- baselines, run beside it in the same page, drawing the same tree the naive
  way, every node its own shape (no culling, no "other" merging): one canvas
  frame of arcs, and an SVG of one <path> per node (what the first cut did),
  and their ratio to our longest draw of a zoom frame.
Targets (issue 3): first picture under 1 s and no zoom frame over 100 ms at
100k nodes.
"""

from __future__ import annotations

import argparse
import os
import statistics
import sys
import tempfile
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from browser_support import click_node, new_driver, open_page, upload
from support.synthetic_profile import synthetic_upload
from support.treering_server import REPO, TreeringServer

NAIVE_FRAME = """
const done = arguments[arguments.length - 1];
fetch(arguments[0]).then(r => r.json()).then(json => {
  const { frames, nodes } = json;
  const all = nodes.parent.map((p, i) => ({ id: i, self: nodes.self[i], children: [] }));
  all.forEach((n, i) => { if (nodes.parent[i] >= 0) all[nodes.parent[i]].children.push(n); });
  const hierarchy = d3.hierarchy(all[0]).sum(d => d.self).sort((a, b) => b.value - a.value);
  const root = d3.partition().size([2 * Math.PI, 1])(hierarchy);
  const canvas = document.createElement('canvas');
  canvas.width = 1000; canvas.height = 1000;
  const ctx = canvas.getContext('2d');
  const arc = d3.arc().innerRadius(d => d.depth * 12).outerRadius(d => d.depth * 12 + 11).context(ctx);
  const palette = d3.schemeTableau10;
  const t0 = performance.now();
  ctx.translate(500, 500);
  for (const d of root.descendants()) { ctx.beginPath(); arc(d); ctx.fillStyle = palette[d.depth % 10]; ctx.fill(); }
  ctx.getImageData(0, 0, 1, 1);  // wait for the drawing to be done
  const canvasMs = performance.now() - t0;
  const t1 = performance.now();
  const svg = d3.select(document.body).append('svg').attr('width', 1000).attr('height', 1000);
  svg.append('g').attr('transform', 'translate(500,500)').selectAll('path').data(root.descendants()).join('path')
    .attr('d', d3.arc().innerRadius(d => d.depth * 12).outerRadius(d => d.depth * 12 + 11))
    .attr('fill', d => palette[d.depth % 10]);
  // Two animation frames: the SVG has been laid out and painted.
  requestAnimationFrame(() => requestAnimationFrame(() => {
    const svgMs = performance.now() - t1;
    svg.remove();
    done({ canvasMs, svgMs });
  }));
});
"""


def heaviest_path(tree: dict, depth: int) -> list[str]:
    """Focus paths down the heaviest child, `depth` levels."""
    nodes = tree["nodes"]
    kids: dict[int, list[int]] = {}
    for i in range(1, len(nodes["parent"])):
        kids.setdefault(nodes["parent"][i], []).append(i)
    paths, node, path = [], 0, []
    for _ in range(depth):
        if node not in kids:
            break
        node = max(kids[node], key=lambda k: nodes["total"][k])
        path.append(str(nodes["frame"][node]))
        paths.append(".".join(path))
    return paths


def measure(server, driver, size: int, runs: int) -> dict:
    answer = upload(server, synthetic_upload(size, seed=size))
    tree = server.get_json(f"/api/v1/profiles/{answer['id']}/tree")
    page = server.url + answer["url"]
    first, first_all, download, after, after_all, shows, longest, draws, frames = [], [], [], [], [], [], [], [], []
    timing_script = """
        const fp = performance.getEntriesByName('treering-first-picture')[0].startTime;
        const tree = performance.getEntriesByType('resource').find(e => e.name.endsWith('/tree'));
        const show = performance.getEntriesByName('treering-show')[0];
        return { fp, download: tree.responseEnd - tree.startTime, after: fp - tree.responseEnd, show: show ? fp - show.startTime : -1 };"""
    for _ in range(runs):
        open_page(driver, page)
        timing = driver.execute_script(timing_script)
        first.append(timing["fp"])
        download.append(timing["download"])
        after.append(timing["after"])
        shows.append(timing["show"])
        # Every frame of the whole tree: the zooms follow frame-id paths from the root.
        open_page(driver, page + "?frames=all&focus=all")
        timing = driver.execute_script(timing_script)
        first_all.append(timing["fp"])
        after_all.append(timing["after"])
        paths = heaviest_path(tree, 5)
        for path in paths:
            click_node(driver, path)
        for path in reversed(paths[:-1]):
            click_node(driver, path)
        zooms = driver.execute_script("return performance.getEntriesByName('treering-zoom').map(e => e.detail)")
        longest += [z["longestFrameMs"] for z in zooms]
        draws += [z["longestDrawMs"] for z in zooms]
        frames += [z["frames"] for z in zooms]
    naive = [
        driver.execute_async_script(NAIVE_FRAME, server.url + f"/api/v1/profiles/{answer['id']}/tree") for _ in range(3)
    ]
    return {
        "nodes": len(tree["nodes"]["parent"]) - 1,
        "first_ms": statistics.median(first),
        "first_max_ms": max(first),
        "first_all_ms": statistics.median(first_all),
        "after_ms": statistics.median(after),
        "show_ms": statistics.median(shows),
        "after_all_ms": statistics.median(after_all),
        "download_ms": statistics.median(download),
        "zoom_longest_ms": max(longest),
        "zoom_p50_longest_ms": statistics.median(longest),
        "frames_per_zoom": statistics.median(frames),
        "zoom_draw_ms": max(draws),
        "naive_canvas_ms": statistics.median(n["canvasMs"] for n in naive),
        "naive_svg_ms": statistics.median(n["svgMs"] for n in naive),
    }


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--sizes", default="1000,10000,100000", help="tree sizes in nodes, comma separated")
    parser.add_argument("--runs", type=int, default=5, help="page loads per size (default 5)")
    args = parser.parse_args()
    binary = os.environ.get("TREERING_BIN") or str(REPO / ".build" / "release" / "treering")
    if not Path(binary).exists():
        print(f"error: {binary} not found; run `swift build -c release` or set TREERING_BIN", file=sys.stderr)
        return 2
    os.environ["TREERING_BIN"] = binary
    sizes = [int(s) for s in args.sizes.split(",")]
    with tempfile.TemporaryDirectory() as tmp, TreeringServer(Path(tmp) / "bench.sqlite") as server:
        driver = new_driver()
        try:
            print(f"server {binary}; {args.runs} page loads per size; times in ms", file=sys.stderr)
            print(
                f"{'nodes':>8} {'first picture p50':>18} {'max':>6} {'of it download':>15} {'after tree p50':>15} {'show()':>7} {'all frames p50':>15} {'after tree':>11} "
                f"{'zoom worst frame':>17} {'p50':>6} {'frames/zoom':>12} {'worst draw':>11} "
                f"{'naive canvas':>13} {'ratio':>7} {'naive SVG':>10} {'ratio':>7}"
            )
            for size in sizes:
                print(f"  measuring {size} nodes...", file=sys.stderr)
                r = measure(server, driver, size, args.runs)
                print(
                    f"{r['nodes']:>8} {r['first_ms']:>18.0f} {r['first_max_ms']:>6.0f} {r['download_ms']:>15.0f} {r['after_ms']:>15.0f} {r['show_ms']:>7.0f} {r['first_all_ms']:>15.0f} {r['after_all_ms']:>11.0f} "
                    f"{r['zoom_longest_ms']:>17.1f} {r['zoom_p50_longest_ms']:>6.1f} {r['frames_per_zoom']:>12.0f} "
                    f"{r['zoom_draw_ms']:>11.1f} {r['naive_canvas_ms']:>13.1f} "
                    f"{r['naive_canvas_ms'] / r['zoom_draw_ms']:>6.1f}x "
                    f"{r['naive_svg_ms']:>10.0f} {r['naive_svg_ms'] / r['zoom_draw_ms']:>6.0f}x"
                )
        finally:
            driver.quit()
    return 0


if __name__ == "__main__":
    sys.exit(main())
