//! Request and response plumbing for the REST handlers: bodies that may be
//! JSON or form-encoded (what an Ajax `fetch` and a plain `<form>` send),
//! typed field extraction that names each wrong field, and ETag handling.

use std::hash::{DefaultHasher, Hasher};

use axum::body::Bytes;
use axum::extract::FromRequestParts;
use axum::http::request::Parts;
use axum::http::{header, HeaderMap, HeaderValue, StatusCode};
use axum::response::{IntoResponse, Response};
use serde_json::{Map, Value};

use crate::error::AppError;
use crate::model::FieldErrors;

/// The fields of a submitted object, from either encoding.
#[derive(Debug, Default)]
pub struct Fields {
    map: Map<String, Value>,
    errors: FieldErrors,
}

impl Fields {
    /// Parses the body according to its `Content-Type`: JSON (`application/json`
    /// or any `+json` type) or `application/x-www-form-urlencoded`; 415 otherwise.
    pub fn parse(headers: &HeaderMap, body: &Bytes) -> Result<Fields, AppError> {
        let content_type = headers
            .get(header::CONTENT_TYPE)
            .and_then(|v| v.to_str().ok())
            .unwrap_or("");
        let essence = content_type
            .split(';')
            .next()
            .unwrap_or("")
            .trim()
            .to_ascii_lowercase();
        let map = if essence == "application/json" || essence.ends_with("+json") {
            match serde_json::from_slice::<Value>(body) {
                Ok(Value::Object(map)) => map,
                Ok(other) => {
                    return Err(AppError::BadRequest(format!(
                        "expected a JSON object, got {}",
                        type_name(&other)
                    )))
                }
                Err(err) => return Err(AppError::BadRequest(format!("malformed JSON: {err}"))),
            }
        } else if essence == "application/x-www-form-urlencoded" {
            form_to_map(body)
        } else {
            let got = if content_type.is_empty() {
                "no Content-Type"
            } else {
                content_type
            };
            return Err(AppError::UnsupportedMediaType(format!(
                "expected Content-Type application/json or application/x-www-form-urlencoded, got {got}"
            )));
        };
        Ok(Fields {
            map,
            errors: FieldErrors::new(),
        })
    }

    /// A string field; missing or `null` reads as empty so length validation
    /// reports it, any other type is recorded as an error for that field.
    pub fn string(&mut self, name: &str) -> String {
        match self.map.get(name) {
            None | Some(Value::Null) => String::new(),
            Some(Value::String(s)) => s.clone(),
            Some(other) => {
                self.errors.insert(
                    name.into(),
                    format!("must be a string, not {}", type_name(other)),
                );
                String::new()
            }
        }
    }

    /// A list of strings. Forms send repeated `tags=` fields or one
    /// comma-separated value; both arrive here as a JSON array.
    pub fn string_list(&mut self, name: &str) -> Vec<String> {
        match self.map.get(name) {
            None | Some(Value::Null) => Vec::new(),
            Some(Value::Array(items)) if items.iter().all(Value::is_string) => items
                .iter()
                .filter_map(|v| v.as_str().map(str::to_owned))
                .collect(),
            Some(other) => {
                let what = match other {
                    Value::Array(_) => "a list with non-string items".to_owned(),
                    other => type_name(other).to_owned(),
                };
                self.errors.insert(
                    name.into(),
                    format!("must be a list of strings, not {what}"),
                );
                Vec::new()
            }
        }
    }

    /// Type errors collected so far; they take precedence over length errors
    /// for the same field, since "must be a string" is the real problem.
    pub fn into_errors(self) -> FieldErrors {
        self.errors
    }
}

fn form_to_map(body: &[u8]) -> Map<String, Value> {
    let mut map = Map::new();
    let mut tags = Vec::new();
    for (key, value) in form_urlencoded::parse(body) {
        if key == "tags" || key == "tags[]" {
            tags.extend(
                value
                    .split(',')
                    .map(str::trim)
                    .filter(|t| !t.is_empty())
                    .map(|t| Value::String(t.to_owned())),
            );
        } else {
            map.insert(key.into_owned(), Value::String(value.into_owned()));
        }
    }
    if !tags.is_empty() {
        map.insert("tags".into(), Value::Array(tags));
    }
    map
}

fn type_name(value: &Value) -> &'static str {
    match value {
        Value::Null => "null",
        Value::Bool(_) => "a boolean",
        Value::Number(_) => "a number",
        Value::String(_) => "a string",
        Value::Array(_) => "an array",
        Value::Object(_) => "an object",
    }
}

/// Merges type errors over validation errors.
pub fn merge_errors(mut validation: FieldErrors, types: FieldErrors) -> FieldErrors {
    validation.extend(types);
    validation
}

