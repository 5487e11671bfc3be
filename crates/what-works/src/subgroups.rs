//! Validation broken down by subgroup (sex, age band, ethnicity, area, sentence type, period…), so
//! that a predictor that works less well, or is miscalibrated, for one group is visible.

use std::collections::BTreeMap;

use serde::Serialize;

use crate::MIN_CELL;
use crate::discrimination::{
    Auc, Calibration, Observation, Validation, auc_sorted, calibration_sorted, sorted,
};

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
/// subgroup is shown only as [`validate_safely`] allows, so no count under [`MIN_CELL`] can be
/// read from the result.
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
    let mut rows: Vec<SubgroupValidation> = Vec::with_capacity(groups.len());
    let mut counts = Vec::with_capacity(groups.len());
    for (label, observations) in groups {
        counts.push((
            observations.len() as u64,
            observations.iter().filter(|o| o.reoffended).count() as u64,
        ));
        rows.push(SubgroupValidation {
            validation: validate_safely(predictor, &observations),
            subgroup: label,
        });
    }
    // The cohort's own totals are published too, so the hidden subgroups together must not be
    // small either (else "total minus the shown subgroups" gives them away).
    let mut hidden: Vec<bool> = rows.iter().map(|r| r.validation.is_none()).collect();
    protect_remainder(&counts, &mut hidden);
    for (row, hide) in rows.iter_mut().zip(hidden) {
        if hide {
            row.validation = None;
        }
    }
    rows
}

/// Secondary suppression. `counts` holds each item's people and reoffenders, `hidden` which items
/// are suppressed. When the hidden items together hold 1 to 9 reoffenders or 1 to 9 others (which
/// a published total minus the shown items would reveal), the shown item with the fewest people is
/// hidden too, until the hidden remainder is safe or everything is hidden.
pub(crate) fn protect_remainder(counts: &[(u64, u64)], hidden: &mut [bool]) {
    let small = |count: u64| count > 0 && count < MIN_CELL;
    loop {
        let (n, events) = counts
            .iter()
            .zip(hidden.iter())
            .filter(|(_, h)| **h)
            .fold((0, 0), |(n, e), ((cn, ce), _)| (n + cn, e + ce));
        if !small(events) && !small(n - events) {
            return;
        }
        let next = counts
            .iter()
            .zip(hidden.iter())
            .enumerate()
            .filter(|(_, (_, h))| !**h)
            .min_by_key(|(_, ((cn, _), _))| *cn)
            .map(|(i, _)| i);
        match next {
            Some(i) => hidden[i] = true,
            None => return,
        }
    }
}

/// Validation fit for publication: `None` unless the cohort has at least [`MIN_CELL`]
/// reoffenders and [`MIN_CELL`] non-reoffenders. Calibration uses at most ten bins of at least
/// [`MIN_CELL`] people each, and a bin's reoffenders (and so its observed rate) are suppressed when
/// they, or the bin's non-reoffenders, number 1 to 9 — so no count under [`MIN_CELL`] can be read
/// or worked out from the result.
///
/// ```
/// use oasys_what_works::{validate_safely, Observation};
/// let few: Vec<Observation> = (0..100).map(|i| Observation { predicted: 0.5, reoffended: i < 9 }).collect();
/// assert!(validate_safely("ogrs3", &few).is_none()); // only 9 reoffenders
/// let enough: Vec<Observation> = (0..100).map(|i| Observation { predicted: i as f64 / 100.0, reoffended: i % 2 == 0 }).collect();
/// let v = validate_safely("ogrs3", &enough).expect("50 and 50");
/// assert_eq!(v.calibration.bins.len(), 10);
/// ```
pub fn validate_safely(predictor: &str, observations: &[Observation]) -> Option<Validation> {
    let ordered = sorted(observations)?;
    let n = ordered.len() as u64;
    let events = ordered.iter().filter(|o| o.reoffended).count() as u64;
    if events < MIN_CELL || n - events < MIN_CELL {
        return None;
    }
    let bins = usize::try_from((n / MIN_CELL).min(10)).unwrap_or(10);
    let area: Option<Auc> = auc_sorted(&ordered);
    let mut table: Calibration = calibration_sorted(&ordered, bins);
    let small = |count: u64| count > 0 && count < MIN_CELL;
    let counts: Vec<(u64, u64)> = table
        .bins
        .iter()
        .map(|b| (b.n, b.events.unwrap_or_default()))
        .collect();
    let mut hidden: Vec<bool> = counts
        .iter()
        .map(|&(n, e)| n < MIN_CELL || small(e) || small(n - e))
        .collect();
    // The total reoffenders are published, so the hidden bins together must not be small either.
    protect_remainder(&counts, &mut hidden);
    for (bin, hide) in table.bins.iter_mut().zip(hidden) {
        if hide {
            bin.events = None;
            bin.observed_rate = None;
        }
    }
    Some(Validation {
        predictor: predictor.to_owned(),
        n,
        events,
        auc: area,
        calibration: table,
    })
}
