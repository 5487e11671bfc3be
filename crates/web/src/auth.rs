//! Authentication: argon2id password hashes, random session and API tokens stored as SHA-256,
//! the `Credentials` extractor (session cookie or bearer token, read from the headers), their
//! resolution into a `Caller` (inside the use case's hop to the blocking pool) and the
//! login/logout routes.

use argon2::password_hash::{PasswordHash, PasswordHasher, PasswordVerifier, SaltString};
use argon2::{Algorithm, Argon2, Params, Version};
use axum::extract::{FromRequest, FromRequestParts, Request, State};
use axum::http::request::Parts;
use axum::http::{HeaderMap, HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};
use chrono::{DateTime, Utc};
use oasys_app::{
    AccountRepository, Clock, IdGenerator, RequestContext, Session, SessionLimits, SignIn, Storage,
    UserAccount,
};
use oasys_sharing_policy::{Action, Actor, Role};
use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};
use std::collections::BTreeSet;
use utoipa::ToSchema;

use crate::error::ApiError;
use crate::extract::StrictJson;
use crate::limits;
use crate::state::AppState;

/// The session cookie's name with the `__Host-` prefix (spec S8).
pub const SECURE_COOKIE: &str = "__Host-oasys_session";
/// The cookie's name on plain-HTTP test deployments.
pub const PLAIN_COOKIE: &str = "oasys_session";

fn argon2() -> Argon2<'static> {
    // RustCrypto defaults: m = 19,456 KiB, t = 2, p = 1 (spec S1).
    Argon2::new(Algorithm::Argon2id, Version::V0x13, Params::default())
}

/// A random salt of 128 bits from the OS random source.
fn salt() -> Result<SaltString, ApiError> {
    let mut bytes = [0u8; 16];
    getrandom::fill(&mut bytes).map_err(|_| ApiError::internal())?;
    SaltString::encode_b64(&bytes).map_err(|_| ApiError::internal())
}

/// Hashes a password with argon2id (PHC string). For the CLI's `user add` and rehash on login.
pub fn hash_password(password: &str) -> Result<String, ApiError> {
    argon2()
        .hash_password(password.as_bytes(), &salt()?)
        .map(|h| h.to_string())
        .map_err(|_| ApiError::internal())
}

/// Whether `password` matches the PHC string (false for an unparsable hash).
pub fn verify_password(password: &str, phc: &str) -> bool {
    PasswordHash::new(phc)
        .is_ok_and(|hash| argon2().verify_password(password.as_bytes(), &hash).is_ok())
}

/// Whether a stored hash is weaker than today's parameters (then it is rehashed on login).
fn needs_rehash(phc: &str) -> bool {
    let Ok(hash) = PasswordHash::new(phc) else {
        return true;
    };
    let wanted = Params::default();
    let param = |name: &str| hash.params.get_decimal(name).unwrap_or(0);
    hash.algorithm.as_str() != "argon2id"
        || param("m") < wanted.m_cost()
        || param("t") < wanted.t_cost()
}

/// A hash of an unguessable password, verified when the user is unknown so that unknown users
/// and wrong passwords take the same time (spec S4).
fn dummy_hash() -> &'static str {
    static DUMMY: std::sync::OnceLock<String> = std::sync::OnceLock::new();
    DUMMY.get_or_init(|| hash_password("no user has this password").unwrap_or_default())
}

/// A new 256-bit secret (hex) and its SHA-256 (hex), for sessions and API tokens.
pub fn new_secret() -> Result<(String, String), ApiError> {
    let mut bytes = [0u8; 32];
    getrandom::fill(&mut bytes).map_err(|_| ApiError::internal())?;
    let token = hex(&bytes);
    let hash = secret_hash(&token);
    Ok((token, hash))
}

/// The hex SHA-256 under which a secret is stored.
pub fn secret_hash(secret: &str) -> String {
    hex(&Sha256::digest(secret.as_bytes()))
}

fn hex(bytes: &[u8]) -> String {
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}

/// The policy actor of an account, read fresh on every request (no cached claims).
/// `token_scope` is the scope of the API token the request came with (`None`: a session).
fn actor_of(account: &UserAccount, token_scope: Option<BTreeSet<Action>>) -> Actor {
    let mut actor = account.actor();
    actor.token_scope = token_scope;
    actor
}

