(() => {
"use strict";

// ── widgets.js: 00-core.js
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

// ── widgets.js: 05-messages.js
// Generated from templates/i18n/*.toml (and the site's [messages]) by the generator.
const MESSAGES = {"ja":{"Atom feed":"Atom フィード","Built with wirebook":"wirebook で作成","Categories":"カテゴリー","Caution":"注意","Close":"閉じる","Contents":"目次","Copied":"コピーしました","Copy":"コピー","Copy code to clipboard":"コードをクリップボードにコピー","Feed":"フィード","Important":"重要","Link to this section":"この節へのリンク","More posts":"ほかの記事","More results":"さらに表示","Newer →":"次の記事 →","No posts yet.":"まだ記事がありません。","No results for “{q}”":"「{q}」に一致する結果はありません","None yet.":"まだありません。","Note":"注記","Older →":"古い記事 →","Page not found":"ページが見つかりません","Pages":"ページ","Posts · page {n} of {total}":"記事一覧 · {n} / {total} ページ","Search":"検索","Search needs JavaScript. Browse the categories and tags instead.":"検索には JavaScript が必要です。カテゴリーとタグから記事を探してください。","Search posts":"記事を検索","Search this site":"サイト内検索","Site":"サイト","Skip to content":"本文へスキップ","Table (scrolls sideways)":"表（横にスクロールします）","Table of contents":"目次","Tags":"タグ","The search index could not be loaded.":"検索インデックスを読み込めませんでした。","There is no page at this address. It may have moved.":"このアドレスにはページがありません。移動した可能性があります。","Tip":"ヒント","Toggle dark mode":"ダークモードの切り替え","Type to search. Enter opens the first result; ↑ ↓ move between results; Esc closes.":"入力するとすぐに検索します。Enter で最初の結果を開き、↑ ↓ で結果を移動し、Esc で閉じます。","Warning":"警告","page {n}":"{n}ページ","{n} min read":"{n}分で読めます","{n} posts":"{n}件の記事","{n} results":"{n}件の結果","← Back to the home page":"← ホームに戻る","← Newer":"← 新しい記事","← Older":"← 前の記事"},"ko":{" matching “{q}”":" 중 “{q}” 검색 결과"," · arrived {ms} after POST":" · POST 후 {ms} 만에 도착"," · replayed after reconnect":" · 재연결 후 다시 받음"," · showing {n}":" · {n}개 표시"," · stream is down: this one arrives on reconnect":" · 스트림이 끊긴 상태: 재연결하면 도착합니다"," · the push beat the POST response":" · 푸시가 POST 응답보다 먼저 왔습니다"," · watch it arrive in the ticker":" · 티커에 도착하는 것을 보세요"," · {size} compressed on the wire":" · 압축해서 {size} 전송"," · ↑ sent by the browser, ↓ pushed by the server":" · ↑ 브라우저가 보냄, ↓ 서버가 밀어 줌","(none yet)":"(아직 없음)","(none)":"(없음)","(server delay {ms} ms)":"(서버 지연 {ms} ms)","Ajax polling":"Ajax 폴링","Ajax vs WebSocket vs SSE vs GraphQL, measured":"Ajax, WebSocket, SSE, GraphQL 직접 재 보기","Ajax: request and response":"Ajax: 요청과 응답","Asks the server to wait this long before answering (delay_ms)":"서버가 응답하기 전에 이만큼 기다리게 합니다(delay_ms)","Atom feed":"Atom 피드","Author":"작성자","Body":"본문","Breaking: SSE works":"속보: SSE가 동작합니다","Built with wirebook":"wirebook으로 만듦","Bytes on the wire":"전송된 바이트","Bytes received":"받은 바이트","Categories":"카테고리","Caution":"주의","Close":"닫기","Comma separated, optional":"쉼표로 구분, 선택 사항","Connect":"연결","Connection dropped. Publish something now — you'll miss it live. Reconnecting in {s} s with Last-Event-ID: {id}…":"연결을 끊었습니다. 지금 뭔가 발행해 보세요. 실시간으로는 놓치게 됩니다. {s}초 뒤 Last-Event-ID: {id}와 함께 다시 연결합니다…","Connection lost — reconnecting in {s} s (attempt {n})…":"연결이 끊겼습니다. {s}초 뒤 다시 연결합니다({n}번째 시도)…","Connection lost. The browser retries on its own (the server asked for retry: 2000 ms) and will send Last-Event-ID: {id}.":"연결이 끊겼습니다. 브라우저가 알아서 다시 시도하며(서버가 retry: 2000 ms를 요청함) 그때 Last-Event-ID: {id} 헤더를 보냅니다.","Connections dropped. Watch each participant reconnect with backoff; the server's history frame fills in what was said meanwhile.":"연결을 끊었습니다. 참가자마다 간격을 늘려 가며 다시 연결하는 것을 보세요. 그 사이에 오간 말은 서버의 history 프레임이 채워 줍니다.","Contents":"목차","Copied":"복사됨","Copy":"복사","Copy as {tool}":"{tool} 명령으로 복사","Copy code to clipboard":"코드를 클립보드에 복사","Could not open a WebSocket: {error}":"WebSocket을 열 수 없습니다: {error}","Created post #{id} ({status}). The list below is fetched again to show it.":"새 글 #{id}이 만들어졌습니다({status}). 아래 목록을 다시 받아 보여 줍니다.","Cross-origin: the browser only shows headers the server exposes via CORS.":"교차 출처: 브라우저는 서버가 CORS로 노출한 헤더만 보여 줍니다.","Ctrl+Enter runs":"Ctrl+Enter로 실행","Demo controls":"데모 조작","Dir":"방향","Disconnect":"연결 끊기","Done. Polling pays in latency and requests; the push techniques keep one connection open and deliver at once.":"끝났습니다. 폴링은 지연 시간과 요청 수로 대가를 치르고, 푸시 기술은 연결 하나를 열어 두고 바로 전달합니다.","Drop connection":"연결 끊어 보기","Event ids started over: the server was restarted, so events from before are gone.":"이벤트 id가 처음부터 다시 시작했습니다. 서버가 재시작되어 이전 이벤트는 사라졌습니다.","Everyone is back. Messages sent while a participant was away came in with the server's history frame (dashed outline).":"모두 돌아왔습니다. 참가자가 없는 동안 보낸 메시지는 서버의 history 프레임으로 들어왔습니다(점선 테두리).","Failed":"실패","Feed":"피드","Fields to ask for":"요청할 필드","Finished in {ms}":"{ms} 만에 끝남","Finished in {ms} · still listening (Stop closes {n} connection)":"{ms} 만에 끝남 · 계속 듣는 중(중지하면 연결 {n}개를 닫습니다)","Finished in {ms} · still listening (Stop closes {n} connections)":"{ms} 만에 끝남 · 계속 듣는 중(중지하면 연결 {n}개를 닫습니다)","Frame":"프레임","Frame log":"프레임 기록","Getting the next {n} updates, four ways":"다음 업데이트 {n}개를 받는 네 가지 방법","GraphQL errors: {errors}":"GraphQL 오류: {errors}","GraphQL moved as many bytes or more — you asked for (nearly) everything, so there is nothing to save.":"GraphQL이 같거나 더 많은 바이트를 옮겼습니다. (거의) 모든 필드를 요청해서 아낄 것이 없습니다.","GraphQL moved {saved}% fewer bytes: it sent only the {n} field(s) you asked for. REST sends every field of every post.":"GraphQL이 {saved}% 적은 바이트를 옮겼습니다. 요청한 필드 {n}개만 보냈기 때문입니다. REST는 모든 글의 모든 필드를 보냅니다.","GraphQL query (edit freely; ticking a box rebuilds it)":"GraphQL 쿼리(자유롭게 고치세요. 체크박스를 누르면 다시 만듭니다)","GraphQL subscription":"GraphQL 구독","GraphQL: ask for exactly what you need":"GraphQL: 필요한 것만 정확히 요청하기","Hello, Ajax":"안녕, Ajax","History: {n} message sent while you were away.":"기록: 자리를 비운 동안 메시지 {n}개가 왔습니다.","History: {n} messages sent while you were away.":"기록: 자리를 비운 동안 메시지 {n}개가 왔습니다.","How many posts":"글 개수","Important":"중요","Inspect {request}":"{request} 살펴보기","Inspector":"살펴보기","Its operator can allow it with `--allow-origin {page}`.":"서버 운영자가 `--allow-origin {page}`로 허용할 수 있습니다.","JavaScript snippet (Tab indents; press Escape then Tab to leave the editor)":"자바스크립트 스니펫(Tab은 들여쓰기, 편집기를 벗어나려면 Escape 다음 Tab)","Latency: from the moment an update is sent until the receiving side sees it. ":"지연 시간: 업데이트를 보낸 순간부터 받는 쪽이 볼 때까지. ","Link to this section":"이 절로 가는 링크","Live ticker":"실시간 티커","Markdown source of this demo":"이 데모의 마크다운 원문","Median latency":"지연 시간 중앙값","Message as {name}":"{name}의 메시지","More posts":"다른 글","More results":"결과 더 보기","New post":"새 글","Newer →":"다음 글 →","News ticker":"뉴스 티커","No answer from {url} within {s} s. The server is reachable but did not respond in time — turn the latency knob down, or check the server's log.":"{url}에서 {s}초 안에 응답이 없습니다. 서버에는 연결되지만 제때 답하지 않았습니다. 지연 시간 슬라이더를 낮추거나 서버 로그를 확인하세요.","No posts match.":"맞는 글이 없습니다.","No posts yet.":"아직 글이 없습니다.","No results for “{q}”":"“{q}”에 대한 결과가 없습니다","None yet.":"아직 없습니다.","Not run yet.":"아직 실행하지 않았습니다.","Note":"참고","Note: {n} event id skipped between #{prev} and #{id}.":"참고: #{prev}부터 #{id} 사이에서 이벤트 id {n}개가 빠졌습니다.","Note: {n} event ids skipped between #{prev} and #{id}.":"참고: #{prev}부터 #{id} 사이에서 이벤트 id {n}개가 빠졌습니다.","Older →":"지난 글 →","Output appears here.":"출력이 여기에 나타납니다.","POST /api/notify, the event stream pushes it":"POST /api/notify를 하면 이벤트 스트림이 밀어 줌","POST a post, GET the list every 1 s until it shows up":"글을 POST하고, 나타날 때까지 1초마다 목록을 GET","Page not found":"페이지를 찾을 수 없음","Pages":"페이지","Poll every {s} s":"{s}초마다 폴링","Polling: the browser asks again every {s} s, whether or not anything changed. Watch the inspector fill up.":"폴링: 바뀐 것이 있든 없든 브라우저가 {s}초마다 다시 묻습니다. 살펴보기 칸이 채워지는 것을 보세요.","Posts":"글 목록","Posts · page {n} of {total}":"글 목록 · {total}페이지 중 {n}페이지","Publish":"발행","Publish a notification":"알림 발행","Publish results":"발행 결과","Pushed by the server over a plain HTTP response.":"평범한 HTTP 응답으로 서버가 밀어 준 소식입니다.","Reconnect now":"지금 다시 연결","Reconnected.":"다시 연결되었습니다.","Reconnecting with Last-Event-ID: {id} (sent as ?lastEventId=, because a new EventSource cannot set headers).":"Last-Event-ID: {id}와 함께 다시 연결합니다(새 EventSource는 헤더를 정할 수 없어서 ?lastEventId=로 보냅니다).","Refresh list":"목록 새로 고침","Request body":"요청 본문","Request headers":"요청 헤더","Request inspector":"요청 살펴보기","Requests":"요청","Requests / conn.":"요청 / 연결","Requests / connections":"요청 / 연결","Requests / connections: what the receiving side had to open. Bytes: response bodies and frames received, headers not counted.":"요청 / 연결: 받는 쪽이 열어야 했던 것. 바이트: 받은 응답 본문과 프레임, 헤더는 세지 않음.","Requests appear here as they happen.":"요청이 일어나는 대로 여기에 나타납니다.","Reset":"되돌리기","Response body":"응답 본문","Response body bytes as received (headers not counted).":"받은 응답 본문의 바이트 수(헤더는 세지 않음).","Response headers":"응답 헤더","Resumed with Last-Event-ID: {from} — {n} delivered, but some ids are missing (the server keeps only recent events).":"Last-Event-ID: {from} 다음부터 이어 받았습니다. {n}이 왔지만 빠진 id가 있습니다(서버는 최근 이벤트만 보관합니다).","Resumed with Last-Event-ID: {from} — {n} delivered, none lost.":"Last-Event-ID: {from} 다음부터 이어 받았습니다. {n}이 왔고 잃은 것은 없습니다.","Retry":"다시 시도","Run":"실행","Run comparison":"비교 실행","Run query":"쿼리 실행","Run the query to compare what GraphQL and REST send for the same posts.":"쿼리를 실행해 같은 글에 대해 GraphQL과 REST가 보내는 양을 비교해 보세요.","Running…":"실행 중…","SSE":"SSE","Say something as {name}":"{name} 이름으로 말하기","Search":"검색","Search needs JavaScript. Browse the categories and tags instead.":"검색에는 JavaScript가 필요합니다. 카테고리와 태그에서 글을 찾아보세요.","Search posts":"글 검색","Search this site":"사이트 검색","Select and copy":"선택해서 복사하세요","Send":"보내기","Sent with fetch() as JSON":"fetch()로 JSON을 보냅니다","Server latency":"서버 지연","Server-Sent Events: a news ticker":"Server-Sent Events: 뉴스 티커","Server: {message}":"서버: {message}","Set by the room setting":"room 설정으로 정합니다","Site":"사이트","Size":"크기","Skip to content":"본문으로 건너뛰기","Snippet controls":"스니펫 조작","Snippet output":"스니펫 출력","Something answered at {where}, but not the examples server (it sent {type}, not JSON).":"{where}에서 무언가 응답했지만 예제 서버가 아닙니다(JSON이 아닌 {type}을(를) 보냈습니다).","Start it with `cargo run -p examples-server -- --allow-origin {page}`.":"`cargo run -p examples-server -- --allow-origin {page}`로 서버를 실행하세요.","Status":"상태","Stop":"중지","Stopped":"중지됨","Stopped.":"중지했습니다.","Submit post":"글 올리기","Syntax error":"구문 오류","Table (scrolls sideways)":"표(옆으로 스크롤)","Table of contents":"목차","Tags":"태그","Technique":"기술","The examples server at {server} answered, but its CORS policy does not allow this page's origin ({page}), so the browser hid the response.":"{server}의 예제 서버가 응답했지만, CORS 정책이 이 페이지의 오리진({page})을 허용하지 않아 브라우저가 응답을 숨겼습니다.","The examples server at {where} did not answer in time, so this demo runs in your browser instead.":"{where}의 예제 서버가 제때 응답하지 않아, 이 데모는 대신 브라우저 안에서 실행됩니다.","The examples server at {where} does not allow this site's origin, so this demo runs in your browser instead.":"{where}의 예제 서버가 이 사이트의 오리진을 허용하지 않아, 이 데모는 대신 브라우저 안에서 실행됩니다.","The examples server at {where} isn't reachable, so this demo runs in your browser instead.":"{where}의 예제 서버에 연결할 수 없어, 이 데모는 대신 브라우저 안에서 실행됩니다.","The examples server isn't reachable at {where}. The rest of this page works without it.":"{where}의 예제 서버에 연결할 수 없습니다. 페이지의 나머지 부분은 서버 없이도 동작합니다.","The examples server isn't reachable at {where}. The rest of this page works without it. To try this demo, start it locally:":"{where}의 예제 서버에 연결할 수 없습니다. 페이지의 나머지 부분은 서버 없이도 동작합니다. 이 데모를 써 보려면 로컬에서 서버를 실행하세요:","The search index could not be loaded.":"검색 색인을 불러오지 못했습니다.","The server answered {status}":"서버 응답: {status}","The server at {server} refused the WebSocket handshake. WebSockets are not subject to CORS, but the server checks the Origin header and does not allow this page's origin ({page}).":"{server}의 서버가 WebSocket 핸드셰이크를 거부했습니다. WebSocket에는 CORS가 적용되지 않지만, 서버가 Origin 헤더를 확인해 이 페이지의 오리진({page})을 허용하지 않았습니다.","The server checks input too — fix the marked fields.":"서버도 입력을 검사합니다. 표시된 칸을 고치세요.","There is no page at this address. It may have moved.":"이 주소에는 페이지가 없습니다. 옮겨졌을 수 있습니다.","This demo runs in your browser: a copy of the examples server's REST, WebSocket, SSE and GraphQL endpoints answers inside this page, so nothing leaves your browser.":"이 데모는 브라우저 안에서 실행됩니다. 예제 서버의 REST, WebSocket, SSE, GraphQL 엔드포인트를 옮긴 구현이 이 페이지 안에서 응답하므로, 어떤 요청도 브라우저 밖으로 나가지 않습니다.","This page is served over https but the examples server at {where} is plain http, which browsers block, so this demo runs in your browser instead.":"이 페이지는 https인데 {where}의 예제 서버는 암호화되지 않은 http라서 브라우저가 차단합니다. 그래서 이 데모는 대신 브라우저 안에서 실행됩니다.","This page is served over https, but the examples server is at {origin} (plain http/ws). Browsers block such mixed content. Serve the examples server over https, or open the site over http (for example with `wirebook serve`).":"이 페이지는 https로 제공되지만 예제 서버는 {origin}(암호화되지 않은 http/ws)에 있습니다. 브라우저는 이런 혼합 콘텐츠를 차단합니다. 예제 서버를 https로 제공하거나, 사이트를 http로 여세요(예: `wirebook serve`).","Time":"시각","Tip":"팁","Title":"제목","Toggle dark mode":"다크 모드 전환","Try it in a terminal":"터미널에서 해 보기","Type to search. Enter opens the first result; ↑ ↓ move between results; Esc closes.":"입력하면 바로 찾습니다. Enter는 첫 결과를 열고, ↑ ↓로 결과 사이를 옮기며, Esc로 닫습니다.","Uncaught {error}":"잡히지 않은 오류: {error}","Unhandled promise rejection: {error}":"처리되지 않은 프로미스 거부: {error}","Waiting for events. The server pushes canned news every 15 s — or press Publish.":"이벤트를 기다리는 중입니다. 서버가 15초마다 준비된 뉴스를 밀어 줍니다. 발행을 눌러도 됩니다.","Warning":"경고","WebSocket":"WebSocket","WebSocket frames":"WebSocket 프레임","WebSocket: a chat room":"WebSocket: 채팅방","Who":"누구","addPost failed: {errors}":"addPost 실패: {errors}","addPost mutation, postAdded over graphql-transport-ws":"addPost 뮤테이션, graphql-transport-ws로 postAdded","code {code}":"코드 {code}","connected":"연결됨","connecting…":"연결 중…","could not load {src}":"{src}을(를) 불러올 수 없습니다","done":"완료","dropped on purpose by the reader":"독자가 일부러 끊음","error":"오류","failed: {error}":"실패: {error}","idle":"대기","in your browser":"브라우저 안에서","last event id: {id} · received: {n} · reconnects: {r}":"마지막 이벤트 id: {id} · 받음: {n} · 재연결: {r}","message too big (limit 16 KiB)":"메시지가 너무 큽니다(제한 16 KiB)","no content type":"콘텐츠 유형 없음","normal closure":"정상 종료","not run":"실행 전","one socket sends a chat message, another receives it":"한 소켓이 채팅 메시지를 보내고 다른 소켓이 받음","only {done} of {n} updates arrived in time":"업데이트 {n}개 중 {done}개만 제때 도착했습니다","page {n}":"{n}페이지","policy violation — too many messages (rate limit: 20 per 10 s)":"정책 위반 — 메시지가 너무 많습니다(제한: 10초에 20개)","received":"받음","response body size":"응답 본문 크기","room:":"방:","running":"실행 중","runs in your browser":"브라우저 안에서 실행","sent":"보냄","server error":"서버 오류","server offline":"서버 꺼짐","site and endpoints on one origin":"사이트와 엔드포인트를 한 오리진에서","subscription error":"구독 오류","the connection dropped without a close frame (network or server gone)":"종료 프레임 없이 연결이 끊겼습니다(네트워크나 서버가 사라짐)","the endpoints alone":"엔드포인트만","the same posts over REST:":"같은 글을 REST로:","the sending socket closed: {why}":"보내는 소켓이 닫혔습니다: {why}","the server is going away":"서버가 내려가는 중","the server limits writes per minute (429 Too Many Requests) — wait a minute and run again":"서버가 분당 쓰기를 제한합니다(429 Too Many Requests). 1분 기다렸다가 다시 실행하세요","then type a frame and press Enter:":"이어서 프레임을 입력하고 Enter를 누르세요:","time from sending the request to the last byte of the response":"요청을 보낸 때부터 응답의 마지막 바이트까지 걸린 시간","title or author":"제목 또는 작성자","you":"나","{done}/{n} updates":"업데이트 {done}/{n}","{name} is not connected yet — press Connect first.":"{name} 님은 아직 연결되지 않았습니다. 먼저 연결을 누르세요.","{name} joined":"{name} 님이 들어왔습니다","{name} left":"{name} 님이 나갔습니다","{name} response":"{name} 응답","{name}'s chat":"{name}의 대화","{name}'s connection was closed by the server: {why}":"서버가 {name}의 연결을 닫았습니다: {why}","{name}'s view":"{name}의 화면","{n} connection":"연결 {n}개","{n} connections":"연결 {n}개","{n} in room":"방에 {n}명","{n} min read":"{n}분 분량","{n} missed event":"놓친 이벤트 {n}개","{n} missed events":"놓친 이벤트 {n}개","{n} post on the server":"서버에 글 {n}개","{n} posts":"글 {n}개","{n} posts on the server":"서버에 글 {n}개","{n} request":"요청 {n}개","{n} requests":"요청 {n}개","{n} results":"결과 {n}개","{url} answered {status} with {type}, not JSON: that is not the examples server.":"{url}이(가) JSON이 아닌 {type}(으)로 {status} 응답을 보냈습니다. 예제 서버가 아닙니다.","← Back to the home page":"← 홈으로 돌아가기","← Newer":"← 최신 글","← Older":"← 이전 글"},"zh":{"Atom feed":"Atom 订阅","Built with wirebook":"由 wirebook 构建","Categories":"分类","Caution":"小心","Close":"关闭","Contents":"目录","Copied":"已复制","Copy":"复制","Copy code to clipboard":"将代码复制到剪贴板","Feed":"订阅","Important":"重要","Link to this section":"链接到本节","More posts":"更多文章","More results":"更多结果","Newer →":"下一篇 →","No posts yet.":"还没有文章。","No results for “{q}”":"没有与“{q}”匹配的结果","None yet.":"暂无。","Note":"注意","Older →":"较早的文章 →","Page not found":"找不到页面","Pages":"分页","Posts · page {n} of {total}":"文章 · 第 {n} 页，共 {total} 页","Search":"搜索","Search needs JavaScript. Browse the categories and tags instead.":"搜索需要 JavaScript。请通过分类和标签浏览文章。","Search posts":"搜索文章","Search this site":"站内搜索","Site":"站点","Skip to content":"跳到正文","Table (scrolls sideways)":"表格（可横向滚动）","Table of contents":"目录","Tags":"标签","The search index could not be loaded.":"无法加载搜索索引。","There is no page at this address. It may have moved.":"此地址没有页面，它可能已被移动。","Tip":"提示","Toggle dark mode":"切换深色模式","Type to search. Enter opens the first result; ↑ ↓ move between results; Esc closes.":"输入即可搜索。Enter 打开第一个结果，↑ ↓ 在结果间移动，Esc 关闭。","Warning":"警告","page {n}":"第 {n} 页","{n} min read":"阅读约需 {n} 分钟","{n} posts":"{n} 篇文章","{n} results":"{n} 个结果","← Back to the home page":"← 返回首页","← Newer":"← 较新的文章","← Older":"← 上一篇"}};

// ── widgets.js: 10-failures.js
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
  return ON_LOCALHOST
    ? t("The examples server isn't reachable at {where}. " +
      "The rest of this page works without it. To try this demo, start it locally:", { where })
    : t("The examples server isn't reachable at {where}. The rest of this page works without it.", { where });
}

/** How to let this page's origin in: the command on the author's machine, the flag elsewhere. */
function allowOriginHint(page) {
  return ON_LOCALHOST
    ? t("Start it with `cargo run -p examples-server -- --allow-origin {page}`.", { page })
    : t("Its operator can allow it with `--allow-origin {page}`.", { page });
}

/**
 * Work out why a network call failed, in plain words. `fetch` only says
 * "TypeError: Failed to fetch" for a stopped server, a CORS refusal and
 * mixed content alike; an opaque `no-cors` probe tells the first two apart.
 */
async function diagnose(url, { timedOut = false, timeoutMs = 0 } = {}) {
  if (timedOut) {
    return new DemoError("timeout",
      t("No answer from {url} within {s} s. The server is reachable " +
        "but did not respond in time — turn the latency knob down, or check the server's log.",
      { url, s: Math.round(timeoutMs / 1000) }));
  }
  if (!url) return new DemoError("offline", offlineMessage());
  if (isMixedContent(url)) {
    return new DemoError("mixed",
      t("This page is served over https, but the examples server is at {origin} " +
        "(plain http/ws). Browsers block such mixed content. Serve the examples server over " +
        "https, or open the site over http (for example with `wirebook serve`).",
      { origin: new URL(url).origin }));
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
    t("The examples server at {server} answered, but its CORS policy does not " +
      "allow this page's origin ({page}), so the browser hid the response.",
    { server: new URL(probe).origin, page: location.origin }) + " " + allowOriginHint(location.origin));
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
    const res = await net.fetch(url, { method, headers: reqHeaders, body, signal: ctl.signal, cache: "no-store" });
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
  } catch (err) {
    if (signal && signal.aborted) throw new DemoError("aborted", "Stopped.");
    throw await diagnose(url, { timedOut, timeoutMs });
  } finally {
    clearTimeout(timer);
    if (signal) signal.removeEventListener("abort", onAbort);
  }
  // Every answer of the examples server but 204 and 304 is JSON: anything else
  // (a static host's HTML error page) came from something else, and the demo
  // must not present it as the server's answer.
  if (rec.json === undefined && rec.status !== 204 && rec.status !== 304) {
    const type = (rec.resHeaders.find(([k]) => k === "content-type") || [])[1];
    const u = new URL(url);
    throw new DemoError("protocol", t("{url} answered {status} with {type}, not JSON: that is not the examples server.",
      { url: u.origin + u.pathname, status: rec.status, type: type ? type.split(";")[0] : t("no content type") }));
  }
  return rec;
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
  return t("The server answered {status}", { status: `${rec.status} ${rec.statusText || ""}`.trim() }) +
    (j.error ? ` — ${j.error}` : "") + (fields ? ` (${fields})` : "") + ".";
}

