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
