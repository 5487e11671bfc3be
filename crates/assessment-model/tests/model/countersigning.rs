//! Signing routes: countersigning, double countersigning, lock-incomplete and rejection,
//! with the intrinsic guards (countersigner is not the signer, ranks, second signer differs).

use crate::common::*;
use oasys_assessment_model::*;

fn rate_matrix(a: &mut Assessment, level: RiskLevel) {
    set(a, "SUM6.2.1", AnswerValue::RiskLevel(level));
}

#[test]
fn rank_one_needs_a_senior_countersigner() {
    let pso = actor("PSO", 1);
    let mut a = open(Layer::Layer3Full);
    fill(&mut a);
    must(&mut a, &pso, Command::Sign { plan_agreed: None });
    assert_eq!(a.state(), &State::AwaitingCountersign { incomplete: false });
    assert!(a.header().completed_at.is_none());
    let at = t(2026, 2, 5);
    assert_eq!(
        a.apply(
            &pso,
            at,
            Command::Countersign {
                send_for_second: false
            }
        ),
        Err(LifecycleError::CountersignerIsSigner)
    );
    assert!(matches!(
        a.apply(
            &actor("PSO2", 2),
            at,
            Command::Countersign {
                send_for_second: false
            }
        ),
        Err(LifecycleError::IneligibleCountersigner {
            rank: 2,
            signer_rank: 1
        })
    ));
    illegal(
        a.apply(&actor("SPO", 4), at, Command::SecondCountersign),
        "second_countersign",
    );
    let e = must(
        &mut a,
        &actor("PO2", 3),
        Command::Countersign {
            send_for_second: false,
        },
    );
    assert_eq!(e.code, EventCode::Countersigning);
    assert_eq!(
        a.state(),
        &State::Complete {
            outcome: Outcome::Countersigned
        }
    );
    assert_eq!(
        a.signing().and_then(|s| s.first_countersigner.clone()),
        Some("PO2".into())
    );
}

#[test]
fn very_high_rank_one_needs_double_countersignature() {
    let pso = actor("PSO", 1);
    let mut a = open(Layer::Layer3Full);
    fill(&mut a);
    rate_matrix(&mut a, RiskLevel::VeryHigh);
    for code in ["RM30", "RM31", "RM32", "RM33", "RM34"] {
        set(&mut a, code, AnswerValue::Text("plan".into()));
    }
    set(&mut a, MAPPA_CATEGORY, AnswerValue::Code("2".into()));
    set(&mut a, MAPPA_LEVEL, AnswerValue::Code("2".into()));
    assert_eq!(
        a.check_countersigner(&actor("SPO", 4)),
        Err(None),
        "not signed"
    );
    must(&mut a, &pso, Command::Sign { plan_agreed: None });
    assert_eq!(
        a.signing().map(|s| s.requirement),
        Some(CountersignRequirement::Double)
    );
    // The same checks answer a nomination before anyone acts on it.
    assert_eq!(
        a.check_countersigner(&pso),
        Err(Some(LifecycleError::CountersignerIsSigner))
    );
    assert!(matches!(
        a.check_countersigner(&actor("PO2", 3)),
        Err(Some(LifecycleError::IneligibleCountersigner {
            rank: 3,
            ..
        }))
    ));
    assert_eq!(a.check_countersigner(&actor("SPO", 4)), Ok(()));
    let at = t(2026, 2, 5);
    assert!(matches!(
        a.apply(
            &actor("PO2", 3),
            at,
            Command::Countersign {
                send_for_second: true
            }
        ),
        Err(LifecycleError::IneligibleCountersigner { rank: 3, .. })
    ));
    assert_eq!(
        a.apply(
            &actor("SPO", 4),
            at,
            Command::Countersign {
                send_for_second: false
            }
        ),
        Err(LifecycleError::SecondCountersignatureRequired)
    );
    let e = must(
        &mut a,
        &actor("SPO", 4),
        Command::Countersign {
            send_for_second: true,
        },
    );
    assert_eq!(e.code, EventCode::AwaitingSbc);
    assert_eq!(
        a.state(),
        &State::AwaitingDoubleCountersign { incomplete: false }
    );
    assert_eq!(
        a.apply(&actor("SPO", 4), at, Command::SecondCountersign),
        Err(LifecycleError::SameCountersigner)
    );
    assert_eq!(
        a.check_countersigner(&actor("SPO", 4)),
        Err(Some(LifecycleError::SameCountersigner))
    );
    assert!(matches!(
        a.check_countersigner(&actor("SPO2", 3)),
        Err(Some(LifecycleError::IneligibleCountersigner {
            rank: 3,
            ..
        }))
    ));
    assert_eq!(a.check_countersigner(&actor("HEAD", 5)), Ok(()));
    assert_eq!(
        a.apply(&pso, at, Command::SecondCountersign),
        Err(LifecycleError::CountersignerIsSigner)
    );
    must(&mut a, &actor("HEAD", 5), Command::SecondCountersign);
    assert_eq!(
        a.state(),
        &State::Complete {
            outcome: Outcome::DoubleCountersigned
        }
    );
}

