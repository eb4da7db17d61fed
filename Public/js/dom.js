// DOM helpers the pages share. Names from uploads are always set as text
// (textContent), never as HTML.

/** A new element with optional text and class. */
export function el(tag, text, cls) {
  const e = document.createElement(tag);
  if (text !== undefined) e.textContent = text;
  if (cls) e.className = cls;
  return e;
}

/** Shows `text` in a message box (an error or a notice), or hides the box
 * when there is nothing to say. */
export function showMessage(box, text) {
  box.textContent = text || "";
  box.hidden = !text;
}