// ── widgets.js: 15-backend.js
// ─────────────────────────── where the demos run ───────────────────────────

/**
 * The network the widgets and snippets use. `net.fetch`, `net.socket()` and
 * `net.events()` reach the examples server or, when the page has none (a static
 * host) or it does not answer, the in-browser backend (assets/backend.js), which
 * answers the same requests inside this tab. Requests for any other origin go
 * to the real network either way.
 */
const net = {
  /** "server" or "browser", once `chooseBackend()` has settled. */
  kind: null,
  /** Why a configured server is not used (a DemoError), shown in one line. */
  reason: null,
  backend: null,
  ready: null,

  routed(url) {
    return this.kind === "browser" && this.backend && this.backend.handles(url);
  },

  async fetch(input, init) {
    await chooseBackend();
    const url = typeof input === "string" ? input : input instanceof URL ? input.href : input.url;
    return this.routed(url) ? this.backend.fetch(input, init) : fetch(input, init);
  },

  socket(url, protocols) {
    if (this.routed(url)) return new this.backend.WebSocket(url, protocols);
    return protocols === undefined ? new WebSocket(url) : new WebSocket(url, protocols);
  },

  events(url, init) {
    return this.routed(url) ? new this.backend.EventSource(url, init) : new EventSource(url, init);
  },
};

