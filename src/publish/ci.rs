//! `wirebook init-ci github`: a GitHub Actions workflow that builds the site and deploys it
//! with GitHub's own Pages actions (configure-pages → upload-pages-artifact → deploy-pages),
//! the alternative to pushing a `gh-pages` branch with `wirebook publish`.
//!
//! The base URL comes from `actions/configure-pages`' `base_url` output, so the same
//! workflow is right for `OWNER.github.io/REPO`, a user site and a custom domain.

use std::path::{Path, PathBuf};

use anyhow::{bail, Context as _, Result};

use super::git::Git;

/// Where the workflow goes, relative to the repository root.
pub const WORKFLOW_PATH: &str = ".github/workflows/pages.yml";

/// Used when this build of wirebook does not know its own repository (no `repository` in
/// its Cargo.toml); the workflow then stops with a message asking for the real URL.
pub const PLACEHOLDER_REPOSITORY: &str = "https://github.com/OWNER/wirebook";

#[derive(Debug, Clone)]
pub struct InitCiOptions {
    /// Site root; the workflow is written at the root of the git repository containing it.
    pub root: PathBuf,
    /// Overwrite an existing workflow.
    pub force: bool,
}

#[derive(Debug)]
pub struct InitCiReport {
    pub path: PathBuf,
    /// The branch whose pushes deploy.
    pub branch: String,
    /// The site folder relative to the repository root (`.` for the root itself).
    pub site_root: String,
    /// The repository is wirebook's own: the workflow builds wirebook from the checkout
    /// (`cargo run`) instead of installing it.
    pub builds_from_source: bool,
    /// The git URL the workflow installs wirebook from; `None` when building from source.
    pub install_from: Option<String>,
    /// `install_from` is the placeholder `https://github.com/OWNER/wirebook` and must be edited.
    pub needs_repository_url: bool,
}

/// Writes `.github/workflows/pages.yml`.
pub fn init_github_ci(opts: &InitCiOptions) -> Result<InitCiReport> {
    let root = &opts.root;
    if !root.join(crate::config::CONFIG_FILE).is_file() && !root.join("posts").is_dir() {
        bail!(
            "{} does not look like a wirebook site (no {} and no posts/); pass --root",
            root.display(),
            crate::config::CONFIG_FILE
        );
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
    let builds_from_source = is_wirebook_repo(&toplevel);
    let repository = env!("CARGO_PKG_REPOSITORY");
    let install_from = (!builds_from_source).then(|| {
        if repository.is_empty() {
            PLACEHOLDER_REPOSITORY.to_string()
        } else {
            repository.to_string()
        }
    });

    let path = toplevel.join(WORKFLOW_PATH);
    if path.exists() && !opts.force {
        bail!(
            "{} already exists; pass --force to overwrite it",
            path.display()
        );
    }
    let text = workflow(&branch, &site_root, install_from.as_deref());
    let dir = path.parent().expect("the workflow path has a parent");
    std::fs::create_dir_all(dir).with_context(|| format!("cannot create {}", dir.display()))?;
    std::fs::write(&path, text).with_context(|| format!("cannot write {}", path.display()))?;
    Ok(InitCiReport {
        path,
        branch,
        site_root,
        builds_from_source,
        needs_repository_url: install_from.as_deref() == Some(PLACEHOLDER_REPOSITORY),
        install_from,
    })
}

/// The site root relative to the repository root, with `/` separators.
fn relative(root: &Path, toplevel: &Path) -> Result<String> {
    let canon = |p: &Path| {
        p.canonicalize()
            .with_context(|| format!("cannot resolve {}", p.display()))
    };
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

fn workflow(branch: &str, site_root: &str, install_from: Option<&str>) -> String {
    let upload = if site_root == "." {
        "public".to_string()
    } else {
        format!("{site_root}/public")
    };
    let (env, steps) = match install_from {
        None => (String::new(), FROM_SOURCE_STEPS.to_string()),
        Some(url) => (
            format!(
                "  # wirebook is installed from this git repository (the newest commit of its \
                 default\n  # branch, cached between runs).\n  WIREBOOK_GIT: {}\n",
                quote(url)
            ),
            INSTALL_STEPS.to_string(),
        ),
    };
    WORKFLOW
        .replace("@BRANCH@", &quote(branch))
        .replace("@SITE_ROOT@", &quote(site_root))
        .replace("@ENV@", &env)
        .replace("@STEPS@", &steps)
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

/// A site repository: install wirebook from its git repository, cached per commit.
const INSTALL_STEPS: &str = r#"
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
        run: cargo install --locked --git "$WIREBOOK_GIT" --rev "$REV" wirebook

      - name: Use the installed wirebook
        run: echo "WIREBOOK=$HOME/.cargo/bin/wirebook" >> "$GITHUB_ENV"
"#;

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn both_variants_are_valid_yaml() {
        for install in [None, Some(PLACEHOLDER_REPOSITORY)] {
            let text = workflow("main", "site dir/\"x\"", install);
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
            assert_eq!(v["env"]["WIREBOOK_GIT"].as_str(), install, "{text}");
        }
    }
}
