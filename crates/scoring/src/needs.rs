//! Criminogenic need sections 3–12 (spec §12): item scores, section totals against the
//! identified-need and severe thresholds, and the linked-to-harm / linked-to-reoffending flags.

use std::sync::LazyLock;

use oasys_assessment_model::{QuestionSet, Section as QsSection, Vocabulary as QsVocabulary};
use serde::Serialize;

use crate::PredictorInput;
use crate::result::{Reason, ReasonCode};

/// How serious an identified need is.
///
/// ```
/// use oasys_scoring::{score, PredictorInput, Severity};
/// let input: PredictorInput = serde_json::from_str(r#"{"need_answers":{"9.1":2,"9.2":2,"9.3":2,"9.5":1}}"#)?;
/// assert_eq!(score(&input, None).needs.alcohol_misuse.severity, Some(Severity::Severe));
/// # Ok::<(), serde_json::Error>(())
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Severity {
    /// Below the threshold.
    NoNeed,
    /// From the threshold.
    Standard,
    /// From the severe (tiering) threshold.
    Severe,
}

/// One need section's result.
///
/// ```
/// use oasys_scoring::{score, PredictorInput};
/// let input: PredictorInput = serde_json::from_str(r#"{"need_answers":{"3.3":true,"3.4":1,"3.98":true}}"#)?;
/// let accommodation = score(&input, None).needs.accommodation;
/// assert_eq!((accommodation.score, accommodation.threshold), (Some(3), Some(2)));
/// assert_eq!(accommodation.identified_need, Some(true));
/// assert_eq!(accommodation.linked_to_harm, Some(true));
/// # Ok::<(), serde_json::Error>(())
/// ```
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct NeedResult {
    /// OASys section number (3–12).
    pub section: u8,
    /// Whether the section has a score at all (5 and 10 do not).
    pub scored: bool,
    /// Sum of the scored items; null when none is answered or an answer is invalid.
    pub score: Option<i64>,
    /// Maximum possible score.
    pub max_score: Option<i64>,
    /// Identified need when `score ≥ threshold`.
    pub threshold: Option<i64>,
    /// Severe need when `score ≥ severe_threshold`.
    pub severe_threshold: Option<i64>,
    /// `score ≥ threshold`; null when the score is null.
    pub identified_need: Option<bool>,
    /// Null when the score is null.
    pub severity: Option<Severity>,
    /// N.98 (4.96): issues linked to risk of serious harm, as answered.
    pub linked_to_harm: Option<bool>,
    /// N.99 (4.98): issues linked to offending behaviour, as answered.
    pub linked_to_reoffending: Option<bool>,
    /// Why the score is null when an answer was invalid.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub reasons: Vec<Reason>,
}

/// How an item is answered.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Vocabulary {
    /// 0/1/2 (also 8.6 never/previously/currently).
    Rating,
    /// Yes/No: `true`/`false` (Yes scores 2), or 2/0.
    YesNo,
}

/// One need section's scoring rule, derived from the question set (items, weights, thresholds and
/// link codes are reference data in `assessment-model`, not repeated here).
/// A predictor field name and how to read it.
type Fallback = (&'static str, fn(&PredictorInput) -> Option<i64>);

struct Item {
    code: String,
    vocabulary: Vocabulary,
    weight: i64,
    /// The predictor field carrying the same OASys item, read when `need_answers` lacks it.
    fallback: Option<Fallback>,
}

struct Section {
    number: u8,
    /// Summed items.
    items: Vec<Item>,
    thresholds: Option<(i64, i64)>,
    /// Twice the sum of the weights, when the section is scored.
    max_score: Option<i64>,
    harm: Option<String>,
    reoffending: Option<String>,
}

use Vocabulary::{Rating, YesNo};

/// Output key and section number of each need section (spec §12.2).
const KEYS: [(QsSection, &str, u8); 10] = [
    (QsSection::Accommodation, "accommodation", 3),
    (
        QsSection::EducationTrainingEmployability,
        "education_training_employability",
        4,
    ),
    (QsSection::FinancialManagement, "financial_management", 5),
    (QsSection::Relationships, "relationships", 6),
    (
        QsSection::LifestyleAndAssociates,
        "lifestyle_and_associates",
        7,
    ),
    (QsSection::DrugMisuse, "drug_misuse", 8),
    (QsSection::AlcoholMisuse, "alcohol_misuse", 9),
    (QsSection::EmotionalWellbeing, "emotional_wellbeing", 10),
    (
        QsSection::ThinkingAndBehaviour,
        "thinking_and_behaviour",
        11,
    ),
    (QsSection::Attitudes, "attitudes", 12),
];

/// Answer slots of one section: its summed items in order, then the two link flags.
const SLOTS: usize = 10;
const HARM: usize = SLOTS - 2;
const REOFFENDING: usize = SLOTS - 1;
type SectionAnswers<'a> = [Option<&'a serde_json::Value>; SLOTS];

