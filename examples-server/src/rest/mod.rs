//! The Ajax/REST side under `/api`: the guestbook posts resource (list with
//! pagination and search, read with ETags, create from JSON or a form, delete
//! with a bearer token) and `POST /api/notify`, which pushes an SSE event.

pub(crate) mod cache;
mod input;

pub use cache::ResponseCache;

use std::collections::HashMap;

use axum::body::Bytes;
use axum::extract::rejection::{BytesRejection, PathRejection, QueryRejection};
use axum::extract::{Path, Query, State};
use axum::http::{header, HeaderMap, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::routing::{any, get, post};
use axum::{Json, Router};
use serde::{Deserialize, Serialize};
use serde_json::json;

use crate::error::AppError;
use crate::layers::{api_stack, ClientIp};
use crate::model::{AuthorInfo, EventKind, NewPost, Post, PostQuery};
use crate::state::AppState;
use cache::{CacheKey, Cached};
use input::{etag_for, json_with_etag, merge_errors, Fields, IfNoneMatch};

/// Longest `?q=` search accepted.
const MAX_QUERY_CHARS: usize = 200;
const NOTIFY_TITLE_MAX: usize = 120;
const NOTIFY_BODY_MAX: usize = 1000;

pub fn router(state: &AppState) -> Router<AppState> {
    let routes = Router::new()
        .route("/api/posts", get(list_posts).post(create_post))
        .route("/api/posts/{id}", get(get_post).delete(delete_post))
        .route("/api/notify", post(notify))
        // A JSON 404 for the rest of /api even when embedded next to a
        // static-file fallback that would answer with an HTML page.
        .route("/api", any(not_found))
        .route("/api/{*rest}", any(not_found));
    api_stack(routes, state)
}

#[derive(Debug, Deserialize)]
struct ListParams {
    page: Option<u64>,
    per_page: Option<u32>,
    q: Option<String>,
    full: Option<String>,
}

#[derive(Serialize)]
struct ListResponse<T: Serialize> {
    items: Vec<T>,
    page: u64,
    per_page: u32,
    total: u64,
}

/// A full post plus its author's stats: the deliberately heavy REST answer
/// the over-fetch demo compares with a GraphQL query.
#[derive(Serialize)]
struct FullPost<'a> {
    #[serde(flatten)]
    post: &'a Post,
    author_info: &'a AuthorInfo,
}

async fn list_posts(
    State(state): State<AppState>,
    params: Result<Query<ListParams>, QueryRejection>,
    if_none_match: IfNoneMatch,
) -> Result<Response, AppError> {
    let Query(params) = params?;
    let page = params.page.unwrap_or(1);
    if page == 0 {
        return Err(AppError::BadRequest("page must be 1 or more".into()));
    }
    let max = state.config().limits.max_page_size;
    // Out-of-range page sizes are clamped rather than refused, like most
    // public APIs: a widget asking for 100 still gets a useful page.
    let per_page = params.per_page.unwrap_or(10).clamp(1, max);
    let full = match params.full.as_deref().map(str::trim) {
        None | Some("" | "0" | "false" | "no") => false,
        Some("1" | "true" | "yes") => true,
        Some(other) => {
            return Err(AppError::BadRequest(format!(
                "full must be 1 or 0, not {other:?}"
            )))
        }
    };
    let q = params
        .q
        .map(|q| q.trim().to_owned())
        .filter(|q| !q.is_empty());
    if q.as_ref()
        .is_some_and(|q| q.chars().count() > MAX_QUERY_CHARS)
    {
        return Err(AppError::BadRequest(format!(
            "q must be at most {MAX_QUERY_CHARS} characters"
        )));
    }
    let key = CacheKey::List {
        page,
        per_page,
        full,
        q: q.clone(),
    };
    let generation = state.posts().store().generation();
    if let Some(cached) = state.cached_response(&key, generation) {
        return Ok(json_with_etag(&if_none_match, cached.body, cached.etag));
    }
    let query = PostQuery {
        limit: per_page,
        offset: (page - 1).saturating_mul(u64::from(per_page)),
        q,
    };
    let body = if full {
        let (result, authors) = state.posts().list_with_authors(query).await?;
        let authors: HashMap<&str, &AuthorInfo> =
            authors.iter().map(|a| (a.name.as_str(), a)).collect();
        let items = result
            .items
            .iter()
            .filter_map(|post| {
                let author_info = authors.get(post.author.as_str())?;
                Some(FullPost { post, author_info })
            })
            .collect();
        serde_json::to_vec(&ListResponse {
            items,
            page,
            per_page,
            total: result.total,
        })
    } else {
        let result = state.posts().list(query).await?;
        let items = result.items.iter().map(Post::summary).collect();
        serde_json::to_vec(&ListResponse {
            items,
            page,
            per_page,
            total: result.total,
        })
    };
    let body = body.map_err(|e| AppError::Internal(e.into()))?;
    Ok(respond_and_cache(
        &state,
        &if_none_match,
        key,
        generation,
        body,
    ))
}

/// Stores a freshly computed body under the generation read before the
/// query, then answers with it.
fn respond_and_cache(
    state: &AppState,
    if_none_match: &IfNoneMatch,
    key: CacheKey,
    generation: Option<u64>,
    body: Vec<u8>,
) -> Response {
    let cached = Cached {
        etag: etag_for(&body),
        body: Bytes::from(body),
    };
    state.cache_response(key, generation, cached.clone());
    json_with_etag(if_none_match, cached.body, cached.etag)
}

