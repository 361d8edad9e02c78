//! Whole-server behaviour: data surviving restarts, concurrent writers,
//! graceful shutdown of every kind of connection, and the binary's CLI.

use std::io::{BufRead, BufReader};
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

use serde_json::json;

use crate::common::*;

#[tokio::test]
async fn data_survives_a_restart() {
    let server = TestServer::start().await;
    let created = create_post(&server, "Still here after a restart").await;
    assert_eq!(delete_as_admin(&server, 1).await, 204);
    let (config, dir) = (server.config(), server.dir.clone());
    server.stop().await.unwrap();

    let server = TestServer::start_config(config, dir).await;
    let (status, post) = json(
        http()
            .get(server.url(&format!("/api/posts/{}", created["id"])))
            .send()
            .await
            .unwrap(),
    )
    .await;
    assert_eq!(status, 200);
    assert_eq!(post, created);
    let (_, list) = json(
        http()
            .get(server.url("/api/posts?per_page=50"))
            .send()
            .await
            .unwrap(),
    )
    .await;
    assert_eq!(
        list["total"], 8,
        "8 seeds + 1 new - 1 deleted, and no second seeding"
    );
    assert_eq!(
        http()
            .get(server.url("/api/posts/1"))
            .send()
            .await
            .unwrap()
            .status(),
        404
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn concurrent_writers_never_fail_with_database_locked() {
    let first = TestServer::start().await;
    // A second server on the same file: writes now also contend across
    // connections, as with two processes.
    let second = TestServer::start_config(first.config(), first.dir.clone()).await;
    let client = http();
    let mut tasks = Vec::new();
    for i in 0..80 {
        let url = if i % 2 == 0 {
            first.url("/api/posts")
        } else {
            second.url("/api/posts")
        };
        let client = client.clone();
        tasks.push(tokio::spawn(async move {
            let response = client
                .post(url)
                .json(&json!({ "author": "Writer", "title": format!("concurrent {i}"), "body": "b", "tags": ["load"] }))
                .send()
                .await
                .unwrap();
            let status = response.status().as_u16();
            (status, response.text().await.unwrap())
        }));
    }
    for task in tasks {
        let (status, body) = task.await.unwrap();
        assert_eq!(status, 201, "{body}");
    }
    let (_, list) = json(
        client
            .get(first.url("/api/posts?q=concurrent"))
            .send()
            .await
            .unwrap(),
    )
    .await;
    assert_eq!(list["total"], 80);
    let (_, tag) = json(
        client
            .get(second.url("/api/posts?per_page=1"))
            .send()
            .await
            .unwrap(),
    )
    .await;
    assert_eq!(tag["total"], 88);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn graceful_shutdown_finishes_requests_and_closes_streams() {
    let server = TestServer::start().await;
    let mut chat = ws_connect(&server.ws_url("/ws/chat?room=bye&name=ann")).await;
    recv_type(&mut chat, "join").await;
    let mut gql = ws_connect_with(
        &server.ws_url("/graphql/ws"),
        &[("sec-websocket-protocol", "graphql-transport-ws")],
    )
    .await
    .unwrap();
    send_json(&mut gql, json!({ "type": "connection_init" })).await;
    recv_type(&mut gql, "connection_ack").await;
    send_json(&mut gql, json!({ "id": "s", "type": "subscribe", "payload": { "query": "subscription { postAdded { id } }" } })).await;
    let mut sse = SseClient::connect(&server.url("/sse/news"), None).await;
    sse.next_block().await.unwrap();

    // A request still sleeping in delay_ms when shutdown starts.
    let slow_url = server.url("/api/posts?delay_ms=1500");
    let slow = tokio::spawn(async move {
        let response = http().get(slow_url).send().await.unwrap();
        response.status().as_u16()
    });
    tokio::time::sleep(Duration::from_millis(200)).await;

    let url = server.url("/healthz");
    let started = Instant::now();
    let stopping = tokio::spawn(server.stop());

    assert_eq!(
        expect_close(&mut chat).await,
        (1001, "server shutting down".to_owned())
    );
    let (code, _) = expect_close(&mut gql).await;
    assert_eq!(code, 1001);
    assert!(sse.ends().await, "the event stream ends cleanly");
    assert_eq!(slow.await.unwrap(), 200, "the in-flight request finished");
    stopping.await.unwrap().unwrap();
    assert!(
        started.elapsed() < Duration::from_secs(10),
        "{:?}",
        started.elapsed()
    );
    assert!(http().get(url).send().await.is_err(), "no longer listening");
}

#[tokio::test]
async fn requests_during_shutdown_get_503() {
    use tower::ServiceExt;
    let server = TestServer::start().await;
    server.state.shutdown();
    // Straight into the router: the listener is already closing, but an
    // embedding server or a kept-alive connection can still reach it.
    let app = examples_server::app(server.state.clone());
    for path in ["/healthz", "/sse/news"] {
        let request = axum::http::Request::get(path)
            .body(axum::body::Body::empty())
            .unwrap();
        let response = app.clone().oneshot(request).await.unwrap();
        assert_eq!(response.status(), 503, "{path}");
        assert_eq!(response.headers()["retry-after"], "2");
        let body = axum::body::to_bytes(response.into_body(), 1024)
            .await
            .unwrap();
        let body: serde_json::Value = serde_json::from_slice(&body).unwrap();
        assert!(
            body["error"].as_str().unwrap().contains("shutting down"),
            "{body}"
        );
    }
}

// --------------------------------------------------------------- the binary

struct Child(std::process::Child);

impl Drop for Child {
    fn drop(&mut self) {
        let _ = self.0.kill();
        let _ = self.0.wait();
    }
}

fn binary() -> Command {
    let mut command = Command::new(env!("CARGO_BIN_EXE_examples-server"));
    command
        .env_clear()
        .env("RUST_LOG", "warn")
        .env("PATH", std::env::var_os("PATH").unwrap_or_default());
    command
}

/// Starts the binary and returns it with the lines it printed on stdout
/// before serving (address, then maybe the token).
fn spawn(command: &mut Command) -> (Child, String, Vec<String>) {
    let mut child = Child(
        command
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .spawn()
            .unwrap(),
    );
    let mut stdout = BufReader::new(child.0.stdout.take().unwrap());
    let mut first = String::new();
    stdout.read_line(&mut first).unwrap();
    let addr = first
        .trim()
        .strip_prefix("listening on http://")
        .unwrap_or_else(|| panic!("unexpected first line {first:?}"))
        .to_owned();
    let mut rest = Vec::new();
    let mut line = String::new();
    // The token line, if any, is printed right after; don't block past it.
    if command.get_envs().all(|(k, _)| k != "EXAMPLES_ADMIN_TOKEN")
        && stdout.read_line(&mut line).unwrap() > 0
    {
        rest.push(line.trim().to_owned());
    }
    (child, addr, rest)
}

#[cfg(unix)]
#[tokio::test]
async fn the_binary_prints_its_address_serves_and_stops_on_sigterm() {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("sub/dir/db.sqlite3");
    let (mut child, addr, lines) = spawn(
        binary()
            .args(["--addr", "127.0.0.1:0", "--news-interval", "0", "--db"])
            .arg(&db),
    );
    assert!(lines[0].starts_with("admin token: "), "{lines:?}");
    let token = lines[0]
        .trim_start_matches("admin token: ")
        .split(' ')
        .next()
        .unwrap()
        .to_owned();
    assert_eq!(token.len(), 32);
    assert!(db.exists(), "database created with its directories");

    let (status, body) = json(
        http()
            .get(format!("http://{addr}/healthz"))
            .send()
            .await
            .unwrap(),
    )
    .await;
    assert_eq!((status, body["status"].clone()), (200, json!("ok")));
    let response = http()
        .delete(format!("http://{addr}/api/posts/1"))
        .header("authorization", format!("Bearer {token}"))
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), 204, "the printed token works");

    // A chat client should get 1001 when the process is told to stop.
    let mut chat = ws_connect(&format!("ws://{addr}/ws/chat")).await;
    recv_type(&mut chat, "join").await;
    let status = Command::new("kill")
        .args(["-TERM", &child.0.id().to_string()])
        .status()
        .unwrap();
    assert!(status.success());
    assert_eq!(expect_close(&mut chat).await.0, 1001);
    let exit = tokio::task::spawn_blocking(move || child.0.wait().unwrap())
        .await
        .unwrap();
    assert!(exit.success(), "{exit:?}");
}

#[tokio::test]
async fn the_binary_reads_its_settings_from_the_environment() {
    let (_child, addr, lines) = spawn(
        binary()
            .env("EXAMPLES_ADDR", "127.0.0.1:0")
            .env("EXAMPLES_MEMORY", "true")
            .env("EXAMPLES_ADMIN_TOKEN", "from-env")
            .env(
                "EXAMPLES_ALLOW_ORIGIN",
                "https://a.example,https://b.example",
            )
            .env("EXAMPLES_NEWS_INTERVAL", "0"),
    );
    assert!(lines.is_empty(), "no generated token is printed: {lines:?}");
    let response = http()
        .get(format!("http://{addr}/api/posts"))
        .header("origin", "https://b.example")
        .send()
        .await
        .unwrap();
    assert_eq!(
        response.headers()["access-control-allow-origin"],
        "https://b.example"
    );
    let response = http()
        .delete(format!("http://{addr}/api/posts/1"))
        .header("authorization", "Bearer from-env")
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), 204);
}

