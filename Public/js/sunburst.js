// Zoomable sunburst: the focus in the centre, its callees in rings outward.
// Click an arc to zoom in, the centre to go up. Drawn by canvas-view.js.
import { canvasView } from "./canvas-view.js";
import { fit } from "./fit-text.js";
import { samples } from "./format.js";

// At least ten rings; more when the chart is big enough for rings this wide
// (web frameworks put a dozen frames above the view's code). The centre keeps
// room for the focus's name and count however many rings there are.
const MIN_RINGS = 10;
const MIN_RING_PX = 20;
const MIN_CENTRE_PX = 46;
const TAU = 2 * Math.PI;

const geometry = {
  label: "Sunburst of the call tree",
  size(width) {
    const side = Math.max(320, Math.min(width, window.innerHeight - 150));
    return { width, height: side };
  },
  setup(width, height, root) {
    const cx = width / 2, cy = height / 2;
    const outer = Math.min(width, height) / 2 - 4;
    const rings = Math.max(1, Math.min(root.height, Math.max(MIN_RINGS, Math.floor((outer - MIN_CENTRE_PX) / MIN_RING_PX))));
    const centreR = Math.max(MIN_CENTRE_PX, outer / (rings + 1));
    const rw = (outer - centreR) / rings;
    const ringOf = (depth, win) => depth - win.depth;
    // Ring k (1 = the focus's callees) spans radius(k) to radius(k + 1).
    const radius = (k) => centreR + (Math.max(1, Math.min(rings + 1, k)) - 1) * rw;
    const radii = (depth, win) => {
      const k = ringOf(depth, win);
      return [radius(k), radius(k + 1)];
    };
    const angle = (u) => u * TAU - Math.PI / 2;
    return {
      stroke: true,
      depthFor: (p) => p.depth,
      paints: (depth, win) => { const [r0, r1] = radii(depth, win); return r1 - r0 > 0.5; },
      descends: (depth, win) => ringOf(depth + 1, win) <= rings,
      pixels: (u0, u1, depth, win) => (u1 - u0) * TAU * radii(depth, win)[1],
      shape(ctx, u0, u1, depth, win) {
        const [r0, r1] = radii(depth, win);
        ctx.arc(cx, cy, r1, angle(u0), angle(u1));
        ctx.arc(cx, cy, r0, angle(u1), angle(u0), true);
        ctx.closePath();
      },
      centre(u0, u1, depth, win) {
        const [r0, r1] = ringOf(depth, win) <= 0 ? [0, 0] : radii(depth, win);
        const a = angle((u0 + u1) / 2), r = (r0 + r1) / 2;
        return [cx + r * Math.cos(a), cy + r * Math.sin(a)];
      },
      invert(x, y, win) {
        const dx = x - cx, dy = y - cy, r = Math.hypot(dx, dy);
        if (r > outer) return null;
        let a = Math.atan2(dy, dx) + Math.PI / 2;
        if (a < 0) a += TAU;
        const ring = r < centreR ? 0 : Math.min(rings, Math.floor((r - centreR) / rw) + 1);
        return { u: a / TAU, depth: Math.round(win.depth) + ring };
      },
      decorate(ctx, focus) {
        ctx.beginPath();
        ctx.arc(cx, cy, centreR - 1, 0, TAU);
        ctx.fillStyle = "#fff";
        ctx.fill();
        ctx.strokeStyle = "#d9dde5";
        ctx.lineWidth = 1;
        ctx.stroke();
        ctx.fillStyle = "#111";
        ctx.font = "600 12px system-ui, sans-serif";
        ctx.textAlign = "center";
        ctx.textBaseline = "middle";
        ctx.fillText(fit(ctx, focus.depth ? focus.data.name : "all", 2 * centreR - 16), cx, cy - 7);
        ctx.font = "11px system-ui, sans-serif";
        ctx.fillStyle = "#6b7385";
        ctx.fillText(samples(focus.value), cx, cy + 9);
      },
      // Along the radius when the ring is thicker than the arc is long, else
      // across it (a wide arc of a thin ring: the text, straight, must stay
      // inside the ring and the arc's chord).
      label(ctx, text, u0, u1, depth, win) {
        const [r0, r1] = radii(depth, win);
        const mid = (r0 + r1) / 2, sweep = (u1 - u0) * TAU;
        if (r1 - r0 < 14 || sweep * mid < 13) return;
        const radial = r1 - r0 < 24 ? 0 : r1 - r0 - 6;
        const across = Math.min(2 * Math.sqrt(Math.max(0, (r1 - 2) ** 2 - mid ** 2)), 2 * mid * Math.sin(Math.min(sweep, Math.PI) / 2)) - 6;
        const room = Math.max(radial, across);
        if (room < 12) return;
        const a = angle((u0 + u1) / 2);
        ctx.save();
        ctx.translate(cx + mid * Math.cos(a), cy + mid * Math.sin(a));
        if (radial >= across) ctx.rotate(Math.cos(a) < 0 ? a + Math.PI : a);
        else ctx.rotate(Math.sin(a) > 0 ? a - Math.PI / 2 : a + Math.PI / 2);   // upright in the lower half too
        ctx.textAlign = "center";
        ctx.textBaseline = "middle";
        ctx.fillText(fit(ctx, text, room), 0, 0);
        ctx.restore();
      },
    };
  },
};

export function render(container, root, options) {
  return canvasView(container, root, geometry, options);
}
