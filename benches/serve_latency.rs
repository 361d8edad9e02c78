//! Save-to-reload latency of `wirebook serve`: edits one post N times and measures the time
//! from the file write to the reload event on the live-reload stream.
//!
//! `WIREBOOK_BENCH_SITE=DIR cargo bench --bench serve_latency` (DIR holds wirebook.toml and
//! posts/, e.g. a corpus from ../shared/bench/gen-corpus). Without it, a 200-post site is
//! generated in a temp dir. `WIREBOOK_BENCH_EDITS` sets N (default 20).

use std::path::PathBuf;
use std::time::{Duration, Instant};

use futures_util::StreamExt;

fn make_site(n: usize) -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    std::fs::create_dir_all(dir.path().join("posts")).unwrap();
    for i in 0..n {
        let text = format!(
            "---\ntitle: \"Post {i}\"\ndate: 2024-01-01 00:{:02}:{:02} +00:00\ntags: [t{}]\n---\n\n## 개요\n\nBody {i}.\n\n```rust\nfn main() {{ println!(\"{i}\"); }}\n```\n",
            i / 60 % 60,
            i % 60,
            i % 7
        );
        std::fs::write(dir.path().join(format!("posts/p{i:05}.md")), text).unwrap();
    }
    dir
}

#[tokio::main(flavor = "multi_thread", worker_threads = 2)]
async fn main() {
    if std::env::args().any(|a| a == "--list") {
        return;
    }
    let generated;
    let root: PathBuf = match std::env::var_os("WIREBOOK_BENCH_SITE") {
        Some(p) => PathBuf::from(p),
        None => {
            generated = make_site(200);
            generated.path().to_path_buf()
        }
    };
    let edits: usize = std::env::var("WIREBOOK_BENCH_EDITS")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(20);
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let base = format!("http://{}", listener.local_addr().unwrap());
    let opts = wirebook::serve::ServeOptions {
        root: root.clone(),
        port: 0,
        drafts: true,
        examples: false,
        ..Default::default()
    };
    let started = Instant::now();
    tokio::spawn(wirebook::serve::run_on(
        listener,
        opts,
        std::future::pending(),
    ));
    let client = reqwest::Client::new();
    let resp = loop {
        if let Ok(r) = client
            .get(format!("{base}/__wirebook/livereload"))
            .send()
            .await
        {
            break r;
        }
        tokio::time::sleep(Duration::from_millis(20)).await;
    };
    let mut stream = resp.bytes_stream();
    let mut buf = String::new();
    // Wait for the first build (the hello event arrives once the server answers).
    let mut next_event = async move |stream: &mut (dyn futures_util::Stream<
        Item = reqwest::Result<bytes_alias::Bytes>,
    > + Unpin)|
                -> String {
        loop {
            if let Some(end) = buf.find("\n\n") {
                let block: String = buf.drain(..end + 2).collect();
                if let Some(line) = block.lines().find(|l| l.starts_with("event:")) {
                    return line[6..].trim().to_string();
                }
                continue;
            }
            let chunk = stream.next().await.expect("stream open").expect("chunk");
            buf.push_str(&String::from_utf8_lossy(&chunk));
        }
    };
    assert_eq!(next_event(&mut stream).await, "hello");
    let (posts, _) = wirebook::content::library::discover(&root, false);
    let target = root.join(&posts[posts.len() / 2]);
    let original = std::fs::read_to_string(&target).unwrap();
    println!(
        "site: {} ({} posts), first build + start: {:?}",
        root.display(),
        posts.len(),
        started.elapsed()
    );
    let mut samples = Vec::new();
    for i in 0..edits {
        tokio::time::sleep(Duration::from_millis(150)).await;
        let t = Instant::now();
        std::fs::write(&target, format!("{original}\n\nEdit number {i}.\n")).unwrap();
        let event = next_event(&mut stream).await;
        samples.push(t.elapsed());
        assert_eq!(event, "reload");
    }
    std::fs::write(&target, original).unwrap();
    samples.sort();
    let ms = |d: Duration| d.as_secs_f64() * 1000.0;
    println!(
        "save-to-reload over {edits} edits: median {:.1} ms, p90 {:.1} ms, min {:.1} ms, max {:.1} ms",
        ms(samples[samples.len() / 2]),
        ms(samples[samples.len() * 9 / 10]),
        ms(samples[0]),
        ms(samples[samples.len() - 1])
    );
}

mod bytes_alias {
    pub use axum::body::Bytes;
}
