//! GraphQL over HTTP (POST, and GET for queries) following the
//! GraphQL-over-HTTP spec, subscriptions over WebSocket
//! (`graphql-transport-ws`, plus the legacy `graphql-ws`), and the explorer
//! page at `GET /graphql`.
//!
//! Status codes, per the spec's `application/graphql-response+json` rules:
//! a request that can't be parsed as GraphQL-over-HTTP (bad JSON, wrong
//! Content-Type) is 400/415 in either media type; a document that fails to
//! parse or validate (syntax, unknown field, too deep, too complex) is 400
//! with `application/graphql-response+json` but 200 with legacy
//! `application/json`; field errors during execution are always 200.
//! We compute our own status instead of using async-graphql-axum's
//! `GraphQLResponse`, which always answers 200.

use async_graphql::http::ALL_WEBSOCKET_PROTOCOLS;
use async_graphql::parser::types::{DocumentOperations, OperationType};
use async_graphql::{Request as GqlRequest, ServerError, Variables};
use async_graphql_axum::{GraphQLProtocol, GraphQLWebSocket};
use axum::body::Bytes;
use axum::extract::rejection::BytesRejection;
use axum::extract::ws::{CloseFrame, Message, WebSocketUpgrade};
use axum::extract::{FromRequestParts, Request, State};
use axum::http::{header, HeaderMap, HeaderValue, StatusCode};
use axum::response::{Html, IntoResponse, Response};
use axum::routing::get;
use axum::Router;
use futures_util::{SinkExt, StreamExt};
use serde_json::json;

use super::introspection::is_introspection_only;
use super::schema::ClientAddr;
use crate::error::AppError;
use crate::layers::{api_stack, check_ws_origin, ClientIp};
use crate::state::AppState;

const EXPLORER: &str = include_str!("explorer.html");
const GRAPHQL_RESPONSE: &str = "application/graphql-response+json; charset=utf-8";
const LEGACY_JSON: &str = "application/json; charset=utf-8";
/// Subscription documents and their variables are small; this is generous.
const MAX_WS_MESSAGE: usize = 64 * 1024;

pub fn router(state: &AppState) -> Router<AppState> {
    // GET /graphql also carries the WebSocket upgrade; the API stack leaves
    // it alone (no body to limit or compress, and the delay knob is POST-only).
    let http = api_stack(
        Router::new().route("/graphql", get(graphql_get).post(graphql_post)),
        state,
    );
    http.merge(Router::new().route("/graphql/ws", get(graphql_ws)))
}

/// Which media type the client asked the answer in.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Media {
    GraphqlResponse,
    LegacyJson,
}

impl Media {
    fn content_type(self) -> &'static str {
        match self {
            Media::GraphqlResponse => GRAPHQL_RESPONSE,
            Media::LegacyJson => LEGACY_JSON,
        }
    }
}

/// Picks the response media type from `Accept`. No header means legacy
/// JSON, as the spec asks for compatibility with older clients; `*/*` (what
/// `fetch` sends) gets the new type. `None` means nothing we can produce (406).
fn negotiate(headers: &HeaderMap) -> Option<Media> {
    let Some(accept) = headers.get(header::ACCEPT).and_then(|v| v.to_str().ok()) else {
        return Some(Media::LegacyJson);
    };
    let mut best: Option<(Media, f32)> = None;
    for range in accept.split(',') {
        let mut parts = range.split(';');
        let essence = parts.next().unwrap_or("").trim().to_ascii_lowercase();
        let q = parts
            .filter_map(|p| p.trim().strip_prefix("q="))
            .find_map(|q| q.trim().parse::<f32>().ok())
            .unwrap_or(1.0);
        let media = match essence.as_str() {
            "application/graphql-response+json" | "application/*" | "*/*" => Media::GraphqlResponse,
            "application/json" => Media::LegacyJson,
            _ => continue,
        };
        // Ties go to the newer type; an explicit application/json at a
        // higher q still wins.
        let better = match best {
            None => true,
            Some((current, best_q)) => {
                q > best_q || (q == best_q && media == Media::GraphqlResponse && current != media)
            }
        };
        if q > 0.0 && better {
            best = Some((media, q));
        }
    }
    best.map(|(media, _)| media)
}

