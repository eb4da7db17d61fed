// The app page: the app's tree merged over a time range and label filters,
// above a timeline to drag a range on. Range, filters and view state live in
// the URL (`?range=1h`, or `?from=&until=` in the API's grammar: Unix seconds,
// now, now-2h, then one parameter per filter value, then view/focus/q), so
// reloading or sending the link gives the same picture (a range relative to
// now is counted again on reload); "Copy link" stores the query under a token
// for a link that keeps its absolute range.
import { createTreeView } from "./tree-view.js";
import { fetchJSON } from "./fetch-json.js";
import { showMessage } from "./dom.js";
import { formatDate, formatDuration, parseDateInput } from "./format.js";
import { detailTimes, setWithTimes } from "./local-times.js";
import { renderTimeline } from "./timeline.js";
import { renderFilters } from "./filters.js";
import { offerTransactions, wireSessions } from "./sessions-panel.js";
import { offerFunctionViews } from "./function-view.js";
import { offerAppComparisons } from "./compare-menu.js";

const main = document.getElementById("profile");
const app = main.dataset.app;
const appPath = "/apps/" + encodeURIComponent(app);
const quickRanges = { "15m": 900, "1h": 3600, "6h": 21600, "24h": 86400, "7d": 604800 };
const durationUnits = { s: 1, m: 60, h: 3600, d: 86400, w: 604800 };
// Page parameters that are not label filters.
const pageParams = new Set([
  "range", "from", "until", "view", "focus", "q", "fn", "fnfile", "dir", "frames", "expand", "idle", "lines", "mine",
]);

let query = initialQuery();
let shown = null;       // the absolute query last drawn
let loading = 0;        // ignores answers to queries the user already left
let timelineData = null;

// A shared link's page: an admin can end the link here.
document.getElementById("revoke-share")?.addEventListener("click", async () => {
  if (!confirm("Revoke this link? Anyone who has it will find nothing.")) return;
  try {
    await fetchJSON(`/api/v1/shares/${encodeURIComponent(main.dataset.sharedToken)}/revoke`, { method: "POST" });
    location.assign(appPath);
  } catch (e) {
    showMessage(document.getElementById("error"), `Could not revoke the link: ${e.message}`);
  }
});

/** A time of the URL in the API's grammar (TimeExpression.swift): Unix
 * seconds, `now`, or now minus or plus a duration (`now-2h`, `now+15m`,
 * units s m h d w). Returns the time as a function of now, or null. */
function timeExpression(text) {
  if (text === null) return null;
  if (/^[+-]?(\d+\.?\d*|\.\d+)([eE][+-]?\d+)?$/.test(text)) {
    const seconds = Number(text);
    return isFinite(seconds) ? () => seconds : null;
  }
  const m = /^now(?:([+-])(\d+\.?\d*|\.\d+)([smhdw]))?$/.exec(text);
  if (!m) return null;
  const delta = m[1] ? (m[1] === "-" ? -1 : 1) * Number(m[2]) * durationUnits[m[3]] : 0;
  return isFinite(delta) ? (now) => now + delta : null;
}

function nowSeconds() { return Math.ceil(Date.now() / 1000); }

function initialQuery() {
  // (Back from the app's own URL to a shared link is the shared query again.)
  if (main.dataset.sharedToken && location.pathname !== appPath) {
    const filters = JSON.parse(main.dataset.sharedFilters || "{}");
    return {
      range: null, from: Number(main.dataset.sharedFrom), until: Number(main.dataset.sharedUntil),
      filters: new Map(Object.entries(filters).map(([k, v]) => [k, new Set(v)])), shared: main.dataset.sharedToken,
    };
  }
  const q = new URLSearchParams(location.search);
  const filters = new Map();
  for (const [k, v] of q) if (!pageParams.has(k)) filters.set(k, (filters.get(k) || new Set()).add(v));
  const fromAt = timeExpression(q.get("from")), untilAt = timeExpression(q.get("until"));
  if (fromAt && untilAt) {
    const now = nowSeconds(), from = fromAt(now), until = untilAt(now);
    if (until > from) {
      // Both ends in Unix seconds: a fixed range. Otherwise the range is
      // counted from now each time the page loads, as the quick ranges are.
      const fixed = !q.get("from").startsWith("now") && !q.get("until").startsWith("now");
      return fixed ? { range: null, from, until, filters }
        : { range: null, from, until, filters, relative: { from: q.get("from"), until: q.get("until") } };
    }
  }
  // A link with a range this page cannot read says so instead of quietly showing another.
  let problem = "";
  if (q.has("from") || q.has("until")) {
    problem = `This link's range (from=${q.get("from") ?? ""}, until=${q.get("until") ?? ""}) is not valid: ` +
      "each must be Unix seconds or now, now-2h, now-15m ..., and until after from. Showing the last hour instead.";
  } else if (q.has("range") && !quickRanges[q.get("range")]) {
    problem = `This link's range=${q.get("range")} is not one of ${Object.keys(quickRanges).join(", ")}. Showing the last hour instead.`;
  }
  return { range: quickRanges[q.get("range")] ? q.get("range") : "1h", filters, problem };
}