async fn get_post(
    State(state): State<AppState>,
    id: Result<Path<i64>, PathRejection>,
    if_none_match: IfNoneMatch,
) -> Result<Response, AppError> {
    let Path(id) = id.map_err(|_| AppError::BadRequest("post id must be a whole number".into()))?;
    let key = CacheKey::Post(id);
    let generation = state.posts().store().generation();
    if let Some(cached) = state.cached_response(&key, generation) {
        return Ok(json_with_etag(&if_none_match, cached.body, cached.etag));
    }
    let post = state
        .posts()
        .get(id)
        .await?
        .ok_or_else(|| AppError::NotFound(format!("no post with id {id}")))?;
    let body = serde_json::to_vec(&post).map_err(|e| AppError::Internal(e.into()))?;
    Ok(respond_and_cache(
        &state,
        &if_none_match,
        key,
        generation,
        body,
    ))
}

async fn create_post(
    State(state): State<AppState>,
    client: ClientIp,
    headers: HeaderMap,
    body: Result<Bytes, BytesRejection>,
) -> Result<Response, AppError> {
    let mut fields = read_fields(&state, client, &headers, body).await?;
    let post = NewPost {
        author: fields.string("author"),
        title: fields.string("title"),
        body: fields.string("body"),
        tags: fields.string_list("tags"),
    };
    let type_errors = fields.into_errors();
    if !type_errors.is_empty() {
        // Report length problems of the other fields in the same answer.
        let validation = post.validate().err().unwrap_or_default();
        return Err(AppError::Validation(merge_errors(validation, type_errors)));
    }
    let post = state.posts().add(post).await?;
    let location = format!("/api/posts/{}", post.id);
    Ok((
        StatusCode::CREATED,
        [(header::LOCATION, location)],
        Json(post),
    )
        .into_response())
}

async fn delete_post(
    State(state): State<AppState>,
    id: Result<Path<i64>, PathRejection>,
    headers: HeaderMap,
) -> Result<StatusCode, AppError> {
    let presented = headers
        .get(header::AUTHORIZATION)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.strip_prefix("Bearer "))
        .map(str::trim);
    if !presented
        .is_some_and(|token| constant_time_eq(token.as_bytes(), state.admin_token().as_bytes()))
    {
        return Err(AppError::Unauthorized);
    }
    let Path(id) = id.map_err(|_| AppError::BadRequest("post id must be a whole number".into()))?;
    if state.posts().delete(id).await? {
        Ok(StatusCode::NO_CONTENT)
    } else {
        Err(AppError::NotFound(format!("no post with id {id}")))
    }
}

async fn notify(
    State(state): State<AppState>,
    client: ClientIp,
    headers: HeaderMap,
    body: Result<Bytes, BytesRejection>,
) -> Result<Response, AppError> {
    let mut fields = read_fields(&state, client, &headers, body).await?;
    let title = fields.string("title").trim().to_owned();
    let body = fields.string("body").trim().to_owned();
    let mut errors = fields.into_errors();
    let title_len = title.chars().count();
    if !errors.contains_key("title") && (title_len == 0 || title_len > NOTIFY_TITLE_MAX) {
        errors.insert(
            "title".into(),
            format!("must be 1–{NOTIFY_TITLE_MAX} characters"),
        );
    }
    if !errors.contains_key("body") && body.chars().count() > NOTIFY_BODY_MAX {
        errors.insert(
            "body".into(),
            format!("must be 0–{NOTIFY_BODY_MAX} characters"),
        );
    }
    if !errors.is_empty() {
        return Err(AppError::Validation(errors));
    }
    let event = state.hub().publish(EventKind::Notify, title, body).await?;
    Ok((StatusCode::ACCEPTED, Json(json!({ "id": event.id }))).into_response())
}

async fn not_found() -> AppError {
    AppError::NotFound("no such API endpoint; see /api/posts and /api/notify".into())
}

/// The write-side preamble shared by POST handlers: rate limit, then parse
/// the body. The limit comes first so a flood costs no parsing.
async fn read_fields(
    state: &AppState,
    client: ClientIp,
    headers: &HeaderMap,
    body: Result<Bytes, BytesRejection>,
) -> Result<Fields, AppError> {
    state
        .check_write_rate(client.0)
        .await
        .map_err(AppError::TooManyRequests)?;
    // A Content-Length over the limit is refused by RequestBodyLimitLayer
    // before the handler runs; a chunked body growing past it fails here.
    let body = body.map_err(|rejection| match rejection.status() {
        StatusCode::PAYLOAD_TOO_LARGE => {
            AppError::PayloadTooLarge(state.config().limits.max_body_bytes)
        }
        _ => AppError::BadRequest(rejection.body_text()),
    })?;
    Fields::parse(headers, &body)
}

/// Compares tokens without leaking, through timing, how much of a guess matched.
fn constant_time_eq(a: &[u8], b: &[u8]) -> bool {
    a.len() == b.len() && a.iter().zip(b).fold(0u8, |acc, (x, y)| acc | (x ^ y)) == 0
}
