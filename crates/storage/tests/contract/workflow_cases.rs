//! Contract cases for caseloads, reviews due and the unit of work (several writes and audit
//! events in one transaction), run on both backends by the `contract!` macro.

use oasys_app::*;
use serde_json::json;

use crate::access_cases::{co_worker, lao};
use crate::document_cases::doc_id;
use crate::support::*;

pub fn caseload_and_reviews_due(t: &mut TestDb) {
    let db = t.db();
    let a = person(1, "Brown", "Ann");
    let b = person(2, "Adams", "Bob");
    let c = person(3, "Clark", "Cy");
    for p in [&a, &b, &c] {
        db.insert_person(p).expect("person");
    }
    let alloc = |p: &oasys_assessment_model::Person, who: &str, day: u32| Allocation {
        person_id: p.id,
        practitioner: who.to_owned(),
        team: team("TEAM1"),
        allocated_at: at(day),
        allocated_by: "SPO".to_owned(),
    };
    db.allocate(&alloc(&a, "PO1", 1)).expect("allocate");
    db.allocate(&alloc(&b, "PO1", 1)).expect("allocate");
    db.allocate(&alloc(&c, "PO1", 1)).expect("allocate");
    db.allocate(&alloc(&c, "PO2", 2)).expect("reallocate");
    assert!(matches!(
        db.allocate(&alloc(&person(9, "X", "Y"), "PO1", 1)),
        Err(StoreError::NotFound { .. })
    ));
    assert_eq!(
        db.current_allocation(c.id)
            .expect("current")
            .map(|x| x.practitioner),
        Some("PO2".into())
    );
    let old = assessment(1, &a, "PO1", "TEAM1", 1);
    let new = assessment(2, &a, "PO1", "TEAM1", 5);
    db.insert_assessment(&old, Some(date(2026, 4, 1)))
        .expect("insert");
    db.insert_assessment(&new, Some(date(2026, 6, 1)))
        .expect("insert");
    let other_team = assessment(3, &b, "PO3", "TEAM2", 2);
    db.insert_assessment(&other_team, Some(date(2026, 5, 1)))
        .expect("insert");
    let caseload = db.caseload("PO1").expect("caseload");
    assert_eq!(
        caseload.iter().map(|e| e.person.id).collect::<Vec<_>>(),
        vec![b.id, a.id]
    );
    let ann = &caseload[1];
    let latest = ann.latest_assessment.as_ref().expect("latest");
    assert_eq!(
        (latest.id, latest.review_due),
        (new.header().id, Some(date(2026, 6, 1)))
    );
    assert!(caseload[0].latest_assessment.is_some());
    assert_eq!(
        db.caseload("PO2").expect("caseload")[0].latest_assessment,
        None
    );
    let due = |scope: ReviewScope, before| {
        db.reviews_due(&scope, before, 10)
            .expect("due")
            .into_iter()
            .map(|r| (r.assessment.id, r.due))
            .collect::<Vec<_>>()
    };
    // The older assessment's review was cleared when the newer one got its date.
    assert_eq!(
        due(ReviewScope::Team(team("TEAM1")), date(2026, 12, 1)),
        vec![(new.header().id, date(2026, 6, 1))]
    );
    assert_eq!(
        due(ReviewScope::Team(team("TEAM1")), date(2026, 6, 1)),
        vec![]
    );
    assert_eq!(
        due(ReviewScope::Practitioner("PO3".into()), date(2026, 5, 2)),
        vec![(other_team.header().id, date(2026, 5, 1))]
    );
}

/// A use case's error in the unit-of-work cases.
#[derive(Debug)]
enum Failure {
    Store(StoreError),
    Audit(AuditError),
    Refused,
}

impl From<StoreError> for Failure {
    fn from(e: StoreError) -> Self {
        Self::Store(e)
    }
}

impl From<AuditError> for Failure {
    fn from(e: AuditError) -> Self {
        Self::Audit(e)
    }
}

