//! The command line as a shell sees it: completion scripts, the man page, short flags.

mod common;

use std::process::Command;

use common::{stderr, TestSite};

fn wirebook(args: &[&str]) -> String {
    let out = Command::new(env!("CARGO_BIN_EXE_wirebook"))
        .args(args)
        .output()
        .unwrap();
    assert!(out.status.success(), "wirebook {args:?}: {}", stderr(&out));
    String::from_utf8(out.stdout).unwrap()
}

#[test]
fn completions_print_for_each_shell() {
    // What each shell's script must contain to complete `wirebook init-ci` and `--base-url`.
    for (shell, marker) in [
        ("bash", "complete -F _wirebook"),
        ("zsh", "#compdef wirebook"),
        ("fish", "complete -c wirebook"),
        ("powershell", "Register-ArgumentCompleter"),
    ] {
        let script = wirebook(&["completions", shell]);
        assert!(script.contains(marker), "{shell}: {marker:?} missing");
        for word in ["init-ci", "base-url", "no-examples"] {
            assert!(script.contains(word), "{shell}: {word:?} missing");
        }
    }
    let out = Command::new(env!("CARGO_BIN_EXE_wirebook"))
        .args(["completions", "tcsh"])
        .output()
        .unwrap();
    assert!(!out.status.success());
    assert!(
        stderr(&out).contains("invalid value 'tcsh'"),
        "{}",
        stderr(&out)
    );
}

#[test]
fn man_page_is_roff_with_every_command() {
    let page = wirebook(&["man"]);
    assert!(page.contains(".TH wirebook 1"), "{page}");
    for command in [
        "serve",
        "build",
        "check",
        "publish",
        "init\\-ci",
        "completions",
    ] {
        assert!(page.contains(command), "{command} missing:\n{page}");
    }
}

#[test]
fn short_flags_work_like_the_long_ones() {
    let site = TestSite::empty();
    site.write("posts/2025-01-01-a.md", "---\ntitle: A\n---\n\nText.\n");
    let dest = site.root().join("site-out");
    let dest = dest.to_str().unwrap();
    let out = site.run(&[
        "build",
        "-q",
        "-o",
        dest,
        "-b",
        "https://alice.github.io/notes/",
    ]);
    assert!(out.status.success(), "{}", stderr(&out));
    let index = std::fs::read_to_string(site.root().join("site-out/index.html")).unwrap();
    assert!(index.contains("href=\"/notes/assets/style.css"), "{index}");
    for (command, flags) in [
        ("serve", ["-p, --port", "-O, --open", "-b, --base-url"]),
        ("build", ["-o, --out", "-b, --base-url", "-q, --quiet"]),
        ("publish", ["-b, --base-url", "-m, --message", "--dry-run"]),
    ] {
        let help = wirebook(&[command, "--help"]);
        for flag in flags {
            assert!(help.contains(flag), "{command}: {flag} missing:\n{help}");
        }
    }
}
