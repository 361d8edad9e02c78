// ───────────────────────────── widget chrome ─────────────────────────────

/** Where `examples-server` listens when started without flags. */
const LOCAL_EXAMPLES = "http://127.0.0.1:3000";

const STATE_LABEL = {
  idle: "idle",
  connecting: "connecting…",
  connected: "connected",
  offline: "server offline",
  error: "error",
};

/**
 * The frame every demo shares: title bar with a state badge, a toolbar,
 * a notice area for plain-words failures, the body, a command line with
 * "copy as curl", and the original Markdown tucked into <details>.
 */
class Widget {
  constructor(root) {
    this.root = root;
    this.kind = root.dataset.demo;
    try {
      this.config = JSON.parse(root.dataset.config || "{}");
    } catch {
      this.config = {};
    }
    this.delay = Number(this.config.delay_ms) || 0;
    this.build();
    this.fixHeadingLevels();
  }

  build() {
    const root = this.root;
    root.classList.add("wb-ready");
    const caption = root.querySelector(".wb-demo-title") ||
      root.insertBefore(el("figcaption", { class: "wb-demo-title" }, this.config.title || this.kind), root.firstChild);
    // The generator's default titles are English; an author's own title has no
    // translation and stays as written.
    if (!caption.children.length) caption.textContent = t(caption.textContent.trim());
    // Name the group by the title alone, not by the state badge added next to it.
    const titleText = el("span", { class: "wb-title-text", id: `${root.id || nextId("wb-demo")}-title` });
    titleText.append(...caption.childNodes);
    caption.append(titleText);
    // A <figure> is its own landmark-free group; naming it by the title alone keeps the
    // state badge out of its name (a role="group" is not allowed on <figure>).
    root.setAttribute("aria-labelledby", titleText.id);
    this.badge = el("span", { class: "wb-state", "aria-live": "polite" });
    caption.append(" ", this.badge);

    // Where the demo runs, said once and kept visible (the notice below changes).
    root.dataset.backend = net.kind || "server";
    const where = backendNote();
    this.backendLine = where ? el("p", { class: "wb-backend-note" }, where) : null;
    this.toolbar = el("div", { class: "wb-toolbar", role: "group", "aria-label": t("Demo controls") });
    this.notice = el("div", { class: "wb-notice", hidden: true });
    this.body = el("div", { class: "wb-body" });
    this.cmdCode = el("code", { class: "wb-cmd" });
    this.cmdLabel = el("span", { class: "wb-cmd-label" }, t("Try it in a terminal"));
    this.copyBtn = el("button", { type: "button", class: "wb-btn wb-btn-quiet", onclick: () => this.copyCommand() }, t("Copy as {tool}", { tool: "curl" }));
    this.cmdLine = el("div", { class: "wb-cmdline", hidden: true },
      el("div", { class: "wb-cmd-head" }, this.cmdLabel, this.copyBtn),
      el("pre", { class: "wb-cmd-pre" }, this.cmdCode));

    const fallback = root.querySelector(".wb-demo-fallback");
    const after = caption.nextSibling;
    if (this.backendLine) root.insertBefore(this.backendLine, after);
    root.insertBefore(this.toolbar, after);
    root.insertBefore(this.notice, after);
    root.insertBefore(this.body, after);
    root.insertBefore(this.cmdLine, after);
    if (fallback) {
      const details = el("details", { class: "wb-source" }, el("summary", {}, t("Markdown source of this demo")));
      root.insertBefore(details, fallback);
      details.append(fallback);
    }
    this.setState(root.dataset.state || "idle");
  }

  /**
   * The widget's section headings (built as h4) one level below the heading the
   * widget sits under in the post, so the page's outline has no skipped level.
   */
  fixHeadingLevels() {
    let level = 1;
    const all = [...document.querySelectorAll("h1, h2, h3, h4, h5, h6")];
    for (const h of all) {
      if (this.root.contains(h)) continue;
      if (h.compareDocumentPosition(this.root) & Node.DOCUMENT_POSITION_FOLLOWING) level = Number(h.tagName[1]);
    }
    const tag = `h${Math.min(level + 1, 6)}`;
    if (tag === "h4") return;
    for (const h of this.root.querySelectorAll("h4.wb-h")) {
      const n = document.createElement(tag);
      for (const a of h.attributes) n.setAttribute(a.name, a.value);
      n.append(...h.childNodes);
      h.replaceWith(n);
    }
  }

