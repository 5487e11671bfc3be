//! The app's use cases against this storage (SQLite), as the composition root runs them: every action checked by the policy and audited,
//! optimistic concurrency, the one-open-assessment rule, LAO exclusion, scoring, plans and a
//! sharing request from record to disclosure package.

mod support;

use chrono::{NaiveDate, TimeZone, Utc};
use oasys_app::{
    AccountProfile, AccountRepository, AppError, ApplyOptions, AuditEntry, AuditLog, AuditQuery,
    CaseAccessRepository, ChainReport, NewAssessmentRequest, Operation, Planned, RequestContext,
    ReviewScope, UserAccount,
};
use oasys_assessment_model::{
    AnswerValue, Assessment, Command, CourtReportTemplate, Layer, OrgCode, Person, Purpose, Rank,
    State,
};
use oasys_sharing_policy::{
    Actor, DecisionDraft, DenyCode, LaoLists, LegalBasis, Outcome, RecipientCondition,
    RequestDraft, Role, SubjectInformed, TemplateSection, Urgency,
};
use uuid::Uuid;

use support::{TestApp, example_person, request_draft, sqlite_app};

struct World {
    app: TestApp,
    _dir: tempfile::TempDir,
    person: Person,
}

const AREA: &str = "AREA1";

fn staff(id: &str, role: Role, rank: u8) -> Actor {
    let mut actor = Actor::new(id, role, AREA);
    actor.teams.insert("T1".into());
    if matches!(role, Role::Practitioner) {
        actor.grade = Rank::new(rank).ok();
    }
    if matches!(role, Role::SeniorProbationOfficer) {
        actor.managed_teams.insert("T1".into());
    }
    actor
}

/// Stores an account (the nominated countersigner is looked up by it).
fn account(w: &World, username: &str, role: Role, rank: u8) {
    w.app
        .store()
        .create_user(&UserAccount {
            username: username.to_owned(),
            password_hash: "$argon2id$unused".to_owned(),
            profile: AccountProfile {
                role,
                grade: Rank::new(rank).ok(),
                area: AREA.to_owned(),
                teams: ["T1".to_owned()].into(),
                managed_teams: Default::default(),
            },
            disabled: false,
            created_at: Utc::now(),
        })
        .expect("account");
}

fn ctx() -> RequestContext {
    RequestContext {
        correlation_id: Some("test".into()),
        justification: None,
    }
}

fn world() -> World {
    let dir = tempfile::tempdir().expect("temp dir");
    let app = sqlite_app(&dir);
    let person = example_person();
    let admin = staff("ADMIN", Role::Administrator, 0);
    app.register_person(&admin, &person, &ctx())
        .expect("register");
    app.set_team_area(&admin, "T1", AREA, &ctx())
        .expect("team area");
    let spo = staff("SPO1", Role::SeniorProbationOfficer, 0);
    app.allocate(
        &spo,
        person.id,
        "PO1",
        &OrgCode::parse("T1").expect("team"),
        &ctx(),
    )
    .expect("allocate");
    World {
        app,
        _dir: dir,
        person,
    }
}

/// The audit entries about the world's person, read by an auditor (at most 100).
fn person_audit(w: &World) -> Vec<AuditEntry> {
    w.app
        .audit_entries(
            &staff("AUD1", Role::Auditor, 0),
            &AuditQuery {
                person: Some(w.person.id),
                limit: 100,
                ..AuditQuery::default()
            },
            &RequestContext {
                correlation_id: None,
                justification: Some("monthly access review".into()),
            },
        )
        .expect("audit")
}

fn new_assessment() -> NewAssessmentRequest {
    NewAssessmentRequest {
        layer: Layer::Layer3Full,
        purpose: Purpose::StartOfCommunityOrder,
        court_report: CourtReportTemplate::None,
        clone_previous: false,
    }
}

fn answer(code: &str, value: AnswerValue) -> Command {
    Command::Answer {
        code: code.into(),
        value,
    }
}

