//! The statistics checked against values computed independently: a hand-worked cohort, a brute
//! force count of pairs, and large synthetic cohorts whose generating model fixes what the AUC and
//! the calibration must come out as; plus the suppression promise.

use oasys_what_works::{
    Exposure, InterventionCell, InterventionRecord, MIN_CELL, Observation, auc, calibration,
    intervention_rates, validate_by,
};
use proptest::prelude::*;
use rand::rngs::StdRng;
use rand::{Rng, SeedableRng};
use statrs::distribution::{ContinuousCDF, Normal};

fn obs(pairs: &[(f64, bool)]) -> Vec<Observation> {
    pairs
        .iter()
        .map(|&(predicted, reoffended)| Observation {
            predicted,
            reoffended,
        })
        .collect()
}

/// The AUC by definition: the share of (reoffender, non-reoffender) pairs ordered correctly,
/// ties counting half.
fn brute_force_auc(observations: &[Observation]) -> f64 {
    let (mut wins, mut pairs) = (0.0, 0.0);
    for p in observations.iter().filter(|o| o.reoffended) {
        for n in observations.iter().filter(|o| !o.reoffended) {
            pairs += 1.0;
            wins += if p.predicted > n.predicted {
                1.0
            } else if p.predicted == n.predicted {
                0.5
            } else {
                0.0
            };
        }
    }
    wins / pairs
}

#[test]
fn hand_worked_cohort() {
    // Pairs (reoffender, other): (0.35, 0.10) right, (0.35, 0.40) wrong, (0.80, 0.10) right,
    // (0.80, 0.40) right: 3 of 4.
    let cohort = obs(&[(0.10, false), (0.40, false), (0.35, true), (0.80, true)]);
    let a = auc(&cohort).expect("auc");
    assert_eq!(a.value, 0.75);
    assert_eq!((a.positives, a.negatives), (2, 2));
    // Hanley–McNeil: Q1 = 0.75/1.25 = 0.6, Q2 = 2·0.5625/1.75 = 0.642857…
    let variance = (0.75 * 0.25 + (0.6 - 0.5625) + (2.0 * 0.5625 / 1.75 - 0.5625)) / 4.0;
    assert!((a.upper - (0.75 + 1.959963984540054 * f64::sqrt(variance)).min(1.0)).abs() < 1e-12);
    assert!((a.lower - (0.75 - 1.959963984540054 * f64::sqrt(variance))).abs() < 1e-12);

    // Two bins: {0.10, 0.35} then {0.40, 0.80}.
    let table = calibration(&cohort, 2);
    assert_eq!(table.bins.len(), 2);
    assert!((table.bins[0].mean_predicted - 0.225).abs() < 1e-12);
    assert_eq!(table.bins[0].observed_rate, Some(0.5));
    assert_eq!(table.bins[0].events, Some(1));
    assert!((table.bins[1].mean_predicted - 0.6).abs() < 1e-12);
    assert_eq!(table.observed, 2);
    assert!((table.ratio.expect("ratio") - 2.0 / 1.65).abs() < 1e-12);
}

#[test]
fn ties_count_half() {
    let cohort = obs(&[(0.5, true), (0.5, false), (0.5, true), (0.2, false)]);
    assert_eq!(auc(&cohort).expect("auc").value, brute_force_auc(&cohort));
    assert_eq!(
        auc(&obs(&[(0.3, true), (0.3, false)])).expect("auc").value,
        0.5
    );
    assert!(auc(&obs(&[(f64::NAN, true), (0.3, false)])).is_none());
}

#[test]
fn binormal_cohort_matches_theory() {
    // Scores of non-reoffenders ~ N(0, 1) and of reoffenders ~ N(d, 1): AUC = Φ(d / √2).
    let mut rng = StdRng::seed_from_u64(7);
    let standard = Normal::new(0.0, 1.0).expect("normal");
    let d = 1.0;
    let mut cohort = Vec::with_capacity(40_000);
    for i in 0..40_000 {
        let reoffended = i % 2 == 0;
        let z = standard.inverse_cdf(rng.random_range(1e-12..1.0 - 1e-12))
            + if reoffended { d } else { 0.0 };
        cohort.push(Observation {
            predicted: 1.0 / (1.0 + (-z).exp()),
            reoffended,
        });
    }
    let theory = standard.cdf(d / 2f64.sqrt());
    let a = auc(&cohort).expect("auc");
    assert!(
        (a.value - theory).abs() < 0.01,
        "auc {} theory {theory}",
        a.value
    );
    assert!(
        a.lower <= theory && theory <= a.upper,
        "95% interval {}..{} misses {theory}",
        a.lower,
        a.upper
    );
}

