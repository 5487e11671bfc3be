//! Contract cases for case access: unknown people, the composition of allocation, team area,
//! recorded relationships and LAO lists, reallocation, and LAO replacement.

use std::collections::BTreeSet;

use oasys_app::*;
use oasys_sharing_policy::{LaoLists, Relationship, RelationshipKind};
use uuid::Uuid;

use crate::support::*;

pub fn allocation(person_id: Uuid, practitioner: &str, team_code: &str, day: u32) -> Allocation {
    Allocation {
        person_id,
        practitioner: practitioner.to_owned(),
        team: team(team_code),
        allocated_at: at(day),
        allocated_by: "SPO".to_owned(),
    }
}

pub fn co_worker(staff: &str, from: u32, until: u32) -> Relationship {
    Relationship {
        staff_id: staff.to_owned(),
        kind: RelationshipKind::CoWorker,
        from: at(from),
        until: Some(at(until)),
    }
}

pub fn lao(excluded: &[&str], restricted: &[&str]) -> LaoLists {
    let set = |ids: &[&str]| ids.iter().map(|s| (*s).to_owned()).collect::<BTreeSet<_>>();
    LaoLists {
        excluded: set(excluded),
        restricted_to: set(restricted),
        exclusion_message: Some("excluded".to_owned()),
        restriction_message: None,
    }
}

fn case_manager(staff: &str, day: u32) -> Relationship {
    Relationship {
        staff_id: staff.to_owned(),
        kind: RelationshipKind::CaseManager,
        from: at(day),
        until: None,
    }
}

pub fn unknown_person_is_none_or_not_found(t: &mut TestDb) {
    let db = t.db();
    let nobody = Uuid::from_u128(404);
    assert_eq!(db.case_access(nobody).expect("read"), None);
    assert!(matches!(
        db.set_lao(nobody, &lao(&["PO9"], &[]), at(1)),
        Err(StoreError::NotFound { .. })
    ));
    assert!(matches!(
        db.add_relationship(nobody, &co_worker("PO2", 1, 9)),
        Err(StoreError::NotFound { .. })
    ));
    let kind = DocumentKind::SentencePlan;
    let body = serde_json::json!({ "goals": [] });
    assert!(matches!(
        db.insert_document(kind, Uuid::from_u128(1), nobody, None, &body, at(1)),
        Err(StoreError::NotFound { .. })
    ));
    assert_eq!(
        db.get_document(kind, Uuid::from_u128(1)).expect("get"),
        None
    );
    assert!(matches!(
        db.update_document(kind, Uuid::from_u128(1), 1, &body, at(2)),
        Err(StoreError::NotFound { .. })
    ));
    assert!(
        db.document_history(kind, Uuid::from_u128(1))
            .expect("history")
            .is_empty()
    );
    assert!(
        db.documents(kind, Some(nobody), 10)
            .expect("list")
            .is_empty()
    );
}

