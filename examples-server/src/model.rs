//! The data every layer shares: guestbook posts (and the rules a new one
//! must meet), news events, and chat frames. Plain types that import nothing
//! from this crate, so the store, the relays and the transports can all
//! speak them without importing each other.

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};

// ---- posts ----

/// A stored post, as REST and GraphQL return it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Post {
    pub id: i64,
    pub author: String,
    pub title: String,
    pub body: String,
    pub tags: Vec<String>,
    /// RFC 3339 in UTC with a `Z` suffix, seconds precision.
    pub created_at: String,
}

/// The list item REST returns without `full=1`.
#[derive(Debug, Clone, Serialize)]
pub struct PostSummary<'a> {
    pub id: i64,
    pub author: &'a str,
    pub title: &'a str,
    pub created_at: &'a str,
}

impl Post {
    pub fn summary(&self) -> PostSummary<'_> {
        PostSummary {
            id: self.id,
            author: &self.author,
            title: &self.title,
            created_at: &self.created_at,
        }
    }
}

/// A page of posts, newest first, and how many match in total.
#[derive(Debug, Clone)]
pub struct PostPage {
    pub items: Vec<Post>,
    pub total: u64,
}

impl PostPage {
    /// The page's authors, each once, alphabetically.
    pub fn author_names(&self) -> Vec<String> {
        let mut names: Vec<String> = self.items.iter().map(|p| p.author.clone()).collect();
        names.sort();
        names.dedup();
        names
    }
}

/// Which posts a list asks for.
#[derive(Debug, Clone, Default)]
pub struct PostQuery {
    pub limit: u32,
    pub offset: u64,
    /// Case-insensitive substring of author, title or body.
    pub q: Option<String>,
}

/// An author and how many posts they wrote.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct AuthorInfo {
    pub name: String,
    pub post_count: u64,
}

/// A post as submitted, before validation.
#[derive(Debug, Clone, Default)]
pub struct NewPost {
    pub author: String,
    pub title: String,
    pub body: String,
    pub tags: Vec<String>,
}

/// Field name → what is wrong with it, in plain words.
pub type FieldErrors = BTreeMap<String, String>;

pub const AUTHOR_MAX: usize = 40;
pub const TITLE_MAX: usize = 120;
pub const BODY_MAX: usize = 5000;
pub const TAGS_MAX: usize = 5;
pub const TAG_MAX: usize = 24;

impl NewPost {
    /// Trims every field and checks the documented lengths (counted in
    /// characters, not bytes, so "café" is 4). Returns every problem at once so
    /// a form can mark all bad fields in one round trip.
    pub fn validate(self) -> Result<NewPost, FieldErrors> {
        let mut errors = FieldErrors::new();
        let author = single_line("author", &self.author, AUTHOR_MAX, &mut errors);
        let title = single_line("title", &self.title, TITLE_MAX, &mut errors);
        let body = self.body.trim().to_owned();
        check_len("body", &body, BODY_MAX, &mut errors);
        if body
            .chars()
            .any(|c| c.is_control() && !matches!(c, '\n' | '\r' | '\t'))
        {
            errors.insert("body".into(), "must not contain control characters".into());
        }
        let mut tags: Vec<String> = Vec::new();
        for tag in &self.tags {
            let tag = tag.trim();
            if tag.is_empty() || tag.chars().count() > TAG_MAX || tag.chars().any(char::is_control)
            {
                errors.insert(
                    "tags".into(),
                    format!("each tag must be 1–{TAG_MAX} characters"),
                );
            } else if !tags.iter().any(|t| t == tag) {
                tags.push(tag.to_owned());
            }
        }
        if tags.len() > TAGS_MAX && !errors.contains_key("tags") {
            errors.insert("tags".into(), format!("at most {TAGS_MAX} tags"));
        }
        if errors.is_empty() {
            Ok(NewPost {
                author,
                title,
                body,
                tags,
            })
        } else {
            Err(errors)
        }
    }
}

fn single_line(field: &str, value: &str, max: usize, errors: &mut FieldErrors) -> String {
    let value = value.trim().to_owned();
    check_len(field, &value, max, errors);
    if value.chars().any(char::is_control) {
        errors.insert(field.into(), "must be a single line of text".into());
    }
    value
}

