//! Audit routes (administrators and auditors): query the log, stating the purpose in
//! `X-Justification`, and verify the hash chain.

use axum::Json;
use axum::extract::State;
use axum::http::{HeaderMap, StatusCode};
use chrono::{DateTime, Utc};
use oasys_app::{AuditEntry, AuditQuery, ChainReport, Clock, IdGenerator, Storage};
use serde::Deserialize;
use utoipa::IntoParams;
use uuid::Uuid;

use crate::auth::{AuthFirst, Credentials};
use crate::error::ApiError;
use crate::extract::StrictQuery;
use crate::state::AppState;

/// Default and largest number of entries one query returns.
const DEFAULT_LIMIT: usize = 100;
const MAX_LIMIT: usize = 1000;

/// Which audit entries to list.
#[derive(Debug, Deserialize, IntoParams)]
#[serde(deny_unknown_fields)]
#[into_params(parameter_in = Query)]
pub struct AuditParams {
    /// Only entries about this person.
    pub person: Option<Uuid>,
    /// Only entries at or after this instant (RFC 3339).
    #[param(value_type = Option<String>, format = DateTime)]
    pub from: Option<DateTime<Utc>>,
    /// Only entries strictly before this instant (RFC 3339).
    #[param(value_type = Option<String>, format = DateTime)]
    pub to: Option<DateTime<Utc>>,
    /// At most this many entries, oldest first (default 100, at most 1000).
    pub limit: Option<usize>,
}

/// Audit entries; the purpose of the query goes in `X-Justification` and is itself audited.
#[utoipa::path(get, path = "/api/v1/audit", tag = "audit", params(AuditParams,
        ("X-Justification" = String, Header, description = "Why the audit log is being read")),
    responses((status = 200, description = "Matching entries, oldest first", body = [Object]),
        (status = 400, body = crate::error::Problem), (status = 401, body = crate::error::Problem),
        (status = 403, body = crate::error::Problem), (status = 422, body = crate::error::Problem),
        (status = 428, body = crate::error::Problem)))]
pub async fn audit_entries<S, C, I>(
    State(state): State<AppState<S, C, I>>,
    caller: Credentials,
    headers: HeaderMap,
    AuthFirst(StrictQuery(params)): AuthFirst<StrictQuery<AuditParams>>,
) -> Result<Json<Vec<AuditEntry>>, ApiError>
where
    S: Storage + 'static,
    C: Clock + 'static,
    I: IdGenerator + 'static,
{
    let entries = state
        .as_caller(caller, move |app, caller| {
            let query = audit_query(&headers, params)?;
            Ok(app.audit_entries(&caller.actor, &query, &caller.ctx)?)
        })
        .await?;
    Ok(Json(entries))
}

/// The query the parameters name, once the purpose is stated in `X-Justification` (428
/// without); a bad limit or range is 422.
fn audit_query(headers: &HeaderMap, params: AuditParams) -> Result<AuditQuery, ApiError> {
    let stated = headers
        .get("x-justification")
        .and_then(|v| v.to_str().ok())
        .is_some_and(|v| !v.trim().is_empty());
    if !stated {
        return Err(ApiError::new(
            StatusCode::PRECONDITION_REQUIRED,
            "justification-required",
            "Justification required",
        )
        .detail("state the purpose of reading the audit log in the X-Justification header")
        .field("X-Justification"));
    }
    let limit = params.limit.unwrap_or(DEFAULT_LIMIT);
    if limit == 0 || limit > MAX_LIMIT {
        return Err(ApiError::unprocessable(
            Some("limit".to_owned()),
            format!("limit must be between 1 and {MAX_LIMIT}"),
        ));
    }
    if let (Some(from), Some(to)) = (params.from, params.to)
        && from > to
    {
        return Err(ApiError::unprocessable(
            Some("from".to_owned()),
            "from must not be after to",
        ));
    }
    Ok(AuditQuery {
        person: params.person,
        from: params.from,
        to: params.to,
        limit,
    })
}

/// Verifies the audit log's hash chain.
#[utoipa::path(get, path = "/api/v1/audit/verify", tag = "audit",
    responses((status = 200, description = "The chain report", body = Object),
        (status = 401, body = crate::error::Problem), (status = 403, body = crate::error::Problem)))]
pub async fn verify_audit<S, C, I>(
    State(state): State<AppState<S, C, I>>,
    caller: Credentials,
) -> Result<Json<ChainReport>, ApiError>
where
    S: Storage + 'static,
    C: Clock + 'static,
    I: IdGenerator + 'static,
{
    let report = state
        .as_caller(caller, |app, caller| {
            Ok(app.verify_audit(&caller.actor, &caller.ctx)?)
        })
        .await?;
    Ok(Json(report))
}
