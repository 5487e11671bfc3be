//! Section 1 as predictor facts and its cross-field checks, each a named problem.

use crate::common::*;
use oasys_assessment_model::*;

fn problems(pairs: &[(&str, AnswerValue)]) -> Vec<Section1Problem> {
    let mut a = open(Layer::Layer1Basic);
    set(
        &mut a,
        "OFFENCE.CATEGORY",
        AnswerValue::Code("burglary_domestic".into()),
    );
    for (code, value) in pairs {
        set(&mut a, code, value.clone());
    }
    a.section1_problems()
}

#[test]
fn predictor_facts_use_canonical_names() {
    let mut a = open(Layer::Layer1Basic);
    set(&mut a, "1.29", AnswerValue::Date(d(2026, 1, 10)));
    set(&mut a, "1.38", AnswerValue::Date(d(2026, 1, 20)));
    set(&mut a, "1.8", AnswerValue::Count(14));
    set(&mut a, "1.32", AnswerValue::Count(7));
    set(&mut a, "1.40", AnswerValue::Count(2));
    set(&mut a, "1.30", AnswerValue::Yes);
    set(&mut a, "1.45", AnswerValue::Count(1));
    set(&mut a, "1.44", AnswerValue::No);
    set(
        &mut a,
        "OFFENCE.OGRS3_CATEGORY",
        AnswerValue::Code("burglary_domestic".into()),
    );
    let f = a.predictor_facts();
    assert_eq!(f.date_of_birth, d(1990, 5, 1));
    assert_eq!(
        (f.conviction_date, f.follow_up_start_date),
        (Some(d(2026, 1, 10)), Some(d(2026, 1, 20)))
    );
    assert_eq!(
        (
            f.age_at_first_sanction,
            f.total_sanctions,
            f.violent_sanctions
        ),
        (Some(14), Some(7), Some(2))
    );
    assert_eq!(
        (
            f.sexual_offence_history,
            f.contact_child_sexual_sanctions,
            f.stranger_victim
        ),
        (Some(true), Some(1), Some(false))
    );
    assert_eq!(
        f.ogrs3_offence_category.as_deref(),
        Some("burglary_domestic")
    );
    assert_eq!(
        (f.offence_code.as_deref(), f.offence_category.as_deref()),
        (None, None)
    );
    let json = serde_json::to_value(&f).expect("json");
    for key in [
        "conviction_date",
        "follow_up_start_date",
        "age_at_first_sanction",
        "most_recent_sexual_sanction_date",
    ] {
        assert!(json.get(key).is_some(), "{key}");
    }
}

#[test]
fn consistent_section1_has_no_problems() {
    let p = problems(&[
        ("1.29", AnswerValue::Date(d(2026, 1, 10))),
        ("1.38", AnswerValue::Date(d(2026, 1, 10))),
        ("1.8", AnswerValue::Count(35)),
        ("1.32", AnswerValue::Count(3)),
        ("1.40", AnswerValue::Count(3)),
        ("1.34", AnswerValue::Count(3)),
    ]);
    assert_eq!(p, vec![]);
}

#[test]
fn each_cross_field_rule_is_named() {
    let p = problems(&[("1.29", AnswerValue::Date(d(1990, 5, 1)))]);
    assert_eq!(
        p,
        vec![Section1Problem::DateNotAfterBirth {
            code: "1.29".into(),
            date: d(1990, 5, 1)
        }]
    );
    let p = problems(&[("1.33", AnswerValue::Date(d(2100, 5, 1)))]);
    assert_eq!(
        p,
        vec![Section1Problem::AgeOutOfRange {
            code: "1.33".into(),
            age: 110
        }]
    );
    let p = problems(&[
        ("1.29", AnswerValue::Date(d(2010, 5, 1))),
        ("1.8", AnswerValue::Count(21)),
    ]);
    assert_eq!(
        p,
        vec![Section1Problem::FirstSanctionAfterConviction {
            age_at_first_sanction: 21,
            age_at_conviction: 20
        }]
    );
    let p = problems(&[
        ("1.32", AnswerValue::Count(2)),
        ("1.40", AnswerValue::Count(3)),
    ]);
    assert_eq!(
        p,
        vec![Section1Problem::ViolentSanctionsExceedTotal {
            violent: 3,
            total: 2
        }]
    );
    let p = problems(&[
        ("1.32", AnswerValue::Count(2)),
        ("1.37", AnswerValue::Count(3)),
        ("1.46", AnswerValue::Count(4)),
    ]);
    assert_eq!(
        p,
        vec![
            Section1Problem::SexualCountExceedsTotal {
                code: "1.37".into(),
                count: 3,
                total: 2
            },
            Section1Problem::SexualCountExceedsTotal {
                code: "1.46".into(),
                count: 4,
                total: 2
            },
        ]
    );
    // Assessment date 2026-02-01 + 3 months = 2026-05-01.
    assert_eq!(
        problems(&[("1.29", AnswerValue::Date(d(2026, 5, 1)))]),
        vec![]
    );
    assert_eq!(
        problems(&[("1.29", AnswerValue::Date(d(2026, 5, 2)))]),
        vec![Section1Problem::ConvictionAfterAssessment {
            conviction_date: d(2026, 5, 2),
            latest_allowed: d(2026, 5, 1)
        }]
    );
    let p = problems(&[
        ("1.29", AnswerValue::Date(d(2026, 1, 10))),
        ("1.38", AnswerValue::Date(d(2026, 1, 9))),
    ]);
    assert_eq!(
        p,
        vec![Section1Problem::FollowUpBeforeConviction {
            follow_up_start_date: d(2026, 1, 9),
            conviction_date: d(2026, 1, 10)
        }]
    );
}

#[test]
fn every_problem_is_reported_not_just_the_first() {
    let p = problems(&[
        ("1.29", AnswerValue::Date(d(2027, 1, 1))),
        ("1.38", AnswerValue::Date(d(2026, 1, 1))),
        ("1.32", AnswerValue::Count(1)),
        ("1.40", AnswerValue::Count(2)),
    ]);
    assert_eq!(p.len(), 3, "{p:?}");
}

#[test]
fn offence_category_vocabulary_is_the_predictor_list() {
    let mut a = open(Layer::Layer1Basic);
    let bad = a.apply(
        &assessor(),
        t(2026, 2, 2),
        Command::Answer {
            code: "OFFENCE.CATEGORY".into(),
            value: AnswerValue::Code("robbery".into()),
        },
    );
    assert!(matches!(
        bad,
        Err(LifecycleError::Answer(
            AnswerError::AnswerOutOfVocabulary { .. }
        ))
    ));
    set(
        &mut a,
        "OFFENCE.CATEGORY",
        AnswerValue::Code("acquisitive_violence".into()),
    );
    set(
        &mut a,
        "OFFENCE.OGRS3_CATEGORY",
        AnswerValue::Code("robbery".into()),
    );
}
