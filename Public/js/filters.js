// Label filters of the app page: one menu per label with the values seen in
// the range (from the server), and the chosen values as removable chips.
// Values of one label are or-ed, different labels and-ed (as the API does).
import { el } from "./dom.js";

const firstLabels = ["transaction", "host", "thread"];

function labelOrder(a, b) {
  const ia = firstLabels.indexOf(a), ib = firstLabels.indexOf(b);
  if (ia >= 0 || ib >= 0) return (ia < 0 ? 99 : ia) - (ib < 0 ? 99 : ib);
  return a < b ? -1 : a > b ? 1 : 0;
}

/** Text order, except that runs of digits compare as numbers (web-2 before web-10). */
export function naturalOrder(a, b) {
  const pa = a.match(/\d+|\D+/g) || [], pb = b.match(/\d+|\D+/g) || [];
  for (let i = 0; i < Math.min(pa.length, pb.length); i++) {
    const x = pa[i], y = pb[i];
    if (x === y) continue;
    const nx = /^\d/.test(x), ny = /^\d/.test(y);
    if (nx && ny && Number(x) !== Number(y)) return Number(x) - Number(y);
    return x < y ? -1 : 1;
  }
  return pa.length - pb.length || (a < b ? -1 : a > b ? 1 : 0);
}

/**
 * `labels`: {name: [values]} seen in the range; `selected`: Map name → Set of
 * values. `onChange(selected)` gets a new Map when a value is added or removed.
 */
export function renderFilters(menus, chips, labels, selected, onChange) {
  // Exclusions (`host!`) show as chips only: the menus choose values to keep.
  const names = [...new Set([...Object.keys(labels), ...[...selected.keys()].filter((k) => !k.endsWith("!"))])].sort(labelOrder);
  const toggle = (name, value, on) => {
    const next = new Map([...selected].map(([k, v]) => [k, new Set(v)]));
    const values = next.get(name) || new Set();
    if (on) values.add(value); else values.delete(value);
    if (values.size) next.set(name, values); else next.delete(name);
    onChange(next);
  };

  menus.replaceChildren(...names.map((name) => {
    const chosen = selected.get(name) || new Set();
    // Chosen values stay listed even when the range no longer has them.
    const values = [...new Set([...(labels[name] || []), ...chosen])].sort(naturalOrder);
    const menu = el("details", undefined, "filter");
    menu.dataset.label = name;
    const summary = el("summary", chosen.size ? `${name} (${chosen.size})` : name);
    const list = el("div", undefined, "filter-values");
    const find = el("input");
    find.type = "search";
    find.placeholder = `Find ${name}`;
    find.setAttribute("aria-label", `Find a value of ${name}`);
    find.addEventListener("input", () => {
      const text = find.value.toLowerCase();
      for (const row of list.querySelectorAll("label")) row.hidden = !row.dataset.value.toLowerCase().includes(text);
    });
    for (const value of values) {
      const row = el("label");
      row.dataset.value = value;
      const box = el("input");
      box.type = "checkbox";
      box.checked = chosen.has(value);
      box.addEventListener("change", () => toggle(name, value, box.checked));
      row.append(box, el("span", value));
      list.append(row);
    }
    menu.append(summary, ...(values.length > 8 ? [find] : []), list);
    return menu;
  }));

  chips.replaceChildren(...[...selected].sort((a, b) => labelOrder(a[0], b[0])).flatMap(([name, values]) =>
    [...values].sort(naturalOrder).map((value) => {
      const chip = el("span", undefined, "chip");
      chip.dataset.label = name;
      chip.dataset.value = value;
      const remove = el("button", "×");
      remove.type = "button";
      remove.title = `Remove ${name} = ${value}`;
      remove.setAttribute("aria-label", remove.title);
      remove.addEventListener("click", () => toggle(name, value, false));
      // `host!` (from `host!=web-1` in the URL) leaves that value out.
      const excluded = name.length > 1 && name.endsWith("!");
      chip.append(el("span", excluded ? `${name.slice(0, -1)} ≠ ${value}` : `${name} = ${value}`), remove);
      return chip;
    })));
}
