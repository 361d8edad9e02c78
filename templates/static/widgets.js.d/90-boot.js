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
  }
  for (const root of document.querySelectorAll(".wb-run[data-run]:not(.wb-ready)")) {
    try {
      root.wirebookSnippet = new RunnableSnippet(root);
    } catch (err) {
      console.error("wirebook snippet failed to start", root, err);
    }
  }
}

if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", boot);
else boot();
