//! Review dates: community, custody with a release date, locked incomplete and event-driven reviews.

use crate::common::*;
use oasys_assessment_model::*;

fn completed_on(layer: Layer) -> Assessment {
    // `must` applies commands at 2026-02-02, so completion is on that date.
    complete(layer, &actor("SPO", 4))
}

#[test]
fn community_is_sixteen_weeks() {
    let a = completed_on(Layer::Layer1Basic);
    let due = next_review(&a, &person(), &[], d(2026, 3, 1)).expect("due");
    assert_eq!(
        (due.date, due.reason.clone()),
        (d(2026, 5, 25), ReviewReason::Community)
    );
    assert!(!due.overdue && !due.due_soon);
    let soon = next_review(&a, &person(), &[], d(2026, 5, 11)).expect("due");
    assert!(soon.due_soon && !soon.overdue);
    let on_the_day = next_review(&a, &person(), &[], d(2026, 5, 25)).expect("due");
    assert!(!on_the_day.overdue);
    let late = next_review(&a, &person(), &[], d(2026, 5, 26)).expect("due");
    assert!(late.overdue && !late.due_soon);
}

#[test]
fn custody_is_a_year_or_twelve_weeks_before_release() {
    let a = completed_on(Layer::Layer1Basic);
    let due = next_review(&a, &custody_person(None), &[], d(2026, 3, 1)).expect("due");
    assert_eq!(
        (due.date, due.reason),
        (d(2027, 2, 1), ReviewReason::Custody)
    );
    let due =
        next_review(&a, &custody_person(Some(d(2026, 9, 1))), &[], d(2026, 3, 1)).expect("due");
    assert_eq!(
        (due.date, due.reason),
        (d(2026, 6, 9), ReviewReason::PreRelease)
    );
    let due =
        next_review(&a, &custody_person(Some(d(2028, 1, 1))), &[], d(2026, 3, 1)).expect("due");
    assert_eq!(due.reason, ReviewReason::Custody);
}

#[test]
fn locked_incomplete_is_at_most_eight_weeks() {
    let mut a = open(Layer::Layer1Basic);
    must(
        &mut a,
        &actor("SPO", 4),
        Command::LockIncomplete {
            reason: "no interview".into(),
        },
    );
    let due = next_review(&a, &person(), &[], d(2026, 3, 1)).expect("due");
    assert_eq!(
        (due.date, due.reason),
        (d(2026, 3, 30), ReviewReason::LockedIncomplete)
    );
}

#[test]
fn events_bring_the_review_forward() {
    let a = completed_on(Layer::Layer1Basic);
    let events = [
        ReviewEvent {
            purpose: Purpose::Recall,
            date: d(2026, 1, 1),
        },
        ReviewEvent {
            purpose: Purpose::Review,
            date: d(2026, 3, 1),
        },
        ReviewEvent {
            purpose: Purpose::SignificantChange,
            date: d(2026, 4, 1),
        },
    ];
    let due = next_review(&a, &person(), &events, d(2026, 4, 2)).expect("due");
    assert_eq!(due.date, d(2026, 4, 15));
    assert_eq!(
        due.reason,
        ReviewReason::Event {
            purpose: Purpose::SignificantChange
        }
    );
    assert!(due.due_soon);
    let late_event = [ReviewEvent {
        purpose: Purpose::Recall,
        date: d(2026, 5, 20),
    }];
    let due = next_review(&a, &person(), &late_event, d(2026, 4, 2)).expect("due");
    assert_eq!(
        due.reason,
        ReviewReason::Community,
        "an event due after the normal date does not replace it"
    );
}

#[test]
fn open_voided_and_deleted_do_not_count() {
    assert_eq!(
        next_review(&open(Layer::Layer1Basic), &person(), &[], d(2026, 3, 1)),
        None
    );
    let mut deleted = completed_on(Layer::Layer1Basic);
    must(
        &mut deleted,
        &actor("SPO", 4),
        Command::Delete {
            reason: "duplicate".into(),
        },
    );
    assert_eq!(next_review(&deleted, &person(), &[], d(2026, 3, 1)), None);
    let mut voided = completed_on(Layer::Layer1Basic);
    must(
        &mut voided,
        &actor("SPO", 4),
        Command::Void {
            reason: "wrong person".into(),
        },
    );
    assert_eq!(next_review(&voided, &person(), &[], d(2026, 3, 1)), None);
    let good = completed_on(Layer::Layer1Basic);
    let all = [voided, deleted, open(Layer::Layer1Basic), good.clone()];
    assert_eq!(
        next_review_for(&all, &person(), &[], d(2026, 6, 1)),
        next_review(&good, &person(), &[], d(2026, 6, 1))
    );
    assert!(next_review_for(&all, &person(), &[], d(2026, 6, 1)).is_some_and(|r| r.overdue));
}
