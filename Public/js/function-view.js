// Callers and callees of a function, on every tree page: every occurrence of
// the function merged, its callers as an inverted tree (the function at the
// root, callers outward) or its callees, asked from the API and drawn by the
// same tree view. Offered from a Top functions row, a node's right-click
// menu and the search box; the URL holds it (fn=, fnfile=, dir=), and "Back
// to the whole tree" (or the browser's Back) leaves it.
import { el } from "./dom.js";
import { fetchJSON } from "./fetch-json.js";

const DIRS = { callers: "Callers", callees: "Callees" };

function readFunction(search = location.search) {
  const q = new URLSearchParams(search);
  const name = q.get("fn");
  if (!name) return null;
  return { name, file: q.get("fnfile") || "", dir: q.get("dir") === "callees" ? "callees" : "callers" };
}

const same = (a, b) => (!a && !b) || (a && b && a.name === b.name && a.file === b.file && a.dir === b.dir);

/** The floating menu of a function: "Callers of f", "Callees of f". */
function menu(x, y, fn, choose) {
  document.getElementById("fn-menu")?.remove();
  const box = el("div", undefined, "fn-menu");
  box.id = "fn-menu";
  box.setAttribute("role", "menu");
  for (const dir of Object.keys(DIRS)) {
    const b = el("button", `${DIRS[dir]} of ${fn.name}`);
    b.type = "button";
    b.dataset.dir = dir;
    b.setAttribute("role", "menuitem");
    b.addEventListener("click", (e) => { e.stopPropagation(); box.remove(); choose({ ...fn, dir }); });
    box.append(b);
  }
  box.style.left = Math.min(x, window.innerWidth - 260) + "px";
  box.style.top = y + "px";
  document.body.append(box);
  const close = (e) => {
    if (e.type === "keydown" && e.key !== "Escape") return;
    if (e.type === "keydown") e.stopPropagation();   // Esc closes the menu, it does not also zoom out
    if (e.type === "mousedown" && box.contains(e.target)) return;
    box.remove();
    document.removeEventListener("mousedown", close, true);
    document.removeEventListener("keydown", close, true);
  };
  document.addEventListener("mousedown", close, true);
  document.addEventListener("keydown", close, true);
  box.querySelector("button").focus();
}

/**
 * Adds callers/callees to `page` (a createTreeView). `urlFor(dir)` is the
 * API URL of the page's tree source for "callers" or "callees" (its query
 * string, if any, included); the function's parameters are appended.
 */
