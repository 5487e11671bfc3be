//! The account port: local users (argon2id PHC strings made by the web adapter), browser sessions
//! and API bearer tokens, all stored hashed so a copy of the database grants no access.

use std::collections::BTreeSet;

use chrono::{DateTime, Duration, Utc};
use oasys_assessment_model::Rank;
use oasys_sharing_policy::{Action, Actor, Role};
use serde::{Deserialize, Serialize};
use uuid::Uuid;

use super::error::StoreError;

/// What a user acts as: role, grade, area and teams (the policy's `Actor` is built from this on
/// every request, so a change takes effect on the next one).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct AccountProfile {
    /// The role acted in.
    pub role: Role,
    /// Framework-role grade of a practitioner or POM.
    pub grade: Option<Rank>,
    /// The area (region) the user belongs to.
    pub area: String,
    /// Home team and extra teams.
    pub teams: BTreeSet<String>,
    /// Teams a manager oversees.
    pub managed_teams: BTreeSet<String>,
}

/// A stored local account.
#[derive(Clone, PartialEq, Eq)]
pub struct UserAccount {
    /// Login name and staff id (the `Actor` id).
    pub username: String,
    /// The argon2id hash as a PHC string (never the password).
    pub password_hash: String,
    /// Role, grade, area and teams.
    pub profile: AccountProfile,
    /// A disabled account cannot log in and its sessions and tokens stop working.
    pub disabled: bool,
    /// When the account was created.
    pub created_at: DateTime<Utc>,
}

impl UserAccount {
    /// The policy actor the account is, signed in (no token scope), read fresh from the
    /// account on every use: role, grade, area, teams, and whether it is enabled.
    #[must_use]
    pub fn actor(&self) -> Actor {
        let profile = &self.profile;
        let mut actor = Actor::new(self.username.clone(), profile.role, profile.area.clone());
        actor.grade = profile.grade;
        actor.teams = profile.teams.clone();
        actor.managed_teams = profile.managed_teams.clone();
        actor.active = !self.disabled;
        actor
    }
}

impl std::fmt::Debug for UserAccount {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("UserAccount")
            .field("username", &self.username)
            .field("password_hash", &"<redacted>")
            .field("profile", &self.profile)
            .field("disabled", &self.disabled)
            .finish()
    }
}

/// A live browser session (looked up by the SHA-256 of its cookie value).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Session {
    /// Hex SHA-256 of the session token.
    pub token_hash: String,
    /// Whose session it is.
    pub username: String,
    /// When it was created (for the absolute timeout).
    pub created_at: DateTime<Utc>,
    /// When it was last used (for the idle timeout).
    pub last_seen_at: DateTime<Utc>,
}

/// How long sessions live.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct SessionLimits {
    /// Ended after this long without a request (spec: 30 minutes).
    pub idle: Duration,
    /// Ended this long after login whatever happens (spec: 12 hours).
    pub absolute: Duration,
}

/// An API bearer token of a machine client (or a user), stored as a hash.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ApiToken {
    /// The token's id (shown to operators; the secret is shown once at creation).
    pub id: Uuid,
    /// Hex SHA-256 of the token.
    pub token_hash: String,
    /// The account the token acts as.
    pub username: String,
    /// The actions the token allows (for service clients).
    pub scope: BTreeSet<Action>,
    /// When it was created.
    pub created_at: DateTime<Utc>,
    /// When it stops working, if ever.
    pub expires_at: Option<DateTime<Utc>>,
    /// When it was revoked, if it was.
    pub revoked_at: Option<DateTime<Utc>>,
}

/// Failed logins counted against one username in its current window (login throttling shared by
/// every server instance through the database).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct LoginFailures {
    /// Failures counted in the window.
    pub count: u32,
    /// When the window closes and the count starts again from nothing.
    pub window_ends: DateTime<Utc>,
}

