//! Measure change: errors, answers, needs, ROSH, RMP and question-set versions.

use crate::common::*;
use oasys_assessment_model::*;

fn pair() -> (Assessment, Assessment) {
    let earlier = complete(Layer::Layer3Full, &actor("SPO", 4));
    let mut later = Assessment::create(
        new_assessment(101, Layer::Layer3Full),
        &person(),
        t(2026, 8, 1),
    )
    .expect("create");
    fill(&mut later);
    (earlier, later)
}

#[test]
fn errors_for_other_people_voided_and_out_of_order() {
    let (earlier, later) = pair();
    let stranger = Assessment::create(
        new_assessment(102, Layer::Layer1Basic),
        &person_with(2, person().location, None),
        t(2026, 8, 1),
    )
    .expect("create");
    assert_eq!(
        compare(&earlier, &stranger).err(),
        Some(CompareError::DifferentPeople)
    );
    assert!(matches!(
        compare(&later, &earlier),
        Err(CompareError::OutOfOrder { .. })
    ));
    let mut voided = later.clone();
    must(
        &mut voided,
        &actor("SPO", 4),
        Command::Void {
            reason: "error".into(),
        },
    );
    assert_eq!(
        compare(&earlier, &voided).err(),
        Some(CompareError::Voided { which: "later" })
    );
    // Equal effective dates are allowed.
    assert!(compare(&later, &later).is_ok());
}

#[test]
fn same_assessment_shows_no_change() {
    let (earlier, _) = pair();
    let c = compare(&earlier, &earlier).expect("compare");
    assert!(!c.has_changes(), "{c:?}");
    assert_eq!(c.needs.len(), 11);
}

#[test]
fn answers_needs_and_flags() {
    let (mut earlier, mut later) = pair();
    must(
        &mut earlier,
        &actor("SPO", 4),
        Command::Rollback {
            reason: "edit".into(),
        },
    );
    set(&mut earlier, "3.3", AnswerValue::Yes);
    set(
        &mut earlier,
        "9.1.t",
        AnswerValue::Text("drinks daily".into()),
    );
    must(
        &mut earlier,
        &actor("SPO", 4),
        Command::Sign { plan_agreed: None },
    );
    set(&mut later, "9.1", AnswerValue::Problems(2));
    set(&mut later, "9.2", AnswerValue::Problems(2));
    set(&mut later, "9.99", AnswerValue::Yes);
    set(&mut later, "13.2.1", AnswerValue::Yes);
    let c = compare(&earlier, &later).expect("compare");
    assert!(c.has_changes());
    assert!(c.answers.contains(&AnswerChange::Changed {
        code: "3.3".into(),
        earlier: AnswerValue::Yes,
        later: AnswerValue::No
    }));
    assert!(c.answers.contains(&AnswerChange::Removed {
        code: "9.1.t".into(),
        earlier: AnswerValue::Text("drinks daily".into())
    }));
    assert!(c.answers.contains(&AnswerChange::Added {
        code: "13.2.1".into(),
        later: AnswerValue::Yes
    }));
    let need = |s: Section| {
        c.needs
            .iter()
            .find(|n| n.section == s)
            .cloned()
            .expect("section")
    };
    let accommodation = need(Section::Accommodation);
    assert_eq!(
        (accommodation.earlier.score, accommodation.later.score),
        (Some(2), Some(0))
    );
    assert_eq!(accommodation.status, NeedStatus::Resolved);
    let alcohol = need(Section::AlcoholMisuse);
    assert_eq!(
        (alcohol.status, alcohol.linked_to_reoffending),
        (NeedStatus::Gained, FlagChange::SwitchedOn)
    );
    assert_eq!(need(Section::Attitudes).status, NeedStatus::NoNeed);
    assert_eq!(need(Section::Health).status, NeedStatus::NotScored);
    for n in &c.needs {
        if n.status == NeedStatus::Resolved {
            assert_eq!(
                (n.earlier.identified_need, n.later.identified_need),
                (Some(true), Some(false))
            );
        }
    }
    assert!(c.header.iter().any(|h| h.field == "effective_date"));
}

#[test]
fn unanswered_later_is_never_resolved() {
    let (earlier, _) = pair();
    let mut e = earlier;
    must(
        &mut e,
        &actor("SPO", 4),
        Command::Rollback {
            reason: "edit".into(),
        },
    );
    set(&mut e, "3.3", AnswerValue::Yes);
    let mut l = Assessment::create(
        new_assessment(103, Layer::Layer3Full),
        &person(),
        t(2026, 9, 1),
    )
    .expect("create");
    set(&mut l, "4.2", AnswerValue::No);
    let c = compare(&e, &l).expect("compare");
    let accommodation = c
        .needs
        .iter()
        .find(|n| n.section == Section::Accommodation)
        .map(|n| n.status);
    assert_eq!(accommodation, Some(NeedStatus::Unanswered));
}

