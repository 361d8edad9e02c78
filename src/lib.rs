//! wirebook: a static site generator for technical writing with live protocol demos.
//!
//! The pipeline reads top to bottom: [`config`] → [`content`] (load, front matter, encoding
//! checks) → [`markdown`] (+ [`highlight`], [`widgets`]) → [`render`] (Tera) → [`output`]
//! (atomic write). [`site`] strings the stages together.

pub mod cache;
pub mod cjk_emphasis;
pub mod config;
pub mod content;
pub mod diagnostics;
pub mod encoding;
pub mod feed;
pub mod highlight;
pub mod html;
pub mod i18n;
pub mod incremental;
pub mod jekyll;
pub mod linkcheck;
pub mod markdown;
pub mod math;
pub mod output;
pub mod paths;
pub mod publish;
pub mod reading;
pub mod redirects;
pub mod render;
pub mod scaffold;
pub mod search;
pub mod serve;
pub mod site;
pub mod sitemap;
pub mod slug;
pub mod summary;
pub mod taxonomy;
pub mod theme;
pub mod walk;
pub mod widgets;
pub mod yaml;
