//! Properties the models promise, checked on generated inputs: probabilities in [0, 1], bands that
//! agree with the displayed value, OGRS3 monotone in sanctions, explanations that add up, and no
//! panic on any input (including values far outside their domains).

mod common;

use chrono::NaiveDate;
use oasys_scoring::{Band, Percentage, PredictorInput, PredictorResult, Status, score};
use proptest::prelude::*;
use proptest::test_runner::FileFailurePersistence;

fn date() -> impl Strategy<Value = NaiveDate> {
    prop_oneof![
        // Mostly plausible dates…
        8 => (1900i32..2100, 1u32..=12, 1u32..=31)
            .prop_filter_map("real date", |(y, m, d)| NaiveDate::from_ymd_opt(y, m, d)),
        // …and the extremes chrono can represent.
        1 => Just(NaiveDate::MIN),
        1 => Just(NaiveDate::MAX),
    ]
}

fn count() -> impl Strategy<Value = i64> {
    prop_oneof![8 => 0i64..40, 1 => -5i64..1200, 1 => any::<i64>()]
}

fn rating() -> impl Strategy<Value = i64> {
    prop_oneof![9 => 0i64..=2, 1 => any::<i64>()]
}

fn text(options: &'static [&'static str]) -> impl Strategy<Value = String> {
    prop_oneof![9 => proptest::sample::select(options).prop_map(str::to_owned), 1 => ".{0,8}"]
}

const OGRS3_CATEGORIES: &[&str] = &[
    "violence",
    "robbery",
    "theft_non_motor",
    "other_offences",
    "drink_driving",
];
const CATEGORIES: &[&str] = &[
    "violence_against_the_person_abh_plus",
    "firearms_other",
    "acquisitive_violence",
    "welfare_fraud",
    "other_offences",
    "drunkenness",
];

/// Dates of birth, conviction, follow-up and assessment, mostly in a plausible order.
fn timeline() -> impl Strategy<Value = [Option<NaiveDate>; 4]> {
    let plausible = (date(), 3_650i64..30_000, 0i64..2_000, -400i64..3_000).prop_map(
        |(dob, conv, fu, asmt)| {
            let add = |d: NaiveDate, days: i64| d.checked_add_signed(chrono::TimeDelta::days(days));
            let conviction = add(dob, conv);
            [
                Some(dob),
                conviction,
                conviction.and_then(|c| add(c, fu)),
                conviction.and_then(|c| add(c, asmt)),
            ]
        },
    );
    let arbitrary = [
        proptest::option::of(date()),
        proptest::option::of(date()),
        proptest::option::of(date()),
        proptest::option::of(date()),
    ];
    prop_oneof![4 => plausible, 1 => arbitrary]
}

prop_compose! {
    fn history()(
        dates in timeline(),
        drop_follow_up in any::<bool>(),
        gender in proptest::option::weighted(0.95, text(&["male", "female"])),
        age_at_first_sanction in proptest::option::weighted(0.95, prop_oneof![9 => 10i64..60, 1 => any::<i64>()]),
        total_sanctions in proptest::option::weighted(0.95, count()),
        violent_sanctions in proptest::option::weighted(0.9, count()),
        offence_code in proptest::option::weighted(0.1, "[0-9A-Z]{4,6}"),
        ogrs3_offence_category in proptest::option::weighted(0.9, text(OGRS3_CATEGORIES)),
        offence_category in proptest::option::weighted(0.9, text(CATEGORIES)),
        supervision_status in proptest::option::of(text(&["community", "custody", "remand"])),
    ) -> PredictorInput {
        let [date_of_birth, conviction_date, follow_up, assessment_date] = dates;
        PredictorInput {
            assessment_date, gender, date_of_birth, conviction_date,
            follow_up_start_date: if drop_follow_up { None } else { follow_up },
            age_at_first_sanction, total_sanctions, violent_sanctions, offence_code, ogrs3_offence_category,
            offence_category, supervision_status, ..Default::default()
        }
    }
}