/// An item code packed into an integer (its bytes and its length), for a lookup without hashing;
/// `None` for codes longer than seven bytes, which no question set uses.
#[inline]
fn code_key(code: &str) -> Option<u64> {
    let bytes = code.as_bytes();
    if bytes.len() > 7 {
        return None;
    }
    let mut packed = [0u8; 8];
    packed[..bytes.len()].copy_from_slice(bytes);
    packed[7] = bytes.len() as u8;
    Some(u64::from_le_bytes(packed))
}

/// Entries of [`CODE_SLOTS`]: a power of two, well above the number of codes (about 50).
const CODE_TABLE: usize = 256;

/// The [`CODE_SLOTS`] entry where the search for a packed code starts.
fn bucket(key: u64) -> usize {
    (key.wrapping_mul(0x9E37_79B9_7F4A_7C15) >> 56) as usize % CODE_TABLE
}

/// Where each need-answer code goes: (packed code, section index, slot) in a hash table with
/// linear probing (a packed code of 0, the empty code, marks a free entry).
static CODE_SLOTS: LazyLock<[(u64, u8, u8); CODE_TABLE]> = LazyLock::new(|| {
    let mut table = [(0u64, 0u8, 0u8); CODE_TABLE];
    let mut add = |code: &str, section: usize, slot: usize| {
        let key = code_key(code).expect("question codes are at most seven bytes");
        assert_ne!(key, 0, "question codes are not empty");
        let section = u8::try_from(section).expect("ten sections");
        let slot = u8::try_from(slot).expect("ten slots");
        let mut i = bucket(key);
        // A code listed twice keeps its last place, as a map insert would.
        while table[i].0 != 0 && table[i].0 != key {
            i = (i + 1) % CODE_TABLE;
        }
        table[i] = (key, section, slot);
    };
    for (index, section) in SECTIONS.iter().enumerate() {
        for (slot, item) in section.items.iter().enumerate().take(HARM) {
            add(&item.code, index, slot);
        }
        for (code, slot) in [(&section.harm, HARM), (&section.reoffending, REOFFENDING)] {
            if let Some(code) = code {
                add(code, index, slot);
            }
        }
    }
    table
});

/// The answer slot of a need-answer code, if the code is a scored item or link flag.
#[inline]
fn code_slot(code: &str) -> Option<(usize, usize)> {
    let key = code_key(code).filter(|k| *k != 0)?;
    let table = &*CODE_SLOTS;
    let mut i = bucket(key);
    for _ in 0..CODE_TABLE {
        let (k, section, slot) = table[i];
        if k == key {
            return Some((usize::from(section), usize::from(slot)));
        }
        if k == 0 {
            return None;
        }
        i = (i + 1) % CODE_TABLE;
    }
    None
}

/// The need sections of the current question set, built once.
static SECTIONS: LazyLock<[Section; 10]> =
    LazyLock::new(|| KEYS.map(|keys| section_from(QuestionSet::current(), keys)));

