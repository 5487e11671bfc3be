//! Contract cases for accounts: users and profiles, sessions with idle and absolute timeouts,
//! disabling and password changes ending sessions, and API tokens (expiry, revocation).

use std::collections::BTreeSet;

use chrono::Duration;
use oasys_app::*;
use oasys_assessment_model::Rank;
use oasys_sharing_policy::{Action, Role};
use uuid::Uuid;

use crate::support::*;

fn profile(role: Role) -> AccountProfile {
    AccountProfile {
        role,
        grade: Some(Rank::new(3).expect("rank")),
        area: "N07".to_owned(),
        teams: BTreeSet::from(["TEAM1".to_owned()]),
        managed_teams: BTreeSet::new(),
    }
}

pub fn account(username: &str) -> UserAccount {
    UserAccount {
        username: username.to_owned(),
        password_hash: "$argon2id$v=19$m=19456,t=2,p=1$c2FsdHNhbHRzYWx0$aGFzaA".to_owned(),
        profile: profile(Role::Practitioner),
        disabled: false,
        created_at: at(1),
    }
}

fn session(hash: &str, username: &str, day: u32) -> Session {
    Session {
        token_hash: hash.to_owned(),
        username: username.to_owned(),
        created_at: at(day),
        last_seen_at: at(day),
    }
}

const LIMITS: SessionLimits = SessionLimits {
    idle: Duration::minutes(30),
    absolute: Duration::hours(12),
};

pub fn users_create_get_update(t: &mut TestDb) {
    let db = t.db();
    assert_eq!(db.user("PO1").expect("read"), None);
    db.create_user(&account("PO1")).expect("create");
    assert_eq!(db.user("PO1").expect("read"), Some(account("PO1")));
    assert!(matches!(
        db.create_user(&account("PO1")),
        Err(StoreError::Conflict { .. })
    ));
    let mut spo = profile(Role::SeniorProbationOfficer);
    spo.managed_teams.insert("TEAM1".to_owned());
    db.set_profile("PO1", &spo).expect("profile");
    db.set_password_hash("PO1", "$argon2id$new").expect("hash");
    let stored = db.user("PO1").expect("read").expect("stored");
    assert_eq!(stored.profile, spo);
    assert_eq!(stored.password_hash, "$argon2id$new");
    for missing in [
        db.set_disabled("nobody", true),
        db.set_profile("nobody", &spo),
        db.set_password_hash("nobody", "x"),
    ] {
        assert!(
            matches!(missing, Err(StoreError::NotFound { .. })),
            "{missing:?}"
        );
    }
}

pub fn sessions_expire_and_end(t: &mut TestDb) {
    let db = t.db();
    db.create_user(&account("PO1")).expect("create");
    assert!(matches!(
        db.create_session(&session("h0", "nobody", 1)),
        Err(StoreError::NotFound { .. })
    ));
    db.create_session(&session("h1", "PO1", 1))
        .expect("session");
    assert!(matches!(
        db.create_session(&session("h1", "PO1", 1)),
        Err(StoreError::Conflict { .. })
    ));
    let start = at(1);
    let live = |hash: &str, now| db.session(hash, now, LIMITS).expect("read").is_some();
    assert!(live("h1", start + Duration::minutes(29)));
    assert!(!live("h1", start + Duration::minutes(31)), "idle timeout");
    // Touching keeps it alive up to the absolute limit, and never moves it back.
    for hour in 1..=11 {
        db.touch_session("h1", start + Duration::hours(hour))
            .expect("touch");
    }
    db.touch_session("h1", start).expect("touch back");
    assert!(live(
        "h1",
        start + Duration::hours(11) + Duration::minutes(20)
    ));
    db.touch_session("h1", start + Duration::hours(12))
        .expect("touch");
    assert!(
        !live("h1", start + Duration::hours(12) + Duration::minutes(1)),
        "absolute"
    );
    assert!(!live("unknown", start));

    db.create_session(&session("h2", "PO1", 2))
        .expect("session");
    db.revoke_session("h2").expect("logout");
    db.revoke_session("h2").expect("logout twice");
    assert!(!live("h2", at(2)));

    db.create_session(&session("h3", "PO1", 3))
        .expect("session");
    db.set_disabled("PO1", true).expect("disable");
    assert!(!live("h3", at(3)));
    db.set_disabled("PO1", false).expect("enable");
    assert!(!live("h3", at(3)), "disabling ended the session for good");

    db.create_session(&session("h4", "PO1", 4))
        .expect("session");
    db.set_password_hash("PO1", "$argon2id$changed")
        .expect("hash");
    assert!(!live("h4", at(4)), "a password change ends sessions");
}

pub fn api_tokens_expire_and_revoke(t: &mut TestDb) {
    let db = t.db();
    db.create_user(&account("svc")).expect("create");
    let token = |n: u128, hash: &str, expires: Option<u32>| ApiToken {
        id: Uuid::from_u128(n),
        token_hash: hash.to_owned(),
        username: "svc".to_owned(),
        scope: BTreeSet::from([Action::ViewIdentifiers]),
        created_at: at(1),
        expires_at: expires.map(at),
        revoked_at: None,
    };
    db.create_api_token(&token(1, "t1", None)).expect("create");
    db.create_api_token(&token(2, "t2", Some(10)))
        .expect("create");
    assert!(matches!(
        db.create_api_token(&token(3, "t1", None)),
        Err(StoreError::Conflict { .. })
    ));
    let mut stranger = token(4, "t4", None);
    stranger.username = "nobody".to_owned();
    assert!(matches!(
        db.create_api_token(&stranger),
        Err(StoreError::NotFound { .. })
    ));
    assert_eq!(
        db.api_token("t1", at(5)).expect("read"),
        Some((
            token(1, "t1", None),
            db.user("svc").expect("user").expect("svc")
        ))
    );
    assert!(db.api_token("t2", at(9)).expect("read").is_some());
    assert_eq!(db.api_token("t2", at(10)).expect("read"), None, "expired");
    assert_eq!(db.api_token("nope", at(5)).expect("read"), None);

    db.revoke_api_token(Uuid::from_u128(1), at(6))
        .expect("revoke");
    db.revoke_api_token(Uuid::from_u128(1), at(7))
        .expect("revoke twice");
    assert_eq!(db.api_token("t1", at(8)).expect("read"), None);
    assert!(matches!(
        db.revoke_api_token(Uuid::from_u128(99), at(6)),
        Err(StoreError::NotFound { .. })
    ));

    db.create_api_token(&token(5, "t5", None)).expect("create");
    db.set_disabled("svc", true).expect("disable");
    assert_eq!(
        db.api_token("t5", at(5)).expect("read"),
        None,
        "disabled owner"
    );
}

pub fn accounts_in_a_unit_of_work_roll_back(t: &mut TestDb) {
    let db = t.db();
    let result: Result<(), AppError> = db.in_transaction(|repos| {
        repos.create_user(&account("PO9"))?;
        repos.create_session(&session("h9", "PO9", 1))?;
        Err(AppError::Invalid(vec!["roll back".to_owned()]))
    });
    assert!(result.is_err());
    assert_eq!(db.user("PO9").expect("read"), None);
    assert_eq!(db.session("h9", at(1), LIMITS).expect("read"), None);
}
