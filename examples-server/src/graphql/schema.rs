//! The GraphQL schema: posts, authors and tags with nested fields, the
//! `addPost` mutation and the `postAdded` subscription. Plain async-graphql
//! over [`Posts`]; nothing here knows about HTTP.

use std::net::IpAddr;
use std::sync::Arc;

use async_graphql::{
    Context, Error, ErrorExtensions, Object, Result, Schema, SimpleObject, Subscription, ID,
};
use futures_util::stream::{Stream, StreamExt};
use tokio_stream::wrappers::BroadcastStream;
use tokio_util::sync::CancellationToken;

use super::introspection;
use crate::config::Limits;
use crate::model::{NewPost, Post, PostQuery};
use crate::posts::{AddPostError, Posts};
use crate::ratelimit::WriteLimiter;
use crate::store::StoreError;

pub type AppSchema = Schema<QueryRoot, MutationRoot, SubscriptionRoot>;

/// Request data: the caller's address, for the write rate limit.
#[derive(Debug, Clone, Copy)]
pub struct ClientAddr(pub Option<IpAddr>);

/// Schema data: the largest page a list field returns.
#[derive(Debug, Clone, Copy)]
struct MaxPage(u32);

/// Posts a `Tag.posts` list returns at most (the field takes no arguments).
const TAG_POSTS: u32 = 50;

/// The schema with depth and complexity limits, and the same schema with a deeper depth
/// limit for documents that only introspect.
#[derive(Clone)]
pub struct Schemas {
    pub main: AppSchema,
    pub introspection: AppSchema,
}

pub fn build_schemas(
    posts: Posts,
    limits: &Limits,
    writes: Arc<WriteLimiter>,
    shutdown: CancellationToken,
) -> Schemas {
    Schemas {
        main: build(
            posts.clone(),
            limits,
            Arc::clone(&writes),
            shutdown.clone(),
            limits.graphql_depth,
        ),
        introspection: build(posts, limits, writes, shutdown, introspection::MAX_DEPTH),
    }
}

/// Builds the schema over `posts` with the complexity limit and a depth limit of `depth`:
/// `limits.graphql_depth`, or a deeper one for the variant that only ever runs documents
/// that [`super::introspection::is_introspection_only`] accepted. Introspection fields
/// count toward complexity like any other, so aliasing `__schema` a thousand times is
/// refused.
pub fn build(
    posts: Posts,
    limits: &Limits,
    writes: Arc<WriteLimiter>,
    shutdown: CancellationToken,
    depth: usize,
) -> AppSchema {
    Schema::build(QueryRoot, MutationRoot, SubscriptionRoot)
        .data(posts)
        .data(writes)
        .data(shutdown)
        .data(MaxPage(limits.max_page_size))
        .limit_depth(depth)
        .limit_complexity(limits.graphql_complexity)
        .finish()
}

fn store_error(err: StoreError) -> Error {
    match err {
        StoreError::Busy | StoreError::Unavailable(_) => {
            Error::new(err.to_string()).extend_with(|_, e| e.set("code", "UNAVAILABLE"))
        }
        other => {
            tracing::error!(error = %other, "GraphQL resolver failed");
            Error::new("internal server error").extend_with(|_, e| e.set("code", "INTERNAL"))
        }
    }
}

/// Default page size, also what an explicit `null` limit means.
const DEFAULT_LIMIT: i32 = 10;

/// Arguments are nullable with defaults, as in the documented schema
/// (`limit: Int = 10`), so an explicit `null` gets the default too.
fn page_size(ctx: &Context<'_>, limit: Option<i32>) -> u32 {
    let max = ctx.data_unchecked::<MaxPage>().0;
    u32::try_from(limit.unwrap_or(DEFAULT_LIMIT))
        .unwrap_or(0)
        .min(max)
}

fn count(n: u64) -> i32 {
    i32::try_from(n).unwrap_or(i32::MAX)
}

pub struct QueryRoot;