pub fn case_access_composes_allocation_area_relationships_lao(t: &mut TestDb) {
    let db = t.db();
    let p = person(1, "Smith", "Sam");
    db.insert_person(&p).expect("person");
    assert_eq!(
        db.case_access(p.id).expect("read"),
        Some(CaseAccess {
            person_id: p.id,
            responsible_team: None,
            area: None,
            relationships: Vec::new(),
            lao: LaoLists::default(),
        }),
        "a known person never allocated"
    );
    db.allocate(&allocation(p.id, "PO1", "TEAM1", 2))
        .expect("allocate");
    let unmapped = db.case_access(p.id).expect("read").expect("known");
    assert_eq!(unmapped.responsible_team.as_deref(), Some("TEAM1"));
    assert_eq!(unmapped.area, None, "the team has no recorded area");
    assert_eq!(unmapped.relationships, vec![case_manager("PO1", 2)]);
    db.set_team_area("TEAM1", "North West").expect("area");
    db.set_team_area("TEAM2", "Wales").expect("other area");
    let cover = co_worker("PO2", 3, 20);
    let countersign = Relationship {
        staff_id: "SPO1".to_owned(),
        kind: RelationshipKind::CountersignTask {
            assessment_id: Uuid::from_u128(77),
        },
        from: at(4),
        until: None,
    };
    db.add_relationship(p.id, &cover).expect("co-worker");
    db.add_relationship(p.id, &countersign)
        .expect("countersigner");
    let lists = lao(&["PO7"], &["PO1", "PO2"]);
    db.set_lao(p.id, &lists, at(5)).expect("lao");
    assert_eq!(
        db.case_access(p.id).expect("read"),
        Some(CaseAccess {
            person_id: p.id,
            responsible_team: Some("TEAM1".to_owned()),
            area: Some("North West".to_owned()),
            relationships: vec![case_manager("PO1", 2), cover, countersign],
            lao: lists,
        })
    );
    db.set_team_area("TEAM1", "North East").expect("area moves");
    let moved = db.case_access(p.id).expect("read").expect("known");
    assert_eq!(moved.area.as_deref(), Some("North East"));
    // Another person's facts stay apart.
    let q = person(2, "Jones", "Jo");
    db.insert_person(&q).expect("person");
    let other = db.case_access(q.id).expect("read").expect("known");
    assert!(other.relationships.is_empty());
    assert_eq!(other.lao, LaoLists::default());
}

pub fn reallocation_changes_the_case_manager(t: &mut TestDb) {
    let db = t.db();
    let p = person(1, "Smith", "Sam");
    db.insert_person(&p).expect("person");
    db.set_team_area("TEAM1", "North West").expect("area");
    db.set_team_area("TEAM2", "Wales").expect("area");
    db.allocate(&allocation(p.id, "PO1", "TEAM1", 1))
        .expect("allocate");
    db.add_relationship(p.id, &co_worker("PO3", 1, 9))
        .expect("co-worker");
    db.allocate(&allocation(p.id, "PO2", "TEAM2", 6))
        .expect("reallocate");
    let access = db.case_access(p.id).expect("read").expect("known");
    assert_eq!(access.responsible_team.as_deref(), Some("TEAM2"));
    assert_eq!(access.area.as_deref(), Some("Wales"));
    assert_eq!(
        access.relationships,
        vec![case_manager("PO2", 6), co_worker("PO3", 1, 9)],
        "the previous case manager is gone; recorded relationships stay"
    );
}

pub fn set_lao_replaces_the_lists(t: &mut TestDb) {
    let db = t.db();
    let p = person(1, "Smith", "Sam");
    db.insert_person(&p).expect("person");
    db.set_lao(p.id, &lao(&["PO7", "PO8"], &[]), at(1))
        .expect("first");
    let second = lao(&[], &["PO1"]);
    db.set_lao(p.id, &second, at(2)).expect("replace");
    let access = db.case_access(p.id).expect("read").expect("known");
    assert_eq!(access.lao, second);
    db.set_lao(p.id, &LaoLists::default(), at(3))
        .expect("clear");
    let cleared = db.case_access(p.id).expect("read").expect("known");
    assert_eq!(cleared.lao, LaoLists::default());
}