fn section_from(
    questions: &QuestionSet,
    (section, _key, number): (QsSection, &'static str, u8),
) -> Section {
    {
        {
            let rule = questions
                .need_sections
                .iter()
                .find(|r| r.section == section);
            let items = questions
                .questions
                .iter()
                .filter(|q| q.section == section && q.summed)
                .map(|q| {
                    let vocabulary = match q.vocabulary {
                        QsVocabulary::YesNo
                        | QsVocabulary::YesNoDontKnow
                        | QsVocabulary::YesNoMissing => YesNo,
                        _ => Rating,
                    };
                    Item {
                        code: q.code.clone(),
                        vocabulary,
                        weight: i64::from(q.weight),
                        fallback: predictor_field(&q.code),
                    }
                })
                .collect::<Vec<Item>>();
            let thresholds =
                rule.and_then(|r| Some((i64::from(r.threshold?), i64::from(r.severe_threshold?))));
            let max_score = thresholds.map(|_| items.iter().map(|i: &Item| 2 * i.weight).sum());
            Section {
                number,
                items,
                thresholds,
                max_score,
                harm: rule.and_then(|r| r.harm_link.clone()),
                reoffending: rule.and_then(|r| r.reoffending_link.clone()),
            }
        }
    }
}

/// The predictor field that carries the same OASys item, used when `need_answers` lacks it.
fn predictor_field(code: &str) -> Option<Fallback> {
    Some(match code {
        "3.3" => ("no_fixed_abode", |i| i.no_fixed_abode),
        "3.4" => ("accommodation_suitability", |i| i.accommodation_suitability),
        "4.2" => ("unemployed", |i| i.unemployed),
        "7.2" => ("activities_encourage_offending", |i| {
            i.activities_encourage_offending
        }),
        "8.8" => ("drug_misuse_motivation", |i| i.drug_misuse_motivation),
        "9.1" => ("alcohol_current_use", |i| i.alcohol_current_use),
        "9.2" => ("alcohol_binge", |i| i.alcohol_binge),
        "11.6" => ("problem_solving", |i| i.problem_solving),
        "11.7" => ("awareness_of_consequences", |i| i.awareness_of_consequences),
        "11.9" => ("understands_others_views", |i| i.understands_others_views),
        "12.1" => ("pro_criminal_attitudes", |i| i.pro_criminal_attitudes),
        _ => return None,
    })
}

/// A predictor field's value as an item score, or `Err` with what was expected.
fn item_value_score(value: i64, vocabulary: Vocabulary) -> Result<Option<i64>, &'static str> {
    match (vocabulary, value) {
        (YesNo, 0 | 2) | (Rating, 0..=2) => Ok(Some(value)),
        (YesNo, _) => Err("true/false (or 2/0)"),
        (Rating, _) => Err("0, 1 or 2"),
    }
}

/// An answer's item score, or `Err` with what was expected.
#[inline]
fn item_score(
    value: &serde_json::Value,
    vocabulary: Vocabulary,
) -> Result<Option<i64>, &'static str> {
    use serde_json::Value;
    match (value, vocabulary) {
        (Value::Null, _) => Ok(None),
        (Value::Bool(b), YesNo) => Ok(Some(if *b { 2 } else { 0 })),
        (Value::Number(n), YesNo) => match n.as_i64() {
            Some(v @ (0 | 2)) => Ok(Some(v)),
            _ => Err("true/false (or 2/0)"),
        },
        (Value::Number(n), Rating) => match n.as_i64() {
            Some(v @ 0..=2) => Ok(Some(v)),
            _ => Err("0, 1 or 2"),
        },
        (_, YesNo) => Err("true/false (or 2/0)"),
        (_, Rating) => Err("0, 1 or 2"),
    }
}

fn invalid(code: &str, field: &str, value: impl std::fmt::Display, expected: &str) -> Reason {
    Reason::new(
        ReasonCode::InvalidValue,
        &[field],
        format!("item {code} is {value}; expected {expected}"),
    )
}

#[inline]
fn flag(
    code: Option<&str>,
    answer: Option<&serde_json::Value>,
    reasons: &mut Vec<Reason>,
) -> Option<bool> {
    match answer? {
        serde_json::Value::Bool(b) => Some(*b),
        other => invalid_flag(code, other, reasons),
    }
}