/** The query with its range made absolute (a quick range ends now; a
 * relative one is counted from now). */
function absolute(q) {
  const now = nowSeconds();
  if (q.relative) return { ...q, from: timeExpression(q.relative.from)(now), until: timeExpression(q.relative.until)(now) };
  if (!q.range) return q;
  return { ...q, from: now - quickRanges[q.range], until: now };
}

function filterParams(q, params) {
  for (const [name, values] of [...q.filters].sort((a, b) => (a[0] < b[0] ? -1 : 1))) {
    for (const v of [...values].sort()) params.append(name, v);
  }
  return params;
}

/** What the URL keeps besides the view state. A shared link keeps nothing: its token holds the query. */
function urlParams(q) {
  if (q.shared) return new URLSearchParams();
  const params = new URLSearchParams();
  if (q.range) params.set("range", q.range);
  else if (q.relative) { params.set("from", q.relative.from); params.set("until", q.relative.until); }
  else { params.set("from", q.from); params.set("until", q.until); }
  return filterParams(q, params);
}

const pageURLParams = () => urlParams(query);
const sameQuery = (a, b) => a.shared === b.shared && urlParams(a).toString() === urlParams(b).toString();

function apiParams(q, withFilters = true) {
  const params = new URLSearchParams({ from: q.from, until: q.until });
  return withFilters ? filterParams(q, params) : params;
}

/** A shared link is a capability: its token lets a viewer without a key read its range. */
function shareable(params) {
  if (main.dataset.sharedToken) params.set("share", main.dataset.sharedToken);
  return params;
}

/** The absolute range's ends, as text. */
function rangeEnds(q) {
  return `${formatDate(q.from)} – ${formatDate(q.until)}`;
}

/** The range as asked, in the header: "last 1h", "from now-2h until now", or its ends as times. */
function describeRange(box, q) {
  if (q.range) setWithTimes(box, `last ${q.range}`);
  else if (q.relative) setWithTimes(box, `from ${q.relative.from} until ${q.relative.until}`);
  else setWithTimes(box, { time: q.from }, " – ", { time: q.until });
}

const page = createTreeView({
  params: pageURLParams,
  emptyText: () => `No samples of ${app} in this range${query.filters.size ? " with these filters" : ""}.`,
  link: async () => {
    const q = shown || absolute(query);
    const params = apiParams(q);
    params.set("app", app);
    const shared = await fetchJSON("/api/v1/query/share?" + params, { method: "POST" });
    const view = new URLSearchParams(location.search);
    // The link keeps the view state (zoom, search, folding, callers...), not the range and filters: its token holds those.
    for (const k of [...view.keys()]) if (!pageParams.has(k) || ["range", "from", "until"].includes(k)) view.delete(k);
    const s = view.toString();
    return location.origin + shared.url + (s ? "?" + s : "");
  },
});

// Callers/callees of a function over the range drawn; "Compare with…" that range.
offerFunctionViews(page, (dir) => {
  const params = apiParams(shown || absolute(query));
  params.set("app", app);
  return `/api/v1/query/${dir}?` + shareable(params);
});
offerAppComparisons(app, () => (shown ? apiParams(shown) : null));

/** Changes range or filters: a shared link becomes an ordinary app page URL. */
function change(next) {
  query = { ...next, shared: undefined, problem: undefined };
  // A step of its own, which the Back button undoes.
  if (location.pathname !== appPath) {
    history.pushState(null, "", appPath + location.search);
    page.writeState();
  } else page.writeState(true);
  load();
}