/// Stored accounts, sessions and tokens.
///
/// Contract:
/// - `create_user` MUST return `Conflict` when the username is taken and store nothing then.
/// - `user` MUST return `Ok(None)` for an unknown username.
/// - `set_disabled`, `set_profile` and `set_password_hash` MUST return `NotFound` for an unknown
///   user; disabling or changing the password MUST end every session of the user.
/// - `create_session` MUST return `NotFound` for an unknown user and `Conflict` for a token hash
///   already stored.
/// - `session` MUST return `Ok(None)` when the hash is unknown or revoked, when the user is
///   disabled, when `now - last_seen_at > idle` or `now - created_at > absolute`.
/// - `touch_session` sets `last_seen_at` (never moving it back); unknown hashes are ignored.
/// - `revoke_session` removes the session; revoking an unknown hash is not an error.
/// - `purge_expired_sessions` removes every session `session` would refuse at `now` as expired
///   (idle or absolute limit passed), with the reasons kept for them, and returns how many; live
///   sessions and their reasons stay.
/// - `create_api_token` MUST return `NotFound` for an unknown user and `Conflict` for a duplicate
///   id or hash.
/// - `api_token` MUST return `Ok(None)` when the hash is unknown, the token revoked or expired
///   at `now`, or its user disabled.
/// - `revoke_api_token` MUST return `NotFound` for an unknown id and keep the first revocation
///   time when revoked twice.
/// - Login failures are counted per username compared case-insensitively (any username, known or
///   not; implementations need not store it readably). `record_login_failure` opens a window at
///   `now` when none is open (none recorded, or the last one opened at or before `now - window`)
///   with a count of 1, else adds 1 to the open window's count; it returns the count and the
///   window's end. Concurrent calls, from any number of processes, are each counted exactly once.
///   `login_failures` returns `Ok(None)` when no window is open at `now`. `clear_login_failures`
///   forgets the username's failures (unknown usernames are not an error). Closed windows may be
///   discarded at any time.
/// - `save_session_reason` MUST return `NotFound` when the session is not live at `now` (as
///   `session` judges it) or the person is not stored; otherwise it keeps the reason for that
///   session and person, replacing one given before. `session_reason` MUST return `Ok(None)` when
///   none was given or the session is not live at `now`; a reason ends with its session (revoked,
///   every session of the user ended, expired), so it is never returned to a later session.
///   `session_reasons` returns every reason `session_reason` would, ordered by person id.
pub trait AccountRepository: Send + Sync {
    /// Stores a new account.
    fn create_user(&self, account: &UserAccount) -> Result<(), StoreError>;
    /// The account with this username.
    fn user(&self, username: &str) -> Result<Option<UserAccount>, StoreError>;
    /// Disables or re-enables an account (disabling ends its sessions).
    fn set_disabled(&self, username: &str, disabled: bool) -> Result<(), StoreError>;
    /// Replaces the role, grade, area and teams.
    fn set_profile(&self, username: &str, profile: &AccountProfile) -> Result<(), StoreError>;
    /// Replaces the password hash (after a change or a rehash on login); ends every session.
    fn set_password_hash(&self, username: &str, password_hash: &str) -> Result<(), StoreError>;
    /// Stores a new session.
    fn create_session(&self, session: &Session) -> Result<(), StoreError>;
    /// The live session with this token hash at `now`.
    fn session(
        &self,
        token_hash: &str,
        now: DateTime<Utc>,
        limits: SessionLimits,
    ) -> Result<Option<Session>, StoreError>;
    /// Records use of a session.
    fn touch_session(&self, token_hash: &str, now: DateTime<Utc>) -> Result<(), StoreError>;
    /// Ends a session (logout).
    fn revoke_session(&self, token_hash: &str) -> Result<(), StoreError>;
    /// Deletes the sessions that expired by `now` (and the reasons kept for them); how many.
    fn purge_expired_sessions(
        &self,
        now: DateTime<Utc>,
        limits: SessionLimits,
    ) -> Result<usize, StoreError>;
    /// Keeps the reason the user of a live session gave at `now` for opening a limited access
    /// person's record, for the rest of the session (the stated justification of each page about
    /// that person, sharing spec §4).
    fn save_session_reason(
        &self,
        token_hash: &str,
        person_id: Uuid,
        reason: &str,
        now: DateTime<Utc>,
        limits: SessionLimits,
    ) -> Result<(), StoreError>;
    /// The reason given in this live session for opening this person's record, if any.
    fn session_reason(
        &self,
        token_hash: &str,
        person_id: Uuid,
        now: DateTime<Utc>,
        limits: SessionLimits,
    ) -> Result<Option<String>, StoreError>;
    /// Every reason given in this live session, by person (empty when the session is not live).
    fn session_reasons(
        &self,
        token_hash: &str,
        now: DateTime<Utc>,
        limits: SessionLimits,
    ) -> Result<Vec<(Uuid, String)>, StoreError>;
    /// Stores a new API token.
    fn create_api_token(&self, token: &ApiToken) -> Result<(), StoreError>;
    /// The usable token with this hash at `now`, with its user's account (what authenticating a
    /// request needs, in one read).
    fn api_token(
        &self,
        token_hash: &str,
        now: DateTime<Utc>,
    ) -> Result<Option<(ApiToken, UserAccount)>, StoreError>;
    /// Revokes a token.
    fn revoke_api_token(&self, id: Uuid, at: DateTime<Utc>) -> Result<(), StoreError>;
    /// The failed logins of `username` in the window open at `now`, if one is open.
    fn login_failures(
        &self,
        username: &str,
        now: DateTime<Utc>,
        window: Duration,
    ) -> Result<Option<LoginFailures>, StoreError>;
    /// Counts a failed login of `username` at `now`; returns the window's count after it.
    fn record_login_failure(
        &self,
        username: &str,
        now: DateTime<Utc>,
        window: Duration,
    ) -> Result<LoginFailures, StoreError>;
    /// Forgets the failed logins of `username` (after a successful login).
    fn clear_login_failures(&self, username: &str) -> Result<(), StoreError>;
}
