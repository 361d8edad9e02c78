//! The command line. Doc comments here are the `--help` text.

use std::path::PathBuf;

use clap::{Parser, Subcommand};

/// wirebook: a static site generator for technical writing with live, runnable protocol demos.
#[derive(Debug, Parser)]
#[command(name = "wirebook", version, about, long_about = None)]
pub struct Cli {
    #[command(subcommand)]
    pub command: Command,
}

#[derive(Debug, Subcommand)]
pub enum Command {
    /// Build the site into memory and serve it with the live demo endpoints on one origin;
    /// rebuild and reload open tabs when posts, templates, static files or the config change.
    Serve(ServeArgs),
    /// Build the site into public/ (or --out): posts, index, categories, tags, feed, sitemap.
    Build(BuildArgs),
    /// Check everything `build` checks (front matter, layouts, encoding, internal links)
    /// without writing output. Exit code 1 on problems.
    Check(CheckArgs),
    /// Start a new site in DIR: wirebook.toml, a first post with a live demo, .gitignore.
    Init(InitArgs),
    /// Create a new post with today's date: posts/YYYY-MM-DD-slug.md
    New(NewArgs),
    /// Build for production and push the site to GitHub Pages (a `gh-pages` branch).
    Publish(PublishArgs),
    /// Write a CI workflow that builds and deploys the site: `wirebook init-ci github`.
    InitCi(InitCiArgs),
    /// Print a shell completion script: `wirebook completions bash > ~/.local/share/bash-completion/completions/wirebook`.
    Completions(CompletionsArgs),
    /// Print the manual page (roff): `wirebook man > ~/.local/share/man/man1/wirebook.1`.
    Man,
}

#[derive(Debug, clap::Args)]
pub struct CompletionsArgs {
    /// The shell to complete for.
    pub shell: clap_complete::Shell,
}

#[derive(Debug, clap::Args)]
pub struct PublishArgs {
    /// Site root (inside the git repository to publish from).
    #[arg(long, default_value = ".")]
    pub root: PathBuf,
    /// Git remote to push to.
    #[arg(long, default_value = "origin")]
    pub remote: String,
    /// Branch that holds the published site.
    #[arg(long, default_value = "gh-pages")]
    pub branch: String,
    /// Base URL of the published site [default: worked out from the remote, e.g.
    /// https://OWNER.github.io/REPO/, or https://DOMAIN/ with --cname].
    #[arg(long, short, value_name = "URL")]
    pub base_url: Option<String>,
    /// Custom domain: writes a CNAME file and publishes under https://DOMAIN/.
    #[arg(long, value_name = "DOMAIN")]
    pub cname: Option<String>,
    /// Commit message for the publish commit.
    #[arg(long, short)]
    pub message: Option<String>,
    /// Build and print what would be published, push nothing.
    #[arg(long)]
    pub dry_run: bool,
    /// Allow a non-fast-forward push (rewrites the remote branch).
    #[arg(long)]
    pub force: bool,
}

#[derive(Debug, clap::Args)]
pub struct InitCiArgs {
    /// CI provider: only `github` (GitHub Actions + Pages) for now.
    #[arg(value_parser = ["github"])]
    pub provider: String,
    /// Site root.
    #[arg(long, default_value = ".")]
    pub root: PathBuf,
    /// Overwrite an existing workflow file.
    #[arg(long)]
    pub force: bool,
    /// Install wirebook from this git repository (its newest commit) instead of the
    /// crates.io release of the version running now.
    #[arg(long, value_name = "URL")]
    pub git: Option<String>,
}

#[derive(Debug, clap::Args)]
pub struct SiteArgs {
    /// Site root: the folder with wirebook.toml and posts/.
    #[arg(long, default_value = ".")]
    pub root: PathBuf,
    /// Include drafts (`draft: true`) and posts dated in the future.
    #[arg(long)]
    pub drafts: bool,
    /// Override `base_url` from wirebook.toml, e.g. https://user.github.io/repo/
    #[arg(long, short, value_name = "URL")]
    pub base_url: Option<String>,
}

#[derive(Debug, clap::Args)]
pub struct BuildArgs {
    #[command(flatten)]
    pub site: SiteArgs,
    /// Output directory [default: ROOT/public]. Replaced atomically when the build succeeds.
    #[arg(long, short, value_name = "DIR")]
    pub out: Option<PathBuf>,
    /// Print only warnings and errors.
    #[arg(short, long)]
    pub quiet: bool,
    /// Render every post afresh: neither read nor write the build cache in
    /// ROOT/.wirebook-cache/ (rendered Markdown and highlighted code by content hash).
    #[arg(long)]
    pub no_cache: bool,
}

#[derive(Debug, clap::Args)]
pub struct ServeArgs {
    /// Site root: the folder with wirebook.toml and posts/.
    #[arg(long, default_value = ".")]
    pub root: PathBuf,
    /// Port to listen on (0 picks a free one).
    #[arg(long, short, default_value_t = 1111)]
    pub port: u16,
    /// Address to listen on. Loopback by default; anything else exposes the site and the
    /// example endpoints to your network.
    #[arg(long, default_value = "127.0.0.1")]
    pub bind: std::net::IpAddr,
    /// Open the site in your browser.
    #[arg(long, short = 'O')]
    pub open: bool,
    /// Include drafts and posts dated in the future.
    #[arg(long)]
    pub drafts: bool,
    /// Do not mount the examples server (REST, WebSocket, SSE, GraphQL) on the same origin.
    #[arg(long)]
    pub no_examples: bool,
    /// Keep the examples server's data in this SQLite file [default: in memory].
    #[arg(long, value_name = "PATH")]
    pub examples_db: Option<PathBuf>,
    /// Poll for changes instead of using native file events (network drives, containers).
    #[arg(long)]
    pub poll: bool,
    /// Serve the site under the path it will be published at, to preview a sub-path site:
    /// `/notes/` or `https://alice.github.io/notes/` serves it at http://127.0.0.1:1111/notes/.
    #[arg(long, short, value_name = "URL")]
    pub base_url: Option<String>,
}

#[derive(Debug, clap::Args)]
pub struct CheckArgs {
    #[command(flatten)]
    pub site: SiteArgs,
    /// Repair posts whose text is UTF-8 mis-read as Windows-1252 (mojibake), where the
    /// repair loses nothing. Files that cannot be repaired losslessly are left untouched.
    #[arg(long)]
    pub fix_encoding: bool,
}

#[derive(Debug, clap::Args)]
pub struct InitArgs {
    /// Folder for the new site; created if missing.
    #[arg(default_value = ".")]
    pub dir: PathBuf,
    /// Site title [default: the folder's name].
    #[arg(long)]
    pub title: Option<String>,
    /// Author of the posts [default: `git config user.name`].
    #[arg(long)]
    pub author: Option<String>,
    /// Language of the site, a BCP 47 tag such as en, ko or pt-BR.
    #[arg(long, default_value = "en")]
    pub language: String,
}

#[derive(Debug, clap::Args)]
pub struct NewArgs {
    /// The post's title.
    pub title: String,
    /// Site root.
    #[arg(long, default_value = ".")]
    pub root: PathBuf,
    /// Slug for the file name and URL [default: from the title].
    #[arg(long)]
    pub slug: Option<String>,
    /// Mark the post as a draft.
    #[arg(long)]
    pub draft: bool,
}
