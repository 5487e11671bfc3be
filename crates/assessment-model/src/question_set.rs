//! Versioned question sets: every question's code, section, vocabulary, mandatory flags and scoring,
//! plus the need-section rules; answers are checked against the set their assessment names.

use std::collections::BTreeMap;
use std::fmt;
use std::sync::LazyLock;

use serde::{Deserialize, Serialize};
use thiserror::Error;

use crate::purpose::Layer;
use crate::vocabulary::{AnswerValue, Vocabulary};

/// A part of the assessment document.
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Section {
    /// Section 1 — offending information.
    OffendingInformation,
    /// Section 2 — analysis of offences.
    OffenceAnalysis,
    /// Section 3.
    Accommodation,
    /// Section 4.
    EducationTrainingEmployability,
    /// Section 5.
    FinancialManagement,
    /// Section 6.
    Relationships,
    /// Section 7.
    LifestyleAndAssociates,
    /// Section 8.
    DrugMisuse,
    /// Section 9.
    AlcoholMisuse,
    /// Section 10.
    EmotionalWellbeing,
    /// Section 11.
    ThinkingAndBehaviour,
    /// Section 12.
    Attitudes,
    /// Section 13 — health and other considerations (responsivity, not a need).
    Health,
    /// ROSH screening (R1–R4).
    RoshScreening,
    /// ROSH full analysis (FA).
    FullAnalysis,
    /// ROSH summary and risk matrix (SUM).
    RoshSummary,
    /// Risk management plan (RM).
    RiskManagementPlan,
    /// The sentence plan (kept by the plan crate; named here for completeness results).
    SentencePlan,
}

impl Section {
    /// The need sections 3–13 in order.
    pub const NEEDS: [Section; 11] = [
        Self::Accommodation,
        Self::EducationTrainingEmployability,
        Self::FinancialManagement,
        Self::Relationships,
        Self::LifestyleAndAssociates,
        Self::DrugMisuse,
        Self::AlcoholMisuse,
        Self::EmotionalWellbeing,
        Self::ThinkingAndBehaviour,
        Self::Attitudes,
        Self::Health,
    ];

    /// The OASys section number for sections 1–13.
    #[must_use]
    pub fn number(self) -> Option<u8> {
        match self {
            Self::OffendingInformation => Some(1),
            Self::OffenceAnalysis => Some(2),
            other => Self::NEEDS
                .iter()
                .position(|s| *s == other)
                .and_then(|i| u8::try_from(i + 3).ok()),
        }
    }

    /// The stable snake_case key.
    #[must_use]
    pub fn key(self) -> &'static str {
        match self {
            Self::OffendingInformation => "offending_information",
            Self::OffenceAnalysis => "offence_analysis",
            Self::Accommodation => "accommodation",
            Self::EducationTrainingEmployability => "education_training_employability",
            Self::FinancialManagement => "financial_management",
            Self::Relationships => "relationships",
            Self::LifestyleAndAssociates => "lifestyle_and_associates",
            Self::DrugMisuse => "drug_misuse",
            Self::AlcoholMisuse => "alcohol_misuse",
            Self::EmotionalWellbeing => "emotional_wellbeing",
            Self::ThinkingAndBehaviour => "thinking_and_behaviour",
            Self::Attitudes => "attitudes",
            Self::Health => "health",
            Self::RoshScreening => "rosh_screening",
            Self::FullAnalysis => "full_analysis",
            Self::RoshSummary => "rosh_summary",
            Self::RiskManagementPlan => "risk_management_plan",
            Self::SentencePlan => "sentence_plan",
        }
    }
}

impl fmt::Display for Section {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.key())
    }
}

/// When a question must be answered before signing.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Requirement {
    /// Mandatory on Layer 1.
    pub layer1: bool,
    /// Mandatory on Layer 3.
    pub layer3: bool,
    /// Mandatory on a standalone assessment.
    pub standalone: bool,
    /// Mandatory, on any layer, when the condition holds.
    pub when: Option<Condition>,
}