#[test]
fn the_case_manager_assesses_and_scores_and_others_are_refused() {
    let w = world();
    let po1 = staff("PO1", Role::Practitioner, 3);
    let a = w
        .app
        .create_assessment(&po1, w.person.id, &new_assessment(), &ctx())
        .expect("create");
    assert_eq!(a.version(), 1);

    let mut version = a.version();
    for command in [
        answer(
            "1.29",
            AnswerValue::Date(NaiveDate::from_ymd_opt(2025, 6, 1).expect("date")),
        ),
        answer("1.8", AnswerValue::Count(16)),
        answer("1.32", AnswerValue::Count(5)),
        answer(
            "OFFENCE.OGRS3_CATEGORY",
            AnswerValue::Code("burglary_domestic".into()),
        ),
        answer("3.3", AnswerValue::Yes),
        answer("3.4", AnswerValue::Problems(2)),
    ] {
        version = w
            .app
            .apply(
                &po1,
                a.header().id,
                version,
                command,
                &ApplyOptions::default(),
                &ctx(),
            )
            .expect("answer")
            .version();
    }
    let scored = w
        .app
        .score_assessment(&po1, a.header().id, None, &ctx())
        .expect("score");
    assert!(
        scored.report.ogrs3.is_calculated(),
        "{:?}",
        scored.report.ogrs3.reasons
    );
    assert_eq!(
        scored.report.needs.accommodation.identified_need,
        Some(true)
    );

    // A stale version is a conflict carrying the current one.
    let stale = w.app.apply(
        &po1,
        a.header().id,
        1,
        answer("3.5", AnswerValue::Problems(1)),
        &ApplyOptions::default(),
        &ctx(),
    );
    assert!(
        matches!(stale, Err(AppError::Conflict { current_version: Some(v), .. }) if v == version),
        "{stale:?}"
    );

    // Someone with no relationship to the case is refused, and the refusal is audited.
    let other = staff("PO9", Role::Practitioner, 3);
    let refused = w.app.assessment(&other, a.header().id, &ctx());
    assert!(
        matches!(&refused, Err(AppError::Denied(d)) if d.code == DenyCode::NotInCaseload),
        "{refused:?}"
    );
    let entries = person_audit(&w);
    assert!(
        entries
            .iter()
            .any(|e| e.entry.actor == "PO9" && e.entry.operation == Operation::Security)
    );
    assert!(
        entries
            .iter()
            .any(|e| e.entry.actor == "PO1" && e.entry.operation == Operation::Consultation)
    );
    assert!(matches!(
        w.app.verify_audit(&staff("AUD1", Role::Auditor, 0), &ctx()),
        Ok(ChainReport::Intact { .. })
    ));
    // A practitioner may not read the audit log.
    assert!(matches!(
        w.app.verify_audit(&po1, &ctx()),
        Err(AppError::Denied(_))
    ));

    // Only one assessment in progress per person.
    let second = w
        .app
        .create_assessment(&po1, w.person.id, &new_assessment(), &ctx());
    assert!(matches!(second, Err(AppError::Invalid(_))), "{second:?}");

    // Locking stores the review date; it shows in the reviews due.
    let locked = w
        .app
        .apply(
            &po1,
            a.header().id,
            version,
            Command::LockIncomplete {
                reason: "sentence started".into(),
            },
            &ApplyOptions::default(),
            &ctx(),
        )
        .expect("lock");
    assert!(!matches!(locked.state(), State::Open));
    let due = w
        .app
        .reviews_due(
            &po1,
            &ReviewScope::Practitioner("PO1".into()),
            NaiveDate::from_ymd_opt(2027, 1, 1).expect("date"),
            10,
            &ctx(),
        )
        .expect("reviews due");
    assert_eq!(due.len(), 1);
    assert_eq!(w.app.caseload(&po1, &ctx()).expect("caseload").len(), 1);
}

