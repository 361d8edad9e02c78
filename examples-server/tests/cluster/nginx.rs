//! `deploy/nginx.conf`, as shipped, in front of two instances: every protocol
//! the widgets use works through it, and requests reach both instances.

use std::path::PathBuf;
use std::process::{Child, Command, Stdio};
use std::time::Duration;

use serde_json::json;
use tempfile::TempDir;

use crate::common::*;
use crate::harness::{cluster, Cluster};
use crate::services::require_all;

const ADDED: &str = "subscription { postAdded { title } }";

struct Nginx {
    child: Child,
    port: u16,
    _dir: TempDir,
}

impl Drop for Nginx {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

impl Nginx {
    fn url(&self, path: &str) -> String {
        format!("http://127.0.0.1:{}{path}", self.port)
    }

    fn ws_url(&self, path: &str) -> String {
        format!("ws://127.0.0.1:{}{path}", self.port)
    }
}

/// Runs nginx in the foreground with the shipped config, its upstreams
/// pointed at the cluster's instances and its port at a free one.
async fn nginx_in_front(c: &Cluster) -> Nginx {
    let shipped = std::fs::read_to_string(
        PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../deploy/nginx.conf"),
    )
    .expect("deploy/nginx.conf");
    let port = std::net::TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port();
    let site = shipped
        .replace("127.0.0.1:3001", &c.a.addr.to_string())
        .replace("127.0.0.1:3002", &c.b.addr.to_string())
        .replace("listen 8080;", &format!("listen 127.0.0.1:{port};"))
        .replace("listen [::]:8080;", "");
    assert_ne!(
        site, shipped,
        "the shipped config's ports changed; update this test"
    );
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path().display();
    std::fs::write(dir.path().join("site.conf"), site).unwrap();
    // Root may run nginx only with an explicit user for its workers.
    let user = if nix_is_root() { "user root;" } else { "" };
    let main = format!(
        "{user}\ndaemon off;\n# One process, so killing it at the end leaves no orphaned workers.\nmaster_process off;\nworker_processes 1;\npid {d}/nginx.pid;\nerror_log {d}/error.log warn;\n\
         events {{ worker_connections 256; }}\n\
         http {{\n  access_log off;\n  client_body_temp_path {d}/body;\n  proxy_temp_path {d}/proxy;\n\
           fastcgi_temp_path {d}/fastcgi;\n  uwsgi_temp_path {d}/uwsgi;\n  scgi_temp_path {d}/scgi;\n\
           include {d}/site.conf;\n}}\n"
    );
    std::fs::write(dir.path().join("nginx.conf"), main).unwrap();
    let child = Command::new(if std::path::Path::new("/usr/sbin/nginx").is_file() {
        "/usr/sbin/nginx"
    } else {
        "nginx"
    })
    .args(["-p", &d.to_string(), "-e", &format!("{d}/error.log"), "-c"])
    .arg(dir.path().join("nginx.conf"))
    .stdout(Stdio::null())
    .stderr(Stdio::inherit())
    .spawn()
    .expect("nginx");
    let nginx = Nginx {
        child,
        port,
        _dir: dir,
    };
    let deadline = tokio::time::Instant::now() + WAIT;
    while http().get(nginx.url("/readyz")).send().await.is_err() {
        assert!(
            tokio::time::Instant::now() < deadline,
            "nginx did not start"
        );
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    nginx
}

fn nix_is_root() -> bool {
    Command::new("id")
        .arg("-u")
        .output()
        .is_ok_and(|o| o.stdout.starts_with(b"0\n"))
}

#[tokio::test]
async fn the_shipped_nginx_config_carries_every_protocol_to_both_instances() {
    if !require_all(&["nginx"]) {
        return;
    }
    let Some(c) = cluster().await else { return };
    let nginx = nginx_in_front(&c).await;

    // A subscriber on each instance directly, to see that whatever nginx
    // forwards reaches both.
    let mut subscribers = Vec::new();
    for server in [&c.a, &c.b] {
        subscribers.push(gql_subscribe(&server.ws_url("/graphql"), ADDED).await);
    }

    // REST through nginx, and the reader's address reaches the instance.
    let (status, list) = json(http().get(nginx.url("/api/posts")).send().await.unwrap()).await;
    assert_eq!((status, list["total"].as_u64().is_some()), (200, true));

    // Chat: two readers through nginx talk to each other.
    let mut ann = ws_connect(&nginx.ws_url("/ws/chat?room=n&name=ann")).await;
    recv_type(&mut ann, "history").await;
    let mut bob = ws_connect(&nginx.ws_url("/ws/chat?room=n&name=bob")).await;
    recv_type(&mut bob, "history").await;
    send_json(&mut ann, json!({ "type": "message", "text": "via nginx" })).await;
    assert_eq!(recv_type(&mut bob, "message").await["text"], "via nginx");

    // SSE through nginx: unbuffered, and resumable through nginx again.
    let mut events = SseClient::connect(&nginx.url("/sse/news"), None).await;
    let (status, notified) = json(
        http()
            .post(nginx.url("/api/notify"))
            .json(&json!({ "title": "through nginx", "body": "b" }))
            .send()
            .await
            .unwrap(),
    )
    .await;
    assert_eq!(status, 202);
    let event = tokio::time::timeout(Duration::from_secs(2), events.next_event())
        .await
        .expect("nginx must not buffer the event stream");
    assert_eq!(event.json()["title"], "through nginx");
    let id = notified["id"].as_u64().unwrap();
    let later = notify_via(&nginx, "missed").await;
    let mut resumed = SseClient::connect(&nginx.url("/sse/news"), Some(&id.to_string())).await;
    assert_eq!(resumed.next_event().await.id, Some(later.to_string()));

    // GraphQL over HTTP and subscriptions over WebSocket, through nginx.
    subscribers.push(gql_subscribe(&nginx.ws_url("/graphql"), ADDED).await);
    // The subscription starts asynchronously after `subscribe`.
    tokio::time::sleep(Duration::from_millis(300)).await;
    let (status, body) = json(
        http()
            .post(nginx.url("/graphql"))
            .json(&json!({ "query": "mutation { addPost(author: \"n\", title: \"gql via nginx\", body: \"b\") { id } }" }))
            .send()
            .await
            .unwrap(),
    )
    .await;
    assert_eq!(status, 200, "{body}");
    // Both instances' subscribers saw it, wherever nginx sent the mutation.
    for ws in &mut subscribers {
        let message = recv_json(ws).await;
        assert_eq!(
            message["payload"]["data"]["postAdded"]["title"], "gql via nginx",
            "{message}"
        );
    }
}

async fn notify_via(nginx: &Nginx, title: &str) -> u64 {
    let (status, body) = json(
        http()
            .post(nginx.url("/api/notify"))
            .json(&json!({ "title": title, "body": "b" }))
            .send()
            .await
            .unwrap(),
    )
    .await;
    assert_eq!(status, 202, "{body}");
    body["id"].as_u64().unwrap()
}
