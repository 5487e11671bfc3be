//! The demo: clearly fictional people and staff so a newcomer can sign in and try everything.
//! Seeded once, into a database without users; every password is printed at start-up.

use std::collections::BTreeSet;

use anyhow::{Context, Result, anyhow};
use chrono::{NaiveDate, Utc};
use oasys_app::{
    AccountProfile, AccountRepository, App, ApplyOptions, NewAssessmentRequest, RequestContext,
    UserAccount,
};
use oasys_assessment_model::{
    AnswerValue, CaseIds, Command, CourtReportTemplate, Crn, Gender, Layer, Location, Name,
    OrgCode, Person, Purpose, Rank,
};
use oasys_sharing_policy::{
    Actor, Agency, AgencyKind, Channel, ChildAge, ChildConcerned, ChildRelationship, LaoLists,
    LegalBasis, PurposeKind, RequestDraft, Requester, Role, TemplateSection, Urgency,
};
use oasys_storage::Database;
use uuid::Uuid;

use crate::serve::{RandomIds, SystemClock};

const TEAM: &str = "DEMO1";
const AREA: &str = "Demo Area";

/// (username, role, grade): every role a newcomer may want to try.
const STAFF: [(&str, Role, Option<u8>); 7] = [
    ("practitioner", Role::Practitioner, Some(3)),
    ("pso", Role::Practitioner, Some(1)),
    ("spo", Role::SeniorProbationOfficer, None),
    ("caseadmin", Role::CaseAdministrator, None),
    ("analyst", Role::Analyst, None),
    ("auditor", Role::Auditor, None),
    ("admin", Role::Administrator, None),
];

fn password(username: &str) -> String {
    format!("{username}-demo-password")
}

fn actor(username: &str, role: Role, grade: Option<u8>) -> Actor {
    let mut actor = Actor::new(username, role, AREA);
    actor.teams.insert(TEAM.to_owned());
    actor.grade = grade.and_then(|g| Rank::new(g).ok());
    if role.is_manager() {
        actor.managed_teams.insert(TEAM.to_owned());
    }
    actor
}

