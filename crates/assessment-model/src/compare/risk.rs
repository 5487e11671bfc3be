//! The ROSH and RMP part of a comparison: matrix cells, overall level, concerns, behaviours and orders.
//! Directions compare risk levels; an unrated cell is neither up nor down.

use serde::{Deserialize, Serialize};

use crate::assessment::Assessment;
use crate::compare::AnswerChange;
use crate::rosh::{Concern, RiskGroup, RiskSetting, matrix_cells};
use crate::vocabulary::RiskLevel;

/// Direction of a risk level change.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Direction {
    /// Higher now.
    Up,
    /// Lower now.
    Down,
    /// Same (or unrated in both).
    Same,
    /// Rated now, unrated before.
    NewlyRated,
    /// Rated before, unrated now.
    NoLongerRated,
}

/// A risk level old → new.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct LevelChange {
    /// Earlier level.
    pub earlier: Option<RiskLevel>,
    /// Later level.
    pub later: Option<RiskLevel>,
    /// Direction.
    pub direction: Direction,
}

impl LevelChange {
    fn new(earlier: Option<RiskLevel>, later: Option<RiskLevel>) -> Self {
        let direction = match (earlier, later) {
            (Some(e), Some(l)) if l > e => Direction::Up,
            (Some(e), Some(l)) if l < e => Direction::Down,
            (None, Some(_)) => Direction::NewlyRated,
            (Some(_), None) => Direction::NoLongerRated,
            _ => Direction::Same,
        };
        Self {
            earlier,
            later,
            direction,
        }
    }
}

/// One matrix cell old → new.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct CellChange {
    /// Who is at risk.
    pub group: RiskGroup,
    /// Where.
    pub setting: RiskSetting,
    /// The change.
    pub change: LevelChange,
}

/// An R3/R4 concern that changed.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ConcernChange {
    /// Earlier record.
    pub earlier: Concern,
    /// Later record.
    pub later: Concern,
}

/// ROSH changes.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RoshComparison {
    /// Every matrix cell.
    pub cells: Vec<CellChange>,
    /// Overall ROSH.
    pub overall: LevelChange,
    /// R3/R4 concerns that changed.
    pub concerns: Vec<ConcernChange>,
    /// R1.3 behaviours now Yes, not before.
    pub behaviours_added: Vec<u8>,
    /// R1.3 behaviours Yes before, not now.
    pub behaviours_cleared: Vec<u8>,
    /// R1.4 orders now Yes, not before.
    pub orders_added: Vec<String>,
    /// R1.4 orders Yes before, not now.
    pub orders_cleared: Vec<String>,
}

/// Risk management plan changes.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RmpComparison {
    /// MAPPA category, when changed.
    pub mappa_category: Option<AnswerChange>,
    /// MAPPA level, when changed.
    pub mappa_level: Option<AnswerChange>,
    /// RM1–RM17 registration flags that changed.
    pub registration_flags: Vec<AnswerChange>,
}

fn added<T: PartialEq + Clone>(from: &[T], to: &[T]) -> Vec<T> {
    to.iter().filter(|x| !from.contains(x)).cloned().collect()
}

pub(super) fn rosh_changes(e: &Assessment, l: &Assessment) -> RoshComparison {
    let (em, lm) = (e.risk_matrix(), l.risk_matrix());
    let (es, ls) = (e.rosh_screening(), l.rosh_screening());
    RoshComparison {
        cells: matrix_cells()
            .map(|(group, setting)| CellChange {
                group,
                setting,
                change: LevelChange::new(em.level(group, setting), lm.level(group, setting)),
            })
            .collect(),
        overall: LevelChange::new(em.overall(), lm.overall()),
        concerns: es
            .concerns
            .iter()
            .zip(&ls.concerns)
            .filter(|(a, b)| a != b)
            .map(|(a, b)| ConcernChange {
                earlier: a.clone(),
                later: b.clone(),
            })
            .collect(),
        behaviours_added: added(&es.behaviours, &ls.behaviours),
        behaviours_cleared: added(&ls.behaviours, &es.behaviours),
        orders_added: added(&es.orders, &ls.orders),
        orders_cleared: added(&ls.orders, &es.orders),
    }
}
