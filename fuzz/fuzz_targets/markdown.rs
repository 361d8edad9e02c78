//! Markdown → HTML with everything wirebook adds: Jekyll's Liquid tags first (as for a
//! `_posts/` file), then demo fences, runnable snippets, alerts, heading ids, highlighted
//! code, CJK emphasis and the excerpt separator. Never a panic, whatever the body.
#![no_main]

use std::path::Path;
use std::sync::OnceLock;

use libfuzzer_sys::fuzz_target;
use wirebook::config::BaseUrl;
use wirebook::highlight::Styles;
use wirebook::i18n::Messages;
use wirebook::jekyll::liquid;
use wirebook::markdown::{render, Context};

struct Fixtures {
    styles: Styles,
    messages: Messages,
    base: BaseUrl,
    links: liquid::Links,
}

fn fixtures() -> &'static Fixtures {
    static ONCE: OnceLock<Fixtures> = OnceLock::new();
    ONCE.get_or_init(|| Fixtures {
        styles: Styles::new("InspiredGitHub", "OneHalfDark").expect("default themes"),
        messages: Messages::new("en", &Default::default()).expect("default messages"),
        base: BaseUrl::parse("https://user.github.io/repo/").expect("base URL"),
        links: liquid::Links::default(),
    })
}

fuzz_target!(|input: (bool, &str)| {
    let (jekyll, body) = input;
    let f = fixtures();
    let body = if jekyll {
        let env = liquid::Env {
            base: &f.base,
            site_title: "Site",
            site_description: "About",
            page_title: "Post",
            links: &f.links,
        };
        liquid::render(body, &env).0
    } else {
        body.to_string()
    };
    let ctx = Context {
        base_path: &f.base.path,
        source: Path::new("_posts/2025-06-10-fuzz.md"),
        body_line: 5,
        styles: &f.styles,
        messages: &f.messages,
        lang: "en",
        excerpt_separator: "<!--more-->",
    };
    let _ = render(&body, &ctx);
});
