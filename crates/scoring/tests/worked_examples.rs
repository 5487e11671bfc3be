//! The worked examples of predictors.md, reproduced through the public API: probabilities to
//! 1e-9, displayed percentages and bands exactly, and the explanation terms the spec lists.

mod common;

use common::*;
use oasys_scoring::{Band, Percentage, ReasonCode, Status, Variant, score};

// ---- OGRS3 (§5.4) ----

#[test]
fn ogrs3_example_1_resolves_the_offence_code_through_the_catalogue() {
    let input = input(
        r#"{"gender":"male","date_of_birth":"1965-12-07","conviction_date":"2025-05-13",
            "follow_up_start_date":"2026-12-06","total_sanctions":2,"age_at_first_sanction":47,
            "offence_code":"02700"}"#,
    );
    let r = score(&input, Some(&catalogue())).ogrs3;
    assert_calculated(&r, 0.1570961662, 16.0);
    close(r.probability_1y.unwrap(), 0.0832387012);
    assert_eq!(r.percentage_1y, Some(Percentage::Whole(8)));
    assert_eq!(r.band, Some(Band::Low));
    close(contribution(&r, "age_gender"), -2.0253);
    close(contribution(&r, "copas_rate"), -3.0000547337034975);
    close(contribution(&r, "offence_category"), 0.7606);
}

#[test]
fn ogrs3_example_1_without_a_catalogue_says_the_code_was_not_found() {
    let r = scored(
        r#"{"gender":"male","date_of_birth":"1965-12-07","conviction_date":"2025-05-13",
            "total_sanctions":2,"age_at_first_sanction":47,"offence_code":"02700"}"#,
    )
    .ogrs3;
    assert_eq!(r.reason_codes(), vec![ReasonCode::OffenceCodeNotFound]);
}

#[test]
fn ogrs3_example_2() {
    let r = scored(
        r#"{"gender":"male","date_of_birth":"1991-07-17","conviction_date":"2021-08-05",
            "follow_up_start_date":"2021-12-12","total_sanctions":2,"age_at_first_sanction":21,
            "ogrs3_offence_category":"fraud_and_forgery"}"#,
    )
    .ogrs3;
    assert_calculated(&r, 0.1981374551, 20.0);
    close(r.probability_1y.unwrap(), 0.1074443146);
    assert_eq!(r.percentage_1y, Some(Percentage::Whole(11)));
    close(contribution(&r, "copas_rate"), -2.8166361950725585);
}

#[test]
fn ogrs3_example_3() {
    let input = input(
        r#"{"gender":"male","date_of_birth":"1980-01-01","conviction_date":"2020-01-01",
            "follow_up_start_date":"2040-01-01","total_sanctions":1,"age_at_first_sanction":40,
            "offence_code":"02700"}"#,
    );
    let r = score(&input, Some(&catalogue())).ogrs3;
    assert_calculated(&r, 0.1303723821, 13.0);
    close(r.probability_1y.unwrap(), 0.0680643452);
    assert_eq!(r.percentage_1y, Some(Percentage::Whole(7)));
    close(contribution(&r, "sanction_status"), 0.12614);
    close(contribution(&r, "copas_rate"), -2.8808102615467104);
}

// ---- OGP (§6.3) ----

/// An OGRS3 input whose displayed two-year percentage is `target` (searched over the sanction
/// count and age at first sanction), so OGP examples can be driven end to end.
fn ogrs3_input_with(target: i64) -> String {
    for first in (10..=40).rev() {
        for n in 1..=60 {
            let json = format!(
                r#"{{"gender":"male","date_of_birth":"1980-01-01","conviction_date":"2020-06-01",
                    "total_sanctions":{n},"age_at_first_sanction":{first},"ogrs3_offence_category":"theft_non_motor"}}"#
            );
            if scored(&json).ogrs3.percentage_2y == Some(Percentage::Whole(target)) {
                return json;
            }
        }
    }
    panic!("no OGRS3 input gives {target}%");
}

