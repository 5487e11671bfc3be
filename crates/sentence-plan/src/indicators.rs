//! Specialist assessment indicators (spec §10): which further assessments or referrals the answers call
//! for, each with the answers that triggered it; reuses assessment-model's section scores, matrix and screening.

use oasys_assessment_model::{
    AnswerValue, Assessment, Injecting, MAPPA_CATEGORY, MAPPA_LEVEL, Person, RiskGroup, RiskLevel,
    RiskSetting, Section,
};
use serde::{Deserialize, Serialize};

/// A further assessment or referral the answers indicate.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum IndicatorKind {
    /// SARA (spousal assault risk assessment, intimate-partner abuse).
    Sara,
    /// Police domestic-abuse call-out enquiry.
    PoliceDomesticAbuseEnquiry,
    /// Sexual offending: OSP, treatment suitability, accredited programme.
    SexualOffending,
    /// Child-safeguarding check with children's services.
    ChildSafeguarding,
    /// Mental-health referral.
    MentalHealthReferral,
    /// ACCT (custody self-harm process).
    Acct,
    /// Substance-misuse assessment.
    SubstanceMisuse,
    /// Learning difficulty or literacy screening.
    LearningDifficulty,
    /// Review of the MAPPA referral.
    MappaReferralReview,
}

impl IndicatorKind {
    /// What the practitioner is prompted to do.
    #[must_use]
    pub fn label(self) -> &'static str {
        match self {
            Self::Sara => "Complete a SARA (intimate-partner abuse)",
            Self::PoliceDomesticAbuseEnquiry => "Make a police domestic-abuse enquiry",
            Self::SexualOffending => {
                "Sexual offending: OSP, treatment suitability and accredited programme assessment"
            }
            Self::ChildSafeguarding => "Check with children's services (child safeguarding)",
            Self::MentalHealthReferral => "Refer for a mental-health assessment",
            Self::Acct => "Consider opening an ACCT (risk of self-harm in custody)",
            Self::SubstanceMisuse => "Refer for a substance-misuse assessment",
            Self::LearningDifficulty => "Screen for learning difficulties and literacy needs",
            Self::MappaReferralReview => "Review the MAPPA referral",
        }
    }
}

/// One answer that triggered (or strengthened) an indicator.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Trigger {
    /// The question code.
    pub code: String,
    /// The answer given.
    pub answer: AnswerValue,
}

/// An indicated further assessment with its reasons.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Indicator {
    /// What is indicated.
    pub kind: IndicatorKind,
    /// The answers that triggered it (never empty).
    pub triggers: Vec<Trigger>,
    /// Answers that strengthen it without triggering it on their own.
    pub strengthened_by: Vec<Trigger>,
}

/// The setting a person is in, for indicators, drafts and the catalogue.
#[must_use]
pub fn setting_of(person: &Person) -> RiskSetting {
    if person.in_custody() {
        RiskSetting::Custody
    } else {
        RiskSetting::Community
    }
}

struct Reader<'a>(&'a Assessment);

impl Reader<'_> {
    fn when(&self, codes: &[&str], test: impl Fn(&AnswerValue) -> bool) -> Vec<Trigger> {
        codes
            .iter()
            .filter_map(|code| {
                self.0.answer(code).filter(|a| test(a)).map(|a| Trigger {
                    code: (*code).to_owned(),
                    answer: a.clone(),
                })
            })
            .collect()
    }

    fn yes(&self, codes: &[&str]) -> Vec<Trigger> {
        self.when(codes, AnswerValue::is_yes)
    }

    fn problems_at_least(&self, codes: &[&str], min: u8) -> Vec<Trigger> {
        self.when(
            codes,
            |a| matches!(a, AnswerValue::Problems(n) if *n >= min),
        )
    }

    /// The summed items with a non-zero score of a section with an identified need.
    fn need(&self, section: Section) -> Vec<Trigger> {
        if self.0.section_score(section).identified_need != Some(true) {
            return Vec::new();
        }
        let codes: Vec<&str> = self
            .0
            .question_set()
            .in_section(section)
            .filter(|q| q.summed)
            .map(|q| q.code.as_str())
            .collect();
        self.when(&codes, |a| a.need_score().is_some_and(|s| s > 0))
    }
}

