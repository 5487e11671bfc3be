//! Contract cases for the audit log: append and query, append-only triggers, and tampering with
//! the triggers dropped (alter, delete, reorder, truncate) found at the right `seq`.

use std::sync::Barrier;

use oasys_app::*;
use oasys_storage::Backend;
use uuid::Uuid;

use crate::support::*;

fn seed(t: &TestDb, n: u128) {
    for i in 1..=n {
        let person = Some(Uuid::from_u128(i % 2));
        t.db()
            .append(&entry(i, person, u32::try_from(i).unwrap_or(1)))
            .expect("append");
    }
}

fn broken(t: &TestDb) -> ChainBreak {
    match t.db().verify().expect("verify") {
        ChainReport::Broken(b) => b,
        ChainReport::Intact { .. } => panic!("tampering went unnoticed"),
    }
}

pub fn audit_append_query_verify(t: &mut TestDb) {
    let db = t.db();
    assert!(matches!(
        db.verify().expect("verify"),
        ChainReport::Intact { entries: 0, .. }
    ));
    db.append(&entry(1, Some(Uuid::from_u128(1)), 1))
        .expect("append");
    db.append(&entry(2, None, 2)).expect("append");
    let stored = db
        .query(&AuditQuery {
            limit: 10,
            ..AuditQuery::default()
        })
        .expect("query");
    let [first, second] = stored.as_slice() else {
        panic!("two entries, not {}", stored.len())
    };
    assert_eq!(
        (first.seq, first.prev_hash.as_str()),
        (1, "0".repeat(64).as_str())
    );
    assert_eq!(second.seq, 2);
    assert_eq!(second.prev_hash, first.entry_hash);
    assert_eq!(second.entry, entry(2, None, 2));
    let mut disclosure = entry(3, Some(Uuid::from_u128(1)), 3);
    disclosure.operation = Operation::Disclosure;
    assert!(
        matches!(db.append(&disclosure), Err(AuditError::Invalid { .. })),
        "no recipients"
    );
    disclosure.recipients = vec!["police:MPS".into()];
    assert!(
        matches!(db.append(&disclosure), Err(AuditError::Invalid { .. })),
        "no justification"
    );
    disclosure.justification = Some("MAPPA meeting".into());
    disclosure.outcome = AuditOutcome::Denied {
        code: "not_allocated".into(),
    };
    db.append(&disclosure).expect("complete disclosure");
    assert!(
        matches!(db.append(&disclosure), Err(AuditError::Invalid { .. })),
        "same event id"
    );
    let about = db
        .query(&AuditQuery {
            person: Some(Uuid::from_u128(1)),
            limit: 10,
            ..AuditQuery::default()
        })
        .expect("by person");
    assert_eq!(about.iter().map(|e| e.seq).collect::<Vec<_>>(), vec![1, 3]);
    assert_eq!(about[1].entry, disclosure);
    let window = db
        .query(&AuditQuery {
            from: Some(at(2)),
            to: Some(at(3)),
            limit: 10,
            ..AuditQuery::default()
        })
        .expect("by time");
    assert_eq!(window.iter().map(|e| e.seq).collect::<Vec<_>>(), vec![2]);
    match db.verify().expect("verify") {
        ChainReport::Intact { entries, head_hash } => {
            assert_eq!(entries, 3);
            assert_eq!(head_hash, about[1].entry_hash);
        }
        other => panic!("{other:?}"),
    }
}

pub fn audit_is_append_only(t: &mut TestDb) {
    seed(t, 3);
    assert!(
        t.raw("UPDATE audit_log SET actor = 'someone else' WHERE seq = 2")
            .is_err()
    );
    assert!(t.raw("DELETE FROM audit_log WHERE seq = 3").is_err());
    assert!(t.raw("UPDATE audit_chain SET head_seq = 1").is_err());
    if t.backend == Backend::Postgres {
        assert!(t.raw("TRUNCATE audit_log").is_err());
    }
    assert!(matches!(
        t.db().verify().expect("verify"),
        ChainReport::Intact { entries: 3, .. }
    ));
}

pub fn tamper_alter_detected(t: &mut TestDb) {
    seed(t, 5);
    t.disable_audit_triggers();
    t.raw("UPDATE audit_log SET details = '{\"page\":\"other\"}' WHERE seq = 3")
        .expect("tamper");
    assert_eq!(broken(t), ChainBreak::Altered { seq: 3 });
}

pub fn tamper_delete_detected(t: &mut TestDb) {
    seed(t, 5);
    t.disable_audit_triggers();
    t.raw("DELETE FROM audit_log WHERE seq = 2")
        .expect("tamper");
    assert_eq!(broken(t), ChainBreak::Missing { seq: 2 });
    // Closing the gap by renumbering is found too.
    t.raw("UPDATE audit_log SET seq = seq - 1 WHERE seq > 2")
        .expect("renumber");
    t.raw("UPDATE audit_log SET seq = 2 WHERE seq = 2")
        .expect("noop");
    assert_eq!(broken(t), ChainBreak::Missing { seq: 2 });
}

pub fn tamper_reorder_detected(t: &mut TestDb) {
    seed(t, 5);
    t.disable_audit_triggers();
    t.raw(
        "UPDATE audit_log SET seq = -1 WHERE seq = 3; \
         UPDATE audit_log SET seq = 3 WHERE seq = 4; \
         UPDATE audit_log SET seq = 4 WHERE seq = -1;",
    )
    .expect("swap rows 3 and 4");
    assert_eq!(broken(t), ChainBreak::OutOfOrder { seq: 3 });
}

pub fn tamper_truncate_detected(t: &mut TestDb) {
    seed(t, 5);
    t.disable_audit_triggers();
    t.raw("DELETE FROM audit_log WHERE seq >= 4")
        .expect("tamper");
    assert_eq!(broken(t), ChainBreak::Truncated { seq: 4 });
}

pub fn concurrent_appends_do_not_fork(t: &mut TestDb) {
    const WRITERS: u128 = 4;
    const EACH: u128 = 25;
    let db = t.db();
    let barrier = Barrier::new(WRITERS as usize);
    std::thread::scope(|s| {
        for w in 0..WRITERS {
            let barrier = &barrier;
            s.spawn(move || {
                barrier.wait();
                for i in 0..EACH {
                    db.append(&entry(w * 1_000 + i, None, 1)).expect("append");
                }
            });
        }
    });
    let all = db
        .query(&AuditQuery {
            limit: 1_000,
            ..AuditQuery::default()
        })
        .expect("all");
    assert_eq!(
        all.iter().map(|e| e.seq).collect::<Vec<_>>(),
        (1..=(WRITERS * EACH) as u64).collect::<Vec<_>>()
    );
    assert!(matches!(
        db.verify().expect("verify"),
        ChainReport::Intact { .. }
    ));
}
