//! `wirebook init-ci github`: a GitHub Actions workflow that builds the site and deploys it
//! with GitHub's own Pages actions (configure-pages → upload-pages-artifact → deploy-pages),
//! the alternative to pushing a `gh-pages` branch with `wirebook publish`.
//!
//! The base URL comes from `actions/configure-pages`' `base_url` output, so the same
//! workflow is right for `OWNER.github.io/REPO`, a user site and a custom domain.

use std::path::{Path, PathBuf};

use super::error::{io, PublishError, Result};
use super::git::Git;

/// Where the workflow goes, relative to the repository root.
pub const WORKFLOW_PATH: &str = ".github/workflows/pages.yml";

#[derive(Debug, Clone)]
pub struct InitCiOptions {
    /// Site root; the workflow is written at the root of the git repository containing it.
    pub root: PathBuf,
    /// Overwrite an existing workflow.
    pub force: bool,
    /// Install wirebook from this git repository (newest commit of its default branch)
    /// instead of the crates.io release that matches the running wirebook.
    pub git: Option<String>,
}

/// How the workflow gets its wirebook.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Install {
    /// `cargo install wirebook --version =VERSION` from crates.io: the version that wrote
    /// the workflow, so the deploy builds the site exactly as `wirebook build` does here.
    Release(String),
    /// `cargo install --git URL`, at the newest commit, cached per commit (`--git`).
    Git(String),
    /// This is wirebook's own repository: build the checked-out wirebook.
    FromSource,
}

#[derive(Debug)]
pub struct InitCiReport {
    pub path: PathBuf,
    /// The branch whose pushes deploy.
    pub branch: String,
    /// The site folder relative to the repository root (`.` for the root itself).
    pub site_root: String,
    pub install: Install,
}

/// Writes `.github/workflows/pages.yml`.
pub fn init_github_ci(opts: &InitCiOptions) -> Result<InitCiReport> {
    let root = &opts.root;
    let paths = crate::paths::SitePaths::new(root.as_path());
    if !paths.config_file().is_file() && !paths.posts().is_dir() {
        return Err(PublishError::NotASite(root.clone()));
    }
    if let Some(url) = &opts.git {
        check_git_url(url)?;
    }
    let git = Git::discover(root).ok();
    let toplevel = match &git {
        Some(g) => PathBuf::from(g.run(["rev-parse", "--show-toplevel"])?),
        None => root.clone(),
    };
    let branch = git
        .as_ref()
        .and_then(|g| g.query(["symbolic-ref", "--short", "-q", "HEAD"]).ok())
        .flatten()
        .unwrap_or_else(|| "main".into());
    let site_root = relative(root, &toplevel)?;
    let install = match &opts.git {
        Some(url) => Install::Git(url.trim().to_string()),
        None if is_wirebook_repo(&toplevel) => Install::FromSource,
        None => Install::Release(env!("CARGO_PKG_VERSION").to_string()),
    };

    let path = toplevel.join(WORKFLOW_PATH);
    if path.exists() && !opts.force {
        return Err(PublishError::WorkflowExists(path));
    }
    let text = workflow(&branch, &site_root, &install);
    let dir = path.parent().expect("the workflow path has a parent");
    std::fs::create_dir_all(dir).map_err(io("cannot create", dir))?;
    std::fs::write(&path, text).map_err(io("cannot write", &path))?;
    Ok(InitCiReport {
        path,
        branch,
        site_root,
        install,
    })
}

/// `--git` must be something `cargo install --git` can fetch: one line, no spaces.
fn check_git_url(url: &str) -> Result<()> {
    let url = url.trim();
    if url.is_empty() || url.chars().any(|c| c.is_whitespace() || c.is_control()) {
        return Err(PublishError::GitUrl(url.to_string()));
    }
    Ok(())
}

/// The site root relative to the repository root, with `/` separators.
fn relative(root: &Path, toplevel: &Path) -> Result<String> {
    let canon = |p: &Path| p.canonicalize().map_err(io("cannot resolve", p));
    let rel = canon(root)?
        .strip_prefix(canon(toplevel)?)
        .map(|r| r.to_string_lossy().replace('\\', "/"))
        .unwrap_or_default();
    Ok(if rel.is_empty() { ".".into() } else { rel })
}

