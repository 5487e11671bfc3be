//! Builds the canonical predictor input from an assessment document: section 1 facts, the
//! offence analysis, need-section answers and ROSH screening items, under the spec's field names.

use std::collections::BTreeMap;

use oasys_assessment_model::{
    AnswerValue, Assessment, Gender, Injecting, Location, Person, RelationshipStatus,
};
use serde_json::Value;

use crate::PredictorInput;

/// The 8.2 drug grid, in OASys order (8.2.1 … 8.2.16): the current-use item `8.2.n.1` of each.
const DRUG_ITEMS: usize = 16;

/// Need items and link flags copied into `need_answers` (sections 3–12, spec §12).
const NEED_CODES: &[&str] = &[
    "3.3", "3.4", "3.5", "3.6", "3.98", "3.99", "4.2", "4.3", "4.4", "4.5", "4.96", "4.98", "5.98",
    "5.99", "6.1", "6.3", "6.6", "6.98", "6.99", "7.2", "7.3", "7.5", "7.98", "7.99", "8.4", "8.5",
    "8.6", "8.8", "8.9", "8.98", "8.99", "9.1", "9.2", "9.3", "9.5", "9.98", "9.99", "10.98",
    "10.99", "11.5", "11.6", "11.7", "11.9", "11.98", "11.99", "12.1", "12.4", "12.5", "12.8",
    "12.98", "12.99",
];