export function offerFunctionViews(page, urlFor) {
  let fn = readFunction();
  let whole = null;          // the page's own tree and detail rows, as last given
  let ticket = 0;
  const show = page.show;
  const banner = document.getElementById("function-mode") || (() => {
    const p = el("p", undefined, "function-mode");
    p.id = "function-mode";
    p.hidden = true;
    (document.getElementById("tree-options") || document.getElementById("breadcrumbs")).before(p);
    return p;
  })();

  page.addParams((q) => {
    if (!fn) return;
    q.set("fn", fn.name);
    if (fn.file) q.set("fnfile", fn.file);
    q.set("dir", fn.dir);
  });

  function link(text, onClick) {
    const a = el("a", text);
    a.href = "#";
    a.addEventListener("click", (e) => { e.preventDefault(); onClick(); });
    return a;
  }

  function describe(message) {
    if (!fn) { banner.hidden = true; banner.replaceChildren(); return; }
    const other = fn.dir === "callers" ? "callees" : "callers";
    const title = el("strong", `${DIRS[fn.dir]} of ${fn.name}`);
    title.title = fn.file ? `${fn.name}\n${fn.file}` : fn.name;
    banner.replaceChildren(title, el("span", fn.file ? ` (${fn.file}) · ` : " · "),
      link(`${DIRS[other]} of ${fn.name}`, () => enter({ ...fn, dir: other })), el("span", " · "),
      link("Back to the whole tree", leave), ...(message ? [el("span", ` · ${message}`, "error-text")] : []));
    banner.hidden = false;
    banner.dataset.dir = fn.dir;
  }

  async function showFunction() {
    const mine = ++ticket, asked = fn;
    const params = new URLSearchParams({ function: asked.name });
    if (asked.file) params.set("file", asked.file);
    const url = urlFor(asked.dir);
    let json;
    try {
      json = await fetchJSON(url + (url.includes("?") ? "&" : "?") + params);
    } catch (e) {
      if (mine !== ticket) return;
      describe(`not shown: ${e.message}`);
      if (whole) show(...whole);
      return;
    }
    if (mine !== ticket || !same(asked, fn)) return;
    // The drawing part, apart from the fetch: what the benchmark reads.
    const started = performance.now();
    show(json, whole ? whole[1] : []);
    performance.measure("treering-function-view", { start: started, end: performance.now() });
    describe();
  }

  function enter(next) {
    fn = next;
    // The function itself at the centre: "open where it branches" would walk
    // an inverted tree out to the outermost caller and leave the function off screen.
    page.state.focus = "all";
    page.writeState(true);
    describe("loading…");
    showFunction();
  }

  function leave() {
    fn = null;
    ticket++;
    page.state.focus = "";
    page.writeState(true);
    describe();
    if (whole) show(...whole);
  }

  page.show = (json, rows) => {
    whole = [json, rows];
    if (fn) return showFunction();
    return show(json, rows);
  };

  window.addEventListener("popstate", () => {
    const next = readFunction();
    if (same(next, fn)) return;
    fn = next;
    ticket++;
    describe(fn ? "loading…" : "");
    if (fn) showFunction(); else if (whole) show(...whole);
  });

  const of = (d) => (d.folded && d.srcs ? d.srcs[0] : d);   // a folded run: its first frame
  page.options.menu = (e, d) => {
    const f = of(d.data);
    menu(e.clientX, e.clientY, { name: f.name, file: f.file }, enter);
  };
  page.options.row = (tr, r) => {
    const cell = el("td", undefined, "fn-actions");
    const b = el("button", "⋯", "fn-menu-button");
    b.type = "button";
    b.title = `Callers and callees of ${r.name}`;
    b.setAttribute("aria-label", b.title);
    b.addEventListener("click", (e) => {
      e.stopPropagation();
      const box = b.getBoundingClientRect();
      menu(box.left, box.bottom + 2, { name: r.name, file: r.file }, enter);
    });
    cell.append(b);
    tr.append(cell);
  };

  // Search: a term that names a function offers its callers and callees.
  const search = document.getElementById("search");
  const offer = el("span", undefined, "fn-search");
  offer.id = "fn-search";
  document.getElementById("search-result").after(offer);
  const findFunction = (term) => {
    const tree = page.tree && page.tree();
    if (!tree || !term) return null;
    const t = term.toLowerCase(), stack = [tree];
    while (stack.length) {
      const n = stack.pop();
      if (n.frame >= 0 && n.name.toLowerCase() === t) return n;
      for (const c of n.children) stack.push(c);
    }
    return null;
  };
  const offerSearch = () => {
    const f = findFunction(search.value.trim());
    offer.replaceChildren(...(f ? [link("callers", () => enter({ name: f.name, file: f.file, dir: "callers" })), el("span", " · "),
      link("callees", () => enter({ name: f.name, file: f.file, dir: "callees" }))] : []));
  };
  search.addEventListener("input", offerSearch);
  search.addEventListener("keydown", (e) => {
    if (e.key !== "Enter") return;
    const f = findFunction(search.value.trim());
    if (f) enter({ name: f.name, file: f.file, dir: "callers" });
  });

  // A link to a function's view without a focus opens on the function too.
  if (fn && !page.state.focus) page.state.focus = "all";
  describe();
  return { enter, leave, current: () => fn };
}

