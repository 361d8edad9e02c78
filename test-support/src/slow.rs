//! Slow clients (slowloris) for the header-read timeout tests of the examples server and of
//! `wirebook serve`.

use std::net::SocketAddr;
use std::time::{Duration, Instant};

use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::TcpStream;

/// Checks that a server with header-read timeout `timeout` closes, within it (plus slack for
/// a loaded machine), a connection that sends half a request line, one that trickles header
/// lines forever, and a keep-alive connection left idle after a complete `GET path`.
pub async fn assert_slow_clients_are_cut_off(addr: SocketAddr, path: &str, timeout: Duration) {
    let half_line = async {
        let mut conn = TcpStream::connect(addr).await.unwrap();
        conn.write_all(b"GET / HTT").await.unwrap();
        time_to_close(&mut conn, timeout).await
    };
    let trickle = async {
        let mut conn = TcpStream::connect(addr).await.unwrap();
        conn.write_all(b"GET / HTTP/1.1\r\nHost: slow\r\n")
            .await
            .unwrap();
        let start = Instant::now();
        // One header line every quarter of the timeout: the clock must not restart.
        for i in 0.. {
            tokio::time::sleep(timeout / 4).await;
            let line = format!("X-Slow-{i}: still coming\r\n");
            if conn.write_all(line.as_bytes()).await.is_err() || start.elapsed() > timeout * 4 {
                break;
            }
        }
        time_to_close(&mut conn, timeout)
            .await
            .map(|_| start.elapsed())
    };
    let idle = async {
        let mut conn = TcpStream::connect(addr).await.unwrap();
        let request = format!("GET {path} HTTP/1.1\r\nHost: idle\r\n\r\n");
        conn.write_all(request.as_bytes()).await.unwrap();
        let mut head = Vec::new();
        let mut byte = [0u8; 1];
        while !head.ends_with(b"\r\n\r\n") {
            assert_eq!(conn.read(&mut byte).await.unwrap(), 1, "response head");
            head.push(byte[0]);
        }
        assert!(
            head.starts_with(b"HTTP/1.1 200"),
            "{}",
            String::from_utf8_lossy(&head)
        );
        time_to_close(&mut conn, timeout).await
    };
    let (half_line, trickle, idle) = tokio::join!(half_line, trickle, idle);
    for (what, took) in [
        ("half a request line", half_line),
        ("headers trickled in", trickle),
        ("an idle keep-alive connection", idle),
    ] {
        let took = took.unwrap_or_else(|| panic!("{what}: still open long after {timeout:?}"));
        assert!(
            took >= timeout / 2,
            "{what}: closed after {took:?}, before the {timeout:?} timeout"
        );
    }
}

/// Reads (discarding anything the server sends, such as a 408 or a body) until the server
/// closes the connection; `None` if it is still open after `timeout` plus generous slack.
async fn time_to_close(conn: &mut TcpStream, timeout: Duration) -> Option<Duration> {
    let start = Instant::now();
    let mut buf = [0u8; 4096];
    tokio::time::timeout(timeout + Duration::from_secs(5), async {
        loop {
            match conn.read(&mut buf).await {
                Ok(0) | Err(_) => return start.elapsed(),
                Ok(_) => {}
            }
        }
    })
    .await
    .ok()
}