#[test]
fn a_true_model_is_calibrated() {
    // Outcomes drawn from the very probabilities predicted: observed ≈ expected in every decile.
    let mut rng = StdRng::seed_from_u64(11);
    let cohort: Vec<Observation> = (0..200_000)
        .map(|_| {
            let predicted: f64 = rng.random_range(0.02..0.9);
            Observation {
                predicted,
                reoffended: rng.random_bool(predicted),
            }
        })
        .collect();
    let table = calibration(&cohort, 10);
    let ratio = table.ratio.expect("ratio");
    assert!((ratio - 1.0).abs() < 0.02, "O/E {ratio}");
    for bin in &table.bins {
        assert!(
            (bin.observed_rate.expect("raw calibration shows every rate") - bin.mean_predicted)
                .abs()
                < 0.02,
            "{bin:?}"
        );
    }
    // A model that doubles every probability is visibly miscalibrated.
    let doubled: Vec<Observation> = cohort
        .iter()
        .map(|o| Observation {
            predicted: (o.predicted * 2.0).min(1.0),
            ..*o
        })
        .collect();
    assert!(calibration(&doubled, 10).ratio.expect("ratio") < 0.7);
}

fn intervention_record() -> impl Strategy<Value = InterventionRecord> {
    (
        prop::sample::select(vec!["TSP", "BBR", "HSP"]),
        prop::sample::select(vec!["low", "medium", "high"]),
        prop::sample::select(vec![
            Exposure::Completed,
            Exposure::Started,
            Exposure::NotReceived,
        ]),
        any::<bool>(),
    )
        .prop_map(|(i, b, exposure, reoffended)| InterventionRecord {
            intervention: i.into(),
            band: b.into(),
            exposure,
            reoffended,
        })
}

proptest! {
    #[test]
    fn auc_equals_the_pair_count(cohort in prop::collection::vec((0u8..20, any::<bool>()), 2..60)) {
        let cohort: Vec<Observation> =
            cohort.iter().map(|&(s, r)| Observation { predicted: f64::from(s) / 20.0, reoffended: r }).collect();
        match auc(&cohort) {
            Some(a) => {
                prop_assert!((a.value - brute_force_auc(&cohort)).abs() < 1e-12);
                prop_assert!(a.lower <= a.value && a.value <= a.upper);
                prop_assert!(0.0 <= a.lower && a.upper <= 1.0);
            }
            None => prop_assert!(cohort.iter().all(|o| o.reoffended) || cohort.iter().all(|o| !o.reoffended)),
        }
    }

    #[test]
    fn no_intervention_cell_under_ten_is_shown(records in prop::collection::vec(intervention_record(), 0..400)) {
        let rows = intervention_rates(&records);
        // What a band's total minus its shown cells gives away is not small either.
        for intervention in ["TSP", "BBR", "HSP"] {
            for band in ["low", "medium", "high"] {
                let of = |r: &&InterventionRecord| r.intervention == intervention && r.band == band;
                let total = records.iter().filter(of).count() as u64;
                let total_events = records.iter().filter(of).filter(|r| r.reoffended).count() as u64;
                let group: Vec<_> = rows.iter().filter(|r| r.intervention == intervention && r.band == band).collect();
                let shown_n: u64 = group.iter().map(|r| match r.cell { InterventionCell::Count { n, .. } => n, InterventionCell::Suppressed => 0 }).sum();
                // With nothing shown there is nothing to subtract from.
                if shown_n == 0 {
                    continue;
                }
                let hidden_n = total - shown_n;
                prop_assert!(hidden_n == 0 || hidden_n >= MIN_CELL, "{hidden_n} hidden people in {intervention}/{band}");
                let (mut shown_e, mut shown_en) = (0, 0);
                for r in &group {
                    if let InterventionCell::Count { n, reoffended: Some(e), .. } = r.cell {
                        shown_e += e;
                        shown_en += n;
                    }
                }
                if shown_en > 0 {
                    let hidden_e = total_events - shown_e;
                    let hidden_others = (total - shown_en) - hidden_e;
                    prop_assert!(hidden_e == 0 || hidden_e >= MIN_CELL);
                    prop_assert!(hidden_others == 0 || hidden_others >= MIN_CELL);
                }
            }
        }
        for row in rows {
            if let InterventionCell::Count { n, reoffended, rate } = row.cell {
                prop_assert!(n >= MIN_CELL);
                if let Some(r) = reoffended {
                    prop_assert!(r == 0 || r >= MIN_CELL);
                    prop_assert!(n - r == 0 || n - r >= MIN_CELL);
                    prop_assert_eq!(rate, Some(r as f64 / n as f64));
                } else {
                    prop_assert!(rate.is_none());
                }
            }
        }
    }

    #[test]
    fn no_subgroup_count_under_ten_is_shown(people in prop::collection::vec((0u8..4, 0u8..100, any::<bool>()), 0..300)) {
        let rows = validate_by(
            &people,
            "ogrs3",
            |p| Some(Observation { predicted: f64::from(p.1) / 100.0, reoffended: p.2 }),
            |p| format!("group-{}", p.0),
        );
        for row in rows {
            if let Some(v) = row.validation {
                prop_assert!(v.events >= MIN_CELL && v.n - v.events >= MIN_CELL);
                prop_assert!(v.calibration.bins.iter().all(|b| b.n >= MIN_CELL));
            }
        }
    }
}
