// The timeline above the app's tree: samples per time step as bars, and a
// brush to drag over a stretch of time, which becomes the new range.
import { formatDate } from "./format.js";

const height = 96, margin = { top: 8, right: 12, bottom: 20, left: 48 };

// Time ticks in the pages' 24-hour style: "23:10", a date at midnight.
const timeTick = (d) => d3.timeFormat(d3.timeDay(d) < d ? (d3.timeMinute(d) < d ? "%H:%M:%S" : "%H:%M") : "%Y-%m-%d")(d);

/** Sample-count ticks: whole numbers only (a tiny range once read 1 / 500m / 0). */
function countTicks(max) {
  return d3.ticks(0, max, Math.min(3, max)).filter(Number.isInteger);
}

/**
 * Draws `data` ({from, until, step, points: [[stepStart, samples]]}, times in
 * Unix seconds) into `container`; `onSelect(from, until)` gets a dragged
 * range, rounded out to whole minutes; `emptyText` is shown when the range
 * has no samples.
 */
export function renderTimeline(container, data, onSelect, emptyText) {
  container.replaceChildren();
  const width = Math.max(200, container.clientWidth);
  const innerWidth = width - margin.left - margin.right, innerHeight = height - margin.top - margin.bottom;
  const x = d3.scaleTime().domain([new Date(data.from * 1000), new Date(data.until * 1000)]).range([0, innerWidth]);
  const max = d3.max(data.points, (p) => p[1]) || 0;
  const y = d3.scaleLinear().domain([0, max || 1]).nice().range([innerHeight, 0]);
  const yMax = y.domain()[1];
  const svg = d3.select(container).append("svg").attr("width", width).attr("height", height)
    .attr("role", "img").attr("aria-label", "Samples over time; drag to select a range");
  const g = svg.append("g").attr("transform", `translate(${margin.left},${margin.top})`);
  g.append("g").attr("class", "axis").attr("transform", `translate(0,${innerHeight})`)
    .call(d3.axisBottom(x).ticks(Math.max(2, Math.floor(innerWidth / 110))).tickFormat(timeTick).tickSizeOuter(0));
  // An empty range gets no count axis: a scale of nothing means nothing.
  if (max) {
    g.append("g").attr("class", "axis count-axis")
      .call(d3.axisLeft(y).tickValues(countTicks(yMax)).tickFormat(yMax >= 10000 ? d3.format("~s") : d3.format("d")));
  }

  // A step may start before `from` (steps are whole): clip bars to the chart.
  const left = (t) => Math.max(0, x(new Date(t * 1000)));
  const right = (t) => Math.min(innerWidth, x(new Date((t + data.step) * 1000)));
  const bars = g.append("g").attr("class", "bars").selectAll("rect").data(data.points.filter((p) => p[1] > 0)).join("rect")
    .attr("x", (p) => left(p[0]))
    .attr("width", (p) => Math.max(1, right(p[0]) - left(p[0]) - (innerWidth / data.points.length > 4 ? 1 : 0)))
    .attr("y", (p) => y(p[1]))
    .attr("height", (p) => innerHeight - y(p[1]));
  bars.append("title").text((p) => `${formatDate(p[0])} (${formatDate(p[0], "utc")}): ${p[1]} ${p[1] === 1 ? "sample" : "samples"}`);
  if (!max) {
    g.append("text").attr("class", "timeline-empty").attr("x", innerWidth / 2).attr("y", innerHeight / 2)
      .attr("text-anchor", "middle").text(emptyText || "No samples in this range.");
  }

  const brush = d3.brushX().extent([[0, 0], [innerWidth, innerHeight]]).on("end", (event) => {
    if (!event.selection || !event.sourceEvent) return;
    const [a, b] = event.selection.map((px) => x.invert(px).getTime() / 1000);
    const from = Math.floor(a / 60) * 60, until = Math.ceil(b / 60) * 60;
    g.select(".brush").call(brush.move, null);
    if (until - from >= 60) onSelect(Math.max(from, Math.floor(data.from)), Math.min(until, Math.ceil(data.until)));
  });
  g.append("g").attr("class", "brush").call(brush);
  return { x: (t) => margin.left + x(new Date(t * 1000)) };
}
