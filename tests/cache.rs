//! The build cache (`.wirebook-cache/`, #15): a warm build's output is byte-identical to a
//! cold one's; an edit, a config change or a corrupt cache file is never served stale;
//! `--no-cache` neither reads nor writes it.

mod common;

use std::collections::BTreeMap;
use std::path::Path;
use std::process::Command;

use common::TestSite;

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
    let cache = site.root().join(".wirebook-cache/markdown");
    // Every entry file, changed by `f`.
    let damage = |f: &dyn Fn(&mut Vec<u8>)| {
        for e in std::fs::read_dir(&cache).unwrap() {
            let path = e.unwrap().path();
            let mut bytes = std::fs::read(&path).unwrap();
            f(&mut bytes);
            std::fs::write(&path, bytes).unwrap();
        }
    };

    let (hits, cold) = build(&site, "cold", &[]);
    assert_eq!(hits, Some(0), "nothing cached yet");
    assert_eq!(
        std::fs::read_dir(&cache).unwrap().count(),
        3,
        "one cache entry per post"
    );
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
    assert_eq!(
        std::fs::read_dir(&cache).unwrap().count(),
        3,
        "the edited post's old entry is removed"
    );
    let (hits, fresh) = build(&site, "fresh", &["--no-cache"]);
    assert_eq!(hits, None, "--no-cache does not read the cache");
    assert_eq!(edited, fresh);

    // A corrupt or cut-short cache is ignored, not trusted.
    damage(&|bytes| bytes.truncate(bytes.len() / 2));
    let (hits, after_cut) = build(&site, "cut", &[]);
    assert_eq!((hits, &after_cut), (Some(0), &fresh));
    damage(&|bytes| {
        let mid = bytes.len() / 2;
        bytes[mid] ^= 0x55;
    });
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

/// Rebuilding into the same output with the cache writes only the files whose bytes
/// changed, removes what the build no longer makes, and leaves what a fresh build makes.
#[test]
fn an_output_updated_in_place_equals_a_fresh_one() {
    let site = TestSite::fixture("chap10");
    site.write("posts/2025-06-20-extra.md", CODE_POST);
    site.write("static/keep.txt", "static file");
    build(&site, "public", &[]);
    let out = site.root().parent().unwrap().join("public");
    let page = out.join("2025/06/20/extra/index.html");
    let unchanged = out.join("2025/06/10/chap10/index.html");
    let mtime = |p: &Path| std::fs::metadata(p).unwrap().modified().unwrap();
    let before = (mtime(&page), mtime(&unchanged));
    std::thread::sleep(std::time::Duration::from_millis(20));

    // An edit, a removed static file and a hand-damaged output file.
    site.write(
        "posts/2025-06-20-extra.md",
        CODE_POST.replace("hi", "edited"),
    );
    std::fs::remove_file(site.root().join("static/keep.txt")).unwrap();
    std::fs::write(out.join("404.html"), "damaged").unwrap();
    let (_, updated) = build(&site, "public", &[]);
    assert_ne!(mtime(&page), before.0, "the edited post is written");
    assert_eq!(mtime(&unchanged), before.1, "an unchanged page is not");
    let (_, fresh) = build(&site, "fresh", &["--no-cache"]);
    assert_eq!(
        updated.keys().collect::<Vec<_>>(),
        fresh.keys().collect::<Vec<_>>()
    );
    assert!(
        updated == fresh,
        "in-place output differs from a fresh build"
    );

    // A post removed: its page and the folders only it used are gone.
    std::fs::remove_file(site.root().join("posts/2025-06-20-extra.md")).unwrap();
    let (_, updated) = build(&site, "public", &[]);
    assert!(!out.join("2025/06/20").exists());
    let (_, fresh) = build(&site, "fresh2", &["--no-cache"]);
    assert!(
        updated == fresh,
        "in-place output differs from a fresh build"
    );
}

#[test]
fn no_cache_writes_no_cache() {
    let site = TestSite::fixture("chap10");
    build(&site, "out", &["--no-cache"]);
    assert!(!site.root().join(".wirebook-cache").exists());
}
