//! Question forms: which GOV.UK control each answer vocabulary gets, what the control shows for a
//! stored answer, and the answer a posted form means (with a message naming the question when it
//! means nothing).

use chrono::NaiveDate;
use oasys_assessment_model::vocabulary::{OFFENCE_CATEGORIES, OGRS3_CATEGORIES};
use oasys_assessment_model::{AnswerValue, CategorySystem, Question, Vocabulary};

/// The control a question is asked with.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Control {
    /// One of a few options.
    Radios,
    /// One of many options.
    Select,
    /// Any of the options.
    Checkboxes,
    /// Day, month and year.
    Date,
    /// A whole number.
    Number,
    /// A short code.
    Code,
    /// Free text up to a length.
    TextArea,
}

/// A question as the form shows it.
#[derive(Debug, Clone)]
pub(crate) struct Field {
    pub code: String,
    /// A safe HTML id (`q-3-4` for `3.4`).
    pub id: String,
    pub label: String,
    pub control: Control,
    pub options: Vec<(String, String)>,
    /// The current value(s), as the control's values.
    pub values: Vec<String>,
    /// Date parts (day, month, year) for a date control.
    pub date: (String, String, String),
    pub required: bool,
    pub max_len: usize,
    pub error: Option<String>,
}

impl Field {
    pub(crate) fn is(&self, control: &str) -> bool {
        let name = match self.control {
            Control::Radios => "radios",
            Control::Select => "select",
            Control::Checkboxes => "checkboxes",
            Control::Date => "date",
            Control::Number => "number",
            Control::Code => "code",
            Control::TextArea => "textarea",
        };
        name == control
    }

    pub(crate) fn has(&self, value: &str) -> bool {
        self.values.iter().any(|v| v == value)
    }

    pub(crate) fn value(&self) -> &str {
        self.values.first().map_or("", String::as_str)
    }
}

fn pairs(items: &[(&str, &str)]) -> Vec<(String, String)> {
    items
        .iter()
        .map(|(v, l)| ((*v).to_owned(), (*l).to_owned()))
        .collect()
}

fn words(code: &str) -> String {
    let text = code.replace('_', " ");
    let mut chars = text.chars();
    chars
        .next()
        .map(|c| c.to_uppercase().chain(chars).collect())
        .unwrap_or_default()
}

/// The control and options of a vocabulary.
fn control_of(vocabulary: &Vocabulary) -> (Control, Vec<(String, String)>) {
    use Vocabulary as V;
    match vocabulary {
        V::YesNo => (Control::Radios, pairs(&[("yes", "Yes"), ("no", "No")])),
        V::YesNoDontKnow => (
            Control::Radios,
            pairs(&[("yes", "Yes"), ("no", "No"), ("dont_know", "Don't know")]),
        ),
        V::YesNoMissing => (
            Control::Radios,
            pairs(&[("yes", "Yes"), ("no", "No"), ("missing", "Missing")]),
        ),
        V::Problems { missing_allowed } => {
            let mut options = pairs(&[
                ("0", "No problems"),
                ("1", "Some problems"),
                ("2", "Significant problems"),
            ]);
            if *missing_allowed {
                options.push(("missing".to_owned(), "Missing".to_owned()));
            }
            (Control::Radios, options)
        }
        V::Frequency => (
            Control::Radios,
            pairs(&[
                ("daily", "Daily"),
                ("weekly", "Weekly"),
                ("monthly", "Monthly"),
                ("occasional", "Occasional"),
            ]),
        ),
        V::RelationshipStatus => (
            Control::Radios,
            pairs(&[
                ("living_together", "Living together"),
                (
                    "not_living_together",
                    "In a relationship, not living together",
                ),
                ("not_in_relationship", "Not in a relationship"),
            ]),
        ),
        V::RiskLevel => (
            Control::Radios,
            pairs(&[
                ("L", "Low"),
                ("M", "Medium"),
                ("H", "High"),
                ("V", "Very high"),
            ]),
        ),
        V::Injecting => (
            Control::Radios,
            pairs(&[
                ("never", "Never"),
                ("previously", "Previously"),
                ("currently", "Currently"),
            ]),
        ),
        V::Date => (Control::Date, Vec::new()),
        V::Count { .. } => (Control::Number, Vec::new()),
        V::OffenceCode => (Control::Code, Vec::new()),
        V::OffenceCategory { system } => {
            let list: &[&str] = match system {
                CategorySystem::Ogrs3 => &OGRS3_CATEGORIES,
                CategorySystem::Offence => &OFFENCE_CATEGORIES,
            };
            let options = list.iter().map(|c| ((*c).to_owned(), words(c))).collect();
            (Control::Select, options)
        }
        V::Choice { options } => {
            let options: Vec<_> = options.iter().map(|o| (o.clone(), words(o))).collect();
            if options.len() > 6 {
                (Control::Select, options)
            } else {
                (Control::Radios, options)
            }
        }
        V::MultiSelect { options } => (
            Control::Checkboxes,
            options.iter().map(|o| (o.clone(), words(o))).collect(),
        ),
        V::Text { .. } => (Control::TextArea, Vec::new()),
    }
}

