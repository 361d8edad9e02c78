//! `wirebook init [DIR]`: start a new site.

use std::path::Path;

use anyhow::Result;

use crate::cli::InitArgs;
use wirebook::scaffold::{init, InitOptions};

pub fn run(args: InitArgs) -> Result<()> {
    let title = args.title.unwrap_or_else(|| folder_title(&args.dir));
    let author = args
        .author
        .or_else(git_user_name)
        .unwrap_or_else(|| "Anonymous".into());
    let opts = InitOptions {
        dir: args.dir.clone(),
        title,
        author,
        language: args.language,
        now: chrono::Local::now().fixed_offset(),
    };
    for file in init(&opts)? {
        println!("created {}", args.dir.join(file).display());
    }
    let cd = if args.dir == Path::new(".") {
        String::new()
    } else {
        format!("cd {} && ", args.dir.display())
    };
    println!("\nnext: {cd}wirebook serve    (then open http://127.0.0.1:1111/)");
    Ok(())
}

/// "my-notes" → "My notes"; "." → the current folder's name.
fn folder_title(dir: &Path) -> String {
    let name = std::path::absolute(dir)
        .ok()
        .and_then(|d| d.file_name().map(|n| n.to_string_lossy().into_owned()))
        .unwrap_or_default()
        .replace(['-', '_'], " ");
    let mut chars = name.trim().chars();
    match chars.next() {
        Some(first) => first.to_uppercase().chain(chars).collect(),
        None => "My wirebook".into(),
    }
}

fn git_user_name() -> Option<String> {
    let out = std::process::Command::new("git")
        .args(["config", "user.name"])
        .output()
        .ok()?;
    let name = String::from_utf8(out.stdout).ok()?.trim().to_owned();
    (out.status.success() && !name.is_empty()).then_some(name)
}
