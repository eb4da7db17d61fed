// Lines merged into functions: py-spy `-f raw` (and other folded files) key
// a frame by the line executing, so one function shows as several sibling
// nodes. Merging siblings with the same name and file, and recursively the
// children of the merged ones, gives one node per function. No DOM here.

const keyOf = (n) => n.name + "\u0000" + n.file;

/** Whether some node has two children of one function (different lines). */
export function hasLineSplits(root) {
  const stack = [root];
  while (stack.length) {
    const n = stack.pop();
    if (n.children.length > 1) {
      const seen = new Set();
      for (const c of n.children) {
        const k = keyOf(c);
        if (seen.has(k)) return true;
        seen.add(k);
      }
    }
    for (const c of n.children) stack.push(c);
  }
  return false;
}

/** A copy of the tree with siblings of one function merged. A merged node
 * keeps the smallest frame id of its members (a stable id for focus paths)
 * and the line of its biggest member; totals and self counts add up. */
export function mergeLines(root) {
  const merge = (members, up) => {
    let self = 0, total = 0, frame = members[0].frame, big = members[0];
    for (const m of members) {
      self += m.self;
      total += m.total;
      if (m.frame < frame) frame = m.frame;
      if (m.total > big.total) big = m;
    }
    const out = { id: big.id, frame, name: big.name, file: big.file, line: big.line, self, total, children: [], up, lines: members.length };
    const groups = new Map();
    for (const m of members) for (const c of m.children) {
      const k = keyOf(c);
      const g = groups.get(k);
      if (g) g.push(c); else groups.set(k, [c]);
    }
    for (const g of groups.values()) out.children.push(merge(g, out));
    return out;
  };
  return merge([root], null);
}