const SARA: [&str; 3] = ["2.2_V2_DOM_ABUSE", "R1.3.20", "6.7.2.1da"];
const DA_ANY_ROLE: [&str; 5] = ["6.7da", "6.7.1.1da", "6.7.1.2da", "6.7.2.1da", "6.7.2.2da"];
const SEXUAL: [&str; 7] = [
    "1.30", "1.41", "2.9.1", "R1.2.3.1", "R1.2.3.2", "R1.2.4.1", "R1.2.4.2",
];
const CHILDREN: [&str; 8] = [
    "R1.2.3.1", "R1.2.3.2", "R1.2.5.1", "R1.2.5.2", "R1.3.21", "FA15", "RM11", "RM12",
];
const CURRENT_R3: [&str; 4] = ["R3.1.1", "R3.2.1", "R3.3.1", "R3.4.1"];
const LITERACY_FACTORS: [&str; 6] = [
    "13.3.5.1", "13.3.5.2", "13.3.5.3", "13.3.6.1", "13.3.6.2", "13.3.6.3",
];

fn merge(mut a: Vec<Trigger>, b: Vec<Trigger>) -> Vec<Trigger> {
    for t in b {
        if !a.iter().any(|x| x.code == t.code) {
            a.push(t);
        }
    }
    a
}

/// Every indicated further assessment, in [`IndicatorKind`] order, each with its triggering answers.
#[must_use]
pub fn indicators(assessment: &Assessment, setting: RiskSetting) -> Vec<Indicator> {
    let r = Reader(assessment);
    let mut found = Vec::new();
    let mut push = |kind, triggers: Vec<Trigger>, strengthened_by: Vec<Trigger>| {
        if !triggers.is_empty() {
            found.push(Indicator {
                kind,
                triggers,
                strengthened_by,
            });
        }
    };
    let sara = r.yes(&SARA);
    push(IndicatorKind::Sara, sara.clone(), Vec::new());
    push(
        IndicatorKind::PoliceDomesticAbuseEnquiry,
        merge(sara, r.yes(&DA_ANY_ROLE)),
        Vec::new(),
    );
    push(
        IndicatorKind::SexualOffending,
        r.yes(&SEXUAL),
        r.problems_at_least(&["11.11", "11.12", "6.12"], 1),
    );
    let matrix = assessment.risk_matrix();
    let children_cells = RiskSetting::ALL
        .into_iter()
        .filter_map(|setting| {
            let level = matrix.level(RiskGroup::Children, setting)?;
            (level >= RiskLevel::Medium).then(|| Trigger {
                code: oasys_assessment_model::rosh::matrix_code(RiskGroup::Children, setting),
                answer: AnswerValue::RiskLevel(level),
            })
        })
        .collect();
    push(
        IndicatorKind::ChildSafeguarding,
        merge(r.yes(&CHILDREN), children_cells),
        Vec::new(),
    );
    let mental = [
        r.problems_at_least(&["10.6"], 2),
        r.yes(&["10.8"]),
        r.yes(&CURRENT_R3),
        r.yes(&["R1.3.4", "R1.3.10"]),
    ]
    .concat();
    push(IndicatorKind::MentalHealthReferral, mental, Vec::new());
    let acct_open = assessment.answer("FA34").is_some_and(AnswerValue::is_yes);
    if setting == RiskSetting::Custody && !acct_open {
        push(
            IndicatorKind::Acct,
            r.yes(&["R3.1.1", "R3.2.1"]),
            Vec::new(),
        );
    }
    let substance = [
        r.need(Section::DrugMisuse),
        r.need(Section::AlcoholMisuse),
        r.when(&["8.6"], |a| {
            *a == AnswerValue::Injecting(Injecting::Currently)
        }),
    ]
    .concat();
    push(
        IndicatorKind::SubstanceMisuse,
        merge(Vec::new(), substance),
        Vec::new(),
    );
    let learning = [
        r.problems_at_least(&["4.7", "4.8"], 1),
        r.yes(&LITERACY_FACTORS),
    ]
    .concat();
    push(IndicatorKind::LearningDifficulty, learning, Vec::new());
    let mut mappa = r.yes(&["RM3", "RM4", "RM6", "RM7"]);
    let category = assessment.answer(MAPPA_CATEGORY);
    if let Some(AnswerValue::Code(c)) = category
        && ["1", "2", "3"].contains(&c.as_str())
        && assessment.answer(MAPPA_LEVEL).is_none_or(|l| !l.is_given())
    {
        mappa.push(Trigger {
            code: MAPPA_CATEGORY.to_owned(),
            answer: AnswerValue::Code(c.clone()),
        });
    }
    push(IndicatorKind::MappaReferralReview, mappa, Vec::new());
    found
}