function loadScript(src) {
  return new Promise((resolve, reject) => {
    const s = el("script", { src, async: true });
    s.onload = resolve;
    s.onerror = () => reject(new Error(t("could not load {src}", { src })));
    document.head.append(s);
  });
}

/** Decides once per page where the demos run; widgets and snippets start after it. */
function chooseBackend() {
  if (!net.ready) {
    net.ready = (async () => {
      if (BACKEND_MODE === "server") {
        net.kind = "server";
        return;
      }
      if (BACKEND_MODE === "auto") {
        net.reason = await probeExamples();
        if (!net.reason) {
          net.kind = "server";
          return;
        }
      }
      try {
        await loadScript(`${ASSETS.base}backend.js${ASSETS.version}`);
        net.backend = window.WirebookBackend.create({ origin: EXAMPLES, assets: ASSETS.base });
        net.kind = "browser";
      } catch (err) {
        // A theme without backend.js: the widgets explain the failure as before.
        console.error("wirebook: the in-browser examples backend did not load", err);
        net.kind = "server";
      }
    })();
  }
  return net.ready;
}

/**
 * Is the configured examples server there, answering as itself? Resolves with
 * null, or with the DemoError that says why not (down, CORS, mixed content, or
 * something else answering — a static host's HTML 404 page is not the server).
 */
