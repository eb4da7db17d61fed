// The call tree part of a page: view switch, chart, focus and breadcrumbs,
// tooltip, search, top functions, legend, details. The profile, app and
// session pages all use it; they differ in where the tree comes from and in
// what else their URL holds. Every name from an upload is set as text.
import { decode, hierarchy, pathOf, findPath, search, topFunctions } from "./tree.js";
import { packageOf, colourOf, rankPackages } from "./package-colours.js";
import * as sunburst from "./sunburst.js";
import * as icicle from "./icicle.js";
import { el } from "./dom.js";
import { libraryRule } from "./library.js";
import { foldLibrary } from "./fold.js";
import { hasIdleFrame, removeIdle } from "./idle.js";
import { framesShareFunctions, hasLineSplits, mergeLines } from "./merge-lines.js";
import { branchPoint } from "./focus.js";
import { wireCopyLink } from "./copy-link.js";
import { formatDuration, pct, samples } from "./format.js";

const views = { sunburst, icicle };

/** The tree before folding, walked like a d3 hierarchy ({depth, data, value}),
 * for package shares: building a second hierarchy would cost a layout. */
function everyFrame(base) {
  return {
    each(visit) {
      // One visitor object, refilled: the callers read it and move on.
      const at = { depth: 0, data: null, value: 0 };
      const nodes = [base], depths = [0];
      while (nodes.length) {
        const n = nodes.pop(), depth = depths.pop();
        at.depth = depth; at.data = n; at.value = n.total;
        visit(at);
        for (const c of n.children) { nodes.push(c); depths.push(depth + 1); }
      }
    },
  };
}

/** Time that `n` samples stand for at the asked interval (an estimate:
 * a sampler starved of the GIL takes fewer samples than asked). */
function duration(n, intervalMs) { return formatDuration(n * intervalMs); }

const list = (v) => (v ? v.split(",").filter(Boolean) : []);

/** Reads the view state from the URL: view, focus ("" opens where the tree
 * branches, "all" is the whole tree), search, and how the tree is shown:
 * frames=all (no folding), expand= (folded runs opened, by path), idle=show,
 * lines=merge, mine= (packages that are your code). */
