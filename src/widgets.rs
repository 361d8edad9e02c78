//! Live demo blocks (```` ```demo KIND ````) and runnable snippets (```` ```js run ````):
//! their settings are checked at build time and emitted as the HTML the widget script
//! (`templates/static/widgets.js.d/`, served as one `assets/widgets.js`) hydrates. See `docs/widgets.md` for the author's view.

use serde::{de::DeserializeOwned, Deserialize, Serialize};

use crate::html::escape_into;
use crate::markdown::MarkdownError;
use crate::yaml;

pub const KINDS: &[&str] = &["ajax", "websocket", "sse", "graphql", "compare"];

#[derive(Debug, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
struct Ajax {
    title: String,
    delay_ms: u32,
    endpoint: String,
    poll_ms: u32,
}

#[derive(Debug, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
struct Websocket {
    title: String,
    delay_ms: u32,
    endpoint: String,
    room: String,
    participants: Vec<String>,
}

#[derive(Debug, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
struct Sse {
    title: String,
    delay_ms: u32,
    endpoint: String,
    notify: String,
}

#[derive(Debug, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
struct Graphql {
    title: String,
    delay_ms: u32,
    endpoint: String,
    rest: String,
    fields: Vec<String>,
    selected: Vec<String>,
    limit: u32,
    query: Option<String>,
}

#[derive(Debug, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
struct Compare {
    title: String,
    delay_ms: u32,
    count: u32,
}

impl Default for Ajax {
    fn default() -> Self {
        Ajax {
            title: "Ajax: request and response".into(),
            delay_ms: 0,
            endpoint: "/api/posts".into(),
            poll_ms: 3000,
        }
    }
}
impl Default for Websocket {
    fn default() -> Self {
        Websocket {
            title: "WebSocket: a chat room".into(),
            delay_ms: 0,
            endpoint: "/ws/chat".into(),
            room: "lobby".into(),
            participants: vec!["Alice".into(), "Bob".into()],
        }
    }
}
impl Default for Sse {
    fn default() -> Self {
        Sse {
            title: "Server-Sent Events: a news ticker".into(),
            delay_ms: 0,
            endpoint: "/sse/news".into(),
            notify: "/api/notify".into(),
        }
    }
}
impl Default for Graphql {
    fn default() -> Self {
        Graphql {
            title: "GraphQL: ask for exactly what you need".into(),
            delay_ms: 0,
            endpoint: "/graphql".into(),
            rest: "/api/posts?full=1".into(),
            fields: ["id", "title", "author", "createdAt", "body", "tags"]
                .map(String::from)
                .to_vec(),
            selected: vec!["id".into(), "title".into()],
            limit: 5,
            query: None,
        }
    }
}
impl Default for Compare {
    fn default() -> Self {
        Compare {
            title: "Ajax vs WebSocket vs SSE vs GraphQL, measured".into(),
            delay_ms: 0,
            count: 5,
        }
    }
}

fn settings<T: DeserializeOwned + Default>(body: &str) -> Result<T, MarkdownError> {
    if body.trim().is_empty() {
        return Ok(T::default());
    }
    // serde_norway says "unknown field `x`, expected one of …"; that is the useful part.
    yaml::from_str(body).map_err(|e| MarkdownError::DemoSettings(e.to_string()))
}

fn check(ok: bool, msg: &str) -> Result<(), MarkdownError> {
    if ok {
        Ok(())
    } else {
        Err(MarkdownError::DemoSettings(msg.to_string()))
    }
}