#[Object(name = "Query")]
impl QueryRoot {
    /// Posts, newest first. `q` searches author, title and body.
    // A list's cost grows with its length, so nested lists of 50 add up fast
    // and hit the complexity limit instead of the database.
    #[graphql(complexity = "1 + (limit.unwrap_or(10).max(1) as usize) * child_complexity")]
    async fn posts(
        &self,
        ctx: &Context<'_>,
        #[graphql(default = 10, validator(minimum = 0, maximum = 50))] limit: Option<i32>,
        #[graphql(default = 0, validator(minimum = 0))] offset: Option<i32>,
        #[graphql(validator(chars_max_length = 200))] q: Option<String>,
    ) -> Result<PostPage> {
        let query = PostQuery {
            limit: page_size(ctx, limit),
            offset: u64::try_from(offset.unwrap_or(0)).unwrap_or(0),
            q: q.map(|q| q.trim().to_owned()).filter(|q| !q.is_empty()),
        };
        let page = ctx
            .data_unchecked::<Posts>()
            .list(query)
            .await
            .map_err(store_error)?;
        Ok(PostPage {
            items: page.items.into_iter().map(PostObject).collect(),
            total: count(page.total),
        })
    }

    /// One post by id; null when there is none.
    async fn post(&self, ctx: &Context<'_>, id: ID) -> Result<Option<PostObject>> {
        let Ok(id) = id.parse::<i64>() else {
            // Reported beside a null rather than returned: async-graphql drops
            // a failed field from `data`, but the spec wants `"post": null`.
            let error =
                Error::new("id must be a whole number").extend_with(|_, e| e.set("field", "id"));
            ctx.add_error(ctx.set_error_path(error.into_server_error(ctx.item.pos)));
            return Ok(None);
        };
        let post = ctx
            .data_unchecked::<Posts>()
            .get(id)
            .await
            .map_err(store_error)?;
        Ok(post.map(PostObject))
    }

    /// Everyone who has posted, alphabetically.
    async fn authors(&self, ctx: &Context<'_>) -> Result<Vec<Author>> {
        let authors = ctx
            .data_unchecked::<Posts>()
            .authors()
            .await
            .map_err(store_error)?;
        Ok(authors
            .into_iter()
            .map(|a| Author {
                name: a.name,
                post_count: Some(a.post_count),
            })
            .collect())
    }

    /// Every tag in use, alphabetically.
    async fn tags(&self, ctx: &Context<'_>) -> Result<Vec<Tag>> {
        let tags = ctx
            .data_unchecked::<Posts>()
            .tags()
            .await
            .map_err(store_error)?;
        Ok(tags.into_iter().map(|name| Tag { name }).collect())
    }
}

#[derive(SimpleObject)]
pub struct PostPage {
    items: Vec<PostObject>,
    /// All posts matching the query, not just this page.
    total: i32,
}

pub struct PostObject(Post);

#[Object(name = "Post")]
impl PostObject {
    async fn id(&self) -> ID {
        ID(self.0.id.to_string())
    }

    async fn title(&self) -> &str {
        &self.0.title
    }

    async fn body(&self) -> &str {
        &self.0.body
    }

    async fn tags(&self) -> &[String] {
        &self.0.tags
    }

    /// RFC 3339, UTC.
    async fn created_at(&self) -> &str {
        &self.0.created_at
    }

    async fn author(&self) -> Author {
        Author {
            name: self.0.author.clone(),
            post_count: None,
        }
    }
}

pub struct Author {
    name: String,
    /// Known when the author came from the `authors` list; fetched on demand
    /// (one indexed count) when reached through a post.
    post_count: Option<u64>,
}

#[Object]
impl Author {
    async fn name(&self) -> &str {
        &self.name
    }

    async fn post_count(&self, ctx: &Context<'_>) -> Result<i32> {
        if let Some(n) = self.post_count {
            return Ok(count(n));
        }
        let counts = ctx
            .data_unchecked::<Posts>()
            .author_counts(vec![self.name.clone()])
            .await
            .map_err(store_error)?;
        Ok(count(counts.first().map_or(0, |a| a.post_count)))
    }

