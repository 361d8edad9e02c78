// ─────────────────────────── runnable snippets ───────────────────────────

const JS_KEYWORDS = new Set(("await async break case catch class const continue debugger default delete do else export " +
  "extends finally for function if import in instanceof let new of return static super switch this throw try typeof var " +
  "void while with yield true false null undefined").split(" "));
const JS_GLOBALS = new Set("EXAMPLES console fetch WebSocket EventSource JSON Promise Math Date Object Array String Number Error setTimeout setInterval clearTimeout clearInterval".split(" "));

/** A tiny JavaScript highlighter for the editor overlay: returns HTML. */
function highlightJs(code) {
  const re = /(\/\/[^\n]*|\/\*[\s\S]*?(?:\*\/|$))|("(?:\\.|[^"\\\n])*"?|'(?:\\.|[^'\\\n])*'?|`(?:\\[\s\S]|[^`\\])*`?)|(\b\d+(?:\.\d+)?\b)|([A-Za-z_$][\w$]*)/g;
  let out = "";
  let last = 0;
  let m;
  while ((m = re.exec(code))) {
    out += escapeHtml(code.slice(last, m.index));
    const [tok, comment, str, num, word] = m;
    let cls = "";
    if (comment) cls = "c";
    else if (str) cls = "s";
    else if (num) cls = "n";
    else if (word && JS_KEYWORDS.has(word)) cls = "k";
    else if (word && JS_GLOBALS.has(word)) cls = "g";
    else if (word && code[re.lastIndex] === "(") cls = "f";
    out += cls ? `<span class="wb-t${cls}">${escapeHtml(tok)}</span>` : escapeHtml(tok);
    last = re.lastIndex;
  }
  return out + escapeHtml(code.slice(last)) + "\n";
}

const AsyncFunction = Object.getPrototypeOf(async () => {}).constructor;

/** The snippet whose callbacks most recently ran; unhandled errors go to its console. */
let activeRun = null;

window.addEventListener("unhandledrejection", (e) => {
  if (!activeRun || !activeRun.running) return;
  activeRun.print("error", [t("Unhandled promise rejection: {error}", { error: describeError(e.reason) })]);
  e.preventDefault();
});
window.addEventListener("error", (e) => {
  if (!activeRun || !activeRun.running) return;
  activeRun.print("error", [t("Uncaught {error}", { error: describeError(e.error || e.message) })]);
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
      "aria-label": t("JavaScript snippet (Tab indents; press Escape then Tab to leave the editor)"),
    });
    this.editor.value = this.original;
    this.hl = el("pre", { class: "wb-editor-hl", "aria-hidden": "true" }, el("code", {}));
    const editorWrap = el("div", { class: "wb-editor" }, this.hl, this.editor);
    this.editor.addEventListener("input", () => this.paint());
    this.editor.addEventListener("scroll", () => { this.hl.scrollTop = this.editor.scrollTop; this.hl.scrollLeft = this.editor.scrollLeft; });
    this.editor.addEventListener("keydown", (e) => this.keydown(e));

    this.runBtn = el("button", { type: "button", class: "wb-btn wb-btn-primary", onclick: () => this.run() }, t("Run"));
    this.stopBtn = el("button", { type: "button", class: "wb-btn", onclick: () => this.stop(t("Stopped.")), disabled: true }, t("Stop"));
    this.resetBtn = el("button", { type: "button", class: "wb-btn wb-btn-quiet", onclick: () => this.reset() }, t("Reset"));
    this.status = el("span", { class: "wb-run-status wb-muted wb-small", "aria-live": "polite" });
    const bar = el("div", { class: "wb-toolbar", role: "group", "aria-label": t("Snippet controls") },
      this.runBtn, this.stopBtn, this.resetBtn, this.status,
      el("span", { class: "wb-run-hint wb-muted wb-small" }, t("Ctrl+Enter runs"), " · ", el("code", {}, "EXAMPLES"), ` = ${EXAMPLES}`,
      net.kind === "browser" ? ` (${t("runs in your browser")})` : ""));
    root.dataset.backend = net.kind || "server";
    this.output = el("div", { class: "wb-console", role: "log", "aria-label": t("Snippet output"), "aria-live": "polite", tabindex: "0" });
    this.output.append(el("div", { class: "wb-console-empty wb-muted" }, t("Output appears here.")));
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

    // Constructors that return the socket or stream they open (the real one, or
    // the in-browser backend's for EXAMPLES), so `new WebSocket(url)` in a
    // snippet works unchanged either way.
    function TrackedWebSocket(url, protocols) {
      const ws = track(net.socket(url, protocols));
      ws.addEventListener("error", async () => {
        if (!self.running || net.routed(String(url))) return;
        const err = await diagnose(String(url));
        self.print("warn", [`WebSocket ${url}: ${err.message}`]);
      });
      return ws;
    }
    Object.assign(TrackedWebSocket, { CONNECTING: 0, OPEN: 1, CLOSING: 2, CLOSED: 3 });
    function TrackedEventSource(url, init) {
      return track(net.events(url, init));
    }
    Object.assign(TrackedEventSource, { CONNECTING: 0, OPEN: 1, CLOSED: 2 });
    const trackedFetch = async (input, init = {}) => {
      const ctl = new AbortController();
      const entry = { close: () => ctl.abort() };
      self.resources.add(entry);
      if (init.signal) init.signal.addEventListener("abort", () => ctl.abort());
      try {
        return await net.fetch(input, { ...init, signal: ctl.signal });
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
      this.status.textContent = t("Syntax error");
      return;
    }
    this.running = true;
    activeRun = this;
    this.stopBtn.disabled = false;
    this.status.textContent = t("Running…");
    this.root.dataset.running = "true";
    const started = performance.now();
    try {
      await fn(...names.map((n) => globals[n]));
      if (!this.running) return;
      const open = [...this.resources].filter((r) => r.readyState === undefined || r.readyState < 2).length;
      const ms = formatMs(performance.now() - started);
      this.status.textContent = open || this.timers.size
        ? t(open === 1 ? "Finished in {ms} · still listening (Stop closes {n} connection)" : "Finished in {ms} · still listening (Stop closes {n} connections)", { ms, n: open })
        : t("Finished in {ms}", { ms });
      if (!open && !this.timers.size) this.finish();
    } catch (err) {
      if (!this.running) return;
      this.print("error", [t("Uncaught {error}", { error: describeError(err) })]);
      this.status.textContent = t("Failed");
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
      this.status.textContent = t("Stopped");
    }
  }
}
