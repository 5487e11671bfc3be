//! Reoffending by intervention: for each intervention and predicted-risk band, the rates of people
//! who completed it, started it or did not receive it, with every small count suppressed.

use std::collections::BTreeMap;

use serde::Serialize;

use crate::MIN_CELL;
use crate::subgroups::protect_remainder;

/// How much of an intervention a person received.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Exposure {
    /// Completed it.
    Completed,
    /// Started but did not complete it.
    Started,
    /// Did not receive it.
    NotReceived,
}

/// One person's record for one intervention.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct InterventionRecord {
    /// Intervention catalogue code.
    pub intervention: String,
    /// Predicted-risk band at the start (stratum), e.g. `medium`.
    pub band: String,
    /// How much of it the person received.
    pub exposure: Exposure,
    /// A proven reoffence within the follow-up.
    pub reoffended: bool,
}

/// A cell of the intervention table.
#[derive(Debug, Clone, Copy, PartialEq, Serialize)]
#[serde(tag = "shown", rename_all = "snake_case")]
pub enum InterventionCell {
    /// Fewer than [`crate::MIN_CELL`] people: nothing is shown.
    Suppressed,
    /// Enough people to show the count; the reoffending count and rate only when both the
    /// reoffenders and the others number at least [`crate::MIN_CELL`] (either could otherwise be
    /// worked out from the rate).
    Count {
        /// People in the cell.
        n: u64,
        /// Reoffenders, when shown.
        reoffended: Option<u64>,
        /// Reoffending rate, when shown.
        rate: Option<f64>,
    },
}

/// One row: an intervention, a band, an exposure and its cell.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct InterventionRow {
    /// Intervention catalogue code.
    pub intervention: String,
    /// Predicted-risk band.
    pub band: String,
    /// Exposure.
    pub exposure: Exposure,
    /// The counts.
    pub cell: InterventionCell,
}

/// Reoffending rates stratified by intervention, band and exposure, in that order.
///
/// A cell shows its people only when they number at least [`MIN_CELL`], and its reoffenders
/// only when they and the others do too. Since the exposures of one intervention and band add up
/// to the band, further cells are hidden until the hidden ones together hold no small count of
/// reoffenders or of others (secondary suppression).
///
/// ```
/// use oasys_what_works::{intervention_rates, Exposure, InterventionCell, InterventionRecord};
/// let record = |exposure, reoffended| InterventionRecord {
///     intervention: "TSP".into(), band: "medium".into(), exposure, reoffended };
/// let mut records: Vec<_> = (0..40).map(|i| record(Exposure::Completed, i % 4 == 0)).collect();
/// records.extend((0..5).map(|_| record(Exposure::Started, true)));
/// records.extend((0..30).map(|i| record(Exposure::NotReceived, i < 12)));
/// let rows = intervention_rates(&records);
/// assert_eq!(rows[0].cell, InterventionCell::Count { n: 40, reoffended: Some(10), rate: Some(0.25) });
/// assert_eq!(rows[1].cell, InterventionCell::Suppressed); // 5 people
/// // Hidden too: else the band's total minus the other cells would give the 5 away.
/// assert_eq!(rows[2].cell, InterventionCell::Suppressed);
/// ```
pub fn intervention_rates(records: &[InterventionRecord]) -> Vec<InterventionRow> {
    let mut cells: BTreeMap<(&str, &str, Exposure), (u64, u64)> = BTreeMap::new();
    for r in records {
        let cell = cells
            .entry((r.intervention.as_str(), r.band.as_str(), r.exposure))
            .or_default();
        cell.0 += 1;
        cell.1 += u64::from(r.reoffended);
    }
    let raw: Vec<(CellKey<'_>, (u64, u64))> = cells.into_iter().collect();
    let mut rows: Vec<InterventionRow> = raw
        .iter()
        .map(
            |&((intervention, band, exposure), (n, reoffended))| InterventionRow {
                intervention: intervention.to_owned(),
                band: band.to_owned(),
                exposure,
                cell: cell(n, reoffended),
            },
        )
        .collect();
    // Within one intervention and band the exposures add up to the band, whose size and
    // reoffenders another table (or another intervention's) may show: hide enough cells that the
    // hidden ones together are not small either.
    let mut start = 0;
    while start < raw.len() {
        let key = (raw[start].0.0, raw[start].0.1);
        let end = start
            + raw[start..]
                .iter()
                .take_while(|r| (r.0.0, r.0.1) == key)
                .count();
        let counts: Vec<(u64, u64)> = raw[start..end].iter().map(|r| r.1).collect();
        let group = &mut rows[start..end];
        let mut hidden: Vec<bool> = group
            .iter()
            .map(|r| r.cell == InterventionCell::Suppressed)
            .collect();
        protect_remainder(&counts, &mut hidden);
        for (row, hide) in group.iter_mut().zip(&hidden) {
            if *hide {
                row.cell = InterventionCell::Suppressed;
            }
        }
        let mut unknown: Vec<bool> = group
            .iter()
            .map(|r| {
                !matches!(
                    r.cell,
                    InterventionCell::Count {
                        reoffended: Some(_),
                        ..
                    }
                )
            })
            .collect();
        protect_remainder(&counts, &mut unknown);
        for (row, hide) in group.iter_mut().zip(unknown) {
            if let (true, InterventionCell::Count { n, .. }) = (hide, row.cell) {
                row.cell = InterventionCell::Count {
                    n,
                    reoffended: None,
                    rate: None,
                };
            }
        }
        start = end;
    }
    rows
}

/// Intervention, band and exposure.
type CellKey<'a> = (&'a str, &'a str, Exposure);

fn cell(n: u64, reoffended: u64) -> InterventionCell {
    if n < MIN_CELL {
        return InterventionCell::Suppressed;
    }
    let small = |count: u64| count > 0 && count < MIN_CELL;
    let hidden = small(reoffended) || small(n - reoffended);
    InterventionCell::Count {
        n,
        reoffended: (!hidden).then_some(reoffended),
        rate: (!hidden).then(|| reoffended as f64 / n as f64),
    }
}
