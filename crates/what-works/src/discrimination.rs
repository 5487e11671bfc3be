//! Discrimination and calibration of one predictor on one cohort: the ROC area with a confidence
//! interval, observed against predicted by bins, and the ratio of observed to expected events.

use serde::Serialize;

/// One person's predicted probability and whether they were proven to reoffend in the follow-up.
#[derive(Debug, Clone, Copy, PartialEq, Serialize)]
pub struct Observation {
    /// The predictor's probability for the person (0–1).
    pub predicted: f64,
    /// A proven reoffence within the predictor's follow-up period.
    pub reoffended: bool,
}

/// The area under the ROC curve (the probability that a random reoffender was scored higher than
/// a random non-reoffender, ties counting half), with a 95 % confidence interval.
#[derive(Debug, Clone, Copy, PartialEq, Serialize)]
pub struct Auc {
    /// The area, 0–1.
    pub value: f64,
    /// Lower end of the 95 % interval (Hanley and McNeil standard error).
    pub lower: f64,
    /// Upper end of the 95 % interval.
    pub upper: f64,
    /// People who reoffended.
    pub positives: u64,
    /// People who did not.
    pub negatives: u64,
}

/// The ROC area of a cohort; `None` when it lacks either outcome (the area is undefined) or holds
/// a probability that is not a number.
///
/// ```
/// use oasys_what_works::{auc, Observation};
/// let same = [0.3, 0.3].map(|p| Observation { predicted: p, reoffended: p > 0.0 });
/// assert!(auc(&same).is_none()); // nobody without a reoffence
/// ```
pub fn auc(observations: &[Observation]) -> Option<Auc> {
    let sorted = sorted(observations)?;
    auc_sorted(&sorted)
}

/// The observations ordered by predicted probability; `None` when one is not a number.
pub(crate) fn sorted(observations: &[Observation]) -> Option<Vec<Observation>> {
    if observations.iter().any(|o| o.predicted.is_nan()) {
        return None;
    }
    let mut sorted = observations.to_vec();
    sorted.sort_unstable_by(|a, b| a.predicted.total_cmp(&b.predicted));
    Some(sorted)
}

/// The ROC area of observations already ordered by predicted probability.
pub(crate) fn auc_sorted(sorted: &[Observation]) -> Option<Auc> {
    let positives = sorted.iter().filter(|o| o.reoffended).count() as u64;
    let negatives = sorted.len() as u64 - positives;
    if positives == 0 || negatives == 0 {
        return None;
    }
    // Mann–Whitney U from mid-ranks: tied scores share the average of their ranks.
    let mut positive_rank_sum = 0.0;
    let mut start = 0;
    while start < sorted.len() {
        let mut end = start;
        let mut tied_positives = u64::from(sorted[start].reoffended);
        while end + 1 < sorted.len() && sorted[end + 1].predicted == sorted[start].predicted {
            end += 1;
            tied_positives += u64::from(sorted[end].reoffended);
        }
        let mid_rank = (start + end) as f64 / 2.0 + 1.0;
        positive_rank_sum += mid_rank * tied_positives as f64;
        start = end + 1;
    }
    let (p, n) = (positives as f64, negatives as f64);
    let value = (positive_rank_sum - p * (p + 1.0) / 2.0) / (p * n);
    let q1 = value / (2.0 - value);
    let q2 = 2.0 * value * value / (1.0 + value);
    let variance = (value * (1.0 - value)
        + (p - 1.0) * (q1 - value * value)
        + (n - 1.0) * (q2 - value * value))
        / (p * n);
    let half_width = 1.959963984540054 * variance.max(0.0).sqrt();
    Some(Auc {
        value,
        lower: (value - half_width).max(0.0),
        upper: (value + half_width).min(1.0),
        positives,
        negatives,
    })
}

/// One bin of a calibration table.
#[derive(Debug, Clone, Copy, PartialEq, Serialize)]
pub struct CalibrationBin {
    /// People in the bin.
    pub n: u64,
    /// Mean predicted probability.
    pub mean_predicted: f64,
    /// People in the bin who reoffended; `None` when suppressed (see [`crate::validate_safely`]).
    pub events: Option<u64>,
    /// Share who reoffended; `None` when suppressed.
    pub observed_rate: Option<f64>,
}

