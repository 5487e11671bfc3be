//! The What Works report as numbers: for every predictor its validation (AUC, decile calibration,
//! O/E) against the reoffending it predicts, overall and by subgroup, its ROC curve, and the
//! reoffending rates by intervention, exposure and risk band — every part suppressed as
//! [`crate::validate_safely`], [`crate::validate_by`], [`crate::roc_curve`] and
//! [`crate::intervention_rates`] say, so no count under [`MIN_CELL`] appears.

use std::collections::BTreeMap;

use serde::Serialize;

use crate::MIN_CELL;
use crate::discrimination::{Observation, Validation};
use crate::interventions::{Exposure, InterventionRecord, InterventionRow, intervention_rates};
use crate::roc::{RocPoint, roc_curve};
use crate::subgroups::{SubgroupValidation, validate_by, validate_safely};

/// Which proven reoffending a predictor predicts.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Outcome {
    /// Any proven reoffence (OGRS3, OGP, ARP).
    Any,
    /// A proven violent reoffence (OVP, SNSV, VRP, SVRP).
    Violent,
    /// A proven sexual reoffence (OSP/DC, OSP/IIC, DC-SRP, IIC-SRP).
    Sexual,
    /// A proven violent or sexual reoffence (RSR, CSRP).
    Serious,
}

impl Outcome {
    /// The outcome a predictor (by output key) predicts; any reoffence for an unknown key.
    ///
    /// ```
    /// use oasys_what_works::Outcome;
    /// assert_eq!(Outcome::of_predictor("vrp_dynamic"), Outcome::Violent);
    /// assert_eq!(Outcome::of_predictor("csrp"), Outcome::Serious);
    /// ```
    #[must_use]
    pub fn of_predictor(predictor: &str) -> Self {
        match predictor {
            "ovp" | "snsv_static" | "snsv_dynamic" | "vrp_static" | "vrp_dynamic"
            | "svrp_static" | "svrp_dynamic" => Self::Violent,
            "osp_dc" | "osp_iic" | "dc_srp" | "iic_srp" => Self::Sexual,
            "rsr" | "csrp" => Self::Serious,
            _ => Self::Any,
        }
    }

    /// A short label for tables and charts.
    #[must_use]
    pub fn label(self) -> &'static str {
        match self {
            Self::Any => "any proven reoffence",
            Self::Violent => "proven violent reoffence",
            Self::Sexual => "proven sexual reoffence",
            Self::Serious => "proven violent or sexual reoffence",
        }
    }
}

/// One person's proven reoffending within the follow-up.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize)]
pub struct Reoffending {
    /// Any proven reoffence.
    pub any: bool,
    /// A proven violent reoffence.
    pub violent: bool,
    /// A proven sexual reoffence.
    pub sexual: bool,
}

impl Reoffending {
    /// Whether the person had this outcome.
    #[must_use]
    pub fn had(self, outcome: Outcome) -> bool {
        match outcome {
            Outcome::Any => self.any,
            Outcome::Violent => self.violent,
            Outcome::Sexual => self.sexual,
            Outcome::Serious => self.violent || self.sexual,
        }
    }
}

/// One person of the cohort, already joined: predicted probabilities, outcome, subgroups,
/// predicted-risk band and interventions. No identifier is needed.
#[derive(Debug, Clone, PartialEq, Default, Serialize)]
pub struct CohortRecord {
    /// Predictor output key and probability, for the predictors that were calculated.
    pub probabilities: Vec<(String, f64)>,
    /// The outcome.
    pub reoffending: Reoffending,
    /// Dimension and label, e.g. `("sex", "female")`.
    pub subgroups: Vec<(String, String)>,
    /// Predicted-risk band (the stratum of the intervention table).
    pub band: String,
    /// Interventions in the person's plan and how much of each they received.
    pub interventions: Vec<(String, Exposure)>,
}

/// A predictor's validation within each subgroup of one dimension.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Breakdown {
    /// The dimension, e.g. `sex`.
    pub dimension: String,
    /// One row per subgroup.
    pub rows: Vec<SubgroupValidation>,
}

/// Everything the report shows about one predictor.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct PredictorReport {
    /// Output key.
    pub predictor: String,
    /// The reoffending validated against.
    pub outcome: Outcome,
    /// Overall validation; `None` when fewer than [`MIN_CELL`] people had either outcome.
    pub overall: Option<Validation>,
    /// ROC curve points (empty when the overall validation is suppressed).
    pub roc: Vec<RocPoint>,
    /// Breakdowns by subgroup, one per dimension.
    pub subgroups: Vec<Breakdown>,
}