#[cold]
fn invalid_flag(
    code: Option<&str>,
    answer: &serde_json::Value,
    reasons: &mut Vec<Reason>,
) -> Option<bool> {
    if let Some(code) = code {
        reasons.push(invalid(
            code,
            &format!("need_answers.{code}"),
            answer,
            "true or false",
        ));
    }
    None
}

#[cold]
fn invalid_answer(
    code: &str,
    answer: &serde_json::Value,
    expected: &str,
    reasons: &mut Vec<Reason>,
) -> Option<i64> {
    reasons.push(invalid(
        code,
        &format!("need_answers.{code}"),
        answer,
        expected,
    ));
    None
}

#[cold]
fn invalid_field(
    code: &str,
    field: &str,
    value: i64,
    expected: &str,
    reasons: &mut Vec<Reason>,
) -> Option<i64> {
    reasons.push(invalid(code, field, value, expected));
    None
}

#[inline(always)]
fn section_result(input: &PredictorInput, s: &Section, answers: &SectionAnswers<'_>) -> NeedResult {
    let mut reasons = Vec::new();
    let linked_to_harm = flag(s.harm.as_deref(), answers[HARM], &mut reasons);
    let linked_to_reoffending = flag(s.reoffending.as_deref(), answers[REOFFENDING], &mut reasons);
    let mut total: Option<i64> = None;
    for (
        Item {
            code,
            vocabulary,
            weight,
            fallback,
        },
        answer,
    ) in s.items.iter().zip(answers)
    {
        let score = match answer {
            Some(value) => match item_score(value, *vocabulary) {
                Ok(score) => score,
                Err(expected) => invalid_answer(code, value, expected, &mut reasons),
            },
            None => match fallback.and_then(|(field, get)| Some((field, get(input)?))) {
                Some((field, value)) => match item_value_score(value, *vocabulary) {
                    Ok(score) => score,
                    Err(expected) => invalid_field(code, field, value, expected, &mut reasons),
                },
                None => None,
            },
        };
        if let Some(score) = score {
            total = Some(total.unwrap_or(0) + score * weight);
        }
    }
    let score = if reasons.is_empty() { total } else { None };
    let (threshold, severe) = s.thresholds.unzip();
    let identified = score.zip(threshold).map(|(v, t)| v >= t);
    let severity = score.zip(s.thresholds).map(|(v, (t, severe))| {
        if v >= severe {
            Severity::Severe
        } else if v >= t {
            Severity::Standard
        } else {
            Severity::NoNeed
        }
    });
    NeedResult {
        section: s.number,
        scored: s.thresholds.is_some(),
        score,
        max_score: s.max_score,
        threshold,
        severe_threshold: severe,
        identified_need: identified,
        severity,
        linked_to_harm,
        linked_to_reoffending,
        reasons,
    }
}

/// The need sections 3–12 under their output keys (spec §12.2).
///
/// ```
/// let needs = oasys_scoring::score(&Default::default(), None).needs;
/// assert!(needs.iter().all(|(_, n)| n.score.is_none()));
/// assert!(!needs.financial_management.scored);
/// ```
#[derive(Debug, Clone, PartialEq, Serialize)]
#[allow(missing_docs)] // one field per section, named as in the spec
pub struct Needs {
    pub accommodation: NeedResult,
    pub education_training_employability: NeedResult,
    pub financial_management: NeedResult,
    pub relationships: NeedResult,
    pub lifestyle_and_associates: NeedResult,
    pub drug_misuse: NeedResult,
    pub alcohol_misuse: NeedResult,
    pub emotional_wellbeing: NeedResult,
    pub thinking_and_behaviour: NeedResult,
    pub attitudes: NeedResult,
}

