// ─────────────────────────────── messages ───────────────────────────────

/**
 * The widgets' words in other languages, keyed by the English text (see
 * `t()` in 00-core.js). A missing entry falls back to English, so a new
 * string never breaks a page; `{name}` placeholders must match the English.
 */
const MESSAGES = {
  ko: {
    "site and endpoints on one origin":
      "사이트와 엔드포인트를 한 오리진에서",
    "the endpoints alone":
      "엔드포인트만",
    "This page was opened from a file, so there is no examples server to talk to. Serve the site to try the demo:":
      "이 페이지는 파일로 열려서 대화할 예제 서버가 없습니다. 데모를 써 보려면 사이트를 서버로 띄우세요:",
    "The examples server isn't reachable at {where}. The rest of this page works without it. To try this demo, start it locally:":
      "{where}의 예제 서버에 연결할 수 없습니다. 페이지의 나머지 부분은 서버 없이도 동작합니다. 이 데모를 써 보려면 로컬에서 서버를 실행하세요:",
    "No answer from {url} within {s} s. The server is reachable but did not respond in time — turn the latency knob down, or check the server's log.":
      "{url}에서 {s}초 안에 응답이 없습니다. 서버에는 연결되지만 제때 답하지 않았습니다. 지연 시간 슬라이더를 낮추거나 서버 로그를 확인하세요.",
    "This page is served over https, but the examples server is at {origin} (plain http/ws). Browsers block such mixed content. Serve the examples server over https, or open the site over http (for example with `wirebook serve`).":
      "이 페이지는 https로 제공되지만 예제 서버는 {origin}(암호화되지 않은 http/ws)에 있습니다. 브라우저는 이런 혼합 콘텐츠를 차단합니다. 예제 서버를 https로 제공하거나, 사이트를 http로 여세요(예: `wirebook serve`).",
    "The examples server at {server} answered, but its CORS policy does not allow this page's origin ({page}), so the browser hid the response. Start it with `cargo run -p examples-server -- --allow-origin {page}`, or serve site and endpoints together with `cargo run --release -- serve`.":
      "{server}의 예제 서버가 응답했지만, CORS 정책이 이 페이지의 오리진({page})을 허용하지 않아 브라우저가 응답을 숨겼습니다. `cargo run -p examples-server -- --allow-origin {page}`로 서버를 실행하거나, `cargo run --release -- serve`로 사이트와 엔드포인트를 함께 띄우세요.",
    "The server answered {status}":
      "서버 응답: {status}",
    "idle":
      "대기",
    "connecting…":
      "연결 중…",
    "connected":
      "연결됨",
    "server offline":
      "서버 꺼짐",
    "error":
      "오류",
    "Demo controls":
      "데모 조작",
    "Try it in a terminal":
      "터미널에서 해 보기",
    "Copy as {tool}":
      "{tool} 명령으로 복사",
    "Markdown source of this demo":
      "이 데모의 마크다운 원문",
    "Retry":
      "다시 시도",
    "Copied":
      "복사됨",
    "Select and copy":
      "선택해서 복사하세요",
    "Asks the server to wait this long before answering (delay_ms)":
      "서버가 응답하기 전에 이만큼 기다리게 합니다(delay_ms)",
    "Server latency":
      "서버 지연",
    "Refresh list":
      "목록 새로 고침",
    "Poll every {s} s":
      "{s}초마다 폴링",
    "Author":
      "작성자",
    "Title":
      "제목",
    "Hello, Ajax":
      "안녕, Ajax",
    "Body":
      "본문",
    "Sent with fetch() as JSON":
      "fetch()로 JSON을 보냅니다",
    "Tags":
      "태그",
    "Comma separated, optional":
      "쉼표로 구분, 선택 사항",
    "New post":
      "새 글",
    "Submit post":
      "글 올리기",
    "title or author":
      "제목 또는 작성자",
    "Search posts":
      "글 검색",
    "Search":
      "검색",
    "Posts":
      "글 목록",
    "Requests":
      "요청",
    "Requests appear here as they happen.":
      "요청이 일어나는 대로 여기에 나타납니다.",
    "Request inspector":
      "요청 살펴보기",
    "Inspector":
      "살펴보기",
    "Inspect {request}":
      "{request} 살펴보기",
    "time from sending the request to the last byte of the response":
      "요청을 보낸 때부터 응답의 마지막 바이트까지 걸린 시간",
    "response body size":
      "응답 본문 크기",
    "(server delay {ms} ms)":
      "(서버 지연 {ms} ms)",
    "Request headers":
      "요청 헤더",
    "Request body":
      "요청 본문",
    "Response headers":
      "응답 헤더",
    "Response body":
      "응답 본문",
    "Cross-origin: the browser only shows headers the server exposes via CORS.":
      "교차 출처: 브라우저는 서버가 CORS로 노출한 헤더만 보여 줍니다.",
    "{n} post on the server":
      "서버에 글 {n}개",
    "{n} posts on the server":
      "서버에 글 {n}개",
    " matching “{q}”":
      " 중 “{q}” 검색 결과",
    " · showing {n}":
      " · {n}개 표시",
    "No posts match.":
      "맞는 글이 없습니다.",
    "The server checks input too — fix the marked fields.":
      "서버도 입력을 검사합니다. 표시된 칸을 고치세요.",
    "Created post #{id} ({status}). The list below is fetched again to show it.":
      "새 글 #{id}이 만들어졌습니다({status}). 아래 목록을 다시 받아 보여 줍니다.",
    "Polling: the browser asks again every {s} s, whether or not anything changed. Watch the inspector fill up.":
      "폴링: 바뀐 것이 있든 없든 브라우저가 {s}초마다 다시 묻습니다. 살펴보기 칸이 채워지는 것을 보세요.",
    "{n} request":
      "요청 {n}개",
    "{n} requests":
      "요청 {n}개",
    "Could not open a WebSocket: {error}":
      "WebSocket을 열 수 없습니다: {error}",
    "Reconnected.":
      "다시 연결되었습니다.",
    "The server at {server} refused the WebSocket handshake. WebSockets are not subject to CORS, but the server checks the Origin header and does not allow this page's origin ({page}). Start it with `cargo run -p examples-server -- --allow-origin {page}`.":
      "{server}의 서버가 WebSocket 핸드셰이크를 거부했습니다. WebSocket은 CORS 대상이 아니지만, 서버가 Origin 헤더를 확인하며 이 페이지의 오리진({page})을 허용하지 않습니다. `cargo run -p examples-server -- --allow-origin {page}`로 실행하세요.",
    "{name}'s connection was closed by the server: {why}":
      "서버가 {name}의 연결을 닫았습니다: {why}",
    "normal closure":
      "정상 종료",
    "the server is going away":
      "서버가 내려가는 중",
    "the connection dropped without a close frame (network or server gone)":
      "종료 프레임 없이 연결이 끊겼습니다(네트워크나 서버가 사라짐)",
    "policy violation — too many messages (rate limit: 20 per 10 s)":
      "정책 위반 — 메시지가 너무 많습니다(제한: 10초에 20개)",
    "message too big (limit 16 KiB)":
      "메시지가 너무 큽니다(제한 16 KiB)",
    "server error":
      "서버 오류",
    "dropped on purpose by the reader":
      "독자가 일부러 끊음",
    "code {code}":
      "코드 {code}",
    "Connect":
      "연결",
    "Disconnect":
      "연결 끊기",
    "Drop connection":
      "연결 끊어 보기",
    "Set by the room setting":
      "room 설정으로 정합니다",
    "room:":
      "방:",
    "WebSocket frames":
      "WebSocket 프레임",
    "Time":
      "시각",
    "Who":
      "누구",
    "Dir":
      "방향",
    "Size":
      "크기",
    "Frame":
      "프레임",
    "Frame log":
      "프레임 기록",
    " · ↑ sent by the browser, ↓ pushed by the server":
      " · ↑ 브라우저가 보냄, ↓ 서버가 밀어 줌",
    "{name}'s chat":
      "{name}의 대화",
    "Say something as {name}":
      "{name} 이름으로 말하기",
    "Message as {name}":
      "{name}의 메시지",
    "Send":
      "보내기",
    "{name} is not connected yet — press Connect first.":
      "{name} 님은 아직 연결되지 않았습니다. 먼저 연결을 누르세요.",
    "{name}'s view":
      "{name}의 화면",
    "then type a frame and press Enter:":
      "이어서 프레임을 입력하고 Enter를 누르세요:",
    "Connections dropped. Watch each participant reconnect with backoff; the server's history frame fills in what was said meanwhile.":
      "연결을 끊었습니다. 참가자마다 간격을 늘려 가며 다시 연결하는 것을 보세요. 그 사이에 오간 말은 서버의 history 프레임이 채워 줍니다.",
    "Connection lost — reconnecting in {s} s (attempt {n})…":
      "연결이 끊겼습니다. {s}초 뒤 다시 연결합니다({n}번째 시도)…",
    "Everyone is back. Messages sent while a participant was away came in with the server's history frame (dashed outline).":
      "모두 돌아왔습니다. 참가자가 없는 동안 보낸 메시지는 서버의 history 프레임으로 들어왔습니다(점선 테두리).",
    "History: {n} message sent while you were away.":
      "기록: 자리를 비운 동안 메시지 {n}개가 왔습니다.",
    "History: {n} messages sent while you were away.":
      "기록: 자리를 비운 동안 메시지 {n}개가 왔습니다.",
    "{name} joined":
      "{name} 님이 들어왔습니다",
    "{name} left":
      "{name} 님이 나갔습니다",
    "{n} in room":
      "방에 {n}명",
    "Server: {message}":
      "서버: {message}",
    "you":
      "나",
    "sent":
      "보냄",
    "received":
      "받음",
    "Reconnect now":
      "지금 다시 연결",
    "News ticker":
      "뉴스 티커",
    "Waiting for events. The server pushes canned news every 15 s — or press Publish.":
      "이벤트를 기다리는 중입니다. 서버가 15초마다 준비된 뉴스를 밀어 줍니다. 발행을 눌러도 됩니다.",
    "Breaking: SSE works":
      "속보: SSE가 동작합니다",
    "Pushed by the server over a plain HTTP response.":
      "평범한 HTTP 응답으로 서버가 밀어 준 소식입니다.",
    "Publish results":
      "발행 결과",
    "Publish a notification":
      "알림 발행",
    "Publish":
      "발행",
    "Live ticker":
      "실시간 티커",
    "last event id: {id} · received: {n} · reconnects: {r}":
      "마지막 이벤트 id: {id} · 받음: {n} · 재연결: {r}",
    "Connection lost. The browser retries on its own (the server asked for retry: 2000 ms) and will send Last-Event-ID: {id}.":
      "연결이 끊겼습니다. 브라우저가 알아서 다시 시도하며(서버가 retry: 2000 ms를 요청함) 그때 Last-Event-ID: {id} 헤더를 보냅니다.",
    "(none yet)":
      "(아직 없음)",
    "(none)":
      "(없음)",
    " · arrived {ms} after POST":
      " · POST 후 {ms} 만에 도착",
    " · replayed after reconnect":
      " · 재연결 후 다시 받음",
    "Note: {n} event id skipped between #{prev} and #{id}.":
      "참고: #{prev}부터 #{id} 사이에서 이벤트 id {n}개가 빠졌습니다.",
    "Note: {n} event ids skipped between #{prev} and #{id}.":
      "참고: #{prev}부터 #{id} 사이에서 이벤트 id {n}개가 빠졌습니다.",
    "{n} missed event":
      "놓친 이벤트 {n}개",
    "{n} missed events":
      "놓친 이벤트 {n}개",
    "Resumed with Last-Event-ID: {from} — {n} delivered, but some ids are missing (the server keeps only recent events).":
      "Last-Event-ID: {from} 다음부터 이어 받았습니다. {n}이 왔지만 빠진 id가 있습니다(서버는 최근 이벤트만 보관합니다).",
    "Resumed with Last-Event-ID: {from} — {n} delivered, none lost.":
      "Last-Event-ID: {from} 다음부터 이어 받았습니다. {n}이 왔고 잃은 것은 없습니다.",
    "Event ids started over: the server was restarted, so events from before are gone.":
      "이벤트 id가 처음부터 다시 시작했습니다. 서버가 재시작되어 이전 이벤트는 사라졌습니다.",
    "Connection dropped. Publish something now — you'll miss it live. Reconnecting in {s} s with Last-Event-ID: {id}…":
      "연결을 끊었습니다. 지금 뭔가 발행해 보세요. 실시간으로는 놓치게 됩니다. {s}초 뒤 Last-Event-ID: {id}와 함께 다시 연결합니다…",
    "Reconnecting with Last-Event-ID: {id} (sent as ?lastEventId=, because a new EventSource cannot set headers).":
      "Last-Event-ID: {id}와 함께 다시 연결합니다(새 EventSource는 헤더를 정할 수 없어서 ?lastEventId=로 보냅니다).",
    " · stream is down: this one arrives on reconnect":
      " · 스트림이 끊긴 상태: 재연결하면 도착합니다",
    " · the push beat the POST response":
      " · 푸시가 POST 응답보다 먼저 왔습니다",
    " · watch it arrive in the ticker":
      " · 티커에 도착하는 것을 보세요",
    "Run query":
      "쿼리 실행",
    "Fields to ask for":
      "요청할 필드",
    "How many posts":
      "글 개수",
    "GraphQL query (edit freely; ticking a box rebuilds it)":
      "GraphQL 쿼리(자유롭게 고치세요. 체크박스를 누르면 다시 만듭니다)",
    "Run the query to compare what GraphQL and REST send for the same posts.":
      "쿼리를 실행해 같은 글에 대해 GraphQL과 REST가 보내는 양을 비교해 보세요.",
    "Bytes on the wire":
      "전송된 바이트",
    "Not run yet.":
      "아직 실행하지 않았습니다.",
    "{name} response":
      "{name} 응답",
    "the same posts over REST:":
      "같은 글을 REST로:",
    "GraphQL errors: {errors}":
      "GraphQL 오류: {errors}",
    " · {size} compressed on the wire":
      " · 압축해서 {size} 전송",
    "GraphQL moved {saved}% fewer bytes: it sent only the {n} field(s) you asked for. REST sends every field of every post.":
      "GraphQL이 {saved}% 적은 바이트를 옮겼습니다. 요청한 필드 {n}개만 보냈기 때문입니다. REST는 모든 글의 모든 필드를 보냅니다.",
    "GraphQL moved as many bytes or more — you asked for (nearly) everything, so there is nothing to save.":
      "GraphQL이 같거나 더 많은 바이트를 옮겼습니다. (거의) 모든 필드를 요청해서 아낄 것이 없습니다.",
    "Response body bytes as received (headers not counted).":
      "받은 응답 본문의 바이트 수(헤더는 세지 않음).",
    "Ajax polling":
      "Ajax 폴링",
    "WebSocket":
      "WebSocket",
    "SSE":
      "SSE",
    "GraphQL subscription":
      "GraphQL 구독",
    "POST a post, GET the list every 1 s until it shows up":
      "글을 POST하고, 나타날 때까지 1초마다 목록을 GET",
    "one socket sends a chat message, another receives it":
      "한 소켓이 채팅 메시지를 보내고 다른 소켓이 받음",
    "POST /api/notify, the event stream pushes it":
      "POST /api/notify를 하면 이벤트 스트림이 밀어 줌",
    "addPost mutation, postAdded over graphql-transport-ws":
      "addPost 뮤테이션, graphql-transport-ws로 postAdded",
    "the server limits writes per minute (429 Too Many Requests) — wait a minute and run again":
      "서버가 분당 쓰기를 제한합니다(429 Too Many Requests). 1분 기다렸다가 다시 실행하세요",
    "Run comparison":
      "비교 실행",
    "Technique":
      "기술",
    "Median latency":
      "지연 시간 중앙값",
    "Requests / connections":
      "요청 / 연결",
    "Requests / conn.":
      "요청 / 연결",
    "Bytes received":
      "받은 바이트",
    "Status":
      "상태",
    "not run":
      "실행 전",
    "Getting the next {n} updates, four ways":
      "다음 업데이트 {n}개를 받는 네 가지 방법",
    "Latency: from the moment an update is sent until the receiving side sees it. ":
      "지연 시간: 업데이트를 보낸 순간부터 받는 쪽이 볼 때까지. ",
    "Requests / connections: what the receiving side had to open. Bytes: response bodies and frames received, headers not counted.":
      "요청 / 연결: 받는 쪽이 열어야 했던 것. 바이트: 받은 응답 본문과 프레임, 헤더는 세지 않음.",
    "Stop":
      "중지",
    "running":
      "실행 중",
    "{done}/{n} updates":
      "업데이트 {done}/{n}",
    "only {done} of {n} updates arrived in time":
      "업데이트 {n}개 중 {done}개만 제때 도착했습니다",
    "done":
      "완료",
    "failed: {error}":
      "실패: {error}",
    "{n} connection":
      "연결 {n}개",
    "{n} connections":
      "연결 {n}개",
    "the sending socket closed: {why}":
      "보내는 소켓이 닫혔습니다: {why}",
    "addPost failed: {errors}":
      "addPost 실패: {errors}",
    "subscription error":
      "구독 오류",
    "Done. Polling pays in latency and requests; the push techniques keep one connection open and deliver at once.":
      "끝났습니다. 폴링은 지연 시간과 요청 수로 대가를 치르고, 푸시 기술은 연결 하나를 열어 두고 바로 전달합니다.",
    "Unhandled promise rejection: {error}":
      "처리되지 않은 프로미스 거부: {error}",
    "Uncaught {error}":
      "잡히지 않은 오류: {error}",
    "JavaScript snippet (Tab indents; press Escape then Tab to leave the editor)":
      "자바스크립트 스니펫(Tab은 들여쓰기, 편집기를 벗어나려면 Escape 다음 Tab)",
    "Run":
      "실행",
    "Stopped.":
      "중지했습니다.",
    "Reset":
      "되돌리기",
    "Snippet controls":
      "스니펫 조작",
    "Ctrl+Enter runs":
      "Ctrl+Enter로 실행",
    "Snippet output":
      "스니펫 출력",
    "Output appears here.":
      "출력이 여기에 나타납니다.",
    "Syntax error":
      "구문 오류",
    "Running…":
      "실행 중…",
    "Finished in {ms} · still listening (Stop closes {n} connection)":
      "{ms} 만에 끝남 · 계속 듣는 중(중지하면 연결 {n}개를 닫습니다)",
    "Finished in {ms} · still listening (Stop closes {n} connections)":
      "{ms} 만에 끝남 · 계속 듣는 중(중지하면 연결 {n}개를 닫습니다)",
    "Finished in {ms}":
      "{ms} 만에 끝남",
    "Failed":
      "실패",
    "Stopped":
      "중지됨",
    "Ajax: request and response":
      "Ajax: 요청과 응답",
    "WebSocket: a chat room":
      "WebSocket: 채팅방",
    "Server-Sent Events: a news ticker":
      "Server-Sent Events: 뉴스 티커",
    "GraphQL: ask for exactly what you need":
      "GraphQL: 필요한 것만 정확히 요청하기",
    "Ajax vs WebSocket vs SSE vs GraphQL, measured":
      "Ajax, WebSocket, SSE, GraphQL 직접 재 보기",
  },
};