/// The control values that show a stored answer.
fn values_of(value: &AnswerValue) -> Vec<String> {
    use AnswerValue as A;
    match value {
        A::Yes => vec!["yes".to_owned()],
        A::No => vec!["no".to_owned()],
        A::DontKnow => vec!["dont_know".to_owned()],
        A::Missing => vec!["missing".to_owned()],
        A::Problems(n) => vec![n.to_string()],
        A::Frequency(f) => vec![token(f)],
        A::RelationshipStatus(r) => vec![token(r)],
        A::RiskLevel(r) => vec![token(r)],
        A::Injecting(i) => vec![token(i)],
        A::Date(d) => vec![d.to_string()],
        A::Count(n) => vec![n.to_string()],
        A::Code(c) | A::Text(c) => vec![c.clone()],
        A::Options(options) => options.clone(),
    }
}

/// The serde name of a unit enum value (`"daily"`, `"L"`): the value its radio carries.
fn token(value: &impl serde::Serialize) -> String {
    serde_json::to_value(value)
        .ok()
        .and_then(|v| v.as_str().map(str::to_owned))
        .unwrap_or_default()
}

/// The field for a question with its stored answer.
pub(crate) fn field(question: &Question, answer: Option<&AnswerValue>, required: bool) -> Field {
    let (control, options) = control_of(&question.vocabulary);
    let values = answer.map(values_of).unwrap_or_default();
    let date = match answer {
        Some(AnswerValue::Date(d)) => (
            d.format("%-d").to_string(),
            d.format("%-m").to_string(),
            d.format("%Y").to_string(),
        ),
        _ => Default::default(),
    };
    let max_len = match question.vocabulary {
        Vocabulary::Text { max_len } => max_len,
        _ => 0,
    };
    Field {
        id: field_id(&question.code),
        code: question.code.clone(),
        label: question.label.clone(),
        control,
        options,
        values,
        date,
        required,
        max_len,
        error: None,
    }
}

/// What the posted controls of one question mean: `Ok(None)` when left blank.
pub(crate) fn parse(
    question: &Question,
    posted: &[(String, String)],
) -> Result<Option<AnswerValue>, String> {
    let named = |suffix: &str| {
        let name = format!("{}{suffix}", question.code);
        posted
            .iter()
            .filter(move |(k, _)| *k == name)
            .map(|(_, v)| v.trim().to_owned())
    };
    let one = named("").find(|v| !v.is_empty());
    let label = &question.label;
    use Vocabulary as V;
    let value = match &question.vocabulary {
        V::Date => {
            let day = named(".day").next().unwrap_or_default();
            let month = named(".month").next().unwrap_or_default();
            let year = named(".year").next().unwrap_or_default();
            if day.is_empty() && month.is_empty() && year.is_empty() {
                return Ok(None);
            }
            let date = match (day.parse(), month.parse(), year.parse()) {
                (Ok(d), Ok(m), Ok(y)) if y >= 1900 => NaiveDate::from_ymd_opt(y, m, d),
                _ => None,
            };
            match date {
                Some(date) => AnswerValue::Date(date),
                None => {
                    return Err(format!(
                        "{label}: enter a real date with a day, month and year, like 27 3 2007"
                    ));
                }
            }
        }
        V::MultiSelect { .. } => {
            let chosen: Vec<String> = named("").filter(|v| !v.is_empty()).collect();
            if chosen.is_empty() {
                return Ok(None);
            }
            AnswerValue::Options(chosen)
        }
        vocabulary => {
            let Some(text) = one else {
                return Ok(None);
            };
            match vocabulary {
                V::Count { min, max } => match text.parse::<u32>() {
                    Ok(n) => AnswerValue::Count(n),
                    Err(_) => {
                        return Err(format!("{label}: enter a whole number from {min} to {max}"));
                    }
                },
                V::OffenceCode | V::OffenceCategory { .. } | V::Choice { .. } => {
                    AnswerValue::Code(text)
                }
                V::Text { .. } => AnswerValue::Text(text),
                V::Problems { .. } if text != "missing" => match text.parse::<u8>() {
                    Ok(n) => AnswerValue::Problems(n),
                    Err(_) => return Err(format!("{label}: choose one of the options")),
                },
                _ => token_value(vocabulary, &text)
                    .ok_or_else(|| format!("{label}: choose one of the options"))?,
            }
        }
    };
    value
        .check(&question.vocabulary)
        .map(|()| Some(value.clone()))
        .map_err(|expected| format!("{label}: enter {expected}"))
}

