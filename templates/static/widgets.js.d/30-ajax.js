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
      " " + t("Poll every {s} s", { s: this.pollMs / 1000 }));
    this.toolbar.append(this.refreshBtn, pollLabel, this.latencyKnob());

    // Form: submit a post.
    const author = field("Author", el("input", { name: "author", value: "reader", autocomplete: "off", required: true }));
    const title = field("Title", el("input", { name: "title", autocomplete: "off", required: true, placeholder: t("Hello, Ajax") }));
    const body = field("Body", el("textarea", { name: "body", rows: "2", required: true, placeholder: t("Sent with fetch() as JSON") }));
    const tags = field("Tags", el("input", { name: "tags", autocomplete: "off", placeholder: "ajax, demo" }), "Comma separated, optional");
    this.inputs = { author: author.input, title: title.input, body: body.input, tags: tags.input };
    this.form = el("form", { class: "wb-form", novalidate: true, "aria-label": t("New post") },
      el("h4", { class: "wb-h" }, t("New post"), " · POST"),
      author.wrap, title.wrap, body.wrap, tags.wrap,
      el("div", { class: "wb-actions" }, el("button", { type: "submit", class: "wb-btn wb-btn-primary" }, t("Submit post"))));
    this.form.addEventListener("submit", (e) => { e.preventDefault(); this.submit(); });

    // Search + list.
    this.search = el("input", { type: "search", name: "q", autocomplete: "off", placeholder: t("title or author") });
    const searchField = field("Search posts", this.search);
    const searchForm = el("form", { class: "wb-search", role: "search" }, searchField.wrap,
      el("button", { type: "submit", class: "wb-btn" }, t("Search")));
    searchForm.addEventListener("submit", (e) => { e.preventDefault(); this.list(); });
    this.listEl = el("ol", { class: "wb-posts", "aria-label": t("Posts"), "aria-live": "polite" });
    this.listMeta = el("p", { class: "wb-muted wb-small" });
    const listCol = el("section", { class: "wb-col" },
      el("h4", { class: "wb-h" }, t("Posts"), " · GET"), searchForm, this.listMeta, this.listEl);

    // Inspector: request timeline + details of the selected exchange.
    this.timeline = logBox("Requests", "wb-timeline", 40);
    this.detail = el("div", { class: "wb-inspect" }, el("p", { class: "wb-muted" }, t("Requests appear here as they happen.")));
    this.counter = el("span", { class: "wb-muted wb-small" });
    const inspector = el("section", { class: "wb-col wb-inspector", "aria-label": t("Request inspector") },
      el("h4", { class: "wb-h" }, t("Inspector"), " ", this.counter), this.timeline, this.detail);

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
    this.counter.textContent = "· " + t(this.requestCount === 1 ? "{n} request" : "{n} requests", { n: this.requestCount });
    const pending = el("li", { class: "wb-pending" }, `${opts.method || "GET"} ${new URL(opts.url).pathname} …`);
    this.timeline.add(pending);
    try {
      const rec = await exchange({ ...opts, timeoutMs: 10000 + this.delay });
      pending.replaceWith(this.timelineItem(rec));
      this.show(rec);
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
      "aria-label": t("Inspect {request}", { request: `${rec.method} ${u.pathname}${u.search}: ${rec.status}, ${formatMs(rec.ms)}` }),
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
        el("span", { title: t("time from sending the request to the last byte of the response") }, formatMs(rec.ms)),
        el("span", { title: t("response body size") }, formatBytes(rec.bytes)),
        this.delay ? el("span", { class: "wb-muted" }, t("(server delay {ms} ms)", { ms: this.delay })) : null),
      el("details", {}, el("summary", {}, t("Request headers")),
        kv(Object.entries({ Origin: location.origin, ...rec.reqHeaders }))),
      rec.reqBody ? el("details", { open: true }, el("summary", {}, t("Request body")), el("pre", {}, prettyJson(rec.reqBody))) : null,
      el("details", {}, el("summary", {}, t("Response headers")), kv(rec.resHeaders),
        crossOrigin ? el("p", { class: "wb-muted wb-small" }, t("Cross-origin: the browser only shows headers the server exposes via CORS.")) : null),
      el("details", { open: true }, el("summary", {}, t("Response body")), el("pre", { class: "wb-json", tabindex: "0" }, truncate(prettyJson(rec.text), 3000))),
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
    const total = page.total ?? items.length;
    const q = this.search.value.trim();
    this.listMeta.textContent = t(total === 1 ? "{n} post on the server" : "{n} posts on the server", { n: total }) +
      (q ? t(" matching “{q}”", { q }) : "") + t(" · showing {n}", { n: items.length });
    this.listEl.replaceChildren(...items.map((p) => el("li", {
      class: fresh.includes(p) || p.id === this.highlight ? "wb-post wb-new" : "wb-post",
      "data-id": p.id,
    },
    el("span", { class: "wb-post-title" }, p.title),
    el("span", { class: "wb-post-meta" }, `#${p.id} · ${p.author && p.author.name ? p.author.name : p.author} · ${shortTime(p.created_at || p.createdAt)}`))));
    if (!items.length) this.listEl.append(el("li", { class: "wb-muted" }, t("No posts match.")));
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
      this.say(`${httpProblem(rec)} ${t("The server checks input too — fix the marked fields.")}`, "warn");
      return;
    }
    if (rec.status >= 400) {
      this.say(httpProblem(rec), "error");
      return;
    }
    this.say(t("Created post #{id} ({status}). The list below is fetched again to show it.", { id: rec.json && rec.json.id, status: rec.status }), "ok");
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
      this.say(t("Polling: the browser asks again every {s} s, whether or not anything changed. Watch the inspector fill up.", { s: this.pollMs / 1000 }), "info");
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
