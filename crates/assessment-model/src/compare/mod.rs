//! Measure change (spec §13): what changed between two assessments of the same person —
//! header, answers, needs, ROSH and RMP. Predictor and plan changes come from their own crates.

use std::collections::BTreeSet;

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};
use thiserror::Error;

use crate::assessment::Assessment;
use crate::lifecycle::State;
use crate::question_data::rosh::{MAPPA_CATEGORY, MAPPA_LEVEL, REGISTRATION_FLAGS};
use crate::question_set::Section;
use crate::sections::SectionScore;
use crate::vocabulary::AnswerValue;

mod risk;

use risk::rosh_changes;
pub use risk::{CellChange, ConcernChange, Direction, LevelChange, RmpComparison, RoshComparison};

/// Why two assessments cannot be compared.
#[derive(Debug, Clone, PartialEq, Eq, Error)]
pub enum CompareError {
    /// They are about different people.
    #[error("the assessments are about different people")]
    DifferentPeople,
    /// One of them is voided.
    #[error("the {which} assessment is voided")]
    Voided {
        /// `earlier` or `later`.
        which: &'static str,
    },
    /// `earlier` is effective strictly after `later`.
    #[error("the earlier assessment ({earlier}) is effective after the later one ({later})")]
    OutOfOrder {
        /// Effective time of `earlier`.
        earlier: DateTime<Utc>,
        /// Effective time of `later`.
        later: DateTime<Utc>,
    },
}

/// A changed header field, shown as text.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct HeaderChange {
    /// Field name.
    pub field: String,
    /// Earlier value.
    pub earlier: String,
    /// Later value.
    pub later: String,
}

/// How one answer changed.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "change", rename_all = "snake_case", deny_unknown_fields)]
pub enum AnswerChange {
    /// Answered only in the later assessment.
    Added {
        /// Item code.
        code: String,
        /// New value.
        later: AnswerValue,
    },
    /// Answered only in the earlier assessment.
    Removed {
        /// Item code.
        code: String,
        /// Old value.
        earlier: AnswerValue,
    },
    /// Answered in both, differently.
    Changed {
        /// Item code.
        code: String,
        /// Old value.
        earlier: AnswerValue,
        /// New value.
        later: AnswerValue,
    },
    /// The item exists (with this vocabulary) in only one question-set version; never "resolved".
    NotComparable {
        /// Item code.
        code: String,
        /// Old value, if any.
        earlier: Option<AnswerValue>,
        /// New value, if any.
        later: Option<AnswerValue>,
    },
}

impl AnswerChange {
    /// The item code.
    #[must_use]
    pub fn code(&self) -> &str {
        match self {
            Self::Added { code, .. }
            | Self::Removed { code, .. }
            | Self::Changed { code, .. }
            | Self::NotComparable { code, .. } => code,
        }
    }
}

/// What happened to a need.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum NeedStatus {
    /// Not identified before (or unanswered), identified now.
    Gained,
    /// Identified before, answered and under threshold now.
    Resolved,
    /// Identified in both.
    Persisting,
    /// Answered and under threshold in both (or answered now after being unanswered).
    NoNeed,
    /// Unanswered in the later assessment.
    Unanswered,
    /// The section is not scored.
    NotScored,
}

/// How a Yes/No flag moved.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum FlagChange {
    /// No change.
    Unchanged,
    /// Now Yes, not Yes before.
    SwitchedOn,
    /// Yes before, not Yes now.
    SwitchedOff,
}

fn flag_change(earlier: Option<bool>, later: Option<bool>) -> FlagChange {
    match (earlier == Some(true), later == Some(true)) {
        (false, true) => FlagChange::SwitchedOn,
        (true, false) => FlagChange::SwitchedOff,
        _ => FlagChange::Unchanged,
    }
}

/// One need section old → new.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct NeedChange {
    /// The section.
    pub section: Section,
    /// Earlier view.
    pub earlier: SectionScore,
    /// Later view.
    pub later: SectionScore,
    /// What happened to the need.
    pub status: NeedStatus,
    /// N.98 switched on or off.
    pub linked_to_harm: FlagChange,
    /// N.99 switched on or off.
    pub linked_to_reoffending: FlagChange,
}

impl NeedChange {
    /// Whether anything about this section changed.
    #[must_use]
    pub fn changed(&self) -> bool {
        self.earlier.score != self.later.score
            || self.earlier.threshold != self.later.threshold
            || matches!(self.status, NeedStatus::Gained | NeedStatus::Resolved)
            || self.linked_to_harm != FlagChange::Unchanged
            || self.linked_to_reoffending != FlagChange::Unchanged
    }
}

fn need_status(earlier: &SectionScore, later: &SectionScore) -> NeedStatus {
    if !later.scored {
        return NeedStatus::NotScored;
    }
    match (earlier.identified_need, later.identified_need) {
        (_, None) => NeedStatus::Unanswered,
        (Some(true), Some(true)) => NeedStatus::Persisting,
        (Some(true), Some(false)) => NeedStatus::Resolved,
        (_, Some(true)) => NeedStatus::Gained,
        (_, Some(false)) => NeedStatus::NoNeed,
    }
}

