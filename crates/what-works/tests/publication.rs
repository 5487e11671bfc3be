//! What may be published: safe validations, ROC points and the whole report never show a count
//! under `MIN_CELL`, nor one that a published total minus the shown parts would give away.

use oasys_what_works::{
    CohortRecord, Exposure, InterventionCell, MIN_CELL, Observation, PREDICTORS, Reoffending,
    analyse, auc, roc_curve, validate_by, validate_safely,
};
use proptest::prelude::*;
use rand::rngs::StdRng;
use rand::{Rng, SeedableRng};

fn small(count: u64) -> bool {
    count > 0 && count < MIN_CELL
}

/// A cohort with a low-risk tail: the lowest decile has few reoffenders.
fn skewed(n: usize, seed: u64) -> Vec<Observation> {
    let mut rng = StdRng::seed_from_u64(seed);
    (0..n)
        .map(|_| {
            let predicted: f64 = rng.random_range(0.0..1.0_f64).powi(3);
            Observation {
                predicted,
                reoffended: rng.random_bool(predicted),
            }
        })
        .collect()
}

#[test]
fn sparse_deciles_are_suppressed_with_a_second_bin() {
    let cohort = skewed(300, 4);
    let v = validate_safely("ogrs3", &cohort).expect("enough of each outcome");
    let hidden: Vec<_> = v
        .calibration
        .bins
        .iter()
        .filter(|b| b.observed_rate.is_none())
        .collect();
    assert!(!hidden.is_empty(), "the low deciles have 1-9 reoffenders");
    assert!(
        hidden.len() >= 2,
        "one hidden bin would be total minus the rest"
    );
    let shown: u64 = v.calibration.bins.iter().filter_map(|b| b.events).sum();
    let remainder = v.calibration.observed - shown;
    assert!(!small(remainder), "hidden bins together hold {remainder}");
}

#[test]
fn roc_curve_is_monotone_and_its_area_is_the_auc() {
    let cohort = skewed(20_000, 9);
    let curve = roc_curve(&cohort, 200);
    assert!(curve.len() > 100);
    for pair in curve.windows(2) {
        assert!(pair[0].false_positive_rate <= pair[1].false_positive_rate);
        assert!(pair[0].true_positive_rate <= pair[1].true_positive_rate);
    }
    let trapezoids: f64 = curve
        .windows(2)
        .map(|p| {
            (p[1].false_positive_rate - p[0].false_positive_rate)
                * (p[0].true_positive_rate + p[1].true_positive_rate)
                / 2.0
        })
        .sum();
    let exact = auc(&cohort).expect("auc").value;
    assert!((trapezoids - exact).abs() < 0.01, "{trapezoids} vs {exact}");
}

#[test]
fn every_predictor_is_reported_and_no_cell_is_small() {
    let mut rng = StdRng::seed_from_u64(21);
    let records: Vec<CohortRecord> = (0..3_000)
        .map(|i| {
            let risk: f64 = rng.random_range(0.05..0.8);
            let probabilities = PREDICTORS
                .iter()
                .map(|p| {
                    (
                        (*p).to_owned(),
                        (risk + rng.random_range(-0.05..0.05)).clamp(0.0, 1.0),
                    )
                })
                .collect();
            let sex = if rng.random_bool(0.1) {
                "female"
            } else {
                "male"
            };
            // A tiny subgroup that must never be shown on its own.
            let ethnicity = if i % 500 == 0 {
                "white_roma"
            } else {
                "white_british"
            };
            let exposure = match i % 7 {
                0 => Exposure::Completed,
                1 => Exposure::Started,
                _ => Exposure::NotReceived,
            };
            CohortRecord {
                probabilities,
                reoffending: Reoffending {
                    any: rng.random_bool(risk),
                    violent: rng.random_bool(risk / 2.0),
                    sexual: rng.random_bool(0.02),
                },
                subgroups: vec![
                    ("sex".into(), sex.into()),
                    ("ethnicity".into(), ethnicity.into()),
                ],
                band: if risk < 0.3 {
                    "low".into()
                } else {
                    "high".into()
                },
                interventions: if i % 3 == 0 {
                    vec![("TSP".into(), exposure)]
                } else if i == 1 {
                    vec![("RARE".into(), Exposure::Completed)]
                } else {
                    Vec::new()
                },
            }
        })
        .collect();
    let report = analyse(&records, &PREDICTORS, &["sex", "ethnicity"]);
    assert_eq!(report.people, Some(3_000));
    let names: Vec<&str> = report
        .predictors
        .iter()
        .map(|p| p.predictor.as_str())
        .collect();
    assert_eq!(names, PREDICTORS);
    for p in &report.predictors {
        if let Some(v) = &p.overall {
            assert!(v.events >= MIN_CELL && v.n - v.events >= MIN_CELL);
            for bin in &v.calibration.bins {
                assert!(bin.n >= MIN_CELL);
                if let Some(e) = bin.events {
                    assert!(!small(e) && !small(bin.n - e), "{bin:?}");
                }
            }
        }
        for breakdown in &p.subgroups {
            let roma = breakdown.rows.iter().find(|r| r.subgroup == "white_roma");
            if let Some(row) = roma {
                assert!(
                    row.validation.is_none(),
                    "6 people shown for {}",
                    p.predictor
                );
            }
            for row in &breakdown.rows {
                if let Some(v) = &row.validation {
                    assert!(v.events >= MIN_CELL && v.n - v.events >= MIN_CELL);
                }
            }
        }
    }
    // Sexual reoffending is rare (about 60 people): validated overall, hidden in small groups.
    let osp = &report.predictors[3];
    assert_eq!(osp.predictor, "osp_dc");
    assert!(osp.overall.is_some());
    for row in &report.interventions {
        match row.cell {
            InterventionCell::Suppressed => {}
            InterventionCell::Count { n, reoffended, .. } => {
                assert!(n >= MIN_CELL);
                if let Some(r) = reoffended {
                    assert!(!small(r) && !small(n - r));
                }
            }
        }
    }
    assert!(report.interventions.iter().any(|r| r.intervention == "RARE"
        && r.exposure == Exposure::Completed
        && r.cell == InterventionCell::Suppressed));
}

