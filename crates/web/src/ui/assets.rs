//! The front-end assets, embedded in the binary at build time from `assets/dist` (built from the
//! npm lock file by `cargo xtask assets`), so a deployment is one file.

use axum::extract::Path;
use axum::http::{HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};

/// (file name, content type, bytes).
const ASSETS: &[(&str, &str, &[u8])] = &[
    (
        "app.css",
        "text/css; charset=utf-8",
        include_bytes!("../../assets/dist/app.css"),
    ),
    (
        "govuk-frontend.min.js",
        "text/javascript; charset=utf-8",
        include_bytes!("../../assets/dist/govuk-frontend.min.js"),
    ),
    (
        "init.mjs",
        "text/javascript; charset=utf-8",
        include_bytes!("../../assets/dist/init.mjs"),
    ),
    (
        "js-enabled.js",
        "text/javascript; charset=utf-8",
        include_bytes!("../../assets/dist/js-enabled.js"),
    ),
    (
        "favicon.svg",
        "image/svg+xml",
        include_bytes!("../../assets/dist/favicon.svg"),
    ),
];

/// Serves one embedded asset (cacheable for an hour: nothing personal in it).
pub(crate) async fn asset(Path(file): Path<String>) -> Response {
    let Some((_, content_type, bytes)) = ASSETS.iter().find(|(name, _, _)| *name == file) else {
        return (StatusCode::NOT_FOUND, "no such asset").into_response();
    };
    let mut response = (*bytes).into_response();
    let headers = response.headers_mut();
    headers.insert(header::CONTENT_TYPE, HeaderValue::from_static(content_type));
    headers.insert(
        header::CACHE_CONTROL,
        HeaderValue::from_static("public, max-age=3600"),
    );
    response
}
