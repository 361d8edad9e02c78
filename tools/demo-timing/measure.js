// Time to the first `connected` widget of a demo page, from navigation start, in headless
// Chromium: `node measure.js URL [RUNS]` prints the median and what the page loaded.
// Used for BENCHMARKS.md ("Live demos in the reader's browser").
const { chromium } = require("playwright-core");
(async () => {
  const url = process.argv[2];
  const runs = Number(process.argv[3] || 7);
  const browser = await chromium.launch({ executablePath: "/usr/bin/chromium", args: ["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update"] });
  const results = [];
  for (let i = 0; i < runs; i++) {
    const ctx = await browser.newContext({ viewport: { width: 1280, height: 8000 } });
    const page = await ctx.newPage();
    await page.addInitScript(() => {
      window.__firstConnected = null;
      new MutationObserver(() => {
        if (window.__firstConnected === null && document.querySelector('figure.wb-demo[data-state="connected"]')) window.__firstConnected = performance.now();
      }).observe(document, { subtree: true, attributes: true, attributeFilter: ["data-state"] });
    });
    await page.goto(url);
    // The first widget on the page (ajax) is in view at load.
    await page.waitForFunction(() => window.__firstConnected !== null, null, { timeout: 20000 });
    const r = await page.evaluate(() => ({
      connected: window.__firstConnected,
      dcl: performance.getEntriesByType("navigation")[0].domContentLoadedEventEnd,
      kind: document.querySelector("figure.wb-demo").dataset.backend,
      bytes: performance.getEntriesByType("resource").filter((e) => /backend\.js|graphql\.js|widgets\.js/.test(e.name)).map((e) => e.name.replace(/.*\//, "") + ":" + e.transferSize),
    }));
    results.push(r);
    await ctx.close();
  }
  const med = (a) => a.sort((x, y) => x - y)[a.length >> 1];
  console.log(JSON.stringify({ kind: results[0].kind, median_connected_ms: med(results.map((r) => r.connected)).toFixed(1), median_dcl_ms: med(results.map((r) => r.dcl)).toFixed(1), all: results.map((r) => r.connected.toFixed(0)), bytes: results[0].bytes }));
  await browser.close();
})();
