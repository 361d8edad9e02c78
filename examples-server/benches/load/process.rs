//! The real `examples-server` binary as a child process, so its memory can be
//! measured alone, plus the latency rows shared by the WebSocket and SSE runs.

use std::net::SocketAddr;
use std::process::{Child, Command, Stdio};

use crate::{fmt_runs, median};

pub struct Server {
    child: Child,
    pub addr: SocketAddr,
    /// Held open: closing it would fail the server's later writes to stdout.
    _stdout: std::io::BufReader<std::process::ChildStdout>,
}

impl Server {
    pub fn start() -> Server {
        Server::start_with(&[])
    }

    /// With extra flags, e.g. `--redis-url`.
    pub fn start_with(extra: &[&str]) -> Server {
        let mut child = Command::new(env!("CARGO_BIN_EXE_examples-server"))
            .args(["--addr", "127.0.0.1:0", "--memory", "--news-interval", "0"])
            .args(extra)
            .env("RUST_LOG", "warn")
            .stdout(Stdio::piped())
            .stderr(Stdio::inherit())
            .spawn()
            .unwrap();
        let mut out = std::io::BufReader::new(child.stdout.take().unwrap());
        let mut line = String::new();
        std::io::BufRead::read_line(&mut out, &mut line).unwrap();
        let addr = line
            .trim()
            .trim_start_matches("listening on http://")
            .parse()
            .unwrap();
        Server {
            child,
            addr,
            _stdout: out,
        }
    }

    /// Resident set size in KiB, from /proc.
    pub fn rss_kib(&self) -> u64 {
        let status = std::fs::read_to_string(format!("/proc/{}/status", self.child.id())).unwrap();
        status
            .lines()
            .find_map(|l| l.strip_prefix("VmRSS:"))
            .and_then(|v| v.trim().trim_end_matches("kB").trim().parse().ok())
            .unwrap()
    }
}

impl Drop for Server {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

pub fn latency_row(
    name: &str,
    p50: &mut [f64],
    p99: &mut [f64],
    lost: &[f64],
) -> Vec<(String, String, String)> {
    vec![
        (
            format!("{name}, p50 ms"),
            format!("{:.1}", median(&mut p50.to_vec())),
            fmt_runs(p50, "", 1),
        ),
        (
            format!("{name}, p99 ms"),
            format!("{:.1}", median(&mut p99.to_vec())),
            fmt_runs(p99, "", 1),
        ),
        (
            format!("{name}, deliveries lost"),
            format!("{:.0}", median(&mut lost.to_vec())),
            fmt_runs(lost, "", 0),
        ),
    ]
}