/// Seeds the demo unless the database already has users.
pub(crate) fn seed(app: &App<Database, SystemClock, RandomIds>) -> Result<()> {
    let store = app.store();
    if store
        .user("admin")
        .context("cannot read the users")?
        .is_some()
    {
        eprintln!("demo: the database already has users; nothing seeded");
        return Ok(());
    }
    for (username, role, grade) in STAFF {
        let hash = oasys_web::hash_password(&password(username))
            .map_err(|e| anyhow!("cannot hash a password: {e:?}"))?;
        let profile = AccountProfile {
            role,
            grade: grade.and_then(|g| Rank::new(g).ok()),
            area: AREA.to_owned(),
            teams: BTreeSet::from([TEAM.to_owned()]),
            managed_teams: if role.is_manager() {
                BTreeSet::from([TEAM.to_owned()])
            } else {
                BTreeSet::new()
            },
        };
        store
            .create_user(&UserAccount {
                username: username.to_owned(),
                password_hash: hash,
                profile,
                disabled: false,
                created_at: Utc::now(),
            })
            .with_context(|| format!("cannot create the demo user {username}"))?;
    }
    let ctx = RequestContext {
        correlation_id: Some("demo-seed".into()),
        justification: None,
    };
    let admin = actor("admin", Role::Administrator, None);
    let spo = actor("spo", Role::SeniorProbationOfficer, None);
    let po = actor("practitioner", Role::Practitioner, Some(3));
    let pso = actor("pso", Role::Practitioner, Some(1));
    app.set_team_area(&admin, TEAM, AREA, &ctx)?;
    let team = OrgCode::parse(TEAM).map_err(|e| anyhow!("{e}"))?;

    // Cobbleton's assessment waits for countersigning; Ellery has none yet, for a PSO to start;
    // Fairholme is a limited access case (below).
    let people = [
        "Ashdown",
        "Brightwell",
        "Cobbleton",
        "Dunmore",
        "Ellery",
        "Fairholme",
    ];
    let mut ids = Vec::new();
    for (i, family) in people.iter().enumerate() {
        let person = Person {
            id: Uuid::new_v4(),
            ids: CaseIds::new(Crn::parse(&format!("D{:06}", i + 1)).ok(), None, None)
                .map_err(|e| anyhow!("{e}"))?,
            family_name: Name::parse(&format!("{family} (demo)")).map_err(|e| anyhow!("{e}"))?,
            given_name: Name::parse("Sam").map_err(|e| anyhow!("{e}"))?,
            date_of_birth: NaiveDate::from_ymd_opt(1985 + i as i32, 3, 1 + i as u32)
                .context("date")?,
            gender: Gender::Male,
            location: Location::Community {
                pdu: OrgCode::parse("DEMOPDU").map_err(|e| anyhow!("{e}"))?,
                team: team.clone(),
            },
            ethnicity: None,
            sexually_motivated_offence_history: Some(false),
            sentence: None,
        };
        app.register_person(&admin, &person, &ctx)?;
        let manager = if i == 2 || i == 4 {
            "pso"
        } else {
            "practitioner"
        };
        app.allocate(&spo, person.id, manager, &team, &ctx)?;
        ids.push(person.id);
    }
    let new = NewAssessmentRequest {
        layer: Layer::Layer3Full,
        purpose: Purpose::StartOfCommunityOrder,
        court_report: CourtReportTemplate::None,
        clone_previous: false,
    };
    let history = [
        (
            "1.29",
            AnswerValue::Date(NaiveDate::from_ymd_opt(2026, 5, 12).context("date")?),
        ),
        ("1.8", AnswerValue::Count(17)),
        ("1.32", AnswerValue::Count(4)),
        ("1.40", AnswerValue::Count(1)),
        (
            "OFFENCE.OGRS3_CATEGORY",
            AnswerValue::Code("burglary_domestic".into()),
        ),
        (
            "OFFENCE.CATEGORY",
            AnswerValue::Code("burglary_domestic".into()),
        ),
        ("1.30", AnswerValue::No),
        ("3.3", AnswerValue::No),
        ("3.4", AnswerValue::Problems(1)),
        ("4.2", AnswerValue::Yes),
        ("9.1", AnswerValue::Problems(2)),
        ("9.2", AnswerValue::Problems(2)),
        ("9.99", AnswerValue::Yes),
    ];
    // Ashdown: an assessment in progress; Brightwell: locked, with a review date; Cobbleton: signed by
    // a PSO and waiting for the practitioner's countersignature; Dunmore: a sharing request.
    for (index, owner, lock) in [
        (0, &po, None),
        (1, &po, Some(None)),
        (2, &pso, Some(Some("practitioner"))),
    ] {
        let mut a = app.create_assessment(owner, ids[index], &new, &ctx)?;
        for (code, value) in &history {
            let command = Command::Answer {
                code: (*code).into(),
                value: value.clone(),
            };
            a = app.apply(
                owner,
                a.header().id,
                a.version(),
                command,
                &ApplyOptions::default(),
                &ctx,
            )?;
        }
        if let Some(countersigner) = lock {
            let options = ApplyOptions {
                countersigner: countersigner.map(str::to_owned),
                ..ApplyOptions::default()
            };
            let command = Command::LockIncomplete {
                reason: "demo: locked to show the next stage".into(),
            };
            app.apply(owner, a.header().id, a.version(), command, &options, &ctx)?;
        }
    }
    app.record_sharing_request(&po, ids[3], sharing_request()?, &ctx)?;
    // Fairholme: a limited access case. Only the practitioner may open it (stating why, once per
    // session); the PSO is excluded; the rest of the team see a "Restricted record" row.
    let lao = LaoLists {
        excluded: BTreeSet::from(["pso".to_owned()]),
        restricted_to: BTreeSet::from(["practitioner".to_owned()]),
        exclusion_message: Some(
            "You are excluded from this record. Ask the SPO about this case.".to_owned(),
        ),
        restriction_message: Some(
            "This record is restricted to its case manager. Ask the SPO if you need access."
                .to_owned(),
        ),
    };
    app.set_lao(&spo, ids[5], &lao, None, &ctx)?;

    eprintln!("demo: seeded fictional data; sign in with any of these (username / password):");
    for (username, role, _) in STAFF {
        eprintln!(
            "  {username:<13} {:<22} {}",
            role.code(),
            password(username)
        );
    }
    Ok(())
}

fn sharing_request() -> Result<RequestDraft> {
    Ok(RequestDraft {
        id: Uuid::new_v4(),
        received_at: Utc::now(),
        channel: Channel::Email,
        agency: Agency {
            name: "Demo Borough Children's Services".into(),
            kind: AgencyKind::ChildrensSocialCare,
        },
        requester: Requester {
            name: "Demo Social Worker".into(),
            role: "Social worker".into(),
            contact: "worker@example.invalid".into(),
        },
        legal_basis: LegalBasis::Ca1989S47,
        external_reference: "DEMO-001".into(),
        meeting_date: None,
        purpose_kind: PurposeKind::ChildSafeguarding,
        purpose: "Section 47 enquiry (demo)".into(),
        subject_crn: "D000004".into(),
        children: vec![ChildConcerned {
            name: "Demo Child".into(),
            age: ChildAge::ApproximateYears(7),
            relationship: ChildRelationship::PartnersChild,
            la_reference: None,
        }],
        scope_requested: TemplateSection::ALL.into_iter().collect(),
        urgency: Urgency::Standard,
        due_override: None,
    })
}