prop_compose! {
    fn full_input()(
        base in history(),
        sexual in (proptest::option::of(any::<bool>()), proptest::option::of(count()), proptest::option::of(count()),
            proptest::option::of(count()), proptest::option::of(count()), proptest::option::of(date()),
            proptest::option::of(date()), proptest::option::of(any::<bool>()), proptest::option::of(any::<bool>())),
        ratings in proptest::collection::vec(proptest::option::weighted(0.9, rating()), 12),
        flags in proptest::collection::vec(proptest::option::weighted(0.9, any::<bool>()), 30),
        relationship in proptest::option::of(text(&["living_together", "not_living_together", "not_in_relationship"])),
        needs in proptest::collection::btree_map(
            proptest::sample::select(&["3.3", "3.4", "4.2", "6.1", "8.6", "9.3", "11.5", "12.8", "3.98", "9.99"][..]).prop_map(str::to_owned),
            prop_oneof![(-1i64..4).prop_map(serde_json::Value::from), any::<bool>().prop_map(serde_json::Value::from), Just(serde_json::Value::Null), ".{0,3}".prop_map(serde_json::Value::from)],
            0..6),
        id in proptest::option::of(".{0,8}"),
    ) -> PredictorInput {
        let (history, adult, non_contact, child, images, sexual_date, recent, stranger, force) = sexual;
        let r = |i: usize| ratings[i];
        let f = |i: usize| flags[i];
        PredictorInput {
            id,
            sexual_offence_history: history,
            contact_adult_sexual_sanctions: adult,
            non_contact_sexual_sanctions: non_contact,
            contact_child_sexual_sanctions: child,
            indecent_image_sanctions: images,
            most_recent_sexual_sanction_date: sexual_date,
            most_recent_offence_date: recent,
            stranger_victim: stranger,
            force_static: force,
            accommodation_suitability: r(0), partner_relationship: r(1), activities_encourage_offending: r(2),
            current_drug_misuse: r(3), drug_misuse_motivation: r(4), alcohol_current_use: r(5), alcohol_binge: r(6),
            impulsivity: r(7), temper_control: r(8), problem_solving: r(9), awareness_of_consequences: r(10),
            understands_others_views: r(11), pro_criminal_attitudes: r(0),
            no_fixed_abode: f(0).map(|b| if b { 2 } else { 0 }), unemployed: f(1).map(|b| if b { 2 } else { 0 }),
            weapon_in_offence: f(2), recognises_impact: f(3), evidence_of_domestic_abuse: f(4),
            domestic_abuse_partner_perpetrator: f(5), psychiatric_treatment: f(6), drug_heroin: f(7),
            drug_methadone: f(8), drug_cannabis: f(9), drug_ketamine: f(10), drug_steroids: f(11),
            previous_homicide: f(12), previous_wounding_gbh: f(13), previous_aggravated_burglary: f(14),
            previous_arson: f(15), previous_criminal_damage_life: f(16), previous_kidnapping: f(17),
            previous_firearm: f(18), previous_robbery: f(19), previous_weapon: f(20),
            relationship_status: relationship,
            need_answers: needs,
            ..base
        }
    }
}

/// The band a predictor must show for its displayed value (spec §5.3, 6.2, 7.2, 8.3, 10.5, 11.3).
fn expected_band(key: &str, r: &PredictorResult) -> Option<Band> {
    let pct = r.percentage_2y?;
    let h = pct.hundredths();
    let bounds: [i64; 3] = match key {
        "ogrs3" => [5000, 7500, 9000],
        "ogp" => [3400, 6700, 8500],
        "ovp" => [3000, 6000, 8000],
        k if k.starts_with("arp") => [5000, 7500, 9000],
        k if k.starts_with("vrp") => [3000, 6000, 8000],
        k if k.starts_with("svrp") => [100, 300, 690],
        "rsr" => [300, 690, i64::MAX],
        "csrp" => [100, 300, 690],
        _ => return None,
    };
    Some(if h >= bounds[2] {
        Band::VeryHigh
    } else if h >= bounds[1] {
        Band::High
    } else if h >= bounds[0] {
        Band::Medium
    } else {
        Band::Low
    })
}

fn total(result: &PredictorResult) -> f64 {
    result.explanation.iter().map(|f| f.contribution).sum()
}

