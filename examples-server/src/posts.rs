//! The guestbook domain shared by REST and GraphQL: post types, input
//! validation and the service that stores a post and announces it.
//!
//! Both front ends go through [`Posts`], so a post added over REST fires the
//! GraphQL `postAdded` subscription and the two can never validate differently.

use std::collections::BTreeMap;
use std::sync::Arc;

use serde::{Deserialize, Serialize};
use tokio::sync::broadcast;

use crate::broker::RedisBroker;
use crate::store::{Store, StoreError};

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

/// Why adding a post failed.
#[derive(Debug, thiserror::Error)]
pub enum AddPostError {
    #[error("validation failed")]
    Invalid(FieldErrors),
    #[error(transparent)]
    Store(#[from] StoreError),
}

/// The post service: the store plus the feed of newly added posts.
#[derive(Clone)]
pub struct Posts {
    store: Store,
    added: broadcast::Sender<Post>,
    /// With Redis, new posts are announced through it, and its listener
    /// feeds `added` on every instance, this one included.
    relay: Option<Arc<RedisBroker>>,
}

impl Posts {
    pub fn new(store: Store, relay: Option<Arc<RedisBroker>>) -> Self {
        // Subscribers that fall 64 posts behind skip ahead; a new-post feed
        // is a notification, not a log.
        let (added, _) = broadcast::channel(64);
        Posts {
            store,
            added,
            relay,
        }
    }

    pub fn store(&self) -> &Store {
        &self.store
    }

    /// Validates, stores and announces a post.
    pub async fn add(&self, post: NewPost) -> Result<Post, AddPostError> {
        let post = post.validate().map_err(AddPostError::Invalid)?;
        let stored = self.store.insert(post, now_rfc3339()).await?;
        match &self.relay {
            None => {
                // No receivers is the normal case when nobody subscribed.
                let _ = self.added.send(stored.clone());
            }
            Some(relay) => {
                // The post is stored; only the live notice is lost.
                if let Err(err) = relay.publish_post(&stored).await {
                    tracing::warn!(id = stored.id, error = %err, "cannot announce a new post");
                }
            }
        }
        Ok(stored)
    }

    /// A receiver of every post added from now on.
    pub fn subscribe(&self) -> broadcast::Receiver<Post> {
        self.added.subscribe()
    }

    /// Where the Redis listener delivers announced posts.
    pub(crate) fn added_sender(&self) -> broadcast::Sender<Post> {
        self.added.clone()
    }

    pub async fn list(&self, query: PostQuery) -> Result<PostPage, StoreError> {
        self.store.list(query).await
    }

    /// A page plus the post counts of its authors, read in one go so both
    /// come from the same snapshot.
    pub async fn list_with_authors(
        &self,
        query: PostQuery,
    ) -> Result<(PostPage, Vec<AuthorInfo>), StoreError> {
        self.store.list_with_authors(query).await
    }

    pub async fn get(&self, id: i64) -> Result<Option<Post>, StoreError> {
        self.store.get(id).await
    }

    /// Returns whether a post with that id existed.
    pub async fn delete(&self, id: i64) -> Result<bool, StoreError> {
        self.store.delete(id).await
    }

    /// Every author with their post count, alphabetically.
    pub async fn authors(&self) -> Result<Vec<AuthorInfo>, StoreError> {
        self.store.authors().await
    }

    /// Post counts for the given author names (missing names count 0).
    pub async fn author_counts(&self, names: Vec<String>) -> Result<Vec<AuthorInfo>, StoreError> {
        self.store.author_counts(names).await
    }

    pub async fn by_author(&self, name: String, limit: u32) -> Result<Vec<Post>, StoreError> {
        self.store.by_author(name, limit).await
    }

    /// Every tag in use, alphabetically.
    pub async fn tags(&self) -> Result<Vec<String>, StoreError> {
        self.store.tags().await
    }

    pub async fn by_tag(&self, tag: String, limit: u32) -> Result<Vec<Post>, StoreError> {
        self.store.by_tag(tag, limit).await
    }
}

/// Now as RFC 3339 UTC with seconds precision, e.g. `2026-11-25T18:00:00Z`.
pub fn now_rfc3339() -> String {
    chrono::Utc::now().to_rfc3339_opts(chrono::SecondsFormat::Secs, true)
}

/// Milliseconds since the Unix epoch, the `ts` of chat and SSE messages.
pub fn now_millis() -> u64 {
    u64::try_from(chrono::Utc::now().timestamp_millis()).unwrap_or(0)
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
    fn too_many_tags_and_newlines_in_titles_are_refused() {
        let errors = post("a", "line\nbreak", "b", &["1", "2", "3", "4", "5", "6"])
            .validate()
            .unwrap_err();
        assert_eq!(errors["tags"], "at most 5 tags");
        assert_eq!(errors["title"], "must be a single line of text");
    }
}