/// Who is calling: the actor, the request context and the session (for logout).
#[derive(Debug, Clone)]
pub struct Caller {
    /// The policy actor.
    pub actor: Actor,
    /// Correlation id (the request id) for audit events.
    pub ctx: RequestContext,
    /// The session's token hash when the caller used a cookie.
    pub session_hash: Option<String>,
}

fn cookie_value<'a>(headers: &'a HeaderMap, name: &str) -> Option<&'a str> {
    headers
        .get_all(header::COOKIE)
        .iter()
        .filter_map(|v| v.to_str().ok())
        .flat_map(|v| v.split(';'))
        .filter_map(|pair| pair.trim().split_once('='))
        .find(|(key, _)| *key == name)
        .map(|(_, value)| value)
}

fn bearer(headers: &HeaderMap) -> Option<&str> {
    let value = headers.get(header::AUTHORIZATION)?.to_str().ok()?;
    let (scheme, token) = value.split_once(' ')?;
    scheme
        .eq_ignore_ascii_case("bearer")
        .then_some(token.trim())
}

/// The request id set by the request-id layer.
pub(crate) fn request_id(headers: &HeaderMap) -> Option<String> {
    headers
        .get("x-request-id")
        .and_then(|v| v.to_str().ok())
        .map(str::to_owned)
}

impl<S, C, I> AppState<S, C, I> {
    fn cookie_name(&self) -> &'static str {
        if self.config.secure_cookies {
            SECURE_COOKIE
        } else {
            PLAIN_COOKIE
        }
    }
}

/// The credential a request presents, as the SHA-256 under which it is stored.
#[derive(Debug, Clone)]
enum Presented {
    /// A session cookie (it wins when a bearer token is sent as well).
    Session(String),
    /// A bearer token.
    Token(String),
}

/// What a request presents to authenticate, read from its headers alone (no I/O): the session
/// cookie's or the bearer token's hash, and the request context (request id, `X-Justification`).
/// A request with neither credential is refused with 401 here. Handlers resolve the credentials
/// into a [`Caller`] inside the blocking hop that runs their use case
/// (`AppState::as_caller`), so a request crosses to the blocking pool once.
#[derive(Debug, Clone)]
pub struct Credentials {
    presented: Presented,
    ctx: RequestContext,
}

impl Credentials {
    /// Reads the credentials from the headers; `None` when the request presents neither a
    /// session cookie nor a bearer token.
    fn from_headers<S, C, I>(headers: &HeaderMap, state: &AppState<S, C, I>) -> Option<Self> {
        let presented = match cookie_value(headers, state.cookie_name()) {
            Some(cookie) => Presented::Session(secret_hash(cookie)),
            None => Presented::Token(secret_hash(bearer(headers)?)),
        };
        let justification = headers
            .get("x-justification")
            .and_then(|v| v.to_str().ok())
            .map(str::to_owned);
        let ctx = RequestContext {
            correlation_id: request_id(headers),
            justification,
        };
        Some(Self { presented, ctx })
    }

    /// Resolves the credentials into the caller, reading the session (within its idle and
    /// absolute limits, then recording its use) or the API token, and the account, afresh on
    /// every request: nothing is cached, so an ended session, a revoked token or a disabled
    /// account is refused on the next request. Anything that does not lead to an active account
    /// is 401.
    pub(crate) fn resolve<St: Storage>(
        self,
        store: &St,
        now: DateTime<Utc>,
        limits: SessionLimits,
    ) -> Result<Caller, ApiError> {
        let found = match self.presented {
            Presented::Session(hash) => match store.session(&hash, now, limits)? {
                Some(session) => {
                    store.touch_session(&hash, now)?;
                    store
                        .user(&session.username)?
                        .map(|a| (actor_of(&a, None), Some(hash)))
                }
                None => None,
            },
            Presented::Token(hash) => store
                .api_token(&hash, now)?
                .map(|(token, account)| (actor_of(&account, Some(token.scope)), None)),
        };
        match found {
            Some((actor, session_hash)) if actor.active => Ok(Caller {
                actor,
                ctx: self.ctx,
                session_hash,
            }),
            _ => Err(ApiError::unauthenticated()),
        }
    }
}