proptest! {
    #![proptest_config(ProptestConfig {
        cases: 512,
        failure_persistence: Some(Box::new(FileFailurePersistence::WithSource("regressions"))),
        ..ProptestConfig::default()
    })]

    #[test]
    fn results_are_consistent_for_any_input(input in full_input()) {
        let report = score(&input, None);
        for (key, r) in report.predictors() {
            match r.status {
                Status::Calculated => {
                    let p = r.probability_2y.expect("probability");
                    prop_assert!((0.0..=1.0).contains(&p), "{key}: p = {p}");
                    if let Some(p1) = r.probability_1y {
                        prop_assert!((0.0..=1.0).contains(&p1));
                    }
                    prop_assert!(r.reasons.is_empty());
                    prop_assert!(!r.explanation.is_empty(), "{key} has no explanation");
                    if let Some(band) = expected_band(key, r) {
                        prop_assert_eq!(r.band, Some(band), "{} band", key);
                    }
                    // The explanation adds up to what the spec says it explains.
                    let target = match key {
                        "ogp" | "ovp" | "osp_dc" | "dc_srp" => r.points.expect("points") as f64,
                        "osp_iic" | "iic_srp" => p,
                        "rsr" | "csrp" => r.percentage_2y.expect("pct").as_f64(),
                        _ => r.linear_predictor_2y.expect("linear predictor"),
                    };
                    prop_assert!((total(r) - target).abs() < 1e-9, "{key}: {} != {target}", total(r));
                    if let Some(Percentage::Whole(v)) = r.percentage_2y {
                        prop_assert!((1..=99).contains(&v));
                    }
                    if let Some(Percentage::Hundredths(v)) = r.percentage_2y {
                        prop_assert!((0..=9999).contains(&v));
                    }
                }
                Status::NotApplicable => {
                    prop_assert_eq!(r.probability_2y, Some(0.0));
                    prop_assert_eq!(r.band, None);
                }
                Status::NotCalculable => {
                    prop_assert!(!r.reasons.is_empty(), "{key} not calculable without a reason");
                    prop_assert!(r.probability_2y.is_none());
                }
            }
        }
        // The report always serialises, and the fast writer gives exactly serde's bytes.
        let expected = serde_json::to_vec(&report).expect("a report serialises");
        let mut fast = Vec::new();
        report.write_json(&mut fast, true).expect("writes to memory");
        prop_assert_eq!(String::from_utf8_lossy(&fast), String::from_utf8_lossy(&expected));
        // Scoring without explanations gives the same report, less the explanations.
        let without = oasys_scoring::score_without_explanations(&input, None);
        prop_assert_eq!(&without, &report.clone().without_explanations());
        let lean = serde_json::to_vec(&without).expect("serialises");
        fast.clear();
        report.write_json(&mut fast, false).expect("writes to memory");
        prop_assert_eq!(String::from_utf8_lossy(&fast), String::from_utf8_lossy(&lean));
    }

    #[test]
    fn more_previous_sanctions_never_lower_ogrs3(input in history(), n in 1i64..998) {
        let lower = PredictorInput { total_sanctions: Some(n), ..input.clone() };
        let higher = PredictorInput { total_sanctions: Some(n + 1), ..input };
        let (a, b) = (score(&lower, None).ogrs3, score(&higher, None).ogrs3);
        if a.is_calculated() && b.is_calculated() {
            prop_assert!(b.probability_2y >= a.probability_2y);
            prop_assert!(b.percentage_2y >= a.percentage_2y);
        }
    }

    #[test]
    fn arbitrary_json_never_panics(json in "\\{(\"[a-z_0-9.]{1,30}\": ?(null|true|-?[0-9]{1,20}|\"[0-9A-Za-z_-]{0,12}\"), ?){0,8}\\}") {
        if let Ok(input) = serde_json::from_str::<PredictorInput>(&json.replace(", }", "}").replace(",}", "}")) {
            let report = score(&input, None);
            for (key, r) in report.predictors() {
                prop_assert!(r.is_calculated() || r.status == Status::NotApplicable || !r.reasons.is_empty(), "{key}");
            }
        }
    }
}

proptest! {
    #![proptest_config(ProptestConfig {
        cases: 4,
        failure_persistence: Some(Box::new(FileFailurePersistence::WithSource("regressions"))),
        ..ProptestConfig::default()
    })]

    #[test]
    fn generated_inputs_reach_calculated_results(inputs in proptest::collection::vec(full_input(), 64)) {
        // Guards the generators: the properties above must not hold only vacuously.
        let calculated = inputs.iter().filter(|i| score(i, None).ogrs3.is_calculated()).count();
        prop_assert!(calculated > 0, "no generated input had a calculable OGRS3");
    }
}