async function probeExamples() {
  const url = endpointUrl("/api/posts", { per_page: 1 });
  if (isMixedContent(url)) return diagnose(url);
  try {
    const res = await fetch(url, { cache: "no-store", signal: AbortSignal.timeout(4000) });
    const type = res.headers.get("content-type") || "";
    await res.arrayBuffer();
    if (!type.includes("json")) {
      return new DemoError("offline", t("Something answered at {where}, but not the examples server (it sent {type}, not JSON).", { where: new URL(url).origin, type: type.split(";")[0] || t("no content type") }));
    }
    return null;
  } catch {
    return diagnose(url);
  }
}

/** The one line a widget shows about where it runs. */
function backendNote() {
  if (net.kind !== "browser") return "";
  if (!net.reason) {
    return t("This demo runs in your browser: a copy of the examples server's REST, WebSocket, SSE and GraphQL endpoints answers inside this page, so nothing leaves your browser.");
  }
  const why = {
    cors: "The examples server at {where} does not allow this site's origin, so this demo runs in your browser instead.",
    mixed: "This page is served over https but the examples server at {where} is plain http, which browsers block, so this demo runs in your browser instead.",
    timeout: "The examples server at {where} did not answer in time, so this demo runs in your browser instead.",
  }[net.reason.reason] || "The examples server at {where} isn't reachable, so this demo runs in your browser instead.";
  return t(why, { where: new URL(EXAMPLES).host });
}

