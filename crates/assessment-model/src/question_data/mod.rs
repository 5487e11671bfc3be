//! The built-in question sets as a declarative table: section 1, section 2 and the need sections here,
//! ROSH, full analysis, summary and RMP in `rosh.rs`. Version `2026.1` is current; `2025.1` is the earlier layout.

pub(crate) mod needs;
mod offending;
pub(crate) mod rosh;

use crate::question_set::{
    Condition, NeedSectionRule, Question, QuestionSet, Requirement, Section,
};
use crate::vocabulary::Vocabulary;

/// Version label of the current built-in question set.
pub const CURRENT_VERSION: &str = "2026.1";
/// Version label of the earlier built-in question set (section 2.2 as one multi-select, 6.7 as one item).
pub const PREVIOUS_VERSION: &str = "2025.1";

/// Text limit for item comments.
pub(crate) const COMMENT: usize = 4_000;
/// Text limit for analysis fields (N.97, FA, SUM, RMP).
pub(crate) const ANALYSIS: usize = 16_000;

pub(crate) const ALL: Requirement = Requirement {
    layer1: true,
    layer3: true,
    standalone: true,
    when: None,
};
pub(crate) const L13: Requirement = Requirement {
    layer1: true,
    layer3: true,
    standalone: false,
    when: None,
};
pub(crate) const L3: Requirement = Requirement {
    layer1: false,
    layer3: true,
    standalone: false,
    when: None,
};
pub(crate) const OPT: Requirement = Requirement {
    layer1: false,
    layer3: false,
    standalone: false,
    when: None,
};

pub(crate) const fn when(condition: Condition) -> Requirement {
    Requirement {
        layer1: false,
        layer3: false,
        standalone: false,
        when: Some(condition),
    }
}

/// Collects questions; each call adds one row of the table.
pub(crate) struct Table {
    section: Section,
    rows: Vec<Question>,
}

impl Table {
    pub(crate) fn section(&mut self, section: Section) {
        self.section = section;
    }

    /// Adds a question (copied forward, not summed) and returns it for adjustments.
    pub(crate) fn q(
        &mut self,
        code: &str,
        label: &str,
        vocabulary: Vocabulary,
        required: Requirement,
    ) -> &mut Question {
        self.rows.push(Question {
            code: code.to_owned(),
            section: self.section,
            label: label.to_owned(),
            vocabulary,
            required,
            summed: false,
            weight: 1,
            copy_forward: true,
        });
        let last = self.rows.len() - 1;
        &mut self.rows[last]
    }

    pub(crate) fn yes_no(
        &mut self,
        code: &str,
        label: &str,
        required: Requirement,
    ) -> &mut Question {
        self.q(code, label, Vocabulary::YesNo, required)
    }

    pub(crate) fn problems(
        &mut self,
        code: &str,
        label: &str,
        required: Requirement,
    ) -> &mut Question {
        self.q(
            code,
            label,
            Vocabulary::Problems {
                missing_allowed: true,
            },
            required,
        )
    }

    pub(crate) fn text(
        &mut self,
        code: &str,
        label: &str,
        max_len: usize,
        required: Requirement,
    ) -> &mut Question {
        self.q(code, label, Vocabulary::Text { max_len }, required)
    }

    pub(crate) fn count(
        &mut self,
        code: &str,
        label: &str,
        max: u32,
        required: Requirement,
    ) -> &mut Question {
        self.q(code, label, Vocabulary::Count { min: 0, max }, required)
    }
}

/// Marks a question as summed into its need-section score.
pub(crate) fn summed(q: &mut Question) {
    q.summed = true;
}

/// Marks a question as not copied forward into a cloned assessment.
pub(crate) fn fresh(q: &mut Question) {
    q.copy_forward = false;
}

pub(crate) fn options(list: &[&str]) -> Vec<String> {
    list.iter().map(|s| (*s).to_owned()).collect()
}

fn rule(
    section: Section,
    thresholds: Option<(u32, u32)>,
    links: Option<(&str, &str)>,
) -> NeedSectionRule {
    NeedSectionRule {
        section,
        threshold: thresholds.map(|t| t.0),
        severe_threshold: thresholds.map(|t| t.1),
        harm_link: links.map(|l| l.0.to_owned()),
        reoffending_link: links.map(|l| l.1.to_owned()),
    }
}

fn need_rules() -> Vec<NeedSectionRule> {
    use Section as S;
    vec![
        rule(S::Accommodation, Some((2, 7)), Some(("3.98", "3.99"))),
        rule(
            S::EducationTrainingEmployability,
            Some((3, 7)),
            Some(("4.96", "4.98")),
        ),
        rule(S::FinancialManagement, None, Some(("5.98", "5.99"))),
        rule(S::Relationships, Some((2, 5)), Some(("6.98", "6.99"))),
        rule(
            S::LifestyleAndAssociates,
            Some((2, 5)),
            Some(("7.98", "7.99")),
        ),
        rule(S::DrugMisuse, Some((2, 8)), Some(("8.98", "8.99"))),
        rule(S::AlcoholMisuse, Some((4, 7)), Some(("9.98", "9.99"))),
        rule(S::EmotionalWellbeing, None, Some(("10.98", "10.99"))),
        rule(
            S::ThinkingAndBehaviour,
            Some((4, 7)),
            Some(("11.98", "11.99")),
        ),
        rule(S::Attitudes, Some((2, 7)), Some(("12.98", "12.99"))),
        rule(S::Health, None, None),
    ]
}

/// Builds the current question set.
pub(crate) fn current() -> QuestionSet {
    let mut t = Table {
        section: Section::OffendingInformation,
        rows: Vec::new(),
    };
    offending::section1(&mut t);
    offending::section2(&mut t);
    needs::sections(&mut t);
    rosh::screening(&mut t);
    rosh::full_analysis(&mut t);
    rosh::summary(&mut t);
    rosh::rmp(&mut t);
    QuestionSet::new(CURRENT_VERSION, t.rows, need_rules())
}

/// Builds the earlier layout: 2.2 one multi-select and 6.7 one Yes/No item instead of the 6.7da items.
pub(crate) fn previous() -> QuestionSet {
    let now = current();
    let mut rows: Vec<Question> = Vec::with_capacity(now.questions.len());
    for q in now.questions {
        if q.code.starts_with("2.2_V2_") || q.code.starts_with("6.7") {
            if q.code == "2.2_V2_WEAPON" {
                let choices = options(&[
                    "weapon",
                    "violence",
                    "excessive_violence",
                    "arson",
                    "physical_damage",
                    "sexual_element",
                    "domestic_abuse",
                ]);
                rows.push(Question {
                    code: "2.2".to_owned(),
                    label: "What was involved".to_owned(),
                    vocabulary: Vocabulary::MultiSelect { options: choices },
                    ..q
                });
            } else if q.code == "6.7da" {
                rows.push(Question {
                    code: "6.7".to_owned(),
                    label: "Evidence of domestic abuse".to_owned(),
                    ..q
                });
            }
        } else {
            rows.push(q);
        }
    }
    QuestionSet::new(PREVIOUS_VERSION, rows, now.need_sections)
}
