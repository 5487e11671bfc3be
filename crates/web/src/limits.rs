//! Login throttling (spec S3): at most `MAX_FAILURES` failed logins per username per hour; the
//! next attempt is refused with 429 before any hashing. Kept per process (not yet shared).

use std::collections::HashMap;
use std::sync::Mutex;

use chrono::{DateTime, Duration, Utc};

/// Failed logins allowed per username in one window.
pub const MAX_FAILURES: u32 = 100;

/// Entries kept before expired ones are swept (bounds memory under a spray of usernames).
const SWEEP_AT: usize = 10_000;

/// Failed-login counters by username.
#[derive(Debug, Default)]
pub struct LoginThrottle {
    failures: Mutex<HashMap<String, (u32, DateTime<Utc>)>>,
}

fn window() -> Duration {
    Duration::hours(1)
}

impl LoginThrottle {
    /// Seconds to wait when `username` has used up its failures at `now`, else `None`.
    pub fn refused(&self, username: &str, now: DateTime<Utc>) -> Option<i64> {
        let failures = self.failures.lock().ok()?;
        let (count, since) = failures.get(&username.to_lowercase())?;
        let ends = *since + window();
        (*count >= MAX_FAILURES && now < ends).then(|| (ends - now).num_seconds().max(1))
    }

    /// Counts a failed login.
    pub fn failed(&self, username: &str, now: DateTime<Utc>) {
        let Ok(mut failures) = self.failures.lock() else {
            return;
        };
        if failures.len() >= SWEEP_AT {
            failures.retain(|_, (_, since)| now < *since + window());
        }
        let entry = failures.entry(username.to_lowercase()).or_insert((0, now));
        if now >= entry.1 + window() {
            *entry = (0, now);
        }
        entry.0 = entry.0.saturating_add(1);
    }

    /// Forgets the failures of a user who logged in.
    pub fn succeeded(&self, username: &str) {
        if let Ok(mut failures) = self.failures.lock() {
            failures.remove(&username.to_lowercase());
        }
    }
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
    fn the_101st_failure_in_an_hour_is_refused_then_the_window_reopens() {
        let throttle = LoginThrottle::default();
        for _ in 0..MAX_FAILURES {
            assert_eq!(throttle.refused("PO1", at(1)), None);
            throttle.failed("PO1", at(1));
        }
        assert!(throttle.refused("po1", at(2)).is_some(), "case-insensitive");
        assert_eq!(
            throttle.refused("PO2", at(2)),
            None,
            "other users unaffected"
        );
        assert_eq!(
            throttle.refused("PO1", at(61)),
            None,
            "no permanent lock-out"
        );
        throttle.failed("PO1", at(61));
        assert_eq!(throttle.refused("PO1", at(62)), None, "a new window");
    }

    #[test]
    fn success_clears_the_count() {
        let throttle = LoginThrottle::default();
        for _ in 0..MAX_FAILURES {
            throttle.failed("PO1", at(1));
        }
        throttle.succeeded("PO1");
        assert_eq!(throttle.refused("PO1", at(2)), None);
    }
}