// ── widgets.js: 20-chrome.js
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
    this.fixHeadingLevels();
  }

  build() {
    const root = this.root;
    root.classList.add("wb-ready");
    const caption = root.querySelector(".wb-demo-title") ||
      root.insertBefore(el("figcaption", { class: "wb-demo-title" }, this.config.title || this.kind), root.firstChild);
    // The generator's default titles are English; an author's own title has no
    // translation and stays as written.
    if (!caption.children.length) caption.textContent = t(caption.textContent.trim());
    // Name the group by the title alone, not by the state badge added next to it.
    const titleText = el("span", { class: "wb-title-text", id: `${root.id || nextId("wb-demo")}-title` });
    titleText.append(...caption.childNodes);
    caption.append(titleText);
    // A <figure> is its own landmark-free group; naming it by the title alone keeps the
    // state badge out of its name (a role="group" is not allowed on <figure>).
    root.setAttribute("aria-labelledby", titleText.id);
    this.badge = el("span", { class: "wb-state", "aria-live": "polite" });
    caption.append(" ", this.badge);

    // Where the demo runs, said once and kept visible (the notice below changes).
    root.dataset.backend = net.kind || "server";
    const where = backendNote();
    this.backendLine = where ? el("p", { class: "wb-backend-note" }, where) : null;
    this.toolbar = el("div", { class: "wb-toolbar", role: "group", "aria-label": t("Demo controls") });
    this.notice = el("div", { class: "wb-notice", hidden: true });
    this.body = el("div", { class: "wb-body" });
    this.cmdCode = el("code", { class: "wb-cmd" });
    this.cmdLabel = el("span", { class: "wb-cmd-label" }, t("Try it in a terminal"));
    this.copyBtn = el("button", { type: "button", class: "wb-btn wb-btn-quiet", onclick: () => this.copyCommand() }, t("Copy as {tool}", { tool: "curl" }));
    this.cmdLine = el("div", { class: "wb-cmdline", hidden: true },
      el("div", { class: "wb-cmd-head" }, this.cmdLabel, this.copyBtn),
      el("pre", { class: "wb-cmd-pre" }, this.cmdCode));

    const fallback = root.querySelector(".wb-demo-fallback");
    const after = caption.nextSibling;
    if (this.backendLine) root.insertBefore(this.backendLine, after);
    root.insertBefore(this.toolbar, after);
    root.insertBefore(this.notice, after);
    root.insertBefore(this.body, after);
    root.insertBefore(this.cmdLine, after);
    if (fallback) {
      const details = el("details", { class: "wb-source" }, el("summary", {}, t("Markdown source of this demo")));
      root.insertBefore(details, fallback);
      details.append(fallback);
    }
    this.setState(root.dataset.state || "idle");
  }

  /**
   * The widget's section headings (built as h4) one level below the heading the
   * widget sits under in the post, so the page's outline has no skipped level.
   */
  fixHeadingLevels() {
    let level = 1;
    const all = [...document.querySelectorAll("h1, h2, h3, h4, h5, h6")];
    for (const h of all) {
      if (this.root.contains(h)) continue;
      if (h.compareDocumentPosition(this.root) & Node.DOCUMENT_POSITION_FOLLOWING) level = Number(h.tagName[1]);
    }
    const tag = `h${Math.min(level + 1, 6)}`;
    if (tag === "h4") return;
    for (const h of this.root.querySelectorAll("h4.wb-h")) {
      const n = document.createElement(tag);
      for (const a of h.attributes) n.setAttribute(a.name, a.value);
      n.append(...h.childNodes);
      h.replaceWith(n);
    }
  }

  setState(state) {
    this.state = state;
    this.root.dataset.state = state;
    this.badge.dataset.state = state;
    const label = t(STATE_LABEL[state] || state);
    this.badge.textContent = state === "connected" && net.kind === "browser" ? `${label} · ${t("in your browser")}` : label;
  }

  /** Show a notice. `kind` is info|ok|warn|error; `offline` adds the start commands. */
  say(message, kind = "info", { offline = false, retry } = {}) {
    const n = this.notice;
    n.replaceChildren();
    n.hidden = !message;
    if (!message) return;
    n.className = `wb-notice wb-notice-${kind}`;
    n.setAttribute("role", kind === "error" || offline ? "alert" : "status");
    n.append(el("p", {}, t(message)));
    if (offline && ON_LOCALHOST) {
      const list = el("ul", { class: "wb-start" });
      for (const [cmd, what] of START_COMMANDS) {
        list.append(el("li", {}, el("code", {}, cmd), ` — ${t(what)}`));
      }
      n.append(list);
    }
    if (retry) n.append(el("button", { type: "button", class: "wb-btn", onclick: retry }, t("Retry")));
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
    this.copyBtn.textContent = t("Copy as {tool}", { tool });
    this.cmdLine.dataset.tool = tool;
  }

  async copyCommand() {
    if (!this.command) return;
    const ok = await copyText(this.command);
    const label = this.copyBtn.textContent;
    this.copyBtn.textContent = ok ? t("Copied") : t("Select and copy");
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
      el("label", { for: input.id, title: t("Asks the server to wait this long before answering (delay_ms)") }, t("Server latency")),
      input, out);
  }

  button(label, onclick, cls = "") {
    return el("button", { type: "button", class: `wb-btn ${cls}`.trim(), onclick }, t(label));
  }
}