pub fn unit_of_work_rolls_back(t: &mut TestDb) {
    let db = t.db();
    let p = person(1, "Smith", "Sam");
    let refused: Result<(), Failure> = db.in_transaction(|tx| {
        tx.insert_person(&p)?;
        tx.append(&entry(1, Some(p.id), 1))?;
        Err(Failure::Refused)
    });
    assert!(matches!(refused, Err(Failure::Refused)));
    assert_eq!(db.get_person(p.id).expect("get"), None);
    assert!(
        db.query(&AuditQuery {
            limit: 10,
            ..AuditQuery::default()
        })
        .expect("query")
        .is_empty()
    );
    let done: Result<(), Failure> = db.in_transaction(|tx| {
        tx.insert_person(&p)?;
        Ok(tx.append(&entry(1, Some(p.id), 1))?)
    });
    done.expect("commit");
    let stored = db
        .query(&AuditQuery {
            limit: 10,
            ..AuditQuery::default()
        })
        .expect("query");
    assert_eq!(stored.iter().map(|e| e.seq).collect::<Vec<_>>(), [1]);
    let duplicate: Result<(), Failure> = db.in_transaction(|tx| {
        tx.append(&entry(2, Some(p.id), 1))?;
        tx.insert_person(&p)?;
        Ok(())
    });
    assert!(matches!(
        duplicate,
        Err(Failure::Store(StoreError::Conflict { .. }))
    ));
    let mut disclosure = entry(3, Some(p.id), 1);
    disclosure.operation = Operation::Disclosure;
    let refused_audit: Result<(), Failure> = db.in_transaction(|tx| {
        tx.append(&disclosure)?;
        Ok(())
    });
    assert!(matches!(
        refused_audit,
        Err(Failure::Audit(AuditError::Invalid { .. }))
    ));
    assert!(db.get_person(p.id).expect("get").is_some());
    assert!(matches!(
        db.verify().expect("verify"),
        ChainReport::Intact { entries: 1, .. }
    ));
}

pub fn unit_of_work_covers_cases_and_documents(t: &mut TestDb) {
    const PLAN: DocumentKind = DocumentKind::SentencePlan;
    let db = t.db();
    let p = person(1, "Smith", "Sam");
    db.insert_person(&p).expect("person");
    let write_all = |tx: &dyn Repositories| -> Result<u64, Failure> {
        tx.set_team_area("TEAM1", "Wales")?;
        tx.add_relationship(p.id, &co_worker("PO2", 1, 9))?;
        tx.set_lao(p.id, &lao(&["PO7"], &[]), at(1))?;
        tx.insert_document(PLAN, doc_id(1), p.id, None, &json!({ "n": 1 }), at(1))?;
        let revision = tx.update_document(PLAN, doc_id(1), 1, &json!({ "n": 2 }), at(2))?;
        // Reads inside the unit of work see its own writes.
        let seen = tx.get_document(PLAN, doc_id(1))?.map(|d| d.revision);
        let access = tx.case_access(p.id)?;
        let covered = access.is_some_and(|a| a.relationships.iter().any(|r| r.staff_id == "PO2"));
        assert_eq!((seen, covered), (Some(2), true));
        tx.append(&entry(1, Some(p.id), 2))?;
        Ok(revision)
    };
    let refused: Result<(), Failure> = db.in_transaction(|tx| {
        write_all(tx)?;
        Err(Failure::Refused)
    });
    assert!(matches!(refused, Err(Failure::Refused)));
    let untouched = db.case_access(p.id).expect("read").expect("known");
    assert!(untouched.relationships.is_empty());
    assert_eq!(untouched.lao, Default::default());
    assert_eq!(db.get_document(PLAN, doc_id(1)).expect("get"), None);
    assert!(db.document_history(PLAN, doc_id(1)).expect("h").is_empty());
    db.allocate(&crate::access_cases::allocation(p.id, "PO1", "TEAM1", 1))
        .expect("allocate");
    assert_eq!(
        db.case_access(p.id).expect("read").expect("known").area,
        None,
        "the team area was rolled back"
    );
    assert_eq!(db.in_transaction(write_all).expect("commit"), 2);
    let access = db.case_access(p.id).expect("read").expect("known");
    assert_eq!(access.area.as_deref(), Some("Wales"));
    assert_eq!(access.relationships.len(), 2);
    assert_eq!(access.lao, lao(&["PO7"], &[]));
    assert_eq!(db.document_history(PLAN, doc_id(1)).expect("h").len(), 2);
    // A stale revision inside a unit of work rolls the whole unit back.
    let stale: Result<(), Failure> = db.in_transaction(|tx| {
        tx.set_lao(p.id, &lao(&[], &["PO1"]), at(3))?;
        tx.update_document(PLAN, doc_id(1), 1, &json!({ "n": 3 }), at(3))?;
        Ok(())
    });
    assert!(matches!(
        stale,
        Err(Failure::Store(StoreError::Conflict {
            current_version: Some(2),
            ..
        }))
    ));
    let kept = db.case_access(p.id).expect("read").expect("known");
    assert_eq!(kept.lao, lao(&["PO7"], &[]));
}

