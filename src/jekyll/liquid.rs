//! The Liquid a Jekyll post body actually uses, expanded before Markdown: `{% raw %}`,
//! `{% comment %}`, `{% highlight %}` (→ a fenced block), `{% post_url %}`, `{% link %}`,
//! `{{ site.baseurl }}`, `{{ site.url }}`, `{{ site.title }}`, `{{ page.title }}` and the
//! `relative_url` / `absolute_url` filters. Anything else stays in the text, visible, with a
//! warning at its line: never silently dropped. Line breaks are kept, so Markdown line
//! numbers stay those of the file.

use std::collections::HashMap;

use crate::config::BaseUrl;
use crate::slug::encode_path;

/// Post URLs that `{% post_url %}` and `{% link %}` resolve to.
#[derive(Debug, Default, Clone)]
pub struct Links {
    /// `2025-06-10-chap10` → `/backend/2025/06/10/chap10.html`
    by_name: HashMap<String, String>,
    /// `_posts/2025-06-10-chap10.md` → the same
    by_source: HashMap<String, String>,
}

impl Links {
    pub fn new<'a>(pages: impl Iterator<Item = &'a crate::content::page::Page>) -> Links {
        let mut links = Links::default();
        for p in pages {
            let source = p.source.to_string_lossy().replace('\\', "/");
            if let Some(stem) = p.source.file_stem().and_then(|s| s.to_str()) {
                links.by_name.insert(stem.to_string(), p.path.clone());
            }
            links.by_source.insert(source, p.path.clone());
        }
        links
    }
}

/// What `{{ … }}` can see.
pub struct Env<'a> {
    pub base: &'a BaseUrl,
    pub site_title: &'a str,
    pub site_description: &'a str,
    pub page_title: &'a str,
    pub links: &'a Links,
}

/// The body with Liquid expanded, and warnings as (line offset in the body, message).
pub fn render(body: &str, env: &Env<'_>) -> (String, Vec<(usize, String)>) {
    let mut out = String::with_capacity(body.len());
    let mut warnings = Vec::new();
    let mut rest = body;
    let line_at = |rest: &str| body[..body.len() - rest.len()].matches('\n').count();
    while let Some(i) = rest.find(['{']) {
        let after = &rest[i..];
        let (open, close) = if after.starts_with("{%") {
            ("{%", "%}")
        } else if after.starts_with("{{") {
            ("{{", "}}")
        } else {
            out.push_str(&rest[..=i]);
            rest = &rest[i + 1..];
            continue;
        };
        out.push_str(&rest[..i]);
        // Search past the opener: in `{%}` the `%}` overlaps it and would end the tag early.
        let Some(end) = after[2..].find(close).map(|e| e + 2) else {
            out.push_str(after);
            rest = "";
            break;
        };
        let tag_text = &after[..end + 2];
        let inner = after[2..end].trim_matches('-').trim();
        let line = line_at(after);
        let mut next = &after[end + 2..];
        if open == "{{" {
            match expression(inner, env) {
                Some(v) => out.push_str(&v),
                None => {
                    warnings.push((
                        line,
                        format!("unsupported Liquid `{tag_text}`: left as text"),
                    ));
                    out.push_str(tag_text);
                }
            }
        } else {
            let (name, args) = inner.split_once(char::is_whitespace).unwrap_or((inner, ""));
            let args = args.trim();
            match name {
                "raw" | "comment" => {
                    let end_name = format!("end{name}");
                    match find_tag(next, &end_name) {
                        Some((start, stop)) => {
                            if name == "raw" {
                                out.push_str(&next[..start]);
                            } else {
                                out.extend(next[..start].matches('\n').map(|_| '\n'));
                            }
                            next = &next[stop..];
                        }
                        None => {
                            warnings
                                .push((line, format!("`{tag_text}` without `{{% {end_name} %}}`")));
                            out.push_str(tag_text);
                        }
                    }
                }
                "highlight" => {
                    let mut words = args.split_whitespace();
                    let lang = words.next().unwrap_or("");
                    let linenos = words.any(|w| w.starts_with("linenos"));
                    out.push_str("```");
                    out.push_str(lang);
                    if linenos {
                        out.push_str(" linenos");
                    }
                }
                "endhighlight" => out.push_str("```"),
                "post_url" | "link" => {
                    let target = if name == "post_url" {
                        let stem = args.rsplit('/').next().unwrap_or(args);
                        env.links.by_name.get(stem)
                    } else {
                        env.links.by_source.get(args.trim_start_matches('/'))
                    };
                    match target {
                        // Jekyll 4 puts the base path in front of both.
                        Some(path) => out.push_str(&encode_path(&env.base.local(path))),
                        None => {
                            warnings.push((line, format!("`{tag_text}`: no such post")));
                            out.push_str(tag_text);
                        }
                    }
                }
                _ => {
                    warnings.push((
                        line,
                        format!("unsupported Liquid tag `{tag_text}`: left as text"),
                    ));
                    out.push_str(tag_text);
                }
            }
        }
        rest = next;
    }
    out.push_str(rest);
    (out, warnings)
}

