//! `wirebook build`.

use anyhow::Result;

use crate::cli::BuildArgs;
use wirebook::site::{self, BuildOptions};

pub fn run(args: BuildArgs) -> Result<()> {
    let opts = BuildOptions {
        root: args.site.root,
        out: args.out,
        base_url: args.site.base_url,
        drafts: args.site.drafts,
        quiet: args.quiet,
        cache: !args.no_cache,
    };
    let summary = site::build(&opts)?;
    if !opts.quiet {
        println!(
            "built {} pages ({} posts, {} static files) into {} in {} ms",
            summary.pages,
            summary.posts,
            summary.static_files,
            summary.out.display(),
            summary.elapsed_ms
        );
    }
    Ok(())
}
