// The examples server's contract as a client sees it: the same requests, frames and
// streams, run once against the Rust server and once against the in-browser backend
// (templates/static/backend.js) by tests/contract.rs, which compares what comes back.
// `net` is {fetch, WebSocket, base}. Returns a list of observations, normalised so
// that only what may differ between two correct servers is left out: timestamps,
// SSE event ids (a clock publishes news on each), and the wording of parser errors.
async (net) => {
  const { base } = net;
  const wsBase = base.replace(/^http/, "ws");
  const out = [];
  const TIME_KEYS = new Set(["created_at", "createdAt", "ts"]);

  const normalise = (value) => {
    if (Array.isArray(value)) return value.map(normalise);
    if (value && typeof value === "object") {
      return Object.fromEntries(Object.entries(value).sort(([a], [b]) => (a < b ? -1 : 1))
        .map(([k, v]) => [k, TIME_KEYS.has(k) ? "<time>" : normalise(v)]));
    }
    if (typeof value === "string") {
      // serde_json and JSON.parse word their syntax errors differently.
      return value.replace(/^(malformed JSON|malformed GraphQL request body|variables must be JSON): .*$/s, "$1: <parser message>");
    }
    return value;
  };

  const parse = (text) => {
    try {
      return JSON.parse(text);
    } catch {
      return text;
    }
  };

  /** One HTTP exchange; `graphqlRequestError` hides the wording of syntax and validation errors. */
  async function http(step, method, path, { body, headers = {}, graphqlRequestError = false } = {}) {
    const res = await net.fetch(base + path, { method, headers, body, cache: "no-store" });
    const text = await res.text();
    let json = text ? parse(text) : null;
    if (graphqlRequestError && json && Array.isArray(json.errors)) {
      json = { ...json, errors: json.errors.length ? "<one or more errors>" : [] };
    }
    const h = (name) => res.headers.get(name);
    out.push(normalise({
      step, status: res.status, type: (h("content-type") || "").split(";")[0], body: json,
      etag: h("etag") ? /^W\/"[0-9a-f]+"$/.test(h("etag")) : null, location: h("location"),
      delay: h("x-delay-ms"), cache: h("cache-control"),
    }));
    return { res, json, etag: h("etag") };
  }

  const jsonPost = (value) => ({ body: JSON.stringify(value), headers: { "Content-Type": "application/json" } });
  const gql = (query, variables, headers = {}) => ({
    body: JSON.stringify({ query, variables }), headers: { "Content-Type": "application/json", ...headers },
  });

  // ── REST ──
  await http("list", "GET", "/api/posts");
  await http("page 2", "GET", "/api/posts?per_page=3&page=2");
  await http("clamped", "GET", "/api/posts?per_page=500");
  await http("page 0", "GET", "/api/posts?page=0");
  await http("page text", "GET", "/api/posts?page=abc");
  await http("search", "GET", "/api/posts?q=ETAG");
  await http("search %", "GET", "/api/posts?q=100%25");
  await http("full", "GET", "/api/posts?full=1&per_page=3");
  await http("full bad", "GET", "/api/posts?full=maybe");
  const one = await http("one", "GET", "/api/posts/1");
  await http("304", "GET", "/api/posts/1", { headers: { "If-None-Match": one.etag } });
  await http("missing", "GET", "/api/posts/999");
  await http("bad id", "GET", "/api/posts/abc");
  await http("create", "POST", "/api/posts", jsonPost({ author: " Ann ", title: "Hello", body: "First!", tags: ["intro", "intro", "x"] }));
  await http("invalid", "POST", "/api/posts", jsonPost({ author: "", title: "x".repeat(121), body: "  ", tags: ["ok", ""] }));
  await http("wrong types", "POST", "/api/posts", jsonPost({ author: "Ann", title: 5, body: "b", tags: [1] }));
  await http("too many tags", "POST", "/api/posts", jsonPost({ author: "a", title: "line\nbreak", body: "b", tags: ["1", "2", "3", "4", "5", "6"] }));
  await http("malformed", "POST", "/api/posts", { body: "{oops", headers: { "Content-Type": "application/json" } });
  await http("array body", "POST", "/api/posts", jsonPost([1, 2]));
  await http("text/plain", "POST", "/api/posts", { body: "hi", headers: { "Content-Type": "text/plain" } });
  await http("form", "POST", "/api/posts", { body: "author=Bob&title=From+a+form&body=Hi&tags=a,+b&tags=c", headers: { "Content-Type": "application/x-www-form-urlencoded" } });
  await http("after creates", "GET", "/api/posts?per_page=3&full=1");
  await http("delete without token", "DELETE", "/api/posts/1");
  await http("wrong method", "DELETE", "/api/posts");
  await http("unknown", "GET", "/api/nope");
  await http("notify", "POST", "/api/notify", jsonPost({ title: "Deploy finished", body: "v1.2 is live" }));
  await http("notify invalid", "POST", "/api/notify", jsonPost({ title: "", body: "x".repeat(1001) }));
  await http("delay", "GET", "/api/posts/2?delay_ms=20");
  await http("delay bad", "GET", "/api/posts/2?delay_ms=soon");
  // The notify answer's id differs (news events take ids too); keep only its shape.
  const notified = out.find((o) => o.step === "notify");
  if (notified && notified.body && typeof notified.body.id === "number") notified.body.id = "<event id>";

  // ── GraphQL over HTTP ──
  await http("gql posts", "POST", "/graphql", gql("query($n: Int!) { posts(limit: $n) { total items { id title tags author { name postCount } } } }", { n: 3 }));
  await http("gql authors tags", "POST", "/graphql", gql("{ authors { name postCount posts(limit: 1) { id } } tags { name posts { id } } }"));
  await http("gql post", "POST", "/graphql", gql("{ a: post(id: \"2\") { id title body } b: post(id: \"999\") { id } }"));
  await http("gql bad id", "POST", "/graphql", gql("{ post(id: \"abc\") { id } }"));
  await http("gql addPost", "POST", "/graphql", gql("mutation($t: String!) { addPost(author: \"Ann\", title: $t, body: \"Hi\", tags: [\"gql\"]) { id title tags author { name } } }", { t: "Over GraphQL" }));
  const invalid = await http("gql addPost invalid", "POST", "/graphql", gql("mutation { addPost(author: \"\", title: \"t\", body: \"\") { id } }"));
  if (invalid.json && Array.isArray(invalid.json.errors)) {
    // One error per bad argument; the order they are listed in is not part of the contract.
    const last = out[out.length - 1];
    last.body.errors = invalid.json.errors.map((e) => `${e.message} ${JSON.stringify(e.extensions)} ${JSON.stringify(e.path)}`).sort();
  }
  await http("gql syntax", "POST", "/graphql", { ...gql("{ posts { "), graphqlRequestError: true });
  await http("gql unknown field", "POST", "/graphql", { ...gql("{ posts { nope } }"), graphqlRequestError: true });
  await http("gql legacy json", "POST", "/graphql", { ...gql("{ posts { nope } }", undefined, { Accept: "application/json" }), graphqlRequestError: true });
  await http("gql too deep", "POST", "/graphql", gql("{ posts(limit: 1) { items { author { posts(limit: 1) { author { posts(limit: 1) { author { posts(limit: 1) { id } } } } } } } } }"));
  await http("gql too complex", "POST", "/graphql", gql("{ posts(limit: 50) { items { author { posts(limit: 50) { id title } } } } }"));
  await http("gql limit", "POST", "/graphql", { ...gql("{ posts(limit: 51) { total } }"), graphqlRequestError: true });
  await http("gql get", "GET", `/graphql?query=${encodeURIComponent("{ tags { name } }")}`, { graphqlRequestError: true });
  await http("gql get mutation", "GET", `/graphql?query=${encodeURIComponent("mutation { addPost(author: \"a\", title: \"t\", body: \"b\") { id } }")}`);
  await http("gql not json", "POST", "/graphql", { body: "{ posts { total } }", headers: { "Content-Type": "application/graphql" } });
  await http("gql malformed", "POST", "/graphql", { body: "{oops", headers: { "Content-Type": "application/json" } });
  await http("gql not acceptable", "POST", "/graphql", gql("{ tags { name } }", undefined, { Accept: "text/html" }));

  // ── WebSocket chat ──
  const sleep = (ms) => new Promise((r) => setTimeout(r, ms));
  async function until(check, what, ms = 5000) {
    const end = Date.now() + ms;
    while (Date.now() < end) {
      if (check()) return;
      await sleep(20);
    }
    throw new Error(`timed out waiting for ${what}`);
  }
  function socket(url, protocols) {
    const ws = protocols === undefined ? new net.WebSocket(url) : new net.WebSocket(url, protocols);
    const seen = { frames: [], events: [], ws };
    ws.addEventListener("open", () => seen.events.push("open"));
    ws.addEventListener("error", () => seen.events.push("error"));
    ws.addEventListener("close", (e) => seen.events.push(`close ${e.code} ${e.reason}`));
    ws.addEventListener("message", (e) => seen.frames.push(parse(e.data)));
    seen.send = (v) => ws.send(typeof v === "string" ? v : JSON.stringify(v));
    seen.opened = () => until(() => seen.events.length > 0, `${url} to open`);
    return seen;
  }
  const chatUrl = (name) => `${wsBase}/ws/chat?room=contract-room&name=${encodeURIComponent(name)}`;
  const alice = socket(chatUrl("Alice"));
  await alice.opened();
  await until(() => alice.frames.length >= 2, "Alice's history and join");
  const bob = socket(chatUrl("Bob"));
  await bob.opened();
  await until(() => bob.frames.length >= 2 && alice.frames.length >= 3, "Bob's join");
  alice.send({ type: "message", text: "hi Bob" });
  await until(() => bob.frames.some((f) => f.type === "message"), "the message to reach Bob");
  for (const bad of ["{oops", { type: "shout", text: "x" }, { type: "message", text: 5 }, { type: "message", text: "  " }]) bob.send(bad);
  await until(() => bob.frames.filter((f) => f.type === "error").length === 4, "four error frames");
  bob.ws.close(1000, "bye");
  await until(() => alice.frames.some((f) => f.type === "leave"), "Bob's leave");
  const carol = socket(chatUrl("Carol"));
  await until(() => carol.frames.length >= 2, "Carol's history");
  alice.ws.close(1000);
  carol.ws.close(1000);
  const refused = socket(`${wsBase}/ws/chat?room=${"r".repeat(33)}`);
  await until(() => refused.events.some((e) => e.startsWith("close")), "the refused upgrade to close");
  await until(() => bob.events.some((e) => e.startsWith("close")), "Bob's close");
  out.push(normalise({ step: "chat", alice: alice.frames, bob: bob.frames, carol: carol.frames, bobEvents: bob.events, refused: refused.events }));

  // ── SSE ──
  async function stream(path, headers = {}) {
    const ctl = new AbortController();
    const res = await net.fetch(base + path, { headers: { Accept: "text/event-stream", ...headers }, signal: ctl.signal, cache: "no-store" });
    const reader = res.body.getReader();
    const decoder = new TextDecoder();
    const s = { text: "", type: res.headers.get("content-type"), status: res.status };
    (async () => {
      try {
        for (;;) {
          const { value, done } = await reader.read();
          if (done) break;
          s.text += decoder.decode(value, { stream: true });
        }
      } catch {
        // aborted
      }
    })();
    s.stop = () => ctl.abort();
    s.events = () => s.text.split("\n\n").filter((b) => b.includes("data:")).map((b) => {
      const f = Object.fromEntries(b.split("\n").map((l) => [l.slice(0, l.indexOf(":")), l.slice(l.indexOf(":") + 2)]));
      return { id: Number(f.id), event: f.event, data: parse(f.data) };
    }).filter((e) => e.event === "notify");
    return s;
  }
  const notify = async (title) => (await (await net.fetch(base + "/api/notify", { method: "POST", ...jsonPost({ title, body: "" }) })).json()).id;
  const live = await stream("/sse/news");
  await until(() => live.text.length > 0, "the stream's first bytes");
  const first = live.text.split("\n\n")[0];
  const id1 = await notify("one");
  await notify("two");
  await notify("three");
  await until(() => live.events().length >= 3, "three notify events");
  live.stop();
  const byHeader = await stream("/sse/news", { "Last-Event-ID": String(id1) });
  const byQuery = await stream(`/sse/news?lastEventId=${id1}`);
  const never = await stream("/sse/news?lastEventId=99999999");
  await until(() => byHeader.events().length >= 2 && byQuery.events().length >= 2, "the replays");
  await sleep(100);
  for (const s of [byHeader, byQuery, never]) s.stop();
  const titles = (s) => s.events().map((e) => `${e.event} ${e.data.kind} ${e.data.title} ${e.data.id === e.id}`);
  const ids = live.events().map((e) => e.id);
  out.push({
    step: "sse", type: live.type, status: live.status, first, live: titles(live),
    increasing: ids.every((id, i) => i === 0 || id > ids[i - 1]),
    byHeader: titles(byHeader), byQuery: titles(byQuery), never: titles(never),
  });

  // ── GraphQL subscriptions over graphql-transport-ws ──
  const sub = socket(`${wsBase}/graphql/ws`, "graphql-transport-ws");
  await sub.opened();
  const protocol = sub.ws.protocol;
  sub.send({ type: "connection_init", payload: {} });
  await until(() => sub.frames.length >= 1, "connection_ack");
  sub.send({ id: "1", type: "subscribe", payload: { query: "subscription { postAdded { id title author { name } } }" } });
  sub.send({ id: "2", type: "subscribe", payload: { query: "{ tags { name } }" } });
  await until(() => sub.frames.filter((f) => f.id === "2").length >= 2, "the query's next and complete");
  await sleep(150);
  await net.fetch(`${base}/graphql`, { method: "POST", ...gql("mutation { addPost(author: \"Sub\", title: \"Pushed\", body: \"b\") { id } }") });
  await http("create for the subscription", "POST", "/api/posts", jsonPost({ author: "Sub", title: "Pushed over REST", body: "b" }));
  await until(() => sub.frames.filter((f) => f.id === "1").length >= 2, "two postAdded events");
  sub.send({ type: "ping" });
  await until(() => sub.frames.some((f) => f.type === "pong"), "pong");
  sub.send({ id: "1", type: "complete" });
  sub.ws.close(1000);
  const noProtocol = socket(`${wsBase}/graphql/ws`);
  await until(() => noProtocol.events.some((e) => e.startsWith("close")), "the upgrade without a subprotocol to close");
  out.push(normalise({ step: "graphql-ws", protocol, frames: sub.frames, noProtocol: noProtocol.events }));
  return out;
}
