// wirebook serve's live-reload client, injected into every HTML page `serve` answers with
// (never into `wirebook build` output). Connects to location.host, not a configured host.
//
// A rebuilt page is fetched and morphed into the open one (idiomorph), so the scroll
// position, open <details>, and demo widgets and snippets whose own fence did not change
// (connected, mid-conversation) survive an edit elsewhere on the page; a widget whose
// fence changed is rebuilt by widgets.js on `wirebook:morphed`.
(function () {
  "use strict";
  var me = document.currentScript;
  // The build this page was rendered from: compared with the server's whenever the channel
  // (re)connects, so an edit saved before the channel opened is not lost (#15).
  var build = me.getAttribute("data-wirebook-build");
  var key = "wirebook-scroll:" + location.pathname;
  var saved = sessionStorage.getItem(key);
  if (saved !== null) {
    sessionStorage.removeItem(key);
    var restore = function () { window.scrollTo(0, +saved); };
    if (document.readyState === "complete") restore(); else window.addEventListener("load", restore);
  }
  function reload() {
    sessionStorage.setItem(key, String(window.scrollY));
    location.reload();
  }

  // Widgets are built by scripts; what the server sent for each is kept to tell a widget
  // whose fence changed from one that only moved. This script runs before the deferred
  // widgets.js, so the markup is still as served.
  var LIVE = "figure.wb-demo, .wb-run";
  function remember(root) {
    root.querySelectorAll(LIVE).forEach(function (el) {
      if (el.wirebookSource === undefined) el.wirebookSource = el.outerHTML;
    });
  }
  remember(document);

  // Scripts and stylesheets cannot be morphed in: a page that needs one this document has
  // not loaded reloads. (Scripts added at run time, such as search.js, are not a reason.)
  function assets(doc) {
    return Array.prototype.map.call(doc.querySelectorAll("script[src], link[rel=stylesheet]"), function (e) {
      return e.getAttribute("src") || e.getAttribute("href");
    });
  }
  function needsNewAssets(doc) {
    var have = assets(document);
    return assets(doc).some(function (a) { return have.indexOf(a) < 0; });
  }

  var overlay = null;
  var failing = false; // the last build failed: the overlay stays until one succeeds
  function showError(message) {
    if (!overlay) {
      overlay = document.createElement("div");
      overlay.id = "wirebook-error-overlay";
      overlay.setAttribute("role", "alert");
      overlay.style.cssText = "position:fixed;inset:0;z-index:2147483647;background:rgba(20,20,24,.92);color:#ffd8d8;" +
        "font:14px/1.6 ui-monospace,Menlo,Consolas,monospace;padding:2rem;overflow:auto;white-space:pre-wrap";
      document.body.appendChild(overlay);
    }
    overlay.textContent = "wirebook: the last build failed; showing the last good site underneath.\n\n" + message +
      "\n\nFix the file and save: this overlay goes away on the next good build.";
  }

  function morph(html) {
    var doc = new DOMParser().parseFromString(html, "text/html");
    if (typeof Idiomorph === "undefined" || needsNewAssets(doc)) return reload();
    var stale = [];
    Idiomorph.morph(document.body, doc.body, {
      callbacks: {
        beforeNodeMorphed: function (old, fresh) {
          if (old.nodeType !== 1 || old.wirebookSource === undefined) return true;
          if (old.wirebookSource === fresh.outerHTML) return false; // same fence: keep it running
          stale.push(old);
          old.wirebookSource = fresh.outerHTML;
          return true;
        },
        beforeNodeRemoved: function (node) {
          if (node === overlay) return !failing;
          if (node.nodeType === 1 && node.wirebookSource !== undefined) stale.push(node);
          return true;
        },
        // What the reader opened (a <details>, the search dialog) stays open.
        beforeAttributeUpdated: function (name, el) {
          return !(name === "open" && (el.tagName === "DETAILS" || el.tagName === "DIALOG"));
        },
      },
    });
    if (!failing) overlay = null;
    document.title = doc.title;
    var lang = doc.documentElement.getAttribute("lang");
    if (lang) document.documentElement.setAttribute("lang", lang);
    var fresh = doc.querySelector("script[data-wirebook-build]");
    if (fresh) build = fresh.getAttribute("data-wirebook-build");
    remember(document);
    // widgets.js disposes of the stale widgets and boots new ones; theme.js re-adds its buttons.
    document.dispatchEvent(new CustomEvent("wirebook:morphed", { detail: { stale: stale } }));
    document.documentElement.setAttribute("data-wirebook-build", build);
  }

  // One update at a time; saves that arrive meanwhile are folded into one more.
  var busy = false, again = false;
  function update() {
    if (busy) { again = true; return; }
    busy = true;
    fetch(location.href, { cache: "no-store" })
      .then(function (res) {
        if (!res.ok) return reload();
        return res.text().then(morph);
      })
      .catch(function () { reload(); })
      .then(function () {
        busy = false;
        if (again) { again = false; update(); }
      });
  }

  var es = new EventSource(location.protocol + "//" + location.host + "/__wirebook/livereload");
  es.addEventListener("reload", function (e) {
    failing = false;
    if (e.data === "page") update(); else reload();
  });
  es.addEventListener("css", function () {
    document.querySelectorAll('link[rel="stylesheet"]').forEach(function (link) {
      var url = new URL(link.href);
      url.searchParams.set("v", String(Date.now()));
      link.href = url.toString();
    });
  });
  es.addEventListener("build-error", function (e) {
    failing = true;
    showError(JSON.parse(e.data).message);
  });
  es.addEventListener("hello", function (e) {
    // A hook for tests and curious readers: the page is listening.
    document.documentElement.setAttribute("data-wirebook-live", "connected");
    document.documentElement.setAttribute("data-wirebook-build", build);
    failing = e.data === "error";
    if (e.lastEventId !== build || (!failing && overlay)) update();
  });
})();