fn check_len(field: &str, value: &str, max: usize, errors: &mut FieldErrors) {
    let len = value.chars().count();
    if len == 0 || len > max {
        errors.insert(field.into(), format!("must be 1–{max} characters"));
    }
}

// ---- news events ----

/// What a news event is; its SSE `event:` name.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum EventKind {
    /// The canned headline the server emits every `--news-interval`.
    News,
    /// Published by `POST /api/notify`.
    Notify,
}

impl EventKind {
    pub fn as_str(self) -> &'static str {
        match self {
            EventKind::News => "news",
            EventKind::Notify => "notify",
        }
    }

    pub fn parse(s: &str) -> Option<Self> {
        match s {
            "news" => Some(EventKind::News),
            "notify" => Some(EventKind::Notify),
            _ => None,
        }
    }
}

/// One event; serialised as the SSE `data:` line.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct NewsEvent {
    pub id: u64,
    pub kind: EventKind,
    pub title: String,
    pub body: String,
    pub ts: u64,
}

// ---- chat ----

/// A chat message as broadcast and kept in history.
#[derive(Debug, Clone, Serialize)]
pub struct ChatMessage {
    #[serde(rename = "type")]
    kind: &'static str,
    pub from: String,
    pub text: String,
    pub ts: u64,
}

impl ChatMessage {
    pub fn new(from: &str, text: &str, ts: u64) -> Self {
        ChatMessage {
            kind: "message",
            from: from.to_owned(),
            text: text.to_owned(),
            ts,
        }
    }
}

/// A chat frame numbered by a shared relay, on its way to the members of
/// `room` on this instance.
#[derive(Debug, PartialEq, Eq)]
pub struct ChatFrame<'a> {
    pub seq: u64,
    /// A message (kept in history) rather than a join/leave notice.
    pub is_message: bool,
    pub room: &'a str,
    /// The frame's JSON, sent to members as is.
    pub frame: &'a str,
}

#[cfg(test)]
mod tests {
    use super::*;

    fn post(author: &str, title: &str, body: &str, tags: &[&str]) -> NewPost {
        NewPost {
            author: author.into(),
            title: title.into(),
            body: body.into(),
            tags: tags.iter().map(|t| t.to_string()).collect(),
        }
    }

    #[test]
    fn valid_posts_are_trimmed_and_tags_deduplicated() {
        let p = post(" Ada ", " Hi ", " body ", &["http", " http", "sse"])
            .validate()
            .unwrap();
        assert_eq!(
            (p.author.as_str(), p.title.as_str(), p.body.as_str()),
            ("Ada", "Hi", "body")
        );
        assert_eq!(p.tags, ["http", "sse"]);
    }

    #[test]
    fn every_bad_field_is_named() {
        let errors = post("", &"x".repeat(121), "   ", &["ok", ""])
            .validate()
            .unwrap_err();
        assert_eq!(errors["author"], "must be 1–40 characters");
        assert_eq!(errors["title"], "must be 1–120 characters");
        assert_eq!(errors["body"], "must be 1–5000 characters");
        assert_eq!(errors["tags"], "each tag must be 1–24 characters");
    }

    #[test]
    fn lengths_count_characters_not_bytes() {
        assert!(post(&"é".repeat(40), "t", "b", &[]).validate().is_ok());
        assert!(post(&"é".repeat(41), "t", "b", &[]).validate().is_err());
    }

    #[test]
    fn a_page_names_each_author_once_alphabetically() {
        let post = |id, author: &str| Post {
            id,
            author: author.into(),
            title: String::new(),
            body: String::new(),
            tags: Vec::new(),
            created_at: String::new(),
        };
        let page = PostPage {
            items: vec![post(3, "bo"), post(2, "al"), post(1, "bo")],
            total: 3,
        };
        assert_eq!(page.author_names(), ["al", "bo"]);
    }

    #[test]
    fn too_many_tags_and_newlines_in_titles_are_refused() {
        let errors = post("a", "line\nbreak", "b", &["1", "2", "3", "4", "5", "6"])
            .validate()
            .unwrap_err();
        assert_eq!(errors["tags"], "at most 5 tags");
        assert_eq!(errors["title"], "must be a single line of text");
    }
}
