/*! wirebook in-browser examples backend.
 *
 * The examples server's contract — REST (/api/posts, /api/notify), WebSocket chat
 * (/ws/chat), Server-Sent Events (/sse/news) and GraphQL over HTTP and
 * graphql-transport-ws (/graphql, /graphql/ws) — implemented inside the reader's
 * browser, for sites published without a server (GitHub Pages) or whose server
 * is down. widgets.js loads this file only when it needs it and routes requests
 * for the examples origin here instead of the network; see docs/widgets.md,
 * "Where the demos run".
 *
 * Same rules as examples-server (validation, statuses, ETag/304, frames, event
 * ids and resume), kept equal by tests that send the same requests to both.
 * It makes no network request; GraphQL queries run on graphql-js (MIT), loaded
 * from this site's own assets (vendor/graphql.js) on first use. Differences, all
 * documented: data lives in this tab only (chat also reaches other tabs of this
 * site through BroadcastChannel), there are no write rate limits, and messages
 * of GraphQL syntax/validation errors are graphql-js's wording.
 */
(() => {
  "use strict";

  const LIMITS = {
    pageSize: 50, maxBody: 65536, delayCap: 5000, queryChars: 200,
    chatHistory: 50, chatFrame: 16384, chatRate: 20, chatRateWindowMs: 10000, chatText: 2000, nameMax: 32,
    sseReplay: 256, sseRetryMs: 2000, sseKeepAliveMs: 15000, newsIntervalMs: 15000,
    graphqlDepth: 8, graphqlComplexity: 500,
  };

  // The sample posts a new examples-server database starts with (store/schema.rs),
  // dated relative to when this page started, as the server dates them relative
  // to when its database was created.
  const SEEDS = [
    ["Grace Liu", "Why HTTP/1.1 keep-alive still matters", "Opening a TCP connection costs a round trip, and TLS adds one or two more. Keep-alive lets a page reuse one connection for dozens of requests, which is why an Ajax-heavy page feels fast on a good server and sluggish on a misconfigured one.", ["http", "performance"], 170],
    ["Tom Okafor", "Ajax without the X: fetch() and JSON", "XMLHttpRequest gave the technique its name, but today a form is usually submitted with fetch() and a JSON body. The server answers 201 with the new resource, or 422 with one message per bad field so the page can mark them without a reload.", ["ajax", "rest"], 146],
    ["Priya Raman", "Conditional requests: ETag and If-None-Match", "A list that rarely changes should not be downloaded again and again. The server sends an ETag with the response; the browser repeats it in If-None-Match, and an unchanged list costs a 304 with an empty body.", ["http", "rest", "caching"], 122],
    ["Grace Liu", "WebSocket chat in forty lines", "A WebSocket starts life as an HTTP request with Upgrade: websocket. After the 101 response both sides may send frames at any time, which is exactly what a chat room needs: one message from a client, broadcast to every member of the room.", ["websocket", "chat"], 98],
    ["Marta Kowalska", "Server-Sent Events are underrated", "For news tickers and notifications the server talks and the browser listens. SSE does that over plain HTTP, reconnects on its own, and resumes where it left off by sending the last event id it saw.", ["sse", "push"], 74],
    ["Tom Okafor", "GraphQL: ask for exactly what you need", "A REST list endpoint returns whatever its designer chose. A GraphQL query names the fields it wants, so a sidebar that shows titles downloads titles and nothing else. The price is a query language and limits on how deep a query may go.", ["graphql", "performance"], 50],
    ["Priya Raman", "Backpressure: dropping slow consumers", "A broadcast is only as fast as its slowest reader unless the server refuses to wait. Giving each client a bounded queue and disconnecting the ones that fall behind keeps a busy chat room responsive for everyone else.", ["websocket", "performance"], 26],
    ["Marta Kowalska", "CORS in one page", "A page on one origin may call an API on another only if the API says so with Access-Control-Allow-Origin. Preflight OPTIONS requests ask first for anything beyond a simple GET or form POST.", ["http", "security"], 2],
  ];

  // The canned headlines of /sse/news (sse/mod.rs).
  const HEADLINES = [
    ["HTTP/3 passes 30% of web traffic", "QUIC moves the transport into user space and ends head-of-line blocking between streams."],
    ["New fetch() option: priority", "Browsers now let a page mark a request as high or low priority."],
    ["WebSocket compression, revisited", "permessage-deflate saves bandwidth but costs memory per connection; measure first."],
    ["EventSource turns 15", "Server-Sent Events shipped in browsers in 2010 and still need no library."],
    ["GraphQL over HTTP nears a final spec", "The application/graphql-response+json media type makes errors explicit in status codes."],
    ["CORS preflights cached longer", "Access-Control-Max-Age lets a browser skip the OPTIONS round trip for repeat calls."],
    ["WebTransport in more browsers", "Datagrams and streams over HTTP/3 for games and live media."],
    ["ETags save a surprising amount", "Revalidating an unchanged JSON list costs a few hundred bytes instead of the whole list."],
  ];

  const STATUS_TEXT = {
    200: "OK", 201: "Created", 202: "Accepted", 204: "No Content", 304: "Not Modified", 400: "Bad Request",
    401: "Unauthorized", 404: "Not Found", 405: "Method Not Allowed", 406: "Not Acceptable", 413: "Payload Too Large",
    415: "Unsupported Media Type", 422: "Unprocessable Entity", 500: "Internal Server Error",
  };

  const SDL = `
type Query {
  posts(limit: Int = 10, offset: Int = 0, q: String): PostPage!
  post(id: ID!): Post
  authors: [Author!]!
  tags: [Tag!]!
}
type PostPage { items: [Post!]! total: Int! }
type Post { id: ID! title: String! body: String! tags: [String!]! createdAt: String! author: Author! }
type Author { name: String! postCount: Int! posts(limit: Int = 10): [Post!]! }
type Tag { name: String! posts: [Post!]! }
type Mutation { addPost(author: String!, title: String!, body: String!, tags: [String!]): Post! }
type Subscription { postAdded: Post! }
`;

  // ───────────────────────────── small helpers ─────────────────────────────

  const sleep = (ms) => new Promise((r) => setTimeout(r, ms));
  const nowMs = () => Date.now();
  /** RFC 3339 in UTC with seconds precision, as the server writes `created_at`. */
  const rfc3339 = (ms) => new Date(Math.floor(ms / 1000) * 1000).toISOString().replace(/\.\d{3}Z$/, "Z");
  const charCount = (s) => [...s].length;
  // Rust's char::is_control is the Unicode category Cc.
  const hasControl = (s, allowed = "") => [...s].some((c) => /\p{Cc}/u.test(c) && !allowed.includes(c));
  const asciiLower = (s) => s.replace(/[A-Z]/g, (c) => c.toLowerCase());
  const nocase = (a, b) => {
    const x = asciiLower(a);
    const y = asciiLower(b);
    if (x !== y) return x < y ? -1 : 1;
    return a < b ? -1 : a > b ? 1 : 0;
  };
  /** Object with its keys sorted, as serde writes a BTreeMap. */
  const sorted = (obj) => Object.fromEntries(Object.entries(obj).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)));

  function typeName(v) {
    if (v === null) return "null";
    if (Array.isArray(v)) return "an array";
    return { boolean: "a boolean", number: "a number", string: "a string", object: "an object" }[typeof v] || "a value";
  }

  /** A 64-bit FNV-1a hash as 16 hex digits: the weak ETag of a body. */
  function etagFor(text) {
    let h = 0xcbf29ce484222325n;
    for (const b of new TextEncoder().encode(text)) {
      h ^= BigInt(b);
      h = (h * 0x100000001b3n) & 0xffffffffffffffffn;
    }
    return `W/"${h.toString(16).padStart(16, "0")}"`;
  }

  /** How `str::parse::<u64>` fails, in the words of axum's query rejection. */
  function parseUint(name, raw, max) {
    if (raw === "") return { error: `Failed to deserialize query string: ${name}: cannot parse integer from empty string` };
    if (!/^\+?\d+$/.test(raw)) return { error: `Failed to deserialize query string: ${name}: invalid digit found in string` };
    const n = Number(raw.replace(/^\+/, ""));
    if (n > max) return { error: `Failed to deserialize query string: ${name}: number too large to fit in target type` };
    return { value: n };
  }

  class HttpError extends Error {
    constructor(status, message, extra) {
      super(message);
      this.status = status;
      this.extra = extra || {};
    }
  }

  // ───────────────────────────── the post store ─────────────────────────────

  class Store {
    constructor() {
      this.posts = [];
      this.nextId = 1;
      this.listeners = new Set();
      const start = nowMs();
      for (const [author, title, body, tags, hoursAgo] of SEEDS) {
        this.insert({ author, title, body, tags }, rfc3339(start - hoursAgo * 3600 * 1000), false);
      }
    }

    insert(post, createdAt, announce = true) {
      const stored = { id: this.nextId++, author: post.author, title: post.title, body: post.body, tags: post.tags, created_at: createdAt || rfc3339(nowMs()) };
      this.posts.push(stored);
      if (announce) for (const fn of this.listeners) fn(stored);
      return stored;
    }

    /** Newest first; `q` is a case-insensitive (ASCII) substring of author, title or body. */
    list({ limit, offset, q }) {
      const needle = q ? asciiLower(q) : null;
      const all = this.posts.filter((p) => !needle || [p.title, p.body, p.author].some((s) => asciiLower(s).includes(needle))).reverse();
      return { items: all.slice(offset, offset + limit), total: all.length };
    }

    get(id) {
      return this.posts.find((p) => p.id === id) || null;
    }

    delete(id) {
      const i = this.posts.findIndex((p) => p.id === id);
      if (i < 0) return false;
      this.posts.splice(i, 1);
      return true;
    }

    authorCount(name) {
      return this.posts.filter((p) => p.author === name).length;
    }

    authors() {
      const names = [...new Set(this.posts.map((p) => p.author))].sort(nocase);
      return names.map((name) => ({ name, post_count: this.authorCount(name) }));
    }

    byAuthor(name, limit) {
      return this.posts.filter((p) => p.author === name).reverse().slice(0, limit);
    }

    tags() {
      return [...new Set(this.posts.flatMap((p) => p.tags))].sort(nocase);
    }

    byTag(tag, limit) {
      return this.posts.filter((p) => p.tags.includes(tag)).reverse().slice(0, limit);
    }

    onAdded(fn) {
      this.listeners.add(fn);
      return () => this.listeners.delete(fn);
    }
  }

  /** `NewPost::validate`: trims, checks lengths in characters, names every bad field. */
  function validatePost(p) {
    const errors = {};
    const checkLen = (field, value, max) => {
      const n = charCount(value);
      if (n === 0 || n > max) errors[field] = `must be 1–${max} characters`;
    };
    const singleLine = (field, value, max) => {
      const v = value.trim();
      checkLen(field, v, max);
      if (hasControl(v)) errors[field] = "must be a single line of text";
      return v;
    };
    const author = singleLine("author", p.author, 40);
    const title = singleLine("title", p.title, 120);
    const body = p.body.trim();
    checkLen("body", body, 5000);
    if (hasControl(body, "\n\r\t")) errors.body = "must not contain control characters";
    const tags = [];
    for (const raw of p.tags) {
      const tag = raw.trim();
      if (!tag || charCount(tag) > 24 || hasControl(tag)) errors.tags = "each tag must be 1–24 characters";
      else if (!tags.includes(tag)) tags.push(tag);
    }
    if (tags.length > 5 && !errors.tags) errors.tags = "at most 5 tags";
    return Object.keys(errors).length ? { errors: sorted(errors) } : { post: { author, title, body, tags } };
  }

  /** A submitted body's fields, from JSON or a form, with wrong types named per field. */
  class Fields {
    constructor(map) {
      this.map = map;
      this.errors = {};
    }

    static parse(contentType, text) {
      const essence = (contentType || "").split(";")[0].trim().toLowerCase();
      if (essence === "application/json" || essence.endsWith("+json")) {
        let value;
        try {
          value = JSON.parse(text);
        } catch (err) {
          throw new HttpError(400, `malformed JSON: ${err.message}`);
        }
        if (value === null || typeof value !== "object" || Array.isArray(value)) {
          throw new HttpError(400, `expected a JSON object, got ${typeName(value)}`);
        }
        return new Fields(value);
      }
      if (essence === "application/x-www-form-urlencoded") {
        const map = {};
        const tags = [];
        for (const [k, v] of new URLSearchParams(text)) {
          if (k === "tags" || k === "tags[]") tags.push(...v.split(",").map((t) => t.trim()).filter(Boolean));
          else map[k] = v;
        }
        if (tags.length) map.tags = tags;
        return new Fields(map);
      }
      throw new HttpError(415, `expected Content-Type application/json or application/x-www-form-urlencoded, got ${contentType || "no Content-Type"}`);
    }

    string(name) {
      const v = this.map[name];
      if (v === undefined || v === null) return "";
      if (typeof v === "string") return v;
      this.errors[name] = `must be a string, not ${typeName(v)}`;
      return "";
    }

    stringList(name) {
      const v = this.map[name];
      if (v === undefined || v === null) return [];
      if (Array.isArray(v) && v.every((x) => typeof x === "string")) return v;
      this.errors[name] = `must be a list of strings, not ${Array.isArray(v) ? "a list with non-string items" : typeName(v)}`;
      return [];
    }
  }

  // ───────────────────────────── SSE event hub ─────────────────────────────

  class Hub {
    constructor() {
      this.ring = [];
      this.lastId = 0;
      this.subscribers = new Set();
    }

    publish(kind, title, body) {
      const event = { id: ++this.lastId, kind, title, body, ts: nowMs() };
      const frame = `id: ${event.id}\nevent: ${kind}\ndata: ${JSON.stringify(event)}\n\n`;
      this.ring.push({ event, frame });
      if (this.ring.length > LIMITS.sseReplay) this.ring.shift();
      for (const fn of this.subscribers) fn(frame);
      return event;
    }

    /** A `text/event-stream` body: `retry:`, the events after `lastEventId`, then live ones. */
    stream(lastEventId) {
      const enc = new TextEncoder();
      let unsubscribe = () => {};
      let keepAlive = null;
      return new ReadableStream({
        start: (ctl) => {
          const send = (text) => {
            try {
              ctl.enqueue(enc.encode(text));
            } catch {
              unsubscribe();
            }
          };
          send(`retry: ${LIMITS.sseRetryMs}\n\n`);
          // An id this hub never issued replays nothing, as on the server.
          if (lastEventId !== null && lastEventId <= this.lastId) {
            for (const { event, frame } of this.ring) if (event.id > lastEventId) send(frame);
          }
          this.subscribers.add(send);
          keepAlive = setInterval(() => send(": keep-alive\n\n"), LIMITS.sseKeepAliveMs);
          unsubscribe = () => {
            this.subscribers.delete(send);
            clearInterval(keepAlive);
          };
        },
        cancel: () => unsubscribe(),
      });
    }
  }

  // ───────────────────────────── chat rooms ─────────────────────────────

  /**
   * Rooms of this tab, plus the members and messages of other tabs of the same
   * site (same origin) relayed through a BroadcastChannel, so two tabs of one
   * page chat with each other as two browsers would through the server.
   */
  class Rooms {
    constructor() {
      this.rooms = new Map();
      this.tab = Math.random().toString(36).slice(2);
      this.guests = 0;
      this.channel = typeof BroadcastChannel === "function" ? new BroadcastChannel("wirebook-examples-chat") : null;
      if (this.channel) this.channel.onmessage = (e) => this.fromOtherTab(e.data || {});
      addEventListener("pagehide", () => {
        for (const [name, room] of this.rooms) for (const m of room.members) this.relay({ t: "leave", room: name, name: m.name });
      });
    }

    room(name) {
      let room = this.rooms.get(name);
      if (!room) {
        room = { members: [], remote: new Map(), history: [] };
        this.rooms.set(name, room);
      }
      return room;
    }

    names(room) {
      return [...room.members.map((m) => m.name), ...[...room.remote.values()].flat()];
    }

    broadcast(room, frame) {
      const text = JSON.stringify(frame);
      for (const m of room.members) m.deliver(text);
    }

    relay(msg) {
      if (this.channel) this.channel.postMessage({ ...msg, tab: this.tab });
    }

    join(roomName, member) {
      const room = this.room(roomName);
      member.deliver(JSON.stringify({ type: "history", room: roomName, messages: room.history, ts: nowMs() }));
      room.members.push(member);
      this.broadcast(room, { type: "join", name: member.name, members: this.names(room), ts: nowMs() });
      this.relay({ t: "join", room: roomName, name: member.name });
    }

    say(roomName, member, text) {
      const room = this.room(roomName);
      const msg = { type: "message", from: member.name, text, ts: nowMs() };
      this.remember(room, msg);
      this.broadcast(room, msg);
      this.relay({ t: "message", room: roomName, msg });
    }

    leave(roomName, member) {
      const room = this.room(roomName);
      const i = room.members.indexOf(member);
      if (i < 0) return;
      room.members.splice(i, 1);
      this.broadcast(room, { type: "leave", name: member.name, members: this.names(room), ts: nowMs() });
      this.relay({ t: "leave", room: roomName, name: member.name });
    }

    remember(room, msg) {
      room.history.push(msg);
      if (room.history.length > LIMITS.chatHistory) room.history.shift();
    }

    fromOtherTab(msg) {
      if (!msg.room || msg.tab === this.tab) return;
      const room = this.room(msg.room);
      const theirs = room.remote.get(msg.tab) || [];
      if (msg.t === "join" || msg.t === "here") {
        room.remote.set(msg.tab, [...theirs, msg.name]);
        if (msg.t === "join") {
          this.broadcast(room, { type: "join", name: msg.name, members: this.names(room), ts: nowMs() });
          // Tell the newcomer's tab who is already here.
          for (const m of room.members) this.relay({ t: "here", room: msg.room, name: m.name });
        }
      } else if (msg.t === "leave") {
        const i = theirs.indexOf(msg.name);
        if (i >= 0) theirs.splice(i, 1);
        room.remote.set(msg.tab, theirs);
        this.broadcast(room, { type: "leave", name: msg.name, members: this.names(room), ts: nowMs() });
      } else if (msg.t === "message" && msg.msg) {
        this.remember(room, msg.msg);
        this.broadcast(room, msg.msg);
      }
    }
  }

  // ───────────────────────────── the backend ─────────────────────────────

  class Backend {
    constructor({ origin, assets }) {
      this.origin = new URL(origin).origin;
      this.assets = assets;
      this.store = new Store();
      this.hub = new Hub();
      this.rooms = new Rooms();
      // DELETE needs a bearer token, as on the server; the page may read it here.
      this.adminToken = Math.random().toString(36).slice(2) + Math.random().toString(36).slice(2);
      this.newsIndex = 0;
      this.newsTimer = setInterval(() => {
        const [title, body] = HEADLINES[this.newsIndex++ % HEADLINES.length];
        this.hub.publish("news", title, body);
      }, LIMITS.newsIntervalMs);
      this.WebSocket = makeWebSocketClass(this);
      this.EventSource = makeEventSourceClass(this);
      this.fetch = (input, init) => this.handleFetch(input, init);
      // The root resolvers close over the store only: built once, shared by every request.
      this.rootValue = this.resolvers();
    }

    /** Whether a URL is one of the endpoints this backend answers for. */
    handles(url) {
      let u;
      try {
        u = new URL(String(url), location.href);
      } catch {
        return false;
      }
      const origin = u.origin.replace(/^ws/, "http");
      if (origin !== this.origin) return false;
      return /^\/(api(\/|$)|sse\/|graphql(\/|$)|ws\/|healthz$|readyz$)/.test(u.pathname);
    }

    // ── HTTP ──

    async handleFetch(input, init) {
      const request = new Request(input, init);
      const signal = request.signal;
      if (signal && signal.aborted) throw new DOMException("The operation was aborted.", "AbortError");
      const url = new URL(request.url);
      // What the browser's network layer adds to every fetch() that names none.
      if (!request.headers.has("accept")) request.headers.set("accept", "*/*");
      const body = ["GET", "HEAD"].includes(request.method) ? "" : await request.text();
      const work = this.route(request.method, url, request.headers, body, signal);
      const aborted = new Promise((_, reject) => {
        if (signal) signal.addEventListener("abort", () => reject(new DOMException("The operation was aborted.", "AbortError")), { once: true });
      });
      const res = await Promise.race([work, aborted]);
      const response = new Response(res.status === 204 || res.status === 304 ? null : res.body, {
        status: res.status, statusText: STATUS_TEXT[res.status] || "", headers: res.headers,
      });
      Object.defineProperty(response, "url", { value: url.toString() });
      if (res.onAbort && signal) signal.addEventListener("abort", res.onAbort, { once: true });
      return response;
    }

    async route(method, url, headers, body, signal) {
      const path = url.pathname;
      try {
        if (path === "/healthz" || path === "/readyz") {
          return json(200, { status: "ok", store: { kind: "browser", ok: true }, broker: { kind: "in-page", ok: true } });
        }
        if (path === "/sse/news") return this.sse(method, url, headers);
        if (path === "/graphql") return await this.graphqlHttp(method, url, headers, body);
        if (path === "/api" || path.startsWith("/api/")) return await this.api(method, url, headers, body);
        return json(404, { error: "no such endpoint in the in-browser examples backend" });
      } catch (err) {
        if (err instanceof HttpError) return json(err.status, { error: err.message, ...err.extra });
        console.error("wirebook in-browser backend:", err);
        return json(500, { error: "internal server error" });
      }
    }

    /** `?delay_ms=`: capped, echoed in X-Delay-Ms, refused when not a number. */
    delay(url) {
      const raw = url.searchParams.get("delay_ms");
      if (raw === null) return 0;
      if (!/^\d+$/.test(raw.trim())) {
        throw new HttpError(400, `delay_ms must be a whole number of milliseconds (0–${LIMITS.delayCap}), not ${JSON.stringify(raw)}`);
      }
      return Math.min(Number(raw.trim()), LIMITS.delayCap);
    }

    async api(method, url, headers, body) {
      const delay = this.delay(url);
      if (delay) await sleep(delay);
      const res = await this.apiRoute(method, url, headers, body);
      if (delay) res.headers["X-Delay-Ms"] = String(delay);
      return res;
    }

    async apiRoute(method, url, headers, body) {
      const path = url.pathname;
      const allow = (methods) => {
        if (!methods.includes(method === "HEAD" ? "GET" : method)) {
          throw new HttpError(405, "method not allowed");
        }
      };
      if (body.length > LIMITS.maxBody) throw new HttpError(413, `request body too large (limit ${LIMITS.maxBody} bytes)`);
      if (path === "/api/posts") {
        allow(["GET", "POST"]);
        return method === "POST" ? this.createPost(headers, body) : this.listPosts(url, headers);
      }
      const one = /^\/api\/posts\/([^/]+)$/.exec(path);
      if (one) {
        allow(["GET", "DELETE"]);
        if (method === "DELETE") return this.deletePost(one[1], headers);
        return this.getPost(one[1], headers);
      }
      if (path === "/api/notify") {
        allow(["POST"]);
        return this.notify(headers, body);
      }
      throw new HttpError(404, "no such API endpoint; see /api/posts and /api/notify");
    }

    listPosts(url, headers) {
      const p = url.searchParams;
      let page = 1;
      if (p.has("page")) {
        const r = parseUint("page", p.get("page"), Number.MAX_SAFE_INTEGER);
        if (r.error) throw new HttpError(400, r.error);
        page = r.value;
      }
      if (page === 0) throw new HttpError(400, "page must be 1 or more");
      let perPage = 10;
      if (p.has("per_page")) {
        const r = parseUint("per_page", p.get("per_page"), 4294967295);
        if (r.error) throw new HttpError(400, r.error);
        perPage = r.value;
      }
      perPage = Math.min(Math.max(perPage, 1), LIMITS.pageSize);
      const fullRaw = p.has("full") ? p.get("full").trim() : null;
      let full = false;
      if (fullRaw === null || ["", "0", "false", "no"].includes(fullRaw)) full = false;
      else if (["1", "true", "yes"].includes(fullRaw)) full = true;
      else throw new HttpError(400, `full must be 1 or 0, not ${JSON.stringify(fullRaw)}`);
      const q = (p.get("q") || "").trim() || null;
      if (q && charCount(q) > LIMITS.queryChars) throw new HttpError(400, `q must be at most ${LIMITS.queryChars} characters`);
      const result = this.store.list({ limit: perPage, offset: (page - 1) * perPage, q });
      const items = full
        ? result.items.map((post) => ({ ...post, author_info: { name: post.author, post_count: this.store.authorCount(post.author) } }))
        : result.items.map(({ id, author, title, created_at }) => ({ id, author, title, created_at }));
      return withEtag(headers, JSON.stringify({ items, page, per_page: perPage, total: result.total }));
    }

    postId(raw) {
      if (!/^[+-]?\d+$/.test(raw) || !Number.isSafeInteger(Number(raw))) throw new HttpError(400, "post id must be a whole number");
      return Number(raw);
    }

    getPost(raw, headers) {
      const id = this.postId(raw);
      const post = this.store.get(id);
      if (!post) throw new HttpError(404, `no post with id ${id}`);
      return withEtag(headers, JSON.stringify(post));
    }

    createPost(headers, body) {
      const fields = Fields.parse(headers.get("content-type"), body);
      const input = { author: fields.string("author"), title: fields.string("title"), body: fields.string("body"), tags: fields.stringList("tags") };
      const checked = validatePost(input);
      if (Object.keys(fields.errors).length || checked.errors) {
        throw new HttpError(422, "validation failed", { fields: sorted({ ...(checked.errors || {}), ...fields.errors }) });
      }
      const post = this.store.insert(checked.post);
      const res = json(201, post);
      res.headers.Location = `/api/posts/${post.id}`;
      return res;
    }

    deletePost(raw, headers) {
      const auth = headers.get("authorization") || "";
      if (!auth.startsWith("Bearer ") || auth.slice(7).trim() !== this.adminToken) {
        const res = json(401, { error: "missing or wrong bearer token" });
        res.headers["WWW-Authenticate"] = "Bearer";
        return res;
      }
      const id = this.postId(raw);
      if (!this.store.delete(id)) throw new HttpError(404, `no post with id ${id}`);
      return { status: 204, headers: {}, body: null };
    }

    notify(headers, body) {
      const fields = Fields.parse(headers.get("content-type"), body);
      const title = fields.string("title").trim();
      const text = fields.string("body").trim();
      const errors = { ...fields.errors };
      const n = charCount(title);
      if (!errors.title && (n === 0 || n > 120)) errors.title = "must be 1–120 characters";
      if (!errors.body && charCount(text) > 1000) errors.body = "must be 0–1000 characters";
      if (Object.keys(errors).length) throw new HttpError(422, "validation failed", { fields: sorted(errors) });
      const event = this.hub.publish("notify", title, text);
      return json(202, { id: event.id });
    }

    // ── SSE ──

    /** The hub's stream for a request; `Last-Event-ID` wins over `?lastEventId=`. */
    sse(method, url, headers) {
      if (method !== "GET" && method !== "HEAD") throw new HttpError(405, "method not allowed");
      const raw = headers.get("last-event-id") ?? url.searchParams.get("lastEventId");
      const id = raw !== null && /^\s*\d+\s*$/.test(raw) ? Number(raw) : null;
      const stream = this.hub.stream(id);
      return {
        status: 200,
        headers: { "Content-Type": "text/event-stream", "Cache-Control": "no-cache" },
        body: stream,
        onAbort: () => stream.cancel().catch(() => {}),
      };
    }

    // ── GraphQL ──

    async graphql() {
      if (!this.gql) {
        this.gql = loadScript(`${this.assets}vendor/graphql.js`).then(() => {
          const lib = window.WirebookGraphQL;
          if (!lib) throw new Error("vendor/graphql.js did not load");
          return { lib, schema: lib.buildSchema(SDL) };
        });
      }
      return this.gql;
    }

    async graphqlHttp(method, url, headers, body) {
      const media = negotiate(headers.get("accept"));
      const gqlError = (status, m, message) => ({
        status, headers: { "Content-Type": m }, body: JSON.stringify({ errors: [{ message }] }),
      });
      if (!media) return gqlError(406, "application/json", "Accept must allow application/graphql-response+json or application/json");
      let request;
      if (method === "POST") {
        const delay = this.delay(url);
        if (delay) await sleep(delay);
        const ct = headers.get("content-type") || "";
        if (ct.split(";")[0].trim().toLowerCase() !== "application/json") {
          return gqlError(415, media, `POST a JSON body with Content-Type application/json, not ${JSON.stringify(ct)}`);
        }
        if (body.length > LIMITS.maxBody) return gqlError(413, media, `request body too large (limit ${LIMITS.maxBody} bytes)`);
        try {
          request = JSON.parse(body);
        } catch (err) {
          return gqlError(400, media, `malformed GraphQL request body: ${err.message}`);
        }
        if (!request || typeof request !== "object" || typeof request.query !== "string") {
          return gqlError(400, media, "malformed GraphQL request body: expected an object with a string `query`");
        }
      } else if (method === "GET") {
        const q = url.searchParams.get("query");
        if (q === null) {
          return { status: 404, headers: { "Content-Type": "text/plain; charset=utf-8" }, body: "The GraphQL explorer comes with the examples server; this demo runs in your browser." };
        }
        request = { query: q, operationName: url.searchParams.get("operationName") || undefined };
        const vars = url.searchParams.get("variables");
        if (vars !== null) {
          try {
            request.variables = JSON.parse(vars);
          } catch (err) {
            return gqlError(400, media, `variables must be JSON: ${err.message}`);
          }
        }
      } else {
        const res = gqlError(405, media, "method not allowed");
        res.headers.Allow = "GET,POST";
        return res;
      }
      const { lib, schema } = await this.graphql();
      const prepared = this.prepare(lib, schema, request);
      const respond = (status, payload) => ({ status, headers: { "Content-Type": media }, body: JSON.stringify(payload) });
      // Request errors (syntax, validation, limits) leave no `data`: 400 for the
      // new media type, 200 for legacy JSON (GraphQL over HTTP).
      const requestError = (errors) => respond(media === GRAPHQL_RESPONSE ? 400 : 200, { errors });
      if (prepared.errors) return requestError(prepared.errors);
      if (method === "GET" && prepared.operation.operation === "mutation") {
        const res = gqlError(405, media, "mutations must be sent with POST");
        res.headers.Allow = "POST";
        return res;
      }
      const result = await lib.execute({ schema, document: prepared.document, rootValue: this.rootValue, variableValues: request.variables, operationName: request.operationName });
      if (!result.data && result.errors && result.errors.every((e) => !e.path)) return requestError(result.errors.map(errorJson));
      return respond(200, resultJson(result));
    }

    /** Parse, validate and apply the server's depth and complexity limits. */
    prepare(lib, schema, request) {
      let document;
      try {
        document = lib.parse(request.query);
      } catch (err) {
        return { errors: [errorJson(err)] };
      }
      const errors = lib.validate(schema, document);
      if (errors.length) return { errors: errors.map(errorJson) };
      const operation = lib.getOperationAST(document, request.operationName || undefined);
      if (!operation) {
        return { errors: [{ message: request.operationName ? `Unknown operation named "${request.operationName}".` : "Must provide operation name if query contains multiple operations." }] };
      }
      const limits = measure(document, operation, request.variables || {});
      if (!limits.introspectionOnly && limits.depth > LIMITS.graphqlDepth) return { errors: [{ message: "Query is nested too deep." }] };
      if (limits.complexity > LIMITS.graphqlComplexity) return { errors: [{ message: "Query is too complex." }] };
      return { document, operation };
    }

    /** Root resolvers over the store: the same fields and rules as graphql/schema.rs. */
    resolvers() {
      const store = this.store;
      const limitArg = (limit) => {
        const n = limit ?? 10;
        if (n < 0) throw new Error(`Failed to parse "Int": the value is ${n}, must be greater than or equal to 0`);
        if (n > LIMITS.pageSize) throw new Error(`Failed to parse "Int": the value is ${n}, must be less than or equal to ${LIMITS.pageSize}`);
        return n;
      };
      const author = (name, count) => ({
        name,
        postCount: () => count ?? store.authorCount(name),
        posts: ({ limit }) => store.byAuthor(name, limitArg(limit)).map(postObject),
      });
      const postObject = (p) => ({
        id: String(p.id), title: p.title, body: p.body, tags: p.tags, createdAt: p.created_at, author: () => author(p.author),
      });
      return {
        posts: ({ limit, offset, q }) => {
          const n = limitArg(limit);
          if ((offset ?? 0) < 0) throw new Error(`Failed to parse "Int": the value is ${offset}, must be greater than or equal to 0`);
          if (q && charCount(q) > LIMITS.queryChars) throw new Error(`Failed to parse "String": the chars length is ${charCount(q)}, must be less than or equal to ${LIMITS.queryChars}`);
          const page = store.list({ limit: n, offset: offset ?? 0, q: q ? q.trim() || null : null });
          return { items: page.items.map(postObject), total: page.total };
        },
        post: ({ id }) => {
          if (!/^[+-]?\d+$/.test(id)) {
            // As on the server: an error beside a null, not a failed field.
            throw Object.assign(new Error("id must be a whole number"), { extensions: { field: "id" } });
          }
          const p = store.get(Number(id));
          return p ? postObject(p) : null;
        },
        authors: () => store.authors().map((a) => author(a.name, a.post_count)),
        tags: () => store.tags().map((name) => ({ name, posts: () => store.byTag(name, 50).map(postObject) })),
        addPost: (args) => {
          const checked = validatePost({ author: args.author, title: args.title, body: args.body, tags: args.tags || [] });
          if (checked.errors) {
            const errs = Object.entries(checked.errors).map(([field, message]) =>
              Object.assign(new Error(`${field} ${message}`), { extensions: { code: "BAD_USER_INPUT", field } }));
            if (errs.length === 1) throw errs[0];
            throw new AggregateErrors(errs);
          }
          return postObject(store.insert(checked.post));
        },
        postAdded: () => postAddedIterator(store, postObject),
      };
    }
  }

  /** Several field errors from one resolver (addPost names every bad argument). */
  class AggregateErrors extends Error {
    constructor(errors) {
      super(errors[0].message);
      this.errors = errors;
    }
  }

  const GRAPHQL_RESPONSE = "application/graphql-response+json";

  /** The response media type from `Accept` (graphql/http.rs `negotiate`); null means 406. */
  function negotiate(accept) {
    if (accept === null || accept === undefined) return "application/json";
    let best = null;
    for (const range of accept.split(",")) {
      const [essence, ...params] = range.split(";");
      const e = essence.trim().toLowerCase();
      const qp = params.map((p) => p.trim()).find((p) => p.startsWith("q="));
      const q = qp ? Number(qp.slice(2)) : 1;
      let media;
      if (e === GRAPHQL_RESPONSE || e === "application/*" || e === "*/*") media = GRAPHQL_RESPONSE;
      else if (e === "application/json") media = "application/json";
      else continue;
      const better = !best || q > best.q || (q === best.q && media === GRAPHQL_RESPONSE && best.media !== media);
      if (q > 0 && better) best = { media, q };
    }
    return best ? best.media : null;
  }

  function errorJson(err) {
    const out = { message: err.message };
    if (err.locations && err.locations.length) out.locations = err.locations;
    if (err.path) out.path = err.path;
    const ext = err.extensions && Object.keys(err.extensions).length ? err.extensions : err.originalError && err.originalError.extensions;
    if (ext && Object.keys(ext).length) out.extensions = ext;
    return out;
  }

  /** graphql-js's result, with the errors of a resolver that failed several ways spread out. */
  function resultJson(result) {
    const out = { data: result.data ?? null };
    if (result.errors && result.errors.length) {
      out.errors = result.errors.flatMap((e) => {
        const many = e.originalError && e.originalError.errors;
        if (!(e.originalError instanceof AggregateErrors) || !many) return [errorJson(e)];
        return many.map((inner) => ({ ...errorJson(e), message: inner.message, extensions: inner.extensions }));
      });
    }
    return out;
  }

  /**
   * Depth (fields nested) and complexity as async-graphql counts them with the
   * server's costs: a field is 1 plus its selection; `posts`/`Author.posts`
   * multiply their selection by `limit` (default 10), `Tag.posts` by 10.
   */
  function measure(document, operation, variables) {
    const fragments = {};
    for (const d of document.definitions) if (d.kind === "FragmentDefinition") fragments[d.name.value] = d;
    let introspectionOnly = true;
    const argValue = (node, name) => {
      const arg = (node.arguments || []).find((a) => a.name.value === name);
      if (!arg) return undefined;
      const v = arg.value;
      if (v.kind === "IntValue") return Number(v.value);
      if (v.kind === "Variable") return variables[v.name.value];
      return undefined;
    };
    const walk = (set, level, seen) => {
      let depth = level;
      let cost = 0;
      for (const sel of set.selections) {
        if (sel.kind === "Field") {
          const name = sel.name.value;
          if (level === 1 && !name.startsWith("__")) introspectionOnly = false;
          let child = { depth: level, cost: 0 };
          if (sel.selectionSet) child = walk(sel.selectionSet, level + 1, seen);
          depth = Math.max(depth, child.depth);
          // Tag.posts takes no limit and is costed as ten, the other lists' default.
          const factor = name === "posts" ? Math.max(argValue(sel, "limit") ?? 10, 1) : 1;
          cost += 1 + factor * child.cost;
        } else if (sel.kind === "InlineFragment") {
          const child = walk(sel.selectionSet, level, seen);
          depth = Math.max(depth, child.depth);
          cost += child.cost;
        } else if (sel.kind === "FragmentSpread") {
          const frag = fragments[sel.name.value];
          if (!frag || seen.has(frag)) continue;
          const child = walk(frag.selectionSet, level, new Set([...seen, frag]));
          depth = Math.max(depth, child.depth);
          cost += child.cost;
        }
      }
      return { depth, cost };
    };
    const { depth, cost } = walk(operation.selectionSet, 1, new Set());
    return { depth, complexity: cost, introspectionOnly };
  }

  function postAddedIterator(store, postObject) {
    const queue = [];
    let wake = null;
    let done = false;
    const off = store.onAdded((p) => {
      queue.push(p);
      if (wake) wake();
    });
    return {
      [Symbol.asyncIterator]() {
        return this;
      },
      async next() {
        while (!queue.length && !done) await new Promise((r) => { wake = r; });
        wake = null;
        if (done) return { done: true, value: undefined };
        return { done: false, value: { postAdded: postObject(queue.shift()) } };
      },
      async return() {
        done = true;
        off();
        if (wake) wake();
        return { done: true, value: undefined };
      },
    };
  }

  function json(status, value) {
    return { status, headers: { "Content-Type": "application/json" }, body: JSON.stringify(value) };
  }

  /** A JSON 200 with a weak ETag, or an empty 304 when `If-None-Match` has it. */
  function withEtag(headers, body) {
    const etag = etagFor(body);
    const ours = etag.replace(/^W\//, "");
    const hit = (headers.get("if-none-match") || "").split(",").map((t) => t.trim()).filter(Boolean)
      .some((t) => t === "*" || t.replace(/^W\//, "") === ours);
    const common = { ETag: etag, "Cache-Control": "no-cache" };
    if (hit) return { status: 304, headers: common, body: null };
    return { status: 200, headers: { "Content-Type": "application/json", ...common }, body };
  }

  const scripts = new Map();
  function loadScript(src) {
    if (!scripts.has(src)) {
      scripts.set(src, new Promise((resolve, reject) => {
        const s = document.createElement("script");
        s.src = src;
        s.async = true;
        s.onload = resolve;
        s.onerror = () => reject(new Error(`could not load ${src}`));
        document.head.append(s);
      }));
    }
    return scripts.get(src);
  }

  // ───────────────────────────── browser API stand-ins ─────────────────────────────

  /** `onopen`-style handler properties backed by listeners, as on the real objects. */
  function handlerProps(proto, names) {
    for (const name of names) {
      const key = Symbol(name);
      Object.defineProperty(proto, `on${name}`, {
        configurable: true,
        get() { return this[key] || null; },
        set(fn) {
          if (this[key]) this.removeEventListener(name, this[key]);
          this[key] = typeof fn === "function" ? fn : null;
          if (this[key]) this.addEventListener(name, this[key]);
        },
      });
    }
  }

  /**
   * A WebSocket for the backend's endpoints: the same API, events and close
   * codes as the browser's, with the backend playing the server. Events are
   * delivered as tasks, in order, as a real socket's are.
   */
  function makeWebSocketClass(backend) {
    class BrowserWebSocket extends EventTarget {
      constructor(url, protocols) {
        super();
        const u = new URL(String(url), location.href);
        if (!/^wss?:$/.test(u.protocol)) throw new DOMException(`The URL's scheme must be either 'ws' or 'wss'. '${u.protocol.slice(0, -1)}' is not allowed.`, "SyntaxError");
        this.url = u.toString();
        this.readyState = 0;
        this.protocol = "";
        this.extensions = "";
        this.bufferedAmount = 0;
        this.binaryType = "blob";
        const offered = protocols === undefined ? [] : [].concat(protocols).map(String);
        this.queue(() => this.handshake(u, offered));
      }

      queue(fn) {
        setTimeout(fn, 0);
      }

      handshake(u, offered) {
        if (this.readyState !== 0) return;
        let server;
        if (u.pathname === "/ws/chat") server = chatConnection(backend, this, u);
        else if (u.pathname === "/graphql/ws" || u.pathname === "/graphql") server = graphqlConnection(backend, this, offered);
        else server = { refused: "no such endpoint" };
        if (server.refused) {
          // An upgrade refused with an HTTP status: the browser reports error, then 1006.
          console.warn(`WebSocket connection to '${this.url}' failed: ${server.refused}`);
          this.readyState = 3;
          this.dispatchEvent(new Event("error"));
          this.dispatchEvent(new CloseEvent("close", { code: 1006, reason: "", wasClean: false }));
          return;
        }
        this.server = server;
        this.protocol = server.protocol || "";
        this.readyState = 1;
        this.dispatchEvent(new Event("open"));
        server.opened();
      }

      send(data) {
        if (this.readyState === 0) throw new DOMException("Failed to execute 'send' on 'WebSocket': Still in CONNECTING state.", "InvalidStateError");
        if (this.readyState !== 1) return;
        const text = typeof data === "string" ? data : null;
        this.queue(() => { if (this.server && this.readyState === 1) this.server.receive(text, data); });
      }

      /** Server side: a text frame to this client. */
      deliver(text) {
        this.queue(() => {
          if (this.readyState !== 1) return;
          this.dispatchEvent(new MessageEvent("message", { data: text, origin: new URL(this.url).origin }));
        });
      }

      close(code, reason) {
        if (code !== undefined && code !== 1000 && !(code >= 3000 && code <= 4999)) {
          throw new DOMException(`Failed to execute 'close' on 'WebSocket': The close code must be either 1000, or between 3000 and 4999. ${code} is neither.`, "InvalidAccessError");
        }
        if (this.readyState >= 2) return;
        if (this.readyState === 0) {
          this.readyState = 3;
          this.queue(() => this.dispatchEvent(new CloseEvent("close", { code: 1006, reason: "", wasClean: false })));
          return;
        }
        this.readyState = 2;
        this.finish(code ?? 1005, reason || "", true);
      }

      /** Server side: close with a code, as the server does for limits. */
      serverClose(code, reason) {
        if (this.readyState >= 2) return;
        this.readyState = 2;
        this.finish(code, reason, true);
      }

      finish(code, reason, wasClean) {
        const server = this.server;
        this.server = null;
        if (server) server.closed();
        this.queue(() => {
          this.readyState = 3;
          this.dispatchEvent(new CloseEvent("close", { code, reason, wasClean }));
        });
      }
    }
    Object.assign(BrowserWebSocket, { CONNECTING: 0, OPEN: 1, CLOSING: 2, CLOSED: 3 });
    Object.assign(BrowserWebSocket.prototype, { CONNECTING: 0, OPEN: 1, CLOSING: 2, CLOSED: 3 });
    handlerProps(BrowserWebSocket.prototype, ["open", "message", "error", "close"]);
    return BrowserWebSocket;
  }

  /** `/ws/chat?room=&name=`: ws/mod.rs's rules, limits and frames. */
  function chatConnection(backend, socket, u) {
    const checkName = (field, raw) => {
      const v = raw.trim();
      const n = charCount(v);
      if (n === 0 || n > LIMITS.nameMax || hasControl(v)) return { error: `${field} must be 1–${LIMITS.nameMax} characters without control characters` };
      return { value: v };
    };
    const room = checkName("room", u.searchParams.get("room") ?? "lobby");
    if (room.error) return { refused: `400: ${room.error}` };
    const rawName = u.searchParams.get("name");
    const name = rawName === null ? { value: `guest-${++backend.rooms.guests}` } : checkName("name", rawName);
    if (name.error) return { refused: `400: ${name.error}` };
    const member = { name: name.value, deliver: (text) => socket.deliver(text) };
    const sent = [];
    const error = (message) => socket.deliver(JSON.stringify({ type: "error", message, ts: nowMs() }));
    return {
      opened: () => backend.rooms.join(room.value, member),
      closed: () => backend.rooms.leave(room.value, member),
      receive: (text, raw) => {
        if (text === null) {
          if ((raw && (raw.byteLength ?? raw.size ?? 0)) > LIMITS.chatFrame) return socket.serverClose(1009, `message too big (limit ${LIMITS.chatFrame} bytes)`);
          return error("binary frames are not supported; send JSON text");
        }
        if (new TextEncoder().encode(text).length > LIMITS.chatFrame) return socket.serverClose(1009, `message too big (limit ${LIMITS.chatFrame} bytes)`);
        const now = nowMs();
        while (sent.length && now - sent[0] > LIMITS.chatRateWindowMs) sent.shift();
        sent.push(now);
        if (sent.length > LIMITS.chatRate) return socket.serverClose(1008, "rate limit exceeded");
        let frame;
        try {
          frame = JSON.parse(text);
        } catch (err) {
          return error(`malformed JSON: ${err.message}`);
        }
        if (!frame || typeof frame !== "object" || typeof frame.type !== "string") return error("malformed JSON: expected an object with a string `type`");
        if (frame.type !== "message") return error(`unknown message type ${JSON.stringify(frame.type)}; send {"type":"message","text":"…"}`);
        if (typeof frame.text !== "string") return error("text must be a string");
        if (charCount(frame.text.trim()) === 0 || charCount(frame.text) > LIMITS.chatText) return error(`text must be 1–${LIMITS.chatText} characters`);
        backend.rooms.say(room.value, member, frame.text);
        return undefined;
      },
    };
  }

  /** graphql-transport-ws (and the legacy graphql-ws) on `/graphql/ws`. */
  function graphqlConnection(backend, socket, offered) {
    const protocol = offered.includes("graphql-transport-ws") ? "graphql-transport-ws" : offered.includes("graphql-ws") ? "graphql-ws" : null;
    if (!protocol) return { refused: "400: a GraphQL WebSocket needs the subprotocol graphql-transport-ws" };
    const legacy = protocol === "graphql-ws";
    const T = legacy
      ? { next: "data", subscribe: "start", complete: "stop", done: "complete" }
      : { next: "next", subscribe: "subscribe", complete: "complete", done: "complete" };
    const active = new Map();
    let acked = false;
    const send = (msg) => socket.deliver(JSON.stringify(msg));
    const run = async (id, payload) => {
      const { lib, schema } = await backend.graphql();
      const prepared = backend.prepare(lib, schema, payload || {});
      if (prepared.errors) {
        // As async-graphql answers a refused subscription: a `next` with the errors.
        send({ id, type: T.next, payload: { errors: prepared.errors } });
        send({ id, type: T.done });
        return;
      }
      const args = { schema, document: prepared.document, rootValue: backend.rootValue, variableValues: payload.variables, operationName: payload.operationName };
      if (prepared.operation.operation !== "subscription") {
        const result = await lib.execute(args);
        if (active.has(id)) send({ id, type: T.next, payload: resultJson(result) });
        active.delete(id);
        send({ id, type: T.done });
        return;
      }
      const stream = await lib.subscribe(args);
      if (!stream[Symbol.asyncIterator]) {
        send({ id, type: T.next, payload: resultJson(stream) });
        send({ id, type: T.done });
        return;
      }
      if (!active.has(id)) return void stream.return();
      active.set(id, stream);
      for await (const result of stream) {
        if (!active.has(id)) break;
        send({ id, type: T.next, payload: resultJson(result) });
      }
    };
    return {
      protocol,
      opened: () => {},
      closed: () => {
        for (const s of active.values()) if (s && s.return) s.return();
        active.clear();
      },
      receive: (text) => {
        let msg;
        try {
          msg = JSON.parse(text);
        } catch {
          return socket.serverClose(4400, "Invalid message received");
        }
        switch (msg && msg.type) {
          case "connection_init":
            if (acked) return socket.serverClose(4429, "Too many initialisation requests");
            acked = true;
            return send({ type: "connection_ack" });
          case "ping":
            return send({ type: "pong" });
          case "pong":
            return undefined;
          case "connection_terminate":
            return socket.serverClose(1000, "");
          case T.subscribe:
            if (!acked) return socket.serverClose(4401, "Unauthorized");
            if (active.has(msg.id)) return socket.serverClose(4409, `Subscriber for ${msg.id} already exists`);
            active.set(msg.id, null);
            run(msg.id, msg.payload).catch((err) => send({ id: msg.id, type: "error", payload: [{ message: err.message }] }));
            return undefined;
          case T.complete: {
            const s = active.get(msg.id);
            active.delete(msg.id);
            if (s && s.return) s.return();
            return undefined;
          }
          default:
            return socket.serverClose(4400, "Invalid message received");
        }
      },
    };
  }

  /**
   * An EventSource for `/sse/news`: reads the backend's `text/event-stream`
   * body and dispatches events by the HTML standard's parsing rules (`event:`,
   * `data:`, `id:`, `retry:`), so the wire format is the server's own.
   */
  function makeEventSourceClass(backend) {
    class BrowserEventSource extends EventTarget {
      constructor(url, init) {
        super();
        this.url = new URL(String(url), location.href).toString();
        this.withCredentials = Boolean(init && init.withCredentials);
        this.readyState = 0;
        this.lastEventId = "";
        this.reconnectionTime = 3000;
        this.controller = new AbortController();
        setTimeout(() => this.connect(), 0);
      }

      async connect() {
        if (this.readyState === 2) return;
        const headers = this.lastEventId ? { "Last-Event-ID": this.lastEventId } : {};
        let res;
        try {
          res = await backend.handleFetch(this.url, { headers, signal: this.controller.signal });
        } catch {
          return;
        }
        if (this.readyState === 2) return;
        if (res.status !== 200 || !(res.headers.get("content-type") || "").startsWith("text/event-stream")) {
          this.readyState = 2;
          this.dispatchEvent(new Event("error"));
          return;
        }
        this.readyState = 1;
        this.dispatchEvent(new Event("open"));
        this.reader = res.body.getReader();
        const decoder = new TextDecoder();
        let buf = "";
        let data = "";
        let type = "";
        for (;;) {
          let chunk;
          try {
            chunk = await this.reader.read();
          } catch {
            break;
          }
          if (chunk.done || this.readyState === 2) break;
          buf += decoder.decode(chunk.value, { stream: true });
          let m;
          while ((m = /\r\n|\r|\n/.exec(buf))) {
            const line = buf.slice(0, m.index);
            buf = buf.slice(m.index + m[0].length);
            if (line === "") {
              if (data) {
                const ev = new MessageEvent(type || "message", { data: data.replace(/\n$/, ""), lastEventId: this.lastEventId, origin: new URL(this.url).origin });
                this.dispatchEvent(ev);
              }
              data = "";
              type = "";
              continue;
            }
            if (line.startsWith(":")) continue;
            const colon = line.indexOf(":");
            const field = colon < 0 ? line : line.slice(0, colon);
            let value = colon < 0 ? "" : line.slice(colon + 1);
            if (value.startsWith(" ")) value = value.slice(1);
            if (field === "data") data += `${value}\n`;
            else if (field === "event") type = value;
            else if (field === "id" && !value.includes("\0")) this.lastEventId = value;
            else if (field === "retry" && /^\d+$/.test(value)) this.reconnectionTime = Number(value);
          }
        }
        if (this.readyState === 2) return;
        // The stream ended: reconnect after `retry:`, sending Last-Event-ID.
        this.readyState = 0;
        this.dispatchEvent(new Event("error"));
        setTimeout(() => this.connect(), this.reconnectionTime);
      }

      close() {
        this.readyState = 2;
        this.controller.abort();
        if (this.reader) this.reader.cancel().catch(() => {});
      }
    }
    Object.assign(BrowserEventSource, { CONNECTING: 0, OPEN: 1, CLOSED: 2 });
    Object.assign(BrowserEventSource.prototype, { CONNECTING: 0, OPEN: 1, CLOSED: 2 });
    handlerProps(BrowserEventSource.prototype, ["open", "message", "error"]);
    return BrowserEventSource;
  }

  window.WirebookBackend = {
    /** One backend per page: `origin` is the examples server's, `assets` where vendor/ lives. */
    create(options) {
      if (!window.WirebookBackend.instance) window.WirebookBackend.instance = new Backend(options);
      return window.WirebookBackend.instance;
    },
    /** A backend of its own (fresh store, rooms and events): for contract tests. */
    fresh(options) {
      return new Backend(options);
    },
  };
})();
