/* wirebook theme: dark-mode toggle, copy buttons on code blocks, and the keys that open
   search ("/" or Ctrl-K), which load search.js only then. No dependencies. */
(function () {
  "use strict";
  var root = document.documentElement;
  // The theme's words in the page's language, from the <script> tag (templates/base.html).
  var words = (document.currentScript && document.currentScript.dataset) || {};
  var toggle = document.querySelector(".theme-toggle");
  var sync = function () {
    if (toggle) toggle.setAttribute("aria-pressed", String(root.getAttribute("data-theme") === "dark"));
  };
  if (toggle) {
    sync();
    toggle.addEventListener("click", function () {
      var next = root.getAttribute("data-theme") === "dark" ? "light" : "dark";
      root.setAttribute("data-theme", next);
      try { localStorage.setItem("wirebook-theme", next); } catch (e) {}
      sync();
    });
    // Follow the OS while the reader has not chosen.
    var mq = window.matchMedia("(prefers-color-scheme: dark)");
    if (mq.addEventListener) {
      mq.addEventListener("change", function (e) {
        var saved = null;
        try { saved = localStorage.getItem("wirebook-theme"); } catch (err) {}
        if (!saved) { root.setAttribute("data-theme", e.matches ? "dark" : "light"); sync(); }
      });
    }
  }

  function addCopyButtons() {
    document.querySelectorAll(".post-content pre.highlight").forEach(function (pre) {
      if (pre.closest(".wb-run") || pre.parentNode.classList.contains("code-wrap") || !navigator.clipboard) return;
      var btn = document.createElement("button");
      btn.type = "button";
      btn.className = "copy-code";
      btn.textContent = words.copy || "Copy";
      btn.setAttribute("aria-label", words.copyLabel || "Copy code to clipboard");
      btn.addEventListener("click", function () {
        navigator.clipboard.writeText(pre.innerText.replace(/\n$/, "")).then(function () {
          btn.textContent = words.copied || "Copied";
          setTimeout(function () { btn.textContent = words.copy || "Copy"; }, 1500);
        });
      });
      var holder = document.createElement("div");
      holder.className = "code-wrap";
      pre.parentNode.insertBefore(holder, pre);
      holder.appendChild(pre);
      holder.appendChild(btn);
    });
  }
  addCopyButtons();

  // `wirebook serve` morphed a rebuilt page into this one: decorate its new markup too.
  document.addEventListener("wirebook:morphed", function () {
    addCopyButtons();
    sync();
  });

  // Search: the search page's own box, else the dialog. Without <dialog> support the
  // Search link simply goes to the search page.
  var link = document.querySelector("[data-search-open]");
  var dialog = document.querySelector("[data-search-dialog]");
  var loaded = false;
  function loadSearch() {
    if (loaded || !link) return;
    loaded = true;
    var s = document.createElement("script");
    s.src = link.getAttribute("data-search-script");
    document.head.appendChild(s);
  }
  function openSearch() {
    var own = document.querySelector("[data-search-page] input[type=search]");
    if (own) { own.focus(); own.select(); return true; }
    if (!dialog || typeof dialog.showModal !== "function") return false;
    if (!dialog.open) dialog.showModal();
    var input = dialog.querySelector("input[type=search]");
    input.focus();
    input.select();
    loadSearch();
    return true;
  }
  if (link) {
    link.addEventListener("click", function (e) {
      if (!e.ctrlKey && !e.metaKey && !e.shiftKey && openSearch()) e.preventDefault();
    });
  }
  if (dialog) {
    dialog.querySelector("[data-search-close]").addEventListener("click", function () { dialog.close(); });
    // A click on the backdrop (outside the box) closes it too.
    dialog.addEventListener("click", function (e) { if (e.target === dialog) dialog.close(); });
  }
  document.addEventListener("keydown", function (e) {
    var t = e.target;
    var typing = t && (/^(INPUT|TEXTAREA|SELECT)$/.test(t.tagName) || t.isContentEditable);
    var slash = e.key === "/" && !typing && !e.ctrlKey && !e.metaKey && !e.altKey;
    var ctrlK = (e.ctrlKey || e.metaKey) && !e.altKey && (e.key === "k" || e.key === "K");
    if ((slash || ctrlK) && openSearch()) e.preventDefault();
  });
})();
