//! Reviews: overdue objectives and steps given `today`, and the next review from assessment-model.
//! The review date is never computed here: it is assessment-model's `next_review_for`.

use oasys_assessment_model::{Command, Purpose, ReviewEvent, ReviewReason};
use oasys_sentence_plan::*;
use uuid::Uuid;

use crate::common::*;

fn plan() -> SentencePlan {
    let a = assessment_with(1, &[]);
    let mut plan = plan_for(&a, d(2, 3));
    let one = Uuid::from_u128(1);
    assert_eq!(
        plan.add_objective(objective(1, vec![accommodation()], Some(d(3, 1))), d(2, 3)),
        Ok(())
    );
    assert_eq!(
        plan.add_objective(objective(2, vec![accommodation()], None), d(2, 3)),
        Ok(())
    );
    assert_eq!(
        plan.add_intervention(one, step(10, Timescale::TargetDate(d(2, 20))), d(2, 3)),
        Ok(())
    );
    assert_eq!(
        plan.add_intervention(one, step(11, Timescale::WithinWeeks(2)), d(2, 3)),
        Ok(())
    );
    assert_eq!(
        plan.add_intervention(one, step(12, Timescale::ThroughoutSentence), d(2, 3)),
        Ok(())
    );
    plan
}

#[test]
fn open_items_past_their_target_are_overdue() {
    let mut plan = plan();
    assert!(
        overdue(&plan, d(2, 17)).is_empty(),
        "due on the 17th is not overdue on the 17th"
    );
    let found = overdue(&plan, d(3, 2));
    let what: Vec<(Option<Uuid>, i64)> = found.iter().map(|o| (o.step, o.days_overdue)).collect();
    assert_eq!(
        what,
        vec![
            (None, 1),
            (Some(Uuid::from_u128(10)), 10),
            (Some(Uuid::from_u128(11)), 13)
        ]
    );
    let one = Uuid::from_u128(1);
    assert_eq!(
        plan.record_intervention_progress(
            one,
            Uuid::from_u128(11),
            InterventionProgress::FullyAchieved,
            d(2, 15),
            None
        ),
        Ok(())
    );
    assert_eq!(
        plan.record_objective_progress(one, ObjectiveProgress::PartiallyAchieved, d(3, 2), None),
        Ok(())
    );
    assert_eq!(
        overdue(&plan, d(3, 2)).len(),
        1,
        "closed items are never overdue"
    );
}

#[test]
fn next_review_comes_from_the_latest_completed_assessment() {
    let plan = plan();
    let person = person();
    let open = assessment_with(1, &[]);
    let review = review_plan(&plan, std::slice::from_ref(&open), &person, &[], d(3, 2));
    assert_eq!(review.next_review, None);
    assert_eq!(review.overdue.len(), 3);

    let mut done = assessment_with(1, &[]);
    let locked = done.apply(
        &po(),
        at(d(2, 3)),
        Command::LockIncomplete {
            reason: "absent".into(),
        },
    );
    assert!(locked.is_ok(), "{locked:?}");
    let review = review_plan(&plan, std::slice::from_ref(&done), &person, &[], d(3, 2));
    let due = review
        .next_review
        .unwrap_or_else(|| panic!("no review date"));
    assert_eq!(
        (due.date, due.reason.clone()),
        (d(3, 31), ReviewReason::LockedIncomplete)
    );
    let recall = ReviewEvent {
        purpose: Purpose::Recall,
        date: d(2, 10),
    };
    let review = review_plan(
        &plan,
        std::slice::from_ref(&done),
        &person,
        &[recall],
        d(3, 2),
    );
    let due = review
        .next_review
        .unwrap_or_else(|| panic!("no review date"));
    assert_eq!(due.date, d(2, 24));
    assert!(due.overdue);
}