#[test]
fn countersigner_may_choose_a_second_countersignature() {
    let mut a = open(Layer::Layer3Full);
    fill(&mut a);
    must(
        &mut a,
        &actor("PSO", 1),
        Command::Sign { plan_agreed: None },
    );
    must(
        &mut a,
        &actor("PO2", 3),
        Command::Countersign {
            send_for_second: true,
        },
    );
    assert!(matches!(
        a.apply(&actor("PO3", 3), t(2026, 2, 6), Command::SecondCountersign),
        Err(LifecycleError::IneligibleCountersigner { rank: 3, .. })
    ));
    must(&mut a, &actor("SPO", 4), Command::SecondCountersign);
    assert_eq!(
        a.state(),
        &State::Complete {
            outcome: Outcome::DoubleCountersigned
        }
    );
}

#[test]
fn lock_incomplete_needs_a_reason_and_keeps_countersigning() {
    let mut a = open(Layer::Layer3Full);
    assert_eq!(
        a.apply(
            &actor("SPO", 4),
            t(2026, 2, 3),
            Command::LockIncomplete { reason: " ".into() }
        ),
        Err(LifecycleError::ReasonRequired {
            command: "lock_incomplete"
        })
    );
    let mut b = a.clone();
    let e = must(
        &mut a,
        &actor("SPO", 4),
        Command::LockIncomplete {
            reason: "person absconded".into(),
        },
    );
    assert_eq!(
        (e.code, a.state()),
        (EventCode::LockedIncomplete, &State::LockedIncomplete)
    );
    assert_eq!(e.comment.as_deref(), Some("person absconded"));
    must(
        &mut b,
        &actor("PSO", 1),
        Command::LockIncomplete {
            reason: "no interview".into(),
        },
    );
    assert_eq!(b.state(), &State::AwaitingCountersign { incomplete: true });
    must(
        &mut b,
        &actor("PO2", 3),
        Command::Countersign {
            send_for_second: false,
        },
    );
    assert_eq!(b.state(), &State::LockedIncomplete);
}

#[test]
fn reject_returns_to_open_keeping_answers() {
    let mut a = open(Layer::Layer3Full);
    fill(&mut a);
    must(
        &mut a,
        &actor("PSO", 1),
        Command::Sign { plan_agreed: None },
    );
    let answers = a.answers().clone();
    assert_eq!(
        a.apply(
            &actor("PO2", 3),
            t(2026, 2, 5),
            Command::Reject { comment: "".into() }
        ),
        Err(LifecycleError::ReasonRequired { command: "reject" })
    );
    assert_eq!(
        a.apply(
            &actor("PSO", 1),
            t(2026, 2, 5),
            Command::Reject {
                comment: "mine".into()
            }
        ),
        Err(LifecycleError::CountersignerIsSigner)
    );
    let e = must(
        &mut a,
        &actor("PO2", 3),
        Command::Reject {
            comment: "expand 2.1".into(),
        },
    );
    assert_eq!(e.code, EventCode::Rejection);
    assert_eq!(a.state(), &State::Open);
    assert_eq!(a.answers(), &answers);
    assert!(a.signing().is_none() && a.header().signed_at.is_none());
}
