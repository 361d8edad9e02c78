/* wirebook theme: dark-mode toggle and copy buttons on code blocks. No dependencies. */
(function () {
  "use strict";
  var root = document.documentElement;
  var toggle = document.querySelector(".theme-toggle");
  if (toggle) {
    var sync = function () {
      toggle.setAttribute("aria-pressed", String(root.getAttribute("data-theme") === "dark"));
    };
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

  document.querySelectorAll(".post-content pre.highlight").forEach(function (pre) {
    if (pre.closest(".wb-run") || !navigator.clipboard) return;
    var btn = document.createElement("button");
    btn.type = "button";
    btn.className = "copy-code";
    btn.textContent = "Copy";
    btn.setAttribute("aria-label", "Copy code to clipboard");
    btn.addEventListener("click", function () {
      navigator.clipboard.writeText(pre.innerText.replace(/\n$/, "")).then(function () {
        btn.textContent = "Copied";
        setTimeout(function () { btn.textContent = "Copy"; }, 1500);
      });
    });
    var holder = document.createElement("div");
    holder.className = "code-wrap";
    pre.parentNode.insertBefore(holder, pre);
    holder.appendChild(pre);
    holder.appendChild(btn);
  });
})();
