//! Risk of serious harm: screening views, the full-analysis trigger rule and the summary risk matrix.
//! All views are computed from the answers; nothing here is stored twice.

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};

use crate::question_data::rosh::{
    BEHAVIOURS, CONCERNS, FULL_ANALYSIS_RATIONALE, ORDERS, SERIOUS_OFFENCES,
};
use crate::vocabulary::{AnswerValue, RiskLevel};

/// Answers keyed by question code.
pub type Answers = BTreeMap<String, AnswerValue>;

/// Who is at risk (matrix rows).
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum RiskGroup {
    /// Children (SUM6.1).
    Children,
    /// The public (SUM6.2).
    Public,
    /// A known adult (SUM6.3).
    KnownAdult,
    /// Staff (SUM6.4).
    Staff,
    /// Prisoners (SUM6.5; custody only).
    Prisoners,
}

impl RiskGroup {
    /// All groups in matrix order.
    pub const ALL: [RiskGroup; 5] = [
        Self::Children,
        Self::Public,
        Self::KnownAdult,
        Self::Staff,
        Self::Prisoners,
    ];

    fn number(self) -> u8 {
        match self {
            Self::Children => 1,
            Self::Public => 2,
            Self::KnownAdult => 3,
            Self::Staff => 4,
            Self::Prisoners => 5,
        }
    }

    /// Whether the group has a cell in this setting (prisoners: custody only).
    #[must_use]
    pub fn applies_in(self, setting: RiskSetting) -> bool {
        !(self == Self::Prisoners && setting == RiskSetting::Community)
    }
}

/// Where the risk is assessed (matrix columns).
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum RiskSetting {
    /// In the community (column 1).
    Community,
    /// In custody (column 2).
    Custody,
}

impl RiskSetting {
    /// Both settings.
    pub const ALL: [RiskSetting; 2] = [Self::Community, Self::Custody];
}

/// The question code of a matrix cell, `SUM6.{group}.{setting}`.
#[must_use]
pub fn matrix_code(group: RiskGroup, setting: RiskSetting) -> String {
    let s = match setting {
        RiskSetting::Community => 1,
        RiskSetting::Custody => 2,
    };
    format!("SUM6.{}.{s}", group.number())
}

/// Every matrix cell that exists, in order.
pub fn matrix_cells() -> impl Iterator<Item = (RiskGroup, RiskSetting)> {
    RiskGroup::ALL
        .into_iter()
        .flat_map(|g| RiskSetting::ALL.into_iter().map(move |s| (g, s)))
        .filter(|(g, s)| g.applies_in(*s))
}

/// One rated cell of the matrix.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RiskCell {
    /// Who is at risk.
    pub group: RiskGroup,
    /// Where.
    pub setting: RiskSetting,
    /// The level given.
    pub level: RiskLevel,
}

/// The ROSH summary risk matrix as rated so far.
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RiskMatrix {
    /// Rated cells, in matrix order.
    pub cells: Vec<RiskCell>,
}

impl RiskMatrix {
    /// Reads the matrix from the answers (cells without a risk level are left out).
    #[must_use]
    pub fn from_answers(answers: &Answers) -> Self {
        let cells = matrix_cells()
            .filter_map(
                |(group, setting)| match answers.get(&matrix_code(group, setting)) {
                    Some(AnswerValue::RiskLevel(level)) => Some(RiskCell {
                        group,
                        setting,
                        level: *level,
                    }),
                    _ => None,
                },
            )
            .collect();
        Self { cells }
    }

    /// The level of one cell.
    #[must_use]
    pub fn level(&self, group: RiskGroup, setting: RiskSetting) -> Option<RiskLevel> {
        self.cells
            .iter()
            .find(|c| c.group == group && c.setting == setting)
            .map(|c| c.level)
    }

    /// Overall ROSH: the highest cell in either setting.
    #[must_use]
    pub fn overall(&self) -> Option<RiskLevel> {
        self.cells.iter().map(|c| c.level).max()
    }

    /// The highest cell in one setting.
    #[must_use]
    pub fn highest_in(&self, setting: RiskSetting) -> Option<RiskLevel> {
        self.cells
            .iter()
            .filter(|c| c.setting == setting)
            .map(|c| c.level)
            .max()
    }