#[test]
fn an_excluded_user_loses_the_case() {
    let w = world();
    let po1 = staff("PO1", Role::Practitioner, 3);
    let spo = staff("SPO1", Role::SeniorProbationOfficer, 0);
    let lao = LaoLists {
        excluded: ["PO1".to_owned()].into(),
        ..LaoLists::default()
    };
    w.app
        .set_lao(&spo, w.person.id, &lao, None, &ctx())
        .expect("set lao");
    let refused = w.app.person(&po1, w.person.id, &ctx());
    assert!(
        matches!(&refused, Err(AppError::Denied(d)) if d.code == DenyCode::Excluded),
        "{refused:?}"
    );
    // Still in the team: the case shows as a placeholder row, never the person.
    let caseload = w.app.caseload(&po1, &ctx()).expect("caseload");
    assert!(
        matches!(caseload.as_slice(), [oasys_app::Listed::Restricted(row)] if row.person_id == w.person.id),
        "{caseload:?}"
    );
}

#[test]
fn a_sharing_request_goes_from_record_to_package() {
    let w = world();
    let po1 = staff("PO1", Role::Practitioner, 3);
    let a = w
        .app
        .create_assessment(&po1, w.person.id, &new_assessment(), &ctx())
        .expect("create");
    let text = "Analysis: concerns about contact with children were discussed with the person.";
    let v = w
        .app
        .apply(
            &po1,
            a.header().id,
            1,
            answer("6.97", AnswerValue::Text(text.into())),
            &ApplyOptions::default(),
            &ctx(),
        )
        .expect("answer")
        .version();
    w.app
        .apply(
            &po1,
            a.header().id,
            v,
            Command::LockIncomplete {
                reason: "court deadline".into(),
            },
            &ApplyOptions::default(),
            &ctx(),
        )
        .expect("lock");

    let request = w
        .app
        .record_sharing_request(
            &po1,
            w.person.id,
            RequestDraft {
                id: Uuid::from_u128(0x77),
                ..request_draft(Urgency::Standard)
            },
            &ctx(),
        )
        .expect("record request");
    let draft = decision_draft(request.record.id, Outcome::ShareFull);
    let decision = w
        .app
        .decide_sharing_request(&po1, request.record.id, draft.clone(), &ctx())
        .expect("decide");
    assert_eq!(decision.outcome(), Outcome::ShareFull);
    // A decision cannot be taken twice (the request's state no longer allows deciding).
    let again = w
        .app
        .decide_sharing_request(&po1, request.record.id, draft, &ctx());
    assert!(
        matches!(again, Err(AppError::Denied(_) | AppError::Invalid(_))),
        "{again:?}"
    );
    let package = w
        .app
        .build_disclosure(&po1, request.record.id, &ctx())
        .expect("package");
    assert_eq!(package.request_id, request.record.id);
    assert!(!package.items.is_empty());
}

#[test]
fn a_decision_without_justification_is_rejected_and_a_declined_request_yields_no_package() {
    let w = world();
    let po1 = staff("PO1", Role::Practitioner, 3);
    let request = w
        .app
        .record_sharing_request(
            &po1,
            w.person.id,
            RequestDraft {
                id: Uuid::from_u128(0x77),
                ..request_draft(Urgency::Standard)
            },
            &ctx(),
        )
        .expect("record");
    let mut draft = decision_draft(request.record.id, Outcome::ShareFull);
    draft.necessity = String::new();
    assert!(matches!(
        w.app
            .decide_sharing_request(&po1, request.record.id, draft, &ctx()),
        Err(AppError::Invalid(_))
    ));
    let mut decline = decision_draft(request.record.id, Outcome::Decline);
    decline.decline_reason = Some(oasys_sharing_policy::DeclineReason {
        category: oasys_sharing_policy::DeclineCategory::NotNecessary,
        text: "The enquiry closed before a decision was needed.".into(),
    });
    w.app
        .decide_sharing_request(&po1, request.record.id, decline, &ctx())
        .expect("decline");
    assert!(
        w.app
            .build_disclosure(&po1, request.record.id, &ctx())
            .is_err()
    );
}