#[test]
fn ogp_examples() {
    let needs = r#"{"no_fixed_abode":false,"unemployed":true,"activities_encourage_offending":1,
        "drug_misuse_motivation":0,"problem_solving":1,"awareness_of_consequences":1,
        "understands_others_views":0,"pro_criminal_attitudes":1}"#;
    for (ogrs3, drug, points, p1, p2, band) in [
        (81, 0, 62, 53, 68, Band::High),
        (67, 0, 53, 40, 55, Band::Medium),
        (17, 2, 31, 15, 24, Band::Low),
    ] {
        let base = ogrs3_input_with(ogrs3);
        let input = merged(
            &merged_json(&base, needs),
            &format!(r#"{{"current_drug_misuse":{drug}}}"#),
        );
        let r = score(&input, None).ogp;
        assert_eq!(r.status, Status::Calculated, "{r:#?}");
        assert_eq!(r.points, Some(points));
        assert_eq!(r.percentage_1y, Some(Percentage::Whole(p1)));
        assert_eq!(r.percentage_2y, Some(Percentage::Whole(p2)));
        assert_eq!(r.band, Some(band));
        let sum: f64 = r.explanation.iter().map(|f| f.contribution).sum();
        assert_eq!(sum, points as f64);
        if points == 62 {
            close(r.probability_2y.unwrap(), 0.6769302510);
        }
    }
}

fn merged_json(base: &str, extra: &str) -> String {
    serde_json::to_string(&merged(base, extra)).expect("serialise")
}

#[test]
fn ogp_needs_ogrs3() {
    let r = scored(r#"{"no_fixed_abode":false}"#).ogp;
    let codes = r.reason_codes();
    assert!(
        codes.contains(&ReasonCode::ComponentNotCalculable),
        "{codes:?}"
    );
    assert!(codes.contains(&ReasonCode::MissingInput));
}

// ---- OVP (§7.3) ----

#[test]
fn ovp_examples() {
    let common = r#"{"gender":"male","date_of_birth":"1964-10-15","follow_up_start_date":"2027-12-12",
        "no_fixed_abode":true,"unemployed":true,"psychiatric_treatment":false,"pro_criminal_attitudes":0}"#;
    for (extra, points, p1, p2, band) in [
        (
            r#"{"total_sanctions":30,"violent_sanctions":10,"recognises_impact":true,"alcohol_current_use":0,"alcohol_binge":0,"temper_control":0}"#,
            39,
            15,
            26,
            Band::Low,
        ),
        (
            r#"{"total_sanctions":1,"violent_sanctions":0,"recognises_impact":false,"alcohol_current_use":0,"alcohol_binge":0,"temper_control":0}"#,
            22,
            5,
            9,
            Band::Low,
        ),
        (
            r#"{"total_sanctions":55,"violent_sanctions":40,"recognises_impact":true,"alcohol_current_use":1,"alcohol_binge":1,"temper_control":2}"#,
            58,
            42,
            58,
            Band::Medium,
        ),
    ] {
        let r = score(&merged(common, extra), None).ovp;
        assert_eq!(r.status, Status::Calculated, "{r:#?}");
        assert_eq!(r.points, Some(points));
        assert_eq!(r.percentage_1y, Some(Percentage::Whole(p1)));
        assert_eq!(r.percentage_2y, Some(Percentage::Whole(p2)));
        assert_eq!(r.band, Some(band));
    }
}

// ---- OSP/DC, DC-SRP, OSP/IIC, IIC-SRP (§8.5) ----

const OSP_COMMON: &str = r#"{"gender":"male","date_of_birth":"1980-01-01","sexual_offence_history":true,
    "follow_up_start_date":"2025-01-01","most_recent_sexual_sanction_date":"2000-01-01","total_sanctions":1,
    "supervision_status":"custody","assessment_date":"2025-01-01"}"#;