/// Where `{% NAME %}` (with optional `-` trim marks) is in `text`: (start, end) bytes.
fn find_tag(text: &str, name: &str) -> Option<(usize, usize)> {
    let mut from = 0;
    while let Some(i) = text[from..].find("{%") {
        let start = from + i;
        let end = start + 2 + text[start + 2..].find("%}")? + 2;
        if text[start + 2..end - 2].trim_matches('-').trim() == name {
            return Some((start, end));
        }
        from = end;
    }
    None
}

/// `{{ … }}`: a variable we know, or a quoted path through `relative_url`/`absolute_url`.
fn expression(expr: &str, env: &Env<'_>) -> Option<String> {
    let mut parts = expr.split('|').map(str::trim);
    let head = parts.next()?;
    let mut value = match head {
        "site.baseurl" => env.base.path.clone(),
        "site.url" => env.base.origin.clone(),
        "site.title" => env.site_title.to_string(),
        "site.description" => env.site_description.to_string(),
        "page.title" => env.page_title.to_string(),
        quoted
            if quoted.len() >= 2
                && (quoted.starts_with('"') && quoted.ends_with('"')
                    || quoted.starts_with('\'') && quoted.ends_with('\'')) =>
        {
            quoted[1..quoted.len() - 1].to_string()
        }
        _ => return None,
    };
    for filter in parts {
        value = match filter {
            "relative_url" => encode_path(&env.base.local(&rooted(&value))),
            "absolute_url" => encode_path(&env.base.absolute(&rooted(&value))),
            _ => return None,
        };
    }
    Some(value)
}

fn rooted(path: &str) -> String {
    if path.starts_with('/') {
        path.to_string()
    } else {
        format!("/{path}")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn env_render(body: &str) -> (String, Vec<(usize, String)>) {
        let base = BaseUrl::parse("https://me.github.io/blog/").unwrap();
        let mut links = Links::default();
        links
            .by_name
            .insert("2024-03-01-웹소켓".into(), "/2024/03/01/웹소켓.html".into());
        links.by_source.insert(
            "_posts/2024-03-01-웹소켓.md".into(),
            "/2024/03/01/웹소켓.html".into(),
        );
        let env = Env {
            base: &base,
            site_title: "Site",
            site_description: "",
            page_title: "Title",
            links: &links,
        };
        render(body, &env)
    }

    #[test]
    fn supported_liquid_expands() {
        let (out, w) = env_render(
            "[a]({% post_url 2024-03-01-웹소켓 %}) [b]({% link _posts/2024-03-01-웹소켓.md %})\n{{ page.title }} {{ site.baseurl }} {{ \"/x/\" | relative_url }} {{ '/feed.xml' | absolute_url }}\n",
        );
        assert!(w.is_empty(), "{w:?}");
        assert_eq!(
            out,
            "[a](/blog/2024/03/01/%EC%9B%B9%EC%86%8C%EC%BC%93.html) [b](/blog/2024/03/01/%EC%9B%B9%EC%86%8C%EC%BC%93.html)\nTitle /blog /blog/x/ https://me.github.io/blog/feed.xml\n"
        );
    }

    #[test]
    fn raw_comment_and_highlight() {
        let (out, w) = env_render(
            "{% raw %}{{ keep }}{% endraw %}\n{% comment %}\nhidden\n{% endcomment %}\n{% highlight rust linenos %}\nfn x() {}\n{% endhighlight %}\n",
        );
        assert!(w.is_empty(), "{w:?}");
        assert_eq!(out, "{{ keep }}\n\n\n\n```rust linenos\nfn x() {}\n```\n");
    }

    #[test]
    fn a_closer_that_overlaps_the_opener_is_not_a_tag() {
        // Found by fuzzing: `{%}` and `{{}` once sliced `after[2..1]` and panicked.
        let (out, _) = env_render("a {%} b {{} c {% raw %}x{%}");
        assert_eq!(out, "a {%} b {{} c {% raw %}x{%}");
        let (out, _) = env_render("{%}%}{{}}");
        assert_eq!(out, "{%}%}{{}}");
    }

    #[test]
    fn unknown_liquid_stays_visible_with_a_warning() {
        let (out, w) =
            env_render("a\n{% include note.html %}\n{{ page.foo }}\n{% post_url nope %}\n");
        assert_eq!(
            out,
            "a\n{% include note.html %}\n{{ page.foo }}\n{% post_url nope %}\n"
        );
        let lines: Vec<usize> = w.iter().map(|(l, _)| *l).collect();
        assert_eq!(lines, [1, 2, 3]);
    }
}
