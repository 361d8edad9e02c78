//! The search index `serve` updates in place (only changed files handed on, the files of
//! removed documents dropped) is, after an edit, a new post and a removed post, byte for
//! byte the index a fresh build of the same sources makes (#15).

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex};

use wirebook::serve::{render_to_memory, Files};
use wirebook::site::{BuildOptions, Site};

fn post(title: &str, date: &str, tags: &str, body: &str) -> String {
    format!("---\ntitle: \"{title}\"\ndate: {date}\ntags: [{tags}]\n---\n\n{body}\n")
}

/// The index's files among the served ones (not the search page).
fn index_of(files: &Files) -> BTreeMap<String, Vec<u8>> {
    files
        .iter()
        .filter(|(k, _)| k.starts_with("/search/") && !k.ends_with(".html"))
        .map(|(k, v)| (k.clone(), v.to_vec()))
        .collect()
}

/// What `serve` does after a post changed: applies it, renders the jobs it names into the
/// served files and drops what is gone. Returns the search files handed on.
fn update(site: &mut Site, files: &mut Files, changed: &str) -> Vec<String> {
    let update = site.update_posts(&[PathBuf::from(changed)]).unwrap();
    let written = Mutex::new(Vec::new());
    site.render_jobs(&update.jobs, &|rel: &str, bytes: &[u8]| {
        written
            .lock()
            .unwrap()
            .push((format!("/{rel}"), Arc::<[u8]>::from(bytes)));
        Ok(())
    })
    .unwrap();
    for rel in update.removed {
        files.remove(&format!("/{rel}"));
    }
    let written = written.into_inner().unwrap();
    let handed: Vec<String> = written
        .iter()
        .map(|(k, _)| k.clone())
        .filter(|k| k.starts_with("/search/"))
        .collect();
    files.extend(written);
    let gone = site
        .search_emitted
        .as_ref()
        .unwrap()
        .lock()
        .unwrap()
        .take_gone();
    for rel in gone {
        files.remove(&format!("/{rel}"));
    }
    handed
}

fn fresh(root: &Path) -> BTreeMap<String, Vec<u8>> {
    index_of(&render_to_memory(&options(root), false).unwrap().1)
}

fn options(root: &Path) -> BuildOptions {
    BuildOptions {
        root: root.to_path_buf(),
        quiet: true,
        ..Default::default()
    }
}

#[test]
fn updated_index_is_the_fresh_one_after_an_edit_a_new_post_and_a_removal() {
    let dir = tempfile::tempdir().unwrap();
    let root = dir.path();
    std::fs::create_dir_all(root.join("posts")).unwrap();
    std::fs::write(root.join("wirebook.toml"), "title = \"Search\"\n").unwrap();
    let posts = [
        (
            "posts/a.md",
            "WebSocket 통신",
            "2025-01-01",
            "ws",
            "웹소켓은 양방향 통신을 한다. resolver",
        ),
        (
            "posts/b.md",
            "Server-Sent Events",
            "2025-01-02",
            "sse",
            "SSE는 단방향. ready request",
        ),
        (
            "posts/c.md",
            "Polling",
            "2025-01-03",
            "http",
            "Polling asks again and again.",
        ),
    ];
    for (path, title, date, tags, body) in posts {
        std::fs::write(root.join(path), post(title, date, tags, body)).unwrap();
    }
    let (mut site, mut files) = render_to_memory(&options(root), false).unwrap();
    assert_eq!(index_of(&files), fresh(root));

    // An edit of one body: new words, some gone.
    std::fs::write(
        root.join("posts/b.md"),
        post(
            "Server-Sent Events",
            "2025-01-02",
            "sse",
            "SSE는 HTTP 위에서 흐른다. streaming",
        ),
    )
    .unwrap();
    let handed = update(&mut site, &mut files, "posts/b.md");
    assert_eq!(index_of(&files), fresh(root), "after an edit");
    // The other posts' documents were not handed on again.
    let docs: Vec<&String> = handed.iter().filter(|k| k.contains("/doc/")).collect();
    assert_eq!(docs.len(), 1, "{handed:?}");

    // A new post, newest first: every document moves up one id.
    std::fs::write(
        root.join("posts/d.md"),
        post(
            "GraphQL",
            "2025-01-04",
            "graphql",
            "구독은 웹소켓 위에서. subscription",
        ),
    )
    .unwrap();
    update(&mut site, &mut files, "posts/d.md");
    assert_eq!(index_of(&files), fresh(root), "after a new post");

    // A removed post: the last document's file goes.
    std::fs::remove_file(root.join("posts/a.md")).unwrap();
    update(&mut site, &mut files, "posts/a.md");
    let after = fresh(root);
    assert!(!after.contains_key("/search/doc/3.json"));
    assert_eq!(index_of(&files), after, "after a removal");
}
