//! HTTP errors: one [`AppError`] type whose JSON body names the problem in
//! plain words, and a response mapper that gives the same JSON shape to errors
//! produced by axum and tower-http themselves (405, 408, 413, rejections).

use std::convert::Infallible;
use std::future::Future;
use std::pin::Pin;
use std::task::{ready, Context, Poll};
use std::time::Duration;

use axum::body::Body;
use axum::extract::rejection::{PathRejection, QueryRejection};
use axum::extract::Request;
use axum::http::{header, HeaderValue, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::Json;
use futures_util::future::BoxFuture;
use pin_project_lite::pin_project;
use serde_json::json;
use tower::{Layer, Service};

use crate::model::FieldErrors;
use crate::posts::AddPostError;
use crate::relay::RelayDown;
use crate::sse::hub::PublishError;
use crate::store::StoreError;

#[derive(Debug, thiserror::Error)]
pub enum AppError {
    /// 422 with `{"error":"validation failed","fields":{…}}`.
    #[error("validation failed")]
    Validation(FieldErrors),
    #[error("{0}")]
    BadRequest(String),
    #[error("missing or wrong bearer token")]
    Unauthorized,
    #[error("{0}")]
    Forbidden(String),
    #[error("{0}")]
    NotFound(String),
    #[error("{0}")]
    UnsupportedMediaType(String),
    /// With the limit in bytes.
    #[error("request body too large (limit {0} bytes)")]
    PayloadTooLarge(usize),
    #[error("too many requests, retry in {} s", .0.as_secs().max(1))]
    TooManyRequests(Duration),
    #[error("{0}")]
    Unavailable(String),
    #[error(transparent)]
    Internal(#[from] anyhow::Error),
}

impl AppError {
    pub fn status(&self) -> StatusCode {
        match self {
            AppError::Validation(_) => StatusCode::UNPROCESSABLE_ENTITY,
            AppError::BadRequest(_) => StatusCode::BAD_REQUEST,
            AppError::Unauthorized => StatusCode::UNAUTHORIZED,
            AppError::Forbidden(_) => StatusCode::FORBIDDEN,
            AppError::NotFound(_) => StatusCode::NOT_FOUND,
            AppError::UnsupportedMediaType(_) => StatusCode::UNSUPPORTED_MEDIA_TYPE,
            AppError::PayloadTooLarge(_) => StatusCode::PAYLOAD_TOO_LARGE,
            AppError::TooManyRequests(_) => StatusCode::TOO_MANY_REQUESTS,
            AppError::Unavailable(_) => StatusCode::SERVICE_UNAVAILABLE,
            AppError::Internal(_) => StatusCode::INTERNAL_SERVER_ERROR,
        }
    }
}

impl IntoResponse for AppError {
    fn into_response(self) -> Response {
        let status = self.status();
        let body = match &self {
            AppError::Validation(fields) => {
                json!({ "error": "validation failed", "fields": fields })
            }
            AppError::Internal(err) => {
                // The chain may name files and SQL; log it, don't send it.
                tracing::error!(error = format!("{err:#}"), "request failed");
                json!({ "error": "internal server error" })
            }
            other => json!({ "error": other.to_string() }),
        };
        let mut response = (status, Json(body)).into_response();
        let headers = response.headers_mut();
        match self {
            AppError::Unauthorized => {
                headers.insert(header::WWW_AUTHENTICATE, HeaderValue::from_static("Bearer"));
            }
            AppError::TooManyRequests(wait) => {
                headers.insert(
                    header::RETRY_AFTER,
                    HeaderValue::from(wait.as_secs().max(1)),
                );
            }
            AppError::Unavailable(_) => {
                headers.insert(header::RETRY_AFTER, HeaderValue::from_static("2"));
            }
            _ => {}
        }
        response
    }
}

impl From<StoreError> for AppError {
    fn from(err: StoreError) -> Self {
        match err {
            StoreError::Busy | StoreError::Unavailable(_) => AppError::Unavailable(err.to_string()),
            other => AppError::Internal(other.into()),
        }
    }
}

impl From<RelayDown> for AppError {
    fn from(err: RelayDown) -> Self {
        AppError::Unavailable(err.to_string())
    }
}

impl From<PublishError> for AppError {
    fn from(err: PublishError) -> Self {
        match err {
            PublishError::Store(err) => err.into(),
            PublishError::Relay(err) => err.into(),
        }
    }
}

impl From<AddPostError> for AppError {
    fn from(err: AddPostError) -> Self {
        match err {
            AddPostError::Invalid(fields) => AppError::Validation(fields),
            AddPostError::Store(err) => err.into(),
        }
    }
}

impl From<QueryRejection> for AppError {
    fn from(rejection: QueryRejection) -> Self {
        AppError::BadRequest(rejection.body_text())
    }
}

impl From<PathRejection> for AppError {
    fn from(rejection: PathRejection) -> Self {
        AppError::BadRequest(rejection.body_text())
    }
}

/// Gives error responses that are not JSON yet the `{"error": …}` shape,
/// keeping status and headers (e.g. `Allow` on 405). Plain-text bodies from
/// axum rejections are kept as the message; empty ones get plain words.
///
/// A hand-written layer (not `middleware::map_response`): successful
/// responses, nearly all of them, pass through without an allocation.
#[derive(Debug, Clone, Copy)]
pub struct JsonErrorsLayer {
    /// For the 413 message.
    pub max_body_bytes: usize,
}

impl<S> Layer<S> for JsonErrorsLayer {
    type Service = JsonErrors<S>;

    fn layer(&self, inner: S) -> JsonErrors<S> {
        JsonErrors {
            inner,
            max_body_bytes: self.max_body_bytes,
        }
    }
}

#[derive(Debug, Clone)]
pub struct JsonErrors<S> {
    inner: S,
    max_body_bytes: usize,
}

impl<S> Service<Request> for JsonErrors<S>
where
    S: Service<Request, Response = Response, Error = Infallible>,
    S::Future: Send + 'static,
{
    type Response = Response;
    type Error = Infallible;
    type Future = JsonErrorsFuture<S::Future>;

    fn poll_ready(&mut self, cx: &mut Context<'_>) -> Poll<Result<(), Infallible>> {
        self.inner.poll_ready(cx)
    }

    fn call(&mut self, request: Request) -> Self::Future {
        JsonErrorsFuture {
            inner: self.inner.call(request),
            max_body_bytes: self.max_body_bytes,
            rewriting: None,
        }
    }
}

pin_project! {
    /// The inner response, or — only for a non-JSON error — the rewrite of it.
    pub struct JsonErrorsFuture<F> {
        #[pin]
        inner: F,
        max_body_bytes: usize,
        rewriting: Option<BoxFuture<'static, Response>>,
    }
}

impl<F> Future for JsonErrorsFuture<F>
where
    F: Future<Output = Result<Response, Infallible>>,
{
    type Output = Result<Response, Infallible>;

    fn poll(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Self::Output> {
        let this = self.project();
        if let Some(rewriting) = this.rewriting.as_mut() {
            return rewriting.as_mut().poll(cx).map(Ok);
        }
        let Ok(response) = ready!(this.inner.poll(cx));
        if !needs_json_body(&response) {
            return Poll::Ready(Ok(response));
        }
        let mut rewriting = Box::pin(to_json_error(response, *this.max_body_bytes));
        let poll = rewriting.as_mut().poll(cx);
        *this.rewriting = Some(rewriting);
        poll.map(Ok)
    }
}

fn needs_json_body(response: &Response) -> bool {
    let status = response.status();
    (status.is_client_error() || status.is_server_error())
        && !response
            .headers()
            .get(header::CONTENT_TYPE)
            .and_then(|v| v.to_str().ok())
            .is_some_and(|ct| ct.contains("json"))
}

async fn to_json_error(response: Response, max_body_bytes: usize) -> Response {
    let status = response.status();
    let is_text = response
        .headers()
        .get(header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .is_some_and(|ct| ct.starts_with("text/plain"));
    let (mut parts, body) = response.into_parts();
    let text = if is_text && !parts.headers.contains_key(header::CONTENT_ENCODING) {
        axum::body::to_bytes(body, 4096)
            .await
            .ok()
            .and_then(|b| String::from_utf8(b.to_vec()).ok())
            .unwrap_or_default()
    } else {
        String::new()
    };
    let message = match status {
        StatusCode::PAYLOAD_TOO_LARGE => {
            format!("request body too large (limit {max_body_bytes} bytes)")
        }
        StatusCode::REQUEST_TIMEOUT => "request timed out".to_owned(),
        StatusCode::METHOD_NOT_ALLOWED => "method not allowed".to_owned(),
        StatusCode::NOT_FOUND if text.trim().is_empty() => "not found".to_owned(),
        _ if !text.trim().is_empty() => text.trim().to_owned(),
        _ => status
            .canonical_reason()
            .unwrap_or("error")
            .to_ascii_lowercase(),
    };
    parts.headers.remove(header::CONTENT_LENGTH);
    parts.headers.remove(header::CONTENT_ENCODING);
    parts.headers.insert(
        header::CONTENT_TYPE,
        HeaderValue::from_static("application/json"),
    );
    let body = serde_json::to_vec(&json!({ "error": message })).unwrap_or_default();
    Response::from_parts(parts, Body::from(body))
}