#[test]
fn rosh_cells_overall_concerns_behaviours_orders_and_mappa() {
    let (mut earlier, mut later) = pair();
    must(
        &mut earlier,
        &actor("SPO", 4),
        Command::Rollback {
            reason: "edit".into(),
        },
    );
    set(
        &mut earlier,
        "SUM6.1.1",
        AnswerValue::RiskLevel(RiskLevel::Medium),
    );
    set(&mut earlier, "R1.3.12", AnswerValue::Yes);
    set(&mut earlier, "R1.4.13", AnswerValue::Yes);
    set(&mut earlier, MAPPA_CATEGORY, AnswerValue::Code("2".into()));
    set(
        &mut later,
        "SUM6.2.2",
        AnswerValue::RiskLevel(RiskLevel::High),
    );
    set(&mut later, "R1.3.20", AnswerValue::Yes);
    set(&mut later, "R1.4.16", AnswerValue::Yes);
    set(&mut later, "R3.1.1", AnswerValue::Yes);
    set(&mut later, MAPPA_CATEGORY, AnswerValue::Code("1".into()));
    set(&mut later, "RM9", AnswerValue::Yes);
    let c = compare(&earlier, &later).expect("compare");
    let cell = |g, s| {
        c.rosh
            .cells
            .iter()
            .find(|x| x.group == g && x.setting == s)
            .map(|x| x.change.direction)
    };
    assert_eq!(
        cell(RiskGroup::Children, RiskSetting::Community),
        Some(Direction::Down)
    );
    assert_eq!(
        cell(RiskGroup::Public, RiskSetting::Custody),
        Some(Direction::Up)
    );
    assert_eq!(
        cell(RiskGroup::Staff, RiskSetting::Custody),
        Some(Direction::Same)
    );
    assert_eq!(c.rosh.cells.len(), 9);
    assert_eq!(
        (c.rosh.overall.earlier, c.rosh.overall.later),
        (Some(RiskLevel::Medium), Some(RiskLevel::High))
    );
    assert_eq!(c.rosh.overall.direction, Direction::Up);
    assert_eq!(
        (
            c.rosh.behaviours_added.clone(),
            c.rosh.behaviours_cleared.clone()
        ),
        (vec![20], vec![12])
    );
    assert_eq!(
        c.rosh.orders_added,
        vec!["sexual harm prevention order".to_owned()]
    );
    assert_eq!(c.rosh.orders_cleared, vec!["restraining order".to_owned()]);
    assert_eq!(c.rosh.concerns.len(), 1);
    assert_eq!(
        c.rosh.concerns.first().map(|x| x.later.code.clone()),
        Some("R3.1".into())
    );
    assert!(matches!(
        c.rmp.mappa_category,
        Some(AnswerChange::Changed { .. })
    ));
    assert_eq!(c.rmp.mappa_level, None);
    assert_eq!(
        c.rmp.registration_flags,
        vec![AnswerChange::Added {
            code: "RM9".into(),
            later: AnswerValue::Yes
        }]
    );
}

#[test]
fn items_of_one_question_set_version_are_not_comparable() {
    let mut earlier = Assessment::create(
        NewAssessment {
            question_set_version: PREVIOUS_VERSION.into(),
            ..new_assessment(110, Layer::Layer3Full)
        },
        &person(),
        t(2025, 6, 1),
    )
    .expect("create");
    set(
        &mut earlier,
        "2.2",
        AnswerValue::Options(vec!["weapon".into()]),
    );
    set(&mut earlier, "6.7", AnswerValue::Yes);
    set(&mut earlier, "3.4", AnswerValue::Problems(2));
    let mut later = open(Layer::Layer3Full);
    set(&mut later, "2.2_V2_WEAPON", AnswerValue::No);
    set(&mut later, "3.4", AnswerValue::Problems(2));
    let c = compare(&earlier, &later).expect("compare");
    let codes: Vec<&str> = c.answers.iter().map(AnswerChange::code).collect();
    assert_eq!(codes, ["2.2", "2.2_V2_WEAPON", "6.7"]);
    assert!(
        c.answers
            .iter()
            .all(|a| matches!(a, AnswerChange::NotComparable { .. }))
    );
    assert!(
        c.header
            .iter()
            .any(|h| h.field == "question_set_version" && h.earlier == PREVIOUS_VERSION)
    );
    let refused = later.apply(
        &assessor(),
        t(2026, 2, 2),
        Command::Answer {
            code: "6.7".into(),
            value: AnswerValue::Yes,
        },
    );
    assert!(matches!(
        refused,
        Err(LifecycleError::Answer(AnswerError::UnknownQuestion { .. }))
    ));
}
