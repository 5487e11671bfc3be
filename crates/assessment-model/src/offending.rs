//! Section 1 (offending information) as a typed view with the predictors' canonical field names,
//! and the section 1 cross-field checks, each reported as a named problem.

use chrono::{Months, NaiveDate};
use serde::{Deserialize, Serialize};
use thiserror::Error;

use crate::assessment::Assessment;
use crate::person::{Gender, age_on};
use crate::vocabulary::AnswerValue;

/// Everything the predictors read from the person and section 1 (names of predictors.md §4.2).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct PredictorFacts {
    /// The date the scores are for.
    pub assessment_date: NaiveDate,
    /// Gender from the person.
    pub gender: Gender,
    /// Date of birth from the person.
    pub date_of_birth: NaiveDate,
    /// 1.29.
    pub conviction_date: Option<NaiveDate>,
    /// 1.38.
    pub follow_up_start_date: Option<NaiveDate>,
    /// 1.8.
    pub age_at_first_sanction: Option<u32>,
    /// 1.32.
    pub total_sanctions: Option<u32>,
    /// 1.40.
    pub violent_sanctions: Option<u32>,
    /// Home Office code of the current offence.
    pub offence_code: Option<String>,
    /// OGRS3 category chosen directly.
    pub ogrs3_offence_category: Option<String>,
    /// Offence category chosen directly.
    pub offence_category: Option<String>,
    /// 1.43.
    pub most_recent_offence_date: Option<NaiveDate>,
    /// 1.39: use static predictors only.
    pub force_static: Option<bool>,
    /// 1.30.
    pub sexual_offence_history: Option<bool>,
    /// 1.41.
    pub current_offence_sexually_motivated: Option<bool>,
    /// 1.34.
    pub contact_adult_sexual_sanctions: Option<u32>,
    /// 1.37.
    pub non_contact_sexual_sanctions: Option<u32>,
    /// 1.45.
    pub contact_child_sexual_sanctions: Option<u32>,
    /// 1.46.
    pub indecent_image_sanctions: Option<u32>,
    /// 1.33.
    pub most_recent_sexual_sanction_date: Option<NaiveDate>,
    /// 1.44.
    pub stranger_victim: Option<bool>,
}

/// A section 1 cross-field problem.
#[derive(Debug, Clone, PartialEq, Eq, Error, Serialize, Deserialize)]
#[serde(tag = "problem", rename_all = "snake_case", deny_unknown_fields)]
pub enum Section1Problem {
    /// An age derived from a date (or 1.7/1.8) is 110 or more.
    #[error("age {age} from {code} is 110 or more")]
    AgeOutOfRange {
        /// The item.
        code: String,
        /// The age in whole years.
        age: i64,
    },
    /// A date is on or before the date of birth.
    #[error("{code} ({date}) is not after the date of birth")]
    DateNotAfterBirth {
        /// The item.
        code: String,
        /// The date.
        date: NaiveDate,
    },
    /// Age at first sanction (1.8) is above the age at current conviction (1.29).
    #[error(
        "age at first sanction {age_at_first_sanction} is above age at conviction {age_at_conviction}"
    )]
    FirstSanctionAfterConviction {
        /// 1.8.
        age_at_first_sanction: u32,
        /// From 1.29.
        age_at_conviction: i64,
    },
    /// 1.32 outside 1–999.
    #[error("total sanctions {total} must be 1 to 999")]
    SanctionsOutOfRange {
        /// 1.32.
        total: u32,
    },
    /// 1.40 above 1.32.
    #[error("violent sanctions {violent} exceed total sanctions {total}")]
    ViolentSanctionsExceedTotal {
        /// 1.40.
        violent: u32,
        /// 1.32.
        total: u32,
    },
    /// A sexual count above 1.32.
    #[error("{code} ({count}) exceeds total sanctions {total}")]
    SexualCountExceedsTotal {
        /// The count item.
        code: String,
        /// Its value.
        count: u32,
        /// 1.32.
        total: u32,
    },
    /// 1.29 later than the assessment date plus three months.
    #[error("conviction date {conviction_date} is after {latest_allowed}")]
    ConvictionAfterAssessment {
        /// 1.29.
        conviction_date: NaiveDate,
        /// Assessment date plus three months.
        latest_allowed: NaiveDate,
    },
    /// 1.38 before 1.29.
    #[error(
        "start of follow-up {follow_up_start_date} is before conviction date {conviction_date}"
    )]
    FollowUpBeforeConviction {
        /// 1.38.
        follow_up_start_date: NaiveDate,
        /// 1.29.
        conviction_date: NaiveDate,
    },
    /// Neither an offence code nor a category is recorded for the current offence.
    #[error("the current offence needs a code or a category")]
    NoCurrentOffence,
}

impl Section1Problem {
    /// The items involved.
    #[must_use]
    pub fn codes(&self) -> Vec<String> {
        let v = |codes: &[&str]| codes.iter().map(|c| (*c).to_owned()).collect();
        match self {
            Self::AgeOutOfRange { code, .. } | Self::DateNotAfterBirth { code, .. } => {
                vec![code.clone()]
            }
            Self::FirstSanctionAfterConviction { .. } => v(&["1.8", "1.29"]),
            Self::SanctionsOutOfRange { .. } => v(&["1.32"]),
            Self::ViolentSanctionsExceedTotal { .. } => v(&["1.40", "1.32"]),
            Self::SexualCountExceedsTotal { code, .. } => vec![code.clone(), "1.32".to_owned()],
            Self::ConvictionAfterAssessment { .. } => v(&["1.29"]),
            Self::FollowUpBeforeConviction { .. } => v(&["1.38", "1.29"]),
            Self::NoCurrentOffence => {
                v(&["OFFENCE.CODE", "OFFENCE.OGRS3_CATEGORY", "OFFENCE.CATEGORY"])
            }
        }
    }
}

