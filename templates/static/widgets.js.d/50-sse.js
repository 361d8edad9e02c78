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
      t("Waiting for events. The server pushes canned news every 15 s — or press Publish.")));
    this.stats = el("p", { class: "wb-muted wb-small wb-stats" });
    const title = field("Title", el("input", { autocomplete: "off", value: t("Breaking: SSE works"), maxlength: "200" }));
    const body = field("Body", el("input", { autocomplete: "off", value: t("Pushed by the server over a plain HTTP response."), maxlength: "500" }));
    this.pubTitle = title.input;
    this.pubBody = body.input;
    this.pubLog = logBox("Publish results", "wb-publog", 20);
    const form = el("form", { class: "wb-form", "aria-label": t("Publish a notification") },
      el("h4", { class: "wb-h" }, t("Publish"), " · POST ", el("code", {}, this.notifyPath)),
      title.wrap, body.wrap,
      el("div", { class: "wb-actions" }, el("button", { type: "submit", class: "wb-btn wb-btn-primary" }, t("Publish"))),
      this.pubLog);
    form.addEventListener("submit", (e) => { e.preventDefault(); this.publish(); });

    this.body.classList.add("wb-grid-2");
    this.body.append(
      el("section", { class: "wb-col" }, el("h4", { class: "wb-h" }, t("Live ticker"), " · GET ", el("code", {}, this.endpoint)), this.stats, this.ticker),
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
    this.stats.textContent = t("last event id: {id} · received: {n} · reconnects: {r}", { id: this.lastId ?? "—", n: this.received, r: this.reconnects });
  }

  connect(resumeFrom) {
    clearTimeout(this.dropTimer);
    this.dropTimer = null;
    this.resumeBtn.hidden = true;
    const params = resumeFrom !== undefined && resumeFrom !== null ? { lastEventId: resumeFrom } : {};
    const url = endpointUrl(this.endpoint, params);
    this.setState("connecting");
    this.connectBtn.textContent = t("Disconnect");
    const es = net.events(url);
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
        this.say(t("Connection lost. The browser retries on its own (the server asked for retry: 2000 ms) and will send Last-Event-ID: {id}.", { id: this.lastId ?? t("(none yet)") }), "warn");
        everOpen = false;
        if (++this.failedTries >= 3) {
          es.close();
          this.es = null;
          this.connectBtn.textContent = t("Connect");
          this.fail(await diagnose(url), () => this.connect(this.lastId));
        }
        return;
      }
      es.close();
      this.es = null;
      this.connectBtn.textContent = t("Connect");
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
    const arrived = pending ? t(" · arrived {ms} after POST", { ms: formatMs(performance.now() - pending) }) : "";
    this.ticker.add(el("li", { class: `wb-event wb-event-${e.type}${replayed ? " wb-replayed" : ""}`, "data-id": id },
      el("span", { class: "wb-event-id" }, `#${id}`),
      el("span", { class: `wb-tag wb-tag-${e.type}` }, e.type),
      el("span", { class: "wb-event-title" }, data.title || ""),
      data.body ? el("span", { class: "wb-event-body" }, data.body) : null,
      el("span", { class: "wb-event-meta" }, `${clock().slice(0, 8)}${replayed ? t(" · replayed after reconnect") : ""}${arrived}`)));
    if (gap) this.say(t(gap === 1 ? "Note: {n} event id skipped between #{prev} and #{id}." : "Note: {n} event ids skipped between #{prev} and #{id}.", { n: gap, prev, id }), "warn");
    this.publishedWhileDown.delete(id);
    if (replayed && mark) {
      const n = t(mark.count === 1 ? "{n} missed event" : "{n} missed events", { n: mark.count });
      const vars = { from: mark.from ?? t("(none)"), n };
      this.say(mark.gap
        ? t("Resumed with Last-Event-ID: {from} — {n} delivered, but some ids are missing (the server keeps only recent events).", vars)
        : t("Resumed with Last-Event-ID: {from} — {n} delivered, none lost.", vars), mark.gap ? "warn" : "ok");
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
    this.connectBtn.textContent = t("Connect");
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
      this.say(t("Connection dropped. Publish something now — you'll miss it live. Reconnecting in {s} s with Last-Event-ID: {id}…", { s: left, id: this.lastId ?? t("(none)") }), "warn");
      if (left-- <= 0) this.resume();
      else this.dropTimer = setTimeout(tick, 1000);
    };
    tick();
  }

  resume() {
    this.reconnects += 1;
    this.updateStats();
    this.say(t("Reconnecting with Last-Event-ID: {id} (sent as ?lastEventId=, because a new EventSource cannot set headers).", { id: this.lastId ?? t("(none)") }), "info");
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
      t(down ? " · stream is down: this one arrives on reconnect" : already ? " · the push beat the POST response" : " · watch it arrive in the ticker")));
  }
}

function parseTs(ts) {
  if (ts === undefined || ts === null || ts === "") return 0;
  if (typeof ts === "number") return ts < 1e12 ? ts * 1000 : ts;
  const t = Date.parse(ts);
  return Number.isNaN(t) ? 0 : t;
}
