//! Accounts, sessions and API tokens: the profile is a JSON document, sessions and tokens are
//! rows keyed by the SHA-256 of the secret (the secret itself is never stored).

use chrono::{DateTime, Utc};
use diesel::prelude::*;
use oasys_app::{AccountProfile, ApiToken, Session, SessionLimits, StoreError, UserAccount};
use uuid::Uuid;

use crate::allocations::{from_millis, millis, parse_uuid};
use crate::conn::{DbConnection, concrete, store_error};
use crate::people::{decode, encode};
use crate::schema::{api_tokens, sessions, users};

const USER: &str = "user";
const SESSION: &str = "session";
const TOKEN: &str = "api token";

fn user_missing(username: &str) -> StoreError {
    StoreError::NotFound {
        entity: USER,
        id: username.to_owned(),
    }
}

pub(crate) fn create_user(
    conn: &mut DbConnection,
    account: &UserAccount,
) -> Result<(), StoreError> {
    diesel::insert_into(users::table)
        .values((
            users::username.eq(&account.username),
            users::password_hash.eq(&account.password_hash),
            users::profile.eq(encode(USER, &account.profile)?),
            users::disabled.eq(account.disabled),
            users::created_at.eq(millis(account.created_at)),
        ))
        .execute(conn)
        .map_err(|e| store_error(USER, e))?;
    Ok(())
}

/// The columns of an account, in the order of `UserRow`.
const USER_COLUMNS: (
    users::username,
    users::password_hash,
    users::profile,
    users::disabled,
    users::created_at,
) = (
    users::username,
    users::password_hash,
    users::profile,
    users::disabled,
    users::created_at,
);

type UserRow = (String, String, String, bool, i64);

fn account(
    (username, password_hash, profile, disabled, created_at): UserRow,
) -> Result<UserAccount, StoreError> {
    Ok(UserAccount {
        username,
        password_hash,
        profile: decode::<AccountProfile>(USER, &profile)?,
        disabled,
        created_at: from_millis(created_at)?,
    })
}

pub(crate) fn user(
    conn: &mut DbConnection,
    username: &str,
) -> Result<Option<UserAccount>, StoreError> {
    let query = users::table.find(username).select(USER_COLUMNS);
    concrete!(conn, |c| query.first::<UserRow>(c))
        .optional()
        .map_err(|e| store_error(USER, e))?
        .map(account)
        .transpose()
}

fn end_sessions(conn: &mut DbConnection, username: &str) -> Result<(), StoreError> {
    diesel::delete(sessions::table.filter(sessions::username.eq(username)))
        .execute(conn)
        .map_err(|e| store_error(SESSION, e))?;
    Ok(())
}

fn changed(count: usize, username: &str) -> Result<(), StoreError> {
    if count == 0 {
        Err(user_missing(username))
    } else {
        Ok(())
    }
}

pub(crate) fn set_disabled(
    conn: &mut DbConnection,
    username: &str,
    disabled: bool,
) -> Result<(), StoreError> {
    let count = diesel::update(users::table.find(username))
        .set(users::disabled.eq(disabled))
        .execute(conn)
        .map_err(|e| store_error(USER, e))?;
    changed(count, username)?;
    if disabled {
        end_sessions(conn, username)?;
    }
    Ok(())
}

pub(crate) fn set_profile(
    conn: &mut DbConnection,
    username: &str,
    profile: &AccountProfile,
) -> Result<(), StoreError> {
    let count = diesel::update(users::table.find(username))
        .set(users::profile.eq(encode(USER, profile)?))
        .execute(conn)
        .map_err(|e| store_error(USER, e))?;
    changed(count, username)
}

pub(crate) fn set_password_hash(
    conn: &mut DbConnection,
    username: &str,
    password_hash: &str,
) -> Result<(), StoreError> {
    let count = diesel::update(users::table.find(username))
        .set(users::password_hash.eq(password_hash))
        .execute(conn)
        .map_err(|e| store_error(USER, e))?;
    changed(count, username)?;
    end_sessions(conn, username)
}

/// Whether the user exists and is enabled.
fn enabled(conn: &mut DbConnection, username: &str) -> Result<Option<bool>, StoreError> {
    let query = users::table.find(username).select(users::disabled);
    concrete!(conn, |c| query.first::<bool>(c))
        .optional()
        .map(|d| d.map(|disabled| !disabled))
        .map_err(|e| store_error(USER, e))
}

pub(crate) fn create_session(conn: &mut DbConnection, session: &Session) -> Result<(), StoreError> {
    if enabled(conn, &session.username)?.is_none() {
        return Err(user_missing(&session.username));
    }
    diesel::insert_into(sessions::table)
        .values((
            sessions::token_hash.eq(&session.token_hash),
            sessions::username.eq(&session.username),
            sessions::created_at.eq(millis(session.created_at)),
            sessions::last_seen_at.eq(millis(session.last_seen_at)),
        ))
        .execute(conn)
        .map_err(|e| store_error(SESSION, e))?;
    Ok(())
}