/// A weak ETag of a JSON body. Weak because compression may re-encode the
/// bytes; the JSON is what the tag vouches for.
pub fn etag_for(body: &[u8]) -> HeaderValue {
    let mut hasher = DefaultHasher::new();
    hasher.write(body);
    HeaderValue::from_str(&format!("W/\"{:016x}\"", hasher.finish()))
        .expect("hex ETag is a valid header value")
}

/// The request's `If-None-Match` values; extracting just these (instead of
/// cloning the whole `HeaderMap`) keeps the cached read path allocation-free.
#[derive(Debug, Default)]
pub struct IfNoneMatch(Vec<HeaderValue>);

impl<S: Send + Sync> FromRequestParts<S> for IfNoneMatch {
    type Rejection = std::convert::Infallible;

    async fn from_request_parts(parts: &mut Parts, _state: &S) -> Result<Self, Self::Rejection> {
        Ok(IfNoneMatch(
            parts
                .headers
                .get_all(header::IF_NONE_MATCH)
                .iter()
                .cloned()
                .collect(),
        ))
    }
}

impl IfNoneMatch {
    /// Weak comparison (RFC 9110 §13.1.2): `W/` prefixes are ignored; `*` matches.
    fn hits(&self, etag: &str) -> bool {
        let ours = etag.trim_start_matches("W/");
        self.0
            .iter()
            .filter_map(|v| v.to_str().ok())
            .flat_map(|v| v.split(','))
            .map(str::trim)
            .any(|tag| tag == "*" || tag.trim_start_matches("W/") == ours)
    }
}

/// A JSON 200 with its ETag, or an empty 304 when the client's
/// `If-None-Match` already has it.
pub fn json_with_etag(if_none_match: &IfNoneMatch, body: Bytes, etag: HeaderValue) -> Response {
    // no-cache: the browser may keep it but must revalidate, which is cheap.
    let cache = HeaderValue::from_static("no-cache");
    if if_none_match.hits(etag.to_str().unwrap_or_default()) {
        return (
            StatusCode::NOT_MODIFIED,
            [(header::ETAG, etag), (header::CACHE_CONTROL, cache)],
        )
            .into_response();
    }
    (
        StatusCode::OK,
        [
            (
                header::CONTENT_TYPE,
                HeaderValue::from_static("application/json"),
            ),
            (header::ETAG, etag),
            (header::CACHE_CONTROL, cache),
        ],
        body,
    )
        .into_response()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn headers(content_type: &str) -> HeaderMap {
        let mut h = HeaderMap::new();
        h.insert(
            header::CONTENT_TYPE,
            HeaderValue::from_str(content_type).unwrap(),
        );
        h
    }

    #[test]
    fn forms_and_json_give_the_same_fields() {
        let mut form = Fields::parse(
            &headers("application/x-www-form-urlencoded"),
            &Bytes::from("author=Ann&title=Hi+there&tags=a,+b&tags=c"),
        )
        .unwrap();
        assert_eq!(form.string("title"), "Hi there");
        assert_eq!(form.string_list("tags"), ["a", "b", "c"]);
        let mut json = Fields::parse(
            &headers("application/json; charset=utf-8"),
            &Bytes::from(r#"{"title":"Hi there","tags":["a","b","c"]}"#),
        )
        .unwrap();
        assert_eq!(json.string("title"), "Hi there");
        assert_eq!(json.string_list("tags"), ["a", "b", "c"]);
    }

    #[test]
    fn wrong_types_are_named() {
        let mut f = Fields::parse(
            &headers("application/json"),
            &Bytes::from(r#"{"title":5,"tags":[1]}"#),
        )
        .unwrap();
        f.string("title");
        f.string_list("tags");
        let errors = f.into_errors();
        assert_eq!(errors["title"], "must be a string, not a number");
        assert_eq!(
            errors["tags"],
            "must be a list of strings, not a list with non-string items"
        );
    }

    #[test]
    fn bad_bodies_and_types_are_refused() {
        let err = Fields::parse(&headers("application/json"), &Bytes::from("{oops")).unwrap_err();
        assert!(
            matches!(err, AppError::BadRequest(ref m) if m.starts_with("malformed JSON: key must be a string")),
            "{err:?}"
        );
        let err = Fields::parse(&headers("text/plain"), &Bytes::from("hi")).unwrap_err();
        assert!(matches!(err, AppError::UnsupportedMediaType(_)));
        let err = Fields::parse(&HeaderMap::new(), &Bytes::from("hi")).unwrap_err();
        assert!(
            matches!(err, AppError::UnsupportedMediaType(ref m) if m.ends_with("no Content-Type"))
        );
    }

    #[test]
    fn etags_match_weakly_and_in_lists() {
        let inm = IfNoneMatch(vec![HeaderValue::from_static("\"x\", \"abc\"")]);
        assert!(inm.hits("W/\"abc\""));
        assert!(!inm.hits("W/\"abd\""));
        assert!(IfNoneMatch(vec![HeaderValue::from_static("*")]).hits("W/\"q\""));
        assert!(!IfNoneMatch::default().hits("W/\"q\""));
    }
}
