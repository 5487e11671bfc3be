//! Validation broken down by subgroup (sex, age band, ethnicity, area, sentence type, period…), so
//! that a predictor that works less well, or is miscalibrated, for one group is visible.

use std::collections::BTreeMap;

use serde::Serialize;

use crate::MIN_CELL;
use crate::discrimination::{Auc, Calibration, Observation, Validation, auc, calibration};

/// One subgroup's validation, or the fact that it was too small to show.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct SubgroupValidation {
    /// The subgroup's label, e.g. `female` or `18-20`.
    pub subgroup: String,
    /// `None` when the subgroup has fewer than [`MIN_CELL`] people with either outcome.
    pub validation: Option<Validation>,
}

/// Validates one predictor within each subgroup of a cohort.
///
/// `observation` gives a record's probability and outcome for this predictor (`None` leaves the
/// record out: for example the predictor was not calculable); `subgroup` gives its label. A
/// subgroup is shown only when it has at least [`MIN_CELL`] reoffenders and [`MIN_CELL`]
/// non-reoffenders, and its calibration bins hold at least [`MIN_CELL`] people each, so no count
/// under [`MIN_CELL`] can be read from the result.
///
/// ```
/// use oasys_what_works::{validate_by, Observation};
/// let people: Vec<(&str, f64, bool)> = (0..100).map(|i| (if i < 60 { "male" } else { "female" }, i as f64 / 100.0, i % 2 == 0)).collect();
/// let rows = validate_by(&people, "ogrs3", |p| Some(Observation { predicted: p.1, reoffended: p.2 }), |p| p.0.to_string());
/// assert_eq!(rows.len(), 2);
/// assert!(rows.iter().all(|r| r.validation.is_some()));
/// ```
pub fn validate_by<T>(
    records: &[T],
    predictor: &str,
    observation: impl Fn(&T) -> Option<Observation>,
    subgroup: impl Fn(&T) -> String,
) -> Vec<SubgroupValidation> {
    let mut groups: BTreeMap<String, Vec<Observation>> = BTreeMap::new();
    for record in records {
        if let Some(o) = observation(record) {
            groups.entry(subgroup(record)).or_default().push(o);
        }
    }
    groups
        .into_iter()
        .map(|(label, observations)| SubgroupValidation {
            validation: safe_validation(predictor, &observations),
            subgroup: label,
        })
        .collect()
}

/// Validation with every count at least [`MIN_CELL`]; `None` when that is impossible.
fn safe_validation(predictor: &str, observations: &[Observation]) -> Option<Validation> {
    let n = observations.len() as u64;
    let events = observations.iter().filter(|o| o.reoffended).count() as u64;
    if events < MIN_CELL || n - events < MIN_CELL {
        return None;
    }
    let bins = usize::try_from((n / MIN_CELL).min(10)).unwrap_or(10);
    let area: Option<Auc> = auc(observations);
    let table: Calibration = calibration(observations, bins);
    Some(Validation {
        predictor: predictor.to_owned(),
        n,
        events,
        auc: area,
        calibration: table,
    })
}