pub(crate) fn session(
    conn: &mut DbConnection,
    token_hash: &str,
    now: DateTime<Utc>,
    limits: SessionLimits,
) -> Result<Option<Session>, StoreError> {
    let row = sessions::table
        .find(token_hash)
        .select((
            sessions::token_hash,
            sessions::username,
            sessions::created_at,
            sessions::last_seen_at,
        ))
        .first::<(String, String, i64, i64)>(conn)
        .optional()
        .map_err(|e| store_error(SESSION, e))?;
    let Some((token_hash, username, created_at, last_seen_at)) = row else {
        return Ok(None);
    };
    let session = Session {
        token_hash,
        username,
        created_at: from_millis(created_at)?,
        last_seen_at: from_millis(last_seen_at)?,
    };
    if now - session.last_seen_at > limits.idle || now - session.created_at > limits.absolute {
        return Ok(None);
    }
    if enabled(conn, &session.username)? != Some(true) {
        return Ok(None);
    }
    Ok(Some(session))
}

pub(crate) fn touch_session(
    conn: &mut DbConnection,
    token_hash: &str,
    now: DateTime<Utc>,
) -> Result<(), StoreError> {
    diesel::update(
        sessions::table
            .find(token_hash)
            .filter(sessions::last_seen_at.lt(millis(now))),
    )
    .set(sessions::last_seen_at.eq(millis(now)))
    .execute(conn)
    .map_err(|e| store_error(SESSION, e))?;
    Ok(())
}

pub(crate) fn revoke_session(conn: &mut DbConnection, token_hash: &str) -> Result<(), StoreError> {
    diesel::delete(sessions::table.find(token_hash))
        .execute(conn)
        .map_err(|e| store_error(SESSION, e))?;
    Ok(())
}

/// Deletes the sessions past their idle or absolute limit at `now`; their reasons go with them
/// (`ON DELETE CASCADE`). The same bounds `session` applies, so a session it still returns stays.
pub(crate) fn purge_expired_sessions(
    conn: &mut DbConnection,
    now: DateTime<Utc>,
    limits: SessionLimits,
) -> Result<usize, StoreError> {
    diesel::delete(
        sessions::table.filter(
            sessions::last_seen_at
                .lt(millis(now - limits.idle))
                .or(sessions::created_at.lt(millis(now - limits.absolute))),
        ),
    )
    .execute(conn)
    .map_err(|e| store_error(SESSION, e))
}

pub(crate) fn create_api_token(
    conn: &mut DbConnection,
    token: &ApiToken,
) -> Result<(), StoreError> {
    if enabled(conn, &token.username)?.is_none() {
        return Err(user_missing(&token.username));
    }
    diesel::insert_into(api_tokens::table)
        .values((
            api_tokens::id.eq(token.id.to_string()),
            api_tokens::token_hash.eq(&token.token_hash),
            api_tokens::username.eq(&token.username),
            api_tokens::scope.eq(encode(TOKEN, &token.scope)?),
            api_tokens::created_at.eq(millis(token.created_at)),
            api_tokens::expires_at.eq(token.expires_at.map(millis)),
            api_tokens::revoked_at.eq(token.revoked_at.map(millis)),
        ))
        .execute(conn)
        .map_err(|e| store_error(TOKEN, e))?;
    Ok(())
}

type TokenRow = (
    String,
    String,
    String,
    String,
    i64,
    Option<i64>,
    Option<i64>,
);

pub(crate) fn api_token(
    conn: &mut DbConnection,
    token_hash: &str,
    now: DateTime<Utc>,
) -> Result<Option<(ApiToken, UserAccount)>, StoreError> {
    // One query: the token with its user's account.
    let query = api_tokens::table
        .inner_join(users::table.on(users::username.eq(api_tokens::username)))
        .filter(api_tokens::token_hash.eq(token_hash))
        .select((
            (
                api_tokens::id,
                api_tokens::token_hash,
                api_tokens::username,
                api_tokens::scope,
                api_tokens::created_at,
                api_tokens::expires_at,
                api_tokens::revoked_at,
            ),
            USER_COLUMNS,
        ));
    let row = concrete!(conn, |c| query.first::<(TokenRow, UserRow)>(c))
        .optional()
        .map_err(|e| store_error(TOKEN, e))?;
    let Some(((id, token_hash, username, scope, created_at, expires_at, revoked_at), user)) = row
    else {
        return Ok(None);
    };
    let token = ApiToken {
        id: parse_uuid(&id)?,
        token_hash,
        username,
        scope: decode(TOKEN, &scope)?,
        created_at: from_millis(created_at)?,
        expires_at: expires_at.map(from_millis).transpose()?,
        revoked_at: revoked_at.map(from_millis).transpose()?,
    };
    let expired = token.expires_at.is_some_and(|end| now >= end);
    let user = account(user)?;
    if token.revoked_at.is_some() || expired || user.disabled {
        return Ok(None);
    }
    Ok(Some((token, user)))
}

pub(crate) fn revoke_api_token(
    conn: &mut DbConnection,
    id: Uuid,
    at: DateTime<Utc>,
) -> Result<(), StoreError> {
    let id = id.to_string();
    let exists = api_tokens::table
        .find(&id)
        .select(api_tokens::id)
        .first::<String>(conn)
        .optional()
        .map_err(|e| store_error(TOKEN, e))?;
    if exists.is_none() {
        return Err(StoreError::NotFound { entity: TOKEN, id });
    }
    diesel::update(
        api_tokens::table
            .find(&id)
            .filter(api_tokens::revoked_at.is_null()),
    )
    .set(api_tokens::revoked_at.eq(Some(millis(at))))
    .execute(conn)
    .map_err(|e| store_error(TOKEN, e))?;
    Ok(())
}