#[test]
fn osp_dc_examples() {
    let ex1 = merged(
        OSP_COMMON,
        r#"{"contact_adult_sexual_sanctions":1,"contact_child_sexual_sanctions":1,"non_contact_sexual_sanctions":1,"indecent_image_sanctions":0}"#,
    );
    let r = score(&ex1, None);
    assert_calculated(&r.osp_dc, 0.0095842849, 0.96);
    assert_eq!(r.osp_dc.points, Some(25));
    assert_eq!(r.osp_dc.band, Some(Band::Medium));
    assert_eq!(r.osp_dc.band_reduced, Some(false));
    assert_eq!(
        r.dc_srp.reason_codes(),
        vec![ReasonCode::SexualCountsExceedTotal]
    );

    let ex2 = merged(
        OSP_COMMON,
        r#"{"contact_adult_sexual_sanctions":3,"contact_child_sexual_sanctions":3,"non_contact_sexual_sanctions":1,"indecent_image_sanctions":0}"#,
    );
    let r = score(&ex2, None);
    assert_calculated(&r.osp_dc, 0.1109375549, 11.09);
    assert_eq!(r.osp_dc.points, Some(41));
    assert_eq!(r.osp_dc.band, Some(Band::VeryHigh));
    assert_eq!(
        r.dc_srp.reason_codes(),
        vec![ReasonCode::SexualCountsExceedTotal]
    );

    let ex3 = merged(
        OSP_COMMON,
        r#"{"date_of_birth":"1950-01-01","most_recent_sexual_sanction_date":"1963-01-01","stranger_victim":false,
            "contact_adult_sexual_sanctions":0,"contact_child_sexual_sanctions":0,"non_contact_sexual_sanctions":0,"indecent_image_sanctions":1}"#,
    );
    let r = score(&ex3, None);
    for result in [&r.osp_dc, &r.dc_srp] {
        assert_calculated(result, 0.0, 0.0);
        assert_eq!(result.points, Some(0));
        assert_eq!(result.band, Some(Band::Low));
        assert_eq!(result.linear_predictor_2y, None);
    }
}

#[test]
fn osp_dc_check_values() {
    // 32 points: 3+ adult (15) + 3+ child (9) + 1 non-contact (2) + previous sanctions (6).
    let input = merged(
        OSP_COMMON,
        r#"{"date_of_birth":"1900-06-01","follow_up_start_date":"1965-01-01","most_recent_sexual_sanction_date":"1910-01-01",
            "total_sanctions":9,"contact_adult_sexual_sanctions":3,"contact_child_sexual_sanctions":3,
            "non_contact_sexual_sanctions":1,"indecent_image_sanctions":0}"#,
    );
    let r = score(&input, None).osp_dc;
    assert_eq!(r.points, Some(32));
    close(r.probability_2y.unwrap(), 0.028765253876307774);
}

#[test]
fn osp_iic_examples() {
    let base = r#"{"sexual_offence_history":true}"#;
    let ex1 = merged(
        base,
        r#"{"gender":"male","indecent_image_sanctions":4,"contact_child_sexual_sanctions":2,"contact_adult_sexual_sanctions":5,"non_contact_sexual_sanctions":6}"#,
    );
    let r = score(&ex1, None);
    for result in [&r.osp_iic, &r.iic_srp] {
        assert_calculated(result, 0.10310, 10.31);
        assert_eq!(result.band, Some(Band::High));
    }
    let ex2 = merged(
        base,
        r#"{"gender":"male","indecent_image_sanctions":0,"contact_child_sexual_sanctions":0,"contact_adult_sexual_sanctions":1,"non_contact_sexual_sanctions":1}"#,
    );
    let r = score(&ex2, None);
    assert_calculated(&r.osp_iic, 0.00281, 0.28);
    assert_eq!(r.osp_iic.band, Some(Band::Low));
    let ex3 = merged(
        base,
        r#"{"gender":"female","indecent_image_sanctions":1,"contact_child_sexual_sanctions":1,"contact_adult_sexual_sanctions":1,"non_contact_sexual_sanctions":1}"#,
    );
    let r = score(&ex3, None);
    for result in [&r.osp_iic, &r.iic_srp, &r.osp_dc, &r.dc_srp] {
        assert_eq!(result.status, Status::NotApplicable);
        assert_eq!(result.probability_2y, Some(0.0));
        assert_eq!(result.percentage_2y, Some(Percentage::Hundredths(0)));
        assert_eq!(result.band, None);
    }
}

