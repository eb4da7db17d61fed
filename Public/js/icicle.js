// Zoomable icicle: root on top, callees below; click a bar to zoom in, the
// top bar to go up.
import { colourOf, packageOf } from "./tree.js";

export function render(container, root, options) {
  const width = container.clientWidth || 800;
  const rowHeight = 22;
  const height = Math.max(200, Math.min(root.height + 1, 40) * rowHeight);
  d3.partition().size([width, (root.height + 1) * rowHeight])(root);
  const svg = d3.select(container).append("svg").attr("viewBox", [0, 0, width, height]).attr("height", height);
  const nodes = root.descendants();
  const cell = svg.selectAll("g").data(nodes).join("g").attr("transform", (d) => `translate(${d.x0},${d.y0})`);
  const rect = cell.append("rect").attr("class", "node")
    .attr("width", (d) => Math.max(0, d.x1 - d.x0 - 1)).attr("height", rowHeight - 1)
    .attr("fill", (d) => (d.depth ? colourOf(packageOf(d.data.file)) : "#d9dde5"))
    .on("click", (event, d) => (d === current && d.parent ? options.onUp() : options.onFocus(d)))
    .on("mousemove", (event, d) => options.onHover(event, d))
    .on("mouseleave", () => options.onHover(null, null));
  const text = cell.append("text").attr("class", "label").attr("x", 4).attr("y", 15)
    .text((d) => d.data.name).attr("fill-opacity", (d) => +(d.x1 - d.x0 > 40));
  let current = root;

  function focus(p, animate = true) {
    current = p;
    root.each((d) => (d.target = {
      x0: ((d.x0 - p.x0) / (p.x1 - p.x0)) * width,
      x1: ((d.x1 - p.x0) / (p.x1 - p.x0)) * width,
      y0: d.y0 - p.y0,
      y1: d.y1 - p.y0,
    }));
    const t = cell.transition().duration(animate ? 600 : 0).attr("transform", (d) => `translate(${d.target.x0},${d.target.y0})`);
    rect.transition(t).attr("width", (d) => Math.max(0, d.target.x1 - d.target.x0 - 1));
    text.transition(t).attr("fill-opacity", (d) => +(d.target.x1 - d.target.x0 > 40));
  }

  function highlight(matches) {
    rect.classed("match", (d) => matches.has(d)).classed("dim", (d) => matches.size > 0 && !matches.has(d));
  }

  return { focus, highlight, destroy: () => svg.remove() };
}
