//! An assessment document scores the same as the flat input it stands for: section 1 facts, need
//! answers, the drug grid and ROSH items reach the predictors, and the need sections agree with
//! the assessment model's own need view; every input field names the item (or record) it comes
//! from, and answering that item supplies it.

use chrono::{NaiveDate, TimeZone, Utc};
use oasys_assessment_model::vocabulary::{OFFENCE_CATEGORIES, OGRS3_CATEGORIES};
use oasys_assessment_model::{
    Actor, AnswerValue, Assessment, CURRENT_VERSION, CaseIds, CategorySystem, Command,
    CourtReportTemplate, Crn, Gender, Layer, Location, Name, NewAssessment, OrgCode, Person,
    Purpose, QuestionSet, Rank, Section, Vocabulary,
};
use oasys_scoring::{InputSource, PredictorInput, Status, score};
use uuid::Uuid;

fn date(s: &str) -> NaiveDate {
    s.parse().expect("date")
}

fn person() -> Person {
    Person {
        id: Uuid::from_u128(1),
        ids: CaseIds::new(Crn::parse("X123456").ok(), None, None).expect("ids"),
        family_name: Name::parse("Example").expect("name"),
        given_name: Name::parse("Sam").expect("name"),
        date_of_birth: date("1990-01-01"),
        gender: Gender::Male,
        location: Location::Community {
            pdu: OrgCode::parse("PDU1").expect("pdu"),
            team: OrgCode::parse("T1").expect("team"),
        },
        ethnicity: None,
        sexually_motivated_offence_history: Some(false),
        sentence: None,
    }
}

fn assessment(answers: &[(&str, AnswerValue)]) -> Assessment {
    let now = Utc
        .with_ymd_and_hms(2025, 1, 1, 9, 0, 0)
        .single()
        .expect("time");
    let mut a = Assessment::create(
        NewAssessment {
            id: Uuid::from_u128(2),
            layer: Layer::Layer3Full,
            purpose: Purpose::StartOfCommunityOrder,
            question_set_version: CURRENT_VERSION.to_owned(),
            predictor_set_version: "v4.11".to_owned(),
            team: OrgCode::parse("T1").expect("team"),
            assessor: "PO1".to_owned(),
            assessment_date: now.date_naive(),
            court_report: CourtReportTemplate::None,
        },
        &person(),
        now,
    )
    .expect("create");
    let po = Actor {
        id: "PO1".into(),
        rank: Rank::new(3).expect("rank"),
        signing_level: None,
    };
    for (code, value) in answers {
        a.apply(
            &po,
            now,
            Command::Answer {
                code: (*code).into(),
                value: value.clone(),
            },
        )
        .unwrap_or_else(|e| panic!("{code}: {e}"));
    }
    a
}

#[test]
fn arp_example_from_an_assessment_document() {
    use AnswerValue::*;
    // The ARP worked example (spec §10.6) entered as assessment answers.
    let a = assessment(&[
        ("1.29", Date(date("2024-01-01"))),
        ("1.38", Date(date("2026-01-01"))),
        ("1.8", Count(18)),
        ("1.32", Count(2)),
        ("1.40", Count(0)),
        ("OFFENCE.CATEGORY", Code("criminal_damage".into())),
        ("1.30", No),
        ("3.4", Problems(1)),
        ("4.2", Yes),
        ("6.4", Problems(1)),
        (
            "6.8",
            RelationshipStatus(oasys_assessment_model::RelationshipStatus::NotLivingTogether),
        ),
        ("6.7da", No),
        ("7.2", Problems(1)),
        ("8.8", Problems(1)),
        ("9.1", Problems(1)),
        ("9.2", Problems(1)),
        ("11.2", Problems(1)),
        ("12.1", Problems(1)),
        (
            "8.2.11.1",
            Frequency(oasys_assessment_model::Frequency::Weekly),
        ),
        (
            "8.2.13.1",
            Frequency(oasys_assessment_model::Frequency::Occasional),
        ),
    ]);
    let input = PredictorInput::from_assessment(&a, &person());
    assert_eq!(input.drug_cannabis, Some(true));
    assert_eq!(input.drug_steroids, Some(true));
    assert_eq!(input.drug_heroin, None);
    assert_eq!(input.supervision_status.as_deref(), Some("community"));
    let report = score(&input, None);
    assert_eq!(
        report.arp_static.percentage_2y.map(|p| p.as_f64()),
        Some(13.66)
    );
    assert_eq!(
        report.arp_dynamic.percentage_2y.map(|p| p.as_f64()),
        Some(24.32),
        "{:#?}",
        report.arp_dynamic
    );
    assert_eq!(report.osp_dc.status, Status::NotApplicable);
}

