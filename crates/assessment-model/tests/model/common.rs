//! Fixtures shared by the integration tests: people, actors, dates and filled-in assessments.
//! Values are built from the question set so the fixtures follow its vocabulary.

use chrono::{DateTime, NaiveDate, TimeZone, Utc};
use oasys_assessment_model::*;
use uuid::Uuid;

pub fn d(y: i32, m: u32, day: u32) -> NaiveDate {
    NaiveDate::from_ymd_opt(y, m, day).unwrap_or_default()
}

pub fn t(y: i32, m: u32, day: u32) -> DateTime<Utc> {
    Utc.with_ymd_and_hms(y, m, day, 10, 0, 0)
        .single()
        .unwrap_or_default()
}

pub fn org(code: &str) -> OrgCode {
    OrgCode::parse(code).expect("fixture org code")
}

pub fn person_with(id: u128, location: Location, release: Option<NaiveDate>) -> Person {
    Person {
        id: Uuid::from_u128(id),
        ids: CaseIds::new(
            Crn::parse("X123456").ok(),
            NomisId::parse("A1234BC").ok(),
            None,
        )
        .unwrap_or_else(|e| panic!("fixture ids: {e}")),
        family_name: Name::parse("Smith").unwrap_or_else(|e| panic!("{e}")),
        given_name: Name::parse("Sam").unwrap_or_else(|e| panic!("{e}")),
        date_of_birth: d(1990, 5, 1),
        gender: Gender::Male,
        location,
        ethnicity: Some(Ethnicity::PreferNotToSay),
        sexually_motivated_offence_history: Some(false),
        sentence: Some(SentenceFacts {
            sentence_type: "SC".into(),
            sentence_date: Some(d(2026, 1, 10)),
            expected_end: None,
            earliest_release: release,
            licence_end: None,
        }),
    }
}

pub fn person() -> Person {
    person_with(
        1,
        Location::Community {
            pdu: org("PDU1"),
            team: org("TEAM1"),
        },
        None,
    )
}

pub fn custody_person(release: Option<NaiveDate>) -> Person {
    person_with(
        1,
        Location::Custody {
            establishment: org("MDI"),
        },
        release,
    )
}

pub fn new_assessment(id: u128, layer: Layer) -> NewAssessment {
    NewAssessment {
        id: Uuid::from_u128(id),
        layer,
        purpose: Purpose::StartOfCommunityOrder,
        question_set_version: CURRENT_VERSION.to_owned(),
        predictor_set_version: "v4.11".to_owned(),
        team: org("TEAM1"),
        assessor: "PO1".to_owned(),
        assessment_date: d(2026, 2, 1),
        court_report: CourtReportTemplate::None,
    }
}

pub fn open(layer: Layer) -> Assessment {
    Assessment::create(new_assessment(100, layer), &person(), t(2026, 2, 1))
        .unwrap_or_else(|e| panic!("create: {e}"))
}

pub fn actor(id: &str, rank: u8) -> Actor {
    Actor {
        id: id.to_owned(),
        rank: Rank::new(rank).unwrap_or_else(|e| panic!("{e}")),
        signing_level: None,
    }
}

pub fn assessor() -> Actor {
    actor("PO1", 3)
}

/// Applies a command as the assessor and panics with the error when refused (test helper).
pub fn must(a: &mut Assessment, who: &Actor, command: Command) -> Event {
    a.apply(who, t(2026, 2, 2), command)
        .unwrap_or_else(|e| panic!("refused: {e:?}"))
}

pub fn set(a: &mut Assessment, code: &str, value: AnswerValue) {
    must(
        a,
        &assessor(),
        Command::Answer {
            code: code.to_owned(),
            value,
        },
    );
}

/// A valid, "no concern" value for a vocabulary.
pub fn default_value(code: &str, vocabulary: &Vocabulary) -> AnswerValue {
    match vocabulary {
        Vocabulary::YesNo | Vocabulary::YesNoDontKnow | Vocabulary::YesNoMissing => AnswerValue::No,
        Vocabulary::Problems { .. } => AnswerValue::Problems(0),
        Vocabulary::Frequency => AnswerValue::Frequency(Frequency::Occasional),
        Vocabulary::RelationshipStatus => {
            AnswerValue::RelationshipStatus(RelationshipStatus::NotInRelationship)
        }
        Vocabulary::RiskLevel => AnswerValue::RiskLevel(RiskLevel::Low),
        Vocabulary::Injecting => AnswerValue::Injecting(Injecting::Never),
        Vocabulary::Date => AnswerValue::Date(match code {
            "OFFENCE.DATE" => d(2025, 12, 1),
            _ => d(2026, 1, 10),
        }),
        Vocabulary::Count { min, .. } => {
            AnswerValue::Count(if code == "1.8" { 15 } else { (*min).max(2) })
        }
        Vocabulary::OffenceCode => AnswerValue::Code("02700".into()),
        Vocabulary::OffenceCategory { .. } => AnswerValue::Code("other_offences".into()),
        Vocabulary::Choice { options } => {
            AnswerValue::Code(options.first().cloned().unwrap_or_default())
        }
        Vocabulary::MultiSelect { .. } => AnswerValue::Options(Vec::new()),
        Vocabulary::Text { .. } => AnswerValue::Text("recorded".into()),
    }
}

/// Answers every item mandatory for the layer, the offence code and, on Layer 3, the whole matrix (Low).
pub fn fill(a: &mut Assessment) {
    let layer = a.header().layer;
    let qs = a.question_set();
    let mut codes: Vec<(String, AnswerValue)> = qs
        .questions
        .iter()
        .filter(|q| q.required.for_layer(layer))
        .map(|q| (q.code.clone(), default_value(&q.code, &q.vocabulary)))
        .collect();
    codes.push(("OFFENCE.CODE".into(), AnswerValue::Code("02700".into())));
    if layer == Layer::Layer3Full {
        for group in RiskGroup::ALL {
            for setting in RiskSetting::ALL {
                if group.applies_in(setting) {
                    codes.push((
                        rosh::matrix_code(group, setting),
                        AnswerValue::RiskLevel(RiskLevel::Low),
                    ));
                }
            }
        }
    }
    for (code, value) in codes {
        set(a, &code, value);
    }
}

pub fn complete(layer: Layer, signer: &Actor) -> Assessment {
    let mut a = open(layer);
    fill(&mut a);
    must(
        &mut a,
        signer,
        Command::Sign {
            plan_agreed: Some(true),
        },
    );
    a
}

/// Asserts that the command was refused as an illegal transition.
pub fn illegal(result: Result<Event, LifecycleError>, command: &str) {
    match result {
        Err(LifecycleError::IllegalTransition { command: c, .. }) => assert_eq!(c, command),
        other => panic!("expected illegal {command}, got {other:?}"),
    }
}