function drawTimeline() {
  renderTimeline(document.getElementById("timeline"), timelineData,
    (from, until) => change({ range: null, from, until, filters: query.filters }),
    `No samples of ${app} in this range${query.filters.size ? " with these filters" : ""}.`);
}

function rangeControls() {
  for (const b of document.querySelectorAll("[data-range]")) {
    b.classList.toggle("active", b.dataset.range === query.range);
  }
  const q = shown || absolute(query);
  document.getElementById("range-from").value = formatDate(q.from, "input");
  document.getElementById("range-until").value = formatDate(q.until, "input");
  describeRange(document.getElementById("range-text"), query);
}

function notice(q) {
  const cutoff = Number(main.dataset.retentionCutoff);
  const box = document.getElementById("notice");
  box.hidden = !(q.from < cutoff);
  if (box.hidden) box.replaceChildren();
  else setWithTimes(box, `Data older than the retention period (${main.dataset.retention}) has been removed: nothing from before `,
    { time: cutoff }, " is left, so this range shows only what came after.");
}

async function load() {
  const ticket = ++loading;
  const q = absolute(query);
  delete main.dataset.ready;
  main.setAttribute("aria-busy", "true");
  rangeControls();
  const appQuery = apiParams(q);
  appQuery.set("app", app);
  const base = "/api/v1/apps/" + encodeURIComponent(app);
  try {
    const [tree, timeline, labels] = await Promise.all([
      fetchJSON("/api/v1/query?" + shareable(appQuery)),
      fetchJSON(base + "/timeline?" + shareable(apiParams(q))),
      fetchJSON(base + "/labels?" + shareable(apiParams(q, false))),
    ]);
    if (ticket !== loading) return;
    shown = q;
    showMessage(document.getElementById("error"), query.problem);
    const filters = [...q.filters].map(([k, v]) => `${k} = ${[...v].join(" or ")}`).join("; ");
    page.show(tree, [["app", app], ["range", rangeEnds(q)], ["filters", filters || "none"],
      ["samples", tree.total], ["interval", formatDuration(tree.interval_ms, "interval")],
      ["step", formatDuration(timeline.step * 1000, "minutes")],
      ...(query.shared ? [["shared", "this link keeps its range and filters"]] : [])]);
    detailTimes(document.getElementById("meta"), "range", { time: q.from }, " – ", { time: q.until });
    timelineData = timeline;
    drawTimeline();
    renderFilters(document.getElementById("filter-menus"), document.getElementById("filter-chips"), labels.labels, query.filters,
      (filters) => change({ ...query, filters }));
    offerTransactions(labels.labels.transaction || [], [...(q.filters.get("transaction") || [])]);
    rangeControls();
    notice(q);
    main.dataset.shown = apiParams(q).toString();
    main.dataset.ready = "true";
  } catch (e) {
    if (ticket !== loading) return;
    showMessage(document.getElementById("error"), `Could not load ${app}: ${e.message}`);
    main.dataset.ready = "error";
  } finally {
    if (ticket === loading) main.removeAttribute("aria-busy");
  }
}

function wire() {
  wireSessions(app);
  for (const b of document.querySelectorAll("[data-range]")) {
    b.addEventListener("click", () => change({ range: b.dataset.range, filters: query.filters }));
  }
  document.getElementById("range-form").addEventListener("submit", (e) => {
    e.preventDefault();
    const from = parseDateInput(document.getElementById("range-from").value);
    const until = parseDateInput(document.getElementById("range-until").value);
    if (!isFinite(from) || !isFinite(until) || until <= from) {
      showMessage(document.getElementById("error"), "The range's end must be after its start.");
      return;
    }
    change({ range: null, from, until, filters: query.filters });
  });
  // The timeline follows the page's width.
  let width = document.getElementById("timeline").clientWidth;
  new ResizeObserver(() => {
    const now = document.getElementById("timeline").clientWidth;
    if (now !== width && timelineData) { width = now; drawTimeline(); }
  }).observe(document.getElementById("timeline"));
}

wire();
load();
// Back and Forward to a step with another range or filters draw that query.
window.addEventListener("popstate", () => {
  const next = initialQuery();
  if (!sameQuery(next, query)) { query = next; load(); }
});
// For the tests: the query drawn, as the API's parameters.
window.treeringApp = { shown: () => (shown ? apiParams(shown).toString() : "") };
