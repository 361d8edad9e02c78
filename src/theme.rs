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
                .strip_prefix(crate::paths::STATIC)
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
    if let Some(dir) = THEME.get_dir(crate::paths::STATIC) {
        walk(dir, &mut out);
    }
    out
}

/// The bundle whose parts open every other bundle (see [`bundle_scripts`]).
const COMMON_JS: &str = "common.js";

/// Lays a site's own files over the theme's, by name: each file under `dir` (the site's
/// `templates/` or `templates/static/`) that `keep` accepts is read with `read` and replaces
/// the entry of the same name (its path under `dir`) in `files`, or is added. Links under
/// `dir` that lead outside the site are skipped with a warning.
pub fn overlay<T>(
    files: &mut Vec<(String, T)>,
    root: &std::path::Path,
    dir: &std::path::Path,
    keep: impl Fn(&std::path::Path) -> bool,
    read: impl Fn(&std::path::Path) -> Result<T, crate::diagnostics::ReadError>,
) -> Result<(), crate::diagnostics::ReadError> {
    if !dir.is_dir() {
        return Ok(());
    }
    let walked = crate::walk::files(root, dir, |_| true);
    for w in &walked.skipped {
        tracing::warn!("{w}");
    }
    for entry in walked.files.iter().filter(|e| keep(e.path())) {
        let name = crate::walk::relative(entry, dir);
        let value = read(entry.path())?;
        match files.iter_mut().find(|(n, _)| *n == name) {
            Some(slot) => slot.1 = value,
            None => files.push((name, value)),
        }
    }
    Ok(())
}

/// The part of `widgets.js` that holds the message tables, written from `templates/i18n/`.
const WIDGET_MESSAGES: &str = "widgets.js.d/05-messages.js";

