// How the dashboard writes counts, shares, times and durations. Every page
// formats through these, so a format is changed here, once. The named styles
// are the formats the pages show today; which one each place should show is
// issue 20's decision (one way of showing time on every page), not this module's.

/** "1 sample", "12 samples". */
export function samples(n) { return `${n} ${n === 1 ? "sample" : "samples"}`; }

/** A share of the whole: "0%", "0.042%", "12.5%". */
export function pct(x) { return x === 0 || !isFinite(x) ? "0%" : (100 * x).toFixed(x < 0.001 ? 3 : 1) + "%"; }

const dateStyles = {
  // A profile's range: UTC to the second, "2024-11-24T14:53:20Z".
  utc: (d) => d.toISOString().replace(".000Z", "Z"),
  // A range of the app page: local time to the minute, "Nov 29, 2026, 11:02 PM".
  minute: (d) => d.toLocaleString([], { year: "numeric", month: "short", day: "numeric", hour: "2-digit", minute: "2-digit" }),
  // A moment of a session: local time of day, "01:02:16 AM".
  clock: (d) => d.toLocaleString([], { hour: "2-digit", minute: "2-digit", second: "2-digit" }),
  // A timeline bar's title: the browser's own local date and time.
  local: (d) => d.toLocaleString(),
  // The value of an <input type="datetime-local">: local time, "2026-11-29T23:02".
  input: (d) => new Date(d.getTime() - d.getTimezoneOffset() * 60000).toISOString().slice(0, 16),
};

/** A time given in Unix seconds, written in one of the styles above. */
export function formatDate(seconds, style) {
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