impl<S, C, I> FromRequestParts<AppState<S, C, I>> for Credentials
where
    S: Storage + 'static,
    C: Clock + 'static,
    I: IdGenerator + 'static,
{
    type Rejection = ApiError;

    async fn from_request_parts(
        parts: &mut Parts,
        state: &AppState<S, C, I>,
    ) -> Result<Self, Self::Rejection> {
        Self::from_headers(&parts.headers, state).ok_or_else(ApiError::unauthenticated)
    }
}

/// The caller resolved on its own hop to the blocking pool, for handlers that need it before
/// (or across) their use cases: the HTML pages. JSON handlers take [`Credentials`] and resolve
/// them inside their use case's hop.
impl<S, C, I> FromRequestParts<AppState<S, C, I>> for Caller
where
    S: Storage + 'static,
    C: Clock + 'static,
    I: IdGenerator + 'static,
{
    type Rejection = ApiError;

    async fn from_request_parts(
        parts: &mut Parts,
        state: &AppState<S, C, I>,
    ) -> Result<Self, Self::Rejection> {
        let credentials = Credentials::from_request_parts(parts, state).await?;
        state.resolve(credentials).await
    }
}

/// An extractor whose refusal comes after authentication: when `E` refuses the request (a bad
/// path, query or body), the credentials are resolved first, so a caller who is not
/// authenticated gets 401, as when the caller was extracted before `E`. When `E` succeeds
/// nothing is resolved here: the handler authenticates inside its use case's hop.
#[derive(Debug, Clone)]
pub struct AuthFirst<E>(pub E);

impl<S, C, I, E> FromRequestParts<AppState<S, C, I>> for AuthFirst<E>
where
    S: Storage + 'static,
    C: Clock + 'static,
    I: IdGenerator + 'static,
    E: FromRequestParts<AppState<S, C, I>>,
    E::Rejection: IntoResponse,
{
    type Rejection = Response;

    async fn from_request_parts(
        parts: &mut Parts,
        state: &AppState<S, C, I>,
    ) -> Result<Self, Self::Rejection> {
        let refused = match E::from_request_parts(parts, state).await {
            Ok(value) => return Ok(Self(value)),
            Err(rejection) => rejection.into_response(),
        };
        let credentials = Credentials::from_headers(&parts.headers, state);
        Err(refusal_after_auth(state, credentials, refused).await)
    }
}

impl<S, C, I, E> FromRequest<AppState<S, C, I>> for AuthFirst<E>
where
    S: Storage + 'static,
    C: Clock + 'static,
    I: IdGenerator + 'static,
    E: FromRequest<AppState<S, C, I>>,
    E::Rejection: IntoResponse,
{
    type Rejection = Response;

    async fn from_request(
        request: Request,
        state: &AppState<S, C, I>,
    ) -> Result<Self, Self::Rejection> {
        let credentials = Credentials::from_headers(request.headers(), state);
        let refused = match E::from_request(request, state).await {
            Ok(value) => return Ok(Self(value)),
            Err(rejection) => rejection.into_response(),
        };
        Err(refusal_after_auth(state, credentials, refused).await)
    }
}

/// 401 when the credentials do not authenticate, else the extractor's own refusal.
async fn refusal_after_auth<S, C, I>(
    state: &AppState<S, C, I>,
    credentials: Option<Credentials>,
    refused: Response,
) -> Response
where
    S: Storage + 'static,
    C: Clock + 'static,
    I: IdGenerator + 'static,
{
    let Some(credentials) = credentials else {
        return ApiError::unauthenticated().into_response();
    };
    match state.resolve(credentials).await {
        Ok(_) => refused,
        Err(error) => error.into_response(),
    }
}

impl From<oasys_app::StoreError> for ApiError {
    fn from(error: oasys_app::StoreError) -> Self {
        oasys_app::AppError::from(error).into()
    }
}

/// Login credentials.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct LoginRequest {
    /// The username.
    pub username: String,
    /// The password (never logged).
    pub password: String,
}

/// Who logged in.
#[derive(Debug, Serialize, ToSchema)]
pub struct LoginResponse {
    /// The username.
    pub username: String,
    /// The role acted in.
    #[schema(value_type = String)]
    pub role: Role,
}

