// Top changes of a comparison: functions by the change of their self share
// or of their total share (percentage points of each side's samples), the
// biggest changes first, each row focusing the function's biggest node.
import { el } from "./dom.js";
import { pct } from "./format.js";

/** One row per function (name, file, line) over the tree before folding:
 * both sides' self and total counts, a total counted once per stack. */
export function changesByFunction(root) {
  const byKey = new Map(), onPath = new Map();
  const stack = [[root, false]];
  while (stack.length) {
    const [n, leaving] = stack.pop();
    const key = n.frame >= 0 ? `${n.name}\u0000${n.file}\u0000${n.line}` : null;
    if (leaving) { if (key) onPath.set(key, onPath.get(key) - 1); continue; }
    if (key) {
      let row = byKey.get(key);
      if (!row) byKey.set(key, (row = { name: n.name, file: n.file, line: n.line, baseSelf: 0, targetSelf: 0, baseTotal: 0, targetTotal: 0, nodes: [] }));
      row.baseSelf += n.base_self || 0;
      row.targetSelf += n.target_self || 0;
      row.nodes.push(n);
      const seen = onPath.get(key) || 0;
      if (!seen) { row.baseTotal += n.base_total || 0; row.targetTotal += n.target_total || 0; }
      onPath.set(key, seen + 1);
    }
    stack.push([n, true]);
    for (let i = n.children.length - 1; i >= 0; i--) stack.push([n.children[i], false]);
  }
  return [...byKey.values()];
}

/** A change in percentage points, signed: "+4.2 pp", "−0.05 pp". */
export function signed(pp) { return `${pp > 0 ? "+" : pp < 0 ? "−" : ""}${Math.abs(pp).toFixed(Math.abs(pp) < 0.1 && pp ? 2 : 1)} pp`; }

/**
 * Fills `table` (a tbody inside) with the rows sorted by `by` ("self" or
 * "total"). `sides`: {base, target} totals; `colour(pp)`; `select(node)`
 * focuses a node of the tree before folding.
 */
export function renderTopChanges(table, root, sides, by, colour, select, limit = 50) {
  const share = (x, t) => (t > 0 ? x / t : 0);
  const rows = changesByFunction(root).map((r) => ({
    ...r,
    selfPP: 100 * (share(r.targetSelf, sides.target) - share(r.baseSelf, sides.base)),
    totalPP: 100 * (share(r.targetTotal, sides.target) - share(r.baseTotal, sides.base)),
  }));
  const key = by === "total" ? "totalPP" : "selfPP";
  rows.sort((a, b) => Math.abs(b[key]) - Math.abs(a[key]) || b[key] - a[key]);
  const body = table.querySelector("tbody");
  body.replaceChildren(...rows.filter((r) => r[key] !== 0).slice(0, limit).map((r) => {
    const tr = el("tr");
    tr.dataset.function = r.name;
    const fn = el("td", undefined, "fn");
    const sw = el("span", undefined, "swatch");
    sw.style.background = colour(r[key]);
    fn.append(sw, document.createTextNode(r.name));
    fn.title = r.file ? `${r.name}\n${r.file}:${r.line}` : r.name;
    const base = by === "total" ? share(r.baseTotal, sides.base) : share(r.baseSelf, sides.base);
    const target = by === "total" ? share(r.targetTotal, sides.target) : share(r.targetSelf, sides.target);
    tr.append(fn, el("td", pct(base), "num"), el("td", pct(target), "num"), el("td", signed(r[key]), "num change"));
    tr.addEventListener("click", () => {
      // The biggest node: by the target's total, or the baseline's for removed code.
      const size = (n) => (n.target_total > 0 ? n.target_total : n.base_total * 1e-6);
      select(r.nodes.reduce((a, b) => (size(b) > size(a) ? b : a)));
    });
    return tr;
  }));
  return rows;
}
