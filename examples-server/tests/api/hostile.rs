//! Hostile clients (issue #14): connections that never finish a request, or sit idle after
//! one, are closed by hyper's header-read timeout instead of holding a socket forever.

use std::time::Duration;

use crate::common::slow::assert_slow_clients_are_cut_off;
use crate::common::*;

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn half_sent_and_idle_connections_are_closed() {
    let timeout = Duration::from_millis(800);
    let server = TestServer::start_with(|c| c.limits.header_read_timeout = timeout).await;
    assert_slow_clients_are_cut_off(server.addr, "/healthz", timeout).await;
    // The server still answers everyone else.
    let status = http()
        .get(server.url("/healthz"))
        .send()
        .await
        .unwrap()
        .status();
    assert_eq!(status, 200);
}