function readViewState(search = location.search) {
  const q = new URLSearchParams(search);
  return {
    view: q.get("view") === "icicle" ? "icicle" : "sunburst", focus: q.get("focus") || "", search: q.get("q") || "",
    frames: q.get("frames") === "all" ? "all" : "", expand: list(q.get("expand")), idle: q.get("idle") === "show" ? "show" : "",
    lines: q.get("lines") === "merge" ? "merge" : "", mine: list(q.get("mine")),
  };
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
  // The tree as decoded, its idle share, and the tree before folding (idle
  // removed, lines merged when asked), which the folded one points into.
  let json, decoded, base, idle = 0, rawTotal = 0, splitLines = false, topLibrary = false, linked = false;
  const extraParams = [];   // more URL state, from add-ons (function-view.js)

  /** Puts the state in the URL; `push` makes it a step the Back button undoes
   * (zoom, view, range, filters), otherwise the current entry is updated. */
  function writeState(push = false) {
    const q = options.params ? options.params() : new URLSearchParams();
    for (const add of extraParams) add(q);
    if (state.view !== "sunburst") q.set("view", state.view);
    if (state.focus) q.set("focus", state.focus);
    if (state.search) q.set("q", state.search);
    if (state.frames) q.set("frames", state.frames);
    if (state.expand.length && !state.frames) q.set("expand", state.expand.join(","));
    if (state.idle) q.set("idle", state.idle);
    if (state.lines) q.set("lines", state.lines);
    if (state.mine.length) q.set("mine", state.mine.join(","));
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
    view = views[state.view].render(chart, root, { onFocus: setFocus, onUp: up, onHover: hover, colour: options.colour });
    // No focus in the URL: open where the tree branches.
    focusNode = state.focus ? findPath(root, state.focus) : branchPoint(root);
    view.focus(focusNode, false);
    applySearch();
    breadcrumbs();
  }

  function setFocus(node) {
    // A click on a folded run shows its frames in place.
    if (node.data.folded && node !== focusNode) { expand(node.data); return; }
    focusNode = node;
    state.focus = pathOf(node);
    table();   // before the zoom starts, so its frames stay short
    view.focus(node);
    breadcrumbs();
    writeState(true);
  }

  // --- How the tree is shown: idle apart, lines merged, library folded. ---

  /** The tree before folding: idle removed unless asked, lines merged when asked. */
  function prepare() {
    base = idle && state.idle !== "show" ? removeIdle(decoded).root : decoded;
    if (state.lines === "merge" && splitLines) base = mergeLines(base);
  }

  /** Folds `base` into the tree the views draw (with all frames, `base` itself). */
  function rebuild() {
    const shown = state.frames === "all" ? base : foldLibrary(base, libraryRule([...(json.my_packages || []), ...state.mine]), new Set(state.expand));
    root = hierarchy(shown);
    linked = false;
  }

  /** Gives every drawn node's data its hierarchy node (`data.h`), once per
   * tree, when a table row or a reshape needs it: not on the first picture. */
  function link() {
    if (!linked) { root.each((h) => { h.data.h = h; }); linked = true; }
  }

  /** The node now drawn for a node of `base`. */
  function drawnFor(b) { link(); return state.frames === "all" ? b.h : b.shown && b.shown.h; }

  /** Decodes the API's tree and shapes it as the state says. */
  function transformed(j) {
    json = j;
    decoded = (options.decode || decode)(j);
    rawTotal = decoded.total;
    idle = hasIdleFrame(j) ? removeIdle(decoded).idle : 0;
    splitLines = framesShareFunctions(j) && hasLineSplits(decoded);
    prepare();
    rebuild();
    return root;
  }

  /** Applies a change of how the tree is shown, keeping the focused node in
   * focus when it is still there (`sameBase`: only the folding changed). */
  function reshape(change, sameBase = true) {
    const keep = focusNode && focusNode.depth ? (focusNode.data.srcs ? focusNode.data.srcs[0] : focusNode.data) : null;
    change();
    tooltip.hidden = true;   // it described a node that may be gone
    if (!sameBase) prepare();
    rebuild();
    const now = keep && sameBase ? drawnFor(keep) : null;
    if (now) state.focus = pathOf(now);
    writeState(true);
    draw();
    table();
    legend();
    treeOptions();
  }

  function expand(folded) { reshape(() => { state.expand = [...state.expand, folded.runKey]; }); }

  /** Focuses the node that shows an unfolded node, opening its run if folded. */
  function reveal(b) {
    if (state.frames !== "all" && b.shown && b.shown.folded) {
      reshape(() => { state.expand = [...state.expand, b.shown.runKey]; });
      const now = drawnFor(b);
      if (now) { state.focus = pathOf(now); writeState(); draw(); table(); }
    } else setFocus(drawnFor(b));
  }

  /** The toggles beside the chart and the idle figure. */
  function treeOptions() {
    document.getElementById("all-frames").checked = state.frames === "all";
    const note = document.getElementById("idle-note");
    note.hidden = !idle;
    if (idle) {
      const share = idle / rawTotal;
      document.getElementById("idle-figure").textContent =
        `${share < 0.01 ? "<1" : Math.round(100 * share)}% of samples were idle threads`;
      document.getElementById("show-idle").checked = state.idle === "show";
    }
    document.getElementById("merge-lines-option").hidden = !splitLines;
    document.getElementById("merge-lines").checked = state.lines === "merge";
    document.getElementById("top-library").checked = topLibrary;
    document.getElementById("top-library-option").hidden = state.frames === "all";
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
    } else if (options.tooltip) tooltip.replaceChildren(...options.tooltip(d, root));
    else if (d.data.folded) tooltip.replaceChildren(
      el("div", d.data.name, "fn"),
      el("div", `library code (${d.data.packages.join(", ")}), folded · click to show its frames`),
      el("div", `total ${samples(d.value)} ≈ ${duration(d.value, intervalMs)} (${pct(d.value / root.value)} of all, ${d.parent ? pct(d.value / d.parent.value) : "100%"} of parent)`),
      el("div", `self in these frames ${samples(d.data.self)} ≈ ${duration(d.data.self, intervalMs)} (${pct(d.data.self / root.value)} of all)`),
    );
    else tooltip.replaceChildren(
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

  /** Top functions within the focused node: what the picture shows (folded
   * runs as rows), or with "count library frames" every frame under it. */
  function table() {
    const within = focusNode && focusNode.depth ? focusNode : root;
    const library = topLibrary && state.frames !== "all";
    const roots = library ? (within.depth ? within.data.srcs : [base]) : [within.data];
    const of = within.value || 1;
    const rows = topFunctions(roots, { byFunction: state.lines === "merge" }).sort((a, b) => b[sortKey] - a[sortKey]).slice(0, 50);
    const body = document.querySelector("#top tbody");
    body.replaceChildren(...rows.map((r) => {
      const tr = el("tr");
      const fn = el("td", r.name, "fn");
      fn.title = r.file ? `${r.name}\n${r.file}:${r.line}` : r.name;   // the cell may cut a long name
      tr.append(fn, el("td", pct(r.self / of), "num"), el("td", pct(r.total / of), "num"));
      // Selecting a function focuses its biggest node in the chart.
      tr.addEventListener("click", () => {
        const big = r.nodes.reduce((a, b) => (b.total > a.total ? b : a));
        if (library) reveal(big);
        else { link(); setFocus(big.h); }
      });
      if (options.row) options.row(tr, r);
      return tr;
    }));
    const scope = document.getElementById("top-scope");
    scope.replaceChildren();
    if (within.depth) {
      const back = el("a", "whole tree");
      back.href = "#";
      back.addEventListener("click", (e) => { e.preventDefault(); setFocus(root); });
      scope.append(el("span", `within ${within.data.name} (${pct(within.value / root.value)} of samples) · `), back);
    }
  }

  function legend() {
    if (options.legend) { options.legend(document.getElementById("legend"), base); return; }
    const totals = new Map();
    // Over every frame, folded or not: a folded run's self time is its packages'.
    everyFrame(base).each((n) => { if (n.depth) totals.set(packageOf(n.data.file), (totals.get(packageOf(n.data.file)) || 0) + n.data.self); });
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
      prepare();
      rebuild();
      draw();
      table();
      legend();
      treeOptions();
    });
    document.getElementById("all-frames").addEventListener("change", (e) => reshape(() => { state.frames = e.target.checked ? "all" : ""; }));
    document.getElementById("show-idle").addEventListener("change", (e) => reshape(() => { state.idle = e.target.checked ? "show" : ""; }, false));
    document.getElementById("merge-lines").addEventListener("change", (e) => reshape(() => { state.lines = e.target.checked ? "merge" : ""; }, false));
    document.getElementById("top-library").addEventListener("change", (e) => { topLibrary = e.target.checked; table(); });
    // Redraw when the chart's width changes (window resized, scrollbar came).
    let drawnWidth = chart.clientWidth, resizing = null;
    new ResizeObserver(() => {
      if (chart.clientWidth === drawnWidth || !root) return;
      drawnWidth = chart.clientWidth;
      clearTimeout(resizing);
      resizing = setTimeout(draw, 100);
    }).observe(chart);
    wireCopyLink(document.getElementById("copy-link"), options.link);
    if (options.menu) chart.addEventListener("contextmenu", (e) => {
      const box = view && view.canvas.getBoundingClientRect(), d = view && view.hit(e.clientX - box.left, e.clientY - box.top);
      if (d && !d.other && d.depth) { e.preventDefault(); options.menu(e, d); }
    });
  }

  /** Draws `json` (the API's compact tree), keeping view, focus and search. */
  function show(json, rows) {
    // The benchmark splits the time to the first picture at this mark.
    performance.mark("treering-show");
    intervalMs = json.interval_ms || 10;
    root = transformed(json);
    rankPackages(everyFrame(base));
    if (!wired) { wire(); wired = true; }
    document.getElementById("copy-link").textContent = "Copy link";
    draw();
    // The Performance API carries the time to the first picture for the benchmark.
    performance.mark("treering-first-picture");
    table();
    legend();
    treeOptions();
    details(rows);
    writeState();
  }

  // For scripts that drive the page (the browser tests and the benchmark): where
  // a node is drawn, by the same frame-id path the URL uses.
  window.treering = {
    locate: (path) => (view ? view.locate(findPath(root, path)) : null),
    state: () => ({ ...state }),
    total: () => (root ? root.value : 0),
    // The drawn tree's nodes: path, name, file, total, folded.
    nodes: () => (root ? root.descendants().map((n) => ({ path: pathOf(n), name: n.depth ? n.data.name : "all", file: n.data.file, total: n.value, self: n.data.self, depth: n.depth, folded: !!n.data.folded })) : []),
    focus: () => (focusNode ? pathOf(focusNode) : ""),
    idle: () => ({ idle, total: rawTotal }),
  };

  // For add-ons (compare-page.js, function-view.js): the tree before folding,
  // a node of it focused (its run opened if folded), more URL state, and the
  // options, whose hooks (row, menu) an add-on may set after creation.
  return { show, state, writeState, tree: () => base, reveal, addParams: (add) => extraParams.push(add), options };
}
