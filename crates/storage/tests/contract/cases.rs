//! Contract cases for migrations, people, allocations and assessments, written once and run on
//! both backends by the `contract!` macro.

use std::sync::Barrier;

use oasys_app::*;
use oasys_assessment_model::{Outcome, State};
use oasys_storage::Backend;

use crate::support::*;

pub fn migrations_down_and_up_again(t: &mut TestDb) {
    let db = t.db();
    let known = db.known_migrations().expect("known");
    assert_eq!(db.applied_migrations().expect("applied").len(), known.len());
    db.revert_all_migrations().expect("down");
    assert!(db.applied_migrations().expect("applied").is_empty());
    db.run_pending_migrations().expect("up again");
    assert_eq!(db.applied_migrations().expect("applied").len(), known.len());
    let p = person(1, "Smith", "Sam");
    db.insert_person(&p).expect("schema works");
    assert!(
        known
            .iter()
            .any(|m| m.starts_with("2026-01-02-000001_cases_and_documents")),
        "{known:?}"
    );
    db.set_team_area("TEAM1", "Wales").expect("teams table");
    db.set_lao(p.id, &Default::default(), at(1))
        .expect("lao table");
    let body = serde_json::json!({ "n": 1 });
    let id = uuid::Uuid::from_u128(1);
    db.insert_document(DocumentKind::SentencePlan, id, p.id, None, &body, at(1))
        .expect("documents table");
    db.update_document(DocumentKind::SentencePlan, id, 1, &body, at(2))
        .expect("revisions table");
}

/// The event logs moved out of the documents (migration 2026-01-07) go back into them when the
/// migration is reverted and out again when it is rerun, and every version reads the same.
pub fn event_log_migrates_down_and_up(t: &mut TestDb) {
    let db = t.db();
    let p = person(1, "Smith", "Sam");
    db.insert_person(&p).expect("person");
    let first = assessment(1, &p, "PO1", "TEAM1", 1);
    db.insert_assessment(&first, None).expect("insert");
    let mut current = first;
    for value in 1..=3 {
        let next = answered(&current, value);
        db.update_assessment(&next, current.version(), None)
            .expect("update");
        current = next;
    }
    let stored = db.get_assessment(current.header().id).expect("get");
    assert_eq!(stored.as_ref(), Some(&current));
    let history = db
        .assessment_history(current.header().id, 0, 1_000)
        .expect("history");
    assert_eq!(
        history.iter().map(|v| v.version()).collect::<Vec<_>>(),
        [1, 2, 3, 4]
    );
    assert_eq!(history.last().map(bare), Some(bare(&current)));
    assert!(history.iter().all(|v| v.events().is_empty()));
    assert_eq!(
        db.assessment_events(current.header().id, 0, 100)
            .expect("events"),
        current.events()
    );
    let with_log =
        "SELECT COUNT(*) AS n FROM assessment_versions WHERE document LIKE '%\"events\"%'";
    assert_eq!(t.count("SELECT COUNT(*) AS n FROM assessment_events"), 4);
    assert_eq!(t.count(with_log), 0);

    // The migrations after it (purge_expired_packages, session_reasons) first, then it.
    db.revert_last_migration()
        .expect("down (purge expired packages)");
    db.revert_last_migration().expect("down (session reasons)");
    db.revert_last_migration().expect("down");
    assert_eq!(t.count(with_log), 4, "each version has its log back");
    assert_eq!(
        t.count("SELECT COUNT(*) AS n FROM assessments WHERE document LIKE '%\"events\"%'"),
        1
    );
    db.run_pending_migrations().expect("up again");
    assert_eq!(t.count(with_log), 0);
    assert_eq!(t.count("SELECT COUNT(*) AS n FROM assessment_events"), 4);
    assert_eq!(
        db.get_assessment(current.header().id)
            .expect("get")
            .as_ref(),
        Some(&current)
    );
    assert_eq!(
        db.assessment_history(current.header().id, 0, 1_000)
            .expect("history"),
        history
    );
}

