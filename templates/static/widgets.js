/*! wirebook widgets — live protocol demos and runnable snippets.
 *
 * Turns the generator's `<figure class="wb-demo" data-demo="KIND">` blocks into
 * working demos of Ajax/REST, WebSocket, SSE and GraphQL against the examples
 * server, and `<div class="wb-run" data-run>` blocks into editable, runnable
 * JavaScript snippets. Plain browser JavaScript, no dependencies, no build step.
 *
 * The HTML contract, author syntax and the stable test hooks (`data-demo`,
 * `data-state`, button names, `role="log"`) are documented in docs/widgets.md.
 * Sections, in order: core helpers · failure explanations · widget chrome ·
 * ajax · websocket · sse · graphql · compare · runnable snippets · boot.
 */
(() => {
  "use strict";

  // ───────────────────────────── core helpers ─────────────────────────────

  /** Base URL of the examples server, without a trailing slash. */
  const EXAMPLES = (() => {
    const meta = document.querySelector('meta[name="wirebook:examples"]');
    const raw = ((meta && meta.getAttribute("content")) || "").trim();
    if (raw) return raw.replace(/\/+$/, "");
    // Empty means "same origin" (what `wirebook serve` provides).
    return /^https?:$/.test(location.protocol) ? location.origin : "";
  })();

  const START_COMMANDS = [
    ["cargo run --release -- serve", "site and endpoints on one origin"],
    ["cargo run -p examples-server", "the endpoints alone"],
  ];

  /** Absolute URL for an endpoint setting ("/api/posts" or a full URL), with query params. */
  function endpointUrl(path, params) {
    let url;
    if (/^[a-z][a-z0-9+.-]*:/i.test(path)) url = new URL(path);
    else url = new URL(EXAMPLES + (path.startsWith("/") ? path : "/" + path));
    for (const [k, v] of Object.entries(params || {})) {
      if (v === undefined || v === null || v === "") continue;
      url.searchParams.set(k, String(v));
    }
    return url.toString();
  }

  function wsUrl(path, params) {
    return endpointUrl(path, params).replace(/^http/, "ws");
  }

  /** `el("button", {class: "x", onclick}, "text", child)` — a tiny DOM builder. */
  function el(tag, attrs, ...children) {
    const node = document.createElement(tag);
    for (const [k, v] of Object.entries(attrs || {})) {
      if (v === undefined || v === null || v === false) continue;
      if (k.startsWith("on") && typeof v === "function") node.addEventListener(k.slice(2), v);
      else if (k === "class") node.className = v;
      else if (k === "text") node.textContent = v;
      else if (k in node && typeof v !== "string") node[k] = v;
      else node.setAttribute(k, v === true ? "" : v);
    }
    append(node, children);
    return node;
  }

  function append(node, children) {
    for (const c of children.flat()) {
      if (c === undefined || c === null || c === false) continue;
      node.append(c instanceof Node ? c : document.createTextNode(String(c)));
    }
    return node;
  }

  let uid = 0;
  const nextId = (prefix) => `${prefix}-${++uid}`;

  /** A labelled form control: returns {wrap, input}. */
  function field(label, input, hint) {
    input.id = input.id || nextId("wb-f");
    const wrap = el("div", { class: "wb-field" },
      el("label", { for: input.id }, label), input);
    if (hint) {
      const h = el("small", { class: "wb-hint", id: nextId("wb-h") }, hint);
      input.setAttribute("aria-describedby", h.id);
      wrap.append(h);
    }
    return { wrap, input };
  }

  const encoder = new TextEncoder();
  const byteLength = (text) => encoder.encode(text || "").length;

  function formatBytes(n) {
    if (n < 1024) return `${n} B`;
    if (n < 1024 * 1024) return `${(n / 1024).toFixed(1)} kB`;
    return `${(n / 1024 / 1024).toFixed(2)} MB`;
  }

  const formatMs = (ms) => (ms < 10 ? `${ms.toFixed(1)} ms` : `${Math.round(ms)} ms`);

  function clock(date) {
    const d = date || new Date();
    const p = (n, w = 2) => String(n).padStart(w, "0");
    return `${p(d.getHours())}:${p(d.getMinutes())}:${p(d.getSeconds())}.${p(d.getMilliseconds(), 3)}`;
  }

  function prettyJson(text) {
    try {
      return JSON.stringify(JSON.parse(text), null, 2);
    } catch {
      return text;
    }
  }

  function truncate(text, max) {
    return text.length > max ? `${text.slice(0, max)}\n… (${text.length - max} more characters)` : text;
  }

  function median(values) {
    if (!values.length) return NaN;
    const s = [...values].sort((a, b) => a - b);
    const m = s.length >> 1;
    return s.length % 2 ? s[m] : (s[m - 1] + s[m]) / 2;
  }

  const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

  /** Poll `check` until truthy or `ms` elapse. */
  async function waitFor(check, ms, step = 50) {
    const end = performance.now() + ms;
    while (performance.now() < end) {
      const v = check();
      if (v) return v;
      await sleep(step);
    }
    return check();
  }

  /** Run `fn` once when `node` first scrolls into view. */
  function whenVisible(node, fn) {
    if (!("IntersectionObserver" in window)) return void fn();
    const io = new IntersectionObserver((entries) => {
      if (entries.some((e) => e.isIntersecting)) {
        io.disconnect();
        fn();
      }
    }, { rootMargin: "100px" });
    io.observe(node);
  }

  // Shell quoting for "copy as curl": single quotes, with ' written as '\''.
  const shq = (s) => `'${String(s).replace(/'/g, `'\\''`)}'`;

  function curlFor({ method = "GET", url, headers = {}, body, stream = false }) {
    const parts = ["curl"];
    if (stream) parts.push("-N");
    else parts.push("-i");
    if (method !== "GET") parts.push("-X", method);
    for (const [k, v] of Object.entries(headers)) parts.push("-H", shq(`${k}: ${v}`));
    if (body !== undefined) parts.push("--data-raw", shq(body));
    parts.push(shq(url));
    return parts.join(" ");
  }

  async function copyText(text) {
    try {
      await navigator.clipboard.writeText(text);
      return true;
    } catch {
      // Not a secure context or permission denied: fall back to a hidden textarea.
      const ta = el("textarea", { class: "wb-offscreen", "aria-hidden": "true" });
      ta.value = text;
      document.body.append(ta);
      ta.select();
      let ok = false;
      try {
        ok = document.execCommand("copy");
      } catch {
        ok = false;
      }
      ta.remove();
      return ok;
    }
  }

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
    if (!where) {
      return "This page was opened from a file, so there is no examples server to talk to. " +
        "Serve the site to try the demo:";
    }
    return `The examples server isn't reachable at ${where}. ` +
      "The rest of this page works without it. To try this demo, start it locally:";
  }

  /**
   * Work out why a network call failed, in plain words. `fetch` only says
   * "TypeError: Failed to fetch" for a stopped server, a CORS refusal and
   * mixed content alike; an opaque `no-cors` probe tells the first two apart.
   */
  async function diagnose(url, { timedOut = false, timeoutMs = 0 } = {}) {
    if (timedOut) {
      return new DemoError("timeout",
        `No answer from ${url} within ${Math.round(timeoutMs / 1000)} s. The server is reachable ` +
        "but did not respond in time — turn the latency knob down, or check the server's log.");
    }
    if (!url) return new DemoError("offline", offlineMessage());
    if (isMixedContent(url)) {
      return new DemoError("mixed",
        `This page is served over https, but the examples server is at ${new URL(url).origin} ` +
        "(plain http/ws). Browsers block such mixed content. Serve the examples server over " +
        "https, or open the site over http (for example with `wirebook serve`).");
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
      `The examples server at ${new URL(probe).origin} answered, but its CORS policy does not ` +
      `allow this page's origin (${location.origin}), so the browser hid the response. ` +
      `Start it with \`cargo run -p examples-server -- --allow-origin ${location.origin}\`, ` +
      "or serve site and endpoints together with `cargo run --release -- serve`.");
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
      const res = await fetch(url, { method, headers: reqHeaders, body, signal: ctl.signal, cache: "no-store" });
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
      return rec;
    } catch (err) {
      if (signal && signal.aborted) throw new DemoError("aborted", "Stopped.");
      throw await diagnose(url, { timedOut, timeoutMs });
    } finally {
      clearTimeout(timer);
      if (signal) signal.removeEventListener("abort", onAbort);
    }
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
    return `The server answered ${rec.status} ${rec.statusText || ""}`.trim() +
      (j.error ? ` — ${j.error}` : "") + (fields ? ` (${fields})` : "") + ".";
  }

  // ───────────────────────────── widget chrome ─────────────────────────────

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
    }

    build() {
      const root = this.root;
      root.classList.add("wb-ready");
      const caption = root.querySelector(".wb-demo-title") ||
        root.insertBefore(el("figcaption", { class: "wb-demo-title" }, this.config.title || this.kind), root.firstChild);
      // Name the group by the title alone, not by the state badge added next to it.
      const titleText = el("span", { class: "wb-title-text", id: `${root.id || nextId("wb-demo")}-title` });
      titleText.append(...caption.childNodes);
      caption.append(titleText);
      root.setAttribute("role", "group");
      root.setAttribute("aria-labelledby", titleText.id);
      this.badge = el("span", { class: "wb-state", "aria-live": "polite" });
      caption.append(" ", this.badge);

      this.toolbar = el("div", { class: "wb-toolbar", role: "group", "aria-label": "Demo controls" });
      this.notice = el("div", { class: "wb-notice", hidden: true });
      this.body = el("div", { class: "wb-body" });
      this.cmdCode = el("code", { class: "wb-cmd" });
      this.cmdLabel = el("span", { class: "wb-cmd-label" }, "Try it in a terminal");
      this.copyBtn = el("button", { type: "button", class: "wb-btn wb-btn-quiet", onclick: () => this.copyCommand() }, "Copy as curl");
      this.cmdLine = el("div", { class: "wb-cmdline", hidden: true },
        el("div", { class: "wb-cmd-head" }, this.cmdLabel, this.copyBtn),
        el("pre", { class: "wb-cmd-pre" }, this.cmdCode));

      const fallback = root.querySelector(".wb-demo-fallback");
      const after = caption.nextSibling;
      root.insertBefore(this.toolbar, after);
      root.insertBefore(this.notice, after);
      root.insertBefore(this.body, after);
      root.insertBefore(this.cmdLine, after);
      if (fallback) {
        const details = el("details", { class: "wb-source" }, el("summary", {}, "Markdown source of this demo"));
        root.insertBefore(details, fallback);
        details.append(fallback);
      }
      this.setState(root.dataset.state || "idle");
    }

    setState(state) {
      this.state = state;
      this.root.dataset.state = state;
      this.badge.dataset.state = state;
      this.badge.textContent = STATE_LABEL[state] || state;
    }

    /** Show a notice. `kind` is info|ok|warn|error; `offline` adds the start commands. */
    say(message, kind = "info", { offline = false, retry } = {}) {
      const n = this.notice;
      n.replaceChildren();
      n.hidden = !message;
      if (!message) return;
      n.className = `wb-notice wb-notice-${kind}`;
      n.setAttribute("role", kind === "error" || offline ? "alert" : "status");
      n.append(el("p", {}, message));
      if (offline) {
        const list = el("ul", { class: "wb-start" });
        for (const [cmd, what] of START_COMMANDS) {
          list.append(el("li", {}, el("code", {}, cmd), ` — ${what}`));
        }
        n.append(list);
      }
      if (retry) n.append(el("button", { type: "button", class: "wb-btn", onclick: retry }, "Retry"));
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
      this.command = text;
      this.cmdLine.hidden = !text;
      this.cmdCode.textContent = text || "";
      this.copyBtn.textContent = `Copy as ${tool}`;
      this.cmdLine.dataset.tool = tool;
    }

    async copyCommand() {
      if (!this.command) return;
      const ok = await copyText(this.command);
      const label = this.copyBtn.textContent;
      this.copyBtn.textContent = ok ? "Copied" : "Select and copy";
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
        el("label", { for: input.id, title: "Asks the server to wait this long before answering (delay_ms)" }, "Server latency"),
        input, out);
    }

    button(label, onclick, cls = "") {
      return el("button", { type: "button", class: `wb-btn ${cls}`.trim(), onclick }, label);
    }
  }

  /** A scrolling log with an accessible name; `max` entries kept. */
  function logBox(label, cls, max = 200) {
    // tabindex: a scrolling region must be reachable by keyboard to be scrolled.
    const box = el("ol", { class: `wb-log ${cls || ""}`.trim(), role: "log", "aria-label": label, "aria-live": "polite", tabindex: "0" });
    box.add = (node) => {
      const stick = box.scrollHeight - box.scrollTop - box.clientHeight < 30;
      box.append(node);
      while (box.children.length > max) box.firstElementChild.remove();
      if (stick) box.scrollTop = box.scrollHeight;
      return node;
    };
    return box;
  }

  // One shared reachability probe per page, so an offline page does not fire
  // one failing request per widget.
  let probePromise = null;
  function probeServer(force) {
    if (!probePromise || force) {
      probePromise = (async () => {
        if (!EXAMPLES) return new DemoError("offline", offlineMessage());
        const url = endpointUrl("/api/posts", { per_page: 1 });
        try {
          const res = await fetch(url, { cache: "no-store", signal: AbortSignal.timeout(5000) });
          await res.arrayBuffer();
          // Something answered, but not the examples server (e.g. the site's own 404 page
          // when a static host, or `wirebook serve --no-examples`, has no /api).
          const json = (res.headers.get("content-type") || "").includes("json");
          if (!json) return new DemoError("offline", offlineMessage(url));
          return null;
        } catch {
          return diagnose(url);
        }
      })();
    }
    return probePromise;
  }

  // ───────────────────────────────── ajax ─────────────────────────────────

  class AjaxDemo extends Widget {
    build() {
      super.build();
      const c = this.config;
      this.endpoint = c.endpoint || "/api/posts";
      this.pollMs = Number(c.poll_ms) || 3000;
      this.exchanges = [];
      this.requestCount = 0;

      this.refreshBtn = this.button("Refresh list", () => this.list());
      this.pollBox = el("input", { type: "checkbox", id: nextId("wb-poll") });
      this.pollBox.addEventListener("change", () => this.setPolling(this.pollBox.checked));
      const pollLabel = el("label", { for: this.pollBox.id, class: "wb-check" }, this.pollBox,
        ` Poll every ${this.pollMs / 1000} s`);
      this.toolbar.append(this.refreshBtn, pollLabel, this.latencyKnob());

      // Form: submit a post.
      const author = field("Author", el("input", { name: "author", value: "reader", autocomplete: "off", required: true }));
      const title = field("Title", el("input", { name: "title", autocomplete: "off", required: true, placeholder: "Hello, Ajax" }));
      const body = field("Body", el("textarea", { name: "body", rows: "2", required: true, placeholder: "Sent with fetch() as JSON" }));
      const tags = field("Tags", el("input", { name: "tags", autocomplete: "off", placeholder: "ajax, demo" }), "Comma separated, optional");
      this.inputs = { author: author.input, title: title.input, body: body.input, tags: tags.input };
      this.form = el("form", { class: "wb-form", novalidate: true, "aria-label": "New post" },
        el("h4", { class: "wb-h" }, "New post · POST"),
        author.wrap, title.wrap, body.wrap, tags.wrap,
        el("div", { class: "wb-actions" }, el("button", { type: "submit", class: "wb-btn wb-btn-primary" }, "Submit post")));
      this.form.addEventListener("submit", (e) => { e.preventDefault(); this.submit(); });

      // Search + list.
      this.search = el("input", { type: "search", name: "q", autocomplete: "off", placeholder: "title or author" });
      const searchField = field("Search posts", this.search);
      const searchForm = el("form", { class: "wb-search", role: "search" }, searchField.wrap,
        el("button", { type: "submit", class: "wb-btn" }, "Search"));
      searchForm.addEventListener("submit", (e) => { e.preventDefault(); this.list(); });
      this.listEl = el("ol", { class: "wb-posts", "aria-label": "Posts", "aria-live": "polite" });
      this.listMeta = el("p", { class: "wb-muted wb-small" });
      const listCol = el("section", { class: "wb-col" },
        el("h4", { class: "wb-h" }, "Posts · GET"), searchForm, this.listMeta, this.listEl);

      // Inspector: request timeline + details of the selected exchange.
      this.timeline = logBox("Requests", "wb-timeline", 40);
      this.detail = el("div", { class: "wb-inspect" }, el("p", { class: "wb-muted" }, "Requests appear here as they happen."));
      this.counter = el("span", { class: "wb-muted wb-small" });
      const inspector = el("section", { class: "wb-col wb-inspector", "aria-label": "Request inspector" },
        el("h4", { class: "wb-h" }, "Inspector ", this.counter), this.timeline, this.detail);

      this.body.classList.add("wb-grid-3");
      this.body.append(el("section", { class: "wb-col" }, this.form), listCol, inspector);
      this.setCommand(curlFor({ url: endpointUrl(this.endpoint, { per_page: 5 }) }));
      whenVisible(this.root, () => this.list());
    }

    params(extra) {
      return { ...extra, delay_ms: this.delay || undefined };
    }

    async send(opts) {
      this.setState("connecting");
      this.requestCount += 1;
      this.counter.textContent = `· ${this.requestCount} request${this.requestCount === 1 ? "" : "s"}`;
      const pending = el("li", { class: "wb-pending" }, `${opts.method || "GET"} ${new URL(opts.url).pathname} …`);
      this.timeline.add(pending);
      try {
        const rec = await exchange({ ...opts, timeoutMs: 10000 + this.delay });
        pending.replaceWith(this.timelineItem(rec));
        this.show(rec);
        if (rec.json === undefined && rec.status >= 400) {
          // Not the examples server: something else (a static host's 404 page) answered.
          throw new DemoError("offline", offlineMessage(opts.url));
        }
        this.setState("connected");
        return rec;
      } catch (err) {
        pending.replaceWith(el("li", { class: "wb-bad" }, `${opts.method || "GET"} ${new URL(opts.url).pathname} — failed`));
        this.fail(err, () => this.list());
        if (this.pollBox.checked) this.setPolling(false);
        return null;
      }
    }

    timelineItem(rec) {
      const u = new URL(rec.url);
      const ok = rec.status < 400;
      const btn = el("button", {
        type: "button", class: "wb-tl", onclick: () => this.show(rec),
        "aria-label": `Inspect ${rec.method} ${u.pathname}${u.search}: ${rec.status}, ${formatMs(rec.ms)}`,
      },
        el("span", { class: "wb-tl-time" }, clock(rec.startedAt).slice(0, 8)),
        el("span", { class: `wb-method wb-method-${rec.method.toLowerCase()}` }, rec.method),
        el("span", { class: "wb-tl-path" }, u.pathname + u.search),
        el("span", { class: ok ? "wb-status wb-ok" : "wb-status wb-bad" }, rec.status),
        el("span", { class: "wb-tl-ms" }, formatMs(rec.ms)));
      return el("li", {}, btn);
    }

    show(rec) {
      this.setCommand(curlFor({ method: rec.method, url: rec.url, headers: rec.reqBody ? { "Content-Type": "application/json" } : {}, body: rec.reqBody }));
      const u = new URL(rec.url);
      const kv = (pairs) => el("dl", { class: "wb-kv" }, pairs.flatMap(([k, v]) => [el("dt", {}, k), el("dd", {}, v)]));
      const crossOrigin = u.origin !== location.origin;
      this.detail.replaceChildren();
      append(this.detail, [
        el("p", { class: "wb-reqline" },
          el("span", { class: `wb-method wb-method-${rec.method.toLowerCase()}` }, rec.method), " ",
          el("code", {}, u.pathname + u.search)),
        el("p", { class: "wb-facts" },
          el("span", { class: rec.status < 400 ? "wb-status wb-ok" : "wb-status wb-bad" }, `${rec.status} ${rec.statusText || ""}`.trim()),
          el("span", { title: "time from sending the request to the last byte of the response" }, formatMs(rec.ms)),
          el("span", { title: "response body size" }, formatBytes(rec.bytes)),
          this.delay ? el("span", { class: "wb-muted" }, `(server delay ${this.delay} ms)`) : null),
        el("details", {}, el("summary", {}, "Request headers"),
          kv(Object.entries({ Origin: location.origin, ...rec.reqHeaders }))),
        rec.reqBody ? el("details", { open: true }, el("summary", {}, "Request body"), el("pre", {}, prettyJson(rec.reqBody))) : null,
        el("details", {}, el("summary", {}, "Response headers"), kv(rec.resHeaders),
          crossOrigin ? el("p", { class: "wb-muted wb-small" }, "Cross-origin: the browser only shows headers the server exposes via CORS.") : null),
        el("details", { open: true }, el("summary", {}, "Response body"), el("pre", { class: "wb-json", tabindex: "0" }, truncate(prettyJson(rec.text), 3000))),
      ]);
    }

    async list() {
      const q = this.search.value.trim();
      const rec = await this.send({ url: endpointUrl(this.endpoint, this.params({ per_page: 5, q })) });
      if (!rec) return;
      if (rec.status >= 400 || !rec.json) {
        this.say(httpProblem(rec), "error");
        return;
      }
      if (this.notice.classList.contains("wb-notice-warn") || this.notice.classList.contains("wb-notice-error")) this.say("");
      this.renderList(rec.json);
    }

    renderList(page) {
      const items = page.items || [];
      const seen = this.seenIds || new Set();
      const fresh = this.seenIds ? items.filter((p) => !seen.has(p.id)) : [];
      this.seenIds = new Set([...seen, ...items.map((p) => p.id)]);
      this.listMeta.textContent = `${page.total ?? items.length} post${page.total === 1 ? "" : "s"} on the server` +
        (this.search.value.trim() ? ` matching “${this.search.value.trim()}”` : "") + ` · showing ${items.length}`;
      this.listEl.replaceChildren(...items.map((p) => el("li", {
        class: fresh.includes(p) || p.id === this.highlight ? "wb-post wb-new" : "wb-post",
        "data-id": p.id,
      },
      el("span", { class: "wb-post-title" }, p.title),
      el("span", { class: "wb-post-meta" }, `#${p.id} · ${p.author && p.author.name ? p.author.name : p.author} · ${shortTime(p.created_at || p.createdAt)}`))));
      if (!items.length) this.listEl.append(el("li", { class: "wb-muted" }, "No posts match."));
    }

    async submit() {
      const v = Object.fromEntries(Object.entries(this.inputs).map(([k, i]) => [k, i.value.trim()]));
      for (const i of Object.values(this.inputs)) i.removeAttribute("aria-invalid");
      this.form.querySelectorAll(".wb-field-error").forEach((n) => n.remove());
      const payload = { author: v.author, title: v.title, body: v.body };
      if (v.tags) payload.tags = v.tags.split(",").map((t) => t.trim()).filter(Boolean);
      const rec = await this.send({ method: "POST", url: endpointUrl(this.endpoint, this.params()), body: JSON.stringify(payload) });
      if (!rec) return;
      if (rec.status === 422 && rec.json && rec.json.fields) {
        for (const [name, msg] of Object.entries(rec.json.fields)) {
          const input = this.inputs[name];
          if (!input) continue;
          input.setAttribute("aria-invalid", "true");
          input.parentElement.append(el("small", { class: "wb-field-error" }, msg));
        }
        this.say(`${httpProblem(rec)} The server checks input too — fix the marked fields.`, "warn");
        return;
      }
      if (rec.status >= 400) {
        this.say(httpProblem(rec), "error");
        return;
      }
      this.say(`Created post #${rec.json && rec.json.id} (${rec.status}). The list below is fetched again to show it.`, "ok");
      this.highlight = rec.json && rec.json.id;
      this.inputs.title.value = "";
      this.inputs.body.value = "";
      this.search.value = "";
      await this.list();
      this.show(rec); // keep the POST itself in the inspector
    }

    setPolling(on) {
      this.pollBox.checked = on;
      clearInterval(this.pollTimer);
      this.pollTimer = null;
      if (!on && this.notice.classList.contains("wb-notice-info")) this.say("");
      if (on) {
        this.say(`Polling: the browser asks again every ${this.pollMs / 1000} s, whether or not anything changed. Watch the inspector fill up.`, "info");
        this.pollTimer = setInterval(() => { if (!this.inFlight) this.pollOnce(); }, this.pollMs);
        this.pollOnce();
      }
    }

    async pollOnce() {
      this.inFlight = true;
      try {
        await this.list();
      } finally {
        this.inFlight = false;
      }
    }
  }

  function shortTime(value) {
    if (!value) return "";
    const d = typeof value === "number" ? new Date(value < 1e12 ? value * 1000 : value) : new Date(value);
    return Number.isNaN(d.getTime()) ? String(value) : d.toLocaleString(undefined, { dateStyle: "short", timeStyle: "short" });
  }

  // ─────────────────────────────── websocket ───────────────────────────────

  /**
   * One participant's socket with reconnect-and-backoff. Emits through the
   * callbacks given; `drop()` closes abruptly so the reader sees reconnect.
   */
  class Participant {
    constructor(demo, name) {
      this.demo = demo;
      this.name = name;
      this.ws = null;
      this.wanted = false;
      this.attempt = 0;
      this.state = "idle";
    }

    url() {
      return wsUrl(this.demo.endpoint, { room: this.demo.room, name: this.name });
    }

    connect() {
      this.wanted = true;
      clearTimeout(this.retryTimer);
      if (this.ws && this.ws.readyState <= 1) return;
      this.setState("connecting");
      let ws;
      try {
        ws = new WebSocket(this.url());
      } catch (err) {
        this.setState("error");
        this.demo.fail(new DemoError("protocol", `Could not open a WebSocket: ${err.message}`));
        return;
      }
      this.ws = ws;
      this.opened = false;
      ws.addEventListener("open", () => {
        this.opened = true;
        if (this.attempt > 0 || this.dropped) this.demo.chatLine(this, "system", "Reconnected.");
        this.dropped = false;
        this.attempt = 0;
        this.setState("connected");
        this.demo.frame(this, "in", null, "open");
      });
      ws.addEventListener("message", (e) => {
        const text = typeof e.data === "string" ? e.data : "";
        this.demo.frame(this, "in", text);
        let msg;
        try {
          msg = JSON.parse(text);
        } catch {
          return;
        }
        this.demo.onMessage(this, msg);
      });
      ws.addEventListener("close", (e) => {
        if (this.ws !== ws) return;
        this.ws = null;
        this.demo.frame(this, "in", null, `close ${e.code}${e.reason ? ` ${e.reason}` : ""}`);
        this.onClose(e, ws);
      });
    }

    async onClose(e, ws) {
      if (!this.wanted) {
        this.setState("idle");
        return;
      }
      const explained = closeReason(e.code);
      if (!this.opened && this.attempt >= 2) {
        // Never got in, three times over: say why and stop retrying.
        this.wanted = false;
        const err = await diagnose(this.url());
        this.setState(err.reason === "offline" ? "offline" : "error");
        this.demo.fail(err.reason === "cors"
          ? new DemoError("protocol", `The server at ${EXAMPLES} refused the WebSocket handshake. ` +
            "WebSockets are not subject to CORS, but the server checks the Origin header and does not allow " +
            `this page's origin (${location.origin}). Start it with \`cargo run -p examples-server -- --allow-origin ${location.origin}\`.`)
          : err, () => this.demo.connectAll());
        return;
      }
      if (e.code === 1008 || e.code === 1009) {
        this.demo.say(`${this.name}'s connection was closed by the server: ${explained}`, "warn");
      }
      const wait = Math.min(1000 * 2 ** this.attempt, 10000);
      this.attempt += 1;
      this.setState("connecting");
      this.demo.reconnecting(this, wait);
      this.retryTimer = setTimeout(() => { if (this.wanted) this.connect(); }, wait);
    }

    disconnect() {
      this.wanted = false;
      clearTimeout(this.retryTimer);
      if (this.ws) this.ws.close(1000, "bye");
      else this.setState("idle");
    }

    /** Simulate a network drop: close without wanting to, so reconnect kicks in. */
    drop() {
      this.dropped = true;
      if (this.ws) this.ws.close(4000, "dropped by reader");
    }

    send(obj) {
      const text = JSON.stringify(obj);
      if (!this.ws || this.ws.readyState !== 1) return false;
      this.ws.send(text);
      this.demo.frame(this, "out", text);
      return true;
    }

    setState(s) {
      this.state = s;
      this.demo.updateState();
    }
  }

  function closeReason(code) {
    return {
      1000: "normal closure",
      1001: "the server is going away",
      1006: "the connection dropped without a close frame (network or server gone)",
      1008: "policy violation — too many messages (rate limit: 20 per 10 s)",
      1009: "message too big (limit 16 KiB)",
      1011: "server error",
      4000: "dropped on purpose by the reader",
    }[code] || `code ${code}`;
  }

  class WebSocketDemo extends Widget {
    build() {
      super.build();
      const c = this.config;
      this.endpoint = c.endpoint || "/ws/chat";
      this.room = c.room || "lobby";
      const names = Array.isArray(c.participants) && c.participants.length ? c.participants : ["Alice", "Bob"];

      this.connectBtn = this.button("Connect", () => (this.anyWanted() ? this.disconnectAll() : this.connectAll()), "wb-btn-primary");
      this.dropBtn = this.button("Drop connection", () => this.dropAll());
      this.dropBtn.disabled = true;
      this.toolbar.append(this.connectBtn, this.dropBtn,
        el("span", { class: "wb-pill", title: "Set by the room setting" }, "room: ", el("code", {}, this.room)));
      // No latency knob here: once the socket is open there is no request to delay.

      this.people = names.slice(0, 4).map((n) => new Participant(this, n));
      const panes = el("div", { class: "wb-panes" });
      for (const p of this.people) panes.append(this.pane(p));
      this.frames = el("table", { class: "wb-frames" },
        el("caption", { class: "wb-sr" }, "WebSocket frames"),
        el("thead", {}, el("tr", {}, ["Time", "Who", "Dir", "Size", "Frame"].map((h) => el("th", { scope: "col" }, h)))));
      this.framesBody = el("tbody", { "aria-live": "off" });
      this.frames.append(this.framesBody);
      this.frameCount = el("span", { class: "wb-muted wb-small" });
      this.body.append(panes,
        el("section", { class: "wb-frames-wrap", "aria-label": "Frame log" },
          el("h4", { class: "wb-h" }, "Frame log ", this.frameCount,
            el("span", { class: "wb-muted wb-small" }, " · ↑ sent by the browser, ↓ pushed by the server")),
          el("div", { class: "wb-scroll-x wb-frames-scroll", tabindex: "0", role: "region", "aria-label": "Frame log" }, this.frames)));
      this.frameTotal = 0;
      this.setCommand(this.websocatCommand(), "websocat");
      whenVisible(this.root, () => { if (this.state === "idle") this.connectAll(); });
    }

    pane(p) {
      p.log = logBox(`${p.name}'s chat`, "wb-chat", 100);
      p.dot = el("span", { class: "wb-dot", "data-state": "idle", title: "idle" });
      p.input = el("input", { type: "text", autocomplete: "off", maxlength: "500", placeholder: `Say something as ${p.name}` });
      const f = field(`Message as ${p.name}`, p.input);
      f.wrap.classList.add("wb-grow");
      const form = el("form", { class: "wb-compose" }, f.wrap, el("button", { type: "submit", class: "wb-btn wb-btn-primary" }, "Send"));
      form.addEventListener("submit", (e) => {
        e.preventDefault();
        const text = p.input.value.trim();
        if (!text) return;
        if (p.send({ type: "message", text })) {
          p.input.value = "";
          this.lastSent = { name: p.name, text };
          this.setCommand(this.websocatCommand(), "websocat");
        } else {
          this.say(`${p.name} is not connected yet — press Connect first.`, "warn");
        }
      });
      p.members = el("span", { class: "wb-muted wb-small" });
      return el("section", { class: "wb-pane", "aria-label": `${p.name}'s view` },
        el("h4", { class: "wb-h" }, p.dot, ` ${p.name} `, p.members), p.log, form);
    }

    websocatCommand() {
      const who = (this.lastSent && this.lastSent.name) || (this.people && this.people[0].name) || "reader";
      const url = wsUrl(this.endpoint, { room: this.room, name: who });
      const text = (this.lastSent && this.lastSent.text) || "hello";
      return `websocat ${shq(url)}\n# then type a frame and press Enter:\n${JSON.stringify({ type: "message", text })}`;
    }

    anyWanted() {
      return this.people.some((p) => p.wanted);
    }

    connectAll() {
      this.say("");
      for (const p of this.people) p.connect();
    }

    disconnectAll() {
      for (const p of this.people) p.disconnect();
    }

    dropAll() {
      this.say("Connections dropped. Watch each participant reconnect with backoff; the server's history frame fills in what was said meanwhile.", "info");
      this.awaitingReconnect = true;
      for (const p of this.people) p.drop();
    }

    reconnecting(p, wait) {
      this.chatLine(p, "system", `Connection lost — reconnecting in ${(wait / 1000).toFixed(0)} s (attempt ${p.attempt})…`);
    }

    updateState() {
      if (!this.people) return;
      const states = this.people.map((p) => p.state);
      for (const p of this.people) if (p.dot) { p.dot.dataset.state = p.state; p.dot.title = p.state; }
      let s = "idle";
      if (states.every((x) => x === "connected")) s = "connected";
      else if (states.includes("offline")) s = "offline";
      else if (states.includes("error")) s = "error";
      else if (states.some((x) => x === "connecting" || x === "connected")) s = "connecting";
      if (s !== this.state && !(this.state === "offline" && s === "idle") && !(this.state === "error" && s === "idle")) this.setState(s);
      if (s === "connected" && this.notice.classList.contains("wb-notice-warn")) this.say("");
      if (s === "connected" && this.awaitingReconnect) {
        this.awaitingReconnect = false;
        this.say("Everyone is back. Messages sent while a participant was away came in with the server's history frame (dashed outline).", "ok");
      }
      const wanted = this.anyWanted();
      this.connectBtn.textContent = wanted ? "Disconnect" : "Connect";
      this.dropBtn.disabled = !states.includes("connected");
    }

    onMessage(p, msg) {
      switch (msg.type) {
        case "history": {
          const seen = p.seen || (p.seen = new Set());
          const missed = (msg.messages || []).filter((m) => !seen.has(msgKey(m)));
          if (missed.length && p.everConnected) this.chatLine(p, "system", `History: ${missed.length} message${missed.length === 1 ? "" : "s"} sent while you were away.`);
          for (const m of missed) this.chatMessage(p, m, !!p.everConnected);
          p.everConnected = true;
          break;
        }
        case "message":
          this.chatMessage(p, msg, false);
          break;
        case "join":
        case "leave":
          this.chatLine(p, "system", `${msg.name} ${msg.type === "join" ? "joined" : "left"}`);
          if (Array.isArray(msg.members)) p.members.textContent = `· ${msg.members.length} in room`;
          else if (typeof msg.members === "number") p.members.textContent = `· ${msg.members} in room`;
          break;
        case "error":
          this.chatLine(p, "error", `Server: ${msg.message}`);
          break;
        default:
          break;
      }
    }

    chatMessage(p, m, replayed) {
      const seen = p.seen || (p.seen = new Set());
      const key = msgKey(m);
      if (seen.has(key)) return;
      seen.add(key);
      const mine = m.from === p.name;
      p.log.add(el("li", { class: `wb-msg ${mine ? "wb-mine" : ""} ${replayed ? "wb-replayed" : ""}`.trim() },
        el("span", { class: "wb-msg-from" }, mine ? "you" : m.from),
        el("span", { class: "wb-msg-text" }, m.text)));
    }

    chatLine(p, kind, text) {
      p.log.add(el("li", { class: `wb-msg-${kind}` }, text));
    }

    frame(p, dir, text, event) {
      this.frameTotal += 1;
      this.frameCount.textContent = `· ${this.frameTotal}`;
      const size = text === null ? "" : formatBytes(byteLength(text));
      const arrow = dir === "out" ? "↑" : "↓";
      const row = el("tr", { class: `wb-frame-${dir}${event ? " wb-frame-event" : ""}` },
        el("td", { class: "wb-mono" }, clock()),
        el("td", {}, p.name),
        el("td", { class: "wb-arrow", "aria-label": dir === "out" ? "sent" : "received" }, event ? "•" : arrow),
        el("td", { class: "wb-mono" }, size),
        el("td", { class: "wb-mono wb-frame-data" }, event || truncate(text, 240)));
      this.framesBody.prepend(row);
      while (this.framesBody.children.length > 120) this.framesBody.lastElementChild.remove();
    }
  }

  const msgKey = (m) => `${m.from}\u0000${m.ts}\u0000${m.text}`;

  // ────────────────────────────────── sse ──────────────────────────────────

  class SseDemo extends Widget {
    build() {
      super.build();
      const c = this.config;
      this.endpoint = c.endpoint || "/sse/news";
      this.notifyPath = c.notify || "/api/notify";
      this.lastId = null;
      this.received = 0;
      this.reconnects = 0;
      this.ids = new Set();
      this.publishedWhileDown = new Set();

      // Connecting again after Disconnect resumes from the last id, as EventSource itself would.
      this.connectBtn = this.button("Connect", () => (this.es || this.dropTimer ? this.disconnect() : this.connect(this.lastId ?? undefined)), "wb-btn-primary");
      this.dropBtn = this.button("Drop connection", () => this.drop());
      this.dropBtn.disabled = true;
      this.resumeBtn = this.button("Reconnect now", () => this.resume());
      this.resumeBtn.hidden = true;
      this.toolbar.append(this.connectBtn, this.dropBtn, this.resumeBtn, this.latencyKnob());

      this.ticker = logBox("News ticker", "wb-ticker", 100);
      this.ticker.append(el("li", { class: "wb-placeholder wb-muted" },
        "Waiting for events. The server pushes canned news every 15 s — or press Publish."));
      this.stats = el("p", { class: "wb-muted wb-small wb-stats" });
      const title = field("Title", el("input", { autocomplete: "off", value: "Breaking: SSE works", maxlength: "200" }));
      const body = field("Body", el("input", { autocomplete: "off", value: "Pushed by the server over a plain HTTP response.", maxlength: "500" }));
      this.pubTitle = title.input;
      this.pubBody = body.input;
      this.pubLog = logBox("Publish results", "wb-publog", 20);
      const form = el("form", { class: "wb-form", "aria-label": "Publish a notification" },
        el("h4", { class: "wb-h" }, "Publish · POST ", el("code", {}, this.notifyPath)),
        title.wrap, body.wrap,
        el("div", { class: "wb-actions" }, el("button", { type: "submit", class: "wb-btn wb-btn-primary" }, "Publish")),
        this.pubLog);
      form.addEventListener("submit", (e) => { e.preventDefault(); this.publish(); });

      this.body.classList.add("wb-grid-2");
      this.body.append(
        el("section", { class: "wb-col" }, el("h4", { class: "wb-h" }, "Live ticker · GET ", el("code", {}, this.endpoint)), this.stats, this.ticker),
        el("section", { class: "wb-col" }, form));
      this.updateStats();
      this.setCommand(this.curlStream());
      whenVisible(this.root, () => { if (this.state === "idle" && !this.es) this.connect(); });
    }

    curlStream() {
      const headers = { Accept: "text/event-stream" };
      if (this.lastId !== null) headers["Last-Event-ID"] = this.lastId;
      return curlFor({ url: endpointUrl(this.endpoint), headers, stream: true });
    }

    updateStats() {
      this.stats.textContent = `last event id: ${this.lastId ?? "—"} · received: ${this.received} · reconnects: ${this.reconnects}`;
    }

    connect(resumeFrom) {
      clearTimeout(this.dropTimer);
      this.dropTimer = null;
      this.resumeBtn.hidden = true;
      const params = resumeFrom !== undefined && resumeFrom !== null ? { lastEventId: resumeFrom } : {};
      const url = endpointUrl(this.endpoint, params);
      this.setState("connecting");
      this.connectBtn.textContent = "Disconnect";
      const es = new EventSource(url);
      this.es = es;
      // What a resume must deliver: everything after `from`, with no gap.
      this.resumeMark = resumeFrom !== undefined ? { from: resumeFrom, at: Date.now(), count: 0, gap: false } : null;
      let everOpen = false;
      es.addEventListener("open", () => {
        everOpen = true;
        if (this.resumeMark && !this.resumeMark.at) this.resumeMark.at = Date.now();
        this.setState("connected");
        this.dropBtn.disabled = false;
        if (this.state === "connected" && this.notice.classList.contains("wb-notice-warn")) this.say("");
      });
      const onEvent = (e) => this.onEvent(e);
      es.addEventListener("news", onEvent);
      es.addEventListener("notify", onEvent);
      es.addEventListener("message", onEvent);
      es.addEventListener("error", async () => {
        if (this.es !== es) return;
        this.dropBtn.disabled = true;
        if (es.readyState === EventSource.CONNECTING) {
          // The browser reconnects by itself (server sent `retry: 2000`) and
          // sends `Last-Event-ID` so nothing is lost.
          this.setState("connecting");
          if (everOpen) this.resumeMark = { from: this.lastId, at: 0, count: 0, gap: false };
          this.reconnects += everOpen ? 1 : 0;
          this.updateStats();
          this.say(`Connection lost. The browser retries on its own (the server asked for retry: 2000 ms) and will send Last-Event-ID: ${this.lastId ?? "(none yet)"}.`, "warn");
          everOpen = false;
          if (++this.failedTries >= 3) {
            es.close();
            this.es = null;
            this.connectBtn.textContent = "Connect";
            this.fail(await diagnose(url), () => this.connect(this.lastId));
          }
          return;
        }
        es.close();
        this.es = null;
        this.connectBtn.textContent = "Connect";
        this.fail(await diagnose(url), () => this.connect(this.lastId));
      });
      this.failedTries = 0;
      es.addEventListener("open", () => { this.failedTries = 0; });
    }

    onEvent(e) {
      let data;
      try {
        data = JSON.parse(e.data);
      } catch {
        data = { title: e.data };
      }
      const id = e.lastEventId || (data.id !== undefined ? String(data.id) : "");
      if (/^\d+$/.test(id) && /^\d+$/.test(this.lastId || "") && Number(id) <= Number(this.lastId)) {
        // A correct server only ever sends ids above Last-Event-ID: smaller
        // ones mean it restarted (an in-memory server starts again at 1).
        this.ids.clear();
        this.say("Event ids started over: the server was restarted, so events from before are gone.", "info");
      }
      if (id && this.ids.has(id)) return; // a replay we already have
      if (id) this.ids.add(id);
      const placeholder = this.ticker.querySelector(".wb-placeholder");
      if (placeholder) placeholder.remove();
      const prev = this.lastId;
      if (id) this.lastId = id;
      this.received += 1;
      const ts = parseTs(data.ts);
      const mark = this.resumeMark;
      const replayed = this.publishedWhileDown.has(id) || Boolean(mark && mark.at && ts && ts < mark.at - 50);
      // The server numbers all events with one counter, so ids arrive without holes.
      const gap = prev !== null && /^\d+$/.test(prev) && /^\d+$/.test(id) && Number(id) > Number(prev) + 1
        ? Number(id) - Number(prev) - 1 : 0;
      if (mark && replayed) mark.count += 1;
      if (mark && gap) mark.gap = true;
      const pending = this.pendingPublish && this.pendingPublish.get(id);
      const arrived = pending ? ` · arrived ${formatMs(performance.now() - pending)} after POST` : "";
      this.ticker.add(el("li", { class: `wb-event wb-event-${e.type}${replayed ? " wb-replayed" : ""}`, "data-id": id },
        el("span", { class: "wb-event-id" }, `#${id}`),
        el("span", { class: `wb-tag wb-tag-${e.type}` }, e.type),
        el("span", { class: "wb-event-title" }, data.title || ""),
        data.body ? el("span", { class: "wb-event-body" }, data.body) : null,
        el("span", { class: "wb-event-meta" }, `${clock().slice(0, 8)}${replayed ? " · replayed after reconnect" : ""}${arrived}`)));
      if (gap) this.say(`Note: ${gap} event id${gap === 1 ? "" : "s"} skipped between #${prev} and #${id}.`, "warn");
      this.publishedWhileDown.delete(id);
      if (replayed && mark) {
        const n = `${mark.count} missed event${mark.count === 1 ? "" : "s"}`;
        this.say(mark.gap
          ? `Resumed with Last-Event-ID: ${mark.from ?? "(none)"} — ${n} delivered, but some ids are missing (the server keeps only recent events).`
          : `Resumed with Last-Event-ID: ${mark.from ?? "(none)"} — ${n} delivered, none lost.`, mark.gap ? "warn" : "ok");
      }
      this.updateStats();
      this.setCommand(this.curlStream());
    }

    disconnect() {
      clearTimeout(this.dropTimer);
      this.dropTimer = null;
      if (this.es) this.es.close();
      this.es = null;
      this.resumeBtn.hidden = true;
      this.dropBtn.disabled = true;
      this.connectBtn.textContent = "Connect";
      this.setState("idle");
      this.say("");
    }

    /** Close the stream on purpose, then come back with ?lastEventId= after a pause. */
    drop() {
      if (!this.es) return;
      this.es.close();
      this.es = null;
      this.dropBtn.disabled = true;
      this.resumeBtn.hidden = false;
      this.setState("connecting");
      let left = 8;
      const tick = () => {
        this.say(`Connection dropped. Publish something now — you'll miss it live. Reconnecting in ${left} s with Last-Event-ID: ${this.lastId ?? "(none)"}…`, "warn");
        if (left-- <= 0) this.resume();
        else this.dropTimer = setTimeout(tick, 1000);
      };
      tick();
    }

    resume() {
      this.reconnects += 1;
      this.updateStats();
      this.say(`Reconnecting with Last-Event-ID: ${this.lastId ?? "(none)"} (sent as ?lastEventId=, because a new EventSource cannot set headers).`, "info");
      this.connect(this.lastId ?? undefined);
    }

    async publish() {
      const payload = JSON.stringify({ title: this.pubTitle.value.trim() || "Hello", body: this.pubBody.value.trim() });
      const url = endpointUrl(this.notifyPath, { delay_ms: this.delay || undefined });
      this.setCommand(curlFor({ method: "POST", url, headers: { "Content-Type": "application/json" }, body: payload }));
      const sentAt = performance.now();
      const down = !this.es || this.es.readyState !== EventSource.OPEN;
      let rec;
      try {
        rec = await exchange({ method: "POST", url, body: payload, timeoutMs: 10000 + this.delay });
      } catch (err) {
        this.fail(err, () => this.publish());
        return;
      }
      if (rec.status >= 400) {
        this.pubLog.add(el("li", { class: "wb-bad" }, httpProblem(rec)));
        return;
      }
      const id = rec.json && rec.json.id !== undefined ? String(rec.json.id) : "";
      this.pendingPublish = this.pendingPublish || new Map();
      this.pendingPublish.set(id, sentAt);
      if (down && id) this.publishedWhileDown.add(id);
      const already = id && this.ids.has(id);
      this.pubLog.add(el("li", { "data-id": id },
        el("span", { class: "wb-status wb-ok" }, rec.status), ` ${formatMs(rec.ms)} · id ${id}`,
        down ? " · stream is down: this one arrives on reconnect" : already ? " · the push beat the POST response" : " · watch it arrive in the ticker"));
    }
  }

  function parseTs(ts) {
    if (ts === undefined || ts === null || ts === "") return 0;
    if (typeof ts === "number") return ts < 1e12 ? ts * 1000 : ts;
    const t = Date.parse(ts);
    return Number.isNaN(t) ? 0 : t;
  }

  // ──────────────────────────────── graphql ────────────────────────────────

  // How a field from the `fields` setting is written in the query.
  const GQL_FIELD = { author: "author { name }" };

  function buildQuery(fields) {
    const lines = fields.map((f) => `      ${GQL_FIELD[f] || f}`).join("\n");
    return `query Posts($limit: Int!) {\n  posts(limit: $limit) {\n    items {\n${lines}\n    }\n  }\n}`;
  }

  /**
   * The query on one line, so "copy as curl" stays readable. Only when that
   * cannot change its meaning: no comments (#…) and no string literals.
   */
  function compactQuery(q) {
    return /["#]/.test(q) ? q : q.replace(/\s+/g, " ").trim();
  }

  class GraphqlDemo extends Widget {
    build() {
      super.build();
      const c = this.config;
      this.endpoint = c.endpoint || "/graphql";
      this.rest = c.rest || "/api/posts?full=1";
      const fields = c.fields || ["id", "title", "author", "createdAt", "body", "tags"];
      const selected = new Set(c.selected || ["id", "title"]);
      this.limit = Number(c.limit) || 5;

      this.runBtn = this.button("Run query", () => this.run(), "wb-btn-primary");
      this.toolbar.append(this.runBtn, this.latencyKnob());

      const boxes = el("fieldset", { class: "wb-fields" }, el("legend", {}, "Fields to ask for"));
      this.boxes = fields.map((f) => {
        const input = el("input", { type: "checkbox", value: f, id: nextId("wb-gf"), checked: selected.has(f) });
        input.addEventListener("change", () => this.rebuild());
        boxes.append(el("label", { class: "wb-check", for: input.id }, input, ` ${f}`));
        return input;
      });
      this.limitInput = el("input", { type: "number", min: "1", max: "50", value: String(this.limit), class: "wb-num" });
      this.limitInput.addEventListener("change", () => { this.limit = Math.max(1, Math.min(50, Number(this.limitInput.value) || 5)); });
      const limit = field("How many posts", this.limitInput);
      this.query = el("textarea", { class: "wb-code", rows: "10", spellcheck: "false", autocapitalize: "off" });
      const queryField = field("GraphQL query (edit freely; ticking a box rebuilds it)", this.query);
      this.query.addEventListener("keydown", (e) => {
        if (e.key === "Enter" && (e.ctrlKey || e.metaKey)) { e.preventDefault(); this.run(); }
      });

      this.gqlOut = this.resultPane("GraphQL", "wb-gql");
      this.restOut = this.resultPane("REST", "wb-rest");
      this.verdict = el("div", { class: "wb-verdict", "aria-live": "polite" },
        el("p", { class: "wb-muted" }, "Run the query to compare what GraphQL and REST send for the same posts."));
      this.body.classList.add("wb-grid-2");
      this.body.append(
        el("section", { class: "wb-col" }, boxes, limit.wrap, queryField.wrap),
        el("section", { class: "wb-col" }, el("h4", { class: "wb-h" }, "Bytes on the wire"), this.verdict),
        el("div", { class: "wb-results wb-span" }, this.gqlOut.wrap, this.restOut.wrap));
      if (typeof c.query === "string" && c.query.trim()) this.query.value = c.query.trim();
      else this.rebuild();
      whenVisible(this.root, async () => {
        const err = await probeServer();
        if (err) this.fail(err, () => this.run());
        else if (this.state === "idle") this.run();
      });
    }

    resultPane(name, cls) {
      const bytes = el("span", { class: `wb-bytes ${cls}-bytes`, "data-bytes": "" }, "—");
      const meta = el("span", { class: "wb-muted wb-small" });
      const title = el("code", { class: "wb-small" });
      const pre = el("pre", { class: "wb-json", tabindex: "0" }, "Not run yet.");
      const wrap = el("section", { class: `wb-result ${cls}`, "aria-label": `${name} response` },
        el("h4", { class: "wb-h" }, `${name} `, bytes, " ", meta), title, pre);
      return { wrap, bytes, meta, title, pre };
    }

    selectedFields() {
      return this.boxes.filter((b) => b.checked).map((b) => b.value);
    }

    rebuild() {
      const f = this.selectedFields();
      this.query.value = buildQuery(f.length ? f : ["id"]);
    }

    restUrl() {
      const u = new URL(endpointUrl(this.rest));
      u.searchParams.set("per_page", String(this.limit));
      if (this.delay) u.searchParams.set("delay_ms", String(this.delay));
      return u.toString();
    }

    async run() {
      this.limit = Math.max(1, Math.min(50, Number(this.limitInput.value) || 5));
      const body = JSON.stringify({ query: compactQuery(this.query.value), variables: { limit: this.limit } });
      const gqlUrl = endpointUrl(this.endpoint, { delay_ms: this.delay || undefined });
      this.setState("connecting");
      this.runBtn.disabled = true;
      this.say("");
      const gqlCurl = curlFor({ method: "POST", url: gqlUrl, headers: { "Content-Type": "application/json" }, body });
      this.setCommand(`${gqlCurl}\n\n# the same posts over REST:\n${curlFor({ url: this.restUrl() })}`);
      try {
        const [g, r] = await Promise.all([
          exchange({ method: "POST", url: gqlUrl, body, headers: { Accept: "application/graphql-response+json, application/json" }, timeoutMs: 10000 + this.delay }),
          exchange({ url: this.restUrl(), timeoutMs: 10000 + this.delay }),
        ]);
        this.fill(this.gqlOut, g, `POST ${new URL(g.url).pathname}`);
        this.fill(this.restOut, r, `GET ${new URL(r.url).pathname}${new URL(r.url).search}`);
        const errors = g.json && g.json.errors;
        if (errors && errors.length) {
          this.setState("connected");
          this.say(`GraphQL errors: ${errors.map((e) => e.message).join("; ")}`, "warn");
        } else if (g.status >= 400 || r.status >= 400) {
          this.setState("connected");
          this.say(httpProblem(g.status >= 400 ? g : r), "error");
        } else {
          this.setState("connected");
        }
        this.compareBytes(g, r);
      } catch (err) {
        this.fail(err, () => this.run());
      } finally {
        this.runBtn.disabled = false;
      }
    }

    fill(pane, rec, label) {
      pane.bytes.textContent = formatBytes(rec.bytes);
      pane.bytes.dataset.bytes = String(rec.bytes);
      const wire = rec.wireBytes && rec.wireBytes !== rec.bytes ? ` · ${formatBytes(rec.wireBytes)} compressed on the wire` : "";
      pane.meta.textContent = `· ${rec.status} · ${formatMs(rec.ms)}${wire}`;
      pane.title.textContent = label;
      pane.pre.textContent = truncate(prettyJson(rec.text), 4000);
    }

    compareBytes(g, r) {
      const max = Math.max(g.bytes, r.bytes, 1);
      const bar = (name, n, cls) => el("div", { class: "wb-bar-row" },
        el("span", { class: "wb-bar-name" }, name),
        el("span", { class: "wb-bar-track" }, el("span", { class: `wb-bar ${cls}`, style: `width:${Math.max(2, (100 * n) / max).toFixed(1)}%` })),
        el("span", { class: "wb-bar-val" }, formatBytes(n)));
      const saved = r.bytes > 0 ? Math.round(100 * (1 - g.bytes / r.bytes)) : 0;
      const words = g.bytes < r.bytes
        ? `GraphQL moved ${saved}% fewer bytes: it sent only the ${this.selectedFields().length} field(s) you asked for. REST sends every field of every post.`
        : "GraphQL moved as many bytes or more — you asked for (nearly) everything, so there is nothing to save.";
      this.verdict.replaceChildren(
        el("p", { class: "wb-verdict-text" }, words),
        bar("GraphQL", g.bytes, "wb-bar-gql"),
        bar("REST", r.bytes, "wb-bar-rest"),
        el("p", { class: "wb-muted wb-small" }, "Response body bytes as received (headers not counted)."));
      this.verdict.dataset.gqlBytes = String(g.bytes);
      this.verdict.dataset.restBytes = String(r.bytes);
    }
  }

  // ──────────────────────────────── compare ────────────────────────────────

  const TECHNIQUES = [
    { key: "ajax", name: "Ajax polling", how: "POST a post, GET the list every 1 s until it shows up" },
    { key: "websocket", name: "WebSocket", how: "one socket sends a chat message, another receives it" },
    { key: "sse", name: "SSE", how: "POST /api/notify, the event stream pushes it" },
    { key: "graphql", name: "GraphQL subscription", how: "addPost mutation, postAdded over graphql-transport-ws" },
  ];

  function updateRefused(rec) {
    if (rec.status === 429) return "the server limits writes per minute (429 Too Many Requests) — wait a minute and run again";
    return httpProblem(rec);
  }

  class CompareDemo extends Widget {
    build() {
      super.build();
      this.count = Math.max(1, Math.min(20, Number(this.config.count) || 5));
      this.runBtn = this.button("Run comparison", () => (this.running ? this.stop() : this.runAll()), "wb-btn-primary");
      this.toolbar.append(this.runBtn, this.latencyKnob());
      const head = el("tr", {}, ["Technique", "Median latency", "Requests / connections", "Bytes received", "Status"]
        .map((h) => el("th", { scope: "col" }, h)));
      this.rows = {};
      const tbody = el("tbody", {});
      for (const t of TECHNIQUES) {
        const cells = {
          latency: el("td", { class: "wb-num", "data-metric": "latency", "data-label": "Median latency" }, "—"),
          requests: el("td", { class: "wb-num", "data-metric": "requests", "data-label": "Requests / conn." }, "—"),
          bytes: el("td", { class: "wb-num", "data-metric": "bytes", "data-label": "Bytes received" }, "—"),
          status: el("td", { class: "wb-muted", "data-metric": "status", "data-label": "Status" }, "not run"),
        };
        const tr = el("tr", { "data-technique": t.key },
          el("th", { scope: "row" }, el("span", { class: "wb-tech" }, t.name), el("small", { class: "wb-muted wb-block" }, t.how)),
          cells.latency, cells.requests, cells.bytes, cells.status);
        this.rows[t.key] = cells;
        tbody.append(tr);
      }
      this.table = el("table", { class: "wb-compare" },
        el("caption", {}, `Getting the next ${this.count} updates, four ways`), el("thead", {}, head), tbody);
      this.body.append(el("div", { class: "wb-scroll-x" }, this.table),
        el("p", { class: "wb-muted wb-small" },
          "Latency: from the moment an update is sent until the receiving side sees it. ",
          "Requests / connections: what the receiving side had to open. Bytes: response bodies and frames received, headers not counted."));
      this.setCommand(curlFor({ url: endpointUrl("/sse/news"), headers: { Accept: "text/event-stream" }, stream: true }));
      whenVisible(this.root, async () => {
        const err = await probeServer();
        if (err) this.fail(err, () => this.runAll());
      });
    }

    stop() {
      this.cancel = true;
      if (this.abort) this.abort.abort();
    }

    async runAll() {
      this.running = true;
      this.cancel = false;
      this.runBtn.textContent = "Stop";
      this.say("");
      this.setState("connecting");
      const runId = Math.random().toString(36).slice(2, 8);
      let failures = 0;
      for (const t of TECHNIQUES) {
        if (this.cancel) break;
        const cells = this.rows[t.key];
        for (const k of ["latency", "requests", "bytes"]) { cells[k].textContent = "…"; delete cells[k].dataset.value; }
        cells.status.textContent = "running";
        this.abort = new AbortController();
        const m = { latencies: [], requests: 0, connections: 0, bytes: 0, done: 0 };
        const progress = () => { cells.status.textContent = `${m.done}/${this.count} updates`; };
        try {
          await this[`run_${t.key}`]({ runId, m, progress, signal: this.abort.signal });
          if (m.done < this.count) throw new DemoError("timeout", `only ${m.done} of ${this.count} updates arrived in time`);
          this.setState("connected");
          this.fillRow(cells, m, "done");
        } catch (err) {
          if (err && err.reason === "offline") {
            this.fail(err, () => this.runAll());
            cells.status.textContent = "server offline";
            break;
          }
          failures += 1;
          this.fillRow(cells, m, `failed: ${err && err.message ? err.message : err}`);
          cells.status.classList.add("wb-bad");
        }
      }
      this.running = false;
      this.runBtn.textContent = "Run comparison";
      if (this.state === "connecting") this.setState(failures ? "error" : "connected");
      if (!failures && !this.cancel && this.state === "connected") {
        this.say("Done. Polling pays in latency and requests; the push techniques keep one connection open and deliver at once.", "ok");
      }
    }

    fillRow(cells, m, status) {
      const med = median(m.latencies);
      cells.latency.textContent = Number.isNaN(med) ? "—" : formatMs(med);
      if (!Number.isNaN(med)) cells.latency.dataset.value = String(Math.round(med));
      const reqs = m.requests + m.connections;
      cells.requests.textContent = m.connections ? `${m.connections} connection${m.connections === 1 ? "" : "s"}` : `${m.requests} request${m.requests === 1 ? "" : "s"}`;
      cells.requests.dataset.value = String(reqs);
      cells.bytes.textContent = formatBytes(m.bytes);
      cells.bytes.dataset.value = String(m.bytes);
      cells.status.classList.remove("wb-bad");
      cells.status.textContent = status;
    }

    api(path, params) {
      return endpointUrl(path, { ...params, delay_ms: this.delay || undefined });
    }

    /**
     * Send `count` updates ~300 ms apart with `fire(k)`. A refused update (the
     * server limits writes per minute) or a network failure calls `onError`.
     */
    async trigger(fire, signal, onError) {
      for (let k = 1; k <= this.count && !signal.aborted; k++) {
        Promise.resolve(fire(k)).then((rec) => {
          if (rec && rec.status >= 400) onError(new DemoError("http", updateRefused(rec)));
        }, (err) => onError(err));
        await sleep(300);
      }
    }

    async run_ajax({ runId, m, progress, signal }) {
      const base = await exchange({ url: this.api("/api/posts", { per_page: 1 }), signal });
      const startId = base.json && base.json.items && base.json.items[0] ? base.json.items[0].id : 0;
      const sent = [];
      const seen = new Set();
      let finished = false;
      const poller = (async () => {
        while (!finished && !signal.aborted) {
          const rec = await exchange({ url: this.api("/api/posts", { per_page: this.count + 5 }), signal });
          m.requests += 1;
          m.bytes += rec.bytes;
          const now = performance.now();
          for (const p of (rec.json && rec.json.items) || []) {
            const match = /^Update (\d+) via Ajax · run (\w+)$/.exec(p.title || "");
            if (!match || match[2] !== runId || seen.has(p.id) || p.id <= startId) continue;
            seen.add(p.id);
            m.latencies.push(now - sent[Number(match[1])]);
            m.done += 1;
            progress();
          }
          if (m.done >= this.count) break;
          await sleep(1000);
        }
      })();
      let failed = null;
      await this.trigger((k) => {
        sent[k] = performance.now();
        const body = JSON.stringify({ author: "compare", title: `Update ${k} via Ajax · run ${runId}`, body: "Posted by the comparison demo." });
        return exchange({ method: "POST", url: this.api("/api/posts"), body, signal });
      }, signal, (err) => { failed = failed || err; });
      await Promise.race([poller, sleep(15000 + this.delay * 4), waitFor(() => failed, 16000 + this.delay * 4, 100)]);
      finished = true;
      if (failed && m.done < this.count) throw failed;
    }

    run_websocket({ runId, m, progress, signal }) {
      return new Promise((resolve, reject) => {
        const room = `compare-${runId}`;
        const recv = new WebSocket(wsUrl("/ws/chat", { room, name: "receiver" }));
        let send;
        const sent = [];
        const finish = (err) => {
          clearTimeout(timer);
          for (const s of [recv, send]) if (s && s.readyState <= 1) s.close(1000);
          if (err) reject(err);
          else resolve();
        };
        const timer = setTimeout(() => finish(), 15000);
        signal.addEventListener("abort", () => finish(new DemoError("aborted", "stopped")));
        recv.addEventListener("error", async () => finish(await diagnose(recv.url)));
        recv.addEventListener("message", (e) => {
          m.bytes += byteLength(e.data);
          let msg;
          try { msg = JSON.parse(e.data); } catch { return; }
          const match = msg.type === "message" && /^update #(\d+)$/.exec(msg.text || "");
          if (!match || !sent[Number(match[1])]) return;
          m.latencies.push(performance.now() - sent[Number(match[1])]);
          m.done += 1;
          progress();
          if (m.done >= this.count) finish();
        });
        recv.addEventListener("open", () => {
          m.connections = 1;
          send = new WebSocket(wsUrl("/ws/chat", { room, name: "sender" }));
          send.addEventListener("open", () => {
            this.trigger((k) => {
              sent[k] = performance.now();
              send.send(JSON.stringify({ type: "message", text: `update #${k}` }));
            }, signal, finish);
          });
          send.addEventListener("close", (e) => {
            if (m.done < this.count && e.code !== 1000) finish(new DemoError("protocol", `the sending socket closed: ${closeReason(e.code)}`));
          });
        });
      });
    }

    async run_sse({ runId, m, progress, signal }) {
      const ctl = new AbortController();
      signal.addEventListener("abort", () => ctl.abort());
      let res;
      try {
        res = await fetch(endpointUrl("/sse/news"), { headers: { Accept: "text/event-stream" }, signal: ctl.signal, cache: "no-store" });
      } catch {
        throw await diagnose(endpointUrl("/sse/news"));
      }
      m.connections = 1;
      const sent = [];
      const reader = res.body.getReader();
      const decoder = new TextDecoder();
      let buf = "";
      let failed = null;
      const timer = setTimeout(() => ctl.abort(), 15000 + this.delay * 2);
      const triggers = this.trigger((k) => {
        sent[k] = performance.now();
        return exchange({ method: "POST", url: this.api("/api/notify"), body: JSON.stringify({ title: `Update ${k} via SSE · run ${runId}`, body: "Published by the comparison demo." }), signal });
      }, signal, (err) => { failed = failed || err; ctl.abort(); });
      try {
        while (m.done < this.count) {
          const { value, done } = await reader.read();
          if (done) break;
          m.bytes += value.byteLength;
          buf += decoder.decode(value, { stream: true });
          let cut;
          while ((cut = buf.search(/\r?\n\r?\n/)) >= 0) {
            const block = buf.slice(0, cut);
            buf = buf.slice(cut).replace(/^\r?\n\r?\n/, "");
            const data = block.split(/\r?\n/).filter((l) => l.startsWith("data:")).map((l) => l.slice(5).trimStart()).join("\n");
            const match = /Update (\d+) via SSE · run (\w+)/.exec(data);
            if (!match || match[2] !== runId || !sent[Number(match[1])]) continue;
            m.latencies.push(performance.now() - sent[Number(match[1])]);
            m.done += 1;
            progress();
          }
        }
      } catch (err) {
        if (signal.aborted) throw new DemoError("aborted", "stopped");
      } finally {
        clearTimeout(timer);
        ctl.abort();
        await triggers;
      }
      if (failed && m.done < this.count) throw failed;
    }

    run_graphql({ runId, m, progress, signal }) {
      return new Promise((resolve, reject) => {
        const ws = new WebSocket(wsUrl("/graphql/ws"), "graphql-transport-ws");
        const sent = [];
        const finish = (err) => {
          clearTimeout(timer);
          if (ws.readyState <= 1) ws.close(1000);
          if (err) reject(err);
          else resolve();
        };
        const timer = setTimeout(() => finish(), 15000 + this.delay * 4);
        signal.addEventListener("abort", () => finish(new DemoError("aborted", "stopped")));
        ws.addEventListener("error", async () => finish(await diagnose(ws.url)));
        ws.addEventListener("open", () => {
          m.connections = 1;
          ws.send(JSON.stringify({ type: "connection_init", payload: {} }));
        });
        ws.addEventListener("message", (e) => {
          m.bytes += byteLength(e.data);
          let msg;
          try { msg = JSON.parse(e.data); } catch { return; }
          if (msg.type === "connection_ack") {
            ws.send(JSON.stringify({ id: "1", type: "subscribe", payload: { query: "subscription { postAdded { id title } }" } }));
            // Give the server a moment to register the subscription before the first update.
            setTimeout(() => this.trigger(async (k) => {
              sent[k] = performance.now();
              const query = "mutation($t: String!) { addPost(author: \"compare\", title: $t, body: \"Added by the comparison demo.\", tags: []) { id } }";
              const rec = await exchange({ method: "POST", url: this.api("/graphql"), body: JSON.stringify({ query, variables: { t: `Update ${k} via GraphQL · run ${runId}` } }), signal });
              const errors = rec.json && rec.json.errors;
              if (errors && errors.length) throw new DemoError("http", `addPost failed: ${errors.map((e) => e.message).join("; ")}`);
              return rec;
            }, signal, finish), 150);
          } else if (msg.type === "ping") {
            ws.send(JSON.stringify({ type: "pong" }));
          } else if (msg.type === "next") {
            const post = msg.payload && msg.payload.data && msg.payload.data.postAdded;
            const match = post && /^Update (\d+) via GraphQL · run (\w+)$/.exec(post.title || "");
            if (!match || match[2] !== runId || !sent[Number(match[1])]) return;
            m.latencies.push(performance.now() - sent[Number(match[1])]);
            m.done += 1;
            progress();
            if (m.done >= this.count) finish();
          } else if (msg.type === "error") {
            finish(new DemoError("protocol", (msg.payload || []).map((x) => x.message).join("; ") || "subscription error"));
          }
        });
      });
    }
  }

  // ─────────────────────────── runnable snippets ───────────────────────────

  const JS_KEYWORDS = new Set(("await async break case catch class const continue debugger default delete do else export " +
    "extends finally for function if import in instanceof let new of return static super switch this throw try typeof var " +
    "void while with yield true false null undefined").split(" "));
  const JS_GLOBALS = new Set("EXAMPLES console fetch WebSocket EventSource JSON Promise Math Date Object Array String Number Error setTimeout setInterval clearTimeout clearInterval".split(" "));

  /** A tiny JavaScript highlighter for the editor overlay: returns HTML. */
  function highlightJs(code) {
    const esc = (s) => s.replace(/&/g, "&amp;").replace(/</g, "&lt;").replace(/>/g, "&gt;");
    const re = /(\/\/[^\n]*|\/\*[\s\S]*?(?:\*\/|$))|("(?:\\.|[^"\\\n])*"?|'(?:\\.|[^'\\\n])*'?|`(?:\\[\s\S]|[^`\\])*`?)|(\b\d+(?:\.\d+)?\b)|([A-Za-z_$][\w$]*)/g;
    let out = "";
    let last = 0;
    let m;
    while ((m = re.exec(code))) {
      out += esc(code.slice(last, m.index));
      const [tok, comment, str, num, word] = m;
      let cls = "";
      if (comment) cls = "c";
      else if (str) cls = "s";
      else if (num) cls = "n";
      else if (word && JS_KEYWORDS.has(word)) cls = "k";
      else if (word && JS_GLOBALS.has(word)) cls = "g";
      else if (word && code[re.lastIndex] === "(") cls = "f";
      out += cls ? `<span class="wb-t${cls}">${esc(tok)}</span>` : esc(tok);
      last = re.lastIndex;
    }
    return out + esc(code.slice(last)) + "\n";
  }

  const AsyncFunction = Object.getPrototypeOf(async () => {}).constructor;

  /** The snippet whose callbacks most recently ran; unhandled errors go to its console. */
  let activeRun = null;

  window.addEventListener("unhandledrejection", (e) => {
    if (!activeRun || !activeRun.running) return;
    activeRun.print("error", [`Unhandled promise rejection: ${describeError(e.reason)}`]);
    e.preventDefault();
  });
  window.addEventListener("error", (e) => {
    if (!activeRun || !activeRun.running) return;
    activeRun.print("error", [`Uncaught ${describeError(e.error || e.message)}`]);
  });

  function describeError(err) {
    if (err instanceof Error) return `${err.name}: ${err.message}`;
    return formatValue(err);
  }

  function formatValue(v, depth = 0) {
    if (typeof v === "string") return depth ? JSON.stringify(v) : v;
    if (v instanceof Error) return `${v.name}: ${v.message}`;
    if (typeof Response !== "undefined" && v instanceof Response) return `Response { status: ${v.status}, url: ${JSON.stringify(v.url)} }`;
    if (typeof v === "function") return `ƒ ${v.name || "anonymous"}()`;
    if (typeof v === "object" && v !== null) {
      try {
        const json = JSON.stringify(v, null, 2);
        if (json !== undefined && json !== "{}") return json;
      } catch {
        // cyclic: fall through
      }
      return Object.prototype.toString.call(v);
    }
    return String(v);
  }

  class RunnableSnippet {
    constructor(root) {
      this.root = root;
      const ta = root.querySelector("textarea.wb-run-code");
      this.original = ta ? ta.value : (root.querySelector("code") || root).textContent;
      this.resources = new Set();
      this.timers = new Set();
      this.running = false;
      this.build(ta);
    }

    build(ta) {
      const root = this.root;
      root.classList.add("wb-ready");
      const staticPre = root.querySelector("pre");
      if (staticPre) staticPre.hidden = true;
      if (ta) ta.remove();

      this.editor = el("textarea", {
        class: "wb-editor-input", spellcheck: "false", autocapitalize: "off", autocomplete: "off",
        "aria-label": "JavaScript snippet (Tab indents; press Escape then Tab to leave the editor)",
      });
      this.editor.value = this.original;
      this.hl = el("pre", { class: "wb-editor-hl", "aria-hidden": "true" }, el("code", {}));
      const editorWrap = el("div", { class: "wb-editor" }, this.hl, this.editor);
      this.editor.addEventListener("input", () => this.paint());
      this.editor.addEventListener("scroll", () => { this.hl.scrollTop = this.editor.scrollTop; this.hl.scrollLeft = this.editor.scrollLeft; });
      this.editor.addEventListener("keydown", (e) => this.keydown(e));

      this.runBtn = el("button", { type: "button", class: "wb-btn wb-btn-primary", onclick: () => this.run() }, "Run");
      this.stopBtn = el("button", { type: "button", class: "wb-btn", onclick: () => this.stop("Stopped."), disabled: true }, "Stop");
      this.resetBtn = el("button", { type: "button", class: "wb-btn wb-btn-quiet", onclick: () => this.reset() }, "Reset");
      this.status = el("span", { class: "wb-run-status wb-muted wb-small", "aria-live": "polite" });
      const bar = el("div", { class: "wb-toolbar", role: "group", "aria-label": "Snippet controls" },
        this.runBtn, this.stopBtn, this.resetBtn, this.status,
        el("span", { class: "wb-run-hint wb-muted wb-small" }, "Ctrl+Enter runs · ", el("code", {}, "EXAMPLES"), ` = ${EXAMPLES || "(none)"}`));
      this.output = el("div", { class: "wb-console", role: "log", "aria-label": "Snippet output", "aria-live": "polite", tabindex: "0" });
      this.output.append(el("div", { class: "wb-console-empty wb-muted" }, "Output appears here."));
      root.append(editorWrap, bar, this.output);
      this.paint();
    }

    paint() {
      this.hl.firstChild.innerHTML = highlightJs(this.editor.value);
      this.editor.style.height = "auto";
      this.editor.style.height = `${Math.max(this.editor.scrollHeight, 60)}px`;
    }

    keydown(e) {
      if (e.key === "Enter" && (e.ctrlKey || e.metaKey)) {
        e.preventDefault();
        this.run();
        return;
      }
      if (e.key === "Escape") {
        this.tabEscapes = true;
        return;
      }
      if (e.key === "Tab" && !this.tabEscapes && !e.ctrlKey && !e.altKey && !e.metaKey) {
        e.preventDefault();
        const { selectionStart: s, selectionEnd: t, value } = this.editor;
        if (e.shiftKey) {
          const lineStart = value.lastIndexOf("\n", s - 1) + 1;
          if (value.startsWith("  ", lineStart)) {
            this.editor.setRangeText("", lineStart, lineStart + 2, "end");
          }
        } else {
          this.editor.setRangeText("  ", s, t, "end");
        }
        this.paint();
        return;
      }
      this.tabEscapes = false;
    }

    reset() {
      this.stop();
      this.editor.value = this.original;
      this.paint();
      this.output.replaceChildren(el("div", { class: "wb-console-empty wb-muted" }, "Output appears here."));
      this.status.textContent = "";
    }

    print(level, args) {
      const empty = this.output.querySelector(".wb-console-empty");
      if (empty) empty.remove();
      const text = args.map((a) => formatValue(a)).join(" ");
      const line = el("div", { class: `wb-line wb-line-${level}` },
        el("span", { class: "wb-line-time" }, clock().slice(3)), el("span", { class: "wb-line-text" }, text));
      const stick = this.output.scrollHeight - this.output.scrollTop - this.output.clientHeight < 30;
      this.output.append(line);
      while (this.output.children.length > 500) this.output.firstElementChild.remove();
      if (stick) this.output.scrollTop = this.output.scrollHeight;
    }

    /** The globals a snippet sees: console, EXAMPLES, and tracked network/timer APIs. */
    sandbox() {
      const self = this;
      const wrap = (level) => (...args) => {
        activeRun = self;
        self.print(level, args);
        console[level === "log" ? "log" : level](...args);
      };
      const sconsole = { log: wrap("log"), info: wrap("info"), warn: wrap("warn"), error: wrap("error"), debug: wrap("log"), table: wrap("log"), dir: wrap("log") };
      const track = (r) => { self.resources.add(r); return r; };

      const TrackedWebSocket = class extends WebSocket {
        constructor(url, protocols) {
          super(url, protocols);
          track(this);
          this.addEventListener("error", async () => {
            if (!self.running) return;
            const err = await diagnose(String(url));
            self.print("warn", [`WebSocket ${url}: ${err.message}`]);
          });
        }
      };
      const TrackedEventSource = class extends EventSource {
        constructor(url, init) {
          super(url, init);
          track(this);
        }
      };
      const trackedFetch = async (input, init = {}) => {
        const ctl = new AbortController();
        const entry = { close: () => ctl.abort() };
        self.resources.add(entry);
        if (init.signal) init.signal.addEventListener("abort", () => ctl.abort());
        try {
          return await fetch(input, { ...init, signal: ctl.signal });
        } catch (err) {
          if (self.running && err.name === "TypeError") {
            const why = await diagnose(typeof input === "string" ? input : input.url);
            self.print("warn", [why.message]);
          }
          throw err;
        } finally {
          self.resources.delete(entry);
        }
      };
      const timers = {
        setTimeout: (fn, ms, ...a) => { const id = setTimeout(() => { self.timers.delete(id); activeRun = self; fn(...a); }, ms); self.timers.add(id); return id; },
        setInterval: (fn, ms, ...a) => { const id = setInterval(() => { activeRun = self; fn(...a); }, ms); self.timers.add(id); return id; },
        clearTimeout: (id) => { clearTimeout(id); self.timers.delete(id); },
        clearInterval: (id) => { clearInterval(id); self.timers.delete(id); },
      };
      return { console: sconsole, EXAMPLES, fetch: trackedFetch, WebSocket: TrackedWebSocket, EventSource: TrackedEventSource, ...timers };
    }

    async run() {
      this.stop();
      this.output.replaceChildren();
      const globals = this.sandbox();
      const names = Object.keys(globals);
      let fn;
      try {
        fn = new AsyncFunction(...names, this.editor.value);
      } catch (err) {
        this.print("error", [`${err.name}: ${err.message}`]);
        this.status.textContent = "Syntax error";
        return;
      }
      this.running = true;
      activeRun = this;
      this.stopBtn.disabled = false;
      this.status.textContent = "Running…";
      this.root.dataset.running = "true";
      const started = performance.now();
      try {
        await fn(...names.map((n) => globals[n]));
        if (!this.running) return;
        const open = [...this.resources].filter((r) => r.readyState === undefined || r.readyState < 2).length;
        this.status.textContent = open || this.timers.size
          ? `Finished in ${formatMs(performance.now() - started)} · still listening (Stop closes ${open} connection${open === 1 ? "" : "s"})`
          : `Finished in ${formatMs(performance.now() - started)}`;
        if (!open && !this.timers.size) this.finish();
      } catch (err) {
        if (!this.running) return;
        this.print("error", [`Uncaught ${describeError(err)}`]);
        this.status.textContent = "Failed";
        this.finish();
      }
    }

    finish() {
      this.running = false;
      this.stopBtn.disabled = true;
      delete this.root.dataset.running;
    }

    /** Close every socket and stream the snippet opened, abort fetches, clear timers. */
    stop(message) {
      const wasRunning = this.running;
      for (const r of this.resources) {
        try {
          r.close();
        } catch {
          // already closed
        }
      }
      this.resources.clear();
      for (const id of this.timers) { clearTimeout(id); clearInterval(id); }
      this.timers.clear();
      this.finish();
      if (message && wasRunning) {
        this.print("info", [message]);
        this.status.textContent = "Stopped";
      }
    }
  }

  // ───────────────────────────────── boot ─────────────────────────────────

  const KINDS = { ajax: AjaxDemo, websocket: WebSocketDemo, sse: SseDemo, graphql: GraphqlDemo, compare: CompareDemo };

  function boot() {
    for (const root of document.querySelectorAll("figure.wb-demo[data-demo]:not(.wb-ready)")) {
      const Kind = KINDS[root.dataset.demo];
      if (!Kind) continue;
      if (!EXAMPLES) {
        // Opened from a file: there is no server to reach; say so and do nothing else.
        new Widget(root).fail(new DemoError("offline", offlineMessage()));
        continue;
      }
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
})();
