//! Edits as data (`PlanChange`) and the agreement recorded on a day: what a service applies for
//! a request, dated by the service, so a request cannot backdate history or forge sign-off.

use oasys_assessment_model::Section;
use oasys_sentence_plan::*;
use uuid::Uuid;

use crate::common::*;

fn from_json(json: serde_json::Value) -> PlanChange {
    serde_json::from_value(json).unwrap_or_else(|e| panic!("{e}"))
}

#[test]
fn changes_from_json_are_dated_by_the_caller_and_ids_come_from_the_caller() {
    let a = assessment_with(1, &[]);
    let mut plan = plan_for(&a, d(2, 3));
    let add = from_json(serde_json::json!({
        "change": "add_objective",
        "title": "  Find settled accommodation ",
        "links": [{"need": "accommodation"}],
        "target_date": "2026-06-01"
    }));
    assert_eq!(add.name(), "add_objective");
    assert_eq!(plan.apply_change(add, d(2, 4), Uuid::from_u128(7)), Ok(()));
    let objective = &plan.objectives()[0];
    assert_eq!(objective.id, Uuid::from_u128(7));
    assert_eq!(objective.title, "Find settled accommodation");
    assert_eq!(objective.created, d(2, 4));

    let step = from_json(serde_json::json!({
        "change": "add_step",
        "objective": Uuid::from_u128(7),
        "text": "Housing referral",
        "actors": ["person"],
        "timescale": {"within_weeks": 4}
    }));
    assert_eq!(plan.apply_change(step, d(2, 5), Uuid::from_u128(8)), Ok(()));
    let progress = from_json(serde_json::json!({
        "change": "objective_progress",
        "objective": Uuid::from_u128(7),
        "progress": "ONGOING",
        "note": "  "
    }));
    assert_eq!(plan.apply_change(progress, d(2, 6), Uuid::nil()), Ok(()));
    let objective = &plan.objectives()[0];
    assert_eq!(objective.interventions[0].id, Uuid::from_u128(8));
    let last = objective.history.last().expect("history");
    assert_eq!((last.date, last.note.clone()), (d(2, 6), None));

    // A change naming fields the service sets is refused as JSON, before it is applied.
    let forged = serde_json::from_value::<PlanChange>(serde_json::json!({
        "change": "objective_progress",
        "objective": Uuid::from_u128(7),
        "progress": "FULLY_ACHIEVED",
        "date": "2026-01-01"
    }));
    assert!(forged.is_err(), "{forged:?}");
}

#[test]
fn a_refused_change_leaves_the_plan_as_it_was_with_every_problem() {
    let a = assessment_with(1, &[]);
    let mut plan = plan_for(&a, d(2, 3));
    let before = plan.clone();
    let bad = PlanChange::AddObjective {
        title: " ".into(),
        text: String::new(),
        links: Vec::new(),
        measure: String::new(),
        target_date: None,
    };
    let problems = plan
        .apply_change(bad, d(2, 4), Uuid::from_u128(9))
        .expect_err("refused");
    assert!(problems.contains(&PlanError::TitleRequired), "{problems:?}");
    assert!(problems.contains(&PlanError::NoLinks), "{problems:?}");
    let unknown = plan.apply_change(
        PlanChange::RemoveObjective {
            objective: Uuid::from_u128(99),
        },
        d(2, 4),
        Uuid::nil(),
    );
    assert_eq!(
        unknown,
        Err(vec![PlanError::UnknownObjective {
            id: Uuid::from_u128(99)
        }])
    );
    assert_eq!(plan, before);
}

#[test]
fn moving_and_noting_go_through_the_plan_rules() {
    let a = assessment_with(1, &[]);
    let mut plan = plan_for(&a, d(2, 3));
    for (id, link) in [(1, accommodation()), (2, Link::Need(Section::DrugMisuse))] {
        assert_eq!(
            plan.add_objective(objective(id, vec![link], None), d(2, 3)),
            Ok(())
        );
    }
    let moved = PlanChange::MoveObjective {
        objective: Uuid::from_u128(2),
        position: 0,
    };
    assert_eq!(plan.apply_change(moved, d(2, 4), Uuid::nil()), Ok(()));
    assert_eq!(plan.objectives()[0].id, Uuid::from_u128(2));
    let empty = plan.apply_change(PlanChange::Note { text: " ".into() }, d(2, 4), Uuid::nil());
    assert_eq!(empty, Err(vec![PlanError::TextRequired]));
    let note = PlanChange::Note {
        text: "Met at the office".into(),
    };
    assert_eq!(plan.apply_change(note, d(2, 4), Uuid::nil()), Ok(()));
    assert_eq!(plan.notes()[0].date, d(2, 4));
}

