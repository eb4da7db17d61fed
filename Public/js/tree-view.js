// The call tree part of a page: view switch, chart, focus and breadcrumbs,
// tooltip, search, top functions, legend, details. The profile, app and
// session pages all use it; they differ in where the tree comes from and in
// what else their URL holds. Every name from an upload is set as text.
import { decode, hierarchy, pathOf, findPath, search, topFunctions } from "./tree.js";
import { packageOf, colourOf, rankPackages } from "./package-colours.js";
import * as sunburst from "./sunburst.js";
import * as icicle from "./icicle.js";
import { el } from "./dom.js";
import { wireCopyLink } from "./copy-link.js";
import { formatDuration, pct, samples } from "./format.js";

const views = { sunburst, icicle };

/** Time that `n` samples stand for at the asked interval (an estimate:
 * a sampler starved of the GIL takes fewer samples than asked). */
function duration(n, intervalMs) { return formatDuration(n * intervalMs); }

/** Reads view, focus and search from the URL. */
function readViewState(search = location.search) {
  const q = new URLSearchParams(search);
  return { view: q.get("view") === "icicle" ? "icicle" : "sunburst", focus: q.get("focus") || "", search: q.get("q") || "" };
}

/**
 * options.params(): URLSearchParams the host page keeps in the URL besides
 * the view state (range, filters); options.link(): the URL "Copy link" copies;
 * options.emptyText(): what the chart says when the tree has no samples.
 * Returns { show(treeJSON, detailRows), state, writeState }.
 */
export function createTreeView(options) {
  const chart = document.getElementById("chart");
  const tooltip = document.getElementById("tooltip");
  const state = readViewState();
  let root, view, focusNode, intervalMs = 10, sortKey = "self", wired = false;

  /** Puts the state in the URL; `push` makes it a step the Back button undoes
   * (zoom, view, range, filters), otherwise the current entry is updated. */
  function writeState(push = false) {
    const q = options.params ? options.params() : new URLSearchParams();
    if (state.view !== "sunburst") q.set("view", state.view);
    if (state.focus) q.set("focus", state.focus);
    if (state.search) q.set("q", state.search);
    const s = q.toString();
    const url = location.pathname + (s ? "?" + s : "");
    try {
      if (push && url !== location.pathname + location.search) history.pushState(null, "", url);
      else history.replaceState(null, "", url);
    } catch {
      // Some browsers refuse to change a file: URL; the view still works.
    }
  }

  function draw() {
    if (view) view.destroy();
    view = null;
    for (const b of document.querySelectorAll("[data-view]")) b.classList.toggle("active", b.dataset.view === state.view);
    chart.replaceChildren();
    if (!root.value) {
      // Nothing sampled (an empty range): say so instead of drawing nothing.
      chart.append(el("p", options.emptyText ? options.emptyText() : "No samples.", "empty-chart"));
      focusNode = root;
      breadcrumbs();
      document.getElementById("search-result").textContent = "";
      return;
    }
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
    writeState(true);
  }

  function up() { if (focusNode && focusNode.parent) setFocus(focusNode.parent); }

  function breadcrumbs() {
    const nav = document.getElementById("breadcrumbs");
    nav.replaceChildren();
    focusNode.ancestors().reverse().forEach((n, i, all) => {
      if (i) nav.append(el("span", "›", "sep"));
      const a = el("a", n.depth ? n.data.name : "all");
      a.title = n.data.file ? `${n.data.name}\n${n.data.file}:${n.data.line}` : "";
      if (i < all.length - 1) a.addEventListener("click", () => setFocus(n));
      nav.append(a);
    });
  }

  function hover(event, d) {
    if (!d) { tooltip.hidden = true; return; }
    if (d.other) {
      // A merged shape: the children of one node too small to draw one by one.
      const total = d.members.reduce((s, m) => s + m.value, 0);
      tooltip.replaceChildren(
        el("div", `${d.members.length} smaller callees`, "fn"),
        el("div", `of ${d.parent.depth ? d.parent.data.name : "all"} · click to zoom in`),
        el("div", `total ${samples(total)} ≈ ${duration(total, intervalMs)} (${pct(total / root.value)} of all, ${pct(total / d.parent.value)} of parent)`),
      );
    } else tooltip.replaceChildren(
      el("div", d.depth ? d.data.name : "all", "fn"),
      el("div", d.data.file ? `${d.data.file}:${d.data.line}` : ""),
      el("div", `total ${samples(d.value)} ≈ ${duration(d.value, intervalMs)} (${pct(d.value / root.value)} of all, ${d.parent ? pct(d.value / d.parent.value) : "100%"} of parent)`),
      el("div", `self ${samples(d.data.self)} ≈ ${duration(d.data.self, intervalMs)} (${pct(d.data.self / root.value)} of all)`),
    );
    tooltip.hidden = false;
    tooltip.style.left = Math.min(event.clientX + 12, window.innerWidth - 440) + "px";
    tooltip.style.top = event.clientY + 12 + "px";
  }

  function applySearch() {
    if (!view) return;
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
      fn.title = `${r.name}\n${r.file}:${r.line}`;   // the cell may cut a long name
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

  function details(rows) {
    const dl = document.getElementById("meta");
    dl.replaceChildren(...rows.filter((r) => r[1] !== undefined && r[1] !== "").flatMap(([k, v]) => [el("dt", k), el("dd", String(v))]));
  }

  function wire() {
    document.getElementById("search").value = state.search;
    document.querySelectorAll("[data-view]").forEach((b) => b.addEventListener("click", () => {
      state.view = b.dataset.view;
      writeState(true);
      draw();
    }));
    document.getElementById("search").addEventListener("input", (e) => { state.search = e.target.value; applySearch(); writeState(); });
    document.querySelectorAll("th[data-sort]").forEach((th) => th.addEventListener("click", () => { sortKey = th.dataset.sort; table(); }));
    document.addEventListener("keydown", (e) => { if (e.key === "Escape" && e.target.tagName !== "INPUT") up(); });
    // Back and Forward: the view state of that step (the host page reloads
    // its own part, range, filters or request, on the same event).
    window.addEventListener("popstate", () => {
      Object.assign(state, readViewState());
      document.getElementById("search").value = state.search;
      draw();
    });
    // Redraw when the chart's width changes (window resized, scrollbar came).
    let drawnWidth = chart.clientWidth, resizing = null;
    new ResizeObserver(() => {
      if (chart.clientWidth === drawnWidth || !root) return;
      drawnWidth = chart.clientWidth;
      clearTimeout(resizing);
      resizing = setTimeout(draw, 100);
    }).observe(chart);
    wireCopyLink(document.getElementById("copy-link"), options.link);
  }

  /** Draws `json` (the API's compact tree), keeping view, focus and search. */
  function show(json, rows) {
    intervalMs = json.interval_ms || 10;
    root = hierarchy(decode(json));
    rankPackages(root);
    if (!wired) { wire(); wired = true; }
    document.getElementById("copy-link").textContent = "Copy link";
    draw();
    // The Performance API carries the time to the first picture for the benchmark.
    performance.mark("treering-first-picture");
    table();
    legend();
    details(rows);
    writeState();
  }

  // For scripts that drive the page (the browser tests and the benchmark): where
  // a node is drawn, by the same frame-id path the URL uses.
  window.treering = {
    locate: (path) => (view ? view.locate(findPath(root, path)) : null),
    state: () => ({ ...state }),
    total: () => (root ? root.value : 0),
  };

  return { show, state, writeState };
}