#[test]
fn plans_are_drafted_and_changed_with_optimistic_concurrency() {
    let w = world();
    let po1 = staff("PO1", Role::Practitioner, 3);
    let a = w
        .app
        .create_assessment(&po1, w.person.id, &new_assessment(), &ctx())
        .expect("create");
    let mut v = 1;
    for command in [
        answer("3.3", AnswerValue::Yes),
        answer("3.4", AnswerValue::Problems(2)),
        answer("3.99", AnswerValue::Yes),
    ] {
        v = w
            .app
            .apply(
                &po1,
                a.header().id,
                v,
                command,
                &ApplyOptions::default(),
                &ctx(),
            )
            .expect("answer")
            .version();
    }
    let stored = w
        .app
        .draft_plan(&po1, a.header().id, &ctx())
        .expect("draft");
    assert!(!stored.plan.objectives().is_empty());
    let note = || {
        vec![oasys_sentence_plan::PlanChange::Note {
            text: "Agreed to meet weekly".into(),
        }]
    };
    let revision = w
        .app
        .change_plan(&po1, stored.plan.id(), stored.revision, note(), &ctx())
        .expect("save")
        .revision;
    assert_eq!(revision, 2);
    let stale = w
        .app
        .change_plan(&po1, stored.plan.id(), stored.revision, note(), &ctx());
    assert!(
        matches!(
            stale,
            Err(AppError::Conflict {
                current_version: Some(2),
                ..
            })
        ),
        "{stale:?}"
    );
    assert_eq!(
        w.app
            .plan(&po1, stored.plan.id(), &ctx())
            .expect("plan")
            .revision,
        2
    );
}

fn decision_draft(request_id: Uuid, outcome: Outcome) -> DecisionDraft {
    DecisionDraft {
        id: Uuid::from_u128(0x78),
        request_id,
        outcome,
        decided_at: Utc
            .with_ymd_and_hms(2026, 3, 2, 9, 0, 0)
            .single()
            .expect("time"),
        legal_basis_confirmed: LegalBasis::Ca1989S47,
        basis_note: None,
        necessity:
            "The local authority needs the risk analysis to protect the child named in the request."
                .into(),
        proportionality:
            "Only the analysis relevant to children is shared; raw answers stay with probation."
                .into(),
        sections: TemplateSection::ALL.into_iter().collect(),
        exceptions: Vec::new(),
        conditions: RecipientCondition::standard(),
        subject_informed: SubjectInformed::No {
            reason: "Informing him could put the child at risk.".into(),
        },
        decline_reason: None,
    }
}

#[test]
fn reading_the_audit_log_states_its_purpose() {
    let w = world();
    let auditor = staff("AUD1", Role::Auditor, 0);
    let unstated = w.app.audit_entries(
        &auditor,
        &AuditQuery {
            limit: 10,
            ..AuditQuery::default()
        },
        &ctx(),
    );
    assert!(
        matches!(unstated, Err(AppError::JustificationRequired)),
        "{unstated:?}"
    );
}