pub fn durability_settings(t: &mut TestDb) {
    match t.backend {
        Backend::Sqlite => {
            for _ in 0..10 {
                let (journal, sync, fk, busy) =
                    t.db().sqlite_pragmas().expect("pragmas").expect("sqlite");
                assert_eq!(journal, "wal");
                assert_eq!(sync, 2, "synchronous=FULL");
                assert_eq!(fk, 1);
                assert!(busy >= 5000);
            }
        }
        Backend::Postgres => assert!(t.db().sqlite_pragmas().expect("pragmas").is_none()),
    }
}

pub fn people_insert_get_search(t: &mut TestDb) {
    let db = t.db();
    let smith = person(1, "Smith", "Sam");
    let smythe = person(2, "Smythe", "Alex");
    let jones = person(3, "O'Jones", "Sam");
    for p in [&smith, &smythe, &jones] {
        db.insert_person(p).expect("insert");
    }
    assert_eq!(db.get_person(smith.id).expect("get"), Some(smith.clone()));
    assert_eq!(db.get_person(uuid::Uuid::from_u128(7)).expect("get"), None);
    let by_name = |family: &str, given: Option<&str>| {
        db.search_people(
            &PersonQuery::Name {
                family: family.into(),
                given: given.map(Into::into),
            },
            10,
        )
        .expect("search")
        .into_iter()
        .map(|p| p.id)
        .collect::<Vec<_>>()
    };
    assert_eq!(by_name("sm", None), vec![smith.id, smythe.id]);
    assert_eq!(by_name("SMY", None), vec![smythe.id]);
    assert_eq!(by_name("s", Some("al")), vec![smythe.id]);
    assert_eq!(by_name("%", None), Vec::<uuid::Uuid>::new());
    assert_eq!(by_name("o'j", None), vec![jones.id]);
    let limited = db
        .search_people(
            &PersonQuery::Name {
                family: "s".into(),
                given: None,
            },
            1,
        )
        .expect("search");
    assert_eq!(limited.len(), 1);
    let crn = smythe.ids.crn().cloned().expect("crn");
    assert_eq!(
        db.search_people(&PersonQuery::Crn(crn), 5).expect("crn")[0].id,
        smythe.id
    );
    let pnc = jones.ids.pnc().cloned().expect("pnc");
    assert_eq!(
        db.search_people(&PersonQuery::Pnc(pnc), 5).expect("pnc")[0].id,
        jones.id
    );
    let mut moved = smith.clone();
    moved.given_name = oasys_assessment_model::Name::parse("Samuel").expect("name");
    db.update_person(&moved).expect("update");
    assert_eq!(db.get_person(smith.id).expect("get"), Some(moved));
    let unknown = person(99, "Nobody", "Here");
    assert!(matches!(
        db.update_person(&unknown),
        Err(StoreError::NotFound { .. })
    ));
}

pub fn duplicate_people_conflict(t: &mut TestDb) {
    let db = t.db();
    let first = person(1, "Smith", "Sam");
    db.insert_person(&first).expect("insert");
    assert!(
        matches!(db.insert_person(&first), Err(StoreError::Conflict { .. })),
        "same id"
    );
    let mut same_crn = person(2, "Other", "Person");
    same_crn.ids = first.ids.clone();
    assert!(
        matches!(
            db.insert_person(&same_crn),
            Err(StoreError::Conflict { .. })
        ),
        "same CRN"
    );
    let mut same_nomis = person(3, "Third", "Person");
    same_nomis.ids =
        oasys_assessment_model::CaseIds::new(None, first.ids.nomis_id().cloned(), None)
            .expect("ids");
    assert!(
        matches!(
            db.insert_person(&same_nomis),
            Err(StoreError::Conflict { .. })
        ),
        "same NOMIS"
    );
    assert_eq!(
        db.search_people(
            &PersonQuery::Name {
                family: "".into(),
                given: None
            },
            10
        )
        .expect("all")
        .len(),
        1
    );
}

