//! Middleware shared by the routers: the request/response stack for `/api`
//! and `/graphql` (tower-http body limit, timeout, compression), CORS,
//! request tracing, the `?delay_ms=` latency knob, and small request helpers.

use std::net::{IpAddr, SocketAddr};
use std::time::Duration;

use std::convert::Infallible;
use std::task::{Context, Poll};

use axum::extract::{ConnectInfo, FromRequestParts};
use axum::http::request::Parts;
use axum::http::{header, HeaderMap, HeaderName, HeaderValue, Method, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::Router;
use futures_util::future::{BoxFuture, Either};
use tower::{Layer, Service, ServiceBuilder};
use tower_http::classify::{ServerErrorsAsFailures, SharedClassifier};
use tower_http::compression::CompressionLayer;
use tower_http::cors::{AllowOrigin, CorsLayer};
use tower_http::limit::RequestBodyLimitLayer;
use tower_http::timeout::TimeoutLayer;
use tower_http::trace::{DefaultMakeSpan, DefaultOnResponse, TraceLayer};
use tracing::Level;

use crate::error::AppError;
use crate::state::AppState;

/// Header telling a widget how long the server deliberately waited.
pub const DELAY_HEADER: &str = "x-delay-ms";

/// Wraps a router serving short request/response exchanges. From the
/// outside in: gzip compression (when accepted), the body limit (413), the
/// request timeout (408), then the `delay_ms` knob — inside the timeout, so
/// the cap keeps a delayed request well under it. The plain-text errors these
/// layers produce are too short to be compressed, so the app-wide
/// [`JsonErrorsLayer`](crate::error::JsonErrorsLayer) can still rewrite them.
pub fn api_stack(router: Router<AppState>, state: &AppState) -> Router<AppState> {
    let limits = &state.config().limits;
    // One `Router::layer` call with the whole stack: axum boxes and clones
    // each layered route per request, so four calls would cost four times.
    router.layer(
        ServiceBuilder::new()
            .layer(CompressionLayer::new())
            .layer(RequestBodyLimitLayer::new(limits.max_body_bytes))
            .layer(TimeoutLayer::with_status_code(
                StatusCode::REQUEST_TIMEOUT,
                limits.request_timeout,
            ))
            .layer(DelayLayer {
                cap: limits.max_delay,
            }),
    )
}

/// CORS for the loopback defaults plus every configured origin. Credentials
/// are never allowed: the API uses bearer tokens, not cookies.
pub fn cors(state: &AppState) -> CorsLayer {
    let state = state.clone();
    CorsLayer::new()
        .allow_origin(AllowOrigin::predicate(move |origin: &HeaderValue, _| {
            origin.to_str().is_ok_and(|o| state.origin_allowed(o))
        }))
        .allow_methods([Method::GET, Method::POST, Method::DELETE, Method::OPTIONS])
        .allow_headers([
            header::CONTENT_TYPE,
            header::AUTHORIZATION,
            header::IF_NONE_MATCH,
            header::ACCEPT,
            HeaderName::from_static("last-event-id"),
        ])
        .expose_headers([
            header::ETAG,
            header::LOCATION,
            header::RETRY_AFTER,
            HeaderName::from_static(DELAY_HEADER),
        ])
        .max_age(Duration::from_secs(3600))
}

/// One INFO line per request with method, path, status and latency.
pub fn trace() -> TraceLayer<SharedClassifier<ServerErrorsAsFailures>> {
    TraceLayer::new_for_http()
        .make_span_with(DefaultMakeSpan::new().level(Level::INFO))
        .on_response(DefaultOnResponse::new().level(Level::INFO))
}

/// Sleeps for `?delay_ms=` (capped) before handling the request, so a
/// widget can show a spinner. GraphQL only honours it on POST: GET
/// `/graphql` is the explorer page and the WebSocket upgrade.
///
/// A hand-written layer rather than `middleware::from_fn`: requests without
/// the knob, nearly all of them, go straight through with no allocation.
#[derive(Debug, Clone, Copy)]
struct DelayLayer {
    cap: Duration,
}

impl<S> Layer<S> for DelayLayer {
    type Service = Delay<S>;

    fn layer(&self, inner: S) -> Delay<S> {
        Delay {
            inner,
            cap: self.cap,
        }
    }
}

#[derive(Debug, Clone)]
struct Delay<S> {
    inner: S,
    cap: Duration,
}

// Generic over the body: inside the stack the body is already wrapped by
// the body-limit layer.
impl<S, B> Service<axum::http::Request<B>> for Delay<S>
where
    S: Service<axum::http::Request<B>, Response = Response, Error = Infallible>
        + Clone
        + Send
        + 'static,
    S::Future: Send + 'static,
    B: Send + 'static,
{
    type Response = Response;
    type Error = Infallible;
    type Future = Either<S::Future, BoxFuture<'static, Result<Response, Infallible>>>;

    fn poll_ready(&mut self, cx: &mut Context<'_>) -> Poll<Result<(), Infallible>> {
        self.inner.poll_ready(cx)
    }

    fn call(&mut self, request: axum::http::Request<B>) -> Self::Future {
        let exempt = request.uri().path() == "/graphql" && request.method() != Method::POST;
        let wait = if exempt {
            Ok(None)
        } else {
            parse_delay(request.uri().query(), self.cap)
        };
        match wait {
            Ok(None) => Either::Left(self.inner.call(request)),
            Ok(Some(wait)) => {
                // The service that was polled ready goes into the future; a
                // clone takes its place (tower's usual pattern).
                let clone = self.inner.clone();
                let mut inner = std::mem::replace(&mut self.inner, clone);
                Either::Right(Box::pin(async move {
                    tokio::time::sleep(wait).await;
                    let mut response = inner.call(request).await?;
                    response
                        .headers_mut()
                        .insert(DELAY_HEADER, HeaderValue::from(wait.as_millis() as u64));
                    Ok(response)
                }))
            }
            Err(err) => Either::Right(Box::pin(std::future::ready(Ok(err.into_response())))),
        }
    }
}

fn parse_delay(query: Option<&str>, cap: Duration) -> Result<Option<Duration>, AppError> {
    let Some(query) = query else { return Ok(None) };
    let Some((_, value)) = form_urlencoded::parse(query.as_bytes()).find(|(k, _)| k == "delay_ms")
    else {
        return Ok(None);
    };
    let ms: u64 = value.trim().parse().map_err(|_| {
        AppError::BadRequest(format!(
            "delay_ms must be a whole number of milliseconds (0–{}), not {value:?}",
            cap.as_millis()
        ))
    })?;
    Ok(Some(Duration::from_millis(ms).min(cap)).filter(|d| !d.is_zero()))
}

/// The client's IP when the server was started with `ConnectInfo`
/// (`serve` does; an embedding server might not, then all clients share one
/// rate-limit bucket). Behind a reverse proxy on the same host
/// (`trust_forwarded_for`), the address the proxy appended to
/// `X-Forwarded-For`. Never rejects.
#[derive(Debug, Clone, Copy)]
pub struct ClientIp(pub Option<IpAddr>);

impl FromRequestParts<AppState> for ClientIp {
    type Rejection = std::convert::Infallible;

    async fn from_request_parts(
        parts: &mut Parts,
        state: &AppState,
    ) -> Result<Self, Self::Rejection> {
        let peer = parts
            .extensions
            .get::<ConnectInfo<SocketAddr>>()
            .map(|ConnectInfo(addr)| addr.ip());
        let forwarded = || forwarded_for(&parts.headers);
        Ok(ClientIp(match peer {
            // Only a proxy on this machine is believed; anyone else could
            // send the header to get a fresh rate-limit bucket.
            Some(ip) if ip.is_loopback() && state.config().trust_forwarded_for => {
                forwarded().or(Some(ip))
            }
            other => other,
        }))
    }
}

/// The rightmost `X-Forwarded-For` address: the one the nearest proxy saw,
/// which the client cannot forge (entries to its left it can).
fn forwarded_for(headers: &HeaderMap) -> Option<IpAddr> {
    let last = headers
        .get_all("x-forwarded-for")
        .iter()
        .next_back()?
        .to_str()
        .ok()?
        .rsplit(',')
        .next()?
        .trim();
    last.parse().ok()
}

/// Rejects WebSocket upgrades from browser pages on origins that are not
/// allowed. Browsers don't apply CORS to WebSockets, so without this any site
/// could open a chat socket in a visitor's name. Clients that send no
/// `Origin` (websocat, tests, servers) are not browsers and pass.
pub fn check_ws_origin(state: &AppState, headers: &HeaderMap) -> Result<(), AppError> {
    match headers.get(header::ORIGIN).map(|o| o.to_str()) {
        None => Ok(()),
        Some(Ok(origin)) if state.origin_allowed(origin) => Ok(()),
        Some(origin) => Err(AppError::Forbidden(format!(
            "origin {} may not open WebSockets here; start the server with --allow-origin",
            origin.unwrap_or("(not text)")
        ))),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn delays_are_parsed_and_capped() {
        let cap = Duration::from_millis(5000);
        assert_eq!(parse_delay(None, cap).unwrap(), None);
        assert_eq!(parse_delay(Some("page=2"), cap).unwrap(), None);
        assert_eq!(parse_delay(Some("delay_ms=0"), cap).unwrap(), None);
        assert_eq!(
            parse_delay(Some("a=1&delay_ms=250"), cap).unwrap(),
            Some(Duration::from_millis(250))
        );
        assert_eq!(parse_delay(Some("delay_ms=99999"), cap).unwrap(), Some(cap));
        assert!(parse_delay(Some("delay_ms=soon"), cap).is_err());
        assert!(parse_delay(Some("delay_ms=-5"), cap).is_err());
    }
}