#[test]
fn need_sections_agree_with_the_assessment_model() {
    use AnswerValue::*;
    let a = assessment(&[
        ("3.3", Yes),
        ("3.4", Problems(2)),
        ("3.99", Yes),
        ("4.2", No),
        ("4.3", Problems(2)),
        ("4.4", Problems(1)),
        ("4.98", Yes),
        ("6.1", Problems(1)),
        (
            "8.6",
            Injecting(oasys_assessment_model::Injecting::Previously),
        ),
        ("8.8", Problems(2)),
        ("9.1", Problems(2)),
        ("11.5", Problems(2)),
        ("11.7", Problems(2)),
        ("12.8", Problems(1)),
        ("12.98", No),
    ]);
    let needs = score(&PredictorInput::from_assessment(&a, &person()), None).needs;
    let sections = [
        Section::Accommodation,
        Section::EducationTrainingEmployability,
        Section::FinancialManagement,
        Section::Relationships,
        Section::LifestyleAndAssociates,
        Section::DrugMisuse,
        Section::AlcoholMisuse,
        Section::EmotionalWellbeing,
        Section::ThinkingAndBehaviour,
        Section::Attitudes,
    ];
    for ((key, ours), section) in needs.iter().zip(sections) {
        let theirs = a.section_score(section);
        assert_eq!(ours.score.map(|s| s as u32), theirs.score, "{key} score");
        assert_eq!(ours.identified_need, theirs.identified_need, "{key} need");
        assert_eq!(
            ours.linked_to_harm, theirs.linked_to_harm,
            "{key} harm link"
        );
        assert_eq!(
            ours.linked_to_reoffending, theirs.linked_to_reoffending,
            "{key} reoffending link"
        );
    }
    assert_eq!(needs.accommodation.score, Some(4));
    assert_eq!(needs.drug_misuse.score, Some(3));
}

/// A valid answer to an item, so that the field it supplies is present.
fn sample(vocabulary: &Vocabulary) -> AnswerValue {
    use oasys_assessment_model::{Frequency, Injecting, RelationshipStatus};
    match vocabulary {
        Vocabulary::YesNo | Vocabulary::YesNoDontKnow | Vocabulary::YesNoMissing => {
            AnswerValue::Yes
        }
        Vocabulary::Problems { .. } => AnswerValue::Problems(1),
        Vocabulary::Frequency => AnswerValue::Frequency(Frequency::Daily),
        Vocabulary::RelationshipStatus => {
            AnswerValue::RelationshipStatus(RelationshipStatus::LivingTogether)
        }
        Vocabulary::Injecting => AnswerValue::Injecting(Injecting::Currently),
        Vocabulary::Date => AnswerValue::Date(date("2024-06-01")),
        Vocabulary::Count { min, .. } => AnswerValue::Count((*min).max(1)),
        Vocabulary::OffenceCode => AnswerValue::Code("02700".into()),
        Vocabulary::OffenceCategory {
            system: CategorySystem::Ogrs3,
        } => AnswerValue::Code(OGRS3_CATEGORIES[0].into()),
        Vocabulary::OffenceCategory {
            system: CategorySystem::Offence,
        } => AnswerValue::Code(OFFENCE_CATEGORIES[0].into()),
        other => panic!("no predictor input is read from a {other} item"),
    }
}

#[test]
fn every_input_field_names_where_an_assessment_supplies_it() {
    let as_json = |a: &Assessment| {
        serde_json::to_value(PredictorInput::from_assessment(a, &person())).expect("json")
    };
    let blank = as_json(&assessment(&[]));
    let fields = serde_json::to_value(PredictorInput::default()).expect("json");
    let fields = fields.as_object().expect("an object").keys();
    let questions = QuestionSet::current();
    let mut items = 0;
    for field in fields.filter(|f| !matches!(f.as_str(), "id" | "need_answers")) {
        match InputSource::of(field) {
            None => panic!("{field}: no source named"),
            Some(InputSource::Item(code)) => {
                let question = questions
                    .question(code)
                    .unwrap_or_else(|| panic!("{field}: no item {code} in the question set"));
                let answered = as_json(&assessment(&[(code, sample(&question.vocabulary))]));
                assert!(blank[field].is_null(), "{field} set without {code}");
                assert!(!answered[field].is_null(), "{field} not read from {code}");
                items += 1;
            }
            Some(InputSource::Person | InputSource::AssessmentDate) => {
                assert!(!blank[field].is_null(), "{field} not taken from the record");
            }
        }
    }
    assert_eq!(items, 64);
}

#[test]
fn ovp_is_calculated_from_an_assessment_that_answers_its_items() {
    use AnswerValue::*;
    let mut answers = vec![
        ("1.29", Date(date("2024-06-01"))),
        ("1.8", Count(18)),
        ("1.32", Count(4)),
        ("1.40", Count(1)),
        ("2.6", No),
        ("3.3", No),
        ("4.2", Yes),
        ("9.1", Problems(1)),
        ("9.2", Problems(0)),
        ("11.4", Problems(2)),
        ("12.1", Problems(1)),
    ];
    let without = assessment(&answers);
    let report = score(&PredictorInput::from_assessment(&without, &person()), None);
    assert_eq!(
        report.ovp.status,
        Status::NotCalculable,
        "10.6.1 unanswered"
    );
    answers.push(("10.6.1", Yes));
    let with = assessment(&answers);
    let report = score(&PredictorInput::from_assessment(&with, &person()), None);
    assert_eq!(
        report.ovp.status,
        Status::Calculated,
        "{:?}",
        report.ovp.reasons
    );
    let treatment = report
        .ovp
        .explanation
        .iter()
        .find(|f| f.factor == "psychiatric_treatment")
        .expect("the factor");
    assert!(
        treatment.contribution > 0.0,
        "Yes scores (spec 7.1): {treatment:?}"
    );
}
