//! Extractors that turn bad input into `ApiError`s naming the field: a strict JSON body
//! (content type, size, syntax, unknown fields, types), query strings, path ids and `If-Match`.

use axum::body::Bytes;
use axum::extract::{FromRequest, FromRequestParts, Request};
use axum::http::request::Parts;
use axum::http::{StatusCode, header};
use serde::de::DeserializeOwned;
use uuid::Uuid;

use crate::error::ApiError;

/// Largest accepted request body (sharing spec R9: 256 KiB).
pub const BODY_LIMIT: usize = 256 * 1024;

/// A JSON body parsed strictly; every failure names the field.
#[derive(Debug, Clone)]
pub struct StrictJson<T>(pub T);

/// Parses JSON text, naming the field of a type error or an unknown field.
pub fn parse_json<T: DeserializeOwned>(bytes: &[u8]) -> Result<T, ApiError> {
    let mut deserializer = serde_json::Deserializer::from_slice(bytes);
    let value: T = serde_path_to_error::deserialize(&mut deserializer).map_err(|error| {
        let path = error.path().to_string();
        let inner = error.into_inner();
        json_error(path, &inner)
    })?;
    deserializer
        .end()
        .map_err(|e| ApiError::bad_request(format!("malformed JSON: {e}")))?;
    Ok(value)
}

fn json_error(path: String, error: &serde_json::Error) -> ApiError {
    use serde_json::error::Category;
    match error.classify() {
        Category::Syntax | Category::Eof | Category::Io => {
            ApiError::bad_request(format!("malformed JSON: {error}"))
        }
        Category::Data => {
            let message = error.to_string();
            let field = unknown_field(&message)
                .map(|name| {
                    if path == "." || path.is_empty() {
                        name.to_owned()
                    } else if path == name || path.ends_with(&format!(".{name}")) {
                        path.clone()
                    } else {
                        // The path names the object holding the unknown key.
                        format!("{path}.{name}")
                    }
                })
                .or_else(|| (path != "." && !path.is_empty()).then_some(path));
            // Drop serde's " at line L column C": the field names the place.
            let reason = message
                .split(" at line ")
                .next()
                .unwrap_or(&message)
                .to_owned();
            ApiError::unprocessable(field, reason)
        }
    }
}

/// Deserializes a parsed JSON value, naming the field of a type error or an unknown field.
pub fn from_value<T: DeserializeOwned>(value: serde_json::Value) -> Result<T, ApiError> {
    serde_path_to_error::deserialize(value).map_err(|error| {
        let path = error.path().to_string();
        let inner = error.into_inner();
        json_error(path, &inner)
    })
}

/// Fills server-made ids into a JSON object (nil UUIDs the use case replaces); a client that
/// sends one is told the server makes it.
pub fn with_server_ids(
    mut value: serde_json::Value,
    keys: &[&str],
) -> Result<serde_json::Value, ApiError> {
    let Some(object) = value.as_object_mut() else {
        return Err(ApiError::unprocessable(
            None,
            "the body must be a JSON object",
        ));
    };
    for key in keys {
        if object.contains_key(*key) {
            return Err(ApiError::unprocessable(
                Some((*key).to_owned()),
                "the server makes this id: leave it out",
            ));
        }
        object.insert(
            (*key).to_owned(),
            serde_json::Value::String(Uuid::nil().to_string()),
        );
    }
    Ok(value)
}

/// The key named by serde's "unknown field `x`, expected …" message.
fn unknown_field(message: &str) -> Option<&str> {
    let rest = message.strip_prefix("unknown field `")?;
    rest.split('`').next()
}

impl<S: Send + Sync, T: DeserializeOwned> FromRequest<S> for StrictJson<T> {
    type Rejection = ApiError;

