//! Hostile sites (issue #14): a site built from an untrusted pull request must not write
//! outside `--out`, wipe folders it did not make, publish files from outside the site, or
//! emit an invalid feed. Each test failed on the code before the fix.

mod common;

use std::path::Path;

use common::{stderr, TestSite};

fn post(front: &str) -> String {
    format!("---\ntitle: Hostile\n{front}---\nBody.\n")
}

fn files_under(dir: &Path) -> Vec<String> {
    walkdir::WalkDir::new(dir)
        .into_iter()
        .filter_map(Result::ok)
        .filter(|e| e.file_type().is_file())
        .map(|e| e.path().strip_prefix(dir).unwrap().display().to_string())
        .collect()
}

#[test]
fn a_permalink_that_leaves_the_output_is_refused_with_file_and_line() {
    for permalink in ["../../escaped/", "/../../escaped/", "/a/../../../escaped/"] {
        let site = TestSite::nested();
        site.write(
            "posts/2025-01-01-x.md",
            post(&format!("permalink: \"{permalink}\"\n")),
        );
        let out = site.run(&["build"]);
        let err = stderr(&out);
        assert_eq!(out.status.code(), Some(1), "{permalink}: {err}");
        assert!(
            err.contains("posts/2025-01-01-x.md:3: ") && err.contains("leaves the output folder"),
            "{permalink}: {err}"
        );
        let outside = files_under(site.temp());
        assert!(
            outside.iter().all(|f| f.starts_with("site/posts/")),
            "{permalink}: {outside:?}"
        );
    }
}

#[test]
fn a_redirect_that_leaves_the_output_is_refused_with_file_and_line() {
    let site = TestSite::nested();
    site.write(
        "posts/2025-01-01-x.md",
        post("redirect_from: [/old/, ../../escaped/]\n"),
    );
    let out = site.run(&["build"]);
    let err = stderr(&out);
    assert_eq!(out.status.code(), Some(1), "{err}");
    assert!(
        err.contains(
            "posts/2025-01-01-x.md:3: redirect_from \"../../escaped/\" leaves the output folder"
        ),
        "{err}"
    );
}

#[test]
fn permalinks_are_normalised_inside_the_output() {
    let site = TestSite::nested();
    site.write("posts/2025-01-01-x.md", post("permalink: /a/./b/../c//\n"));
    site.build(&[]);
    assert!(site.exists("a/c/index.html"));
    assert!(!site.exists("a/b/index.html"));
}

#[test]
fn out_set_to_the_site_root_or_a_parent_is_refused_and_nothing_is_deleted() {
    let site = TestSite::nested();
    site.write("wirebook.toml", "title = \"Mine\"\n");
    site.write("posts/2025-01-01-x.md", post(""));
    for out_dir in [site.root().to_path_buf(), site.temp().to_path_buf()] {
        let out = site.run(&["build", "--out", out_dir.to_str().unwrap()]);
        let err = stderr(&out);
        assert_ne!(out.status.code(), Some(0), "{err}");
        assert!(err.contains("contains the site"), "{err}");
        assert!(site.root().join("wirebook.toml").is_file(), "{err}");
        assert!(site.root().join("posts/2025-01-01-x.md").is_file(), "{err}");
    }
}

#[test]
fn out_holding_other_files_is_refused_an_empty_or_earlier_output_is_replaced() {
    let site = TestSite::nested();
    site.write("posts/2025-01-01-x.md", post(""));
    let mine = site.temp().join("mine");
    std::fs::create_dir_all(&mine).unwrap();
    std::fs::write(mine.join("thesis.tex"), "years of work").unwrap();
    let out = site.run(&["build", "--out", mine.to_str().unwrap()]);
    let err = stderr(&out);
    assert_ne!(out.status.code(), Some(0), "{err}");
    assert!(
        err.contains(&format!(
            "{} holds files wirebook did not write",
            mine.display()
        )),
        "{err}"
    );
    assert_eq!(
        std::fs::read_to_string(mine.join("thesis.tex")).unwrap(),
        "years of work"
    );

    // An empty folder, and then wirebook's own output, are replaced.
    let empty = site.temp().join("empty");
    std::fs::create_dir_all(&empty).unwrap();
    for _ in 0..2 {
        site.build(&["--out", empty.to_str().unwrap()]);
        assert!(empty.join("2025/01/01/x/index.html").is_file());
    }
    // The default `public/` too, once built.
    site.build(&[]);
    site.build(&[]);
}

#[test]
fn out_set_to_home_is_refused_even_when_empty() {
    let site = TestSite::nested();
    site.write("posts/2025-01-01-x.md", post(""));
    let home = site.temp().join("home");
    std::fs::create_dir_all(&home).unwrap();
    let out = std::process::Command::new(env!("CARGO_BIN_EXE_wirebook"))
        .args(["build", "--root"])
        .arg(site.root())
        .arg("--out")
        .arg(&home)
        .env("HOME", &home)
        .output()
        .unwrap();
    let err = stderr(&out);
    assert_ne!(out.status.code(), Some(0), "{err}");
    assert!(err.contains("home folder"), "{err}");
    assert!(home.is_dir());
}

