//! Contract cases of the outcomes port, on SQLite and PostgreSQL like `tests/contract`: outcomes
//! are stored once per person and an import can run again; the cohort holds each person's earliest
//! locked assessment that matches every filter, joined with their outcome and their team's area.

#[allow(dead_code)]
#[path = "contract/support.rs"]
mod support;

use oasys_app::{
    AssessmentRepository, CaseAccessRepository, CohortFilter, OutcomeRepository, OutcomeWrite,
    PersonRepository, ReoffendingOutcome, Storage, StoreError, whole_cohort,
};
use oasys_assessment_model::{
    Assessment, Ethnicity, Gender, Outcome, Person, SentenceFacts, State,
};
use support::{TestDb, assessment, date, person, with_state};
use uuid::Uuid;

macro_rules! contract {
    ($($case:ident),* $(,)?) => {
        mod sqlite {
            $( #[test] fn $case() { let mut t = crate::support::TestDb::sqlite(); crate::$case(&mut t); } )*
        }
        mod postgres {
            $( #[test] fn $case() { let mut t = crate::support::TestDb::postgres(); crate::$case(&mut t); } )*
        }
    };
}

contract!(
    outcomes_are_recorded_once_and_replaced,
    bad_outcomes_are_refused,
    outcomes_roll_back_with_the_unit_of_work,
    cohort_holds_the_earliest_locked_assessment_with_the_outcome,
    cohort_filters_narrow_it,
    cohort_pages_visit_everyone_once,
);

fn outcome(person_id: Uuid, reoffence: Option<(u32, bool)>) -> ReoffendingOutcome {
    ReoffendingOutcome {
        person_id,
        follow_up_start: date(2026, 4, 1),
        follow_up_end: date(2028, 3, 31),
        first_reoffence: reoffence.map(|(m, _)| date(2026, m, 15)),
        offence_category: reoffence.map(|_| "theft".to_owned()),
        violent: reoffence.is_some_and(|(_, v)| v),
        sexual: false,
    }
}

fn outcomes_are_recorded_once_and_replaced(t: &mut TestDb) {
    let db = t.db();
    let p = person(1, "Smith", "Ann");
    db.insert_person(&p).expect("person");
    assert_eq!(db.outcome(p.id).expect("read"), None);
    let first = outcome(p.id, None);
    assert_eq!(db.record_outcome(&first), Ok(OutcomeWrite::Inserted));
    assert_eq!(db.record_outcome(&first), Ok(OutcomeWrite::Unchanged));
    assert_eq!(db.outcome(p.id).expect("read"), Some(first));
    let later = outcome(p.id, Some((9, true)));
    assert_eq!(db.record_outcome(&later), Ok(OutcomeWrite::Updated));
    assert_eq!(db.outcome(p.id).expect("read"), Some(later.clone()));
    assert_eq!(db.record_outcome(&later), Ok(OutcomeWrite::Unchanged));
}

fn bad_outcomes_are_refused(t: &mut TestDb) {
    let db = t.db();
    let unknown = Uuid::from_u128(77);
    assert!(matches!(
        db.record_outcome(&outcome(unknown, None)),
        Err(StoreError::NotFound { .. })
    ));
    let p = person(2, "Jones", "Bob");
    db.insert_person(&p).expect("person");
    let mut outside = outcome(p.id, Some((5, false)));
    outside.first_reoffence = Some(date(2030, 1, 1));
    assert!(matches!(
        db.record_outcome(&outside),
        Err(StoreError::Invalid { .. })
    ));
    assert_eq!(db.outcome(p.id).expect("read"), None);
    // The table refuses it too when the repository is bypassed.
    let raw = format!(
        "INSERT INTO outcomes (person_id, follow_up_start, follow_up_end, first_reoffence, \
         offence_category, violent, sexual) VALUES ('{}', '2026-04-01', '2026-03-01', NULL, NULL, \
         false, false)",
        p.id
    );
    assert!(t.raw(&raw).is_err(), "a follow-up ending before it starts");
}

fn outcomes_roll_back_with_the_unit_of_work(t: &mut TestDb) {
    let db = t.db();
    let p = person(3, "Brown", "Cy");
    db.insert_person(&p).expect("person");
    let result: Result<(), oasys_app::AppError> = db.in_transaction(|repos| {
        repos.record_outcome(&outcome(p.id, None))?;
        Err(oasys_app::AppError::Invalid(vec!["abandoned".into()]))
    });
    assert!(result.is_err());
    assert_eq!(db.outcome(p.id).expect("read"), None);
}

/// Stores `a` and moves it to Complete (version 2).
fn lock(db: &oasys_storage::Database, a: &Assessment) -> Assessment {
    db.insert_assessment(a, None).expect("insert assessment");
    let complete = with_state(
        a,
        &State::Complete {
            outcome: Outcome::SelfSigned,
        },
    );
    db.update_assessment(&complete, a.version(), None)
        .expect("lock");
    complete
}

struct Seeded {
    people: Vec<Person>,
}

/// Four people: 10 (male, 1990, white British, community order, team N1 in North, two locked
/// assessments on the 5th and 20th, an outcome), 11 (female, 2000, Black Caribbean, custody,
/// team S1 in South, locked on the 12th, no outcome), 12 (male, born 1950, no ethnicity, no
/// sentence, S1, locked incomplete on the 25th) and 13 (only an open and a voided assessment).
fn seed(db: &oasys_storage::Database) -> Seeded {
    db.set_team_area("N1", "North").expect("area");
    db.set_team_area("S1", "South").expect("area");
    let mut a = person(10, "Able", "Al");
    a.ethnicity = Some(Ethnicity::WhiteBritish);
    a.sentence = Some(SentenceFacts {
        sentence_type: "community_order".into(),
        sentence_date: None,
        expected_end: None,
        earliest_release: None,
        licence_end: None,
    });
    let mut b = person(11, "Baker", "Bea");
    b.gender = Gender::Female;
    b.date_of_birth = date(2000, 1, 1);
    b.ethnicity = Some(Ethnicity::BlackCaribbean);
    b.sentence = Some(SentenceFacts {
        sentence_type: "custody".into(),
        sentence_date: None,
        expected_end: None,
        earliest_release: None,
        licence_end: None,
    });
    let mut c = person(12, "Cole", "Cal");
    c.date_of_birth = date(1950, 6, 1);
    let d = person(13, "Dean", "Di");
    for p in [&a, &b, &c, &d] {
        db.insert_person(p).expect("person");
    }
    lock(db, &assessment(100, &a, "PO1", "N1", 20));
    lock(db, &assessment(101, &a, "PO1", "N1", 5));
    lock(db, &assessment(110, &b, "PO2", "S1", 12));
    let c1 = assessment(120, &c, "PO2", "S1", 25);
    db.insert_assessment(&c1, None).expect("insert");
    db.update_assessment(&with_state(&c1, &State::LockedIncomplete), 1, None)
        .expect("lock incomplete");
    db.insert_assessment(&assessment(130, &d, "PO2", "S1", 3), None)
        .expect("open one");
    let voided = assessment(131, &d, "PO2", "S1", 4);
    db.insert_assessment(&voided, None).expect("insert");
    db.update_assessment(&with_state(&voided, &State::Voided), 1, None)
        .expect("void");
    db.record_outcome(&outcome(a.id, Some((8, true))))
        .expect("outcome");
    Seeded {
        people: vec![a, b, c, d],
    }
}

fn ids(members: &[oasys_app::CohortMember]) -> Vec<Uuid> {
    members.iter().map(|m| m.person.id).collect()
}

fn cohort_holds_the_earliest_locked_assessment_with_the_outcome(t: &mut TestDb) {
    let db = t.db();
    let s = seed(db);
    let all = whole_cohort(db, &CohortFilter::default()).expect("cohort");
    let (a, b, c) = (&s.people[0], &s.people[1], &s.people[2]);
    let mut expected = vec![a.id, b.id, c.id];
    expected.sort();
    assert_eq!(
        ids(&all),
        expected,
        "open and voided assessments leave 13 out"
    );
    let first = all.iter().find(|m| m.person.id == a.id).expect("10");
    assert_eq!(
        first.assessment.header().id,
        Uuid::from_u128(101 + 1_000_000)
    );
    assert_eq!(first.area.as_deref(), Some("North"));
    assert_eq!(first.outcome, Some(outcome(a.id, Some((8, true)))));
    let second = all.iter().find(|m| m.person.id == b.id).expect("11");
    assert_eq!(second.outcome, None);
    assert_eq!(second.area.as_deref(), Some("South"));
    // From the 10th on, person 10's assessment of the 20th is the one.
    let later = whole_cohort(
        db,
        &CohortFilter {
            from: Some(date(2026, 3, 10)),
            ..CohortFilter::default()
        },
    )
    .expect("cohort");
    let m = later.iter().find(|m| m.person.id == a.id).expect("10");
    assert_eq!(m.assessment.header().id, Uuid::from_u128(100 + 1_000_000));
}

fn cohort_filters_narrow_it(t: &mut TestDb) {
    let db = t.db();
    let s = seed(db);
    let (a, b, c) = (s.people[0].id, s.people[1].id, s.people[2].id);
    let only = |filter: CohortFilter| {
        let mut got = ids(&whole_cohort(db, &filter).expect("cohort"));
        got.sort();
        got
    };
    let sorted = |mut v: Vec<Uuid>| {
        v.sort();
        v
    };
    assert_eq!(
        only(CohortFilter {
            from: Some(date(2026, 3, 6)),
            to: Some(date(2026, 3, 15)),
            ..CohortFilter::default()
        }),
        vec![b]
    );
    assert_eq!(
        only(CohortFilter {
            areas: vec!["North".into()],
            ..CohortFilter::default()
        }),
        vec![a]
    );
    assert_eq!(
        only(CohortFilter {
            sexes: vec![Gender::Male],
            ..CohortFilter::default()
        }),
        sorted(vec![a, c])
    );
    assert_eq!(
        only(CohortFilter {
            age_bands: vec!["25-29".into(), "65+".into()],
            ..CohortFilter::default()
        }),
        sorted(vec![b, c])
    );
    assert_eq!(
        only(CohortFilter {
            ethnicities: vec![Ethnicity::BlackCaribbean, Ethnicity::WhiteIrish],
            ..CohortFilter::default()
        }),
        vec![b]
    );
    assert_eq!(
        only(CohortFilter {
            sentence_types: vec!["community_order".into()],
            ..CohortFilter::default()
        }),
        vec![a]
    );
    assert_eq!(
        only(CohortFilter {
            areas: vec!["South".into()],
            sexes: vec![Gender::Female],
            age_bands: vec!["35-39".into()],
            ..CohortFilter::default()
        }),
        Vec::<Uuid>::new()
    );
}

fn cohort_pages_visit_everyone_once(t: &mut TestDb) {
    let db = t.db();
    let s = seed(db);
    let mut seen = Vec::new();
    let mut after = None;
    let mut pages = 0;
    loop {
        let page = db
            .cohort_page(&CohortFilter::default(), after, 1)
            .expect("page");
        pages += 1;
        assert!(page.members.len() <= 1);
        seen.extend(ids(&page.members));
        match page.next {
            Some(next) => after = Some(next),
            None => break,
        }
    }
    let mut expected: Vec<Uuid> = s.people[..3].iter().map(|p| p.id).collect();
    expected.sort();
    assert_eq!(seen, expected, "in person id order, each once");
    assert!(pages >= 3);
    // A filter that matches nobody still walks to the end.
    let nobody = CohortFilter {
        areas: vec!["Nowhere".into()],
        ..CohortFilter::default()
    };
    let first = db.cohort_page(&nobody, None, 2).expect("page");
    assert!(first.members.is_empty());
    assert!(first.next.is_some(), "two people scanned, more to come");
    assert!(whole_cohort(db, &nobody).expect("cohort").is_empty());
}