    /// The highest cell for one group.
    #[must_use]
    pub fn highest_for(&self, group: RiskGroup) -> Option<RiskLevel> {
        self.cells
            .iter()
            .filter(|c| c.group == group)
            .map(|c| c.level)
            .max()
    }

    /// Whether every cell of the setting's column is rated.
    #[must_use]
    pub fn column_complete(&self, setting: RiskSetting) -> bool {
        matrix_cells()
            .filter(|(_, s)| *s == setting)
            .all(|(g, s)| self.level(g, s).is_some())
    }
}

/// Current and previous concern with its text, for R3 (risks to the person) and R4 (other risks).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Concern {
    /// Item prefix, e.g. `R3.1`.
    pub code: String,
    /// What the concern is about.
    pub label: String,
    /// Current concern (Yes / No / Don't know).
    pub current: Option<AnswerValue>,
    /// Previous concern.
    pub previous: Option<AnswerValue>,
    /// Details.
    pub text: Option<String>,
}

/// The ROSH screening as a typed view over the answers.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RoshScreening {
    /// R1.2 serious offences answered Yes as current (by number).
    pub current_serious_offences: Vec<u8>,
    /// R1.2 serious offences answered Yes as previous (by number).
    pub previous_serious_offences: Vec<u8>,
    /// R1.3 behaviours answered Yes (by number).
    pub behaviours: Vec<u8>,
    /// R1.4 orders answered Yes (by name).
    pub orders: Vec<String>,
    /// R3 and R4 concerns.
    pub concerns: Vec<Concern>,
    /// The recorded rationale for not completing a full analysis.
    pub rationale: Option<String>,
}

fn yes(answers: &Answers, code: &str) -> bool {
    answers.get(code).is_some_and(AnswerValue::is_yes)
}

impl RoshScreening {
    /// Reads the screening from the answers.
    #[must_use]
    pub fn from_answers(answers: &Answers) -> Self {
        let serious = |suffix: u8| {
            SERIOUS_OFFENCES
                .iter()
                .map(|(n, _)| *n)
                .filter(|n| yes(answers, &format!("R1.2.{n}.{suffix}")))
                .collect()
        };
        let text = |code: &str| match answers.get(code) {
            Some(AnswerValue::Text(t)) if !t.trim().is_empty() => Some(t.clone()),
            _ => None,
        };
        Self {
            current_serious_offences: serious(1),
            previous_serious_offences: serious(2),
            behaviours: BEHAVIOURS
                .iter()
                .map(|(n, _)| *n)
                .filter(|n| yes(answers, &format!("R1.3.{n}")))
                .collect(),
            orders: ORDERS
                .iter()
                .enumerate()
                .filter(|(i, _)| yes(answers, &format!("R1.4.{}", i + 1)))
                .map(|(_, name)| (*name).to_owned())
                .collect(),
            concerns: CONCERNS
                .iter()
                .map(|(code, label)| Concern {
                    code: (*code).to_owned(),
                    label: (*label).to_owned(),
                    current: answers.get(&format!("{code}.1")).cloned(),
                    previous: answers.get(&format!("{code}.2")).cloned(),
                    text: text(&format!("{code}.t")),
                })
                .collect(),
            rationale: text(FULL_ANALYSIS_RATIONALE),
        }
    }

    /// Applies the full-analysis trigger rule (spec §7.1).
    #[must_use]
    pub fn full_analysis(&self) -> FullAnalysisDecision {
        if self.current_serious_offences.contains(&1) || self.previous_serious_offences.contains(&1)
        {
            return FullAnalysisDecision::Forced;
        }
        let mut reasons: Vec<String> = Vec::new();
        reasons.extend(
            self.current_serious_offences
                .iter()
                .map(|n| format!("R1.2.{n}.1")),
        );
        reasons.extend(
            self.previous_serious_offences
                .iter()
                .map(|n| format!("R1.2.{n}.2")),
        );
        reasons.extend(self.behaviours.iter().map(|n| format!("R1.3.{n}")));
        reasons.extend(
            self.concerns
                .iter()
                .filter(|c| c.current.as_ref().is_some_and(AnswerValue::is_yes))
                .map(|c| format!("{}.1", c.code)),
        );
        match (reasons.is_empty(), &self.rationale) {
            (true, _) => FullAnalysisDecision::NotTriggered,
            (false, Some(_)) => FullAnalysisDecision::WaivedByRationale { reasons },
            (false, None) => FullAnalysisDecision::Triggered { reasons },
        }
    }
}

