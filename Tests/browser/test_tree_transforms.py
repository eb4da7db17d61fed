"""The tree transforms of issue 20 (fold.js, library.js, idle.js,
merge-lines.js, focus.js) run in the real Chromium, imported by the page
from the real server, on random trees: folding keeps every total, merging
lines keeps them too, and the library rule says what the docs say."""

from __future__ import annotations

import pytest

from browser_support import open_page, upload

RUN = """
const done = arguments[arguments.length - 1];
Promise.all(['fold', 'library', 'idle', 'merge-lines', 'focus', 'tree'].map((m) => import(`/js/${m}.js`)))
  .then(([fold, library, idle, merge, focus, tree]) => {
    try { done(CHECK(fold, library, idle, merge, focus, tree)); } catch (e) { done('error: ' + e.stack); }
  }, (e) => done('import failed: ' + e));
"""

# A deterministic random tree: frames from two libraries, the standard
# library and the app; every node's total is its self plus its children's.
RANDOM_TREE = """
function rng(seed) { let s = seed >>> 0; return () => ((s = (Math.imul(s, 1664525) + 1013904223) >>> 0) / 2 ** 32); }
const FILES = ['/v/lib/python3.11/site-packages/django/a.py', '/v/lib/python3.11/site-packages/gunicorn/b.py',
  '/usr/lib/python3.11/threading.py', '<frozen importlib._bootstrap>', '/srv/shop/views.py', '/srv/shop/models.py', '<string>'];
function randomTree(seed, size) {
  const r = rng(seed);
  const root = { id: 0, frame: -1, name: 'all', file: '', line: 0, self: 0, total: 0, children: [], up: null };
  const all = [root];
  for (let i = 1; i < size; i++) {
    // Deep chains more often than not, as real stacks are.
    const parent = r() < 0.6 ? all[all.length - 1] : all[Math.floor(r() * all.length)];
    let frame = Math.floor(r() * 40);
    while (parent.children.some((c) => c.frame === frame)) frame = (frame + 1) % 1000;
    const file = FILES[frame % FILES.length];
    const node = { id: i, frame, name: 'fn' + frame, file, line: frame, self: r() < 0.5 ? Math.floor(r() * 20) : 0, total: 0, children: [], up: parent };
    parent.children.push(node);
    all.push(node);
  }
  const sum = (n) => (n.total = n.self + n.children.reduce((s, c) => s + sum(c), 0));
  sum(root);
  return { root, all };
}
"""


@pytest.fixture(scope="module")
def page(server, driver):
    doc = {
        "format": "treering/1", "app": "transforms", "start": 1732460000.0, "end": 1732460010.0, "interval_ms": 10,
        "frames": [{"name": "main", "file": "/srv/a.py", "line": 1}], "samples": [{"stack": [0], "count": 1}],
    }  # fmt: skip
    open_page(driver, server.url + upload(server, doc)["url"])
    return driver


def check(driver, body: str, prelude: str = ""):
    """Runs `body` (a function of the modules returning a JSON value) in the
    page, after `prelude` (helper functions)."""
    function = f"(() => {{ {prelude}\n return ({body}); }})()"
    script = RUN.replace(
        "CHECK(fold, library, idle, merge, focus, tree)", f"{function}(fold, library, idle, merge, focus, tree)"
    )
    value = driver.execute_async_script(script)
    assert not (isinstance(value, str) and value.startswith(("error", "import"))), value
    return value


