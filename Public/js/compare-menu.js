// "Compare with…" on the app, session and profile pages: each choice opens
// /compare with both sides filled, the page's own tree as the target.
import { el } from "./dom.js";
import { fetchJSON } from "./fetch-json.js";
import { formatDate } from "./format.js";
import { naturalOrder } from "./filters.js";

const DAY = 86400;

/** /compare?base.…&target.… from two side parameter lists ({name: value} or URLSearchParams). */
export function compareURL(base, target) {
  const q = new URLSearchParams();
  for (const [side, params] of [["base", base], ["target", target]]) {
    for (const [k, v] of params instanceof URLSearchParams ? params : Object.entries(params)) q.append(`${side}.${k}`, v);
  }
  return "/compare?" + q;
}

/** The menu's box (a <details> in the page's header); its options are filled when it opens. */
function menuBox(fill) {
  const box = document.getElementById("compare-with");
  if (!box) return null;
  const options = box.querySelector(".compare-options");
  box.addEventListener("toggle", () => { if (box.open) fill(options); });
  document.addEventListener("click", (e) => { if (box.open && !box.contains(e.target)) box.open = false; });
  return options;
}

function option(text, href, id) {
  const a = el("a", text);
  a.href = href;
  if (id) a.id = id;
  return a;
}

function select(id, label, values, chosen) {
  const s = el("select");
  s.id = id;
  s.setAttribute("aria-label", label);
  s.replaceChildren(...values.map((v) => { const o = el("option", v); o.value = v; return o; }));
  if (chosen !== undefined && values.includes(chosen)) s.value = chosen;
  return s;
}

/** A side of an app query: app, range and label filters, with the range moved by `shift` seconds. */
function appSide(app, query, shift = 0, label = null) {
  const p = new URLSearchParams({ app, from: Number(query.get("from")) + shift, until: Number(query.get("until")) + shift });
  const own = label && [label.name, label.name + "!"];
  for (const [k, v] of query) if (k !== "from" && k !== "until" && !(own && own.includes(k))) p.append(k, v);
  // "The rest": every series but the other side's value (the API's `label!=value`).
  if (label) p.append(label.exclude ? label.name + "!" : label.name, label.value);
  return p;
}

// The value of a side's select that means "every other value of the label".
const REST = "\u0000rest";

/**
 * The app page: `query()` gives the query drawn (URLSearchParams with from,
 * until in Unix seconds and the label filters), or null before the first.
 */
export function offerAppComparisons(app, query) {
  menuBox(async (options) => {
    const q = query();
    if (!q) { options.replaceChildren(el("span", "Loading…", "muted")); return; }
    const length = Number(q.get("until")) - Number(q.get("from"));
    const target = appSide(app, q);
    const shifted = (id, text, shift) => option(`${text} (${formatDate(Number(q.get("from")) - shift)} – ${formatDate(Number(q.get("until")) - shift)})`,
      compareURL(appSide(app, q, -shift), target), id);
    options.replaceChildren(
      el("strong", "This range against…"),
      shifted("compare-previous", "the previous period", length),
      shifted("compare-day", "the same range a day earlier", DAY),
      shifted("compare-week", "the same range a week earlier", 7 * DAY));
    // Another value of a label: version=1.4 against version=1.5.
    const range = new URLSearchParams({ from: q.get("from"), until: q.get("until") });
    let labels = {};
    try {
      labels = (await fetchJSON(`/api/v1/apps/${encodeURIComponent(app)}/labels?${range}`)).labels || {};
    } catch { /* the links above still work */ }
    const names = Object.keys(labels).filter((n) => (labels[n] || []).length > 1).sort();
    if (!names.length) { options.append(el("span", "No label with two values in this range to compare.", "muted")); return; }
    const form = el("form", undefined, "compare-label");
    const name = select("compare-label", "Label", names, names.includes("version") ? "version" : undefined);
    const pair = el("span");
    // The two values of the chosen label: the filter's value (or the first) against another.
    const values = () => {
      const vs = [...labels[name.value]].sort(naturalOrder);
      const first = vs.includes(q.get(name.value)) ? q.get(name.value) : vs[0];
      const withRest = (sel) => { const o = el("option", "the rest (every other value)"); o.value = REST; sel.append(o); return sel; };
      pair.replaceChildren(withRest(select("compare-base-value", "Base value", vs, first)), document.createTextNode(" against "),
        withRest(select("compare-target-value", "Target value", vs, vs.find((v) => v !== first))));
    };
    const go = el("button", "Compare");
    go.type = "submit";
    go.id = "compare-label-go";
    form.append(el("strong", "One value of a label against another"), el("br"), name, document.createTextNode(" "), pair,
      document.createTextNode(" "), go);
    name.addEventListener("change", values);
    form.addEventListener("submit", (e) => {
      e.preventDefault();
      const label = name.value;
      const b = document.getElementById("compare-base-value").value, t = document.getElementById("compare-target-value").value;
      if (b === REST && t === REST) return;  // the rest of nothing: not a comparison
      const side = (v, other) => (v === REST ? { name: label, value: other, exclude: true } : { name: label, value: v });
      location.assign(compareURL(appSide(app, q, 0, side(b, t)), appSide(app, q, 0, side(t, b))));
    });
    values();
    options.append(form);
  });
}