pub fn concurrent_first_writes_of_lao_and_team_all_succeed(t: &mut TestDb) {
    const WRITERS: usize = 8;
    let db = t.db();
    let p = person(1, "Smith", "Sam");
    db.insert_person(&p).expect("person");
    let barrier = std::sync::Barrier::new(WRITERS);
    let results: Vec<Result<(), StoreError>> = std::thread::scope(|s| {
        let handles: Vec<_> = (0..WRITERS)
            .map(|i| {
                let barrier = &barrier;
                let staff = format!("PO{i}");
                s.spawn(move || {
                    barrier.wait();
                    db.set_lao(p.id, &lao(&[staff.as_str()], &[]), at(1))?;
                    db.set_team_area("TEAM1", &staff)
                })
            })
            .collect();
        handles
            .into_iter()
            .map(|h| h.join().expect("writer thread"))
            .collect()
    });
    assert!(results.iter().all(Result::is_ok), "{results:?}");
    db.allocate(&allocation(p.id, "PO1", "TEAM1", 1))
        .expect("allocate");
    let access = db.case_access(p.id).expect("read").expect("known");
    let area = access.area.expect("one area won");
    assert!(area.starts_with("PO"), "{area}");
    assert_eq!(access.lao.excluded.len(), 1, "one list won, not a merge");
}

pub fn relationships_of_lists_one_staff_members_relationships_across_people(t: &mut TestDb) {
    let db = t.db();
    let p = person(1, "Smith", "Sam");
    let q = person(2, "Jones", "Jo");
    db.insert_person(&p).expect("person");
    db.insert_person(&q).expect("person");
    assert!(db.relationships_of("SPO1").expect("none yet").is_empty());
    let task = |n: u128, day: u32| Relationship {
        staff_id: "SPO1".to_owned(),
        kind: RelationshipKind::CountersignTask {
            assessment_id: Uuid::from_u128(n),
        },
        from: at(day),
        until: None,
    };
    db.add_relationship(p.id, &task(7, 1)).expect("task");
    db.add_relationship(q.id, &co_worker("PO2", 2, 9))
        .expect("someone else's");
    db.add_relationship(q.id, &task(8, 3)).expect("task");
    assert_eq!(
        db.relationships_of("SPO1").expect("read"),
        vec![(p.id, task(7, 1)), (q.id, task(8, 3))],
        "oldest first, with the person, and only this member of staff's"
    );
    assert_eq!(
        db.relationships_of("PO2").expect("read"),
        vec![(q.id, co_worker("PO2", 2, 9))]
    );
}

pub fn ending_relationships_ends_only_the_active_ones_of_that_kind(t: &mut TestDb) {
    let db = t.db();
    let p = person(1, "Smith", "Sam");
    db.insert_person(&p).expect("person");
    let task = |staff: &str, assessment: u128, until: Option<u32>| Relationship {
        staff_id: staff.to_owned(),
        kind: RelationshipKind::CountersignTask {
            assessment_id: Uuid::from_u128(assessment),
        },
        from: at(1),
        until: until.map(at),
    };
    db.add_relationship(p.id, &task("SPO1", 77, None))
        .expect("task");
    db.add_relationship(p.id, &task("SPO2", 77, Some(9)))
        .expect("later end");
    db.add_relationship(p.id, &task("SPO3", 77, Some(2)))
        .expect("ended before");
    db.add_relationship(p.id, &task("SPO1", 78, None))
        .expect("another assessment");
    db.add_relationship(p.id, &co_worker("PO2", 1, 20))
        .expect("co-worker");
    let kind = RelationshipKind::CountersignTask {
        assessment_id: Uuid::from_u128(77),
    };
    assert_eq!(db.end_relationships(p.id, &kind, at(5)).expect("end"), 2);
    let access = db.case_access(p.id).expect("read").expect("known");
    let recorded: Vec<_> = access
        .relationships
        .into_iter()
        .filter(|r| r.kind != RelationshipKind::CaseManager)
        .collect();
    assert_eq!(
        recorded,
        vec![
            task("SPO1", 77, Some(5)),
            task("SPO2", 77, Some(5)),
            task("SPO3", 77, Some(2)),
            task("SPO1", 78, None),
            co_worker("PO2", 1, 20),
        ]
    );
    assert_eq!(db.end_relationships(p.id, &kind, at(6)).expect("again"), 0);
    let nobody = Uuid::from_u128(404);
    assert_eq!(db.end_relationships(nobody, &kind, at(6)).expect("none"), 0);
}
