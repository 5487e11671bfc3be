//! Liveness and readiness: `/health/live` answers while the process runs, `/health/ready` only
//! while the database answers. Bodies reveal nothing (no versions, no database names).

use axum::Json;
use axum::extract::State;
use axum::http::StatusCode;
use oasys_app::{Clock, IdGenerator, Storage};
use serde::Serialize;
use utoipa::ToSchema;

use crate::error::ApiError;
use crate::state::AppState;

/// A health answer.
#[derive(Debug, Serialize, ToSchema)]
pub struct Health {
    /// `ok`.
    pub status: &'static str,
}

/// The process is running.
#[utoipa::path(get, path = "/health/live", tag = "health",
    responses((status = 200, description = "Alive", body = Health)))]
pub async fn live() -> Json<Health> {
    Json(Health { status: "ok" })
}

/// The process can reach its database.
#[utoipa::path(get, path = "/health/ready", tag = "health",
    responses((status = 200, description = "Ready", body = Health),
        (status = 503, description = "The database does not answer", body = crate::error::Problem)))]
pub async fn ready<S, C, I>(
    State(state): State<AppState<S, C, I>>,
) -> Result<Json<Health>, ApiError>
where
    S: Storage + 'static,
    C: Clock + 'static,
    I: IdGenerator + 'static,
{
    state
        .blocking(|app| {
            app.store().case_access(uuid::Uuid::nil()).map_err(|_| {
                ApiError::new(
                    StatusCode::SERVICE_UNAVAILABLE,
                    "unavailable",
                    "Service unavailable",
                )
            })
        })
        .await?;
    Ok(Json(Health { status: "ok" }))
}