    async fn from_request(req: Request, state: &S) -> Result<Self, Self::Rejection> {
        let is_json = req
            .headers()
            .get(header::CONTENT_TYPE)
            .and_then(|v| v.to_str().ok())
            .and_then(|v| v.split(';').next())
            .is_some_and(|v| v.trim().eq_ignore_ascii_case("application/json"));
        if !is_json {
            return Err(ApiError::new(
                StatusCode::UNSUPPORTED_MEDIA_TYPE,
                "unsupported-media-type",
                "Unsupported media type",
            )
            .detail("send the body as application/json")
            .field("Content-Type"));
        }
        let bytes = Bytes::from_request(req, state).await.map_err(|rejection| {
            if rejection.status() == StatusCode::PAYLOAD_TOO_LARGE {
                ApiError::new(
                    StatusCode::PAYLOAD_TOO_LARGE,
                    "body-too-large",
                    "Request body too large",
                )
                .detail(format!("the body may be at most {BODY_LIMIT} bytes"))
                .field("body")
            } else {
                ApiError::bad_request("the body could not be read")
            }
        })?;
        parse_json(&bytes).map(StrictJson)
    }
}

/// A query string parsed into `T`; a bad one is a 400 naming the parameter.
#[derive(Debug, Clone)]
pub struct StrictQuery<T>(pub T);

impl<S: Send + Sync, T: DeserializeOwned> FromRequestParts<S> for StrictQuery<T> {
    type Rejection = ApiError;

    async fn from_request_parts(parts: &mut Parts, _state: &S) -> Result<Self, Self::Rejection> {
        axum::extract::Query::<T>::try_from_uri(&parts.uri)
            .map(|q| StrictQuery(q.0))
            .map_err(|rejection| ApiError::bad_request(rejection.body_text()).field("query"))
    }
}

/// Parses an id from the path; not a UUID means there is no such resource.
pub fn path_id(text: &str) -> Result<Uuid, ApiError> {
    Uuid::parse_str(text).map_err(|_| ApiError::not_found().detail("no such record"))
}

/// The strong `ETag` of a versioned resource: `"<id>-<version>"` (sharing spec R1).
pub fn etag(id: Uuid, version: u64) -> String {
    format!("\"{id}-{version}\"")
}

/// A stale-version conflict becomes 412 with the current `ETag`; other errors stay as they are.
pub(crate) fn stale_to_412(error: ApiError, id: Uuid) -> ApiError {
    if error.status() == StatusCode::CONFLICT
        && let Some(current) = error.conflict_version()
    {
        return error.precondition_failed(etag(id, current));
    }
    error
}

/// A JSON response carrying the `ETag` of a versioned resource.
pub(crate) fn json_with_etag<T: serde::Serialize>(
    body: &T,
    id: Uuid,
    version: u64,
    status: axum::http::StatusCode,
) -> axum::response::Response {
    use axum::response::IntoResponse;
    let mut response = (status, axum::Json(body)).into_response();
    if let Ok(value) = axum::http::HeaderValue::from_str(&etag(id, version)) {
        response.headers_mut().insert(header::ETAG, value);
    }
    response
}

/// The version an `If-Match` header names for this resource: 428 when it is missing, 412 when it
/// names another resource or is not one of ours.
pub fn if_match(parts: &axum::http::HeaderMap, id: Uuid) -> Result<u64, ApiError> {
    let Some(value) = parts.get(header::IF_MATCH) else {
        return Err(ApiError::new(
            StatusCode::PRECONDITION_REQUIRED,
            "precondition-required",
            "Precondition required",
        )
        .detail("send If-Match with the ETag of the version you read")
        .field("If-Match"));
    };
    let stale = || {
        ApiError::new(
            StatusCode::PRECONDITION_FAILED,
            "precondition-failed",
            "Precondition failed",
        )
        .detail("If-Match does not name a version of this record")
        .field("If-Match")
    };
    let text = value.to_str().map_err(|_| stale())?.trim();
    let inner = text
        .strip_prefix('"')
        .and_then(|t| t.strip_suffix('"'))
        .ok_or_else(stale)?;
    let prefix = format!("{id}-");
    inner
        .strip_prefix(&prefix)
        .and_then(|v| v.parse::<u64>().ok())
        .ok_or_else(stale)
}
