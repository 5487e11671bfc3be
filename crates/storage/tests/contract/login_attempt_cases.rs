//! Contract cases for failed-login counting shared by every server instance: fixed windows per
//! username (case-insensitive), clearing, closed windows, and concurrent failures from two
//! handles on one database each counted once.

use std::sync::Barrier;

use chrono::Duration;
use oasys_app::*;
use oasys_storage::Database;

use crate::support::*;

const HOUR: Duration = Duration::hours(1);

pub fn login_failures_count_in_a_window_then_start_again(t: &mut TestDb) {
    let db = t.db();
    let start = at(1);
    assert_eq!(db.login_failures("PO1", start, HOUR).expect("read"), None);
    for n in 1..=3u32 {
        let now = start + Duration::minutes(i64::from(n));
        let counted = db.record_login_failure("PO1", now, HOUR).expect("record");
        assert_eq!(counted.count, n);
        assert_eq!(counted.window_ends, start + Duration::minutes(1) + HOUR);
    }
    let later = start + Duration::minutes(10);
    let read = db.login_failures("po1", later, HOUR).expect("read");
    assert_eq!(
        read.map(|f| f.count),
        Some(3),
        "usernames are compared case-insensitively"
    );
    assert_eq!(
        db.login_failures("PO2", later, HOUR).expect("read"),
        None,
        "other usernames are unaffected"
    );
    // Unknown usernames are counted too (no enumeration through the throttle).
    assert_eq!(
        db.record_login_failure("nobody-at-all", later, HOUR)
            .expect("record")
            .count,
        1
    );

    // The window opened at minute 1 closes at minute 61.
    let closed = start + Duration::minutes(61);
    assert_eq!(db.login_failures("PO1", closed, HOUR).expect("read"), None);
    let reopened = db
        .record_login_failure("PO1", closed, HOUR)
        .expect("record");
    assert_eq!(reopened.count, 1, "a new window");
    assert_eq!(reopened.window_ends, closed + HOUR);

    db.clear_login_failures("pO1").expect("clear");
    assert_eq!(db.login_failures("PO1", closed, HOUR).expect("read"), None);
    db.clear_login_failures("never-failed")
        .expect("clearing nothing is fine");
}

pub fn login_failures_from_two_instances_are_each_counted(t: &mut TestDb) {
    const EACH: u32 = 25;
    let first = t.db();
    let second = Database::open(&t.url).expect("a second handle, as another instance");
    let now = at(2);
    let barrier = Barrier::new(4);
    std::thread::scope(|s| {
        for handle in [first, &second, first, &second] {
            let barrier = &barrier;
            s.spawn(move || {
                barrier.wait();
                for i in 0..EACH {
                    let when = now + Duration::milliseconds(i64::from(i));
                    handle
                        .record_login_failure("Shared", when, HOUR)
                        .expect("record");
                }
            });
        }
    });
    let counted = second
        .login_failures("shared", now + Duration::seconds(1), HOUR)
        .expect("read")
        .expect("an open window");
    assert_eq!(counted.count, 4 * EACH, "no failure lost or doubled");
    assert_eq!(counted.window_ends, now + HOUR);
}

pub fn login_failures_in_a_unit_of_work_roll_back(t: &mut TestDb) {
    let db = t.db();
    let now = at(3);
    let failed: Result<(), AppError> = db.in_transaction(|repos| {
        repos.record_login_failure("PO1", now, HOUR)?;
        Err(AppError::Invalid(vec!["roll back".to_owned()]))
    });
    assert!(failed.is_err());
    assert_eq!(db.login_failures("PO1", now, HOUR).expect("read"), None);
}
