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

    const boxes = el("fieldset", { class: "wb-fields" }, el("legend", {}, t("Fields to ask for")));
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
      el("p", { class: "wb-muted" }, t("Run the query to compare what GraphQL and REST send for the same posts.")));
    this.body.classList.add("wb-grid-2");
    this.body.append(
      el("section", { class: "wb-col" }, boxes, limit.wrap, queryField.wrap),
      el("section", { class: "wb-col" }, el("h4", { class: "wb-h" }, t("Bytes on the wire")), this.verdict),
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
    const pre = el("pre", { class: "wb-json", tabindex: "0" }, t("Not run yet."));
    const wrap = el("section", { class: `wb-result ${cls}`, "aria-label": t("{name} response", { name }) },
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
    this.setCommand(`${gqlCurl}\n\n# ${t("the same posts over REST:")}\n${curlFor({ url: this.restUrl() })}`);
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
        this.say(t("GraphQL errors: {errors}", { errors: errors.map((e) => e.message).join("; ") }), "warn");
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
    const wire = rec.wireBytes && rec.wireBytes !== rec.bytes ? t(" · {size} compressed on the wire", { size: formatBytes(rec.wireBytes) }) : "";
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
      ? t("GraphQL moved {saved}% fewer bytes: it sent only the {n} field(s) you asked for. REST sends every field of every post.", { saved, n: this.selectedFields().length })
      : t("GraphQL moved as many bytes or more — you asked for (nearly) everything, so there is nothing to save.");
    this.verdict.replaceChildren(
      el("p", { class: "wb-verdict-text" }, words),
      bar("GraphQL", g.bytes, "wb-bar-gql"),
      bar("REST", r.bytes, "wb-bar-rest"),
      el("p", { class: "wb-muted wb-small" }, t("Response body bytes as received (headers not counted).")));
    this.verdict.dataset.gqlBytes = String(g.bytes);
    this.verdict.dataset.restBytes = String(r.bytes);
  }
}
