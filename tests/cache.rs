//! The build cache (`.wirebook-cache/`, #15): a warm build's output is byte-identical to a
//! cold one's; an edit, a config change or a corrupt cache file is never served stale;
//! `--no-cache` neither reads nor writes it.

mod support;

use std::collections::BTreeMap;
use std::path::Path;
use std::process::Command;

use support::TestSite;

/// Every file under `dir`, by relative path.
fn tree(dir: &Path) -> BTreeMap<String, Vec<u8>> {
    let mut out = BTreeMap::new();
    let mut stack = vec![dir.to_path_buf()];
    while let Some(d) = stack.pop() {
        for e in std::fs::read_dir(&d).unwrap() {
            let p = e.unwrap().path();
            if p.is_dir() {
                stack.push(p);
            } else {
                let rel = p.strip_prefix(dir).unwrap().to_string_lossy().to_string();
                out.insert(rel, std::fs::read(&p).unwrap());
            }
        }
    }
    out
}

/// Builds into `TEMP/NAME` and returns how many posts came from the cache (the debug log's
/// count; `None` when the cache was not used) and the output.
fn build(
    site: &TestSite,
    name: &str,
    extra: &[&str],
) -> (Option<usize>, BTreeMap<String, Vec<u8>>) {
    let out_dir = site.root().parent().unwrap().join(name);
    let out = Command::new(env!("CARGO_BIN_EXE_wirebook"))
        .env("WIREBOOK_LOG", "wirebook=debug")
        .args(["build", "--root"])
        .arg(site.root())
        .arg("--out")
        .arg(&out_dir)
        .args(extra)
        .output()
        .unwrap();
    let log = String::from_utf8_lossy(&out.stderr).to_string();
    assert!(out.status.success(), "build failed:\n{log}");
    let hits = log
        .lines()
        .find_map(|l| {
            l.split(" posts from the cache")
                .next()
                .filter(|_| l.contains("posts from the cache"))
        })
        .and_then(|l| l.split_whitespace().rev().nth(2)?.parse().ok());
    (hits, tree(&out_dir))
}

const CODE_POST: &str = "---\ntitle: Code\n---\n\n## One\n\n```rust\nfn main() { println!(\"hi\"); }\n```\n\n## Two\n\n```nosuchlang\nx\n```\n\n## Three\n\n```demo ajax\n```\n";

#[test]
fn a_warm_build_is_byte_identical_to_a_cold_one() {
    let site = TestSite::fixture("chap10");
    site.write("posts/2025-06-20-extra.md", CODE_POST);
    let cache = site.root().join(".wirebook-cache/markdown.bin");

    let (hits, cold) = build(&site, "cold", &[]);
    assert_eq!(hits, Some(0), "nothing cached yet");
    assert!(cache.is_file(), "the cache is written");
    let (hits, warm) = build(&site, "warm", &[]);
    assert_eq!(hits, Some(3), "every post from the cache");
    assert_eq!(
        cold.keys().collect::<Vec<_>>(),
        warm.keys().collect::<Vec<_>>()
    );
    for (path, bytes) in &cold {
        assert!(
            warm[path] == *bytes,
            "{path} differs between the cold and the warm build"
        );
    }

    // One post edited: only it is rendered again, and the result is what a cold build makes.
    site.write(
        "posts/2025-06-20-extra.md",
        CODE_POST.replace("hi", "edited"),
    );
    let (hits, edited) = build(&site, "edited", &[]);
    assert_eq!(hits, Some(2));
    let (hits, fresh) = build(&site, "fresh", &["--no-cache"]);
    assert_eq!(hits, None, "--no-cache does not read the cache");
    assert_eq!(edited, fresh);

    // A corrupt or cut-short cache is ignored, not trusted.
    let bytes = std::fs::read(&cache).unwrap();
    std::fs::write(&cache, &bytes[..bytes.len() / 2]).unwrap();
    let (hits, after_cut) = build(&site, "cut", &[]);
    assert_eq!((hits, &after_cut), (Some(0), &fresh));
    let mut flipped = std::fs::read(&cache).unwrap();
    let mid = flipped.len() / 2;
    flipped[mid] ^= 0x55;
    std::fs::write(&cache, &flipped).unwrap();
    let (hits, after_flip) = build(&site, "flipped", &[]);
    assert_eq!((hits, &after_flip), (Some(0), &fresh));

    // A config change invalidates every entry.
    let config = std::fs::read_to_string(site.root().join("wirebook.toml")).unwrap();
    site.write(
        "wirebook.toml",
        format!("{config}\nexcerpt_separator = \"<!--more-->\"\n"),
    );
    let (hits, _) = build(&site, "config", &[]);
    assert_eq!(hits, Some(0));
}

#[test]
fn no_cache_writes_no_cache() {
    let site = TestSite::fixture("chap10");
    build(&site, "out", &["--no-cache"]);
    assert!(!site.root().join(".wirebook-cache").exists());
}
