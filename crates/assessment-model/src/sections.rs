//! Need-section scores of sections 3–13: sum of the summed items, threshold, severity and link flags.
//! Items, weights and thresholds come from the question set, never from code.

use serde::{Deserialize, Serialize};

use crate::assessment::Assessment;
use crate::question_set::{QuestionSet, Section};
use crate::rosh::Answers;
use crate::vocabulary::AnswerValue;

/// Severity of a scored section.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Severity {
    /// Below the threshold.
    NoNeed,
    /// From the threshold.
    Standard,
    /// From the severe threshold.
    Severe,
}

/// The need view of one section.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct SectionScore {
    /// The section.
    pub section: Section,
    /// Whether the section is scored at all.
    pub scored: bool,
    /// Sum of the summed items; `None` when none of them is answered (or unscored).
    pub score: Option<u32>,
    /// Identified need when score ≥ threshold.
    pub threshold: Option<u32>,
    /// Severe need when score ≥ this.
    pub severe_threshold: Option<u32>,
    /// `score ≥ threshold`; `None` when there is no score.
    pub identified_need: Option<bool>,
    /// Severity; `None` when there is no score.
    pub severity: Option<Severity>,
    /// N.98 (4.96): linked to risk of serious harm; `None` when unanswered.
    pub linked_to_harm: Option<bool>,
    /// N.99 (4.98): linked to reoffending; `None` when unanswered.
    pub linked_to_reoffending: Option<bool>,
}

fn flag(answers: &Answers, code: Option<&String>) -> Option<bool> {
    match code.and_then(|c| answers.get(c)) {
        Some(AnswerValue::Yes) => Some(true),
        Some(AnswerValue::No) => Some(false),
        _ => None,
    }
}

/// Scores one section from answers with the rules of a question set.
#[must_use]
pub fn score_section(questions: &QuestionSet, answers: &Answers, section: Section) -> SectionScore {
    let rule = questions.need_rule(section);
    let threshold = rule.and_then(|r| r.threshold);
    let severe_threshold = rule.and_then(|r| r.severe_threshold);
    let mut answered = false;
    let mut total: u32 = 0;
    for q in questions.in_section(section).filter(|q| q.summed) {
        if let Some(value) = answers.get(&q.code) {
            answered |= value.is_given();
            total = total.saturating_add(value.need_score().unwrap_or(0).saturating_mul(q.weight));
        }
    }
    let score = (threshold.is_some() && answered).then_some(total);
    let identified_need = score.zip(threshold).map(|(s, t)| s >= t);
    let severity = score.zip(threshold).map(|(s, t)| match severe_threshold {
        Some(severe) if s >= severe => Severity::Severe,
        _ if s >= t => Severity::Standard,
        _ => Severity::NoNeed,
    });
    SectionScore {
        section,
        scored: threshold.is_some(),
        score,
        threshold,
        severe_threshold,
        identified_need,
        severity,
        linked_to_harm: flag(answers, rule.and_then(|r| r.harm_link.as_ref())),
        linked_to_reoffending: flag(answers, rule.and_then(|r| r.reoffending_link.as_ref())),
    }
}

impl Assessment {
    /// The need view of one section.
    #[must_use]
    pub fn section_score(&self, section: Section) -> SectionScore {
        score_section(self.question_set(), &self.answers, section)
    }

    /// The need view of sections 3–13.
    #[must_use]
    pub fn section_scores(&self) -> Vec<SectionScore> {
        Section::NEEDS
            .iter()
            .map(|s| self.section_score(*s))
            .collect()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::vocabulary::Injecting;

    fn score(section: Section, pairs: &[(&str, AnswerValue)]) -> SectionScore {
        let answers: Answers = pairs
            .iter()
            .map(|(c, v)| ((*c).to_owned(), v.clone()))
            .collect();
        score_section(QuestionSet::current(), &answers, section)
    }

    #[test]
    fn accommodation_example_from_the_spec() {
        let s = score(
            Section::Accommodation,
            &[("3.3", AnswerValue::Yes), ("3.4", AnswerValue::Problems(1))],
        );
        assert_eq!(
            (s.score, s.threshold, s.identified_need),
            (Some(3), Some(2), Some(true))
        );
        assert_eq!(s.severity, Some(Severity::Standard));
    }

    #[test]
    fn thresholds_and_severity_per_section() {
        let s = score(
            Section::AlcoholMisuse,
            &[
                ("9.1", AnswerValue::Problems(2)),
                ("9.2", AnswerValue::Problems(2)),
            ],
        );
        assert_eq!((s.score, s.identified_need), (Some(4), Some(true)));
        let s = score(
            Section::AlcoholMisuse,
            &[
                ("9.1", AnswerValue::Problems(2)),
                ("9.4", AnswerValue::Problems(2)),
            ],
        );
        assert_eq!(
            (s.score, s.identified_need, s.severity),
            (Some(2), Some(false), Some(Severity::NoNeed))
        );
        let s = score(
            Section::DrugMisuse,
            &[
                ("8.4", AnswerValue::Problems(2)),
                ("8.5", AnswerValue::Problems(2)),
                ("8.6", AnswerValue::Injecting(Injecting::Currently)),
                ("8.8", AnswerValue::Problems(2)),
            ],
        );
        assert_eq!((s.score, s.severity), (Some(8), Some(Severity::Severe)));
        let s = score(
            Section::EducationTrainingEmployability,
            &[("4.2", AnswerValue::No), ("4.3", AnswerValue::Problems(2))],
        );
        assert_eq!(
            (s.score, s.identified_need, s.threshold),
            (Some(2), Some(false), Some(3))
        );
    }

    #[test]
    fn unanswered_missing_and_unscored() {
        let s = score(Section::Relationships, &[("6.4", AnswerValue::Problems(2))]);
        assert_eq!((s.score, s.identified_need, s.severity), (None, None, None));
        let s = score(
            Section::Relationships,
            &[("6.1", AnswerValue::Missing), ("6.3", AnswerValue::Missing)],
        );
        assert_eq!(s.score, None);
        let s = score(
            Section::Relationships,
            &[
                ("6.1", AnswerValue::Missing),
                ("6.3", AnswerValue::Problems(2)),
            ],
        );
        assert_eq!(s.score, Some(2));
        let s = score(
            Section::FinancialManagement,
            &[
                ("5.2", AnswerValue::Problems(2)),
                ("5.98", AnswerValue::Yes),
            ],
        );
        assert_eq!(
            (s.scored, s.score, s.linked_to_harm),
            (false, None, Some(true))
        );
    }

    #[test]
    fn link_flags_use_section_specific_codes() {
        let s = score(
            Section::EducationTrainingEmployability,
            &[
                ("4.96", AnswerValue::Yes),
                ("4.98", AnswerValue::No),
                ("4.99", AnswerValue::Yes),
            ],
        );
        assert_eq!(
            (s.linked_to_harm, s.linked_to_reoffending),
            (Some(true), Some(false))
        );
        let s = score(Section::Attitudes, &[("12.99", AnswerValue::Yes)]);
        assert_eq!(
            (s.linked_to_harm, s.linked_to_reoffending),
            (None, Some(true))
        );
    }
}