#[test]
fn a_low_grade_signature_goes_to_the_nominated_countersigner() {
    let w = world();
    // A rank 1 practitioner allocated the case: every locked assessment needs countersigning.
    let spo = staff("SPO1", Role::SeniorProbationOfficer, 0);
    w.app
        .allocate(
            &spo,
            w.person.id,
            "PSO1",
            &OrgCode::parse("T1").expect("team"),
            &ctx(),
        )
        .expect("allocate");
    let pso = staff("PSO1", Role::Practitioner, 1);
    let a = w
        .app
        .create_assessment(&pso, w.person.id, &new_assessment(), &ctx())
        .expect("create");
    let lock = Command::LockIncomplete {
        reason: "court deadline".into(),
    };
    let unnominated = w.app.apply(
        &pso,
        a.header().id,
        1,
        lock.clone(),
        &ApplyOptions::default(),
        &ctx(),
    );
    assert!(
        matches!(unnominated, Err(AppError::Invalid(_))),
        "{unnominated:?}"
    );
    // A nominee who could never countersign is refused at once, naming why; nothing changes.
    account(&w, "PSO1", Role::Practitioner, 1);
    account(&w, "PSO2", Role::Practitioner, 1);
    account(&w, "GONE", Role::SeniorProbationOfficer, 4);
    w.app.store().set_disabled("GONE", true).expect("disable");
    for (nominee, why) in [
        ("NOBODY", "no active account"),
        ("GONE", "no active account"),
        ("PSO1", "the signer cannot countersign"),
        ("PSO2", "rank 1 cannot countersign"),
    ] {
        let options = ApplyOptions {
            countersigner: Some(nominee.into()),
            ..ApplyOptions::default()
        };
        let refused = w
            .app
            .apply(&pso, a.header().id, 1, lock.clone(), &options, &ctx());
        match refused {
            Err(AppError::Invalid(errors)) => {
                assert!(
                    errors[0].contains(nominee) && errors[0].contains(why),
                    "{errors:?}"
                );
            }
            other => panic!("{nominee}: {other:?}"),
        }
    }
    account(&w, "PO1", Role::Practitioner, 3);
    let nominated = ApplyOptions {
        countersigner: Some("PO1".into()),
        ..ApplyOptions::default()
    };
    let awaiting = w
        .app
        .apply(&pso, a.header().id, 1, lock, &nominated, &ctx())
        .expect("lock");
    assert!(
        matches!(awaiting.state(), State::AwaitingCountersign { .. }),
        "{:?}",
        awaiting.state()
    );
    // The nominated countersigner (an approved PO outside the allocation) can now act on it.
    let po1 = staff("PO1", Role::Practitioner, 3);
    assert!(w.app.assessment(&po1, a.header().id, &ctx()).is_ok());
    assert_eq!(
        w.app.countersign_tasks(&po1, &ctx()).expect("tasks").len(),
        1
    );
    let done = w
        .app
        .apply(
            &po1,
            a.header().id,
            awaiting.version(),
            Command::Countersign {
                send_for_second: false,
            },
            &ApplyOptions::default(),
            &ctx(),
        )
        .expect("countersign");
    assert!(
        !matches!(done.state(), State::AwaitingCountersign { .. }),
        "{:?}",
        done.state()
    );
    // The task ended with the countersignature, and with it the countersigner's access.
    assert!(
        w.app
            .countersign_tasks(&po1, &ctx())
            .expect("tasks")
            .is_empty()
    );
    for refused in [
        w.app.assessment(&po1, a.header().id, &ctx()).map(drop),
        w.app.person(&po1, w.person.id, &ctx()).map(drop),
    ] {
        assert!(matches!(refused, Err(AppError::Denied(_))), "{refused:?}");
    }
}

#[test]
fn a_second_assessment_can_be_cloned_from_the_locked_one() {
    let w = world();
    let po1 = staff("PO1", Role::Practitioner, 3);
    let a = w
        .app
        .create_assessment(&po1, w.person.id, &new_assessment(), &ctx())
        .expect("create");
    let v = w
        .app
        .apply(
            &po1,
            a.header().id,
            1,
            answer("3.4", AnswerValue::Problems(1)),
            &ApplyOptions::default(),
            &ctx(),
        )
        .expect("answer")
        .version();
    w.app
        .apply(
            &po1,
            a.header().id,
            v,
            Command::LockIncomplete {
                reason: "sentence started".into(),
            },
            &ApplyOptions::default(),
            &ctx(),
        )
        .expect("lock");
    let clone = NewAssessmentRequest {
        clone_previous: true,
        purpose: Purpose::Review,
        ..new_assessment()
    };
    let b = w
        .app
        .create_assessment(&po1, w.person.id, &clone, &ctx())
        .expect("clone");
    assert_ne!(b.header().id, a.header().id);
    assert_eq!(b.answer("3.4"), Some(&AnswerValue::Problems(1)));
}