proptest! {
    #[test]
    fn safe_validation_hides_every_small_bin(cohort in prop::collection::vec((0u8..100, 0u8..100), 20..400)) {
        let cohort: Vec<Observation> = cohort
            .iter()
            .map(|&(p, r)| Observation { predicted: f64::from(p) / 100.0, reoffended: r < p })
            .collect();
        if let Some(v) = validate_safely("ogp", &cohort) {
            prop_assert!(v.events >= MIN_CELL && v.n - v.events >= MIN_CELL);
            let mut shown_events = 0;
            let mut shown_n = 0;
            for bin in &v.calibration.bins {
                prop_assert!(bin.n >= MIN_CELL);
                prop_assert_eq!(bin.events.is_some(), bin.observed_rate.is_some());
                if let Some(e) = bin.events {
                    prop_assert!(!small(e) && !small(bin.n - e));
                    shown_events += e;
                    shown_n += bin.n;
                }
            }
            let hidden_events = v.events - shown_events;
            let hidden_others = (v.n - shown_n) - hidden_events;
            prop_assert!(!small(hidden_events) && !small(hidden_others));
        }
    }

    #[test]
    fn hidden_subgroups_together_are_not_small(people in prop::collection::vec((0u8..5, 0u8..100, 0u8..100), 0..400)) {
        let rows = validate_by(
            &people,
            "ogrs3",
            |p| Some(Observation { predicted: f64::from(p.1) / 100.0, reoffended: p.2 < p.1 }),
            |p| format!("group-{}", p.0),
        );
        let total_n = people.len() as u64;
        let total_events = people.iter().filter(|p| p.2 < p.1).count() as u64;
        let shown_n: u64 = rows.iter().filter_map(|r| r.validation.as_ref()).map(|v| v.n).sum();
        let shown_events: u64 = rows.iter().filter_map(|r| r.validation.as_ref()).map(|v| v.events).sum();
        // With nothing shown there is nothing to subtract.
        if shown_n > 0 {
            let hidden_events = total_events - shown_events;
            prop_assert!(!small(hidden_events));
            prop_assert!(!small((total_n - shown_n) - hidden_events));
        }
    }

    #[test]
    fn roc_points_never_imply_a_small_count(cohort in prop::collection::vec((0u8..50, any::<bool>()), 0..300)) {
        let cohort: Vec<Observation> = cohort
            .iter()
            .map(|&(p, r)| Observation { predicted: f64::from(p) / 50.0, reoffended: r })
            .collect();
        let positives = cohort.iter().filter(|o| o.reoffended).count() as f64;
        let negatives = cohort.len() as f64 - positives;
        for point in roc_curve(&cohort, 30) {
            let tp = (point.true_positive_rate * positives).round() as u64;
            let fp = (point.false_positive_rate * negatives).round() as u64;
            prop_assert!(!small(tp) && !small(fp));
            prop_assert!(!small(positives as u64 - tp) && !small(negatives as u64 - fp));
        }
    }
}
