// ───────────────────────────────── boot ─────────────────────────────────

const KINDS = { ajax: AjaxDemo, websocket: WebSocketDemo, sse: SseDemo, graphql: GraphqlDemo, compare: CompareDemo };

async function boot() {
  // Where the demos run is decided first (no request at all on a static host),
  // so every widget starts against the backend it will keep.
  await chooseBackend();
  for (const root of document.querySelectorAll("figure.wb-demo[data-demo]:not(.wb-ready)")) {
    const Kind = KINDS[root.dataset.demo];
    if (!Kind) continue;
    try {
      root.wirebookWidget = new Kind(root);
    } catch (err) {
      // One broken widget must not take the rest of the page down.
      root.dataset.state = "error";
      console.error("wirebook widget failed to start", root, err);
    }
    await yieldToPage();
  }
  for (const root of document.querySelectorAll(".wb-run[data-run]:not(.wb-ready)")) {
    try {
      root.wirebookSnippet = new RunnableSnippet(root);
    } catch (err) {
      console.error("wirebook snippet failed to start", root, err);
    }
    await yieldToPage();
  }
}

/**
 * Lets the browser paint and handle input between two widgets: building all of a
 * chapter's demos in one task blocked the page for a third of a second on a slow phone.
 */
function yieldToPage() {
  return globalThis.scheduler && typeof scheduler.yield === "function"
    ? scheduler.yield()
    : new Promise((resolve) => setTimeout(resolve, 0));
}

if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", boot);
else boot();

// `wirebook serve` morphs a rebuilt page into the open one (src/serve/livereload.js):
// widgets whose fence changed, or that are gone, let go of their sockets, streams and
// timers; then the rebuilt and new ones start. Untouched widgets keep running.
const DISPOSE = {
  ajax: (w) => w.setPolling(false),
  websocket: (w) => w.disconnectAll(),
  sse: (w) => w.disconnect(),
  compare: (w) => w.stop(),
};

document.addEventListener("wirebook:morphed", (event) => {
  for (const root of event.detail.stale) {
    try {
      if (root.wirebookWidget) DISPOSE[root.dataset.demo]?.(root.wirebookWidget);
      if (root.wirebookSnippet) root.wirebookSnippet.stop();
    } catch (err) {
      console.error("wirebook widget failed to stop", root, err);
    }
    delete root.wirebookWidget;
    delete root.wirebookSnippet;
  }
  boot();
});