/// A radio value back into an answer (through the answer's serde form).
fn token_value(vocabulary: &Vocabulary, token: &str) -> Option<AnswerValue> {
    use Vocabulary as V;
    let json = match vocabulary {
        V::Frequency => serde_json::json!({ "frequency": token }),
        V::RelationshipStatus => serde_json::json!({ "relationship_status": token }),
        V::RiskLevel => serde_json::json!({ "risk_level": token }),
        V::Injecting => serde_json::json!({ "injecting": token }),
        _ => serde_json::Value::String(token.to_owned()),
    };
    serde_json::from_value(json).ok()
}

/// The HTML id of an item's field on its section page (`3.3` → `q-3-3`), for links to it.
pub(crate) fn field_id(code: &str) -> String {
    format!("q-{}", code.replace(['.', ' '], "-"))
}

#[cfg(test)]
mod tests {
    use super::*;
    use oasys_assessment_model::QuestionSet;

    fn post(pairs: &[(&str, &str)]) -> Vec<(String, String)> {
        pairs
            .iter()
            .map(|(k, v)| ((*k).to_owned(), (*v).to_owned()))
            .collect()
    }

    /// Every question of the current set: what a stored answer shows is read back as the same
    /// answer, so saving a page unchanged changes nothing.
    #[test]
    fn every_control_round_trips_its_answers() {
        let set = QuestionSet::current();
        let mut checked = 0;
        for question in &set.questions {
            let (_, options) = control_of(&question.vocabulary);
            let samples: Vec<AnswerValue> = match &question.vocabulary {
                Vocabulary::Date => vec![AnswerValue::Date(
                    NaiveDate::from_ymd_opt(2007, 3, 27).unwrap_or_default(),
                )],
                Vocabulary::Count { min, .. } => vec![AnswerValue::Count(*min)],
                Vocabulary::OffenceCode => vec![AnswerValue::Code("00101".to_owned())],
                Vocabulary::Text { .. } => vec![AnswerValue::Text("a note".to_owned())],
                Vocabulary::MultiSelect { options } => {
                    vec![AnswerValue::Options(
                        options.iter().take(2).cloned().collect(),
                    )]
                }
                vocabulary => options
                    .iter()
                    .map(|(value, _)| {
                        parse(question, &post(&[(&question.code, value)]))
                            .ok()
                            .flatten()
                            .unwrap_or_else(|| panic!("{} {vocabulary:?} {value}", question.code))
                    })
                    .collect(),
            };
            for sample in samples {
                let shown = field(question, Some(&sample), false);
                let mut posted: Vec<(String, String)> = shown
                    .values
                    .iter()
                    .map(|v| (question.code.clone(), v.clone()))
                    .collect();
                if shown.control == Control::Date {
                    posted = post(&[
                        (&format!("{}.day", question.code), &shown.date.0),
                        (&format!("{}.month", question.code), &shown.date.1),
                        (&format!("{}.year", question.code), &shown.date.2),
                    ]);
                }
                assert_eq!(
                    parse(question, &posted),
                    Ok(Some(sample)),
                    "{}",
                    question.code
                );
                checked += 1;
            }
        }
        assert!(checked > 100, "only {checked} answers checked");
    }

    #[test]
    fn blank_is_no_answer_and_nonsense_names_the_question() {
        let set = QuestionSet::current();
        let count = set
            .questions
            .iter()
            .find(|q| matches!(q.vocabulary, Vocabulary::Count { .. }))
            .expect("a count question");
        assert_eq!(parse(count, &post(&[(&count.code, "  ")])), Ok(None));
        let error = parse(count, &post(&[(&count.code, "many")])).expect_err("not a number");
        assert!(error.starts_with(&count.label), "{error}");
        let date = set
            .questions
            .iter()
            .find(|q| q.vocabulary == Vocabulary::Date)
            .expect("a date question");
        let posted = post(&[
            (&format!("{}.day", date.code), "31"),
            (&format!("{}.month", date.code), "2"),
            (&format!("{}.year", date.code), "2020"),
        ]);
        assert!(parse(date, &posted).is_err());
    }
}