pub fn assessment_insert_get_update_history(t: &mut TestDb) {
    let db = t.db();
    let p = person(1, "Smith", "Sam");
    let orphan = assessment(9, &person(9, "No", "Body"), "PO1", "TEAM1", 1);
    assert!(matches!(
        db.insert_assessment(&orphan, None),
        Err(StoreError::NotFound { .. })
    ));
    db.insert_person(&p).expect("person");
    let v1 = assessment(1, &p, "PO1", "TEAM1", 1);
    db.insert_assessment(&v1, None).expect("insert");
    assert!(matches!(
        db.insert_assessment(&v1, None),
        Err(StoreError::Conflict { .. })
    ));
    assert_eq!(
        db.get_assessment(v1.header().id).expect("get"),
        Some(v1.clone())
    );
    let v2 = answered(&v1, 1);
    db.update_assessment(&v2, 1, None).expect("update");
    let v3 = answered(&v2, 2);
    db.update_assessment(&v3, 2, None).expect("update");
    assert_eq!(
        db.get_assessment(v1.header().id).expect("get"),
        Some(v3.clone())
    );
    assert_eq!(
        db.assessment_history(v1.header().id, 0, 1_000)
            .expect("history")
            .iter()
            .map(bare)
            .collect::<Vec<_>>(),
        [bare(&v1), bare(&v2), bare(&v3)]
    );
    let skip = answered(&answered(&v3, 1), 2);
    assert!(matches!(
        db.update_assessment(&skip, 3, None),
        Err(StoreError::Invalid { .. })
    ));
    let summaries = db.assessments_for_person(p.id).expect("list");
    assert_eq!(summaries.len(), 1);
    assert_eq!(summaries[0].version, 3);
    assert_eq!(summaries[0].status, v3.status());
    let unknown = assessment(5, &p, "PO1", "TEAM1", 1);
    assert!(matches!(
        db.update_assessment(&answered(&unknown, 1), 1, None),
        Err(StoreError::NotFound { .. })
    ));
}

pub fn stale_version_conflicts(t: &mut TestDb) {
    let db = t.db();
    let p = person(1, "Smith", "Sam");
    db.insert_person(&p).expect("person");
    let v1 = assessment(1, &p, "PO1", "TEAM1", 1);
    db.insert_assessment(&v1, None).expect("insert");
    let mine = answered(&v1, 1);
    let theirs = answered(&v1, 2);
    db.update_assessment(&mine, 1, None).expect("first writer");
    match db.update_assessment(&theirs, 1, None) {
        Err(StoreError::Conflict {
            current_version, ..
        }) => assert_eq!(current_version, Some(2)),
        other => panic!("expected a conflict, got {other:?}"),
    }
    assert_eq!(db.get_assessment(v1.header().id).expect("get"), Some(mine));
    assert_eq!(
        db.assessment_history(v1.header().id, 0, 1_000)
            .expect("history")
            .len(),
        2
    );
}

pub fn concurrent_updates_one_winner(t: &mut TestDb) {
    const WRITERS: usize = 8;
    let db = t.db();
    let p = person(1, "Smith", "Sam");
    db.insert_person(&p).expect("person");
    let v1 = assessment(1, &p, "PO1", "TEAM1", 1);
    db.insert_assessment(&v1, None).expect("insert");
    let barrier = Barrier::new(WRITERS);
    let results: Vec<Result<(), StoreError>> = std::thread::scope(|s| {
        let handles: Vec<_> = (0..WRITERS)
            .map(|i| {
                let next = answered(&v1, u8::try_from(i).unwrap_or(0));
                let barrier = &barrier;
                s.spawn(move || {
                    barrier.wait();
                    db.update_assessment(&next, 1, None)
                })
            })
            .collect();
        handles
            .into_iter()
            .map(|h| h.join().expect("writer thread"))
            .collect()
    });
    let wins = results.iter().filter(|r| r.is_ok()).count();
    let conflicts = results
        .iter()
        .filter(|r| matches!(r, Err(StoreError::Conflict { .. })))
        .count();
    assert_eq!((wins, conflicts), (1, WRITERS - 1), "{results:?}");
    let history = db
        .assessment_history(v1.header().id, 0, 1_000)
        .expect("history");
    assert_eq!(
        history.iter().map(|a| a.version()).collect::<Vec<_>>(),
        vec![1, 2]
    );
    assert_eq!(
        db.get_assessment(v1.header().id)
            .expect("get")
            .as_ref()
            .map(bare),
        history.last().map(bare)
    );
}