/// Logs in with a username and password; a new session replaces any presented one.
#[utoipa::path(post, path = "/api/v1/auth/login", tag = "auth",
    request_body = LoginRequest,
    responses((status = 200, description = "Logged in; session cookie set", body = LoginResponse),
        (status = 401, description = "Wrong username or password", body = crate::error::Problem),
        (status = 429, description = "Too many failed logins for this username", body = crate::error::Problem)))]
pub async fn login<S, C, I>(
    State(state): State<AppState<S, C, I>>,
    headers: HeaderMap,
    StrictJson(request): StrictJson<LoginRequest>,
) -> Result<Response, ApiError>
where
    S: Storage + 'static,
    C: Clock + 'static,
    I: IdGenerator + 'static,
{
    let (cookie, account) = match start_session(&state, request, &headers).await {
        Ok(done) => done,
        Err(LoginFailure::Throttled(response)) => return Ok(response),
        Err(LoginFailure::Error(error)) => return Err(error),
    };
    let body = LoginResponse {
        username: account.username,
        role: account.profile.role,
    };
    let mut response = axum::Json(body).into_response();
    response.headers_mut().insert(header::SET_COOKIE, cookie);
    Ok(response)
}

/// Why a login did not start a session.
pub(crate) enum LoginFailure {
    /// Too many failed attempts for the username: the 429 response to send (with Retry-After).
    Throttled(Response),
    /// Wrong credentials (401) or a failure inside.
    Error(ApiError),
}

/// Checks the credentials (throttled per username, hashing behind the semaphore, the same time
/// for unknown users) and starts a new session, ending any presented one and every expired one.
/// Returns the `Set-Cookie` value and the account.
pub(crate) async fn start_session<S, C, I>(
    state: &AppState<S, C, I>,
    request: LoginRequest,
    headers: &HeaderMap,
) -> Result<(HeaderValue, UserAccount), LoginFailure>
where
    S: Storage + 'static,
    C: Clock + 'static,
    I: IdGenerator + 'static,
{
    let now = state.clock.now();
    let name = request.username.clone();
    let ctx = RequestContext {
        correlation_id: request_id(headers),
        justification: None,
    };
    let throttle_ctx = ctx.clone();
    let wait = state
        .blocking(move |app| {
            let wait = limits::refused(app.store(), &name, now)?;
            if wait.is_some() {
                app.record_sign_in(&name, SignIn::Throttled, &throttle_ctx)?;
            }
            Ok(wait)
        })
        .await
        .map_err(LoginFailure::Error)?;
    if let Some(wait) = wait {
        let mut response = ApiError::new(
            StatusCode::TOO_MANY_REQUESTS,
            "too-many-attempts",
            "Too many attempts",
        )
        .detail("too many failed logins: try again later")
        .into_response();
        if let Ok(value) = HeaderValue::from_str(&wait.to_string()) {
            response.headers_mut().insert(header::RETRY_AFTER, value);
        }
        return Err(LoginFailure::Throttled(response));
    }
    let permit = state
        .hashing
        .clone()
        .acquire_owned()
        .await
        .map_err(|_| LoginFailure::Error(ApiError::internal()))?;
    let old = cookie_value(headers, state.cookie_name()).map(secret_hash);
    let limits = state.config.sessions;
    let session = state
        .blocking(move |app| {
            let _permit = permit;
            let store = app.store();
            // A failure is counted for throttling and written to the security log.
            let refused = || -> ApiError {
                let recorded = limits::failed(store, &request.username, now).and_then(|()| {
                    app.record_sign_in(&request.username, SignIn::Failed, &ctx)
                        .map_err(ApiError::from)
                });
                match recorded {
                    Ok(()) => ApiError::unauthenticated().detail("wrong username or password"),
                    Err(error) => error,
                }
            };
            let account = store.user(&request.username)?.filter(|a| !a.disabled);
            let Some(account) = account else {
                verify_password(&request.password, dummy_hash());
                return Err(refused());
            };
            if !verify_password(&request.password, &account.password_hash) {
                return Err(refused());
            }
            limits::succeeded(store, &request.username)?;
            if needs_rehash(&account.password_hash) {
                store.set_password_hash(&account.username, &hash_password(&request.password)?)?;
            }
            if let Some(old) = old {
                store.revoke_session(&old)?;
            }
            // Expired sessions are useless and hold the reasons their users gave for opening
            // restricted records: each login clears them away, whichever instance serves it.
            store.purge_expired_sessions(now, limits)?;
            let (token, hash) = new_secret()?;
            store.create_session(&Session {
                token_hash: hash,
                username: account.username.clone(),
                created_at: now,
                last_seen_at: now,
            })?;
            app.record_sign_in(&account.username, SignIn::Succeeded, &ctx)?;
            Ok((token, account))
        })
        .await;
    let (token, account) = session.map_err(LoginFailure::Error)?;
    let attributes = if state.config.secure_cookies {
        "; Path=/; Secure; HttpOnly; SameSite=Strict"
    } else {
        "; Path=/; HttpOnly; SameSite=Strict"
    };
    let cookie = format!("{}={token}{attributes}", state.cookie_name());
    let cookie =
        HeaderValue::from_str(&cookie).map_err(|_| LoginFailure::Error(ApiError::internal()))?;
    Ok((cookie, account))
}