/** A scrolling log with an accessible name; `max` entries kept. */
function logBox(label, cls, max = 200) {
  // tabindex: a scrolling region must be reachable by keyboard to be scrolled. A list
  // that announces additions (aria-live) rather than role="log", which <ol> may not take.
  const box = el("ol", { class: `wb-log ${cls || ""}`.trim(), "aria-label": t(label), "aria-live": "polite", tabindex: "0" });
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
// one failing request per widget. The in-browser backend is always there.
let probePromise = null;
function probeServer(force) {
  if (net.kind === "browser") return Promise.resolve(null);
  if (!probePromise || force) probePromise = probeExamples();
  return probePromise;
}

// ── widgets.js: 30-ajax.js
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

// ── widgets.js: 40-websocket.js
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

// ── widgets.js: 50-sse.js
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

// ── widgets.js: 60-graphql.js
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

// ── widgets.js: 70-compare.js
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

// ── widgets.js: 80-snippets.js
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

// ── widgets.js: 90-boot.js
// ───────────────────────────────── boot ─────────────────────────────────

const KINDS = { ajax: AjaxDemo, websocket: WebSocketDemo, sse: SseDemo, graphql: GraphqlDemo, compare: CompareDemo };

async function boot() {
  // Where the demos run is decided first (no request at all on a static host),
  // so every widget starts against the backend it will keep.
  await chooseBackend();
  for (const root of document.querySelectorAll("figure.wb-demo[data-demo]:not(.wb-ready)")) {
    const Kind = KINDS[root.dataset.demo];
    if (!Kind) continue;
    try {
      root.wirebookWidget = new Kind(root);
    } catch (err) {
      // One broken widget must not take the rest of the page down.
      root.dataset.state = "error";
      console.error("wirebook widget failed to start", root, err);
    }
    await yieldToPage();
  }
  for (const root of document.querySelectorAll(".wb-run[data-run]:not(.wb-ready)")) {
    try {
      root.wirebookSnippet = new RunnableSnippet(root);
    } catch (err) {
      console.error("wirebook snippet failed to start", root, err);
    }
    await yieldToPage();
  }
}

/**
 * Lets the browser paint and handle input between two widgets: building all of a
 * chapter's demos in one task blocked the page for a third of a second on a slow phone.
 */
function yieldToPage() {
  return globalThis.scheduler && typeof scheduler.yield === "function"
    ? scheduler.yield()
    : new Promise((resolve) => setTimeout(resolve, 0));
}

if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", boot);
else boot();
})();
