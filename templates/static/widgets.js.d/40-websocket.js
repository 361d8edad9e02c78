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
      ws = net.socket(this.url());
    } catch (err) {
      this.setState("error");
      this.demo.fail(new DemoError("protocol", t("Could not open a WebSocket: {error}", { error: err.message })));
      return;
    }
    this.ws = ws;
    this.opened = false;
    ws.addEventListener("open", () => {
      this.opened = true;
      if (this.attempt > 0 || this.dropped) this.demo.chatLine(this, "system", t("Reconnected."));
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
        ? new DemoError("protocol", t("The server at {server} refused the WebSocket handshake. " +
          "WebSockets are not subject to CORS, but the server checks the Origin header and does not allow " +
          "this page's origin ({page}).",
        { server: EXAMPLES, page: location.origin }) + " " + allowOriginHint(location.origin))
        : err, () => this.demo.connectAll());
      return;
    }
    if (e.code === 1008 || e.code === 1009) {
      this.demo.say(t("{name}'s connection was closed by the server: {why}", { name: this.name, why: explained }), "warn");
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
  const why = {
    1000: "normal closure",
    1001: "the server is going away",
    1006: "the connection dropped without a close frame (network or server gone)",
    1008: "policy violation — too many messages (rate limit: 20 per 10 s)",
    1009: "message too big (limit 16 KiB)",
    1011: "server error",
    4000: "dropped on purpose by the reader",
  }[code];
  return why ? t(why) : t("code {code}", { code });
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
      el("span", { class: "wb-pill", title: t("Set by the room setting") }, t("room:"), " ", el("code", {}, this.room)));
    // No latency knob here: once the socket is open there is no request to delay.

    this.people = names.slice(0, 4).map((n) => new Participant(this, n));
    const panes = el("div", { class: "wb-panes" });
    for (const p of this.people) panes.append(this.pane(p));
    this.frames = el("table", { class: "wb-frames" },
      el("caption", { class: "wb-sr" }, t("WebSocket frames")),
      el("thead", {}, el("tr", {}, ["Time", "Who", "Dir", "Size", "Frame"].map((h) => el("th", { scope: "col" }, t(h))))));
    this.framesBody = el("tbody", { "aria-live": "off" });
    this.frames.append(this.framesBody);
    this.frameCount = el("span", { class: "wb-muted wb-small" });
    this.body.append(panes,
      el("section", { class: "wb-frames-wrap", "aria-label": t("Frame log") },
        el("h4", { class: "wb-h" }, t("Frame log"), " ", this.frameCount,
          el("span", { class: "wb-muted wb-small" }, t(" · ↑ sent by the browser, ↓ pushed by the server"))),
        el("div", { class: "wb-scroll-x wb-frames-scroll", tabindex: "0", role: "region", "aria-label": t("Frame log") }, this.frames)));
    this.frameTotal = 0;
    this.setCommand(this.websocatCommand(), "websocat");
    whenVisible(this.root, () => { if (this.state === "idle") this.connectAll(); });
  }

  pane(p) {
    p.log = logBox(t("{name}'s chat", { name: p.name }), "wb-chat", 100);
    p.dot = el("span", { class: "wb-dot", "data-state": "idle", title: t("idle") });
    p.input = el("input", { type: "text", autocomplete: "off", maxlength: "500", placeholder: t("Say something as {name}", { name: p.name }) });
    const f = field(t("Message as {name}", { name: p.name }), p.input);
    f.wrap.classList.add("wb-grow");
    const form = el("form", { class: "wb-compose" }, f.wrap, el("button", { type: "submit", class: "wb-btn wb-btn-primary" }, t("Send")));
    form.addEventListener("submit", (e) => {
      e.preventDefault();
      const text = p.input.value.trim();
      if (!text) return;
      if (p.send({ type: "message", text })) {
        p.input.value = "";
        this.lastSent = { name: p.name, text };
        this.setCommand(this.websocatCommand(), "websocat");
      } else {
        this.say(t("{name} is not connected yet — press Connect first.", { name: p.name }), "warn");
      }
    });
    p.members = el("span", { class: "wb-muted wb-small" });
    return el("section", { class: "wb-pane", "aria-label": t("{name}'s view", { name: p.name }) },
      el("h4", { class: "wb-h" }, p.dot, ` ${p.name} `, p.members), p.log, form);
  }

  websocatCommand() {
    const who = (this.lastSent && this.lastSent.name) || (this.people && this.people[0].name) || "reader";
    const url = wsUrl(this.endpoint, { room: this.room, name: who });
    const text = (this.lastSent && this.lastSent.text) || "hello";
    return `websocat ${shq(url)}\n# ${t("then type a frame and press Enter:")}\n${JSON.stringify({ type: "message", text })}`;
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
    this.chatLine(p, "system", t("Connection lost — reconnecting in {s} s (attempt {n})…", { s: (wait / 1000).toFixed(0), n: p.attempt }));
  }

  updateState() {
    if (!this.people) return;
    const states = this.people.map((p) => p.state);
    for (const p of this.people) if (p.dot) { p.dot.dataset.state = p.state; p.dot.title = t(STATE_LABEL[p.state] || p.state); }
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
    this.connectBtn.textContent = wanted ? t("Disconnect") : t("Connect");
    this.dropBtn.disabled = !states.includes("connected");
  }

  onMessage(p, msg) {
    switch (msg.type) {
      case "history": {
        const seen = p.seen || (p.seen = new Set());
        const missed = (msg.messages || []).filter((m) => !seen.has(msgKey(m)));
        if (missed.length && p.everConnected) this.chatLine(p, "system", t(missed.length === 1 ? "History: {n} message sent while you were away." : "History: {n} messages sent while you were away.", { n: missed.length }));
        for (const m of missed) this.chatMessage(p, m, !!p.everConnected);
        p.everConnected = true;
        break;
      }
      case "message":
        this.chatMessage(p, msg, false);
        break;
      case "join":
      case "leave":
        this.chatLine(p, "system", t(msg.type === "join" ? "{name} joined" : "{name} left", { name: msg.name }));
        if (Array.isArray(msg.members)) p.members.textContent = "· " + t("{n} in room", { n: msg.members.length });
        else if (typeof msg.members === "number") p.members.textContent = "· " + t("{n} in room", { n: msg.members });
        break;
      case "error":
        this.chatLine(p, "error", t("Server: {message}", { message: msg.message }));
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
      el("span", { class: "wb-msg-from" }, mine ? t("you") : m.from),
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
      el("td", { class: "wb-arrow", "aria-label": dir === "out" ? t("sent") : t("received") }, event ? "•" : arrow),
      el("td", { class: "wb-mono" }, size),
      el("td", { class: "wb-mono wb-frame-data" }, event || truncate(text, 240)));
    this.framesBody.prepend(row);
    while (this.framesBody.children.length > 120) this.framesBody.lastElementChild.remove();
  }
}

const msgKey = (m) => `${m.from}\u0000${m.ts}\u0000${m.text}`;
