//! Failed-login counters shared by every server instance: one row per username (kept as the
//! hex SHA-256 of its lower-case form) holding a fixed window's count. Counting is one
//! `INSERT … ON CONFLICT DO UPDATE … RETURNING` statement, atomic on both backends, so
//! concurrent failures from several processes are each counted once.

use chrono::{DateTime, Duration, Utc};
use diesel::sql_types::{BigInt, Integer, Text};
use diesel::{QueryableByName, RunQueryDsl, sql_query};
use oasys_app::{LoginFailures, StoreError};
use sha2::{Digest, Sha256};

use crate::allocations::{from_millis, millis};
use crate::assessments::hex;
use crate::conn::{DbConnection, store_error};

const ENTITY: &str = "login attempts";

#[derive(QueryableByName)]
struct Row {
    #[diesel(sql_type = Integer)]
    failures: i32,
    #[diesel(sql_type = BigInt)]
    window_start: i64,
}

fn key(username: &str) -> String {
    hex(&Sha256::digest(username.to_lowercase().as_bytes()))
}

fn failures(row: &Row, window: Duration) -> Result<LoginFailures, StoreError> {
    Ok(LoginFailures {
        count: u32::try_from(row.failures).unwrap_or(0),
        window_ends: from_millis(row.window_start)? + window,
    })
}

/// Windows that opened at or before this instant are closed at `now`.
fn closed_before(now: DateTime<Utc>, window: Duration) -> i64 {
    millis(now - window)
}

pub(crate) fn login_failures(
    conn: &mut DbConnection,
    username: &str,
    now: DateTime<Utc>,
    window: Duration,
) -> Result<Option<LoginFailures>, StoreError> {
    let key = key(username);
    let closed = closed_before(now, window);
    let rows = match conn {
        DbConnection::Sqlite(c) => sql_query(
            "SELECT failures, window_start FROM login_attempts \
             WHERE username_hash = ? AND window_start > ?",
        )
        .bind::<Text, _>(&key)
        .bind::<BigInt, _>(closed)
        .load::<Row>(c),
        DbConnection::Pg(c) => sql_query(
            "SELECT failures, window_start FROM login_attempts \
             WHERE username_hash = $1 AND window_start > $2",
        )
        .bind::<Text, _>(&key)
        .bind::<BigInt, _>(closed)
        .load::<Row>(c),
    }
    .map_err(|e| store_error(ENTITY, e))?;
    rows.first().map(|row| failures(row, window)).transpose()
}

pub(crate) fn record_login_failure(
    conn: &mut DbConnection,
    username: &str,
    now: DateTime<Utc>,
    window: Duration,
) -> Result<LoginFailures, StoreError> {
    let key = key(username);
    let closed = closed_before(now, window);
    let at = millis(now);
    let row = match conn {
        DbConnection::Sqlite(c) => {
            sql_query("DELETE FROM login_attempts WHERE window_start <= ? AND username_hash <> ?")
                .bind::<BigInt, _>(closed)
                .bind::<Text, _>(&key)
                .execute(c)
                .and_then(|_| {
                    sql_query(
                        "INSERT INTO login_attempts (username_hash, failures, window_start) \
                         VALUES (?, 1, ?) \
                         ON CONFLICT (username_hash) DO UPDATE SET \
                         failures = CASE WHEN login_attempts.window_start <= ? THEN 1 \
                                    ELSE login_attempts.failures + 1 END, \
                         window_start = CASE WHEN login_attempts.window_start <= ? \
                                        THEN excluded.window_start \
                                        ELSE login_attempts.window_start END \
                         RETURNING failures, window_start",
                    )
                    .bind::<Text, _>(&key)
                    .bind::<BigInt, _>(at)
                    .bind::<BigInt, _>(closed)
                    .bind::<BigInt, _>(closed)
                    .get_result::<Row>(c)
                })
        }
        DbConnection::Pg(c) => {
            sql_query("DELETE FROM login_attempts WHERE window_start <= $1 AND username_hash <> $2")
                .bind::<BigInt, _>(closed)
                .bind::<Text, _>(&key)
                .execute(c)
                .and_then(|_| {
                    sql_query(
                        "INSERT INTO login_attempts (username_hash, failures, window_start) \
                 VALUES ($1, 1, $2) \
                 ON CONFLICT (username_hash) DO UPDATE SET \
                 failures = CASE WHEN login_attempts.window_start <= $3 THEN 1 \
                            ELSE login_attempts.failures + 1 END, \
                 window_start = CASE WHEN login_attempts.window_start <= $3 \
                                THEN excluded.window_start \
                                ELSE login_attempts.window_start END \
                 RETURNING failures, window_start",
                    )
                    .bind::<Text, _>(&key)
                    .bind::<BigInt, _>(at)
                    .bind::<BigInt, _>(closed)
                    .get_result::<Row>(c)
                })
        }
    }
    .map_err(|e| store_error(ENTITY, e))?;
    failures(&row, window)
}

pub(crate) fn clear_login_failures(
    conn: &mut DbConnection,
    username: &str,
) -> Result<(), StoreError> {
    let key = key(username);
    match conn {
        DbConnection::Sqlite(c) => sql_query("DELETE FROM login_attempts WHERE username_hash = ?")
            .bind::<Text, _>(&key)
            .execute(c),
        DbConnection::Pg(c) => sql_query("DELETE FROM login_attempts WHERE username_hash = $1")
            .bind::<Text, _>(&key)
            .execute(c),
    }
    .map_err(|e| store_error(ENTITY, e))?;
    Ok(())
}
