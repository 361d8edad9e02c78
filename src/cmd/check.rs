//! `wirebook check`: validate without writing; optionally repair mojibake.

use anyhow::{Context, Result};

use crate::cli::CheckArgs;
use wirebook::content::library;
use wirebook::encoding;
use wirebook::site::{self, BuildOptions};

pub fn run(args: CheckArgs) -> Result<()> {
    if args.fix_encoding {
        fix_encoding(&args.site.root)?;
    }
    let opts = BuildOptions {
        root: args.site.root,
        base_url: args.site.base_url,
        drafts: args.site.drafts,
        ..Default::default()
    };
    let warnings = site::check(&opts)?;
    for w in &warnings {
        tracing::warn!("{w}");
    }
    println!(
        "ok: no problems found ({} warning{})",
        warnings.len(),
        if warnings.len() == 1 { "" } else { "s" }
    );
    Ok(())
}

fn fix_encoding(root: &std::path::Path) -> Result<()> {
    let (files, skipped) = library::discover(root, true);
    for w in &skipped {
        tracing::warn!("{w}");
    }
    for rel in files {
        let path = root.join(&rel);
        let bytes =
            std::fs::read(&path).with_context(|| format!("cannot read {}", path.display()))?;
        let Ok(text) = std::str::from_utf8(&bytes) else {
            continue;
        };
        if encoding::find_mojibake(text).is_none() {
            continue;
        }
        match encoding::repair(text) {
            Some(fixed) => {
                // Write beside, then rename: never leave a half-written post.
                let tmp = path.with_extension("md.wirebook-fix");
                std::fs::write(&tmp, fixed).with_context(|| format!("cannot write {}", tmp.display()))?;
                std::fs::rename(&tmp, &path).with_context(|| format!("cannot replace {}", path.display()))?;
                println!("repaired {}", rel.display());
            }
            None => eprintln!(
                "{}: cannot repair losslessly (some bytes were lost when it was mis-decoded); re-save it from the original",
                rel.display()
            ),
        }
    }
    Ok(())
}