/// Everything that changed between two assessments.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Comparison {
    /// Header changes.
    pub header: Vec<HeaderChange>,
    /// Answer changes, by code.
    pub answers: Vec<AnswerChange>,
    /// Every need section (3–13).
    pub needs: Vec<NeedChange>,
    /// ROSH.
    pub rosh: RoshComparison,
    /// RMP.
    pub rmp: RmpComparison,
}

impl Comparison {
    /// Whether anything changed.
    #[must_use]
    pub fn has_changes(&self) -> bool {
        let r = &self.rosh;
        !self.header.is_empty()
            || !self.answers.is_empty()
            || self.needs.iter().any(NeedChange::changed)
            || r.cells
                .iter()
                .any(|c| c.change.direction != Direction::Same)
            || r.overall.direction != Direction::Same
            || !r.concerns.is_empty()
            || !(r.behaviours_added.is_empty() && r.behaviours_cleared.is_empty())
            || !(r.orders_added.is_empty() && r.orders_cleared.is_empty())
            || self.rmp.mappa_category.is_some()
            || self.rmp.mappa_level.is_some()
            || !self.rmp.registration_flags.is_empty()
    }
}

fn header_changes(e: &Assessment, l: &Assessment) -> Vec<HeaderChange> {
    let (eh, lh) = (&e.header, &l.header);
    let fields = [
        (
            "effective_date",
            e.effective_at().date_naive().to_string(),
            l.effective_at().date_naive().to_string(),
        ),
        (
            "purpose",
            format!("{:?}", eh.purpose),
            format!("{:?}", lh.purpose),
        ),
        (
            "layer",
            format!("{:?}", eh.layer),
            format!("{:?}", lh.layer),
        ),
        (
            "question_set_version",
            eh.question_set_version.clone(),
            lh.question_set_version.clone(),
        ),
        (
            "predictor_set_version",
            eh.predictor_set_version.clone(),
            lh.predictor_set_version.clone(),
        ),
        ("assessor", eh.assessor.clone(), lh.assessor.clone()),
    ];
    fields
        .into_iter()
        .filter(|(_, a, b)| a != b)
        .map(|(field, earlier, later)| HeaderChange {
            field: field.to_owned(),
            earlier,
            later,
        })
        .collect()
}

fn answer_changes(e: &Assessment, l: &Assessment) -> Vec<AnswerChange> {
    let (eqs, lqs) = (e.question_set(), l.question_set());
    let codes: BTreeSet<&String> = e.answers.keys().chain(l.answers.keys()).collect();
    codes
        .into_iter()
        .filter_map(|code| {
            let (ev, lv) = (e.answers.get(code), l.answers.get(code));
            let comparable = match (eqs.question(code), lqs.question(code)) {
                (Some(a), Some(b)) => a.vocabulary == b.vocabulary,
                _ => false,
            };
            let code = code.clone();
            match (ev.cloned(), lv.cloned()) {
                (earlier, later) if !comparable => Some(AnswerChange::NotComparable {
                    code,
                    earlier,
                    later,
                }),
                (None, Some(later)) => Some(AnswerChange::Added { code, later }),
                (Some(earlier), None) => Some(AnswerChange::Removed { code, earlier }),
                (Some(earlier), Some(later)) if earlier != later => Some(AnswerChange::Changed {
                    code,
                    earlier,
                    later,
                }),
                _ => None,
            }
        })
        .collect()
}

/// Compares two assessments of the same person; `later` may still be Open.
pub fn compare(earlier: &Assessment, later: &Assessment) -> Result<Comparison, CompareError> {
    if earlier.header.person.id != later.header.person.id {
        return Err(CompareError::DifferentPeople);
    }
    for (which, a) in [("earlier", earlier), ("later", later)] {
        if a.state == State::Voided {
            return Err(CompareError::Voided { which });
        }
    }
    if earlier.effective_at() > later.effective_at() {
        return Err(CompareError::OutOfOrder {
            earlier: earlier.effective_at(),
            later: later.effective_at(),
        });
    }
    let answers = answer_changes(earlier, later);
    let pick = |code: &str| answers.iter().find(|c| c.code() == code).cloned();
    let rmp = RmpComparison {
        mappa_category: pick(MAPPA_CATEGORY),
        mappa_level: pick(MAPPA_LEVEL),
        registration_flags: REGISTRATION_FLAGS
            .iter()
            .filter_map(|(code, _)| pick(code))
            .collect(),
    };
    let needs = Section::NEEDS
        .iter()
        .map(|s| {
            let (e, l) = (earlier.section_score(*s), later.section_score(*s));
            NeedChange {
                section: *s,
                status: need_status(&e, &l),
                linked_to_harm: flag_change(e.linked_to_harm, l.linked_to_harm),
                linked_to_reoffending: flag_change(
                    e.linked_to_reoffending,
                    l.linked_to_reoffending,
                ),
                earlier: e,
                later: l,
            }
        })
        .collect();
    Ok(Comparison {
        header: header_changes(earlier, later),
        answers,
        needs,
        rosh: rosh_changes(earlier, later),
        rmp,
    })
}
