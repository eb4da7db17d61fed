// The profile page: loads the tree and metadata, draws the chosen view, and
// keeps view, focus and search in the URL so any link reopens the same view.
// Every name from an upload is set as text (textContent / d3 .text()).
import { decode, hierarchy, pathOf, findPath, search, topFunctions, packageOf, colourOf } from "./tree.js";
import * as sunburst from "./sunburst.js";
import * as icicle from "./icicle.js";

const views = { sunburst, icicle };
const main = document.getElementById("profile");
const chart = document.getElementById("chart");
const tooltip = document.getElementById("tooltip");
const state = readState();
let root, meta, view, focusNode, sortKey = "self";

function readState() {
  const q = new URLSearchParams(location.search);
  return { view: q.get("view") === "icicle" ? "icicle" : "sunburst", focus: q.get("focus") || "", search: q.get("q") || "" };
}

function writeState() {
  const q = new URLSearchParams();
  if (state.view !== "sunburst") q.set("view", state.view);
  if (state.focus) q.set("focus", state.focus);
  if (state.search) q.set("q", state.search);
  const s = q.toString();
  try {
    history.replaceState(null, "", location.pathname + (s ? "?" + s : ""));
  } catch {
    // Some browsers refuse to change a file: URL; the view still works.
  }
}

function el(tag, text, cls) {
  const e = document.createElement(tag);
  if (text !== undefined) e.textContent = text;
  if (cls) e.className = cls;
  return e;
}

function pct(x) { return x === 0 ? "0%" : (100 * x).toFixed(x < 0.001 ? 3 : 1) + "%"; }

function draw() {
  if (view) view.destroy();
  for (const b of document.querySelectorAll("[data-view]")) b.classList.toggle("active", b.dataset.view === state.view);
  view = views[state.view].render(chart, root, { onFocus: setFocus, onUp: up, onHover: hover });
  focusNode = findPath(root, state.focus);
  view.focus(focusNode, false);
  applySearch();
  breadcrumbs();
}

function setFocus(node) {
  focusNode = node;
  state.focus = pathOf(node);
  view.focus(node);
  breadcrumbs();
  writeState();
}

function up() { if (focusNode && focusNode.parent) setFocus(focusNode.parent); }

function breadcrumbs() {
  const nav = document.getElementById("breadcrumbs");
  nav.replaceChildren();
  focusNode.ancestors().reverse().forEach((n, i, all) => {
    if (i) nav.append(el("span", "›", "sep"));
    const a = el("a", n.depth ? n.data.name : "all");
    a.title = n.data.file ? `${n.data.file}:${n.data.line}` : "";
    if (i < all.length - 1) a.addEventListener("click", () => setFocus(n));
    nav.append(a);
  });
}

function hover(event, d) {
  if (!d) { tooltip.hidden = true; return; }
  const interval = meta ? meta.interval_ms : 10;
  if (d.other) {
    // A merged shape: the children of one node too small to draw one by one.
    const total = d.members.reduce((s, m) => s + m.value, 0);
    tooltip.replaceChildren(
      el("div", `${d.members.length} smaller callees`, "fn"),
      el("div", `of ${d.parent.depth ? d.parent.data.name : "all"} · click to zoom in`),
      el("div", `total ${total} samples (${pct(total / root.value)} of all, ${pct(total / d.parent.value)} of parent)`),
    );
  } else tooltip.replaceChildren(
    el("div", d.depth ? d.data.name : "all", "fn"),
    el("div", d.data.file ? `${d.data.file}:${d.data.line}` : ""),
    el("div", `total ${d.value} samples (${pct(d.value / root.value)} of all, ${d.parent ? pct(d.value / d.parent.value) : "100%"} of parent)`),
    el("div", `self ${d.data.self} samples · ${((d.value * interval) / 1000).toFixed(2)} s`),
  );
  tooltip.hidden = false;
  tooltip.style.left = Math.min(event.clientX + 12, window.innerWidth - 440) + "px";
  tooltip.style.top = event.clientY + 12 + "px";
}

function applySearch() {
  const { matches, covered } = search(root, state.search);
  view.highlight(matches);
  document.getElementById("search-result").textContent =
    state.search ? `${matches.size} ${matches.size === 1 ? "match" : "matches"} · ${pct(covered)} of samples` : "";
}