  setState(state) {
    this.state = state;
    this.root.dataset.state = state;
    this.badge.dataset.state = state;
    const label = t(STATE_LABEL[state] || state);
    this.badge.textContent = state === "connected" && net.kind === "browser" ? `${label} · ${t("in your browser")}` : label;
  }

  /** Show a notice. `kind` is info|ok|warn|error; `offline` adds the start commands. */
  say(message, kind = "info", { offline = false, retry } = {}) {
    const n = this.notice;
    n.replaceChildren();
    n.hidden = !message;
    if (!message) return;
    n.className = `wb-notice wb-notice-${kind}`;
    n.setAttribute("role", kind === "error" || offline ? "alert" : "status");
    n.append(el("p", {}, t(message)));
    if (offline && ON_LOCALHOST) {
      const list = el("ul", { class: "wb-start" });
      for (const [cmd, what] of START_COMMANDS) {
        list.append(el("li", {}, el("code", {}, cmd), ` — ${t(what)}`));
      }
      n.append(list);
    }
    if (retry) n.append(el("button", { type: "button", class: "wb-btn", onclick: retry }, t("Retry")));
  }

  /** Show a DemoError (or any error) and move to `offline` / `error`. */
  fail(err, retry) {
    const reason = err && err.reason;
    if (reason === "aborted") return;
    const offline = reason === "offline";
    this.setState(offline ? "offline" : "error");
    this.say(err && err.message ? err.message : String(err), offline ? "warn" : "error", { offline, retry });
  }

  /** Set what "copy as curl" copies; `label` names the tool (curl or websocat). */
  setCommand(text, tool = "curl") {
    if (text && net.kind === "browser") {
      // The page's own origin serves no endpoints: show the request against an
      // examples server the reader runs (its default address), and say so.
      const origin = new URL(EXAMPLES).origin;
      text = text.split(origin).join(LOCAL_EXAMPLES).split(origin.replace(/^http/, "ws")).join(LOCAL_EXAMPLES.replace(/^http/, "ws"));
      this.cmdLabel.textContent = t("The same request in a terminal, against an examples server of your own ({where})", { where: new URL(LOCAL_EXAMPLES).host });
    }
    this.command = text;
    this.cmdLine.hidden = !text;
    this.cmdCode.textContent = text || "";
    this.copyBtn.textContent = t("Copy as {tool}", { tool });
    this.cmdLine.dataset.tool = tool;
  }

  async copyCommand() {
    if (!this.command) return;
    const ok = await copyText(this.command);
    const label = this.copyBtn.textContent;
    this.copyBtn.textContent = ok ? t("Copied") : t("Select and copy");
    if (!ok) getSelection().selectAllChildren(this.cmdCode);
    setTimeout(() => { this.copyBtn.textContent = label; }, 1500);
  }

  /** The latency knob: sets `this.delay`, sent as the server's `delay_ms`. */
  latencyKnob() {
    const input = el("input", { type: "range", min: "0", max: "3000", step: "100", value: String(this.delay), class: "wb-range" });
    const out = el("output", { class: "wb-range-out" });
    const show = () => { out.textContent = `${this.delay} ms`; };
    input.addEventListener("input", () => { this.delay = Number(input.value); show(); });
    show();
    input.id = nextId("wb-lat");
    out.setAttribute("for", input.id);
    return el("div", { class: "wb-knob" },
      el("label", { for: input.id, title: t("Asks the server to wait this long before answering (delay_ms)") }, t("Server latency")),
      input, out);
  }

  button(label, onclick, cls = "") {
    return el("button", { type: "button", class: `wb-btn ${cls}`.trim(), onclick }, t(label));
  }
}

/** A scrolling log with an accessible name; `max` entries kept. */
function logBox(label, cls, max = 200) {
  // tabindex: a scrolling region must be reachable by keyboard to be scrolled. A list
  // that announces additions (aria-live) rather than role="log", which <ol> may not take.
  const box = el("ol", { class: `wb-log ${cls || ""}`.trim(), "aria-label": t(label), "aria-live": "polite", tabindex: "0" });
  box.add = (node) => {
    const stick = box.scrollHeight - box.scrollTop - box.clientHeight < 30;
    box.append(node);
    while (box.children.length > max) box.firstElementChild.remove();
    if (stick) box.scrollTop = box.scrollHeight;
    return node;
  };
  return box;
}