// ---- SNSV (§9.5) ----

const SNSV_COMMON: &str = r#"{"gender":"male","date_of_birth":"1980-01-01","assessment_date":"2025-01-01",
    "conviction_date":"2020-01-01","age_at_first_sanction":40,"total_sanctions":1,"violent_sanctions":1,
    "offence_category":"other_offences"}"#;

const SNSV_DYNAMIC_ANSWERS: &str = r#"{"weapon_in_offence":false,"accommodation_suitability":0,"unemployed":false,
    "partner_relationship":0,"evidence_of_domestic_abuse":false,"alcohol_current_use":0,"alcohol_binge":0,
    "impulsivity":0,"temper_control":0,"pro_criminal_attitudes":0,"previous_homicide":false,
    "previous_wounding_gbh":true,"previous_aggravated_burglary":false,"previous_arson":false,
    "previous_criminal_damage_life":false,"previous_kidnapping":false,"previous_firearm":false,
    "previous_robbery":false,"previous_weapon":false}"#;

/// The SNSV unit tests inject an offence term of 0.246: swap it in for the catalogue's term.
fn with_injected_offence(result: &oasys_scoring::PredictorResult) -> f64 {
    result.linear_predictor_2y.unwrap() - contribution(result, "offence_category") + 0.246
}

#[test]
fn snsv_example_1_dynamic() {
    let input = merged(
        &merged_json(SNSV_COMMON, SNSV_DYNAMIC_ANSWERS),
        r#"{"follow_up_start_date":"2027-01-01"}"#,
    );
    let r = score(&input, None).snsv_dynamic;
    assert_eq!(r.status, Status::Calculated, "{r:#?}");
    close(contribution(&r, "intercept"), 2.39022796091603);
    close(contribution(&r, "age_polynomial"), -6.79686561979111);
    close(contribution(&r, "first_sanction"), -1.89458617745666);
    close(contribution(&r, "sanction_count"), -0.0182592921752245);
    close(contribution(&r, "offence_free_months"), 0.0);
    close(contribution(&r, "once_violent"), -0.101514048705338);
    close(contribution(&r, "violent_count"), 0.021160895925655);
    close(contribution(&r, "violence_rate"), -0.1868345173738685);
    close(contribution(&r, "previous_wounding_gbh"), 0.451029720739399);
    let z = with_injected_offence(&r);
    close(z, -5.889641077921118);
    close(1.0 / (1.0 + (-z).exp()), 0.0027603294949487);
    let z1 = z - 2.39022796091603 + 1.78331927182645;
    close(1.0 / (1.0 + (-z1).exp()), 0.0015063628);
    assert_eq!(r.band, None);
}

#[test]
fn snsv_example_2_static() {
    let input = merged(SNSV_COMMON, r#"{"follow_up_start_date":"2024-01-01"}"#);
    let report = score(&input, None);
    let r = report.snsv_static;
    assert_eq!(r.status, Status::Calculated, "{r:#?}");
    close(contribution(&r, "age_polynomial"), -6.8261371781062525);
    close(
        contribution(&r, "offence_free_months"),
        -0.30021861263590777,
    );
    close(contribution(&r, "violence_rate"), -0.7055526418214411);
    let z = with_injected_offence(&r);
    close(z, -6.135547618217556);
    close(1.0 / (1.0 + (-z).exp()), 0.0021598644399697);
    // Without the dynamic answers only the dynamic variant fails, and it says which inputs.
    assert_eq!(
        report.snsv_dynamic.reason_codes(),
        vec![ReasonCode::MissingDynamicInput]
    );
}

#[test]
fn snsv_example_3_helper_values() {
    // Dynamic coefficients, male, age 33 at follow-up, n = 2, gap 15, 5 offence-free months.
    let input = input(
        r#"{"gender":"male","date_of_birth":"1990-01-01","assessment_date":"2023-06-01","conviction_date":"2022-06-01",
            "follow_up_start_date":"2023-01-01","age_at_first_sanction":17,"total_sanctions":2,"violent_sanctions":0,
            "offence_category":"other_offences"}"#,
    );
    let input = merged(
        &serde_json::to_string(&input).unwrap(),
        SNSV_DYNAMIC_ANSWERS,
    );
    let r = score(&input, None).snsv_dynamic;
    close(contribution(&r, "age_polynomial"), -6.368740156140515);
    close(contribution(&r, "sanction_count"), -0.036518584350449);
    close(contribution(&r, "offence_free_months"), -0.1635176921525733);
    close(contribution(&r, "second_sanction_gap"), -0.4077429292057845);
}

