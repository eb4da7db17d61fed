// A comparison's tree: decodes the diff API's JSON (two count columns per
// node) into the nodes tree-view.js draws, and reads the change of a node.
// No DOM here.
import { IDLE } from "./idle.js";
//
// Size: the target's share. Each node's `self` (what d3 sums) is its target
// self count; a node only in the baseline is sized by its baseline share,
// scaled to target samples (rounded), so removed code still shows. Totals follow.

/** Decodes `{base: {total}, target: {total}, frames, nodes: {parent, frame,
 * base_total, base_self, target_total, target_self}}`. */
export function decodeDiff(json) {
  const { frames, nodes } = json;
  const n = nodes.parent.length;
  const B = json.base.total, T = json.target.total;
  // Baseline samples in target samples (with no target, baseline samples as they are).
  const scale = T > 0 && B > 0 ? T / B : 1;
  // Whole samples, so counts read as counts; removed code keeps at least one.
  const removed = (self) => (self > 0 ? Math.max(1, Math.round(self * scale)) : 0);
  const out = new Array(n);
  for (let i = 0; i < n; i++) {
    const f = nodes.frame[i];
    const tt = nodes.target_total[i];
    out[i] = {
      id: i, frame: f,
      name: f < 0 ? "all" : frames.name[f], file: f < 0 ? "" : frames.file[f], line: f < 0 ? 0 : frames.line[f],
      base_total: nodes.base_total[i], base_self: nodes.base_self[i], target_total: tt, target_self: nodes.target_self[i],
      self: T === 0 ? nodes.base_self[i] : tt > 0 ? nodes.target_self[i] : removed(nodes.base_self[i]),
      total: 0, children: [], up: null,
    };
    if (nodes.parent[i] >= 0) {
      out[i].up = out[nodes.parent[i]];
      out[nodes.parent[i]].children.push(out[i]);
    }
  }
  // Parents come first, so children are summed into them walking backwards.
  for (let i = n - 1; i >= 0; i--) {
    out[i].total += out[i].self;
    if (nodes.parent[i] >= 0) out[nodes.parent[i]].total += out[i].total;
  }
  out[0].sides = { base: B, target: T };
  return out[0];
}

/** The input nodes a drawn node shows (a folded run's first frames, or itself). */
function sources(data) { return data.srcs || [data]; }

/** Both sides' counts of a drawn node (summed over what it shows), and its
 * change in share of each side's total, in percentage points. */
export function changeOf(data, sides) {
  let bt = 0, tt = 0, bs = 0, ts = 0;
  for (const s of sources(data)) { bt += s.base_total || 0; tt += s.target_total || 0; }
  // Self: a folded run's is its hidden frames', otherwise its own.
  for (const s of data.hidden || sources(data)) { bs += s.base_self || 0; ts += s.target_self || 0; }
  const share = (x, total) => (total > 0 ? x / total : 0);
  return {
    baseTotal: bt, targetTotal: tt, baseSelf: bs, targetSelf: ts,
    baseShare: share(bt, sides.base), targetShare: share(tt, sides.target),
    totalPP: 100 * (share(tt, sides.target) - share(bt, sides.base)),
    selfPP: 100 * (share(ts, sides.target) - share(bs, sides.base)),
  };
}

/** Each side's samples in idle threads (`(idle)` nodes, not counted again
 * under one another), read from the diff JSON's columns. */
export function idleCounts(json) {
  const { frames, nodes } = json;
  const idle = new Set();
  for (let f = 0; f < frames.name.length; f++) if (frames.name[f] === IDLE && !frames.file[f]) idle.add(f);
  const out = { base: 0, target: 0 };
  if (!idle.size) return out;
  for (let i = 0; i < nodes.parent.length; i++) {
    const p = nodes.parent[i];
    if (idle.has(nodes.frame[i]) && !(p >= 0 && idle.has(nodes.frame[p]))) {
      out.base += nodes.base_total[i];
      out.target += nodes.target_total[i];
    }
  }
  return out;
}
