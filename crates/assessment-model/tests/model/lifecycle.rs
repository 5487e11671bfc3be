//! Every lifecycle transition and the illegal ones, with event codes and version bumps.
//! Countersigning routes follow the signer's rank and the overall ROSH.

use crate::common::*;
use oasys_assessment_model::*;

#[test]
fn create_starts_open_at_version_one() {
    let a = open(Layer::Layer3Full);
    assert_eq!(a.state(), &State::Open);
    assert_eq!(a.version(), 1);
    assert_eq!(a.events().first().map(|e| e.code), Some(EventCode::Create));
    let too_young = Assessment::create(
        NewAssessment {
            assessment_date: d(1999, 1, 1),
            ..new_assessment(5, Layer::Layer1Basic)
        },
        &person(),
        t(2026, 1, 1),
    );
    assert!(matches!(
        too_young,
        Err(CreateError::Person(PersonError::AgeOutOfRange {
            age: 8,
            ..
        }))
    ));
    let unknown = Assessment::create(
        NewAssessment {
            question_set_version: "1.0".into(),
            ..new_assessment(5, Layer::Layer1Basic)
        },
        &person(),
        t(2026, 1, 1),
    );
    assert!(matches!(
        unknown,
        Err(CreateError::UnknownQuestionSet { .. })
    ));
}

#[test]
fn answers_are_checked_and_bump_the_version() {
    let mut a = open(Layer::Layer3Full);
    let e = must(
        &mut a,
        &assessor(),
        Command::Answer {
            code: "9.1".into(),
            value: AnswerValue::Problems(2),
        },
    );
    assert_eq!((e.version, e.code, a.version()), (2, EventCode::Answer, 2));
    let err = a.apply(
        &assessor(),
        t(2026, 2, 2),
        Command::Answer {
            code: "9.0".into(),
            value: AnswerValue::Yes,
        },
    );
    assert_eq!(
        err,
        Err(LifecycleError::Answer(AnswerError::UnknownQuestion {
            code: "9.0".into()
        }))
    );
    let err = a.apply(
        &assessor(),
        t(2026, 2, 2),
        Command::Answer {
            code: "8.6".into(),
            value: AnswerValue::Yes,
        },
    );
    assert!(
        matches!(err, Err(LifecycleError::Answer(AnswerError::AnswerOutOfVocabulary { ref code, .. })) if code == "8.6")
    );
    assert_eq!(a.version(), 2);
    must(
        &mut a,
        &assessor(),
        Command::ClearAnswer { code: "9.1".into() },
    );
    assert!(a.answer("9.1").is_none());
    let version = a.version();
    assert_eq!(
        a.apply(
            &assessor(),
            t(2026, 2, 2),
            Command::ClearAnswer { code: "9.0".into() }
        ),
        Err(LifecycleError::Answer(AnswerError::UnknownQuestion {
            code: "9.0".into()
        }))
    );
    assert_eq!(a.version(), version, "a refused clear changes nothing");
    must(
        &mut a,
        &assessor(),
        Command::ReassignAssessor {
            assessor: "PO2".into(),
        },
    );
    assert_eq!(a.header().assessor, "PO2");
    assert_eq!(
        a.apply(
            &assessor(),
            t(2026, 2, 2),
            Command::ReassignAssessor {
                assessor: " ".into()
            }
        ),
        Err(LifecycleError::NoAssessor)
    );
}

#[test]
fn sign_self_signed_and_locks_everything() {
    let mut a = open(Layer::Layer3Full);
    let err = a.apply(
        &actor("SPO", 4),
        t(2026, 2, 3),
        Command::Sign { plan_agreed: None },
    );
    assert!(
        matches!(err, Err(LifecycleError::SectionIncomplete { ref missing }) if !missing.is_empty())
    );
    fill(&mut a);
    let before = a.version();
    let e = must(
        &mut a,
        &actor("SPO", 4),
        Command::Sign { plan_agreed: None },
    );
    assert_eq!(e.code, EventCode::Signing);
    assert_eq!(
        a.state(),
        &State::Complete {
            outcome: Outcome::SelfSigned
        }
    );
    assert_eq!(a.version(), before + 1);
    assert!(a.header().completed_at.is_some() && a.header().signed_at.is_some());
    illegal(
        a.apply(
            &assessor(),
            t(2026, 2, 4),
            Command::Answer {
                code: "3.3".into(),
                value: AnswerValue::Yes,
            },
        ),
        "answer",
    );
    illegal(
        a.apply(
            &assessor(),
            t(2026, 2, 4),
            Command::Sign { plan_agreed: None },
        ),
        "sign",
    );
    illegal(
        a.apply(
            &assessor(),
            t(2026, 2, 4),
            Command::Reject {
                comment: "x".into(),
            },
        ),
        "reject",
    );
    illegal(
        a.apply(
            &assessor(),
            t(2026, 2, 4),
            Command::Restore { reason: "x".into() },
        ),
        "restore",
    );
    illegal(
        a.apply(
            &assessor(),
            t(2026, 2, 4),
            Command::Countersign {
                send_for_second: false,
            },
        ),
        "countersign",
    );
}

