// How the dashboard writes counts, shares, times and durations. Every page
// formats through these, so a format is changed here, once.

/** "1 sample", "12 samples". */
export function samples(n) { return `${n} ${n === 1 ? "sample" : "samples"}`; }

/** A share of the whole: "0%", "0.042%", "12.5%". */
export function pct(x) { return x === 0 || !isFinite(x) ? "0%" : (100 * x).toFixed(x < 0.001 ? 3 : 1) + "%"; }

const pad = (n) => String(n).padStart(2, "0");

const zoneFormats = ["en-US", "en-GB"].map((locale) => new Intl.DateTimeFormat(locale, { timeZoneName: "short" }));

/** The zone's short name at that moment ("CET", "EST", "UTC"), or its
 * offset from UTC ("UTC+05:30") where the browser knows no short name. */
function zoneOf(d) {
  // en-US knows "EST", "PST", "UTC"; en-GB knows "CET", "BST" where en-US says "GMT+1".
  for (const f of zoneFormats) {
    const name = f.formatToParts(d).find((p) => p.type === "timeZoneName")?.value;
    if (name && !/^(GMT|UTC)[+\-\u2212]/.test(name)) return name;
  }
  const off = -d.getTimezoneOffset(), a = Math.abs(off);
  return `UTC${off < 0 ? "-" : "+"}${pad(Math.floor(a / 60))}:${pad(a % 60)}`;
}

// One style for every time a page shows, and the forms that are not shown text.
const dateStyles = {
  // Shown: local time with its zone, 24-hour, to the second: "2026-11-29 23:11:19 CET".
  shown: (d) => `${d.getFullYear()}-${pad(d.getMonth() + 1)}-${pad(d.getDate())} ` +
    `${pad(d.getHours())}:${pad(d.getMinutes())}:${pad(d.getSeconds())} ${zoneOf(d)}`,
  // The same moment in UTC, for tooltips and <time datetime>: "2026-11-29T22:11:19Z".
  utc: (d) => d.toISOString().replace(/\.\d{3}Z$/, "Z"),
  // The value of an <input type="datetime-local">: local time, "2026-11-29T23:02".
  input: (d) => new Date(d.getTime() - d.getTimezoneOffset() * 60000).toISOString().slice(0, 16),
};

/** A time given in Unix seconds, written in one of the styles above. */
export function formatDate(seconds, style = "shown") {
  return dateStyles[style](new Date(seconds * 1000));
}

/** The Unix seconds of an <input type="datetime-local"> value (NaN when empty). */
export function parseDateInput(value) {
  return new Date(value).getTime() / 1000;
}

const durationStyles = {
  // An estimate (samples x interval): the unit follows the size, "4.0 ms",
  // "700 ms", "1.50 s", "2.5 min", "1.2 h".
  estimate: (ms) => {
    if (ms < 1000) return `${ms < 10 ? ms.toFixed(1) : Math.round(ms)} ms`;
    if (ms < 60000) return `${(ms / 1000).toFixed(2)} s`;
    if (ms < 3600000) return `${(ms / 60000).toFixed(1)} min`;
    return `${(ms / 3600000).toFixed(1)} h`;
  },
  // A measured wall time, to a tenth of a millisecond: "230.5 ms".
  wall: (ms) => `${ms.toFixed(1)} ms`,
  // A sampling interval: "10 ms", or "16.6 ms" for one the agent achieved.
  interval: (ms) => `${Number(ms.toPrecision(3))} ms`,
  // A timeline step: "1 min", "15 min".
  minutes: (ms) => `${ms / 60000} min`,
  // Time left to run, in whole seconds: "4 min 7 s", "42 s".
  countdown: (ms) => {
    const seconds = ms / 1000;
    const m = Math.floor(seconds / 60), s = Math.floor(seconds % 60);
    return (m ? `${m} min ` : "") + `${s} s`;
  },
};

/** A duration given in milliseconds, written in one of the styles above. */
export function formatDuration(ms, style = "estimate") {
  return durationStyles[style](ms);
}
