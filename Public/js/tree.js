// The call tree: decodes the server's columnar JSON into nested nodes for
// d3.hierarchy, and offers search and path helpers. No DOM here.

/** Decodes `{frames: {name, file, line}, nodes: {parent, frame, total, self}}`. */
export function decode(json) {
  const { frames, nodes } = json;
  const n = nodes.parent.length;
  const out = new Array(n);
  for (let i = 0; i < n; i++) {
    const f = nodes.frame[i];
    out[i] = {
      id: i,
      frame: f,
      name: f < 0 ? "all" : frames.name[f],
      file: f < 0 ? "" : frames.file[f],
      line: f < 0 ? 0 : frames.line[f],
      total: nodes.total[i],
      self: nodes.self[i],
      children: [],
      up: null,
      // Set later (fold.js: the node drawn for it; tree-view.js: its hierarchy
      // node); declared here so that setting them does not reshape 100k objects.
      shown: null,
      h: null,
    };
    // Parents come first in the list, so the parent already exists.
    if (nodes.parent[i] >= 0) {
      out[i].up = out[nodes.parent[i]];
      out[nodes.parent[i]].children.push(out[i]);
    }
  }
  return out[0];
}

/** A d3 hierarchy whose value is each node's self count (so sums give totals),
 *  siblings biggest first, laid out once by d3.partition: x0..x1 in [0, 1],
 *  y0 = depth. Both views draw from this layout. */
export function hierarchy(root) {
  const h = d3.hierarchy(root, (d) => d.children).sum((d) => d.self).sort((a, b) => b.value - a.value);
  return d3.partition().size([1, h.height + 1])(h);
}

/** The node's path from the root for the URL: "3.17.42", each part a node's
 * key (its frame id; "f17" for a folded run starting at frame 17). The root
 * itself, asked for explicitly, is "all". */
export function pathOf(node) {
  if (!node.parent) return "all";
  return node.ancestors().reverse().slice(1).map((a) => a.data.key ?? String(a.data.frame)).join(".");
}

/** The node at a path written by `pathOf`, or the deepest one that exists. */
export function findPath(root, path) {
  let node = root;
  if (!path || path === "all") return node;
  for (const part of path.split(".")) {
    const next = (node.children || []).find((c) => (c.data.key ?? String(c.data.frame)) === part);
    if (!next) break;
    node = next;
  }
  return node;
}

function matchesTerm(d, t) { return d.name.toLowerCase().includes(t) || d.file.toLowerCase().includes(t); }

/** Nodes matching `term` (in function or file), and the share of samples they
 *  cover, each sample counted once even when matches nest. */
export function search(root, term) {
  const matches = new Set();
  if (!term) return { matches, covered: 0 };
  const t = term.toLowerCase();
  let covered = 0;
  // Iterative pre-order carrying "under a match", so nesting costs nothing.
  const stack = [[root, false]];
  while (stack.length) {
    const [n, under] = stack.pop();
    // A folded run matches when one of the frames it hides does.
    const hit = n.depth > 0 && (matchesTerm(n.data, t) || (n.data.hidden !== undefined && n.data.hidden.some((h) => matchesTerm(h, t))));
    if (hit) {
      matches.add(n);
      if (!under) covered += n.value;
    }
    if (n.children) for (const c of n.children) stack.push([c, under || hit]);
  }
  return { matches, covered: root.value ? covered / root.value : 0 };
}

/** Self and total per function over the subtrees at `roots` (plain nodes
 * {name, file, line, self, total, children}; a root with frame < 0 is "all"
 * and not counted). Total counts a function once per stack (a recursive
 * function is not counted again under itself). `byFunction` keys rows by
 * name and file, leaving lines out. */
export function topFunctions(roots, { byFunction = false } = {}) {
  const byKey = new Map();
  const onPath = new Map(); // key -> how many times it is on the current path
  const walk = (n) => {
    let key = null, row = null;
    if (n.frame === undefined || n.frame >= 0) {
      key = byFunction ? `${n.name}\u0000${n.file}` : `${n.name}\u0000${n.file}\u0000${n.line}`;
      row = byKey.get(key);
      if (!row) byKey.set(key, (row = { key, name: n.name, file: n.file, line: n.line, self: 0, total: 0, nodes: [] }));
      row.self += n.self;
      row.nodes.push(n);
      const seen = onPath.get(key) || 0;
      if (!seen) row.total += n.total;
      onPath.set(key, seen + 1);
    }
    for (const c of n.children) walk(c);
    if (key) onPath.set(key, onPath.get(key) - 1);
  };
  for (const r of roots) walk(r);
  return [...byKey.values()];
}
