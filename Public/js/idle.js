// Idle samples apart: a frame named exactly `(idle)` with no file marks
// samples of threads that were waiting (the server turns the agent's
// `treering.idle_samples` tag into a root-level `(idle)` node and appends an
// `(idle)` leaf to samples tagged `state=idle`; older agents and imports
// such as py-spy `--idle` carry them too). No DOM here.

export const IDLE = "(idle)";

export function isIdle(node) { return node.name === IDLE && !node.file; }

/** Whether the tree JSON's frame table has an `(idle)` frame at all. */
export function hasIdleFrame(json) {
  const { name, file } = json.frames;
  for (let i = 0; i < name.length; i++) if (name[i] === IDLE && !file[i]) return true;
  return false;
}

/** A copy of the decoded tree without its `(idle)` nodes (and what is under
 * them); each ancestor's total loses theirs, and nodes left with no samples go.
 * Returns { root, idle }: idle is the samples removed. */
export function removeIdle(root) {
  let idle = 0;
  const strip = (n, up) => {
    const out = { ...n, children: [], up, shown: null, h: null };
    let total = n.self;
    for (const c of n.children) {
      if (isIdle(c)) { idle += c.total; continue; }
      const k = strip(c, out);
      if (k.total > 0) { out.children.push(k); total += k.total; }
    }
    out.total = total;
    return out;
  };
  return { root: strip(root, null), idle };
}
