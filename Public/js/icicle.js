// Zoomable icicle: the root on top, callees below, the focus spread over the
// full width with its callers above it. Click a bar to zoom in, the focused
// bar to go up. Drawn by canvas-view.js.
import { canvasView } from "./canvas-view.js";
import { fit } from "./fit-text.js";

const ROW = 22;
const MAX_ROWS = 60;

const geometry = {
  label: "Icicle of the call tree",
  size(width, root) {
    return { width, height: Math.min(root.height + 1, MAX_ROWS) * ROW };
  },
  setup(width, height, root) {
    const rows = Math.min(root.height + 1, MAX_ROWS);
    // Deeper trees than the rows scroll with the focus, keeping two callers.
    const depthFor = (p) => Math.max(0, Math.min(p.depth - 2, root.height + 1 - rows));
    const top = (depth, win) => (depth - win.depth) * ROW;
    return {
      stroke: false,
      depthFor,
      paints: (depth, win) => depth - win.depth > -1 && depth - win.depth < rows,
      descends: (depth, win) => depth + 1 - win.depth < rows,
      pixels: (u0, u1) => (u1 - u0) * width,
      shape(ctx, u0, u1, depth, win) {
        ctx.rect(u0 * width, top(depth, win), Math.max(0.5, (u1 - u0) * width - 1), ROW - 1);
      },
      centre: (u0, u1, depth, win) => [((u0 + u1) / 2) * width, top(depth, win) + ROW / 2],
      invert(x, y, win) {
        if (x < 0 || x > width || y < 0 || y > height) return null;
        return { u: x / width, depth: Math.round(win.depth) + Math.floor(y / ROW) };
      },
      decorate() {},
      label(ctx, text, u0, u1, depth, win) {
        const w = (u1 - u0) * width;
        if (w < 40) return;
        ctx.textAlign = "left";
        ctx.textBaseline = "middle";
        ctx.fillText(fit(ctx, text, w - 8), u0 * width + 4, top(depth, win) + ROW / 2);
      },
    };
  },
};

export function render(container, root, options) {
  return canvasView(container, root, geometry, options);
}
