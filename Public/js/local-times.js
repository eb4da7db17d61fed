// Times on the pages, in the one style of format.js: local time with its zone
// as the text, the same moment in UTC (ISO 8601) as the tooltip and in the
// element's datetime. Server-rendered pages print <time datetime="ISO">ISO</time>
// (the server does not know the reader's zone); loading this module rewrites
// them, so a page without scripts still shows an exact time.
import { formatDate } from "./format.js";

/** A <time> element for `seconds` (Unix). */
export function timeElement(seconds) {
  const t = document.createElement("time");
  t.dateTime = formatDate(seconds, "utc");
  t.title = t.dateTime;
  t.textContent = formatDate(seconds);
  return t;
}

/** Sets `box`'s content to text and times: parts are strings or Unix seconds
 * wrapped as {time: seconds}. */
export function setWithTimes(box, ...parts) {
  box.replaceChildren(...parts.map((p) => (typeof p === "string" ? document.createTextNode(p) : timeElement(p.time))));
}

/** Rewrites every <time datetime> under `root` in the shown style. */
export function localizeTimes(root = document) {
  for (const t of root.querySelectorAll("time[datetime]")) {
    const ms = Date.parse(t.getAttribute("datetime"));
    if (isNaN(ms)) continue;
    t.title = formatDate(ms / 1000, "utc");
    t.textContent = formatDate(ms / 1000);
  }
}

/** In a details list (<dl> of dt/dd), shows the row named `name` as times. */
export function detailTimes(dl, name, ...parts) {
  const dt = [...dl.querySelectorAll("dt")].find((d) => d.textContent === name);
  if (dt && dt.nextElementSibling) setWithTimes(dt.nextElementSibling, ...parts);
}

localizeTimes();
