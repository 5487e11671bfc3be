#![doc = include_str!("../README.md")]
#![warn(missing_docs)]

mod discrimination;
mod interventions;
mod render;
mod report;
mod roc;
mod subgroups;

pub use discrimination::{
    Auc, Calibration, CalibrationBin, Observation, Validation, auc, calibration, validate,
};
pub use interventions::{
    Exposure, InterventionCell, InterventionRecord, InterventionRow, intervention_rates,
};
pub use render::{
    ChartError, CohortDescription, Heading, Table, csv, report_body, standalone_html,
};
pub use report::{
    Breakdown, CohortRecord, Outcome, PredictorReport, ROC_POINTS, Reoffending, Report, analyse,
};
pub use roc::{RocPoint, roc_curve};
pub use subgroups::{SubgroupValidation, validate_by, validate_safely};

/// Smallest count that may be shown; smaller non-zero counts are suppressed.
pub const MIN_CELL: u64 = 10;

/// Every predictor's output key, in the order of the predictors spec.
pub const PREDICTORS: [&str; 17] = [
    "ogrs3",
    "ogp",
    "ovp",
    "osp_dc",
    "osp_iic",
    "snsv_static",
    "snsv_dynamic",
    "rsr",
    "arp_static",
    "arp_dynamic",
    "vrp_static",
    "vrp_dynamic",
    "svrp_static",
    "svrp_dynamic",
    "dc_srp",
    "iic_srp",
    "csrp",
];
