// The one way the pages ask the server: JSON in, and a refusal thrown with
// the server's own message (its error body is {"error": {"code", "message"}}).

/** Fetches `url` and returns its JSON; a non-2xx answer throws an Error whose
 * message is the server's (or the status, when the body is not our error). */
export async function fetchJSON(url, init) {
  // A page opened as http://user:key@host/ resolves relative URLs with those
  // credentials, and fetch() refuses such a URL: ask the bare origin instead
  // (the browser sends the credentials it used for the page).
  const target = location.protocol.startsWith("http") ? new URL(url, location.origin) : url;
  const r = await fetch(target, init);
  if (!r.ok) {
    let message = `${r.status}`;
    try {
      const body = await r.json();
      if (body.error && body.error.message) message = body.error.message;
    } catch { /* not JSON */ }
    throw new Error(message);
  }
  return r.json();
}