fn checked_json(kind: &str, body: &str) -> Result<serde_json::Value, MarkdownError> {
    let delay_ok = |d: u32| check(d <= 5000, "`delay_ms` must be between 0 and 5000");
    let endpoint_ok = |e: &str| {
        check(
            !e.is_empty() && (e.starts_with('/') || e.starts_with("http")),
            "`endpoint` must be a path such as /api/posts or a full URL",
        )
    };
    let value = match kind {
        "ajax" => {
            let s: Ajax = settings(body)?;
            delay_ok(s.delay_ms)?;
            endpoint_ok(&s.endpoint)?;
            check(s.poll_ms >= 500, "`poll_ms` must be at least 500")?;
            serde_json::to_value(s)
        }
        "websocket" => {
            let s: Websocket = settings(body)?;
            delay_ok(s.delay_ms)?;
            endpoint_ok(&s.endpoint)?;
            check(
                (1..=32).contains(&s.room.chars().count()),
                "`room` must be 1–32 characters",
            )?;
            check(s.participants.len() <= 4, "at most 4 `participants`")?;
            check(
                s.participants
                    .iter()
                    .all(|p| (1..=32).contains(&p.chars().count())),
                "each participant name must be 1–32 characters",
            )?;
            serde_json::to_value(s)
        }
        "sse" => {
            let s: Sse = settings(body)?;
            delay_ok(s.delay_ms)?;
            endpoint_ok(&s.endpoint)?;
            serde_json::to_value(s)
        }
        "graphql" => {
            let s: Graphql = settings(body)?;
            delay_ok(s.delay_ms)?;
            endpoint_ok(&s.endpoint)?;
            check(
                (1..=50).contains(&s.limit),
                "`limit` must be between 1 and 50",
            )?;
            for f in &s.selected {
                check(
                    s.fields.contains(f),
                    &format!("`selected` names {f:?}, which is not in `fields`"),
                )?;
            }
            serde_json::to_value(s)
        }
        "compare" => {
            let s: Compare = settings(body)?;
            delay_ok(s.delay_ms)?;
            check(
                (1..=20).contains(&s.count),
                "`count` must be between 1 and 20",
            )?;
            serde_json::to_value(s)
        }
        other => return Err(MarkdownError::UnknownDemoKind(other.to_string())),
    };
    value.map_err(|e| MarkdownError::DemoJson(e.to_string()))
}

/// The HTML for a ```` ```demo KIND ```` block, or a message for the build error.
pub fn render_demo(kind: &str, body: &str, id: usize) -> Result<String, MarkdownError> {
    if kind.is_empty() {
        return Err(MarkdownError::NoDemoKind);
    }
    let config = checked_json(kind, body)?;
    let title = config["title"].as_str().unwrap_or_default().to_string();
    let mut out = String::with_capacity(body.len() * 2 + 400);
    out.push_str("<figure class=\"wb-demo\" id=\"demo-");
    out.push_str(&id.to_string());
    out.push_str("\" data-demo=\"");
    out.push_str(kind);
    out.push_str("\" data-state=\"idle\" data-config=\"");
    escape_into(&mut out, &config.to_string());
    out.push_str("\">\n<figcaption class=\"wb-demo-title\">");
    escape_into(&mut out, &title);
    out.push_str("</figcaption>\n<pre class=\"wb-demo-fallback\"><code>```demo ");
    out.push_str(kind);
    out.push('\n');
    escape_into(&mut out, body);
    out.push_str("```</code></pre>\n</figure>\n");
    Ok(out)
}

/// A runnable snippet: the highlighted code plus the raw source for the editor.
pub fn render_run(code: &str, highlighted: &str, id: usize) -> String {
    let mut out = String::with_capacity(code.len() * 2 + highlighted.len() + 200);
    out.push_str("<div class=\"wb-run\" data-run id=\"run-");
    out.push_str(&id.to_string());
    out.push_str("\">\n");
    out.push_str(highlighted);
    out.push_str("\n<textarea class=\"wb-run-code\" hidden>");
    escape_into(&mut out, code);
    out.push_str("</textarea>\n</div>\n");
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn defaults_are_filled() {
        let html = render_demo("websocket", "room: kitchen\n", 1).unwrap();
        assert!(html.contains("data-demo=\"websocket\""));
        assert!(html.contains("&quot;room&quot;:&quot;kitchen&quot;"));
        assert!(html.contains("&quot;participants&quot;:[&quot;Alice&quot;,&quot;Bob&quot;]"));
    }

    #[test]
    fn bad_settings_are_errors() {
        assert!(render_demo("chat", "", 1)
            .unwrap_err()
            .to_string()
            .contains("unknown demo kind `chat`"));
        assert!(render_demo("ajax", "endpiont: /x\n", 1)
            .unwrap_err()
            .to_string()
            .contains("endpiont"));
        assert!(render_demo("ajax", "delay_ms: 99999\n", 1)
            .unwrap_err()
            .to_string()
            .contains("delay_ms"));
        assert!(render_demo("graphql", "selected: [nope]\n", 1)
            .unwrap_err()
            .to_string()
            .contains("nope"));
        assert!(render_demo("sse", "endpoint: [1]\n", 1).is_err());
    }
}