/// A theme asset: its name under `assets/`, and its bytes.
pub type Asset = (String, std::borrow::Cow<'static, [u8]>);

/// The theme's assets with the site's `templates/static/*` laid over them by name (so a site,
/// or this repository while its theme is being edited, can change a stylesheet on disk), and
/// the widgets' message tables generated from `messages`.
pub fn assets_for(
    root: &std::path::Path,
    messages: &crate::i18n::Messages,
) -> Result<Vec<Asset>, crate::render::TemplateError> {
    let mut out: Vec<Asset> = assets()
        .into_iter()
        .map(|(n, b)| (n.to_string(), std::borrow::Cow::Borrowed(b)))
        .collect();
    out.push((
        WIDGET_MESSAGES.to_owned(),
        std::borrow::Cow::Owned(messages.widgets_js().into_bytes()),
    ));
    let dir = crate::paths::SitePaths::new(root).theme_static();
    overlay(
        &mut out,
        root,
        &dir,
        |_| true,
        |path| {
            std::fs::read(path)
                .map(std::borrow::Cow::Owned)
                .map_err(crate::diagnostics::read_error(path))
        },
    )?;
    let mut out = bundle_scripts(out);
    out.sort_by(|a, b| a.0.cmp(&b.0));
    Ok(out)
}

/// Joins the parts in each `NAME.js.d/` folder, in file-name order, into one
/// `NAME.js`, so a large script (the widgets) can be kept in readable files
/// and still cost readers one request. The parts share one scope: the bundle
/// is wrapped in `(() => { "use strict"; … })();`, so each part is a plain
/// script of declarations. A site's own whole `NAME.js` wins over the parts.
///
/// The parts in `common.js.d/` (the one HTML escaper) open every bundle
/// instead of making a `common.js`, so code both scripts need is written once.
fn bundle_scripts(
    assets: Vec<(String, std::borrow::Cow<'static, [u8]>)>,
) -> Vec<(String, std::borrow::Cow<'static, [u8]>)> {
    let mut bundles: std::collections::BTreeMap<String, Vec<(String, Vec<u8>)>> =
        Default::default();
    let mut out = Vec::with_capacity(assets.len());
    for (name, bytes) in assets {
        match name.split_once(".js.d/") {
            Some((stem, part)) if part.ends_with(".js") && !part.contains('/') => bundles
                .entry(format!("{stem}.js"))
                .or_default()
                .push((part.to_owned(), bytes.into_owned())),
            _ => out.push((name, bytes)),
        }
    }
    let mut common = bundles.remove(COMMON_JS).unwrap_or_default();
    common.sort_by(|a, b| a.0.cmp(&b.0));
    for (part, _) in &mut common {
        *part = format!("common.js.d/{part}");
    }
    for (name, mut parts) in bundles {
        if out.iter().any(|(n, _)| *n == name) {
            continue;
        }
        parts.sort_by(|a, b| a.0.cmp(&b.0));
        let mut js = b"(() => {\n\"use strict\";\n".to_vec();
        for (part, bytes) in common.iter().chain(&parts) {
            js.extend_from_slice(format!("\n// ── {name}: {part}\n").as_bytes());
            js.extend_from_slice(bytes);
            if !bytes.ends_with(b"\n") {
                js.push(b'\n');
            }
        }
        js.extend_from_slice(b"})();\n");
        out.push((name, std::borrow::Cow::Owned(js)));
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::borrow::Cow;

    fn asset(name: &str, text: &str) -> (String, Cow<'static, [u8]>) {
        (name.to_owned(), Cow::Owned(text.as_bytes().to_vec()))
    }

    #[test]
    fn script_parts_are_joined_in_name_order_inside_one_scope() {
        let out = bundle_scripts(vec![
            asset("app.js.d/20-b.js", "use(a);"),
            asset("app.js.d/10-a.js", "const a = 1;\n"),
            asset("style.css", "body{}"),
        ]);
        let names: Vec<&str> = out.iter().map(|(n, _)| n.as_str()).collect();
        assert_eq!(names, ["style.css", "app.js"]);
        let js = String::from_utf8(out[1].1.to_vec()).unwrap();
        assert_eq!(
            js,
            "(() => {\n\"use strict\";\n\n// ── app.js: 10-a.js\nconst a = 1;\n\n// ── app.js: 20-b.js\nuse(a);\n})();\n"
        );
    }

    #[test]
    fn common_parts_open_every_bundle_and_are_no_script_of_their_own() {
        let out = bundle_scripts(vec![
            asset("b.js.d/10-b.js", "b();\n"),
            asset("common.js.d/10-esc.js", "function esc() {}\n"),
            asset("a.js.d/10-a.js", "a();\n"),
        ]);
        let names: Vec<&str> = out.iter().map(|(n, _)| n.as_str()).collect();
        assert_eq!(names, ["a.js", "b.js"]);
        assert_eq!(
            std::str::from_utf8(&out[0].1).unwrap(),
            "(() => {\n\"use strict\";\n\n// ── a.js: common.js.d/10-esc.js\nfunction esc() {}\n\n// ── a.js: 10-a.js\na();\n})();\n"
        );
        assert!(std::str::from_utf8(&out[1].1)
            .unwrap()
            .contains("function esc() {}\n\n// ── b.js: 10-b.js\nb();"));
    }

    #[test]
    fn a_site_file_replaces_the_theme_file_of_its_name_or_is_added() {
        let root = tempfile::tempdir().unwrap();
        let dir = root.path().join("templates");
        std::fs::create_dir_all(dir.join("partials")).unwrap();
        std::fs::write(dir.join("base.html"), "site base").unwrap();
        std::fs::write(dir.join("partials/nav.html"), "site nav").unwrap();
        std::fs::write(dir.join("notes.md"), "not a template").unwrap();
        let mut files = vec![
            ("base.html".to_owned(), "theme base".to_owned()),
            ("post.html".to_owned(), "theme post".to_owned()),
        ];
        let html = |p: &std::path::Path| p.extension().is_some_and(|e| e == "html");
        overlay(&mut files, root.path(), &dir, html, |p| {
            Ok(std::fs::read_to_string(p).unwrap())
        })
        .unwrap();
        files.sort();
        assert_eq!(
            files,
            [
                ("base.html".to_owned(), "site base".to_owned()),
                ("partials/nav.html".to_owned(), "site nav".to_owned()),
                ("post.html".to_owned(), "theme post".to_owned()),
            ]
        );
    }

    #[test]
    fn a_whole_script_of_the_same_name_wins() {
        let out = bundle_scripts(vec![
            asset("app.js.d/10-a.js", "parts"),
            asset("app.js", "whole"),
        ]);
        assert_eq!(out.len(), 1);
        assert_eq!(&*out[0].1, b"whole");
    }

    #[test]
    fn the_theme_ships_its_widgets_as_one_script() {
        let names: Vec<String> = assets_for(std::path::Path::new("/nonexistent"), &messages())
            .unwrap()
            .into_iter()
            .map(|(n, _)| n)
            .collect();
        assert!(names.contains(&"widgets.js".to_owned()), "{names:?}");
        assert!(names.contains(&"search.js".to_owned()), "{names:?}");
        assert!(!names.contains(&"common.js".to_owned()), "{names:?}");
        assert!(!names.iter().any(|n| n.contains(".js.d/")), "{names:?}");
    }

    fn messages() -> crate::i18n::Messages {
        crate::i18n::Messages::new("en", &toml::Table::new()).unwrap()
    }

    /// Every `t("…")` the widgets call with a literal has a Korean string, so a Korean page
    /// shows no stray English.
    #[test]
    fn every_widget_string_has_a_korean_translation() {
        let m = messages();
        let mut missing = Vec::new();
        let mut count = 0;
        for f in THEME.get_dir("static/widgets.js.d").unwrap().files() {
            let js = f.contents_utf8().unwrap();
            for key in literal_t_calls(js) {
                count += 1;
                if m.text("ko", &key, None, &[]) == key {
                    missing.push(format!("{}: {key:?}", f.path().display()));
                }
            }
        }
        assert!(count > 100, "found only {count} t() calls");
        assert!(missing.is_empty(), "no Korean for:\n{}", missing.join("\n"));
    }

    /// The string literals passed first to `t(` (joined where the source splits one with
    /// `+`), as JavaScript would read them.
    fn literal_t_calls(js: &str) -> Vec<String> {
        let mut out = Vec::new();
        for (i, _) in js.match_indices("t(") {
            let before = js[..i].chars().next_back();
            if before.is_some_and(|c| c.is_alphanumeric() || c == '_' || c == '.' || c == '$') {
                continue;
            }
            let mut rest = js[i + 2..].trim_start();
            let mut key = String::new();
            let mut found = false;
            while let Some(quote) = rest
                .chars()
                .next()
                .filter(|c| matches!(c, '"' | '\'' | '`'))
            {
                found = true;
                let mut chars = rest[1..].char_indices();
                let mut end = rest.len();
                while let Some((j, c)) = chars.next() {
                    match c {
                        '\\' => match chars.next() {
                            Some((_, 'n')) => key.push('\n'),
                            Some((_, e)) => key.push(e),
                            None => break,
                        },
                        c if c == quote => {
                            end = j + 2;
                            break;
                        }
                        c => key.push(c),
                    }
                }
                rest = rest[end..].trim_start();
                match rest.strip_prefix('+') {
                    Some(more) => rest = more.trim_start(),
                    None => break,
                }
            }
            if found {
                out.push(key);
            }
        }
        out
    }
}
