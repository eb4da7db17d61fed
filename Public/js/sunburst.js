// Zoomable sunburst: the focus in the centre, its callees in rings outward.
// Click an arc to zoom in, the centre to go up. Drawn by canvas-view.js.
import { canvasView } from "./canvas-view.js";
import { fit } from "./fit-text.js";

const MAX_RINGS = 10;
const TAU = 2 * Math.PI;

const geometry = {
  label: "Sunburst of the call tree",
  size(width) {
    const side = Math.max(320, Math.min(width, window.innerHeight - 150));
    return { width, height: side };
  },
  setup(width, height, root) {
    const rings = Math.max(1, Math.min(MAX_RINGS, root.height));
    const cx = width / 2, cy = height / 2;
    const outer = Math.min(width, height) / 2 - 4;
    const rw = outer / (rings + 1);
    const ringOf = (depth, win) => depth - win.depth;
    const radii = (depth, win) => {
      const k = ringOf(depth, win);
      const clampRing = (r) => Math.max(1, Math.min(rings + 1, r));
      return [clampRing(k) * rw, clampRing(k + 1) * rw];
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
        if (r > (rings + 1) * rw) return null;
        let a = Math.atan2(dy, dx) + Math.PI / 2;
        if (a < 0) a += TAU;
        return { u: a / TAU, depth: Math.round(win.depth) + Math.floor(r / rw) };
      },
      decorate(ctx, focus) {
        ctx.beginPath();
        ctx.arc(cx, cy, rw - 1, 0, TAU);
        ctx.fillStyle = "#fff";
        ctx.fill();
        ctx.strokeStyle = "#d9dde5";
        ctx.lineWidth = 1;
        ctx.stroke();
        ctx.fillStyle = "#111";
        ctx.font = "600 12px system-ui, sans-serif";
        ctx.textAlign = "center";
        ctx.textBaseline = "middle";
        ctx.fillText(fit(ctx, focus.depth ? focus.data.name : "all", 2 * rw - 16), cx, cy - 7);
        ctx.font = "11px system-ui, sans-serif";
        ctx.fillStyle = "#6b7385";
        ctx.fillText(`${focus.value} ${focus.value === 1 ? "sample" : "samples"}`, cx, cy + 9);
      },
      label(ctx, text, u0, u1, depth, win) {
        const [r0, r1] = radii(depth, win);
        const mid = (r0 + r1) / 2;
        if (r1 - r0 < 24 || (u1 - u0) * TAU * mid < 13) return;
        const a = angle((u0 + u1) / 2);
        const flip = Math.cos(a) < 0;
        ctx.save();
        ctx.translate(cx + mid * Math.cos(a), cy + mid * Math.sin(a));
        ctx.rotate(flip ? a + Math.PI : a);
        ctx.textAlign = "center";
        ctx.textBaseline = "middle";
        ctx.fillText(fit(ctx, text, r1 - r0 - 6), 0, 0);
        ctx.restore();
      },
    };
  },
};

export function render(container, root, options) {
  return canvasView(container, root, geometry, options);
}