    /// This author's posts, newest first.
    #[graphql(complexity = "1 + (limit.unwrap_or(10).max(1) as usize) * child_complexity")]
    async fn posts(
        &self,
        ctx: &Context<'_>,
        #[graphql(default = 10, validator(minimum = 0, maximum = 50))] limit: Option<i32>,
    ) -> Result<Vec<PostObject>> {
        let posts = ctx
            .data_unchecked::<Posts>()
            .by_author(self.name.clone(), page_size(ctx, limit))
            .await
            .map_err(store_error)?;
        Ok(posts.into_iter().map(PostObject).collect())
    }
}

pub struct Tag {
    name: String,
}

#[Object]
impl Tag {
    async fn name(&self) -> &str {
        &self.name
    }

    /// Posts with this tag, newest first (at most 50). Costed as ten posts:
    /// tags are few and lists short, and a fixed estimate keeps the
    /// complexity of `tags { posts { … } }` predictable.
    #[graphql(complexity = "1 + 10 * child_complexity")]
    async fn posts(&self, ctx: &Context<'_>) -> Result<Vec<PostObject>> {
        let posts = ctx
            .data_unchecked::<Posts>()
            .by_tag(self.name.clone(), TAG_POSTS)
            .await
            .map_err(store_error)?;
        Ok(posts.into_iter().map(PostObject).collect())
    }
}

pub struct MutationRoot;

#[Object(name = "Mutation")]
impl MutationRoot {
    /// Adds a post, validated exactly like `POST /api/posts`. Each invalid
    /// argument is reported as its own error with `extensions.field`.
    async fn add_post(
        &self,
        ctx: &Context<'_>,
        author: String,
        title: String,
        body: String,
        tags: Option<Vec<String>>,
    ) -> Result<PostObject> {
        let client = ctx.data_opt::<ClientAddr>().and_then(|c| c.0);
        if let Err(wait) = ctx
            .data_unchecked::<Arc<WriteLimiter>>()
            .check(client)
            .await
        {
            let secs = wait.as_secs().max(1);
            return Err(
                Error::new(format!("too many requests, retry in {secs} s")).extend_with(|_, e| {
                    e.set("code", "RATE_LIMITED");
                    e.set("retryAfter", secs);
                }),
            );
        }
        let post = NewPost {
            author,
            title,
            body,
            tags: tags.unwrap_or_default(),
        };
        match ctx.data_unchecked::<Posts>().add(post).await {
            Ok(post) => Ok(PostObject(post)),
            Err(AddPostError::Store(err)) => Err(store_error(err)),
            Err(AddPostError::Invalid(fields)) => {
                let mut errors = fields.into_iter().map(|(field, message)| {
                    Error::new(format!("{field} {message}")).extend_with(move |_, e| {
                        e.set("code", "BAD_USER_INPUT");
                        e.set("field", field.clone());
                    })
                });
                let first = errors
                    .next()
                    .unwrap_or_else(|| Error::new("validation failed"));
                // A resolver returns one error; the others are added beside it
                // so a form can mark every bad field at once.
                for extra in errors {
                    ctx.add_error(ctx.set_error_path(extra.into_server_error(ctx.item.pos)));
                }
                Err(first)
            }
        }
    }
}

pub struct SubscriptionRoot;

#[Subscription(name = "Subscription")]
impl SubscriptionRoot {
    /// Every post added from now on, through REST or GraphQL. Ends when the
    /// server shuts down.
    async fn post_added(&self, ctx: &Context<'_>) -> impl Stream<Item = PostObject> {
        let rx = ctx.data_unchecked::<Posts>().subscribe();
        let shutdown = ctx.data_unchecked::<CancellationToken>().clone();
        // A subscriber that lags simply skips the posts it missed.
        BroadcastStream::new(rx)
            .filter_map(|item| async move { item.ok().map(PostObject) })
            .take_until(shutdown.cancelled_owned())
    }
}
