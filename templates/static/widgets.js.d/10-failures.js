// ───────────────────────── failure explanations ─────────────────────────

/** An error a widget can show as-is: `reason` is offline|cors|mixed|timeout|http|protocol. */
class DemoError extends Error {
  constructor(reason, message, detail) {
    super(message);
    this.reason = reason;
    this.detail = detail;
  }
}

const isMixedContent = (url) =>
  location.protocol === "https:" && /^(http|ws):/i.test(url) &&
  !/^(http|ws):\/\/(127\.0\.0\.1|localhost|\[::1\])(:|\/|$)/i.test(url);

function offlineMessage(url) {
  const where = url ? new URL(url.replace(/^ws/, "http")).origin : EXAMPLES;
  return ON_LOCALHOST
    ? t("The examples server isn't reachable at {where}. " +
      "The rest of this page works without it. To try this demo, start it locally:", { where })
    : t("The examples server isn't reachable at {where}. The rest of this page works without it.", { where });
}

/** How to let this page's origin in: the command on the author's machine, the flag elsewhere. */
function allowOriginHint(page) {
  return ON_LOCALHOST
    ? t("Start it with `cargo run -p examples-server -- --allow-origin {page}`.", { page })
    : t("Its operator can allow it with `--allow-origin {page}`.", { page });
}

/**
 * Work out why a network call failed, in plain words. `fetch` only says
 * "TypeError: Failed to fetch" for a stopped server, a CORS refusal and
 * mixed content alike; an opaque `no-cors` probe tells the first two apart.
 */
async function diagnose(url, { timedOut = false, timeoutMs = 0 } = {}) {
  if (timedOut) {
    return new DemoError("timeout",
      t("No answer from {url} within {s} s. The server is reachable " +
        "but did not respond in time — turn the latency knob down, or check the server's log.",
      { url, s: Math.round(timeoutMs / 1000) }));
  }
  if (!url) return new DemoError("offline", offlineMessage());
  if (isMixedContent(url)) {
    return new DemoError("mixed",
      t("This page is served over https, but the examples server is at {origin} " +
        "(plain http/ws). Browsers block such mixed content. Serve the examples server over " +
        "https, or open the site over http (for example with `wirebook serve`).",
      { origin: new URL(url).origin }));
  }
  const probe = url.replace(/^ws/, "http");
  try {
    await fetch(probe, { mode: "no-cors", cache: "no-store", signal: AbortSignal.timeout(4000) });
  } catch {
    return new DemoError("offline", offlineMessage(url));
  }
  if (new URL(probe).origin === location.origin) {
    // Same origin: CORS cannot be the reason; nothing serves the endpoint here.
    return new DemoError("offline", offlineMessage(url));
  }
  return new DemoError("cors",
    t("The examples server at {server} answered, but its CORS policy does not " +
      "allow this page's origin ({page}), so the browser hid the response.",
    { server: new URL(probe).origin, page: location.origin }) + " " + allowOriginHint(location.origin));
}

/**
 * One HTTP exchange, recorded for the inspector. Resolves with a record even
 * for 4xx/5xx; rejects with a DemoError when nothing came back.
 */
async function exchange({ method = "GET", url, body, headers = {}, timeoutMs = 15000, signal }) {
  const reqHeaders = { ...headers };
  if (body !== undefined && !reqHeaders["Content-Type"]) reqHeaders["Content-Type"] = "application/json";
  const ctl = new AbortController();
  let timedOut = false;
  const timer = setTimeout(() => { timedOut = true; ctl.abort(); }, timeoutMs);
  const onAbort = () => ctl.abort();
  if (signal) signal.addEventListener("abort", onAbort);
  const started = performance.now();
  const rec = { method, url, reqHeaders, reqBody: body, startedAt: new Date() };
  try {
    const res = await net.fetch(url, { method, headers: reqHeaders, body, signal: ctl.signal, cache: "no-store" });
    const text = await res.text();
    rec.ms = performance.now() - started;
    rec.status = res.status;
    rec.statusText = res.statusText;
    rec.resHeaders = [...res.headers.entries()];
    rec.text = text;
    rec.bytes = byteLength(text);
    rec.wireBytes = wireBytes(res.url || url);
    try {
      rec.json = JSON.parse(text);
    } catch {
      rec.json = undefined;
    }
  } catch (err) {
    if (signal && signal.aborted) throw new DemoError("aborted", "Stopped.");
    throw await diagnose(url, { timedOut, timeoutMs });
  } finally {
    clearTimeout(timer);
    if (signal) signal.removeEventListener("abort", onAbort);
  }
  // Every answer of the examples server but 204 and 304 is JSON: anything else
  // (a static host's HTML error page) came from something else, and the demo
  // must not present it as the server's answer.
  if (rec.json === undefined && rec.status !== 204 && rec.status !== 304) {
    const type = (rec.resHeaders.find(([k]) => k === "content-type") || [])[1];
    const u = new URL(url);
    throw new DemoError("protocol", t("{url} answered {status} with {type}, not JSON: that is not the examples server.",
      { url: u.origin + u.pathname, status: rec.status, type: type ? type.split(";")[0] : t("no content type") }));
  }
  return rec;
}

/**
 * Compressed body size from Resource Timing, when the browser may tell
 * (same origin, or the server sends Timing-Allow-Origin); otherwise 0.
 */
function wireBytes(url) {
  const entries = performance.getEntriesByName(url, "resource");
  const last = entries[entries.length - 1];
  return last && last.encodedBodySize ? last.encodedBodySize : 0;
}

/** Message for a non-2xx response, using the server's `{"error": …}` body. */
function httpProblem(rec) {
  const j = rec.json || {};
  const fields = j.fields ? Object.entries(j.fields).map(([k, v]) => `${k}: ${v}`).join("; ") : "";
  return t("The server answered {status}", { status: `${rec.status} ${rec.statusText || ""}`.trim() }) +
    (j.error ? ` — ${j.error}` : "") + (fields ? ` (${fields})` : "") + ".";
}
