//! `ApiError`, the one error every handler returns: an RFC 9457 problem document naming the
//! field and the reason. Internals (SQL, paths, backtraces) never reach the body.

use axum::http::{HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};
use oasys_app::AppError;
use oasys_sharing_policy::Reveal;
use serde::Serialize;
use utoipa::ToSchema;

/// The problem document (RFC 9457) every error response carries.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct Problem {
    /// A URI naming the kind of problem.
    #[serde(rename = "type")]
    pub kind: String,
    /// A short summary of the kind of problem.
    pub title: String,
    /// The HTTP status.
    pub status: u16,
    /// What went wrong in this request.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub detail: Option<String>,
    /// The request field at fault (a JSON path such as `command.code`, a header or a parameter).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub field: Option<String>,
    /// Every rule the request broke, in words.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub errors: Vec<String>,
}

/// A failed request, ready to be rendered as a problem document (boxed: results stay small).
#[derive(Debug, Clone)]
pub struct ApiError(Box<Parts>);

#[derive(Debug, Clone)]
struct Parts {
    status: StatusCode,
    slug: &'static str,
    title: &'static str,
    detail: Option<String>,
    field: Option<String>,
    errors: Vec<String>,
    etag: Option<String>,
    version: Option<u64>,
}

impl ApiError {
    /// A problem with a status, a machine slug and a title.
    pub fn new(status: StatusCode, slug: &'static str, title: &'static str) -> Self {
        Self(Box::new(Parts {
            status,
            slug,
            title,
            detail: None,
            field: None,
            errors: Vec::new(),
            etag: None,
            version: None,
        }))
    }

    /// Adds the detail message.
    #[must_use]
    pub fn detail(mut self, detail: impl Into<String>) -> Self {
        self.0.detail = Some(detail.into());
        self
    }

    /// Names the field at fault.
    #[must_use]
    pub fn field(mut self, field: impl Into<String>) -> Self {
        self.0.field = Some(field.into());
        self
    }

    /// Lists every rule the request broke (shown beside the detail).
    #[must_use]
    pub fn with_errors(mut self, errors: impl IntoIterator<Item = String>) -> Self {
        self.0.errors = errors.into_iter().collect();
        self
    }

    /// The HTTP status.
    pub fn status(&self) -> StatusCode {
        self.0.status
    }

    /// 401: no valid session or token, or a failed login (one message for every reason).
    pub fn unauthenticated() -> Self {
        Self::new(
            StatusCode::UNAUTHORIZED,
            "unauthenticated",
            "Authentication required",
        )
    }

    /// 400: the body is not JSON, or a parameter does not parse.
    pub fn bad_request(detail: impl Into<String>) -> Self {
        Self::new(
            StatusCode::BAD_REQUEST,
            "malformed-request",
            "Malformed request",
        )
        .detail(detail)
    }

    /// 422: well-formed, but a field is wrong.
    pub fn unprocessable(field: Option<String>, detail: impl Into<String>) -> Self {
        let error = Self::new(
            StatusCode::UNPROCESSABLE_ENTITY,
            "invalid-request",
            "Invalid request",
        )
        .detail(detail);
        match field {
            Some(f) => error.field(f),
            None => error,
        }
    }

    /// 404 for a route's resource.
    pub fn not_found() -> Self {
        Self::new(StatusCode::NOT_FOUND, "not-found", "Not found")
    }

    /// 500: something failed inside; logged, never explained.
    pub fn internal() -> Self {
        Self::new(
            StatusCode::INTERNAL_SERVER_ERROR,
            "internal",
            "Internal error",
        )
    }
}

impl From<AppError> for ApiError {
    fn from(error: AppError) -> Self {
        match error {
            AppError::Denied(denial) => match denial.reveal {
                Reveal::Existence => Self::new(StatusCode::FORBIDDEN, "forbidden", "Forbidden")
                    .detail(denial.user_message),
                Reveal::Hidden => Self::not_found(),
            },
            AppError::NotFound { what, .. } => Self::not_found().detail(format!("no such {what}")),
            AppError::Conflict {
                reason,
                current_version,
            } => {
                let mut error =
                    Self::new(StatusCode::CONFLICT, "conflict", "Conflict").detail(reason);
                error.0.version = current_version;
                error
            }
            AppError::Invalid(errors) => {
                let mut error = Self::new(
                    StatusCode::UNPROCESSABLE_ENTITY,
                    "rule-broken",
                    "The request breaks a rule",
                )
                .detail(errors.join("; "));
                error.0.errors = errors;
                error
            }
            AppError::JustificationRequired => Self::new(
                StatusCode::FORBIDDEN,
                "justification-required",
                "Justification required",
            )
            .detail(AppError::JustificationRequired.to_string())
            .field("X-Justification"),
            AppError::Gone(message) => {
                Self::new(StatusCode::GONE, "gone", "No longer available").detail(message)
            }
            AppError::Unavailable(message) => {
                tracing::error!(error = %message, "use case unavailable");
                Self::new(
                    StatusCode::SERVICE_UNAVAILABLE,
                    "unavailable",
                    "Service unavailable",
                )
            }
        }
    }
}

impl ApiError {
    /// The title, for the HTML error page.
    pub(crate) fn title(&self) -> &'static str {
        self.0.title
    }

    /// What went wrong, in words: every broken rule, else the detail (for the HTML pages).
    pub(crate) fn messages(&self) -> Vec<String> {
        if self.0.errors.is_empty() {
            self.0.detail.iter().cloned().collect()
        } else {
            self.0.errors.clone()
        }
    }

    /// The version carried by a conflict, if any (used to build an `ETag`).
    pub(crate) fn conflict_version(&self) -> Option<u64> {
        self.0.version
    }

    /// Turns a stale-version conflict into 412 Precondition Failed with the current `ETag`.
    pub(crate) fn precondition_failed(self, etag: String) -> Self {
        let mut error = Self::new(
            StatusCode::PRECONDITION_FAILED,
            "precondition-failed",
            "Precondition failed",
        )
        .detail(self.0.detail.unwrap_or_default())
        .field("If-Match");
        error.0.etag = Some(etag);
        error
    }
}

impl IntoResponse for ApiError {
    fn into_response(self) -> Response {
        if self.0.status.is_server_error() {
            tracing::error!(
                status = self.0.status.as_u16(),
                kind = self.0.slug,
                "request failed"
            );
        }
        let problem = Problem {
            kind: format!("https://oasys.invalid/problems/{}", self.0.slug),
            title: self.0.title.to_owned(),
            status: self.0.status.as_u16(),
            detail: self.0.detail,
            field: self.0.field,
            errors: self.0.errors,
        };
        let body = serde_json::to_vec(&problem).unwrap_or_default();
        let mut response = (self.0.status, body).into_response();
        let headers = response.headers_mut();
        headers.insert(
            header::CONTENT_TYPE,
            HeaderValue::from_static("application/problem+json"),
        );
        if self.0.status == StatusCode::SERVICE_UNAVAILABLE {
            headers.insert(header::RETRY_AFTER, HeaderValue::from_static("1"));
        }
        if let Some(etag) = self.0.etag
            && let Ok(value) = HeaderValue::from_str(&etag)
        {
            headers.insert(header::ETAG, value);
        }
        response
    }
}
