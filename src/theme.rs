//! The default theme (this repo's `templates/`), compiled into the binary so a site needs
//! only `posts/` and a config. A site's own `templates/` overrides any file by name.

use include_dir::{include_dir, Dir};

static THEME: Dir<'_> = include_dir!("$CARGO_MANIFEST_DIR/templates");

/// Tera templates of the default theme: (name, source).
pub fn templates() -> impl Iterator<Item = (&'static str, &'static str)> {
    THEME.files().filter_map(|f| {
        let name = f.path().to_str()?;
        let is_template =
            name.ends_with(".html") || name.ends_with(".xml") || name.ends_with(".txt");
        is_template.then_some((name, f.contents_utf8()?))
    })
}

/// Static assets of the default theme, copied to `assets/`: (file name, bytes).
pub fn assets() -> Vec<(&'static str, &'static [u8])> {
    fn walk(dir: &'static Dir<'static>, out: &mut Vec<(&'static str, &'static [u8])>) {
        for f in dir.files() {
            if let Some(name) = f
                .path()
                .strip_prefix("static")
                .ok()
                .and_then(|p| p.to_str())
            {
                out.push((name, f.contents()));
            }
        }
        for d in dir.dirs() {
            walk(d, out);
        }
    }
    let mut out = Vec::new();
    if let Some(dir) = THEME.get_dir("static") {
        walk(dir, &mut out);
    }
    out
}

/// The theme's assets with the site's `templates/static/*` laid over them by name (so a site,
/// or this repository while its theme is being edited, can change a stylesheet on disk).
pub fn assets_for(
    root: &std::path::Path,
) -> anyhow::Result<Vec<(String, std::borrow::Cow<'static, [u8]>)>> {
    use anyhow::Context as _;
    let mut out: Vec<(String, std::borrow::Cow<'static, [u8]>)> = assets()
        .into_iter()
        .map(|(n, b)| (n.to_string(), std::borrow::Cow::Borrowed(b)))
        .collect();
    let dir = root.join("templates").join("static");
    if dir.is_dir() {
        for entry in walkdir::WalkDir::new(&dir)
            .into_iter()
            .filter_map(Result::ok)
            .filter(|e| e.file_type().is_file())
        {
            let name = entry
                .path()
                .strip_prefix(&dir)
                .expect("under dir")
                .to_string_lossy()
                .replace('\\', "/");
            let bytes = std::fs::read(entry.path())
                .with_context(|| format!("cannot read {}", entry.path().display()))?;
            match out.iter_mut().find(|(n, _)| *n == name) {
                Some(slot) => slot.1 = std::borrow::Cow::Owned(bytes),
                None => out.push((name, std::borrow::Cow::Owned(bytes))),
            }
        }
    }
    out.sort_by(|a, b| a.0.cmp(&b.0));
    Ok(out)
}
