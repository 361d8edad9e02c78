// ──────────────────────────────── compare ────────────────────────────────

const TECHNIQUES = [
  { key: "ajax", name: "Ajax polling", how: "POST a post, GET the list every 1 s until it shows up" },
  { key: "websocket", name: "WebSocket", how: "one socket sends a chat message, another receives it" },
  { key: "sse", name: "SSE", how: "POST /api/notify, the event stream pushes it" },
  { key: "graphql", name: "GraphQL subscription", how: "addPost mutation, postAdded over graphql-transport-ws" },
];

function updateRefused(rec) {
  if (rec.status === 429) return t("the server limits writes per minute (429 Too Many Requests) — wait a minute and run again");
  return httpProblem(rec);
}

class CompareDemo extends Widget {
  build() {
    super.build();
    this.count = Math.max(1, Math.min(20, Number(this.config.count) || 5));
    this.runBtn = this.button("Run comparison", () => (this.running ? this.stop() : this.runAll()), "wb-btn-primary");
    this.toolbar.append(this.runBtn, this.latencyKnob());
    const head = el("tr", {}, ["Technique", "Median latency", "Requests / connections", "Bytes received", "Status"]
      .map((h) => el("th", { scope: "col" }, t(h))));
    this.rows = {};
    const tbody = el("tbody", {});
    for (const tech of TECHNIQUES) {
      const cells = {
        latency: el("td", { class: "wb-num", "data-metric": "latency", "data-label": t("Median latency") }, "—"),
        requests: el("td", { class: "wb-num", "data-metric": "requests", "data-label": t("Requests / conn.") }, "—"),
        bytes: el("td", { class: "wb-num", "data-metric": "bytes", "data-label": t("Bytes received") }, "—"),
        status: el("td", { class: "wb-muted", "data-metric": "status", "data-label": t("Status") }, t("not run")),
      };
      const tr = el("tr", { "data-technique": tech.key },
        el("th", { scope: "row" }, el("span", { class: "wb-tech" }, t(tech.name)), el("small", { class: "wb-muted wb-block" }, t(tech.how))),
        cells.latency, cells.requests, cells.bytes, cells.status);
      this.rows[tech.key] = cells;
      tbody.append(tr);
    }
    this.table = el("table", { class: "wb-compare" },
      el("caption", {}, t("Getting the next {n} updates, four ways", { n: this.count })), el("thead", {}, head), tbody);
    this.body.append(el("div", { class: "wb-scroll-x" }, this.table),
      el("p", { class: "wb-muted wb-small" },
        t("Latency: from the moment an update is sent until the receiving side sees it. ") +
        t("Requests / connections: what the receiving side had to open. Bytes: response bodies and frames received, headers not counted.")));
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
    this.runBtn.textContent = t("Stop");
    this.say("");
    this.setState("connecting");
    const runId = Math.random().toString(36).slice(2, 8);
    let failures = 0;
    for (const tech of TECHNIQUES) {
      if (this.cancel) break;
      const cells = this.rows[tech.key];
      for (const k of ["latency", "requests", "bytes"]) { cells[k].textContent = "…"; delete cells[k].dataset.value; }
      cells.status.textContent = t("running");
      this.abort = new AbortController();
      const m = { latencies: [], requests: 0, connections: 0, bytes: 0, done: 0 };
      const progress = () => { cells.status.textContent = t("{done}/{n} updates", { done: m.done, n: this.count }); };
      try {
        await this[`run_${tech.key}`]({ runId, m, progress, signal: this.abort.signal });
        if (m.done < this.count) throw new DemoError("timeout", t("only {done} of {n} updates arrived in time", { done: m.done, n: this.count }));
        this.setState("connected");
        this.fillRow(cells, m, t("done"));
      } catch (err) {
        if (err && err.reason === "offline") {
          this.fail(err, () => this.runAll());
          cells.status.textContent = t("server offline");
          break;
        }
        failures += 1;
        this.fillRow(cells, m, t("failed: {error}", { error: err && err.message ? err.message : err }));
        cells.status.classList.add("wb-bad");
      }
    }
    this.running = false;
    this.runBtn.textContent = t("Run comparison");
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
    cells.requests.textContent = m.connections
      ? t(m.connections === 1 ? "{n} connection" : "{n} connections", { n: m.connections })
      : t(m.requests === 1 ? "{n} request" : "{n} requests", { n: m.requests });
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
      const recv = net.socket(wsUrl("/ws/chat", { room, name: "receiver" }));
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
        send = net.socket(wsUrl("/ws/chat", { room, name: "sender" }));
        send.addEventListener("open", () => {
          this.trigger((k) => {
            sent[k] = performance.now();
            send.send(JSON.stringify({ type: "message", text: `update #${k}` }));
          }, signal, finish);
        });
        send.addEventListener("close", (e) => {
          if (m.done < this.count && e.code !== 1000) finish(new DemoError("protocol", t("the sending socket closed: {why}", { why: closeReason(e.code) })));
        });
      });
    });
  }

  async run_sse({ runId, m, progress, signal }) {
    const ctl = new AbortController();
    signal.addEventListener("abort", () => ctl.abort());
    let res;
    try {
      res = await net.fetch(endpointUrl("/sse/news"), { headers: { Accept: "text/event-stream" }, signal: ctl.signal, cache: "no-store" });
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
      const ws = net.socket(wsUrl("/graphql/ws"), "graphql-transport-ws");
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
            if (errors && errors.length) throw new DemoError("http", t("addPost failed: {errors}", { errors: errors.map((e) => e.message).join("; ") }));
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
          finish(new DemoError("protocol", (msg.payload || []).map((x) => x.message).join("; ") || t("subscription error")));
        }
      });
    });
  }
}
