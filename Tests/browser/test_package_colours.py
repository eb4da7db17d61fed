"""Package colours in a real Chromium: the standard library is named
"stdlib", packages get distinct colours by rank of their share (gunicorn and
the standard library used to hash to the very same colour), the chart paints
a package in its legend colour, and a package keeps its colour when zooming."""

import time

import pytest

from browser_support import click_node, frame_path, open_page, upload

NOW = time.time()
SITE = "/srv/venv/lib/python3.11/site-packages"
FRAMES = [
    {"name": "run", "file": "/usr/lib/python3.11/runpy.py", "line": 1},  # 0 stdlib
    {"name": "handle", "file": f"{SITE}/gunicorn/workers/sync.py", "line": 10},  # 1 gunicorn
    {"name": "orders_view", "file": "/srv/app/shop/views.py", "line": 42},  # 2 shop
    {"name": "dispatch", "file": f"{SITE}/werkzeug/serving.py", "line": 7},  # 3 werkzeug
    {"name": "select", "file": "/usr/lib/python3.11/selectors.py", "line": 12},  # 4 stdlib
    {"name": "_find_and_load", "file": "<frozen importlib._bootstrap>", "line": 1},  # 5 stdlib
    {"name": "render", "file": f"{SITE}/django/template/base.py", "line": 3},  # 6 django
    {"name": "loads", "file": "/usr/lib/python3.11/json/decoder.py", "line": 5},  # 7 stdlib
    {"name": "six_call", "file": f"{SITE}/six.py", "line": 5},  # 8 six
]
DOC = {
    "format": "treering/1",
    "app": "colours",
    "host": "web-1",
    "start": NOW - 60,
    "end": NOW - 50,
    "interval_ms": 10,
    "frames": FRAMES,
    "samples": [
        {"stack": [0, 1, 2], "count": 50, "thread": "MainThread"},
        {"stack": [0, 1, 3, 4], "count": 30, "thread": "MainThread"},
        {"stack": [0, 1, 2, 6], "count": 15, "thread": "MainThread"},
        {"stack": [0, 5], "count": 3, "thread": "MainThread"},
        {"stack": [0, 1, 2, 7], "count": 8, "thread": "MainThread"},
        {"stack": [0, 1, 3, 8], "count": 2, "thread": "MainThread"},
    ],
}
# Self samples per package: shop 50, stdlib 30+3+8 = 41, django 15, six 2, gunicorn 0, werkzeug 0.
EXPECTED_ORDER = ["shop", "stdlib", "django", "six"]


def legend(driver):
    return driver.execute_script("""
        return [...document.querySelectorAll('#legend li')].map(li => [
            li.textContent.split(' (')[0], getComputedStyle(li.querySelector('.swatch')).backgroundColor]);""")


def pixel(driver, path):
    """The colour most painted around where the node is drawn (its label may
    cover the very centre)."""
    return driver.execute_script(
        """
        const p = window.treering.locate(arguments[0]);
        const canvas = document.querySelector('#chart canvas');
        const box = canvas.getBoundingClientRect(), scale = canvas.width / box.width;
        const x = Math.round((p.x - box.left) * scale), y = Math.round((p.y - box.top) * scale);
        const d = canvas.getContext('2d').getImageData(x - 6, y - 6, 13, 13).data, count = new Map();
        for (let i = 0; i < d.length; i += 4) {
          const c = `rgb(${d[i]}, ${d[i + 1]}, ${d[i + 2]})`;
          count.set(c, (count.get(c) || 0) + 1);
        }
        return [...count].sort((a, b) => b[1] - a[1])[0][0];""",
        path,
    )


@pytest.fixture(scope="module")
def profile(server):
    return upload(server, DOC)


@pytest.mark.parametrize("view", ["sunburst", "icicle"])
def test_packages_get_distinct_colours_by_share_and_keep_them(server, profile, driver, shot, view):
    # Every frame of the whole tree: the nodes checked below are library frames.
    open_page(driver, server.url + profile["url"] + f"?view={view}&frames=all&focus=all")
    tree = server.get_json(f"/api/v1/profiles/{profile['id']}/tree")
    shot("legend")
    entries = legend(driver)
    names = [n for n, _ in entries]
    assert "python3.11" not in names and "<frozen importlib._bootstrap>" not in names
    assert sorted(names) == sorted(["stdlib", "gunicorn", "shop", "werkzeug", "django", "six"])
    assert names[:4] == EXPECTED_ORDER
    colours = dict(entries)
    assert len(set(colours.values())) == len(colours), entries  # no two packages share a colour
    assert colours["gunicorn"] != colours["stdlib"] and colours["shop"] != colours["werkzeug"]

    # The chart paints each node in its package's legend colour.
    nodes = {
        "stdlib": ["run"],
        "gunicorn": ["run", "handle"],
        "shop": ["run", "handle", "orders_view"],
        "werkzeug": ["run", "handle", "dispatch"],
    }
    for pkg, names_path in nodes.items():
        assert pixel(driver, frame_path(tree, names_path)) == colours[pkg], pkg

    # Zoomed in, a package keeps its colour.
    click_node(driver, frame_path(tree, ["run", "handle"]))
    for pkg in ["shop", "werkzeug"]:  # (the focus itself is the sunburst's white centre)
        assert pixel(driver, frame_path(tree, nodes[pkg])) == colours[pkg], pkg
    assert dict(legend(driver)) == colours
