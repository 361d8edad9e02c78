//! `wirebook publish` and `wirebook init-ci`.

use anyhow::Result;

use crate::cli::{InitCiArgs, PublishArgs};
use wirebook::publish::{self, InitCiOptions, Install, Outcome, PublishError, PublishOptions};

pub fn run(args: PublishArgs) -> Result<()> {
    let opts = PublishOptions {
        root: args.root,
        remote: args.remote,
        branch: args.branch,
        base_url: args.base_url,
        cname: args.cname,
        message: args.message,
        dry_run: args.dry_run,
        force: args.force,
    };
    let r = publish::publish(&opts).map_err(PublishError::into_anyhow)?;
    for note in &r.notes {
        eprintln!("note: {note}");
    }
    let history = match &r.previous {
        Some(p) => format!(
            "on top of {p} ({} earlier publish{})",
            r.previous_publishes,
            if r.previous_publishes == 1 { "" } else { "es" }
        ),
        None => "as its first commit (new branch)".to_string(),
    };
    let c = &r.changes;
    let changes = format!(
        "{} added, {} changed, {} removed",
        c.added, c.modified, c.removed
    );
    match &r.outcome {
        Outcome::DryRun => {
            println!("dry run: built the site; nothing was committed or pushed");
            println!("  base URL:  {} (from {})", r.base_url, r.base_url_from);
            match &r.cname {
                Some((domain, from)) => println!("  CNAME:     {domain} (from {from})"),
                None => println!("  CNAME:     none"),
            }
            println!("  remote:    {} ({})", r.remote, r.remote_url);
            match (&r.previous, c.is_empty()) {
                (Some(p), true) => println!(
                    "  branch:    {} — the site is unchanged since {p}: no commit would be made",
                    r.branch
                ),
                _ => println!("  branch:    {} — would commit {history}", r.branch),
            }
            println!(
                "  files:     {} ({}), {} post{}; {changes}",
                r.files,
                size(r.bytes),
                r.posts,
                if r.posts == 1 { "" } else { "s" }
            );
            println!(
                "run without --dry-run to commit these files as the whole tree of {} and push it to {}",
                r.branch, r.remote
            );
            if let Some(why) = &r.unreachable {
                eprintln!("warning: {why}");
            }
        }
        Outcome::Unchanged { tip, pushed } => {
            println!(
                "nothing to publish (the site is unchanged since {tip}); no new commit was made"
            );
            if *pushed {
                println!("pushed the existing {tip} to {} {}", r.remote, r.branch);
            }
        }
        Outcome::Published { commit, forced } => {
            println!(
                "published {commit} to {} {} {history}{}: {} files ({}; {changes}) for {}",
                r.remote,
                r.branch,
                if *forced {
                    ", replacing the remote's history"
                } else {
                    ""
                },
                r.files,
                size(r.bytes),
                r.base_url
            );
            if r.previous.is_none() {
                println!(
                    "first publish: in the repository's Settings → Pages, set Source to \
                     \"Deploy from a branch\" and choose {} / (root)",
                    r.branch
                );
            }
        }
    }
    Ok(())
}

pub fn init_ci(args: InitCiArgs) -> Result<()> {
    // clap only accepts `github`, the one provider so far.
    let r = publish::init_github_ci(&InitCiOptions {
        root: args.root,
        force: args.force,
        git: args.git,
    })?;
    println!(
        "wrote {}: pushes to {} build the site ({}) and deploy it with GitHub's Pages actions",
        r.path.display(),
        r.branch,
        r.site_root
    );
    match &r.install {
        Install::Release(version) => println!(
            "the workflow installs wirebook {version} from crates.io (this version) and caches it"
        ),
        Install::Git(url) => println!(
            "the workflow installs wirebook from {url} (its newest commit) and caches it per commit"
        ),
        Install::FromSource => println!(
            "this is wirebook's own repository, so the workflow builds wirebook from the checkout"
        ),
    }
    println!(
        "then, in the repository's Settings → Pages, set Source to \"GitHub Actions\"; commit \
         and push the workflow to deploy"
    );
    Ok(())
}

fn size(bytes: u64) -> String {
    match bytes {
        b if b < 1024 => format!("{b} B"),
        b if b < 1024 * 1024 => format!("{:.0} KB", b as f64 / 1024.0),
        b => format!("{:.1} MB", b as f64 / (1024.0 * 1024.0)),
    }
}
