// Lines merged into functions: py-spy `-f raw` (and other folded files) key
// a frame by the line executing, so one function shows as several sibling
// nodes. Merging siblings with the same name and file, and recursively the
// children of the merged ones, gives one node per function. No DOM here.

const keyOf = (n) => n.name + "\u0000" + n.file;

/** Whether the tree JSON's frame table has two frames of one function (name
 * and file) at all: without, no node can have lines to merge, and the tree
 * need not be walked. */
export function framesShareFunctions(json) {
  const { name, file } = json.frames;
  const seen = new Set();
  for (let i = 0; i < name.length; i++) {
    const k = name[i] + "\u0000" + file[i];
    if (seen.has(k)) return true;
    seen.add(k);
  }
  return false;
}

/** Whether some node has two children of one function (different lines).
 * Each frame gets a function number once; siblings are compared by number
 * against a stamp per function, so a 100,000-node tree allocates nothing per node. */
export function hasLineSplits(root) {
  const fnOfFrame = new Map(), fnOfKey = new Map(), stamp = [];
  const fnOf = (n) => {
    let f = fnOfFrame.get(n.frame);
    if (f === undefined) {
      const k = keyOf(n);
      f = fnOfKey.get(k);
      if (f === undefined) fnOfKey.set(k, (f = fnOfKey.size));
      fnOfFrame.set(n.frame, f);
    }
    return f;
  };
  let parents = 0;
  const stack = [root];
  while (stack.length) {
    const n = stack.pop();
    const kids = n.children;
    if (kids.length > 1) {
      parents++;
      for (const c of kids) {
        const f = fnOf(c);
        if (stamp[f] === parents) return true;
        stamp[f] = parents;
      }
    }
    for (const c of kids) stack.push(c);
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
    const out = { id: big.id, frame, name: big.name, file: big.file, line: big.line, self, total, children: [], up, lines: members.length, shown: null, h: null };
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