#[test]
fn the_agreement_is_recorded_with_its_rules_and_never_in_the_future() {
    let a = assessment_with(1, &[]);
    let mut plan = plan_for(&a, d(2, 3));
    let response = |status, date, note: Option<&str>| Agreement {
        status,
        date,
        note: note.map(str::to_owned),
        recorded_by: Some("PO1".into()),
    };
    let future = plan.record_agreement(
        response(AgreementStatus::Agreed, Some(d(3, 1)), None),
        d(2, 10),
    );
    assert_eq!(
        future,
        Err(vec![PlanError::DateInFuture {
            what: "agreement date".into(),
            date: d(3, 1),
            today: d(2, 10)
        }])
    );
    let undated = plan.record_agreement(response(AgreementStatus::Agreed, None, None), d(2, 10));
    assert_eq!(undated, Err(vec![PlanError::AgreementDateRequired]));
    let unnoted = plan.record_agreement(
        response(AgreementStatus::DoNotAgree, Some(d(2, 9)), Some(" ")),
        d(2, 10),
    );
    assert_eq!(
        unnoted,
        Err(vec![PlanError::NoteRequired {
            agreement: AgreementStatus::DoNotAgree
        }])
    );
    assert_eq!(plan.agreement(), &Agreement::draft());
    assert_eq!(plan.plan_agreed(), Some(false));
    let noted = plan.record_agreement(
        response(
            AgreementStatus::DoNotAgree,
            Some(d(2, 9)),
            Some(" Wants a different hostel "),
        ),
        d(2, 10),
    );
    assert_eq!(noted, Ok(()));
    assert_eq!(
        plan.agreement().note.as_deref(),
        Some("Wants a different hostel")
    );
    assert_eq!(plan.agreement().recorded_by.as_deref(), Some("PO1"));
    assert_eq!(plan.plan_agreed(), Some(true));
}

#[test]
fn the_plan_follows_its_assessment_and_a_review_carries_open_objectives_forward() {
    use oasys_assessment_model::{Outcome, State};
    let a = assessment_with(1, &[]);
    let mut plan = plan_for(&a, d(2, 3));
    for (id, link) in [(1, accommodation()), (2, Link::Need(Section::DrugMisuse))] {
        assert_eq!(
            plan.add_objective(objective(id, vec![link], None), d(2, 3)),
            Ok(())
        );
    }
    let achieved = plan.record_objective_progress(
        Uuid::from_u128(2),
        ObjectiveProgress::FullyAchieved,
        d(2, 4),
        None,
    );
    assert_eq!(achieved, Ok(()));
    let signed = State::Complete {
        outcome: Outcome::SelfSigned,
    };
    assert!(!plan.follow_assessment(&State::Open, &State::Open, d(2, 5)));
    assert!(plan.follow_assessment(&State::Open, &signed, d(2, 5)));
    assert_eq!(plan.signing(), SigningStatus::SelfSigned);
    assert_eq!(
        plan.signing_events().last().map(|e| (e.from, e.to, e.date)),
        Some((SigningStatus::Unsigned, SigningStatus::SelfSigned, d(2, 5)))
    );
    assert!(plan.ensure_editable().is_err());

    let review = plan
        .review(NewPlan::for_assessment(
            Uuid::from_u128(600),
            PlanType::Review,
            &a,
            d(2, 6),
        ))
        .expect("a review of a signed plan");
    assert_eq!((review.version(), review.previous()), (2, Some(plan.id())));
    assert_eq!(review.signing(), SigningStatus::Unsigned);
    assert_eq!(review.agreement(), &Agreement::draft());
    let carried: Vec<_> = review
        .objectives()
        .iter()
        .map(|o| (o.id, o.copied_forward))
        .collect();
    assert_eq!(carried, vec![(Uuid::from_u128(1), true)]);

    let awaiting = State::AwaitingCountersign { incomplete: false };
    let cases = [
        (
            &State::Open,
            &awaiting,
            Some(SigningStatus::AwaitingCountersign),
        ),
        (&awaiting, &State::Open, Some(SigningStatus::Rejected)),
        (&signed, &State::Open, Some(SigningStatus::RolledBack)),
        (
            &State::LockedIncomplete,
            &State::Open,
            Some(SigningStatus::RolledBack),
        ),
        (
            &State::Open,
            &State::LockedIncomplete,
            Some(SigningStatus::LockedIncomplete),
        ),
        (&signed, &State::Voided, None),
    ];
    for (before, after, expected) in cases {
        assert_eq!(
            SigningStatus::mirroring(before, after),
            expected,
            "{before:?} -> {after:?}"
        );
    }
}