#[test]
fn the_request_must_be_about_this_person_and_a_case_administrator_cannot_draft_a_package() {
    let w = world();
    let po1 = staff("PO1", Role::Practitioner, 3);
    let mut wrong = RequestDraft {
        id: Uuid::from_u128(0x77),
        ..request_draft(Urgency::Standard)
    };
    wrong.subject_crn = "Y654321".into();
    assert!(matches!(
        w.app
            .record_sharing_request(&po1, w.person.id, wrong, &ctx()),
        Err(AppError::Invalid(_))
    ));
    let request = w
        .app
        .record_sharing_request(
            &po1,
            w.person.id,
            RequestDraft {
                id: Uuid::from_u128(0x77),
                ..request_draft(Urgency::Standard)
            },
            &ctx(),
        )
        .expect("record");
    let decision = w
        .app
        .decide_sharing_request(
            &po1,
            request.record.id,
            decision_draft(request.record.id, Outcome::ShareFull),
            &ctx(),
        )
        .expect("decide");
    assert_ne!(
        decision.record.id,
        Uuid::from_u128(0x78),
        "ids are made by the service"
    );
    let admin = staff("CA1", Role::CaseAdministrator, 0);
    let refused = w.app.build_disclosure(&admin, request.record.id, &ctx());
    assert!(matches!(refused, Err(AppError::Denied(_))), "{refused:?}");
}

#[test]
fn a_rejected_request_is_audited_even_though_it_changed_nothing() {
    let w = world();
    let po1 = staff("PO1", Role::Practitioner, 3);
    let a = w
        .app
        .create_assessment(&po1, w.person.id, &new_assessment(), &ctx())
        .expect("create");
    let stale = w.app.apply(
        &po1,
        a.header().id,
        7,
        answer("3.4", AnswerValue::Problems(1)),
        &ApplyOptions::default(),
        &ctx(),
    );
    assert!(matches!(stale, Err(AppError::Conflict { .. })), "{stale:?}");
    let auditor = staff("AUD1", Role::Auditor, 0);
    let purpose = RequestContext {
        correlation_id: None,
        justification: Some("security review".into()),
    };
    let entries = w
        .app
        .audit_entries(
            &auditor,
            &AuditQuery {
                limit: 500,
                ..AuditQuery::default()
            },
            &purpose,
        )
        .expect("audit");
    assert!(
        entries.iter().any(|e| e.entry.actor == "PO1"
            && e.entry.action == "request_rejected"
            && e.entry.outcome
                == oasys_app::AuditOutcome::Denied {
                    code: "conflict".into()
                }),
        "no rejection event"
    );
    // The assessment itself is unchanged.
    assert_eq!(
        w.app
            .assessment(&po1, a.header().id, &ctx())
            .expect("read")
            .version(),
        1
    );
}

#[test]
fn a_planned_save_reads_once_and_is_refused_or_stale_like_any_other() {
    let w = world();
    let po1 = staff("PO1", Role::Practitioner, 3);
    let outsider = {
        let mut actor = Actor::new("PO9", Role::Practitioner, "AREA9");
        actor.grade = Rank::new(3).ok();
        actor
    };
    let a = w
        .app
        .create_assessment(&po1, w.person.id, &new_assessment(), &ctx())
        .expect("create");
    let id = a.header().id;
    let options = ApplyOptions::default();
    let plan = |value: u8| {
        move |seen: &Assessment| {
            assert_eq!(seen.header().id, id, "the plan sees the stored version");
            Some(vec![answer("3.4", AnswerValue::Problems(value))])
        }
    };
    let saved = w
        .app
        .apply_planned(&po1, id, 1, plan(2), &options, &ctx())
        .expect("save");
    let Planned::Applied(saved) = saved else {
        panic!("the commands were applied: {saved:?}");
    };
    assert_eq!(saved.version(), 2);
    // Read to be changed: the saved version holds only the event this save made.
    let state = |a: &Assessment| serde_json::to_value(a.without_events()).expect("json");
    let stored = w.app.assessment(&po1, id, &ctx()).expect("read");
    assert_eq!(state(&stored), state(&saved), "stored as returned");
    assert!(stored.events().is_empty(), "a view reads no log");
    let log = w
        .app
        .assessment_events(&po1, id, 0, 10, &ctx())
        .expect("the log");
    assert_eq!(log.len(), 2);
    assert_eq!(saved.events(), &log[1..]);
    // Nothing planned: the stored version comes back as a read.
    let read = w
        .app
        .apply_planned(&po1, id, 2, |_| None, &options, &ctx())
        .expect("read");
    let Planned::Read(read) = read else {
        panic!("nothing was planned: {read:?}");
    };
    assert_eq!(state(&read), state(&stored));
    assert!(read.events().is_empty());
    // A stale version is a conflict; a caller outside the case is refused either way and
    // nothing is written.
    let stale = w.app.apply_planned(&po1, id, 1, plan(1), &options, &ctx());
    assert!(
        matches!(
            stale,
            Err(AppError::Conflict {
                current_version: Some(2),
                ..
            })
        ),
        "{stale:?}"
    );
    for planned in [true, false] {
        let refused = w.app.apply_planned(
            &outsider,
            id,
            2,
            |_| planned.then(|| vec![answer("3.4", AnswerValue::Problems(0))]),
            &options,
            &ctx(),
        );
        assert!(matches!(refused, Err(AppError::Denied(_))), "{refused:?}");
    }
    assert_eq!(
        w.app.assessment(&po1, id, &ctx()).expect("read").version(),
        2
    );
}

