//! The build cache (`.wirebook-cache/`, #15): a warm build's output is byte-identical to a
//! cold one's; an edit, a config change or a corrupt cache file is never served stale;
//! `--no-cache` neither reads nor writes it.

mod common;

use std::collections::BTreeMap;
use std::path::Path;
use std::process::Command;

use common::TestSite;

/// Every file of an output, by relative path.
type Tree = BTreeMap<String, Vec<u8>>;

/// Every file under `dir`, by relative path.
fn tree(dir: &Path) -> Tree {
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
fn build(site: &TestSite, name: &str, extra: &[&str]) -> (Option<usize>, Tree) {
    let (hits, _, tree) = build_counting(site, name, extra);
    (hits, tree)
}

/// The numbers in the debug log line holding `what`: `N of M <what>`.
fn logged(log: &str, what: &str) -> Option<(usize, usize)> {
    let line = log
        .lines()
        .find_map(|l| l.split(what).next().filter(|_| l.contains(what)))?;
    let mut words = line.split_whitespace().rev();
    let total = words.next()?.parse().ok()?;
    Some((words.nth(1)?.parse().ok()?, total))
}

/// [`build`], with how many pages were kept from the last build without being rendered, of
/// how many.
fn build_counting(
    site: &TestSite,
    name: &str,
    extra: &[&str],
) -> (Option<usize>, Option<(usize, usize)>, Tree) {
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
    let hits = logged(&log, " posts from the cache").map(|(hits, _)| hits);
    let kept = logged(&log, " pages kept from the last build");
    (hits, kept, tree(&out_dir))
}

/// Dates every file under `posts/` an hour back: the posts index keeps only files older
/// than a second (a second edit within the clock's granularity could look unchanged).
fn age_posts(site: &TestSite) {
    let hour_ago = std::time::SystemTime::now() - std::time::Duration::from_secs(3600);
    for e in std::fs::read_dir(site.root().join("posts")).unwrap() {
        let file = std::fs::File::options()
            .append(true)
            .open(e.unwrap().path())
            .unwrap();
        file.set_modified(hour_ago).unwrap();
    }
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

    // A corrupt or cut-short cache is ignored, not trusted: with the posts index out of the
    // way, nothing comes from the damaged entries …
    let index = site.root().join(".wirebook-cache/posts.bin");
    let _ = std::fs::remove_file(&index);
    damage(&|bytes| bytes.truncate(bytes.len() / 2));
    let (hits, after_cut) = build(&site, "cut", &[]);
    assert_eq!((hits, &after_cut), (Some(0), &fresh));
    let _ = std::fs::remove_file(&index);
    damage(&|bytes| {
        let mid = bytes.len() / 2;
        bytes[mid] ^= 0x55;
    });
    let (hits, after_flip) = build(&site, "flipped", &[]);
    assert_eq!((hits, &after_flip), (Some(0), &fresh));

    // … and posts taken from the index whose entries are damaged are rendered again from
    // their files when a page needs their HTML (new output folders: every page is).
    age_posts(&site);
    build(&site, "indexed", &[]);
    let (hits, indexed) = build(&site, "indexed2", &[]);
    assert_eq!((hits, &indexed), (Some(3), &fresh), "from the index");
    damage(&|bytes| bytes.truncate(bytes.len() / 2));
    let (_, after_cut) = build(&site, "cut2", &[]);
    assert!(after_cut == fresh, "damaged entries behind the index");
    // A damaged index is ignored too.
    let mut bytes = std::fs::read(&index).unwrap();
    let mid = bytes.len() / 2;
    bytes[mid] ^= 0x55;
    std::fs::write(&index, &bytes).unwrap();
    let (_, after_flip) = build(&site, "flipped2", &[]);
    assert!(after_flip == fresh, "damaged index");
    std::fs::write(&index, &bytes[..mid]).unwrap();
    let (_, after_cut) = build(&site, "cut3", &[]);
    assert!(after_cut == fresh, "cut-short index");

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

/// With the cache, a page whose inputs (its post, its neighbours' list entries, the lists it
/// shows, the templates, the configuration) are unchanged is neither rendered nor written;
/// after every kind of change the output stays what a `--no-cache` build makes.
#[test]
fn pages_with_unchanged_inputs_are_kept_and_the_output_stays_exact() {
    let site = TestSite::fixture("chap10");
    site.write("posts/2025-06-20-extra.md", CODE_POST);
    let body = format!(
        "---\ntitle: Middle\ntags: [rust]\n---\n\n{}\n\nIn between.\n",
        "A first paragraph long enough to be the whole summary. ".repeat(8)
    );
    site.write("posts/2025-06-05-middle.md", &body);
    // A short feed: the other posts' HTML is dropped after the Markdown stage and read back
    // from the cache when their pages are rendered.
    let config = std::fs::read_to_string(site.root().join("wirebook.toml")).unwrap();
    site.write("wirebook.toml", format!("{config}feed_limit = 1\n"));
    age_posts(&site);
    let (_, _, cold) = build_counting(&site, "public", &[]);
    let (_, _, fresh) = build_counting(&site, "fresh0", &["--no-cache"]);
    assert!(cold == fresh, "a cold build with the cache");
    let (_, kept, _) = build_counting(&site, "public", &[]);
    let (all, total) = kept.expect("the log counts kept pages");
    assert!(
        all == total && all > 10,
        "every page kept: {all} of {total}"
    );

    let mut round = 0;
    // Builds in place and compares with a fresh `--no-cache` build; returns the pages kept
    // and how many there are.
    let mut rebuilt = |what: &str| -> (usize, usize) {
        round += 1;
        let (_, kept, updated) = build_counting(&site, "public", &[]);
        let (_, _, fresh) = build_counting(&site, &format!("fresh{round}"), &["--no-cache"]);
        assert_eq!(
            updated.keys().collect::<Vec<_>>(),
            fresh.keys().collect::<Vec<_>>(),
            "{what}"
        );
        for (path, bytes) in &fresh {
            assert!(updated[path] == *bytes, "{what}: {path} differs");
        }
        kept.unwrap()
    };

    // The same bytes saved again: nothing to render.
    site.write("posts/2025-06-05-middle.md", &body);
    assert_eq!(rebuilt("touched, unchanged"), (all, all));
    // A body edit past the summary: that post alone (the feed carries only the newest).
    let body = body.replace("In between.", "In between, edited.");
    site.write("posts/2025-06-05-middle.md", &body);
    let (kept, _) = rebuilt("body edit");
    assert_eq!(kept + 1, all, "the post alone");
    // The newest post's code edited: that post and the feed.
    site.write(
        "posts/2025-06-20-extra.md",
        CODE_POST.replace("hi", "edited"),
    );
    assert_eq!(
        rebuilt("newest post's body").0 + 2,
        all,
        "the post and the feed"
    );
    // What lists show: the title, the date (the order), the tags.
    site.write(
        "posts/2025-06-05-middle.md",
        body.replace("Middle", "Renamed"),
    );
    assert!(rebuilt("title edit").0 < kept);
    site.write(
        "posts/2025-06-05-middle.md",
        body.replace("title: Middle", "title: Middle\ndate: 2025-07-01"),
    );
    rebuilt("date edit");
    site.write(
        "posts/2025-06-05-middle.md",
        body.replace("[rust]", "[go, 성능]"),
    );
    rebuilt("tags edit");
    site.write(
        "posts/2025-06-25-new.md",
        "---\ntitle: New\n---\n\nNew post.\n",
    );
    rebuilt("new post");
    std::fs::remove_file(site.root().join("posts/2025-06-25-new.md")).unwrap();
    rebuilt("removed post");
    // Templates and configuration: every page.
    site.write(
        "templates/post.html",
        "{% extends \"base.html\" %}{% block content %}<p>mine</p>{{ page.content | safe }}{% endblock %}",
    );
    assert_eq!(rebuilt("template edit").0, 0);
    let config = std::fs::read_to_string(site.root().join("wirebook.toml")).unwrap();
    site.write(
        "wirebook.toml",
        config.replace("Wire notes", "Wire notes 2"),
    );
    assert_eq!(rebuilt("config edit").0, 0);
    // A page damaged by hand in the output is written again.
    let out = site.root().parent().unwrap().join("public");
    std::fs::write(out.join("2025/06/10/chap10/index.html"), "damaged").unwrap();
    let (kept, total) = rebuilt("hand-damaged output");
    assert_eq!(kept + 1, total, "the damaged page alone");
}
