// The compare page: two trees laid over each other (the diff API's answer),
// sized by the target's share and coloured by the change in share, with top
// changes and callers/callees. Both sides (`base.*`, `target.*`) and the
// view state live in the URL, so a reload or a sent link gives the same
// picture. A saved comparison inlines the diff JSON (`#diff-data`).
import { createTreeView } from "./tree-view.js";
import { fetchJSON } from "./fetch-json.js";
import { el, showMessage } from "./dom.js";
import { formatDuration, pct, samples } from "./format.js";
import { setWithTimes } from "./local-times.js";
import { decodeDiff, changeOf, idleCounts } from "./diff-tree.js";
import { diffScale, diffLegend, limitFor } from "./diff-colour.js";
import { renderTopChanges, signed } from "./top-changes.js";
import { offerFunctionViews } from "./function-view.js";

const main = document.getElementById("compare");
const SIDES = ["base", "target"];

/** The URL's side parameters (`base.*`, `target.*`), as given. */
function sideParams(search = main.dataset.sides || location.search) {
  const q = new URLSearchParams(search), out = new URLSearchParams();
  for (const [k, v] of q) if (SIDES.some((s) => k.startsWith(s + "."))) out.append(k, v);
  return out;
}

// A shared comparison (/c/TOKEN) keeps its sides on the server: its URL holds only the view.
const token = main.dataset.sharedToken;
const api = token ? `/api/v1/c/${encodeURIComponent(token)}` : null;
let sides = sideParams();
let changesBy = new URLSearchParams(location.search).get("changes") === "total" ? "total" : "self";
// Shares are of each side's whole samples, in callers/callees of a function too.
let totals = { base: 0, target: 0 }, wholeTotals = null, limit = 1, colourOfChange = diffScale(1);
let idle = { base: 0, target: 0 };   // each side's idle samples, left out of the shares while idle is hidden

/** The samples shares are of: each side's total, less its idle threads unless they are shown. */
function shares() {
  if (page.state.idle === "show") return totals;
  return { base: totals.base - idle.base, target: totals.target - idle.target };
}

/** A time parameter as the API takes it: Unix seconds shown as a time, `now-2h` as written. */
function timePart(text) { return /^\d+(\.\d+)?$/.test(text) ? { time: Number(text) } : text; }

/** One side, for the header: "shop, version=1.4, 12:00 – 13:00", "profile 12", "session 4, request r1". */
function describeSide(side) {
  const own = new Map();
  for (const [k, v] of sides) if (k.startsWith(side + ".")) own.set(k.slice(side.length + 1), [...(own.get(k.slice(side.length + 1)) || []), v]);
  const one = (k) => (own.get(k) || [])[0];
  if (own.has("profile")) return [`profile ${one("profile")}`];
  if (own.has("session")) return [`session ${one("session")}` + (own.has("request") ? `, request ${one("request")}` : "")];
  const parts = [one("app") || "?"];
  for (const [k, vs] of own) if (!["app", "from", "until"].includes(k)) parts.push(`, ${k}=${vs.join(" or ")}`);
  if (own.has("from") || own.has("until")) parts.push(", ", timePart(one("from") || "the start"), " – ", timePart(one("until") || "now"));
  else parts.push(", all retained time");
  return parts;
}

function summary() {
  const parts = [];
  SIDES.forEach((side, i) => {
    if (i) parts.push(" · ");
    parts.push(`${side}: `, ...describeSide(side), ` (${samples(totals[side])})`);
  });
  setWithTimes(document.getElementById("compare-sides"), ...parts);
}

function tooltipRows(d) {
  const of = shares(), c = changeOf(d.data, of);
  const name = d.depth ? d.data.name : "all";
  const side = (label, total, self, share, of) =>
    el("div", `${label}: total ${samples(total)} (${pct(share)}) · self ${samples(self)} (${pct(of ? self / of : 0)})`);
  return [
    el("div", name, "fn"),
    el("div", d.data.folded ? `library code (${d.data.packages.join(", ")}), folded · click to show its frames` : (d.data.file ? `${d.data.file}:${d.data.line}` : "")),
    side("base", c.baseTotal, c.baseSelf, c.baseShare, of.base),
    side("target", c.targetTotal, c.targetSelf, c.targetShare, of.target),
    el("div", `change: total ${signed(c.totalPP)} · self ${signed(c.selfPP)}`, c.totalPP > 0 ? "grew" : c.totalPP < 0 ? "shrank" : ""),
  ];
}