#[test]
fn the_event_log_is_read_a_page_at_a_time_by_those_who_may_see_the_assessment() {
    let w = world();
    let po1 = staff("PO1", Role::Practitioner, 3);
    let a = w
        .app
        .create_assessment(&po1, w.person.id, &new_assessment(), &ctx())
        .expect("create");
    let id = a.header().id;
    for (version, value) in [(1, 1), (2, 2), (3, 0)] {
        w.app
            .apply(
                &po1,
                id,
                version,
                answer("3.4", AnswerValue::Problems(value)),
                &ApplyOptions::default(),
                &ctx(),
            )
            .expect("answer");
    }
    let first = w
        .app
        .assessment_events(&po1, id, 0, 3, &ctx())
        .expect("first page");
    let rest = w
        .app
        .assessment_events(&po1, id, 3, 3, &ctx())
        .expect("second page");
    assert_eq!(
        first
            .iter()
            .chain(&rest)
            .map(|e| e.version)
            .collect::<Vec<_>>(),
        [1, 2, 3, 4]
    );
    assert!(first.iter().chain(&rest).all(|e| e.actor == "PO1"));
    for limit in [0, oasys_app::PAGE_MAX + 1] {
        let refused = w.app.assessment_events(&po1, id, 0, limit, &ctx());
        assert!(matches!(refused, Err(AppError::Invalid(_))), "{refused:?}");
    }
    let other = staff("PO9", Role::Practitioner, 3);
    let refused = w.app.assessment_events(&other, id, 0, 10, &ctx());
    assert!(
        matches!(&refused, Err(AppError::Denied(d)) if d.code == DenyCode::NotInCaseload),
        "{refused:?}"
    );
    // Each page read is a consultation of the case, and the refusal a security event.
    let entries = person_audit(&w);
    let consultations = entries
        .iter()
        .filter(|e| e.entry.actor == "PO1" && e.entry.operation == Operation::Consultation)
        .count();
    assert_eq!(consultations, 2, "one per page read");
    assert!(
        entries
            .iter()
            .any(|e| e.entry.actor == "PO9" && e.entry.operation == Operation::Security)
    );
}