// ---- ARP, VRP, SVRP (§10.6) ----

const V411_PERSON: &str = r#"{"gender":"male","date_of_birth":"1990-01-01","conviction_date":"2024-01-01",
    "age_at_first_sanction":18,"total_sanctions":2,"follow_up_start_date":"2026-01-01","assessment_date":"2025-01-01"}"#;

#[test]
fn arp_examples() {
    let person = merged_json(V411_PERSON, r#"{"offence_category":"criminal_damage"}"#);
    let dynamic = merged(
        &person,
        r#"{"accommodation_suitability":1,"unemployed":true,"partner_relationship":1,"relationship_status":"not_living_together",
            "evidence_of_domestic_abuse":false,"activities_encourage_offending":1,"drug_misuse_motivation":1,
            "alcohol_current_use":1,"alcohol_binge":1,"impulsivity":1,"pro_criminal_attitudes":1,
            "drug_cannabis":true,"drug_steroids":true}"#,
    );
    let r = score(&dynamic, None);
    close(
        r.arp_static.linear_predictor_2y.unwrap(),
        -1.8434139989353924,
    );
    assert_calculated(
        &r.arp_static,
        1.0 / (1.0 + 1.8434139989353924f64.exp()),
        13.66,
    );
    assert_eq!(r.arp_static.band, Some(Band::Low));
    close(
        contribution(&r.arp_static, "age_polynomial"),
        -3.2203863995484894,
    );
    close(
        contribution(&r.arp_static, "second_sanction_gap"),
        -0.6912829426589344,
    );
    close(
        r.arp_dynamic.linear_predictor_2y.unwrap(),
        -1.1349442032394996,
    );
    assert_calculated(
        &r.arp_dynamic,
        1.0 / (1.0 + 1.1349442032394996f64.exp()),
        24.32,
    );
    close(
        contribution(&r.arp_dynamic, "unemployed"),
        0.0635567467618754,
    );

    // Example 3: no 1.38, so follow-up falls back to the conviction date.
    let fallback = merged(
        &person,
        r#"{"follow_up_start_date":null,"accommodation_suitability":0,"unemployed":true,"partner_relationship":0,
            "relationship_status":"not_in_relationship","evidence_of_domestic_abuse":false,"activities_encourage_offending":0,
            "drug_misuse_motivation":1,"alcohol_current_use":0,"alcohol_binge":0,"impulsivity":0,"pro_criminal_attitudes":0}"#,
    );
    let r = score(&fallback, None).arp_dynamic;
    assert_eq!(r.status, Status::Calculated, "{r:#?}");
    close(contribution(&r, "age_polynomial"), -2.6392956853058918);
    close(contribution(&r, "offence_free_months"), -0.5787333138482975);
}

