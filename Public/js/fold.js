// Your code first: runs of library frames folded into one node. No DOM here.
//
// The rule. A run starts at a library node whose parent is your code (or the
// root). Below it, every library node that has callees is hidden in the run;
// the run ends at the first frame of your code on each path (an "exit") and
// at library leaves, which stay visible because that is where the time went.
// The run becomes one folded node, "django · 22 frames", whose
// - total is the total of the run's first frame (so no total changes);
// - self is the self samples of the hidden frames (library code that called
//   something but also ran itself);
// - children are the exits, those of one function merged into one node (the
//   view reached through two middleware paths is one node), their own
//   callees merged recursively.
// Then folded.total = self + the children's totals, exactly, since every
// sample of the run either ends in a hidden frame or below one exit. A run
// that would hide fewer than two frames is not folded. A run listed in
// `expanded` (by the frame-id path of its first frame, see `runKey`) is
// shown frame by frame, down to its exits; folding resumes below them.
//
// Every output node keeps `srcs` (the input nodes it shows) and every input
// node gets `shown` (the output node that shows it), so a focus, a search
// hit or a top-functions row can be followed from one tree to the other.

/** The frame-id path of an input node (nodes carry `up`), e.g. "3.17.42". */
export function runKey(node) {
  const parts = [];
  for (let m = node; m && m.frame >= 0; m = m.up) parts.push(m.frame);
  return parts.reverse().join(".");
}

/** Folds the decoded tree `root` ({frame, name, file, line, self, total,
 * children, up}). `rule`: { isLibrary(node), packageOf(file) }. With
 * `rule.isLibrary` always false the copy is the tree as it is. */
export function foldLibrary(root, rule, expanded = new Set()) {
  const { isLibrary, packageOf } = rule;
  const anyExpanded = expanded.size > 0;

  function copy(group) {
    const first = group[0];
    let self = 0, total = 0;
    for (const g of group) { self += g.self; total += g.total; }
    const out = { id: first.id, frame: first.frame, key: String(first.frame), name: first.name, file: first.file, line: first.line, self, total, children: [], srcs: group, h: null };
    if (first.lines) out.lines = first.lines;
    for (const g of group) g.shown = out;
    return out;
  }

  // Children of a group of nodes of one function, grouped by frame (a lone
  // node's children already have one frame each).
  function childGroups(group) {
    if (group.length === 1) return group[0].children.map((c) => [c]);
    const byFrame = new Map();
    for (const g of group) for (const c of g.children) {
      const same = byFrame.get(c.frame);
      if (same) same.push(c); else byFrame.set(c.frame, [c]);
    }
    return [...byFrame.values()];
  }

  function build(group, open) {
    const out = copy(group);
    for (const cg of childGroups(group)) {
      if (!isLibrary(cg[0])) out.children.push(build(cg, false));
      else out.children.push(open ? build(cg, true) : place(cg));
    }
    return out;
  }

  // A run's first frame(s): folded, or shown as they are.
  function place(cg) {
    if (cg.every((m) => !m.children.length)) return build(cg, false);
    const key = runKey(cg[0]);
    if (anyExpanded && expanded.has(key)) return build(cg, true);
    // Packages are counted per file first: a run has far fewer files than frames.
    const hidden = [], exits = [], stack = cg.slice().reverse(), perFile = new Map();
    let self = 0, total = 0;
    while (stack.length) {
      const m = stack.pop();
      if (m.children.length && isLibrary(m)) {
        hidden.push(m);
        self += m.self;
        perFile.set(m.file, (perFile.get(m.file) || 0) + 1);
        for (let i = m.children.length - 1; i >= 0; i--) stack.push(m.children[i]);
      } else exits.push(m);
    }
    if (hidden.length < 2) return build(cg, false);
    for (const m of cg) total += m.total;
    // Packages by how many hidden frames each has, the most first.
    const packages = new Map();
    for (const [file, n] of perFile) {
      const p = packageOf(file) || file;
      packages.set(p, (packages.get(p) || 0) + n);
    }
    const names = [...packages].sort((a, b) => b[1] - a[1]).map(([p]) => p);
    const label = names.length > 2 ? `${names[0]}, ${names[1]} +${names.length - 2}` : names.join(", ");
    const out = {
      id: cg[0].id, frame: cg[0].frame, key: "f" + cg[0].frame, folded: true, runKey: key,
      name: `${label} · ${hidden.length} frames`, file: "", line: 0, packages: names, package: names[0],
      self, total, children: [], srcs: cg, hidden, h: null,
    };
    for (const h of hidden) h.shown = out;
    const byFrame = new Map();
    for (const e of exits) {
      const same = byFrame.get(e.frame);
      if (same) same.push(e); else byFrame.set(e.frame, [e]);
    }
    for (const g of byFrame.values()) out.children.push(build(g, false));
    return out;
  }

  return build([root], false);
}
