//! jekyll-redirect-from's `redirect_from`: a post's old URLs, each written as a small page
//! that sends readers on to the post.

use crate::content::page::{contain_url_path, Page};

/// The old URLs (`redirect_from`) of `pages`, each with the post it leads to. An old URL that
/// would leave the output folder is skipped (loading the post already refused it with its
/// line).
pub fn collect(pages: &[Page]) -> Vec<(String, &Page)> {
    pages
        .iter()
        .flat_map(|p| {
            p.redirect_from.iter().filter_map(move |from| {
                let from = contain_url_path(&format!("/{from}")).ok()?;
                let from = if from.ends_with('/') || from.ends_with(".html") {
                    from
                } else {
                    format!("{from}/")
                };
                Some((from, p))
            })
        })
        .collect()
}

/// The page that sends readers (and search engines, by its canonical link) from an old URL to
/// `to`, as jekyll-redirect-from writes it, without JavaScript.
pub fn redirect_html(to: &str) -> String {
    let to = crate::html::escape(to);
    format!(
        "<!DOCTYPE html>\n<html lang=\"en\">\n<meta charset=\"utf-8\">\n<title>Redirecting…</title>\n<link rel=\"canonical\" href=\"{to}\">\n<meta http-equiv=\"refresh\" content=\"0; url={to}\">\n<meta name=\"robots\" content=\"noindex\">\n<h1>Redirecting…</h1>\n<a href=\"{to}\">Click here if you are not redirected.</a>\n</html>\n"
    )
}
