// The app page's targeted sessions: a form to profile the next N requests of
// one transaction (chosen from those seen in the range shown) and the app's
// recent sessions with their progress. Starting one opens its page.
import { el, showMessage } from "./dom.js";
import { fetchJSON } from "./fetch-json.js";

function describe(s) {
  return `${s.count} of ${s.requests} requests, ${s.state}`;
}

/**
 * Fills the transaction menu. `filtered`: the transactions the page is
 * filtered to, offered first, and the first of them chosen whenever that
 * filter changes (a session is most likely for the transaction being looked
 * at); otherwise the user's choice stays while it is offered.
 */
export function offerTransactions(transactions, filtered = []) {
  const select = document.getElementById("session-transaction");
  const chosen = select.value;
  const first = [...new Set(filtered)].sort();
  const names = [...first, ...[...transactions].filter((t) => !first.includes(t)).sort()];
  const filterChanged = select.dataset.filtered !== JSON.stringify(first);
  select.dataset.filtered = JSON.stringify(first);
  select.replaceChildren(...names.map((t) => { const o = el("option", t); o.value = t; return o; }));
  if (first.length && (filterChanged || !names.includes(chosen))) select.value = first[0];
  else if (names.includes(chosen)) select.value = chosen;
  const none = names.length === 0;
  select.disabled = none;
  document.getElementById("session-start").disabled = none;
  document.getElementById("session-hint").hidden = !none;
}

export async function listSessions(app) {
  const list = document.getElementById("session-list");
  const { sessions } = await fetchJSON("/api/v1/apps/" + encodeURIComponent(app) + "/sessions?limit=10");
  list.replaceChildren(...sessions.map((s) => {
    const li = el("li");
    const a = el("a", `#${s.id} ${s.transaction}`);
    a.href = s.url;
    const bar = el("progress");
    bar.max = s.requests;
    bar.value = s.count;
    li.append(a, bar, el("span", describe(s), "muted"));
    return li;
  }));
  document.getElementById("session-list-title").hidden = sessions.length === 0;
}

export function wireSessions(app) {
  const form = document.getElementById("session-form");
  form.addEventListener("submit", async (e) => {
    e.preventDefault();
    const error = document.getElementById("session-error");
    const body = {
      transaction: document.getElementById("session-transaction").value,
      requests: Number(document.getElementById("session-requests").value),
      time_limit_s: Math.round(Number(document.getElementById("session-minutes").value) * 60),
      interval_ms: Number(document.getElementById("session-interval").value),
    };
    const button = document.getElementById("session-start");
    button.disabled = true;
    try {
      const answer = await fetchJSON("/api/v1/apps/" + encodeURIComponent(app) + "/sessions", {
        method: "POST", headers: { "Content-Type": "application/json" }, body: JSON.stringify(body),
      });
      location.assign(answer.url);
    } catch (err) {
      showMessage(error, `Could not start the session: ${err.message}`);
      button.disabled = false;
    }
  });
  listSessions(app).catch((err) => {
    // A shared link opened without a key may read its query, not the app's sessions.
    if (document.getElementById("profile")?.dataset.sharedToken) return;
    showMessage(document.getElementById("session-error"), `Could not list the sessions: ${err.message}`);
  });
}