impl Needs {
    /// Every section with its output key, in section order.
    ///
    /// ```
    /// let needs = oasys_scoring::score(&Default::default(), None).needs;
    /// let sections: Vec<u8> = needs.iter().map(|(_, n)| n.section).collect();
    /// assert_eq!(sections, [3, 4, 5, 6, 7, 8, 9, 10, 11, 12]);
    /// ```
    pub fn iter(&self) -> impl Iterator<Item = (&'static str, &NeedResult)> {
        KEYS.iter().map(|(_, key, _)| *key).zip([
            &self.accommodation,
            &self.education_training_employability,
            &self.financial_management,
            &self.relationships,
            &self.lifestyle_and_associates,
            &self.drug_misuse,
            &self.alcohol_misuse,
            &self.emotional_wellbeing,
            &self.thinking_and_behaviour,
            &self.attitudes,
        ])
    }
}

/// Scores every need section.
pub(crate) fn score(input: &PredictorInput) -> Needs {
    // One pass over the answers given (usually a handful) instead of a lookup per item.
    let mut answers: [SectionAnswers<'_>; 10] = [[None; SLOTS]; 10];
    for (code, value) in &input.need_answers {
        if let Some((section, slot)) = code_slot(code)
            && !value.is_null()
        {
            answers[section][slot] = Some(value);
        }
    }
    let [s3, s4, s5, s6, s7, s8, s9, s10, s11, s12] = &*SECTIONS;
    let [a3, a4, a5, a6, a7, a8, a9, a10, a11, a12] = &answers;
    Needs {
        accommodation: section_result(input, s3, a3),
        education_training_employability: section_result(input, s4, a4),
        financial_management: section_result(input, s5, a5),
        relationships: section_result(input, s6, a6),
        lifestyle_and_associates: section_result(input, s7, a7),
        drug_misuse: section_result(input, s8, a8),
        alcohol_misuse: section_result(input, s9, a9),
        emotional_wellbeing: section_result(input, s10, a10),
        thinking_and_behaviour: section_result(input, s11, a11),
        attitudes: section_result(input, s12, a12),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The rules read from the question set are those of spec §12.2.
    #[test]
    fn sections_match_the_spec_table() {
        type Row = (&'static str, &'static [&'static str], Option<(i64, i64)>);
        let expected: [Row; 10] = [
            ("accommodation", &["3.3", "3.4", "3.5", "3.6"], Some((2, 7))),
            (
                "education_training_employability",
                &["4.2", "4.3", "4.4", "4.5"],
                Some((3, 7)),
            ),
            ("financial_management", &[], None),
            ("relationships", &["6.1", "6.3", "6.6"], Some((2, 5))),
            (
                "lifestyle_and_associates",
                &["7.2", "7.3", "7.5"],
                Some((2, 5)),
            ),
            (
                "drug_misuse",
                &["8.4", "8.5", "8.6", "8.8", "8.9"],
                Some((2, 8)),
            ),
            (
                "alcohol_misuse",
                &["9.1", "9.2", "9.3", "9.5"],
                Some((4, 7)),
            ),
            ("emotional_wellbeing", &[], None),
            (
                "thinking_and_behaviour",
                &["11.5", "11.6", "11.7", "11.9"],
                Some((4, 7)),
            ),
            ("attitudes", &["12.1", "12.4", "12.5", "12.8"], Some((2, 7))),
        ];
        for ((section, (_, own_key, _)), (key, items, thresholds)) in
            SECTIONS.iter().zip(KEYS).zip(expected)
        {
            assert_eq!(own_key, key);
            let codes: Vec<&str> = section.items.iter().map(|i| i.code.as_str()).collect();
            assert_eq!(codes, items, "{key}");
            assert!(section.items.iter().all(|i| i.weight == 1), "{key} weights");
            assert_eq!(section.thresholds, thresholds, "{key}");
        }
        assert_eq!(SECTIONS[1].harm.as_deref(), Some("4.96"));
        assert_eq!(SECTIONS[1].reoffending.as_deref(), Some("4.98"));
        assert_eq!(SECTIONS[0].items[0].vocabulary, YesNo);
        // Every section fits its answer slots.
        assert!(SECTIONS.iter().all(|s| s.items.len() <= HARM));
    }
}
