#![doc = include_str!("../README.md")]
#![warn(missing_docs)]

mod discrimination;
mod interventions;
mod subgroups;

pub use discrimination::{
    Auc, Calibration, CalibrationBin, Observation, Validation, auc, calibration, validate,
};
pub use interventions::{
    Exposure, InterventionCell, InterventionRecord, InterventionRow, intervention_rates,
};
pub use subgroups::{SubgroupValidation, validate_by};

/// Smallest count that may be shown; smaller non-zero counts are suppressed.
pub const MIN_CELL: u64 = 10;