/// A GraphQL-shaped error answer (`{"errors":[{"message":…}]}`) for
/// requests that never reached the schema.
fn request_error(status: StatusCode, media: Media, message: impl Into<String>) -> Response {
    let body = json!({ "errors": [{ "message": message.into() }] });
    (
        status,
        [(header::CONTENT_TYPE, media.content_type())],
        body.to_string(),
    )
        .into_response()
}

async fn graphql_post(
    State(state): State<AppState>,
    client: ClientIp,
    headers: HeaderMap,
    body: Result<Bytes, BytesRejection>,
) -> Response {
    let Some(media) = negotiate(&headers) else {
        return request_error(
            StatusCode::NOT_ACCEPTABLE,
            Media::LegacyJson,
            "Accept must allow application/graphql-response+json or application/json",
        );
    };
    let content_type = headers
        .get(header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .unwrap_or("");
    let essence = content_type.split(';').next().unwrap_or("").trim();
    if !essence.eq_ignore_ascii_case("application/json") {
        return request_error(
            StatusCode::UNSUPPORTED_MEDIA_TYPE,
            media,
            format!("POST a JSON body with Content-Type application/json, not {content_type:?}"),
        );
    }
    let body = match body {
        Ok(body) => body,
        Err(rejection) if rejection.status() == StatusCode::PAYLOAD_TOO_LARGE => {
            let limit = state.config().limits.max_body_bytes;
            return request_error(
                rejection.status(),
                media,
                format!("request body too large (limit {limit} bytes)"),
            );
        }
        Err(rejection) => return request_error(rejection.status(), media, rejection.body_text()),
    };
    let request: GqlRequest = match serde_json::from_slice(&body) {
        Ok(request) => request,
        Err(err) => {
            return request_error(
                StatusCode::BAD_REQUEST,
                media,
                format!("malformed GraphQL request body: {err}"),
            )
        }
    };
    execute(&state, request, client, media, false).await
}

#[derive(Debug, Default)]
struct GetParams {
    query: Option<String>,
    operation_name: Option<String>,
    /// JSON-encoded, as the spec prescribes for GET.
    variables: Option<String>,
}

async fn graphql_get(
    State(state): State<AppState>,
    client: ClientIp,
    request: Request,
) -> Response {
    let (mut parts, _) = request.into_parts();
    if is_websocket_upgrade(&parts.headers) {
        return upgrade_subscriptions(&state, &mut parts)
            .await
            .unwrap_or_else(IntoResponse::into_response);
    }
    let params = get_params(parts.uri.query().unwrap_or(""));
    let Some(query) = params.query else {
        // No query: a person opened /graphql in a browser.
        return ([(header::CACHE_CONTROL, "no-cache")], Html(EXPLORER)).into_response();
    };
    let Some(media) = negotiate(&parts.headers) else {
        return request_error(
            StatusCode::NOT_ACCEPTABLE,
            Media::LegacyJson,
            "Accept must allow application/graphql-response+json or application/json",
        );
    };
    let variables = match params
        .variables
        .as_deref()
        .map(serde_json::from_str::<serde_json::Value>)
    {
        None => Variables::default(),
        Some(Ok(value)) => Variables::from_json(value),
        Some(Err(err)) => {
            return request_error(
                StatusCode::BAD_REQUEST,
                media,
                format!("variables must be JSON: {err}"),
            )
        }
    };
    let mut request = GqlRequest::new(query).variables(variables);
    if let Some(name) = params.operation_name {
        request = request.operation_name(name);
    }
    execute(&state, request, client, media, true).await
}

fn get_params(query: &str) -> GetParams {
    let mut params = GetParams::default();
    for (key, value) in form_urlencoded::parse(query.as_bytes()) {
        match key.as_ref() {
            "query" => params.query = Some(value.into_owned()),
            "operationName" => params.operation_name = Some(value.into_owned()),
            "variables" => params.variables = Some(value.into_owned()),
            _ => {}
        }
    }
    params
}

/// Runs a request and maps the outcome to a status code.
async fn execute(
    state: &AppState,
    mut request: GqlRequest,
    client: ClientIp,
    media: Media,
    via_get: bool,
) -> Response {
    request = request.data(ClientAddr(client.0));
    let operation_name = request.operation_name.clone();
    let operation_name = operation_name.as_deref();
    let introspection = match request.parsed_query() {
        Ok(doc) => {
            // GET must not change state (spec: mutations over GET are 405).
            if via_get && operation_type(doc, operation_name) == Some(OperationType::Mutation) {
                let mut response = request_error(
                    StatusCode::METHOD_NOT_ALLOWED,
                    media,
                    "mutations must be sent with POST",
                );
                response
                    .headers_mut()
                    .insert(header::ALLOW, HeaderValue::from_static("POST"));
                return response;
            }
            is_introspection_only(doc, operation_name)
        }
        Err(error) => return graphql_errors(StatusCode::BAD_REQUEST, media, vec![error]),
    };
    let schemas = state.schemas();
    let response = if introspection {
        schemas
            .introspection
            .execute(request.only_introspection())
            .await
    } else {
        schemas.main.execute(request).await
    };
    // Errors raised before execution (validation, limits, unknown
    // operation) carry no path, and leave no data.
    let is_request_error = response.data == async_graphql::Value::Null
        && !response.errors.is_empty()
        && response.errors.iter().all(|e| e.path.is_empty());
    if is_request_error {
        return graphql_errors(StatusCode::BAD_REQUEST, media, response.errors);
    }
    let limit = state.config().limits.graphql_max_response_bytes;
    match to_json_within(&response, limit) {
        Ok(body) => (
            StatusCode::OK,
            [(header::CONTENT_TYPE, media.content_type())],
            body,
        )
            .into_response(),
        Err(None) => {
            tracing::warn!(limit, "GraphQL response over the size limit");
            let error = ServerError::new(
                format!("the response would be larger than {limit} bytes; ask for less"),
                None,
            );
            graphql_errors(StatusCode::INTERNAL_SERVER_ERROR, media, vec![error])
        }
        Err(Some(err)) => AppError::Internal(err.into()).into_response(),
    }
}

/// Serialises `value`, giving up (`Err(None)`) as soon as it passes `limit` bytes, so an
/// oversized answer never takes more memory than the limit.
fn to_json_within(
    value: &impl serde::Serialize,
    limit: usize,
) -> Result<Vec<u8>, Option<serde_json::Error>> {
    struct Bounded(Vec<u8>, usize);
    impl std::io::Write for Bounded {
        fn write(&mut self, buf: &[u8]) -> std::io::Result<usize> {
            if self.0.len() + buf.len() > self.1 {
                return Err(std::io::ErrorKind::FileTooLarge.into());
            }
            self.0.extend_from_slice(buf);
            Ok(buf.len())
        }
        fn flush(&mut self) -> std::io::Result<()> {
            Ok(())
        }
    }
    let mut out = Bounded(Vec::new(), limit);
    match serde_json::to_writer(&mut out, value) {
        Ok(()) => Ok(out.0),
        Err(err) if err.io_error_kind() == Some(std::io::ErrorKind::FileTooLarge) => Err(None),
        Err(err) => Err(Some(err)),
    }
}

/// A request error: no `data` key; 400 for the new media type, 200 for legacy JSON.
fn graphql_errors(status: StatusCode, media: Media, errors: Vec<ServerError>) -> Response {
    let status = if media == Media::GraphqlResponse {
        status
    } else {
        StatusCode::OK
    };
    let body = json!({ "errors": errors }).to_string();
    (status, [(header::CONTENT_TYPE, media.content_type())], body).into_response()
}

fn operation_type(
    doc: &async_graphql::parser::types::ExecutableDocument,
    name: Option<&str>,
) -> Option<OperationType> {
    match (&doc.operations, name) {
        (DocumentOperations::Single(op), _) => Some(op.node.ty),
        (DocumentOperations::Multiple(ops), Some(name)) => ops.get(name).map(|op| op.node.ty),
        (DocumentOperations::Multiple(ops), None) if ops.len() == 1 => {
            ops.values().next().map(|op| op.node.ty)
        }
        _ => None,
    }
}

fn is_websocket_upgrade(headers: &HeaderMap) -> bool {
    headers
        .get(header::UPGRADE)
        .and_then(|v| v.to_str().ok())
        .is_some_and(|v| v.eq_ignore_ascii_case("websocket"))
}

async fn graphql_ws(State(state): State<AppState>, request: Request) -> Response {
    let (mut parts, _) = request.into_parts();
    upgrade_subscriptions(&state, &mut parts)
        .await
        .unwrap_or_else(IntoResponse::into_response)
}

async fn upgrade_subscriptions(
    state: &AppState,
    parts: &mut axum::http::request::Parts,
) -> Result<Response, Response> {
    check_ws_origin(state, &parts.headers).map_err(IntoResponse::into_response)?;
    let upgrade = WebSocketUpgrade::from_request_parts(parts, state)
        .await
        .map_err(IntoResponse::into_response)?;
    let protocol = GraphQLProtocol::from_request_parts(parts, state)
        .await
        .map_err(|_| {
            AppError::BadRequest(
                "set Sec-WebSocket-Protocol to graphql-transport-ws (or the legacy graphql-ws)"
                    .into(),
            )
            .into_response()
        })?;
    if state.is_shutting_down() {
        return Err(AppError::Unavailable("the server is shutting down".into()).into_response());
    }
    let slot = state.try_websocket_slot().ok_or_else(|| {
        AppError::Unavailable("too many WebSocket connections, try again later".into())
            .into_response()
    })?;
    let schema = state.schemas().main.clone();
    let shutdown = state.shutdown_token();
    let tasks = state.tasks().clone();
    Ok(upgrade
        .protocols(ALL_WEBSOCKET_PROTOCOLS)
        .max_message_size(MAX_WS_MESSAGE)
        .max_frame_size(MAX_WS_MESSAGE)
        .on_upgrade(move |socket| {
            tasks.track_future(async move {
                let (mut sink, stream) = socket.split();
                // Ending the input stream on shutdown makes async-graphql stop
                // every subscription and return; then we say goodbye with 1001.
                let stream = stream.take_until(shutdown.clone().cancelled_owned());
                GraphQLWebSocket::new_with_pair(&mut sink, stream, schema, protocol)
                    .serve()
                    .await;
                if shutdown.is_cancelled() {
                    let frame = CloseFrame {
                        code: 1001,
                        reason: "server shutting down".into(),
                    };
                    let _ = sink.send(Message::Close(Some(frame))).await;
                }
                drop(slot);
            })
        }))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn accept(value: &str) -> Option<Media> {
        let mut headers = HeaderMap::new();
        headers.insert(header::ACCEPT, HeaderValue::from_str(value).unwrap());
        negotiate(&headers)
    }

    #[test]
    fn accept_negotiation_follows_the_spec() {
        assert_eq!(negotiate(&HeaderMap::new()), Some(Media::LegacyJson));
        assert_eq!(accept("*/*"), Some(Media::GraphqlResponse));
        assert_eq!(accept("application/json"), Some(Media::LegacyJson));
        assert_eq!(
            accept("application/graphql-response+json, application/json;q=0.9"),
            Some(Media::GraphqlResponse)
        );
        assert_eq!(
            accept("application/json, application/graphql-response+json;q=0.5"),
            Some(Media::LegacyJson)
        );
        assert_eq!(accept("text/html"), None);
        assert_eq!(accept("application/json;q=0"), None);
    }
}
