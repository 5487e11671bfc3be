//! Fixtures shared by the integration tests: a person, dates and assessments answered from pairs.
//! Assessments are built through assessment-model's own commands so they stay valid.

use chrono::{DateTime, NaiveDate, TimeZone, Utc};
use oasys_assessment_model::*;
use oasys_sentence_plan::*;
use uuid::Uuid;

pub fn d(m: u32, day: u32) -> NaiveDate {
    NaiveDate::from_ymd_opt(2026, m, day).unwrap_or_default()
}

pub fn at(date: NaiveDate) -> DateTime<Utc> {
    Utc.from_utc_datetime(&date.and_hms_opt(10, 0, 0).unwrap_or_default())
}

pub fn org(code: &str) -> OrgCode {
    OrgCode::parse(code).unwrap_or_else(|e| panic!("{e}"))
}

pub fn person_in(location: Location) -> Person {
    Person {
        id: Uuid::from_u128(1),
        ids: CaseIds::new(Crn::parse("X123456").ok(), None, None).unwrap_or_else(|e| panic!("{e}")),
        family_name: Name::parse("Smith").unwrap_or_else(|e| panic!("{e}")),
        given_name: Name::parse("Sam").unwrap_or_else(|e| panic!("{e}")),
        date_of_birth: NaiveDate::from_ymd_opt(1990, 5, 1).unwrap_or_default(),
        gender: Gender::Male,
        location,
        ethnicity: None,
        sexually_motivated_offence_history: None,
        sentence: None,
    }
}

pub fn person() -> Person {
    person_in(Location::Community {
        pdu: org("PDU1"),
        team: org("TEAM1"),
    })
}

pub fn custody() -> Person {
    person_in(Location::Custody {
        establishment: org("MDI"),
    })
}

pub fn po() -> oasys_assessment_model::Actor {
    oasys_assessment_model::Actor {
        id: "PO1".into(),
        rank: Rank::new(4).unwrap_or_else(|e| panic!("{e}")),
        signing_level: None,
    }
}

/// The assessment date of every fixture assessment.
pub const ASSESSED: (u32, u32) = (2, 2);

pub fn assessment_with(id: u128, pairs: &[(&str, AnswerValue)]) -> Assessment {
    let date = d(ASSESSED.0, ASSESSED.1);
    let new = NewAssessment {
        id: Uuid::from_u128(id),
        layer: Layer::Layer3Full,
        purpose: Purpose::StartOfCommunityOrder,
        question_set_version: CURRENT_VERSION.to_owned(),
        predictor_set_version: "v4.11".to_owned(),
        team: org("TEAM1"),
        assessor: "PO1".to_owned(),
        assessment_date: date,
        court_report: CourtReportTemplate::None,
    };
    let mut a = Assessment::create(new, &person(), at(date)).unwrap_or_else(|e| panic!("{e}"));
    for (code, value) in pairs {
        a.apply(
            &po(),
            at(date),
            Command::Answer {
                code: (*code).to_owned(),
                value: value.clone(),
            },
        )
        .unwrap_or_else(|e| panic!("{code}: {e}"));
    }
    a
}

pub fn text(t: &str) -> AnswerValue {
    AnswerValue::Text(t.to_owned())
}

pub fn p(n: u8) -> AnswerValue {
    AnswerValue::Problems(n)
}

pub fn ids() -> impl FnMut() -> Uuid {
    let mut next = 1000u128;
    move || {
        next += 1;
        Uuid::from_u128(next)
    }
}

pub fn options(today: NaiveDate, setting: RiskSetting) -> DraftOptions {
    DraftOptions {
        plan_id: Uuid::from_u128(500),
        plan_type: PlanType::Initial,
        today,
        setting,
        interventions_per_objective: 3,
    }
}

pub fn plan_for(a: &Assessment, created: NaiveDate) -> SentencePlan {
    SentencePlan::new(NewPlan::for_assessment(
        Uuid::from_u128(500),
        PlanType::Initial,
        a,
        created,
    ))
    .unwrap_or_else(|e| panic!("{e}"))
}

pub fn objective(id: u128, links: Vec<Link>, target: Option<NaiveDate>) -> NewObjective {
    NewObjective {
        id: Uuid::from_u128(id),
        title: format!("objective {id}"),
        text: String::new(),
        links,
        measure: "reviewed at supervision".into(),
        target_date: target,
    }
}

pub fn step(id: u128, timescale: Timescale) -> NewIntervention {
    NewIntervention {
        id: Uuid::from_u128(id),
        catalogue_code: None,
        text: format!("step {id}"),
        actors: vec![StepActor::Person],
        timescale,
    }
}

pub fn agreed(on: NaiveDate) -> Agreement {
    Agreement {
        status: AgreementStatus::Agreed,
        date: Some(on),
        note: None,
        recorded_by: None,
    }
}

pub fn accommodation() -> Link {
    Link::Need(Section::Accommodation)
}