#[test]
fn a_person_has_one_assessment_in_progress_and_only_the_latest_is_rolled_back() {
    let w = world();
    let po1 = staff("PO1", Role::Practitioner, 3);
    let spo = staff("SPO1", Role::SeniorProbationOfficer, 0);
    let opts = ApplyOptions::default();
    let do_ = |who: &Actor, id: Uuid, command: Command| {
        let version = w.app.assessment(who, id, &ctx()).expect("read").version();
        w.app.apply(who, id, version, command, &opts, &ctx())
    };
    let lock = || Command::LockIncomplete {
        reason: "sentence started".into(),
    };
    let rollback = || Command::Rollback {
        reason: "a wrong answer".into(),
    };
    let refused = |result: Result<Assessment, AppError>, says: &str| match result {
        Err(AppError::Invalid(errors)) => {
            assert!(errors[0].contains(says), "{errors:?}");
        }
        other => panic!("expected a refusal ({says}): {other:?}"),
    };
    let first = w
        .app
        .create_assessment(&po1, w.person.id, &new_assessment(), &ctx())
        .expect("create")
        .header()
        .id;
    do_(&po1, first, lock()).expect("lock the first");
    let second = w
        .app
        .create_assessment(&po1, w.person.id, &new_assessment(), &ctx())
        .expect("a second once the first is locked")
        .header()
        .id;
    refused(
        do_(&spo, first, rollback()),
        "already has an assessment in progress",
    );
    do_(&po1, second, lock()).expect("lock the second");
    refused(do_(&spo, first, rollback()), "only the person's latest");
    do_(&spo, second, rollback()).expect("the latest is rolled back");

    // A deleted draft is not restored beside another one in progress.
    do_(
        &po1,
        second,
        Command::Delete {
            reason: "started in error".into(),
        },
    )
    .expect("delete the draft");
    let third = w
        .app
        .create_assessment(&po1, w.person.id, &new_assessment(), &ctx())
        .expect("a new draft once the other is deleted");
    let restore = Command::Restore {
        reason: "needed after all".into(),
    };
    refused(
        do_(&spo, second, restore.clone()),
        "already has an assessment in progress",
    );
    do_(
        &po1,
        third.header().id,
        Command::Delete {
            reason: "the other one after all".into(),
        },
    )
    .expect("delete the new draft");
    do_(&spo, second, restore).expect("restored when nothing else is in progress");
}

#[test]
fn taking_a_name_off_the_lao_lists_needs_a_second_manager() {
    let w = world();
    let spo = staff("SPO1", Role::SeniorProbationOfficer, 0);
    let excluded = LaoLists {
        excluded: ["PO1".to_owned(), "PO2".to_owned()].into(),
        ..LaoLists::default()
    };
    w.app
        .set_lao(&spo, w.person.id, &excluded, None, &ctx())
        .expect("adding takes effect at once");
    account(&w, "SPO1", Role::SeniorProbationOfficer, 4);
    account(&w, "PO3", Role::Practitioner, 3);
    let mut manager = w.app.store().user("PO3").expect("read").expect("PO3");
    manager.username = "SPO2".to_owned();
    manager.profile.role = Role::SeniorProbationOfficer;
    manager.profile.managed_teams = ["T1".to_owned()].into();
    w.app.store().create_user(&manager).expect("SPO2");
    let fewer = LaoLists {
        excluded: ["PO2".to_owned()].into(),
        ..LaoLists::default()
    };
    let unapproved = w.app.set_lao(&spo, w.person.id, &fewer, None, &ctx());
    assert!(
        matches!(&unapproved, Err(AppError::Conflict { reason, .. }) if reason.contains("PO1")),
        "{unapproved:?}"
    );
    for (approver, why) in [
        ("SPO1", "second person"),
        ("PO1", "themselves"),
        ("NOBODY", "no active account"),
        ("PO3", "only a senior probation officer"),
    ] {
        match w
            .app
            .set_lao(&spo, w.person.id, &fewer, Some(approver), &ctx())
        {
            Err(AppError::Invalid(errors)) => {
                assert!(errors[0].contains(why), "{approver}: {errors:?}");
            }
            other => panic!("{approver}: {other:?}"),
        }
    }
    let lists = |w: &World| {
        w.app
            .store()
            .case_access(w.person.id)
            .expect("read")
            .expect("known")
            .lao
    };
    assert_eq!(lists(&w), excluded, "nothing changed while refused");
    w.app
        .set_lao(&spo, w.person.id, &fewer, Some("SPO2"), &ctx())
        .expect("approved by a second manager");
    assert_eq!(lists(&w), fewer);
    let approvals: Vec<_> = w
        .app
        .store()
        .query(&AuditQuery {
            limit: 1000,
            ..AuditQuery::default()
        })
        .expect("audit")
        .into_iter()
        .filter(|e| e.entry.action == "lao_removal_approved")
        .collect();
    assert_eq!(approvals.len(), 1);
    assert_eq!(approvals[0].entry.actor, "SPO1");
    assert_eq!(
        approvals[0].entry.details,
        serde_json::json!({ "removed": ["PO1"], "approved_by": "SPO2" })
    );
}