/**
 * The session page: the session (or the chosen request) as the target, the
 * app's tree of the same transaction as the base, over the hour before the
 * session or over the session's own span. `session()` and `request()` give
 * the session JSON and the chosen request id ("" for all).
 */
export function offerSessionComparison(session, request) {
  menuBox((options) => {
    const s = session();
    if (!s) { options.replaceChildren(el("span", "Loading…", "muted")); return; }
    const target = { session: s.id, ...(request() ? { request: request() } : {}) };
    const start = Math.floor(s.created_at), end = Math.ceil(s.closed_at || Date.now() / 1000);
    const usual = (from, until) => ({ app: s.app, transaction: s.transaction, from, until });
    options.replaceChildren(
      el("strong", `${request() ? "This request" : "These requests"} against the app's usual ${s.transaction}…`),
      option("in the hour before the session", compareURL(usual(start - 3600, start), target), "compare-usual-hour"),
      option("during the session", compareURL(usual(start, Math.max(end, start + 1)), target), "compare-usual-span"));
  });
}

/** The id of a profile from what a user pastes: an id, a /profiles/ID link or a /p/TOKEN share link. */
async function profileId(text) {
  const t = text.trim();
  if (/^\d+$/.test(t)) return t;
  const byId = /\/profiles\/(\d+)/.exec(t);
  if (byId) return byId[1];
  const byToken = /\/p\/([A-Za-z0-9_-]+)/.exec(t);
  if (byToken) return (await fetchJSON(`/api/v1/p/${byToken[1]}`)).id;
  throw new Error(`"${t.slice(0, 60)}" is not a profile id or link`);
}

/** The profile page: another profile (typed, pasted, or one of the app's recent ones) as the base. */
export function offerProfileComparison(meta) {
  menuBox(async (options) => {
    const form = el("form");
    const input = el("input");
    input.id = "compare-profile";
    input.placeholder = "profile id or link";
    input.setAttribute("aria-label", "Profile to compare with");
    const go = el("button", "Compare");
    go.type = "submit";
    const problem = el("span", undefined, "error-text");
    form.append(input, document.createTextNode(" "), go, el("br"), problem);
    form.addEventListener("submit", async (e) => {
      e.preventDefault();
      try {
        location.assign(compareURL({ profile: await profileId(input.value) }, { profile: meta.id }));
      } catch (err) {
        problem.textContent = err.message;
      }
    });
    options.replaceChildren(el("strong", "This profile against…"), form);
    try {
      const recent = (await fetchJSON(`/api/v1/profiles?app=${encodeURIComponent(meta.app)}&limit=10`)).profiles || [];
      const list = el("ul", undefined, "compare-recent");
      list.id = "compare-recent";
      for (const p of recent.filter((p) => p.id !== meta.id)) {
        const li = el("li");
        const tags = Object.entries(p.tags || {}).filter(([k]) => !k.startsWith("treering.")).map(([k, v]) => `${k}=${v}`).join(" ");
        li.append(option(`profile ${p.id} · ${formatDate(p.start)}${tags ? " · " + tags : ""}`, compareURL({ profile: p.id }, { profile: meta.id })));
        list.append(li);
      }
      if (list.children.length) options.append(el("span", `or one of ${meta.app}'s recent profiles:`, "muted"), list);
    } catch { /* typing an id still works */ }
  });
}
