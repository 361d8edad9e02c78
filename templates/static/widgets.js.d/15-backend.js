// ─────────────────────────── where the demos run ───────────────────────────

/**
 * The network the widgets and snippets use. `net.fetch`, `net.socket()` and
 * `net.events()` reach the examples server or, when the page has none (a static
 * host) or it does not answer, the in-browser backend (assets/backend.js), which
 * answers the same requests inside this tab. Requests for any other origin go
 * to the real network either way.
 */
const net = {
  /** "server" or "browser", once `chooseBackend()` has settled. */
  kind: null,
  /** Why a configured server is not used (a DemoError), shown in one line. */
  reason: null,
  backend: null,
  ready: null,

  routed(url) {
    return this.kind === "browser" && this.backend && this.backend.handles(url);
  },

  async fetch(input, init) {
    await chooseBackend();
    const url = typeof input === "string" ? input : input instanceof URL ? input.href : input.url;
    return this.routed(url) ? this.backend.fetch(input, init) : fetch(input, init);
  },

  socket(url, protocols) {
    if (this.routed(url)) return new this.backend.WebSocket(url, protocols);
    return protocols === undefined ? new WebSocket(url) : new WebSocket(url, protocols);
  },

  events(url, init) {
    return this.routed(url) ? new this.backend.EventSource(url, init) : new EventSource(url, init);
  },
};

function loadScript(src) {
  return new Promise((resolve, reject) => {
    const s = el("script", { src, async: true });
    s.onload = resolve;
    s.onerror = () => reject(new Error(t("could not load {src}", { src })));
    document.head.append(s);
  });
}

/** Decides once per page where the demos run; widgets and snippets start after it. */
function chooseBackend() {
  if (!net.ready) {
    net.ready = (async () => {
      if (BACKEND_MODE === "server") {
        net.kind = "server";
        return;
      }
      if (BACKEND_MODE === "auto") {
        net.reason = await probeServer();
        if (!net.reason) {
          net.kind = "server";
          return;
        }
      }
      try {
        await loadScript(`${ASSETS.base}backend.js${ASSETS.version}`);
        net.backend = window.WirebookBackend.create({ origin: EXAMPLES, assets: ASSETS.base });
        net.kind = "browser";
      } catch (err) {
        // A theme without backend.js: the widgets explain the failure as before.
        console.error("wirebook: the in-browser examples backend did not load", err);
        net.kind = "server";
      }
    })();
  }
  return net.ready;
}

/**
 * Is the configured examples server there, answering as itself? Resolves with
 * null, or with the DemoError that says why not (down, CORS, mixed content, or
 * something else answering — a static host's HTML 404 page is not the server).
 */
async function probeExamples() {
  const url = endpointUrl("/api/posts", { per_page: 1 });
  if (isMixedContent(url)) return diagnose(url);
  try {
    const res = await fetch(url, { cache: "no-store", signal: AbortSignal.timeout(4000) });
    const type = res.headers.get("content-type") || "";
    await res.arrayBuffer();
    if (!type.includes("json")) {
      return new DemoError("offline", t("Something answered at {where}, but not the examples server (it sent {type}, not JSON).", { where: new URL(url).origin, type: type.split(";")[0] || t("no content type") }));
    }
    return null;
  } catch {
    return diagnose(url);
  }
}

// One reachability probe per page, shared by the backend choice and the widgets that
// check before running, so the server is asked once, not once per widget. The in-browser
// backend is always there.
let probePromise = null;
function probeServer(force) {
  if (net.kind === "browser") return Promise.resolve(null);
  if (!probePromise || force) probePromise = probeExamples();
  return probePromise;
}

/** The one line a widget shows about where it runs. */
function backendNote() {
  if (net.kind !== "browser") return "";
  if (!net.reason) {
    return t("This demo runs in your browser: a copy of the examples server's REST, WebSocket, SSE and GraphQL endpoints answers inside this page, so nothing leaves your browser.");
  }
  const why = {
    cors: "The examples server at {where} does not allow this site's origin, so this demo runs in your browser instead.",
    mixed: "This page is served over https but the examples server at {where} is plain http, which browsers block, so this demo runs in your browser instead.",
    timeout: "The examples server at {where} did not answer in time, so this demo runs in your browser instead.",
  }[net.reason.reason] || "The examples server at {where} isn't reachable, so this demo runs in your browser instead.";
  return t(why, { where: new URL(EXAMPLES).host });
}
