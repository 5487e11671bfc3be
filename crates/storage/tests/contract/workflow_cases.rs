//! Contract cases for caseloads, reviews due and the unit of work (several writes and audit
//! events in one transaction), run on both backends by the `contract!` macro.

use oasys_app::*;

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

pub fn unit_of_work_rolls_back(t: &mut TestDb) {
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
    let done: Result<u64, Failure> = db.in_transaction(|tx| {
        tx.insert_person(&p)?;
        Ok(tx.append(&entry(1, Some(p.id), 1))?.seq)
    });
    assert_eq!(done.expect("commit"), 1);
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