/// Where an assessment supplies a canonical input field: what a practitioner answers (or
/// corrects) when a predictor reports the field missing or invalid.
///
/// ```
/// use oasys_scoring::InputSource;
///
/// assert_eq!(InputSource::of("total_sanctions"), Some(InputSource::Item("1.32")));
/// assert_eq!(InputSource::of("drug_heroin"), Some(InputSource::Item("8.2.1.1")));
/// assert_eq!(InputSource::of("date_of_birth"), Some(InputSource::Person));
/// assert_eq!(InputSource::of("psychiatric_treatment"), Some(InputSource::Item("10.6.1")));
/// assert_eq!(InputSource::of("colour"), None);
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum InputSource {
    /// The answer to the item with this code.
    Item(&'static str),
    /// The person's record: date of birth, gender, and whether they are in the community or in
    /// custody.
    Person,
    /// The assessment's own date.
    AssessmentDate,
}

/// The item behind each field [`PredictorInput::from_assessment`] reads from an answer.
const FIELD_ITEMS: &[(&str, &str)] = &[
    ("conviction_date", "1.29"),
    ("follow_up_start_date", "1.38"),
    ("age_at_first_sanction", "1.8"),
    ("total_sanctions", "1.32"),
    ("violent_sanctions", "1.40"),
    ("offence_code", "OFFENCE.CODE"),
    ("ogrs3_offence_category", "OFFENCE.OGRS3_CATEGORY"),
    ("offence_category", "OFFENCE.CATEGORY"),
    ("most_recent_offence_date", "1.43"),
    ("force_static", "1.39"),
    ("sexual_offence_history", "1.30"),
    ("current_offence_sexually_motivated", "1.41"),
    ("contact_adult_sexual_sanctions", "1.34"),
    ("non_contact_sexual_sanctions", "1.37"),
    ("contact_child_sexual_sanctions", "1.45"),
    ("indecent_image_sanctions", "1.46"),
    ("most_recent_sexual_sanction_date", "1.33"),
    ("stranger_victim", "1.44"),
    ("weapon_in_offence", "2.2_V2_WEAPON"),
    ("recognises_impact", "2.6"),
    ("no_fixed_abode", "3.3"),
    ("accommodation_suitability", "3.4"),
    ("unemployed", "4.2"),
    ("partner_relationship", "6.4"),
    ("evidence_of_domestic_abuse", "6.7da"),
    ("domestic_abuse_partner_perpetrator", "6.7.2.1da"),
    ("relationship_status", "6.8"),
    ("activities_encourage_offending", "7.2"),
    ("current_drug_misuse", "8.5"),
    ("drug_misuse_motivation", "8.8"),
    ("drug_heroin", "8.2.1.1"),
    ("drug_methadone", "8.2.2.1"),
    ("drug_other_opiates", "8.2.3.1"),
    ("drug_crack_cocaine", "8.2.4.1"),
    ("drug_powder_cocaine", "8.2.5.1"),
    ("drug_misused_prescribed", "8.2.6.1"),
    ("drug_benzodiazepines", "8.2.7.1"),
    ("drug_amphetamines", "8.2.8.1"),
    ("drug_hallucinogens", "8.2.9.1"),
    ("drug_ecstasy", "8.2.10.1"),
    ("drug_cannabis", "8.2.11.1"),
    ("drug_solvents", "8.2.12.1"),
    ("drug_steroids", "8.2.13.1"),
    ("drug_other", "8.2.14.1"),
    ("drug_spice", "8.2.15.1"),
    ("drug_ketamine", "8.2.16.1"),
    ("alcohol_current_use", "9.1"),
    ("alcohol_binge", "9.2"),
    ("psychiatric_treatment", "10.6.1"),
    ("impulsivity", "11.2"),
    ("temper_control", "11.4"),
    ("problem_solving", "11.6"),
    ("awareness_of_consequences", "11.7"),
    ("understands_others_views", "11.9"),
    ("pro_criminal_attitudes", "12.1"),
    ("previous_homicide", "R1.2.1.2"),
    ("previous_wounding_gbh", "R1.2.2.2"),
    ("previous_aggravated_burglary", "R1.2.6.2"),
    ("previous_arson", "R1.2.7.2"),
    ("previous_criminal_damage_life", "R1.2.8.2"),
    ("previous_kidnapping", "R1.2.9.2"),
    ("previous_firearm", "R1.2.10.2"),
    ("previous_robbery", "R1.2.12.2"),
    ("previous_weapon", "R1.2.13.2"),
];

impl InputSource {
    /// Where the canonical input `field` comes from in an assessment; `None` when `field` is not
    /// a canonical input field.
    #[must_use]
    pub fn of(field: &str) -> Option<Self> {
        match field {
            "date_of_birth" | "gender" | "supervision_status" => Some(Self::Person),
            "assessment_date" => Some(Self::AssessmentDate),
            _ => FIELD_ITEMS
                .iter()
                .find(|(name, _)| *name == field)
                .map(|(_, code)| Self::Item(code)),
        }
    }
}

impl PredictorInput {
    /// The predictor input an assessment supplies (section 1 facts, 2.2 weapon, 2.6, the need items,
    /// the 8.2 drug grid and the R1.2 previous serious offences), ready for [`crate::score`].
    ///
    /// Items left unanswered stay missing, so the predictors that need them report it ([`InputSource`]
    /// names where each is answered). OVP's psychiatric-treatment item, whose OASys number the
    /// sources do not confirm, is asked in section 10 as `10.6.1`. OGP's "current drug misuse" (decision D20) is taken from 8.5, the level of use
    /// of the main drug, the section 8 0–2 rating of current use. The person supplies the
    /// supervision status (community or custody).
    ///
    /// ```
    /// use chrono::{NaiveDate, TimeZone, Utc};
    /// use oasys_assessment_model::*;
    /// use oasys_scoring::{score, PredictorInput};
    /// # use uuid::Uuid;
    /// # let ids = CaseIds::new(Crn::parse("X123456").ok(), None, None)?;
    /// # let team = OrgCode::parse("T1")?;
    /// # let location = Location::Community { pdu: OrgCode::parse("PDU1")?, team: team.clone() };
    /// # let (dob, now) = (NaiveDate::from_ymd_opt(1990, 1, 1).unwrap_or_default(), Utc.with_ymd_and_hms(2025, 1, 1, 9, 0, 0).unwrap());
    /// let person = Person { id: Uuid::from_u128(1), ids, family_name: Name::parse("Example")?,
    ///     given_name: Name::parse("Sam")?, date_of_birth: dob, gender: Gender::Male, location,
    ///     ethnicity: None, sexually_motivated_offence_history: None, sentence: None };
    /// let mut assessment = Assessment::create(NewAssessment { id: Uuid::from_u128(2), layer: Layer::Layer3Full,
    ///     purpose: Purpose::StartOfCommunityOrder, question_set_version: CURRENT_VERSION.into(),
    ///     predictor_set_version: "v4.11".into(), team, assessor: "PO1".into(),
    ///     assessment_date: now.date_naive(), court_report: CourtReportTemplate::None }, &person, now)?;
    /// let po = Actor { id: "PO1".into(), rank: Rank::new(3)?, signing_level: None };
    /// for (code, value) in [("1.29", AnswerValue::Date(NaiveDate::from_ymd_opt(2024, 1, 1).unwrap_or_default())),
    ///     ("1.8", AnswerValue::Count(18)), ("1.32", AnswerValue::Count(2)),
    ///     ("OFFENCE.OGRS3_CATEGORY", AnswerValue::Code("criminal_damage".into()))] {
    ///     assessment.apply(&po, now, Command::Answer { code: code.into(), value })?;
    /// }
    /// let report = score(&PredictorInput::from_assessment(&assessment, &person), None);
    /// assert!(report.ogrs3.is_calculated());
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    pub fn from_assessment(assessment: &Assessment, person: &Person) -> Self {
        let facts = assessment.predictor_facts();
        let answer = |code: &str| assessment.answer(code);
        let yes_no = |code: &str| match answer(code) {
            Some(AnswerValue::Yes) => Some(true),
            Some(AnswerValue::No) => Some(false),
            _ => None,
        };
        let item_score = |code: &str| yes_no(code).map(|yes| if yes { 2 } else { 0 });
        let rating = |code: &str| answer(code).and_then(rating_of);
        let drug = |n: usize| {
            answer(&format!("8.2.{n}.1")).map(|a| matches!(a, AnswerValue::Frequency(_)))
        };
        let previous = |n: u8| yes_no(&format!("R1.2.{n}.2"));

        let mut need_answers = BTreeMap::new();
        for code in NEED_CODES {
            if let Some(value) = answer(code).and_then(json_of) {
                need_answers.insert((*code).to_owned(), value);
            }
        }
        let drugs: Vec<Option<bool>> = (1..=DRUG_ITEMS).map(drug).collect();
        let d = |n: usize| drugs.get(n - 1).copied().flatten();
        let count = |v: Option<u32>| v.map(i64::from);

        PredictorInput {
            id: Some(assessment.header().id.to_string()),
            assessment_date: Some(facts.assessment_date),
            gender: Some(
                match facts.gender {
                    Gender::Male => "male",
                    Gender::Female => "female",
                    Gender::Other => "other",
                    Gender::NotKnown => "not_known",
                }
                .to_owned(),
            ),
            date_of_birth: Some(facts.date_of_birth),
            conviction_date: facts.conviction_date,
            follow_up_start_date: facts.follow_up_start_date,
            age_at_first_sanction: count(facts.age_at_first_sanction),
            total_sanctions: count(facts.total_sanctions),
            violent_sanctions: count(facts.violent_sanctions),
            offence_code: facts.offence_code,
            ogrs3_offence_category: facts.ogrs3_offence_category,
            offence_category: facts.offence_category,
            supervision_status: Some(
                match person.location {
                    Location::Community { .. } => "community",
                    Location::Custody { .. } => "custody",
                }
                .to_owned(),
            ),
            most_recent_offence_date: facts.most_recent_offence_date,
            force_static: facts.force_static,
            sexual_offence_history: facts.sexual_offence_history,
            current_offence_sexually_motivated: facts.current_offence_sexually_motivated,
            contact_adult_sexual_sanctions: count(facts.contact_adult_sexual_sanctions),
            non_contact_sexual_sanctions: count(facts.non_contact_sexual_sanctions),
            contact_child_sexual_sanctions: count(facts.contact_child_sexual_sanctions),
            indecent_image_sanctions: count(facts.indecent_image_sanctions),
            most_recent_sexual_sanction_date: facts.most_recent_sexual_sanction_date,
            stranger_victim: facts.stranger_victim,
            weapon_in_offence: yes_no("2.2_V2_WEAPON"),
            recognises_impact: yes_no("2.6"),
            no_fixed_abode: item_score("3.3"),
            accommodation_suitability: rating("3.4"),
            unemployed: item_score("4.2"),
            partner_relationship: rating("6.4"),
            evidence_of_domestic_abuse: yes_no("6.7da"),
            domestic_abuse_partner_perpetrator: yes_no("6.7.2.1da"),
            relationship_status: answer("6.8").and_then(|a| match a {
                AnswerValue::RelationshipStatus(RelationshipStatus::LivingTogether) => {
                    Some("living_together".into())
                }
                AnswerValue::RelationshipStatus(RelationshipStatus::NotLivingTogether) => {
                    Some("not_living_together".into())
                }
                AnswerValue::RelationshipStatus(RelationshipStatus::NotInRelationship) => {
                    Some("not_in_relationship".into())
                }
                _ => None,
            }),
            activities_encourage_offending: rating("7.2"),
            current_drug_misuse: rating("8.5"),
            drug_misuse_motivation: rating("8.8"),
            drug_heroin: d(1),
            drug_methadone: d(2),
            drug_other_opiates: d(3),
            drug_crack_cocaine: d(4),
            drug_powder_cocaine: d(5),
            drug_misused_prescribed: d(6),
            drug_benzodiazepines: d(7),
            drug_amphetamines: d(8),
            drug_hallucinogens: d(9),
            drug_ecstasy: d(10),
            drug_cannabis: d(11),
            drug_solvents: d(12),
            drug_steroids: d(13),
            drug_other: d(14),
            drug_spice: d(15),
            drug_ketamine: d(16),
            alcohol_current_use: rating("9.1"),
            alcohol_binge: rating("9.2"),
            psychiatric_treatment: yes_no("10.6.1"),
            impulsivity: rating("11.2"),
            temper_control: rating("11.4"),
            problem_solving: rating("11.6"),
            awareness_of_consequences: rating("11.7"),
            understands_others_views: rating("11.9"),
            pro_criminal_attitudes: rating("12.1"),
            previous_homicide: previous(1),
            previous_wounding_gbh: previous(2),
            previous_aggravated_burglary: previous(6),
            previous_arson: previous(7),
            previous_criminal_damage_life: previous(8),
            previous_kidnapping: previous(9),
            previous_firearm: previous(10),
            previous_robbery: previous(12),
            previous_weapon: previous(13),
            need_answers,
        }
    }
}

fn rating_of(answer: &AnswerValue) -> Option<i64> {
    match answer {
        AnswerValue::Problems(n) => Some(i64::from(*n)),
        AnswerValue::Injecting(i) => Some(match i {
            Injecting::Never => 0,
            Injecting::Previously => 1,
            Injecting::Currently => 2,
        }),
        _ => None,
    }
}

fn json_of(answer: &AnswerValue) -> Option<Value> {
    match answer {
        AnswerValue::Yes => Some(Value::Bool(true)),
        AnswerValue::No => Some(Value::Bool(false)),
        other => rating_of(other).map(Value::from),
    }
}
