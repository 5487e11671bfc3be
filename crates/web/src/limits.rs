//! Login throttling (spec S3): at most `MAX_FAILURES` failed logins per username in a window of
//! an hour; the next attempt is refused with 429 before any hashing. The counts live in the
//! database (`AccountRepository::login_failures` and friends), so every instance of the server
//! sees the same counts and the server itself keeps no state.

use chrono::{DateTime, Duration, Utc};
use oasys_app::{AccountRepository, LoginFailures};

use crate::error::ApiError;

/// Failed logins allowed per username in one window.
pub const MAX_FAILURES: u32 = 100;

/// The length of a counting window.
pub fn window() -> Duration {
    Duration::hours(1)
}

/// Seconds to wait when these failures use up the window's allowance at `now`, else `None`.
pub fn wait(failures: Option<LoginFailures>, now: DateTime<Utc>) -> Option<i64> {
    let failures = failures?;
    (failures.count >= MAX_FAILURES && now < failures.window_ends)
        .then(|| (failures.window_ends - now).num_seconds().max(1))
}

/// Seconds `username` must wait before trying again at `now`, else `None`.
pub fn refused(
    store: &dyn AccountRepository,
    username: &str,
    now: DateTime<Utc>,
) -> Result<Option<i64>, ApiError> {
    Ok(wait(store.login_failures(username, now, window())?, now))
}

/// Counts a failed login.
pub fn failed(
    store: &dyn AccountRepository,
    username: &str,
    now: DateTime<Utc>,
) -> Result<(), ApiError> {
    store.record_login_failure(username, now, window())?;
    Ok(())
}

/// Forgets the failures of a user who logged in.
pub fn succeeded(store: &dyn AccountRepository, username: &str) -> Result<(), ApiError> {
    store.clear_login_failures(username)?;
    Ok(())
}

#[cfg(test)]
mod tests {
    use chrono::TimeZone;

    use super::*;

    fn at(minutes: i64) -> DateTime<Utc> {
        Utc.with_ymd_and_hms(2026, 3, 2, 9, 0, 0)
            .single()
            .map(|t| t + Duration::minutes(minutes))
            .unwrap_or_default()
    }

    #[test]
    fn the_allowance_used_up_means_waiting_for_the_window_to_close() {
        let ends = at(60);
        let used = |count| {
            Some(LoginFailures {
                count,
                window_ends: ends,
            })
        };
        assert_eq!(wait(None, at(1)), None);
        assert_eq!(wait(used(MAX_FAILURES - 1), at(1)), None);
        assert_eq!(wait(used(MAX_FAILURES), at(1)), Some(59 * 60));
        assert_eq!(wait(used(MAX_FAILURES + 5), at(59)), Some(60));
        assert_eq!(
            wait(used(MAX_FAILURES), at(60)),
            None,
            "no permanent lock-out"
        );
        let last_second = ends - Duration::milliseconds(300);
        assert_eq!(wait(used(MAX_FAILURES), last_second), Some(1));
    }
}