/// Concurrent units of work, some failing and one panicking while the others wait behind it (on
/// SQLite they share one transaction and one commit): every unit that succeeded is kept with its
/// audit event, nothing of a failed or panicking one is, and the chain has no gap or fork.
pub fn concurrent_units_of_work_keep_exactly_the_successful(t: &mut TestDb) {
    const UNITS: u64 = 24;
    let db = t.db();
    let barrier = std::sync::Barrier::new(usize::try_from(UNITS).unwrap_or(0));
    let outcomes: Vec<std::thread::Result<Result<(), Failure>>> = std::thread::scope(|s| {
        let handles: Vec<_> = (0..UNITS)
            .map(|n| {
                let barrier = &barrier;
                s.spawn(move || {
                    if n != 0 {
                        barrier.wait();
                    }
                    db.in_transaction(|tx| -> Result<(), Failure> {
                        let p = person(n + 1, "Unit", "Worker");
                        tx.insert_person(&p)?;
                        tx.append(&entry(u128::from(n) + 1, Some(p.id), 1))?;
                        if n == 0 {
                            // Unit 0 starts first and holds the writer while the others queue
                            // behind it, then panics.
                            barrier.wait();
                            std::thread::sleep(std::time::Duration::from_millis(200));
                            panic!("unit 0 fails unexpectedly");
                        }
                        if n % 4 == 1 {
                            return Err(Failure::Refused);
                        }
                        Ok(())
                    })
                })
            })
            .collect();
        handles.into_iter().map(|h| h.join()).collect()
    });
    let mut kept = 0;
    for (n, outcome) in (0..UNITS).zip(&outcomes) {
        let stored = db
            .get_person(person(n + 1, "Unit", "Worker").id)
            .expect("get");
        match outcome {
            Err(_) => assert_eq!(n, 0, "only unit 0 panics"),
            Ok(Err(Failure::Refused)) => assert_eq!(n % 4, 1),
            Ok(other) => {
                assert!(other.is_ok(), "unit {n}: {other:?}");
                kept += 1;
            }
        }
        assert_eq!(stored.is_some(), n != 0 && n % 4 != 1, "unit {n}");
    }
    assert_eq!(kept, UNITS - 1 - UNITS / 4);
    let log = db
        .query(&AuditQuery {
            limit: 100,
            ..AuditQuery::default()
        })
        .expect("query");
    assert_eq!(log.len() as u64, kept);
    let report = db.verify().expect("verify");
    assert!(
        matches!(report, ChainReport::Intact { entries, .. } if entries == kept),
        "{report:?}"
    );
    // The writer is still usable after the panic.
    let after = person(UNITS + 1, "Unit", "Worker");
    db.insert_person(&after).expect("a later write");
    assert!(db.get_person(after.id).expect("get").is_some());
}

/// `audited_read`: one snapshot (a write committed meanwhile is not seen), audit entries stored
/// after the work succeeds and only then, entries checked at once, and every other write refused.
pub fn audited_read_reads_a_snapshot_and_stores_its_audit_after(t: &mut TestDb) {
    let db = t.db();
    let first = person(1, "Smith", "Sam");
    let later = person(2, "Jones", "Jo");
    db.insert_person(&first).expect("insert");
    let entries = |db: &oasys_storage::Database| {
        db.query(&AuditQuery {
            limit: 10,
            ..AuditQuery::default()
        })
        .expect("query")
    };

    let seen: Result<(bool, bool, usize), Failure> = db.audited_read(|repos| {
        let saw_first = repos.get_person(first.id)?.is_some();
        repos.append(&entry(1, Some(first.id), 1))?;
        // Committed by someone else while the read is under way.
        db.insert_person(&later).expect("a write beside the read");
        let saw_later = repos.get_person(later.id)?.is_some();
        // Not stored before the read is over.
        Ok((saw_first, saw_later, entries(db).len()))
    });
    assert_eq!(seen.expect("read"), (true, false, 0));
    assert!(db.get_person(later.id).expect("get").is_some());
    let stored = entries(db);
    assert_eq!(
        stored
            .iter()
            .map(|e| (e.seq, e.entry.event_id))
            .collect::<Vec<_>>(),
        [(1, entry(1, None, 1).event_id)]
    );

    // A failing read stores none of its entries.
    let failed: Result<(), Failure> = db.audited_read(|repos| {
        repos.append(&entry(2, Some(first.id), 1))?;
        Err(Failure::Refused)
    });
    assert!(matches!(failed, Err(Failure::Refused)));
    assert_eq!(entries(db).len(), 1);

    // Writes other than the audit are refused and change nothing.
    let third = person(3, "Brown", "Bo");
    let write: Result<(), Failure> = db.audited_read(|repos| Ok(repos.insert_person(&third)?));
    assert!(matches!(
        write,
        Err(Failure::Store(StoreError::Invalid { .. }))
    ));
    assert_eq!(db.get_person(third.id).expect("get"), None);

    // An entry that breaks the audit rules is refused when it is appended.
    let mut disclosure = entry(3, Some(first.id), 1);
    disclosure.operation = Operation::Disclosure;
    let refused: Result<(), Failure> = db.audited_read(|repos| Ok(repos.append(&disclosure)?));
    assert!(matches!(
        refused,
        Err(Failure::Audit(AuditError::Invalid { .. }))
    ));

    // Several entries of one read are stored in order, and the chain stays intact.
    let two: Result<(), Failure> = db.audited_read(|repos| {
        repos.append(&entry(4, Some(first.id), 2))?;
        repos.append(&entry(5, None, 2))?;
        Ok(())
    });
    two.expect("read");
    assert_eq!(
        entries(db).iter().map(|e| e.seq).collect::<Vec<_>>(),
        [1, 2, 3]
    );
    assert!(matches!(
        db.verify().expect("verify"),
        ChainReport::Intact { entries: 3, .. }
    ));
}

