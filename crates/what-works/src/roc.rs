//! ROC curve points for charts: the true- and false-positive rates at thresholds spread over the
//! cohort, keeping only points from which no count under [`MIN_CELL`] can be worked out.

use serde::Serialize;

use crate::MIN_CELL;
use crate::discrimination::Observation;

/// One point of a ROC curve: people scored at or above a threshold are called reoffenders.
#[derive(Debug, Clone, Copy, PartialEq, Serialize)]
pub struct RocPoint {
    /// The threshold (a predicted probability); `None` for the end points.
    pub threshold: Option<f64>,
    /// Share of non-reoffenders at or above the threshold (1 − specificity).
    pub false_positive_rate: f64,
    /// Share of reoffenders at or above the threshold (sensitivity).
    pub true_positive_rate: f64,
}

/// The ROC curve of a cohort at no more than `max_points` thresholds (plus the end points (0, 0)
/// and (1, 1)), spread evenly over the people ordered by predicted probability. A point is kept
/// only when the true positives, false positives, false negatives and true negatives it implies are
/// each 0 or at least [`MIN_CELL`]. Empty when the cohort has fewer than [`MIN_CELL`] people with
/// either outcome or holds a probability that is not a number.
///
/// ```
/// use oasys_what_works::{roc_curve, Observation};
/// let cohort: Vec<Observation> = (0..1000)
///     .map(|i| Observation { predicted: i as f64 / 1000.0, reoffended: i >= 500 })
///     .collect();
/// let curve = roc_curve(&cohort, 20);
/// // A perfect separation passes through (0, 1).
/// assert!(curve.iter().any(|p| p.false_positive_rate == 0.0 && p.true_positive_rate == 1.0));
/// assert_eq!(curve.last().map(|p| (p.false_positive_rate, p.true_positive_rate)), Some((1.0, 1.0)));
/// ```
pub fn roc_curve(observations: &[Observation], max_points: usize) -> Vec<RocPoint> {
    if observations.iter().any(|o| o.predicted.is_nan()) {
        return Vec::new();
    }
    let mut sorted: Vec<Observation> = observations.to_vec();
    // Highest probability first.
    sorted.sort_unstable_by(|a, b| b.predicted.total_cmp(&a.predicted));
    let positives = sorted.iter().filter(|o| o.reoffended).count() as u64;
    let negatives = sorted.len() as u64 - positives;
    if positives < MIN_CELL || negatives < MIN_CELL {
        return Vec::new();
    }
    let safe = |count: u64| count == 0 || count >= MIN_CELL;
    let total = sorted.len();
    let step = total.div_ceil(max_points.max(1)).max(1);
    let mut points = vec![RocPoint {
        threshold: None,
        false_positive_rate: 0.0,
        true_positive_rate: 0.0,
    }];
    let (mut tp, mut fp) = (0u64, 0u64);
    let mut next_mark = step;
    let mut i = 0;
    while i < total {
        // Everyone tied at this probability is on the same side of the threshold.
        let threshold = sorted[i].predicted;
        while i < total && sorted[i].predicted == threshold {
            if sorted[i].reoffended {
                tp += 1;
            } else {
                fp += 1;
            }
            i += 1;
        }
        if i >= next_mark && i < total {
            next_mark = (i / step + 1) * step;
            if safe(tp) && safe(fp) && safe(positives - tp) && safe(negatives - fp) {
                points.push(RocPoint {
                    threshold: Some(threshold),
                    false_positive_rate: fp as f64 / negatives as f64,
                    true_positive_rate: tp as f64 / positives as f64,
                });
            }
        }
    }
    points.push(RocPoint {
        threshold: None,
        false_positive_rate: 1.0,
        true_positive_rate: 1.0,
    });
    points
}
