//! Contract cases for the reasons given in a browser session for opening limited access records:
//! kept per session and person, replaced when given again, read only while the session is live,
//! and gone with the session (sign-out, every session of a user ended).

use chrono::Duration;
use oasys_app::*;

use crate::account_cases::account;
use crate::support::*;

const LIMITS: SessionLimits = SessionLimits {
    idle: Duration::minutes(30),
    absolute: Duration::hours(12),
};

fn session(hash: &str, username: &str) -> Session {
    Session {
        token_hash: hash.to_owned(),
        username: username.to_owned(),
        created_at: at(1),
        last_seen_at: at(1),
    }
}

pub fn session_reasons_last_as_long_as_their_session(t: &mut TestDb) {
    let db = t.db();
    let now = at(1) + Duration::minutes(5);
    db.create_user(&account("PO1")).expect("user");
    db.create_user(&account("PO2")).expect("user");
    let p = person(1, "Example", "Sam");
    let other = person(2, "Sample", "Alex");
    db.insert_person(&p).expect("person");
    db.insert_person(&other).expect("person");
    for (hash, user) in [("s1", "PO1"), ("s2", "PO1"), ("s3", "PO2")] {
        db.create_session(&session(hash, user)).expect("session");
    }
    let reason = |hash: &str, id, now| db.session_reason(hash, id, now, LIMITS).expect("read");

    assert_eq!(reason("s1", p.id, now), None);
    db.save_session_reason("s1", p.id, "Court report due", now, LIMITS)
        .expect("save");
    assert_eq!(reason("s1", p.id, now).as_deref(), Some("Court report due"));
    // Per session and per person.
    assert_eq!(reason("s2", p.id, now), None, "another session of the user");
    assert_eq!(reason("s3", p.id, now), None, "another user");
    assert_eq!(reason("s1", other.id, now), None, "another person");
    // Given again: replaced.
    db.save_session_reason("s1", p.id, "MAPPA meeting today", now, LIMITS)
        .expect("replace");
    assert_eq!(
        reason("s1", p.id, now).as_deref(),
        Some("MAPPA meeting today")
    );
    assert_eq!(
        t.count("SELECT COUNT(*) AS n FROM session_reasons WHERE session_hash = 's1'"),
        1
    );
    db.save_session_reason("s1", other.id, "Safeguarding referral", now, LIMITS)
        .expect("save");
    let mut expected = vec![
        (p.id, "MAPPA meeting today".to_owned()),
        (other.id, "Safeguarding referral".to_owned()),
    ];
    expected.sort();
    assert_eq!(
        db.session_reasons("s1", now, LIMITS).expect("all"),
        expected
    );
    assert_eq!(db.session_reasons("s2", now, LIMITS).expect("all"), vec![]);

    // Not kept for a session that is not live or a person not stored.
    for refused in [
        db.save_session_reason("unknown", p.id, "Court report due", now, LIMITS),
        db.save_session_reason("s1", p.id, "Court report due", at(2), LIMITS),
        db.save_session_reason(
            "s1",
            uuid::Uuid::from_u128(999_999),
            "Court report due",
            now,
            LIMITS,
        ),
    ] {
        assert!(
            matches!(refused, Err(StoreError::NotFound { .. })),
            "{refused:?}"
        );
    }
    // Expired (idle): unusable, although the row is still there.
    assert_eq!(reason("s1", p.id, at(1) + Duration::minutes(31)), None);
    assert!(
        db.session_reasons("s1", at(1) + Duration::minutes(31), LIMITS)
            .expect("all")
            .is_empty()
    );

    // Sign-out removes the session's reasons.
    db.revoke_session("s1").expect("revoke");
    assert_eq!(reason("s1", p.id, now), None);
    assert_eq!(
        t.count("SELECT COUNT(*) AS n FROM session_reasons WHERE session_hash = 's1'"),
        0
    );
    // Ending every session of a user (disabling) removes theirs too.
    db.save_session_reason("s2", p.id, "Court report due", now, LIMITS)
        .expect("save");
    db.save_session_reason("s3", p.id, "Safeguarding check", now, LIMITS)
        .expect("save");
    db.set_disabled("PO1", true).expect("disable");
    assert_eq!(
        t.count("SELECT COUNT(*) AS n FROM session_reasons WHERE session_hash = 's2'"),
        0
    );
    assert_eq!(
        reason("s3", p.id, now).as_deref(),
        Some("Safeguarding check")
    );
}

pub fn session_reasons_in_a_unit_of_work_roll_back(t: &mut TestDb) {
    let db = t.db();
    let now = at(1) + Duration::minutes(5);
    db.create_user(&account("PO1")).expect("user");
    let p = person(1, "Example", "Sam");
    db.insert_person(&p).expect("person");
    db.create_session(&session("s1", "PO1")).expect("session");
    let failed: Result<(), AppError> = db.in_transaction(|repos| {
        repos.save_session_reason("s1", p.id, "Court report due", now, LIMITS)?;
        assert_eq!(
            repos.session_reason("s1", p.id, now, LIMITS)?.as_deref(),
            Some("Court report due")
        );
        Err(AppError::Invalid(vec!["roll back".to_owned()]))
    });
    assert!(failed.is_err());
    assert_eq!(
        db.session_reason("s1", p.id, now, LIMITS).expect("read"),
        None
    );
}

pub fn expired_sessions_are_purged_with_their_reasons(t: &mut TestDb) {
    let db = t.db();
    db.create_user(&account("PO1")).expect("user");
    let p = person(1, "Example", "Sam");
    db.insert_person(&p).expect("person");
    let start = at(1);
    let session_at = |hash: &str, created, seen| Session {
        token_hash: hash.to_owned(),
        username: "PO1".to_owned(),
        created_at: created,
        last_seen_at: seen,
    };
    // At `now`: one idle too long, one past the absolute limit although used a minute ago, one
    // exactly at the idle limit (still live: `session` refuses only beyond it) and one fresh.
    let now = start + Duration::hours(13);
    let sessions = [
        session_at(
            "idle",
            now - Duration::hours(2),
            now - Duration::minutes(31),
        ),
        session_at("old", start, now - Duration::minutes(1)),
        session_at("edge", now - Duration::hours(1), now - LIMITS.idle),
        session_at(
            "fresh",
            now - Duration::minutes(10),
            now - Duration::minutes(2),
        ),
    ];
    for s in &sessions {
        db.create_session(s).expect("session");
        db.save_session_reason(
            &s.token_hash,
            p.id,
            "Court report due",
            s.created_at + Duration::minutes(1),
            LIMITS,
        )
        .expect("reason while live");
    }
    let live = |hash: &str| db.session(hash, now, LIMITS).expect("read").is_some();
    assert_eq!(
        sessions
            .iter()
            .map(|s| live(&s.token_hash))
            .collect::<Vec<_>>(),
        [false, false, true, true]
    );

    assert_eq!(db.purge_expired_sessions(now, LIMITS).expect("purge"), 2);
    assert_eq!(t.count("SELECT COUNT(*) AS n FROM sessions"), 2);
    assert_eq!(
        t.count(
            "SELECT COUNT(*) AS n FROM session_reasons \
             WHERE session_hash IN ('idle', 'old')"
        ),
        0,
        "the reasons of purged sessions go with them"
    );
    for hash in ["edge", "fresh"] {
        assert!(live(hash), "{hash} is still live");
        assert_eq!(
            db.session_reason(hash, p.id, now, LIMITS)
                .expect("read")
                .as_deref(),
            Some("Court report due")
        );
    }
    assert_eq!(db.purge_expired_sessions(now, LIMITS).expect("again"), 0);
}