#[test]
fn the_binary_refuses_non_loopback_addresses_without_the_flag() {
    let output = binary()
        .args(["--addr", "0.0.0.0:0", "--memory"])
        .output()
        .unwrap();
    assert!(!output.status.success());
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(
        stderr.contains("error: refusing to listen on 0.0.0.0:0")
            && stderr.contains("--allow-any-host"),
        "{stderr}"
    );
    assert!(output.stdout.is_empty());

    let output = binary()
        .args(["--memory", "--db", "x.sqlite3"])
        .output()
        .unwrap();
    assert!(!output.status.success(), "--memory and --db conflict");
}

#[tokio::test]
async fn in_memory_mode_starts_seeded_and_keeps_nothing() {
    for round in 0..2 {
        let (_child, addr, _) =
            spawn(binary().args(["--addr", "127.0.0.1:0", "--memory", "--news-interval", "0"]));
        let (_, list) = json(
            http()
                .get(format!("http://{addr}/api/posts"))
                .send()
                .await
                .unwrap(),
        )
        .await;
        assert_eq!(
            list["total"], 8,
            "round {round}: seeded, and nothing from the previous run"
        );
        let response = http()
            .post(format!("http://{addr}/api/posts"))
            .json(&json!({ "author": "a", "title": "gone after exit", "body": "b" }))
            .send()
            .await
            .unwrap();
        assert_eq!(response.status(), 201);
    }
}