impl Assessment {
    fn date_of(&self, code: &str) -> Option<NaiveDate> {
        match self.answers.get(code) {
            Some(AnswerValue::Date(d)) => Some(*d),
            _ => None,
        }
    }

    fn count_of(&self, code: &str) -> Option<u32> {
        match self.answers.get(code) {
            Some(AnswerValue::Count(n)) => Some(*n),
            _ => None,
        }
    }

    fn bool_of(&self, code: &str) -> Option<bool> {
        match self.answers.get(code) {
            Some(AnswerValue::Yes) => Some(true),
            Some(AnswerValue::No) => Some(false),
            _ => None,
        }
    }

    fn code_of(&self, code: &str) -> Option<String> {
        match self.answers.get(code) {
            Some(AnswerValue::Code(c)) => Some(c.clone()),
            _ => None,
        }
    }

    /// The predictor inputs from the person snapshot and section 1.
    #[must_use]
    pub fn predictor_facts(&self) -> PredictorFacts {
        PredictorFacts {
            assessment_date: self.header.assessment_date,
            gender: self.header.person.gender,
            date_of_birth: self.header.person.date_of_birth,
            conviction_date: self.date_of("1.29"),
            follow_up_start_date: self.date_of("1.38"),
            age_at_first_sanction: self.count_of("1.8"),
            total_sanctions: self.count_of("1.32"),
            violent_sanctions: self.count_of("1.40"),
            offence_code: self.code_of("OFFENCE.CODE"),
            ogrs3_offence_category: self.code_of("OFFENCE.OGRS3_CATEGORY"),
            offence_category: self.code_of("OFFENCE.CATEGORY"),
            most_recent_offence_date: self.date_of("1.43"),
            force_static: self.bool_of("1.39"),
            sexual_offence_history: self.bool_of("1.30"),
            current_offence_sexually_motivated: self.bool_of("1.41"),
            contact_adult_sexual_sanctions: self.count_of("1.34"),
            non_contact_sexual_sanctions: self.count_of("1.37"),
            contact_child_sexual_sanctions: self.count_of("1.45"),
            indecent_image_sanctions: self.count_of("1.46"),
            most_recent_sexual_sanction_date: self.date_of("1.33"),
            stranger_victim: self.bool_of("1.44"),
        }
    }

    /// The section 1 cross-field checks of spec §4; every problem is reported.
    #[must_use]
    pub fn section1_problems(&self) -> Vec<Section1Problem> {
        let dob = self.header.person.date_of_birth;
        let mut problems = Vec::new();
        let age = |d: NaiveDate| i64::from(age_on(dob, d));
        for code in ["1.29", "1.38", "1.33", "1.43", "OFFENCE.DATE"] {
            if let Some(date) = self.date_of(code) {
                if date <= dob {
                    problems.push(Section1Problem::DateNotAfterBirth {
                        code: code.to_owned(),
                        date,
                    });
                } else if age(date) >= 110 {
                    problems.push(Section1Problem::AgeOutOfRange {
                        code: code.to_owned(),
                        age: age(date),
                    });
                }
            }
        }
        for code in ["1.7", "1.8"] {
            if let Some(a) = self.count_of(code).filter(|a| *a >= 110) {
                problems.push(Section1Problem::AgeOutOfRange {
                    code: code.to_owned(),
                    age: i64::from(a),
                });
            }
        }
        let conviction = self.date_of("1.29");
        if let (Some(first), Some(conv)) = (self.count_of("1.8"), conviction) {
            let age_at_conviction = age(conv);
            if i64::from(first) > age_at_conviction {
                problems.push(Section1Problem::FirstSanctionAfterConviction {
                    age_at_first_sanction: first,
                    age_at_conviction,
                });
            }
        }
        let total = self.count_of("1.32");
        if let Some(t) = total.filter(|t| !(1..=999).contains(t)) {
            problems.push(Section1Problem::SanctionsOutOfRange { total: t });
        }
        if let Some(t) = total {
            if let Some(v) = self.count_of("1.40").filter(|v| *v > t) {
                problems.push(Section1Problem::ViolentSanctionsExceedTotal {
                    violent: v,
                    total: t,
                });
            }
            for code in ["1.34", "1.35", "1.36", "1.37", "1.45", "1.46"] {
                if let Some(c) = self.count_of(code).filter(|c| *c > t) {
                    problems.push(Section1Problem::SexualCountExceedsTotal {
                        code: code.to_owned(),
                        count: c,
                        total: t,
                    });
                }
            }
        }
        if let Some(conv) = conviction {
            let latest = self
                .header
                .assessment_date
                .checked_add_months(Months::new(3))
                .unwrap_or(NaiveDate::MAX);
            if conv > latest {
                problems.push(Section1Problem::ConvictionAfterAssessment {
                    conviction_date: conv,
                    latest_allowed: latest,
                });
            }
            if let Some(fu) = self.date_of("1.38").filter(|fu| *fu < conv) {
                problems.push(Section1Problem::FollowUpBeforeConviction {
                    follow_up_start_date: fu,
                    conviction_date: conv,
                });
            }
        }
        let has_offence = ["OFFENCE.CODE", "OFFENCE.OGRS3_CATEGORY", "OFFENCE.CATEGORY"]
            .iter()
            .any(|c| self.code_of(c).is_some());
        if !has_offence {
            problems.push(Section1Problem::NoCurrentOffence);
        }
        problems
    }
}
