//! `GET /sse/news`: Server-Sent Events for news and notifications, with
//! `Last-Event-ID` resume, plus the ticker that publishes canned headlines.
//!
//! Publishing happens in [`hub`], the canned headlines in [`ticker`];
//! `POST /api/notify` lives with the REST routes.

pub mod hub;
pub mod ticker;

use std::convert::Infallible;

use axum::body::{Body, Bytes};
use axum::extract::{Query, State};
use axum::http::{header, HeaderMap, HeaderName};
use axum::response::{IntoResponse, Response};
use axum::routing::get;
use axum::Router;
use futures_util::stream::{self, StreamExt};
use serde::Deserialize;
use tokio::time::Instant;
use tokio_stream::wrappers::IntervalStream;

use crate::error::AppError;
use crate::state::AppState;

pub fn router() -> Router<AppState> {
    Router::new().route("/sse/news", get(news))
}

#[derive(Debug, Deserialize)]
struct NewsParams {
    /// For the first connection of a browser `EventSource`, which cannot set
    /// headers; reconnects send the `Last-Event-ID` header instead.
    #[serde(rename = "lastEventId")]
    last_event_id: Option<String>,
}

async fn news(
    State(state): State<AppState>,
    Query(params): Query<NewsParams>,
    headers: HeaderMap,
) -> Result<Response, AppError> {
    if state.is_shutting_down() {
        return Err(AppError::Unavailable("the server is shutting down".into()));
    }
    let slot = state.try_sse_slot().ok_or_else(|| {
        AppError::Unavailable("too many event-stream subscribers, try again later".into())
    })?;
    // The header wins: it is what the browser sends when it resumes. An id
    // that is not a number did not come from us, so it is ignored rather than
    // failing the stream.
    let last_event_id = headers
        .get("last-event-id")
        .and_then(|v| v.to_str().ok())
        .map(str::to_owned)
        .or(params.last_event_id)
        .and_then(|id| id.trim().parse::<u64>().ok());

    let limits = &state.config().limits;
    let retry = Bytes::from(format!("retry: {}\n\n", limits.sse_retry.as_millis()));
    let events = state
        .hub()
        .subscribe(last_event_id)
        .map(|published| published.frame.clone());
    // A comment every interval keeps proxies from timing the stream out. A
    // fixed period instead of axum's idle timer: that one is re-armed on every
    // event, i.e. 5,000 timer updates per event with 5,000 subscribers.
    let period = limits.sse_keep_alive;
    let keep_alive = IntervalStream::new(tokio::time::interval_at(Instant::now() + period, period))
        .map(|_| Bytes::from_static(b": keep-alive\n\n"));
    let frames = stream::once(async move { retry })
        .chain(stream::select(events, keep_alive))
        // Ends the stream (and the response) cleanly on shutdown. The slot is
        // moved in so it is released exactly when the stream is dropped.
        .take_until(state.shutdown_token().cancelled_owned())
        .map(move |frame| {
            let _held = &slot;
            Ok::<_, Infallible>(frame)
        });
    // Hand-rolled rather than axum's `Sse`: each event is rendered once in
    // the hub and every subscriber gets the same bytes, where `Sse` would
    // rebuild an `Event` per subscriber.
    Ok((
        [
            (header::CONTENT_TYPE, "text/event-stream"),
            (header::CACHE_CONTROL, "no-cache"),
            // Reverse proxies such as nginx buffer responses unless told not to.
            (HeaderName::from_static("x-accel-buffering"), "no"),
        ],
        Body::from_stream(frames),
    )
        .into_response())
}