#[test]
fn vrp_examples() {
    let person = merged_json(
        V411_PERSON,
        r#"{"offence_category":"acquisitive_violence","violent_sanctions":2}"#,
    );
    let dynamic = merged(
        &person,
        r#"{"accommodation_suitability":1,"unemployed":true,"partner_relationship":1,"relationship_status":"not_living_together",
            "evidence_of_domestic_abuse":false,"activities_encourage_offending":1,"drug_misuse_motivation":1,
            "alcohol_current_use":1,"alcohol_binge":1,"impulsivity":1,"temper_control":1,
            "drug_methadone":true,"drug_cannabis":true,"drug_steroids":true}"#,
    );
    let r = score(&dynamic, None);
    close(
        r.vrp_static.linear_predictor_2y.unwrap(),
        -2.7632343969923348,
    );
    assert_calculated(
        &r.vrp_static,
        1.0 / (1.0 + 2.7632343969923348f64.exp()),
        5.93,
    );
    close(
        contribution(&r.vrp_static, "violence_rate"),
        -1.637582985441997,
    );
    close(
        r.vrp_dynamic.linear_predictor_2y.unwrap(),
        -1.8839167084980222,
    );
    assert_calculated(
        &r.vrp_dynamic,
        1.0 / (1.0 + 1.8839167084980222f64.exp()),
        13.19,
    );
    assert_eq!(r.vrp_dynamic.band, Some(Band::Low));
}

#[test]
fn svrp_examples() {
    let person = merged_json(
        V411_PERSON,
        r#"{"offence_category":"violence_against_the_person_abh_plus","violent_sanctions":2}"#,
    );
    let dynamic = merged(
        &person,
        r#"{"weapon_in_offence":true,"accommodation_suitability":1,"unemployed":true,"alcohol_current_use":1,
            "temper_control":1,"pro_criminal_attitudes":1,"previous_homicide":false,"previous_wounding_gbh":false,
            "previous_aggravated_burglary":false,"previous_arson":false,"previous_criminal_damage_life":false,
            "previous_kidnapping":false,"previous_firearm":true,"previous_robbery":false,"previous_weapon":false}"#,
    );
    let r = score(&dynamic, None);
    close(
        contribution(&r.svrp_static, "offence_category"),
        0.0914232846880801,
    );
    close(
        r.svrp_static.linear_predictor_2y.unwrap(),
        -6.475261599437734,
    );
    assert_calculated(
        &r.svrp_static,
        1.0 / (1.0 + 6.475261599437734f64.exp()),
        0.15,
    );
    close(
        contribution(&r.svrp_dynamic, "offence_category"),
        -0.048353695619906,
    );
    close(
        r.svrp_dynamic.linear_predictor_2y.unwrap(),
        -4.887840179932496,
    );
    assert_calculated(
        &r.svrp_dynamic,
        1.0 / (1.0 + 4.887840179932496f64.exp()),
        0.75,
    );
    assert_eq!(r.svrp_dynamic.band, Some(Band::Low));
    // CSRP uses the dynamic SVRP; the person has no sexual offending.
    let no_sexual = merged(
        &serde_json::to_string(&dynamic).unwrap(),
        r#"{"sexual_offence_history":false}"#,
    );
    let csrp = score(&no_sexual, None).csrp;
    assert_eq!(csrp.violent_variant, Some(Variant::Dynamic));
    assert_eq!(csrp.percentage_2y, Some(Percentage::Hundredths(75)));
    assert_eq!(csrp.band, Some(Band::Low));
    let forced = merged(
        &serde_json::to_string(&no_sexual).unwrap(),
        r#"{"force_static":true}"#,
    );
    let csrp = score(&forced, None).csrp;
    assert_eq!(csrp.violent_variant, Some(Variant::Static));
    assert_eq!(csrp.percentage_2y, Some(Percentage::Hundredths(15)));
}

// ---- Need sections (§12.2) ----

#[test]
fn need_section_illustration() {
    let r = scored(r#"{"need_answers":{"3.3":true,"3.4":1,"9.1":2,"9.2":2,"3.99":true}}"#).needs;
    assert_eq!(r.accommodation.score, Some(3));
    assert_eq!(r.accommodation.identified_need, Some(true));
    assert_eq!(
        r.accommodation.severity,
        Some(oasys_scoring::Severity::Standard)
    );
    assert_eq!(r.accommodation.linked_to_reoffending, Some(true));
    assert_eq!(r.alcohol_misuse.score, Some(4));
    assert_eq!(r.alcohol_misuse.identified_need, Some(true));
    assert_eq!(r.drug_misuse.score, None);
    assert_eq!(r.drug_misuse.identified_need, None);
    assert!(!r.financial_management.scored);
}
