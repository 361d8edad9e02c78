//! `wirebook init`: a new site that builds, serves and shows a live demo
//! straight away — the config, one post and a `.gitignore`.
//!
//! Everything is checked before anything is written, so a refused init
//! leaves the folder as it was.

use std::path::{Path, PathBuf};

use anyhow::{bail, Context, Result};

use crate::paths;

/// What `init` needs to know.
#[derive(Debug, Clone)]
pub struct InitOptions {
    pub dir: PathBuf,
    pub title: String,
    pub author: String,
    /// BCP 47 tag for `<html lang>`.
    pub language: String,
    /// The date the sample post carries, `YYYY-MM-DD HH:MM:SS +ZZ:ZZ`.
    pub now: chrono::DateTime<chrono::FixedOffset>,
}

/// Writes the new site; returns the files written, relative to `dir`.
pub fn init(opts: &InitOptions) -> Result<Vec<PathBuf>> {
    let post =
        Path::new(paths::POSTS).join(format!("{}-hello-wirebook.md", opts.now.format("%Y-%m-%d")));
    let files: Vec<(PathBuf, String)> = vec![
        (crate::config::CONFIG_FILE.into(), config(opts)),
        (post, sample_post(opts)),
        (
            ".gitignore".into(),
            format!("/{}/\n/{}/\n", paths::OUTPUT, paths::CACHE),
        ),
    ];
    for taken in [crate::config::CONFIG_FILE, paths::POSTS] {
        let path = opts.dir.join(taken);
        if path.exists() {
            bail!(
                "{} already exists: {} looks like a site already; nothing was written",
                path.display(),
                opts.dir.display()
            );
        }
    }
    let gitignore = opts.dir.join(".gitignore");
    let files: Vec<_> = files
        .into_iter()
        // An existing .gitignore is the user's; leave it alone.
        .filter(|(rel, _)| !(rel == Path::new(".gitignore") && gitignore.exists()))
        .collect();
    for (rel, text) in &files {
        let path = opts.dir.join(rel);
        if let Some(parent) = path.parent() {
            std::fs::create_dir_all(parent)
                .with_context(|| format!("cannot create {}", parent.display()))?;
        }
        std::fs::write(&path, text).with_context(|| format!("cannot write {}", path.display()))?;
    }
    Ok(files.into_iter().map(|(rel, _)| rel).collect())
}

/// A TOML basic string (the title may hold quotes or backslashes).
fn toml_str(s: &str) -> String {
    let mut out = String::with_capacity(s.len() + 2);
    out.push('"');
    for c in s.chars() {
        match c {
            '"' => out.push_str("\\\""),
            '\\' => out.push_str("\\\\"),
            c if c.is_control() => out.push_str(&format!("\\u{:04X}", c as u32)),
            c => out.push(c),
        }
    }
    out.push('"');
    out
}

fn config(opts: &InitOptions) -> String {
    format!(
        r#"# Site settings; every key is optional (see the wirebook README, "Configuration").
title = {title}
description = "Notes on web protocols, with live demos."
author = {author}
language = {language}
# Where the site is served from. `wirebook publish` works out the GitHub Pages URL
# from the git remote; set it here for another host.
base_url = "http://127.0.0.1:1111/"
posts_per_page = 10

[examples]
# The server behind the live demos. Empty: the site's own origin, which
# `wirebook serve` provides. For a published site, the URL of a deployed
# examples-server, e.g. "https://examples.example.org".
url = ""
"#,
        title = toml_str(&opts.title),
        author = toml_str(&opts.author),
        language = toml_str(&opts.language),
    )
}

fn sample_post(opts: &InitOptions) -> String {
    format!(
        r#"---
layout: post
title: "Hello, wirebook"
date: {date}
categories: [notes]
tags: [websocket, sse]
description: "A first post: a comparison table, highlighted code and a live demo."
---

This post is yours to change or delete. `wirebook serve` rebuilds the site and
reloads this page every time you save.

## Push, compared

| | WebSocket | Server-Sent Events |
|---|---|---|
| Direction | both ways | server → browser |
| Reconnects by itself | no | ✅ yes, with `Last-Event-ID` |
| Works through plain HTTP tooling | upgrade needed | ✅ |

## Code

```js
const events = new EventSource("/sse/news");
events.addEventListener("news", (e) => console.log(JSON.parse(e.data)));
```

## Try it

Two people in one chat room — type in one pane, watch the frames arrive in the other:

```demo websocket
title: Two people, one room
room: hello
```

And a snippet you can edit and run:

```js run
const res = await fetch(EXAMPLES + "/api/posts?per_page=3");
console.log(res.status, (await res.json()).items.map((p) => p.title));
```
"#,
        date = opts.now.format("%Y-%m-%d %H:%M:%S %:z"),
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    fn opts(dir: &Path) -> InitOptions {
        InitOptions {
            dir: dir.to_owned(),
            title: r#"My "notes" \ here"#.into(),
            author: "Ada".into(),
            language: "en".into(),
            now: chrono::DateTime::parse_from_rfc3339("2026-11-25T10:00:00+09:00").unwrap(),
        }
    }

    #[test]
    fn a_second_init_writes_nothing() {
        let dir = tempfile::tempdir().unwrap();
        let written = init(&opts(dir.path())).unwrap();
        assert_eq!(
            written,
            [
                PathBuf::from("wirebook.toml"),
                PathBuf::from("posts/2026-11-25-hello-wirebook.md"),
                PathBuf::from(".gitignore"),
            ]
        );
        let before = std::fs::read_to_string(dir.path().join("wirebook.toml")).unwrap();
        assert!(
            before.contains(r#"title = "My \"notes\" \\ here""#),
            "{before}"
        );
        let err = init(&opts(dir.path())).unwrap_err().to_string();
        assert!(err.contains("already exists"), "{err}");
    }
}
