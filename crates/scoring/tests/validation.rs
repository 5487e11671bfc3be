//! Validation (spec §4.4, §4.5, §8.1, §10.1, §12.1): every failed rule is reported with its
//! code and inputs, only the predictors that use an input fail, and nothing stops at the first.

mod common;

use common::*;
use oasys_scoring::{ReasonCode, Status, score};

/// A person for whom every history-based predictor is calculable.
const HISTORY: &str = r#"{"gender":"male","date_of_birth":"1980-01-01","conviction_date":"2024-01-01",
    "follow_up_start_date":"2024-03-01","assessment_date":"2025-01-01","age_at_first_sanction":20,
    "total_sanctions":5,"violent_sanctions":2,"ogrs3_offence_category":"violence",
    "offence_category":"violence_against_the_person_sub_abh","sexual_offence_history":false}"#;

fn codes(json: &str, key: &str) -> Vec<ReasonCode> {
    let report = score(&input(json), None);
    let (_, r) = report
        .predictors()
        .into_iter()
        .find(|(k, _)| *k == key)
        .expect("predictor key");
    r.reason_codes()
}

fn with(extra: &str) -> String {
    serde_json::to_string(&merged(HISTORY, extra)).expect("json")
}

#[test]
fn the_reference_person_is_calculable() {
    let r = score(&input(HISTORY), None);
    for key in [
        "ogrs3",
        "snsv_static",
        "arp_static",
        "vrp_static",
        "svrp_static",
        "rsr",
        "csrp",
    ] {
        let (_, result) = r
            .predictors()
            .into_iter()
            .find(|(k, _)| *k == key)
            .expect("key");
        assert_eq!(result.status, Status::Calculated, "{key}: {result:#?}");
    }
    assert_eq!(r.osp_dc.status, Status::NotApplicable);
    assert_eq!(r.rsr.violent_variant, Some(oasys_scoring::Variant::Static));
}

#[test]
fn every_missing_input_is_listed_in_one_reason() {
    let r = score(&input("{}"), None).ogrs3;
    assert_eq!(r.status, Status::NotCalculable);
    assert_eq!(r.reasons.len(), 1);
    assert_eq!(r.reasons[0].code, ReasonCode::MissingInput);
    assert_eq!(
        r.reasons[0].fields,
        [
            "gender",
            "date_of_birth",
            "conviction_date",
            "age_at_first_sanction",
            "total_sanctions",
            "offence_code"
        ]
    );
}

#[test]
fn history_rules_h1_to_h8() {
    let cases: &[(&str, &str, ReasonCode)] = &[
        (
            r#"{"total_sanctions":0}"#,
            "ogrs3",
            ReasonCode::SanctionsOutOfRange,
        ),
        (
            r#"{"total_sanctions":1000}"#,
            "arp_static",
            ReasonCode::SanctionsOutOfRange,
        ),
        (
            r#"{"violent_sanctions":6}"#,
            "vrp_static",
            ReasonCode::ViolentSanctionsOutOfRange,
        ),
        (
            r#"{"conviction_date":"1979-05-01"}"#,
            "ogrs3",
            ReasonCode::DateNotAfterBirth,
        ),
        (
            r#"{"follow_up_start_date":"1980-01-01","conviction_date":"1979-01-01"}"#,
            "ogrs3",
            ReasonCode::DateNotAfterBirth,
        ),
        (
            r#"{"date_of_birth":"1900-01-01"}"#,
            "snsv_static",
            ReasonCode::AgeOutOfRange,
        ),
        (
            r#"{"age_at_first_sanction":110}"#,
            "ogrs3",
            ReasonCode::AgeOutOfRange,
        ),
        (
            r#"{"date_of_birth":"2015-01-01","age_at_first_sanction":8}"#,
            "ogrs3",
            ReasonCode::AgeAtConvictionUnder10,
        ),
        (
            r#"{"age_at_first_sanction":45}"#,
            "arp_static",
            ReasonCode::FirstSanctionAfterConviction,
        ),
        (
            r#"{"follow_up_start_date":"2023-12-31"}"#,
            "svrp_static",
            ReasonCode::FollowUpBeforeConviction,
        ),
        (
            r#"{"conviction_date":"2025-04-02"}"#,
            "arp_static",
            ReasonCode::ConvictionAfterAssessment,
        ),
        (
            r#"{"gender":"other"}"#,
            "ogrs3",
            ReasonCode::UnsupportedGender,
        ),
        (
            r#"{"age_at_first_sanction":-1}"#,
            "ogrs3",
            ReasonCode::InvalidValue,
        ),
        (
            r#"{"offence_category":"shoplifting"}"#,
            "arp_static",
            ReasonCode::InvalidValue,
        ),
        (
            r#"{"offence_code":"2700"}"#,
            "ogrs3",
            ReasonCode::InvalidOffenceCode,
        ),
        (
            r#"{"offence_code":"02700","offence_category":null}"#,
            "arp_static",
            ReasonCode::OffenceCodeNotFound,
        ),
    ];
    for (extra, key, expected) in cases {
        let found = codes(&with(extra), key);
        assert!(
            found.contains(expected),
            "{extra} on {key}: expected {expected:?}, got {found:?}"
        );
    }
}