pub fn locked_assessment_is_immutable(t: &mut TestDb) {
    let db = t.db();
    let p = person(1, "Smith", "Sam");
    db.insert_person(&p).expect("person");
    let v1 = answered(&assessment(1, &p, "PO1", "TEAM1", 1), 1);
    let id = v1.header().id;
    db.insert_assessment(&v1, None).expect("insert");
    let signed = with_state(&v1, &State::AwaitingCountersign { incomplete: false });
    db.update_assessment(&signed, v1.version(), None)
        .expect("sign");
    let edited = with_state(
        &answered(&v1, 2),
        &State::AwaitingCountersign { incomplete: false },
    );
    assert_eq!(edited.version(), signed.version() + 1);
    assert!(matches!(
        db.update_assessment(&edited, signed.version(), None),
        Err(StoreError::Immutable { .. })
    ));
    let complete = with_state(
        &signed,
        &State::Complete {
            outcome: Outcome::Countersigned,
        },
    );
    db.update_assessment(&complete, signed.version(), None)
        .expect("countersign keeps answers");
    // The trigger refuses it too when the repository is bypassed.
    let sql = format!(
        "UPDATE assessments SET answers_hash = 'x', version = version + 1 WHERE id = '{id}'"
    );
    assert!(
        t.raw(&sql).is_err(),
        "locked answers changed behind the repository"
    );
    let delete = format!("DELETE FROM assessments WHERE id = '{id}'");
    assert!(t.raw(&delete).is_err(), "locked assessment deleted");
    let rollback = with_state(&complete, &State::Open);
    db.update_assessment(&rollback, complete.version(), None)
        .expect("rollback reopens");
    let voided = with_state(&rollback, &State::Voided);
    db.update_assessment(&voided, rollback.version(), None)
        .expect("void");
    let after = with_state(&voided, &State::Open);
    assert!(matches!(
        db.update_assessment(&after, voided.version(), None),
        Err(StoreError::Immutable { .. })
    ));
}

pub fn history_is_insert_only(t: &mut TestDb) {
    let db = t.db();
    let p = person(1, "Smith", "Sam");
    db.insert_person(&p).expect("person");
    let v1 = assessment(1, &p, "PO1", "TEAM1", 1);
    db.insert_assessment(&v1, None).expect("insert");
    let id = v1.header().id;
    assert!(
        t.raw(&format!(
            "UPDATE assessment_versions SET document = '{{}}' WHERE assessment_id = '{id}'"
        ))
        .is_err()
    );
    assert!(
        t.raw(&format!(
            "DELETE FROM assessment_versions WHERE assessment_id = '{id}'"
        ))
        .is_err()
    );
    assert!(
        t.raw(&format!(
            "UPDATE assessments SET version = 7 WHERE id = '{id}'"
        ))
        .is_err(),
        "version jump"
    );
    assert_eq!(
        t.db()
            .assessment_history(id, 0, 1_000)
            .expect("history")
            .iter()
            .map(bare)
            .collect::<Vec<_>>(),
        [bare(&v1)]
    );
}

