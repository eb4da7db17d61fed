// The profile page (and the saved report): one upload's tree and metadata.
import { createTreeView } from "./tree-view.js";
import { fetchJSON } from "./fetch-json.js";
import { formatDate, formatDuration } from "./format.js";
import { detailTimes } from "./local-times.js";
import { offerFunctionViews } from "./function-view.js";
import { offerProfileComparison } from "./compare-menu.js";

const main = document.getElementById("profile");

// The tree and metadata: inlined in a saved report (it opens from a file, with
// no server to ask), fetched from the API otherwise.
function load() {
  const inlined = (id) => JSON.parse(document.getElementById(id).textContent);
  if (main.dataset.standalone) return Promise.resolve([inlined("tree-data"), inlined("meta-data")]);
  return Promise.all([fetchJSON(main.dataset.treeUrl), fetchJSON(main.dataset.metaUrl)]);
}

// The Python agent tags how many times it sampled: fewer than asked when its
// thread waited for the GIL behind busy threads, and then the tooltip's
// times (samples x interval) fall short of the wall time.
function samplingRate(meta) {
  const tags = meta.tags || {};
  const ticks = Number(tags["treering.samples"]);
  const span = meta.end - meta.start;
  // interval_ms is the interval the agent achieved; it says the one asked in a tag.
  const asked = Number(tags["treering.asked_interval_ms"]) || meta.interval_ms;
  if (!(ticks > 0 && span > 0 && asked > 0)) return [];
  return [["sampling rate", `${Math.round(ticks / span)} Hz of ${Math.round(1000 / asked)} Hz asked`]];
}

function detailRows(meta) {
  return [["app", meta.app], ["host", meta.host], ["pid", meta.pid], ["runtime", meta.runtime], ["agent", meta.agent],
    ["range", `${formatDate(meta.start)} – ${formatDate(meta.end)}`],
    ["interval", formatDuration(meta.interval_ms, "interval")], ...samplingRate(meta),
    ["samples", meta.samples],
    ["threads", (meta.threads || []).join(", ")],
    ...Object.entries(meta.tags || {}).map(([k, v]) => [k, v])];
}

// A saved report's link is the file itself with the view state.
const page = createTreeView({
  link: async () => (main.dataset.standalone ? location.href : location.origin + main.dataset.sharePath + location.search),
});

// Callers/callees of a function ask the server: not in a saved report.
if (!main.dataset.standalone) offerFunctionViews(page, (dir) => main.dataset.treeUrl.replace(/\/tree$/, "/" + dir));

async function start() {
  const [tree, meta] = await load();
  offerProfileComparison(meta);
  page.show(tree, detailRows(meta));
  detailTimes(document.getElementById("meta"), "range", { time: meta.start }, " – ", { time: meta.end });
  main.dataset.ready = "true";
}

start();