/// Audited reads from many threads at once, beside ordinary writes and reads whose audit row is
/// refused: every row of a successful call is stored exactly once, none of a refused one, and the
/// chain stays one unbroken chain (on SQLite the rows of concurrent reads are appended by
/// whichever caller holds the writer, `GroupWriter::combine`).
pub fn concurrent_audited_reads_and_writes_keep_one_chain(t: &mut TestDb) {
    const THREADS: u128 = 6;
    const EACH: u128 = 30;
    let db = t.db();
    let p = person(1, "Smith", "Sam");
    db.insert_person(&p).expect("insert");
    // Already stored: a read that appends it again is refused.
    let taken = entry(999_999, None, 1);
    db.append(&taken).expect("append");
    let barrier = std::sync::Barrier::new(THREADS as usize);
    let stored: Vec<u128> = std::thread::scope(|s| {
        let handles: Vec<_> = (0..THREADS)
            .map(|w| {
                let (barrier, taken) = (&barrier, &taken);
                s.spawn(move || {
                    barrier.wait();
                    let mut mine = Vec::new();
                    for i in 0..EACH {
                        let n = (w + 1) * 1_000 + i * 2;
                        match i % 3 {
                            0 => {
                                db.append(&entry(n, None, 1)).expect("append");
                                mine.push(n);
                            }
                            1 => {
                                let read: Result<bool, Failure> = db.audited_read(|repos| {
                                    repos.append(&entry(n, Some(p.id), 1))?;
                                    repos.append(&entry(n + 1, None, 1))?;
                                    Ok(repos.get_person(p.id)?.is_some())
                                });
                                assert!(read.expect("audited read"));
                                mine.extend([n, n + 1]);
                            }
                            _ => {
                                let read: Result<(), Failure> = db.audited_read(|repos| {
                                    repos.append(&entry(n, Some(p.id), 1))?;
                                    Ok(repos.append(taken)?)
                                });
                                assert!(read.is_err(), "an event id stored twice");
                            }
                        }
                    }
                    mine
                })
            })
            .collect();
        handles
            .into_iter()
            .flat_map(|h| h.join().expect("thread"))
            .collect()
    });
    let all = db
        .query(&AuditQuery {
            limit: 10_000,
            ..AuditQuery::default()
        })
        .expect("all");
    assert_eq!(
        all.iter().map(|e| e.seq).collect::<Vec<_>>(),
        (1..=stored.len() as u64 + 1).collect::<Vec<_>>(),
        "one row per successful append, numbered without gaps"
    );
    let mut expected: Vec<uuid::Uuid> = stored
        .iter()
        .map(|n| entry(*n, None, 1).event_id)
        .chain([taken.event_id])
        .collect();
    expected.sort();
    let mut ids: Vec<uuid::Uuid> = all.iter().map(|e| e.entry.event_id).collect();
    ids.sort();
    assert_eq!(ids, expected);
    assert!(matches!(
        db.verify().expect("verify"),
        ChainReport::Intact { .. }
    ));
}
