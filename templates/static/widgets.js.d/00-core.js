/*! wirebook widgets — live protocol demos and runnable snippets.
 *
 * Turns the generator's `<figure class="wb-demo" data-demo="KIND">` blocks into
 * working demos of Ajax/REST, WebSocket, SSE and GraphQL against the examples
 * server, and `<div class="wb-run" data-run>` blocks into editable, runnable
 * JavaScript snippets. Plain browser JavaScript, no dependencies.
 *
 * The HTML contract, author syntax and the stable test hooks (`data-demo`,
 * `data-state`, button names, `role="log"`) are documented in docs/widgets.md.
 * Sections, in order: core helpers · failure explanations · widget chrome ·
 * ajax · websocket · sse · graphql · compare · runnable snippets · boot.
 */

// ───────────────────────────── core helpers ─────────────────────────────

/** Base URL of the examples server, without a trailing slash. */
const EXAMPLES = (() => {
  const meta = document.querySelector('meta[name="wirebook:examples"]');
  const raw = ((meta && meta.getAttribute("content")) || "").trim();
  if (raw) return raw.replace(/\/+$/, "");
  // Empty means "same origin" (what `wirebook serve` provides). A page opened
  // from a file has no origin; the in-browser backend answers for this name.
  return /^https?:$/.test(location.protocol) ? location.origin : "http://examples.localhost";
})();

/**
 * Where the demos run, chosen by the generator (`<meta name="wirebook:backend">`):
 * `server` (the examples server at EXAMPLES, e.g. `wirebook serve`), `browser`
 * (no server: a static host such as GitHub Pages), or `auto` (a configured
 * server, used when it answers, else the in-browser backend).
 */
const BACKEND_MODE = (() => {
  const meta = document.querySelector('meta[name="wirebook:backend"]');
  const v = ((meta && meta.getAttribute("content")) || "auto").trim();
  return ["server", "browser", "auto"].includes(v) ? v : "auto";
})();

/** Where this script came from: backend.js and vendor/ sit beside it (base path included). */
const ASSETS = (() => {
  const src = document.currentScript && document.currentScript.src;
  const url = new URL(src || "assets/widgets.js", location.href);
  return { base: new URL(".", url).toString(), version: url.search };
})();

/** Advice to run cargo belongs on the author's own machine, never on a published site. */
const ON_LOCALHOST = location.protocol === "file:" ||
  /^(localhost|127\.\d+\.\d+\.\d+|\[::1\])$/.test(location.hostname) || location.hostname.endsWith(".localhost");

/** The page's language picks the widgets' words (`lang="ko…"` → the `ko` table), else English. */
const LANG = (document.documentElement.getAttribute("lang") || "en").toLowerCase().split("-")[0];

/**
 * `t("Send")` in the page's language. The tables are the theme's, shared with
 * the templates: templates/i18n/LANG.toml, keyed by the English text; the
 * generator writes them into this bundle as `MESSAGES` (part 05-messages.js).
 * `{name}` placeholders are filled from `vars`, and a string without a
 * translation stays English.
 */
function t(text, vars) {
  const table = MESSAGES[LANG];
  const out = (table && table[text]) || text;
  return vars ? out.replace(/\{(\w+)\}/g, (m, k) => (k in vars ? String(vars[k]) : m)) : out;
}

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
    el("label", { for: input.id }, t(label)), input);
  if (hint) {
    const h = el("small", { class: "wb-hint", id: nextId("wb-h") }, t(hint));
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