#[tokio::test]
async fn cached_reads_follow_writes_from_this_and_other_servers() {
    let first = TestServer::start().await;
    let second = TestServer::start_config(first.config(), first.dir.clone()).await;
    let read = |server: &TestServer, path: &str| {
        let url = server.url(path);
        async move { json(http().get(url).send().await.unwrap()).await }
    };
    // Warm both caches.
    assert_eq!(read(&first, "/api/posts").await.1["total"], 8);
    assert_eq!(read(&second, "/api/posts/5").await.0, 200);

    // A write through `second` is visible to `first` once its watcher polls.
    create_post(&second, "written elsewhere").await;
    let deadline = Instant::now() + Duration::from_secs(3);
    loop {
        if read(&first, "/api/posts").await.1["total"] == 9 {
            break;
        }
        assert!(
            Instant::now() < deadline,
            "the other server's write never showed up"
        );
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    // A delete through `first` is visible to `first` at once.
    assert_eq!(read(&first, "/api/posts/5").await.0, 200);
    assert_eq!(delete_as_admin(&first, 5).await, 204);
    assert_eq!(read(&first, "/api/posts/5").await.0, 404);
}

/// A port on loopback that nothing listens on.
fn closed_port() -> u16 {
    std::net::TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port()
}

/// Runs the binary with `args` (after `--addr 127.0.0.1:0`), expects it to
/// fail, and returns what it printed on stderr.
fn fails_with(args: &[&str]) -> String {
    let output = binary()
        .args(["--addr", "127.0.0.1:0"])
        .args(args)
        .output()
        .unwrap();
    assert!(!output.status.success(), "{args:?} started");
    String::from_utf8(output.stderr).unwrap()
}

#[tokio::test]
async fn unreachable_backends_fail_the_start_with_the_url_and_no_password() {
    let port = closed_port();
    let url = format!("postgres://wirebook:hunter2@127.0.0.1:{port}/posts");
    let stderr = fails_with(&["--database-url", &url]);
    assert!(
        stderr.contains(&format!(
            "error: cannot prepare PostgreSQL database postgres://wirebook:***@127.0.0.1:{port}/posts"
        )) && stderr.contains("cannot connect to PostgreSQL"),
        "{stderr}"
    );
    assert!(!stderr.contains("hunter2"), "{stderr}");

    let url = format!("redis://:hunter2@127.0.0.1:{port}/");
    let stderr = fails_with(&["--memory", "--redis-url", &url]);
    assert!(
        stderr.contains(&format!(
            "error: cannot connect to Redis at redis://:***@127.0.0.1:{port}/"
        )),
        "{stderr}"
    );
    assert!(!stderr.contains("hunter2"), "{stderr}");

    let stderr = fails_with(&["--database-url", "mysql://nope"]);
    assert!(
        stderr.contains("error: invalid --database-url mysql://nope"),
        "{stderr}"
    );
}