/// True when the repository's own Cargo.toml is wirebook's: then the workflow must build the
/// checked-out wirebook, not some other version of it.
fn is_wirebook_repo(toplevel: &Path) -> bool {
    std::fs::read_to_string(toplevel.join("Cargo.toml"))
        .ok()
        .and_then(|t| t.parse::<toml::Table>().ok())
        .and_then(|t| {
            t.get("package")?
                .get("name")?
                .as_str()
                .map(|n| n == "wirebook")
        })
        .unwrap_or(false)
}

/// A YAML double-quoted scalar: JSON string escapes are valid YAML.
fn quote(s: &str) -> String {
    serde_json::to_string(s).expect("a string serialises")
}

fn workflow(branch: &str, site_root: &str, install: &Install) -> String {
    let upload = if site_root == "." {
        crate::paths::OUTPUT.to_string()
    } else {
        format!("{site_root}/{}", crate::paths::OUTPUT)
    };
    let (env, steps) = match install {
        Install::FromSource => (String::new(), FROM_SOURCE_STEPS),
        Install::Release(version) => (
            format!(
                "  # The wirebook release that wrote this workflow, installed from crates.io without\n  \
                 # the examples server (a static build does not need it) and cached between runs.\n  \
                 # Raise it to upgrade; `wirebook init-ci github --git URL` installs from git instead.\n  \
                 WIREBOOK_VERSION: {}\n",
                quote(version)
            ),
            RELEASE_STEPS,
        ),
        Install::Git(url) => (
            format!(
                "  # wirebook is installed from this git repository (the newest commit of its \
                 default\n  # branch, cached between runs).\n  WIREBOOK_GIT: {}\n",
                quote(url)
            ),
            GIT_STEPS,
        ),
    };
    WORKFLOW
        .replace("@BRANCH@", &quote(branch))
        .replace("@SITE_ROOT@", &quote(site_root))
        .replace("@ENV@", &env)
        .replace("@STEPS@", steps)
        .replace("@UPLOAD@", &quote(&upload))
        .replace("@VERSION@", env!("CARGO_PKG_VERSION"))
}

const WORKFLOW: &str = r#"# Builds the site with wirebook and deploys it to GitHub Pages with GitHub's official Pages
# actions. Written by `wirebook init-ci github` (wirebook @VERSION@); edit freely.
#
# One-time setup: Settings → Pages → Build and deployment → Source: "GitHub Actions".
name: Deploy site to GitHub Pages

on:
  push:
    branches: [@BRANCH@]
  workflow_dispatch:

# Reading the sources is all the build needs; deploy-pages needs to write Pages and an
# OIDC token (id-token) to prove the deployment comes from this workflow.
permissions:
  contents: read
  pages: write
  id-token: write

# One deployment at a time. A deployment already running is allowed to finish; a newer push
# waits for it rather than cancelling it half-way.
concurrency:
  group: pages
  cancel-in-progress: false

env:
  # The site's folder (wirebook.toml, posts/) relative to the repository root.
  SITE_ROOT: @SITE_ROOT@
@ENV@
jobs:
  build:
    runs-on: ubuntu-latest
    steps:
      - uses: actions/checkout@v5

      - name: Configure Pages
        id: pages
        uses: actions/configure-pages@v5

      - name: Install Rust
        run: rustup toolchain install stable --profile minimal && rustup default stable
@STEPS@
      - name: Build the site
        env:
          # https://OWNER.github.io/REPO, https://OWNER.github.io or the custom domain, as
          # configured in the repository's Pages settings (no trailing slash).
          BASE_URL: ${{ steps.pages.outputs.base_url }}
        run: |
          "$WIREBOOK" build --root "$SITE_ROOT" --base-url "$BASE_URL/"

      - name: Upload the site
        uses: actions/upload-pages-artifact@v4
        with:
          path: @UPLOAD@

  deploy:
    needs: build
    runs-on: ubuntu-latest
    environment:
      name: github-pages
      url: ${{ steps.deployment.outputs.page_url }}
    steps:
      - name: Deploy to GitHub Pages
        id: deployment
        uses: actions/deploy-pages@v4
"#;