/// Whether screening requires a full analysis.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum FullAnalysisDecision {
    /// Nothing in screening calls for it.
    NotTriggered,
    /// R1.2.1 (homicide) is Yes: required, no rationale can waive it.
    Forced,
    /// Required because of these items.
    Triggered {
        /// The items answered Yes.
        reasons: Vec<String>,
    },
    /// These items would trigger it, but a rationale for not doing it is recorded.
    WaivedByRationale {
        /// The items answered Yes.
        reasons: Vec<String>,
    },
}

impl FullAnalysisDecision {
    /// Whether a full analysis is required.
    #[must_use]
    pub fn required(&self) -> bool {
        matches!(self, Self::Forced | Self::Triggered { .. })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn answers(pairs: &[(&str, AnswerValue)]) -> Answers {
        pairs
            .iter()
            .map(|(c, v)| ((*c).to_owned(), v.clone()))
            .collect()
    }

    #[test]
    fn overall_and_per_group_and_setting() {
        use RiskLevel::*;
        let a = answers(&[
            ("SUM6.1.1", AnswerValue::RiskLevel(Medium)),
            ("SUM6.1.2", AnswerValue::RiskLevel(Low)),
            ("SUM6.2.1", AnswerValue::RiskLevel(Low)),
            ("SUM6.4.2", AnswerValue::RiskLevel(High)),
            ("SUM6.5.2", AnswerValue::RiskLevel(Medium)),
            ("SUM6.5.1", AnswerValue::RiskLevel(VeryHigh)), // prisoners × community does not exist
        ]);
        let m = RiskMatrix::from_answers(&a);
        assert_eq!(m.overall(), Some(High));
        assert_eq!(m.highest_in(RiskSetting::Community), Some(Medium));
        assert_eq!(m.highest_in(RiskSetting::Custody), Some(High));
        assert_eq!(m.highest_for(RiskGroup::Children), Some(Medium));
        assert_eq!(m.highest_for(RiskGroup::KnownAdult), None);
        assert_eq!(m.highest_for(RiskGroup::Prisoners), Some(Medium));
        assert!(!m.column_complete(RiskSetting::Community));
        assert_eq!(RiskMatrix::default().overall(), None);
        assert_eq!(matrix_cells().count(), 9);
    }

    #[test]
    fn full_analysis_trigger_rule() {
        let decide = |pairs: &[(&str, AnswerValue)]| {
            RoshScreening::from_answers(&answers(pairs)).full_analysis()
        };
        let rationale = ("R6.1", AnswerValue::Text("no current indicators".into()));
        assert_eq!(
            decide(&[("R1.2.2.1", AnswerValue::No)]),
            FullAnalysisDecision::NotTriggered
        );
        assert_eq!(
            decide(&[("R1.2.1.2", AnswerValue::Yes), rationale.clone()]),
            FullAnalysisDecision::Forced
        );
        assert_eq!(
            decide(&[("R1.3.20", AnswerValue::Yes)]),
            FullAnalysisDecision::Triggered {
                reasons: vec!["R1.3.20".into()]
            }
        );
        assert_eq!(
            decide(&[("R3.2.1", AnswerValue::Yes), rationale.clone()]),
            FullAnalysisDecision::WaivedByRationale {
                reasons: vec!["R3.2.1".into()]
            }
        );
        // A previous concern alone does not trigger; a blank rationale does not waive.
        assert!(!decide(&[("R4.1.2", AnswerValue::Yes)]).required());
        assert!(
            decide(&[
                ("R1.2.12.2", AnswerValue::Yes),
                ("R6.1", AnswerValue::Text("  ".into()))
            ])
            .required()
        );
    }

    #[test]
    fn screening_view_lists_orders_and_behaviours() {
        let s = RoshScreening::from_answers(&answers(&[
            ("R1.4.13", AnswerValue::Yes),
            ("R1.4.1", AnswerValue::No),
            ("R1.3.12", AnswerValue::Yes),
            ("R3.1.1", AnswerValue::DontKnow),
        ]));
        assert_eq!(s.orders, vec!["restraining order".to_owned()]);
        assert_eq!(s.behaviours, vec![12]);
        assert_eq!(
            s.concerns.first().and_then(|c| c.current.clone()),
            Some(AnswerValue::DontKnow)
        );
    }
}
