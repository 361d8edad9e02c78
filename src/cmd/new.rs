//! `wirebook new "Title"`: scaffold a post.

use anyhow::{bail, Context, Result};

use crate::cli::NewArgs;
use wirebook::paths::SitePaths;
use wirebook::slug::slugify;

pub fn run(args: NewArgs) -> Result<()> {
    let now = chrono::Local::now();
    let slug = slugify(args.slug.as_deref().unwrap_or(&args.title));
    if slug.is_empty() {
        bail!("cannot make a slug from {:?}; pass --slug", args.title);
    }
    // A Jekyll root keeps its posts in _posts/.
    let paths = SitePaths::new(args.root.as_path());
    let dir = if paths.jekyll_posts().is_dir() && !paths.posts().is_dir() {
        paths.jekyll_posts()
    } else {
        paths.posts()
    };
    std::fs::create_dir_all(&dir).with_context(|| format!("cannot create {}", dir.display()))?;
    let path = dir.join(format!("{}-{slug}.md", now.format("%Y-%m-%d")));
    if path.exists() {
        bail!("{} already exists", path.display());
    }
    let title = args.title.replace('\\', "\\\\").replace('"', "\\\"");
    let text = format!(
        "---\nlayout: post\ntitle: \"{title}\"\ndate: {}\ncategories: []\ntags: []\ndescription: \"\"\n{}---\n\nWrite here.\n",
        now.format("%Y-%m-%d %H:%M:%S %:z"),
        if args.draft { "draft: true\n" } else { "" }
    );
    std::fs::write(&path, text).with_context(|| format!("cannot write {}", path.display()))?;
    println!("{}", path.display());
    Ok(())
}