function table() {
  const rows = topFunctions(root).sort((a, b) => b[sortKey] - a[sortKey]).slice(0, 50);
  const body = document.querySelector("#top tbody");
  body.replaceChildren(...rows.map((r) => {
    const tr = el("tr");
    const fn = el("td", r.name, "fn");
    fn.title = `${r.file}:${r.line}`;
    tr.append(fn, el("td", pct(r.self / root.value), "num"), el("td", pct(r.total / root.value), "num"));
    // Selecting a function focuses its biggest node in the chart.
    tr.addEventListener("click", () => setFocus(r.nodes.reduce((a, b) => (b.value > a.value ? b : a))));
    return tr;
  }));
}

function legend() {
  const totals = new Map();
  root.each((n) => { if (n.depth) totals.set(packageOf(n.data.file), (totals.get(packageOf(n.data.file)) || 0) + n.data.self); });
  const list = document.getElementById("legend");
  list.replaceChildren(...[...totals].sort((a, b) => b[1] - a[1]).slice(0, 12).map(([pkg, self]) => {
    const li = el("li");
    const sw = el("span", undefined, "swatch");
    sw.style.background = colourOf(pkg);
    li.append(sw, el("span", `${pkg} (${pct(self / root.value)} self)`));
    return li;
  }));
}

function metadata() {
  const dl = document.getElementById("meta");
  const fmt = (s) => new Date(s * 1000).toISOString().replace(".000Z", "Z");
  const rows = [["app", meta.app], ["host", meta.host], ["pid", meta.pid], ["runtime", meta.runtime], ["agent", meta.agent],
    ["range", `${fmt(meta.start)} – ${fmt(meta.end)}`], ["interval", `${meta.interval_ms} ms`], ["samples", meta.samples],
    ["threads", (meta.threads || []).join(", ")],
    ...Object.entries(meta.tags || {}).map(([k, v]) => [k, v])];
  dl.replaceChildren(...rows.filter((r) => r[1] !== undefined && r[1] !== "").flatMap(([k, v]) => [el("dt", k), el("dd", String(v))]));
}

// The tree and metadata: inlined in a saved report (it opens from a file, with
// no server to ask), fetched from the API otherwise.
function load() {
  const inlined = (id) => JSON.parse(document.getElementById(id).textContent);
  if (main.dataset.standalone) return Promise.resolve([inlined("tree-data"), inlined("meta-data")]);
  return Promise.all([fetch(main.dataset.treeUrl).then((r) => r.json()), fetch(main.dataset.metaUrl).then((r) => r.json())]);
}

async function start() {
  const [tree, m] = await load();
  meta = m;
  root = hierarchy(decode(tree));
  document.getElementById("search").value = state.search;
  draw();
  // The Performance API carries the time to the first picture for the benchmark.
  performance.mark("treering-first-picture");
  table();
  legend();
  metadata();
  document.querySelectorAll("[data-view]").forEach((b) => b.addEventListener("click", () => {
    state.view = b.dataset.view;
    writeState();
    draw();
  }));
  document.getElementById("search").addEventListener("input", (e) => { state.search = e.target.value; applySearch(); writeState(); });
  document.querySelectorAll("th[data-sort]").forEach((th) => th.addEventListener("click", () => { sortKey = th.dataset.sort; table(); }));
  document.addEventListener("keydown", (e) => { if (e.key === "Escape") up(); });
  // Redraw when the chart's width changes (window resized, scrollbar came).
  let drawnWidth = chart.clientWidth, resizing = null;
  new ResizeObserver(() => {
    if (chart.clientWidth === drawnWidth) return;
    drawnWidth = chart.clientWidth;
    clearTimeout(resizing);
    resizing = setTimeout(draw, 100);
  }).observe(chart);
  document.getElementById("copy-link").addEventListener("click", async () => {
    // A saved report's link is the file itself with the view state.
    const url = main.dataset.standalone ? location.href : location.origin + main.dataset.sharePath + location.search;
    try { await navigator.clipboard.writeText(url); } catch { /* clipboard needs a secure context */ }
    document.getElementById("copy-link").textContent = "Copied";
    document.getElementById("copy-link").dataset.url = url;
  });
  main.dataset.ready = "true";
}

// For scripts that drive the page (the browser tests and the benchmark): where
// a node is drawn, by the same frame-id path the URL uses.
window.treering = {
  locate: (path) => view.locate(findPath(root, path)),
  state: () => ({ ...state }),
};

start();
