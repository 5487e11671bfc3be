//! Shared fixtures: a locked assessment with a unique marker planted in every text answer,
//! a checked request, a case resource and a share decision.
#![allow(dead_code)]

use std::collections::{BTreeMap, BTreeSet};

use chrono::{DateTime, NaiveDate, TimeZone, Utc};
use oasys_assessment_model::{
    AnswerValue, Assessment, CURRENT_VERSION, CaseIds, Command, CourtReportTemplate, Crn, Gender,
    Layer, Location, Name, NewAssessment, OrgCode, Person, Purpose, QuestionSet, Rank, RiskLevel,
    Vocabulary,
};
use oasys_sharing_policy::*;
use uuid::Uuid;

pub const CRN: &str = "X123456";

pub fn now() -> DateTime<Utc> {
    Utc.with_ymd_and_hms(2026, 3, 2, 9, 0, 0).single().unwrap()
}

/// The marker planted in a question's text answer.
pub fn marker(code: &str) -> String {
    format!("MRK<{code}>")
}

/// Every text question code of the current set.
pub fn text_codes() -> Vec<String> {
    QuestionSet::current()
        .questions
        .iter()
        .filter(|q| matches!(q.vocabulary, Vocabulary::Text { .. }))
        .map(|q| q.code.clone())
        .collect()
}

pub fn person() -> Person {
    Person {
        id: Uuid::from_u128(1),
        ids: CaseIds::new(Crn::parse(CRN).ok(), None, None).unwrap(),
        family_name: Name::parse("Smith").unwrap(),
        given_name: Name::parse("Sam").unwrap(),
        date_of_birth: NaiveDate::from_ymd_opt(1990, 5, 1).unwrap(),
        gender: Gender::Male,
        location: Location::Community {
            pdu: OrgCode::parse("PDU1").unwrap(),
            team: OrgCode::parse("TEAM1").unwrap(),
        },
        ethnicity: None,
        sexually_motivated_offence_history: Some(false),
        sentence: None,
    }
}

/// A locked-incomplete assessment with markers in every text answer and a few structured facts.
pub fn assessment(lock: bool) -> Assessment {
    let mut a = Assessment::create(
        NewAssessment {
            id: Uuid::from_u128(2),
            layer: Layer::Layer3Full,
            purpose: Purpose::StartOfCommunityOrder,
            question_set_version: CURRENT_VERSION.to_owned(),
            predictor_set_version: "v4.11".to_owned(),
            team: OrgCode::parse("TEAM1").unwrap(),
            assessor: "SPO1".to_owned(),
            assessment_date: now().date_naive(),
            court_report: CourtReportTemplate::None,
        },
        &person(),
        now(),
    )
    .unwrap();
    let spo = oasys_assessment_model::Actor {
        id: "SPO1".into(),
        rank: Rank::new(4).unwrap(),
        signing_level: None,
    };
    let mut answers: BTreeMap<String, AnswerValue> = text_codes()
        .into_iter()
        .map(|c| (c.clone(), AnswerValue::Text(marker(&c))))
        .collect();
    for (code, value) in [
        ("1.30", AnswerValue::Yes),
        ("1.32", AnswerValue::Count(7)),
        ("2.2_V2_SEXUAL", AnswerValue::Yes),
        ("R1.3.2", AnswerValue::Yes),
        ("R1.4.16", AnswerValue::Yes),
        ("SUM6.1.1", AnswerValue::RiskLevel(RiskLevel::High)),
        ("SUM6.2.1", AnswerValue::RiskLevel(RiskLevel::Medium)),
        ("6.9", AnswerValue::Yes),
        ("11.2", AnswerValue::Problems(2)),
        ("10.5", AnswerValue::Problems(2)),
    ] {
        answers.insert(code.to_owned(), value);
    }
    for (code, value) in answers {
        a.apply(&spo, now(), Command::Answer { code, value })
            .unwrap();
    }
    if lock {
        a.apply(
            &spo,
            now(),
            Command::LockIncomplete {
                reason: "test fixture".into(),
            },
        )
        .unwrap();
    }
    a
}

pub fn request_draft() -> RequestDraft {
    RequestDraft {
        id: Uuid::from_u128(3),
        received_at: now(),
        channel: Channel::Email,
        agency: Agency {
            name: "Anytown Children's Services".into(),
            kind: AgencyKind::ChildrensSocialCare,
        },
        requester: Requester {
            name: "A Worker".into(),
            role: "Social worker".into(),
            contact: "aw@example.invalid".into(),
        },
        legal_basis: LegalBasis::Ca1989S47,
        external_reference: "LA-2026-001".into(),
        meeting_date: None,
        purpose_kind: PurposeKind::ChildSafeguarding,
        purpose: "Section 47 enquiry about the subject's partner's child".into(),
        subject_crn: CRN.into(),
        children: vec![ChildConcerned {
            name: "Child One".into(),
            age: ChildAge::ApproximateYears(6),
            relationship: ChildRelationship::PartnersChild,
            la_reference: Some("C-1".into()),
        }],
        scope_requested: TemplateSection::ALL.into_iter().collect(),
        urgency: Urgency::Standard,
        due_override: None,
    }
}

pub fn request() -> SharingRequest {
    SharingRequest::record(request_draft()).unwrap()
}

pub fn decider() -> Actor {
    let mut a = Actor::new("PO3", Role::Practitioner, "AREA1");
    a.grade = Rank::new(3).ok();
    a
}

pub fn spo(id: &str) -> Actor {
    let mut a = Actor::new(id, Role::SeniorProbationOfficer, "AREA1");
    a.managed_teams.insert("TEAM1".into());
    a
}

pub fn case(state: RequestState, decided_by: Option<&str>) -> Resource {
    Resource::Case(Box::new(CaseResource {
        person_id: Uuid::from_u128(1),
        responsible_team: "TEAM1".into(),
        area: "AREA1".into(),
        relationships: vec![Relationship {
            staff_id: "PO3".into(),
            kind: RelationshipKind::CaseManager,
            from: now() - chrono::Duration::days(30),
            until: None,
        }],
        lao: LaoLists::default(),
        assessment: None,
        sharing: Some(SharingFacts {
            request_id: Uuid::from_u128(3),
            state,
            urgency: Urgency::Standard,
            decided_by: decided_by.map(str::to_owned),
        }),
        as_at: now(),
    }))
}

pub fn statement() -> String {
    "This is needed to protect the named child from sexual harm in the household.".into()
}

pub fn draft(
    outcome: Outcome,
    sections: BTreeSet<TemplateSection>,
    exceptions: Vec<ItemException>,
) -> DecisionDraft {
    DecisionDraft {
        id: Uuid::from_u128(4),
        request_id: Uuid::from_u128(3),
        outcome,
        decided_at: now(),
        legal_basis_confirmed: LegalBasis::Ca1989S47,
        basis_note: None,
        necessity: statement(),
        proportionality:
            "Only the analysis relevant to children is shared; raw answers stay with probation."
                .into(),
        sections,
        exceptions,
        conditions: RecipientCondition::standard(),
        subject_informed: SubjectInformed::No {
            reason: "Informing him could put the child at risk.".into(),
        },
        decline_reason: (outcome == Outcome::Decline).then(|| DeclineReason {
            category: DeclineCategory::NotNecessary,
            text: "The enquiry has closed.".into(),
        }),
    }
}