/// An assessment read to be changed holds no earlier events, and saving a change made to it
/// leaves the same stored log as saving the whole assessment would.
pub fn assessment_state_appends_to_the_whole_log(t: &mut TestDb) {
    let db = t.db();
    let p = person(1, "Smith", "Sam");
    db.insert_person(&p).expect("person");
    let v1 = assessment(1, &p, "PO1", "TEAM1", 1);
    let id = v1.header().id;
    assert_eq!(db.assessment_state(id).expect("read"), None);
    db.insert_assessment(&v1, None).expect("insert");
    let v2 = answered(&v1, 1);
    db.update_assessment(&v2, 1, None).expect("update");

    let partial = db.assessment_state(id).expect("read").expect("stored");
    assert!(partial.events().is_empty());
    let state = |a: &oasys_assessment_model::Assessment| {
        serde_json::to_value(a.without_events()).expect("json")
    };
    assert_eq!(state(&partial), state(&v2));

    let v3 = answered(&partial, 2);
    assert_eq!(v3.events().len(), 1);
    db.update_assessment(&v3, 2, None).expect("update");
    let whole = answered(&v2, 2);
    let stored = db.get_assessment(id).expect("get").expect("stored");
    assert_eq!(stored.events(), whole.events());
    assert_eq!(stored.version(), 3);
    assert_eq!(
        db.assessment_history(id, 0, 1_000)
            .expect("history")
            .last()
            .map(bare),
        Some(bare(&whole))
    );
}

/// An assessment as stored apart from its event log, to compare versions read without one.
fn bare(a: &oasys_assessment_model::Assessment) -> serde_json::Value {
    serde_json::to_value(a.without_events()).expect("json")
}

/// The event log and the stored versions are read a page at a time: after the last version seen,
/// oldest first, at most the limit; nothing after the end, nothing for an unknown assessment.
pub fn events_and_history_are_read_a_page_at_a_time(t: &mut TestDb) {
    let db = t.db();
    let p = person(1, "Smith", "Sam");
    db.insert_person(&p).expect("person");
    let mut current = assessment(1, &p, "PO1", "TEAM1", 1);
    let id = current.header().id;
    db.insert_assessment(&current, None).expect("insert");
    for value in 1..=6 {
        let next = answered(&current, value % 3);
        db.update_assessment(&next, current.version(), None)
            .expect("update");
        current = next;
    }
    let whole = current.events();
    assert_eq!(whole.len(), 7);
    let mut pages = Vec::new();
    let mut after = 0;
    loop {
        let page = db.assessment_events(id, after, 3).expect("page");
        assert!(page.len() <= 3);
        let Some(last) = page.last() else { break };
        after = last.version;
        pages.push(page);
    }
    assert_eq!(pages.len(), 3, "pages of 3, 3 and 1");
    assert_eq!(pages.concat(), whole);
    assert_eq!(db.assessment_events(id, 4, 2).expect("page"), &whole[4..6]);
    assert_eq!(db.assessment_events(id, 7, 10).expect("past the end"), []);
    assert_eq!(
        db.assessment_events(id, u64::MAX, 10).expect("far past"),
        []
    );
    assert_eq!(db.assessment_events(id, 0, 0).expect("none asked"), []);
    let unknown = assessment(9, &p, "PO1", "TEAM1", 1).header().id;
    assert_eq!(db.assessment_events(unknown, 0, 10).expect("unknown"), []);

    // The stored versions page the same way.
    let versions = |after, limit| -> Vec<u64> {
        db.assessment_history(id, after, limit)
            .expect("history page")
            .iter()
            .map(|v| v.version())
            .collect()
    };
    assert_eq!(versions(0, 3), [1, 2, 3]);
    assert_eq!(versions(3, 3), [4, 5, 6]);
    assert_eq!(versions(6, 3), [7]);
    assert_eq!(versions(7, 3), [0_u64; 0]);
    assert_eq!(versions(u64::MAX, 3), [0_u64; 0]);
    assert_eq!(versions(0, 0), [0_u64; 0]);
    assert_eq!(db.assessment_history(unknown, 0, 10).expect("unknown"), []);
}