/// Observed against predicted: bins of equal size by predicted probability, and the totals.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Calibration {
    /// Bins from the lowest predicted probability to the highest.
    pub bins: Vec<CalibrationBin>,
    /// People who reoffended.
    pub observed: u64,
    /// Sum of the predicted probabilities (expected reoffenders).
    pub expected: f64,
    /// `observed / expected`; `None` when nothing was expected.
    pub ratio: Option<f64>,
}

/// Calibration in `bins` groups of (as nearly as possible) equal size, ordered by predicted
/// probability; deciles with `bins = 10`. Empty bins are left out.
///
/// ```
/// use oasys_what_works::{calibration, Observation};
/// let cohort: Vec<Observation> = (0..100)
///     .map(|i| Observation { predicted: 0.2, reoffended: i % 5 == 0 })
///     .collect();
/// let table = calibration(&cohort, 10);
/// assert_eq!(table.bins.len(), 10);
/// assert!((table.ratio.unwrap() - 1.0).abs() < 1e-9); // 20 observed, 20 expected
/// ```
pub fn calibration(observations: &[Observation], bins: usize) -> Calibration {
    let mut sorted: Vec<Observation> = observations
        .iter()
        .filter(|o| !o.predicted.is_nan())
        .copied()
        .collect();
    sorted.sort_unstable_by(|a, b| a.predicted.total_cmp(&b.predicted));
    calibration_sorted(&sorted, bins)
}

/// Calibration of observations already ordered by predicted probability (none not a number).
pub(crate) fn calibration_sorted(sorted: &[Observation], bins: usize) -> Calibration {
    let total = sorted.len();
    let bins = bins.max(1);
    let mut table = Vec::with_capacity(bins);
    let (mut observed, mut expected) = (0u64, 0.0);
    for bin in 0..bins {
        let (from, to) = (total * bin / bins, total * (bin + 1) / bins);
        let members = &sorted[from..to];
        if members.is_empty() {
            continue;
        }
        let n = members.len() as f64;
        let sum: f64 = members.iter().map(|o| o.predicted).sum();
        let events = members.iter().filter(|o| o.reoffended).count() as u64;
        observed += events;
        expected += sum;
        table.push(CalibrationBin {
            n: members.len() as u64,
            mean_predicted: sum / n,
            events: Some(events),
            observed_rate: Some(events as f64 / n),
        });
    }
    Calibration {
        bins: table,
        observed,
        expected,
        ratio: (expected > 0.0).then(|| observed as f64 / expected),
    }
}

/// One predictor's validation on one cohort.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Validation {
    /// The predictor's output key (e.g. `arp_dynamic`).
    pub predictor: String,
    /// People with a probability for this predictor.
    pub n: u64,
    /// People who reoffended.
    pub events: u64,
    /// Discrimination; `None` when the cohort lacks either outcome.
    pub auc: Option<Auc>,
    /// Calibration by decile.
    pub calibration: Calibration,
}

/// AUC and decile calibration of one predictor.
///
/// ```
/// use oasys_what_works::{validate, Observation};
/// let cohort = [Observation { predicted: 0.9, reoffended: true }, Observation { predicted: 0.1, reoffended: false }];
/// let v = validate("ogrs3", &cohort);
/// assert_eq!((v.n, v.events), (2, 1));
/// assert_eq!(v.auc.map(|a| a.value), Some(1.0));
/// ```
pub fn validate(predictor: &str, observations: &[Observation]) -> Validation {
    let n = observations.len() as u64;
    let events = observations.iter().filter(|o| o.reoffended).count() as u64;
    match sorted(observations) {
        Some(ordered) => Validation {
            predictor: predictor.to_owned(),
            n,
            events,
            auc: auc_sorted(&ordered),
            calibration: calibration_sorted(&ordered, 10),
        },
        None => Validation {
            predictor: predictor.to_owned(),
            n,
            events,
            auc: None,
            calibration: calibration(observations, 10),
        },
    }
}