/** The clamp of the colour scale: the biggest change of a node, made nice. */
function decode(json) {
  const root = decodeDiff(json);
  totals = wholeTotals || root.sides;
  const of = shares(), changes = [], stack = [...root.children];
  const b = of.base > 0 ? 100 / of.base : 0, t = of.target > 0 ? 100 / of.target : 0;
  while (stack.length) {
    const n = stack.pop();
    changes.push(n.target_total * t - n.base_total * b);   // changeOf(n, of).totalPP, without an object per node
    for (const c of n.children) stack.push(c);
  }
  limit = limitFor(changes);
  colourOfChange = diffScale(limit);
  return root;
}

function topChanges(tree) {
  for (const b of document.querySelectorAll("[data-changes]")) b.classList.toggle("active", b.dataset.changes === changesBy);
  renderTopChanges(document.getElementById("top-changes"), tree, shares(), changesBy, colourOfChange, (n) => page.reveal(n));
}

const page = createTreeView({
  params: () => {
    const q = token ? new URLSearchParams() : new URLSearchParams(sides);
    if (changesBy !== "self") q.set("changes", changesBy);
    return q;
  },
  decode,
  colour: (d) => colourOfChange(changeOf(d.data, shares()).totalPP),
  tooltip: tooltipRows,
  // The legend is redrawn whenever the tree is reshaped: top changes follow it.
  legend: (list, tree) => { diffLegend(list, limit); topChanges(tree); },
  emptyText: () => "No samples on either side.",
  link: async () => {
    if (main.dataset.standalone || token) return location.href;
    // A stored comparison when the server offers it, else this page's URL.
    try {
      const shared = await fetchJSON("/api/v1/diff/share?" + sides, { method: "POST" });
      const view = new URLSearchParams(location.search);
      for (const k of [...view.keys()]) if (SIDES.some((s) => k.startsWith(s + "."))) view.delete(k);
      const s = view.toString();
      return new URL(shared.url, location.origin).href + (s ? (shared.url.includes("?") ? "&" : "?") + s : "");
    } catch {
      return location.href;
    }
  },
});

for (const b of document.querySelectorAll("[data-changes]")) {
  b.addEventListener("click", () => {
    changesBy = b.dataset.changes;
    page.writeState();
    topChanges(page.tree());
  });
}

offerFunctionViews(page, (dir) => (api ? `${api}/${dir}` : `/api/v1/diff/${dir}?${sides}`));

function detailRows(json) {
  const interval = (s) => formatDuration(json[s].interval_ms || 10, "interval");
  return [["base samples", json.base.total], ["target samples", json.target.total],
    ["base interval", interval("base")], ["target interval", interval("target")]];
}

async function start() {
  try {
    if (api) sides = new URLSearchParams((await fetchJSON(api + "/sides")).sides);
    const json = main.dataset.standalone
      ? JSON.parse(document.getElementById("diff-data").textContent)
      : await fetchJSON(api || "/api/v1/diff?" + sides);
    // The benchmark times the browser's part from here to the first picture.
    performance.mark("treering-diff-answer");
    totals = wholeTotals = { base: json.base.total, target: json.target.total };
    idle = idleCounts(json);
    summary();
    await page.show(json, detailRows(json));
    main.dataset.ready = "true";
  } catch (e) {
    summary();
    showMessage(document.getElementById("error"), `Could not compare: ${e.message}`);
    main.dataset.ready = "error";
  }
}

// For the tests and the benchmark: the colour scale's clamp and the totals.
window.treeringCompare = { limit: () => limit, totals: () => ({ ...totals }), shares, colour: (pp) => colourOfChange(pp) };

start();