#[cfg(unix)]
#[test]
fn symlinks_leaving_the_site_are_not_followed_and_are_named() {
    use std::os::unix::fs::symlink;
    let site = TestSite::nested();
    let secret = site.temp().join("secret");
    std::fs::create_dir_all(&secret).unwrap();
    std::fs::write(
        secret.join("passwd.md"),
        post("date: 2025-01-01\n").replace("Body.", "root:x:0:0:SECRET"),
    )
    .unwrap();
    std::fs::write(secret.join("key.txt"), "SECRET KEY").unwrap();
    symlink(secret.join("passwd.md"), site.root().join("posts/x.md")).unwrap();
    symlink(&secret, site.root().join("posts/linked-dir")).unwrap();
    std::fs::create_dir_all(site.root().join("static")).unwrap();
    symlink(secret.join("key.txt"), site.root().join("static/key.txt")).unwrap();
    // A link that stays inside the site is followed.
    site.write("shared/2025-02-02-inside.md", post(""));
    symlink(
        site.root().join("shared/2025-02-02-inside.md"),
        site.root().join("posts/2025-02-02-inside.md"),
    )
    .unwrap();

    let out = site.build(&[]);
    let err = stderr(&out);
    for link in ["posts/x.md", "posts/linked-dir", "static/key.txt"] {
        assert!(
            err.contains(link) && err.contains("points outside the site"),
            "{link}: {err}"
        );
    }
    assert!(site.exists("2025/02/02/inside/index.html"));
    let public = site.root().join("public");
    for f in files_under(&public) {
        let text = std::fs::read(public.join(&f)).unwrap();
        assert!(
            !String::from_utf8_lossy(&text).contains("SECRET"),
            "{f} has outside content"
        );
    }
}

#[test]
fn characters_xml_forbids_are_refused_with_line_and_column() {
    let site = TestSite::nested();
    site.write(
        "posts/2025-01-01-x.md",
        "---\ntitle: \"A\u{0}B\"\n---\nBody with \u{1b}[31m.\n",
    );
    let out = site.run(&["build"]);
    let err = stderr(&out);
    assert_eq!(out.status.code(), Some(1), "{err}");
    assert!(
        err.contains("posts/2025-01-01-x.md:2:10: ") && err.contains("U+0000"),
        "{err}"
    );
    assert!(!site.exists("atom.xml"));

    let site = TestSite::nested();
    site.write("wirebook.toml", "title = \"Feed\\u0000\"\n");
    site.write("posts/2025-01-01-x.md", post(""));
    let out = site.run(&["build"]);
    let err = stderr(&out);
    assert_ne!(out.status.code(), Some(0), "{err}");
    assert!(
        err.contains("wirebook.toml: `title`: control character U+0000"),
        "{err}"
    );
}

#[test]
fn a_permalink_clashing_with_a_generated_page_names_both() {
    for (permalink, expected) in [
        ("/", "permalink / is also the home page"),
        ("/tags/", "permalink /tags/ is also the list of tags"),
        (
            "/atom.xml",
            "permalink /atom.xml/ would need a folder where /atom.xml is the Atom feed",
        ),
    ] {
        let site = TestSite::nested();
        site.write(
            "posts/2025-01-01-x.md",
            post(&format!("tags: [t]\npermalink: \"{permalink}\"\n")),
        );
        let out = site.run(&["build"]);
        let err = stderr(&out);
        assert_eq!(out.status.code(), Some(1), "{permalink}: {err}");
        assert!(
            err.contains(&format!("posts/2025-01-01-x.md:4: {expected}")),
            "{permalink}: {err}"
        );
    }
}

#[test]
fn years_outside_1_to_9999_are_refused() {
    for date in ["-0001-01-01", "0000-06-01", "+10000-01-01"] {
        let site = TestSite::nested();
        site.write("posts/x.md", post(&format!("date: \"{date}\"\n")));
        let out = site.run(&["build"]);
        let err = stderr(&out);
        assert_eq!(out.status.code(), Some(1), "{date}: {err}");
        assert!(err.contains("posts/x.md:3: field `date`"), "{date}: {err}");
    }
    let site = TestSite::nested();
    site.write("posts/0000-01-01-zero.md", post(""));
    let out = site.run(&["build"]);
    assert_eq!(out.status.code(), Some(1), "{}", stderr(&out));
}

#[test]
fn leftovers_of_a_killed_build_are_removed_and_nothing_else() {
    let site = TestSite::nested();
    site.write("posts/2025-01-01-x.md", post(""));
    // PIDs above the kernel's pid_max cannot be running.
    let dead = ["4194999", "4194998"];
    let leftovers = [
        format!(".public.wirebook-staging-{}", dead[0]),
        format!(".public.wirebook-old-{}", dead[1]),
    ];
    let kept = [
        ".public.wirebook-staging-notapid",
        ".public.keep",
        "public.wirebook-old-4194999",
    ];
    for name in leftovers.iter().map(String::as_str).chain(kept) {
        site.write(&format!("{name}/index.html"), "old");
    }
    site.build(&[]);
    for name in &leftovers {
        assert!(!site.root().join(name).exists(), "{name} left behind");
    }
    for name in kept {
        assert!(
            site.root().join(name).join("index.html").is_file(),
            "{name} removed"
        );
    }
}

#[test]
fn a_post_over_the_size_limit_is_refused_with_its_name() {
    let site = TestSite::nested();
    site.write("wirebook.toml", "max_post_bytes = 1000\n");
    site.write(
        "posts/2025-01-01-big.md",
        post("").replace("Body.", &"word ".repeat(400)),
    );
    site.write("posts/2025-01-02-small.md", post(""));
    let out = site.run(&["build"]);
    let err = stderr(&out);
    assert_eq!(out.status.code(), Some(1), "{err}");
    assert!(
        err.contains("posts/2025-01-01-big.md: ")
            && err.contains("larger than `max_post_bytes` (1000 bytes)"),
        "{err}"
    );
    assert!(!err.contains("small.md"), "{err}");
}
