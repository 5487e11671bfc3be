//! Specialist assessment indicators: each rule of spec §10 with the answers that triggered it.
//! Inputs are answered through assessment-model; expected triggers are listed in rule order.

use oasys_assessment_model::{AnswerValue, Injecting, RiskLevel, RiskSetting};
use oasys_sentence_plan::*;

use crate::common::*;

fn raised(pairs: &[(&str, AnswerValue)], setting: RiskSetting) -> Vec<Indicator> {
    indicators(&assessment_with(1, pairs), setting)
}

fn check(
    pairs: &[(&str, AnswerValue)],
    setting: RiskSetting,
    expected: &[(IndicatorKind, &[&str])],
) {
    let got: Vec<(IndicatorKind, Vec<String>)> = raised(pairs, setting)
        .into_iter()
        .map(|i| (i.kind, i.triggers.into_iter().map(|t| t.code).collect()))
        .collect();
    let want: Vec<(IndicatorKind, Vec<String>)> = expected
        .iter()
        .map(|(k, codes)| (*k, codes.iter().map(|c| (*c).to_owned()).collect()))
        .collect();
    assert_eq!(got, want);
}

use IndicatorKind::*;
use RiskSetting::{Community, Custody};

#[test]
fn nothing_answered_indicates_nothing() {
    check(&[], Custody, &[]);
}

#[test]
fn domestic_abuse_gives_sara_and_police_enquiry() {
    check(
        &[
            ("2.2_V2_DOM_ABUSE", AnswerValue::Yes),
            ("6.7.2.1da", AnswerValue::Yes),
        ],
        Community,
        &[
            (Sara, &["2.2_V2_DOM_ABUSE", "6.7.2.1da"]),
            (
                PoliceDomesticAbuseEnquiry,
                &["2.2_V2_DOM_ABUSE", "6.7.2.1da"],
            ),
        ],
    );
    // Victim only: police enquiry, no SARA.
    check(
        &[
            ("6.7da", AnswerValue::Yes),
            ("6.7.1.1da", AnswerValue::Yes),
            ("R1.3.20", AnswerValue::No),
        ],
        Community,
        &[(PoliceDomesticAbuseEnquiry, &["6.7da", "6.7.1.1da"])],
    );
}

#[test]
fn sexual_offending_with_strengthening_answers() {
    let got = raised(
        &[
            ("1.41", AnswerValue::Yes),
            ("R1.2.4.2", AnswerValue::Yes),
            ("11.11", p(1)),
            ("6.12", p(0)),
        ],
        Community,
    );
    assert_eq!(got.len(), 1);
    assert_eq!(got[0].kind, SexualOffending);
    assert_eq!(got[0].triggers.len(), 2);
    assert_eq!(
        got[0]
            .strengthened_by
            .iter()
            .map(|t| t.code.as_str())
            .collect::<Vec<_>>(),
        vec!["11.11"]
    );
    // Strengthening answers alone raise nothing.
    check(&[("11.12", p(2))], Community, &[]);
}

#[test]
fn child_safeguarding_from_offences_flags_and_the_matrix() {
    check(
        &[
            ("R1.2.5.1", AnswerValue::Yes),
            ("RM12", AnswerValue::Yes),
            ("SUM6.1.1", AnswerValue::RiskLevel(RiskLevel::Medium)),
            ("SUM6.1.2", AnswerValue::RiskLevel(RiskLevel::Low)),
        ],
        Community,
        &[(ChildSafeguarding, &["R1.2.5.1", "RM12", "SUM6.1.1"])],
    );
    check(
        &[("R1.2.3.1", AnswerValue::Yes)],
        Community,
        &[
            (SexualOffending, &["R1.2.3.1"]),
            (ChildSafeguarding, &["R1.2.3.1"]),
        ],
    );
}

#[test]
fn mental_health_and_acct() {
    check(
        &[
            ("10.6", p(2)),
            ("10.8", AnswerValue::Yes),
            ("R3.2.1", AnswerValue::Yes),
            ("R1.3.10", AnswerValue::Yes),
        ],
        Custody,
        &[
            (MentalHealthReferral, &["10.6", "10.8", "R3.2.1", "R1.3.10"]),
            (Acct, &["R3.2.1"]),
        ],
    );
    check(
        &[("10.6", p(1)), ("R3.1.1", AnswerValue::Yes)],
        Community,
        &[(MentalHealthReferral, &["R3.1.1"])],
    );
    // An open ACCT already: no prompt.
    check(
        &[("R3.1.1", AnswerValue::Yes), ("FA34", AnswerValue::Yes)],
        Custody,
        &[(MentalHealthReferral, &["R3.1.1"])],
    );
}

#[test]
fn substance_misuse_learning_and_mappa() {
    check(
        &[
            ("9.1", p(2)),
            ("9.2", p(2)),
            ("9.4", p(2)),
            ("8.6", AnswerValue::Injecting(Injecting::Currently)),
        ],
        Community,
        &[(SubstanceMisuse, &["8.6", "9.1", "9.2"])],
    );
    check(
        &[("8.6", AnswerValue::Injecting(Injecting::Previously))],
        Community,
        &[],
    );
    check(
        &[("4.7", p(1)), ("13.3.6.3", AnswerValue::Yes)],
        Community,
        &[(LearningDifficulty, &["4.7", "13.3.6.3"])],
    );
    check(
        &[
            ("RM4", AnswerValue::Yes),
            ("RM.MAPPA.CATEGORY", AnswerValue::Code("2".into())),
        ],
        Community,
        &[(MappaReferralReview, &["RM4", "RM.MAPPA.CATEGORY"])],
    );
    check(
        &[("RM.MAPPA.CATEGORY", AnswerValue::Code("none".into()))],
        Community,
        &[],
    );
    check(
        &[
            ("RM.MAPPA.CATEGORY", AnswerValue::Code("1".into())),
            ("RM.MAPPA.LEVEL", AnswerValue::Code("1".into())),
        ],
        Community,
        &[],
    );
}

#[test]
fn setting_follows_the_persons_location() {
    assert_eq!(setting_of(&person()), Community);
    assert_eq!(setting_of(&custody()), Custody);
    assert!(IndicatorKind::Sara.label().contains("SARA"));
}