#[test]
fn rollback_keeps_the_locked_version_immutable() {
    let mut a = complete(Layer::Layer3Full, &actor("SPO", 4));
    illegal(
        open(Layer::Layer1Basic).apply(
            &actor("SPO", 4),
            t(2026, 3, 1),
            Command::Rollback { reason: "x".into() },
        ),
        "rollback",
    );
    let locked_version = a.version();
    let locked_answers = a.answers().clone();
    let e = must(
        &mut a,
        &actor("SPO", 4),
        Command::Rollback {
            reason: "wrong offence".into(),
        },
    );
    assert_eq!(e.code, EventCode::Rollback);
    assert_eq!(a.state(), &State::Open);
    assert_eq!(a.version(), locked_version + 1);
    set(&mut a, "3.3", AnswerValue::Yes);
    let kept = a.history().first().cloned();
    assert_eq!(kept.as_ref().map(|h| h.version), Some(locked_version));
    assert_eq!(kept.as_ref().map(|h| &h.answers), Some(&locked_answers));
    assert_eq!(
        kept.map(|h| h.state),
        Some(State::Complete {
            outcome: Outcome::SelfSigned
        })
    );
    assert!(a.header().completed_at.is_none());
}

#[test]
fn delete_restore_and_void() {
    let mut a = open(Layer::Layer1Basic);
    let e = must(
        &mut a,
        &assessor(),
        Command::Delete {
            reason: "duplicate".into(),
        },
    );
    assert_eq!(e.code, EventCode::AssmtDelSigning);
    assert!(a.status().deleted && a.deleted().is_some());
    illegal(
        a.apply(
            &assessor(),
            t(2026, 2, 2),
            Command::Answer {
                code: "1.30".into(),
                value: AnswerValue::No,
            },
        ),
        "answer",
    );
    illegal(
        a.apply(
            &assessor(),
            t(2026, 2, 2),
            Command::Delete {
                reason: "again".into(),
            },
        ),
        "delete",
    );
    let e = must(
        &mut a,
        &actor("SPO", 4),
        Command::Restore {
            reason: "not a duplicate".into(),
        },
    );
    assert_eq!(
        (e.code, a.state(), a.deleted()),
        (EventCode::AssDelRestore, &State::Open, None)
    );
    illegal(
        a.apply(
            &assessor(),
            t(2026, 2, 2),
            Command::Restore { reason: "x".into() },
        ),
        "restore",
    );
    assert_eq!(
        a.apply(
            &assessor(),
            t(2026, 2, 2),
            Command::Void { reason: "".into() }
        ),
        Err(LifecycleError::ReasonRequired { command: "void" })
    );
    let e = must(
        &mut a,
        &actor("SPO", 4),
        Command::Void {
            reason: "wrong person".into(),
        },
    );
    assert_eq!((e.code, a.state()), (EventCode::Void, &State::Voided));
    assert!(a.header().voided_at.is_some());
    for command in [
        Command::Void { reason: "x".into() },
        Command::Delete { reason: "x".into() },
        Command::Restore { reason: "x".into() },
        Command::Rollback { reason: "x".into() },
        Command::Answer {
            code: "1.30".into(),
            value: AnswerValue::No,
        },
    ] {
        let name = command.name();
        illegal(a.apply(&actor("SPO", 4), t(2026, 2, 3), command), name);
    }
}

#[test]
fn deleting_while_awaiting_countersign_uses_its_event_code() {
    let mut a = open(Layer::Layer3Full);
    fill(&mut a);
    must(
        &mut a,
        &actor("PSO", 1),
        Command::Sign { plan_agreed: None },
    );
    let e = must(
        &mut a,
        &actor("SPO", 4),
        Command::Delete {
            reason: "duplicate".into(),
        },
    );
    assert_eq!(e.code, EventCode::AssmtDelCountersigning);
    illegal(
        a.apply(
            &actor("PO2", 3),
            t(2026, 2, 5),
            Command::Countersign {
                send_for_second: false,
            },
        ),
        "countersign",
    );
    must(
        &mut a,
        &actor("SPO", 4),
        Command::Restore {
            reason: "needed".into(),
        },
    );
    assert_eq!(a.state(), &State::AwaitingCountersign { incomplete: false });
}

#[test]
fn clone_copies_forward_and_needs_confirmation() {
    let mut source = open(Layer::Layer3Full);
    fill(&mut source);
    set(&mut source, "3.3", AnswerValue::Yes);
    set(&mut source, "2.1", AnswerValue::Text("old offence".into()));
    assert!(matches!(
        Assessment::clone_from_previous(
            &source,
            new_assessment(200, Layer::Layer3Full),
            &person(),
            t(2026, 6, 1)
        ),
        Err(CreateError::NotCloneable { .. })
    ));
    must(
        &mut source,
        &actor("SPO", 4),
        Command::Sign { plan_agreed: None },
    );
    let other = person_with(9, person().location, None);
    assert_eq!(
        Assessment::clone_from_previous(
            &source,
            new_assessment(200, Layer::Layer3Full),
            &other,
            t(2026, 6, 1)
        ),
        Err(CreateError::DifferentPerson)
    );
    let mut next = Assessment::clone_from_previous(
        &source,
        new_assessment(200, Layer::Layer3Full),
        &person(),
        t(2026, 6, 1),
    )
    .expect("clone");
    assert_eq!(next.header().cloned_from, Some(source.header().id));
    assert_eq!(next.answer("3.3"), Some(&AnswerValue::Yes));
    assert_eq!(
        next.answer("2.1"),
        None,
        "current-offence analysis is not copied forward"
    );
    assert_eq!(next.answer("1.29"), None);
    assert!(
        next.unconfirmed_sections()
            .contains(&Section::Accommodation)
    );
    let missing = completeness(&next, None);
    assert!(
        missing
            .iter()
            .any(|m| m.section == Section::Accommodation && m.why == MissingReason::NotConfirmed)
    );
    must(
        &mut next,
        &assessor(),
        Command::ConfirmSection {
            section: Section::Accommodation,
        },
    );
    let missing = completeness(&next, None);
    assert!(
        !missing
            .iter()
            .any(|m| m.section == Section::Accommodation && m.why == MissingReason::NotConfirmed)
    );
}
