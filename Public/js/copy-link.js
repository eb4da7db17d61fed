// "Copy link": copies the link when the browser lets the page write to the
// clipboard, and otherwise shows it selected in a field beside the button to
// copy by hand. The clipboard API exists only in a secure context (https,
// localhost), so a server reached over plain http by name gets the field; the
// button never says "Copied" unless the clipboard took the link.
import { el } from "./dom.js";

const copyKeys = () => (/Mac|iPhone|iPad/.test(navigator.platform) ? "⌘C" : "Ctrl+C");

/** The field (and its hint) after `button`, made once and reused. */
function fieldAfter(button) {
  let box = button.nextElementSibling;
  if (!box || !box.classList.contains("copy-fallback")) {
    box = el("span", undefined, "copy-fallback");
    const field = el("input");
    field.type = "text";
    field.readOnly = true;
    field.id = button.id + "-field";
    field.setAttribute("aria-label", "Link to copy");
    field.addEventListener("focus", () => field.select());
    field.addEventListener("keydown", (e) => { if (e.key === "Escape") { box.hidden = true; button.focus(); } });
    box.append(field, el("span", `Press ${copyKeys()} to copy`, "muted copy-hint"));
    button.after(box);
  }
  return box;
}

/** Shows `url` selected in the field after `button`, with `hint` beside it. */
function show(button, url, hint) {
  const box = fieldAfter(button);
  const field = box.querySelector("input");
  field.value = url;
  field.size = Math.min(60, Math.max(20, url.length));
  box.querySelector(".copy-hint").textContent = hint;
  box.hidden = false;
  field.focus();
  field.select();
}

/**
 * Wires `button` to copy the URL that `link()` (async) gives. Afterwards the
 * button says "Copied", or the link is shown selected in a field beside it;
 * `button.dataset.url` holds the link either way.
 */
export function wireCopyLink(button, link) {
  button.addEventListener("click", async () => {
    button.disabled = true;
    try {
      let url;
      try {
        url = await link();
      } catch (e) {
        // No share link (a read key may not make one): say why, and offer
        // the page's own address, which works for readers with a key.
        const reason = String(e.message || e);
        button.textContent = "Link failed";
        button.title = reason;
        show(button, location.href, `No share link: ${reason}. This page's address works for readers with a key.`);
        return;
      }
      button.dataset.url = url;
      button.title = "";
      try {
        // Undefined outside a secure context; refused without permission or focus.
        await navigator.clipboard.writeText(url);
        button.textContent = "Copied";
        const box = button.nextElementSibling;
        if (box && box.classList.contains("copy-fallback")) box.hidden = true;
      } catch {
        button.textContent = "Copy link";
        show(button, url, `Press ${copyKeys()} to copy`);
      }
    } finally {
      button.disabled = false;
    }
  });
}
