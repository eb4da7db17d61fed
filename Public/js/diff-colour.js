// The colour of a change: a diverging, colour-blind-safe scale in percentage
// points of total time, blue (less time: faster) through grey (no change) to
// red (more time: slower), clamped at ±limit pp. No DOM here but the legend.
import { el } from "./dom.js";

const STOPS = ["#2166ac", "#92c5de", "#d5d8de", "#f4a582", "#b2182b"];
const NICE = [0.5, 1, 2, 5, 10, 20, 50, 100];

const ramp = () => d3.piecewise(d3.interpolateLab, STOPS);

/** The clamp for a set of changes: the smallest nice bound (at least 0.5 pp)
 * that covers the biggest change, so small differences still show. */
export function limitFor(changes) {
  let most = 0;
  for (const c of changes) most = Math.max(most, Math.abs(c));
  return NICE.find((n) => n >= most) || 100;
}

const STEPS = 256;

/** A function of a change in pp giving its colour: one of 257 precomputed
 * steps, so a frame of a zoom sets few distinct fill styles. */
export function diffScale(limit) {
  const interpolate = ramp();
  const table = d3.range(STEPS + 1).map((i) => d3.color(interpolate(i / STEPS)).formatHex());
  return (pp) => table[Math.round(STEPS * (0.5 + Math.max(-1, Math.min(1, pp / limit || 0)) / 2))];
}

/** Fills `list` with the legend: the ramp from -limit to +limit pp. */
export function diffLegend(list, limit) {
  const colour = diffScale(limit);
  const bar = el("li", undefined, "diff-legend-bar");
  bar.style.background = `linear-gradient(to right, ${d3.range(0, 11).map((i) => colour(limit * (i / 5 - 1))).join(", ")})`;
  bar.setAttribute("aria-hidden", "true");
  const ticks = el("li", undefined, "diff-legend-ticks");
  ticks.append(el("span", `−${limit} pp`), el("span", "0"), el("span", `+${limit} pp`));
  const words = el("li", undefined, "diff-legend-ticks");
  words.append(el("span", "less time (faster)"), el("span", "more time (slower)"));
  const note = el("li", "Colour: change in share of all samples, target minus base, in percentage points; " +
    `clamped at ±${limit} pp. Size: share of the target.`, "muted diff-legend-note");
  list.replaceChildren(bar, ticks, words, note);
  list.dataset.limit = String(limit);
}