/// The whole report.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Report {
    /// People in the cohort; `None` when fewer than [`MIN_CELL`] (or none).
    pub people: Option<u64>,
    /// One entry per predictor asked for, in that order.
    pub predictors: Vec<PredictorReport>,
    /// Reoffending by intervention, band and exposure.
    pub interventions: Vec<InterventionRow>,
}

/// Points on each ROC curve (besides the end points).
pub const ROC_POINTS: usize = 50;

/// Builds the report for `predictors` (output keys) and subgroup `dimensions`.
///
/// A person counts for a predictor only when it was calculated for them. For the intervention
/// table every intervention found in any plan gives every person a row: their exposure when the
/// intervention is in their plan (the furthest reached, when it is there more than once), else
/// [`Exposure::NotReceived`]; the outcome is any proven reoffence.
///
/// ```
/// use oasys_what_works::{analyse, CohortRecord, Reoffending};
/// let records: Vec<CohortRecord> = (0..200)
///     .map(|i| CohortRecord {
///         probabilities: vec![("ogrs3".into(), i as f64 / 200.0)],
///         reoffending: Reoffending { any: i % 3 == 0, ..Reoffending::default() },
///         subgroups: vec![("sex".into(), if i % 4 == 0 { "female".into() } else { "male".into() })],
///         band: "medium".into(),
///         interventions: Vec::new(),
///     })
///     .collect();
/// let report = analyse(&records, &["ogrs3", "ovp"], &["sex"]);
/// assert_eq!(report.people, Some(200));
/// assert!(report.predictors[0].overall.is_some());
/// assert!(report.predictors[1].overall.is_none()); // never calculated
/// ```
#[must_use]
pub fn analyse(records: &[CohortRecord], predictors: &[&str], dimensions: &[&str]) -> Report {
    let people = records.len() as u64;
    let predictors = predictors
        .iter()
        .map(|&predictor| predictor_report(records, predictor, dimensions))
        .collect();
    Report {
        people: (people >= MIN_CELL).then_some(people),
        predictors,
        interventions: intervention_rates(&intervention_records(records)),
    }
}

fn probability(record: &CohortRecord, predictor: &str) -> Option<f64> {
    record
        .probabilities
        .iter()
        .find(|(key, _)| key == predictor)
        .map(|(_, p)| *p)
}

fn predictor_report(
    records: &[CohortRecord],
    predictor: &str,
    dimensions: &[&str],
) -> PredictorReport {
    let outcome = Outcome::of_predictor(predictor);
    let observe = |r: &CohortRecord| {
        probability(r, predictor).map(|predicted| Observation {
            predicted,
            reoffended: r.reoffending.had(outcome),
        })
    };
    let observations: Vec<Observation> = records.iter().filter_map(observe).collect();
    let overall = validate_safely(predictor, &observations);
    let roc = if overall.is_some() {
        roc_curve(&observations, ROC_POINTS)
    } else {
        Vec::new()
    };
    let subgroups = dimensions
        .iter()
        .map(|&dimension| Breakdown {
            dimension: dimension.to_owned(),
            rows: validate_by(records, predictor, observe, |r| {
                r.subgroups
                    .iter()
                    .find(|(d, _)| d == dimension)
                    .map_or_else(|| "not recorded".to_owned(), |(_, label)| label.clone())
            }),
        })
        .collect();
    PredictorReport {
        predictor: predictor.to_owned(),
        outcome,
        overall,
        roc,
        subgroups,
    }
}

fn exposure_rank(exposure: Exposure) -> u8 {
    match exposure {
        Exposure::Completed => 2,
        Exposure::Started => 1,
        Exposure::NotReceived => 0,
    }
}

fn intervention_records(records: &[CohortRecord]) -> Vec<InterventionRecord> {
    let mut codes: Vec<&str> = records
        .iter()
        .flat_map(|r| r.interventions.iter().map(|(code, _)| code.as_str()))
        .collect();
    codes.sort_unstable();
    codes.dedup();
    let mut out = Vec::with_capacity(codes.len() * records.len());
    for record in records {
        let mut furthest: BTreeMap<&str, Exposure> = BTreeMap::new();
        for (code, exposure) in &record.interventions {
            let entry = furthest.entry(code.as_str()).or_insert(*exposure);
            if exposure_rank(*exposure) > exposure_rank(*entry) {
                *entry = *exposure;
            }
        }
        for code in &codes {
            out.push(InterventionRecord {
                intervention: (*code).to_owned(),
                band: record.band.clone(),
                exposure: furthest.get(code).copied().unwrap_or(Exposure::NotReceived),
                reoffended: record.reoffending.any,
            });
        }
    }
    out
}