impl Requirement {
    /// Whether the item is mandatory on this layer regardless of conditions.
    #[must_use]
    pub fn for_layer(&self, layer: Layer) -> bool {
        match layer {
            Layer::Layer1Basic => self.layer1,
            Layer::Layer3Full => self.layer3,
            Layer::Standalone => self.standalone,
        }
    }
}

/// Conditions that make otherwise optional items mandatory.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Condition {
    /// The full analysis is triggered by screening.
    FullAnalysisTriggered,
    /// The risk management plan is required (overall ROSH High or Very High).
    RmpRequired,
    /// Section 1: the person has sexual offending history (1.30 = Yes).
    SexualHistory,
}

/// One question of a question set.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Question {
    /// The OASys item code, e.g. `1.32` or `SUM6.1.1`.
    pub code: String,
    /// The section the question belongs to.
    pub section: Section,
    /// Short label.
    pub label: String,
    /// Accepted answers.
    pub vocabulary: Vocabulary,
    /// When the question is mandatory.
    pub required: Requirement,
    /// Whether the answer is summed into its need-section score.
    pub summed: bool,
    /// Multiplier applied to the item score when summed.
    pub weight: u32,
    /// Whether a cloned assessment copies the answer forward.
    pub copy_forward: bool,
}

/// Scoring rule of a need section.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct NeedSectionRule {
    /// The section.
    pub section: Section,
    /// Identified need when score ≥ threshold; `None` for unscored sections.
    pub threshold: Option<u32>,
    /// Severe need when score ≥ this.
    pub severe_threshold: Option<u32>,
    /// Item code for "linked to risk of serious harm" (N.98; 4.96).
    pub harm_link: Option<String>,
    /// Item code for "linked to reoffending" (N.99; 4.98).
    pub reoffending_link: Option<String>,
}

/// Why an answer was refused by the question set.
#[derive(Debug, Clone, PartialEq, Eq, Error)]
pub enum AnswerError {
    /// The question set has no question with this code.
    #[error("unknown question {code}")]
    UnknownQuestion {
        /// The code given.
        code: String,
    },
    /// The value is outside the question's vocabulary.
    #[error("answer {answer} to {code} is not allowed: expected {expected}")]
    AnswerOutOfVocabulary {
        /// The question code.
        code: String,
        /// The answer given, as shown to a practitioner.
        answer: String,
        /// What the question accepts.
        expected: String,
    },
}

/// A versioned set of questions and need-section rules.
#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(deny_unknown_fields, from = "QuestionSetDoc")]
pub struct QuestionSet {
    /// Version label, e.g. `2026.1`.
    pub version: String,
    /// Every question, in document order.
    pub questions: Vec<Question>,
    /// Scoring rules of sections 3–13.
    pub need_sections: Vec<NeedSectionRule>,
    #[serde(skip)]
    index: BTreeMap<String, usize>,
}

/// The serialised form; loading rebuilds the code index.
#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct QuestionSetDoc {
    version: String,
    questions: Vec<Question>,
    need_sections: Vec<NeedSectionRule>,
}

impl From<QuestionSetDoc> for QuestionSet {
    fn from(doc: QuestionSetDoc) -> Self {
        Self::new(&doc.version, doc.questions, doc.need_sections)
    }
}

impl PartialEq for QuestionSet {
    fn eq(&self, other: &Self) -> bool {
        self.version == other.version
            && self.questions == other.questions
            && self.need_sections == other.need_sections
    }
}

impl Eq for QuestionSet {}

static CURRENT: LazyLock<QuestionSet> = LazyLock::new(crate::question_data::current);
static PREVIOUS: LazyLock<QuestionSet> = LazyLock::new(crate::question_data::previous);

impl QuestionSet {
    /// Builds a set and its code index; later duplicates of a code are ignored by lookups.
    #[must_use]
    pub fn new(
        version: &str,
        questions: Vec<Question>,
        need_sections: Vec<NeedSectionRule>,
    ) -> Self {
        let mut index = BTreeMap::new();
        for (i, q) in questions.iter().enumerate() {
            index.entry(q.code.clone()).or_insert(i);
        }
        Self {
            version: version.to_owned(),
            questions,
            need_sections,
            index,
        }
    }

