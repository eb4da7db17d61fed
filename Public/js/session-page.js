// A targeted session's page: progress while it runs (polled, no reload), the
// merged tree of its requests, and the requests slowest first, each opening
// its own tree (`?request=` in the URL, so a link reopens the same one).
import { createTreeView } from "./tree-view.js";
import { fetchJSON } from "./fetch-json.js";
import { el, showMessage } from "./dom.js";
import { formatDuration } from "./format.js";
import { setWithTimes, timeElement } from "./local-times.js";
import { offerFunctionViews } from "./function-view.js";
import { offerSessionComparison } from "./compare-menu.js";

const main = document.getElementById("profile");
const pollMs = 1000;
let session = null;
let selected = new URLSearchParams(location.search).get("request") || "";
let drawn = "";          // what the chart shows: request (or "") and the count it was drawn at
let timer = null;

const page = createTreeView({
  params: () => {
    const p = new URLSearchParams();
    if (selected) p.set("request", selected);
    return p;
  },
  emptyText: () => {
    if (session && session.state === "running" && !session.count) return "No request recorded yet: waiting for the next matching requests.";
    if (session && !session.count) return `The session ended (${session.state}) before any matching request came in.`;
    return `No samples: sampling every ${session ? formatDuration(session.interval_ms, "interval") : "few ms"} caught none of these requests `
      + "(a request shorter than a few intervals often falls between samples).";
  },
  link: async () => location.origin + main.dataset.sharePath + location.search,
});

// Callers/callees of a function over the request shown (all the session's when
// none is selected); the session against the app's usual.
offerFunctionViews(page, (dir) =>
  selected ? `${main.dataset.sessionUrl}/requests/${encodeURIComponent(selected)}/${dir}` : `${main.dataset.sessionUrl}/${dir}`);
offerSessionComparison(() => session, () => selected);

const wall = (r) => formatDuration(r.wall_ms, "wall");

function left(seconds) {
  return seconds <= 0 ? "time is up" : `${formatDuration(seconds * 1000, "countdown")} left`;
}

function status(s) {
  document.getElementById("session-transaction").textContent = s.transaction;
  const state = document.getElementById("session-state");
  state.textContent = s.state;
  state.className = `state state-${s.state}`;
  const bar = document.getElementById("session-progress");
  bar.max = s.requests;
  bar.value = s.count;
  document.getElementById("session-count").textContent = `${s.count} of ${s.requests} requests`;
  const time = document.getElementById("session-time");
  if (s.state === "running") setWithTimes(time, `started `, { time: s.created_at }, `, ${left(s.until - Date.now() / 1000)}`);
  else setWithTimes(time, "started ", { time: s.created_at }, ...(s.closed_at ? [", closed ", { time: s.closed_at }] : []));
  document.getElementById("session-stop").hidden = s.state !== "running";
  main.dataset.state = s.state;
  main.dataset.count = String(s.count);
}

function timeCell(seconds) {
  const td = el("td");
  td.append(timeElement(seconds));
  return td;
}

function requestsTable(s) {
  const body = document.querySelector("#requests tbody");
  const slowest = Math.max(1e-9, ...s.requests_list.map((r) => r.wall_ms));
  body.replaceChildren(...s.requests_list.map((r) => {
    const tr = el("tr");
    tr.dataset.request = r.request;
    tr.classList.toggle("selected", r.request === selected);
    const id = el("td");
    const a = el("a", r.request.slice(0, 12));
    a.href = "?request=" + encodeURIComponent(r.request);
    a.title = r.request;
    id.append(a);
    const cell = el("td", undefined, "wall");
    const bar = el("span", undefined, "wall-bar");
    bar.style.width = `${Math.max(1, (140 * r.wall_ms) / slowest)}px`;
    cell.append(bar, document.createTextNode(wall(r)));
    tr.append(id, cell, el("td", String(r.samples), "num"), el("td", r.host || ""), timeCell(r.received_at));
    tr.addEventListener("click", (e) => { e.preventDefault(); choose(r.request); });
    return tr;
  }));
}

function choose(request, push = true) {
  selected = selected === request ? "" : request;
  for (const tr of document.querySelectorAll("#requests tbody tr")) tr.classList.toggle("selected", tr.dataset.request === selected);
  if (push) page.writeState(true);   // Back returns to the tree shown before
  drawTree(true);
}

window.addEventListener("popstate", () => {
  const request = new URLSearchParams(location.search).get("request") || "";
  if (request !== selected) choose(request || selected, false);
});

async function drawTree(force = false) {
  const one = selected && session.requests_list.find((r) => r.request === selected);
  const missing = selected && !one ? selected : "";
  if (missing) selected = "";    // not (yet) in the list: show them all, and say so
  const key = one ? `r:${selected}` : `all:${session.count}:${session.state}`;
  if (!force && key === drawn) return;
  const tree = await fetchJSON(one ? one.tree_url : session.tree_url);
  drawn = key;
  const rows = [["app", session.app], ["transaction", session.transaction],
    ["requests", `${session.count} of ${session.requests}`], ["state", session.state],
    ["interval", formatDuration(session.interval_ms, "interval")], ["samples", tree.total]];
  if (one) rows.push(["request", one.request], ["wall time", wall(one)], ["host", one.host || ""]);
  page.show(tree, rows);
  document.getElementById("showing").textContent = one
    ? `Showing request ${one.request} (${wall(one)}). Click it again for all requests.`
    : (missing ? `No request ${missing} in this session${session.state === "running" ? " yet" : ""}: ` : "")
      + `Showing all ${session.count} requests merged. Click a request for its own tree.`;
}

async function refresh() {
  clearTimeout(timer);
  try {
    session = await fetchJSON(main.dataset.sessionUrl);
    status(session);
    requestsTable(session);
    await drawTree();
    showMessage(document.getElementById("error"), "");
    main.dataset.ready = "true";
  } catch (e) {
    showMessage(document.getElementById("error"), `Could not load the session: ${e.message}`);
  }
  if (!session || session.state === "running") timer = setTimeout(refresh, pollMs);
}

document.getElementById("session-stop").addEventListener("click", async () => {
  // Its own box: the next successful poll clears the load error at once.
  const box = document.getElementById("stop-error");
  try {
    await fetchJSON(`/api/v1/sessions/${session.id}/stop`, { method: "POST" });
    showMessage(box, "");
  } catch (e) {
    showMessage(box, `Could not stop the session: ${e.message}`);
  }
  refresh();
});

refresh();