/// Step-up: checks a second person's password (spec §2.3: taking a name off a limited access
/// list needs a second manager, re-authenticated), throttled like a login. Call it on the
/// blocking pool, after the caller is authenticated and holding a [`AppState::hashing`]
/// permit. Their username when the password is right; 429 while the name is throttled;
/// otherwise 422 on `field`, with one message whatever was wrong.
pub(crate) fn confirm_password(
    store: &dyn AccountRepository,
    username: &str,
    password: &str,
    field: &str,
    now: DateTime<Utc>,
) -> Result<String, ApiError> {
    if limits::refused(store, username, now)?.is_some() {
        return Err(ApiError::new(
            StatusCode::TOO_MANY_REQUESTS,
            "too-many-attempts",
            "Too many attempts",
        )
        .detail("too many failed attempts for this username: try again later"));
    }
    let hash = store
        .user(username)?
        .filter(|a| !a.disabled)
        .map(|a| a.password_hash);
    let right = verify_password(password, hash.as_deref().unwrap_or(dummy_hash()));
    if hash.is_some() && right {
        limits::succeeded(store, username)?;
        Ok(username.to_owned())
    } else {
        limits::failed(store, username, now)?;
        Err(ApiError::unprocessable(
            Some(field.to_owned()),
            "the approver's username or password is not right",
        ))
    }
}

/// Ends the caller's session (server-side) and clears the cookie.
#[utoipa::path(post, path = "/api/v1/auth/logout", tag = "auth",
    responses((status = 204, description = "Logged out"),
        (status = 401, description = "Not logged in", body = crate::error::Problem)))]
pub async fn logout<S, C, I>(
    State(state): State<AppState<S, C, I>>,
    caller: Credentials,
) -> Result<Response, ApiError>
where
    S: Storage + 'static,
    C: Clock + 'static,
    I: IdGenerator + 'static,
{
    state
        .as_caller(caller, |app, caller| {
            if let Some(hash) = &caller.session_hash {
                app.store().revoke_session(hash)?;
                app.record_sign_in(&caller.actor.id, SignIn::SignedOut, &caller.ctx)?;
            }
            Ok(())
        })
        .await?;
    Ok((StatusCode::NO_CONTENT, clearing_headers(&state)).into_response())
}

/// Ends a session server-side; returns the headers that clear the cookie in the browser.
pub(crate) async fn end_session<S, C, I>(
    state: &AppState<S, C, I>,
    caller: Caller,
) -> Result<HeaderMap, ApiError>
where
    S: Storage + 'static,
    C: Clock + 'static,
    I: IdGenerator + 'static,
{
    if let Some(hash) = caller.session_hash {
        state
            .blocking(move |app| {
                app.store().revoke_session(&hash)?;
                Ok(app.record_sign_in(&caller.actor.id, SignIn::SignedOut, &caller.ctx)?)
            })
            .await?;
    }
    Ok(clearing_headers(state))
}

/// The headers that clear the session cookie in the browser.
fn clearing_headers<S, C, I>(state: &AppState<S, C, I>) -> HeaderMap {
    let expired = format!("{}=; Path=/; Max-Age=0", state.cookie_name());
    let mut headers = HeaderMap::new();
    if let Ok(value) = HeaderValue::from_str(&expired) {
        headers.insert(header::SET_COOKIE, value);
    }
    headers.insert("clear-site-data", HeaderValue::from_static("\"cookies\""));
    headers
}