#[test]
fn conviction_exactly_three_months_after_assessment_is_allowed() {
    // 2025-01-01 + 3 months = 2025-04-01.
    assert!(
        codes(
            &with(r#"{"conviction_date":"2025-04-01","follow_up_start_date":null}"#),
            "arp_static"
        )
        .is_empty()
    );
    // H8 applies to SNSV/ARP/VRP/SVRP only, not OGRS3.
    assert!(
        codes(
            &with(r#"{"conviction_date":"2025-06-01","follow_up_start_date":null}"#),
            "ogrs3"
        )
        .is_empty()
    );
}

#[test]
fn all_failures_are_reported_together() {
    let found = codes(
        &with(r#"{"total_sanctions":0,"age_at_first_sanction":50,"gender":"x"}"#),
        "ogrs3",
    );
    for code in [
        ReasonCode::SanctionsOutOfRange,
        ReasonCode::FirstSanctionAfterConviction,
        ReasonCode::UnsupportedGender,
    ] {
        assert!(found.contains(&code), "{found:?}");
    }
}

#[test]
fn offence_catalogue_rules() {
    let cat = catalogue();
    let run = |code: &str| {
        let i = merged(
            HISTORY,
            &format!(
                r#"{{"offence_code":"{code}","ogrs3_offence_category":null,"offence_category":null}}"#
            ),
        );
        score(&i, Some(&cat))
    };
    assert_eq!(
        run("08800").ogrs3.reason_codes(),
        vec![ReasonCode::OffenceNeedsExactCode]
    );
    assert_eq!(
        run("95001").ogrs3.reason_codes(),
        vec![ReasonCode::OffenceCodeNotFound]
    );
    assert_eq!(
        run("99999").arp_static.reason_codes(),
        vec![ReasonCode::OffenceCodeNotFound]
    );
    // 08184 maps differently in the two generations.
    let r = run("08184");
    assert_eq!(
        r.snsv_static
            .explanation
            .iter()
            .find(|f| f.factor == "offence_category")
            .map(|f| f.value.clone()),
        Some(oasys_scoring::FactorValue::Text("firearms_most_serious"))
    );
    assert_eq!(
        r.arp_static
            .explanation
            .iter()
            .find(|f| f.factor == "offence_category")
            .map(|f| f.value.clone()),
        Some(oasys_scoring::FactorValue::Text("firearms_other"))
    );
    // A code only in the 2025 map has no SNSV category.
    let r = run("00878");
    assert_eq!(
        r.snsv_static.reason_codes(),
        vec![ReasonCode::OffenceCodeNotFound]
    );
    // A malformed code fails even when categories are given directly.
    let i = merged(HISTORY, r#"{"offence_code":"ABCDE"}"#);
    assert_eq!(
        score(&i, Some(&cat)).ogrs3.reason_codes(),
        vec![ReasonCode::InvalidOffenceCode]
    );
}

#[test]
fn ovp_rules() {
    let ovp = r#"{"recognises_impact":true,"no_fixed_abode":false,"unemployed":false,"alcohol_current_use":0,
        "alcohol_binge":0,"psychiatric_treatment":false,"temper_control":0,"pro_criminal_attitudes":0}"#;
    let base = with(ovp);
    assert!(codes(&base, "ovp").is_empty());
    let young = serde_json::to_string(&merged(
        &base,
        r#"{"date_of_birth":"2007-01-01","age_at_first_sanction":12}"#,
    ))
    .unwrap();
    assert_eq!(codes(&young, "ovp"), vec![ReasonCode::AgeUnder18]);
    let bad =
        serde_json::to_string(&merged(&base, r#"{"temper_control":3,"unemployed":1}"#)).unwrap();
    assert_eq!(
        codes(&bad, "ovp"),
        vec![ReasonCode::InvalidValue, ReasonCode::InvalidValue]
    );
    // OVP needs no offence category and no age at first sanction.
    let lean = serde_json::to_string(&merged(
        &base,
        r#"{"ogrs3_offence_category":null,"offence_category":null,"age_at_first_sanction":null}"#,
    ))
    .unwrap();
    assert!(codes(&lean, "ovp").is_empty());
}

#[test]
fn sexual_predictor_applicability_comes_first() {
    // Not a sexual offender: the sexual predictors do not apply and need nothing else.
    let r = score(
        &input(r#"{"gender":"male","sexual_offence_history":false}"#),
        None,
    );
    assert_eq!(r.osp_dc.status, Status::NotApplicable);
    assert_eq!(r.iic_srp.status, Status::NotApplicable);
    // Counts above 0 contradict 1.30 = No, for any gender.
    let r = score(
        &input(
            r#"{"gender":"female","sexual_offence_history":false,"indecent_image_sanctions":1}"#,
        ),
        None,
    );
    assert_eq!(
        r.osp_iic.reason_codes(),
        vec![ReasonCode::SexualCountsInconsistent]
    );
    // A woman is not applicable whatever 1.30 says.
    let r = score(&input(r#"{"gender":"female"}"#), None);
    assert_eq!(r.dc_srp.status, Status::NotApplicable);
    // Yes with all counts 0.
    let zero = r#"{"gender":"male","sexual_offence_history":true,"contact_adult_sexual_sanctions":0,
        "contact_child_sexual_sanctions":0,"indecent_image_sanctions":0,"non_contact_sexual_sanctions":0}"#;
    assert_eq!(
        score(&input(zero), None).osp_iic.reason_codes(),
        vec![ReasonCode::SexualHistoryWithoutSanctions]
    );
    // Gender and 1.30 missing: everything the calculation would need is listed.
    let r = score(&input("{}"), None).dc_srp;
    assert_eq!(r.reasons[0].code, ReasonCode::MissingInput);
    for field in [
        "gender",
        "sexual_offence_history",
        "indecent_image_sanctions",
        "supervision_status",
        "most_recent_sexual_sanction_date",
    ] {
        assert!(
            r.reasons[0].fields.iter().any(|f| f == field),
            "{field} in {:?}",
            r.reasons[0].fields
        );
    }
    // v1 does not need 1.33.
    assert!(
        !score(&input("{}"), None).osp_dc.reasons[0]
            .fields
            .iter()
            .any(|f| f == "most_recent_sexual_sanction_date")
    );
}

#[test]
fn osp_dc_band_reduction() {
    let person = r#"{"gender":"male","date_of_birth":"1960-01-01","sexual_offence_history":true,"total_sanctions":9,
        "follow_up_start_date":"2010-01-01","most_recent_sexual_sanction_date":"1995-01-01","supervision_status":"community",
        "assessment_date":"2025-01-01","contact_adult_sexual_sanctions":3,"contact_child_sexual_sanctions":3,
        "non_contact_sexual_sanctions":3,"indecent_image_sanctions":0}"#;
    let r = score(&input(person), None).osp_dc;
    // 15 + 9 + 6 + age 50 → 14 - 10 = 4 + age at sanction 35 → 10 + previous 6 = 50: very high, reduced to high.
    assert_eq!(r.points, Some(50));
    assert_eq!(r.band, Some(oasys_scoring::Band::High));
    assert_eq!(r.band_reduced, Some(true));
    for blocker in [
        r#"{"supervision_status":"custody"}"#,
        r#"{"follow_up_start_date":"2020-01-02"}"#,
        r#"{"most_recent_offence_date":"2021-01-01"}"#,
        r#"{"most_recent_sexual_sanction_date":"2022-06-01"}"#,
        r#"{"most_recent_offence_date":"2026-01-01"}"#,
    ] {
        let r = score(&merged(person, blocker), None).osp_dc;
        assert_eq!(r.band_reduced, Some(false), "{blocker}");
        assert_eq!(r.band, Some(oasys_scoring::Band::VeryHigh), "{blocker}");
    }
}

#[test]
fn dynamic_rules() {
    let arp = r#"{"accommodation_suitability":0,"unemployed":false,"partner_relationship":2,"relationship_status":"living_together",
        "evidence_of_domestic_abuse":true,"domestic_abuse_partner_perpetrator":true,"activities_encourage_offending":0,
        "alcohol_current_use":0,"alcohol_binge":0,"impulsivity":0,"pro_criminal_attitudes":0}"#;
    let base = with(arp);
    let r = score(&input(&base), None).arp_dynamic;
    assert_eq!(r.status, Status::Calculated, "{r:#?}");
    close(
        contribution(&r, "living_together_x_partner_relationship"),
        2.0 * 0.141655261924428,
    );
    close(
        contribution(&r, "domestic_abuse_partner_perpetrator"),
        0.0635669196833949,
    );
    // 6.7 = Yes needs 6.7.2.1.
    let missing = serde_json::to_string(&merged(
        &base,
        r#"{"domestic_abuse_partner_perpetrator":null}"#,
    ))
    .unwrap();
    let r = score(&input(&missing), None);
    assert_eq!(
        r.arp_dynamic.reasons[0].code,
        ReasonCode::MissingDynamicInput
    );
    assert_eq!(
        r.arp_dynamic.reasons[0].fields,
        ["domestic_abuse_partner_perpetrator"]
    );
    assert_eq!(r.arp_static.status, Status::Calculated);
    // A drug used without 8.8 is inconsistent (D15); without drugs 8.8 may be missing.
    let drugs = serde_json::to_string(&merged(&base, r#"{"drug_ketamine":true}"#)).unwrap();
    let r = score(&input(&drugs), None).arp_dynamic;
    assert_eq!(
        r.reason_codes(),
        vec![ReasonCode::DrugMotivationInconsistent]
    );
    assert!(r.reasons[0].fields.iter().any(|f| f == "drug_ketamine"));
    // Amphetamines have no coefficient (D19) and need no 8.8.
    let amph = serde_json::to_string(&merged(&base, r#"{"drug_amphetamines":true}"#)).unwrap();
    assert_eq!(
        score(&input(&amph), None).arp_dynamic.status,
        Status::Calculated
    );
    // Heroin is an ARP item, not a VRP one.
    let heroin =
        serde_json::to_string(&merged(&base, r#"{"drug_heroin":true,"temper_control":0}"#))
            .unwrap();
    let r = score(&input(&heroin), None);
    assert_eq!(
        r.arp_dynamic.reason_codes(),
        vec![ReasonCode::DrugMotivationInconsistent]
    );
    assert_eq!(r.vrp_dynamic.status, Status::Calculated);
    // An unknown relationship status is reported once.
    let odd =
        serde_json::to_string(&merged(&base, r#"{"relationship_status":"married"}"#)).unwrap();
    assert_eq!(
        score(&input(&odd), None).arp_dynamic.reason_codes(),
        vec![ReasonCode::InvalidValue]
    );
}

#[test]
fn need_answers_outside_their_vocabulary() {
    let r = score(
        &input(r#"{"need_answers":{"3.4":3,"9.1":"yes","6.1":1,"6.98":"x"}}"#),
        None,
    )
    .needs;
    assert_eq!(r.accommodation.score, None);
    assert_eq!(r.accommodation.reasons[0].code, ReasonCode::InvalidValue);
    assert_eq!(r.alcohol_misuse.score, None);
    assert_eq!(r.relationships.score, None);
    // The predictor field carries the item when need_answers lacks it.
    let r = score(&input(r#"{"pro_criminal_attitudes":2}"#), None).needs;
    assert_eq!(r.attitudes.score, Some(2));
    assert_eq!(r.attitudes.identified_need, Some(true));
    let r = score(
        &input(r#"{"need_answers":{"4.2":2,"4.3":2,"4.4":2,"4.5":1,"4.98":true}}"#),
        None,
    )
    .needs;
    assert_eq!(r.education_training_employability.score, Some(7));
    assert_eq!(
        r.education_training_employability.severity,
        Some(oasys_scoring::Severity::Severe)
    );
    assert_eq!(
        r.education_training_employability.linked_to_reoffending,
        Some(true)
    );
}

#[test]
fn reason_codes_are_written_exactly_as_the_spec_spells_them() {
    use ReasonCode::*;
    // The table of spec §4.4, in its order.
    let spec = [
        (MissingInput, "missing_input"),
        (MissingDynamicInput, "missing_dynamic_input"),
        (InvalidValue, "invalid_value"),
        (UnsupportedGender, "unsupported_gender"),
        (InvalidOffenceCode, "invalid_offence_code"),
        (OffenceCodeNotFound, "offence_code_not_found"),
        (OffenceNeedsExactCode, "offence_needs_exact_code"),
        (SanctionsOutOfRange, "sanctions_out_of_range"),
        (ViolentSanctionsOutOfRange, "violent_sanctions_out_of_range"),
        (DateNotAfterBirth, "date_not_after_birth"),
        (AgeOutOfRange, "age_out_of_range"),
        (AgeAtConvictionUnder10, "age_at_conviction_under_10"),
        (AgeUnder18, "age_under_18"),
        (
            FirstSanctionAfterConviction,
            "first_sanction_after_conviction",
        ),
        (FollowUpBeforeConviction, "follow_up_before_conviction"),
        (ConvictionAfterAssessment, "conviction_after_assessment"),
        (SexualCountsInconsistent, "sexual_counts_inconsistent"),
        (
            SexualHistoryWithoutSanctions,
            "sexual_history_without_sanctions",
        ),
        (SexualCountsExceedTotal, "sexual_counts_exceed_total"),
        (DrugMotivationInconsistent, "drug_motivation_inconsistent"),
        (ComponentNotCalculable, "component_not_calculable"),
    ];
    for (code, spelt) in spec {
        assert_eq!(serde_json::to_value(code).expect("json"), spelt);
    }
    // And as `oasys score` writes them: a person convicted at 9, and one too young for OVP.
    let young = with(r#"{"date_of_birth":"2014-06-01","age_at_first_sanction":9}"#);
    let report = score(&input(&young), None);
    let mut written = Vec::new();
    report.write_json(&mut written, true).expect("write");
    let written = String::from_utf8(written).expect("utf-8");
    assert!(
        written.contains(r#""code":"age_at_conviction_under_10""#),
        "{written}"
    );
    assert!(written.contains(r#""code":"age_under_18""#), "{written}");
}

#[test]
fn a_null_need_answers_is_missing_like_any_null_field() {
    let given_null = with(r#"{"need_answers":null}"#);
    let parsed: oasys_scoring::PredictorInput =
        serde_json::from_str(&given_null).expect("null reads as missing");
    assert!(parsed.need_answers.is_empty());
    let json = |input| serde_json::to_value(score(input, None)).expect("json");
    assert_eq!(json(&parsed), json(&input(HISTORY)));
}
