// Zoomable sunburst (after Bostock's d3 gallery example): root in the centre,
// callees outward; click an arc to zoom in, the centre to go up.
import { colourOf, packageOf } from "./tree.js";

export function render(container, root, options) {
  const width = container.clientWidth || 800;
  const radius = width / 8;
  d3.partition().size([2 * Math.PI, root.height + 1])(root);
  root.each((d) => (d.current = d));
  const arc = d3.arc()
    .startAngle((d) => d.x0).endAngle((d) => d.x1)
    .padAngle((d) => Math.min((d.x1 - d.x0) / 2, 0.002)).padRadius(radius * 1.5)
    .innerRadius((d) => d.y0 * radius).outerRadius((d) => Math.max(d.y0 * radius, d.y1 * radius - 1));
  const svg = d3.select(container).append("svg").attr("viewBox", [-width / 2, -width / 2, width, width]);
  const nodes = root.descendants().slice(1);
  const path = svg.append("g").selectAll("path").data(nodes).join("path")
    .attr("class", "node").attr("fill", (d) => colourOf(packageOf(d.data.file)))
    .attr("fill-opacity", (d) => (arcVisible(d.current) ? 0.9 : 0))
    .attr("pointer-events", (d) => (arcVisible(d.current) ? "auto" : "none"))
    .attr("d", (d) => arc(d.current))
    .on("click", (event, d) => options.onFocus(d))
    .on("mousemove", (event, d) => options.onHover(event, d))
    .on("mouseleave", () => options.onHover(null, null));
  const label = svg.append("g").attr("text-anchor", "middle").selectAll("text").data(nodes).join("text")
    .attr("class", "label").attr("dy", "0.35em")
    .attr("fill-opacity", (d) => +labelVisible(d.current))
    .attr("transform", (d) => labelTransform(d.current))
    .text((d) => shorten(d.data.name));
  const centre = svg.append("circle").attr("class", "center").attr("r", radius).on("click", () => options.onUp());
  const centreText = svg.append("text").attr("text-anchor", "middle").attr("dy", "0.35em").attr("class", "label");

  function arcVisible(d) { return d.y1 <= 4 && d.y0 >= 1 && d.x1 - d.x0 > 0.004; }
  function labelVisible(d) { return d.y1 <= 4 && d.y0 >= 1 && (d.y1 - d.y0) * (d.x1 - d.x0) > 0.05; }
  function labelTransform(d) {
    const x = (((d.x0 + d.x1) / 2) * 180) / Math.PI;
    const y = ((d.y0 + d.y1) / 2) * radius;
    return `rotate(${x - 90}) translate(${y},0) rotate(${x < 180 ? 0 : 180})`;
  }
  function shorten(s) { return s.length > 14 ? s.slice(0, 13) + "…" : s; }

  function focus(p, animate = true) {
    root.each((d) => (d.target = {
      x0: Math.max(0, Math.min(1, (d.x0 - p.x0) / (p.x1 - p.x0))) * 2 * Math.PI,
      x1: Math.max(0, Math.min(1, (d.x1 - p.x0) / (p.x1 - p.x0))) * 2 * Math.PI,
      y0: Math.max(0, d.y0 - p.depth),
      y1: Math.max(0, d.y1 - p.depth),
    }));
    centreText.text(p.depth ? shorten(p.data.name) : "all");
    const t = svg.transition().duration(animate ? 600 : 0);
    path.transition(t).tween("data", (d) => { const i = d3.interpolate(d.current, d.target); return (t) => (d.current = i(t)); })
      .filter(function (d) { return +this.getAttribute("fill-opacity") || arcVisible(d.target); })
      .attr("fill-opacity", (d) => (arcVisible(d.target) ? 0.9 : 0))
      .attr("pointer-events", (d) => (arcVisible(d.target) ? "auto" : "none"))
      .attrTween("d", (d) => () => arc(d.current));
    label.filter(function (d) { return +this.getAttribute("fill-opacity") || labelVisible(d.target); }).transition(t)
      .attr("fill-opacity", (d) => +labelVisible(d.target))
      .attrTween("transform", (d) => () => labelTransform(d.current));
  }

  function highlight(matches) {
    path.classed("match", (d) => matches.has(d)).classed("dim", (d) => matches.size > 0 && !matches.has(d));
  }

  return { focus, highlight, destroy: () => svg.remove() };
}
