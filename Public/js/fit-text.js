// Cuts a label to the room it has on the canvas.

/** The text, cut in the middle with an ellipsis to fit `max` pixels (as
 * speedscope does): both the start and the end of a qualified name stay,
 * so `django.core.handlers.base.BaseHandler.get_response` and its siblings
 * remain told apart by their last part. */
export function fit(ctx, text, max) {
  if (ctx.measureText(text).width <= max) return text;
  const cut = (n) => text.slice(0, Math.ceil(n / 2)) + "…" + text.slice(text.length - Math.floor(n / 2));
  let lo = 0, hi = text.length - 1;
  while (lo < hi) {
    const mid = (lo + hi + 1) >> 1;
    if (ctx.measureText(cut(mid)).width <= max) lo = mid; else hi = mid - 1;
  }
  return lo >= 2 ? cut(lo) : "";
}
