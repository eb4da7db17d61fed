// Draws a partitioned call tree on a canvas, for both the sunburst and the
// icicle (the geometry is passed in). A frame costs what is visible, not the
// size of the tree: shapes under a pixel are not drawn one by one; the smaller
// children of a node (siblings are sorted by size, so they are the tail) merge
// into one grey "other" shape, recomputed on every frame of a zoom.
// d3 does the layout (d3.partition, x in [0, 1], y = depth) and the timing.
import { colourOf, packageOf } from "./package-colours.js";

const MIN_PX = 1;
const OTHER_FILL = "#c3c8d2";
const ROOT_FILL = "#d9dde5";
const FOLDED_FILL = "#e9e2cf";   // a run of library frames folded into one node
const ZOOM_MS = 450;

export function canvasView(container, root, geometry, options) {
  const canvas = document.createElement("canvas");
  canvas.className = "chart-canvas";
  canvas.setAttribute("role", "img");
  canvas.setAttribute("aria-label", geometry.label);
  container.append(canvas);
  const { width, height } = geometry.size(container.clientWidth || 800, root);
  const dpr = window.devicePixelRatio || 1;
  canvas.width = Math.round(width * dpr);
  canvas.height = Math.round(height * dpr);
  canvas.style.width = width + "px";
  canvas.style.height = height + "px";
  const ctx = canvas.getContext("2d");
  ctx.setTransform(dpr, 0, 0, dpr, 0, 0);
  const g = geometry.setup(width, height, root);

  let focus = root;
  let win = windowFor(root);
  let matches = new Set();
  let timer = null;

  function windowFor(p) { return { x0: p.x0, x1: p.x1, depth: g.depthFor(p) }; }
  function clamp01(u) { return u < 0 ? 0 : u > 1 ? 1 : u; }

  /** Whether a node is under a pixel in the current window (then it is merged). */
  function small(c, span) {
    return g.pixels(clamp01((c.x0 - win.x0) / span), clamp01((c.x1 - win.x0) / span), c.depth, win) < MIN_PX;
  }

  function fillOf(d) {
    if (!d.depth) return ROOT_FILL;
    if (options.colour) return d.colour || (d.colour = options.colour(d));   // e.g. a comparison's change
    if (d.data.folded) return FOLDED_FILL;
    return d.colour || (d.colour = colourOf(packageOf(d.data.file)));
  }

  function draw() {
    ctx.clearRect(0, 0, width, height);
    const span = win.x1 - win.x0;
    const labels = [];
    let drawn = 0;
    const dimming = matches.size > 0;

    function paint(d, u0, u1, fill, matched, text) {
      if (!g.paints(d.depth, win)) return;
      ctx.beginPath();
      g.shape(ctx, clamp01(u0), clamp01(u1), d.depth, win);
      ctx.globalAlpha = dimming && !matched ? 0.25 : 1;
      ctx.fillStyle = fill;
      ctx.fill();
      if (g.stroke) { ctx.strokeStyle = "#fff"; ctx.lineWidth = 0.5; ctx.stroke(); }
      if (dimming && matched) { ctx.globalAlpha = 1; ctx.strokeStyle = "#111"; ctx.lineWidth = 1.5; ctx.stroke(); }
      drawn++;
      if (text) labels.push([text, clamp01(u0), clamp01(u1), d.depth, dimming && !matched]);
    }

    // Depth-first over what intersects the window; stops at the deepest
    // visible row and at the first child under a pixel.
    function visit(d) {
      const kids = d.children;
      if (!kids || !g.descends(d.depth, win)) return;
      for (let i = 0; i < kids.length; i++) {
        const c = kids[i];
        const u0 = (c.x0 - win.x0) / span, u1 = (c.x1 - win.x0) / span;
        if (u1 <= 0) continue;
        if (u0 >= 1) break;
        if (small(c, span)) {
          const last = kids[kids.length - 1];
          const end = (last.x1 - win.x0) / span;
          const members = kids.slice(i);
          paint(c, u0, end, OTHER_FILL, members.some((m) => matches.has(m)), null);
          break;
        }
        paint(c, u0, u1, fillOf(c), matches.has(c), c.data.name);
        visit(c);
      }
    }

    paint(root, (root.x0 - win.x0) / span, (root.x1 - win.x0) / span, ROOT_FILL, true, "all");
    visit(root);
    ctx.globalAlpha = 1;
    g.decorate(ctx, focus, win);
    ctx.fillStyle = "#111";
    ctx.font = "11px system-ui, sans-serif";
    for (const [text, u0, u1, depth, dim] of labels) {
      ctx.globalAlpha = dim ? 0.4 : 1;
      g.label(ctx, text, u0, u1, depth, win);
    }
    ctx.globalAlpha = 1;
    canvas.dataset.drawn = String(drawn);
  }

  /** The node under a canvas point, or {other, parent, members} for a merged shape. */
  function hit(x, y) {
    const p = g.invert(x, y, win);
    if (!p) return null;
    const span = win.x1 - win.x0;
    const tx = win.x0 + p.u * span;
    let d = root;
    while (d.depth < p.depth) {
      const kids = d.children || [];
      let next = -1;
      for (let i = 0; i < kids.length; i++) if (tx >= kids[i].x0 && tx < kids[i].x1) { next = i; break; }
      if (next < 0) return null;
      if (small(kids[next], span)) {
        let first = next;
        while (first > 0 && small(kids[first - 1], span)) first--;
        return { other: true, parent: d, members: kids.slice(first) };
      }
      d = kids[next];
    }
    return d;
  }

  /** Where a node is drawn, in client (viewport) coordinates, or null. */
  function locate(d) {
    const span = win.x1 - win.x0;
    const u0 = clamp01((d.x0 - win.x0) / span), u1 = clamp01((d.x1 - win.x0) / span);
    if (u1 <= u0) return null;
    const [x, y] = g.centre(u0, u1, d.depth, win);
    const box = canvas.getBoundingClientRect();
    return { x: box.left + x, y: box.top + y };
  }

  function pointer(event) {
    const box = canvas.getBoundingClientRect();
    return hit(event.clientX - box.left, event.clientY - box.top);
  }

  canvas.addEventListener("mousemove", (event) => {
    const d = pointer(event);
    canvas.style.cursor = d ? "pointer" : "default";
    options.onHover(d ? event : null, d);
  });
  canvas.addEventListener("mouseleave", () => options.onHover(null, null));
  canvas.addEventListener("click", (event) => {
    const d = pointer(event);
    if (!d) return;
    if (d.other) options.onFocus(d.parent !== focus ? d.parent : d.members[0]);
    else if (d === focus) options.onUp();
    else options.onFocus(d);
  });

  function focusOn(p, animate = true) {
    focus = p;
    const from = win, to = windowFor(p);
    if (timer) timer.stop();
    if (!animate) { win = to; draw(); return; }
    const interp = d3.interpolate(from, to);
    const started = performance.now();
    let last = started, longest = 0, longestDraw = 0, frames = 0;
    timer = d3.timer((elapsed) => {
      const now = performance.now();
      longest = Math.max(longest, now - last);
      last = now;
      frames++;
      const t = Math.min(1, elapsed / ZOOM_MS);
      win = interp(d3.easeCubicInOut(t));
      draw();
      longestDraw = Math.max(longestDraw, performance.now() - now);
      if (t === 1) {
        timer.stop();
        timer = null;
        // The Performance API carries the zoom's frame timings for the benchmark.
        performance.measure("treering-zoom", { start: started, end: performance.now(), detail: { frames, longestFrameMs: longest, longestDrawMs: longestDraw } });
      }
    });
  }

  function highlight(set) { matches = set; draw(); }

  return { focus: focusOn, highlight, locate, hit, canvas, destroy: () => { if (timer) timer.stop(); canvas.remove(); } };
}
