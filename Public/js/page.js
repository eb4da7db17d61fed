// The profile page (and the saved report): one upload's tree and metadata.
import { createTreePage } from "./tree-page.js";

const main = document.getElementById("profile");

// The tree and metadata: inlined in a saved report (it opens from a file, with
// no server to ask), fetched from the API otherwise.
function load() {
  const inlined = (id) => JSON.parse(document.getElementById(id).textContent);
  if (main.dataset.standalone) return Promise.resolve([inlined("tree-data"), inlined("meta-data")]);
  return Promise.all([fetch(main.dataset.treeUrl).then((r) => r.json()), fetch(main.dataset.metaUrl).then((r) => r.json())]);
}

function detailRows(meta) {
  const fmt = (s) => new Date(s * 1000).toISOString().replace(".000Z", "Z");
  return [["app", meta.app], ["host", meta.host], ["pid", meta.pid], ["runtime", meta.runtime], ["agent", meta.agent],
    ["range", `${fmt(meta.start)} – ${fmt(meta.end)}`], ["interval", `${meta.interval_ms} ms`], ["samples", meta.samples],
    ["threads", (meta.threads || []).join(", ")],
    ...Object.entries(meta.tags || {}).map(([k, v]) => [k, v])];
}

// A saved report's link is the file itself with the view state.
const page = createTreePage({
  link: async () => (main.dataset.standalone ? location.href : location.origin + main.dataset.sharePath + location.search),
});

async function start() {
  const [tree, meta] = await load();
  page.show(tree, detailRows(meta));
  main.dataset.ready = "true";
}

start();
