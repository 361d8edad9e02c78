//! The guestbook service shared by REST and GraphQL: validates a post
//! (the rules live with the type in [`crate::model`]), stores it and
//! announces it.
//!
//! Both front ends go through [`Posts`], so a post added over REST fires the
//! GraphQL `postAdded` subscription and the two can never validate differently.

use std::sync::Arc;

use tokio::sync::broadcast;

use crate::model::{AuthorInfo, FieldErrors, NewPost, Post, PostPage, PostQuery};
use crate::relay::Relay;
use crate::store::{Store, StoreError};
use crate::util::now_rfc3339;

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
    /// With a shared relay, new posts are announced through it, and its
    /// listener feeds `added` on every instance, this one included.
    relay: Option<Arc<dyn Relay>>,
}

impl Posts {
    pub fn new(store: Store, relay: Option<Arc<dyn Relay>>) -> Self {
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

    /// Where the shared relay's listener delivers announced posts.
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