def test_folding_random_trees_keeps_every_total(page):
    problems = check(
        page,
        """(fold, library) => {
      const problems = [];
      const rule = library.libraryRule();
      for (let seed = 1; seed <= 60; seed++) {
        const { root, all } = randomTree(seed, 400);
        // Some runs opened, as a user's clicks would.
        const expanded = new Set(all.filter((n, i) => i % 37 === 0 && n.frame >= 0).map(fold.runKey));
        const out = fold.foldLibrary(root, rule, seed % 2 ? expanded : new Set());
        let folded = 0;
        const walk = (n) => {
          const kids = n.children.reduce((s, c) => s + c.total, 0);
          if (n.total !== n.self + kids) problems.push(`seed ${seed}: ${n.name} total ${n.total} != self ${n.self} + ${kids}`);
          const srcs = n.srcs.reduce((s, m) => s + m.total, 0);
          if (n.total !== srcs) problems.push(`seed ${seed}: ${n.name} total ${n.total} != its frames' ${srcs}`);
          const keys = new Set(n.children.map((c) => c.key));
          if (keys.size !== n.children.length) problems.push(`seed ${seed}: ${n.name} has two children with one key`);
          if (n.folded) {
            folded++;
            if (n.hidden.length < 2) problems.push(`seed ${seed}: ${n.name} folds fewer than two frames`);
            if (!/ · \\d+ frames$/.test(n.name)) problems.push(`seed ${seed}: folded name ${n.name}`);
            for (const c of n.children) if (rule.isLibrary(c) && c.children.length) problems.push(`seed ${seed}: library frame with callees below a fold`);
          }
          n.children.forEach(walk);
        };
        walk(out);
        if (out.total !== root.total) problems.push(`seed ${seed}: root ${out.total} != ${root.total}`);
        // Every frame is shown somewhere; a library leaf is shown as itself.
        for (const n of all) {
          if (!n.shown) problems.push(`seed ${seed}: frame ${n.id} not shown`);
          else if (!n.children.length && n.shown.folded) problems.push(`seed ${seed}: leaf ${n.id} hidden in a fold`);
        }
        if (!folded && seed % 2 === 0) problems.push(`seed ${seed}: nothing folded`);
      }
      return problems;
    }""",
        RANDOM_TREE,
    )
    assert problems == []


def test_all_frames_is_the_tree_as_it_is(page):
    same = check(
        page,
        """(fold) => {
      const { root, all } = randomTree(7, 300);
      const out = fold.foldLibrary(root, { isLibrary: () => false, packageOf: () => null });
      let count = 0;
      const walk = (n) => { count++; n.children.forEach(walk); };
      walk(out);
      return count === all.length && all.every((n) => n.shown.srcs[0] === n && !n.shown.folded);
    }""",
        RANDOM_TREE,
    )
    assert same is True


def test_the_library_rule(page):
    packages = check(
        page,
        """(fold, library) => [
        '/srv/venv/lib/python3.11/site-packages/django/core/handlers/base.py',
        '/usr/lib/python3/dist-packages/gunicorn/arbiter.py',
        '/root/.pyenv/versions/3.11.7/lib/python3.11/concurrent/futures/thread.py',
        '/usr/lib64/python3.12/threading.py',
        'C:\\\\Python311\\\\Lib\\\\socketserver.py',
        'C:\\\\Python311\\\\Lib\\\\site-packages\\\\flask\\\\app.py',
        '<frozen importlib._bootstrap>',
        '<frozen runpy>',
        '/v/lib/python3.11/site-packages/six.py',
        '<string>',
        '',
        '/srv/shop/views.py',
        'shop/views.py',
        '/usr/lib/node_modules/x.py',
      ].map(library.libraryPackage)""",
    )
    assert packages == [
        "django", "gunicorn", "concurrent", "threading", "socketserver", "flask", "importlib", "runpy", "six",
        None, None, None, None, None,
    ]  # fmt: skip
    mine = check(
        page,
        """(fold, library) => {
        const rule = library.libraryRule(['django']);
        return [rule.isLibrary({ file: '/v/lib/python3.11/site-packages/django/a.py' }),
                rule.isLibrary({ file: '/v/lib/python3.11/site-packages/gunicorn/b.py' })];
    }""",
    )
    assert mine == [False, True]


def test_idle_removal_and_merged_lines_keep_totals(page):
    result = check(
        page,
        """(fold, library, idle, merge, focus, tree) => {
        const json = {
          frames: { name: ['main', 'work', '(idle)', 'work', 'wait'], file: ['/a.py', '/a.py', '', '/a.py', '/a.py'], line: [1, 5, 0, 6, 9] },
          nodes: { parent: [-1, 0, 1, 1, 0, 0, 5], frame: [-1, 0, 1, 3, 2, 4, 2], total: [100, 50, 30, 20, 40, 10, 10], self: [0, 0, 30, 20, 40, 0, 10] },
        };
        const decoded = tree.decode(json);
        const { root, idle: idleCount } = idle.removeIdle(decoded);
        const merged = merge.mergeLines(decoded);
        return {
          hasIdle: idle.hasIdleFrame(json), idle: idleCount, left: root.total,
          names: root.children.map((c) => c.name),       // 'wait' had only idle below it: gone
          splits: merge.hasLineSplits(decoded),
          mainKids: merged.children[0].children.map((c) => [c.name, c.total, c.frame]),
          mergedTotal: merged.total,
        };
    }""",
    )
    assert result == {
        "hasIdle": True, "idle": 50, "left": 50, "names": ["main"], "splits": True,
        "mainKids": [["work", 50, 1]], "mergedTotal": 100,
    }  # fmt: skip