/// The repository is wirebook itself: build the checked-out version.
const FROM_SOURCE_STEPS: &str = r#"
      - name: Cache the Rust build
        uses: actions/cache@v4
        with:
          path: |
            ~/.cargo/registry
            ~/.cargo/git
            target
          key: wirebook-${{ runner.os }}-${{ hashFiles('Cargo.lock') }}
          restore-keys: wirebook-${{ runner.os }}-

      - name: Build wirebook from this checkout
        run: |
          cargo build --release --locked -p wirebook
          echo "WIREBOOK=$PWD/target/release/wirebook" >> "$GITHUB_ENV"
"#;

/// A site repository: install the pinned release from crates.io, cached per version.
const RELEASE_STEPS: &str = r#"
      - name: Cache wirebook
        id: cache
        uses: actions/cache@v4
        with:
          path: ~/.cargo/bin/wirebook
          key: wirebook-${{ runner.os }}-${{ env.WIREBOOK_VERSION }}

      - name: Install wirebook
        if: steps.cache.outputs.cache-hit != 'true'
        run: cargo install --locked --no-default-features wirebook --version "=$WIREBOOK_VERSION"

      - name: Use the installed wirebook
        run: echo "WIREBOOK=$HOME/.cargo/bin/wirebook" >> "$GITHUB_ENV"
"#;

/// `--git URL`: install wirebook from its git repository, cached per commit.
const GIT_STEPS: &str = r#"
      - name: Find wirebook's newest commit
        id: wirebook
        run: |
          # Inside `if`, a failing ls-remote reaches the message below instead of
          # stopping the step early (Actions runs bash with -e -o pipefail).
          if ! rev=$(git ls-remote "$WIREBOOK_GIT" HEAD | cut -f1) || [ -z "$rev" ]; then
            echo "::error::cannot read $WIREBOOK_GIT; set WIREBOOK_GIT at the top of this workflow to wirebook's git repository"
            exit 1
          fi
          echo "rev=$rev" >> "$GITHUB_OUTPUT"

      - name: Cache wirebook
        id: cache
        uses: actions/cache@v4
        with:
          path: ~/.cargo/bin/wirebook
          key: wirebook-${{ runner.os }}-${{ steps.wirebook.outputs.rev }}

      - name: Install wirebook
        if: steps.cache.outputs.cache-hit != 'true'
        env:
          REV: ${{ steps.wirebook.outputs.rev }}
        run: cargo install --locked --no-default-features --git "$WIREBOOK_GIT" --rev "$REV" wirebook

      - name: Use the installed wirebook
        run: echo "WIREBOOK=$HOME/.cargo/bin/wirebook" >> "$GITHUB_ENV"
"#;

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_variant_is_valid_yaml() {
        let installs = [
            Install::FromSource,
            Install::Release("1.2.3".into()),
            Install::Git("https://example.org/wirebook.git".into()),
        ];
        for install in installs {
            let text = workflow("main", "site dir/\"x\"", &install);
            let v: crate::yaml::Value = crate::yaml::from_str(&text).unwrap();
            assert_eq!(v["env"]["SITE_ROOT"].as_str(), Some("site dir/\"x\""));
            assert_eq!(v["on"]["push"]["branches"][0].as_str(), Some("main"));
            assert_eq!(
                v["jobs"]["build"]["steps"]
                    .as_sequence()
                    .unwrap()
                    .last()
                    .unwrap()["with"]["path"]
                    .as_str(),
                Some("site dir/\"x\"/public")
            );
            let (version, git) = match &install {
                Install::FromSource => (None, None),
                Install::Release(v) => (Some(v.as_str()), None),
                Install::Git(u) => (None, Some(u.as_str())),
            };
            assert_eq!(v["env"]["WIREBOOK_VERSION"].as_str(), version, "{text}");
            assert_eq!(v["env"]["WIREBOOK_GIT"].as_str(), git, "{text}");
        }
    }

    #[test]
    fn a_bad_git_url_names_the_flag() {
        for bad in ["", "  ", "https://a b", "x\ny"] {
            let err = check_git_url(bad).unwrap_err().to_string();
            assert!(err.starts_with("--git: "), "{err}");
        }
        check_git_url("git@github.com:alice/wirebook.git").unwrap();
    }
}