    /// The current built-in question set.
    #[must_use]
    pub fn current() -> &'static QuestionSet {
        &CURRENT
    }

    /// A built-in question set by version.
    #[must_use]
    pub fn builtin(version: &str) -> Option<&'static QuestionSet> {
        [&*CURRENT, &*PREVIOUS]
            .into_iter()
            .find(|qs| qs.version == version)
    }

    /// The versions of the built-in question sets, newest first.
    #[must_use]
    pub fn builtin_versions() -> Vec<&'static str> {
        vec![CURRENT.version.as_str(), PREVIOUS.version.as_str()]
    }

    /// The question with this code.
    #[must_use]
    pub fn question(&self, code: &str) -> Option<&Question> {
        self.index.get(code).and_then(|i| self.questions.get(*i))
    }

    /// Checks one answer: the code must exist and the value must be in its vocabulary.
    pub fn check(&self, code: &str, value: &AnswerValue) -> Result<&Question, AnswerError> {
        let question = self
            .question(code)
            .ok_or_else(|| AnswerError::UnknownQuestion {
                code: code.to_owned(),
            })?;
        value.check(&question.vocabulary).map_err(|expected| {
            AnswerError::AnswerOutOfVocabulary {
                code: code.to_owned(),
                answer: value.to_string(),
                expected,
            }
        })?;
        Ok(question)
    }

    /// Checks every answer and returns every problem.
    #[must_use]
    pub fn check_all<'a>(
        &self,
        answers: impl IntoIterator<Item = (&'a String, &'a AnswerValue)>,
    ) -> Vec<AnswerError> {
        answers
            .into_iter()
            .filter_map(|(c, v)| self.check(c, v).err())
            .collect()
    }

    /// Questions of one section.
    pub fn in_section(&self, section: Section) -> impl Iterator<Item = &Question> {
        self.questions.iter().filter(move |q| q.section == section)
    }

    /// The scoring rule of a need section.
    #[must_use]
    pub fn need_rule(&self, section: Section) -> Option<&NeedSectionRule> {
        self.need_sections.iter().find(|r| r.section == section)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn unknown_code_and_out_of_vocabulary_name_the_code() {
        let qs = QuestionSet::current();
        let err = qs.check("1.99x", &AnswerValue::Yes).err();
        assert_eq!(
            err,
            Some(AnswerError::UnknownQuestion {
                code: "1.99x".into()
            })
        );
        let err = qs.check("3.4", &AnswerValue::Problems(5)).err();
        assert!(
            matches!(&err, Some(AnswerError::AnswerOutOfVocabulary { code, .. }) if code == "3.4")
        );
        let text = err.map(|e| e.to_string()).unwrap_or_default();
        assert!(text.contains("3.4") && text.contains("0, 1 or 2"), "{text}");
        assert!(qs.check("1.32", &AnswerValue::Count(0)).is_err());
        assert!(qs.check("1.32", &AnswerValue::Count(999)).is_ok());
    }

    #[test]
    fn builtin_sets_have_unique_codes_and_lookups() {
        for version in QuestionSet::builtin_versions() {
            let qs = QuestionSet::builtin(version);
            assert!(qs.is_some());
            let qs = qs.map(|q| q.questions.clone()).unwrap_or_default();
            let mut codes: Vec<_> = qs.iter().map(|q| q.code.as_str()).collect();
            let n = codes.len();
            codes.sort_unstable();
            codes.dedup();
            assert_eq!(codes.len(), n, "duplicate codes in {version}");
        }
        assert!(QuestionSet::builtin("1999.1").is_none());
    }

    #[test]
    fn question_set_json_round_trip_keeps_lookups() {
        let qs = QuestionSet::current();
        let json = serde_json::to_string(qs).unwrap_or_default();
        let back: Option<QuestionSet> = serde_json::from_str(&json).ok();
        assert_eq!(back.as_ref(), Some(qs));
        let found = back
            .as_ref()
            .and_then(|b| b.question("SUM6.5.2"))
            .map(|q| q.code.clone());
        assert_eq!(found.as_deref(), Some("SUM6.5.2"));
    }
}
